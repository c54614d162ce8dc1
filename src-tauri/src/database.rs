//! Where this workstation's clinic database is: the SQLite file in its data folder (the
//! default), or the clinic's PostgreSQL server, as `database.json` in the data folder says. The
//! server's password is never in that file: it is in the OS keyring. The demo clinic is always
//! a file of its own.

use std::sync::Arc;

use vetdesk_core::database::{DatabaseLocation, ServerAddress};
use vetdesk_core::ports::{OutboxStore, SettingsStore, Store};
use vetdesk_core::{CoreError, CoreResult, Sensitive, StoreError};
use vetdesk_secrets::SecretStore;
use vetdesk_store::postgres::connect::{self, SchemaState};
use vetdesk_store::postgres::ConnectError;
use vetdesk_store::{PgStore, SqliteStore};

use crate::paths::Paths;

/// The keyring entry of the clinic server's password.
pub const DATABASE_PASSWORD: &str = "database-password";

/// The location `paths` records; the file when none is recorded, and always for the demo.
pub fn load(paths: &Paths) -> CoreResult<DatabaseLocation> {
    if paths.demo {
        return Ok(DatabaseLocation::Local);
    }
    let file = paths.database_location();
    let text = match std::fs::read_to_string(&file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(DatabaseLocation::Local),
        Err(e) => {
            return Err(CoreError::Internal(format!(
                "cannot read {}: {e}",
                file.display()
            )))
        }
    };
    let location: DatabaseLocation = serde_json::from_str(&text).map_err(|e| {
        CoreError::Internal(format!(
            "{} is not a database location VetDesk wrote: {e}",
            file.display()
        ))
    })?;
    match location {
        DatabaseLocation::Local => Ok(DatabaseLocation::Local),
        DatabaseLocation::Server(address) => Ok(DatabaseLocation::Server(address.validated()?)),
    }
}

/// Records `location` for the next start, owner-only; the file goes when it is the local one.
pub fn save(paths: &Paths, location: &DatabaseLocation) -> CoreResult<()> {
    let file = paths.database_location();
    let failed =
        |e: std::io::Error| CoreError::Internal(format!("cannot write {}: {e}", file.display()));
    match location {
        DatabaseLocation::Local => match std::fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(failed(e)),
            _ => Ok(()),
        },
        DatabaseLocation::Server(_) => {
            let text = serde_json::to_string_pretty(location)
                .map_err(|e| CoreError::Internal(e.to_string()))?;
            let partial = file.with_extension("json.partial");
            crate::owner_only::create_file(&partial).map_err(failed)?;
            std::fs::write(&partial, text).map_err(failed)?;
            std::fs::rename(&partial, &file).map_err(failed)
        }
    }
}

/// How the status bar names the database: `None` for this computer's file.
pub fn name(location: &DatabaseLocation) -> Option<String> {
    match location {
        DatabaseLocation::Local => None,
        DatabaseLocation::Server(a) => Some(format!("{} on {}", a.database, a.host)),
    }
}

/// The server password in the keyring. Blocking.
pub fn stored_password(secrets: &dyn SecretStore) -> CoreResult<Option<Sensitive<String>>> {
    secrets
        .get(DATABASE_PASSWORD)
        .map_err(|e| CoreError::Keyring(e.to_string()))
}

/// Opens the clinic on the server at `address`, with the password in `secrets`, and `true`.
/// When the server does not answer and this computer has a copy of the clinic
/// (`offline_ready`): a store that connects once it answers, and `false`, the desk starting
/// offline.
pub async fn open_server_or_later(
    address: &ServerAddress,
    secrets: Arc<dyn SecretStore>,
    offline_ready: bool,
) -> CoreResult<(PgStore, bool)> {
    let options = server_options(address, secrets).await?;
    match PgStore::open(options.clone()).await {
        Ok(store) => Ok((store, true)),
        Err(e) if offline_ready && e.kind() == "unreachable" => {
            tracing::warn!(error = %e, "the clinic database cannot be reached; starting offline");
            Ok((PgStore::unopened(options), false))
        }
        Err(e) => Err(unavailable(e)),
    }
}

async fn server_options(
    address: &ServerAddress,
    secrets: Arc<dyn SecretStore>,
) -> CoreResult<vetdesk_store::postgres::PgConnectOptions> {
    let password = tokio::task::spawn_blocking(move || stored_password(secrets.as_ref()))
        .await
        .map_err(|e| CoreError::Internal(e.to_string()))??;
    Ok(connect::options(
        address,
        password.as_ref().map(|p| p.expose().as_str()),
    ))
}

/// What Test connection found: a database this workstation can use, or why not.
pub async fn test(
    address: &ServerAddress,
    password: Option<&str>,
) -> Result<SchemaState, ConnectError> {
    connect::test_connection(&connect::options(address, password)).await
}

fn unavailable(e: ConnectError) -> CoreError {
    CoreError::Store(StoreError::Unavailable(e.to_string()))
}

/// The clinic's database as this workstation opened it: each store handed out as the trait its
/// user needs.
#[derive(Clone, Debug)]
pub enum ClinicStore {
    Local(SqliteStore),
    Server(PgStore),
}

impl ClinicStore {
    pub fn all(&self) -> Arc<dyn Store> {
        match self {
            ClinicStore::Local(s) => Arc::new(s.clone()),
            ClinicStore::Server(s) => Arc::new(s.clone()),
        }
    }

    pub fn outbox(&self) -> Arc<dyn OutboxStore> {
        match self {
            ClinicStore::Local(s) => Arc::new(s.clone()),
            ClinicStore::Server(s) => Arc::new(s.clone()),
        }
    }

    pub fn settings(&self) -> Arc<dyn SettingsStore> {
        match self {
            ClinicStore::Local(s) => Arc::new(s.clone()),
            ClinicStore::Server(s) => Arc::new(s.clone()),
        }
    }

    /// The SQLite file, when the clinic is in one.
    pub fn local(&self) -> Option<&SqliteStore> {
        match self {
            ClinicStore::Local(s) => Some(s),
            ClinicStore::Server(_) => None,
        }
    }

    pub async fn close(&self) {
        match self {
            ClinicStore::Local(s) => s.close().await,
            ClinicStore::Server(s) => s.close().await,
        }
    }
}
