//! The Database words of the UI fixture, from Setup › Database's commands against the real test
//! PostgreSQL server; and the move itself: a workstation moved to an empty server database opens
//! its clinic there, keeps the password in the OS keyring, and comes back to its own file.

use std::str::FromStr;

use sqlx::postgres::PgConnectOptions;
use vetdesk_store::PgStore;
use vetdesk_testkit::postgres::{fresh_database, server_url};

use super::*;

/// The test server as Setup › Database takes it, for the database `name`, with TLS `tls`.
pub(super) fn server(name: &str, tls: Value) -> (Value, String) {
    let options = PgConnectOptions::from_str(&server_url()).unwrap();
    let url = url::Url::parse(&server_url()).unwrap();
    let address = json!({
        "host": "127.0.0.1",
        "port": options.get_port(),
        "database": name,
        "user": options.get_username(),
        "tls": tls,
    });
    (address, url.password().unwrap_or_default().to_string())
}

pub(super) fn rt<F: std::future::Future>(future: F) -> F::Output {
    tauri::async_runtime::block_on(future)
}

pub(super) fn off() -> Value {
    json!({ "mode": "off" })
}

#[test]
fn the_ui_fixture_speaks_the_database_commands_words() {
    let fixture: Value = fixture();
    let f = Fixture {
        messages: fixture["databaseMessages"].clone(),
        checked: RefCell::default(),
    };
    let empty = rt(fresh_database("ipc_empty"));
    let (address, password) = server(&empty.name, off());
    let with = |change: &dyn Fn(&mut Value)| {
        let mut a = address.clone();
        change(&mut a);
        json!({ "address": a, "password": password })
    };

    let demo = desk();
    demo.login("admin");
    let to_server = json!({ "location": { "kind": "server", "host": "127.0.0.1", "port": 5432,
        "database": "vetdesk", "user": "frontdesk", "tls": off() }, "password": null });
    f.refusal(
        "databaseDemoStays",
        &demo,
        "set_database_location",
        to_server,
    );
    drop(demo);

    let d = desk_of(false);
    d.ok("setup_clinic", setup_args());
    let test = |args: Value| d.ok("test_database_connection", args);
    for (key, change) in [
        (
            "databaseHost",
            &(|a: &mut Value| a["host"] = json!(" ")) as &dyn Fn(&mut Value),
        ),
        ("databasePort", &|a| a["port"] = json!(0)),
        ("databaseName", &|a| a["database"] = json!("x".repeat(64))),
        ("databaseUser", &|a| a["user"] = json!("")),
        ("databaseTlsOff", &|a| a["host"] = json!("db.bayside.lan")),
        (
            "databaseCaFile",
            &|a| a["tls"] = json!({ "mode": "verifyFull", "caFile": "clinic-ca.pem" }),
        ),
    ] {
        f.refusal(key, &d, "test_database_connection", with(change));
    }

    let found = test(with(&|_| {}));
    assert_eq!(
        (&found["ok"], &found["kind"]),
        (&json!(true), &json!("empty"))
    );
    f.check("databaseEmpty", &found["message"]);

    let closed = vetdesk_testkit::smtp::free_port();
    let why = |args: Value, kind: &str, key: &str| {
        let check = test(args);
        assert_eq!(
            (&check["ok"], &check["kind"]),
            (&json!(false), &json!(kind)),
            "{check}"
        );
        f.check(key, &check["message"]);
    };
    why(
        with(&|a| a["port"] = json!(closed)),
        "unreachable",
        "databaseUnreachable",
    );
    let stranger = with(&|a| a["user"] = json!("nobody_vetdesk_knows"));
    why(stranger, "authentication", "databaseAuthentication");
    let missing = format!("{}_missing", empty.name);
    why(
        with(&|a| a["database"] = json!(missing)),
        "no_database",
        "databaseMissing",
    );
    // The server's certificate is its own, self-signed: it does not check out.
    let verify = with(&|a| a["tls"] = json!({ "mode": "verifyFull", "caFile": null }));
    why(verify, "certificate", "databaseCertificate");

    let foreign = rt(fresh_database("ipc_foreign"));
    let pool = rt(sqlx::PgPool::connect(&foreign.url)).unwrap();
    rt(sqlx::query("CREATE TABLE invoices (id int)").execute(&pool)).unwrap();
    rt(pool.close());
    let other = with(&|a| a["database"] = json!(foreign.name));
    why(other, "not_vetdesk", "databaseNotVetDesk");

    let newer = rt(fresh_database("ipc_newer"));
    let store = rt(PgStore::connect(&newer.url)).unwrap();
    let future = vetdesk_store::postgres::connect::known_version() + 1;
    rt(sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES ($1, 'from a newer VetDesk', true, '\\x00', 1)",
    )
    .bind(future)
    .execute(store.pool()))
    .unwrap();
    rt(store.close());
    why(
        with(&|a| a["database"] = json!(newer.name)),
        "newer_schema",
        "databaseNewer",
    );

    // A server that does not answer is not moved to, and nothing changes here.
    let nowhere = with(&|a| a["port"] = json!(closed));
    let location = |args: &Value| {
        let mut l = args["address"].clone();
        l["kind"] = json!("server");
        json!({ "location": l, "password": args["password"] })
    };
    d.err("set_database_location", location(&nowhere));
    assert!(!d.data_dir().join("database.json").exists());

    // The move: signed out, on the empty server database, which asks to be set up.
    let info = d.ok("set_database_location", location(&with(&|_| {})));
    assert_eq!(info["database"], "remote");
    assert_eq!(info["databaseName"], format!("{} on 127.0.0.1", empty.name));
    assert_eq!(info["setupNeeded"], true);
    assert!(d.data_dir().join("database.json").exists());
    // The record names the server, never its password: that went to the keyring.
    let recorded = std::fs::read_to_string(d.data_dir().join("database.json")).unwrap();
    let recorded: Value = serde_json::from_str(&recorded).unwrap();
    let keys: BTreeSet<&str> = recorded
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from(["kind", "host", "port", "database", "user", "tls"]),
        "{recorded}"
    );
    d.ok("setup_clinic", setup_args());
    let staff: i64 = rt(async {
        let pool = sqlx::PgPool::connect(&empty.url).await.unwrap();
        sqlx::query_scalar("SELECT count(*) FROM staff WHERE username = 'nhaddad'")
            .fetch_one(&pool)
            .await
            .unwrap()
    });
    assert_eq!(staff, 1, "the clinic was set up on the server");
    let again = test(with(&|_| {}));
    assert_eq!(
        (&again["ok"], &again["kind"]),
        (&json!(true), &json!("vetdesk"))
    );
    f.check("databaseVetDesk", &again["message"]);
    // A restart opens the clinic on the server again, its password from the keyring.
    let d = d.restart();
    let info = d.ok("app_info", json!({}));
    assert_eq!(
        (&info["database"], &info["setupNeeded"]),
        (&json!("remote"), &json!(false))
    );
    d.ok(
        "login",
        json!({ "username": "nhaddad", "password": crate::setup::PASSWORD }),
    );
    let settings = d.ok("database_settings", json!({}));
    assert_eq!(settings["location"]["kind"], "server");
    assert_eq!(
        settings["hasPassword"], true,
        "the password is in the keyring"
    );

    // And back to this computer's own file, which still has its own clinic.
    let back = d.ok(
        "set_database_location",
        json!({ "location": { "kind": "local" }, "password": "" }),
    );
    assert_eq!(
        (&back["database"], &back["setupNeeded"]),
        (&json!("local"), &json!(false))
    );
    assert!(!d.data_dir().join("database.json").exists());

    let all: BTreeSet<String> = f.messages.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        *f.checked.borrow(),
        all,
        "fixture messages that no command was asked for"
    );
}
