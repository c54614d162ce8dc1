//! Clients, the paw icon and bulk invitations through the real IPC layer: who may do what, bad
//! input, and a bulk run of 500 clients delivered to a real SMTP server exactly once across a
//! cancel, a restart of the app and a resume.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use vetdesk_store::sqlite::CountedTable;
use vetdesk_testkit::smtp::{ServerOptions, SmtpServer};

use crate::{desk, Desk};

const CLINIC_URL: &str = "https://portal.harborview-clinic.example";

/// The first client a search finds.
fn first_client(d: &Desk, query: &str) -> Value {
    let page = d.ok(
        "search_clients",
        json!({ "query": query, "filter": "all", "after": null }),
    );
    page["rows"][0].clone()
}

/// Saves the clinic URL (and, given a server, SMTP to it) as the admin, then signs out.
fn set_up_mail(d: &Desk, smtp: Option<&SmtpServer>) {
    d.login("admin");
    let mut settings = d.ok("get_settings", json!({}));
    settings["clinic"]["clinicUrl"] = json!(CLINIC_URL);
    if let Some(server) = smtp {
        settings["mail"]["transport"] = json!("smtp");
        settings["mail"]["host"] = json!("127.0.0.1");
        settings["mail"]["port"] = json!(server.port);
        settings["mail"]["security"] = json!("plain");
    }
    d.ok("save_settings", json!({ "settings": settings }));
    d.ok("logout", json!({}));
}

#[test]
fn every_role_looks_clients_up_and_only_the_front_desk_roles_send() {
    let d = desk();
    set_up_mail(&d, None);
    for (username, may_send) in [
        ("dpatel", false),
        ("rnakamura", false),
        ("jokafor", true),
        ("mreyes", true),
        ("admin", true),
    ] {
        d.login(username);
        let client = first_client(&d, "");
        let id = client["id"].as_i64().unwrap();
        let profile = d.ok("client_profile", json!({ "clientId": id }));
        assert_eq!(profile["canSend"], may_send, "{username}");
        if !may_send {
            assert_eq!(
                d.code("send_portal_link", json!({ "clientId": id })),
                "forbidden",
                "{username}"
            );
            assert_eq!(
                d.code(
                    "set_client_email",
                    json!({ "clientId": id, "email": "new@mail.example" })
                ),
                "forbidden"
            );
        }
        d.ok("logout", json!({}));
    }
    assert_eq!(d.count(CountedTable::Emails), 0);
}

#[test]
fn the_paw_invites_then_resets_and_refuses_bad_input_without_writing() {
    let d = desk();
    set_up_mail(&d, None);
    d.login("jokafor");
    let page = d.ok(
        "search_clients",
        json!({ "query": "", "filter": "notRegisteredWithEmail", "after": null }),
    );
    let client = &page["rows"][0];
    let id = client["id"].as_i64().unwrap();
    assert_eq!(client["portal"], "notRegistered");
    let sent = d.ok("send_portal_link", json!({ "clientId": id }));
    assert_eq!(sent["invitation"], true);
    let profile = d.ok("client_profile", json!({ "clientId": id }));
    assert_eq!(profile["portal"]["status"], "invited");
    assert!(profile["portal"]["inviteExpiresAt"].as_i64().is_some());
    assert_eq!(profile["lastEmail"]["invitation"], true);
    let too_soon = d.err("send_portal_link", json!({ "clientId": id }));
    assert_eq!(too_soon["code"], "resendTooSoon");
    assert!(too_soon["retryAfterSecs"].as_u64().unwrap() > 50);
    let emails = d.count(CountedTable::Emails);
    for (args, code) in [
        (json!({ "clientId": 99_999_999 }), "notFound"),
        (json!({ "clientId": "one" }), ""),
    ] {
        let e = d.err("send_portal_link", args);
        if !code.is_empty() {
            assert_eq!(e["code"], code);
        }
    }
    for bad in [
        "",
        "no-at-sign",
        "a@b",
        "x@mail.example\r\nBcc: all@mail.example",
    ] {
        let e = d.err("set_client_email", json!({ "clientId": id, "email": bad }));
        assert_eq!(e["field"], "email", "{bad:?}");
    }
    let huge = "x".repeat(100_000);
    assert_eq!(
        d.code(
            "search_clients",
            json!({ "query": huge, "filter": "all", "after": null })
        ),
        "invalidInput"
    );
    assert_eq!(d.count(CountedTable::Emails), emails);
}

