//! The UI tests' mock back end takes its words from `ui/tests/fixtures/messages.json`. Each
//! entry is checked here against what the real commands answer, so the two cannot drift.

use std::cell::RefCell;
use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::setup::setup_args;
use crate::{desk, desk_of, Desk};

mod clients;
mod clinic_keys;
mod database;
mod mail_down;
mod move_server;
mod offline;
mod offline_bulk;
mod offline_sign_in;
mod offline_stall;
mod settings;

/// Whether `text` is `template` with every `{placeholder}` filled by some non-empty text.
fn fills(template: &str, text: &str) -> bool {
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        pieces.push(&rest[..open]);
        match rest[open..].find('}') {
            Some(close) => rest = &rest[open + close + 1..],
            None => return false,
        }
    }
    let last = rest;
    let Some((first, middle)) = pieces.split_first() else {
        return template == text;
    };
    let Some(mut left) = text.strip_prefix(first) else {
        return false;
    };
    for piece in middle {
        let skip = left.chars().next().map_or(0, char::len_utf8);
        match left[skip..].find(piece) {
            Some(at) if skip > 0 => left = &left[skip + at + piece.len()..],
            _ => return false,
        }
    }
    left.len() > last.len() && left.ends_with(last)
}

/// The UI fixture, as the Chromium tests read it.
fn fixture() -> Value {
    serde_json::from_str(include_str!("../../ui/tests/fixtures/messages.json")).unwrap()
}

struct Fixture {
    messages: Value,
    checked: RefCell<BTreeSet<String>>,
}

impl Fixture {
    fn check(&self, key: &str, said: &Value) {
        let template = self.messages[key]
            .as_str()
            .unwrap_or_else(|| panic!("the fixture has no message {key:?}"));
        let said = said
            .as_str()
            .unwrap_or_else(|| panic!("{key}: no words in {said}"));
        assert!(
            fills(template, said),
            "{key}: the fixture says {template:?}, the app says {said:?}"
        );
        self.checked.borrow_mut().insert(key.to_string());
    }

    /// Checks the message of a refused command.
    fn refusal(&self, key: &str, d: &Desk, cmd: &str, args: Value) {
        self.check(key, &d.err(cmd, args)["message"]);
    }
}

fn staff_where(d: &Desk, wanted: impl Fn(&Value) -> bool) -> i64 {
    let rows = d.ok("list_staff", json!({ "query": "" }));
    let row = rows.as_array().unwrap().iter().find(|r| wanted(r)).cloned();
    row.expect("such a staff member")["id"].as_i64().unwrap()
}

#[test]
fn templates_match_the_words_they_stand_for() {
    assert!(fills(
        "Try again in {seconds} seconds.",
        "Try again in 30 seconds."
    ));
    assert!(fills("{name} has no email.", "Dana Patel has no email."));
    assert!(fills("Sent to {email}", "Sent to d•••@x.example"));
    assert!(fills("Exactly this.", "Exactly this."));
    assert!(!fills("Exactly this.", "Exactly this!"));
    assert!(!fills(
        "Try again in {seconds} seconds.",
        "Try again in  seconds!"
    ));
    assert!(!fills("Sent to {email}", "Sent to "));
}

/// Set up your clinic's refusals: on a new install, and on a clinic that has staff.
fn setup_words(f: &Fixture, set_up: &Desk) {
    let fresh = desk_of(false);
    let form = |change: fn(&mut Value)| {
        let mut args = setup_args();
        change(&mut args);
        args
    };
    let spaced = form(|a| a["admin"]["username"] = json!("noor haddad"));
    f.refusal("usernameCharacters", &fresh, "setup_clinic", spaced);
    let no_email = form(|a| a["clinic"]["email"] = json!(" "));
    f.refusal("clinicEmailRequired", &fresh, "setup_clinic", no_email);
    f.refusal("alreadySetUp", set_up, "setup_clinic", setup_args());
}

