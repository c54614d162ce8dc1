//! First run on an empty data folder, and the demo clinic opened beside the clinic's own
//! database without ever touching it.

use serde_json::{json, Value};
use vetdesk_core::ports::StaffStore;
use vetdesk_store::sqlite::CountedTable;
use vetdesk_store::SqliteStore;

use crate::{desk, desk_of, Desk, DEMO_PASSWORD};

pub const PASSWORD: &str = "lantern orbit pickle saxophone";

/// A valid Set up your clinic form, as the UI sends it.
pub fn setup_args() -> Value {
    json!({
        "clinic": {
            "name": "Bayside Pet Hospital",
            "phone": "+1 555 0199",
            "email": "desk@bayside-pets.example",
            "address": "2 Pier Road, Bayside",
        },
        "admin": {
            "displayName": "Noor Haddad",
            "username": "nhaddad",
            "email": "noor@bayside-pets.example",
        },
        "password": PASSWORD,
        "confirm": PASSWORD,
    })
}

/// What `app_info` says of the open clinic: whether it is the demo, whether it needs setting
/// up, and its name.
fn opened(info: &Value) -> (bool, bool, &str) {
    let flag = |key: &str| {
        info[key]
            .as_bool()
            .unwrap_or_else(|| panic!("{key} in {info}"))
    };
    let name = info["clinicName"].as_str().expect("clinicName");
    (flag("demo"), flag("setupNeeded"), name)
}

fn sign_in(d: &Desk, username: &str, password: &str) -> Result<Value, Value> {
    d.call(
        "login",
        json!({ "username": username, "password": password }),
    )
}

/// The clinic's own database file, read on its own.
fn real_database(d: &Desk) -> SqliteStore {
    let path = d.data_dir().join("vetdesk.sqlite3");
    tauri::async_runtime::block_on(SqliteStore::open(&path)).expect("the clinic's database")
}

#[test]
fn a_new_install_has_no_account_until_the_clinic_is_set_up() {
    let d = desk_of(false);
    let info = d.ok("app_info", json!({}));
    assert_eq!(opened(&info), (false, true, ""));
    assert_eq!(d.count(CountedTable::Staff), 0);
    let demo_login = sign_in(&d, "admin", DEMO_PASSWORD).unwrap_err();
    assert_eq!(demo_login["code"], "invalidCredentials");

    let mut bad = setup_args();
    bad["admin"]["email"] = json!("noor@");
    let refused = d.err("setup_clinic", bad);
    assert_eq!(
        (&refused["code"], &refused["field"]),
        (&json!("invalidInput"), &json!("admin.email"))
    );
    let mut weak = setup_args();
    weak["password"] = json!("short");
    weak["confirm"] = json!("short");
    assert_eq!(d.err("setup_clinic", weak)["field"], "password");
    assert_eq!(d.count(CountedTable::Staff), 0);

    let me = d.ok("setup_clinic", setup_args());
    assert_eq!(
        (&me["username"], &me["role"]),
        (&json!("nhaddad"), &json!("admin"))
    );
    assert_eq!(d.ok("current_session", json!({}))["username"], "nhaddad");
    let info = d.ok("app_info", json!({}));
    assert_eq!(opened(&info), (false, false, "Bayside Pet Hospital"));
    assert_eq!(info["mailTransport"], "preview");
    let settings = d.ok("get_settings", json!({}));
    assert_eq!(settings["mail"]["fromAddress"], "desk@bayside-pets.example");

    let mut again = setup_args();
    again["admin"]["username"] = json!("intruder");
    assert_eq!(d.code("setup_clinic", again), "forbidden");
    assert_eq!(d.count(CountedTable::Staff), 1);
    d.ok("logout", json!({}));
    assert_eq!(sign_in(&d, "nhaddad", PASSWORD).unwrap()["role"], "admin");
}

#[test]
fn a_demo_launch_opens_the_seeded_demo_clinic_in_its_own_file() {
    let d = desk();
    let info = d.ok("app_info", json!({}));
    assert_eq!(opened(&info), (true, false, "Harborview Animal Clinic"));
    assert!(d.count(CountedTable::Staff) >= 30);
    assert!(d.count(CountedTable::Clients) >= 2_000);
    assert!(d.data_dir().join("demo.sqlite3").is_file());
    assert!(!d.data_dir().join("vetdesk.sqlite3").exists());
    assert_eq!(d.login("admin")["role"], "admin");
}

