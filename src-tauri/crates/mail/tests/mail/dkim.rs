//! DKIM signing, checked the way a receiving mailbox checks it: the message as the SMTP server
//! received it, verified by dkimpy (an independent implementation) against the DNS record the
//! core derives from the key.

use std::time::Duration;

use vetdesk_core::dkim::{dkim_record, DkimKey, DkimRecord, DkimSettings};
use vetdesk_core::outbox::EmailKind;
use vetdesk_core::settings::{Settings, SmtpSecurity};
use vetdesk_core::testing::dkim::RSA_2048_PKCS8;
use vetdesk_mail::{render, send_test_email, MailError, MailTransport, SmtpOptions, SmtpTransport};
use vetdesk_testkit::dkim::{verify, DkimCheck};
use vetdesk_testkit::smtp::{ServerOptions, SmtpServer};

use crate::support::*;

/// The public half of another key (`testing/dkim/rsa1024.pkcs8.pem`, as OpenSSL derives it).
const OTHER_PUBLIC_KEY: &str = "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDXWkvYXNvkj6o+cFJX7M89xANcdyf4NV8oo5xUSVAiINIJEmA4JgdLZUz68PbD7O3Fq2HwJYjFRcQsQ7ueCnZH1gtzhRZDEu6x80GzA/dCHTEuHpH6gPbKczeB5VAHlgs+y1qmz4WEzCTX8cqXBU9x1yzt7XDnJsajAHdD0uxuAQIDAQAB";

fn dkim() -> DkimSettings {
    DkimSettings {
        domain: "harborview-clinic.example".into(),
        selector: "vetdesk1".into(),
    }
}

/// Plain SMTP to the local test server, signing for the clinic's domain.
fn signing_settings(server: &SmtpServer) -> Settings {
    let mut settings = smtp_settings("127.0.0.1", server.port, SmtpSecurity::Plain, false);
    settings.mail.dkim = Some(dkim());
    settings.validated().unwrap()
}

fn with_key() -> MailSecrets {
    MailSecrets {
        smtp_password: None,
        dkim_key: Some(RSA_2048_PKCS8.to_string().into()),
    }
}

fn record() -> DkimRecord {
    dkim_record(&dkim(), &DkimKey::from_pem(RSA_2048_PKCS8).unwrap())
}

fn check(raw: &[u8]) -> DkimCheck {
    let record = record();
    verify(raw, &record.name, &record.value)
}

/// Sends a staff reset email through a signing transport; answers the raw message received.
async fn send_signed(settings: &Settings, server: &SmtpServer) -> Vec<u8> {
    let rendered = render(&reset_email(T0), Some(&secrets()), settings, T0).unwrap();
    let transport =
        SmtpTransport::new(&settings.mail, with_key(), &SmtpOptions::default()).unwrap();
    transport.send(&rendered.message, None).await.unwrap();
    server.wait_for(1).remove(0).raw
}

#[tokio::test]
async fn signed_mail_verifies_against_the_derived_dns_record() {
    let server = SmtpServer::start(&ServerOptions::default(), None);
    let settings = signing_settings(&server);
    let raw = send_signed(&settings, &server).await;

    let result = check(&raw);
    assert!(result.valid, "{}", result.log);
    assert_eq!(result.domain, "harborview-clinic.example");
    assert_eq!(result.selector, "vetdesk1");
    assert_eq!(result.algorithm, "rsa-sha256");
    assert_eq!(result.canonicalization, "relaxed/relaxed");
    let mut signed: Vec<_> = result.headers.iter().map(|h| h.to_lowercase()).collect();
    signed.sort();
    assert_eq!(
        signed,
        ["date", "from", "message-id", "reply-to", "subject", "to"]
    );
    // The message says nothing of the key beyond its signature.
    let text = String::from_utf8_lossy(&raw);
    assert!(!text.contains("PRIVATE KEY"));
}

#[tokio::test]
async fn a_message_without_reply_to_is_signed_without_it() {
    let server = SmtpServer::start(&ServerOptions::default(), None);
    let mut settings = signing_settings(&server);
    settings.mail.reply_to = None;
    let raw = send_signed(&settings, &server).await;
    let result = check(&raw);
    assert!(result.valid, "{}", result.log);
    assert!(
        !result
            .headers
            .iter()
            .any(|h| h.eq_ignore_ascii_case("reply-to")),
        "{:?}",
        result.headers
    );
}

