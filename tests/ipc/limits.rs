//! Limits kept in the clinic database hold across a real restart of the app (a new app built on
//! the same data folder and keyring), and forgot-password and code entry answer at their
//! deadline, in the same words, while another program holds the database locked.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use vetdesk_core::deadline::ANSWER_AFTER;
use vetdesk_core::ports::AuditStore;
use vetdesk_lib::state::Paths;
use vetdesk_store::sqlite::CountedTable;
use vetdesk_store::SqliteStore;

use crate::{desk, Desk, DEMO_PASSWORD};

const WRONG_CODE: &str = "00000-00000";

/// The outcomes of the Activity events of `action`, newest first.
fn outcomes(d: &Desk, action: &str) -> Vec<String> {
    let rows = tauri::async_runtime::block_on(d.store.list_audit(action, 200)).expect("audit");
    let rows = rows.into_iter().filter(|r| r.action == action);
    rows.map(|r| r.outcome).collect()
}

fn sign_in(d: &Desk, username: &str, password: &str) -> String {
    d.code(
        "login",
        json!({ "username": username, "password": password }),
    )
}

fn forgot(d: &Desk, identifier: &str) -> Value {
    d.ok("forgot_password", json!({ "identifier": identifier }))
}

/// A code typed at the sign-in screen, with a good new password.
fn type_code(d: &Desk, username: &str, code: &str) -> Result<Value, Value> {
    let new = "lantern orbit pickle saxophone";
    let secret = json!({ "kind": "code", "username": username, "code": code });
    d.call(
        "complete_reset",
        json!({ "secret": secret, "password": new, "confirm": new }),
    )
}

fn refused_code(d: &Desk, username: &str, code: &str) -> String {
    let e = type_code(d, username, code).expect_err("the code is refused");
    e["code"].as_str().unwrap_or_default().to_string()
}

#[test]
fn sign_in_limits_hold_across_a_restart() {
    let d = desk();
    for _ in 0..5 {
        assert_eq!(
            sign_in(&d, "dpatel", "wrong password"),
            "invalidCredentials"
        );
    }
    let d = d.restart();
    assert_eq!(sign_in(&d, "dpatel", DEMO_PASSWORD), "throttled");
    assert_eq!(outcomes(&d, "login")[0], "rate_limited_account");
    // Six attempts from this workstation so far; names of no account fill up its twenty.
    for i in 0..14 {
        let name = format!("nobody{i}");
        assert_eq!(sign_in(&d, &name, "wrong password"), "invalidCredentials");
    }
    let d = d.restart();
    assert_eq!(sign_in(&d, "admin", DEMO_PASSWORD), "throttled");
    assert_eq!(outcomes(&d, "login")[0], "rate_limited_workstation");
}

#[test]
fn forgot_password_limits_hold_across_a_restart() {
    let d = desk();
    let words = forgot(&d, "dpatel");
    forgot(&d, "dpatel");
    forgot(&d, "dpatel");
    let d = d.restart();
    assert_eq!(forgot(&d, "dpatel"), words);
    assert_eq!(outcomes(&d, "forgot_password")[0], "rate_limited_account");
    // Four requests from this workstation so far; six more fill up its ten.
    for i in 0..6 {
        assert_eq!(forgot(&d, &format!("nobody{i}")), words);
    }
    let d = d.restart();
    assert_eq!(forgot(&d, "rnakamura"), words);
    assert_eq!(
        outcomes(&d, "forgot_password")[0],
        "rate_limited_workstation"
    );
    assert_eq!(
        d.count(CountedTable::Emails),
        1,
        "only the first request sent mail"
    );
}

#[test]
fn code_entry_limits_hold_across_a_restart() {
    let d = desk();
    for _ in 0..10 {
        assert_eq!(refused_code(&d, "dpatel", WRONG_CODE), "tokenInvalid");
    }
    let d = d.restart();
    d.login("admin");
    let issued = d.ok(
        "issue_one_time_code",
        json!({ "staffId": d.staff_id("dpatel") }),
    );
    d.ok("logout", json!({}));
    let right = issued["code"].as_str().unwrap().to_string();
    // The account's limit answers in the words of a wrong code, even to the right one.
    assert_eq!(refused_code(&d, "dpatel", &right), "tokenInvalid");
    assert_eq!(outcomes(&d, "reset_code")[0], "rate_limited_account");
    // Eleven codes from this workstation so far; nine more fill up its twenty.
    for i in 0..9 {
        let name = format!("nobody{i}");
        assert_eq!(refused_code(&d, &name, WRONG_CODE), "tokenInvalid");
    }
    let d = d.restart();
    assert_eq!(refused_code(&d, "rnakamura", WRONG_CODE), "throttled");
    assert_eq!(outcomes(&d, "reset_code")[0], "rate_limited_workstation");
}

/// Calls `call` and answers how long it took, which must be the deadline, give or take the
/// IPC layer's own time.
fn at_the_deadline<T>(call: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let answer = call();
    let took = start.elapsed();
    let ceiling = ANSWER_AFTER + Duration::from_millis(400);
    assert!(
        took >= ANSWER_AFTER && took < ceiling,
        "answered after {took:?}"
    );
    answer
}

#[test]
fn a_locked_database_answers_at_the_deadline_in_the_same_words() {
    let d = desk();
    let words = forgot(&d, "nobody");
    let path = Paths {
        data_dir: d.data_dir().to_path_buf(),
        demo: true,
    }
    .database();
    // Another program takes the database's write lock and keeps it.
    let (other, lock) = tauri::async_runtime::block_on(async {
        let other = SqliteStore::open(&path).await.expect("open");
        let lock = other.pool().begin_with("BEGIN EXCLUSIVE").await;
        (other, lock.expect("lock"))
    });
    for who in ["dpatel", "nobody", "dana.patel@harborview-clinic.example"] {
        assert_eq!(at_the_deadline(|| forgot(&d, who)), words, "{who}");
    }
    let mut refusals = Vec::new();
    for who in ["dpatel", "nobody"] {
        let refused = at_the_deadline(|| type_code(&d, who, WRONG_CODE));
        refusals.push(refused.expect_err("no code is checked while locked"));
    }
    assert_eq!(refusals[0], refusals[1], "one answer for every name");
    assert!(refusals[0]["message"].as_str().unwrap().contains("busy"));
    tauri::async_runtime::block_on(async {
        lock.rollback().await.expect("unlock");
        other.close().await;
    });
}
