//! The outbox dispatcher with a real SMTP server, core's in-memory store and a manual clock.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use vetdesk_core::audit::{AuditAction, AuditOutcome};
use vetdesk_core::outbox::{EmailStatus, MAX_ATTEMPTS};
use vetdesk_core::settings::SmtpSecurity;
use vetdesk_core::time::{MINUTE, SECOND};
use vetdesk_mail::{DispatchReport, SmtpOptions};

use crate::support::*;
use vetdesk_testkit::smtp::{free_port, ServerOptions, SmtpServer};

fn plain_factory() -> SmtpFactory {
    SmtpFactory {
        password: None,
        options: SmtpOptions::default(),
    }
}

#[tokio::test]
async fn a_failed_send_is_retried_and_delivered_once_the_server_is_up() {
    let port = free_port();
    let harness = Harness::new(
        smtp_settings("127.0.0.1", port, SmtpSecurity::Plain, false),
        plain_factory(),
    )
    .await;
    let id = harness.queue_reset(|_| {}).await;

    let report = harness.dispatcher.run_once().await.unwrap();
    assert_eq!(
        report,
        DispatchReport {
            sent: 0,
            failed: 1,
            expired: 0
        }
    );
    let row = harness.row(id);
    assert_eq!(row.record.status, EmailStatus::Failed);
    assert_eq!(row.record.attempts, 1);
    let retry_at = row.next_attempt_at.expect("a retry is planned");
    assert!(
        (T0 + 5 * SECOND..=T0 + 6 * SECOND).contains(&retry_at),
        "first retry 5 s later, with up to 20 % jitter: {}",
        retry_at - T0
    );
    assert_eq!(
        row.record.last_error.as_deref(),
        Some(
            format!("Nothing is listening at 127.0.0.1:{port}. Check the SMTP host and port.")
                .as_str()
        )
    );
    assert!(
        row.record.sealed.is_some(),
        "the secrets stay for the retry"
    );
    let audit = harness.audit();
    assert_eq!(audit.len(), 1);
    assert_eq!(
        (audit[0].action, audit[0].outcome),
        (AuditAction::EmailFailed, AuditOutcome::Retry)
    );
    assert_eq!(audit[0].subject_id, Some(harness.staff_id));
    assert_eq!(audit[0].workstation, "front-desk-1");

    // Not due yet: nothing happens.
    assert_eq!(
        harness.dispatcher.run_once().await.unwrap(),
        DispatchReport::default()
    );

    let server = SmtpServer::start_on(port, &ServerOptions::default(), None);
    harness.clock.advance(10 * SECOND);
    let report = harness.dispatcher.run_once().await.unwrap();
    assert_eq!(report.sent, 1, "{report:?}");

    let row = harness.row(id);
    assert_eq!(row.record.status, EmailStatus::Sent);
    assert_eq!(row.record.attempts, 2);
    assert_eq!(row.record.sent_at, Some(T0 + 10 * SECOND));
    assert!(row.record.sealed.is_none());
    let received = server.wait_for(1);
    assert_eq!(received.len(), 1);
    let message = received[0].parsed();
    assert_eq!(
        row.message_id.as_deref(),
        Some(format!("<{}>", message.message_id().unwrap()).as_str())
    );
    let (text, html) = bodies(&message);
    for body in [&text, &html] {
        assert!(body.contains(CODE));
        assert!(body.contains(&format!("vetdesk://reset?token={LINK}")));
    }
    let audit = harness.audit();
    assert_eq!(
        (audit[1].action, audit[1].outcome),
        (AuditAction::EmailSent, AuditOutcome::Ok)
    );
    assert_eq!(audit[1].subject_id, Some(harness.staff_id));
}

