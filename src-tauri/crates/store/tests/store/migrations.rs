//! What the migrations keep: a database file made with an older schema, with data in it, opened
//! by this release.

use std::collections::BTreeMap;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Row, SqlitePool};
use vetdesk_core::limits::Limit;
use vetdesk_core::outbox::{EmailKind, NewEmail};
use vetdesk_core::ports::{EmailStore, LimitStore, SessionStore, SettingsStore};
use vetdesk_core::session::SessionSettings;
use vetdesk_core::settings::Settings;
use vetdesk_core::testing::T0;
use vetdesk_core::time::MINUTE;
use vetdesk_store::{demo, SqliteStore};

use crate::backends::{demo_hash, sqlite_path};
use crate::contract::{audit, email, issue_admin_reset};

/// A database file at `path` with the schema of the release before migration `version`.
async fn database_before(version: i64, path: &std::path::Path) -> SqliteStore {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true);
    let pool = SqlitePool::connect_with(options).await.unwrap();
    let mut before = sqlx::migrate!("migrations/sqlite");
    before.migrations = before
        .migrations
        .iter()
        .filter(|m| m.version < version)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    before.run(&pool).await.unwrap();
    SqliteStore::from_pool(pool)
}

/// Every table's rows, each as the SQL literals of its columns (`quote()`), sorted. The
/// settings body is compared without the keys migrations add to it.
async fn snapshot(
    pool: &SqlitePool,
    tables: &BTreeMap<String, Vec<String>>,
) -> BTreeMap<String, Vec<String>> {
    let mut rows = BTreeMap::new();
    for (table, columns) in tables {
        let values: Vec<String> = columns
            .iter()
            .map(|c| match (table.as_str(), c.as_str()) {
                ("settings", "body") => "quote(json_remove(body, '$.sessions'))".to_string(),
                _ => format!("quote(\"{c}\")"),
            })
            .collect();
        let sql = format!(
            "SELECT {} AS row FROM \"{table}\" ORDER BY row",
            values.join(" || char(31) || ")
        );
        let found = sqlx::query(&sql).fetch_all(pool).await.unwrap();
        rows.insert(
            table.clone(),
            found.iter().map(|r| r.get::<String, _>("row")).collect(),
        );
    }
    rows
}

/// The tables of the schema and their columns, the migrations' own bookkeeping left out.
async fn tables(pool: &SqlitePool) -> BTreeMap<String, Vec<String>> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut tables = BTreeMap::new();
    for name in names {
        let columns = sqlx::query_scalar("SELECT name FROM pragma_table_info(?) ORDER BY cid")
            .bind(&name)
            .fetch_all(pool)
            .await
            .unwrap();
        tables.insert(name, columns);
    }
    tables
}

/// A database at the schema before migration 5 with a row in every table keeps every value of
/// every row once this release has migrated it.
#[tokio::test]
async fn every_value_of_every_row_survives_the_migrations() {
    let dir = tempfile::tempdir().unwrap();
    let path = sqlite_path(&dir);
    let old = database_before(5, &path).await;
    assert!(demo::seed_if_empty(&old, T0, |_| demo_hash())
        .await
        .unwrap());
    issue_admin_reset(&old).await;
    old.hit("sign_in:account:2", Limit::per(5, MINUTE), T0)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO sessions (staff_id, created_at, ended_at) VALUES (2, ?1, NULL), (3, ?1, ?2)",
    )
    .bind(T0)
    .bind(T0 + MINUTE)
    .execute(old.pool())
    .await
    .unwrap();
    let schema = tables(old.pool()).await;
    let before = snapshot(old.pool(), &schema).await;
    for (table, rows) in &before {
        assert!(
            !rows.is_empty(),
            "{table} holds no row, so the test proves nothing for it"
        );
    }
    old.close().await;

    let upgraded = SqliteStore::open(&path).await.unwrap();
    let after = snapshot(upgraded.pool(), &schema).await;
    for (table, rows) in &before {
        assert_eq!(
            rows.len(),
            after[table].len(),
            "{table}: rows lost or added"
        );
        assert!(
            rows == &after[table],
            "{table}: a value changed in migration"
        );
    }
}

/// Emails written before the table was rebuilt for the new kinds keep every column.
#[tokio::test]
async fn an_older_database_keeps_its_emails_when_upgraded() {
    let dir = tempfile::tempdir().unwrap();
    let path = sqlite_path(&dir);
    let old = database_before(3, &path).await;
    demo::seed_staff(&old, T0, |_| demo_hash()).await.unwrap();
    let id = old.enqueue_email(&email(2, T0), &audit(T0)).await.unwrap();
    old.close().await;

    let upgraded = SqliteStore::open(&path).await.unwrap();
    let kept = upgraded.list_emails("", 10).await.unwrap();
    assert_eq!((kept.len(), kept[0].id), (1, id));
    assert_eq!(kept[0].sealed.as_deref(), Some(&[1, 2, 3][..]));
    let notice = NewEmail {
        kind: EmailKind::EmailChanged,
        ..email(2, T0)
    };
    upgraded.enqueue_email(&notice, &audit(T0)).await.unwrap();
}

/// A database from before sessions had an idle lock: its settings get the default session rules
/// and its open sessions count from their sign-in.
#[tokio::test]
async fn an_older_database_gets_session_rules_and_keeps_its_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let path = sqlite_path(&dir);
    let old = database_before(5, &path).await;
    demo::seed_staff(&old, T0, |_| demo_hash()).await.unwrap();
    let mut body = serde_json::to_value(Settings::demo()).unwrap();
    body.as_object_mut().unwrap().remove("sessions");
    body["passwordMinLength"] = serde_json::json!(14);
    sqlx::query("UPDATE settings SET body = ?, updated_at = ? WHERE id = 1")
        .bind(body.to_string())
        .bind(T0)
        .execute(old.pool())
        .await
        .unwrap();
    let session: i64 = sqlx::query_scalar(
        "INSERT INTO sessions (staff_id, created_at) VALUES (2, ?) RETURNING id",
    )
    .bind(T0)
    .fetch_one(old.pool())
    .await
    .unwrap();
    old.close().await;

    let upgraded = SqliteStore::open(&path).await.unwrap();
    let settings = upgraded.load_settings().await.unwrap().unwrap();
    assert_eq!(settings.sessions, SessionSettings::default());
    assert_eq!(settings.password_min_length, 14, "the rest is kept");
    let open = upgraded.find_session(session).await.unwrap().unwrap();
    assert_eq!(
        (
            open.session.authenticated_at,
            open.session.active_at,
            open.session.locked_at
        ),
        (T0, T0, None)
    );
}