#[test]
fn the_ui_fixture_speaks_the_commands_words() {
    let fixture: Value = fixture();
    let f = Fixture {
        messages: fixture["messages"].clone(),
        checked: RefCell::default(),
    };
    let d = desk();
    let q = json!({ "query": "" });
    f.refusal("notSignedIn", &d, "list_staff", q.clone());
    // The demo clinic's mail goes to the preview outbox.
    f.check(
        "forgotAnswerNoMail",
        &d.ok("forgot_password", json!({ "identifier": "nobody" }))["message"],
    );
    let wrong = json!({ "username": "rnakamura", "password": "not the password" });
    f.refusal("invalidCredentials", &d, "login", wrong.clone());
    let throttled = (0..10)
        .map(|_| d.err("login", wrong.clone()))
        .find(|e| e["code"] == "throttled")
        .expect("sign-in is throttled after repeated failures");
    f.check("throttled", &throttled["message"]);
    f.refusal(
        "tokenInvalid",
        &d,
        "check_reset_link",
        json!({ "token": "nope" }),
    );
    assert_eq!(
        d.ok("password_policy", json!({})),
        fixture["passwordPolicy"]
    );

    d.login("mreyes");
    let admin = d.staff_id("admin");
    let vet = d.staff_id("dpatel");
    let reset = |id: i64| json!({ "staffId": id });
    f.refusal("cannotResetRole", &d, "send_staff_reset", reset(admin));
    f.refusal("staffNotFound", &d, "staff_card", reset(999_999));
    let emailless = staff_where(&d, |r| r["email"].is_null() && r["status"] == "active");
    f.refusal("noEmail", &d, "send_staff_reset", reset(emailless));
    let disabled = staff_where(&d, |r| r["status"] == "disabled");
    f.refusal("accountDisabled", &d, "send_staff_reset", reset(disabled));
    // The demo clinic's mail goes to the preview outbox, and the words say so.
    f.check(
        "resetKeptInPreview",
        &d.ok("send_staff_reset", reset(vet))["message"],
    );
    f.refusal("resendTooSoon", &d, "send_staff_reset", reset(vet));
    let email = json!({ "staffId": vet, "email": "no-domain@" });
    f.refusal("invalidEmail", &d, "update_staff_email", email);

    let code = d.ok("issue_one_time_code", reset(vet))["code"].clone();
    let secret = json!({ "kind": "code", "username": "dpatel", "code": code });
    let set = |password: &str, confirm: &str| json!({ "secret": secret, "password": password, "confirm": confirm });
    let long = "x".repeat(200);
    for (key, password, confirm) in [
        ("passwordTooShort", "short", "short"),
        ("passwordTooLong", long.as_str(), long.as_str()),
        (
            "passwordMismatch",
            "lantern orbit pickle sax",
            "lantern orbit pickle",
        ),
        (
            "passwordHasContext",
            "dana patel loves lanterns",
            "dana patel loves lanterns",
        ),
        (
            "passwordGuessable",
            "aaaaaaaaaaaaaaaaaaaa",
            "aaaaaaaaaaaaaaaaaaaa",
        ),
    ] {
        f.refusal(key, &d, "complete_reset", set(password, confirm));
    }
    // Needs a breached-password service to provoke; the constant is what the flow answers.
    f.check(
        "passwordBreached",
        &json!(vetdesk_core::policy::BREACHED_MESSAGE),
    );

    d.login("jokafor");
    let wrong_current = json!({ "current": "not it", "password": "x", "confirm": "x" });
    f.refusal("currentPasswordWrong", &d, "change_password", wrong_current);
    f.refusal("forbiddenStaffList", &d, "list_staff", q.clone());
    f.refusal("forbiddenSettings", &d, "get_settings", json!({}));
    f.refusal("forbiddenActivity", &d, "list_activity", q);
    f.refusal("forbiddenPreview", &d, "list_preview_mail", json!({}));

    d.login("admin");
    assert_eq!(
        d.ok("settings_limits", json!({})),
        fixture["settingsLimits"]
    );
    let settings = d.ok("get_settings", json!({}));
    let save = |change: &dyn Fn(&mut Value)| {
        let mut changed = settings.clone();
        change(&mut changed);
        json!({ "settings": changed })
    };
    let unnamed = save(&|s| s["clinic"]["name"] = json!(" "));
    f.refusal("required", &d, "save_settings", unnamed);
    let forever = save(&|s| s["lifetimes"]["selfResetMinutes"] = json!(100_000));
    f.refusal("lifetimeOutOfRange", &d, "save_settings", forever);
    let short = save(&|s| s["passwordMinLength"] = json!(6));
    f.refusal("minLengthOutOfRange", &d, "save_settings", short);
    let ftp = save(&|s| s["breachCheckUrl"] = json!("ftp://breach.example"));
    f.refusal("httpsOnly", &d, "save_settings", ftp);
    let long_day = save(&|s| s["sessions"]["maxHours"] = json!(48));
    f.refusal("hoursOutOfRange", &d, "save_settings", long_day);
    let month = save(&|s| s["sessions"]["offlineSignInDays"] = json!(31));
    f.refusal("daysOutOfRange", &d, "save_settings", month);
    let to = json!({ "to": "frontdesk@harborview-clinic.example" });
    f.check(
        "testEmailPreview",
        &d.ok("send_test_email", to.clone())["message"],
    );
    let missing = json!({ "id": "missing-1" });
    f.refusal("previewNotFound", &d, "read_preview_mail", missing);
    d.ok(
        "save_settings",
        save(&|s| {
            s["mail"]["transport"] = json!("smtp");
            s["mail"]["host"] = json!("127.0.0.1");
            s["mail"]["port"] = json!(vetdesk_testkit::smtp::free_port());
            s["mail"]["security"] = json!("plain");
        }),
    );
    f.refusal("smtpUnreachable", &d, "send_test_email", to);
    let tech = d.staff_id("rnakamura");
    f.check(
        "resetSent",
        &d.ok("send_staff_reset", reset(tech))["message"],
    );
    f.check(
        "forgotAnswer",
        &d.ok("forgot_password", json!({ "identifier": "nobody" }))["message"],
    );

    d.idle_for(6);
    d.ok("session_activity", json!({}));
    f.refusal(
        "reauthRequired",
        &d,
        "save_settings",
        json!({ "settings": settings }),
    );
    f.refusal(
        "wrongPassword",
        &d,
        "confirm_password",
        json!({ "password": "not it" }),
    );
    d.ok("lock_session", json!({}));
    f.refusal("locked", &d, "list_staff", json!({ "query": "" }));

    setup_words(&f, &d);

    let all: BTreeSet<String> = f.messages.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        *f.checked.borrow(),
        all,
        "fixture messages that no command was asked for"
    );
}
