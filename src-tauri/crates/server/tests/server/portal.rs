//! The patient-portal pages through the server: an invitation link, what a link scanner does,
//! setting the password once, signing in and out, a reset link ending the earlier session,
//! refused passwords, dead links, other sites' posts, the headers and the log.

use reqwest::Method;
use vetdesk_core::audit::AuditAction;
use vetdesk_core::outbox::EmailKind;

use crate::reset::without_limits;
use crate::support::{
    client, cookie_pair, from_the_page, portal_sign_in, post_portal_password, post_portal_status,
    set_cookie, Server, TestClinic, CLINIC_NAME,
};

const CLINIC_URL: &str = "https://portal.harborview-clinic.example";
const MAYA: &str = "maya.rivera@example.org";
const PASSWORD: &str = "copper kettle meadow lantern";
const NEW_PASSWORD: &str = "violet harbor bicycle thunder";
const UNKNOWN: &str = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdE";
/// What the one page for a dead link tells the client to do.
const ASK_THE_CLINIC: &str = "Ask Harborview Animal Clinic (+1 555 0142) to send you a new one.";
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

async fn clinic_with_maya(clinic_url: &str) -> (TestClinic, i64) {
    let clinic = TestClinic::new(Some(clinic_url), &[]).await;
    let maya = clinic.add_client("Maya", "Rivera", MAYA).await;
    (clinic, maya)
}

/// GET `path` with the session cookie `pair`.
async fn get_with_cookie(server: &Server, path: &str, pair: &str) -> reqwest::Response {
    client()
        .get(server.url(path))
        .header("Cookie", pair)
        .send()
        .await
        .unwrap()
}

fn location(response: &reqwest::Response) -> &str {
    response.headers()["location"].to_str().unwrap()
}

