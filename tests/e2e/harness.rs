use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use vetdesk_core::audit::{AuditAction, AuditEvent, AuditOutcome};
use vetdesk_core::ports::SettingsStore;
use vetdesk_core::settings::{MailTransport, Settings, SmtpSecurity};
use vetdesk_store::SqliteStore;

use crate::process::{free_port, tauri_driver, wait_for_port, Process};

pub const IDENTIFIER: &str = "app.vetdesk.desktop";
pub const WAIT: Duration = Duration::from_secs(30);

/// VetDesk is single-instance per desktop session (a second launch hands its reset link to the
/// first and exits), so the tests open one window at a time.
static ONE_WINDOW: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The turn to open a window, for a test that starts the app without a desk.
pub async fn window_turn() -> tokio::sync::MutexGuard<'static, ()> {
    ONE_WINDOW.lock().await
}

/// The app cargo built for these tests.
pub fn built() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_vetdesk"))
}

pub fn desk_env(home: &Path) -> Vec<(&'static str, PathBuf)> {
    vec![
        ("HOME", home.to_path_buf()),
        ("XDG_DATA_HOME", home.join("data")),
        ("XDG_CONFIG_HOME", home.join("config")),
        ("XDG_CACHE_HOME", home.join("cache")),
    ]
}

/// One workstation: its own home folder, database and app process.
pub struct Desk {
    /// The home folder, removed when the desk is dropped.
    _home: tempfile::TempDir,
    pub client: Client,
    /// The database file of the clinic the app opened.
    database: PathBuf,
    /// The binary the desk runs: the one cargo built, or an installed one.
    app: PathBuf,
    /// Whether it opened the demo clinic; a relaunch opens the same.
    demo: bool,
    _driver: Process,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

impl Desk {
    /// Prepares the demo clinic's database (mail through `smtp`) and opens the app on it, as
    /// `VETDESK_DEMO=1` does.
    pub async fn open(smtp: &crate::harness::SmtpTarget) -> Desk {
        Desk::open_app(smtp, &built()).await
    }

    /// The same, with the app binary at `app` (an installed package's).
    pub async fn open_app(smtp: &crate::harness::SmtpTarget, app: &Path) -> Desk {
        let turn = ONE_WINDOW.lock().await;
        let home = tempfile::tempdir().expect("home");
        let database = app_dir(&home).join("demo.sqlite3");
        std::fs::create_dir_all(app_dir(&home)).expect("app dir");
        prepare_database(&database, smtp).await;
        let desk = Desk::launch(app, home, database, true, smtp.ca_file.as_deref(), turn).await;
        desk.wait_for("login-username").await;
        desk
    }

    /// A first start on an empty data folder, without the demo: the app asks to set up the
    /// clinic.
    pub async fn first_start() -> Desk {
        let turn = ONE_WINDOW.lock().await;
        let home = tempfile::tempdir().expect("home");
        let database = app_dir(&home).join("vetdesk.sqlite3");
        let desk = Desk::launch(&built(), home, database, false, None, turn).await;
        desk.wait_for("setup-form").await;
        desk
    }

    /// A clinic that is already set up somewhere this test prepared: `prepare` writes into the
    /// empty data folder (for a clinic on a server, its `database.json`) before the app starts.
    pub async fn open_prepared(prepare: impl FnOnce(&Path)) -> Desk {
        let turn = ONE_WINDOW.lock().await;
        let home = tempfile::tempdir().expect("home");
        let dir = app_dir(&home);
        std::fs::create_dir_all(&dir).expect("app dir");
        prepare(&dir);
        let desk = Desk::launch(
            &built(),
            home,
            dir.join("vetdesk.sqlite3"),
            false,
            None,
            turn,
        )
        .await;
        desk.wait_for("login-username").await;
        desk
    }

    /// The app's data folder.
    pub fn data_dir(&self) -> PathBuf {
        app_dir(&self._home)
    }

    /// The home folder the app was started with.
    pub fn home(&self) -> &Path {
        self._home.path()
    }

