//! Move to server: a clinic in this computer's file, with a second staff member, a client with a
//! pet and an email waiting to go out, copied into an empty database on the test PostgreSQL
//! server and opened there, the window hearing how far the copy has come; a database that holds
//! a clinic refused with nothing changed; an email being handed to the mail server when the move
//! begins finished first and moved as sent; and the Move words of the UI fixture.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tauri::{Listener, Manager};
use vetdesk_core::client::{NewClient, NewPet};
use vetdesk_core::ports::{ClientStore, StaffStore};
use vetdesk_core::staff::{NewStaff, StaffStatus};
use vetdesk_core::Role;
use vetdesk_store::sqlite::CountedTable;
use vetdesk_testkit::postgres::fresh_database;
use vetdesk_testkit::smtp::{ServerOptions, SmtpServer};

use super::database::{off, rt, server};
use super::*;
use crate::setup::PASSWORD;

/// A clinic in a file, set up by nhaddad (signed in), with tbrooks (the same password), a client
/// with a pet, and a reset email for tbrooks that cannot go out: its mail server does not answer.
fn busy_desk() -> Desk {
    desk_mailing_to(vetdesk_testkit::smtp::free_port())
}

/// The clinic of [`busy_desk`], its mail going to the server on `port`, and a reset email for
/// tbrooks handed to it at once.
fn desk_mailing_to(port: u16) -> Desk {
    let d = desk_of(false);
    d.ok("setup_clinic", setup_args());
    let admin = rt(d.store.find_staff_by_login("nhaddad")).unwrap().unwrap();
    let brooks = NewStaff {
        username: "tbrooks".into(),
        display_name: "Tess Brooks".into(),
        role: Role::Receptionist,
        email: Some("tess.brooks@bayside-vet.example".into()),
        status: StaffStatus::Active,
        password_hash: admin.password_hash,
    };
    rt(d.store.insert_staff(&[brooks], 1)).unwrap();
    let client = NewClient {
        first_name: "Ruth".into(),
        last_name: "Okafor".into(),
        email: Some("ruth.okafor@example.com".into()),
        phone: None,
        address: None,
        pets: vec![NewPet {
            name: "Biscuit".into(),
            species: "Dog".into(),
            breed: Some("Beagle".into()),
        }],
    };
    rt(d.store.insert_clients(&[client], 1)).unwrap();
    let mut settings = d.ok("get_settings", json!({}));
    settings["mail"]["transport"] = json!("smtp");
    settings["mail"]["host"] = json!("127.0.0.1");
    settings["mail"]["port"] = json!(port);
    settings["mail"]["security"] = json!("plain");
    d.ok("save_settings", json!({ "settings": settings }));
    d.ok(
        "send_staff_reset",
        json!({ "staffId": d.staff_id("tbrooks") }),
    );
    d
}

async fn pg_count(url: &str, sql: &str) -> i64 {
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    let n = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
    pool.close().await;
    n
}

fn rows(report: &Value, table: &str) -> i64 {
    let tables = report["tables"].as_array().unwrap();
    let found = tables.iter().find(|t| t["table"] == table);
    found.unwrap_or_else(|| panic!("{table} in {report}"))["rows"]
        .as_i64()
        .unwrap()
}

