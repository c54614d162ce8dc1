//! The patient portal end to end: the paw on a client's profile in the real window, the email
//! through the real SMTP server, its link opened in headless Chromium on `vetdesk-server`, a
//! password set there and the portal signed in to with it.

use std::time::Duration;

use fantoccini::Locator;
use vetdesk_store::demo::DEMO_PASSWORD;

use crate::browser::Browser;
use crate::clinic_web::WebClinic;
use crate::mailbox::{mail_to, mails_to, web_link};

const SET_PASSWORD_PAGE: &str = "/portal/set-password";
/// Subjects of the invitation and of the portal reset.
const INVITATION: &str = "Set up your Harborview Animal Clinic patient portal account";
const RESET: &str = "Reset your Harborview Animal Clinic patient portal password";
const FIRST_PASSWORD: &str = "velvet tundra marble kite";
const SECOND_PASSWORD: &str = "orchid ferry walnut signal";
const NOT_RIGHT: &str = "The email or password is not right.";
const NO_LONGER_WORKS: &str = "This link no longer works";

/// Finds the client on the Clients screen and opens their profile.
async fn open_client(clinic: &WebClinic, last_name: &str, id: i64) {
    let desk = &clinic.desk;
    desk.click("nav-clients").await;
    desk.type_into("client-search", last_name).await;
    desk.click(&format!("client-open-{id}")).await;
    desk.wait_for("portal-section").await;
}

/// The paw on the open profile: the window's answer contains `said`, and the email about
/// `subject` brings the set-password link.
async fn paw(clinic: &WebClinic, said: &str, email: &str, subject: &str) -> String {
    clinic.desk.click("paw").await;
    clinic.desk.text_containing("portal-message", said).await;
    let text = mail_to(&clinic.smtp, email, subject).await;
    web_link(&text, &clinic.web.base, SET_PASSWORD_PAGE)
}

/// Chromium on a set-password page whose form is shown: types the password twice and sends
/// it; the page then says the password is set.
async fn set_password(browser: &Browser, password: &str) {
    browser.fill("#password", password).await;
    browser.fill("#confirm", password).await;
    browser
        .click("#portal-password-form button[type=submit]")
        .await;
    browser.wait_for("#done").await;
}

/// Chromium on the portal's sign-in page.
async fn portal_sign_in(browser: &Browser, clinic: &WebClinic, email: &str, password: &str) {
    browser.open(&clinic.web.url("/portal/login")).await;
    browser.fill("#username", email).await;
    browser.fill("#password", password).await;
    browser
        .click("#portal-login-form button[type=submit]")
        .await;
}

/// Invites the client whose profile is open and sets their first password through the
/// invitation's link, as the client would.
async fn register(clinic: &WebClinic, browser: &Browser, email: &str, first_name: &str) {
    let link = paw(clinic, "Invitation sent to", email, INVITATION).await;
    browser.open(&link).await;
    browser
        .text_containing("#welcome", &format!("Welcome, {first_name}."))
        .await;
    set_password(browser, FIRST_PASSWORD).await;
    browser
        .text_containing("#done h1", "Your password is set")
        .await;
}

/// Moves the client's emails `seconds` back in the clinic database, as if they had been sent
/// that long ago: the clinic allows one portal email a minute to an address.
async fn emails_sent_ago(clinic: &WebClinic, client_id: i64, seconds: i64) {
    let store = vetdesk_store::SqliteStore::open(&clinic.desk.database())
        .await
        .unwrap();
    sqlx::query("UPDATE emails SET created_at = created_at - ?1 WHERE client_id = ?2")
        .bind(seconds * 1000)
        .bind(client_id)
        .execute(store.pool())
        .await
        .unwrap();
    store.close().await;
}

