//! `bulk_jobs` and `bulk_job_items`: bulk portal invitations, stored so that a restart resumes
//! them. An item's outcome and the run's counts change in one transaction.

use async_trait::async_trait;
use sqlx::PgPool;
use vetdesk_core::audit::AuditEvent;
use vetdesk_core::bulk::{
    BulkItem, BulkJobRecord, BulkOutcome, BulkSkipped, BulkStatus, NewBulkJob, REMOVED_CLIENT,
};
use vetdesk_core::ports::{BulkStore, StoreResult};
use vetdesk_core::time::Millis;

use super::audit::commit_with_audit;
use super::{begin_write, counter, fetch_all, fetch_optional, word, PgStore};
use crate::error::map;

const INSERT_JOB: &str = "INSERT INTO bulk_jobs (created_by, workstation, created_at, total) \
     VALUES ($1, $2, $3, $4) RETURNING id";
/// `$1` the job, `$2` its clients in order: one statement for the whole list.
const INSERT_ITEMS: &str = "INSERT INTO bulk_job_items (job_id, position, client_id) \
     SELECT $1, n - 1, c FROM unnest($2::bigint[]) WITH ORDINALITY AS t (c, n)";
const SELECT_JOB: &str = "SELECT id, created_by, workstation, created_at, status, total, sent, \
     skipped, failed, finished_at FROM bulk_jobs";
const PENDING: &str = "SELECT job_id, position, client_id, outcome FROM bulk_job_items \
     WHERE job_id = $1 AND outcome IS NULL ORDER BY position LIMIT $2";
/// `$1` the outcome, `$2` the job, `$3` the position; answers nothing when the item had one.
const SET_OUTCOME: &str = "UPDATE bulk_job_items SET outcome = $1 \
     WHERE job_id = $2 AND position = $3 AND outcome IS NULL RETURNING position";
/// `$1` now, `$2` the job: done once every item has its outcome.
const FINISH: &str = "UPDATE bulk_jobs SET status = 'done', finished_at = $1 \
     WHERE id = $2 AND status = 'running' AND sent + skipped + failed >= total";
const CANCEL: &str = "UPDATE bulk_jobs SET status = 'cancelled', finished_at = $1 \
     WHERE id = $2 AND status = 'running'";
const NOT_SENT: &str = "SELECT i.client_id, i.outcome, \
     coalesce(trim(c.first_name || ' ' || c.last_name), '') AS name \
     FROM bulk_job_items i LEFT JOIN clients c ON c.id = i.client_id \
     WHERE i.job_id = $1 AND i.outcome IS NOT NULL AND i.outcome <> 'sent' \
     ORDER BY i.position LIMIT $2";

row_type! {
    sqlx::postgres::PgRow;
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
    sqlx::postgres::PgRow;
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
    sqlx::postgres::PgRow;
    DbNotSent(BulkSkipped), |row| {
        client_id,
        name: {
            let name: String = sqlx::Row::try_get(row, "name")?;
            if name.is_empty() { REMOVED_CLIENT.to_string() } else { name }
        },
        reason: word(row, "outcome", BulkOutcome::parse)?.reason().to_string(),
    }
}

async fn create(pool: &PgPool, job: &NewBulkJob, audit: &AuditEvent) -> sqlx::Result<i64> {
    let mut tx = begin_write(pool).await?;
    let id: i64 = sqlx::query_scalar(INSERT_JOB)
        .bind(job.created_by)
        .bind(&job.workstation)
        .bind(job.created_at)
        .bind(i64::try_from(job.client_ids.len()).unwrap_or(i64::MAX))
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query(INSERT_ITEMS)
        .bind(id)
        .bind(&job.client_ids)
        .execute(&mut *tx)
        .await?;
    commit_with_audit(tx, audit).await?;
    Ok(id)
}

async fn record(
    pool: &PgPool,
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
    let column = match outcome {
        BulkOutcome::Sent => "sent",
        BulkOutcome::Failed => "failed",
        _ => "skipped",
    };
    sqlx::query(&format!(
        "UPDATE bulk_jobs SET {column} = {column} + 1 WHERE id = $1"
    ))
    .bind(job_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(FINISH)
        .bind(now)
        .bind(job_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

async fn cancel(pool: &PgPool, id: i64, now: Millis, audit: &AuditEvent) -> sqlx::Result<bool> {
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
impl BulkStore for PgStore {
    #[tracing::instrument(skip_all)]
    async fn create_bulk_job(&self, job: &NewBulkJob, audit: &AuditEvent) -> StoreResult<i64> {
        create(&self.pool, job, audit).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn bulk_job(&self, id: i64) -> StoreResult<Option<BulkJobRecord>> {
        let sql = format!("{SELECT_JOB} WHERE id = $1");
        let query = sqlx::query_as::<_, DbJob>(&sql).bind(id);
        fetch_optional(&self.pool, query).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn running_bulk_jobs(&self, workstation: &str) -> StoreResult<Vec<BulkJobRecord>> {
        let sql = format!("{SELECT_JOB} WHERE workstation = $1 AND status = 'running' ORDER BY id");
        let query = sqlx::query_as::<_, DbJob>(&sql).bind(workstation);
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
