//! Reaching the clinic's PostgreSQL server, and what stands in the way, in words an office
//! manager can act on: the server cannot be reached, the user or password is wrong, TLS is not
//! offered or the certificate does not check out, the database is not VetDesk's, or it was
//! upgraded by a newer VetDesk. A database that is not VetDesk's, or is newer, is left exactly as
//! it was found.

use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgSslMode};
use sqlx::{ConnectOptions, Connection, PgConnection};
use vetdesk_core::database::{DatabaseTls, ServerAddress};
use vetdesk_core::StoreError;

use crate::error::map_pg as map;

/// The clinic schema this app brings a database to.
pub(super) static MIGRATOR: Migrator = sqlx::migrate!("migrations/postgres");

/// How long a first connection may take before the server counts as unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(
        "Cannot reach the database server at {server} ({detail}). Check the server's name and \
         port, that PostgreSQL runs there and listens on the network, and that no firewall \
         stands between."
    )]
    Unreachable { server: String, detail: String },
    #[error("The database server refused the user {user}: check the user name and the password.")]
    Authentication { user: String },
    #[error(
        "The server has no database named {database}. Ask for it to be created (empty), or check \
         its name."
    )]
    NoDatabase { database: String },
    #[error(
        "The database server does not offer TLS. Turn TLS on in the server's settings (ssl = on \
         in postgresql.conf); TLS can be off only for a server on this computer."
    )]
    TlsNotOffered,
    #[error(
        "The database server's certificate could not be verified ({0}). Check the CA file, and \
         that the server's name is the one its certificate was issued for."
    )]
    Certificate(String),
    #[error(
        "The database {database} already holds tables that are not VetDesk's, and was left as it \
         is. Choose an empty database, or the clinic's VetDesk database."
    )]
    NotVetDesk { database: String },
    #[error(
        "The clinic database was upgraded by a newer VetDesk (schema {found}; this app knows up \
         to {known}) and was left as it is. Update VetDesk on this computer."
    )]
    NewerSchema { found: i64, known: i64 },
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl ConnectError {
    /// A stable word for the screens and tests.
    pub fn kind(&self) -> &'static str {
        match self {
            ConnectError::Unreachable { .. } => "unreachable",
            ConnectError::Authentication { .. } => "authentication",
            ConnectError::NoDatabase { .. } => "no_database",
            ConnectError::TlsNotOffered => "tls_not_offered",
            ConnectError::Certificate(_) => "certificate",
            ConnectError::NotVetDesk { .. } => "not_vetdesk",
            ConnectError::NewerSchema { .. } => "newer_schema",
            ConnectError::Store(_) => "database",
        }
    }
}

impl From<ConnectError> for StoreError {
    fn from(err: ConnectError) -> Self {
        match err {
            ConnectError::Store(e) => e,
            ConnectError::Unreachable { .. } => StoreError::Unavailable(err.to_string()),
            other => StoreError::Other(other.to_string()),
        }
    }
}

/// What the database holds before this app touches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaState {
    /// No tables: VetDesk sets it up.
    Empty,
    /// VetDesk's, at schema `version`; older than this app's when below [`known_version`].
    VetDesk { version: i64 },
}

/// The newest schema this app knows.
pub fn known_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// The connection options for `address`, signing in with `password`. Nothing is read from the
/// environment or a `.pgpass` file: what the screen shows is what is used.
pub fn options(address: &ServerAddress, password: Option<&str>) -> PgConnectOptions {
    let mut options = PgConnectOptions::new_without_pgpass()
        .port(address.port)
        .database(&address.database)
        .username(&address.user)
        .application_name("VetDesk");
    options = if address.host.starts_with('/') {
        options.socket(&address.host)
    } else {
        options.host(&address.host)
    };
    if let Some(password) = password {
        options = options.password(password);
    }
    options = match &address.tls {
        DatabaseTls::Off => options.ssl_mode(PgSslMode::Disable),
        DatabaseTls::Required => options.ssl_mode(PgSslMode::Require),
        DatabaseTls::VerifyFull { ca_file } => {
            let options = options.ssl_mode(PgSslMode::VerifyFull);
            match ca_file {
                Some(ca) => options.ssl_root_cert(ca),
                None => options,
            }
        }
    };
    options.disable_statement_logging()
}

