//! The UI tests' mock back end takes its words from `ui/tests/fixtures/messages.json`. Each
//! entry is checked here against what the real commands answer, so the two cannot drift.

use std::cell::RefCell;
use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::setup::setup_args;
use crate::{desk, desk_of, Desk};

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
    let fixture: Value =
        serde_json::from_str(include_str!("../../ui/tests/fixtures/messages.json")).unwrap();
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

/// The first client of the demo clinic whose profile `wanted` picks.
fn client_where(d: &Desk, wanted: impl Fn(&Value) -> bool) -> i64 {
    let found = (1..500)
        .map(|id| d.ok("client_profile", json!({ "clientId": id })))
        .find(|p| wanted(p));
    found.expect("such a client")["id"].as_i64().unwrap()
}

#[test]
fn the_ui_fixture_speaks_the_client_commands_words() {
    let fixture: Value =
        serde_json::from_str(include_str!("../../ui/tests/fixtures/messages.json")).unwrap();
    let f = Fixture {
        messages: fixture["clientMessages"].clone(),
        checked: RefCell::default(),
    };
    let d = desk();
    d.login("admin");
    let with_email = client_where(&d, |p| p["email"].is_string());
    let paw = |id: i64| json!({ "clientId": id });
    f.refusal("clinicUrlMissing", &d, "send_portal_link", paw(with_email));
    f.refusal("clientNotFound", &d, "client_profile", paw(999_999));
    let huge = json!({ "query": "x".repeat(500), "filter": "all", "after": null });
    f.refusal("searchTooLong", &d, "search_clients", huge);
    let mut settings = d.ok("get_settings", json!({}));
    settings["clinic"]["clinicUrl"] = json!("https://portal.harborview-clinic.example");
    d.ok("save_settings", json!({ "settings": settings.clone() }));
    let without_email = client_where(&d, |p| p["email"].is_null());
    f.refusal("clientNoEmail", &d, "send_portal_link", paw(without_email));
    // The demo clinic's mail goes to the preview outbox, and the words say so.
    f.check(
        "portalKeptInPreview",
        &d.ok("send_portal_link", paw(with_email))["message"],
    );
    let taken = d.ok("client_profile", paw(with_email))["email"].clone();
    let other = client_where(&d, |p| p["email"].is_string() && p["id"] != with_email);
    let same = json!({ "clientId": other, "email": taken });
    f.refusal("portalUsernameTaken", &d, "set_client_email", same);

    let select = |ids: Vec<i64>| json!({ "selection": { "kind": "clients", "ids": ids } });
    f.refusal(
        "bulkNothingSelected",
        &d,
        "start_bulk_invite",
        select(vec![]),
    );
    let too_many = (1..=i64::try_from(vetdesk_core::recovery::BULK_MAX).unwrap() + 1).collect();
    f.refusal("bulkTooMany", &d, "start_bulk_invite", select(too_many));
    f.refusal(
        "bulkRunNotFound",
        &d,
        "bulk_invite_progress",
        json!({ "jobId": 999_999 }),
    );
    let run = d.ok("start_bulk_invite", select(vec![with_email, without_email]));
    let run = json!({ "jobId": run["id"] });
    let done = (0..200)
        .map(|_| {
            std::thread::sleep(std::time::Duration::from_millis(50));
            d.ok("bulk_invite_progress", run.clone())
        })
        .find(|p| p["status"] == "done")
        .expect("the run ends");
    let reasons = &done["notSent"];
    f.check("bulkRegistered", &reasons[0]["reason"]);
    f.check("bulkNoEmail", &reasons[1]["reason"]);
    // Need a client removed, or an address shared with another client's portal account, in
    // the middle of a run to provoke; the constants are what the run answers.
    use vetdesk_core::bulk::BulkOutcome;
    f.check(
        "bulkEmailInUse",
        &json!(BulkOutcome::SkippedEmailInUse.reason()),
    );
    f.check("bulkFailed", &json!(BulkOutcome::Failed.reason()));
    f.check(
        "bulkRemovedClient",
        &json!(vetdesk_core::bulk::REMOVED_CLIENT),
    );

    settings["mail"]["transport"] = json!("smtp");
    settings["mail"]["host"] = json!("127.0.0.1");
    settings["mail"]["port"] = json!(vetdesk_testkit::smtp::free_port());
    settings["mail"]["security"] = json!("plain");
    d.ok("save_settings", json!({ "settings": settings }));
    let fresh = client_where(&d, |p| {
        p["email"].is_string() && p["portal"]["status"] == "notRegistered" && p["id"] != other
    });
    f.check(
        "portalInviteSent",
        &d.ok("send_portal_link", paw(fresh))["message"],
    );

    d.login("dpatel");
    f.refusal("forbiddenPortal", &d, "send_portal_link", paw(with_email));
    f.refusal(
        "forbiddenBulk",
        &d,
        "start_bulk_invite",
        select(vec![with_email]),
    );

    let all: BTreeSet<String> = f.messages.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        *f.checked.borrow(),
        all,
        "fixture messages that no command was asked for"
    );
}

