//! The account-recovery flows: login, forgot password, set a new password, and what an office
//! manager or admin does from the Staff List. Every decision is made here; the store only keeps
//! what these functions hand it, atomically.

use std::sync::{Arc, Mutex};

use rand::RngCore;

use crate::access;
use crate::audit::{AuditEvent, AuditRow};
use crate::error::{CoreError, CoreResult};
use crate::limits::Limits;
use crate::outbox::{EmailKind, EmailParams, EmailRecord, EmailRow, NewEmail};
use crate::policy::{PasswordPolicy, PasswordPolicyInfo};
use crate::ports::{BreachCheck, PasswordHashing, Store};
use crate::seal::Sealer;
use crate::settings::Settings;
use crate::staff::{
    ForgotAnswer, OneTimeCode, ResetSecret, ResetSent, ResetStatus, ResetTarget, SessionInfo,
    StaffCard, StaffRecord, StaffRow, StaffStatus,
};
use crate::time::{Clock, Millis, SECOND};
use crate::token::{self, NewToken, Purpose, Secrets, TokenRecord, MAX_CODE_ATTEMPTS};
use crate::validate;

/// The one answer forgot-password ever gives.
pub const FORGOT_MESSAGE: &str = "If an account matches, we've sent a link to its registered \
                                  email. Check your spam/junk folder.";
/// Forgot-password answers no sooner than this after the request, whatever happened behind it,
/// so that timing tells no more than the words do.
pub const FORGOT_ANSWER_AFTER: std::time::Duration = std::time::Duration::from_millis(1_200);
/// At least this long between two reset emails to one address.
pub const RESEND_INTERVAL: Millis = 60 * SECOND;
const LIST_LIMIT: u32 = 500;
const PASSWORD_INPUT_MAX_BYTES: usize = 4 * crate::policy::MAX_LENGTH as usize;

pub struct Recovery<C: governor::clock::Clock + Clone = governor::clock::DefaultClock> {
    store: Arc<dyn Store>,
    sealer: Arc<Sealer>,
    hashing: Arc<dyn PasswordHashing>,
    breach: Arc<dyn BreachCheck>,
    clock: Arc<dyn Clock>,
    limits: Limits<C>,
    rng: Mutex<Box<dyn RngCore + Send>>,
    outbox_wake: Box<dyn Fn() + Send + Sync>,
}

pub struct RecoveryParts<C: governor::clock::Clock + Clone> {
    pub store: Arc<dyn Store>,
    pub sealer: Arc<Sealer>,
    pub hashing: Arc<dyn PasswordHashing>,
    pub breach: Arc<dyn BreachCheck>,
    pub clock: Arc<dyn Clock>,
    pub limits: Limits<C>,
    pub rng: Box<dyn RngCore + Send>,
    /// Called after an email is queued, so the dispatcher sends it now rather than at its next poll.
    pub outbox_wake: Box<dyn Fn() + Send + Sync>,
}

