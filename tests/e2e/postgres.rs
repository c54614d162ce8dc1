//! The clinic database on the test PostgreSQL server, in the real window: the workstation reaches
//! it through a network the test controls (a TCP proxy in front of the real server), as a desk
//! pointed there by Setup › Settings › Database does (`database.json` in its data folder, the
//! password in the OS keyring). Reset password from the Staff List and the paw on a client's
//! profile, each checked in PostgreSQL and at the real SMTP server and followed to a new
//! password; offline, in `offline.rs`.

mod offline;

use std::ffi::OsString;
use std::net::SocketAddr;
use std::str::FromStr;
use std::time::{Duration, Instant};

use sqlx::postgres::PgConnectOptions;
use vetdesk_core::audit::{AuditAction, AuditEvent, AuditOutcome};
use vetdesk_core::client::{NewClient, NewPet};
use vetdesk_core::database::{DatabaseLocation, DatabaseTls, ServerAddress};
use vetdesk_core::ports::{ClientStore, SettingsStore, StaffStore};
use vetdesk_core::settings::{MailTransport, Settings, SmtpSecurity};
use vetdesk_core::{Clock, SystemClock};
use vetdesk_secrets::{SecretStore, Sensitive};
use vetdesk_store::demo::DEMO_PASSWORD;
use vetdesk_store::PgStore;
use vetdesk_testkit::postgres::{fresh_database, server_url, TestDatabase};
use vetdesk_testkit::proxy::TcpProxy;
use vetdesk_testkit::smtp::{ServerOptions, SmtpServer};

use crate::browser::Browser;
use crate::clinic_web::ClinicWeb;
use crate::flows::{assert_signs_in, code_in, set_password_with_code};
use crate::harness::Desk;
use crate::mailbox::{mail_to, mails_to, web_link};

/// The clinic URL the emails' web links start with, when no vetdesk-server serves it.
const CLINIC_URL: &str = "https://portal.harborview-clinic.example";
const STAFF_RESET: &str = "Reset your Harborview Animal Clinic VetDesk password";
const INVITATION: &str = "Set up your Harborview Animal Clinic patient portal account";
const NEW_PASSWORD: &str = "harbour lantern cobalt thistle";
const PORTAL_PASSWORD: &str = "saffron glacier pewter otter";

/// A clinic on a database of its own on the test server: the demo clinic's staff and settings,
/// mail through a real SMTP server, and the network between the desk and the server.
pub(crate) struct ServerClinic {
    pub db: TestDatabase,
    pub store: PgStore,
    pub network: TcpProxy,
    pub smtp: SmtpServer,
}

impl ServerClinic {
    pub async fn set_up(label: &str) -> ServerClinic {
        let db = fresh_database(label).await;
        let store = PgStore::connect(&db.url).await.expect("the test database");
        let hash = vetdesk_core::password::hash(DEMO_PASSWORD).expect("hash");
        vetdesk_store::demo::seed_staff(&store, SystemClock.now(), |_| hash.clone())
            .await
            .expect("the demo clinic's staff");
        let smtp = SmtpServer::start(&ServerOptions::default(), None);
        let mut settings = Settings::demo();
        settings.clinic.clinic_url = Some(CLINIC_URL.into());
        settings.mail.transport = MailTransport::Smtp;
        settings.mail.host = "127.0.0.1".into();
        settings.mail.port = smtp.port;
        settings.mail.security = SmtpSecurity::Plain;
        let clinic = ServerClinic {
            network: TcpProxy::start(SocketAddr::from(([127, 0, 0, 1], server().get_port()))),
            db,
            store,
            smtp,
        };
        clinic.save_settings(&settings).await;
        clinic
    }

    async fn save_settings(&self, settings: &Settings) {
        let audit = AuditEvent::new(0, AuditAction::SettingsSaved, AuditOutcome::Ok, "e2e");
        self.store
            .save_settings(settings, &audit)
            .await
            .expect("settings");
    }

    /// A workstation on this clinic's database through `network`, at its sign-in screen.
    pub async fn desk(&self) -> Desk {
        let options = server();
        let location = DatabaseLocation::Server(ServerAddress {
            host: "127.0.0.1".into(),
            port: self.network.port,
            database: self.db.name.clone(),
            user: options.get_username().into(),
            tls: DatabaseTls::Off,
        });
        let text = serde_json::to_string_pretty(&location).unwrap();
        Desk::open_prepared(|dir| {
            std::fs::write(dir.join("database.json"), text).expect("database.json");
            // Where the app looks for it: the clinic's keyring service, not the demo's.
            vetdesk_secrets::Keyring::new(vetdesk_lib::state::KEYRING_SERVICE)
                .set(
                    vetdesk_lib::database::DATABASE_PASSWORD,
                    &Sensitive::new(server_password()),
                )
                .expect("the keyring takes the database password");
        })
        .await
    }

