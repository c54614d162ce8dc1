//! The staff reset flow through the server: checking a link, setting the password once, what a
//! link scanner does, refused passwords, malformed forms, the per-client limit, and the log.

use vetdesk_core::audit::AuditAction;
use vetdesk_core::outbox::EmailKind;
use vetdesk_core::settings::Settings;
use vetdesk_core::CoreError;

use crate::support::{
    client, display_name, from_the_page, post_reset, post_status, Server, TestClinic, DESK,
    NEW_PASSWORD, NEXT_STEP, OLD_PASSWORD,
};

const UNKNOWN: &str = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdE";

#[tokio::test]
async fn status_names_a_good_links_account_and_nothing_else() {
    let clinic = TestClinic::new(None, &["mrivera", "expired", "used"]).await;
    let good = clinic.reset_link("mrivera").await;
    let expired = clinic.reset_link_sent_ago("expired", 25 * 60).await;
    let used = clinic.reset_link("used").await;
    let server = Server::start(&clinic.db, &[]);
    let done = post_reset(&server, &used, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(done.status(), 200);

    let (status, page) = post_status(&server, &good).await;
    assert_eq!(status, 200);
    let heading = format!(
        "Set a new password for <span id=\"target-name\">{}</span>",
        display_name("mrivera")
    );
    assert!(page.contains(&heading), "{page}");
    // An admin-sent link lives 24 hours.
    assert!(
        page.contains("This link expires in about 23 hours."),
        "{page}"
    );
    assert!(page.contains(&format!("name=\"token\" id=\"token\" value=\"{good}\"")));
    assert!(page.contains("<form id=\"reset-form\" method=\"post\" action=\"/reset\">"));
    assert!(page.contains("autocomplete=\"new-password\""));
    assert!(page.contains("minlength=\"15\""));
    assert!(!page.contains("<script"));

    for bad in [
        expired.as_str(),
        used.as_str(),
        UNKNOWN,
        "short",
        "",
        &format!("{}!", &good[..42]),
        &format!("{good}A"),
    ] {
        let (status, page) = post_status(&server, bad).await;
        assert_eq!(status, 400, "{bad}");
        assert!(page.contains("This link can't be used"), "{bad}: {page}");
        assert!(page.contains(NEXT_STEP));
        assert!(!page.contains("Set a new password for"));
    }
    // Asking used nothing up.
    assert!(clinic.link_is_live(&good).await);
}

#[tokio::test]
async fn a_link_sets_the_password_once() {
    let clinic = TestClinic::new(None, &["mrivera"]).await;
    sets_the_password_once(&clinic).await;
}

#[tokio::test]
async fn on_postgres_a_link_sets_the_password_once() {
    let clinic = TestClinic::on_postgres(Settings::demo(), &["mrivera"]).await;
    sets_the_password_once(&clinic).await;
}

/// A link sets the password once through the server; the second submit changes nothing.
async fn sets_the_password_once(clinic: &TestClinic) {
    let link = clinic.reset_link("mrivera").await;
    let staff = clinic.staff("mrivera").await;
    let elsewhere = clinic.at_desk("mrivera").await;
    let server = Server::start(&clinic.db, &[]);

    let response = post_reset(&server, &link, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(response.status(), 200);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("Your password was changed. Sign in to VetDesk at the front desk."),
        "{page}"
    );
    assert!(!page.contains(&link));

    assert!(clinic
        .recovery
        .login("mrivera", NEW_PASSWORD, DESK)
        .await
        .is_ok());
    assert!(matches!(
        clinic.recovery.login("mrivera", OLD_PASSWORD, DESK).await,
        Err(CoreError::InvalidCredentials)
    ));
    // The account's other sessions ended, and "password changed" waits in the outbox.
    assert!(matches!(
        clinic
            .recovery
            .actor(Some(elsewhere.session.id), DESK)
            .await,
        Err(CoreError::NotSignedIn)
    ));
    let notice = clinic
        .store
        .latest_email_for_staff(staff.id, &[EmailKind::PasswordChanged])
        .await
        .unwrap()
        .expect("a password-changed email was queued");
    assert!(notice.sealed.is_none());
    let audit = clinic
        .store
        .list_audit(AuditAction::PasswordReset.as_str(), 10)
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    let host = gethostname::gethostname().to_string_lossy().to_string();
    assert_eq!(audit[0].workstation, format!("server:{host}"));
    assert_eq!(audit[0].outcome, "ok");

    let before = clinic.snapshot().await;
    let again = post_reset(
        &server,
        &link,
        "another long phrase entirely",
        "another long phrase entirely",
    )
    .await;
    assert_eq!(again.status(), 400);
    let page = again.text().await.unwrap();
    assert!(page.contains("This link can't be used"), "{page}");
    assert!(page.contains(NEXT_STEP));
    // Only the per-client counter moved.
    assert_eq!(
        without_limits(clinic.snapshot().await),
        without_limits(before)
    );

    let log = server.log_after_requests(2);
    for secret in [link.as_str(), NEW_PASSWORD, "another long phrase"] {
        assert!(!log.contains(secret), "the log holds a secret:\n{log}");
    }
    assert!(log.contains("method=POST path=/reset status=200"), "{log}");
    assert!(log.contains("method=POST path=/reset status=400"), "{log}");
}

#[tokio::test]
async fn link_scanners_opening_the_link_change_nothing() {
    let clinic = TestClinic::new(None, &["mrivera"]).await;
    let link = clinic.reset_link("mrivera").await;
    let server = Server::start(&clinic.db, &[]);
    let before = clinic.snapshot().await;
    let c = client();
    for _ in 0..2 {
        for path in [
            "/reset".to_string(),
            format!("/reset?token={link}"),
            format!("/reset/?token={link}"),
            "/reset/status".to_string(),
            format!("/reset/status?token={link}"),
            "/healthz".to_string(),
        ] {
            let url = server.url(&path);
            let get = c.get(&url).send().await.unwrap();
            assert!(get.status().as_u16() < 500, "{path}: {}", get.status());
            let head = c.head(&url).send().await.unwrap();
            assert!(head.status().as_u16() < 500, "{path}: {}", head.status());
        }
    }
    assert_eq!(clinic.snapshot().await, before);
    assert!(clinic.link_is_live(&link).await);
    let log = server.log_after_requests(24);
    assert!(!log.contains(&link), "{log}");
}

#[tokio::test]
async fn refused_passwords_get_the_cores_words_and_keep_the_link() {
    let clinic = TestClinic::new(None, &["mrivera"]).await;
    let link = clinic.reset_link("mrivera").await;
    let server = Server::start(&clinic.db, &[]);

    let weak = post_reset(&server, &link, "short", "short").await;
    assert_eq!(weak.status(), 422);
    let page = weak.text().await.unwrap();
    assert!(page.contains("Use at least 15 characters."), "{page}");
    assert!(page.contains("id=\"password-error\""));
    assert!(page.contains("aria-invalid=\"true\""));
    assert!(page.contains(&format!(
        "Set a new password for <span id=\"target-name\">{}</span>",
        display_name("mrivera")
    )));
    assert!(page.contains(&format!("name=\"token\" id=\"token\" value=\"{link}\"")));
    assert!(page.contains("data-mode=\"form\""));

    let common = post_reset(&server, &link, "passwordpassword", "passwordpassword").await;
    assert_eq!(common.status(), 422);
    assert!(common.text().await.unwrap().contains("too common"));

    let mismatch = post_reset(
        &server,
        &link,
        NEW_PASSWORD,
        "lantern orbit pickle saxophon",
    )
    .await;
    assert_eq!(mismatch.status(), 422);
    let page = mismatch.text().await.unwrap();
    assert!(page.contains("The two passwords do not match."), "{page}");
    assert!(page.contains("id=\"confirm-error\""));

    assert!(clinic.link_is_live(&link).await);
    let done = post_reset(&server, &link, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(done.status(), 200);
    let log = server.log_after_requests(4);
    for secret in [link.as_str(), NEW_PASSWORD, "passwordpassword", "saxophon"] {
        assert!(!log.contains(secret), "{log}");
    }
}

#[tokio::test]
async fn oversized_and_incomplete_forms_get_a_page_and_change_nothing() {
    let clinic = TestClinic::new(None, &["mrivera"]).await;
    let link = clinic.reset_link("mrivera").await;
    let server = Server::start(&clinic.db, &[]);
    let before = clinic.snapshot().await;
    let c = client();

    let huge = "x".repeat(20 * 1024);
    let oversized = from_the_page(c.post(server.url("/reset")))
        .form(&[
            ("token", link.as_str()),
            ("password", &huge),
            ("confirm", &huge),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(oversized.status(), 413);
    assert!(oversized
        .text()
        .await
        .unwrap()
        .contains("larger than this page accepts"));

    let missing = from_the_page(c.post(server.url("/reset")))
        .form(&[("token", link.as_str()), ("password", NEW_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 422);
    assert_eq!(
        missing.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    assert!(missing
        .text()
        .await
        .unwrap()
        .contains("The form arrived incomplete"));

    let not_a_form = from_the_page(c.post(server.url("/reset")))
        .json(&serde_json::json!({ "token": link, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(not_a_form.status(), 415);
    assert!(not_a_form
        .text()
        .await
        .unwrap()
        .contains("The form arrived incomplete"));

    let bad_status = from_the_page(c.post(server.url("/reset/status")))
        .form(&[("token", huge.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(bad_status.status(), 413);
    let no_token = from_the_page(c.post(server.url("/reset/status")))
        .form(&[("tokn", link.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(no_token.status(), 422);
    let page = no_token.text().await.unwrap();
    assert!(page.contains("The form arrived incomplete"), "{page}");

    assert_eq!(clinic.snapshot().await, before);
    assert!(clinic.link_is_live(&link).await);
    let log = server.log_after_requests(5);
    assert!(!log.contains(&link) && !log.contains("xxxxxxxx"), "{log}");
}

#[tokio::test]
async fn a_client_posting_in_a_loop_is_slowed_down() {
    let clinic = TestClinic::new(None, &["mrivera"]).await;
    let link = clinic.reset_link("mrivera").await;
    let server = Server::start(&clinic.db, &[]);
    for _ in 0..30 {
        let (status, _) = post_status(&server, "short").await;
        assert_eq!(status, 400);
    }
    let (status, page) = post_status(&server, &link).await;
    assert_eq!(status, 429);
    assert!(page.contains("Too many attempts. Try again in"), "{page}");
    let form = post_reset(&server, &link, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(form.status(), 429);
    assert!(form
        .text()
        .await
        .unwrap()
        .contains("Too many attempts. Try again in"));
    assert!(clinic.link_is_live(&link).await);
    let keys: Vec<String> = sqlx::query_scalar("SELECT key FROM limits")
        .fetch_all(clinic.pool())
        .await
        .unwrap();
    assert_eq!(keys, ["web_reset:client:127.0.0.1"]);
}

/// The snapshot without the rows of the limits table.
pub fn without_limits(rows: Vec<String>) -> Vec<String> {
    rows.into_iter()
        .filter(|r| !r.starts_with("limits: "))
        .collect()
}
