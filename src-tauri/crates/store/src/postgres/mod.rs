//! The clinic database on a PostgreSQL server, shared by every workstation and vetdesk-server;
//! one module per table, like the SQLite file's. Writers take the clinic's write lock (a
//! transaction-level advisory lock) up front, as SQLite's `BEGIN IMMEDIATE` does, so that two
//! workstations writing at once wait for each other and every rule checked inside a write holds
//! at its commit. The outbox's claims alone do without it: they skip rows another dispatcher
//! holds (`FOR UPDATE SKIP LOCKED`).

mod audit;
mod bulk;
mod client_search;
mod clients;
pub mod connect;
mod emails;
mod limits;
mod portal;
mod sessions;
mod settings;
mod staff;
mod tokens;

use std::str::FromStr;
use std::time::Duration;

pub use sqlx::postgres::PgConnectOptions;
use sqlx::postgres::{PgArguments, PgPoolOptions, PgRow};
use sqlx::query::QueryAs;
use sqlx::{FromRow, PgExecutor, PgPool, Postgres, Transaction};
use vetdesk_core::ports::StoreResult;
use vetdesk_core::StoreError;

pub use self::connect::{ConnectError, SchemaState};
use crate::error::{map_pg as map, migrate};
pub(crate) use crate::rows::{counter, like_pattern, word};
use crate::CountedTable;

/// The key of the clinic's write lock, the same on every workstation ("VetDesk" in ASCII).
pub const WRITE_LOCK: i64 = 0x0056_6574_4465_736b;

/// Connections a workstation holds at most: the screens, the outbox dispatcher and the bulk
/// runner each need one at a time. A server's default of 100 connections then serves about 30
/// workstations at their busiest; idle ones let theirs go.
const POOL_SIZE: u32 = 3;

/// How long a call waits for a connection, a new one included, before the server counts as
/// unreachable.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);
/// How long the health check waits for the server.
pub const PING_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Clone, Debug)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to the database a `postgres://` URL names and brings its schema up to date.
    pub async fn connect(url: &str) -> Result<Self, ConnectError> {
        let options = PgConnectOptions::from_str(url).map_err(|e| {
            ConnectError::Store(StoreError::Other(format!(
                "the database address is not valid: {e}"
            )))
        })?;
        Self::open(options).await
    }

    /// Connects, checks that the database is empty or VetDesk's at a schema this app knows,
    /// and brings the schema up to date. Migrations run under sqlx's advisory lock, so two
    /// workstations starting at once take turns; a database that is not VetDesk's, or newer, is
    /// left untouched.
    pub async fn open(options: PgConnectOptions) -> Result<Self, ConnectError> {
        Self::open_sized(options, POOL_SIZE).await
    }

    /// As [`PgStore::open`], holding at most `connections` connections to the server.
    pub async fn open_sized(
        options: PgConnectOptions,
        connections: u32,
    ) -> Result<Self, ConnectError> {
        let mut conn = connect::connect_once(&options).await?;
        connect::inspect(&mut conn, &options).await?;
        let _ = sqlx::Connection::close(conn).await;
        // Each statement planned for its own values: a plan made once for any value, as the
        // server caches for prepared statements, cannot tell a narrow search range from a wide
        // one and reads 50 times more rows for the client search.
        let options = options.options([("plan_cache_mode", "force_custom_plan")]);
        let pool = PgPoolOptions::new()
            .max_connections(connections.max(1))
            .idle_timeout(Duration::from_secs(120))
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(|e| ConnectError::Store(map(e)))?;
        connect::MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| ConnectError::Store(migrate(e)))?;
        Ok(Self { pool })
    }

    /// A store for a server that does not answer now, for a workstation that starts offline:
    /// nothing is connected, checked or upgraded until [`PgStore::prepare`] succeeds, and calls
    /// fail as unreachable meanwhile.
    pub fn unopened(options: PgConnectOptions) -> Self {
        let options = options.options([("plan_cache_mode", "force_custom_plan")]);
        let pool = PgPoolOptions::new()
            .max_connections(POOL_SIZE)
            .idle_timeout(Duration::from_secs(120))
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_lazy_with(options);
        Self { pool }
    }

    /// What [`PgStore::open`] checks and does before the first call, for an
    /// [`PgStore::unopened`] store once its server answers.
    pub async fn prepare(&self) -> Result<(), ConnectError> {
        let options = self.pool.connect_options();
        let mut conn = self
            .pool
            .acquire()
            .await
            .map_err(|e| ConnectError::Store(map(e)))?;
        connect::inspect(&mut conn, &options).await?;
        drop(conn);
        connect::MIGRATOR
            .run(&self.pool)
            .await
            .map_err(|e| ConnectError::Store(migrate(e)))
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub async fn count(&self, table: CountedTable) -> StoreResult<i64> {
        sqlx::query_scalar(table.count_sql())
            .fetch_one(&self.pool)
            .await
            .map_err(map)
    }

    /// Whether the server answers now, within [`PING_TIMEOUT`]: the health check that tells a
    /// workstation it is offline, and that it is back.
    pub async fn ping(&self) -> StoreResult<()> {
        let ping = sqlx::query("SELECT 1").execute(&self.pool);
        match tokio::time::timeout(PING_TIMEOUT, ping).await {
            Ok(result) => result.map(|_| ()).map_err(map),
            Err(_) => Err(StoreError::Unavailable(
                "the clinic database server did not answer in time".into(),
            )),
        }
    }
}

