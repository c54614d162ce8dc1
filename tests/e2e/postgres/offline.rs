//! Offline, in the real window: the network to the clinic's server cut under a signed-in desk,
//! the banner, the Staff List from this computer's copy, Reset password queued and shown in the
//! queued-actions panel with nothing sent; the network back, the banner gone and the email sent
//! once. And a desk killed (SIGKILL) while a reset waits: started again on the same data folder
//! once the network is back, it sends the reset once; killed again after the server took it but
//! with the action waiting in its queue file again, it sends nothing twice.

use std::path::Path;
use std::time::{Duration, Instant};

use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use vetdesk_store::demo::DEMO_PASSWORD;

use super::{reset_from_the_staff_list, ServerClinic, STAFF_RESET};
use crate::harness::Desk;
use crate::mailbox::mails_to;

const DANA: &str = "dpatel@harborview-clinic.example";
const QUEUED: &str = "Queued — will send when online";
/// Each action the server took, once: its audit event carries the action's key.
const REPLAYED: &str = "SELECT count(*) FROM audit_events WHERE action_key IS NOT NULL \
                        AND subject_id = $1";
const RESET_EMAILS: &str = "SELECT count(*) FROM emails WHERE staff_id = $1 \
                            AND kind = 'staff_reset'";
const SENT_RESET_EMAILS: &str = "SELECT count(*) FROM emails WHERE staff_id = $1 \
                                 AND kind = 'staff_reset' AND status = 'sent' \
                                 AND sealed IS NULL";

async fn sqlite(path: &Path, read_only: bool) -> Option<SqlitePool> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .read_only(read_only);
    SqlitePool::connect_with(options).await.ok()
}

