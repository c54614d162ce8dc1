//! The preview outbox: what is written can be listed and read back, and nothing outside the
//! folder can be read through it.

use vetdesk_core::settings::Settings;
use vetdesk_mail::{render, send_test_email, MailError, MailTransport, PreviewOutbox, SmtpOptions};

use crate::support::*;

#[tokio::test]
async fn written_emails_are_listed_newest_first_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = PreviewOutbox::new(dir.path().join("outbox"));
    assert!(
        outbox.list().await.unwrap().is_empty(),
        "no folder yet is an empty outbox"
    );

    let settings = Settings::demo();
    let first = render(&reset_email(T0), Some(&secrets()), &settings, T0).unwrap();
    outbox.send(&first.message, None).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let mut second_email = reset_email(T0);
    second_email.recipient = "manager@harborview-clinic.example".into();
    second_email.recipient_name = "Test Manager".into();
    let second = render(&second_email, Some(&secrets()), &settings, T0 + 1000).unwrap();
    outbox.send(&second.message, None).await.unwrap();

    let list = outbox.list().await.unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(
        list[0].to,
        "Test Manager <manager@harborview-clinic.example>"
    );
    assert_eq!(
        list[1].to,
        "Test Receptionist <receptionist@harborview-clinic.example>"
    );
    assert_eq!(
        list[0].subject,
        "Reset your Harborview Animal Clinic VetDesk password"
    );
    assert_eq!(list[0].date, Some(T0 + 1000));

    let mail = outbox.read(&list[1].id).await.unwrap();
    assert_eq!(mail.id, list[1].id);
    assert_eq!(mail.to, list[1].to);
    let text = mail.text.unwrap();
    let html = mail.html.unwrap();
    for body in [&text, &html] {
        assert!(body.contains(CODE));
        assert!(body.contains(&format!("vetdesk://reset?token={LINK}")));
    }
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!text.contains("<p"));

    let names: Vec<String> = std::fs::read_dir(outbox.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(
        names.iter().all(|n| n.ends_with(".eml")),
        "no temp files left: {names:?}"
    );

    let json = serde_json::to_value(&list[0]).unwrap();
    assert!(json.get("subject").is_some() && json.get("date").is_some());
}

#[tokio::test]
async fn ids_that_leave_the_folder_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let inner = dir.path().join("outbox");
    std::fs::create_dir_all(&inner).unwrap();
    std::fs::write(
        dir.path().join("secret.eml"),
        "Subject: not yours\r\n\r\nhi",
    )
    .unwrap();
    let outbox = PreviewOutbox::new(&inner);
    for id in [
        "../etc/passwd",
        "../secret",
        "..",
        "/etc/passwd",
        "a/../../secret",
        "",
    ] {
        let err = outbox.read(id).await.unwrap_err();
        assert!(matches!(err, MailError::InvalidPreviewId), "{id}: {err:?}");
    }
    assert!(matches!(
        outbox
            .read("1700000000000-0000000000000000")
            .await
            .unwrap_err(),
        MailError::PreviewNotFound
    ));
}

#[tokio::test]
async fn test_email_lands_in_the_preview_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let answer = send_test_email(
        &Settings::demo(),
        MailSecrets::default(),
        &SmtpOptions::default(),
        dir.path(),
        "office.manager@harborview-clinic.example",
    )
    .await
    .unwrap();
    assert_eq!(answer, "Test email written to the preview outbox");
    let list = PreviewOutbox::new(dir.path()).list().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].to, "office.manager@harborview-clinic.example");
}
