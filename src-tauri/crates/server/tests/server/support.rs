//! A clinic database seeded through the store and the core, the real `vetdesk-server` binary
//! started on it, and what the tests look at: its log, the database's rows, the core's view.

use std::path::PathBuf;
use std::sync::Arc;

use rand::rngs::OsRng;
use sqlx::SqlitePool;
use vetdesk_core::audit::{AuditAction, AuditEvent, AuditOutcome};
use vetdesk_core::client::NewClient;
use vetdesk_core::limits::LimitConfig;
use vetdesk_core::outbox::{EmailKind, EmailRecord};
use vetdesk_core::ports::{InlineHashing, NoBreachCheck, PasswordHashing, Store};
use vetdesk_core::recovery::{Recovery, RecoveryParts};
use vetdesk_core::seal::Sealer;
use vetdesk_core::session::Actor;
use vetdesk_core::settings::Settings;
use vetdesk_core::staff::{NewStaff, StaffRecord, StaffStatus};
use vetdesk_core::time::{Clock, ManualClock, MINUTE};
use vetdesk_core::token::CodePepper;
use vetdesk_core::{Role, SystemClock};
use vetdesk_server::keyring::FileKeyring;
use vetdesk_store::{PgStore, SqliteStore};

pub use crate::running::*;

pub const CLINIC_NAME: &str = "Harborview Animal Clinic";
pub const OLD_PASSWORD: &str = "quiet harbor lantern morning";
pub const NEW_PASSWORD: &str = "lantern orbit pickle saxophone";
pub const ADMIN: &str = "oadmin";
pub const DESK: &str = "test-desk";
/// The words of the one page for a link that cannot be used.
pub const NEXT_STEP: &str =
    "Ask for a new link with Forgot password? in VetDesk, or ask your office manager.";

/// Where a test clinic's database is, as the server is told.
pub enum ClinicDb {
    Sqlite(PathBuf),
    /// The URL without its password, and the owner-only file that holds the password.
    Postgres {
        url: String,
        password_file: PathBuf,
    },
}

impl ClinicDb {
    /// The server's `--database`.
    pub fn arg(&self) -> String {
        match self {
            ClinicDb::Sqlite(path) => format!("sqlite://{}", path.display()),
            ClinicDb::Postgres { url, .. } => url.clone(),
        }
    }
}

/// The store a test clinic is on, for the tests that read its rows directly.
enum Backend {
    Sqlite(Arc<SqliteStore>),
    Postgres(Arc<PgStore>),
}

/// A clinic database in a temporary folder (a SQLite file) or on the test PostgreSQL server,
/// with an admin and the staff members named at creation, and the recovery flows over it on a
/// clock the tests can move: the desktop app, as far as the server can tell, with its outbox key
/// in `sealer`.
pub struct TestClinic {
    pub dir: tempfile::TempDir,
    pub db: ClinicDb,
    pub store: Arc<dyn Store>,
    backend: Backend,
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
        let sqlite = Arc::new(SqliteStore::open(&db).await.unwrap());
        let store = sqlite.clone() as Arc<dyn Store>;
        Self::seeded(
            dir,
            ClinicDb::Sqlite(db),
            store,
            Backend::Sqlite(sqlite),
            settings,
            staff,
        )
        .await
    }

    /// A clinic on a fresh database of the test PostgreSQL server, as [`TestClinic::new`]. The
    /// server gets the URL without its password, and the password in a file.
    pub async fn on_postgres(settings: Settings, staff: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let database = vetdesk_testkit::postgres::fresh_database("server").await;
        let pg = Arc::new(PgStore::connect(&database.url).await.unwrap());
        let store = pg.clone() as Arc<dyn Store>;
        let mut url = url::Url::parse(&database.url).unwrap();
        let password = url.password().unwrap_or_default().to_string();
        url.set_password(None).unwrap();
        url.query_pairs_mut().append_pair("sslmode", "disable");
        let password_file = file_with_mode(dir.path(), "database-password", &password, 0o600);
        let db = ClinicDb::Postgres {
            url: url.to_string(),
            password_file,
        };
        Self::seeded(dir, db, store, Backend::Postgres(pg), settings, staff).await
    }

    async fn seeded(
        dir: tempfile::TempDir,
        db: ClinicDb,
        store: Arc<dyn Store>,
        backend: Backend,
        settings: Settings,
        staff: &[&str],
    ) -> Self {
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
            store: store.clone(),
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
            backend,
            recovery,
            clock,
            sealer,
        }
    }

    /// The SQLite file's pool, for the tests that read its rows directly.
    pub fn pool(&self) -> &SqlitePool {
        match &self.backend {
            Backend::Sqlite(store) => store.pool(),
            Backend::Postgres(_) => panic!("this test reads a SQLite file's rows"),
        }
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
        match &self.backend {
            Backend::Sqlite(store) => snapshot(store.pool()).await,
            Backend::Postgres(store) => pg_snapshot(store.pool()).await,
        }
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

async fn pg_snapshot(pool: &sqlx::PgPool) -> Vec<String> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() \
         AND tablename <> '_sqlx_migrations' ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut rows = Vec::new();
    for table in tables {
        let sql = format!("SELECT '{table}: ' || t::text FROM \"{table}\" t ORDER BY 1");
        rows.extend(
            sqlx::query_scalar::<_, String>(&sql)
                .fetch_all(pool)
                .await
                .unwrap(),
        );
    }
    rows
}
