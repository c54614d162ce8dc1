//! The mail server down while the clinic's PostgreSQL server is up: a desk on the server takes a
//! reset as usual, the email waits in the clinic's outbox with the reason it did not go (the desk
//! stays online: it is the mail server that is gone, not the database), and goes once, exactly
//! once, when the mail server is back on its port.

use std::time::{Duration, Instant};

use vetdesk_testkit::smtp::{ServerOptions, SmtpServer};

use super::offline::{clinic_on_server, rt, OnServer};
use super::*;

#[test]
fn with_the_mail_server_down_a_reset_waits_in_the_outbox_and_goes_once_it_is_back() {
    let OnServer {
        d,
        network: _network,
        smtp,
        server,
        db: _db,
    } = clinic_on_server("ipc_mail_down");
    let jordan = staff_where(&d, |r| r["username"] == "jlee");
    let port = smtp.port;
    drop(smtp);

    let sent = d.ok("send_staff_reset", json!({ "staffId": jordan }));
    assert_eq!(sent["queued"], false, "{sent}");
    let row = || -> (String, i64, Option<String>) {
        rt(sqlx::query_as(
            "SELECT status, attempts::bigint, last_error FROM emails WHERE kind = 'staff_reset'",
        )
        .fetch_one(server.pool()))
        .unwrap()
    };
    let start = Instant::now();
    let (status, attempts, error) = loop {
        let found = row();
        if found.1 > 0 || start.elapsed() > Duration::from_secs(20) {
            break found;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!((status.as_str(), attempts), ("failed", 1));
    let error = error.unwrap_or_default();
    assert!(error.contains("Nothing is listening"), "{error}");
    let status = d.ok("connection_status", json!({}));
    assert_eq!(status["online"], true, "the database answers: {status}");
    d.ok("list_staff", json!({ "query": "" }));

    // Back on its port: the next retry delivers it, once.
    let back = SmtpServer::start_on(port, &ServerOptions::default(), None);
    let mail = back.wait_for_within(1, Duration::from_secs(30));
    assert_eq!(mail.len(), 1);
    assert_eq!(
        mail[0].envelope["rcpt_tos"][0],
        "jordan@bayside-pets.example"
    );
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(back.received().len(), 1);
    assert_eq!(row().0, "sent");
}