impl<C: governor::clock::Clock + Clone> Recovery<C> {
    pub fn new(parts: RecoveryParts<C>) -> Self {
        Self {
            store: parts.store,
            sealer: parts.sealer,
            hashing: parts.hashing,
            breach: parts.breach,
            clock: parts.clock,
            limits: parts.limits,
            rng: Mutex::new(parts.rng),
            outbox_wake: parts.outbox_wake,
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

    fn audit(&self, action: &'static str, outcome: &'static str, ws: &str) -> AuditEvent {
        AuditEvent::new(self.clock.now(), action, outcome, ws)
    }

    fn secrets(&self, link: bool) -> Secrets {
        let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
        Secrets {
            link: link.then(|| token::new_link_token(&mut **rng)),
            code: Some(token::new_code(&mut **rng)),
        }
    }

    // ---- signing in ----------------------------------------------------------------------

    pub async fn login(
        &self,
        username: &str,
        password: &str,
        ws: &str,
    ) -> CoreResult<(i64, SessionInfo)> {
        let username = validate::identifier(username)?;
        if password.is_empty() || password.len() > PASSWORD_INPUT_MAX_BYTES {
            return Err(CoreError::InvalidCredentials);
        }
        if let Some(retry_after_secs) = self.limits.login_pause(&username) {
            return Err(CoreError::Throttled { retry_after_secs });
        }
        let staff = self.store.find_staff_by_login(&username).await?;
        let stored = match &staff {
            Some(s) if s.status == StaffStatus::Active => s.password_hash.clone(),
            _ => crate::password::decoy_hash().to_string(),
        };
        let ok = self.hashing.verify(password.to_string(), stored).await
            && staff
                .as_ref()
                .is_some_and(|s| s.status == StaffStatus::Active);
        let subject = staff.as_ref().map(|s| s.id);
        let Some(staff) = staff.filter(|_| ok) else {
            let paused = self.limits.record_login_failure(&username);
            let mut event = self.audit("login", "refused", ws);
            if let Some(id) = subject {
                event = event.subject(id);
            }
            self.store.append_audit(&event).await?;
            return Err(match paused {
                Some(retry_after_secs) => CoreError::Throttled { retry_after_secs },
                None => CoreError::InvalidCredentials,
            });
        };
        let session = self
            .store
            .create_session(staff.id, self.clock.now())
            .await?;
        self.store
            .append_audit(
                &self
                    .audit("login", "ok", ws)
                    .actor(staff.id)
                    .subject(staff.id),
            )
            .await?;
        Ok((session, SessionInfo::from(&staff)))
    }

    /// The signed-in staff member behind `session`, read fresh so that a reset or a role change
    /// takes effect at once.
    pub async fn actor(&self, session: Option<i64>) -> CoreResult<StaffRecord> {
        let id = session.ok_or(CoreError::NotSignedIn)?;
        match self.store.session_staff(id).await? {
            Some(s) if s.status == StaffStatus::Active => Ok(s),
            _ => Err(CoreError::NotSignedIn),
        }
    }

    pub async fn logout(&self, session: i64, ws: &str) -> CoreResult<()> {
        if let Some(s) = self.store.session_staff(session).await? {
            self.store
                .append_audit(&self.audit("logout", "ok", ws).actor(s.id).subject(s.id))
                .await?;
        }
        self.store.end_session(session, self.clock.now()).await?;
        Ok(())
    }

    // ---- forgot password -----------------------------------------------------------------

    /// Always the same answer; what happened is in the audit log. The caller answers after a
    /// fixed deadline so that timing tells nothing either.
    pub async fn forgot_password(&self, identifier: &str, ws: &str) -> CoreResult<ForgotAnswer> {
        let identifier = validate::identifier(identifier)?;
        let outcome = self.forgot_password_inner(&identifier, ws).await;
        let (outcome, subject) = match outcome {
            Ok(pair) => pair,
            Err(e) => {
                tracing::warn!(error = %e, "forgot-password request failed");
                ("error", None)
            }
        };
        if outcome != "queued" {
            let mut event = self.audit("forgot_password", outcome, ws);
            if let Some(id) = subject {
                event = event.subject(id);
            }
            self.store.append_audit(&event).await?;
        }
        Ok(ForgotAnswer {
            message: FORGOT_MESSAGE.to_string(),
        })
    }

    async fn forgot_password_inner(
        &self,
        identifier: &str,
        ws: &str,
    ) -> CoreResult<(&'static str, Option<i64>)> {
        if !self.limits.allow_forgot_from_workstation(ws) {
            return Ok(("rate_limited_workstation", None));
        }
        let Some(staff) = self.store.find_staff_by_login(identifier).await? else {
            return Ok(("no_matching_account", None));
        };
        if !self.limits.allow_forgot_for_account(&staff.username) {
            return Ok(("rate_limited_account", Some(staff.id)));
        }
        if staff.status != StaffStatus::Active {
            return Ok(("account_disabled", Some(staff.id)));
        }
        let Some(email) = staff.email.clone() else {
            return Ok(("no_email_on_file", Some(staff.id)));
        };
        if self.resend_wait(&email).await?.is_some() {
            return Ok(("too_soon", Some(staff.id)));
        }
        let settings = self.settings().await?;
        let minutes = settings.lifetimes.self_reset_minutes;
        let event = self
            .audit("forgot_password", "queued", ws)
            .subject(staff.id);
        self.issue_reset(&settings, &staff, Purpose::SelfReset, minutes, None, event)
            .await?;
        Ok(("queued", Some(staff.id)))
    }

    /// Milliseconds until another reset email may go to `email`, if it is too soon.
    async fn resend_wait(&self, email: &str) -> CoreResult<Option<Millis>> {
        let last = self
            .store
            .latest_email_to(&email.to_lowercase(), &[EmailKind::StaffReset])
            .await?;
        let now = self.clock.now();
        Ok(last
            .map(|e| e.created_at + RESEND_INTERVAL - now)
            .filter(|wait| *wait > 0))
    }

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
            .ok_or_else(|| CoreError::NoEmail(no_email_message(staff)))?;
        let now = self.clock.now();
        let expires_at = now + token::minutes(minutes);
        let secrets = self.secrets(true);
        let token = NewToken {
            staff_id: staff.id,
            purpose,
            link_digest: secrets.link.as_deref().map(token::digest),
            code_digest: secrets.code.as_deref().map(token::digest),
            created_at: now,
            expires_at,
        };
        let message = NewEmail {
            kind: EmailKind::StaffReset,
            staff_id: Some(staff.id),
            recipient: email,
            recipient_name: staff.display_name.clone(),
            subject: EmailKind::StaffReset.subject(&settings.clinic.name),
            params: EmailParams {
                display_name: staff.display_name.clone(),
                username: staff.username.clone(),
                expires_at: Some(expires_at),
                requested_by: requested_by.map(|a| a.display_name.clone()),
            },
            sealed: Some(self.sealer.seal(&secrets)?),
            created_at: now,
        };
        self.store
            .issue_token(&token, Some(&message), &audit)
            .await?;
        (self.outbox_wake)();
        Ok(now)
    }

    // ---- setting a new password ----------------------------------------------------------

    /// Who a link is for, without using it up (mail scanners open links too).
    pub async fn check_link(&self, link: &str) -> CoreResult<ResetTarget> {
        let token = self.live_link_token(link).await?;
        let staff = self
            .store
            .get_staff(token.staff_id)
            .await?
            .ok_or(CoreError::TokenInvalid)?;
        Ok(ResetTarget {
            display_name: staff.display_name,
            expires_at: token.expires_at,
        })
    }

    async fn live_link_token(&self, link: &str) -> CoreResult<TokenRecord> {
        let link = link.trim();
        if link.len() != 43
            || !link
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(CoreError::TokenInvalid);
        }
        match self.store.find_token_by_link(&token::digest(link)).await? {
            Some(t) if t.is_live(self.clock.now()) => Ok(t),
            _ => Err(CoreError::TokenInvalid),
        }
    }

