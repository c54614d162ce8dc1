//! Each command's access rules and input checks, and that nothing is written when it refuses.

use serde_json::{json, Value};
use vetdesk_store::sqlite::CountedTable;

use crate::desk;

#[test]
fn signed_out_commands_answer_not_signed_in() {
    let d = desk();
    assert_eq!(d.ok("current_session", json!({})), Value::Null);
    let id = d.staff_id("dpatel");
    for (cmd, args) in [
        ("list_staff", json!({ "query": "" })),
        ("staff_card", json!({ "staffId": id })),
        ("send_staff_reset", json!({ "staffId": id })),
        ("issue_one_time_code", json!({ "staffId": id })),
        (
            "update_staff_email",
            json!({ "staffId": id, "email": "a@b.example" }),
        ),
        ("get_settings", json!({})),
        ("settings_limits", json!({})),
        ("send_test_email", json!({ "to": "a@b.example" })),
        ("list_activity", json!({ "query": "" })),
        ("list_emails", json!({ "query": "" })),
        ("list_preview_mail", json!({})),
        ("read_preview_mail", json!({ "id": "x" })),
    ] {
        assert_eq!(d.code(cmd, args), "notSignedIn", "{cmd}");
    }
    assert_eq!(d.count(CountedTable::Emails), 0);
}

#[test]
fn login_and_session_round_trip() {
    let d = desk();
    assert_eq!(
        d.code("login", json!({ "username": "admin", "password": "wrong" })),
        "invalidCredentials"
    );
    assert_eq!(
        d.code("login", json!({ "username": "", "password": "x" })),
        "invalidInput"
    );
    assert_eq!(
        d.code(
            "login",
            json!({ "username": "admin\r\nx", "password": "x" })
        ),
        "invalidInput"
    );
    let big = "a".repeat(1_000_000);
    assert_eq!(
        d.code("login", json!({ "username": big, "password": big })),
        "invalidInput"
    );
    let me = d.login("admin");
    assert_eq!(me["role"], "admin");
    assert_eq!(d.ok("current_session", json!({}))["username"], "admin");
    let info = d.ok("app_info", json!({}));
    assert_eq!(info["clinicName"], "Harborview Animal Clinic");
    assert_eq!(info["mailTransport"], "preview");
    d.ok("logout", json!({}));
    assert_eq!(d.ok("current_session", json!({})), Value::Null);
}

#[test]
fn forgot_password_answers_the_same_words_for_anyone() {
    let d = desk();
    let known = d.ok("forgot_password", json!({ "identifier": "dpatel" }));
    let unknown = d.ok("forgot_password", json!({ "identifier": "nobody-here" }));
    assert_eq!(known, unknown);
    assert!(known["message"].as_str().unwrap().contains("spam/junk"));
    assert_eq!(
        d.code("forgot_password", json!({ "identifier": " " })),
        "invalidInput"
    );
    assert_eq!(d.count(CountedTable::Emails), 1);
}

#[test]
fn staff_commands_enforce_roles_and_validate_input() {
    let d = desk();
    let admin = d.staff_id("admin");
    let vet = d.staff_id("dpatel");
    d.login("jokafor");
    assert_eq!(d.code("list_staff", json!({ "query": "" })), "forbidden");
    assert_eq!(
        d.code("send_staff_reset", json!({ "staffId": vet })),
        "forbidden"
    );
    assert_eq!(d.code("get_settings", json!({})), "forbidden");
    assert_eq!(d.code("settings_limits", json!({})), "forbidden");
    assert_eq!(d.code("list_activity", json!({ "query": "" })), "forbidden");
    assert_eq!(d.code("list_preview_mail", json!({})), "forbidden");

    d.login("mreyes");
    assert_eq!(
        d.code("send_staff_reset", json!({ "staffId": admin })),
        "forbidden"
    );
    assert_eq!(
        d.code("issue_one_time_code", json!({ "staffId": admin })),
        "forbidden"
    );
    assert_eq!(
        d.code(
            "update_staff_email",
            json!({ "staffId": admin, "email": "me@evil.example" })
        ),
        "forbidden"
    );
    assert_eq!(d.code("get_settings", json!({})), "forbidden");
    assert_eq!(
        d.code("staff_card", json!({ "staffId": 999_999 })),
        "notFound"
    );
    let bad_email = d.err(
        "update_staff_email",
        json!({ "staffId": vet, "email": "no-domain@" }),
    );
    assert_eq!(bad_email["code"], "invalidInput");
    assert_eq!(bad_email["field"], "email");
    assert_eq!(
        d.code("list_staff", json!({ "query": "x".repeat(1_000_000) })),
        "invalidInput"
    );
    // A wrongly typed argument is refused by the IPC layer itself.
    assert!(d
        .call("staff_card", json!({ "staffId": "1; drop table staff" }))
        .is_err());
    assert_eq!(d.count(CountedTable::Emails), 0);
    assert_eq!(d.count(CountedTable::Tokens), 0);

    let card = d.ok("staff_card", json!({ "staffId": admin }));
    assert_eq!(card["canReset"], false);
    let sent = d.ok("send_staff_reset", json!({ "staffId": vet }));
    assert_eq!(
        sent["message"],
        "Email is not set up, so the reset email for d•••@harborview-clinic.example was written \
         to the preview outbox and not sent. Use Show one-time code to hand over a code in person."
    );
    let again = d.err("send_staff_reset", json!({ "staffId": vet }));
    assert_eq!(again["code"], "resendTooSoon");
    assert!(again["retryAfterSecs"].as_u64().unwrap() <= 60);
    let code = d.ok("issue_one_time_code", json!({ "staffId": vet }));
    assert_eq!(code["code"].as_str().unwrap().len(), 11);
    let rows = d.ok("list_staff", json!({ "query": "pat" }));
    assert!(rows
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["username"] == "dpatel"));
}

