//! Invite to portal while the clinic's PostgreSQL server cannot be reached, through a network the
//! test cuts: the run is checked against this computer's copy and queued with the clients it
//! counted, a second click on the same clients queues nothing, the queue survives a restart of
//! the desk while still offline, and back online the run is stored once under its key and sent
//! by this workstation, one invitation per client at a real SMTP server, its runner woken by the
//! replay; a replay repeated after a crash stores and sends nothing more. The bulk words of the UI
//! fixture are checked on the way.

use std::time::{Duration, Instant};

use vetdesk_core::client::NewClient;
use vetdesk_core::ports::ClientStore;
use vetdesk_testkit::smtp::recipients;

use super::offline::{
    clinic_on_server_with, requeued_after_restart, rt, sign_in, status_until, OnServer,
};
use super::*;

/// The Offline words this file's test checks.
pub(super) const CHECKED_HERE: [&str; 3] =
    ["bulkInviteQueued", "bulkInviteStarted", "bulkSubjectSearch"];

/// A client of the Brooks family, with an email and no portal account.
fn brooks(first: &str) -> NewClient {
    NewClient {
        first_name: first.into(),
        last_name: "Brooks".into(),
        email: Some(format!("{}.brooks@mail.example", first.to_lowercase())),
        phone: None,
        address: None,
        pets: Vec::new(),
    }
}

fn actions(status: &Value) -> Vec<Value> {
    status["actions"].as_array().cloned().unwrap_or_default()
}

#[test]
fn offline_a_bulk_invitation_is_queued_kept_across_a_restart_and_sent_once() {
    let f = Fixture {
        messages: fixture()["offlineMessages"].clone(),
        checked: RefCell::default(),
    };
    let more = ["Noah", "Iris", "Theo", "Ada"].map(brooks);
    let OnServer {
        d,
        network,
        smtp,
        server,
        db: _db,
    } = clinic_on_server_with("ipc_offline_bulk", &more);
    let pool = server.pool().clone();
    let count = |sql: &str| -> i64 { rt(sqlx::query_scalar(sql).fetch_one(&pool)).unwrap() };
    // The verifier of this morning's sign-in, which signs in again offline after the restart,
    // is made off the reply: give it a moment.
    std::thread::sleep(Duration::from_secs(2));

    // The network goes down; the search that finds it gone is served from the copy.
    network.cut();
    let search = json!({ "query": "brooks", "filter": "notRegisteredWithEmail", "after": null });
    let page = d.ok("search_clients", search);
    let mut ids: Vec<i64> = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 5, "{page}");
    assert_eq!(d.ok("connection_status", json!({}))["online"], false);

    let everyone = json!({ "selection": { "kind": "search", "query": "brooks",
        "filter": "notRegisteredWithEmail" } });
    let queued = d.ok("start_bulk_invite", everyone);
    assert_eq!(
        (&queued["kind"], &queued["total"]),
        (&json!("queued"), &json!(5)),
        "{queued}"
    );
    f.check("bulkInviteQueued", &queued["message"]);
    // The same clients picked by hand, in another order, while the first waits: nothing more.
    ids.reverse();
    let again = d.ok(
        "start_bulk_invite",
        json!({ "selection": { "kind": "clients", "ids": ids } }),
    );
    assert_eq!(again["kind"], "queued", "{again}");
    let waiting = actions(&d.ok("connection_status", json!({})));
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    assert_eq!(
        (&waiting[0]["kind"], &waiting[0]["state"]),
        (&json!("bulkInvite"), &json!("queued"))
    );
    f.check("bulkSubjectSearch", &waiting[0]["subjectName"]);
    assert_eq!(waiting[0]["subjectName"], "5 clients matching “brooks”");
    assert_eq!(count("SELECT count(*) FROM bulk_jobs"), 0);

    // The desk restarts with the network still down: the run waits in its queue file.
    let d = d.restart();
    assert_eq!(d.ok("connection_status", json!({}))["online"], false);
    sign_in(&d);
    let kept = actions(&d.ok("connection_status", json!({})));
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0]["subjectName"], waiting[0]["subjectName"]);
    assert_eq!(kept[0]["state"], "queued");

    // Back online: the run is stored under its key and this workstation sends it at once.
    network.restore();
    let settled = status_until(&d, Duration::from_secs(30), |s| {
        s["online"] == true && actions(s).iter().all(|a| a["state"] != "queued")
    });
    let action = &actions(&settled)[0];
    assert_eq!(action["state"], "sent", "{action}");
    f.check("bulkInviteStarted", &action["outcome"]);
    let mail = smtp.wait_for_within(5, Duration::from_secs(30));
    assert_eq!(
        recipients(&mail),
        [
            "ada.brooks@mail.example",
            "iris.brooks@mail.example",
            "maya.brooks@mail.example",
            "noah.brooks@mail.example",
            "theo.brooks@mail.example",
        ]
    );
    assert_eq!(count("SELECT count(*) FROM bulk_jobs"), 1);
    assert_eq!(
        count(
            "SELECT count(*) FROM bulk_jobs j JOIN staff s ON s.id = j.created_by \
             WHERE s.username = 'nhaddad' AND j.total = 5"
        ),
        1,
        "the run is the admin's who queued it, of the five clients counted"
    );
    assert_eq!(
        count(
            "SELECT count(*) FROM audit_events WHERE action_key IS NOT NULL \
             AND action = 'bulk_invite' AND detail LIKE '5 clients. Taken while%'"
        ),
        1
    );

    // A crash between the server's commit and this desk's record: the run waits again here.
    let d = requeued_after_restart(d, "kind = 'bulk_invite'");
    let again = status_until(&d, Duration::from_secs(30), |s| {
        let all = actions(s);
        !all.is_empty() && all.iter().all(|a| a["state"] != "queued")
    });
    assert!(
        again.to_string().contains("already had this action"),
        "{again}"
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(smtp.count(), 5, "nobody was invited twice");
    assert_eq!(count("SELECT count(*) FROM bulk_jobs"), 1);
    assert_eq!(count("SELECT count(*) FROM emails"), 5);
    assert_eq!(
        count("SELECT count(*) FROM audit_events WHERE action_key IS NOT NULL"),
        1
    );

    // The replay wakes this workstation's runner: a run it stores starts at once, not at the
    // runner's next look, 30 seconds after its last (here, the run of a client invited online).
    let later = rt(server.insert_clients(&[brooks("Eli"), brooks("Mia")], 1)).unwrap();
    sign_in(&d);
    let online_run = json!({ "selection": { "kind": "clients", "ids": [later[0]] } });
    assert_eq!(d.ok("start_bulk_invite", online_run)["kind"], "started");
    smtp.wait_for_within(6, Duration::from_secs(30));
    network.cut();
    d.call("list_staff", json!({ "query": "" })).ok();
    let offline_run = json!({ "selection": { "kind": "clients", "ids": [later[1]] } });
    assert_eq!(d.ok("start_bulk_invite", offline_run)["kind"], "queued");
    network.restore();
    let restored = Instant::now();
    let mail = smtp.wait_for_within(7, Duration::from_secs(40));
    assert!(
        mail.iter()
            .any(|m| m.envelope["rcpt_tos"][0] == "mia.brooks@mail.example"),
        "Mia's invitation went out"
    );
    assert!(
        restored.elapsed() < Duration::from_secs(15),
        "the run began {:?} after the server answered",
        restored.elapsed()
    );
    rt(server.close());

    let here: BTreeSet<String> = CHECKED_HERE.iter().map(|k| k.to_string()).collect();
    assert_eq!(*f.checked.borrow(), here);
}
