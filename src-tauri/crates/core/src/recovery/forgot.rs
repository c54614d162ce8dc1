//! Forgot password: the same words and the same timing whoever asks; the email work happens in
//! the outbox.

use crate::audit::{AuditAction, AuditOutcome};
use crate::error::CoreResult;
use crate::staff::{ForgotAnswer, StaffStatus};
use crate::token::Purpose;
use crate::validate;

use super::Recovery;

/// The one answer forgot-password ever gives.
pub const FORGOT_MESSAGE: &str = "If an account matches, we've sent a link to its registered \
                                  email. Check your spam/junk folder.";
/// Forgot-password answers no sooner than this after the request, whatever happened behind it,
/// so that timing tells no more than the words do.
pub const FORGOT_ANSWER_AFTER: std::time::Duration = std::time::Duration::from_millis(1_200);

impl<C: governor::clock::Clock + Clone> Recovery<C> {
    /// Always the same answer; what happened is in the audit log. The caller answers after a
    /// fixed deadline so that timing tells nothing either.
    pub async fn forgot_password(&self, identifier: &str, ws: &str) -> CoreResult<ForgotAnswer> {
        let identifier = validate::identifier(validate::IDENTIFIER, identifier)?;
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
        Ok(ForgotAnswer {
            message: FORGOT_MESSAGE.to_string(),
        })
    }

    async fn forgot_password_inner(
        &self,
        identifier: &str,
        ws: &str,
    ) -> CoreResult<(AuditOutcome, Option<i64>)> {
        if !self.limits.allow_forgot_from_workstation(ws) {
            return Ok((AuditOutcome::RateLimitedWorkstation, None));
        }
        let Some(staff) = self.store.find_staff_by_login(identifier).await? else {
            return Ok((AuditOutcome::NoMatchingAccount, None));
        };
        let refused = |outcome| Ok((outcome, Some(staff.id)));
        if !self.limits.allow_forgot_for_account(&staff.username) {
            return refused(AuditOutcome::RateLimitedAccount);
        }
        if staff.status != StaffStatus::Active {
            return refused(AuditOutcome::AccountDisabled);
        }
        let Some(email) = staff.email.clone() else {
            return refused(AuditOutcome::NoEmailOnFile);
        };
        if self.resend_wait(&email).await?.is_some() {
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
