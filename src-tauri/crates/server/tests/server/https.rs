//! The server serving HTTPS itself, with `--tls-cert` and `--tls-key`.

use crate::support::{Server, TestCert, TestClinic, NEW_PASSWORD};

#[tokio::test]
async fn https_with_a_given_certificate_serves_the_pages_and_completes_a_reset() {
    let clinic = TestClinic::new(None, &["mrivera"]).await;
    let link = clinic.reset_link("mrivera").await;
    let cert = TestCert::generate(clinic.dir.path());
    let server = Server::start(
        &clinic.db,
        &[
            "--tls-cert",
            cert.cert.to_str().unwrap(),
            "--tls-key",
            cert.key.to_str().unwrap(),
        ],
    );
    assert!(
        server.base.starts_with("https://127.0.0.1:"),
        "{}",
        server.base
    );
    let client = cert.client();

    let health = client.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let page = client.get(server.url("/reset")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");

    // Without a clinic URL, the origin of the server's own https address may post.
    let form = client
        .post(server.url("/reset/status"))
        .header("Origin", server.base.as_str())
        .form(&[("token", link.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    let page = form.text().await.unwrap();
    assert!(page.contains("Set a new password for"), "{page}");
    let done = client
        .post(server.url("/reset"))
        .header("Origin", server.base.as_str())
        .form(&[
            ("token", link.as_str()),
            ("password", NEW_PASSWORD),
            ("confirm", NEW_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    assert!(!clinic.link_is_live(&link).await);

    // Plain HTTP on the same port gets no page.
    let plain = crate::support::client()
        .get(server.url("/healthz").replace("https://", "http://"))
        .send()
        .await;
    assert!(plain.map(|r| !r.status().is_success()).unwrap_or(true));
    let log = server.log_after_requests(4);
    assert!(!log.contains(&link) && !log.contains(NEW_PASSWORD), "{log}");
}

#[tokio::test]
async fn an_unreadable_key_stops_the_start_with_a_message() {
    let clinic = TestClinic::new(None, &[]).await;
    let cert = TestCert::generate(clinic.dir.path());
    std::fs::write(&cert.key, "not a key").unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_vetdesk-server"))
        .arg("--database")
        .arg(clinic.db.arg())
        .args(["--listen", "127.0.0.1:0", "--tls-cert"])
        .arg(&cert.cert)
        .arg("--tls-key")
        .arg(&cert.key)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("The TLS certificate or key could not be loaded"),
        "{stderr}"
    );
}
