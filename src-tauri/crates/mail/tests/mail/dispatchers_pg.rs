//! Three dispatchers on one PostgreSQL clinic database: two in this process and one in a
//! process of its own, each with its own connections and the clinic's outbox key, sending 1,000
//! emails to a real SMTP server at once. The third is killed (SIGKILL) mid-run; the email it held
//! is taken over by the others when its lease ends. Every email arrives; none arrives twice,
//! except the one the killed dispatcher may have handed to the server without living to record
//! it (at most one: a dispatcher claims one email at a time).

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use vetdesk_core::audit::{AuditAction, AuditEvent, AuditOutcome};
use vetdesk_core::outbox::{EmailKind, EmailParams, NewEmail};
use vetdesk_core::ports::EmailStore;
use vetdesk_core::seal::Sealer;
use vetdesk_core::settings::SmtpSecurity;
use vetdesk_core::time::SECOND;
use vetdesk_core::{Clock, SystemClock};
use vetdesk_mail::{Dispatcher, MailSecrets, SmtpOptions};
use vetdesk_store::PgStore;
use vetdesk_testkit::postgres::fresh_database;
use vetdesk_testkit::smtp::{ServerOptions, SmtpServer};

use crate::support::*;

const EMAILS: usize = 1_000;
/// A short lease, so that the killed dispatcher's email is taken over within the test.
const LEASE: vetdesk_core::time::Millis = 3 * SECOND;
const KEY: [u8; 32] = [23; 32];
/// Set in the environment of the dispatcher process: the database's URL.
const CHILD_ENV: &str = "VETDESK_PG_DISPATCHER";
const CHILD_TEST: &str = "dispatchers_pg::dispatcher_process";
const CHILD_WORKSTATION: &str = "front-desk-3";
const WITHIN: Duration = Duration::from_secs(120);

fn dispatcher(store: PgStore, workstation: &str) -> Arc<Dispatcher> {
    let store = Arc::new(store);
    Arc::new(
        Dispatcher::new(
            store.clone(),
            store,
            Arc::new(Sealer::new(&KEY)),
            Arc::new(SystemClock),
            Arc::new(SmtpFactory {
                secrets: MailSecrets::default(),
                options: SmtpOptions::default(),
            }),
            workstation.into(),
        )
        .with_lease(LEASE),
    )
}

/// The third dispatcher, when the test starts this binary as one: it sends until killed.
/// Ignored in a normal run, so that it never counts as a test that passed.
#[tokio::test]
#[ignore = "the PostgreSQL dispatchers test's third dispatcher; it runs this itself"]
async fn dispatcher_process() {
    let url = std::env::var(CHILD_ENV).expect("started by the dispatchers test");
    let store = PgStore::connect(&url).await.unwrap();
    let dispatcher = dispatcher(store, CHILD_WORKSTATION);
    let shutdown = CancellationToken::new();
    dispatcher.run(Arc::new(Notify::new()), shutdown).await;
}

struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn queue_notices(store: &PgStore, staff_id: i64) {
    let now = SystemClock.now();
    for n in 0..EMAILS {
        let notice = NewEmail {
            kind: EmailKind::PasswordChanged,
            staff_id: Some(staff_id),
            recipient: format!("notice-{n:04}@harborview-clinic.example"),
            recipient_name: "Test Receptionist".into(),
            subject: EmailKind::PasswordChanged.subject("Harborview Animal Clinic"),
            params: EmailParams::default(),
            sealed: None,
            created_at: now,
        };
        let audit = AuditEvent::new(now, AuditAction::PasswordReset, AuditOutcome::Ok, "desk");
        store.enqueue_email(&notice, &audit).await.unwrap();
    }
}

/// What the database says of the outbox: emails sent, and those the killed dispatcher held.
async fn outbox(store: &PgStore) -> (i64, Vec<String>) {
    let sent: i64 = sqlx::query_scalar("SELECT count(*) FROM emails WHERE status = 'sent'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let held: Vec<String> = sqlx::query_scalar(
        "SELECT recipient FROM emails WHERE status = 'sending' AND claimed_by = $1",
    )
    .bind(CHILD_WORKSTATION)
    .fetch_all(store.pool())
    .await
    .unwrap();
    (sent, held)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_dispatchers_send_each_email_once_and_take_over_a_killed_ones_claim() {
    let server = SmtpServer::start(&ServerOptions::default(), None);
    let database = fresh_database("dispatchers").await;
    let store = PgStore::connect(&database.url).await.unwrap();
    let settings = smtp_settings("127.0.0.1", server.port, SmtpSecurity::Plain, false);
    let staff_id = seed_clinic(&store, &settings, SystemClock.now()).await;
    queue_notices(&store, staff_id).await;

    let mut third = Process(
        Command::new(std::env::current_exe().unwrap())
            .args(["--exact", CHILD_TEST, "--ignored", "--test-threads=1"])
            .env(CHILD_ENV, &database.url)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let shutdown = CancellationToken::new();
    let mut tasks = Vec::new();
    for workstation in ["front-desk-1", "server:web-1"] {
        let d = dispatcher(PgStore::connect(&database.url).await.unwrap(), workstation);
        tasks.push(tokio::spawn(
            d.run(Arc::new(Notify::new()), shutdown.clone()),
        ));
    }

    // Kill the third dispatcher once the three have sent a fifth of the emails between them.
    let started = Instant::now();
    while server.count() < EMAILS / 5 {
        assert!(started.elapsed() < WITHIN, "{} delivered", server.count());
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    third.0.kill().unwrap();
    third.0.wait().unwrap();
    let (_, held_at_kill) = outbox(&store).await;
    assert!(
        held_at_kill.len() <= 1,
        "one claim at a time: {held_at_kill:?}"
    );

    let mut sent = 0;
    while sent < EMAILS as i64 {
        assert!(started.elapsed() < WITHIN, "{sent} of {EMAILS} sent");
        tokio::time::sleep(Duration::from_millis(50)).await;
        sent = outbox(&store).await.0;
    }
    shutdown.cancel();
    for task in tasks {
        task.await.unwrap();
    }
    // Let a message the killed process was sending land before counting.
    tokio::time::sleep(Duration::from_millis(200)).await;

    let (_, still_held) = outbox(&store).await;
    assert!(still_held.is_empty(), "taken over: {still_held:?}");
    let mut arrived: BTreeMap<String, usize> = BTreeMap::new();
    for message in server.received() {
        let to = message.envelope["rcpt_tos"][0]
            .as_str()
            .unwrap()
            .to_string();
        *arrived.entry(to).or_default() += 1;
    }
    assert_eq!(arrived.len(), EMAILS, "every email arrived");
    let twice: Vec<&String> = arrived
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(to, _)| to)
        .collect();
    assert!(
        twice.iter().all(|to| held_at_kill.contains(to)),
        "only the killed dispatcher's email may arrive twice: {twice:?}, it held {held_at_kill:?}"
    );
    assert!(arrived.values().all(|n| *n <= 2), "{arrived:?}");
    // The killed process did send some: the three really shared the work.
    let by_desk3 =
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM audit_events WHERE workstation = $1")
            .bind(CHILD_WORKSTATION)
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert!(
        by_desk3 > 0,
        "the third dispatcher sent nothing before it was killed"
    );
}