#[tokio::test]
async fn a_changed_body_or_subject_fails_verification() {
    let server = SmtpServer::start(&ServerOptions::default(), None);
    let settings = signing_settings(&server);
    let raw = String::from_utf8(send_signed(&settings, &server).await).unwrap();
    assert!(check(raw.as_bytes()).valid);

    let body = raw.replacen("Hello Test Receptionist", "Hello Test Receptionisx", 1);
    assert_ne!(body, raw, "the body was changed");
    let result = check(body.as_bytes());
    assert!(!result.valid, "a changed body must not verify");
    assert!(result.log.contains("body hash mismatch"), "{}", result.log);

    let subject = raw.replacen("Subject: Reset", "Subject: Reret", 1);
    assert_ne!(subject, raw, "the subject was changed");
    let result = check(subject.as_bytes());
    assert!(!result.valid, "a changed subject must not verify");
    // The body still matches: it is the signature over the headers that fails.
    assert!(!result.log.contains("body hash mismatch"), "{}", result.log);

    // Nor does the message verify when DNS publishes another key.
    let elsewhere = verify(
        raw.as_bytes(),
        "vetdesk1._domainkey.harborview-clinic.example",
        &format!("v=DKIM1; k=rsa; p={OTHER_PUBLIC_KEY}"),
    );
    assert!(
        !elsewhere.valid,
        "a signature must not verify under another key"
    );
}

#[tokio::test]
async fn portal_and_test_emails_are_signed_too() {
    let server = SmtpServer::start(&ServerOptions::default(), None);
    let mut settings = signing_settings(&server);
    settings.clinic.clinic_url = Some("https://portal.harborview-clinic.example".into());
    let mut invite = reset_email(T0);
    invite.kind = EmailKind::PortalInvite;
    invite.subject = EmailKind::PortalInvite.subject("Harborview Animal Clinic");
    let link_only = vetdesk_core::token::Secrets {
        link: Some(LINK.into()),
        code: None,
    };
    let rendered = render(&invite, Some(&link_only), &settings, T0).unwrap();
    let transport =
        SmtpTransport::new(&settings.mail, with_key(), &SmtpOptions::default()).unwrap();
    transport.send(&rendered.message, None).await.unwrap();

    let dir = tempfile::tempdir().unwrap();
    send_test_email(
        &settings,
        with_key(),
        &SmtpOptions::default(),
        dir.path(),
        "office.manager@harborview-clinic.example",
    )
    .await
    .unwrap();

    let received = server.wait_for(2);
    assert_eq!(received.len(), 2);
    for message in received {
        let result = check(&message.raw);
        assert!(result.valid, "{}", result.log);
    }
}

#[tokio::test]
async fn without_its_key_nothing_goes_out_unsigned() {
    let server = SmtpServer::start(&ServerOptions::default(), None);
    let settings = signing_settings(&server);
    let err = SmtpTransport::new(
        &settings.mail,
        MailSecrets::default(),
        &SmtpOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, MailError::MissingDkimKey { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("harborview-clinic.example"), "{message}");
    assert!(message.contains("no DKIM private key"), "{message}");
    // A key can be added later: the outbox keeps trying.
    assert!(!err.is_permanent());

    let garbage = MailSecrets {
        smtp_password: None,
        dkim_key: Some(
            "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----"
                .to_string()
                .into(),
        ),
    };
    let err = SmtpTransport::new(&settings.mail, garbage, &SmtpOptions::default()).unwrap_err();
    assert!(matches!(err, MailError::InvalidDkimKey { .. }), "{err:?}");
    assert!(!err.to_string().contains("not a key"));

    // Through the dispatcher: the email fails with that reason and the server hears nothing.
    let harness = Harness::new(
        settings,
        SmtpFactory {
            secrets: MailSecrets::default(),
            options: SmtpOptions::default(),
        },
    )
    .await;
    let id = harness.queue_reset(|_| {}).await;
    let report = harness.dispatcher.run_once().await.unwrap();
    assert_eq!(report.failed, 1, "{report:?}");
    let row = harness.row(id);
    assert!(row
        .record
        .last_error
        .as_deref()
        .is_some_and(|e| e.contains("no DKIM private key")));
    assert!(row.next_attempt_at.is_some(), "retried once a key is added");
    std::thread::sleep(Duration::from_millis(200));
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn without_dkim_settings_mail_is_not_signed() {
    let server = SmtpServer::start(&ServerOptions::default(), None);
    let settings = smtp_settings("127.0.0.1", server.port, SmtpSecurity::Plain, false);
    // A key left in the keyring after DKIM was turned off signs nothing.
    let raw = send_signed(&settings, &server).await;
    assert!(!String::from_utf8_lossy(&raw).contains("DKIM-Signature"));
}
