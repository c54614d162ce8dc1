//! One open clinic database and everything that works on it: the flows, the outbox and its
//! dispatcher, the preview folder, its keyring entries and this workstation's session in it.
//! The app holds one at a time and swaps it (to the demo clinic and back) without a restart.

use std::sync::{Arc, Mutex};

use rand::rngs::OsRng;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use vetdesk_core::database::DatabaseLocation;
use vetdesk_core::limits::LimitConfig;
use vetdesk_core::ports::{PasswordHashing, Store};
use vetdesk_core::recovery::{Recovery, RecoveryParts};
use vetdesk_core::seal::Sealer;
use vetdesk_core::session::Actor;
use vetdesk_core::token::CodePepper;
use vetdesk_core::{Clock, CoreError, SystemClock};
use vetdesk_mail::PreviewOutbox;
use vetdesk_runtime::{BlockingHashing, RangeLookup};
use vetdesk_secrets::SecretStore;
use vetdesk_store::queue::ActionQueue;
use vetdesk_store::sqlite::CountedTable;
use vetdesk_store::{demo, SqliteStore};

use crate::database::ClinicStore;
use crate::keyring::OsKeyring;
use crate::offline::{Offline, OfflineParts};
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
    /// For a clinic on a server: this computer's copy of it and the actions queued while the
    /// server cannot be reached.
    pub offline: Option<Arc<Offline>>,
    pub preview: PreviewOutbox,
    /// This clinic's keyring entries (the SMTP password). The demo has its own, so that its
    /// admins, whose password is public, can neither read nor replace the real clinic's.
    pub secrets: Arc<dyn SecretStore>,
    pub sealer: Arc<Sealer>,
    /// Keys the digests of typed codes; with `sealer`, the clinic's keys.
    pub pepper: CodePepper,
    pub outbox_wake: Arc<Notify>,
    /// Wakes the bulk-invitation runner when a job is stored.
    pub bulk_wake: Arc<Notify>,
    /// This workstation's session; a session id means nothing in another clinic's database.
    /// Shared with the offline side, which signs in while the server cannot be reached.
    session: Arc<Mutex<Option<i64>>>,
    /// Ends this clinic's outbox dispatcher.
    stop: CancellationToken,
    /// The outbox dispatcher and the bulk runner, which Move to server pauses.
    workers: Mutex<Workers>,
}

