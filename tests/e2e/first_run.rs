//! A real clinic's first start on an empty data folder, and the demo clinic as the separate
//! choice beside it.

use vetdesk_store::demo::DEMO_PASSWORD;
use vetdesk_store::sqlite::CountedTable;
use vetdesk_store::SqliteStore;

use crate::harness::{Desk, WAIT};

const PASSWORD: &str = "copper kettle meadow lantern";

async fn staff_in(database: &std::path::Path) -> i64 {
    let store = SqliteStore::open(database).await.expect("database");
    let count = store.count(CountedTable::Staff).await.expect("count");
    store.close().await;
    count
}

/// The page's title, and whether the X server has a window of that title, which the shell sets
/// for the clinic that is open.
async fn title(desk: &Desk, expected: &str) -> (String, bool) {
    // The window manager takes the native title a moment after the page's: ask until both show
    // `expected`, or the wait is over, and answer what was seen last.
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let page = desk.client.title().await.expect("the page's title");
        let tree = std::process::Command::new("xwininfo")
            .args(["-root", "-tree"])
            .output()
            .expect("xwininfo (x11-utils) lists the display's windows");
        let windows = String::from_utf8_lossy(&tree.stdout);
        let native = windows.contains(&format!("\"{page}\""));
        if (page == expected && native) || std::time::Instant::now() > deadline {
            return (page, native);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn first_start_sets_up_the_clinic_and_signs_the_admin_in() {
    let desk = Desk::first_start().await;
    assert_eq!(title(&desk, "VetDesk").await, ("VetDesk".into(), true));
    for (field, value) in [
        ("setup-clinic-name", "Bayside Pet Hospital"),
        ("setup-clinic-email", "desk@bayside-pets.example"),
        ("setup-admin-name", "Noor Haddad"),
        ("setup-admin-username", "nhaddad"),
        ("setup-admin-email", "noor@bayside-pets.example"),
        ("setup-password", PASSWORD),
        ("setup-confirm", PASSWORD),
    ] {
        desk.type_into(field, value).await;
    }
    desk.click("setup-submit").await;
    desk.text_containing("session-user", "Noor Haddad").await;
    desk.text_containing("session-role", "Admin").await;
    // The window names the clinic it works for once it has a name.
    assert_eq!(
        title(&desk, "VetDesk — Bayside Pet Hospital").await,
        ("VetDesk — Bayside Pet Hospital".into(), true)
    );
    desk.sign_out().await;

    desk.sign_in("admin", DEMO_PASSWORD).await;
    desk.text_containing("error", "not right").await;
    desk.sign_in("nhaddad", PASSWORD).await;
    desk.wait_for("signout").await;
    assert_eq!(staff_in(&desk.database()).await, 1);
    desk.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_clinic_is_a_separate_choice_with_its_own_database() {
    let desk = Desk::first_start().await;
    desk.click("try-demo").await;
    desk.wait_for("demo-notice").await;
    desk.text_containing("demo-badge", "Demo").await;
    assert_eq!(
        title(&desk, "VetDesk — Demo clinic").await,
        ("VetDesk — Demo clinic".into(), true)
    );
    desk.sign_in("admin", DEMO_PASSWORD).await;
    desk.text_containing("demo-status", "Demo clinic").await;
    desk.text_containing("session-user", "Avery Collins").await;
    desk.sign_out().await;

    desk.click("leave-demo").await;
    desk.wait_for("setup-form").await;
    assert_eq!(title(&desk, "VetDesk").await, ("VetDesk".into(), true));
    let demo = desk.database().with_file_name("demo.sqlite3");
    assert!(staff_in(&demo).await >= 30);
    assert_eq!(staff_in(&desk.database()).await, 0);
    desk.close().await;
}