/// Connects once, within [`CONNECT_TIMEOUT`], and says why not in the words above.
pub(super) async fn connect_once(options: &PgConnectOptions) -> Result<PgConnection, ConnectError> {
    let server = format!("{}:{}", options.get_host(), options.get_port());
    match tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(options)).await {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err(e)) => Err(classify(e, options)),
        Err(_) => Err(ConnectError::Unreachable {
            server,
            detail: format!("no answer within {} seconds", CONNECT_TIMEOUT.as_secs()),
        }),
    }
}

fn classify(err: sqlx::Error, options: &PgConnectOptions) -> ConnectError {
    let server = format!("{}:{}", options.get_host(), options.get_port());
    match &err {
        // rustls reports a certificate it refuses as invalid data on the stream.
        sqlx::Error::Io(e) if e.to_string().contains("certificate") => {
            ConnectError::Certificate(e.to_string())
        }
        // The CA file verify-full names is read as the connection turns to TLS; a network
        // error is never "not found" or "permission denied".
        sqlx::Error::Io(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied
            ) =>
        {
            ConnectError::Certificate(format!("the CA file cannot be read: {e}"))
        }
        sqlx::Error::Io(e) => ConnectError::Unreachable {
            server,
            detail: e.to_string(),
        },
        sqlx::Error::Tls(e) if e.to_string().contains("does not support TLS") => {
            ConnectError::TlsNotOffered
        }
        sqlx::Error::Tls(e) => ConnectError::Certificate(e.to_string()),
        sqlx::Error::Database(db) => match db.code().as_deref() {
            Some("28P01" | "28000") => ConnectError::Authentication {
                user: options.get_username().to_string(),
            },
            Some("3D000") => ConnectError::NoDatabase {
                database: options.get_database().unwrap_or_default().to_string(),
            },
            _ => ConnectError::Store(map(err)),
        },
        sqlx::Error::PoolTimedOut => ConnectError::Unreachable {
            server,
            detail: "no connection became free in time".into(),
        },
        _ => ConnectError::Store(map(err)),
    }
}

/// What the database holds: empty, VetDesk's at some schema, or something else (refused).
pub(super) async fn inspect(
    conn: &mut PgConnection,
    options: &PgConnectOptions,
) -> Result<SchemaState, ConnectError> {
    let database = options.get_database().unwrap_or_default().to_string();
    let (has_migrations, tables): (bool, i64) = sqlx::query_as(
        "SELECT to_regclass(quote_ident(current_schema()) || '._sqlx_migrations') IS NOT NULL, \
         (SELECT count(*) FROM pg_tables WHERE schemaname = current_schema())",
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(map)?;
    if !has_migrations {
        return if tables == 0 {
            Ok(SchemaState::Empty)
        } else {
            Err(ConnectError::NotVetDesk { database })
        };
    }
    let first = MIGRATOR.iter().find(|m| m.version == 1);
    let first_checksum: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT checksum FROM _sqlx_migrations WHERE version = 1")
            .fetch_optional(&mut *conn)
            .await
            .map_err(map)?;
    let ours = first.map(|m| m.checksum.to_vec());
    if first_checksum.is_none() || first_checksum != ours {
        return Err(ConnectError::NotVetDesk { database });
    }
    let version: i64 =
        sqlx::query_scalar("SELECT coalesce(max(version), 0) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut *conn)
            .await
            .map_err(map)?;
    if version > known_version() {
        return Err(ConnectError::NewerSchema {
            found: version,
            known: known_version(),
        });
    }
    Ok(SchemaState::VetDesk { version })
}

/// Connects to `options` and says what the database holds, changing nothing: the Test
/// connection button.
pub async fn test_connection(options: &PgConnectOptions) -> Result<SchemaState, ConnectError> {
    let mut conn = connect_once(options).await?;
    let state = inspect(&mut conn, options).await;
    let _ = conn.close().await;
    state
}
