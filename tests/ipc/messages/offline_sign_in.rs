//! Signing in while the clinic's server cannot be reached: a desk that starts offline opens
//! from its copy and signs in whoever signed in at it recently, with the password they used;
//! the idle lock opens the same way; back online the sign-in becomes a session on the server,
//! unless the password changed there meanwhile, which signs the person out; a clinic can turn
//! it off. The rest of the Offline words of the UI fixture are checked on the way.

use std::time::Duration;

use super::offline::{clinic_on_server, rt, sign_in, status_until, OnServer};
use super::*;

/// The Offline words this file's test checks.
pub(super) const CHECKED_HERE: [&str; 3] = [
    "offlineSignInRefused",
    "offlineSignInOff",
    "offlineUnlockRefused",
];

fn login(d: &Desk, username: &str, password: &str) -> Result<Value, Value> {
    d.call(
        "login",
        json!({ "username": username, "password": password }),
    )
}

fn offline(d: &Desk) -> Value {
    status_until(d, Duration::from_secs(10), |s| s["online"] == false)
}

fn online(d: &Desk) -> Value {
    status_until(d, Duration::from_secs(30), |s| {
        s["online"] == true
            && s["actions"]
                .as_array()
                .is_some_and(|a| a.iter().all(|a| a["state"] != "queued"))
    })
}

#[test]
fn a_desk_that_starts_offline_signs_in_those_who_signed_in_here_until_the_server_says_otherwise() {
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
    } = clinic_on_server("ipc_offline_sign_in");
    let pool = server.pool().clone();
    let count = |sql: &str| -> i64 { rt(sqlx::query_scalar(sql).fetch_one(&pool)).unwrap() };
    // The verifier of this morning's sign-in is made off the reply: give it a moment.
    std::thread::sleep(Duration::from_secs(2));
    d.ok("logout", json!({}));

    // The network is down when the desk starts: it opens from its copy.
    network.cut();
    let d = d.restart();
    let info = d.ok("app_info", json!({}));
    assert_eq!(
        (&info["database"], &info["setupNeeded"]),
        (&json!("remote"), &json!(false))
    );
    let status = d.ok("connection_status", json!({}));
    assert_eq!(status["online"], false, "{status}");

    let wrong = login(&d, "nhaddad", "not the password").unwrap_err();
    f.check("offlineSignInRefused", &wrong["message"]);
    // Jordan never signed in here: the same words, whatever the password.
    let stranger = login(&d, "jlee", crate::setup::PASSWORD).unwrap_err();
    assert_eq!(stranger["message"], wrong["message"]);
    // Guessing waits after five wrong tries for a name, counted in this computer's files.
    for _ in 0..5 {
        login(&d, "lpark", "a guess").unwrap_err();
    }
    let guessing = login(&d, "lpark", "a guess").unwrap_err();
    assert_eq!(guessing["code"], "throttled", "{guessing}");
    let session = sign_in(&d);
    assert_eq!(session["username"], "nhaddad");
    let rows = d.ok("list_staff", json!({ "query": "park" }));
    let lee = rows[0]["id"].as_i64().expect("Lee Park from the copy");
    let queued = d.ok("send_staff_reset", json!({ "staffId": lee }));
    assert_eq!(queued["queued"], true, "{queued}");

    // The idle lock opens with the same password, here.
    d.ok("lock_session", json!({}));
    assert_eq!(d.code("list_staff", json!({ "query": "" })), "locked");
    let nope = d.err(
        "confirm_password",
        json!({ "password": "not the password" }),
    );
    assert_eq!(nope["field"], "password", "{nope}");
    d.ok(
        "confirm_password",
        json!({ "password": crate::setup::PASSWORD }),
    );
    d.ok("list_staff", json!({ "query": "" }));

    // Back online: the desk's sign-in becomes a session on the server, and the reset goes.
    network.restore();
    online(&d);
    let current = d.ok("current_session", json!({}));
    assert_eq!(current["username"], "nhaddad", "{current}");
    assert_eq!(
        count(
            "SELECT count(*) FROM audit_events WHERE action = 'login' \
             AND detail LIKE 'Signed in at this workstation while%'"
        ),
        1
    );
    let mail = smtp.wait_for(1);
    assert_eq!(mail[0].envelope["rcpt_tos"][0], "lee@bayside-pets.example");
    // A server session: the next command is the server's, and it answers.
    d.ok("staff_card", json!({ "staffId": lee }));

    // Offline again, signed in offline again; meanwhile the password is reset at another desk.
    d.ok("logout", json!({}));
    network.cut();
    d.call("list_staff", json!({ "query": "" })).ok();
    offline(&d);
    sign_in(&d);
    rt(
        sqlx::query("UPDATE staff SET password_changed_at = $1 WHERE username = 'nhaddad'")
            .bind(vetdesk_core::Clock::now(&vetdesk_core::SystemClock) + 1_000)
            .execute(&pool),
    )
    .unwrap();
    network.restore();
    online(&d);
    let after = d.ok("current_session", json!({}));
    assert!(after.is_null(), "signed out at the next sync: {after}");
    assert_eq!(d.code("list_staff", json!({ "query": "" })), "notSignedIn");
    // And that old password no longer signs in offline either.
    network.cut();
    d.call("app_info", json!({})).ok();
    offline(&d);
    let stale = login(&d, "nhaddad", crate::setup::PASSWORD).unwrap_err();
    f.check("offlineSignInRefused", &stale["message"]);

    // A clinic that turns offline sign-in off.
    network.restore();
    online(&d);
    sign_in(&d);
    let mut settings = d.ok("get_settings", json!({}));
    settings["sessions"]["offlineSignInDays"] = json!(0);
    d.ok("save_settings", json!({ "settings": settings }));
    let before = d.ok("connection_status", json!({}))["copyRefreshedAt"].clone();
    let d = d.restart();
    sign_in(&d);
    status_until(&d, Duration::from_secs(20), |s| {
        s["copyRefreshedAt"] != before && !s["copyRefreshedAt"].is_null()
    });
    network.cut();
    d.call("list_staff", json!({ "query": "" })).ok();
    offline(&d);
    d.ok("lock_session", json!({}));
    f.refusal(
        "offlineUnlockRefused",
        &d,
        "confirm_password",
        json!({ "password": crate::setup::PASSWORD }),
    );
    d.ok("logout", json!({}));
    let off = login(&d, "nhaddad", crate::setup::PASSWORD).unwrap_err();
    f.check("offlineSignInOff", &off["message"]);
    rt(server.close());

    let here: BTreeSet<String> = CHECKED_HERE.iter().map(|k| k.to_string()).collect();
    assert_eq!(*f.checked.borrow(), here);
}
