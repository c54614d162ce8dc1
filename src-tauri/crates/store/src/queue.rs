//! A workstation's queue of actions taken while the clinic's server could not be reached: a
//! SQLite file of its own in the data folder, written before the window is told "queued", so
//! that a crash or a restart while offline loses nothing. Replay settles each action once; the
//! clinic database's action keys keep a replay repeated after a crash from doing it twice.

use std::path::Path;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::Row;
use vetdesk_core::offline::{NewQueuedAction, QueuedAction, QueuedKind, QueuedState};
use vetdesk_core::ports::StoreResult;
use vetdesk_core::time::Millis;
use vetdesk_core::StoreError;

use crate::error::{map, migrate};

const COLUMNS: &str = "id, action_key, kind, actor_id, subject_id, actor_name, subject_name, \
     queued_at, state, outcome, settled_at, payload";

/// [`COLUMNS`] for the window's list, which names a bulk invitation's clients in words: their
/// ids (up to 100,000 of them) are read only for the replay.
const LISTED_COLUMNS: &str = "id, action_key, kind, actor_id, subject_id, actor_name, \
     subject_name, queued_at, state, outcome, settled_at, NULL AS payload";

#[derive(Clone, Debug)]
pub struct ActionQueue {
    pool: SqlitePool,
}

impl ActionQueue {
    /// Opens (creating if needed) the queue file. Every commit reaches the disk before it
    /// returns (`synchronous = FULL`): an action the window calls queued survives a power cut.
    pub async fn open(path: &Path) -> StoreResult<Self> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(options)
            .await
            .map_err(map)?;
        sqlx::migrate!("migrations/queue")
            .run(&pool)
            .await
            .map_err(migrate)?;
        Ok(Self { pool })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Queues `action` last.
    pub async fn push(&self, action: &NewQueuedAction) -> StoreResult<QueuedAction> {
        let sql = format!(
            "INSERT INTO queued_actions (action_key, kind, actor_id, subject_id, actor_name, \
             subject_name, queued_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?) \
             RETURNING {COLUMNS}"
        );
        let payload = action
            .selection
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| StoreError::Other(format!("cannot queue the selection: {e}")))?;
        let row = sqlx::query(&sql)
            .bind(&action.key)
            .bind(action.kind.as_str())
            .bind(action.actor_id)
            .bind(action.subject_id)
            .bind(&action.actor_name)
            .bind(&action.subject_name)
            .bind(action.queued_at)
            .bind(payload)
            .fetch_one(&self.pool)
            .await
            .map_err(map)?;
        read(&row)
    }

    /// The actions still waiting, oldest first: the order they replay in.
    pub async fn waiting(&self) -> StoreResult<Vec<QueuedAction>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM queued_actions WHERE state = 'queued' ORDER BY id LIMIT 10000"
        );
        self.select(&sql, None).await
    }

    /// What the window lists: every waiting action and those settled at or after `since`,
    /// newest first.
    pub async fn listed(&self, since: Millis) -> StoreResult<Vec<QueuedAction>> {
        let sql = format!(
            "SELECT {LISTED_COLUMNS} FROM queued_actions \
             WHERE state = 'queued' OR settled_at >= ? ORDER BY id DESC LIMIT 500"
        );
        self.select(&sql, Some(since)).await
    }

    /// Records how a waiting action's replay ended; an action already settled keeps its first
    /// outcome.
    pub async fn settle(
        &self,
        id: i64,
        state: QueuedState,
        outcome: &str,
        at: Millis,
    ) -> StoreResult<()> {
        if state == QueuedState::Queued {
            return Err(StoreError::Other(
                "a settled action is sent or refused".into(),
            ));
        }
        sqlx::query(
            "UPDATE queued_actions SET state = ?, outcome = ?, settled_at = ? \
             WHERE id = ? AND state = 'queued'",
        )
        .bind(state.as_str())
        .bind(outcome)
        .bind(at)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(map)?;
        Ok(())
    }

    /// How many actions are waiting.
    pub async fn waiting_count(&self) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT count(*) FROM queued_actions WHERE state = 'queued'")
            .fetch_one(&self.pool)
            .await
            .map_err(map)
    }

    async fn select(&self, sql: &str, since: Option<Millis>) -> StoreResult<Vec<QueuedAction>> {
        let mut query = sqlx::query(sql);
        if let Some(since) = since {
            query = query.bind(since);
        }
        let rows = query.fetch_all(&self.pool).await.map_err(map)?;
        rows.iter().map(read).collect()
    }
}

fn read(row: &SqliteRow) -> StoreResult<QueuedAction> {
    let word = |column: &str| -> StoreResult<String> { row.try_get(column).map_err(map) };
    let kind = word("kind")?;
    let state = word("state")?;
    let payload: Option<String> = row.try_get("payload").map_err(map)?;
    // An unreadable selection stays one action's problem: it is read as none, which its replay
    // refuses in words, and the actions queued after it still go.
    let selection = payload.and_then(|json| {
        serde_json::from_str(&json)
            .inspect_err(|e| tracing::error!(error = %e, "unreadable queued bulk selection"))
            .ok()
    });
    Ok(QueuedAction {
        id: row.try_get("id").map_err(map)?,
        key: word("action_key")?,
        kind: QueuedKind::parse(&kind)
            .ok_or_else(|| StoreError::Other(format!("unknown queued action {kind}")))?,
        actor_id: row.try_get("actor_id").map_err(map)?,
        subject_id: row.try_get("subject_id").map_err(map)?,
        actor_name: word("actor_name")?,
        subject_name: word("subject_name")?,
        queued_at: row.try_get("queued_at").map_err(map)?,
        selection,
        state: QueuedState::parse(&state)
            .ok_or_else(|| StoreError::Other(format!("unknown queued state {state}")))?,
        outcome: row.try_get("outcome").map_err(map)?,
        settled_at: row.try_get("settled_at").map_err(map)?,
    })
}
