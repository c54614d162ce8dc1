//! What only the SQLite file has: migrations, WAL and locks, read-only files, the schema's own
//! constraints, the words stored on disk, and the demo clinic's clients.

use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::SqlitePool;
use vetdesk_core::ports::{AuditStore, EmailStore, StaffStore};
use vetdesk_core::testing::T0;
use vetdesk_core::{Role, StoreError};
use vetdesk_store::sqlite::CountedTable;
use vetdesk_store::{demo, SqliteStore};

use crate::backends::{demo_hash, sqlite_file, sqlite_path};
use crate::contract::{audit, email, issue_admin_reset};

/// A SQLite file with the demo clinic's staff and settings.
async fn seeded_file() -> (SqliteStore, tempfile::TempDir) {
    let (store, dir) = sqlite_file().await;
    demo::seed_staff(&store, T0, |_| demo_hash()).await.unwrap();
    (store, dir)
}

#[tokio::test]
async fn migrations_run_on_an_empty_file_and_again_on_reopen() {
    let (store, dir) = sqlite_file().await;
    assert_eq!(store.count(CountedTable::Staff).await.unwrap(), 0);
    store.close().await;
    let again = SqliteStore::open(&sqlite_path(&dir)).await.unwrap();
    assert_eq!(again.count(CountedTable::Staff).await.unwrap(), 0);
}

#[tokio::test]
async fn the_file_is_in_wal_mode() {
    let (store, _dir) = sqlite_file().await;
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn the_demo_clinic_is_large_and_covers_every_role() {
    let (store, _dir) = sqlite_file().await;
    assert!(demo::seed_if_empty(&store, T0, |_| demo_hash())
        .await
        .unwrap());
    let staff = store.list_staff("", 1000).await.unwrap();
    assert!(staff.len() >= 30, "{} staff", staff.len());
    for role in Role::ALL {
        assert!(staff.iter().any(|s| s.role == role), "{role:?}");
    }
    assert!(staff.iter().any(|s| s.email.is_none()));
    assert!(store.count(CountedTable::Clients).await.unwrap() >= 2_000);
    assert!(store.count(CountedTable::Pets).await.unwrap() >= 3_000);
    // A second start leaves the clinic as it is.
    assert!(!demo::seed_if_empty(&store, T0, |_| demo_hash())
        .await
        .unwrap());
    assert_eq!(
        store.count(CountedTable::Staff).await.unwrap(),
        staff.len() as i64
    );
}

#[tokio::test]
async fn constraints_refuse_bad_rows() {
    let (store, _dir) = seeded_file().await;
    let bad_email = sqlx::query("UPDATE staff SET email = 'nodomain' WHERE username = 'admin'")
        .execute(store.pool())
        .await;
    assert!(bad_email.is_err());
    let bad_role = sqlx::query("UPDATE staff SET role = 'root' WHERE username = 'admin'")
        .execute(store.pool())
        .await;
    assert!(bad_role.is_err());
}

#[tokio::test]
async fn the_schema_allows_one_live_token_per_account_and_purpose() {
    let (store, _dir) = seeded_file().await;
    let insert = "INSERT INTO reset_tokens (staff_id, purpose, code_digest, created_at, \
                  expires_at, revoked_at) VALUES (2, 'self_reset', ?, 1, 2, ?)";
    let live = |digest: char, revoked: Option<i64>| {
        sqlx::query(insert)
            .bind(digest.to_string().repeat(64))
            .bind(revoked)
            .execute(store.pool())
    };
    live('a', None).await.unwrap();
    let second = live('b', None).await.unwrap_err();
    assert!(second.to_string().contains("UNIQUE"), "{second}");
    // Revoked tokens are outside the partial index: any number may stay behind.
    live('c', Some(1)).await.unwrap();
    live('d', Some(1)).await.unwrap();
}

#[tokio::test]
async fn the_stored_words_are_the_ones_on_disk() {
    let (store, _dir) = seeded_file().await;
    issue_admin_reset(&store).await;
    let words = |sql| words(&store, sql);
    assert_eq!(
        words("SELECT action || ' ' || outcome || ' ' || workstation FROM audit_events").await,
        ["demo_clinic_created ok setup", "admin_reset ok desk-1"]
    );
    assert_eq!(
        words("SELECT DISTINCT status FROM staff ORDER BY status").await,
        ["active", "disabled"]
    );
    assert_eq!(
        words("SELECT role FROM staff WHERE username = 'mreyes'").await,
        ["office_manager"]
    );
    assert_eq!(
        words("SELECT purpose FROM reset_tokens").await,
        ["admin_reset"]
    );
    assert_eq!(
        words("SELECT kind || ' ' || status FROM emails").await,
        ["staff_reset queued"]
    );
}

async fn words(store: &SqliteStore, sql: &'static str) -> Vec<String> {
    sqlx::query_scalar(sql)
        .fetch_all(store.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn two_writers_at_once_both_land() {
    let (store, dir) = seeded_file().await;
    let other = SqliteStore::open(&sqlite_path(&dir)).await.unwrap();
    let a = Arc::new(store.clone());
    let b = Arc::new(other);
    let mut tasks = Vec::new();
    for i in 0..40_i64 {
        let s = if i % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move {
            s.enqueue_email(&email(2, T0 + i), &audit(T0 + i)).await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(store.count(CountedTable::Emails).await.unwrap(), 40);
}

#[tokio::test]
async fn a_read_only_file_gives_a_clear_error_and_changes_nothing() {
    let (store, dir) = seeded_file().await;
    let path = sqlite_path(&dir);
    store.close().await;
    // Root ignores file permissions, so open the file through SQLite's read-only mode instead.
    let options = SqliteConnectOptions::new().filename(&path).read_only(true);
    let pool = SqlitePool::connect_with(options).await.unwrap();
    let read_only = SqliteStore::from_pool(pool);
    let err = read_only
        .update_staff_email(1, "new@clinic.example", None, T0, &audit(T0))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::ReadOnly), "{err:?}");
    assert!(err.to_string().contains("read-only"));
    read_only.close().await;
    let reopened = SqliteStore::open(&path).await.unwrap();
    assert_eq!(
        reopened
            .get_staff(1)
            .await
            .unwrap()
            .unwrap()
            .email
            .as_deref(),
        Some("admin@harborview-clinic.example")
    );
}

#[tokio::test]
async fn a_locked_database_answers_busy_instead_of_hanging() {
    let (store, dir) = seeded_file().await;
    let options = SqliteConnectOptions::new()
        .filename(sqlite_path(&dir))
        .busy_timeout(Duration::from_millis(100));
    let pool = SqlitePool::connect_with(options).await.unwrap();
    let mut blocker = pool.begin_with("BEGIN EXCLUSIVE").await.unwrap();
    sqlx::query("UPDATE staff SET display_name = display_name WHERE id = 1")
        .execute(&mut *blocker)
        .await
        .unwrap();
    let started = Instant::now();
    let err = store.append_audit(&audit(T0)).await.unwrap_err();
    assert!(matches!(err, StoreError::Busy), "{err:?}");
    assert!(err.to_string().contains("busy"));
    assert!(started.elapsed() < Duration::from_secs(30));
    blocker.rollback().await.unwrap();
    store.append_audit(&audit(T0)).await.unwrap();
}
