// What the SQLite and PostgreSQL `audit` modules share, included by both after their SQL.

use super::{begin_write, map, search, Args, BackendStore, Db, DbRow, Pool};
use async_trait::async_trait;
use sqlx::query::Query;
use sqlx::Transaction;
use vetdesk_core::audit::{AuditEvent, AuditRow};
use vetdesk_core::ports::{AuditStore, StoreResult};

row_type! {
    DbRow;
    DbAuditRow(AuditRow), |row| { id, at, actor, subject, action, outcome, workstation, detail }
}

/// Every write ends the same way: its audit event, then the commit.
pub(super) async fn commit_with_audit(
    mut tx: Transaction<'static, Db>,
    event: &AuditEvent,
) -> sqlx::Result<()> {
    sqlx::query(INSERT)
        .bind(event.at)
        .bind(event.actor_id)
        .bind(event.subject_id)
        .bind(event.client_id)
        .bind(event.action.as_str())
        .bind(event.outcome.as_str())
        .bind(&event.workstation)
        .bind(&event.detail)
        .bind(&event.action_key)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// A write of one statement: the statement and its audit event in one transaction.
pub(super) async fn write<'q>(
    pool: &Pool,
    statement: Query<'q, Db, Args<'q>>,
    event: &AuditEvent,
) -> sqlx::Result<()> {
    let mut tx = begin_write(pool).await?;
    statement.execute(&mut *tx).await?;
    commit_with_audit(tx, event).await
}

async fn append(pool: &Pool, event: &AuditEvent) -> sqlx::Result<()> {
    let tx = begin_write(pool).await?;
    commit_with_audit(tx, event).await
}

#[async_trait]
impl AuditStore for BackendStore {
    #[tracing::instrument(skip_all)]
    async fn list_audit(&self, query: &str, limit: u32) -> StoreResult<Vec<AuditRow>> {
        search::<DbAuditRow, _>(&self.pool, SEARCH, query, limit)
            .await
            .map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn append_audit(&self, event: &AuditEvent) -> StoreResult<()> {
        append(&self.pool, event).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn action_outcome(&self, action_key: &str) -> StoreResult<Option<String>> {
        sqlx::query_scalar(OUTCOME_OF_KEY)
            .bind(action_key)
            .fetch_optional(&self.pool)
            .await
            .map_err(map)
    }
}
