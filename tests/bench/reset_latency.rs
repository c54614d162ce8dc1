//! Reset click → email accepted by a local SMTP server: the admin's "Reset password" command
//! through the core, the SQLite outbox, the dispatcher and lettre, until the server has stored
//! the message. `cargo bench --bench reset_latency`; figures go to BENCHMARKS.md.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Notify;
use vetdesk_core::audit::{AuditAction, AuditEvent, AuditOutcome};
use vetdesk_core::ports::{OutboxStore, SettingsStore, StaffStore, Store};
use vetdesk_core::settings::{MailTransport as Transport, Settings, SmtpSecurity};
use vetdesk_core::staff::{NewStaff, StaffStatus};
use vetdesk_core::testing::ClinicBuilder;
use vetdesk_core::{Clock, Role, SystemClock};
use vetdesk_mail::{
    Dispatcher, MailError, MailSecrets, MailTransport, SmtpOptions, SmtpTransport, TransportFactory,
};
use vetdesk_store::SqliteStore;
use vetdesk_testkit::smtp::{ServerOptions, SmtpServer};

const SAMPLES: usize = 100;

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

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1e3
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let server = SmtpServer::start(&ServerOptions::default(), None);
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("bench.sqlite3"))
        .await
        .unwrap();
    let hash = vetdesk_core::password::hash("bench password").unwrap();
    vetdesk_store::demo::seed_if_empty(&store, 0, |_| hash.clone())
        .await
        .unwrap();
    let targets: Vec<NewStaff> = (0..SAMPLES)
        .map(|i| NewStaff {
            username: format!("bench{i}"),
            display_name: format!("Bench Person {i}"),
            role: Role::Technician,
            email: Some(format!("bench{i}@harborview-clinic.example")),
            status: StaffStatus::Active,
            password_hash: hash.clone(),
        })
        .collect();
    let ids = store.insert_staff(&targets, 0).await.unwrap();
    let mut settings = Settings::demo();
    settings.mail.transport = Transport::Smtp;
    settings.mail.host = "127.0.0.1".into();
    settings.mail.port = server.port;
    settings.mail.security = SmtpSecurity::Plain;
    store
        .save_settings(
            &settings,
            &AuditEvent::new(0, AuditAction::SettingsSaved, AuditOutcome::Ok, "bench"),
        )
        .await
        .unwrap();

    let store = Arc::new(store);
    let wake = Arc::new(Notify::new());
    let notify = wake.clone();
    let clinic = ClinicBuilder::new(store.clone() as Arc<dyn Store>)
        .hashing(Arc::new(vetdesk_runtime::BlockingHashing))
        .start(SystemClock.now())
        .on_wake(move || notify.notify_one())
        .build();
    let dispatcher = Arc::new(Dispatcher::new(
        store.clone() as Arc<dyn OutboxStore>,
        store.clone() as Arc<dyn SettingsStore>,
        clinic.sealer.clone(),
        clinic.clock.clone(),
        Arc::new(Smtp),
        "bench".into(),
    ));
    tokio::spawn(dispatcher.run(wake, tokio_util::sync::CancellationToken::new()));
    let admin = store.find_staff_by_login("admin").await.unwrap().unwrap();
    let admin = clinic.at_desk(&admin).await;

    let mut times = Vec::with_capacity(SAMPLES);
    for (n, id) in ids.iter().enumerate() {
        let start = Instant::now();
        clinic
            .recovery
            .send_staff_reset(&admin, *id, "bench")
            .await
            .unwrap();
        while server.received().len() <= n {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "email {n} never arrived"
            );
            tokio::time::sleep(Duration::from_micros(500)).await;
        }
        times.push(start.elapsed());
    }
    times.sort();
    println!(
        "reset click → SMTP accepted  samples {SAMPLES}  p50 {:.1} ms  p95 {:.1} ms  max {:.1} ms",
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        times[times.len() - 1].as_secs_f64() * 1e3
    );
}
