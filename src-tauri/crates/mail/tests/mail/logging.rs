//! What the dispatcher and transports log never contains a reset link, a code or the SMTP
//! password, whether the send works or not.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use tracing_subscriber::fmt::MakeWriter;
use vetdesk_core::settings::SmtpSecurity;
use vetdesk_mail::Sensitive;

use crate::support::*;
use vetdesk_testkit::smtp::{ServerOptions, SmtpServer, TestCerts, TlsMode};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// One subscriber for the whole test binary: tracing caches per call site whether anyone
/// listens, which a per-thread subscriber in parallel tests does not reliably change. Every
/// test's logs land here, which only widens what is checked.
fn capture() -> &'static Capture {
    static CAPTURE: OnceLock<Capture> = OnceLock::new();
    CAPTURE.get_or_init(|| {
        let capture = Capture::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(capture.clone())
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("no other subscriber");
        capture
    })
}

#[tokio::test]
async fn logs_hold_no_link_code_or_password() {
    let capture = capture();

    let certs = TestCerts::generate();
    let options = ServerOptions {
        tls: Some(TlsMode::StartTls),
        auth: Some((SMTP_USER.to_string(), SMTP_PASSWORD.to_string())),
    };
    let server = SmtpServer::start(&options, Some(&certs));
    let settings = smtp_settings("localhost", server.port, SmtpSecurity::StartTls, true);

    // A failing attempt (wrong password, whose text must not show either) ...
    let wrong_password = "wrong-Harbor-5520-also-secret";
    let failing = Harness::new(
        settings.clone(),
        SmtpFactory {
            secrets: MailSecrets {
                smtp_password: Some(Sensitive::new(wrong_password.to_string())),
                dkim_key: None,
            },
            options: options_trusting(&certs.ca_pem),
        },
    )
    .await;
    let failed_id = failing.queue_reset(|_| {}).await;
    assert_eq!(failing.dispatcher.run_once().await.unwrap().failed, 1);
    let error = failing.row(failed_id).record.last_error.unwrap();

    // ... and a successful one.
    let working = Harness::new(
        settings,
        SmtpFactory {
            secrets: password(),
            options: options_trusting(&certs.ca_pem),
        },
    )
    .await;
    working.queue_reset(|_| {}).await;
    assert_eq!(working.dispatcher.run_once().await.unwrap().sent, 1);
    assert_eq!(server.wait_for(1).len(), 1);

    let logs = capture.text();
    assert!(logs.contains("email sent"), "{logs}");
    assert!(logs.contains("email_id=1"), "{logs}");
    assert!(
        logs.contains("status=\"failed\"") || logs.contains("status=failed"),
        "{logs}"
    );
    for secret in [LINK, CODE, SMTP_PASSWORD, wrong_password] {
        assert!(!logs.contains(secret), "the log shows {secret}:\n{logs}");
        assert!(!error.contains(secret));
    }
    assert!(!logs.contains("Hello Test"), "no rendered body in the log");
}
