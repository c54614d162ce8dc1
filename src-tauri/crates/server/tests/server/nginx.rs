//! A real nginx with the example configuration from `docs/nginx-vetdesk-server.conf`, its
//! paths and ports replaced, terminating TLS in front of the server. nginx must be installed
//! (`tests/setup.sh` installs it): without it this test fails.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{free_port, Server, TestCert, TestClinic, NEW_PASSWORD};

/// The example configuration, as the documentation ships it.
const EXAMPLE: &str = include_str!("../../../../../docs/nginx-vetdesk-server.conf");

fn nginx_binary() -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|dir| dir.join("nginx"))
        .find(|p| p.is_file());
    on_path
        .or_else(|| Some(PathBuf::from("/usr/sbin/nginx")).filter(|p| p.is_file()))
        .expect("nginx is not installed: run `bash tests/setup.sh test` (it installs nginx)")
}

/// `text` with `from` replaced by `to`, which must be there: the test fails when the example
/// changes under it instead of silently testing something else.
fn replace(text: &str, from: &str, to: &str) -> String {
    assert!(
        text.contains(from),
        "the example no longer contains {from:?}"
    );
    text.replace(from, to)
}

struct Nginx {
    child: Child,
    prefix: PathBuf,
}

impl Nginx {
    fn start(prefix: &Path, site: &str, https_port: u16, http_port: u16) -> Self {
        std::fs::create_dir_all(prefix.join("logs")).unwrap();
        std::fs::write(prefix.join("vetdesk-server.conf"), site).unwrap();
        // A master started as root would hand its workers to an unprivileged user that cannot
        // reach the test's folder; they run as the current user instead.
        let user = if is_root() { "user root;\n" } else { "" };
        let main = format!(
            "{user}daemon off;\nworker_processes 1;\npid {prefix}/nginx.pid;\n\
             error_log {prefix}/logs/error.log info;\n\
             events {{ worker_connections 64; }}\n\
             http {{\n\
               client_body_temp_path {prefix}/client_body;\n\
               proxy_temp_path {prefix}/proxy;\n\
               fastcgi_temp_path {prefix}/fastcgi;\n\
               uwsgi_temp_path {prefix}/uwsgi;\n\
               scgi_temp_path {prefix}/scgi;\n\
               include {prefix}/vetdesk-server.conf;\n\
             }}\n",
            prefix = prefix.display()
        );
        let conf = prefix.join("nginx.conf");
        std::fs::write(&conf, main).unwrap();
        let binary = nginx_binary();
        let check = Command::new(&binary)
            .arg("-p")
            .arg(prefix)
            .arg("-c")
            .arg(&conf)
            .arg("-t")
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "nginx refuses the configuration:\n{}",
            String::from_utf8_lossy(&check.stderr)
        );
        let child = Command::new(&binary)
            .arg("-p")
            .arg(prefix)
            .arg("-c")
            .arg(&conf)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let nginx = Self {
            child,
            prefix: prefix.to_path_buf(),
        };
        nginx.wait_for(https_port);
        nginx.wait_for(http_port);
        nginx
    }

    fn wait_for(&self, port: u16) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "nginx did not listen on {port}:\n{}",
                self.error_log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn error_log(&self) -> String {
        std::fs::read_to_string(self.prefix.join("logs/error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    /// SIGTERM, so that the master stops its workers too: after a SIGKILL they would live on,
    /// holding the port. SIGKILL only if it has not ended in 5 seconds.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

#[tokio::test]
async fn a_reset_completes_through_nginx_with_the_example_configuration() {
    let https_port = free_port();
    let http_port = free_port();
    let clinic_url = format!("https://127.0.0.1:{https_port}");
    let clinic = TestClinic::new(Some(&clinic_url), &["mrivera"]).await;
    let link = clinic.reset_link("mrivera").await;
    let server = Server::start(&clinic.db, &["--trust-forwarded-for"]);

    let prefix = clinic.dir.path().join("nginx");
    std::fs::create_dir_all(&prefix).unwrap();
    let cert = TestCert::generate(&prefix);
    let access_log = prefix.join("logs/access.log");
    let mut site = EXAMPLE.to_string();
    for (from, to) in [
        (
            "listen 443 ssl;",
            format!("listen 127.0.0.1:{https_port} ssl;"),
        ),
        ("listen 80;", format!("listen 127.0.0.1:{http_port};")),
        (
            "/etc/ssl/certs/clinic.example.org.pem",
            cert.cert.display().to_string(),
        ),
        (
            "/etc/ssl/private/clinic.example.org.key",
            cert.key.display().to_string(),
        ),
        (
            "/var/log/nginx/vetdesk-server.access.log",
            access_log.display().to_string(),
        ),
        (
            "http://127.0.0.1:8080",
            format!("http://{}", server.address()),
        ),
    ] {
        site = replace(&site, from, &to);
    }
    let nginx = Nginx::start(&prefix, &site, https_port, http_port);
    let client = cert.client();

    // The address in the email, as a browser opens it: the fragment stays in the browser.
    let email_link = format!("{clinic_url}/reset#token={link}");
    let page_url = email_link.split('#').next().unwrap();
    let page = client.get(page_url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    assert!(page.text().await.unwrap().contains("Checking your link"));

    // The page's script posts the token from the fragment; a forged X-Forwarded-For is
    // ignored, since nginx appends the address it saw and the server reads only that.
    let form = client
        .post(format!("{clinic_url}/reset/status"))
        .header("Origin", clinic_url.as_str())
        .header("X-Forwarded-For", "198.51.100.7")
        .form(&[("token", link.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    let page = form.text().await.unwrap();
    assert!(page.contains("Set a new password for"), "{page}");

    let done = client
        .post(format!("{clinic_url}/reset"))
        .header("Origin", "null")
        .header("Sec-Fetch-Site", "same-origin")
        .form(&[
            ("token", link.as_str()),
            ("password", NEW_PASSWORD),
            ("confirm", NEW_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    assert!(done
        .text()
        .await
        .unwrap()
        .contains("Your password was changed."));
    assert!(clinic
        .recovery
        .login("mrivera", NEW_PASSWORD, "test-desk")
        .await
        .is_ok());

    // A cross-site post through the proxy is refused as well.
    let foreign = client
        .post(format!("{clinic_url}/reset/status"))
        .header("Origin", "https://evil.example")
        .form(&[("token", link.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 403);

    let keys: Vec<String> = sqlx::query_scalar("SELECT key FROM limits WHERE key LIKE 'web_%'")
        .fetch_all(clinic.pool())
        .await
        .unwrap();
    assert_eq!(keys, ["web_reset:client:127.0.0.1"]);

    // Plain HTTP sends browsers to HTTPS.
    let redirect = crate::support::client()
        .get(format!("http://127.0.0.1:{http_port}/reset"))
        .send()
        .await
        .unwrap();
    assert_eq!(redirect.status(), 301);
    assert!(redirect.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("https://"));

    let log = server.log_after_requests(4);
    let proxy_log = std::fs::read_to_string(&access_log).unwrap();
    assert!(
        proxy_log.contains("POST /reset HTTP/1.1\" 200"),
        "{proxy_log}"
    );
    for secret in [link.as_str(), NEW_PASSWORD] {
        assert!(!log.contains(secret), "{log}");
        assert!(!proxy_log.contains(secret), "{proxy_log}");
    }
    drop(nginx);
}
