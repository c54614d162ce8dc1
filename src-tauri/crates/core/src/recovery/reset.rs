//! Setting a new password with a link or a typed code. A token is consumed only by the submit
//! that sets the password, never by opening a link (mail scanners open links too). A typed code
//! is checked at a fixed deadline, so that timing never tells whether an account has a pending
//! reset.

use std::sync::Arc;

use crate::audit::{AuditAction, AuditOutcome};
use crate::deadline::{at_deadline, ANSWER_AFTER};
use crate::error::{CoreError, CoreResult, StoreError};
use crate::limits::{self, Action, Who};
use crate::outbox::EmailKind;
use crate::staff::{ResetSecret, ResetTarget, StaffRecord, StaffStatus};
use crate::token::{self, TokenRecord, MAX_CODE_ATTEMPTS};
use crate::validate;

use super::Recovery;

impl Recovery {
    /// Who a link is for, without using it up (mail scanners open links too).
    pub async fn check_link(&self, link: &str) -> CoreResult<ResetTarget> {
        let token = self.live_link_token(link).await?;
        let staff = self.reset_account(&token).await?;
        Ok(ResetTarget {
            display_name: staff.display_name,
            expires_at: token.expires_at,
        })
    }

    async fn live_link_token(&self, link: &str) -> CoreResult<TokenRecord> {
        let link = token::well_formed_link(link).ok_or(CoreError::TokenInvalid)?;
        match self.store.find_token_by_link(&token::digest(link)).await? {
            Some(t) if t.is_live(self.clock.now()) => Ok(t),
            _ => Err(CoreError::TokenInvalid),
        }
    }

    /// The account a token resets. A disabled or missing one gets the words of an invalid token.
    async fn reset_account(&self, token: &TokenRecord) -> CoreResult<StaffRecord> {
        match self.store.get_staff(token.staff_id).await? {
            Some(s) if s.status == StaffStatus::Active => Ok(s),
            _ => Err(CoreError::TokenInvalid),
        }
    }

    /// The live token that `code` opens for `username`. A typed code counts against the
    /// workstation and, when the name is an account's, against that account; then an attempt is
    /// reserved on each of the account's live codes before any comparison. A right code takes
    /// them all back; a wrong one burns the codes that have had their last attempt.
    async fn live_code_token(
        &self,
        username: &str,
        code: &str,
        ws: &str,
    ) -> CoreResult<TokenRecord> {
        let username = validate::identifier(validate::USERNAME, username)
            .map_err(|_| CoreError::TokenInvalid)?;
        let desk = Who::Workstation(ws);
        if let Some(wait) = self.over_limit(Action::Code, desk).await? {
            // Every name typed at this desk gets it alike, so it tells nothing about accounts.
            self.audit_code(AuditOutcome::RateLimitedWorkstation, None, ws)
                .await?;
            return Err(CoreError::Throttled {
                retry_after_secs: limits::seconds(wait),
            });
        }
        let Some(staff) = self.store.find_staff_by_login(&username).await? else {
            return Err(CoreError::TokenInvalid);
        };
        let account = Who::Account(staff.id);
        if self.over_limit(Action::Code, account).await?.is_some() {
            // The words of a wrong code: only accounts have this limit, so others must not tell.
            self.audit_code(AuditOutcome::RateLimitedAccount, Some(staff.id), ws)
                .await?;
            return Err(CoreError::TokenInvalid);
        }
        let now = self.clock.now();
        let reserved = self
            .store
            .reserve_code_attempt(staff.id, MAX_CODE_ATTEMPTS, now)
            .await?;
        let ids: Vec<i64> = reserved.iter().map(|t| t.id).collect();
        let typed = token::normalize_code(code).map(|c| self.pepper.digest(&c));
        let found = typed.as_deref().and_then(|typed| {
            reserved.iter().find(|t| {
                t.code_digest
                    .as_deref()
                    .is_some_and(|d| token::digests_match(d, typed))
            })
        });
        if let Some(found) = found {
            self.store.release_code_attempt(&ids).await?;
            self.take_back(Action::Code, &[desk, account]).await?;
            return Ok(found.clone());
        }
        if !ids.is_empty() {
            let event = self
                .audit(AuditAction::ResetCode, AuditOutcome::WrongCode, ws)
                .subject(staff.id);
            self.store
                .record_wrong_code(&ids, MAX_CODE_ATTEMPTS, now, &event)
                .await?;
        }
        Err(CoreError::TokenInvalid)
    }

    async fn audit_code(
        &self,
        outcome: AuditOutcome,
        subject: Option<i64>,
        ws: &str,
    ) -> CoreResult<()> {
        let event = self
            .audit(AuditAction::ResetCode, outcome, ws)
            .maybe_subject(subject);
        Ok(self.store.append_audit(&event).await?)
    }

    /// What the Set new password screen calls. A typed code is checked in a task of its own and
    /// answered at [`ANSWER_AFTER`], never earlier or later, so that timing never tells whether
    /// an account has a pending reset; a check that has not ended by then (a locked database)
    /// answers that the database is busy, as it does for every name typed at this desk, whose
    /// limit is counted first. A link needs no deadline: its 256 bits tell nothing by timing.
    /// Neither does the password work after a right code, which only its holder sees.
    pub async fn answer_complete_reset(
        self: &Arc<Self>,
        secret: ResetSecret,
        password: &str,
        confirm: &str,
        ws: &str,
    ) -> CoreResult<()> {
        let token = match secret {
            ResetSecret::Link { token } => self.live_link_token(&token).await?,
            ResetSecret::Code { username, code } => {
                let (this, desk) = (self.clone(), ws.to_string());
                let check = async move { this.live_code_token(&username, &code, &desk).await };
                at_deadline(ANSWER_AFTER, check)
                    .await
                    .unwrap_or(Err(CoreError::Store(StoreError::Busy)))?
            }
        };
        self.set_new_password(token, password, confirm, ws).await
    }

    /// As [`Self::answer_complete_reset`], without the deadline.
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
        self.set_new_password(token, password, confirm, ws).await
    }

    /// Checks the new password first, so a weak one leaves the token usable; then consumes the
    /// token, ends every session, revokes other tokens and queues "password changed".
    async fn set_new_password(
        &self,
        token: TokenRecord,
        password: &str,
        confirm: &str,
        ws: &str,
    ) -> CoreResult<()> {
        let staff = self.reset_account(&token).await?;
        let settings = self.settings().await?;
        self.check_new_password(&settings, &staff, password, confirm)
            .await?;
        let hash = self.hashing.hash(password.to_string()).await?;
        let now = self.clock.now();
        let notice = staff.email.clone().map(|email| {
            super::staff_email(EmailKind::PasswordChanged, &settings, &staff, email, now)
        });
        let event = self
            .audit(AuditAction::PasswordReset, AuditOutcome::Ok, ws)
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
}