#[tokio::test]
async fn an_email_whose_token_died_is_marked_expired_and_not_sent() {
    let server = SmtpServer::start(&ServerOptions::default(), None);
    let harness = Harness::new(
        smtp_settings("127.0.0.1", server.port, SmtpSecurity::Plain, false),
        plain_factory(),
    )
    .await;
    // The second reset replaces the first one's token, as a resend does.
    let revoked = harness.queue_reset(|_| {}).await;
    let timed_out = harness
        .queue_reset(|e| e.params.expires_at = Some(T0 - MINUTE))
        .await;

    let report = harness.dispatcher.run_once().await.unwrap();
    assert_eq!(report.expired, 2, "{report:?}");
    assert_eq!(report.sent, 0);
    for id in [revoked, timed_out] {
        let row = harness.row(id);
        assert_eq!(row.record.status, EmailStatus::Expired);
        assert!(row.record.sealed.is_none());
    }
    let audit = harness.audit();
    assert!(audit
        .iter()
        .all(|a| (a.action, a.outcome) == (AuditAction::EmailExpired, AuditOutcome::Expired)));
    std::thread::sleep(Duration::from_millis(200));
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn a_refused_recipient_fails_for_good() {
    let server = SmtpServer::start(&ServerOptions::default(), None);
    let harness = Harness::new(
        smtp_settings("127.0.0.1", server.port, SmtpSecurity::Plain, false),
        plain_factory(),
    )
    .await;
    let id = harness
        .queue_reset(|e| e.recipient = "refuse-permanent@harborview-clinic.example".into())
        .await;
    let report = harness.dispatcher.run_once().await.unwrap();
    assert_eq!(report.failed, 1);
    let row = harness.row(id);
    assert_eq!(row.record.status, EmailStatus::Failed);
    assert_eq!(row.next_attempt_at, None, "no retry after a 5xx");
    assert!(row.record.last_error.unwrap().contains("550"));
    let audit = harness.audit();
    assert_eq!(
        (audit[0].action, audit[0].outcome),
        (AuditAction::EmailFailed, AuditOutcome::Failed)
    );
}

#[tokio::test]
async fn the_last_attempt_is_final() {
    let port = free_port();
    let harness = Harness::new(
        smtp_settings("127.0.0.1", port, SmtpSecurity::Plain, false),
        plain_factory(),
    )
    .await;
    // A link that outlives every retry, so that only the attempt count ends them.
    let id = harness
        .queue_reset(|e| e.params.expires_at = Some(T0 + TOKEN_LIFETIME))
        .await;
    for attempt in 1..=MAX_ATTEMPTS {
        let report = harness.dispatcher.run_once().await.unwrap();
        assert_eq!(report.failed, 1, "attempt {attempt}: {report:?}");
        // Longer than the longest backoff with its jitter.
        harness.clock.advance(20 * MINUTE);
    }
    let row = harness.row(id);
    assert_eq!(row.record.status, EmailStatus::Failed);
    assert_eq!(row.record.attempts, MAX_ATTEMPTS);
    assert_eq!(row.next_attempt_at, None);
    assert!(
        row.record.sealed.is_none(),
        "a final failure drops the secrets"
    );
    assert_eq!(
        harness.dispatcher.run_once().await.unwrap(),
        DispatchReport::default()
    );
    let outcomes: Vec<_> = harness.audit().iter().map(|a| a.outcome).collect();
    assert_eq!(outcomes.len(), MAX_ATTEMPTS as usize);
    assert!(outcomes[..outcomes.len() - 1]
        .iter()
        .all(|o| *o == AuditOutcome::Retry));
    assert_eq!(outcomes.last(), Some(&AuditOutcome::Failed));
}

#[tokio::test]
async fn the_running_dispatcher_sends_when_woken_and_stops_on_shutdown() {
    let server = SmtpServer::start(&ServerOptions::default(), None);
    let harness = Harness::new(
        smtp_settings("127.0.0.1", server.port, SmtpSecurity::Plain, false),
        plain_factory(),
    )
    .await;
    let wake = Arc::new(Notify::new());
    let shutdown = CancellationToken::new();
    let task = tokio::spawn(
        harness
            .dispatcher
            .clone()
            .run(wake.clone(), shutdown.clone()),
    );
    tokio::time::sleep(Duration::from_millis(100)).await;

    let id = harness.queue_reset(|_| {}).await;
    wake.notify_one();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while harness.row(id).record.status != EmailStatus::Sent {
        assert!(
            tokio::time::Instant::now() < deadline,
            "not sent after a wake-up"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(server.wait_for(1).len(), 1);

    shutdown.cancel();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("the dispatcher stops on shutdown")
        .unwrap();
}