    /// The home and XDG folders the app was started with, for another program (a second
    /// launch, `xdg-open`) to run in the same desktop session as it.
    pub fn env(&self) -> Vec<(&'static str, PathBuf)> {
        desk_env(self._home.path())
    }

    /// The app's own process (which tauri-driver's WebKitWebDriver started), told from the other
    /// tests' by the home folder it was given.
    pub fn app_pid(&self) -> Option<u32> {
        let home = format!("HOME={}", self._home.path().display());
        std::fs::read_dir("/proc")
            .ok()?
            .flatten()
            .find_map(|entry| {
                let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
                let comm = std::fs::read_to_string(entry.path().join("comm")).ok()?;
                let environ = std::fs::read(entry.path().join("environ")).ok()?;
                let ours = environ.split(|b| *b == 0).any(|v| v == home.as_bytes());
                (comm.trim() == "vetdesk" && ours).then_some(pid)
            })
    }

    /// Starts the app again on the same data folder, as a person does after it ended (or was
    /// killed): a new WebDriver session, at the sign-in screen.
    pub async fn relaunch(self) -> Desk {
        let Desk {
            _home: home,
            client,
            database,
            app,
            demo,
            _driver: driver,
            _turn: turn,
        } = self;
        let _ = tokio::time::timeout(Duration::from_secs(5), client.close()).await;
        drop(driver);
        let desk = Desk::launch(&app, home, database, demo, None, turn).await;
        desk.wait_for("login-username").await;
        desk
    }

    async fn launch(
        app: &Path,
        home: tempfile::TempDir,
        database: PathBuf,
        demo: bool,
        ca_file: Option<&Path>,
        turn: tokio::sync::MutexGuard<'static, ()>,
    ) -> Desk {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "no X display: run the end-to-end tests under xvfb-run (tests/run.sh does)"
        );
        let port = free_port();
        let native_port = free_port();
        let mut cmd = Command::new(tauri_driver());
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .envs(desk_env(home.path()))
        .env_remove("VETDESK_DEMO")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        if demo {
            cmd.env("VETDESK_DEMO", "1");
        }
        if let Some(ca) = ca_file {
            cmd.env("VETDESK_SMTP_CA_FILE", ca);
        }
        let driver = Process::spawn(cmd).expect("start tauri-driver");
        wait_for_port(port, "tauri-driver");

        let mut caps = serde_json::Map::new();
        caps.insert("tauri:options".into(), json!({ "application": app }));
        let client = within(
            "the VetDesk window",
            ClientBuilder::native()
                .capabilities(caps)
                .connect(&format!("http://127.0.0.1:{port}")),
        )
        .await
        .expect("WebDriver session with the VetDesk window");
        Desk {
            _home: home,
            client,
            database,
            app: app.to_path_buf(),
            demo,
            _driver: driver,
            _turn: turn,
        }
    }

    /// The database file of the clinic the app opened.
    pub fn database(&self) -> PathBuf {
        self.database.clone()
    }