/// A write transaction holding the clinic's write lock until it ends.
async fn begin_write(pool: &PgPool) -> sqlx::Result<Transaction<'static, Postgres>> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(WRITE_LOCK)
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// The names the modules this backend shares with the SQLite file's (`src/shared`) work with.
type Db = Postgres;
type Pool = PgPool;
type Conn = sqlx::PgConnection;
type DbRow = PgRow;
type Args<'q> = <Db as sqlx::Database>::Arguments<'q>;
type BackendStore = PgStore;

/// Ids bound as one array parameter, read in SQL with `= ANY($n)`.
fn id_list(ids: &[i64]) -> Vec<i64> {
    ids.to_vec()
}

/// Words bound as one array parameter, read as [`id_list`]'s are.
fn word_list<W: AsRef<str>>(words: &[W]) -> Vec<String> {
    words.iter().map(|w| w.as_ref().to_string()).collect()
}

/// A claim takes no write lock: it locks the rows it takes and skips those another dispatcher
/// is taking.
async fn begin_claim(pool: &PgPool) -> sqlx::Result<Transaction<'static, Postgres>> {
    pool.begin().await
}

/// A query that reads rows of `R`.
type RowsQuery<'q, R> = QueryAs<'q, Postgres, R, PgArguments>;

/// A row type that unwraps into the core type `T`.
trait RowOf<T>: for<'r> FromRow<'r, PgRow> + Send + Unpin + Into<T> {}

impl<R, T> RowOf<T> for R where R: for<'r> FromRow<'r, PgRow> + Send + Unpin + Into<T> {}

/// At most one row, as its core type.
async fn fetch_optional<'c, R: RowOf<T>, T>(
    conn: impl PgExecutor<'c>,
    query: RowsQuery<'_, R>,
) -> sqlx::Result<Option<T>> {
    Ok(query.fetch_optional(conn).await?.map(Into::into))
}

/// Every row, as its core type.
async fn fetch_all<'c, R: RowOf<T>, T>(
    conn: impl PgExecutor<'c>,
    query: RowsQuery<'_, R>,
) -> sqlx::Result<Vec<T>> {
    let rows = query.fetch_all(conn).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// What a search box finds: `sql` takes `$1` the query as typed, `$2` its `LIKE` pattern and
/// `$3` the limit.
async fn search<R: RowOf<T>, T>(
    pool: &PgPool,
    sql: &str,
    query: &str,
    limit: u32,
) -> sqlx::Result<Vec<T>> {
    let rows = sqlx::query_as::<_, R>(sql)
        .bind(query)
        .bind(like_pattern(query))
        .bind(i64::from(limit));
    fetch_all(pool, rows).await
}
