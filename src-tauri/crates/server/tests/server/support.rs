//! A clinic database seeded through the store and the core, the real `vetdesk-server` binary
//! started on it, and what the tests look at: its log, the database's rows, the core's view.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::rngs::OsRng;
use sqlx::SqlitePool;
use vetdesk_core::audit::{AuditAction, AuditEvent, AuditOutcome};
use vetdesk_core::client::NewClient;
use vetdesk_core::limits::LimitConfig;
use vetdesk_core::outbox::{EmailKind, EmailRecord};
use vetdesk_core::ports::{
    ClientStore, EmailStore, InlineHashing, NoBreachCheck, PasswordHashing, PortalStore,
    SessionStore, StaffStore, Store,
};
use vetdesk_core::recovery::{Recovery, RecoveryParts};
use vetdesk_core::seal::Sealer;
use vetdesk_core::session::Actor;
use vetdesk_core::settings::Settings;
use vetdesk_core::staff::{NewStaff, StaffRecord, StaffStatus};
use vetdesk_core::time::{Clock, ManualClock, MINUTE};
use vetdesk_core::token::CodePepper;
use vetdesk_core::{Role, SystemClock};
use vetdesk_server::keyring::FileKeyring;
use vetdesk_store::SqliteStore;

pub const CLINIC_NAME: &str = "Harborview Animal Clinic";
pub const OLD_PASSWORD: &str = "quiet harbor lantern morning";
pub const NEW_PASSWORD: &str = "lantern orbit pickle saxophone";
pub const ADMIN: &str = "oadmin";
pub const DESK: &str = "test-desk";
/// The words of the one page for a link that cannot be used.
pub const NEXT_STEP: &str =
    "Ask for a new link with Forgot password? in VetDesk, or ask your office manager.";

/// A clinic database in a temporary folder, with an admin and the staff members named at
/// creation, and the recovery flows over it on a clock the tests can move: the desktop app, as
/// far as the server can tell, with its outbox key in `sealer`.
pub struct TestClinic {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub store: Arc<SqliteStore>,
    pub recovery: Arc<Recovery>,
    pub clock: Arc<ManualClock>,
    pub sealer: Arc<Sealer>,
}

impl TestClinic {
    /// A clinic whose settings carry `clinic_url`, with `staff` (usernames) as receptionists,
    /// each with an email address and [`OLD_PASSWORD`].
    pub async fn new(clinic_url: Option<&str>, staff: &[&str]) -> Self {
        let mut settings = Settings::demo();
        settings.clinic.clinic_url = clinic_url.map(str::to_string);
        Self::with_settings(settings, staff).await
    }

    /// A clinic with `settings`, as [`TestClinic::new`].
    pub async fn with_settings(settings: Settings, staff: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("vetdesk.sqlite3");
        let store = Arc::new(SqliteStore::open(&db).await.unwrap());
        let clock = Arc::new(ManualClock::new(SystemClock.now()));
        let hash = InlineHashing.hash(OLD_PASSWORD.into()).await.unwrap();
        let person = |username: &str, role: Role| NewStaff {
            username: username.into(),
            display_name: display_name(username),
            role,
            email: Some(format!("{username}@harborview-clinic.example")),
            status: StaffStatus::Active,
            password_hash: hash.clone(),
        };
        let setup = AuditEvent::new(
            clock.now(),
            AuditAction::ClinicSetUp,
            AuditOutcome::Ok,
            DESK,
        );
        store
            .insert_first_admin(&person(ADMIN, Role::Admin), &settings, &setup)
            .await
            .unwrap()
            .expect("an empty clinic takes its first admin");
        let people: Vec<NewStaff> = staff
            .iter()
            .map(|u| person(u, Role::Receptionist))
            .collect();
        store.insert_staff(&people, clock.now()).await.unwrap();
        let sealer = Arc::new(Sealer::new(&Sealer::generate_key()));
        let recovery = Arc::new(Recovery::new(RecoveryParts {
            store: store.clone() as Arc<dyn Store>,
            sealer: sealer.clone(),
            pepper: CodePepper::new(CodePepper::generate()),
            hashing: Arc::new(InlineHashing),
            breach: Arc::new(NoBreachCheck),
            keyring: Arc::new(FileKeyring::empty()),
            clock: clock.clone(),
            limits: LimitConfig::default(),
            rng: Box::new(OsRng),
            outbox_wake: Box::new(|| {}),
        }));
        Self {
            dir,
            db,
            store,
            recovery,
            clock,
            sealer,
        }
    }

    pub fn pool(&self) -> &SqlitePool {
        self.store.pool()
    }

    pub async fn staff(&self, username: &str) -> StaffRecord {
        self.store
            .find_staff_by_login(username)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{username} is on the staff"))
    }

    /// `username` signed in at a desk now, without a sign-in in the audit log.
    pub async fn at_desk(&self, username: &str) -> Actor {
        let staff = self.staff(username).await;
        let session = self
            .store
            .create_session(staff.id, self.clock.now())
            .await
            .unwrap();
        self.recovery.actor(Some(session), DESK).await.unwrap()
    }

