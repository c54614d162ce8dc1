//! A staff reset completed on the clinic's web page: Forgot password? in the real window, the
//! email's https link (not the `vetdesk://` one) opened in headless Chromium on
//! `vetdesk-server`, then the new password at the window's sign-in.

use vetdesk_store::demo::DEMO_PASSWORD;

use crate::browser::Browser;
use crate::clinic_web::WebClinic;
use crate::mailbox::{mail_to, web_link};

const NEW_PASSWORD: &str = "granite puffin ladder evening";

#[tokio::test(flavor = "multi_thread")]
async fn a_staff_reset_link_set_in_the_browser_signs_in_at_the_desk() {
    const EMAIL: &str = "jokafor@harborview-clinic.example";
    let clinic = WebClinic::open().await;
    let desk = &clinic.desk;
    desk.click("forgot-link").await;
    desk.type_into("forgot-identifier", "jokafor").await;
    desk.click("forgot-submit").await;
    desk.text_containing("forgot-message", "spam/junk").await;

    let text = mail_to(
        &clinic.smtp,
        EMAIL,
        "Reset your Harborview Animal Clinic VetDesk password",
    )
    .await;
    assert!(text.contains("vetdesk://reset?token="), "{text}");
    let link = web_link(&text, &clinic.web.base, "/reset");

    let browser = Browser::start().await;
    browser.open(&link).await;
    browser
        .text_containing("#reset-form h1", "Set a new password for Jordan Okafor")
        .await;
    browser.fill("#password", NEW_PASSWORD).await;
    browser.fill("#confirm", NEW_PASSWORD).await;
    browser.click("#reset-form button[type=submit]").await;
    browser
        .text_containing("#done h1", "Password changed")
        .await;

    desk.click("back-to-login").await;
    desk.sign_in("jokafor", DEMO_PASSWORD).await;
    desk.text_containing("error", "not right").await;
    desk.sign_in("jokafor", NEW_PASSWORD).await;
    desk.text_containing("session-user", "Jordan Okafor").await;
    browser.close().await;
    clinic.close().await;
}
