//! The clinic database and the recovery flows over it, as the server opens them.

use std::path::Path;
use std::sync::Arc;

use rand::rngs::OsRng;
use vetdesk_core::database::ServerAddress;
use vetdesk_core::limits::LimitConfig;
use vetdesk_core::ports::Store;
use vetdesk_core::recovery::{Recovery, RecoveryParts};
use vetdesk_core::seal::Sealer;
use vetdesk_core::token::CodePepper;
use vetdesk_core::Sensitive;
use vetdesk_core::SystemClock;
use vetdesk_runtime::{BlockingHashing, RangeLookup};
use vetdesk_store::{postgres, PgStore, SqliteStore};

use crate::keyring::FileKeyring;

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(
        "There is no database at {0}. Set up the clinic in VetDesk first, or check the path \
         given to --database."
    )]
    Missing(String),
    #[error("The clinic database at {path} could not be opened: {reason}")]
    Store { path: String, reason: String },
}

/// Opens the clinic database that VetDesk set up, bringing its schema up to date. A missing
/// file is an error rather than a new, empty clinic: a mistyped path must not look like a
/// clinic without staff.
pub async fn open_sqlite(path: &Path) -> Result<SqliteStore, OpenError> {
    if !path.is_file() {
        return Err(OpenError::Missing(path.display().to_string()));
    }
    SqliteStore::open(path).await.map_err(|e| OpenError::Store {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

/// Connects to the clinic's PostgreSQL server, bringing its schema up to date; refuses a
/// database that is not VetDesk's or that a newer VetDesk upgraded, and leaves it as it is.
pub async fn open_postgres(
    address: &ServerAddress,
    password: Option<&Sensitive<String>>,
) -> Result<PgStore, OpenError> {
    let options = postgres::connect::options(address, password.map(|p| p.expose().as_str()));
    PgStore::open(options).await.map_err(|e| OpenError::Store {
        path: address.url(),
        reason: e.to_string(),
    })
}

/// The recovery flows as the server uses them.
///
/// `sealer` is the clinic's outbox key when the server was given it, so that whatever the
/// server queues can be opened by every dispatcher of the clinic; without it a random key
/// stands in, since the pages then queue nothing that carries a sealed secret (the "password
/// changed" notices carry none). The code pepper is random for each run: the server never
/// checks a typed code, so no code digest has to match one made on a workstation. `wake`
/// tells this server's dispatcher that a page queued an email.
pub fn recovery(
    store: Arc<dyn Store>,
    sealer: Arc<Sealer>,
    keyring: FileKeyring,
    wake: Box<dyn Fn() + Send + Sync>,
) -> Arc<Recovery> {
    Arc::new(Recovery::new(RecoveryParts {
        store,
        sealer,
        pepper: CodePepper::new(CodePepper::generate()),
        hashing: Arc::new(BlockingHashing),
        breach: Arc::new(RangeLookup::default()),
        keyring: Arc::new(keyring),
        clock: Arc::new(SystemClock),
        limits: LimitConfig::default(),
        rng: Box::new(OsRng),
        outbox_wake: wake,
    }))
}

/// How this server names itself in the audit log and in the core's per-workstation limits.
pub fn workstation_name() -> String {
    format!("server:{}", gethostname::gethostname().to_string_lossy())
}
