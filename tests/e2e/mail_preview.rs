//! A real clinic's Mail preview, as an office manager at a shared desk sees it: pressing Forgot
//! password for the admin and opening the preview gives no code or link to take the admin's
//! account with.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use vetdesk_core::ports::StaffStore;
use vetdesk_core::staff::{NewStaff, StaffStatus};
use vetdesk_core::Role;
use vetdesk_mail::SECRET_PLACEHOLDER;
use vetdesk_store::SqliteStore;
use vetdesk_testkit::secrets::{has_code, has_link};

use crate::harness::{Desk, WAIT};

const ADMIN_PASSWORD: &str = "harbor lantern quietly ferments";
const MANAGER_PASSWORD: &str = "teapot glacier violin marmalade";

/// The office manager the admin would have added after setting up the clinic.
async fn add_office_manager(database: &Path) {
    let store = SqliteStore::open(database).await.expect("database");
    let manager = NewStaff {
        username: "omar".into(),
        display_name: "Omar Reyes".into(),
        role: Role::OfficeManager,
        email: Some("omar@northside-vets.example".into()),
        status: StaffStatus::Active,
        password_hash: vetdesk_core::password::hash(MANAGER_PASSWORD).unwrap(),
    };
    let now = vetdesk_core::Clock::now(&vetdesk_core::SystemClock);
    store.insert_staff(&[manager], now).await.expect("insert");
    store.close().await;
}

/// The preview emails on disk, once the dispatcher has written at least one.
async fn preview_files(dir: &Path) -> Vec<PathBuf> {
    let deadline = Instant::now() + WAIT;
    loop {
        let files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|entries| entries.filter_map(|e| Some(e.ok()?.path())).collect())
            .unwrap_or_default();
        if files
            .iter()
            .any(|f| f.extension().is_some_and(|x| x == "eml"))
        {
            return files;
        }
        assert!(
            Instant::now() < deadline,
            "no preview email in {}",
            dir.display()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_office_manager_finds_no_usable_code_or_link_for_the_admin() {
    let desk = Desk::first_start().await;
    for (field, value) in [
        ("setup-clinic-name", "Northside Veterinary Practice"),
        ("setup-clinic-email", "desk@northside-vets.example"),
        ("setup-admin-name", "Ada Whitfield"),
        ("setup-admin-username", "awhitfield"),
        ("setup-admin-email", "ada@northside-vets.example"),
        ("setup-password", ADMIN_PASSWORD),
        ("setup-confirm", ADMIN_PASSWORD),
    ] {
        desk.type_into(field, value).await;
    }
    desk.click("setup-submit").await;
    desk.wait_for("mail-not-sent").await;
    desk.sign_out().await;
    add_office_manager(&desk.database()).await;

    // At the shared desk, the office manager asks for the admin's reset.
    desk.click("forgot-link").await;
    desk.type_into("forgot-identifier", "awhitfield").await;
    desk.click("forgot-submit").await;
    desk.text_containing(
        "forgot-message",
        "ask your office manager for a one-time code",
    )
    .await;
    desk.click("back-to-login").await;
    desk.sign_in("omar", MANAGER_PASSWORD).await;
    desk.text_containing("mail-not-sent", "Mail is not being sent")
        .await;

    let preview = desk.database().with_file_name("preview-outbox");
    let files = preview_files(&preview).await;
    assert_eq!(files.len(), 1, "{files:?}");
    let raw = String::from_utf8_lossy(&std::fs::read(&files[0]).unwrap()).into_owned();
    assert!(!has_link(&raw) && !has_code(&raw), "{raw}");
    let id = files[0].file_stem().unwrap().to_string_lossy().into_owned();

    desk.click("nav-preview").await;
    desk.click(&format!("mail-item-{id}")).await;
    let frame = desk.wait_for("mail-html").await;
    let html = frame.attr("srcdoc").await.unwrap().unwrap_or_default();
    assert!(html.contains(SECRET_PLACEHOLDER), "{html}");
    assert!(!has_link(&html) && !has_code(&html));
    desk.click("mail-tab-text").await;
    let text = desk.text_containing("mail-text", SECRET_PLACEHOLDER).await;
    assert!(!has_link(&text) && !has_code(&text), "{text}");
    desk.sign_out().await;

    // The admin's account is as safe as before: her own password still signs her in.
    desk.sign_in("awhitfield", ADMIN_PASSWORD).await;
    desk.text_containing("session-user", "Ada Whitfield").await;
    assert_owner_only(desk.database().parent().unwrap());
    desk.close().await;
}

/// Every folder and file below `dir`, whoever wrote it (the app, SQLite, the logs, the
/// webview), is the owner's alone.
fn assert_owner_only(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let mode = std::fs::symlink_metadata(&path)
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        if path.is_dir() {
            assert_eq!(mode, 0o700, "{}", path.display());
            assert_owner_only(&path);
        } else {
            assert_eq!(mode, 0o600, "{}", path.display());
        }
    }
}
