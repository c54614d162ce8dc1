//! What the migrations keep: a database file made with an older schema, with data in it, opened
//! by this release.

use std::collections::BTreeMap;
use std::path::Path;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Row, SqlitePool};
use tempfile::TempDir;
use vetdesk_core::limits::Limit;
use vetdesk_core::outbox::{EmailKind, NewEmail};
use vetdesk_core::ports::{EmailStore, LimitStore, SessionStore, SettingsStore};
use vetdesk_core::session::SessionSettings;
use vetdesk_core::settings::Settings;
use vetdesk_core::testing::T0;
use vetdesk_core::time::MINUTE;
use vetdesk_store::{demo, SqliteStore};

use crate::backends::{demo_hash, sqlite_file, sqlite_path};
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

/// The same, holding the rows of the current database at `filled` in the tables and columns
/// that older schema has. This release's store writes columns an older schema lacks, so it
/// fills a current file, and the rows are copied over as an older release would have
/// written them.
async fn copied_before(version: i64, path: &Path, filled: &Path) -> SqliteStore {
    let old = database_before(version, path).await;
    let schema = tables(old.pool()).await;
    let mut conn = old.pool().acquire().await.unwrap();
    // Copied table by table, rows may refer to tables not yet copied.
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query("ATTACH DATABASE ? AS filled")
        .bind(filled.to_str().unwrap())
        .execute(&mut *conn)
        .await
        .unwrap();
    for (table, columns) in &schema {
        let columns = columns
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let copy = format!(
            "INSERT INTO main.\"{table}\" ({columns}) SELECT {columns} FROM filled.\"{table}\""
        );
        sqlx::query(&copy).execute(&mut *conn).await.unwrap();
    }
    sqlx::query("DETACH DATABASE filled")
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query("PRAGMA foreign_keys = ON")
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    old
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

/// A current database with a row in every table an older release had: the demo clinic's
/// staff, settings, clients and pets, a reset token, an email of every kind before the portal,
/// audit events, a rate limit and open and ended sessions.
async fn filled() -> (SqliteStore, TempDir) {
    let (store, dir) = sqlite_file().await;
    assert!(demo::seed_if_empty(&store, T0, |_| demo_hash())
        .await
        .unwrap());
    issue_admin_reset(&store).await;
    for kind in EmailKind::ALL.into_iter().filter(|k| !is_portal(*k)) {
        let email = NewEmail {
            kind,
            ..email(3, T0)
        };
        store.enqueue_email(&email, &audit(T0)).await.unwrap();
    }
    store
        .hit("sign_in:account:2", Limit::per(5, MINUTE), T0)
        .await
        .unwrap();
    store.create_session(2, T0).await.unwrap();
    let ended = store.create_session(3, T0).await.unwrap();
    store.end_session(ended, T0 + MINUTE).await.unwrap();
    (store, dir)
}

fn is_portal(kind: EmailKind) -> bool {
    matches!(
        kind,
        EmailKind::PortalInvite | EmailKind::PortalReset | EmailKind::PortalPasswordChanged
    )
}

/// A database at the schema before migration `version` with a row in every table keeps every
/// value of every row once this release has migrated it. Answers the old schema and the
/// migrated store.
async fn every_value_survives(
    version: i64,
) -> (BTreeMap<String, Vec<String>>, SqliteStore, TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = sqlite_path(&dir);
    let (current, current_dir) = filled().await;
    let old = copied_before(version, &path, &sqlite_path(&current_dir)).await;
    current.close().await;
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
    (schema, upgraded, dir)
}

#[tokio::test]
async fn every_value_of_every_row_of_schema_4_survives_the_migrations() {
    every_value_survives(5).await;
}

/// The portal's migration also adds columns to old tables: every old row has them empty, except
/// a pet's copy of its owner's place in the list, which is filled from the owner; the portal's
/// own tables start empty.
#[tokio::test]
async fn every_value_of_every_row_of_schema_5_survives_and_new_columns_are_empty() {
    let (schema, upgraded, _dir) = every_value_survives(6).await;
    let now = tables(upgraded.pool()).await;
    let mut added = Vec::new();
    for (table, columns) in &now {
        let Some(old_columns) = schema.get(table) else {
            let sql = format!("SELECT count(*) FROM \"{table}\"");
            let rows: i64 = sqlx::query_scalar(&sql)
                .fetch_one(upgraded.pool())
                .await
                .unwrap();
            assert_eq!(rows, 0, "{table} is new and starts empty");
            continue;
        };
        for column in columns.iter().filter(|c| !old_columns.contains(c)) {
            added.push(format!("{table}.{column}"));
            if table == "pets" {
                let owner = match column.as_str() {
                    "owner_last" => "last_name",
                    _ => "first_name",
                };
                let sql = format!(
                    "SELECT count(*) FROM pets p JOIN clients c ON c.id = p.client_id \
                     WHERE p.\"{column}\" IS NOT lower(c.{owner})"
                );
                let wrong: i64 = sqlx::query_scalar(&sql)
                    .fetch_one(upgraded.pool())
                    .await
                    .unwrap();
                assert_eq!(
                    wrong, 0,
                    "pets.{column} is the owner's {owner}, in lower case"
                );
                continue;
            }
            let sql = format!("SELECT count(*) FROM \"{table}\" WHERE \"{column}\" IS NOT NULL");
            let set: i64 = sqlx::query_scalar(&sql)
                .fetch_one(upgraded.pool())
                .await
                .unwrap();
            assert_eq!(set, 0, "{table}.{column} is new and empty in old rows");
        }
    }
    added.sort();
    assert_eq!(
        added,
        [
            "audit_events.action_key",
            "audit_events.client_id",
            "emails.client_id",
            "emails.portal_token_id",
            "pets.owner_first",
            "pets.owner_last"
        ]
    );
    // The generated phone digits are there for the old clients too.
    let digits: Option<String> =
        sqlx::query_scalar("SELECT phone_digits FROM clients ORDER BY id LIMIT 1")
            .fetch_one(upgraded.pool())
            .await
            .unwrap();
    assert!(digits.unwrap().chars().all(|c| c.is_ascii_digit()));
}

/// Emails written before the table was rebuilt for the new kinds keep every column.
#[tokio::test]
async fn an_older_database_keeps_its_emails_when_upgraded() {
    let dir = tempfile::tempdir().unwrap();
    let path = sqlite_path(&dir);
    let (current, current_dir) = sqlite_file().await;
    demo::seed_staff(&current, T0, |_| demo_hash())
        .await
        .unwrap();
    let id = current
        .enqueue_email(&email(2, T0), &audit(T0))
        .await
        .unwrap();
    let old = copied_before(3, &path, &sqlite_path(&current_dir)).await;
    current.close().await;
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
    let (current, current_dir) = sqlite_file().await;
    demo::seed_staff(&current, T0, |_| demo_hash())
        .await
        .unwrap();
    let old = copied_before(5, &path, &sqlite_path(&current_dir)).await;
    current.close().await;
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
