//! What a shared front desk keeps private: a real clinic's preview outbox holds no usable reset
//! code or link (an office manager who presses Forgot password for an admin learns nothing), a
//! demo preview copy goes once its link is used, and every file and folder the app creates is
//! owner-only.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use vetdesk_core::ports::StaffStore;
use vetdesk_core::recovery::FORGOT_MESSAGE_NO_MAIL;
use vetdesk_core::staff::{NewStaff, StaffStatus};
use vetdesk_core::Role;
use vetdesk_mail::SECRET_PLACEHOLDER;
use vetdesk_testkit::secrets::{has_code, has_link};

use crate::setup::setup_args;
use crate::{desk, desk_of, Desk, DEMO_PASSWORD};

const NEW_PASSWORD: &str = "lantern orbit pickle saxophone";

/// Reads the preview outbox until `wanted` holds (the dispatcher works in the background).
fn preview_until(d: &Desk, wanted: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let list = d.ok("list_preview_mail", json!({}));
        let list = list.as_array().unwrap().clone();
        if wanted(&list) {
            return list;
        }
        assert!(Instant::now() < deadline, "preview outbox: {list:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn is_reset(mail: &Value) -> bool {
    mail["subject"]
        .as_str()
        .is_some_and(|s| s.starts_with("Reset your"))
}

/// A real clinic: set up on first run by its admin, who then added an office manager.
fn set_up_real_clinic(d: &Desk) {
    d.ok("setup_clinic", setup_args());
    let manager = NewStaff {
        username: "omar".into(),
        display_name: "Omar Reyes".into(),
        role: Role::OfficeManager,
        email: Some("omar@bayside-pets.example".into()),
        status: StaffStatus::Active,
        password_hash: vetdesk_core::password::hash(DEMO_PASSWORD).unwrap(),
    };
    let now = vetdesk_core::Clock::now(&vetdesk_core::SystemClock);
    tauri::async_runtime::block_on(d.store.insert_staff(&[manager], now)).unwrap();
}

#[test]
fn a_real_clinics_preview_outbox_holds_no_usable_code_or_link() {
    let d = desk_of(false);
    set_up_real_clinic(&d);
    let admin = setup_args()["admin"]["username"]
        .as_str()
        .unwrap()
        .to_string();
    d.login("omar");
    let answer = d.ok("forgot_password", json!({ "identifier": admin }));
    assert_eq!(answer["message"], FORGOT_MESSAGE_NO_MAIL);

    let list = preview_until(&d, |l| l.iter().any(is_reset));
    let reset = list.iter().find(|m| is_reset(m)).unwrap();
    let mail = d.ok("read_preview_mail", json!({ "id": reset["id"] }));
    assert!(mail["to"]
        .as_str()
        .unwrap()
        .contains("noor@bayside-pets.example"));
    for part in ["text", "html"] {
        let body = mail[part].as_str().unwrap();
        assert!(body.contains(SECRET_PLACEHOLDER), "{part}: {body}");
        assert!(!has_link(body), "{part} holds a link");
        assert!(!has_code(body), "{part} holds a code: {body}");
    }
    for file in files_under(&d.data_dir().join("preview-outbox")) {
        let raw = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
        assert!(!has_link(&raw) && !has_code(&raw), "{}", file.display());
    }

    // Activity and the staff card say where it went: nowhere but the preview.
    let emails = d.ok("list_emails", json!({ "query": "" }));
    let row = &emails.as_array().unwrap()[0];
    assert_eq!(
        (&row["status"], &row["deliveredVia"]),
        (&json!("sent"), &json!("preview"))
    );
    let card = d.ok("staff_card", json!({ "staffId": d.staff_id(&admin) }));
    assert_eq!(card["lastReset"]["deliveredVia"], "preview");
    assert_eq!(card["canReset"], false);

    // The admin's password still works, and no one else could have changed it.
    let password = setup_args()["password"].clone();
    d.ok("login", json!({ "username": admin, "password": password }));
}

#[test]
fn a_demo_preview_copy_goes_once_its_link_is_used() {
    let d = desk();
    d.login("mreyes");
    let vet = d.staff_id("dpatel");
    d.ok("send_staff_reset", json!({ "staffId": vet }));
    let list = preview_until(&d, |l| l.iter().any(is_reset));
    let id = list.iter().find(|m| is_reset(m)).unwrap()["id"].clone();
    let mail = d.ok("read_preview_mail", json!({ "id": id }));
    let text = mail["text"].as_str().unwrap();
    assert!(has_code(text), "the demo preview shows the code: {text}");
    let token = text
        .split("vetdesk://reset?token=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the demo preview shows the link");
    let secret = json!({ "kind": "link", "token": token });
    d.ok(
        "complete_reset",
        json!({ "secret": secret, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD }),
    );
    preview_until(&d, |l| !l.iter().any(|m| m["id"] == id));
}

/// Every file below `dir`, at any depth.
fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[cfg(unix)]
#[test]
fn every_file_and_folder_the_app_creates_is_owner_only() {
    use std::os::unix::fs::PermissionsExt;

    let d = desk();
    d.login("mreyes");
    d.ok(
        "send_staff_reset",
        json!({ "staffId": d.staff_id("dpatel") }),
    );
    preview_until(&d, |l| l.iter().any(is_reset));

    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let root = d.data_dir();
    assert_eq!(mode(root), 0o700, "the data folder");
    let files = files_under(root);
    for path in &files {
        assert_eq!(mode(path), 0o600, "{}", path.display());
        let mut dir = path.parent().unwrap();
        while dir != root {
            assert_eq!(mode(dir), 0o700, "{}", dir.display());
            dir = dir.parent().unwrap();
        }
    }
    let named = |suffix: &str| files.iter().any(|p| p.to_string_lossy().ends_with(suffix));
    for kind in [".sqlite3", ".sqlite3-wal", ".sqlite3-shm", ".log", ".eml"] {
        assert!(named(kind), "no {kind} file among {files:?}");
    }
}
