//! One clinic database, two dispatchers: the desktop app of a front desk and vetdesk-server,
//! each with its own handle on the SQLite file and the clinic's outbox key, both sending at
//! once. Each email reaches the SMTP server once.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use vetdesk_core::audit::{AuditAction, AuditEvent, AuditOutcome};
use vetdesk_core::outbox::{EmailKind, EmailParams, EmailStatus, NewEmail};
use vetdesk_core::ports::EmailStore;
use vetdesk_core::seal::Sealer;
use vetdesk_core::settings::SmtpSecurity;
use vetdesk_core::{Clock, SystemClock};
use vetdesk_mail::{Dispatcher, MailSecrets, SmtpOptions};
use vetdesk_store::SqliteStore;
use vetdesk_testkit::smtp::{ServerOptions, SmtpServer};

use crate::support::*;

const EMAILS: usize = 150;

fn dispatcher(store: SqliteStore, key: &[u8; 32], workstation: &str) -> Arc<Dispatcher> {
    let store = Arc::new(store);
    Arc::new(Dispatcher::new(
        store.clone(),
        store,
        Arc::new(Sealer::new(key)),
        Arc::new(SystemClock),
        Arc::new(SmtpFactory {
            secrets: MailSecrets::default(),
            options: SmtpOptions::default(),
        }),
        workstation.into(),
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_and_the_server_sending_from_one_database_send_each_email_once() {
    let server = SmtpServer::start(&ServerOptions::default(), None);
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("vetdesk.sqlite3");
    let store = SqliteStore::open(&database).await.unwrap();
    let now = SystemClock.now();
    let settings = smtp_settings("127.0.0.1", server.port, SmtpSecurity::Plain, false);
    let staff_id = seed_clinic(&store, &settings, now).await;
    for n in 0..EMAILS {
        let notice = NewEmail {
            kind: EmailKind::PasswordChanged,
            staff_id: Some(staff_id),
            recipient: format!("notice-{n:03}@harborview-clinic.example"),
            recipient_name: "Test Receptionist".into(),
            subject: EmailKind::PasswordChanged.subject("Harborview Animal Clinic"),
            params: EmailParams::default(),
            sealed: None,
            created_at: now,
        };
        let audit = AuditEvent::new(now, AuditAction::PasswordReset, AuditOutcome::Ok, "desk");
        store.enqueue_email(&notice, &audit).await.unwrap();
    }
    let key = [11; 32];
    let desk = dispatcher(store.clone(), &key, "front-desk-1");
    let web = dispatcher(
        SqliteStore::open(&database).await.unwrap(),
        &key,
        "server:web-1",
    );

    let started = Instant::now();
    let rounds = |d: Arc<Dispatcher>| {
        tokio::spawn(async move {
            let mut sent = 0;
            loop {
                let report = d.run_once().await.unwrap();
                assert!(!report.wrong_key, "both hold the clinic's key");
                sent += report.sent;
                if report.sent + report.failed == 0 {
                    return sent;
                }
            }
        })
    };
    let (by_desk, by_web) = (rounds(desk), rounds(web));
    let (by_desk, by_web) = (by_desk.await.unwrap(), by_web.await.unwrap());
    assert_eq!(by_desk + by_web, EMAILS as u32);
    assert!(
        by_desk > 0 && by_web > 0,
        "both sent: {by_desk} and {by_web}"
    );

    while server.count() < EMAILS && started.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut per_recipient: BTreeMap<String, usize> = BTreeMap::new();
    for message in server.received() {
        let to = message.envelope["rcpt_tos"][0]
            .as_str()
            .unwrap()
            .to_string();
        *per_recipient.entry(to).or_default() += 1;
    }
    assert_eq!(per_recipient.len(), EMAILS);
    assert!(per_recipient.values().all(|n| *n == 1), "{per_recipient:?}");
    let rows = store.list_emails("", 500).await.unwrap();
    assert!(rows.iter().all(|e| e.status == EmailStatus::Sent));
}