/// A stand-in web server on this computer for exactly one request: the clinic URL check makes
/// one, and follows no redirect.
struct OneRequest {
    url: String,
    release: std::sync::mpsc::Sender<()>,
    request: std::thread::JoinHandle<String>,
}

impl OneRequest {
    /// Answers the request with `response`, a whole HTTP/1.1 response; `None` holds the
    /// connection open without a word, so that the check has to give up waiting.
    fn start(response: Option<String>) -> Self {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let (release, released) = std::sync::mpsc::channel::<()>();
        let request = std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(&stream);
            let mut first = String::new();
            reader.read_line(&mut first).unwrap();
            let mut line = first.clone();
            while !line.trim_end().is_empty() {
                line.clear();
                if reader.read_line(&mut line).unwrap() == 0 {
                    break;
                }
            }
            match response {
                Some(response) => (&stream).write_all(response.as_bytes()).unwrap(),
                // Returns once the test is done with this server.
                None => _ = released.recv(),
            }
            first.trim_end().to_string()
        });
        Self {
            url,
            release,
            request,
        }
    }

    /// The request line it was sent, once the check is over.
    fn request_line(self) -> String {
        drop(self.release);
        self.request.join().unwrap()
    }
}

fn http_response(status: &str, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )
}

/// What vetdesk-server's `/healthz` answers: the server's own tests check it sends this body
/// (`healthz_reports_the_version_and_the_database`, with a reachable database); with an
/// unreachable one it sends the same body with `"database": "unreachable"` and a 503.
fn healthz(status: &str, database: &str) -> String {
    let body = json!({
        "status": "ok",
        "version": "9.8.7",
        "database": database,
        "dispatch": "off",
    });
    http_response(status, "application/json", &body.to_string())
}

