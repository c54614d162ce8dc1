//! What only the PostgreSQL server has: migrations on a shared server, run under sqlx's advisory
//! lock; the schema's own constraints; and lists sorted the same whatever the server's locale.

use sqlx::ConnectOptions;
use vetdesk_core::ports::StaffStore;
use vetdesk_core::staff::{NewStaff, StaffStatus};
use vetdesk_core::testing::T0;
use vetdesk_core::Role;
use vetdesk_store::{demo, CountedTable, PgStore};

use crate::backends::{demo_hash, postgres_database, postgres_store, sqlite_file};

/// The migrations this build embeds.
fn migration_files() -> i64 {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres");
    let files = std::fs::read_dir(dir).expect("the PostgreSQL migrations folder");
    let sql = files
        .map(|f| f.expect("a migration file").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .count();
    i64::try_from(sql).expect("a count")
}

/// The migrations the database has recorded as applied, and how many versions they cover.
async fn applied_migrations(store: &PgStore) -> (i64, i64) {
    sqlx::query_as("SELECT count(*), count(DISTINCT version) FROM _sqlx_migrations WHERE success")
        .fetch_one(store.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn migrations_run_on_an_empty_database_and_again_on_reconnect() {
    let (store, guard) = postgres_store().await;
    let all = migration_files();
    assert!(all > 0);
    assert_eq!(applied_migrations(&store).await, (all, all));
    assert_eq!(store.count(CountedTable::Staff).await.unwrap(), 0);
    demo::seed_staff(&store, T0, |_| demo_hash()).await.unwrap();
    let staff = store.count(CountedTable::Staff).await.unwrap();
    assert!(staff > 0);
    store.close().await;
    // A workstation that starts again finds the schema current and the clinic as it was.
    let url = guard.options().to_url_lossy().to_string();
    let again = PgStore::connect(&url).await.unwrap();
    assert_eq!(applied_migrations(&again).await, (all, all));
    assert_eq!(again.count(CountedTable::Staff).await.unwrap(), staff);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workstations_starting_at_once_on_an_empty_database_both_open_it() {
    let guard = postgres_database("").await;
    let (a, b) = tokio::join!(
        PgStore::open(guard.options()),
        PgStore::open(guard.options())
    );
    let a = a.expect("the first workstation opens the database");
    let b = b.expect("the second workstation opens the database");
    let all = migration_files();
    assert_eq!(applied_migrations(&a).await, (all, all));
    let staff_tables: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() \
         AND tablename = 'staff'",
    )
    .fetch_one(b.pool())
    .await
    .unwrap();
    assert_eq!(staff_tables, 1);
    // Both work on the one schema: what one writes, the other reads.
    let ids = a.insert_staff(&[staff("one", "One")], T0).await.unwrap();
    let read = b.get_staff(ids[0]).await.unwrap().expect("the new account");
    assert_eq!(read.username, "one");
}

#[tokio::test]
async fn constraints_refuse_bad_rows() {
    let (store, _guard) = postgres_store().await;
    demo::seed_staff(&store, T0, |_| demo_hash()).await.unwrap();
    for sql in [
        "UPDATE staff SET email = 'nodomain' WHERE username = 'admin'",
        "UPDATE staff SET role = 'root' WHERE username = 'admin'",
    ] {
        let err = sqlx::query(sql).execute(store.pool()).await.expect_err(sql);
        let code = err.as_database_error().and_then(|e| e.code());
        assert_eq!(code.as_deref(), Some("23514"), "{sql}: {err}");
    }
    let admin = store.find_staff_by_login("admin").await.unwrap().unwrap();
    assert_eq!(admin.role, Role::Admin);
}

/// Display names that sort differently by byte, by letter case and by a language's rules. Equal
/// names but for ASCII case keep the order they were added in.
const NAMES: [&str; 8] = [
    "Zed Quinn",
    "adam Lowe",
    "Émile Roux",
    "eve Park",
    "ADAM Lowe",
    "émile Roux",
    "Zoë Brandt",
    "Ada Lowe",
];

fn staff(username: &str, display_name: &str) -> NewStaff {
    NewStaff {
        username: username.into(),
        display_name: display_name.into(),
        role: Role::Receptionist,
        email: None,
        status: StaffStatus::Active,
        password_hash: "hash".into(),
    }
}

/// The display names of `store`'s staff list, after adding [`NAMES`].
async fn listed(store: &dyn StaffStore) -> Vec<String> {
    let accounts: Vec<NewStaff> = NAMES
        .iter()
        .enumerate()
        .map(|(i, name)| staff(&format!("sort{i}"), name))
        .collect();
    store.insert_staff(&accounts, T0).await.unwrap();
    let list = store.list_staff("", 100).await.unwrap();
    list.into_iter().map(|s| s.display_name).collect()
}

#[tokio::test]
async fn names_sort_in_byte_order_whatever_the_servers_locale() {
    let (sqlite, _dir) = sqlite_file().await;
    let on_sqlite = listed(&sqlite).await;
    // The SQLite file's order: bytes with ASCII letters folded, then the order of adding.
    let mut folded: Vec<&str> = NAMES.to_vec();
    folded.sort_by_key(|n| n.to_ascii_lowercase());
    assert_eq!(on_sqlite, folded);
    // The server's default locale, then a language's own order (ICU, English), which would put
    // "Émile" between "adam" and "eve".
    for locale in [
        "",
        "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'",
    ] {
        let guard = postgres_database(locale).await;
        let store = PgStore::open(guard.options()).await.unwrap();
        assert_eq!(listed(&store).await, on_sqlite, "{locale}");
    }
}
