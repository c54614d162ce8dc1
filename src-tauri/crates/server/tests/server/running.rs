//! The real `vetdesk-server` binary started on a test clinic, and the requests the tests send it
//! as a browser would.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::ClinicDb;

/// A port nobody listens on just now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The real binary, started on a clinic database; stopped when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT` or `https://…`, from the line the server logs when it listens.
    pub base: String,
    log: Arc<Mutex<String>>,
}

/// The environment variables the server reads, removed from what a test's server inherits.
const SERVER_ENV: &[&str] = &[
    "VETDESK_LOG",
    "VETDESK_DATABASE",
    "VETDESK_DATABASE_PASSWORD_FILE",
    "VETDESK_DISPATCH_KEY_FILE",
    "VETDESK_SMTP_PASSWORD_FILE",
    "VETDESK_DKIM_KEY_FILE",
    "VETDESK_SMTP_CA_FILE",
];

/// The real binary on `db`, listening on a port of its choosing, with `extra` arguments and
/// `env` variables, not yet started.
pub fn command(db: &ClinicDb, extra: &[&str], env: &[(&str, &Path)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vetdesk-server"));
    command
        .arg("--database")
        .arg(db.arg())
        .args(["--listen", "127.0.0.1:0"])
        .args(extra);
    for name in SERVER_ENV {
        command.env_remove(name);
    }
    if let ClinicDb::Postgres { password_file, .. } = db {
        command.env("VETDESK_DATABASE_PASSWORD_FILE", password_file);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    command
}

impl Server {
    /// Starts the server on `db`, listening on a port of its choosing, with `extra` arguments.
    pub fn start(db: &ClinicDb, extra: &[&str]) -> Self {
        Self::start_with(db, extra, &[])
    }

    /// Starts the server with `env`, the files it names (`VETDESK_DISPATCH_KEY_FILE`, …).
    pub fn start_with(db: &ClinicDb, extra: &[&str], env: &[(&str, &Path)]) -> Self {
        let mut child = command(db, extra, env)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("vetdesk-server starts");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let text = log.lock().unwrap().clone();
            if let Some(base) = text
                .lines()
                .find_map(|l| l.split("listening on ").nth(1))
                .map(|rest| {
                    rest.split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_string()
                })
            {
                return Self { child, base, log };
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("vetdesk-server exited with {status} before listening:\n{text}");
            }
            assert!(
                Instant::now() < deadline,
                "vetdesk-server did not start listening in 30 s:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `host:port` as the server listens.
    pub fn address(&self) -> &str {
        self.base.split("://").nth(1).unwrap()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The exit status, once the process has ended.
    pub fn try_wait(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().unwrap()
    }

    /// Waits up to `seconds` for the log to hold `text`; answers the log.
    pub fn log_with(&self, text: &str, seconds: u64) -> String {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        loop {
            let log = self.log();
            if log.contains(text) || Instant::now() > deadline {
                return log;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Everything the server has logged so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// The log once the line for the last request is in: a response can arrive before its log
    /// line does.
    pub fn log_after_requests(&self, requests: usize) -> String {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let log = self.log();
            if log.matches(" request ").count() >= requests || Instant::now() > deadline {
                return log;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A client that follows no redirects and keeps no cookies.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// What a browser sends with a post from the page itself: under `Referrer-Policy: no-referrer`
/// the origin is `null`, and `Sec-Fetch-Site` says the post came from the same origin.
pub fn from_the_page(request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    request
        .header("Origin", "null")
        .header("Sec-Fetch-Site", "same-origin")
}

/// The reset form as a browser posts it from the page.
pub async fn post_reset(
    server: &Server,
    token: &str,
    password: &str,
    confirm: &str,
) -> reqwest::Response {
    from_the_page(client().post(server.url("/reset")))
        .form(&[
            ("token", token),
            ("password", password),
            ("confirm", confirm),
        ])
        .send()
        .await
        .unwrap()
}

/// The page script's post of the token from the fragment: the status and the page it answers.
pub async fn post_status(server: &Server, token: &str) -> (u16, String) {
    let response = from_the_page(client().post(server.url("/reset/status")))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// A self-signed certificate for `localhost` and 127.0.0.1, written as PEM files into `dir`.
pub struct TestCert {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub pem: String,
}

impl TestCert {
    pub fn generate(dir: &Path) -> Self {
        let names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
        let certified = rcgen::generate_simple_self_signed(names).unwrap();
        let pem = certified.cert.pem();
        let cert = dir.join("cert.pem");
        let key = dir.join("key.pem");
        std::fs::write(&cert, &pem).unwrap();
        std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();
        Self { cert, key, pem }
    }

    /// A client that trusts this certificate only.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .tls_built_in_root_certs(false)
            .add_root_certificate(reqwest::Certificate::from_pem(self.pem.as_bytes()).unwrap())
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap()
    }
}

/// The portal page script's post of the token from the fragment.
pub async fn post_portal_status(server: &Server, token: &str) -> (u16, String) {
    let response = from_the_page(client().post(server.url("/portal/set-password/status")))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// The portal's set-password form as a browser posts it, the read-only username included.
pub async fn post_portal_password(
    server: &Server,
    token: &str,
    password: &str,
    confirm: &str,
) -> reqwest::Response {
    from_the_page(client().post(server.url("/portal/set-password")))
        .form(&[
            ("token", token),
            ("username", "shown@example.invalid"),
            ("password", password),
            ("confirm", confirm),
        ])
        .send()
        .await
        .unwrap()
}

/// The portal's sign-in form as a browser posts it.
pub async fn portal_sign_in(server: &Server, username: &str, password: &str) -> reqwest::Response {
    from_the_page(client().post(server.url("/portal/login")))
        .form(&[("username", username), ("password", password)])
        .send()
        .await
        .unwrap()
}

/// The `Set-Cookie` header of a response, if it has one.
pub fn set_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().to_string())
}

/// The `name=value` part of a `Set-Cookie` header, as a browser sends it back.
pub fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_string()
}

/// A file with `text` and unix permissions `mode`.
pub fn file_with_mode(dir: &Path, name: &str, text: &str, mode: u32) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    path
}

/// The server's health check.
pub async fn health(server: &Server) -> serde_json::Value {
    client()
        .get(server.url("/healthz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}
