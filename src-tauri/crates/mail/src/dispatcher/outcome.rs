//! How each attempt ends, in the outbox and the audit log: sent (and by which transport),
//! failed (retried with backoff, or for good), or expired before it could go.

use vetdesk_core::audit::{AuditAction, AuditEvent, AuditOutcome};
use vetdesk_core::outbox::{retry_delay, DeliveredVia, EmailRecord, MAX_ATTEMPTS};
use vetdesk_core::time::Millis;

use super::{DispatchError, Dispatcher, Failure};

impl Dispatcher {
    pub(super) async fn expire(
        &self,
        email: &EmailRecord,
        now: Millis,
    ) -> Result<(), DispatchError> {
        let audit = self.audit(email, now, AuditAction::EmailExpired, AuditOutcome::Expired);
        self.outbox.mark_email_expired(email.id, &audit).await?;
        tracing::info!(
            email_id = email.id,
            kind = email.kind.as_str(),
            status = "expired",
            "email not sent: its link expired first"
        );
        Ok(())
    }

    pub(super) async fn record_sent(
        &self,
        email: &EmailRecord,
        message_id: &str,
        via: DeliveredVia,
    ) -> Result<(), DispatchError> {
        let now = self.clock.now();
        let where_to = match via {
            DeliveredVia::Smtp => "accepted by the mail server",
            DeliveredVia::Preview => "written to the preview outbox, not sent",
        };
        let audit = self
            .audit(email, now, AuditAction::EmailSent, AuditOutcome::Ok)
            .detail(format!("{}: {where_to}", email.kind.as_str()));
        self.outbox
            .mark_email_sent(email.id, now, message_id, via, &audit)
            .await?;
        tracing::info!(
            email_id = email.id,
            kind = email.kind.as_str(),
            status = "sent",
            via = via.as_str(),
            attempt = email.attempts + 1,
            "email sent"
        );
        Ok(())
    }

    pub(super) async fn record_failed(
        &self,
        email: &EmailRecord,
        failure: Failure,
    ) -> Result<(), DispatchError> {
        let now = self.clock.now();
        let last_try = failure.permanent || email.attempts + 1 >= MAX_ATTEMPTS;
        let retry_at =
            (!last_try).then(|| now + retry_delay(email.attempts, rand::random::<f64>()));
        let outcome = if last_try {
            AuditOutcome::Failed
        } else {
            AuditOutcome::Retry
        };
        let audit = self
            .audit(email, now, AuditAction::EmailFailed, outcome)
            .detail(format!("{}: {}", email.kind.as_str(), failure.reason));
        self.outbox
            .mark_email_failed(email.id, &failure.reason, retry_at, &audit)
            .await?;
        tracing::warn!(
            email_id = email.id,
            kind = email.kind.as_str(),
            status = "failed",
            attempt = email.attempts + 1,
            retry_at,
            error = %failure.reason,
            "email not sent"
        );
        Ok(())
    }

    fn audit(
        &self,
        email: &EmailRecord,
        now: Millis,
        action: AuditAction,
        outcome: AuditOutcome,
    ) -> AuditEvent {
        let event = AuditEvent::new(now, action, outcome, &self.claimant.workstation)
            .detail(email.kind.as_str());
        match email.staff_id {
            Some(id) => event.subject(id),
            None => event,
        }
    }
}
