//! Signing in and unlocking while the clinic's server cannot be reached: against the verifier
//! this desk made when the same person last signed in here online, within the clinic's
//! offline sign-in days. Back online, the desk asks the server for a session for them.

use std::sync::atomic::Ordering;

use vetdesk_core::ports::{PasswordHashing, StaffStore};
use vetdesk_core::recovery::Recovery;
use vetdesk_core::session::{Actor, SessionRecord};
use vetdesk_core::staff::StaffStatus;
use vetdesk_core::time::{Millis, MINUTE};
use vetdesk_core::{Clock, CoreError, CoreResult, Sensitive, SystemClock};
use vetdesk_runtime::BlockingHashing;
use vetdesk_store::sign_ins;

use super::{lock, Offline};

/// The session id of a sign-in this desk checked itself; the server's are positive.
pub const OFFLINE_SESSION: i64 = -1;

const DAY: Millis = 24 * 60 * MINUTE;
/// Wrong offline sign-ins for one name before it waits, and for how long.
const FAILURES_ALLOWED: i64 = 5;
const FAILURE_WINDOW: Millis = 15 * MINUTE;

pub const OFFLINE_SIGN_IN_OFF: &str = "This computer cannot reach the clinic database, and \
     this clinic does not allow signing in without it. Try again when the connection is back.";
pub const OFFLINE_SIGN_IN_REFUSED: &str = "This computer cannot reach the clinic database, so \
     it can sign in only people who signed in here recently, with the password they used then. \
     Check the username and password, or try again when the connection is back.";
pub const OFFLINE_UNLOCK_REFUSED: &str = "This computer cannot reach the clinic database, and \
     it cannot check this password here. Sign out, or try again when the connection is back.";

impl Offline {
    /// How far back a sign-in here lets its person sign in offline; `None` when the clinic
    /// has offline sign-in off.
    async fn not_before(&self) -> CoreResult<Option<Millis>> {
        let days = self
            .copy_recovery
            .settings()
            .await?
            .sessions
            .offline_sign_in_days;
        Ok((days > 0).then(|| SystemClock.now() - Millis::from(days) * DAY))
    }

    /// `login` signs in with `password` while the server cannot be reached.
    pub async fn sign_in(&self, login: &str, password: &str) -> CoreResult<Actor> {
        let not_before = self
            .not_before()
            .await?
            .ok_or_else(|| CoreError::Forbidden(OFFLINE_SIGN_IN_OFF.into()))?;
        let name = login.trim().to_lowercase();
        self.throttle(&name).await?;
        let found = sign_ins::find(&self.copy, &name, not_before).await?;
        let staff = match found {
            Some(v) if verify(password, v.verifier.clone()).await => {
                self.copy.get_staff(v.staff_id).await?
            }
            _ => None,
        };
        let now = SystemClock.now();
        let Some(staff) = staff.filter(|s| s.status == StaffStatus::Active) else {
            sign_ins::record_failure(&self.copy, &name, now).await?;
            return Err(CoreError::Forbidden(OFFLINE_SIGN_IN_REFUSED.into()));
        };
        sign_ins::clear_failures(&self.copy, &name, now - FAILURE_WINDOW).await?;
        let actor = Actor {
            session: SessionRecord {
                id: OFFLINE_SESSION,
                staff_id: staff.id,
                created_at: now,
                authenticated_at: now,
                active_at: now,
                locked_at: None,
            },
            staff,
        };
        self.remember(&actor);
        *lock(&self.session) = Some(OFFLINE_SESSION);
        tracing::info!(staff = actor.id, "signed in offline");
        Ok(actor)
    }

    /// Five wrong offline sign-ins for a name within 15 minutes make it wait, restarts or not.
    async fn throttle(&self, name: &str) -> CoreResult<()> {
        let now = SystemClock.now();
        let (count, first) =
            sign_ins::failures_since(&self.copy, name, now - FAILURE_WINDOW).await?;
        match first {
            Some(first) if count >= FAILURES_ALLOWED => Err(CoreError::Throttled {
                retry_after_secs: ((first + FAILURE_WINDOW - now) / 1000).max(1) as u64,
            }),
            _ => Ok(()),
        }
    }

