//! The SMTP transport against a real server: every security mode, AUTH, and the errors an admin
//! sees when a setting is wrong.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use vetdesk_core::settings::SmtpSecurity;
use vetdesk_mail::{render, send_test_email, MailError, MailTransport, SmtpOptions, SmtpTransport};

use crate::support::*;
use vetdesk_testkit::smtp::{free_port, ServerOptions, SmtpServer, TestCerts, TlsMode};

fn auth() -> Option<(String, String)> {
    Some((SMTP_USER.to_string(), SMTP_PASSWORD.to_string()))
}

/// A TCP relay in front of the test server that counts the connections made through it and can
/// cut them all, as a server's idle timeout would.
struct CountingProxy {
    port: u16,
    accepted: Arc<AtomicUsize>,
    relays: Arc<Mutex<Vec<JoinHandle<()>>>>,
    listening: JoinHandle<()>,
}

impl CountingProxy {
    async fn start(target: u16) -> CountingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let relays = Arc::new(Mutex::new(Vec::new()));
        let (count, tasks) = (accepted.clone(), relays.clone());
        let listening = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                let relay = tokio::spawn(async move {
                    let mut server = TcpStream::connect(("127.0.0.1", target)).await.unwrap();
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                });
                tasks.lock().unwrap().push(relay);
            }
        });
        CountingProxy {
            port,
            accepted,
            relays,
            listening,
        }
    }

    fn connections(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    fn cut_all(&self) {
        for relay in self.relays.lock().unwrap().drain(..) {
            relay.abort();
        }
    }
}

impl Drop for CountingProxy {
    fn drop(&mut self) {
        self.listening.abort();
        self.cut_all();
    }
}

#[tokio::test]
async fn plain_relay_delivers_a_complete_reset_email() {
    let server = SmtpServer::start(&ServerOptions::default(), None);
    let settings = smtp_settings("127.0.0.1", server.port, SmtpSecurity::Plain, false);
    let rendered = render(&reset_email(T0), Some(&secrets()), &settings, T0).unwrap();
    let transport = SmtpTransport::new(
        &settings.mail,
        MailSecrets::default(),
        &SmtpOptions::default(),
    )
    .unwrap();
    transport.send(&rendered.message, None).await.unwrap();

    let received = server.wait_for(1);
    assert_eq!(received.len(), 1);
    let envelope = &received[0].envelope;
    assert_eq!(envelope["mail_from"], "no-reply@harborview-clinic.example");
    assert_eq!(
        envelope["rcpt_tos"],
        serde_json::json!(["receptionist@harborview-clinic.example"])
    );
    let message = received[0].parsed();
    let from = message.from().unwrap().first().unwrap();
    assert_eq!(from.name(), Some("Harborview Animal Clinic"));
    assert_eq!(from.address(), Some("no-reply@harborview-clinic.example"));
    let to = message.to().unwrap().first().unwrap();
    assert_eq!(to.name(), Some("Test Receptionist"));
    assert_eq!(to.address(), Some("receptionist@harborview-clinic.example"));
    assert_eq!(
        message.subject(),
        Some("Reset your Harborview Animal Clinic VetDesk password")
    );
    assert_eq!(message.date().unwrap().to_timestamp(), T0 / 1000);
    assert_eq!(
        format!("<{}>", message.message_id().unwrap()),
        rendered.message_id
    );
    assert!(rendered.message_id.ends_with("@harborview-clinic.example>"));

    let (text, html) = bodies(&message);
    let app_link = format!("vetdesk://reset?token={LINK}");
    for body in [&text, &html] {
        assert!(body.contains(CODE));
        assert!(body.contains(&app_link));
        assert!(body.contains("This link and code expire in 30 minutes"));
    }
}