#[test]
fn the_ui_fixture_speaks_the_settings_commands_words() {
    use vetdesk_core::testing::dkim::{
        RSA_2048_CERTIFICATE, RSA_2048_ENCRYPTED, RSA_2048_PKCS8, RSA_2048_PUBLIC,
    };

    let fixture: Value =
        serde_json::from_str(include_str!("../../ui/tests/fixtures/messages.json")).unwrap();
    let f = Fixture {
        messages: fixture["settingsMessages"].clone(),
        checked: RefCell::default(),
    };
    let d = desk();
    // A fresh sign-in is the recent password entry that saving settings and keys asks for.
    d.login("admin");
    let check = |url: &str| d.ok("check_clinic_url", json!({ "url": url }));
    let settings = d.ok("get_settings", json!({}));
    let save = |change: &dyn Fn(&mut Value)| {
        let mut changed = settings.clone();
        change(&mut changed);
        json!({ "settings": changed })
    };

    f.refusal(
        "clinicUrlEmpty",
        &d,
        "check_clinic_url",
        json!({ "url": "  " }),
    );
    // The check refuses an address as saving it would: both are asked.
    for (key, typed) in [
        ("webAddressNotFull", "portal.clinic.example"),
        ("webAddressUserInfo", "https://clinic@evil.example"),
        (
            "webAddressExtraParts",
            "https://portal.clinic.example/?next=x",
        ),
        ("controlCharacters", "https://portal.clinic.example/\nX: y"),
    ] {
        f.refusal(key, &d, "check_clinic_url", json!({ "url": typed }));
        let typed = save(&|s| s["clinic"]["clinicUrl"] = json!(typed));
        f.refusal(key, &d, "save_settings", typed);
    }

    // http:// passes for this computer only, which is where these servers run.
    let nobody = format!("http://127.0.0.1:{}", vetdesk_testkit::smtp::free_port());
    let nothing = check(&nobody);
    f.check("clinicUrlNothing", &nothing["message"]);
    assert_eq!(nothing["live"], false);

    let silent = OneRequest::start(None);
    let waited = check(&silent.url);
    f.check("clinicUrlTimeout", &waited["message"]);
    assert_eq!(silent.request_line(), "GET /healthz HTTP/1.1");

    let other = OneRequest::start(Some(http_response(
        "404 Not Found",
        "text/plain",
        "Not Found",
    )));
    let stranger = check(&other.url);
    f.check("clinicUrlNotVetDesk", &stranger["message"]);
    assert_eq!(stranger["version"], Value::Null);
    assert_eq!(other.request_line(), "GET /healthz HTTP/1.1");

    let up = OneRequest::start(Some(healthz("200 OK", "ok")));
    let live = check(&up.url);
    f.check("clinicUrlLive", &live["message"]);
    assert_eq!(
        (&live["live"], &live["version"]),
        (&json!(true), &json!("9.8.7"))
    );
    assert_eq!(up.request_line(), "GET /healthz HTTP/1.1");

    let cut_off = OneRequest::start(Some(healthz("503 Service Unavailable", "unreachable")));
    let no_database = check(&cut_off.url);
    f.check("clinicUrlNoDatabase", &no_database["message"]);
    assert_eq!(no_database["live"], false);
    assert_eq!(cut_off.request_line(), "GET /healthz HTTP/1.1");

    let dkim = |domain: &str, selector: &str| {
        let dkim = json!({ "domain": domain, "selector": selector });
        save(&|s| s["mail"]["dkim"] = dkim.clone())
    };
    let no_dot = dkim("harborview-clinic", "vetdesk1");
    f.refusal("dkimDomainInvalid", &d, "save_settings", no_dot);
    let spaced = dkim("harborview-clinic.example", "vetdesk 1");
    f.refusal("dkimSelectorInvalid", &d, "save_settings", spaced);
    // Every label within the 63 characters DNS allows, the whole name over 253.
    let deep = format!(
        "{}.{}.{}.harborview-clinic.example",
        "a".repeat(60),
        "b".repeat(60),
        "c".repeat(40)
    );
    let too_long = dkim(&deep, &"s".repeat(63));
    f.refusal("dkimNameTooLong", &d, "save_settings", too_long);
    // The demo clinic sends from no-reply@harborview-clinic.example.
    let elsewhere = dkim("riverside-vet.example", "vetdesk1");
    f.refusal("dkimNotAligned", &d, "save_settings", elsewhere);

    let paste = |key: &str| json!({ "key": key });
    let huge = "A".repeat(20_000);
    f.refusal("dkimKeyTooLong", &d, "set_dkim_key", paste(&huge));
    // The key without its BEGIN and END lines, as a hurried copy leaves it.
    let body_only: String = RSA_2048_PKCS8
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    f.refusal("dkimKeyNotPem", &d, "set_dkim_key", paste(&body_only));
    let half = &RSA_2048_PKCS8[..RSA_2048_PKCS8.len() / 2];
    f.refusal("dkimKeyDamaged", &d, "set_dkim_key", paste(half));
    let encrypted = paste(RSA_2048_ENCRYPTED);
    f.refusal("dkimKeyEncrypted", &d, "set_dkim_key", encrypted);
    f.refusal("dkimKeyPublic", &d, "set_dkim_key", paste(RSA_2048_PUBLIC));
    let certificate = paste(RSA_2048_CERTIFICATE);
    f.refusal("dkimKeyCertificate", &d, "set_dkim_key", certificate);
    // The same settings and key, whole, are taken: the refusals above are about what was typed
    // and pasted, not about the session.
    d.ok(
        "save_settings",
        dkim("harborview-clinic.example", "vetdesk1"),
    );
    let record = d.ok("set_dkim_key", paste(RSA_2048_PKCS8));
    assert_eq!(
        record["name"],
        "vetdesk1._domainkey.harborview-clinic.example"
    );
    // Out of the real keyring again: a test leaves no key behind.
    d.ok("set_dkim_key", json!({ "key": null }));

    let all: BTreeSet<String> = f.messages.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        *f.checked.borrow(),
        all,
        "fixture messages that no command was asked for"
    );
}
