//! The session at a shared desk through the real commands: the idle lock, the lock button, the
//! lock screen's password and sign-out, and the password asked again before sensitive changes.

use serde_json::json;
use vetdesk_store::sqlite::CountedTable;

use crate::{desk, DEMO_PASSWORD};

fn password(p: &str) -> serde_json::Value {
    json!({ "password": p })
}

#[test]
fn an_idle_desk_locks_and_only_its_persons_password_opens_it() {
    let d = desk();
    d.login("mreyes");
    d.ok("session_activity", json!({}));
    d.idle_for(12);
    let q = json!({ "query": "" });
    assert_eq!(d.code("list_staff", q.clone()), "locked");
    // Activity after the lock does not open it; the lock screen still names who is signed in.
    assert_eq!(d.code("session_activity", json!({})), "locked");
    let current = d.ok("current_session", json!({}));
    assert_eq!(
        (&current["username"], &current["locked"]),
        (&json!("mreyes"), &json!(true))
    );

    let wrong = d.err("confirm_password", password("not the password"));
    assert_eq!(
        (&wrong["code"], &wrong["field"]),
        (&json!("invalidInput"), &json!("password"))
    );
    assert_eq!(d.code("list_staff", q.clone()), "locked");
    d.ok("confirm_password", password(DEMO_PASSWORD));
    assert_eq!(d.ok("current_session", json!({}))["locked"], json!(false));
    d.ok("list_staff", q);
}

#[test]
fn the_lock_button_locks_at_once_and_another_person_can_sign_out() {
    let d = desk();
    d.login("mreyes");
    d.ok("lock_session", json!({}));
    assert_eq!(d.code("list_staff", json!({ "query": "" })), "locked");
    d.ok("logout", json!({}));
    assert_eq!(d.ok("current_session", json!({})), json!(null));
    d.login("jokafor");
    assert_eq!(d.ok("current_session", json!({}))["locked"], json!(false));
}

#[test]
fn a_session_ends_after_its_lifetime() {
    let d = desk();
    d.login("mreyes");
    d.idle_for(12 * 60);
    assert_eq!(d.code("list_staff", json!({ "query": "" })), "notSignedIn");
    assert_eq!(d.ok("current_session", json!({})), json!(null));
}

#[test]
fn a_one_time_code_and_settings_ask_for_the_password_after_five_minutes() {
    let d = desk();
    d.login("admin");
    let vet = d.staff_id("dpatel");
    let settings = d.ok("get_settings", json!({}));
    d.idle_for(6);
    d.ok("session_activity", json!({}));
    let code = json!({ "staffId": vet });
    assert_eq!(
        d.code("issue_one_time_code", code.clone()),
        "reauthRequired"
    );
    let new_email = json!({ "staffId": vet, "email": "dana@new-home.example" });
    assert_eq!(
        d.code("update_staff_email", new_email.clone()),
        "reauthRequired"
    );
    let save = json!({ "settings": settings });
    assert_eq!(d.code("save_settings", save.clone()), "reauthRequired");
    assert_eq!(
        d.count(CountedTable::Tokens),
        0,
        "a refused code leaves no token"
    );
    assert_eq!(d.count(CountedTable::Emails), 0, "and queues no notice");

    let wrong = d.err("confirm_password", password("not the password"));
    assert_eq!(wrong["field"], json!("password"));
    assert_eq!(
        d.code("issue_one_time_code", code.clone()),
        "reauthRequired"
    );
    d.ok("confirm_password", password(DEMO_PASSWORD));
    d.ok("issue_one_time_code", code);
    d.ok("update_staff_email", new_email);
    d.ok("save_settings", save);
}
