//! The Settings words of the UI fixture: the clinic web address check and DKIM.

use super::*;

/// A stand-in web server on this computer for exactly one request: the clinic URL check makes
/// one, and follows no redirect.
struct OneRequest {
    url: String,
    release: std::sync::mpsc::Sender<()>,
    request: std::thread::JoinHandle<String>,
}

impl OneRequest {
    /// Answers the request with `response`, a whole HTTP/1.1 response; `None` holds the
    /// connection open without a word, so that the check has to give up waiting.
    fn start(response: Option<String>) -> Self {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let (release, released) = std::sync::mpsc::channel::<()>();
        let request = std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(&stream);
            let mut first = String::new();
            reader.read_line(&mut first).unwrap();
            let mut line = first.clone();
            while !line.trim_end().is_empty() {
                line.clear();
                if reader.read_line(&mut line).unwrap() == 0 {
                    break;
                }
            }
            match response {
                Some(response) => (&stream).write_all(response.as_bytes()).unwrap(),
                // Returns once the test is done with this server.
                None => _ = released.recv(),
            }
            first.trim_end().to_string()
        });
        Self {
            url,
            release,
            request,
        }
    }

    /// The request line it was sent, once the check is over.
    fn request_line(self) -> String {
        drop(self.release);
        self.request.join().unwrap()
    }
}

fn http_response(status: &str, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )
}

/// What vetdesk-server's `/healthz` answers: the server's own tests check it sends this body
/// (`healthz_reports_the_version_and_the_database`, with a reachable database); with an
/// unreachable one it sends the same body with `"database": "unreachable"` and a 503.
fn healthz(status: &str, database: &str) -> String {
    let body = json!({
        "status": "ok",
        "version": "9.8.7",
        "database": database,
        "dispatch": "off",
    });
    http_response(status, "application/json", &body.to_string())
}

