//! Forgot password: the same words and the same timing whoever asks; the email work happens in
//! the outbox.

use std::sync::Arc;

use crate::audit::{AuditAction, AuditOutcome};
use crate::deadline::{at_deadline, ANSWER_AFTER};
use crate::error::{CoreError, CoreResult};
use crate::limits::{Action, Who};
use crate::outbox::EmailKind;
use crate::settings::MailTransport;
use crate::staff::{ForgotAnswer, StaffStatus};
use crate::token::Purpose;
use crate::validate;

use super::Recovery;

/// The one answer forgot-password gives when the clinic sends mail.
pub const FORGOT_MESSAGE: &str = "If an account matches, we've sent a link to its registered \
                                  email. Check your spam/junk folder.";
/// The one answer when the clinic's mail only reaches the preview outbox, where no reset secret
/// is shown: the way in is a one-time code from the staff card.
pub const FORGOT_MESSAGE_NO_MAIL: &str = "If an account matches, we've sent a link to its \
                                          registered email. Check your spam/junk folder. If no \
                                          email arrives, ask your office manager for a \
                                          one-time code.";

impl Recovery {
    /// What the Forgot password screen calls: [`Self::forgot_password`] in a task of its own,
    /// answered at [`ANSWER_AFTER`] with the one answer, never earlier or later, whatever the
    /// database or the mail server does meanwhile.
    pub async fn answer_forgot_password(
        self: &Arc<Self>,
        identifier: &str,
        ws: &str,
    ) -> CoreResult<ForgotAnswer> {
        let this = self.clone();
        let (identifier, ws) = (identifier.to_string(), ws.to_string());
        let work = async move { this.forgot_password(&identifier, &ws).await };
        let this = self.clone();
        let words = async move { this.forgot_answer().await };
        let (done, words) = tokio::join!(
            at_deadline(ANSWER_AFTER, work),
            at_deadline(ANSWER_AFTER, words)
        );
        match done {
            Some(Err(e @ (CoreError::InvalidInput { .. } | CoreError::NotConfigured(_)))) => Err(e),
            Some(Ok(answer)) => Ok(answer),
            _ => Ok(words.unwrap_or_else(|| ForgotAnswer {
                message: FORGOT_MESSAGE.to_string(),
            })),
        }
    }

    /// Always the same answer; what happened is in the audit log. Callers that face a person
    /// use [`Self::answer_forgot_password`], so that timing tells nothing either.
    pub async fn forgot_password(&self, identifier: &str, ws: &str) -> CoreResult<ForgotAnswer> {
        let identifier = validate::identifier(validate::IDENTIFIER, identifier)?;
        // Whoever asks, before any account is looked up: a desk that cannot mint a link says so.
        self.require_clinic_keys().await?;
        let (outcome, subject) = match self.forgot_password_inner(&identifier, ws).await {
            Ok(pair) => pair,
            Err(e) => {
                tracing::warn!(error = %e, "forgot-password request failed");
                (AuditOutcome::Error, None)
            }
        };
        // A queued reset was audited in the same transaction as its token.
        if outcome != AuditOutcome::Queued {
            let event = self
                .audit(AuditAction::ForgotPassword, outcome, ws)
                .maybe_subject(subject);
            self.store.append_audit(&event).await?;
        }
        Ok(self.forgot_answer().await)
    }

    /// The one answer. Settings are the same whoever asks, so it tells nothing about accounts.
    async fn forgot_answer(&self) -> ForgotAnswer {
        let settings = self.settings().await;
        let message = if settings.is_ok_and(|s| s.mail.transport == MailTransport::Preview) {
            FORGOT_MESSAGE_NO_MAIL
        } else {
            FORGOT_MESSAGE
        };
        ForgotAnswer {
            message: message.to_string(),
        }
    }

    async fn forgot_password_inner(
        &self,
        identifier: &str,
        ws: &str,
    ) -> CoreResult<(AuditOutcome, Option<i64>)> {
        let desk = Who::Workstation(ws);
        if self.over_limit(Action::Forgot, desk).await?.is_some() {
            return Ok((AuditOutcome::RateLimitedWorkstation, None));
        }
        let Some(staff) = self.store.find_staff_by_login(identifier).await? else {
            return Ok((AuditOutcome::NoMatchingAccount, None));
        };
        let refused = |outcome| Ok((outcome, Some(staff.id)));
        if self
            .over_limit(Action::Forgot, Who::Account(staff.id))
            .await?
            .is_some()
        {
            return refused(AuditOutcome::RateLimitedAccount);
        }
        if staff.status != StaffStatus::Active {
            return refused(AuditOutcome::AccountDisabled);
        }
        let Some(email) = staff.email.clone() else {
            return refused(AuditOutcome::NoEmailOnFile);
        };
        if self
            .resend_wait(&email, &[EmailKind::StaffReset])
            .await?
            .is_some()
        {
            return refused(AuditOutcome::TooSoon);
        }
        let settings = self.settings().await?;
        let minutes = settings.lifetimes.self_reset_minutes;
        let event = self
            .audit(AuditAction::ForgotPassword, AuditOutcome::Queued, ws)
            .subject(staff.id);
        self.issue_reset(&settings, &staff, Purpose::SelfReset, minutes, None, event)
            .await?;
        Ok((AuditOutcome::Queued, Some(staff.id)))
    }
}