    async fn live_code_token(
        &self,
        username: &str,
        code: &str,
        ws: &str,
    ) -> CoreResult<TokenRecord> {
        let username = validate::identifier(username).map_err(|_| CoreError::TokenInvalid)?;
        let Some(staff) = self.store.find_staff_by_login(&username).await? else {
            return Err(CoreError::TokenInvalid);
        };
        let now = self.clock.now();
        let live = self.store.live_code_tokens(staff.id, now).await?;
        let typed = token::normalize_code(code).map(|c| token::digest(&c));
        let found = typed.as_deref().and_then(|typed| {
            live.iter().find(|t| {
                t.code_digest
                    .as_deref()
                    .is_some_and(|d| token::digests_match(d, typed))
            })
        });
        match found {
            Some(t) => Ok(t.clone()),
            None => {
                if !live.is_empty() {
                    let ids: Vec<i64> = live.iter().map(|t| t.id).collect();
                    let event = self.audit("reset_code", "wrong_code", ws).subject(staff.id);
                    self.store
                        .record_code_failure(&ids, MAX_CODE_ATTEMPTS, now, &event)
                        .await?;
                }
                Err(CoreError::TokenInvalid)
            }
        }
    }

    /// Validates the new password first, so a weak one leaves the token usable; then consumes
    /// the token, ends every session, revokes other tokens and queues "password changed".
    pub async fn complete_reset(
        &self,
        secret: ResetSecret,
        password: &str,
        confirm: &str,
        ws: &str,
    ) -> CoreResult<()> {
        let token = match &secret {
            ResetSecret::Link { token } => self.live_link_token(token).await?,
            ResetSecret::Code { username, code } => {
                self.live_code_token(username, code, ws).await?
            }
        };
        let staff = self
            .store
            .get_staff(token.staff_id)
            .await?
            .ok_or(CoreError::TokenInvalid)?;
        let settings = self.settings().await?;
        let email_local = staff.email.clone().unwrap_or_default();
        PasswordPolicy::new(settings.password_min_length).check(
            password,
            confirm,
            &[
                &settings.clinic.name,
                &staff.username,
                &staff.display_name,
                &email_local,
                "vetdesk",
            ],
        )?;
        let seen = match &settings.breach_check_url {
            Some(url) => self.breach.times_seen(url, password).await,
            None => None,
        };
        if let Some(seen) = seen {
            if seen > 0 {
                return Err(CoreError::WeakPassword(
                    "This password has appeared in a data breach. Choose a different one.".into(),
                ));
            }
        }
        let hash = self.hashing.hash(password.to_string()).await?;
        let now = self.clock.now();
        let notice = staff.email.as_ref().map(|email| NewEmail {
            kind: EmailKind::PasswordChanged,
            staff_id: Some(staff.id),
            recipient: email.clone(),
            recipient_name: staff.display_name.clone(),
            subject: EmailKind::PasswordChanged.subject(&settings.clinic.name),
            params: EmailParams {
                display_name: staff.display_name.clone(),
                username: staff.username.clone(),
                expires_at: None,
                requested_by: None,
            },
            sealed: None,
            created_at: now,
        });
        let event = self
            .audit("password_reset", "ok", ws)
            .subject(staff.id)
            .detail(format!("with {}", token.purpose.as_str()));
        if !self
            .store
            .complete_reset(token.id, &hash, now, notice.as_ref(), &event)
            .await?
        {
            return Err(CoreError::TokenInvalid);
        }
        (self.outbox_wake)();
        Ok(())
    }

