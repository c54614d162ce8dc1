// What the SQLite and PostgreSQL `bulk` modules share, included by both after their SQL.

use async_trait::async_trait;

use super::audit::commit_with_audit;
use super::{
    begin_write, counter, fetch_all, fetch_optional, map, word, BackendStore, DbRow, Pool,
};
use vetdesk_core::audit::AuditEvent;
use vetdesk_core::bulk::{
    BulkItem, BulkJobRecord, BulkOutcome, BulkSkipped, BulkStatus, NewBulkJob, REMOVED_CLIENT,
};
use vetdesk_core::ports::{BulkStore, StoreResult};
use vetdesk_core::time::Millis;

row_type! {
    DbRow;
    DbJob(BulkJobRecord), |row| {
        id, created_by, workstation, created_at, finished_at,
        status: word(row, "status", BulkStatus::parse)?,
        total: counter(row, "total")?,
        sent: counter(row, "sent")?,
        skipped: counter(row, "skipped")?,
        failed: counter(row, "failed")?,
    }
}

row_type! {
    DbRow;
    DbItem(BulkItem), |row| {
        job_id, client_id,
        position: counter(row, "position")?,
        outcome: {
            let text: Option<String> = sqlx::Row::try_get(row, "outcome")?;
            text.as_deref().and_then(BulkOutcome::parse)
        },
    }
}

row_type! {
    DbRow;
    DbNotSent(BulkSkipped), |row| {
        client_id,
        name: {
            let name: String = sqlx::Row::try_get(row, "name")?;
            if name.is_empty() { REMOVED_CLIENT.to_string() } else { name }
        },
        reason: word(row, "outcome", BulkOutcome::parse)?.reason().to_string(),
    }
}

async fn record(
    pool: &Pool,
    job_id: i64,
    position: u32,
    outcome: BulkOutcome,
    now: Millis,
) -> sqlx::Result<()> {
    let mut tx = begin_write(pool).await?;
    let changed: Option<i64> = sqlx::query_scalar(SET_OUTCOME)
        .bind(outcome.as_str())
        .bind(job_id)
        .bind(i64::from(position))
        .fetch_optional(&mut *tx)
        .await?;
    if changed.is_none() {
        return tx.commit().await;
    }
    let count = match outcome {
        BulkOutcome::Sent => COUNT_SENT,
        BulkOutcome::Failed => COUNT_FAILED,
        _ => COUNT_SKIPPED,
    };
    sqlx::query(count).bind(job_id).execute(&mut *tx).await?;
    sqlx::query(FINISH)
        .bind(now)
        .bind(job_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

async fn cancel(pool: &Pool, id: i64, now: Millis, audit: &AuditEvent) -> sqlx::Result<bool> {
    let mut tx = begin_write(pool).await?;
    let changed = sqlx::query(CANCEL)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if changed == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    commit_with_audit(tx, audit).await?;
    Ok(true)
}

#[async_trait]
impl BulkStore for BackendStore {
    #[tracing::instrument(skip_all)]
    async fn create_bulk_job(&self, job: &NewBulkJob, audit: &AuditEvent) -> StoreResult<i64> {
        create(&self.pool, job, audit).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn bulk_job(&self, id: i64) -> StoreResult<Option<BulkJobRecord>> {
        let query = sqlx::query_as::<_, DbJob>(JOB_BY_ID).bind(id);
        fetch_optional(&self.pool, query).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn running_bulk_jobs(&self, workstation: &str) -> StoreResult<Vec<BulkJobRecord>> {
        let query = sqlx::query_as::<_, DbJob>(RUNNING_JOBS).bind(workstation);
        fetch_all(&self.pool, query).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn pending_bulk_items(&self, job_id: i64, limit: u32) -> StoreResult<Vec<BulkItem>> {
        let query = sqlx::query_as::<_, DbItem>(PENDING)
            .bind(job_id)
            .bind(i64::from(limit));
        fetch_all(&self.pool, query).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn record_bulk_outcome(
        &self,
        job_id: i64,
        position: u32,
        outcome: BulkOutcome,
        now: Millis,
    ) -> StoreResult<()> {
        record(&self.pool, job_id, position, outcome, now)
            .await
            .map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn cancel_bulk_job(&self, id: i64, now: Millis, audit: &AuditEvent) -> StoreResult<bool> {
        cancel(&self.pool, id, now, audit).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn bulk_not_sent(&self, job_id: i64, limit: u32) -> StoreResult<Vec<BulkSkipped>> {
        let query = sqlx::query_as::<_, DbNotSent>(NOT_SENT)
            .bind(job_id)
            .bind(i64::from(limit));
        fetch_all(&self.pool, query).await.map_err(map)
    }
}
