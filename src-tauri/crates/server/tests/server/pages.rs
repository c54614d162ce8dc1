//! What the pages and assets look like, the headers on every response, the health check.

use reqwest::Method;

use crate::support::{client, from_the_page, post_status, Server, TestClinic, CLINIC_NAME};

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

#[tokio::test]
async fn the_reset_page_renders_with_the_clinic_name_and_only_its_own_assets() {
    let clinic = TestClinic::new(None, &[]).await;
    let server = Server::start(&clinic.db, &[]);
    let response = client().get(server.url("/reset")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    let page = response.text().await.unwrap();
    assert!(page.contains(&format!(
        "<title>Set a new password · {CLINIC_NAME}</title>"
    )));
    assert!(page.contains("<html lang=\"en\">"));
    assert!(page.contains("Checking your link"));
    assert!(page.contains("<noscript>"));
    assert!(
        page.contains("<form id=\"link-form\" method=\"post\" action=\"/reset/status\" hidden>")
    );
    assert!(page.contains("<section id=\"invalid\" hidden>"));
    assert!(page.contains("<script src=\"/assets/reset.js\"></script>"));
    assert!(page.contains("<link rel=\"stylesheet\" href=\"/assets/vetdesk.css\">"));
    // Nothing inline (the CSP would block it) and nothing from elsewhere.
    assert_eq!(page.matches("<script").count(), 1);
    assert!(!page.contains("<style") && !page.contains("style=\""));
    assert!(!page.contains("http://") && !page.contains("https://") && !page.contains("//cdn"));

    let script = client()
        .get(server.url("/assets/reset.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(script.status(), 200);
    assert_eq!(
        script.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    let script = script.text().await.unwrap();
    assert!(script.contains("location.hash"));
    assert!(script.contains("history.replaceState"));
    assert!(script.contains("link-form"));
    assert!(script.contains(".submit()"));
    assert!(
        !script.contains("fetch("),
        "the CSP allows scripts no connections"
    );
    let css = client()
        .get(server.url("/assets/vetdesk.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), 200);
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
}

#[tokio::test]
async fn a_token_in_the_query_is_refused_and_points_to_the_email() {
    let clinic = TestClinic::new(None, &["mrivera"]).await;
    let link = clinic.reset_link("mrivera").await;
    let server = Server::start(&clinic.db, &[]);
    let before = clinic.snapshot().await;
    let response = client()
        .get(server.url(&format!("/reset?token={link}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let page = response.text().await.unwrap();
    assert!(page.contains("Open the link from the email"), "{page}");
    assert!(page.contains(crate::support::NEXT_STEP));
    assert!(!page.contains(&link));
    assert!(!page.contains("<form"));
    assert_eq!(clinic.snapshot().await, before);
    assert!(clinic.link_is_live(&link).await);
    let log = server.log_after_requests(1);
    assert!(!log.contains(&link), "{log}");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let clinic = TestClinic::new(None, &[]).await;
    let server = Server::start(&clinic.db, &[]);
    let c = client();
    let responses = vec![
        c.get(server.url("/reset")).send().await.unwrap(),
        c.head(server.url("/reset")).send().await.unwrap(),
        c.get(server.url("/assets/reset.js")).send().await.unwrap(),
        c.get(server.url("/assets/vetdesk.css"))
            .send()
            .await
            .unwrap(),
        c.get(server.url("/healthz")).send().await.unwrap(),
        c.get(server.url("/no/such/page")).send().await.unwrap(),
        c.request(Method::DELETE, server.url("/reset"))
            .send()
            .await
            .unwrap(),
        c.post(server.url("/reset")).send().await.unwrap(),
        from_the_page(c.post(server.url("/reset")))
            .body(vec![b'a'; 20 * 1024])
            .header("content-type", "application/x-www-form-urlencoded")
            .send()
            .await
            .unwrap(),
        from_the_page(c.post(server.url("/reset/status")))
            .form(&[("token", "x")])
            .send()
            .await
            .unwrap(),
    ];
    let statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses, [200, 200, 200, 200, 200, 404, 403, 403, 413, 400]);
    for response in &responses {
        let h = response.headers();
        let url = response.url();
        assert_eq!(h["content-security-policy"], CSP, "{url}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{url}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{url}");
        assert_eq!(h["cache-control"], "no-store", "{url}");
        assert_eq!(h["x-frame-options"], "DENY", "{url}");
    }
    let (status, _) = post_status(&server, "x").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn unknown_pages_get_a_page_and_the_log_names_routes_only() {
    let clinic = TestClinic::new(None, &[]).await;
    let server = Server::start(&clinic.db, &[]);
    let secret_looking = "/reset/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA?token=BBBBBBBB";
    let response = client()
        .get(server.url(secret_looking))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Open the link from the email"));
    client()
        .get(server.url("/reset?utm=1"))
        .send()
        .await
        .unwrap();
    let log = server.log_after_requests(2);
    assert!(
        log.contains("method=GET path=(no route) status=404"),
        "{log}"
    );
    assert!(log.contains("method=GET path=/reset status=200"), "{log}");
    assert!(!log.contains("AAAAAAAA") && !log.contains("BBBBBBBB") && !log.contains("utm"));
}

#[tokio::test]
async fn healthz_reports_the_version_and_the_database() {
    let clinic = TestClinic::new(None, &[]).await;
    let server = Server::start(&clinic.db, &[]);
    let response = client().get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "status": "ok",
            "version": env!("CARGO_PKG_VERSION"),
            "database": "ok",
            "dispatch": "off",
        })
    );
}
