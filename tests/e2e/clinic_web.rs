//! The clinic's web pages: the real `vetdesk-server` binary serving HTTPS on the database of the
//! desk under test, with the clinic URL in the settings pointing at it, as a clinic runs it.

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use vetdesk_core::audit::{AuditAction, AuditEvent, AuditOutcome};
use vetdesk_core::client::{NewClient, NewPet};
use vetdesk_core::ports::{ClientStore, SettingsStore};
use vetdesk_store::SqliteStore;
use vetdesk_testkit::smtp::{ServerOptions, SmtpServer, TestCerts};

use crate::flows::plain_target;
use crate::harness::Desk;
use crate::process::Process;

/// The variables the server reads; a test's server must not inherit a developer's.
const SERVER_ENV: &[&str] = &[
    "VETDESK_LOG",
    "VETDESK_DATABASE",
    "VETDESK_DISPATCH_KEY_FILE",
    "VETDESK_SMTP_PASSWORD_FILE",
    "VETDESK_DKIM_KEY_FILE",
    "VETDESK_SMTP_CA_FILE",
];

/// `vetdesk-server` on a desk's clinic database; stopped when dropped.
pub struct ClinicWeb {
    /// `https://127.0.0.1:PORT`, the clinic URL the emails' links start with.
    pub base: String,
    log: Arc<Mutex<String>>,
    _process: Process,
    _certs: tempfile::TempDir,
}

impl ClinicWeb {
    /// Starts the server on `desk`'s database with a certificate made for this test, and sets
    /// the clinic URL to its address. Without an outbox key the server sends nothing: the
    /// desk's own dispatcher sends every email, the server's "password changed" notices
    /// included, as in a clinic that has not enrolled its server.
    pub async fn start(desk: &Desk) -> ClinicWeb {
        let database = desk.database();
        let web = ClinicWeb::serve(&[
            "--database".into(),
            format!("sqlite://{}", database.display()).into(),
        ])
        .await;
        set_clinic_url(&database, &web.base).await;
        web
    }

    /// Starts the server with `database_args` (`--database` and what it needs) and a
    /// certificate made for this test; the clinic URL is left to the caller.
    pub async fn serve(database_args: &[OsString]) -> ClinicWeb {
        let certs_dir = tempfile::tempdir().expect("certificate folder");
        let certs = TestCerts::generate();
        let cert = certs_dir.path().join("chain.pem");
        let key = certs_dir.path().join("key.pem");
        std::fs::write(&cert, &certs.server_chain_pem).expect("certificate file");
        std::fs::write(&key, &certs.server_key_pem).expect("key file");

        let mut cmd = Command::new(server_binary());
        cmd.args(database_args)
            .args(["--listen", "127.0.0.1:0", "--tls-cert"])
            .arg(&cert)
            .arg("--tls-key")
            .arg(&key)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for name in SERVER_ENV {
            cmd.env_remove(name);
        }
        let mut process = Process::spawn(cmd).expect("start vetdesk-server");
        let stderr = process.0.stderr.take().expect("the server's log");
        let log = Arc::new(Mutex::new(String::new()));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        // Port 0 lets the server pick a free port; its start line says which.
        let deadline = Instant::now() + Duration::from_secs(30);
        let base = loop {
            let text = log.lock().unwrap().clone();
            if let Some(base) = text
                .lines()
                .find_map(|l| l.split("listening on ").nth(1))
                .and_then(|rest| rest.split_whitespace().next())
            {
                break base.to_string();
            }
            if let Ok(Some(status)) = process.0.try_wait() {
                panic!("vetdesk-server exited with {status} before listening:\n{text}");
            }
            assert!(
                Instant::now() < deadline,
                "vetdesk-server did not start listening in 30 s:\n{text}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert!(base.starts_with("https://127.0.0.1:"), "{base}");
        ClinicWeb {
            base,
            log,
            _process: process,
            _certs: certs_dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Everything the server has logged so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }
}

/// The server binary `cargo test --workspace` builds beside this test binary
/// (`…/debug/deps/e2e-…` → `…/debug/vetdesk-server`).
fn server_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let binary = exe
        .parent()
        .and_then(Path::parent)
        .map(|debug| debug.join("vetdesk-server"))
        .expect("the test binary sits in a target folder");
    assert!(
        binary.is_file(),
        "vetdesk-server is not built at {}: run `cargo build -p vetdesk-server` \
         (`cargo test --workspace` builds it too)",
        binary.display()
    );
    binary
}

/// The clinic URL in the settings row, as Settings › Clinic saves it. The desk reads the
/// settings for each email, so the app need not restart.
async fn set_clinic_url(database: &Path, base: &str) {
    let store = SqliteStore::open(database).await.expect("database");
    let mut settings = store
        .load_settings()
        .await
        .expect("settings readable")
        .expect("the clinic has settings");
    settings.clinic.clinic_url = Some(base.to_string());
    store
        .save_settings(
            &settings,
            &AuditEvent::new(0, AuditAction::SettingsSaved, AuditOutcome::Ok, "e2e"),
        )
        .await
        .expect("settings");
    store.close().await;
}

/// A clinic with its web pages: the test SMTP server, the desk sending through it, and
/// `vetdesk-server` on the desk's database at the clinic URL.
pub struct WebClinic {
    // Dropped in this order: the server leaves the database before the desk's home goes.
    pub web: ClinicWeb,
    pub desk: Desk,
    pub smtp: SmtpServer,
}

impl WebClinic {
    pub async fn open() -> WebClinic {
        let smtp = SmtpServer::start(&ServerOptions::default(), None);
        let desk = Desk::open(&plain_target(&smtp)).await;
        let web = ClinicWeb::start(&desk).await;
        WebClinic { web, desk, smtp }
    }

    /// Adds a client with one pet to the clinic database; answers their id.
    pub async fn add_client(&self, first_name: &str, last_name: &str, email: Option<&str>) -> i64 {
        let store = SqliteStore::open(&self.desk.database())
            .await
            .expect("database");
        let client = NewClient {
            first_name: first_name.into(),
            last_name: last_name.into(),
            email: email.map(str::to_string),
            phone: Some("+1 (207) 555-0163".into()),
            address: Some("4 Kelp Terrace, Port Alder".into()),
            pets: vec![NewPet {
                name: "Bramble".into(),
                species: "Dog".into(),
                breed: Some("Border Collie".into()),
            }],
        };
        let now = vetdesk_core::Clock::now(&vetdesk_core::SystemClock);
        let ids = store.insert_clients(&[client], now).await.expect("client");
        store.close().await;
        ids[0]
    }

    pub async fn close(self) {
        self.desk.close().await;
    }
}