#[test]
fn the_demo_clinic_opens_beside_the_real_one_and_leaves_it_untouched() {
    let d = desk_of(false);
    d.ok("setup_clinic", setup_args());
    let real_key = d.ok("export_dispatch_key", json!({}))["fingerprint"].clone();

    let info = d.ok("open_demo_clinic", json!({}));
    assert_eq!(opened(&info), (true, false, "Harborview Animal Clinic"));
    assert_eq!(d.ok("current_session", json!({})), Value::Null);
    assert_eq!(
        sign_in(&d, "nhaddad", PASSWORD).unwrap_err()["code"],
        "invalidCredentials"
    );
    d.login("admin");
    // The demo's admins are public: their SMTP password goes to the demo's own keyring entry.
    let mut settings = d.ok("get_settings", json!({}));
    settings["mail"]["host"] = json!("smtp.evil.example");
    let smtp = json!({ "settings": settings, "smtpPassword": "demo smtp secret" });
    d.ok("save_settings", smtp);
    // Nor do they reach this computer's keys for the real clinic: the demo seals with its own.
    let demo_key = d.ok("export_dispatch_key", json!({}))["fingerprint"].clone();
    assert_ne!(demo_key, real_key, "the demo's outbox key is its own");

    let info = d.ok("leave_demo_clinic", json!({}));
    assert_eq!(opened(&info), (false, false, "Bayside Pet Hospital"));
    assert_eq!(d.ok("current_session", json!({})), Value::Null);
    assert_eq!(
        sign_in(&d, "admin", DEMO_PASSWORD).unwrap_err()["code"],
        "invalidCredentials"
    );
    sign_in(&d, "nhaddad", PASSWORD).unwrap();
    let again = d.ok("export_dispatch_key", json!({}))["fingerprint"].clone();
    assert_eq!(again, real_key, "the real clinic's key is as it was");
    let own = d.ok("get_settings", json!({}));
    assert_eq!(own["mail"]["hasPassword"], false);
    assert_eq!(own["mail"]["host"], "");

    let real = real_database(&d);
    tauri::async_runtime::block_on(async {
        assert_eq!(real.count(CountedTable::Staff).await.unwrap(), 1);
        assert_eq!(real.count(CountedTable::Clients).await.unwrap(), 0);
        for demo_account in ["admin", "mreyes", "dpatel", "jokafor", "cadmin"] {
            let found = real.find_staff_by_login(demo_account).await.unwrap();
            assert!(found.is_none(), "{demo_account} is in the real database");
        }
    });
}

/// The window shows before the clinic opens; when it cannot open, the first command says why
/// (the window shows that with Try again) instead of the app quitting.
#[test]
fn a_clinic_that_cannot_open_says_why_in_the_window() {
    use tauri::Manager;

    let dir = tempfile::tempdir().unwrap();
    let not_a_folder = dir.path().join("vetdesk");
    std::fs::write(&not_a_folder, "a file where the data folder should be").unwrap();
    let launch = vetdesk_lib::Launch {
        data_dir: Some(not_a_folder.clone()),
        keyring_service: format!("vetdesk-ipc-test-{}-unopened", std::process::id()),
        deep_links: false,
        demo: false,
    };
    let mut app = vetdesk_lib::app(tauri::test::mock_builder(), launch)
        .build(tauri::generate_context!(test = true))
        .expect("the app builds although its clinic cannot open");
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    let window = app.get_webview_window("main").expect("the window opened");
    let refused = crate::invoke(&window, "app_info", json!({})).unwrap_err();
    assert_eq!(refused["code"], "failed");
    let message = refused["message"].as_str().unwrap();
    assert!(
        message.contains("cannot create the data folder")
            && message.contains(&not_a_folder.display().to_string()),
        "{message}"
    );
    // Once the folder can be made, the window's Try again opens the clinic.
    std::fs::remove_file(&not_a_folder).unwrap();
    let info = crate::invoke(&window, "app_info", json!({})).unwrap();
    assert_eq!(info["setupNeeded"], true);
}

#[test]
fn a_demo_file_from_when_the_desk_shared_its_key_takes_the_demos_own() {
    let d = desk();
    let file = d.data_dir().join("demo.sqlite3");
    // As a demo file written before the demo had a key of its own records the desk's other key.
    let d = d.restart_with(|| {
        let url = format!("sqlite://{}", file.display());
        let pool = tauri::async_runtime::block_on(sqlx::SqlitePool::connect(&url)).unwrap();
        let other = "ab".repeat(16);
        let sql = "INSERT INTO clinic_keys (name, fingerprint) VALUES ('outbox', ?1) \
                   ON CONFLICT (name) DO UPDATE SET fingerprint = excluded.fingerprint";
        let query = sqlx::query(sql).bind(other);
        tauri::async_runtime::block_on(query.execute(&pool)).unwrap();
        tauri::async_runtime::block_on(pool.close());
    });
    d.login("mreyes");
    let vet = d.staff_id("dpatel");
    let sent = d.ok("send_staff_reset", json!({ "staffId": vet }));
    assert!(sent["message"].is_string(), "{sent}");
}