#[test]
fn a_clinic_in_this_computers_file_moves_to_an_empty_server_database() {
    let fixture: Value = fixture();
    let f = Fixture {
        messages: fixture["moveMessages"].clone(),
        checked: RefCell::default(),
    };
    let database_words = Fixture {
        messages: fixture["databaseMessages"].clone(),
        checked: RefCell::default(),
    };
    let target = rt(fresh_database("ipc_move"));
    let (address, password) = server(&target.name, off());
    let to = |address: &Value| json!({ "address": address, "password": password });

    let demo = desk();
    demo.login("admin");
    database_words.refusal("databaseDemoStays", &demo, "move_to_server", to(&address));
    drop(demo);

    let d = busy_desk();
    let local_info = d.ok("app_info", json!({}));
    assert_eq!(local_info["database"], "local");
    // A server that does not answer: refused, and nothing changes here.
    let mut nowhere = address.clone();
    nowhere["port"] = json!(vetdesk_testkit::smtp::free_port());
    database_words.refusal("databaseUnreachable", &d, "move_to_server", to(&nowhere));
    assert!(!d.data_dir().join("database.json").exists());
    assert_eq!(d.ok("app_info", json!({})), local_info);

    let heard = Arc::new(Mutex::new(Vec::<Value>::new()));
    let ear = heard.clone();
    d.window
        .app_handle()
        .listen_any("move-progress", move |event| {
            let payload = serde_json::from_str(event.payload()).unwrap();
            ear.lock().unwrap().push(payload);
        });
    let moved_from = [
        ("staff", d.count(CountedTable::Staff)),
        ("clients", d.count(CountedTable::Clients)),
        ("pets", d.count(CountedTable::Pets)),
        ("emails", d.count(CountedTable::Emails)),
    ];
    assert_eq!(moved_from.map(|(_, n)| n)[..3], [2, 1, 1]);
    assert!(moved_from[3].1 >= 1, "an email waits to go out");

    let report = d.ok("move_to_server", to(&address));
    f.check("moveDone", &report["message"]);
    for (table, n) in moved_from {
        assert_eq!(rows(&report, table), n, "{table}");
        let on_server = rt(pg_count(
            &target.url,
            &format!("SELECT count(*) FROM {table}"),
        ));
        assert_eq!(on_server, n, "{table} on the server");
    }
    assert!(rows(&report, "audit_events") > 0);
    let moved_audit = rt(pg_count(
        &target.url,
        "SELECT count(*) FROM audit_events WHERE action = 'database_changed' \
         AND detail LIKE '%moving this clinic there'",
    ));
    assert_eq!(moved_audit, 1, "the move is in the Activity it moved");
    let waiting = rt(pg_count(
        &target.url,
        "SELECT count(*) FROM emails WHERE status IN ('queued', 'failed')",
    ));
    assert!(waiting >= 1, "the email still waits, on the server");
    // And no longer in this computer's file, which would send it again if the desk went back.
    let file = d.data_dir().join("vetdesk.sqlite3");
    let left: i64 = rt(async {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", file.display()))
            .await
            .unwrap();
        let sql = "SELECT count(*) FROM emails WHERE status IN ('queued', 'sending')";
        sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap()
    });
    assert_eq!(left, 0, "the file keeps no email to send");
    // The window heard the copy come to its end.
    let heard = heard.lock().unwrap().clone();
    let last = heard.last().expect("move-progress events");
    assert_eq!(last["copied"], last["total"]);
    let all: i64 = report["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["rows"].as_i64().unwrap())
        .sum();
    assert_eq!(last["total"], all);

    // Open on the server, everyone signed out; the same staff sign in there.
    for info in [&report["info"], &d.ok("app_info", json!({}))] {
        assert_eq!(
            (&info["database"], &info["setupNeeded"]),
            (&json!("remote"), &json!(false)),
            "{info}"
        );
    }
    assert_eq!(d.ok("current_session", json!({})), Value::Null);
    assert!(d.data_dir().join("database.json").exists());
    let sign_in = |d: &Desk, username: &str| {
        d.ok(
            "login",
            json!({ "username": username, "password": PASSWORD }),
        )
    };
    sign_in(&d, "tbrooks");
    sign_in(&d, "nhaddad");
    f.refusal("moveNotLocal", &d, "move_to_server", to(&address));
    // After a restart too, the password from the keyring.
    let d = d.restart();
    let info = d.ok("app_info", json!({}));
    assert_eq!(info["database"], "remote");
    sign_in(&d, "tbrooks");
    drop(d);

    // Another clinic's file: the database holds a clinic now, and nothing changes on either side.
    let other = busy_desk();
    f.refusal("moveNotEmpty", &other, "move_to_server", to(&address));
    assert!(!other.data_dir().join("database.json").exists());
    assert_eq!(other.ok("app_info", json!({}))["database"], "local");
    other.ok("list_staff", json!({ "query": "" }));
    let staff = rt(pg_count(&target.url, "SELECT count(*) FROM staff"));
    assert_eq!(staff, 2, "the server's clinic is as it was");

    // VetDesk's tables with nothing in them (as a move that failed leaves them) take a move,
    // with the password entered in the last five minutes.
    let schema_only = rt(fresh_database("ipc_move_schema"));
    rt(rt(vetdesk_store::PgStore::connect(&schema_only.url))
        .unwrap()
        .close());
    let (there, _) = server(&schema_only.name, off());
    other.idle_for(6);
    other.ok("session_activity", json!({}));
    assert_eq!(other.code("move_to_server", to(&there)), "reauthRequired");
    other.ok("confirm_password", json!({ "password": PASSWORD }));
    let report = other.ok("move_to_server", to(&there));
    assert_eq!(report["info"]["database"], "remote");
    assert_eq!(rows(&report, "staff"), 2);

    let all: BTreeSet<String> = f.messages.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        *f.checked.borrow(),
        all,
        "fixture messages that no command was asked for"
    );
}

#[test]
fn an_email_in_flight_when_the_move_begins_is_finished_first_and_goes_once() {
    let target = rt(fresh_database("ipc_move_flight"));
    let (address, password) = server(&target.name, off());
    // The mail server takes 2 s to answer each message: the reset is in flight when the move
    // begins.
    let slow = SmtpServer::start_slow(Duration::from_secs(2), &ServerOptions::default(), None);
    let d = desk_mailing_to(slow.port);
    std::thread::sleep(Duration::from_millis(500));
    let report = d.ok(
        "move_to_server",
        json!({ "address": address, "password": password }),
    );
    assert_eq!(report["info"]["database"], "remote");
    let unsent = rt(pg_count(
        &target.url,
        "SELECT count(*) FROM emails WHERE status <> 'sent'",
    ));
    assert_eq!(unsent, 0, "the email moved as sent, not half-sent");
    // The desk now sends from the server; nothing goes twice.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(slow.received().len(), 1);
}