/// Waits until the desk has its copy of the clinic, which it makes once the server answers
/// after the start: the lists it shows offline.
async fn wait_for_the_copy(desk: &Desk) {
    let file = desk.data_dir().join("clinic-copy.sqlite3");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(pool) = sqlite(&file, true).await {
            let at: Result<Option<i64>, _> =
                sqlx::query_scalar("SELECT refreshed_at FROM offline_mirror WHERE id = 1")
                    .fetch_optional(&pool)
                    .await;
            pool.close().await;
            if matches!(at, Ok(Some(_))) {
                return;
            }
        }
        assert!(
            Instant::now() < deadline,
            "the desk made no copy of the clinic"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// The offline banner's text, once it shows; the window's text and the app's log if it does
/// not.
async fn offline_banner(desk: &Desk) -> String {
    let css = fantoccini::Locator::Css("[data-testid=\"offline-banner\"]");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(banner) = desk.client.find(css).await {
            if let Ok(text) = banner.text().await {
                return text;
            }
        }
        if Instant::now() > deadline {
            let body = desk.client.find(fantoccini::Locator::Css("body")).await;
            let shown = match body {
                Ok(body) => body.text().await.unwrap_or_default(),
                Err(e) => e.to_string(),
            };
            let mut log = String::new();
            let files = std::fs::read_dir(desk.data_dir().join("logs"));
            for file in files.into_iter().flatten().flatten() {
                log += &std::fs::read_to_string(file.path()).unwrap_or_default();
            }
            panic!("no offline banner; the window shows:\n{shown}\nthe app logged:\n{log}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Signs Morgan (office manager) in, waits for the copy, cuts the network and waits for the
/// banner; then queues Reset password for Dana from the Staff List, which answers from the
/// copy.
async fn queue_a_reset_offline(clinic: &ServerClinic, desk: &Desk, dana: i64) {
    desk.sign_in("mreyes", DEMO_PASSWORD).await;
    desk.wait_for("signout").await;
    wait_for_the_copy(desk).await;
    clinic.network.cut();
    let banner = offline_banner(desk).await;
    assert!(
        banner.contains("This computer has not been able to reach the clinic database since"),
        "{banner}"
    );
    assert!(
        banner.contains("The Staff List and client search show this computer's copy from"),
        "{banner}"
    );
    desk.text_containing("database-status", "— offline").await;

    reset_from_the_staff_list(desk, "Patel", dana).await;
    let said = desk.text_containing("reset-message", QUEUED).await;
    assert!(said.contains("Dana Patel"), "{said}");
    assert!(said.contains("d•••@harborview-clinic.example"), "{said}");
    desk.click("dialog-close").await;
    let panel = desk.text_containing("queued-actions", "Dana Patel").await;
    for words in ["Reset password", "Morgan Reyes", QUEUED] {
        assert!(panel.contains(words), "{words:?} not in {panel}");
    }
    desk.text_containing("queued-summary", "1 waiting").await;
    desk.text_containing("offline-show-queue", "1 waiting")
        .await;
}

/// Nothing of the queued reset reached the server or the SMTP server.
async fn nothing_sent(clinic: &ServerClinic, dana: i64) {
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(clinic.smtp.count(), 0, "an email went out while offline");
    assert_eq!(clinic.rows("emails").await, 0);
    assert_eq!(clinic.rows("reset_tokens").await, 0);
    assert_eq!(clinic.count(REPLAYED, dana).await, 0);
}

/// The reset reached Dana once, and stays once.
async fn sent_once(clinic: &ServerClinic, dana: i64) {
    mails_to(&clinic.smtp, DANA, STAFF_RESET, 1).await;
    clinic.wait_count(SENT_RESET_EMAILS, dana, 1).await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(clinic.smtp.count(), 1, "the reset was sent more than once");
    assert_eq!(clinic.count(RESET_EMAILS, dana).await, 1);
    assert_eq!(clinic.count(REPLAYED, dana).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn offline_a_reset_is_queued_and_sent_once_when_the_server_answers_again() {
    let clinic = ServerClinic::set_up("e2e_offline").await;
    let dana = clinic.staff_id("dpatel").await;
    let desk = clinic.desk().await;
    queue_a_reset_offline(&clinic, &desk, dana).await;
    // Still offline, the Staff List lists from the copy.
    desk.type_into("staff-search", "Reyes").await;
    let mreyes = clinic.staff_id("mreyes").await;
    desk.wait_for(&format!("staff-row-{mreyes}")).await;
    nothing_sent(&clinic, dana).await;

    clinic.network.restore();
    desk.wait_gone("offline-banner").await;
    desk.text_containing("queued-summary", "1 sent").await;
    let panel = desk.text_containing("queued-actions", "Sent").await;
    assert!(!panel.contains(QUEUED), "{panel}");
    let status = desk
        .text_containing("database-status", &clinic.db.name)
        .await;
    assert!(!status.contains("— offline"), "{status}");
    sent_once(&clinic, dana).await;
    desk.close().await;
    clinic.close().await;
}

/// Ends the app's process at once, as a power cut or `kill -9` does, and waits until it is gone.
fn kill_the_app(desk: &Desk) {
    let pid = desk.app_pid().expect("the app's process");
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    while Path::new(&format!("/proc/{pid}/environ")).exists()
        && std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| !s.contains(") Z "))
    {
        assert!(Instant::now() < deadline, "the app outlived SIGKILL");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reset_queued_before_the_app_was_killed_is_sent_once_after_a_restart() {
    let clinic = ServerClinic::set_up("e2e_offline_kill").await;
    let dana = clinic.staff_id("dpatel").await;
    let desk = clinic.desk().await;
    queue_a_reset_offline(&clinic, &desk, dana).await;
    kill_the_app(&desk);
    nothing_sent(&clinic, dana).await;

    // The network is back before the app is: started again on the same data folder, it
    // replays what its queue file kept, before anyone signs in.
    clinic.network.restore();
    let desk = desk.relaunch().await;
    sent_once(&clinic, dana).await;
    desk.sign_in("mreyes", DEMO_PASSWORD).await;
    desk.text_containing("queued-summary", "1 sent").await;

    // Killed again, after the server took the reset, and this desk's record of it lost as if
    // the crash came between the two: the replay finds the server already had it.
    kill_the_app(&desk);
    let queue = desk.data_dir().join("offline-queue.sqlite3");
    let pool = sqlite(&queue, false).await.expect("the queue file");
    let reset = sqlx::query(
        "UPDATE queued_actions SET state = 'queued', outcome = NULL, settled_at = NULL",
    )
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(reset.rows_affected(), 1);
    pool.close().await;
    let desk = desk.relaunch().await;
    desk.sign_in("mreyes", DEMO_PASSWORD).await;
    desk.text_containing("queued-actions", "already had this action")
        .await;
    desk.text_containing("queued-summary", "1 sent").await;
    sent_once(&clinic, dana).await;
    desk.close().await;
    clinic.close().await;
}
