//! Settings checks that need no server.

use super::*;
use vetdesk_core::settings::Settings;
use vetdesk_core::Sensitive;

#[test]
fn plain_smtp_is_only_for_local_and_private_hosts() {
    for host in [
        "localhost",
        "127.0.0.1",
        "::1",
        "[::1]",
        "10.0.0.5",
        "172.20.1.1",
        "192.168.1.10",
        "fd12:3456::1",
    ] {
        assert!(is_local_or_private(host), "{host}");
    }
    for host in [
        "smtp.clinic.com",
        "8.8.8.8",
        "172.32.0.1",
        "2001:db8::1",
        "localhost.evil.com",
    ] {
        assert!(!is_local_or_private(host), "{host}");
    }
}

#[tokio::test]
async fn plain_to_a_public_host_is_refused_with_a_reason() {
    let mut mail = Settings::demo().mail;
    mail.host = "smtp.clinic.com".into();
    mail.security = SmtpSecurity::Plain;
    let err =
        SmtpTransport::new(&mail, MailSecrets::default(), &SmtpOptions::default()).unwrap_err();
    assert!(matches!(err, MailError::PlainNotAllowed { .. }));
    assert!(err
        .to_string()
        .contains("STARTTLS or TLS for smtp.clinic.com"));
}

#[tokio::test]
async fn a_username_without_a_password_is_refused() {
    let mut mail = Settings::demo().mail;
    mail.username = Some("frontdesk".into());
    let err =
        SmtpTransport::new(&mail, MailSecrets::default(), &SmtpOptions::default()).unwrap_err();
    assert!(matches!(err, MailError::MissingPassword));
}

#[tokio::test]
async fn a_bad_ca_certificate_is_refused() {
    let mail = Settings::demo().mail;
    let options = SmtpOptions {
        extra_root_pem: Some(b"not a certificate".to_vec()),
    };
    let err = SmtpTransport::new(&mail, MailSecrets::default(), &options).unwrap_err();
    assert!(matches!(err, MailError::InvalidCaCertificate));
}

#[tokio::test]
async fn debug_output_never_shows_the_password() {
    let mut mail = Settings::demo().mail;
    mail.username = Some("frontdesk".into());
    let transport = SmtpTransport::new(
        &mail,
        MailSecrets {
            smtp_password: Some(Sensitive::new("correct-horse-battery".into())),
            dkim_key: None,
        },
        &SmtpOptions::default(),
    )
    .unwrap();
    assert!(!format!("{transport:?}").contains("correct-horse"));
}

#[test]
fn outside_the_runtime_creation_fails_instead_of_panicking() {
    let err = SmtpTransport::new(
        &Settings::demo().mail,
        MailSecrets::default(),
        &SmtpOptions::default(),
    );
    assert!(matches!(err, Err(MailError::Build(_))));
}

#[test]
fn dropping_outside_the_runtime_is_safe() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let transport = runtime
        .block_on(async {
            SmtpTransport::new(
                &Settings::demo().mail,
                MailSecrets::default(),
                &SmtpOptions::default(),
            )
        })
        .unwrap();
    drop(transport);
}

#[test]
fn ipv6_endpoints_are_bracketed() {
    assert_eq!(endpoint("::1", 25), "[::1]:25");
    assert_eq!(endpoint("smtp.clinic.com", 587), "smtp.clinic.com:587");
}