#[tokio::test]
async fn starttls_with_auth_delivers_to_a_server_with_the_clinics_own_ca() {
    let certs = TestCerts::generate();
    let options = ServerOptions {
        tls: Some(TlsMode::StartTls),
        auth: auth(),
    };
    let server = SmtpServer::start(&options, Some(&certs));
    let settings = smtp_settings("localhost", server.port, SmtpSecurity::StartTls, true);
    let rendered = render(&reset_email(T0), Some(&secrets()), &settings, T0).unwrap();
    let transport =
        SmtpTransport::new(&settings.mail, password(), &options_trusting(&certs.ca_pem)).unwrap();
    transport.send(&rendered.message, None).await.unwrap();

    let received = server.wait_for(1);
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].envelope["tls"], true);
    assert_eq!(received[0].envelope["authenticated"], true);
    let (text, html) = bodies(&received[0].parsed());
    assert!(text.contains(CODE) && html.contains(CODE));
}

#[tokio::test]
async fn emails_in_a_row_share_one_authenticated_connection() {
    let certs = TestCerts::generate();
    let options = ServerOptions {
        tls: Some(TlsMode::StartTls),
        auth: auth(),
    };
    let server = SmtpServer::start(&options, Some(&certs));
    let proxy = CountingProxy::start(server.port).await;
    let settings = smtp_settings("localhost", proxy.port, SmtpSecurity::StartTls, true);
    let rendered = render(&reset_email(T0), Some(&secrets()), &settings, T0).unwrap();
    let transport =
        SmtpTransport::new(&settings.mail, password(), &options_trusting(&certs.ca_pem)).unwrap();
    for _ in 0..3 {
        transport.send(&rendered.message, None).await.unwrap();
    }
    let received = server.wait_for(3);
    assert_eq!(received.len(), 3);
    assert!(received
        .iter()
        .all(|r| r.envelope["tls"] == true && r.envelope["authenticated"] == true));
    assert_eq!(proxy.connections(), 1);
}

#[tokio::test]
async fn a_connection_the_server_closed_is_replaced() {
    let server = SmtpServer::start(&ServerOptions::default(), None);
    let proxy = CountingProxy::start(server.port).await;
    let settings = smtp_settings("127.0.0.1", proxy.port, SmtpSecurity::Plain, false);
    let rendered = render(&reset_email(T0), Some(&secrets()), &settings, T0).unwrap();
    let transport = SmtpTransport::new(
        &settings.mail,
        MailSecrets::default(),
        &SmtpOptions::default(),
    )
    .unwrap();
    transport.send(&rendered.message, None).await.unwrap();
    proxy.cut_all();
    transport.send(&rendered.message, None).await.unwrap();
    assert_eq!(server.wait_for(2).len(), 2);
    assert_eq!(proxy.connections(), 2);
}

#[tokio::test]
async fn an_email_after_a_refused_one_still_goes_out() {
    let server = SmtpServer::start(&ServerOptions::default(), None);
    let settings = smtp_settings("127.0.0.1", server.port, SmtpSecurity::Plain, false);
    let transport = SmtpTransport::new(
        &settings.mail,
        MailSecrets::default(),
        &SmtpOptions::default(),
    )
    .unwrap();
    let mut email = reset_email(T0);
    email.recipient = "refuse-permanent@harborview-clinic.example".into();
    let refused = render(&email, Some(&secrets()), &settings, T0).unwrap();
    let err = transport.send(&refused.message, None).await.unwrap_err();
    assert!(matches!(err, MailError::Rejected { .. }), "{err:?}");
    let rendered = render(&reset_email(T0), Some(&secrets()), &settings, T0).unwrap();
    transport.send(&rendered.message, None).await.unwrap();
    assert_eq!(server.wait_for(1).len(), 1);
}

