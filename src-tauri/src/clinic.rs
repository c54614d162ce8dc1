//! One open clinic database and everything that works on it: the flows, the outbox and its
//! dispatcher, the preview folder, its keyring entries and this workstation's session in it.
//! The app holds one at a time and swaps it (to the demo clinic and back) without a restart.

use std::sync::{Arc, Mutex};

use rand::rngs::OsRng;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use vetdesk_core::database::DatabaseLocation;
use vetdesk_core::limits::LimitConfig;
use vetdesk_core::ports::PasswordHashing;
use vetdesk_core::recovery::{Recovery, RecoveryParts};
use vetdesk_core::seal::Sealer;
use vetdesk_core::session::Actor;
use vetdesk_core::token::CodePepper;
use vetdesk_core::{Clock, CoreError, SystemClock};
use vetdesk_mail::PreviewOutbox;
use vetdesk_runtime::{BlockingHashing, RangeLookup};
use vetdesk_secrets::SecretStore;
use vetdesk_store::sqlite::CountedTable;
use vetdesk_store::{demo, SqliteStore};

use crate::database::ClinicStore;
use crate::keyring::OsKeyring;
use crate::state::Paths;

/// This workstation's secret keys, the same whichever clinic is open.
#[derive(Clone)]
pub struct WorkstationKeys {
    /// Seals queued reset links.
    pub sealer: Arc<Sealer>,
    /// Keys the digests of typed codes.
    pub pepper: CodePepper,
}

pub struct Clinic {
    /// The demo clinic: fictional people, mail previews that show their secrets, and files and
    /// keyring entries of its own. Never the clinic's real database.
    pub demo: bool,
    /// Shared with the tasks that answer forgot-password and code entry at their deadline.
    pub recovery: Arc<Recovery>,
    pub store: ClinicStore,
    /// Where the database is: this computer's file, or the clinic's server.
    pub location: DatabaseLocation,
    pub preview: PreviewOutbox,
    /// This clinic's keyring entries (the SMTP password). The demo has its own, so that its
    /// admins, whose password is public, can neither read nor replace the real clinic's.
    pub secrets: Arc<dyn SecretStore>,
    pub sealer: Arc<Sealer>,
    pub outbox_wake: Arc<Notify>,
    /// Wakes the bulk-invitation runner when a job is stored.
    pub bulk_wake: Arc<Notify>,
    /// This workstation's session; a session id means nothing in another clinic's database.
    session: Mutex<Option<i64>>,
    /// Ends this clinic's outbox dispatcher.
    stop: CancellationToken,
}

impl Clinic {
    /// Opens (and creates) the database `paths` names; the demo clinic's is seeded on first use.
    pub async fn open(
        paths: &Paths,
        secrets: Arc<dyn SecretStore>,
        keys: WorkstationKeys,
    ) -> Result<Self, CoreError> {
        let WorkstationKeys { sealer, pepper } = keys;
        let location = crate::database::load(paths)?;
        let store = match &location {
            DatabaseLocation::Local => {
                let database = paths.database();
                crate::owner_only::create_file(&database).map_err(|e| {
                    CoreError::Internal(format!("cannot create {}: {e}", database.display()))
                })?;
                let store = SqliteStore::open(&database).await?;
                if paths.demo {
                    seed_demo(&store).await?;
                }
                ClinicStore::Local(store)
            }
            DatabaseLocation::Server(address) => {
                ClinicStore::Server(crate::database::open_server(address, secrets.clone()).await?)
            }
        };
        let outbox_wake = Arc::new(Notify::new());
        let wake = outbox_wake.clone();
        let recovery = Arc::new(Recovery::new(RecoveryParts {
            store: store.all(),
            sealer: sealer.clone(),
            pepper,
            hashing: Arc::new(BlockingHashing),
            breach: Arc::new(RangeLookup::default()),
            keyring: Arc::new(OsKeyring::new(secrets.clone())),
            clock: Arc::new(SystemClock),
            limits: LimitConfig::default(),
            rng: Box::new(OsRng),
            outbox_wake: Box::new(move || wake.notify_one()),
        }));
        Ok(Self {
            demo: paths.demo,
            recovery,
            store,
            location,
            preview: PreviewOutbox::new(paths.preview_dir()),
            secrets,
            sealer,
            outbox_wake,
            bulk_wake: Arc::new(Notify::new()),
            session: Mutex::new(None),
            stop: CancellationToken::new(),
        })
    }

    pub fn session_id(&self) -> Option<i64> {
        *self.session.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_session(&self, id: Option<i64>) {
        *self.session.lock().unwrap_or_else(|e| e.into_inner()) = id;
    }

    /// The signed-in staff member, unless the screen is locked; forgets the session if it has
    /// ended (after a reset, or at the end of its lifetime).
    pub async fn actor(&self, ws: &str) -> Result<Actor, CoreError> {
        let result = self.recovery.actor(self.session_id(), ws).await;
        self.forget_ended(result)
    }

    /// The signed-in staff member and whether the screen is locked.
    pub async fn signed_in(&self, ws: &str) -> Result<(Actor, bool), CoreError> {
        let result = self.recovery.signed_in(self.session_id(), ws).await;
        self.forget_ended(result)
    }

    /// Forgets the session when `result` says it has ended.
    pub fn forget_ended<T>(&self, result: Result<T, CoreError>) -> Result<T, CoreError> {
        if matches!(result, Err(CoreError::NotSignedIn)) {
            self.set_session(None);
        }
        result
    }

    /// Cancelled when the clinic closes; its dispatcher stops then.
    pub fn stopped(&self) -> CancellationToken {
        self.stop.clone()
    }

    /// Stops the dispatcher and signs this workstation out. Queued mail waits in the database
    /// for the next time the clinic opens.
    pub async fn close(&self, ws: &str) {
        self.stop.cancel();
        let session = self
            .session
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(session) = session {
            if let Err(e) = self.recovery.logout(session, ws).await {
                tracing::warn!(error = %e, "could not end the session of the closed clinic");
            }
        }
    }
}

/// Fills an empty demo database with the demo clinic.
async fn seed_demo(store: &SqliteStore) -> Result<(), CoreError> {
    if store.count(CountedTable::Staff).await? > 0 {
        return Ok(());
    }
    // One hash for every demo account: they share a password that the README prints anyway,
    // and argon2 for each of them would hold up the first start for seconds.
    let hash = BlockingHashing
        .hash(demo::DEMO_PASSWORD.to_string())
        .await?;
    if demo::seed_if_empty(store, SystemClock.now(), |_| hash.clone()).await? {
        tracing::info!("created the demo clinic");
    }
    Ok(())
}
