//! 10,000 portal invitations, from a bulk run to a local SMTP server: the bulk runner of the core
//! on the SQLite store queues them, the outbox dispatcher sends them through lettre, and the run
//! ends when the server has stored the last. Reports the time, emails per second and the
//! process's memory (resident, sampled each second, and its peak). `cargo bench -p
//! vetdesk-mail --bench bulk_invite`; figures go to BENCHMARKS.md. `VETDESK_BENCH_INVITES` changes the count.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Notify;
use vetdesk_core::audit::{AuditAction, AuditEvent, AuditOutcome};
use vetdesk_core::bulk::{BulkSelection, BulkStatus};
use vetdesk_core::ports::{ClientStore, OutboxStore, SettingsStore, StaffStore, Store};
use vetdesk_core::settings::{MailTransport as Transport, Settings, SmtpSecurity};
use vetdesk_core::testing::ClinicBuilder;
use vetdesk_core::{Clock, SystemClock};
use vetdesk_mail::{
    Dispatcher, MailError, MailSecrets, MailTransport, SmtpOptions, SmtpTransport, TransportFactory,
};
use vetdesk_store::SqliteStore;
use vetdesk_testkit::smtp::{ServerOptions, SmtpServer};

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

/// This process's resident and peak resident memory in MiB (Linux's /proc; the benchmark
/// runs where the test suite does).
fn memory_mib() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let count: usize = std::env::var("VETDESK_BENCH_INVITES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let server = SmtpServer::start(&ServerOptions::default(), None);
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("bench.sqlite3"))
        .await
        .unwrap();
    let hash = vetdesk_core::password::hash("bench password").unwrap();
    vetdesk_store::demo::seed_staff(&store, 0, |_| hash.clone())
        .await
        .unwrap();
    let mut clients = vetdesk_store::demo::clients(count * 2, 9);
    clients.retain(|c| c.email.is_some());
    clients.truncate(count);
    let mut ids = Vec::with_capacity(count);
    for chunk in clients.chunks(5_000) {
        ids.extend(store.insert_clients(chunk, 0).await.unwrap());
    }
    let mut settings = Settings::demo();
    settings.clinic.clinic_url = Some("https://portal.harborview-clinic.example".into());
    settings.mail.transport = Transport::Smtp;
    settings.mail.host = "127.0.0.1".into();
    settings.mail.port = server.port;
    settings.mail.security = SmtpSecurity::Plain;
    let saved = AuditEvent::new(0, AuditAction::SettingsSaved, AuditOutcome::Ok, "bench");
    store.save_settings(&settings, &saved).await.unwrap();

    let store = Arc::new(store);
    let wake = Arc::new(Notify::new());
    let notify = wake.clone();
    let clinic = ClinicBuilder::new(store.clone() as Arc<dyn Store>)
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
    let manager = store.find_staff_by_login("mreyes").await.unwrap().unwrap();
    let manager = clinic.at_desk(&manager).await;
    let (rss_before, _) = memory_mib();

    let started = Instant::now();
    tokio::spawn(dispatcher.run(wake, tokio_util::sync::CancellationToken::new()));
    let run = clinic
        .recovery
        .start_bulk_invite(&manager, BulkSelection::Clients { ids }, "bench")
        .await
        .unwrap();
    let recovery = clinic.recovery.clone();
    let worker = tokio::spawn(async move {
        while recovery.work_bulk_job(run.id, 25, "bench").await.unwrap() {}
        Instant::now()
    });
    let mut samples = Vec::new();
    let mut last_sample = Instant::now();
    while server.count() < count {
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "only {} of {count} arrived in 10 minutes",
            server.count()
        );
        if last_sample.elapsed() >= Duration::from_secs(1) {
            samples.push(memory_mib().0);
            last_sample = Instant::now();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let delivered = started.elapsed();
    let queued = worker.await.unwrap() - started;
    let progress = clinic
        .recovery
        .bulk_progress(&manager, run.id)
        .await
        .unwrap();
    assert_eq!(progress.status, BulkStatus::Done);
    assert_eq!(progress.sent as usize, count);
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(server.count(), count, "an invitation arrived twice");
    let (rss_after, peak) = memory_mib();
    let (low, high) = samples
        .iter()
        .fold((f64::MAX, 0.0_f64), |(lo, hi), s| (lo.min(*s), hi.max(*s)));
    println!(
        "{count} invitations: all queued in {:.1} s, all delivered in {:.1} s ({:.0} emails/s)",
        queued.as_secs_f64(),
        delivered.as_secs_f64(),
        count as f64 / delivered.as_secs_f64()
    );
    println!(
        "memory: {rss_before:.1} MiB resident before, {low:.1}–{high:.1} MiB sampled each second \
         during the run ({} samples), {rss_after:.1} MiB after, {peak:.1} MiB peak",
        samples.len()
    );
}