/// The tasks that send from a clinic, and what stops them (a child of the clinic's own stop).
struct Workers {
    stop: CancellationToken,
    running: Vec<tauri::async_runtime::JoinHandle<()>>,
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
        // A clinic on a server keeps this computer's copy of it and the actions queued while
        // the server cannot be reached, beside its files.
        let offline_files = match &location {
            DatabaseLocation::Server(_) => Some((
                SqliteStore::open(owner_only(&paths.clinic_copy())?).await?,
                ActionQueue::open(owner_only(&paths.offline_queue())?).await?,
            )),
            DatabaseLocation::Local => None,
        };
        let (store, online) = match &location {
            DatabaseLocation::Local => {
                let store = SqliteStore::open(owner_only(&paths.database())?).await?;
                if paths.demo {
                    seed_demo(&store).await?;
                    if store.adopt_outbox_key(&sealer.fingerprint()).await? {
                        tracing::info!("the demo clinic now seals with its own outbox key");
                    }
                }
                (ClinicStore::Local(store), true)
            }
            DatabaseLocation::Server(address) => {
                let copied = match &offline_files {
                    Some((copy, _)) => vetdesk_store::mirror::refreshed_at(copy).await?.is_some(),
                    None => false,
                };
                let (store, online) =
                    crate::database::open_server_or_later(address, secrets.clone(), copied).await?;
                (ClinicStore::Server(store), online)
            }
        };
        let outbox_wake = Arc::new(Notify::new());
        let wake = outbox_wake.clone();
        let parts =
            |store: Arc<dyn Store>, outbox_wake: Box<dyn Fn() + Send + Sync>| RecoveryParts {
                store,
                sealer: sealer.clone(),
                pepper: pepper.clone(),
                hashing: Arc::new(BlockingHashing),
                breach: Arc::new(RangeLookup::default()),
                keyring: Arc::new(OsKeyring::new(secrets.clone())),
                clock: Arc::new(SystemClock),
                limits: LimitConfig::default(),
                rng: Box::new(OsRng),
                outbox_wake,
            };
        let recovery = Arc::new(Recovery::new(parts(
            store.all(),
            Box::new(move || wake.notify_one()),
        )));
        let session = Arc::new(Mutex::new(None));
        let offline = match (&store, offline_files) {
            (ClinicStore::Server(server), Some((copy, queue))) => {
                // The copy only answers reads: nothing it holds is ever sent.
                let copy_recovery = Recovery::new(parts(Arc::new(copy.clone()), Box::new(|| ())));
                Some(Arc::new(Offline::new(OfflineParts {
                    server: server.clone(),
                    copy,
                    copy_recovery: Arc::new(copy_recovery),
                    queue,
                    session: session.clone(),
                    online,
                })))
            }
            _ => None,
        };
        let stop = CancellationToken::new();
        Ok(Self {
            demo: paths.demo,
            recovery,
            store,
            location,
            offline,
            preview: PreviewOutbox::new(paths.preview_dir()),
            secrets,
            sealer,
            pepper,
            outbox_wake,
            bulk_wake: Arc::new(Notify::new()),
            session,
            workers: Mutex::new(Workers {
                stop: stop.child_token(),
                running: Vec::new(),
            }),
            stop,
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
    /// While the clinic's server cannot be reached, the person it last confirmed, locked by the
    /// idle rule here.
    pub async fn actor(&self, ws: &str) -> Result<Actor, CoreError> {
        let session = self.session_id();
        let result = match self.offline_now() {
            Some(offline) => offline.actor(session).await,
            None => match self.unless_gone(self.recovery.actor(session, ws)).await {
                Err(e) if self.went_offline(&e) => self.offline_actor(session).await,
                other => self.remembered(other.map(|a| (a, false))).map(|(a, _)| a),
            },
        };
        self.forget_ended(result)
    }

    /// The signed-in staff member and whether the screen is locked.
    pub async fn signed_in(&self, ws: &str) -> Result<(Actor, bool), CoreError> {
        let session = self.session_id();
        let result = match self.offline_now() {
            Some(offline) => offline.signed_in(session).await,
            None => match self.unless_gone(self.recovery.signed_in(session, ws)).await {
                Err(e) if self.went_offline(&e) => match &self.offline {
                    Some(offline) => offline.signed_in(session).await,
                    None => Err(e),
                },
                other => self.remembered(other),
            },
        };
        self.forget_ended(result)
    }

    async fn offline_actor(&self, session: Option<i64>) -> Result<Actor, CoreError> {
        match &self.offline {
            Some(offline) => offline.actor(session).await,
            None => Err(CoreError::NotSignedIn),
        }
    }

    /// Keeps the person the server confirmed, for while it cannot.
    fn remembered(
        &self,
        result: Result<(Actor, bool), CoreError>,
    ) -> Result<(Actor, bool), CoreError> {
        if let (Some(offline), Ok((actor, _))) = (&self.offline, &result) {
            offline.remember(actor);
        }
        result
    }

    /// Runs `call` on the clinic's server, given up as soon as the desk finds the server gone
    /// (a health check without an answer): a call on a connection that died without a word, as
    /// when a cable is pulled, would otherwise wait until TCP gives up, many minutes later.
    /// The answer then says the server cannot be reached, as a refused connection does.
    pub async fn unless_gone<T>(
        &self,
        call: impl std::future::Future<Output = Result<T, CoreError>>,
    ) -> Result<T, CoreError> {
        let Some(offline) = self.offline.as_ref().filter(|o| o.online()) else {
            return call.await;
        };
        let mut changes = offline.subscribe();
        let gone = async {
            while offline.online() {
                if changes.changed().await.is_err() {
                    std::future::pending::<()>().await;
                }
            }
        };
        tokio::select! {
            done = call => done,
            () = gone => Err(CoreError::Store(vetdesk_core::StoreError::Unavailable(
                "the clinic database stopped answering".into(),
            ))),
        }
    }

    /// The offline side, while the clinic's server cannot be reached.
    pub fn offline_now(&self) -> Option<&Arc<Offline>> {
        self.offline.as_ref().filter(|o| !o.online())
    }

    /// `error` says the clinic's server cannot be reached (and this desk now works offline).
    pub fn went_offline(&self, error: &CoreError) -> bool {
        self.offline.as_ref().is_some_and(|o| o.noticed(error))
    }

    /// The flows to read with now: on the clinic database, or on this computer's copy of it
    /// while the server cannot be reached.
    pub fn reader(&self) -> Arc<Recovery> {
        match self.offline_now() {
            Some(offline) => offline.copy_recovery.clone(),
            None => self.recovery.clone(),
        }
    }

    /// Forgets the session when `result` says it has ended.
    pub fn forget_ended<T>(&self, result: Result<T, CoreError>) -> Result<T, CoreError> {
        if matches!(result, Err(CoreError::NotSignedIn)) {
            self.set_session(None);
            if let Some(offline) = &self.offline {
                offline.forget();
            }
        }
        result
    }

    /// Cancelled when the clinic closes; its dispatcher stops then.
    pub fn stopped(&self) -> CancellationToken {
        self.stop.clone()
    }

    /// What the outbox dispatcher and the bulk runner run until: the clinic closing, or Move to
    /// server pausing them.
    pub fn workers_stopped(&self) -> CancellationToken {
        lock(&self.workers).stop.clone()
    }

    /// Keeps a started worker, to wait for it when pausing.
    pub fn add_worker(&self, task: tauri::async_runtime::JoinHandle<()>) {
        lock(&self.workers).running.push(task);
    }

    /// Stops the outbox dispatcher and the bulk runner once each has finished what it holds
    /// (the email being handed to the mail server, the batch being stored), waiting at most
    /// `within`: `false` when one had not finished by then. They start again when asked.
    pub async fn pause_workers(&self, within: std::time::Duration) -> bool {
        let (stop, running) = {
            let mut workers = lock(&self.workers);
            let fresh = self.stop.child_token();
            (
                std::mem::replace(&mut workers.stop, fresh),
                std::mem::take(&mut workers.running),
            )
        };
        stop.cancel();
        let deadline = tokio::time::Instant::now() + within;
        for task in running {
            if tokio::time::timeout_at(deadline, task).await.is_err() {
                return false;
            }
        }
        true
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
        if let Some(offline) = &self.offline {
            offline.close().await;
        }
    }
}

/// `path`, created empty (readable by this user only) if it is not there.
fn owner_only(path: &std::path::Path) -> Result<&std::path::Path, CoreError> {
    crate::owner_only::create_file(path)
        .map_err(|e| CoreError::Internal(format!("cannot create {}: {e}", path.display())))?;
    Ok(path)
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

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
