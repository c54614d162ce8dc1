//! Setting a new password with a link or a typed code. A token is consumed only by the submit
//! that sets the password, never by opening a link (mail scanners open links too).

use crate::audit::{AuditAction, AuditOutcome};
use crate::error::{CoreError, CoreResult};
use crate::outbox::EmailKind;
use crate::policy::{PasswordPolicy, BREACHED_MESSAGE};
use crate::staff::{ResetSecret, ResetTarget};
use crate::token::{self, TokenRecord, MAX_CODE_ATTEMPTS};
use crate::validate;

use super::Recovery;

impl<C: governor::clock::Clock + Clone> Recovery<C> {
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
        let username = validate::identifier(validate::USERNAME, username)
            .map_err(|_| CoreError::TokenInvalid)?;
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
                    let event = self
                        .audit(AuditAction::ResetCode, AuditOutcome::WrongCode, ws)
                        .subject(staff.id);
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
                return Err(CoreError::WeakPassword(BREACHED_MESSAGE.into()));
            }
        }
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
