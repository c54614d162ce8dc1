//! Posts from other sites are refused before anything is read or written.

use crate::support::{client, post_reset, Server, TestClinic, NEW_PASSWORD};

const CLINIC_URL: &str = "https://portal.harborview-clinic.example";

#[tokio::test]
async fn posts_from_other_sites_or_without_an_origin_are_refused() {
    let clinic = TestClinic::new(Some(CLINIC_URL), &["mrivera"]).await;
    let link = clinic.reset_link("mrivera").await;
    let server = Server::start(&clinic.db, &[]);
    let before = clinic.snapshot().await;
    let form = [
        ("token", link.as_str()),
        ("password", NEW_PASSWORD),
        ("confirm", NEW_PASSWORD),
    ];
    let headers: &[&[(&str, &str)]] = &[
        &[],
        &[("Origin", "https://evil.example")],
        &[
            ("Origin", "https://evil.example"),
            ("Sec-Fetch-Site", "cross-site"),
        ],
        &[("Origin", CLINIC_URL), ("Sec-Fetch-Site", "cross-site")],
        &[("Origin", CLINIC_URL), ("Sec-Fetch-Site", "same-site")],
        &[("Origin", "null")],
        &[("Sec-Fetch-Site", "same-origin")],
        // The server's own address is not the clinic's once a clinic URL is set.
        &[("Origin", server.base.as_str())],
    ];
    for pairs in headers {
        for path in ["/reset", "/reset/status"] {
            let mut request = client().post(server.url(path));
            for (name, value) in pairs.iter() {
                request = request.header(*name, *value);
            }
            let request = if path == "/reset" {
                request.form(&form)
            } else {
                request.form(&[("token", link.as_str())])
            };
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 403, "{path} {pairs:?}");
            let page = response.text().await.unwrap();
            assert!(
                page.contains("This form was sent from another site"),
                "{page}"
            );
            assert!(!page.contains("Set a new password for"));
        }
    }
    assert_eq!(clinic.snapshot().await, before);
    assert!(clinic.link_is_live(&link).await);

    // The clinic's own origin, as older browsers send it.
    let response = client()
        .post(server.url("/reset"))
        .header("Origin", CLINIC_URL)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let log = server.log_after_requests(17);
    assert!(
        log.contains("a post from another site was refused"),
        "{log}"
    );
    assert!(!log.contains(&link));
}

#[tokio::test]
async fn without_a_clinic_url_only_the_listen_address_may_post() {
    let clinic = TestClinic::new(None, &["mrivera"]).await;
    let link = clinic.reset_link("mrivera").await;
    let server = Server::start(&clinic.db, &[]);
    let foreign = client()
        .post(server.url("/reset/status"))
        .header("Origin", CLINIC_URL)
        .form(&[("token", link.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 403);
    for origin in [
        server.base.clone(),
        server.base.replace("127.0.0.1", "localhost"),
    ] {
        let own = client()
            .post(server.url("/reset/status"))
            .header("Origin", origin.as_str())
            .form(&[("token", link.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(own.status(), 200, "{origin}");
    }
    assert!(server.log().contains("the clinic has no clinic URL"));
    let done = post_reset(&server, &link, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(done.status(), 200);
}