    // ---- Staff List ----------------------------------------------------------------------

    async fn target_for_reset(
        &self,
        actor: &StaffRecord,
        staff_id: i64,
    ) -> CoreResult<StaffRecord> {
        access::staff_manager(actor)?;
        let target = self
            .store
            .get_staff(staff_id)
            .await?
            .ok_or(CoreError::NotFound("That staff member"))?;
        if !actor.role.can_reset_staff(target.role) {
            return Err(CoreError::Forbidden(format!(
                "{}s cannot reset the password of an {}. Ask another admin.",
                actor.role.label(),
                target.role.label()
            )));
        }
        if target.status != StaffStatus::Active {
            return Err(CoreError::Forbidden(
                "This account is disabled; enable it before resetting its password.".into(),
            ));
        }
        Ok(target)
    }

    pub async fn list_staff(&self, actor: &StaffRecord, query: &str) -> CoreResult<Vec<StaffRow>> {
        access::staff_manager(actor)?;
        let query = validate::search(query)?.to_lowercase();
        let rows = self.store.list_staff(&query, LIST_LIMIT).await?;
        Ok(rows.iter().map(StaffRow::from).collect())
    }

    pub async fn staff_card(&self, actor: &StaffRecord, staff_id: i64) -> CoreResult<StaffCard> {
        access::staff_manager(actor)?;
        let staff = self
            .store
            .get_staff(staff_id)
            .await?
            .ok_or(CoreError::NotFound("That staff member"))?;
        let last = self
            .store
            .latest_email_for_staff(staff.id, &[EmailKind::StaffReset])
            .await?;
        let now = self.clock.now();
        let resend_available_at = match &staff.email {
            Some(email) => self.resend_wait(email).await?.map(|wait| now + wait),
            None => None,
        };
        Ok(StaffCard {
            can_reset: actor.role.can_reset_staff(staff.role)
                && staff.status == StaffStatus::Active,
            last_reset: last.as_ref().map(reset_status),
            resend_available_at,
            staff: StaffRow::from(&staff),
        })
    }

    pub async fn send_staff_reset(
        &self,
        actor: &StaffRecord,
        staff_id: i64,
        ws: &str,
    ) -> CoreResult<ResetSent> {
        let target = self.target_for_reset(actor, staff_id).await?;
        let email = target
            .email
            .clone()
            .ok_or_else(|| CoreError::NoEmail(no_email_message(&target)))?;
        if let Some(wait) = self.resend_wait(&email).await? {
            return Err(CoreError::ResendTooSoon {
                retry_after_secs: ((wait + SECOND - 1) / SECOND) as u64,
            });
        }
        let settings = self.settings().await?;
        let event = self
            .audit("admin_reset", "queued", ws)
            .actor(actor.id)
            .subject(target.id);
        let sent_at = self
            .issue_reset(
                &settings,
                &target,
                Purpose::AdminReset,
                settings.lifetimes.admin_reset_minutes,
                Some(actor),
                event,
            )
            .await?;
        let masked = validate::mask_email(&email);
        Ok(ResetSent {
            message: format!("Reset password link has been sent to {masked}"),
            masked_email: masked,
            resend_available_at: sent_at + RESEND_INTERVAL,
        })
    }

