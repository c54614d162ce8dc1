//! A real crash of the outbox dispatcher: a separate process runs it on a SQLite file and sends
//! through a slow real SMTP server; it is killed (SIGKILL on Unix) mid-batch three times and
//! restarted as the same workstation, in a new run each time. Every email arrives, sending
//! resumes within 5 s of each restart, and each kill costs at most the one email in flight.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use vetdesk_core::audit::{AuditAction, AuditEvent, AuditOutcome};
use vetdesk_core::outbox::{EmailKind, EmailParams, EmailRecord, EmailStatus, NewEmail};
use vetdesk_core::ports::EmailStore;
use vetdesk_core::seal::Sealer;
use vetdesk_core::settings::SmtpSecurity;
use vetdesk_core::{Clock, SystemClock};
use vetdesk_mail::{Dispatcher, SmtpOptions};
use vetdesk_store::SqliteStore;
use vetdesk_testkit::smtp::{Received, ServerOptions, SmtpServer};

use crate::support::*;

/// Set in the environment of a dispatcher process: its [`ChildConfig`] as JSON.
const CHILD_ENV: &str = "VETDESK_CRASH_DISPATCHER";
/// The test that runs a dispatcher process, by its full name in this binary.
const CHILD_TEST: &str = "crash::dispatcher_child";
const EMAILS: usize = 16;
const KILLS: usize = 3;
/// How many messages the server stores in a run before that run is killed.
const KILL_AFTER: usize = 3;
/// How long the server waits after storing a message before it answers 250.
const DATA_DELAY: Duration = Duration::from_millis(300);
const RESUME_WITHIN: Duration = Duration::from_secs(5);
/// Generous bounds for what takes a second or two when all is well.
const RUN_TIMEOUT: Duration = Duration::from_secs(20);
/// Lets a message the server was reading when its client died land before it is counted.
const SETTLE: Duration = Duration::from_millis(100);

/// What a dispatcher process needs to find its clinic and its mail server.
struct ChildConfig {
    database: PathBuf,
    smtp_port: u16,
    workstation: String,
}

impl ChildConfig {
    fn to_env(&self) -> String {
        serde_json::json!({
            "database": self.database.to_str().expect("a UTF-8 temporary path"),
            "smtp_port": self.smtp_port,
            "workstation": self.workstation,
        })
        .to_string()
    }

    fn from_env(text: &str) -> ChildConfig {
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        ChildConfig {
            database: PathBuf::from(value["database"].as_str().unwrap()),
            smtp_port: u16::try_from(value["smtp_port"].as_u64().unwrap()).unwrap(),
            workstation: value["workstation"].as_str().unwrap().to_string(),
        }
    }
}

