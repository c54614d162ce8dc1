//! Reset click → email accepted by a local SMTP server: the admin's "Reset password" command
//! through the core, the SQLite outbox, the dispatcher and lettre, until the server has stored
//! the message. `cargo bench --bench reset_latency`; figures go to BENCHMARKS.md.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::OsRng;
use tokio::sync::Notify;
use vetdesk_core::audit::AuditEvent;
use vetdesk_core::limits::{LimitConfig, Limits};
use vetdesk_core::ports::{NoBreachCheck, Store};
use vetdesk_core::recovery::{Recovery, RecoveryParts};
use vetdesk_core::seal::Sealer;
use vetdesk_core::settings::{MailTransport as Transport, Settings, SmtpSecurity};
use vetdesk_core::{Role, SystemClock};
use vetdesk_mail::{
    Dispatcher, MailError, MailTransport, SmtpOptions, SmtpTransport, TransportFactory,
};
use vetdesk_store::sqlite::NewStaff;
use vetdesk_store::SqliteStore;
use vetdesk_testkit::smtp::{ServerOptions, SmtpServer};

const SAMPLES: usize = 100;

struct Smtp;

impl TransportFactory for Smtp {
    fn transport(&self, settings: &Settings) -> Result<Arc<dyn MailTransport>, MailError> {
        Ok(Arc::new(SmtpTransport::new(
            &settings.mail,
            None,
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
            active: true,
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
        .save_settings(&settings, &AuditEvent::new(0, "bench", "ok", "bench"))
        .await
        .unwrap();

    let store: Arc<dyn Store> = Arc::new(store);
    let sealer = Arc::new(Sealer::new(&Sealer::generate_key()));
    let wake = Arc::new(Notify::new());
    let w = wake.clone();
    let recovery = Recovery::new(RecoveryParts {
        store: store.clone(),
        sealer: sealer.clone(),
        hashing: Arc::new(vetdesk_lib::hashing::BlockingHashing),
        breach: Arc::new(NoBreachCheck),
        clock: Arc::new(SystemClock),
        limits: Limits::new(LimitConfig::default()),
        rng: Box::new(OsRng),
        outbox_wake: Box::new(move || w.notify_one()),
    });
    let dispatcher = Arc::new(Dispatcher::new(
        store.clone(),
        sealer,
        Arc::new(SystemClock),
        Arc::new(Smtp),
        "bench".into(),
    ));
    tokio::spawn(dispatcher.run(wake, tokio_util::sync::CancellationToken::new()));
    let admin = store.find_staff_by_login("admin").await.unwrap().unwrap();

    let mut times = Vec::with_capacity(SAMPLES);
    for (n, id) in ids.iter().enumerate() {
        let start = Instant::now();
        recovery
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