    /// The admin's Reset password for `username`: the link token of the email it queues,
    /// opened as a dispatcher would open it.
    pub async fn reset_link(&self, username: &str) -> String {
        let admin = self.at_desk(ADMIN).await;
        let target = self.staff(username).await;
        self.recovery
            .send_staff_reset(&admin, target.id, DESK)
            .await
            .unwrap();
        let email = self
            .store
            .latest_email_for_staff(target.id, &[EmailKind::StaffReset])
            .await
            .unwrap()
            .expect("a reset email was queued");
        let secrets = self.sealer.open(email.sealed.as_deref().unwrap()).unwrap();
        secrets.link.expect("a reset email carries a link")
    }

    /// A link sent `minutes_ago`, for an admin reset (a 24-hour lifetime).
    pub async fn reset_link_sent_ago(&self, username: &str, minutes_ago: i64) -> String {
        self.clock.advance(-minutes_ago * MINUTE);
        let link = self.reset_link(username).await;
        self.clock.advance(minutes_ago * MINUTE);
        link
    }

    /// Whether the core would still take `link`.
    pub async fn link_is_live(&self, link: &str) -> bool {
        self.recovery.check_link(link).await.is_ok()
    }

    /// A client with an email address and a pet; answers their id.
    pub async fn add_client(&self, first_name: &str, last_name: &str, email: &str) -> i64 {
        let client = NewClient {
            first_name: first_name.into(),
            last_name: last_name.into(),
            email: Some(email.into()),
            phone: Some("+1 555 0199".into()),
            address: None,
            pets: Vec::new(),
        };
        self.store
            .insert_clients(&[client], self.clock.now())
            .await
            .unwrap()[0]
    }

    /// A receptionist's paw icon for `client_id` (an invitation, or a reset once the account is
    /// active): the link token of the email it queues, opened as a dispatcher would open it.
    pub async fn portal_link(&self, client_id: i64) -> String {
        let admin = self.at_desk(ADMIN).await;
        self.recovery
            .send_portal_link(&admin, client_id, DESK)
            .await
            .unwrap();
        let email = self.portal_email(client_id).await;
        let secrets = self.sealer.open(email.sealed.as_deref().unwrap()).unwrap();
        secrets.link.expect("a portal email carries a link")
    }

    /// The newest invitation or portal reset email to the client.
    pub async fn portal_email(&self, client_id: i64) -> EmailRecord {
        self.store
            .latest_email_for_client(
                client_id,
                &[EmailKind::PortalInvite, EmailKind::PortalReset],
            )
            .await
            .unwrap()
            .expect("a portal email was queued")
    }

    /// A portal link sent `minutes_ago`.
    pub async fn portal_link_sent_ago(&self, client_id: i64, minutes_ago: i64) -> String {
        self.clock.advance(-minutes_ago * MINUTE);
        let link = self.portal_link(client_id).await;
        self.clock.advance(minutes_ago * MINUTE);
        link
    }

    /// Whether the core would still take the portal `link`.
    pub async fn portal_link_is_live(&self, link: &str) -> bool {
        self.recovery.check_portal_link(link).await.is_ok()
    }

    /// Every row of every table, to show that a request changed nothing.
    pub async fn snapshot(&self) -> Vec<String> {
        snapshot(self.pool()).await
    }
}

pub fn display_name(username: &str) -> String {
    let mut name = username.to_string();
    name[..1].make_ascii_uppercase();
    format!("{name} Test")
}

async fn snapshot(pool: &SqlitePool) -> Vec<String> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut rows = Vec::new();
    for table in tables {
        let columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?)")
            .bind(&table)
            .fetch_all(pool)
            .await
            .unwrap();
        let row = columns
            .iter()
            .map(|c| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || ',' || ");
        let sql = format!("SELECT '{table}: ' || {row} FROM \"{table}\" ORDER BY 1");
        rows.extend(
            sqlx::query_scalar::<_, String>(&sql)
                .fetch_all(pool)
                .await
                .unwrap(),
        );
    }
    rows
}

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
    "VETDESK_DISPATCH_KEY_FILE",
    "VETDESK_SMTP_PASSWORD_FILE",
    "VETDESK_DKIM_KEY_FILE",
    "VETDESK_SMTP_CA_FILE",
];

/// The real binary on `db`, listening on a port of its choosing, with `extra` arguments and
/// `env` variables, not yet started.
pub fn command(db: &Path, extra: &[&str], env: &[(&str, &Path)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vetdesk-server"));
    command
        .arg("--database")
        .arg(format!("sqlite://{}", db.display()))
        .args(["--listen", "127.0.0.1:0"])
        .args(extra);
    for name in SERVER_ENV {
        command.env_remove(name);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    command
}

impl Server {
    /// Starts the server on `db`, listening on a port of its choosing, with `extra` arguments.
    pub fn start(db: &Path, extra: &[&str]) -> Self {
        Self::start_with(db, extra, &[])
    }

    /// Starts the server with `env`, the files it names (`VETDESK_DISPATCH_KEY_FILE`, …).
    pub fn start_with(db: &Path, extra: &[&str], env: &[(&str, &Path)]) -> Self {
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