    pub async fn staff_id(&self, username: &str) -> i64 {
        let found = self.store.find_staff_by_login(username).await.unwrap();
        found.unwrap_or_else(|| panic!("no {username}")).id
    }

    async fn add_client(&self, first_name: &str, last_name: &str, email: &str) -> i64 {
        let client = NewClient {
            first_name: first_name.into(),
            last_name: last_name.into(),
            email: Some(email.into()),
            phone: Some("+1 (207) 555-0163".into()),
            address: Some("4 Kelp Terrace, Port Alder".into()),
            pets: vec![NewPet {
                name: "Bramble".into(),
                species: "Dog".into(),
                breed: Some("Border Collie".into()),
            }],
        };
        let now = SystemClock.now();
        self.store.insert_clients(&[client], now).await.unwrap()[0]
    }

    /// One number from the clinic database, `$1` in `sql` bound to `id`.
    pub async fn count(&self, sql: &str, id: i64) -> i64 {
        let query = sqlx::query_scalar(sql).bind(id);
        query.fetch_one(self.store.pool()).await.unwrap()
    }

    /// The rows of `table` in the clinic database.
    pub async fn rows(&self, table: &str) -> i64 {
        let sql = format!("SELECT count(*) FROM {table}");
        let query = sqlx::query_scalar(&sql);
        query.fetch_one(self.store.pool()).await.unwrap()
    }

    /// Waits until [`ServerClinic::count`] answers `want` (an email is marked sent a moment
    /// after the SMTP server took it).
    pub async fn wait_count(&self, sql: &str, id: i64, want: i64) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let got = self.count(sql, id).await;
            if got == want {
                return;
            }
            assert!(Instant::now() < deadline, "{sql} ({id}): {got}, not {want}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    pub async fn close(self) {
        self.store.close().await;
    }
}

/// The test server's address and user.
fn server() -> PgConnectOptions {
    PgConnectOptions::from_str(&server_url()).expect("VETDESK_TEST_PG_URL")
}

fn server_password() -> String {
    let url = url::Url::parse(&server_url()).expect("VETDESK_TEST_PG_URL");
    url.password().unwrap_or_default().to_string()
}