#[tokio::test]
async fn an_invitation_sets_the_password_once_and_the_client_signs_in_and_out() {
    let (clinic, maya) = clinic_with_maya(CLINIC_URL).await;
    let link = clinic.portal_link(maya).await;
    let server = Server::start(&clinic.db, &[]);

    // The page the link opens reads the token from the fragment with its script.
    let page = client()
        .get(server.url("/portal/set-password"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(
        page.contains(&format!("<title>Set your password · {CLINIC_NAME}</title>")),
        "{page}"
    );
    assert!(page.contains(
        "<form id=\"link-form\" method=\"post\" action=\"/portal/set-password/status\" hidden>"
    ));
    assert!(page.contains("<script src=\"/assets/reset.js\"></script>"));
    assert_eq!(page.matches("<script").count(), 1);

    // Asking about the link twice uses nothing up.
    for _ in 0..2 {
        let (status, page) = post_portal_status(&server, &link).await;
        assert_eq!(status, 200, "{page}");
        assert!(
            page.contains("<h1 tabindex=\"-1\">Set your password</h1>"),
            "{page}"
        );
        assert!(page.contains("Welcome, <span id=\"greeting-name\">Maya</span>."));
        assert!(
            page.contains(&format!(
            "<input id=\"username\" name=\"username\" type=\"email\" autocomplete=\"username\" \
             value=\"{MAYA}\"\n readonly>"
        )),
            "{page}"
        );
        assert!(page.contains("This link expires in about"), "{page}");
        assert!(page.contains(&format!("name=\"token\" id=\"token\" value=\"{link}\"")));
        assert!(page.contains("action=\"/portal/set-password\""));
        assert!(page.contains("autocomplete=\"new-password\""));
        assert!(!page.contains("<script"));
    }
    assert!(clinic.portal_link_is_live(&link).await);

    let done = post_portal_password(&server, &link, PASSWORD, PASSWORD).await;
    assert_eq!(done.status(), 200);
    let page = done.text().await.unwrap();
    assert!(page.contains("Your password is set"), "{page}");
    assert!(page.contains("<a id=\"sign-in\" href=\"/portal/login\">"));
    assert!(page.contains(MAYA));
    assert!(!page.contains(&link));
    let audit = clinic
        .store
        .list_audit(AuditAction::PortalPasswordSet.as_str(), 10)
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    let host = gethostname::gethostname().to_string_lossy().to_string();
    assert_eq!(audit[0].workstation, format!("server:{host}"));
    let notice = clinic
        .store
        .latest_email_for_client(maya, &[EmailKind::PortalPasswordChanged])
        .await
        .unwrap()
        .expect("a password-changed email was queued");
    assert!(notice.sealed.is_none());

    // The link worked once.
    let before = clinic.snapshot().await;
    let again = post_portal_password(&server, &link, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(again.status(), 400);
    let page = again.text().await.unwrap();
    assert!(page.contains("This link no longer works"), "{page}");
    assert!(page.contains(ASK_THE_CLINIC), "{page}");
    assert_eq!(
        without_limits(clinic.snapshot().await),
        without_limits(before)
    );

    // A wrong password signs nobody in.
    let wrong = portal_sign_in(&server, MAYA, NEW_PASSWORD).await;
    assert_eq!(wrong.status(), 422);
    assert!(set_cookie(&wrong).is_none());
    let page = wrong.text().await.unwrap();
    assert!(
        page.contains("The email or password is not right."),
        "{page}"
    );
    assert!(page.contains(&format!("value=\"{MAYA}\"")));
    let nobody = portal_sign_in(&server, "nobody@example.org", PASSWORD).await;
    assert_eq!(nobody.status(), 422);
    assert!(nobody
        .text()
        .await
        .unwrap()
        .contains("The email or password is not right."));

    // The right one does, with a cookie only the portal's pages get.
    let signed_in = portal_sign_in(&server, &MAYA.to_uppercase(), PASSWORD).await;
    assert_eq!(signed_in.status(), 303);
    assert_eq!(location(&signed_in), "/portal");
    let cookie = set_cookie(&signed_in).expect("a session cookie");
    let attributes: Vec<&str> = cookie.split("; ").skip(1).collect();
    assert_eq!(
        attributes,
        ["Path=/portal", "HttpOnly", "SameSite=Strict", "Secure"]
    );
    let pair = cookie_pair(&cookie);
    let secret = pair.strip_prefix("vetdesk_portal=").unwrap().to_string();
    assert_eq!(secret.len(), 43);

    let home = get_with_cookie(&server, "/portal", &pair).await;
    assert_eq!(home.status(), 200);
    let page = home.text().await.unwrap();
    assert!(
        page.contains(&format!(
        "Signed in to {CLINIC_NAME} patient portal as <span id=\"portal-username\">{MAYA}</span>"
    )),
        "{page}"
    );
    assert!(page.contains("<form id=\"sign-out-form\" method=\"post\" action=\"/portal/logout\">"));
    let login_again = get_with_cookie(&server, "/portal/login", &pair).await;
    assert_eq!(login_again.status(), 303);
    assert_eq!(location(&login_again), "/portal");

    let out = from_the_page(client().post(server.url("/portal/logout")))
        .header("Cookie", &pair)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    assert_eq!(location(&out), "/portal/login");
    let cleared = set_cookie(&out).unwrap();
    assert!(
        cleared.starts_with("vetdesk_portal=; Max-Age=0; Path=/portal"),
        "{cleared}"
    );
    let after = get_with_cookie(&server, "/portal", &pair).await;
    assert_eq!(after.status(), 303);
    assert_eq!(location(&after), "/portal/login");
    let login = get_with_cookie(&server, "/portal/login", &pair).await;
    assert_eq!(login.status(), 200);
    assert!(login
        .text()
        .await
        .unwrap()
        .contains("autocomplete=\"current-password\""));
    let without = client().get(server.url("/portal")).send().await.unwrap();
    assert_eq!(without.status(), 303);

    let log = server.log_after_requests(14);
    for secret in [link.as_str(), PASSWORD, NEW_PASSWORD, secret.as_str()] {
        assert!(!log.contains(secret), "the log holds a secret:\n{log}");
    }
    assert!(
        log.contains("method=POST path=/portal/login status=303"),
        "{log}"
    );
}

#[tokio::test]
async fn link_scanners_opening_portal_pages_change_nothing() {
    let (clinic, maya) = clinic_with_maya(CLINIC_URL).await;
    let link = clinic.portal_link(maya).await;
    let server = Server::start(&clinic.db, &[]);
    let before = clinic.snapshot().await;
    let c = client();
    for _ in 0..2 {
        for path in [
            "/portal/set-password".to_string(),
            format!("/portal/set-password?token={link}"),
            "/portal/set-password/status".to_string(),
            format!("/portal/set-password/status?token={link}"),
            "/portal/login".to_string(),
            "/portal".to_string(),
            "/portal/logout".to_string(),
        ] {
            let url = server.url(&path);
            let get = c.get(&url).send().await.unwrap();
            assert!(get.status().as_u16() < 500, "{path}: {}", get.status());
            let head = c.head(&url).send().await.unwrap();
            assert!(head.status().as_u16() < 500, "{path}: {}", head.status());
        }
    }
    let query = c
        .get(server.url(&format!("/portal/set-password?token={link}")))
        .send()
        .await
        .unwrap();
    assert_eq!(query.status(), 400);
    let page = query.text().await.unwrap();
    assert!(page.contains("Open the link from the email"), "{page}");
    assert!(!page.contains(&link) && !page.contains("<form"));

    assert_eq!(clinic.snapshot().await, before);
    assert!(clinic.portal_link_is_live(&link).await);
    let log = server.log_after_requests(29);
    assert!(!log.contains(&link), "{log}");
}

#[tokio::test]
async fn expired_used_and_unknown_links_get_one_page_naming_the_clinic() {
    let (clinic, maya) = clinic_with_maya(CLINIC_URL).await;
    // An invitation lives 7 days.
    let expired = clinic.portal_link_sent_ago(maya, 8 * 24 * 60).await;
    let server = Server::start(&clinic.db, &[]);
    let before = clinic.snapshot().await;
    for bad in [expired.as_str(), UNKNOWN, "short", ""] {
        let (status, page) = post_portal_status(&server, bad).await;
        assert_eq!(status, 400, "{bad}");
        assert!(
            page.contains("<h1 tabindex=\"-1\">This link no longer works</h1>"),
            "{page}"
        );
        assert!(page.contains(ASK_THE_CLINIC), "{page}");
        assert!(!page.contains("Set your password"));
        let submit = post_portal_password(&server, bad, PASSWORD, PASSWORD).await;
        assert_eq!(submit.status(), 400);
        assert!(submit.text().await.unwrap().contains(ASK_THE_CLINIC));
    }
    assert_eq!(
        without_limits(clinic.snapshot().await),
        without_limits(before)
    );
}

#[tokio::test]
async fn a_reset_link_ends_the_clients_earlier_portal_session() {
    let (clinic, maya) = clinic_with_maya(CLINIC_URL).await;
    let invitation = clinic.portal_link(maya).await;
    let server = Server::start(&clinic.db, &[]);
    let done = post_portal_password(&server, &invitation, PASSWORD, PASSWORD).await;
    assert_eq!(done.status(), 200);
    let signed_in = portal_sign_in(&server, MAYA, PASSWORD).await;
    assert_eq!(signed_in.status(), 303);
    let pair = cookie_pair(&set_cookie(&signed_in).unwrap());
    assert_eq!(
        get_with_cookie(&server, "/portal", &pair).await.status(),
        200
    );

    // The paw icon again, past the minute between two emails: the account is active, so this
    // is a reset link.
    clinic.clock.advance(2 * vetdesk_core::time::MINUTE);
    let reset = clinic.portal_link(maya).await;
    assert_eq!(clinic.portal_email(maya).await.kind, EmailKind::PortalReset);
    let (status, page) = post_portal_status(&server, &reset).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("<h1 tabindex=\"-1\">Set a new password</h1>"),
        "{page}"
    );
    assert!(!page.contains("Welcome,"));
    assert!(page.contains(&format!("value=\"{MAYA}\"")));
    // Asking about a link ends nothing.
    assert_eq!(
        get_with_cookie(&server, "/portal", &pair).await.status(),
        200
    );

    let changed = post_portal_password(&server, &reset, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(changed.status(), 200);
    let page = changed.text().await.unwrap();
    assert!(page.contains("Your password was changed"), "{page}");
    assert!(page.contains("has been signed out"));

    let ended = get_with_cookie(&server, "/portal", &pair).await;
    assert_eq!(ended.status(), 303);
    assert_eq!(location(&ended), "/portal/login");
    assert_eq!(portal_sign_in(&server, MAYA, PASSWORD).await.status(), 422);
    assert_eq!(
        portal_sign_in(&server, MAYA, NEW_PASSWORD).await.status(),
        303
    );
}

#[tokio::test]
async fn refused_portal_passwords_get_the_cores_words_and_keep_the_link() {
    let (clinic, maya) = clinic_with_maya(CLINIC_URL).await;
    let link = clinic.portal_link(maya).await;
    let server = Server::start(&clinic.db, &[]);

    let weak = post_portal_password(&server, &link, "short", "short").await;
    assert_eq!(weak.status(), 422);
    let page = weak.text().await.unwrap();
    assert!(page.contains("Use at least 15 characters."), "{page}");
    assert!(page.contains("id=\"password-error\""));
    assert!(page.contains("aria-invalid=\"true\""));
    assert!(page.contains("Set your password"));
    assert!(page.contains(&format!("value=\"{MAYA}\"")));
    assert!(page.contains(&format!("name=\"token\" id=\"token\" value=\"{link}\"")));

    let mismatch = post_portal_password(&server, &link, PASSWORD, "copper kettle meadow").await;
    assert_eq!(mismatch.status(), 422);
    let page = mismatch.text().await.unwrap();
    assert!(page.contains("The two passwords do not match."), "{page}");
    assert!(page.contains("id=\"confirm-error\""));

    let incomplete = from_the_page(client().post(server.url("/portal/set-password")))
        .form(&[("token", link.as_str()), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(incomplete.status(), 422);
    assert!(incomplete
        .text()
        .await
        .unwrap()
        .contains("The form arrived incomplete"));

    assert!(clinic.portal_link_is_live(&link).await);
    let done = post_portal_password(&server, &link, PASSWORD, PASSWORD).await;
    assert_eq!(done.status(), 200);
    let log = server.log_after_requests(4);
    for secret in [link.as_str(), PASSWORD, "short", "copper kettle"] {
        assert!(
            !log.contains(&format!("={secret}")) && !log.contains(PASSWORD),
            "{log}"
        );
    }
    assert!(!log.contains(&link), "{log}");
}

#[tokio::test]
async fn repeated_wrong_passwords_are_slowed_down_in_the_cores_words() {
    let (clinic, maya) = clinic_with_maya(CLINIC_URL).await;
    let link = clinic.portal_link(maya).await;
    let server = Server::start(&clinic.db, &[]);
    assert_eq!(
        post_portal_password(&server, &link, PASSWORD, PASSWORD)
            .await
            .status(),
        200
    );
    // Five attempts a minute per account.
    for _ in 0..5 {
        assert_eq!(
            portal_sign_in(&server, MAYA, NEW_PASSWORD).await.status(),
            422
        );
    }
    let throttled = portal_sign_in(&server, MAYA, PASSWORD).await;
    assert_eq!(throttled.status(), 429);
    assert!(set_cookie(&throttled).is_none());
    let page = throttled.text().await.unwrap();
    assert!(page.contains("Too many attempts. Try again in"), "{page}");
    assert!(page.contains("id=\"portal-login-form\""));
}

#[tokio::test]
async fn the_cookie_is_secure_only_when_browsers_use_https() {
    let (clinic, maya) = clinic_with_maya("http://portal.harborview-clinic.example").await;
    let link = clinic.portal_link(maya).await;
    let server = Server::start(&clinic.db, &[]);
    post_portal_password(&server, &link, PASSWORD, PASSWORD).await;
    let signed_in = portal_sign_in(&server, MAYA, PASSWORD).await;
    assert_eq!(signed_in.status(), 303);
    let cookie = set_cookie(&signed_in).unwrap();
    assert!(
        cookie.ends_with("; Path=/portal; HttpOnly; SameSite=Strict"),
        "{cookie}"
    );
}

#[tokio::test]
async fn portal_posts_from_other_sites_are_refused() {
    let (clinic, maya) = clinic_with_maya(CLINIC_URL).await;
    let link = clinic.portal_link(maya).await;
    let server = Server::start(&clinic.db, &[]);
    let before = clinic.snapshot().await;
    let posts: [(&str, Vec<(&str, &str)>); 4] = [
        (
            "/portal/set-password",
            vec![
                ("token", &link),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        ),
        ("/portal/set-password/status", vec![("token", &link)]),
        (
            "/portal/login",
            vec![("username", MAYA), ("password", PASSWORD)],
        ),
        ("/portal/logout", vec![]),
    ];
    let headers: &[&[(&str, &str)]] = &[
        &[],
        &[("Origin", "https://evil.example")],
        &[("Origin", CLINIC_URL), ("Sec-Fetch-Site", "cross-site")],
        &[("Origin", "null")],
    ];
    for (path, form) in &posts {
        for pairs in headers {
            let mut request = client().post(server.url(path)).form(form);
            for (name, value) in pairs.iter() {
                request = request.header(*name, *value);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 403, "{path} {pairs:?}");
            assert!(set_cookie(&response).is_none());
            assert!(response
                .text()
                .await
                .unwrap()
                .contains("This form was sent from another site"));
        }
    }
    assert_eq!(clinic.snapshot().await, before);
    assert!(clinic.portal_link_is_live(&link).await);
}

#[tokio::test]
async fn every_portal_response_carries_the_security_headers() {
    let (clinic, maya) = clinic_with_maya(CLINIC_URL).await;
    let link = clinic.portal_link(maya).await;
    let server = Server::start(&clinic.db, &[]);
    let c = client();
    let mut responses = Vec::new();
    for path in ["/portal/set-password", "/portal/login", "/portal"] {
        responses.push(c.get(server.url(path)).send().await.unwrap());
        responses.push(c.head(server.url(path)).send().await.unwrap());
    }
    responses.push(
        c.request(Method::DELETE, server.url("/portal"))
            .send()
            .await
            .unwrap(),
    );
    responses.push(c.post(server.url("/portal/login")).send().await.unwrap());
    let status = from_the_page(c.post(server.url("/portal/set-password/status")))
        .form(&[("token", link.as_str())])
        .send()
        .await
        .unwrap();
    responses.push(status);
    responses.push(post_portal_password(&server, &link, "short", "short").await);
    responses.push(post_portal_password(&server, &link, PASSWORD, PASSWORD).await);
    responses.push(post_portal_password(&server, &link, PASSWORD, PASSWORD).await);
    responses.push(portal_sign_in(&server, MAYA, NEW_PASSWORD).await);
    let signed_in = portal_sign_in(&server, MAYA, PASSWORD).await;
    let pair = cookie_pair(&set_cookie(&signed_in).unwrap());
    responses.push(signed_in);
    responses.push(get_with_cookie(&server, "/portal", &pair).await);
    responses.push(
        from_the_page(c.post(server.url("/portal/logout")))
            .header("Cookie", &pair)
            .send()
            .await
            .unwrap(),
    );
    responses.push(
        from_the_page(c.post(server.url("/portal/login")))
            .body(vec![b'a'; 20 * 1024])
            .header("content-type", "application/x-www-form-urlencoded")
            .send()
            .await
            .unwrap(),
    );
    let statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(
        statuses,
        [200, 200, 200, 200, 303, 303, 403, 403, 200, 422, 200, 400, 422, 303, 200, 303, 413]
    );
    for response in &responses {
        let h = response.headers();
        let url = response.url();
        assert_eq!(h["content-security-policy"], CSP, "{url}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{url}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{url}");
        assert_eq!(h["cache-control"], "no-store", "{url}");
        assert_eq!(h["x-frame-options"], "DENY", "{url}");
    }
}

/// A sign-in from `address`, as the reverse proxy in front of the server reports it.
async fn sign_in_from(
    server: &Server,
    address: &str,
    username: &str,
    password: &str,
) -> reqwest::Response {
    from_the_page(client().post(server.url("/portal/login")))
        .header("X-Forwarded-For", address)
        .form(&[("username", username), ("password", password)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn one_client_cannot_use_up_the_servers_sign_in_limit() {
    let (clinic, maya) = clinic_with_maya(CLINIC_URL).await;
    let link = clinic.portal_link(maya).await;
    let server = Server::start(&clinic.db, &["--trust-forwarded-for"]);
    post_portal_password(&server, &link, PASSWORD, PASSWORD).await;
    // Unknown addresses count against no account: only against the client and the server.
    for n in 0..10 {
        let guess = format!("guess{n}@example.org");
        let response = sign_in_from(&server, "203.0.113.9", &guess, PASSWORD).await;
        assert_eq!(response.status(), 422);
    }
    let refused = sign_in_from(&server, "203.0.113.9", MAYA, PASSWORD).await;
    assert_eq!(refused.status(), 429);
    assert!(set_cookie(&refused).is_none());
    let page = refused.text().await.unwrap();
    assert!(page.contains("Too many attempts. Try again in"), "{page}");
    assert!(page.contains("id=\"portal-login-form\""));

    // The core's count for the whole server is not used up: another client signs in.
    let elsewhere = sign_in_from(&server, "198.51.100.7", MAYA, PASSWORD).await;
    assert_eq!(elsewhere.status(), 303);
    let rows: Vec<(String, i64)> = sqlx::query_as("SELECT key, hits FROM limits ORDER BY key")
        .fetch_all(clinic.pool())
        .await
        .unwrap();
    let host = gethostname::gethostname().to_string_lossy().to_string();
    let hits = |key: &str| rows.iter().find(|(k, _)| k == key).map(|(_, h)| *h);
    // The core counts each client's address, never the server as a whole.
    let server_wide = format!("sign_in:workstation:server:{host}");
    assert_eq!(hits(&server_wide), None, "{rows:?}");
    assert_eq!(
        hits("sign_in:workstation:web:203.0.113.9"),
        Some(10),
        "{rows:?}"
    );
    // The right password took its attempt back.
    assert_eq!(
        hits("sign_in:workstation:web:198.51.100.7"),
        Some(0),
        "{rows:?}"
    );
    assert_eq!(
        hits("portal_sign_in:client:203.0.113.9"),
        Some(11),
        "{rows:?}"
    );
    assert_eq!(
        hits("portal_sign_in:client:198.51.100.7"),
        Some(1),
        "{rows:?}"
    );
}
