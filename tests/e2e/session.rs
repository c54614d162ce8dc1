//! A shared desk in the real window: the password asked again before a one-time code, the Lock
//! button and its password, and a desk the clinic database judged idle.

use vetdesk_store::demo::DEMO_PASSWORD;
use vetdesk_testkit::smtp::{ServerOptions, SmtpServer};

use crate::flows::plain_target;
use crate::harness::Desk;

/// Moves this desk's session `minutes` back in the clinic database, as if nobody had touched
/// the desk for that long.
async fn idle_for(desk: &Desk, minutes: i64) {
    let store = vetdesk_store::SqliteStore::open(&desk.database())
        .await
        .unwrap();
    sqlx::query(
        "UPDATE sessions SET authenticated_at = authenticated_at - ?1, \
         active_at = active_at - ?1 WHERE ended_at IS NULL",
    )
    .bind(minutes * 60_000)
    .execute(store.pool())
    .await
    .unwrap();
    store.close().await;
}

async fn staff_id(desk: &Desk, username: &str) -> i64 {
    let store = vetdesk_store::SqliteStore::open(&desk.database())
        .await
        .unwrap();
    let found = vetdesk_core::ports::StaffStore::find_staff_by_login(&store, username).await;
    store.close().await;
    found.unwrap().unwrap().id
}

#[tokio::test(flavor = "multi_thread")]
async fn a_shared_desk_locks_and_asks_for_the_password_again() {
    let server = SmtpServer::start(&ServerOptions::default(), None);
    let desk = Desk::open(&plain_target(&server)).await;
    desk.sign_in("admin", DEMO_PASSWORD).await;
    desk.click("nav-staff").await;
    desk.type_into("staff-search", "Patel").await;

    // Six minutes after the password: a one-time code asks for it again, in place.
    idle_for(&desk, 6).await;
    let vet = staff_id(&desk, "dpatel").await;
    desk.click(&format!("staff-card-{vet}")).await;
    desk.click("one-time-code").await;
    desk.wait_for("confirm-password-dialog").await;
    desk.type_into("confirm-password", "not the password").await;
    desk.click("confirm-password-submit").await;
    desk.text_containing("confirm-password-dialog", "That password is not right.")
        .await;
    desk.type_into("confirm-password", DEMO_PASSWORD).await;
    desk.click("confirm-password-submit").await;
    desk.wait_for("one-time-code-value").await;
    desk.click("dialog-close").await;

    // The Lock button: the page stays beneath, the password opens it again.
    desk.click("lock-now").await;
    desk.text_containing("lock-user", "Avery Collins is signed in")
        .await;
    desk.type_into("lock-password", DEMO_PASSWORD).await;
    desk.click("unlock").await;
    desk.wait_gone("lock-screen").await;
    let search = desk.wait_for("staff-search").await;
    assert_eq!(
        search.prop("value").await.unwrap().as_deref(),
        Some("Patel")
    );

    // Idle past the clinic's ten minutes in the database: the next command finds the desk
    // locked, and another person signs out from the lock screen.
    idle_for(&desk, 12).await;
    desk.click("nav-activity").await;
    desk.click("lock-signout").await;
    desk.wait_for("login-username").await;
    desk.close().await;
}
