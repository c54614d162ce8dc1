//! The local database: one SQLite file in WAL mode, one module per table. Writers take the lock
//! up front (`BEGIN IMMEDIATE`) so that two writers wait for each other instead of failing.

/// Declares `$db`, the newtype sqlx reads a `$core` into (its `FromRow` needs a local type), and
/// its unwrapping: each field from the column of its name, or from the expression after it.
macro_rules! row_type {
    ($vis:vis $db:ident($core:ident), |$row:ident| { $($field:ident $(: $read:expr)?),+ $(,)? }) => {
        $vis struct $db($core);

        impl<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> for $db {
            fn from_row($row: &'r sqlx::sqlite::SqliteRow) -> sqlx::Result<Self> {
                Ok(Self($core {
                    $($field: row_type!(@read $row, $field $(, $read)?),)+
                }))
            }
        }

        impl From<$db> for $core {
            fn from(row: $db) -> Self {
                row.0
            }
        }
    };
    (@read $row:ident, $field:ident) => {
        sqlx::Row::try_get($row, stringify!($field))?
    };
    (@read $row:ident, $field:ident, $read:expr) => {
        $read
    };
}

mod audit;
mod bulk;
mod client_search;
mod clients;
mod emails;
mod limits;
mod portal;
mod sessions;
mod settings;
mod staff;
mod tokens;

use std::path::Path;
use std::time::Duration;

use sqlx::query::QueryAs;
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{FromRow, Row, Sqlite, SqliteExecutor, SqlitePool, Transaction};
use vetdesk_core::ports::StoreResult;

use crate::error::{map, migrate};

#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
}

/// Tables whose size the shell's tests and the demo seed look at.
#[derive(Debug, Clone, Copy)]
pub enum CountedTable {
    Staff,
    Clients,
    Pets,
    Emails,
    Tokens,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub async fn open(path: &Path) -> StoreResult<Self> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(map)?;
        sqlx::migrate!("migrations/sqlite")
            .run(&pool)
            .await
            .map_err(migrate)?;
        Ok(Self { pool })
    }

    /// Wraps a pool whose schema is already current (no migrations are run).
    pub fn from_pool(pool: SqlitePool) -> Self {
        Self { pool }
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub async fn count(&self, table: CountedTable) -> StoreResult<i64> {
        let sql = match table {
            CountedTable::Staff => "SELECT count(*) FROM staff",
            CountedTable::Clients => "SELECT count(*) FROM clients",
            CountedTable::Pets => "SELECT count(*) FROM pets",
            CountedTable::Emails => "SELECT count(*) FROM emails",
            CountedTable::Tokens => "SELECT count(*) FROM reset_tokens",
        };
        sqlx::query_scalar(sql)
            .fetch_one(&self.pool)
            .await
            .map_err(map)
    }
}

async fn begin_write(pool: &SqlitePool) -> sqlx::Result<Transaction<'static, Sqlite>> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// `query` as a `LIKE ... ESCAPE '\'` pattern that matches it anywhere, wildcards taken literally.
fn like_pattern(query: &str) -> String {
    let escaped = query
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// A query that reads rows of `R`.
type RowsQuery<'q, R> = QueryAs<'q, Sqlite, R, SqliteArguments<'q>>;

/// A row type that unwraps into the core type `T`.
trait RowOf<T>: for<'r> FromRow<'r, SqliteRow> + Send + Unpin + Into<T> {}

impl<R, T> RowOf<T> for R where R: for<'r> FromRow<'r, SqliteRow> + Send + Unpin + Into<T> {}

/// At most one row, as its core type.
async fn fetch_optional<R: RowOf<T>, T>(
    pool: &SqlitePool,
    query: RowsQuery<'_, R>,
) -> sqlx::Result<Option<T>> {
    Ok(query.fetch_optional(pool).await?.map(Into::into))
}

/// Every row, as its core type.
async fn fetch_all<'c, R: RowOf<T>, T>(
    conn: impl SqliteExecutor<'c>,
    query: RowsQuery<'_, R>,
) -> sqlx::Result<Vec<T>> {
    let rows = query.fetch_all(conn).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// A list to bind as one parameter, read in SQL with `IN (SELECT value FROM json_each(?))`.
fn json_list<T: Into<serde_json::Value>>(items: impl IntoIterator<Item = T>) -> String {
    serde_json::Value::from_iter(items).to_string()
}

/// What a search box finds: `sql` takes `?1` the query as typed, `?2` its `LIKE` pattern and
/// `?3` the limit.
async fn search<R: RowOf<T>, T>(
    pool: &SqlitePool,
    sql: &str,
    query: &str,
    limit: u32,
) -> sqlx::Result<Vec<T>> {
    let rows = sqlx::query_as::<_, R>(sql)
        .bind(query)
        .bind(like_pattern(query))
        .bind(limit);
    fetch_all(pool, rows).await
}

/// A column holding one of the words a core enum is stored as.
fn word<T>(row: &SqliteRow, column: &str, parse: fn(&str) -> Option<T>) -> sqlx::Result<T> {
    let text: String = row.try_get(column)?;
    parse(&text).ok_or_else(|| sqlx::Error::ColumnDecode {
        index: column.to_string(),
        source: format!("unknown value {text:?}").into(),
    })
}

/// A counter column; the core counts in `u32`.
fn counter(row: &SqliteRow, column: &str) -> sqlx::Result<u32> {
    let n: i64 = row.try_get(column)?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}