    /// The signed-in person enters their password again while the server cannot be reached.
    pub async fn unlock(&self, session: Option<i64>, password: &str) -> CoreResult<()> {
        let (actor, _) = self.signed_in(session).await?;
        let not_before = self
            .not_before()
            .await?
            .ok_or_else(|| CoreError::Forbidden(OFFLINE_UNLOCK_REFUSED.into()))?;
        let verifier = sign_ins::of_staff(&self.copy, actor.id, not_before)
            .await?
            .ok_or_else(|| CoreError::Forbidden(OFFLINE_UNLOCK_REFUSED.into()))?;
        if !verify(password, verifier.verifier).await {
            return Err(CoreError::InvalidInput {
                field: Some("password"),
                message: vetdesk_core::recovery::WRONG_PASSWORD.into(),
            });
        }
        let now = SystemClock.now();
        if let Some(actor) = lock(&self.remembered).as_mut() {
            actor.session.locked_at = None;
            actor.session.authenticated_at = now;
            actor.session.active_at = now;
        }
        Ok(())
    }

    /// After a sign-in on the server: a verifier of `password` for `staff_id`, so that they can
    /// sign in here while it cannot be reached. Nothing when the clinic has that off.
    pub async fn keep_verifier(&self, staff_id: i64, password: Sensitive<String>) {
        let kept = async {
            if self.not_before().await?.is_none() {
                return Ok(());
            }
            let verifier = BlockingHashing.hash(password.expose().clone()).await?;
            let now = SystemClock.now();
            Ok::<_, CoreError>(sign_ins::remember(&self.copy, staff_id, &verifier, now).await?)
        };
        if let Err(e) = kept.await {
            tracing::warn!(error = %e, "could not keep an offline sign-in");
        }
    }

    /// Drops the verifiers the refreshed copy says no longer hold.
    pub(super) async fn sweep_verifiers(&self) -> CoreResult<u64> {
        let not_before = self.not_before().await?.unwrap_or(Millis::MAX);
        Ok(sign_ins::sweep(&self.copy, not_before).await?)
    }

    /// The server answers again while someone signed in here offline: a session on the server
    /// for them if their sign-in still holds there (the refreshed copy kept their verifier and
    /// the account is active); else they are signed out at this desk.
    pub(super) async fn resume_session(&self, recovery: &Recovery, ws: &str) -> CoreResult<()> {
        let remembered = lock(&self.remembered).clone();
        let Some(actor) = remembered.filter(|a| a.session.id == OFFLINE_SESSION) else {
            return Ok(());
        };
        let holds = match self.not_before().await? {
            Some(not_before) => sign_ins::of_staff(&self.copy, actor.id, not_before)
                .await?
                .is_some(),
            None => false,
        };
        let session = match holds {
            true => {
                recovery
                    .resume_offline_session(actor.id, actor.session.created_at, ws)
                    .await?
            }
            false => None,
        };
        let mut current = lock(&self.session);
        match session {
            Some(id) if *current == Some(OFFLINE_SESSION) => {
                *current = Some(id);
                if let Some(actor) = lock(&self.remembered).as_mut() {
                    actor.session.id = id;
                }
                tracing::info!("the offline sign-in has a session on the server");
            }
            _ => {
                if *current == Some(OFFLINE_SESSION) {
                    *current = None;
                }
                self.forget();
                tracing::info!("the offline sign-in no longer holds; signed out");
            }
        }
        Ok(())
    }

    /// Whether the person signed in here signed in while offline.
    pub(super) fn signed_in_offline(&self) -> bool {
        lock(&self.remembered)
            .as_ref()
            .is_some_and(|a| a.session.id == OFFLINE_SESSION)
    }

    /// Whether the server store still needs its first check (the desk started offline).
    pub(super) fn unopened(&self) -> bool {
        self.unopened.load(Ordering::SeqCst)
    }

    pub(super) fn opened(&self) {
        self.unopened.store(false, Ordering::SeqCst);
    }
}

async fn verify(password: &str, verifier: String) -> bool {
    BlockingHashing.verify(password.to_string(), verifier).await
}