#[test]
fn the_ui_fixture_speaks_the_settings_commands_words() {
    use vetdesk_core::testing::dkim::{
        RSA_2048_CERTIFICATE, RSA_2048_ENCRYPTED, RSA_2048_PKCS8, RSA_2048_PUBLIC,
    };

    let fixture: Value = fixture();
    let f = Fixture {
        messages: fixture["settingsMessages"].clone(),
        checked: RefCell::default(),
    };
    let d = desk();
    // A fresh sign-in is the recent password entry that saving settings and keys asks for.
    d.login("admin");
    let check = |url: &str| d.ok("check_clinic_url", json!({ "url": url }));
    let settings = d.ok("get_settings", json!({}));
    let save = |change: &dyn Fn(&mut Value)| {
        let mut changed = settings.clone();
        change(&mut changed);
        json!({ "settings": changed })
    };

    f.refusal(
        "clinicUrlEmpty",
        &d,
        "check_clinic_url",
        json!({ "url": "  " }),
    );
    // The check refuses an address as saving it would: both are asked.
    for (key, typed) in [
        ("webAddressNotFull", "portal.clinic.example"),
        ("webAddressUserInfo", "https://clinic@evil.example"),
        (
            "webAddressExtraParts",
            "https://portal.clinic.example/?next=x",
        ),
        ("controlCharacters", "https://portal.clinic.example/\nX: y"),
    ] {
        f.refusal(key, &d, "check_clinic_url", json!({ "url": typed }));
        let typed = save(&|s| s["clinic"]["clinicUrl"] = json!(typed));
        f.refusal(key, &d, "save_settings", typed);
    }

    // http:// passes for this computer only, which is where these servers run.
    let nobody = format!("http://127.0.0.1:{}", vetdesk_testkit::smtp::free_port());
    let nothing = check(&nobody);
    f.check("clinicUrlNothing", &nothing["message"]);
    assert_eq!(nothing["live"], false);

    let silent = OneRequest::start(None);
    let waited = check(&silent.url);
    f.check("clinicUrlTimeout", &waited["message"]);
    assert_eq!(silent.request_line(), "GET /healthz HTTP/1.1");

    let other = OneRequest::start(Some(http_response(
        "404 Not Found",
        "text/plain",
        "Not Found",
    )));
    let stranger = check(&other.url);
    f.check("clinicUrlNotVetDesk", &stranger["message"]);
    assert_eq!(stranger["version"], Value::Null);
    assert_eq!(other.request_line(), "GET /healthz HTTP/1.1");

    let up = OneRequest::start(Some(healthz("200 OK", "ok")));
    let live = check(&up.url);
    f.check("clinicUrlLive", &live["message"]);
    assert_eq!(
        (&live["live"], &live["version"]),
        (&json!(true), &json!("9.8.7"))
    );
    assert_eq!(up.request_line(), "GET /healthz HTTP/1.1");

    let cut_off = OneRequest::start(Some(healthz("503 Service Unavailable", "unreachable")));
    let no_database = check(&cut_off.url);
    f.check("clinicUrlNoDatabase", &no_database["message"]);
    assert_eq!(no_database["live"], false);
    assert_eq!(cut_off.request_line(), "GET /healthz HTTP/1.1");

    let dkim = |domain: &str, selector: &str| {
        let dkim = json!({ "domain": domain, "selector": selector });
        save(&|s| s["mail"]["dkim"] = dkim.clone())
    };
    let no_dot = dkim("harborview-clinic", "vetdesk1");
    f.refusal("dkimDomainInvalid", &d, "save_settings", no_dot);
    let spaced = dkim("harborview-clinic.example", "vetdesk 1");
    f.refusal("dkimSelectorInvalid", &d, "save_settings", spaced);
    // Every label within the 63 characters DNS allows, the whole name over 253.
    let deep = format!(
        "{}.{}.{}.harborview-clinic.example",
        "a".repeat(60),
        "b".repeat(60),
        "c".repeat(40)
    );
    let too_long = dkim(&deep, &"s".repeat(63));
    f.refusal("dkimNameTooLong", &d, "save_settings", too_long);
    // The demo clinic sends from no-reply@harborview-clinic.example.
    let elsewhere = dkim("riverside-vet.example", "vetdesk1");
    f.refusal("dkimNotAligned", &d, "save_settings", elsewhere);

    let paste = |key: &str| json!({ "key": key });
    let huge = "A".repeat(20_000);
    f.refusal("dkimKeyTooLong", &d, "set_dkim_key", paste(&huge));
    // The key without its BEGIN and END lines, as a hurried copy leaves it.
    let body_only: String = RSA_2048_PKCS8
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    f.refusal("dkimKeyNotPem", &d, "set_dkim_key", paste(&body_only));
    let half = &RSA_2048_PKCS8[..RSA_2048_PKCS8.len() / 2];
    f.refusal("dkimKeyDamaged", &d, "set_dkim_key", paste(half));
    let encrypted = paste(RSA_2048_ENCRYPTED);
    f.refusal("dkimKeyEncrypted", &d, "set_dkim_key", encrypted);
    f.refusal("dkimKeyPublic", &d, "set_dkim_key", paste(RSA_2048_PUBLIC));
    let certificate = paste(RSA_2048_CERTIFICATE);
    f.refusal("dkimKeyCertificate", &d, "set_dkim_key", certificate);
    // The same settings and key, whole, are taken: the refusals above are about what was typed
    // and pasted, not about the session.
    d.ok(
        "save_settings",
        dkim("harborview-clinic.example", "vetdesk1"),
    );
    let record = d.ok("set_dkim_key", paste(RSA_2048_PKCS8));
    assert_eq!(
        record["name"],
        "vetdesk1._domainkey.harborview-clinic.example"
    );
    // Out of the real keyring again: a test leaves no key behind.
    d.ok("set_dkim_key", json!({ "key": null }));

    let all: BTreeSet<String> = f.messages.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        *f.checked.borrow(),
        all,
        "fixture messages that no command was asked for"
    );
}