    fn css(testid: &str) -> Locator<'_> {
        Locator::Css(Box::leak(
            format!("[data-testid=\"{testid}\"]").into_boxed_str(),
        ))
    }

    pub async fn wait_for(&self, testid: &str) -> fantoccini::elements::Element {
        eprintln!("e2e: waiting for {testid}");
        within(
            testid,
            self.client
                .wait()
                .at_most(WAIT)
                .for_element(Self::css(testid)),
        )
        .await
        .unwrap_or_else(|e| panic!("[data-testid={testid}] did not appear: {e}"))
    }

    /// Waits until no element of `testid` is left.
    pub async fn wait_gone(&self, testid: &str) {
        let deadline = Instant::now() + WAIT;
        while within(testid, self.client.find(Self::css(testid)))
            .await
            .is_ok()
        {
            assert!(Instant::now() < deadline, "[data-testid={testid}] stayed");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Clicks once the element takes the click (dialogs fade in, buttons enable after a load).
    pub async fn click(&self, testid: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let element = self.wait_for(testid).await;
            eprintln!("e2e: click {testid}");
            // Centre it first, as a person would scroll, so sticky bars do not cover it.
            let arg = serde_json::to_value(&element).expect("element reference");
            let _ = within(
                testid,
                self.client
                    .execute("arguments[0].scrollIntoView({block: 'center'})", vec![arg]),
            )
            .await;
            let result = within(testid, element.click()).await;
            match result {
                Ok(()) => return,
                Err(e) if Instant::now() > deadline => panic!("click {testid}: {e:?}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
    }

    /// Types into a field once it takes input (a dialog's field can be found while the dialog
    /// is still opening, before it takes keys).
    pub async fn type_into(&self, testid: &str, text: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let field = self.wait_for(testid).await;
            let typed = match within(testid, field.clear()).await {
                Ok(()) => within(testid, field.send_keys(text)).await,
                Err(e) => Err(e),
            };
            match typed {
                Ok(()) => return,
                Err(e) if Instant::now() > deadline => panic!("type into {testid}: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
    }

    /// Waits until the element's text contains `needle`, and returns the text.
    pub async fn text_containing(&self, testid: &str, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(e) = within(testid, self.client.find(Self::css(testid))).await {
                if let Ok(text) = within(testid, e.text()).await {
                    if text.contains(needle) {
                        return text;
                    }
                    if Instant::now() > deadline {
                        panic!("[data-testid={testid}] says {text:?}, not {needle:?}");
                    }
                }
            }
            assert!(
                Instant::now() < deadline,
                "[data-testid={testid}] never appeared"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    pub async fn sign_in(&self, username: &str, password: &str) {
        self.type_into("login-username", username).await;
        self.type_into("login-password", password).await;
        self.click("login-submit").await;
    }

    pub async fn sign_out(&self) {
        self.click("signout").await;
        self.wait_for("login-username").await;
    }

    pub async fn close(self) {
        let _ = tokio::time::timeout(WAIT, self.client.close()).await;
    }

    /// Ends the app and hands over its home folder, with the data folder in it, to look at.
    pub async fn close_keeping_home(self) -> tempfile::TempDir {
        let _ = tokio::time::timeout(WAIT, self.client.close()).await;
        drop(self._driver);
        self._home
    }
}

/// Any one WebDriver call that takes longer than this has hung: fail instead of waiting forever.
async fn within<T>(what: &str, call: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(WAIT + Duration::from_secs(10), call)
        .await
        .unwrap_or_else(|_| panic!("WebDriver call for [data-testid={what}] hung"))
}

/// The app's data folder inside a test home.
fn app_dir(home: &tempfile::TempDir) -> PathBuf {
    home.path().join("data").join(IDENTIFIER)
}

/// Where the app should send mail in a test.
pub struct SmtpTarget {
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub ca_file: Option<PathBuf>,
}

async fn prepare_database(path: &Path, smtp: &SmtpTarget) {
    let store = SqliteStore::open(path).await.expect("database");
    let hash = vetdesk_core::password::hash(vetdesk_store::demo::DEMO_PASSWORD).expect("hash");
    vetdesk_store::demo::seed_if_empty(
        &store,
        vetdesk_core::Clock::now(&vetdesk_core::SystemClock),
        |_| hash.clone(),
    )
    .await
    .expect("demo clinic");
    let mut settings = Settings::demo();
    settings.mail.transport = MailTransport::Smtp;
    settings.mail.host = if smtp.ca_file.is_some() {
        "localhost"
    } else {
        "127.0.0.1"
    }
    .into();
    settings.mail.port = smtp.port;
    settings.mail.security = smtp.security;
    settings.mail.username = smtp.username.clone();
    store
        .save_settings(
            &settings,
            &AuditEvent::new(0, AuditAction::SettingsSaved, AuditOutcome::Ok, "e2e"),
        )
        .await
        .expect("settings");
    store.close().await;
}
