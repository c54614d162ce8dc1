//! A workstation whose clinic database is on the clinic's server, while that server cannot be
//! reached: the Staff List and client search answer from this computer's copy of the clinic
//! (refreshed while online), reset and paw emails are queued here and replayed in order when
//! the server answers again, and the person signed in stays signed in, with the idle lock kept
//! here until the server can keep it again.

mod monitor;
mod sign_in;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use rand::rngs::OsRng;
use serde::Serialize;
use tokio::sync::{watch, Notify};
use vetdesk_core::client::PortalSent;
use vetdesk_core::offline::{self, NewQueuedAction, QueuedAction, QueuedKind};
use vetdesk_core::ports::PortalStore;
use vetdesk_core::recovery::{Recovery, RESEND_INTERVAL};
use vetdesk_core::session::Actor;
use vetdesk_core::staff::ResetSent;
use vetdesk_core::time::{Millis, MINUTE};
use vetdesk_core::{validate, Clock, CoreError, CoreResult, StoreError, SystemClock};
use vetdesk_store::queue::ActionQueue;
use vetdesk_store::{PgStore, SqliteStore};

pub use monitor::spawn_monitor;
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

    /// Queues Reset password on `staff_id`'s card, after the checks this computer's copy can
    /// answer; a reset already waiting for the same person is not queued twice.
    pub async fn queue_staff_reset(&self, actor: &Actor, staff_id: i64) -> CoreResult<ResetSent> {
        let target = self
            .copy_recovery
            .check_staff_reset(actor, staff_id)
            .await?;
        let masked = validate::mask_email(target.email.as_deref().unwrap_or_default());
        let queued_at = self
            .push(
                actor,
                QueuedKind::StaffReset,
                staff_id,
                &target.display_name,
            )
            .await?;
        Ok(ResetSent {
            message: staff_reset_queued(&target.display_name, &masked),
            masked_email: masked,
            resend_available_at: queued_at + RESEND_INTERVAL,
            queued: true,
        })
    }

    /// Queues the paw icon's email to `client_id`, after the checks this computer's copy can
    /// answer.
    pub async fn queue_portal_link(&self, actor: &Actor, client_id: i64) -> CoreResult<PortalSent> {
        let (client, email, _) = self
            .copy_recovery
            .portal_link_target(actor, client_id)
            .await?;
        let name = vetdesk_core::client::full_name(&client.first_name, &client.last_name);
        let masked = validate::mask_email(&email);
        let queued_at = self
            .push(actor, QueuedKind::PortalLink, client_id, &name)
            .await?;
        let invitation = self
            .copy
            .portal_account_of(client_id)
            .await?
            .is_none_or(|a| a.status == vetdesk_core::client::PortalAccountStatus::Invited);
        Ok(PortalSent {
            invitation,
            message: portal_link_queued(&name, &masked),
            masked_email: masked,
            resend_available_at: queued_at + RESEND_INTERVAL,
            queued: true,
        })
    }

    /// Writes the action to the queue file before anyone is told it is queued; answers when it
    /// was taken.
    async fn push(
        &self,
        actor: &Actor,
        kind: QueuedKind,
        subject_id: i64,
        subject_name: &str,
    ) -> CoreResult<Millis> {
        let waiting = self.queue.waiting().await?;
        if let Some(same) = waiting
            .iter()
            .find(|a| a.kind == kind && a.subject_id == subject_id)
        {
            return Ok(same.queued_at);
        }
        let action = NewQueuedAction {
            key: offline::new_key(&mut OsRng),
            kind,
            actor_id: actor.id,
            subject_id,
            actor_name: actor.display_name.clone(),
            subject_name: subject_name.to_string(),
            queued_at: SystemClock.now(),
        };
        let queued = self.queue.push(&action).await?;
        tracing::info!(
            kind = kind.as_str(),
            id = queued.id,
            "action queued while offline"
        );
        self.changed();
        Ok(queued.queued_at)
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

/// Show one-time code while offline: codes are made only in the clinic database.
pub const CODE_NEEDS_DATABASE: &str = "Show one-time code needs the clinic database, which this \
     computer cannot reach now. Use Reset password instead: it is queued and sent when the \
     connection is back.";

/// A change this desk cannot queue, while offline.
pub const NEEDS_DATABASE: &str = "This needs the clinic database, which this computer cannot \
     reach now. Try again when the connection is back.";

fn staff_reset_queued(name: &str, email: &str) -> String {
    format!(
        "Queued — will send when online: the reset link for {name} goes to {email} as soon as \
         the clinic database answers."
    )
}

fn portal_link_queued(name: &str, email: &str) -> String {
    format!(
        "Queued — will send when online: the patient-portal email for {name} goes to {email} \
         as soon as the clinic database answers."
    )
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
