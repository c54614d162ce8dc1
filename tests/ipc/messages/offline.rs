//! A workstation on the clinic's PostgreSQL server, through a network the test cuts (a TCP proxy
//! in front of the real server): offline, the Staff List and client search answer from this
//! computer's copy, resets and the paw icon are queued, codes and changes are refused; back
//! online, the queue is replayed in order through the rules as they stand then, checked in the
//! database and at a real SMTP server, and a replay repeated after a crash sends nothing twice.
//! The Offline words of the UI fixture are checked on the way.

use std::net::SocketAddr;
use std::str::FromStr;
use std::time::{Duration, Instant};

use sqlx::postgres::PgConnectOptions;
use vetdesk_core::client::NewClient;
use vetdesk_core::ports::{ClientStore, StaffStore};
use vetdesk_core::staff::{NewStaff, StaffStatus};
use vetdesk_core::Role;
use vetdesk_store::PgStore;
use vetdesk_testkit::postgres::{fresh_database, server_url};
use vetdesk_testkit::proxy::TcpProxy;
use vetdesk_testkit::smtp::{recipients, ServerOptions, SmtpServer};

use super::*;

pub(super) fn rt<F: std::future::Future>(future: F) -> F::Output {
    tauri::async_runtime::block_on(future)
}

/// Asks `connection_status` until `done` holds, for at most `within`.
pub(super) fn status_until(d: &Desk, within: Duration, done: impl Fn(&Value) -> bool) -> Value {
    let start = Instant::now();
    loop {
        let status = d.ok("connection_status", json!({}));
        if done(&status) {
            return status;
        }
        assert!(start.elapsed() < within, "still {status} after {within:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn staff(username: &str, name: &str, email: &str) -> NewStaff {
    NewStaff {
        username: username.into(),
        display_name: name.into(),
        role: Role::Receptionist,
        email: Some(email.into()),
        status: StaffStatus::Active,
        password_hash: String::new(),
    }
}

fn id_of(rows: &Value, key: &str, value: &str) -> i64 {
    let row = rows.as_array().unwrap().iter().find(|r| r[key] == value);
    row.unwrap_or_else(|| panic!("no {value} in {rows}"))["id"]
        .as_i64()
        .unwrap()
}

/// A clinic on the test server, reached through a network the test cuts, mailing through a
/// real SMTP server; seeded with colleagues and a client by another desk; its desk restarted
/// (as the next morning), signed in as the admin, with its copy of the clinic made.
pub(super) struct OnServer {
    pub d: Desk,
    pub network: TcpProxy,
    pub smtp: SmtpServer,
    pub server: PgStore,
    pub db: vetdesk_testkit::postgres::TestDatabase,
}

pub(super) fn clinic_on_server(label: &str) -> OnServer {
    clinic_on_server_with(label, &[])
}

/// [`clinic_on_server`], with `more` clients beside Maya Brooks.
pub(super) fn clinic_on_server_with(label: &str, more: &[NewClient]) -> OnServer {
    let db = rt(fresh_database(label));
    let options = PgConnectOptions::from_str(&server_url()).unwrap();
    let target = SocketAddr::from(([127, 0, 0, 1], options.get_port()));
    let network = TcpProxy::start(target);
    let smtp = SmtpServer::start(&ServerOptions::default(), None);
    let password = url::Url::parse(&server_url())
        .unwrap()
        .password()
        .unwrap_or_default()
        .to_string();

    let d = desk_of(false);
    d.ok("setup_clinic", setup_args());
    let address = json!({ "kind": "server", "host": "127.0.0.1", "port": network.port,
        "database": db.name, "user": options.get_username(), "tls": { "mode": "off" } });
    let check = d.ok(
        "test_database_connection",
        json!({ "address": address, "password": password }),
    );
    assert_eq!(check["ok"], true, "{check}");
    d.ok(
        "set_database_location",
        json!({ "location": address, "password": password }),
    );
    d.ok("setup_clinic", setup_args());
    sign_in(&d);
    let mut settings = d.ok("get_settings", json!({}));
    settings["clinic"]["clinicUrl"] = json!("https://portal.bayside-pets.example");
    settings["mail"]["transport"] = json!("smtp");
    settings["mail"]["host"] = json!("127.0.0.1");
    settings["mail"]["port"] = json!(smtp.port);
    settings["mail"]["security"] = json!("plain");
    d.ok("save_settings", json!({ "settings": settings }));

    let server = rt(PgStore::connect(&db.url)).unwrap();
    let people = [
        staff("jlee", "Jordan Lee", "jordan@bayside-pets.example"),
        staff("sortiz", "Sam Ortiz", "sam@bayside-pets.example"),
        staff("lpark", "Lee Park", "lee@bayside-pets.example"),
    ];
    rt(server.insert_staff(&people, 1)).unwrap();
    let client = NewClient {
        first_name: "Maya".into(),
        last_name: "Brooks".into(),
        email: Some("maya.brooks@mail.example".into()),
        phone: None,
        address: None,
        pets: Vec::new(),
    };
    let clients: Vec<NewClient> = std::iter::once(client)
        .chain(more.iter().cloned())
        .collect();
    rt(server.insert_clients(&clients, 1)).unwrap();

    let d = d.restart();
    sign_in(&d);
    let online = status_until(&d, Duration::from_secs(20), |s| {
        !s["copyRefreshedAt"].is_null()
    });
    assert_eq!(
        (&online["server"], &online["online"]),
        (&json!(true), &json!(true))
    );
    OnServer {
        d,
        network,
        smtp,
        server,
        db,
    }
}

/// The desk restarted as after a crash between the server's commit of a replay and the desk's
/// record of it: the queued actions `which` (an SQL condition) wait again in its queue file.
pub(super) fn requeued_after_restart(d: Desk, which: &str) -> Desk {
    let queue = d.data_dir().join("offline-queue.sqlite3");
    d.restart_with(|| {
        let pool = rt(sqlx::SqlitePool::connect(&format!(
            "sqlite://{}",
            queue.display()
        )))
        .unwrap();
        let sql = format!(
            "UPDATE queued_actions SET state = 'queued', outcome = NULL, settled_at = NULL \
             WHERE {which}"
        );
        rt(sqlx::query(&sql).execute(&pool)).unwrap();
        rt(pool.close());
    })
}

pub(super) fn sign_in(d: &Desk) -> Value {
    d.ok(
        "login",
        json!({ "username": "nhaddad", "password": crate::setup::PASSWORD }),
    )
}

/// The Offline words this file's test checks; the sign-in and bulk tests check the others.
const CHECKED_HERE: [&str; 4] = [
    "staffResetQueued",
    "portalLinkQueued",
    "codeNeedsDatabase",
    "needsDatabase",
];

#[test]
fn offline_the_desk_serves_its_copy_and_queues_then_replays_each_action_once() {
    let f = Fixture {
        messages: fixture()["offlineMessages"].clone(),
        checked: RefCell::default(),
    };
    let OnServer {
        d,
        network,
        smtp,
        server,
        db: _db,
    } = clinic_on_server("ipc_offline");
    let staff_rows = d.ok("list_staff", json!({ "query": "" }));
    let jordan = id_of(&staff_rows, "username", "jlee");
    let sam = id_of(&staff_rows, "username", "sortiz");

    // The network goes down. The first call that finds it gone is served from the copy.
    network.cut();
    let cut_at = Instant::now();
    let offline_rows = d.ok("list_staff", json!({ "query": "" }));
    assert_eq!(offline_rows, staff_rows, "the copy lists the same staff");
    assert!(
        cut_at.elapsed() < Duration::from_secs(2),
        "{:?}",
        cut_at.elapsed()
    );
    let offline = d.ok("connection_status", json!({}));
    assert_eq!(offline["online"], false, "{offline}");
    assert!(offline["offlineSince"].is_i64(), "{offline}");
    let page = d.ok(
        "search_clients",
        json!({ "query": "brooks", "filter": "all", "after": null }),
    );
    let maya = page["rows"][0]["id"].as_i64().expect("Maya from the copy");
    d.ok("client_profile", json!({ "clientId": maya }));

    let sent = d.ok("send_staff_reset", json!({ "staffId": jordan }));
    assert_eq!(sent["queued"], true, "{sent}");
    f.check("staffResetQueued", &sent["message"]);
    // A second click while it waits queues nothing more.
    d.ok("send_staff_reset", json!({ "staffId": jordan }));
    d.ok("send_staff_reset", json!({ "staffId": sam }));
    let paw = d.ok("send_portal_link", json!({ "clientId": maya }));
    assert_eq!(paw["queued"], true, "{paw}");
    f.check("portalLinkQueued", &paw["message"]);
    f.refusal(
        "codeNeedsDatabase",
        &d,
        "issue_one_time_code",
        json!({ "staffId": jordan }),
    );
    f.refusal(
        "needsDatabase",
        &d,
        "update_staff_email",
        json!({ "staffId": jordan, "email": "jordan.lee@mail.example" }),
    );
    // What only the clinic database can do is refused at once, in words; no run goes on.
    f.refusal(
        "needsDatabase",
        &d,
        "cancel_bulk_invite",
        json!({ "jobId": 1 }),
    );
    f.refusal("needsDatabase", &d, "list_activity", json!({ "query": "" }));
    assert_eq!(d.ok("running_bulk_invites", json!({})), json!([]));
    d.ok("get_settings", json!({}));
    let queued = d.ok("connection_status", json!({}));
    let states: Vec<_> = queued["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["subjectName"].as_str().unwrap(),
                a["state"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            ("Maya Brooks", "queued"),
            ("Sam Ortiz", "queued"),
            ("Jordan Lee", "queued")
        ]
    );

    // Meanwhile, at another desk, Sam's account is disabled. Nothing of this desk's arrived.
    let pool = server.pool();
    rt(sqlx::query("UPDATE staff SET status = 'disabled' WHERE username = 'sortiz'").execute(pool))
        .unwrap();
    let count = |sql: &str| -> i64 { rt(sqlx::query_scalar(sql).fetch_one(pool)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM emails"), 0);

    // The network is back: replayed in order, each through the rules as they stand now.
    network.restore();
    let settled = status_until(&d, Duration::from_secs(30), |s| {
        s["online"] == true
            && s["actions"]
                .as_array()
                .is_some_and(|a| a.iter().all(|a| a["state"] != "queued"))
    });
    let outcome = |name: &str| {
        let actions = settled["actions"].as_array().unwrap();
        let a = actions.iter().find(|a| a["subjectName"] == name).unwrap();
        (
            a["state"].as_str().unwrap().to_string(),
            a["outcome"].to_string(),
        )
    };
    assert_eq!(outcome("Jordan Lee").0, "sent");
    assert_eq!(outcome("Maya Brooks").0, "sent");
    let (state, why) = outcome("Sam Ortiz");
    assert_eq!(state, "refused");
    assert!(why.contains("disabled"), "{why}");
    let mail = smtp.wait_for(2);
    assert_eq!(
        recipients(&mail),
        ["jordan@bayside-pets.example", "maya.brooks@mail.example"]
    );
    assert_eq!(
        count("SELECT count(*) FROM audit_events WHERE action_key IS NOT NULL"),
        3,
        "each action once in Activity, the refusal too"
    );
    let activity = d.ok("list_activity", json!({ "query": "" }));
    assert!(activity
        .to_string()
        .contains("Taken while the clinic database could not be reached"));

    // A crash between the server's commit and this desk's record: the action waits again here.
    let d = requeued_after_restart(d, "subject_name = 'Jordan Lee'");
    let again = status_until(&d, Duration::from_secs(30), |s| {
        s["actions"]
            .as_array()
            .is_some_and(|a| !a.is_empty() && a.iter().all(|a| a["state"] != "queued"))
    });
    assert!(
        again.to_string().contains("already had this action"),
        "{again}"
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(smtp.count(), 2, "nothing was sent twice");
    assert_eq!(count("SELECT count(*) FROM emails"), 2);
    rt(server.close());

    let here: BTreeSet<String> = CHECKED_HERE.iter().map(|k| k.to_string()).collect();
    assert_eq!(*f.checked.borrow(), here);
    let all: BTreeSet<String> = f.messages.as_object().unwrap().keys().cloned().collect();
    let elsewhere: BTreeSet<String> = super::offline_sign_in::CHECKED_HERE
        .iter()
        .chain(super::offline_bulk::CHECKED_HERE.iter())
        .map(|k| k.to_string())
        .collect();
    assert_eq!(
        &here | &elsewhere,
        all,
        "fixture messages no command was asked for"
    );
}
