//! Two front desks on one clinic database on the test PostgreSQL server. The second desk made
//! keys of its own when it was installed: until an admin imports the clinic's keys from the
//! first, it mints no link and no code, and says so; a wrong file or another clinic's keys are
//! refused with nothing changed; once imported, its reset reaches the real SMTP server and a code
//! shown at the first desk is accepted at the second, also after a restart. The Keys words of
//! the UI fixture are checked on the way.

use std::time::Duration;

use vetdesk_testkit::smtp::recipients;

use super::offline::{clinic_on_server, rt, sign_in, OnServer};
use super::*;

const NEW_PASSWORD: &str = "lantern orbit pickle saxophone";

/// A desk of the clinic in `address`'s database: installed with a clinic of its own in a file
/// (so that an admin can open Setup › Database), then moved to the server, signed in there.
fn second_desk(address: &Value, password: &str) -> Desk {
    let b = desk_of(false);
    b.ok("setup_clinic", setup_args());
    b.ok(
        "set_database_location",
        json!({ "location": address, "password": password }),
    );
    sign_in(&b);
    b
}

fn code_typed(d: &Desk, username: &str, code: &str) -> Result<Value, Value> {
    let secret = json!({ "kind": "code", "username": username, "code": code });
    d.call(
        "complete_reset",
        json!({ "secret": secret, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD }),
    )
}

fn file_mode(path: &str) -> u32 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        0o600
    }
}

#[test]
fn a_second_desk_mints_nothing_until_it_holds_the_clinics_keys() {
    let f = Fixture {
        messages: fixture()["keysMessages"].clone(),
        checked: RefCell::default(),
    };
    let OnServer {
        d: a,
        network,
        smtp,
        server,
        db,
    } = clinic_on_server("ipc_keys");
    let password = url::Url::parse(&vetdesk_testkit::postgres::server_url())
        .unwrap()
        .password()
        .unwrap_or_default()
        .to_string();
    let address = json!({ "kind": "server", "host": "127.0.0.1", "port": network.port,
        "database": db.name, "user": "vetdesk_test", "tls": { "mode": "off" } });
    let b = second_desk(&address, &password);
    let jordan = staff_where(&b, |r| r["username"] == "jlee");
    let lee = staff_where(&b, |r| r["username"] == "lpark");

    let mine = b.ok("clinic_keys_status", json!({}));
    let clinics = a.ok("clinic_keys_status", json!({}));
    assert_eq!(
        (&mine["holds"], &clinics["holds"]),
        (&json!(false), &json!(true))
    );
    assert_ne!(mine["fingerprint"], clinics["fingerprint"]);

    // Without the keys, the second desk mints nothing, and says why.
    let reset = json!({ "staffId": jordan });
    f.refusal("keysMissing", &b, "send_staff_reset", reset.clone());
    f.refusal(
        "keysMissing",
        &b,
        "issue_one_time_code",
        json!({ "staffId": lee }),
    );
    f.refusal(
        "keysMissing",
        &b,
        "forgot_password",
        json!({ "identifier": "jlee" }),
    );
    // A code shown at the first desk does not open at the second.
    let code = a.ok("issue_one_time_code", json!({ "staffId": lee }))["code"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        code_typed(&b, "lpark", &code).unwrap_err()["code"],
        "tokenInvalid"
    );
    let count =
        |sql: &str| -> i64 { rt(sqlx::query_scalar(sql).fetch_one(server.pool())).unwrap() };
    assert_eq!(
        count("SELECT count(*) FROM emails WHERE kind = 'staff_reset'"),
        0
    );

    // The first desk's files: for vetdesk-server, and for another workstation.
    let server_file = a.ok("export_dispatch_key", json!({}));
    let keys_file = a.ok("export_clinic_keys", json!({}));
    assert_eq!(keys_file["fingerprint"], clinics["fingerprint"]);
    let keys_path = keys_file["path"].as_str().unwrap().to_string();
    assert_eq!(file_mode(&keys_path), 0o600);
    let text = std::fs::read_to_string(&keys_path).unwrap();
    assert!(text.starts_with("vetdesk-clinic-keys-v1:"), "{text}");

    // Wrong files and another clinic's keys change nothing.
    let import = |path: &str| json!({ "path": path });
    f.refusal("keysNoPath", &b, "import_clinic_keys", import("  "));
    let gone = b.data_dir().join("no-such.key");
    f.refusal(
        "keysUnreadable",
        &b,
        "import_clinic_keys",
        import(gone.to_str().unwrap()),
    );
    let server_path = server_file["path"].as_str().unwrap();
    f.refusal(
        "keysServerFile",
        &b,
        "import_clinic_keys",
        import(server_path),
    );
    let notes = b.data_dir().join("notes.txt");
    std::fs::write(&notes, "Front desk rota: Mon–Fri").unwrap();
    f.refusal(
        "keysNotAFile",
        &b,
        "import_clinic_keys",
        import(notes.to_str().unwrap()),
    );
    let other = desk_of(false);
    other.ok("setup_clinic", setup_args());
    let others = other.ok("export_clinic_keys", json!({}));
    let others_path = others["path"].as_str().unwrap();
    f.refusal(
        "keysOtherClinic",
        &b,
        "import_clinic_keys",
        import(others_path),
    );
    assert_eq!(b.ok("clinic_keys_status", json!({})), mine);

    // The clinic's keys: the desk stays signed in, and now sends and takes codes.
    let now = b.ok("import_clinic_keys", import(&keys_path));
    assert_eq!(now["holds"], true, "{now}");
    assert_eq!(now["fingerprint"], clinics["fingerprint"]);
    assert!(b.ok("current_session", json!({})).is_object());
    let sent = b.ok("send_staff_reset", reset);
    assert_eq!(sent["queued"], false, "{sent}");
    // With the notice to Lee that the first desk issued a code, two emails in all.
    let mail = smtp.wait_for_within(2, Duration::from_secs(30));
    assert_eq!(
        recipients(&mail),
        ["jordan@bayside-pets.example", "lee@bayside-pets.example"]
    );
    code_typed(&b, "lpark", &code).expect("the first desk's code opens at the second");

    // After a restart the desk still holds them (they are in its keyring, not in memory).
    let b = b.restart();
    sign_in(&b);
    assert_eq!(b.ok("clinic_keys_status", json!({}))["holds"], true);
    let code = a.ok("issue_one_time_code", json!({ "staffId": jordan }))["code"]
        .as_str()
        .unwrap()
        .to_string();
    code_typed(&b, "jlee", &code).expect("a code from the first desk, after a restart");
    let login = json!({ "username": "lpark", "password": NEW_PASSWORD });
    b.ok("login", login);

    let audit = |outcome: &str| {
        count(&format!(
            "SELECT count(*) FROM audit_events WHERE action = 'clinic_keys_imported' \
             AND outcome = '{outcome}'"
        ))
    };
    assert_eq!((audit("ok"), audit("refused")), (1, 1));
    assert_eq!(
        count("SELECT count(*) FROM audit_events WHERE action = 'clinic_keys_exported'"),
        1
    );
    // The demo clinic's admins, whose password is public, neither take nor give this desk's keys.
    let demo = desk();
    demo.login("admin");
    assert_eq!(
        demo.code("import_clinic_keys", import(&keys_path)),
        "forbidden"
    );
    assert_eq!(demo.code("export_clinic_keys", json!({})), "forbidden");

    let all: BTreeSet<String> = f.messages.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        *f.checked.borrow(),
        all,
        "fixture messages no command was asked for"
    );
}
