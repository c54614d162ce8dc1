//! A dispatcher's claim on an email holds for its lease; after that another dispatcher may take
//! the email over. A send that outlasts half the lease (a mail server that stalls) is given up,
//! so that no other dispatcher sends the email while this one still talks to the mail server, and
//! its failure is recorded while the claim still holds: the email is due again, not lost.

use std::time::Duration;

use vetdesk_core::audit::{AuditAction, AuditOutcome};
use vetdesk_core::outbox::EmailStatus;
use vetdesk_core::settings::SmtpSecurity;
use vetdesk_core::time::SECOND;
use vetdesk_mail::{MailSecrets, SmtpOptions};
use vetdesk_testkit::smtp::{ServerOptions, SmtpServer};

use crate::support::*;

fn factory() -> SmtpFactory {
    SmtpFactory {
        secrets: MailSecrets::default(),
        options: SmtpOptions::default(),
    }
}

#[tokio::test]
async fn a_send_that_outlasts_half_the_lease_is_given_up_while_the_claim_holds() {
    // The server answers the message 3 s after it arrives; the claim holds 2 s.
    let stalling = SmtpServer::start_slow(Duration::from_secs(3), &ServerOptions::default(), None);
    let settings = smtp_settings("127.0.0.1", stalling.port, SmtpSecurity::Plain, false);
    let harness = Harness::leased(settings, factory(), 2 * SECOND).await;
    let id = harness.queue_reset(|_| {}).await;

    let report = harness.dispatcher.run_once().await.unwrap();
    assert_eq!((report.sent, report.failed), (0, 1), "{report:?}");
    let row = harness.row(id);
    assert_eq!(row.record.status, EmailStatus::Failed);
    assert!(row.next_attempt_at.is_some(), "due again: {row:?}");
    assert_eq!(row.claimed_by, None, "the claim is let go");
    let error = row.record.last_error.clone().unwrap_or_default();
    assert!(
        error.contains("did not take the email within 1 seconds"),
        "{error}"
    );
    let audit = harness.audit();
    assert_eq!(
        (audit[0].action, audit[0].outcome),
        (AuditAction::EmailFailed, AuditOutcome::Retry)
    );
}

#[tokio::test]
async fn a_send_within_half_the_lease_goes_as_usual() {
    let slow = SmtpServer::start_slow(Duration::from_millis(300), &ServerOptions::default(), None);
    let settings = smtp_settings("127.0.0.1", slow.port, SmtpSecurity::Plain, false);
    let harness = Harness::leased(settings, factory(), 4 * SECOND).await;
    let id = harness.queue_reset(|_| {}).await;

    let report = harness.dispatcher.run_once().await.unwrap();
    assert_eq!((report.sent, report.failed), (1, 0), "{report:?}");
    assert_eq!(harness.row(id).record.status, EmailStatus::Sent);
    assert_eq!(slow.wait_for(1).len(), 1);
}
