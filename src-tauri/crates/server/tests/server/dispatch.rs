//! The outbox dispatcher in the server: with the clinic's exported key it delivers what the
//! desktop queued, once, to a real SMTP server, and the emailed link works; with another key it
//! sends nothing and says so; a key file others can read stops the start; without a key, or
//! with the preview outbox in the settings, it sends nothing.

use std::time::{Duration, Instant};

use vetdesk_core::outbox::{EmailKind, EmailStatus};
use vetdesk_core::seal::Sealer;
use vetdesk_core::settings::{MailTransport, Settings, SmtpSecurity};
use vetdesk_testkit::smtp::{Received, ServerOptions, SmtpServer};

use crate::support::{
    command, file_with_mode, health, post_portal_password, post_portal_status, Server, TestClinic,
    CLINIC_NAME,
};

const CLINIC_URL: &str = "https://portal.harborview-clinic.example";
const MAYA: &str = "maya.rivera@example.org";
const PASSWORD: &str = "copper kettle meadow lantern";
const SMTP_USER: &str = "vetdesk-relay";
const SMTP_PASSWORD: &str = "relay passphrase for the server";
const LINK_PREFIX: &str = "/portal/set-password#token=";

/// The clinic's settings, sending through the test SMTP server on `port` with a username.
fn smtp_settings(port: u16) -> Settings {
    let mut settings = Settings::demo();
    settings.clinic.clinic_url = Some(CLINIC_URL.into());
    settings.mail.transport = MailTransport::Smtp;
    settings.mail.host = "127.0.0.1".into();
    settings.mail.port = port;
    settings.mail.security = SmtpSecurity::Plain;
    settings.mail.username = Some(SMTP_USER.into());
    settings.mail.has_password = true;
    settings
}

/// A clinic whose desktop has sent before (the database records its outbox key), with an
/// invitation for a client waiting in the outbox.
async fn desktop_with_queued_invitation(settings: Settings) -> (TestClinic, i64) {
    queue_invitation(TestClinic::with_settings(settings, &[]).await).await
}

/// The desktop of `clinic` sends once and queues an invitation for a client.
async fn queue_invitation(clinic: TestClinic) -> (TestClinic, i64) {
    assert!(clinic
        .store
        .clinic_outbox_key(&clinic.sealer.fingerprint())
        .await
        .unwrap());
    let maya = clinic.add_client("Maya", "Rivera", MAYA).await;
    let admin = clinic.at_desk(crate::support::ADMIN).await;
    clinic
        .recovery
        .send_portal_link(&admin, maya, crate::support::DESK)
        .await
        .unwrap();
    (clinic, maya)
}

fn smtp_server() -> SmtpServer {
    SmtpServer::start(
        &ServerOptions {
            tls: None,
            auth: Some((SMTP_USER.into(), SMTP_PASSWORD.into())),
        },
        None,
    )
}

