//! A pulled cable between the desk and the clinic's server: the network stops carrying anything
//! and closes nothing (a half-open connection, which no error reports). The desk finds the server
//! silent by its health check. A call that was waiting for the server's answer is given up then,
//! in words, instead of when TCP gives up many minutes later, and nothing of it is written; the
//! next calls answer from this computer's copy, and what is taken meanwhile is queued and goes
//! once the network is back.

use std::sync::mpsc;
use std::time::Duration;

use sqlx::Connection;

use super::offline::{clinic_on_server, status_until, OnServer};
use super::*;

/// Long enough for a health check (every 2 s, 2 s to answer) and the copy; far shorter than
/// TCP's minutes.
const WITHIN: Duration = Duration::from_secs(20);

/// `cmd` through the desk's window on a thread of its own, answered within [`WITHIN`].
fn answered_within(d: &Desk, cmd: &'static str, args: Value) -> Value {
    let window = d.window.clone();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(crate::invoke(&window, cmd, args));
    });
    match rx.recv_timeout(WITHIN) {
        Ok(Ok(answer)) => answer,
        Ok(Err(e)) => panic!("{cmd} failed: {e}"),
        Err(_) => panic!("{cmd} still waits for the silent server after {WITHIN:?}"),
    }
}

#[test]
fn a_server_fallen_silent_is_worked_around_within_seconds() {
    let OnServer {
        d, network, smtp, ..
    } = clinic_on_server("ipc_stall");
    let staff_rows = d.ok("list_staff", json!({ "query": "" }));
    let jordan = staff_where(&d, |r| r["username"] == "jlee");

    network.stall();
    let listed = answered_within(&d, "list_staff", json!({ "query": "" }));
    assert_eq!(listed, staff_rows, "the copy lists the same staff");
    let status = d.ok("connection_status", json!({}));
    assert_eq!(status["online"], false, "{status}");
    let page = answered_within(
        &d,
        "search_clients",
        json!({ "query": "brooks", "filter": "all", "after": null }),
    );
    assert_eq!(page["rows"][0]["lastName"], "Brooks", "{page}");
    let sent = answered_within(&d, "send_staff_reset", json!({ "staffId": jordan }));
    assert_eq!(sent["queued"], true, "{sent}");

    network.restore();
    status_until(&d, WITHIN, |s| {
        s["online"] == true
            && s["actions"]
                .as_array()
                .is_some_and(|a| a.iter().all(|a| a["state"] == "sent"))
    });
    let mail = smtp.wait_for_within(1, WITHIN);
    assert_eq!(mail.len(), 1);
    assert_eq!(
        mail[0].envelope["rcpt_tos"][0],
        "jordan@bayside-pets.example"
    );
}

#[test]
fn a_call_waiting_on_a_server_fallen_silent_is_given_up_in_words() {
    let OnServer {
        d,
        network,
        server,
        db,
        ..
    } = clinic_on_server("ipc_stall_write");
    let jordan = staff_where(&d, |r| r["username"] == "jlee");
    let resets = "SELECT count(*) FROM reset_tokens";
    let count = |sql: &str| -> i64 {
        super::offline::rt(sqlx::query_scalar(sql).fetch_one(server.pool())).unwrap()
    };
    let before = count(resets);

    // Another desk holds the clinic's write lock: this desk's reset waits for the server.
    let mut other = super::offline::rt(sqlx::PgConnection::connect(&db.url)).unwrap();
    let lock = super::offline::rt(async {
        let mut tx = other.begin().await.unwrap();
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(vetdesk_store::postgres::WRITE_LOCK)
            .execute(&mut *tx)
            .await
            .unwrap();
        tx
    });
    let window = d.window.clone();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let args = json!({ "staffId": jordan });
        let _ = tx.send(crate::invoke(&window, "send_staff_reset", args));
    });
    std::thread::sleep(Duration::from_millis(500));
    // The cable is pulled while it waits; the lock is let go, and the answer is lost on the way.
    network.stall();
    super::offline::rt(lock.commit()).unwrap();
    let answer = match rx.recv_timeout(WITHIN) {
        Ok(answer) => answer,
        Err(_) => panic!("the reset still waits for the silent server after {WITHIN:?}"),
    };
    let refused = answer.expect_err("the server never answered");
    assert_eq!(
        refused["message"],
        vetdesk_lib::commands::STOPPED_ANSWERING,
        "{refused}"
    );
    assert_eq!(d.ok("connection_status", json!({}))["online"], false);

    network.restore();
    status_until(&d, WITHIN, |s| s["online"] == true);
    assert_eq!(
        count(resets),
        before,
        "nothing of the lost call was written"
    );
    let sent = d.ok("send_staff_reset", json!({ "staffId": jordan }));
    assert_eq!(sent["queued"], false, "{sent}");
    assert_eq!(count(resets), before + 1);
}
