//! The account-recovery flows: setting up the clinic, signing in, forgot password, setting a new
//! password, what an office manager or admin does from the Staff List, and the admin's settings.
//! Every decision is made here; the store only keeps what these functions hand it, atomically.

mod bulk;
mod clients;
mod forgot;
mod keys;
mod login;
mod offline;
mod password;
mod paw;
mod portal;
mod reset;
mod session;
mod settings;
mod setup;
mod staff;

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use rand::RngCore;

pub use bulk::BULK_MAX;
pub use clients::CLIENT_PAGE;
pub use forgot::{FORGOT_MESSAGE, FORGOT_MESSAGE_NO_MAIL};
pub use keys::KEYS_MISSING;
pub use offline::Replay;
pub use password::WRONG_CURRENT;
pub use portal::{PortalSignIn, PortalTarget};
pub use session::WRONG_PASSWORD;
pub use setup::{ClinicDetails, FirstAdmin, ALREADY_SET_UP};

use crate::audit::{AuditAction, AuditEvent, AuditOutcome};
use crate::error::{CoreError, CoreResult};
use crate::limits::{Action, LimitConfig, Who};
use crate::outbox::{EmailKind, EmailParams, NewEmail};
use crate::policy::{PasswordPolicy, PasswordPolicyInfo};
use crate::ports::{BreachCheck, Keyring, PasswordHashing, Store};
use crate::seal::Sealer;
use crate::settings::Settings;
use crate::staff::StaffRecord;
use crate::time::{Clock, Millis, SECOND};
use crate::token::{self, CodePepper, NewToken, Purpose, Secrets};

/// At least this long between two reset emails to one address.
pub const RESEND_INTERVAL: Millis = 60 * SECOND;
const LIST_LIMIT: u32 = 500;

pub struct Recovery {
    store: Arc<dyn Store>,
    sealer: Arc<Sealer>,
    pepper: CodePepper,
    hashing: Arc<dyn PasswordHashing>,
    breach: Arc<dyn BreachCheck>,
    keyring: Arc<dyn Keyring>,
    clock: Arc<dyn Clock>,
    limits: LimitConfig,
    rng: Mutex<Box<dyn RngCore + Send>>,
    outbox_wake: Box<dyn Fn() + Send + Sync>,
    /// The clinic database said this workstation's outbox key is the clinic's (see
    /// [`Recovery::require_clinic_keys`]); a fingerprint once recorded never changes.
    keys_confirmed: AtomicBool,
}

pub struct RecoveryParts {
    pub store: Arc<dyn Store>,
    pub sealer: Arc<Sealer>,
    /// Keys the digests of typed codes; kept outside the database.
    pub pepper: CodePepper,
    pub hashing: Arc<dyn PasswordHashing>,
    pub breach: Arc<dyn BreachCheck>,
    pub keyring: Arc<dyn Keyring>,
    pub clock: Arc<dyn Clock>,
    pub limits: LimitConfig,
    pub rng: Box<dyn RngCore + Send>,
    /// Called after an email is queued, so the dispatcher sends it now rather than at its next poll.
    pub outbox_wake: Box<dyn Fn() + Send + Sync>,
}

impl Recovery {
    pub fn new(parts: RecoveryParts) -> Self {
        Self {
            store: parts.store,
            sealer: parts.sealer,
            pepper: parts.pepper,
            hashing: parts.hashing,
            breach: parts.breach,
            keyring: parts.keyring,
            clock: parts.clock,
            limits: parts.limits,
            rng: Mutex::new(parts.rng),
            outbox_wake: parts.outbox_wake,
            keys_confirmed: AtomicBool::new(false),
        }
    }

    pub fn now(&self) -> Millis {
        self.clock.now()
    }

    pub async fn settings(&self) -> CoreResult<Settings> {
        Ok(self
            .store
            .load_settings()
            .await?
            .unwrap_or_else(Settings::demo))
    }

    pub async fn password_policy(&self) -> CoreResult<PasswordPolicyInfo> {
        Ok(PasswordPolicy::new(self.settings().await?.password_min_length).info())
    }

    fn audit(&self, action: AuditAction, outcome: AuditOutcome, ws: &str) -> AuditEvent {
        AuditEvent::new(self.clock.now(), action, outcome, ws)
    }

    fn secrets(&self, link: bool) -> Secrets {
        let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
        Secrets {
            link: link.then(|| token::new_link_token(&mut **rng)),
            code: Some(token::new_code(&mut **rng)),
        }
    }

    /// Counts one attempt of `action` by `who`; the milliseconds until the next may come, when
    /// this one is over the limit.
    async fn over_limit(&self, action: Action, who: Who<'_>) -> CoreResult<Option<Millis>> {
        let limit = self.limits.of(action, who);
        let key = who.key(action);
        Ok(self.store.hit(&key, limit, self.clock.now()).await?)
    }

    /// Takes back attempts that turned out to be no failure (a right password or code).
    async fn take_back(&self, action: Action, whose: &[Who<'_>]) -> CoreResult<()> {
        for who in whose {
            let limit = self.limits.of(action, *who);
            self.store
                .take_back(&who.key(action), limit, self.clock.now())
                .await?;
        }
        Ok(())
    }

    /// Milliseconds until another email of `kinds` may go to `email`, if it is too soon.
    async fn resend_wait(&self, email: &str, kinds: &[EmailKind]) -> CoreResult<Option<Millis>> {
        let last = self
            .store
            .latest_email_to(&email.to_lowercase(), kinds)
            .await?;
        let now = self.clock.now();
        Ok(last
            .map(|e| e.created_at + RESEND_INTERVAL - now)
            .filter(|wait| *wait > 0))
    }

    /// Stores a new reset token for `staff` with its sealed email, in one transaction.
    async fn issue_reset(
        &self,
        settings: &Settings,
        staff: &StaffRecord,
        purpose: Purpose,
        minutes: u32,
        requested_by: Option<&StaffRecord>,
        audit: AuditEvent,
    ) -> CoreResult<Millis> {
        let email = staff
            .email
            .clone()
            .ok_or_else(|| CoreError::NoEmail(staff::no_email_message(staff)))?;
        self.require_clinic_keys().await?;
        let now = self.clock.now();
        let expires_at = now + token::minutes(minutes);
        let secrets = self.secrets(true);
        let token = NewToken {
            staff_id: staff.id,
            purpose,
            link_digest: secrets.link.as_deref().map(token::digest),
            code_digest: secrets.code.as_deref().map(|c| self.pepper.digest(c)),
            created_at: now,
            expires_at,
        };
        let message = NewEmail {
            sealed: Some(self.sealer.seal(&secrets)?),
            ..staff_email(EmailKind::StaffReset, settings, staff, email, now)
                .expiring(expires_at, requested_by.map(|a| a.display_name.clone()))
        };
        self.store
            .issue_token(&token, Some(&message), &audit)
            .await?;
        (self.outbox_wake)();
        Ok(now)
    }
}

/// An email of `kind` to a staff member, without secrets or expiry.
fn staff_email(
    kind: EmailKind,
    settings: &Settings,
    staff: &StaffRecord,
    recipient: String,
    now: Millis,
) -> NewEmail {
    NewEmail {
        kind,
        staff_id: Some(staff.id),
        recipient,
        recipient_name: staff.display_name.clone(),
        subject: kind.subject(&settings.clinic.name),
        params: EmailParams {
            display_name: staff.display_name.clone(),
            username: staff.username.clone(),
            expires_at: None,
            requested_by: None,
        },
        sealed: None,
        created_at: now,
    }
}

#[cfg(test)]
mod tests;
