use std::time::{Duration, Instant};

use vetdesk_core::settings::SmtpSecurity;
use vetdesk_secrets::SecretStore;
use vetdesk_store::demo::DEMO_PASSWORD;
use vetdesk_testkit::smtp::{Received, ServerOptions, SmtpServer, TestCerts, TlsMode};

use crate::harness::{Desk, SmtpTarget};

const NEW_PASSWORD: &str = "copper kettle meadow lantern";

pub(crate) fn plain_target(server: &SmtpServer) -> SmtpTarget {
    SmtpTarget {
        port: server.port,
        security: SmtpSecurity::Plain,
        username: None,
        ca_file: None,
    }
}

/// Waits for a message to `to` and returns its plain-text part.
fn mail_to(server: &SmtpServer, to: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let found: Option<Received> = server.received().into_iter().rev().find(|m| {
            m.envelope["rcpt_tos"]
                .as_array()
                .is_some_and(|r| r.iter().any(|a| a.as_str() == Some(to)))
        });
        if let Some(m) = found {
            let parsed = m.parsed();
            return parsed
                .body_text(0)
                .map(|t| t.to_string())
                .expect("a text part");
        }
        assert!(Instant::now() < deadline, "no email reached {to}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The `ABCDE-FGHJK` code in an email's text.
pub(crate) fn code_in(text: &str) -> String {
    text.split_whitespace()
        .find(|w| {
            w.len() == 11
                && w.as_bytes()[5] == b'-'
                && w.chars()
                    .all(|c| c == '-' || c.is_ascii_digit() || c.is_ascii_uppercase())
        })
        .unwrap_or_else(|| panic!("no code in the email:\n{text}"))
        .to_string()
}

pub(crate) async fn set_password_with_code(
    desk: &Desk,
    username: &str,
    code: &str,
    password: &str,
) {
    desk.click("code-link").await;
    desk.type_into("code-username", username).await;
    desk.type_into("code-value", code).await;
    desk.click("code-submit").await;
    desk.type_into("new-password", password).await;
    desk.type_into("confirm-password", password).await;
    desk.click("set-password-submit").await;
    desk.wait_for("reset-done").await;
}

pub(crate) async fn assert_signs_in(desk: &Desk, username: &str, password: &str) {
    desk.sign_in(username, password).await;
    desk.wait_for("signout").await;
    desk.sign_out().await;
}

async fn assert_refused(desk: &Desk, username: &str, password: &str) {
    desk.sign_in(username, password).await;
    desk.text_containing("error", "not right").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn forgot_password_then_code_then_new_password() {
    let server = SmtpServer::start(&ServerOptions::default(), None);
    let desk = Desk::open(&plain_target(&server)).await;

    desk.click("forgot-link").await;
    desk.type_into("forgot-identifier", "dpatel").await;
    desk.click("forgot-submit").await;
    desk.text_containing("forgot-message", "spam/junk").await;

    let text = mail_to(&server, "dpatel@harborview-clinic.example");
    assert!(text.contains("vetdesk://reset?token="), "{text}");
    let code = code_in(&text);

    desk.click("back-to-login").await;
    set_password_with_code(&desk, "dpatel", &code, NEW_PASSWORD).await;
    assert_signs_in(&desk, "dpatel", NEW_PASSWORD).await;
    assert_refused(&desk, "dpatel", DEMO_PASSWORD).await;
    // The "password changed" notice followed.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !server.received().iter().any(|m| {
        m.parsed()
            .subject()
            .is_some_and(|s| s.contains("was changed"))
    }) {
        assert!(Instant::now() < deadline, "no password-changed email");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    desk.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_sends_a_reset_from_the_staff_list() {
    let server = SmtpServer::start(&ServerOptions::default(), None);
    let desk = Desk::open(&plain_target(&server)).await;

    desk.sign_in("admin", DEMO_PASSWORD).await;
    desk.click("nav-staff").await;
    desk.type_into("staff-search", "Patel").await;
    let store = vetdesk_store::SqliteStore::open(&desk.database())
        .await
        .unwrap();
    let id = vetdesk_core::ports::StaffStore::find_staff_by_login(&store, "dpatel")
        .await
        .unwrap()
        .unwrap()
        .id;
    store.close().await;
    desk.click(&format!("staff-card-{id}")).await;
    desk.click("reset-password").await;
    desk.click("confirm-yes").await;
    desk.text_containing(
        "reset-message",
        "Reset password link has been sent to d•••@harborview-clinic.example",
    )
    .await;

    let text = mail_to(&server, "dpatel@harborview-clinic.example");
    assert!(
        text.contains("Avery Collins"),
        "the email says who sent it:\n{text}"
    );
    let code = code_in(&text);
    desk.click("dialog-close").await;
    desk.sign_out().await;
    set_password_with_code(&desk, "dpatel", &code, NEW_PASSWORD).await;
    assert_signs_in(&desk, "dpatel", NEW_PASSWORD).await;
    desk.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_office_manager_cannot_reset_an_admin() {
    let server = SmtpServer::start(&ServerOptions::default(), None);
    let desk = Desk::open(&plain_target(&server)).await;
    desk.sign_in("mreyes", DEMO_PASSWORD).await;
    desk.click("nav-staff").await;
    desk.type_into("staff-search", "Avery").await;
    desk.click("staff-card-1").await;
    desk.text_containing("staff-card", "can't reset an admin")
        .await;
    assert!(
        desk.client
            .find(fantoccini::Locator::Css(
                "[data-testid=\"reset-password\"]:not([disabled])"
            ))
            .await
            .is_err(),
        "an enabled Reset password button is shown for an admin"
    );
    desk.close().await;
    assert!(server.received().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_smtp_password_lives_in_the_os_keyring() {
    let certs = TestCerts::generate();
    let server = SmtpServer::start(
        &ServerOptions {
            tls: Some(TlsMode::StartTls),
            auth: Some(("frontdesk".into(), "relay-secret-42".into())),
        },
        Some(&certs),
    );
    let ca_dir = tempfile::tempdir().unwrap();
    let ca_file = ca_dir.path().join("ca.pem");
    std::fs::write(&ca_file, &certs.ca_pem).unwrap();
    let desk = Desk::open(&SmtpTarget {
        port: server.port,
        security: SmtpSecurity::StartTls,
        username: Some("frontdesk".into()),
        ca_file: Some(ca_file),
    })
    .await;

    desk.sign_in("admin", DEMO_PASSWORD).await;
    desk.click("nav-settings").await;
    desk.type_into("smtp-password", "relay-secret-42").await;
    desk.click("settings-save").await;
    desk.text_containing("settings-saved", "saved").await;
    desk.type_into("test-recipient", "frontdesk@harborview-clinic.example")
        .await;
    desk.click("test-send").await;
    desk.text_containing("test-result", "accepted").await;

    let received = server.wait_for(1);
    assert_eq!(received[0].envelope["authenticated"], true);
    assert_eq!(received[0].envelope["tls"], true);
    // The same Secret Service the app wrote to holds the password, under the demo clinic's
    // own service; the config does not.
    let service = vetdesk_lib::state::demo_keyring_service(vetdesk_lib::state::KEYRING_SERVICE);
    let stored = vetdesk_secrets::Keyring::new(&service)
        .get(vetdesk_lib::keyring::SMTP_PASSWORD)
        .expect("keyring readable")
        .expect("the app stored the SMTP password in the keyring");
    assert_eq!(stored.expose(), "relay-secret-42");
    // Nor does the database, its write-ahead log included.
    for file in [
        desk.database(),
        desk.database().with_extension("sqlite3-wal"),
    ] {
        let bytes = std::fs::read(&file).unwrap_or_default();
        assert!(
            !bytes.windows(15).any(|w| w == b"relay-secret-42"),
            "{}",
            file.display()
        );
    }
    desk.close().await;
}