/// Waits until the job is no longer running, or `deadline` passes.
fn wait_for_job(d: &Desk, job: i64, deadline: Duration) -> Value {
    let start = Instant::now();
    loop {
        let progress = d.ok("bulk_invite_progress", json!({ "jobId": job }));
        if progress["status"] != "running" || start.elapsed() > deadline {
            return progress;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_bulk_run_of_500_clients_is_delivered_once_across_cancel_restart_and_resume() {
    let smtp = SmtpServer::start(&ServerOptions::default(), None);
    let d = desk();
    set_up_mail(&d, Some(&smtp));
    d.login("mreyes");
    // 500 clients with an email and no portal account, and one without an email.
    let mut ids = Vec::new();
    let mut after = Value::Null;
    while ids.len() < 500 {
        let page = d.ok(
            "search_clients",
            json!({ "query": "", "filter": "notRegisteredWithEmail", "after": after }),
        );
        for row in page["rows"].as_array().unwrap() {
            if ids.len() < 500 {
                ids.push(row["id"].as_i64().unwrap());
            }
        }
        after = page["next"].clone();
    }
    let without_email = (1..)
        .map(|id| d.ok("client_profile", json!({ "clientId": id })))
        .find(|p| p["email"].is_null())
        .unwrap();
    let mut selection = ids.clone();
    selection.push(without_email["id"].as_i64().unwrap());

    let started = d.ok(
        "start_bulk_invite",
        json!({ "selection": { "kind": "clients", "ids": selection } }),
    );
    assert_eq!(started["kind"], "started", "{started}");
    let started = &started["progress"];
    let job = started["id"].as_i64().unwrap();
    assert_eq!(started["total"], 501);
    // Cancel part-way: what was sent stays sent, the rest waits.
    while d.ok("bulk_invite_progress", json!({ "jobId": job }))["sent"]
        .as_u64()
        .unwrap()
        < 50
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    let cancelled = d.ok("cancel_bulk_invite", json!({ "jobId": job }));
    assert_eq!(cancelled["status"], "cancelled");
    // The client being invited when the cancel came is finished; nothing after it starts.
    std::thread::sleep(Duration::from_millis(500));
    let still = d.ok("bulk_invite_progress", json!({ "jobId": job }));
    let sent_at_cancel = still["sent"].as_u64().unwrap();
    assert!(
        sent_at_cancel - cancelled["sent"].as_u64().unwrap() <= 1,
        "{still}"
    );
    assert!(sent_at_cancel < 500, "{still}");
    std::thread::sleep(Duration::from_millis(500));
    let later = d.ok("bulk_invite_progress", json!({ "jobId": job }));
    assert_eq!(later["sent"].as_u64().unwrap(), sent_at_cancel);

    // Resume with a second run over the same selection, and restart the app part-way.
    let second = d.ok(
        "start_bulk_invite",
        json!({ "selection": { "kind": "clients", "ids": selection } }),
    )["progress"]["id"]
        .as_i64()
        .unwrap();
    while d.ok("bulk_invite_progress", json!({ "jobId": second }))["sent"]
        .as_u64()
        .unwrap()
        < 20
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    let d = d.restart();
    d.login("mreyes");
    let done = wait_for_job(&d, second, Duration::from_secs(120));
    assert_eq!(done["status"], "done", "{done}");
    let sent = done["sent"].as_u64().unwrap();
    let skipped = done["skipped"].as_u64().unwrap();
    assert_eq!(done["failed"], 0);
    // The first run's clients are skipped as already invited; the rest are sent.
    assert_eq!(sent + sent_at_cancel, 500, "{done}");
    assert_eq!(sent + skipped, 501, "{done}");
    let reasons: Vec<&str> = done["notSent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reason"].as_str().unwrap())
        .collect();
    assert!(reasons.contains(&"No email address on file"), "{reasons:?}");

    // Each of the 500 got exactly one invitation at the SMTP server.
    // The run is done when every invitation is in the outbox; the dispatcher may still be
    // sending the last of them.
    let received = smtp.wait_for_within(500, Duration::from_secs(60));
    std::thread::sleep(Duration::from_secs(1));
    let received = if smtp.received().len() > received.len() {
        smtp.received()
    } else {
        received
    };
    let mut per_recipient: BTreeMap<String, usize> = BTreeMap::new();
    for message in &received {
        let to = message.envelope["rcpt_tos"][0]
            .as_str()
            .unwrap()
            .to_string();
        *per_recipient.entry(to).or_default() += 1;
    }
    assert_eq!(per_recipient.len(), 500);
    assert!(per_recipient.values().all(|n| *n == 1), "{per_recipient:?}");
}