    /// A code to hand over in person when email does not reach the staff member.
    pub async fn issue_one_time_code(
        &self,
        actor: &StaffRecord,
        staff_id: i64,
        ws: &str,
    ) -> CoreResult<OneTimeCode> {
        let target = self.target_for_reset(actor, staff_id).await?;
        let settings = self.settings().await?;
        let now = self.clock.now();
        let expires_at = now + token::minutes(settings.lifetimes.one_time_code_minutes);
        let secrets = self.secrets(false);
        let code = secrets
            .code
            .clone()
            .ok_or_else(|| CoreError::Internal("no code generated".into()))?;
        let token = NewToken {
            staff_id: target.id,
            purpose: Purpose::OneTimeCode,
            link_digest: None,
            code_digest: Some(token::digest(&code)),
            created_at: now,
            expires_at,
        };
        let event = self
            .audit("one_time_code", "issued", ws)
            .actor(actor.id)
            .subject(target.id);
        self.store.issue_token(&token, None, &event).await?;
        Ok(OneTimeCode { code, expires_at })
    }

    pub async fn update_staff_email(
        &self,
        actor: &StaffRecord,
        staff_id: i64,
        email: &str,
        ws: &str,
    ) -> CoreResult<StaffCard> {
        let email = validate::email("Email", email)?;
        let target = self.target_for_reset(actor, staff_id).await?;
        let event = self
            .audit("staff_email_changed", "ok", ws)
            .actor(actor.id)
            .subject(target.id);
        self.store
            .update_staff_email(target.id, &email, &event)
            .await?;
        self.staff_card(actor, staff_id).await
    }

    // ---- Settings and Activity -----------------------------------------------------------

    pub async fn save_settings(
        &self,
        actor: &StaffRecord,
        settings: Settings,
        ws: &str,
    ) -> CoreResult<Settings> {
        access::admin(actor)?;
        let settings = settings.validated()?;
        let event = self.audit("settings_saved", "ok", ws).actor(actor.id);
        self.store.save_settings(&settings, &event).await?;
        Ok(settings)
    }

    /// Records an admin's Send test email and how it ended.
    pub async fn record_test_email(
        &self,
        actor: &StaffRecord,
        failure: Option<&str>,
        ws: &str,
    ) -> CoreResult<()> {
        let outcome = if failure.is_some() { "failed" } else { "sent" };
        let mut event = self.audit("test_email", outcome, ws).actor(actor.id);
        if let Some(reason) = failure {
            event = event.detail(reason);
        }
        Ok(self.store.append_audit(&event).await?)
    }

    pub async fn list_activity(
        &self,
        actor: &StaffRecord,
        query: &str,
    ) -> CoreResult<Vec<AuditRow>> {
        access::activity(actor)?;
        let query = validate::search(query)?.to_lowercase();
        Ok(self.store.list_audit(&query, LIST_LIMIT).await?)
    }

    pub async fn list_emails(&self, actor: &StaffRecord, query: &str) -> CoreResult<Vec<EmailRow>> {
        access::activity(actor)?;
        let query = validate::search(query)?.to_lowercase();
        let rows = self.store.list_emails(&query, LIST_LIMIT).await?;
        Ok(rows.iter().map(EmailRow::from).collect())
    }
}

fn no_email_message(staff: &StaffRecord) -> String {
    format!(
        "{} has no email address on file. Add one to send a reset link, or use Show one-time \
         code to hand over a code in person.",
        staff.display_name
    )
}

fn reset_status(e: &EmailRecord) -> ResetStatus {
    ResetStatus {
        email_id: e.id,
        queued_at: e.created_at,
        sent_at: e.sent_at,
        status: e.status,
        last_error: e.last_error.clone(),
    }
}
