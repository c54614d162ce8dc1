//! The session at this workstation: who is signed in, the idle lock, the absolute lifetime, and
//! the password asked again before a sensitive change.

use crate::audit::{AuditAction, AuditOutcome};
use crate::error::{CoreError, CoreResult};
use crate::limits::{self, Action, Who};
use crate::session::{Actor, SessionSettings};
use crate::staff::{StaffRecord, StaffStatus};
use crate::validate::Field;

use super::login::PASSWORD_INPUT_MAX_BYTES;
use super::Recovery;

pub const PASSWORD: Field = Field::new("password", "Password");
pub const WRONG_PASSWORD: &str = "That password is not right.";

impl Recovery {
    /// The session's person and the clinic's session rules, unless the session has ended or the
    /// account is disabled. A session past the clinic's lifetime ends here.
    async fn session_of(
        &self,
        session: Option<i64>,
        ws: &str,
    ) -> CoreResult<(Actor, SessionSettings)> {
        let id = session.ok_or(CoreError::NotSignedIn)?;
        let actor = match self.store.find_session(id).await? {
            Some(a) if a.staff.status == StaffStatus::Active => a,
            _ => return Err(CoreError::NotSignedIn),
        };
        let rules = self.settings().await?.sessions;
        let now = self.clock.now();
        if actor.session.expired(&rules, now) {
            self.store.end_session(id, now).await?;
            let event = self
                .audit(AuditAction::Logout, AuditOutcome::Expired, ws)
                .actor(actor.id)
                .subject(actor.id);
            self.store.append_audit(&event).await?;
            return Err(CoreError::NotSignedIn);
        }
        Ok((actor, rules))
    }

    /// The signed-in person, locked or not: what the lock screen shows.
    pub async fn signed_in(&self, session: Option<i64>, ws: &str) -> CoreResult<(Actor, bool)> {
        let (actor, rules) = self.session_of(session, ws).await?;
        let locked = actor.session.locked(&rules, self.clock.now());
        Ok((actor, locked))
    }

    /// The signed-in person, read fresh so that a reset, a role change or a lock takes effect at
    /// once. Refused while the screen is locked; a session idle for too long locks here.
    pub async fn actor(&self, session: Option<i64>, ws: &str) -> CoreResult<Actor> {
        let (actor, rules) = self.session_of(session, ws).await?;
        let now = self.clock.now();
        if actor.session.locked(&rules, now) {
            if actor.session.locked_at.is_none() {
                self.store.lock_session(actor.session.id, now).await?;
            }
            return Err(CoreError::Locked);
        }
        Ok(actor)
    }

    /// The window saw its person at work.
    pub async fn note_activity(&self, session: Option<i64>, ws: &str) -> CoreResult<()> {
        let actor = self.actor(session, ws).await?;
        let now = self.clock.now();
        Ok(self.store.touch_session(actor.session.id, now).await?)
    }

    /// Locks the screen: nothing but the password or signing out opens it again.
    pub async fn lock(&self, session: Option<i64>, ws: &str) -> CoreResult<()> {
        let (actor, _) = self.session_of(session, ws).await?;
        let now = self.clock.now();
        Ok(self.store.lock_session(actor.session.id, now).await?)
    }

    /// The signed-in person enters their password again: it unlocks a locked screen, and
    /// covers sensitive changes for [`crate::session::REAUTH_WITHIN`].
    pub async fn confirm_password(
        &self,
        session: Option<i64>,
        password: &str,
        ws: &str,
    ) -> CoreResult<()> {
        let (actor, locked) = self.signed_in(session, ws).await?;
        let action = if locked {
            AuditAction::Unlock
        } else {
            AuditAction::Reauthenticate
        };
        if !self.own_password(&actor, password, action, ws).await? {
            return Err(CoreError::invalid(PASSWORD, WRONG_PASSWORD));
        }
        let now = self.clock.now();
        self.store
            .authenticate_session(actor.session.id, now)
            .await?;
        let event = self
            .audit(action, AuditOutcome::Ok, ws)
            .actor(actor.id)
            .subject(actor.id);
        Ok(self.store.append_audit(&event).await?)
    }

    /// Whether `password` is `staff`'s own. Each try is a sign-in attempt that counts against the
    /// account's limit before the password is checked, so no form can guess past that limit; a
    /// wrong one is audited as `action` refused, a right one takes its attempt back.
    pub(super) async fn own_password(
        &self,
        staff: &StaffRecord,
        password: &str,
        action: AuditAction,
        ws: &str,
    ) -> CoreResult<bool> {
        let account = Who::Account(staff.id);
        let audit = |outcome| {
            self.audit(action, outcome, ws)
                .actor(staff.id)
                .subject(staff.id)
        };
        if let Some(wait) = self.over_limit(Action::SignIn, account).await? {
            let event = audit(AuditOutcome::RateLimitedAccount);
            self.store.append_audit(&event).await?;
            return Err(CoreError::Throttled {
                retry_after_secs: limits::seconds(wait),
            });
        }
        let right = !password.is_empty()
            && password.len() <= PASSWORD_INPUT_MAX_BYTES
            && self
                .hashing
                .verify(password.to_string(), staff.password_hash.clone())
                .await;
        if !right {
            self.store
                .append_audit(&audit(AuditOutcome::Refused))
                .await?;
            return Ok(false);
        }
        self.take_back(Action::SignIn, &[account]).await?;
        Ok(true)
    }

    /// Sensitive changes need the password entered within the last few minutes.
    pub(super) fn require_recent_password(&self, actor: &Actor) -> CoreResult<()> {
        if actor.session.recently_authenticated(self.clock.now()) {
            Ok(())
        } else {
            Err(CoreError::ReauthRequired)
        }
    }

    pub async fn logout(&self, session: i64, ws: &str) -> CoreResult<()> {
        if let Some(actor) = self.store.find_session(session).await? {
            let event = self
                .audit(AuditAction::Logout, AuditOutcome::Ok, ws)
                .actor(actor.id)
                .subject(actor.id);
            self.store.append_audit(&event).await?;
        }
        self.store.end_session(session, self.clock.now()).await?;
        Ok(())
    }
}
