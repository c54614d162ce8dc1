//! The offline copy: a workstation whose clinic database is on the PostgreSQL server keeps the
//! staff, clients, pets, portal-account states and settings in a local SQLite file, so that the
//! Staff List and the Clients search still answer while the server cannot be reached.
//!
//! The file is an ordinary clinic file ([`SqliteStore`], its own migrations), read only by the
//! app. A refresh replaces its rows whole, in one transaction: a reader sees the old copy or the
//! new one, never part of each, and a refresh that fails leaves the old copy as it was.
//!
//! No secret leaves the server: password hashes are not read from it. Staff rows get an empty
//! hash (the column may not be NULL; an empty string is no hash, so no password verifies against
//! it), portal accounts get none (NULL, as an account whose client has not set a password yet).
//! Sign-ins, links, the outbox, the Activity log, rate limits, bulk runs and the clinic's key
//! fingerprints are not copied, and the file holds none of them after a refresh.

use std::time::Duration;

use sqlx::postgres::PgRow;
use sqlx::{Connection, PgConnection, QueryBuilder, Row, Sqlite, SqliteConnection};
use vetdesk_core::time::Millis;
use vetdesk_core::StoreError;

use crate::error::{map, map_pg};
use crate::{PgStore, SqliteStore};

/// What one refresh copied, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MirrorReport {
    pub staff: u64,
    pub clients: u64,
    pub pets: u64,
    pub portal_accounts: u64,
    pub refreshed_at: Millis,
}

/// How a column is read from the server and written to the file.
#[derive(Clone, Copy)]
enum Kind {
    Int,
    Text,
}

use Kind::{Int, Text};

/// A table to copy: its name, the columns read from the server (generated columns and the copies
/// triggers keep are left to the file), and the columns written as a constant instead, never
/// read: the secrets, each with the SQL value that stands in for it.
struct Table {
    name: &'static str,
    columns: &'static [(&'static str, Kind)],
    withheld: &'static [(&'static str, &'static str)],
}

/// In an order that every row's references are copied before it.
const TABLES: &[Table] = &[
    Table {
        name: "settings",
        columns: &[("id", Int), ("body", Text), ("updated_at", Int)],
        withheld: &[],
    },
    Table {
        name: "staff",
        columns: &[
            ("id", Int),
            ("username", Text),
            ("display_name", Text),
            ("role", Text),
            ("email", Text),
            ("status", Text),
            ("password_changed_at", Int),
            ("created_at", Int),
        ],
        withheld: &[("password_hash", "''")],
    },
    Table {
        name: "clients",
        columns: &[
            ("id", Int),
            ("first_name", Text),
            ("last_name", Text),
            ("email", Text),
            ("phone", Text),
            ("address", Text),
            ("created_at", Int),
        ],
        withheld: &[],
    },
    Table {
        name: "pets",
        columns: &[
            ("id", Int),
            ("client_id", Int),
            ("name", Text),
            ("species", Text),
            ("breed", Text),
        ],
        withheld: &[],
    },
    Table {
        name: "portal_accounts",
        columns: &[
            ("id", Int),
            ("client_id", Int),
            ("username", Text),
            ("status", Text),
            ("created_at", Int),
            ("activated_at", Int),
            ("password_changed_at", Int),
        ],
        withheld: &[("password_hash", "NULL")],
    },
];

/// Every table of the clinic schema, emptied before the copy is written, each after the tables
/// that refer to it. The copied ones are among them; the others stay empty.
const CLEARED: &[&str] = &[
    "portal_sessions",
    "portal_tokens",
    "emails",
    "audit_events",
    "sessions",
    "reset_tokens",
    "bulk_job_items",
    "bulk_jobs",
    "limits",
    "clinic_keys",
    "pets",
    "portal_accounts",
    "clients",
    "staff",
    "settings",
];

/// When the copy was made. Not part of the clinic schema: the mirror adds it to its file.
const STAMP_TABLE: &str = "CREATE TABLE IF NOT EXISTS offline_mirror (\
    id INTEGER PRIMARY KEY CHECK (id = 1), refreshed_at INTEGER NOT NULL)";

/// Rows read from the server at a time.
const BATCH: i64 = 5_000;

/// The refresh's page cache, in KiB: a 100,000-client file is about 45 MiB.
const PAGE_CACHE_KIB: u32 = 65_536;

/// The most parameters one SQLite statement takes.
const MAX_PARAMETERS: usize = 32_766;

/// How long one batch may take to arrive before the server counts as unreachable: a network
/// that drops packets without closing the connection would otherwise hold the refresh forever.
const BATCH_TIMEOUT: Duration = Duration::from_secs(30);

