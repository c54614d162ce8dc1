//! Change password through the real command: the current password first, the policy's words
//! under their fields, and a change that keeps this desk signed in and signs out every other.

use serde_json::{json, Value};
use tauri::async_runtime::block_on;
use vetdesk_core::ports::SessionStore;
use vetdesk_store::sqlite::CountedTable;

use crate::{desk, DEMO_PASSWORD};

const NEW_PASSWORD: &str = "lantern orbit pickle saxophone";

fn change(current: &str, password: &str) -> Value {
    json!({ "current": current, "password": password, "confirm": password })
}

#[test]
fn change_password_needs_a_session_and_the_right_current_password() {
    let d = desk();
    let args = change(DEMO_PASSWORD, NEW_PASSWORD);
    assert_eq!(d.code("change_password", args), "notSignedIn");

    d.login("dpatel");
    let wrong = d.err("change_password", change("not it", NEW_PASSWORD));
    assert_eq!(
        (&wrong["code"], &wrong["field"]),
        (&json!("invalidInput"), &json!("current"))
    );
    let weak = d.err("change_password", change(DEMO_PASSWORD, "short"));
    assert_eq!(weak["field"], "password");
    let mut mismatch = change(DEMO_PASSWORD, NEW_PASSWORD);
    mismatch["confirm"] = json!("something else entirely");
    assert_eq!(d.err("change_password", mismatch)["field"], "confirm");
    assert_eq!(d.count(CountedTable::Emails), 0, "refusals write no email");
    d.login("dpatel");
}

#[test]
fn a_change_keeps_this_desk_signed_in_and_signs_out_the_others() {
    let d = desk();
    let vet = d.staff_id("dpatel");
    d.login("mreyes");
    let code = d.ok("issue_one_time_code", json!({ "staffId": vet }))["code"].clone();
    d.login("dpatel");
    let elsewhere = block_on(d.store.create_session(vet, 0)).unwrap();
    let emails = d.count(CountedTable::Emails);

    assert_eq!(
        d.ok("change_password", change(DEMO_PASSWORD, NEW_PASSWORD)),
        Value::Null
    );
    assert_eq!(d.ok("current_session", json!({}))["username"], "dpatel");
    assert!(block_on(d.store.find_session(elsewhere)).unwrap().is_none());
    assert_eq!(d.count(CountedTable::Emails), emails + 1, "the notice");
    let secret = json!({ "kind": "code", "username": "dpatel", "code": code });
    let reset = json!({ "secret": secret, "password": "x", "confirm": "x" });
    assert_eq!(
        d.code("complete_reset", reset),
        "tokenInvalid",
        "the code was revoked"
    );

    let old = json!({ "username": "dpatel", "password": DEMO_PASSWORD });
    assert_eq!(d.code("login", old), "invalidCredentials");
    let new = json!({ "username": "dpatel", "password": NEW_PASSWORD });
    d.ok("login", new);
}