/// The Staff List, the card of `id` (found by `search`), Reset password, Yes.
pub(crate) async fn reset_from_the_staff_list(desk: &Desk, search: &str, id: i64) {
    desk.click("nav-staff").await;
    desk.type_into("staff-search", search).await;
    desk.click(&format!("staff-card-{id}")).await;
    desk.click("reset-password").await;
    desk.click("confirm-yes").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_office_manager_resets_a_password_on_the_clinic_server() {
    const DANA: &str = "dpatel@harborview-clinic.example";
    let clinic = ServerClinic::set_up("e2e_staff_reset").await;
    let dana = clinic.staff_id("dpatel").await;
    let desk = clinic.desk().await;
    desk.sign_in("mreyes", DEMO_PASSWORD).await;
    desk.text_containing(
        "database-status",
        &format!("Clinic database: {} on 127.0.0.1", clinic.db.name),
    )
    .await;

    reset_from_the_staff_list(&desk, "Patel", dana).await;
    desk.text_containing(
        "reset-message",
        "Reset password link has been sent to d•••@harborview-clinic.example",
    )
    .await;
    let text = mail_to(&clinic.smtp, DANA, STAFF_RESET).await;
    assert!(text.contains("Morgan Reyes sent you a link"), "{text}");
    assert!(text.contains("vetdesk://reset?token="), "{text}");
    let link = web_link(&text, CLINIC_URL, "/reset");
    let code = code_in(&text);

    // The token and its email are rows on the server; the token only as its digest.
    let live = "SELECT count(*) FROM reset_tokens WHERE staff_id = $1 AND purpose = 'admin_reset' \
                AND used_at IS NULL AND revoked_at IS NULL AND link_digest IS NOT NULL";
    assert_eq!(clinic.count(live, dana).await, 1);
    let token = link.split("#token=").nth(1).unwrap();
    let stored: Vec<String> = sqlx::query_scalar(
        "SELECT concat_ws(' ', link_digest, code_digest) FROM reset_tokens WHERE staff_id = $1",
    )
    .bind(dana)
    .fetch_all(clinic.store.pool())
    .await
    .unwrap();
    assert!(
        stored
            .iter()
            .all(|s| !s.contains(token) && !s.contains(&code)),
        "a reset secret is stored as it was sent"
    );
    clinic
        .wait_count(
            "SELECT count(*) FROM emails WHERE staff_id = $1 AND kind = 'staff_reset' \
             AND status = 'sent' AND delivered_via = 'smtp' AND sealed IS NULL",
            dana,
            1,
        )
        .await;

    // Dana sets a new password with the code at this desk; the server has the token used.
    desk.click("dialog-close").await;
    desk.sign_out().await;
    set_password_with_code(&desk, "dpatel", &code, NEW_PASSWORD).await;
    assert_signs_in(&desk, "dpatel", NEW_PASSWORD).await;
    let used = "SELECT count(*) FROM reset_tokens WHERE staff_id = $1 AND used_at IS NOT NULL";
    assert_eq!(clinic.count(used, dana).await, 1);
    mail_to(&clinic.smtp, DANA, "VetDesk password was changed").await;
    assert_eq!(mails_to(&clinic.smtp, DANA, STAFF_RESET, 1).await.len(), 1);
    desk.close().await;
    clinic.close().await;
}

/// `vetdesk-server` on the clinic's database on the test server (straight to it, not through
/// the desk's network), its password in an owner-only file; the clinic URL set to it.
async fn clinic_web(clinic: &ServerClinic, secrets: &tempfile::TempDir) -> ClinicWeb {
    use std::os::unix::fs::PermissionsExt;
    let password_file = secrets.path().join("database-password");
    std::fs::write(&password_file, server_password()).unwrap();
    std::fs::set_permissions(&password_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let options = server();
    let url = format!(
        "postgres://{}@127.0.0.1:{}/{}?sslmode=disable",
        options.get_username(),
        options.get_port(),
        clinic.db.name
    );
    let args: Vec<OsString> = vec![
        "--database".into(),
        url.into(),
        "--database-password-file".into(),
        password_file.into(),
    ];
    let web = ClinicWeb::serve(&args).await;
    let mut settings = clinic.store.load_settings().await.unwrap().unwrap();
    settings.clinic.clinic_url = Some(web.base.clone());
    clinic.save_settings(&settings).await;
    web
}

#[tokio::test(flavor = "multi_thread")]
async fn the_paw_invites_a_client_on_the_clinic_server() {
    const EMAIL: &str = "wren.halloway@pawmail.example";
    let clinic = ServerClinic::set_up("e2e_paw").await;
    let id = clinic.add_client("Wren", "Halloway", EMAIL).await;
    let secrets = tempfile::tempdir().unwrap();
    let web = clinic_web(&clinic, &secrets).await;
    let desk = clinic.desk().await;
    desk.sign_in("jokafor", DEMO_PASSWORD).await;
    desk.click("nav-clients").await;
    desk.type_into("client-search", "Halloway").await;
    desk.click(&format!("client-open-{id}")).await;
    desk.text_containing("client-portal-badge", "Not registered")
        .await;
    desk.text_containing("paw", "Invite to portal").await;
    desk.click("paw").await;
    desk.text_containing("portal-message", "Invitation sent to w•••@pawmail.example")
        .await;

    let text = mail_to(&clinic.smtp, EMAIL, INVITATION).await;
    let link = web_link(&text, &web.base, "/portal/set-password");
    let account = "(SELECT id FROM portal_accounts WHERE client_id = $1)";
    let invited = format!(
        "SELECT count(*) FROM portal_tokens WHERE account_id = {account} \
         AND purpose = 'portal_invite' AND used_at IS NULL AND revoked_at IS NULL"
    );
    assert_eq!(clinic.count(&invited, id).await, 1);
    clinic
        .wait_count(
            "SELECT count(*) FROM emails WHERE client_id = $1 AND kind = 'portal_invite' \
             AND status = 'sent' AND sealed IS NULL",
            id,
            1,
        )
        .await;

    // The client sets a password on the clinic's web page, which works on the same server.
    let browser = Browser::start().await;
    browser.open(&link).await;
    browser.text_containing("#welcome", "Welcome, Wren.").await;
    browser.fill("#password", PORTAL_PASSWORD).await;
    browser.fill("#confirm", PORTAL_PASSWORD).await;
    browser
        .click("#portal-password-form button[type=submit]")
        .await;
    browser
        .text_containing("#done h1", "Your password is set")
        .await;
    let used = format!(
        "SELECT count(*) FROM portal_tokens WHERE account_id = {account} AND used_at IS NOT NULL"
    );
    assert_eq!(clinic.count(&used, id).await, 1);
    let active = "SELECT count(*) FROM portal_accounts WHERE client_id = $1 AND status = 'active'";
    assert_eq!(clinic.count(active, id).await, 1);

    // The desk sees the account the client made.
    desk.click("dialog-close").await;
    desk.click(&format!("client-open-{id}")).await;
    desk.text_containing("client-portal-badge", "Active").await;
    browser.close().await;
    desk.close().await;
    drop(web);
    clinic.close().await;
}