/// Replaces the copy in `cache` with the server's current staff, clients, pets, portal-account
/// states and settings, in one SQLite transaction (a reader sees the old copy or the new one,
/// never half). The server is read in one snapshot. `StoreError::Unavailable` when the server
/// cannot be reached or goes away during the read; the file is then left as it was.
pub async fn refresh(
    from: &PgStore,
    cache: &SqliteStore,
    now: Millis,
) -> Result<MirrorReport, StoreError> {
    let mut read = within(
        from.pool()
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"),
    )
    .await?;
    // A connection of its own with a page cache that holds the file's tables and indexes, so
    // that replacing every row does not read the same pages from disk again and again; closed
    // afterwards, which lets that memory go.
    let mut conn = cache.pool().acquire().await.map_err(map)?;
    conn.close_on_drop();
    sqlx::query(&format!("PRAGMA cache_size = -{PAGE_CACHE_KIB}"))
        .execute(&mut *conn)
        .await
        .map_err(map)?;
    let mut write = conn.begin_with("BEGIN IMMEDIATE").await.map_err(map)?;
    let into = &mut write;
    let filled = async move {
        let copied = replace(&mut read, into, now).await?;
        // Every row has been read; the snapshot ends before the copy is kept.
        within(read.commit()).await?;
        Ok(copied)
    }
    .await;
    let copied = match filled {
        Ok(copied) => copied,
        Err(e) => {
            // Rolled back here rather than when the transaction is dropped, which sqlx only
            // queues: the file is free again by the time the caller hears of the failure.
            let _ = write.rollback().await;
            return Err(e);
        }
    };
    write.commit().await.map_err(map)?;
    // The write-ahead log has grown to the size of the whole copy; it is emptied rather than
    // kept on disk beside the file. Only tidiness: the copy is kept whether or not this works.
    let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut *conn)
        .await;
    let rows = |name: &str| {
        TABLES
            .iter()
            .zip(&copied)
            .find(|(t, _)| t.name == name)
            .map_or(0, |(_, n)| *n)
    };
    Ok(MirrorReport {
        staff: rows("staff"),
        clients: rows("clients"),
        pets: rows("pets"),
        portal_accounts: rows("portal_accounts"),
        refreshed_at: now,
    })
}

/// Empties the copy's tables and fills them from the server's snapshot in `read`, inside the
/// SQLite transaction `write`; the snapshot is ended once every row is read. The rows copied,
/// table by table.
async fn replace(
    read: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    write: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    now: Millis,
) -> Result<Vec<u64>, StoreError> {
    sqlx::query(STAMP_TABLE)
        .execute(&mut **write)
        .await
        .map_err(map)?;
    for table in CLEARED {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut **write)
            .await
            .map_err(map)?;
    }
    let mut copied = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        copied.push(copy(table, read, write).await?);
    }
    sqlx::query(
        "INSERT INTO offline_mirror (id, refreshed_at) VALUES (1, ?1) \
         ON CONFLICT (id) DO UPDATE SET refreshed_at = excluded.refreshed_at",
    )
    .bind(now)
    .execute(&mut **write)
    .await
    .map_err(map)?;
    Ok(copied)
}

/// When `cache` was last refreshed; None when never.
pub async fn refreshed_at(cache: &SqliteStore) -> Result<Option<Millis>, StoreError> {
    let made: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' \
         AND name = 'offline_mirror')",
    )
    .fetch_one(cache.pool())
    .await
    .map_err(map)?;
    if !made {
        return Ok(None);
    }
    sqlx::query_scalar("SELECT refreshed_at FROM offline_mirror WHERE id = 1")
        .fetch_optional(cache.pool())
        .await
        .map_err(map)
}

/// A call to the server, as unreachable when it does not answer within [`BATCH_TIMEOUT`].
async fn within<T>(
    call: impl std::future::Future<Output = sqlx::Result<T>>,
) -> Result<T, StoreError> {
    match tokio::time::timeout(BATCH_TIMEOUT, call).await {
        Ok(result) => result.map_err(map_pg),
        Err(_) => Err(StoreError::Unavailable(
            "the clinic database server stopped answering".into(),
        )),
    }
}

/// Copies one table, a batch at a time in the order of its ids; answers the rows copied.
async fn copy(
    table: &Table,
    read: &mut PgConnection,
    write: &mut SqliteConnection,
) -> Result<u64, StoreError> {
    let select = format!(
        "SELECT {} FROM {} WHERE id > $1 ORDER BY id LIMIT $2",
        names(table.columns.iter().map(|(name, _)| *name)),
        table.name
    );
    let mut after = i64::MIN;
    let mut copied = 0;
    loop {
        let rows = within(
            sqlx::query(&select)
                .bind(after)
                .bind(BATCH)
                .fetch_all(&mut *read),
        )
        .await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get::<i64, _>(0).map_err(map_pg)?;
        let values = rows
            .iter()
            .map(|row| values(table, row))
            .collect::<sqlx::Result<Vec<_>>>()
            .map_err(map_pg)?;
        let per_statement = (MAX_PARAMETERS / table.columns.len().max(1)).max(1);
        for chunk in values.chunks(per_statement) {
            insert(table, chunk)
                .build()
                .execute(&mut *write)
                .await
                .map_err(map)?;
        }
        copied += rows.len() as u64;
        if rows.len() < usize::try_from(BATCH).unwrap_or(usize::MAX) {
            break;
        }
    }
    Ok(copied)
}

/// One cell read from the server.
enum Value {
    Int(Option<i64>),
    Text(Option<String>),
}

fn values(table: &Table, row: &PgRow) -> sqlx::Result<Vec<Value>> {
    table
        .columns
        .iter()
        .enumerate()
        .map(|(i, (_, kind))| {
            Ok(match kind {
                Int => Value::Int(row.try_get(i)?),
                Text => Value::Text(row.try_get(i)?),
            })
        })
        .collect()
}

/// One statement for `rows`: a row of values each, the withheld columns' stand-ins written out.
fn insert<'a>(table: &Table, rows: &'a [Vec<Value>]) -> QueryBuilder<'a, Sqlite> {
    let columns = table
        .columns
        .iter()
        .map(|(name, _)| *name)
        .chain(table.withheld.iter().map(|(name, _)| *name));
    let mut sql = QueryBuilder::new(format!("INSERT INTO {} ({}) ", table.name, names(columns)));
    sql.push_values(rows, |mut row, cells| {
        for cell in cells {
            match cell {
                Value::Int(v) => row.push_bind(*v),
                Value::Text(v) => row.push_bind(v.as_deref()),
            };
        }
        for (_, stand_in) in table.withheld {
            row.push(*stand_in);
        }
    });
    sql
}

fn names<'a>(columns: impl Iterator<Item = &'a str>) -> String {
    columns.collect::<Vec<_>>().join(", ")
}
