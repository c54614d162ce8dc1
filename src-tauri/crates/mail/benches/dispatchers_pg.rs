//! 10,000 emails through three dispatchers on one PostgreSQL clinic database to a local SMTP
//! server: each dispatcher with its own connections, as three workstations (or two and
//! vetdesk-server) have. Reports the time until the server stored the last, emails per second,
//! each dispatcher's share, and any email that arrived twice.
//!
//! `VETDESK_BENCH_PG_URL=postgres://… cargo bench -p vetdesk-mail --bench dispatchers_pg` with
//! an empty database; figures go to BENCHMARKS.md. `VETDESK_BENCH_EMAILS` changes the count.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use vetdesk_core::audit::{AuditAction, AuditEvent, AuditOutcome};
use vetdesk_core::outbox::{EmailKind, EmailParams, NewEmail};
use vetdesk_core::ports::{EmailStore, SettingsStore, StaffStore};
use vetdesk_core::seal::Sealer;
use vetdesk_core::settings::{MailTransport as Transport, Settings, SmtpSecurity};
use vetdesk_core::staff::{NewStaff, StaffStatus};
use vetdesk_core::{Clock, Role, SystemClock};
use vetdesk_mail::{
    Dispatcher, MailError, MailSecrets, MailTransport, SmtpOptions, SmtpTransport, TransportFactory,
};
use vetdesk_store::PgStore;
use vetdesk_testkit::smtp::{ServerOptions, SmtpServer};

const DISPATCHERS: [&str; 3] = ["front-desk-1", "front-desk-2", "server:web-1"];

struct Smtp;

impl TransportFactory for Smtp {
    fn transport(&self, settings: &Settings) -> Result<Arc<dyn MailTransport>, MailError> {
        Ok(Arc::new(SmtpTransport::new(
            &settings.mail,
            MailSecrets::default(),
            &SmtpOptions::default(),
        )?))
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let url =
        std::env::var("VETDESK_BENCH_PG_URL").expect("VETDESK_BENCH_PG_URL: an empty database");
    let count: usize = std::env::var("VETDESK_BENCH_EMAILS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let server = SmtpServer::start(&ServerOptions::default(), None);
    let store = PgStore::connect(&url).await.unwrap();
    let now = SystemClock.now();
    let mut settings = Settings::demo();
    settings.mail.transport = Transport::Smtp;
    settings.mail.host = "127.0.0.1".into();
    settings.mail.port = server.port;
    settings.mail.security = SmtpSecurity::Plain;
    let audit = AuditEvent::new(now, AuditAction::SettingsSaved, AuditOutcome::Ok, "bench");
    store.save_settings(&settings, &audit).await.unwrap();
    let staff = NewStaff {
        username: "receptionist".into(),
        display_name: "Test Receptionist".into(),
        role: Role::Receptionist,
        email: Some("receptionist@harborview-clinic.example".into()),
        status: StaffStatus::Active,
        password_hash: "not used here".into(),
    };
    let staff_id = store.insert_staff(&[staff], now).await.unwrap()[0];
    for n in 0..count {
        let notice = NewEmail {
            kind: EmailKind::PasswordChanged,
            staff_id: Some(staff_id),
            recipient: format!("notice-{n:05}@harborview-clinic.example"),
            recipient_name: "Test Receptionist".into(),
            subject: EmailKind::PasswordChanged.subject("Harborview Animal Clinic"),
            params: EmailParams::default(),
            sealed: None,
            created_at: now,
        };
        let audit = AuditEvent::new(now, AuditAction::PasswordReset, AuditOutcome::Ok, "bench");
        store.enqueue_email(&notice, &audit).await.unwrap();
    }

    let key = Sealer::generate_key();
    let shutdown = CancellationToken::new();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for workstation in DISPATCHERS {
        let store = Arc::new(PgStore::connect(&url).await.unwrap());
        let dispatcher = Arc::new(Dispatcher::new(
            store.clone(),
            store,
            Arc::new(Sealer::new(&key)),
            Arc::new(SystemClock),
            Arc::new(Smtp),
            workstation.into(),
        ));
        tasks.push(tokio::spawn(
            dispatcher.run(Arc::new(Notify::new()), shutdown.clone()),
        ));
    }
    while server.count() < count {
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "{}",
            server.count()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let elapsed = started.elapsed();
    shutdown.cancel();
    for task in tasks {
        task.await.unwrap();
    }
    let mut arrived: BTreeMap<String, usize> = BTreeMap::new();
    for message in server.received() {
        let to = message.envelope["rcpt_tos"][0]
            .as_str()
            .unwrap()
            .to_string();
        *arrived.entry(to).or_default() += 1;
    }
    let twice = arrived.values().filter(|n| **n > 1).count();
    let shares: Vec<(String, i64)> = sqlx::query_as(
        "SELECT workstation, count(*) FROM audit_events WHERE action = 'email_sent' \
         GROUP BY workstation ORDER BY workstation",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    println!(
        "{count} emails, {} dispatchers: {:.1} s, {:.0} emails/s; {} distinct arrived, {twice} twice",
        DISPATCHERS.len(),
        elapsed.as_secs_f64(),
        count as f64 / elapsed.as_secs_f64(),
        arrived.len()
    );
    for (workstation, sent) in shares {
        println!("  {workstation}: {sent}");
    }
}