/// The dispatcher process, when the crash test starts this binary as one: it runs the app's
/// dispatcher on the database until killed, or until every email is sent. Ignored in a normal
/// run, so that it never counts as a test that passed.
#[tokio::test]
#[ignore = "the crash test's dispatcher process; it runs this itself"]
async fn dispatcher_child() {
    let config = std::env::var(CHILD_ENV).expect("started by the crash test");
    let config = ChildConfig::from_env(&config);
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
    let store = Arc::new(SqliteStore::open(&config.database).await.unwrap());
    let factory = SmtpFactory {
        secrets: MailSecrets::default(),
        options: SmtpOptions::default(),
    };
    // The same key in every run, as a restarted workstation has: the clinic database records
    // the first run's, and a dispatcher holding another sends nothing.
    let sealer = Arc::new(Sealer::new(&[7; 32]));
    let dispatcher = Arc::new(Dispatcher::new(
        store.clone(),
        store.clone(),
        sealer,
        Arc::new(SystemClock),
        Arc::new(factory),
        config.workstation.clone(),
    ));
    tracing::info!(port = config.smtp_port, "dispatcher process started");
    let shutdown = CancellationToken::new();
    let task = tokio::spawn(dispatcher.run(Arc::new(Notify::new()), shutdown.clone()));
    loop {
        let emails = store.list_emails("", 100).await.unwrap();
        if emails.iter().all(|e| e.status == EmailStatus::Sent) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    shutdown.cancel();
    task.await.unwrap();
}

/// A dispatcher process started from this test binary; dropping it kills the process, so that a
/// failed assertion leaves none running.
struct DispatcherProcess {
    child: Child,
    log: PathBuf,
}

impl DispatcherProcess {
    fn start(config: &ChildConfig, log: PathBuf) -> DispatcherProcess {
        let output = File::create(&log).unwrap();
        let child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                CHILD_TEST,
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, config.to_env())
            .stdin(Stdio::null())
            .stdout(output.try_clone().unwrap())
            .stderr(output)
            .spawn()
            .unwrap();
        DispatcherProcess { child, log }
    }

    fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// SIGKILL on Unix: no destructor, no flush, no goodbye to the SMTP server.
    fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    async fn exit_status(&mut self, within: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for DispatcherProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn recipient(message: &Received) -> String {
    message.envelope["rcpt_tos"][0]
        .as_str()
        .unwrap()
        .to_string()
}

/// Waits until the server holds more than `count` messages; answers them all.
async fn received_beyond(server: &SmtpServer, count: usize, within: Duration) -> Vec<Received> {
    let deadline = Instant::now() + within;
    loop {
        let received = server.received();
        if received.len() > count || Instant::now() > deadline {
            return received;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A clinic database file whose settings send through the test server, with `EMAILS` notices
/// due now, each to its own address.
async fn clinic_with_queued_notices(database: &Path, smtp_port: u16) -> SqliteStore {
    let store = SqliteStore::open(database).await.unwrap();
    let now = SystemClock.now();
    let settings = smtp_settings("127.0.0.1", smtp_port, SmtpSecurity::Plain, false);
    let staff_id = seed_clinic(&store, &settings, now).await;
    for n in 0..EMAILS {
        let notice = NewEmail {
            kind: EmailKind::PasswordChanged,
            staff_id: Some(staff_id),
            recipient: notice_address(n),
            recipient_name: "Test Receptionist".into(),
            subject: EmailKind::PasswordChanged.subject("Harborview Animal Clinic"),
            params: EmailParams {
                display_name: "Test Receptionist".into(),
                username: "receptionist".into(),
                expires_at: None,
                requested_by: None,
            },
            sealed: None,
            created_at: now,
        };
        let audit = AuditEvent::new(
            now,
            AuditAction::PasswordReset,
            AuditOutcome::Ok,
            WORKSTATION,
        );
        store.enqueue_email(&notice, &audit).await.unwrap();
    }
    store
}

fn notice_address(n: usize) -> String {
    format!("notice-{n:02}@harborview-clinic.example")
}

async fn emails(store: &SqliteStore) -> Vec<EmailRecord> {
    store.list_emails("", 100).await.unwrap()
}

#[tokio::test]
async fn a_dispatcher_killed_mid_batch_resumes_within_5_s_and_repeats_at_most_one_email_per_kill() {
    let server = SmtpServer::start_slow(DATA_DELAY, &ServerOptions::default(), None);
    let dir = tempfile::tempdir().unwrap();
    let config = ChildConfig {
        database: dir.path().join("clinic.sqlite"),
        smtp_port: server.port,
        workstation: WORKSTATION.into(),
    };
    let store = clinic_with_queued_notices(&config.database, server.port).await;

    let mut resumes = Vec::new();
    // The emails the kills left claimed: the only ones a kill may have sent twice.
    let mut in_flight: Vec<String> = Vec::new();
    let mut left_claimed: Option<String> = None;
    for run in 0..=KILLS {
        let before = server.received().len();
        let started = Instant::now();
        let mut process =
            DispatcherProcess::start(&config, dir.path().join(format!("run-{run}.log")));

        let received = received_beyond(&server, before, RESUME_WITHIN).await;
        let resumed = started.elapsed();
        assert!(
            received.len() > before,
            "run {run}: nothing sent within {RESUME_WITHIN:?} of the start\n{}",
            process.output()
        );
        resumes.push(resumed);
        if let Some(taken_back) = left_claimed.take() {
            assert_eq!(
                recipient(&received[before]),
                taken_back,
                "run {run}: the email the killed run held is sent first, not after its lease"
            );
        }

        if run == KILLS {
            let status = process.exit_status(RUN_TIMEOUT).await;
            assert!(
                status.is_some_and(|s| s.success()),
                "the last run ends once every email is sent: {status:?}\n{}",
                process.output()
            );
            break;
        }
        let received = received_beyond(&server, before + KILL_AFTER - 1, RUN_TIMEOUT).await;
        assert!(
            received.len() >= before + KILL_AFTER,
            "run {run}: only {} messages\n{}",
            received.len() - before,
            process.output()
        );
        assert!(
            process.is_running(),
            "run {run} ended before it was killed\n{}",
            process.output()
        );
        process.kill();
        tokio::time::sleep(SETTLE).await;

        let emails = emails(&store).await;
        let claimed: Vec<&EmailRecord> = emails
            .iter()
            .filter(|e| e.status == EmailStatus::Sending)
            .collect();
        assert!(
            claimed.len() <= 1,
            "run {run}: killed holding {} emails",
            claimed.len()
        );
        left_claimed = claimed.first().map(|e| e.recipient.clone());
        in_flight.extend(left_claimed.clone());
        let delivered: BTreeSet<String> = server.received().iter().map(recipient).collect();
        assert!(
            delivered.len() < EMAILS,
            "run {run} was killed after the batch, not in it"
        );
    }

    let mut copies: BTreeMap<String, usize> = BTreeMap::new();
    let mut message_ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for message in server.received() {
        *copies.entry(recipient(&message)).or_default() += 1;
        let id = message.parsed().message_id().map(str::to_string);
        let id = id.expect("every message has a Message-ID");
        message_ids
            .entry(recipient(&message))
            .or_default()
            .insert(id);
    }
    let expected: BTreeSet<String> = (0..EMAILS).map(notice_address).collect();
    assert_eq!(
        copies.keys().cloned().collect::<BTreeSet<_>>(),
        expected,
        "every email arrived, and nothing else"
    );
    let duplicates: usize = copies.values().map(|n| n - 1).sum();
    let repeated: Vec<&String> = copies.keys().filter(|r| copies[*r] > 1).collect();
    println!(
        "crash test: {EMAILS} emails, {KILLS} kills, server delay {} ms; resumed after \
         start {} ms and after each restart {:?} ms; {duplicates} duplicates ({repeated:?}); \
         in flight at the kills: {in_flight:?}",
        DATA_DELAY.as_millis(),
        resumes[0].as_millis(),
        resumes[1..]
            .iter()
            .map(|d| d.as_millis())
            .collect::<Vec<_>>()
    );
    assert!(
        duplicates <= KILLS,
        "{duplicates} duplicates for {KILLS} kills: {copies:?}"
    );
    assert!(
        message_ids.values().all(|ids| ids.len() == 1),
        "a copy sent again carries the first one's Message-ID, so the mailbox shows it once: \
         {message_ids:?}"
    );
    assert!(
        repeated.iter().all(|r| in_flight.contains(r)),
        "only an email in flight at a kill is sent twice: {repeated:?}, in flight {in_flight:?}"
    );
    let emails = emails(&store).await;
    assert_eq!(emails.len(), EMAILS);
    assert!(
        emails.iter().all(|e| e.status == EmailStatus::Sent),
        "{:?}",
        emails.iter().map(|e| e.status).collect::<Vec<_>>()
    );
    store.close().await;
}
