//! The clinic database and the recovery flows over it, as the server opens them.

use std::path::Path;
use std::sync::Arc;

use rand::rngs::OsRng;
use vetdesk_core::limits::LimitConfig;
use vetdesk_core::ports::Store;
use vetdesk_core::recovery::{Recovery, RecoveryParts};
use vetdesk_core::seal::Sealer;
use vetdesk_core::token::CodePepper;
use vetdesk_core::SystemClock;
use vetdesk_runtime::{BlockingHashing, RangeLookup};
use vetdesk_store::SqliteStore;

use crate::keyring::NoSmtpPassword;

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

/// The recovery flows as the server uses them.
///
/// The code pepper and the sealing key are random for each run. In this phase the server never
/// checks a typed code, so no code digest has to match one made on a workstation, and it queues
/// no email that carries sealed secrets (the "password changed" notice carries none), so nothing
/// it seals has to be opened by a dispatcher. The portal pages and the dispatcher will need the
/// clinic's shared keys; they come from the environment then, never from the command line.
pub fn recovery(store: Arc<dyn Store>) -> Arc<Recovery> {
    Arc::new(Recovery::new(RecoveryParts {
        store,
        sealer: Arc::new(Sealer::new(&Sealer::generate_key())),
        pepper: CodePepper::new(CodePepper::generate()),
        hashing: Arc::new(BlockingHashing),
        breach: Arc::new(RangeLookup::default()),
        keyring: Arc::new(NoSmtpPassword),
        clock: Arc::new(SystemClock),
        limits: LimitConfig::default(),
        rng: Box::new(OsRng),
        // No dispatcher runs in this process yet; the workstations' dispatchers poll the outbox
        // and send the notices this server queues.
        outbox_wake: Box::new(|| {}),
    }))
}

/// How this server names itself in the audit log and in the core's per-workstation limits.
pub fn workstation_name() -> String {
    format!("server:{}", gethostname::gethostname().to_string_lossy())
}
