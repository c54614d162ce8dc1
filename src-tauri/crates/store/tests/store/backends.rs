//! The backends the suite runs on. Each test gets a fresh database with the demo staff and
//! settings, through the store traits only.

use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use sqlx::postgres::PgConnectOptions;
use tempfile::TempDir;
use vetdesk_core::ports::Store;
use vetdesk_core::testing::{ClinicBuilder, MemoryStore, TestClinic, T0};
use vetdesk_store::{demo, PgStore, SqliteStore};

/// Opens an empty database of one backend.
pub trait StoreFactory {
    /// What must outlive the store, such as its folder.
    type Guard;

    async fn open() -> (Arc<dyn Store>, Self::Guard);
}

pub struct Sqlite;

impl StoreFactory for Sqlite {
    type Guard = TempDir;

    async fn open() -> (Arc<dyn Store>, TempDir) {
        let (store, dir) = sqlite_file().await;
        (Arc::new(store), dir)
    }
}

pub struct Memory;

impl StoreFactory for Memory {
    type Guard = ();

    async fn open() -> (Arc<dyn Store>, ()) {
        (Arc::new(MemoryStore::new()), ())
    }
}

/// A database of its own on the PostgreSQL server `tests/run.sh` names.
pub struct Postgres;

impl StoreFactory for Postgres {
    type Guard = PgGuard;

    async fn open() -> (Arc<dyn Store>, PgGuard) {
        let (store, guard) = postgres_store().await;
        (Arc::new(store), guard)
    }
}

/// A test database's name and how to reach it. Nothing is dropped here: `tests/run.sh` drops
/// every database of its run when it ends.
pub struct PgGuard {
    pub name: String,
    url: String,
}

impl PgGuard {
    /// How to connect to this database.
    pub fn options(&self) -> PgConnectOptions {
        PgConnectOptions::from_str(&self.url).expect("a postgres:// URL")
    }
}

/// An empty database, its schema brought up to date by [`PgStore::open`].
pub async fn postgres_store() -> (PgStore, PgGuard) {
    let guard = postgres_database("").await;
    let store = PgStore::open(guard.options())
        .await
        .unwrap_or_else(|e| panic!("open the PostgreSQL store on {}: {e}", guard.name));
    (store, guard)
}

/// A new database with no tables; `options` is added to its `CREATE DATABASE` statement as
/// written, such as a locale.
pub async fn postgres_database(options: &str) -> PgGuard {
    let database = vetdesk_testkit::postgres::fresh_database_with("store", options).await;
    PgGuard {
        name: database.name,
        url: database.url,
    }
}

/// An empty SQLite file in a folder of its own; the store's path is [`sqlite_path`].
pub async fn sqlite_file() -> (SqliteStore, TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&sqlite_path(&dir))
        .await
        .expect("open store");
    (store, dir)
}

pub fn sqlite_path(dir: &TempDir) -> std::path::PathBuf {
    dir.path().join("vetdesk.sqlite3")
}

/// The demo password's hash, made once: every demo account shares it here, for speed.
pub fn demo_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| vetdesk_core::password::hash(demo::DEMO_PASSWORD).expect("hash"))
        .clone()
}

/// A store of backend `F` with the demo clinic's staff and settings.
pub async fn seeded<F: StoreFactory>() -> (Arc<dyn Store>, F::Guard) {
    let (store, guard) = F::open().await;
    demo::seed_staff(store.as_ref(), T0, |_| demo_hash())
        .await
        .expect("seed");
    (store, guard)
}

/// The recovery flows over a demo clinic on backend `F`.
pub async fn clinic<F: StoreFactory>() -> (TestClinic, F::Guard) {
    let (store, guard) = seeded::<F>().await;
    (ClinicBuilder::new(store).build(), guard)
}