/// Moves the client's live portal link `days` back, past its expiry.
async fn link_issued_ago(clinic: &WebClinic, client_id: i64, days: i64) {
    let store = vetdesk_store::SqliteStore::open(&clinic.desk.database())
        .await
        .unwrap();
    let moved = sqlx::query(
        "UPDATE portal_tokens SET created_at = created_at - ?1, expires_at = expires_at - ?1 \
         WHERE used_at IS NULL AND revoked_at IS NULL \
         AND account_id = (SELECT id FROM portal_accounts WHERE client_id = ?2)",
    )
    .bind(days * 24 * 60 * 60 * 1000)
    .bind(client_id)
    .execute(store.pool())
    .await
    .unwrap()
    .rows_affected();
    assert_eq!(moved, 1, "the client has one live portal link");
    store.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn portal_invitation_from_the_paw_to_a_signed_in_client() {
    const EMAIL: &str = "wren.halloway@pawmail.example";
    let clinic = WebClinic::open().await;
    let id = clinic.add_client("Wren", "Halloway", Some(EMAIL)).await;
    clinic.desk.sign_in("jokafor", DEMO_PASSWORD).await;
    open_client(&clinic, "Halloway", id).await;
    clinic
        .desk
        .text_containing("client-portal-badge", "Not registered")
        .await;
    clinic.desk.text_containing("paw", "Invite to portal").await;

    let link = paw(
        &clinic,
        "Invitation sent to w•••@pawmail.example",
        EMAIL,
        INVITATION,
    )
    .await;
    let browser = Browser::start().await;
    browser.open(&link).await;
    browser
        .text_containing("#portal-password-form h1", "Set your password")
        .await;
    browser.text_containing("#welcome", "Welcome, Wren.").await;
    let username = browser.wait_for("#username").await;
    assert_eq!(
        username.prop("value").await.unwrap().as_deref(),
        Some(EMAIL)
    );
    // The script took the token out of the address bar once it had read it.
    let shown = browser.client.current_url().await.unwrap();
    assert_eq!(shown.fragment(), None, "{}", shown.path());

    set_password(&browser, FIRST_PASSWORD).await;
    browser
        .text_containing("#done h1", "Your password is set")
        .await;
    browser.text_containing("#done-username", EMAIL).await;
    browser.click("#sign-in").await;
    browser.fill("#username", EMAIL).await;
    browser.fill("#password", FIRST_PASSWORD).await;
    browser
        .click("#portal-login-form button[type=submit]")
        .await;
    browser
        .text_containing(
            "#signed-in",
            &format!("Signed in to Harborview Animal Clinic patient portal as {EMAIL}"),
        )
        .await;

    // The window sees the account the client just made.
    clinic.desk.click("dialog-close").await;
    clinic.desk.click(&format!("client-open-{id}")).await;
    clinic
        .desk
        .text_containing("client-portal-badge", "Active")
        .await;
    browser.close().await;
    clinic.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn portal_reset_for_a_registered_client_replaces_the_password() {
    const EMAIL: &str = "juniper.ashcombe@pawmail.example";
    let clinic = WebClinic::open().await;
    let id = clinic.add_client("Juniper", "Ashcombe", Some(EMAIL)).await;
    clinic.desk.sign_in("jokafor", DEMO_PASSWORD).await;
    open_client(&clinic, "Ashcombe", id).await;
    let browser = Browser::start().await;
    register(&clinic, &browser, EMAIL, "Juniper").await;
    emails_sent_ago(&clinic, id, 120).await;

    // Opened again, the profile knows the client is registered and that a minute has passed.
    clinic.desk.click("dialog-close").await;
    clinic.desk.click(&format!("client-open-{id}")).await;
    clinic
        .desk
        .text_containing("client-portal-badge", "Active")
        .await;
    clinic
        .desk
        .text_containing("paw", "Send portal reset link")
        .await;
    let link = paw(
        &clinic,
        "Reset password link has been sent to j•••@pawmail.example",
        EMAIL,
        RESET,
    )
    .await;

    browser.open(&link).await;
    browser
        .text_containing("#portal-password-form h1", "Set a new password")
        .await;
    browser.text_containing("#welcome", "Hello Juniper.").await;
    set_password(&browser, SECOND_PASSWORD).await;
    browser
        .text_containing("#done h1", "Your password was changed")
        .await;

    portal_sign_in(&browser, &clinic, EMAIL, FIRST_PASSWORD).await;
    browser.text_containing("#form-error", NOT_RIGHT).await;
    portal_sign_in(&browser, &clinic, EMAIL, SECOND_PASSWORD).await;
    browser.text_containing("#portal-username", EMAIL).await;
    // The desk's dispatcher sends the notices the server queued: one for the first password,
    // one for this change.
    mails_to(
        &clinic.smtp,
        EMAIL,
        "Your Harborview Animal Clinic patient portal password was changed",
        2,
    )
    .await;
    browser.close().await;
    clinic.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_portal_link_opened_by_a_mail_scanner_still_works_once() {
    const EMAIL: &str = "tobias.fenwright@pawmail.example";
    let clinic = WebClinic::open().await;
    let id = clinic.add_client("Tobias", "Fenwright", Some(EMAIL)).await;
    clinic.desk.sign_in("jokafor", DEMO_PASSWORD).await;
    open_client(&clinic, "Fenwright", id).await;
    let link = paw(&clinic, "Invitation sent to", EMAIL, INVITATION).await;

    // A scanner fetches what the email links to, more than once, and runs no script.
    let scanner = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    for _ in 0..2 {
        let got = scanner.get(&link).send().await.unwrap();
        assert_eq!(got.status(), 200);
        let page = got.text().await.unwrap();
        assert!(page.contains("Checking your link"), "{page}");
        let head = scanner.head(&link).send().await.unwrap();
        assert_eq!(head.status(), 200);
    }

    let browser = Browser::start().await;
    browser.open(&link).await;
    browser
        .text_containing("#welcome", "Welcome, Tobias.")
        .await;
    set_password(&browser, FIRST_PASSWORD).await;
    browser
        .text_containing("#done h1", "Your password is set")
        .await;

    browser.open(&link).await;
    browser.text_containing("main", NO_LONGER_WORKS).await;
    assert!(
        browser
            .client
            .find(Locator::Css("#portal-password-form"))
            .await
            .is_err(),
        "a used link shows the form again"
    );
    // The token travels in the fragment: the server never saw it.
    let token = link.split("#token=").nth(1).unwrap();
    assert!(
        !clinic.web.log().contains(token),
        "the server logged the token"
    );
    browser.close().await;
    clinic.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_portal_link_names_the_clinic_to_ask() {
    const EMAIL: &str = "odile.marchbank@pawmail.example";
    let clinic = WebClinic::open().await;
    let id = clinic.add_client("Odile", "Marchbank", Some(EMAIL)).await;
    clinic.desk.sign_in("jokafor", DEMO_PASSWORD).await;
    open_client(&clinic, "Marchbank", id).await;
    let link = paw(&clinic, "Invitation sent to", EMAIL, INVITATION).await;
    // An invitation lives seven days.
    link_issued_ago(&clinic, id, 8).await;

    let browser = Browser::start().await;
    browser.open(&link).await;
    let page = browser.text_containing("main", NO_LONGER_WORKS).await;
    assert!(
        page.contains("Ask Harborview Animal Clinic (+1 555 0142) to send you a new one."),
        "{page}"
    );
    assert!(
        browser
            .client
            .find(Locator::Css("#portal-password-form"))
            .await
            .is_err(),
        "an expired link shows the form"
    );
    browser.close().await;
    clinic.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_without_email_gets_the_invitation_at_the_address_added() {
    const EMAIL: &str = "perrin.qualls@pawmail.example";
    let clinic = WebClinic::open().await;
    let id = clinic.add_client("Perrin", "Qualls", None).await;
    clinic.desk.sign_in("jokafor", DEMO_PASSWORD).await;
    open_client(&clinic, "Qualls", id).await;
    clinic
        .desk
        .text_containing("no-email", "This client has no email address")
        .await;
    assert!(
        clinic
            .desk
            .client
            .find(Locator::Css("[data-testid=\"paw\"]"))
            .await
            .is_err(),
        "a paw for a client without an email"
    );

    clinic.desk.type_into("client-email-input", EMAIL).await;
    clinic.desk.click("client-save-email").await;
    clinic
        .desk
        .text_containing("portal-message", "Invitation sent to p•••@pawmail.example")
        .await;
    clinic.desk.text_containing("client-email", EMAIL).await;
    let text = mail_to(&clinic.smtp, EMAIL, INVITATION).await;
    let link = web_link(&text, &clinic.web.base, SET_PASSWORD_PAGE);

    let browser = Browser::start().await;
    browser.open(&link).await;
    browser
        .text_containing("#welcome", "Welcome, Perrin.")
        .await;
    browser.close().await;
    clinic.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_veterinarian_sees_the_portal_but_no_paw() {
    const EMAIL: &str = "isolde.brackenridge@pawmail.example";
    let clinic = WebClinic::open().await;
    let id = clinic
        .add_client("Isolde", "Brackenridge", Some(EMAIL))
        .await;
    clinic.desk.sign_in("dpatel", DEMO_PASSWORD).await;
    open_client(&clinic, "Brackenridge", id).await;
    clinic
        .desk
        .text_containing(
            "portal-read-only",
            "Receptionists, office managers and admins send patient-portal emails.",
        )
        .await;
    assert!(
        clinic
            .desk
            .client
            .find(Locator::Css("[data-testid=\"paw\"]"))
            .await
            .is_err(),
        "a veterinarian is offered the paw"
    );
    assert!(clinic.smtp.received().is_empty());
    clinic.close().await;
}
