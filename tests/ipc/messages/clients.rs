//! The Clients, paw and bulk-invitation words of the UI fixture.

use super::*;

/// The first client of the demo clinic whose profile `wanted` picks.
fn client_where(d: &Desk, wanted: impl Fn(&Value) -> bool) -> i64 {
    let found = (1..500)
        .map(|id| d.ok("client_profile", json!({ "clientId": id })))
        .find(|p| wanted(p));
    found.expect("such a client")["id"].as_i64().unwrap()
}

#[test]
fn the_ui_fixture_speaks_the_client_commands_words() {
    let fixture: Value = fixture();
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
    let run = json!({ "jobId": run["progress"]["id"] });
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