#[tokio::test]
async fn implicit_tls_with_auth_delivers() {
    let certs = TestCerts::generate();
    let options = ServerOptions {
        tls: Some(TlsMode::Implicit),
        auth: auth(),
    };
    let server = SmtpServer::start(&options, Some(&certs));
    let settings = smtp_settings("localhost", server.port, SmtpSecurity::ImplicitTls, true);
    let rendered = render(&reset_email(T0), Some(&secrets()), &settings, T0).unwrap();
    let transport =
        SmtpTransport::new(&settings.mail, password(), &options_trusting(&certs.ca_pem)).unwrap();
    transport.send(&rendered.message, None).await.unwrap();
    let received = server.wait_for(1);
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].envelope["tls"], true);
}

#[tokio::test]
async fn a_wrong_password_gets_the_authentication_hint() {
    let certs = TestCerts::generate();
    let options = ServerOptions {
        tls: Some(TlsMode::StartTls),
        auth: auth(),
    };
    let server = SmtpServer::start(&options, Some(&certs));
    let settings = smtp_settings("localhost", server.port, SmtpSecurity::StartTls, true);
    let rendered = render(&reset_email(T0), Some(&secrets()), &settings, T0).unwrap();
    let wrong = "not-the-password-8812";
    let transport = SmtpTransport::new(
        &settings.mail,
        MailSecrets {
            smtp_password: Some(wrong.to_string().into()),
            dkim_key: None,
        },
        &options_trusting(&certs.ca_pem),
    )
    .unwrap();
    let err = transport.send(&rendered.message, None).await.unwrap_err();
    assert!(matches!(err, MailError::AuthRejected), "{err:?}");
    assert_eq!(
        err.to_string(),
        "The SMTP server refused the username or password."
    );
    assert!(
        !err.is_permanent(),
        "fixing the password lets queued email go out"
    );
    assert!(!format!("{err:?}").contains(wrong));
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn implicit_tls_against_a_starttls_port_gets_the_port_hint() {
    let certs = TestCerts::generate();
    let options = ServerOptions {
        tls: Some(TlsMode::StartTls),
        auth: None,
    };
    let server = SmtpServer::start(&options, Some(&certs));
    let settings = smtp_settings("localhost", server.port, SmtpSecurity::ImplicitTls, false);
    let rendered = render(&reset_email(T0), Some(&secrets()), &settings, T0).unwrap();
    let transport = SmtpTransport::new(
        &settings.mail,
        MailSecrets::default(),
        &options_trusting(&certs.ca_pem),
    )
    .unwrap();
    let err = transport.send(&rendered.message, None).await.unwrap_err();
    assert!(
        matches!(err, MailError::NotTls { port } if port == server.port),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "The server did not answer TLS on port {}; port 587 normally uses STARTTLS, 465 uses \
             implicit TLS.",
            server.port
        )
    );
}

