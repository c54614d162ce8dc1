//! Where reset secrets may go: an SMTP server carries them to their addressee; a real clinic's
//! preview outbox, which office managers read, gets a placeholder; the demo clinic's preview
//! shows them. Copies whose token has died are deleted, and the folder is owner-only.

use vetdesk_core::audit::AuditAction;
use vetdesk_core::outbox::{DeliveredVia, EmailStatus};
use vetdesk_core::settings::{Settings, SmtpSecurity};
use vetdesk_core::time::{Clock, MINUTE};
use vetdesk_mail::{send_test_email, PreviewOutbox, SmtpOptions, SECRET_PLACEHOLDER};
use vetdesk_testkit::smtp::{ServerOptions, SmtpServer};

use crate::support::*;

/// The decoded bodies and the raw file of the only email in `outbox`.
async fn only_email(outbox: &PreviewOutbox) -> (String, String, String) {
    let list = outbox.list().await.unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    let mail = outbox.read(&list[0].id).await.unwrap();
    let raw = std::fs::read(outbox.dir().join(format!("{}.eml", list[0].id))).unwrap();
    (
        mail.text.unwrap(),
        mail.html.unwrap(),
        String::from_utf8_lossy(&raw).into_owned(),
    )
}

/// The detail of the dispatcher's `email_sent` audit event.
fn sent_detail(harness: &Harness) -> String {
    let audit = harness.audit();
    let sent = audit.iter().find(|e| e.action == AuditAction::EmailSent);
    sent.and_then(|e| e.detail.clone())
        .expect("an email_sent event")
}

#[tokio::test]
async fn a_real_clinics_preview_holds_no_usable_secret() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = PreviewOutbox::new(dir.path().join("outbox"));
    let harness = Harness::previewing(outbox.clone()).await;
    let id = harness.queue_reset(|_| {}).await;

    assert_eq!(harness.dispatcher.run_once().await.unwrap().sent, 1);
    let row = harness.row(id);
    assert_eq!(row.record.status, EmailStatus::Sent);
    assert_eq!(row.record.delivered_via, Some(DeliveredVia::Preview));
    assert!(sent_detail(&harness).contains("written to the preview outbox, not sent"));

    let (text, html, raw) = only_email(&outbox).await;
    for body in [&text, &html] {
        assert!(body.contains(SECRET_PLACEHOLDER), "{body}");
        assert!(!body.contains(CODE));
        assert!(!body.contains(LINK));
        assert!(!body.contains("token="));
    }
    assert!(!raw.contains(CODE) && !raw.contains(LINK) && !raw.contains("token="));
    // The token itself still works: it is handed over another way (a one-time code).
    let tokens = harness.store.tokens();
    assert!(tokens[0].is_live(harness.clock.now()));
}

#[tokio::test]
async fn the_demo_clinics_preview_shows_the_code_and_link() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = PreviewOutbox::new(dir.path()).showing_secrets(true);
    let harness = Harness::previewing(outbox.clone()).await;
    let id = harness.queue_reset(|_| {}).await;
    assert_eq!(harness.dispatcher.run_once().await.unwrap().sent, 1);
    assert_eq!(
        harness.row(id).record.delivered_via,
        Some(DeliveredVia::Preview)
    );

    let (text, html, _) = only_email(&outbox).await;
    for body in [&text, &html] {
        assert!(body.contains(CODE));
        assert!(body.contains(&format!("vetdesk://reset?token={LINK}")));
        assert!(!body.contains(SECRET_PLACEHOLDER));
    }
}

#[tokio::test]
async fn only_a_mail_server_is_recorded_as_having_accepted_an_email() {
    let server = SmtpServer::start(&ServerOptions::default(), None);
    let harness = Harness::new(
        smtp_settings("127.0.0.1", server.port, SmtpSecurity::Plain, false),
        SmtpFactory {
            secrets: MailSecrets::default(),
            options: SmtpOptions::default(),
        },
    )
    .await;
    let id = harness.queue_reset(|_| {}).await;
    assert_eq!(harness.dispatcher.run_once().await.unwrap().sent, 1);
    assert_eq!(
        harness.row(id).record.delivered_via,
        Some(DeliveredVia::Smtp)
    );
    assert!(sent_detail(&harness).contains("accepted by the mail server"));

    let received = server.wait_for(1);
    let (text, html) = bodies(&received[0].parsed());
    for body in [&text, &html] {
        assert!(body.contains(CODE), "the addressee gets the code");
        assert!(!body.contains(SECRET_PLACEHOLDER));
    }
}

#[tokio::test]
async fn preview_copies_go_once_their_token_dies() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = PreviewOutbox::new(dir.path()).showing_secrets(true);
    let harness = Harness::previewing(outbox.clone()).await;
    send_test_email(
        &Settings::demo(),
        MailSecrets::default(),
        &SmtpOptions::default(),
        dir.path(),
        "frontdesk@harborview-clinic.example",
    )
    .await
    .unwrap();

    let first = harness.queue_reset(|_| {}).await;
    harness.dispatcher.run_once().await.unwrap();
    assert_eq!(outbox.email_ids().await.unwrap(), vec![first]);

    // A resend replaces the first link: its copy goes in the next round, the new one is written.
    harness.clock.advance(MINUTE);
    let second = harness.queue_reset(|_| {}).await;
    harness.dispatcher.run_once().await.unwrap();
    assert_eq!(outbox.email_ids().await.unwrap(), vec![second]);

    // Expired: the second copy goes too, with no email to send.
    harness.clock.advance(TOKEN_LIFETIME);
    harness.dispatcher.run_once().await.unwrap();
    assert!(outbox.email_ids().await.unwrap().is_empty());
    let left = outbox.list().await.unwrap();
    assert_eq!(left.len(), 1, "the test email has no token and stays");
    assert!(left[0].subject.contains("test email"));
}

#[cfg(unix)]
#[tokio::test]
async fn preview_folders_and_files_are_owner_only_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().unwrap();
    let outbox = PreviewOutbox::new(dir.path().join("a").join("outbox"));
    let harness = Harness::previewing(outbox.clone()).await;
    harness.queue_reset(|_| {}).await;
    harness.dispatcher.run_once().await.unwrap();

    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir.path().join("a")), 0o700);
    assert_eq!(mode(outbox.dir()), 0o700);
    let files: Vec<_> = std::fs::read_dir(outbox.dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    assert_eq!(mode(&files[0]), 0o600, "{}", files[0].display());
}
