//! The backends the suite runs on. Each test gets a fresh database with the demo staff and
//! settings, through the store traits only.

use std::sync::{Arc, OnceLock};

use tempfile::TempDir;
use vetdesk_core::ports::Store;
use vetdesk_core::testing::{ClinicBuilder, MemoryStore, TestClinic, T0};
use vetdesk_store::{demo, SqliteStore};

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