#[tokio::test]
async fn starttls_required_refuses_a_server_that_does_not_offer_it() {
    let server = SmtpServer::start(&ServerOptions::default(), None);
    let settings = smtp_settings("127.0.0.1", server.port, SmtpSecurity::StartTls, false);
    let rendered = render(&reset_email(T0), Some(&secrets()), &settings, T0).unwrap();
    let transport = SmtpTransport::new(
        &settings.mail,
        MailSecrets::default(),
        &SmtpOptions::default(),
    )
    .unwrap();
    let err = transport.send(&rendered.message, None).await.unwrap_err();
    assert!(
        matches!(err, MailError::StartTlsNotOffered { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("does not offer STARTTLS"));
    assert!(server.received().is_empty(), "nothing went out unencrypted");
}

#[tokio::test]
async fn an_untrusted_certificate_names_the_host() {
    let certs = TestCerts::generate();
    let options = ServerOptions {
        tls: Some(TlsMode::StartTls),
        auth: None,
    };
    let server = SmtpServer::start(&options, Some(&certs));
    let settings = smtp_settings("localhost", server.port, SmtpSecurity::StartTls, false);
    let rendered = render(&reset_email(T0), Some(&secrets()), &settings, T0).unwrap();
    let transport = SmtpTransport::new(
        &settings.mail,
        MailSecrets::default(),
        &SmtpOptions::default(),
    )
    .unwrap();
    let err = transport.send(&rendered.message, None).await.unwrap_err();
    assert!(
        matches!(&err, MailError::CertificateNotTrusted { host, .. } if host == "localhost"),
        "{err:?}"
    );
    assert!(err
        .to_string()
        .contains("The certificate of localhost is not trusted"));
}

#[tokio::test]
async fn nothing_listening_says_so() {
    let port = free_port();
    let settings = smtp_settings("127.0.0.1", port, SmtpSecurity::Plain, false);
    let rendered = render(&reset_email(T0), Some(&secrets()), &settings, T0).unwrap();
    let transport = SmtpTransport::new(
        &settings.mail,
        MailSecrets::default(),
        &SmtpOptions::default(),
    )
    .unwrap();
    let err = transport.send(&rendered.message, None).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("Nothing is listening at 127.0.0.1:{port}. Check the SMTP host and port.")
    );
    assert!(!err.is_permanent());
}

#[tokio::test]
async fn refused_recipients_are_permanent_and_busy_ones_transient() {
    let server = SmtpServer::start(&ServerOptions::default(), None);
    let settings = smtp_settings("127.0.0.1", server.port, SmtpSecurity::Plain, false);
    let transport = SmtpTransport::new(
        &settings.mail,
        MailSecrets::default(),
        &SmtpOptions::default(),
    )
    .unwrap();

    let mut email = reset_email(T0);
    email.recipient = "refuse-permanent@harborview-clinic.example".into();
    let rendered = render(&email, Some(&secrets()), &settings, T0).unwrap();
    let err = transport.send(&rendered.message, None).await.unwrap_err();
    assert!(matches!(err, MailError::Rejected { .. }), "{err:?}");
    assert!(err.is_permanent());
    assert!(err.to_string().contains("550"), "{err}");

    email.recipient = "refuse-transient@harborview-clinic.example".into();
    let rendered = render(&email, Some(&secrets()), &settings, T0).unwrap();
    let err = transport.send(&rendered.message, None).await.unwrap_err();
    assert!(matches!(err, MailError::Deferred { .. }), "{err:?}");
    assert!(!err.is_permanent());
    assert!(err.to_string().contains("450"), "{err}");
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn test_email_goes_through_smtp_and_says_where() {
    let certs = TestCerts::generate();
    let options = ServerOptions {
        tls: Some(TlsMode::StartTls),
        auth: auth(),
    };
    let server = SmtpServer::start(&options, Some(&certs));
    let settings = smtp_settings("localhost", server.port, SmtpSecurity::StartTls, true);
    let preview = tempfile::tempdir().unwrap();
    let answer = send_test_email(
        &settings,
        password(),
        &options_trusting(&certs.ca_pem),
        preview.path(),
        "office.manager@harborview-clinic.example",
    )
    .await
    .unwrap();
    assert_eq!(
        answer,
        format!("Test email accepted by localhost:{}", server.port)
    );
    let received = server.wait_for(1);
    assert_eq!(received.len(), 1);
    let message = received[0].parsed();
    assert_eq!(
        message.subject(),
        Some("Harborview Animal Clinic VetDesk test email")
    );
    let (text, _) = bodies(&message);
    assert!(text.contains("This is a test email from VetDesk"));
    assert!(std::fs::read_dir(preview.path()).unwrap().next().is_none());
}

#[tokio::test]
async fn test_email_to_a_bad_address_is_refused_before_connecting() {
    let port = free_port();
    let settings = smtp_settings("127.0.0.1", port, SmtpSecurity::Plain, false);
    let preview = tempfile::tempdir().unwrap();
    let err = send_test_email(
        &settings,
        MailSecrets::default(),
        &SmtpOptions::default(),
        preview.path(),
        "someone@example.com\r\nBcc: everyone@example.com",
    )
    .await
    .unwrap_err();
    assert!(matches!(err, MailError::InvalidHeader { .. }), "{err:?}");
}
