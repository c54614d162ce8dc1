//! A workstation whose clinic database is on the clinic's server, while that server cannot be
//! reached: the Staff List and client search answer from this computer's copy of the clinic
//! (refreshed while online), reset and paw emails and bulk invitations are queued here and
//! replayed in order when the server answers again, and the person signed in stays signed in,
//! with the idle lock kept here until the server can keep it again.

mod monitor;
mod queue;
mod sign_in;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tokio::sync::{watch, Notify};
use vetdesk_core::offline::QueuedAction;
use vetdesk_core::recovery::Recovery;
use vetdesk_core::session::Actor;
use vetdesk_core::time::{Millis, MINUTE};
use vetdesk_core::{Clock, CoreError, CoreResult, StoreError, SystemClock};
use vetdesk_store::queue::ActionQueue;
use vetdesk_store::{PgStore, SqliteStore};

pub use monitor::spawn_monitor;
pub use queue::{CODE_NEEDS_DATABASE, NEEDS_DATABASE};
pub use sign_in::{OFFLINE_SIGN_IN_OFF, OFFLINE_SIGN_IN_REFUSED, OFFLINE_UNLOCK_REFUSED};

/// How long settled actions stay in the window's list.
const SETTLED_SHOWN_FOR: Millis = 24 * 60 * MINUTE;

/// Whether the clinic database answers, and the actions queued while it did not.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionStatus {
    /// The clinic database is on a server: only then can this computer be offline.
    pub server: bool,
    pub online: bool,
    /// When the server stopped answering.
    pub offline_since: Option<Millis>,
    /// When this computer's copy of the clinic, which lists show while offline, was last
    /// refreshed.
    pub copy_refreshed_at: Option<Millis>,
    /// Actions waiting, newest first, then those settled in the last 24 hours.
    pub actions: Vec<QueuedAction>,
}

/// What the offline side of a clinic on a server holds.
pub struct Offline {
    server: PgStore,
    /// This computer's copy of the clinic, and the flows that read it.
    pub copy: SqliteStore,
    pub copy_recovery: Arc<Recovery>,
    pub queue: ActionQueue,
    online: AtomicBool,
    offline_since: Mutex<Option<Millis>>,
    /// The signed-in person as the server last confirmed them, with this desk's activity since.
    remembered: Mutex<Option<Actor>>,
    /// Counts changes the window should hear about.
    changes: watch::Sender<u64>,
    /// A failed call asks the monitor to look now.
    check: Notify,
    /// The clinic's session at this desk, shared with the clinic.
    session: Arc<Mutex<Option<i64>>>,
    /// The server store was made without its server (the desk started offline): it is checked
    /// and brought up to date when the server first answers.
    unopened: AtomicBool,
}

/// What a clinic on a server hands its offline side.
pub struct OfflineParts {
    pub server: PgStore,
    pub copy: SqliteStore,
    pub copy_recovery: Arc<Recovery>,
    pub queue: ActionQueue,
    pub session: Arc<Mutex<Option<i64>>>,
    /// Whether the server answered when the clinic opened.
    pub online: bool,
}

impl Offline {
    pub fn new(parts: OfflineParts) -> Self {
        let OfflineParts {
            server,
            copy,
            copy_recovery,
            queue,
            session,
            online,
        } = parts;
        Self {
            server,
            copy,
            copy_recovery,
            queue,
            online: AtomicBool::new(online),
            offline_since: Mutex::new((!online).then(|| SystemClock.now())),
            remembered: Mutex::new(None),
            changes: watch::channel(0).0,
            check: Notify::new(),
            session,
            unopened: AtomicBool::new(!online),
        }
    }

    pub fn online(&self) -> bool {
        self.online.load(Ordering::SeqCst)
    }

    /// Tells waiting windows that something they show changed.
    pub fn changed(&self) {
        self.changes.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Told of every change of the connection or the queue.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// Records whether the server answers; tells the window when that changed.
    fn set_online(&self, online: bool) -> bool {
        let was = self.online.swap(online, Ordering::SeqCst);
        if was == online {
            return false;
        }
        *lock(&self.offline_since) = (!online).then(|| SystemClock.now());
        if online {
            tracing::info!("the clinic database answers again");
        } else {
            tracing::warn!(
                "the clinic database cannot be reached; working from this computer's copy"
            );
        }
        self.changed();
        true
    }

    /// `error` says the server cannot be reached: from now on this desk works offline, and the
    /// monitor checks at once whether it is back.
    pub fn noticed(&self, error: &CoreError) -> bool {
        if !matches!(error, CoreError::Store(StoreError::Unavailable(_))) {
            return false;
        }
        self.set_online(false);
        self.check.notify_one();
        true
    }

    /// The server confirmed `actor`: remembered for while it cannot.
    pub fn remember(&self, actor: &Actor) {
        *lock(&self.remembered) = Some(actor.clone());
    }

    pub fn forget(&self) {
        *lock(&self.remembered) = None;
    }

    /// The person signed in with `session`, as last confirmed, and whether the screen is locked
    /// by the clinic's idle rule, counted from this desk's last activity.
    pub async fn signed_in(&self, session: Option<i64>) -> CoreResult<(Actor, bool)> {
        let actor = lock(&self.remembered)
            .clone()
            .filter(|a| Some(a.session.id) == session)
            .ok_or(CoreError::NotSignedIn)?;
        let rules = self.copy_recovery.settings().await?.sessions;
        let now = SystemClock.now();
        if actor.session.expired(&rules, now) {
            self.forget();
            return Err(CoreError::NotSignedIn);
        }
        Ok((actor.clone(), actor.session.locked(&rules, now)))
    }

    /// [`Offline::signed_in`], refused while locked; locks a session idle for too long.
    pub async fn actor(&self, session: Option<i64>) -> CoreResult<Actor> {
        let (actor, locked) = self.signed_in(session).await?;
        if locked {
            self.lock_session(SystemClock.now());
            return Err(CoreError::Locked);
        }
        Ok(actor)
    }

    /// The window saw its person at work.
    pub async fn note_activity(&self, session: Option<i64>) -> CoreResult<()> {
        self.actor(session).await?;
        if let Some(actor) = lock(&self.remembered).as_mut() {
            actor.session.active_at = SystemClock.now();
        }
        Ok(())
    }

    pub fn lock_session(&self, now: Millis) {
        if let Some(actor) = lock(&self.remembered).as_mut() {
            actor.session.locked_at.get_or_insert(now);
        }
    }

    /// What the window shows of the connection and the queue.
    pub async fn status(&self) -> CoreResult<ConnectionStatus> {
        let since = SystemClock.now() - SETTLED_SHOWN_FOR;
        let offline_since = *lock(&self.offline_since);
        Ok(ConnectionStatus {
            server: true,
            online: self.online(),
            offline_since,
            copy_refreshed_at: vetdesk_store::mirror::refreshed_at(&self.copy).await?,
            actions: self.queue.listed(since).await?,
        })
    }

    pub async fn close(&self) {
        self.queue.close().await;
        self.copy.close().await;
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