#[test]
fn reset_commands_refuse_bad_tokens_and_weak_passwords() {
    let d = desk();
    for token in ["", "nope", &"A".repeat(43), &"\u{202E}".repeat(20)] {
        assert_eq!(
            d.code("check_reset_link", json!({ "token": token })),
            "tokenInvalid"
        );
    }
    let secret = json!({ "kind": "code", "username": "dpatel", "code": "ABCDE-FGHJK" });
    assert_eq!(
        d.code(
            "complete_reset",
            json!({ "secret": secret, "password": "x", "confirm": "x" })
        ),
        "tokenInvalid"
    );
    assert!(d
        .call(
            "complete_reset",
            json!({ "secret": { "kind": "magic" }, "password": "x", "confirm": "x" })
        )
        .is_err());
    assert_eq!(d.ok("password_policy", json!({}))["minLength"], 15);
    assert_eq!(d.ok("pending_reset_link", json!({})), Value::Null);
}

#[test]
fn settings_are_validated_before_anything_is_stored() {
    let d = desk();
    d.login("admin");
    let settings = d.ok("get_settings", json!({}));
    assert_eq!(settings["mail"]["hasPassword"], false);
    let mut bad = settings.clone();
    bad["clinic"]["name"] = json!("Harborview\r\nBcc: everyone@x.example");
    let refused = d.err(
        "save_settings",
        json!({ "settings": bad, "smtpPassword": "secret-one" }),
    );
    assert_eq!(refused["code"], "invalidInput");
    assert_eq!(refused["field"], "clinic.name");
    let mut bad = settings.clone();
    bad["lifetimes"]["oneTimeCodeMinutes"] = json!(61);
    let refused = d.err("save_settings", json!({ "settings": bad }));
    assert_eq!(refused["field"], "lifetimes.oneTimeCodeMinutes");
    let refused = d.err(
        "save_settings",
        json!({ "settings": settings, "smtpPassword": "line\nbreak" }),
    );
    assert_eq!(refused["field"], "smtpPassword");
    // The refused save did not store the password either.
    assert_eq!(
        d.ok("get_settings", json!({}))["mail"]["hasPassword"],
        false
    );
    let mut good = settings.clone();
    good["clinic"]["phone"] = json!("+1 555 0199");
    let saved = d.ok(
        "save_settings",
        json!({ "settings": good, "smtpPassword": "secret-one" }),
    );
    assert_eq!(saved["clinic"]["phone"], "+1 555 0199");
    assert_eq!(saved["mail"]["hasPassword"], true);
    let cleared = d.ok(
        "save_settings",
        json!({ "settings": saved, "smtpPassword": "" }),
    );
    assert_eq!(cleared["mail"]["hasPassword"], false);
    let bad_to = d.err("send_test_email", json!({ "to": "not an address" }));
    assert_eq!(bad_to["code"], "invalidInput");
    assert_eq!(bad_to["field"], "to");
    let sent = d.ok(
        "send_test_email",
        json!({ "to": "frontdesk@harborview-clinic.example" }),
    );
    assert!(sent["message"].as_str().unwrap().contains("preview"));
    let mail = d.ok("list_preview_mail", json!({}));
    let id = mail[0]["id"].as_str().unwrap().to_string();
    let full = d.ok("read_preview_mail", json!({ "id": id }));
    assert!(full["subject"].as_str().unwrap().contains("test email"));
    assert!(d
        .call("read_preview_mail", json!({ "id": "../../etc/passwd" }))
        .is_err());
    let activity = d.ok("list_activity", json!({ "query": "settings" }));
    assert!(!activity.as_array().unwrap().is_empty());
    let emails = d.ok("list_emails", json!({ "query": "" }));
    assert!(emails.as_array().is_some());
}

#[test]
fn the_outbox_key_is_exported_only_to_an_admin_and_only_this_user_can_read_it() {
    let d = desk();
    d.login("jokafor");
    assert_eq!(d.code("export_dispatch_key", json!({})), "forbidden");
    d.login("admin");
    let path = d.data_dir().join("vetdesk-server-dispatch.key");
    // A file left there before, readable by anyone, is not where the key goes.
    std::fs::write(&path, "left over").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let exported = d.ok("export_dispatch_key", json!({}));
    assert_eq!(exported["path"], path.display().to_string());
    let text = std::fs::read_to_string(&path).unwrap();
    let sealer = vetdesk_core::seal::Sealer::import(&text).unwrap();
    assert_eq!(exported["fingerprint"], sealer.fingerprint());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let exported_audit = d.ok("list_activity", json!({ "query": "dispatch_key" }));
    assert_eq!(
        exported_audit.as_array().unwrap().len(),
        1,
        "{exported_audit}"
    );
    d.idle_for(6);
    d.ok("session_activity", json!({}));
    assert_eq!(d.code("export_dispatch_key", json!({})), "reauthRequired");
}
