//! Starting and stopping the process.

use std::time::{Duration, Instant};

use crate::support::{client, Server, TestClinic};

#[tokio::test]
async fn a_missing_database_is_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("typo.sqlite3");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_vetdesk-server"))
        .arg("--database")
        .arg(format!("sqlite://{}", missing.display()))
        .args(["--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("There is no database at"), "{stderr}");
    assert!(!missing.exists());
}

#[tokio::test]
async fn a_stop_signal_ends_the_server_cleanly() {
    let clinic = TestClinic::new(None, &[]).await;
    let mut server = Server::start(&clinic.db, &[]);
    let health = client().get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    drop(health);
    let status = std::process::Command::new("kill")
        .args(["-TERM", &server.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(15);
    let exit = loop {
        if let Some(exit) = server.try_wait() {
            break exit;
        }
        assert!(
            Instant::now() < deadline,
            "still running:\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success(), "{exit}");
    let deadline = Instant::now() + Duration::from_secs(5);
    while !server.log().contains("vetdesk-server stopped") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        server.log().contains("vetdesk-server stopped"),
        "{}",
        server.log()
    );
}