/// Waits up to `seconds` for `count` messages.
fn wait_for_mail(smtp: &SmtpServer, count: usize, seconds: u64) -> Vec<Received> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    loop {
        let received = smtp.received();
        if received.len() >= count || Instant::now() > deadline {
            return received;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits up to `seconds` for the health check to say `dispatch`.
async fn wait_for_dispatch(server: &Server, dispatch: &str, seconds: u64) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    loop {
        let body = health(server).await;
        if body["dispatch"] == dispatch || Instant::now() > deadline {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_server_delivers_a_desktop_invitation_once_and_its_link_sets_the_password() {
    let smtp = smtp_server();
    let clinic = desktop_with_queued_invitation(smtp_settings(smtp.port)).await;
    delivers_once_and_the_link_works(smtp, clinic).await;
}

#[tokio::test]
async fn on_postgres_the_server_delivers_a_desktop_invitation_once() {
    let smtp = smtp_server();
    let clinic = TestClinic::on_postgres(smtp_settings(smtp.port), &[]).await;
    delivers_once_and_the_link_works(smtp, queue_invitation(clinic).await).await;
}

/// The server, given the clinic's key, delivers the invitation the desktop queued once, and the
/// emailed link sets the client's password through the server.
async fn delivers_once_and_the_link_works(smtp: SmtpServer, (clinic, maya): (TestClinic, i64)) {
    let exported = clinic.sealer.export();
    let key = file_with_mode(clinic.dir.path(), "dispatch.key", exported.expose(), 0o600);
    let password = file_with_mode(
        clinic.dir.path(),
        "smtp-password",
        &format!("{SMTP_PASSWORD}\n"),
        0o600,
    );
    let server = Server::start_with(
        &clinic.db,
        &[],
        &[
            ("VETDESK_DISPATCH_KEY_FILE", &key),
            ("VETDESK_SMTP_PASSWORD_FILE", &password),
        ],
    );

    let received = wait_for_mail(&smtp, 1, 20);
    assert_eq!(received.len(), 1, "{}", server.log());
    let message = received[0].parsed();
    assert_eq!(
        message.subject().unwrap(),
        EmailKind::PortalInvite.subject(CLINIC_NAME)
    );
    let text = message.body_text(0).unwrap().to_string();
    let at = text
        .find(&format!("{CLINIC_URL}{LINK_PREFIX}"))
        .unwrap_or_else(|| panic!("the email holds a link:\n{text}"));
    let start = at + CLINIC_URL.len() + LINK_PREFIX.len();
    let link = text[start..start + 43].to_string();

    // The mail server has it; the dispatcher records that right after its answer.
    let deadline = Instant::now() + Duration::from_secs(5);
    let email = loop {
        let email = clinic.portal_email(maya).await;
        if email.status == EmailStatus::Sent || Instant::now() > deadline {
            break email;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(email.status, EmailStatus::Sent);
    assert_eq!(email.attempts, 1);
    let body = health(&server).await;
    assert_eq!(body["dispatch"], "sending", "{body}");
    let log = server.log();
    assert!(log.contains(&clinic.sealer.fingerprint()), "{log}");

    // The emailed link works through the server.
    let (status, page) = post_portal_status(&server, &link).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Welcome, <span id=\"greeting-name\">Maya</span>."));
    let done = post_portal_password(&server, &link, PASSWORD, PASSWORD).await;
    assert_eq!(done.status(), 200);

    // The page woke the dispatcher for its "password changed" email; nothing went twice.
    let received = wait_for_mail(&smtp, 2, 10);
    assert_eq!(received.len(), 2, "{}", server.log());
    assert_eq!(
        received[1].parsed().subject().unwrap(),
        EmailKind::PortalPasswordChanged.subject(CLINIC_NAME)
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(smtp.received().len(), 2);

    let log = server.log();
    let key_text = exported.expose().trim().to_string();
    let key_body = key_text.split(':').nth(1).unwrap().to_string();
    for secret in [link.as_str(), PASSWORD, SMTP_PASSWORD, key_body.as_str()] {
        assert!(!log.contains(secret), "the log holds a secret:\n{log}");
    }
}

#[tokio::test]
async fn a_server_with_another_key_sends_nothing_and_says_so() {
    let smtp = smtp_server();
    let (clinic, maya) = desktop_with_queued_invitation(smtp_settings(smtp.port)).await;
    let other = Sealer::new(&Sealer::generate_key());
    let key = file_with_mode(
        clinic.dir.path(),
        "dispatch.key",
        other.export().expose(),
        0o600,
    );
    let password = file_with_mode(clinic.dir.path(), "smtp-password", SMTP_PASSWORD, 0o600);
    let server = Server::start_with(
        &clinic.db,
        &[],
        &[
            ("VETDESK_DISPATCH_KEY_FILE", &key),
            ("VETDESK_SMTP_PASSWORD_FILE", &password),
        ],
    );
    let body = wait_for_dispatch(&server, "wrong_key", 10).await;
    assert_eq!(body["dispatch"], "wrong_key", "{body}\n{}", server.log());
    assert_eq!(body["status"], "ok");
    let log = server.log_with("is not the clinic's", 5);
    assert!(log.contains("is not the clinic's"), "{log}");
    assert!(log.contains(&other.fingerprint()), "{log}");

    std::thread::sleep(Duration::from_secs(1));
    assert!(smtp.received().is_empty());
    let email = clinic.portal_email(maya).await;
    assert_eq!(email.status, EmailStatus::Queued);
    assert_eq!(email.attempts, 0);
    // The desktop's key stays the clinic's.
    assert!(clinic
        .store
        .clinic_outbox_key(&clinic.sealer.fingerprint())
        .await
        .unwrap());
}

#[tokio::test]
async fn a_key_file_others_can_read_stops_the_start() {
    let clinic = TestClinic::new(Some(CLINIC_URL), &[]).await;
    let exported = clinic.sealer.export();
    let key = file_with_mode(clinic.dir.path(), "dispatch.key", exported.expose(), 0o640);
    let output = command(&clinic.db, &[], &[("VETDESK_DISPATCH_KEY_FILE", &key)])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("can be opened by other users"), "{stderr}");
    assert!(stderr.contains("0640"), "{stderr}");
    assert!(stderr.contains("chmod 600"), "{stderr}");
    assert!(!stderr.contains("listening on"), "{stderr}");
    let key_body = exported
        .expose()
        .trim()
        .split(':')
        .nth(1)
        .unwrap()
        .to_string();
    assert!(!stderr.contains(&key_body), "{stderr}");

    // A file that is no key says so, and the same for a group-readable SMTP password.
    let wrong = file_with_mode(clinic.dir.path(), "wrong.key", "hello", 0o600);
    let output = command(&clinic.db, &[], &[("VETDESK_DISPATCH_KEY_FILE", &wrong)])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("not a VetDesk dispatch key file"),
        "{stderr}"
    );
    let password = file_with_mode(clinic.dir.path(), "smtp", SMTP_PASSWORD, 0o644);
    let output = command(
        &clinic.db,
        &[],
        &[("VETDESK_SMTP_PASSWORD_FILE", &password)],
    )
    .output()
    .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("SMTP password file"), "{stderr}");
    assert!(!stderr.contains(SMTP_PASSWORD), "{stderr}");
}

#[tokio::test]
async fn without_a_key_the_server_sends_nothing_and_says_so() {
    let clinic = TestClinic::new(Some(CLINIC_URL), &[]).await;
    let server = Server::start(&clinic.db, &[]);
    assert!(
        server.log().contains("vetdesk-server does not send mail"),
        "{}",
        server.log()
    );
    assert_eq!(health(&server).await["dispatch"], "off");
}

#[tokio::test]
async fn with_the_preview_outbox_in_the_settings_the_server_sends_nothing() {
    let mut settings = Settings::demo();
    settings.clinic.clinic_url = Some(CLINIC_URL.into());
    assert_eq!(settings.mail.transport, MailTransport::Preview);
    let (clinic, maya) = desktop_with_queued_invitation(settings).await;
    let key = file_with_mode(
        clinic.dir.path(),
        "dispatch.key",
        clinic.sealer.export().expose(),
        0o600,
    );
    let server = Server::start_with(&clinic.db, &[], &[("VETDESK_DISPATCH_KEY_FILE", &key)]);
    let log = server.log_with("preview outbox", 10);
    assert!(log.contains("vetdesk-server sends no email"), "{log}");
    assert_eq!(health(&server).await["dispatch"], "off");
    std::thread::sleep(Duration::from_secs(1));
    let email = clinic.portal_email(maya).await;
    assert_eq!(email.status, EmailStatus::Queued);
    assert_eq!(email.attempts, 0);
}
