//! The local database: one SQLite file in WAL mode, one module per table. Writers take the lock
//! up front (`BEGIN IMMEDIATE`) so that two writers wait for each other instead of failing.

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
use sqlx::{FromRow, Sqlite, SqliteExecutor, SqlitePool, Transaction};
use vetdesk_core::ports::StoreResult;

use crate::error::{map, migrate};
pub(crate) use crate::rows::{counter, like_pattern, word};
pub use crate::CountedTable;

#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
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

    /// After a move to the clinic's server ([`crate::transfer::move_to_server`]): the file's unsent email and running bulk invitations are the server's now, so
    /// the file stops them (sealed links dropped), in one transaction. A desk switched back to this
    /// file later does not send them a second time. (The move pauses this desk's dispatcher
    /// before it copies, so none is being handed to the mail server meanwhile.)
    pub async fn retire_moved(&self) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        sqlx::query(
            "UPDATE emails SET status = 'expired', sealed = NULL, next_attempt_at = NULL, \
             claimed_until = NULL WHERE status IN ('queued', 'sending')",
        )
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        sqlx::query("UPDATE bulk_jobs SET status = 'cancelled' WHERE status = 'running'")
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        tx.commit().await.map_err(map)
    }

    /// Makes `fingerprint` the recorded outbox key whatever was recorded before, and expires the
    /// waiting emails no dispatcher can open any more (sealed under the key it replaces). For the
    /// demo clinic only, whose fictional emails no other desk sends: it keeps a key of its own,
    /// and a demo file from before it did records the key the desk shared with its real clinic.
    /// Answers whether the record changed.
    pub async fn adopt_outbox_key(&self, fingerprint: &str) -> StoreResult<bool> {
        let mut tx = begin_write(&self.pool).await.map_err(map)?;
        let recorded: Option<String> =
            sqlx::query_scalar("SELECT fingerprint FROM clinic_keys WHERE name = 'outbox'")
                .fetch_optional(&mut *tx)
                .await
                .map_err(map)?;
        if recorded.as_deref().is_none_or(|r| r == fingerprint) {
            return Ok(false);
        }
        sqlx::query(
            "UPDATE emails SET status = 'expired', sealed = NULL, next_attempt_at = NULL, \
             claimed_until = NULL WHERE sealed IS NOT NULL AND status IN ('queued', 'sending', 'failed')",
        )
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        sqlx::query("UPDATE clinic_keys SET fingerprint = ?1 WHERE name = 'outbox'")
            .bind(fingerprint)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        tx.commit().await.map_err(map)?;
        Ok(true)
    }

    pub async fn count(&self, table: CountedTable) -> StoreResult<i64> {
        sqlx::query_scalar(table.count_sql())
            .fetch_one(&self.pool)
            .await
            .map_err(map)
    }
}

async fn begin_write(pool: &SqlitePool) -> sqlx::Result<Transaction<'static, Sqlite>> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// The names the modules this backend shares with PostgreSQL's (`src/shared`) work with.
type Db = Sqlite;
type Pool = SqlitePool;
type Conn = sqlx::SqliteConnection;
type DbRow = SqliteRow;
type Args<'q> = <Db as sqlx::Database>::Arguments<'q>;
type BackendStore = SqliteStore;

/// Ids bound as one parameter, read in SQL with `IN (SELECT value FROM json_each(?))`.
fn id_list(ids: &[i64]) -> String {
    json_list(ids.iter().copied())
}

/// Words bound as one parameter, read as [`id_list`]'s are.
fn word_list<W: AsRef<str>>(words: &[W]) -> String {
    json_list(words.iter().map(|w| w.as_ref()))
}

/// The outbox's claims are writes like any other here: the file has one writer at a time.
async fn begin_claim(pool: &SqlitePool) -> sqlx::Result<Transaction<'static, Sqlite>> {
    begin_write(pool).await
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
