//! The outbox dispatcher with a real SMTP server, core's in-memory store and a manual clock.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use vetdesk_core::audit::{AuditAction, AuditEvent, AuditOutcome};
use vetdesk_core::outbox::{
    Claimant, DeliveredVia, EmailKind, EmailStatus, NewEmail, CLAIM_LEASE, MAX_ATTEMPTS,
};
use vetdesk_core::ports::{EmailStore, OutboxStore};
use vetdesk_core::seal::Sealer;
use vetdesk_core::settings::{Settings, SmtpSecurity};
use vetdesk_core::testing::MemoryStore;
use vetdesk_core::time::{MINUTE, SECOND};
use vetdesk_mail::{
    DispatchReport, Dispatcher, MailError, MailTransport, SmtpOptions, TransportFactory,
};

use crate::support::*;
use vetdesk_testkit::smtp::{free_port, ServerOptions, SmtpServer};

fn plain_factory() -> SmtpFactory {
    SmtpFactory {
        secrets: MailSecrets::default(),
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
            expired: 0,
            wrong_key: false,
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
async fn portal_emails_whose_link_ran_out_are_marked_expired_and_not_sent() {
    let server = SmtpServer::start(&ServerOptions::default(), None);
    let harness = Harness::new(
        smtp_settings("127.0.0.1", server.port, SmtpSecurity::Plain, false),
        plain_factory(),
    )
    .await;
    // The dispatcher decides by the email's own expiry, whatever store holds its token.
    let mut ids = Vec::new();
    for kind in [EmailKind::PortalInvite, EmailKind::PortalReset] {
        let id = harness
            .queue_reset(|e| {
                e.kind = kind;
                e.params.expires_at = Some(T0 - MINUTE);
            })
            .await;
        ids.push(id);
    }

    let report = harness.dispatcher.run_once().await.unwrap();
    assert_eq!(report.expired, 2, "{report:?}");
    for id in ids {
        assert_eq!(harness.row(id).record.status, EmailStatus::Expired);
    }
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

/// Queues a notice without a token, due now: several can wait side by side.
async fn queue_notice(harness: &Harness) -> i64 {
    let record = reset_email(T0);
    let notice = NewEmail {
        kind: EmailKind::PasswordChanged,
        staff_id: Some(harness.staff_id),
        recipient: record.recipient,
        recipient_name: record.recipient_name,
        subject: EmailKind::PasswordChanged.subject("Harborview Animal Clinic"),
        params: record.params,
        sealed: None,
        created_at: T0,
    };
    let audit = AuditEvent::new(T0, AuditAction::PasswordReset, AuditOutcome::Ok, "w");
    harness.store.enqueue_email(&notice, &audit).await.unwrap()
}

#[tokio::test]
async fn a_restarted_dispatcher_sends_what_its_dead_run_left_claimed_at_once() {
    let server = SmtpServer::start(&ServerOptions::default(), None);
    let harness = Harness::new(
        smtp_settings("127.0.0.1", server.port, SmtpSecurity::Plain, false),
        plain_factory(),
    )
    .await;
    let mine = queue_notice(&harness).await;
    let theirs = queue_notice(&harness).await;
    // Killed mid-send: this workstation's previous run holds one, another workstation the other.
    let dead = Claimant::new(WORKSTATION, "killed-run");
    let alive = Claimant::new("front-desk-2", "its-run");
    for (by, id) in [(&dead, mine), (&alive, theirs)] {
        let claimed = harness.store.claim_due_emails(T0, CLAIM_LEASE, 1, by).await;
        assert_eq!(claimed.unwrap()[0].id, id);
    }
    assert_eq!(
        harness.dispatcher.run_once().await.unwrap(),
        DispatchReport::default(),
        "both leases still run"
    );

    // The manual clock stands still: only taking back the dead claim can make it due.
    let wake = Arc::new(Notify::new());
    let shutdown = CancellationToken::new();
    let started = tokio::time::Instant::now();
    let task = tokio::spawn(harness.dispatcher.clone().run(wake, shutdown.clone()));
    while harness.row(mine).record.status != EmailStatus::Sent {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "not sent within 5 s of the restart"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(server.wait_for(1).len(), 1);
    assert_eq!(harness.row(theirs).record.status, EmailStatus::Sending);
    assert_eq!(harness.row(theirs).claimed_by, Some(alive));
    shutdown.cancel();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("the dispatcher stops on shutdown")
        .unwrap();
}

/// Counts, at each send, how many emails stand claimed; hangs forever on `hang_on`, as a
/// process killed there would never get further.
struct Recording {
    store: Arc<MemoryStore>,
    sends: Arc<Mutex<Vec<(i64, usize)>>>,
    hang_on: Option<i64>,
}

#[async_trait]
impl MailTransport for Recording {
    async fn send(&self, _message: &lettre::Message, id: Option<i64>) -> Result<(), MailError> {
        let id = id.unwrap();
        let claimed = self
            .store
            .email_rows()
            .iter()
            .filter(|r| r.record.status == EmailStatus::Sending)
            .count();
        self.sends.lock().unwrap().push((id, claimed));
        if self.hang_on == Some(id) {
            std::future::pending::<()>().await;
        }
        Ok(())
    }

    fn via(&self) -> DeliveredVia {
        DeliveredVia::Smtp
    }

    fn carries_secrets(&self) -> bool {
        true
    }
}

struct RecordingFactory(Arc<Recording>);

impl TransportFactory for RecordingFactory {
    fn transport(&self, _settings: &Settings) -> Result<Arc<dyn MailTransport>, MailError> {
        Ok(self.0.clone())
    }
}

#[tokio::test]
async fn a_crash_mid_batch_repeats_at_most_the_email_in_flight() {
    let harness = Harness::new(Settings::demo(), plain_factory()).await;
    let mut ids = [0; 3];
    for id in &mut ids {
        *id = queue_notice(&harness).await;
    }
    let sends: Arc<Mutex<Vec<(i64, usize)>>> = Arc::default();
    let factory = |hang_on| {
        RecordingFactory(Arc::new(Recording {
            store: harness.store.clone(),
            sends: sends.clone(),
            hang_on,
        }))
    };
    let dispatcher = |run: &str, factory: RecordingFactory| {
        let dispatcher = Dispatcher::new(
            harness.store.clone(),
            harness.store.clone(),
            harness.sealer.clone(),
            harness.clock.clone(),
            Arc::new(factory),
            WORKSTATION.into(),
        );
        Arc::new(dispatcher.in_run(run))
    };

    // The first run is killed while the server takes the second email: it never records it.
    let first = dispatcher("first", factory(Some(ids[1])));
    let round = tokio::spawn(async move { first.run_once().await });
    while sends.lock().unwrap().len() < 2 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    round.abort();
    let statuses = || ids.map(|id| harness.row(id).record.status);
    assert_eq!(
        statuses(),
        [EmailStatus::Sent, EmailStatus::Sending, EmailStatus::Queued],
        "only the email in flight was claimed"
    );

    let second = dispatcher("second", factory(None));
    assert_eq!(second.release_dead_claims().await.unwrap(), 1);
    assert_eq!(second.run_once().await.unwrap().sent, 2);
    assert_eq!(statuses(), [EmailStatus::Sent; 3]);
    let sends = sends.lock().unwrap().clone();
    let sent: Vec<i64> = sends.iter().map(|(id, _)| *id).collect();
    assert_eq!(sent, [ids[0], ids[1], ids[1], ids[2]], "one duplicate");
    assert!(
        sends.iter().all(|(_, claimed)| *claimed == 1),
        "one email claimed at a time: {sends:?}"
    );
}

#[tokio::test]
async fn a_dispatcher_with_another_key_sends_nothing_and_one_given_the_clinic_key_sends() {
    let server = SmtpServer::start(&ServerOptions::default(), None);
    let harness = Harness::new(
        smtp_settings("127.0.0.1", server.port, SmtpSecurity::Plain, false),
        plain_factory(),
    )
    .await;
    // The clinic's first dispatcher records its key.
    assert!(harness.dispatcher.holds_clinic_key().await.unwrap());
    let id = harness.queue_reset(|_| {}).await;
    let stranger = |sealer: Arc<Sealer>| {
        Dispatcher::new(
            harness.store.clone(),
            harness.store.clone(),
            sealer,
            harness.clock.clone(),
            Arc::new(plain_factory()),
            "vetdesk-server".into(),
        )
    };
    let other = stranger(Arc::new(Sealer::new(&Sealer::generate_key())));
    let report = other.run_once().await.unwrap();
    assert!(report.wrong_key);
    assert_eq!(report.sent + report.failed, 0);
    assert_eq!(harness.row(id).record.status, EmailStatus::Queued);
    assert_eq!(harness.row(id).record.attempts, 0);

    // Given the clinic's key through its exported file, it opens and sends the email.
    let exported = harness.sealer.export();
    let enrolled = stranger(Arc::new(Sealer::import(exported.expose()).unwrap()));
    let report = enrolled.run_once().await.unwrap();
    assert_eq!((report.sent, report.wrong_key), (1, false));
    assert_eq!(server.wait_for(1).len(), 1);
}
