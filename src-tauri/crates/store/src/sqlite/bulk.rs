//! `bulk_jobs` and `bulk_job_items`: bulk portal invitations, stored so that a restart resumes
//! them. An item's outcome and the run's counts change in one transaction.

const INSERT_JOB: &str = "INSERT INTO bulk_jobs (created_by, workstation, created_at, total) \
     VALUES (?, ?, ?, ?) RETURNING id";

const INSERT_ITEM: &str =
    "INSERT INTO bulk_job_items (job_id, position, client_id) VALUES (?, ?, ?)";

macro_rules! select_jobs {
    () => {
        "SELECT id, created_by, workstation, created_at, status, total, sent, \
     skipped, failed, finished_at FROM bulk_jobs"
    };
}

const PENDING: &str = "SELECT job_id, position, client_id, outcome FROM bulk_job_items \
     WHERE job_id = ? AND outcome IS NULL ORDER BY position LIMIT ?";

/// `?1` the outcome, `?2` the job, `?3` the position; answers nothing when the item had one.
const SET_OUTCOME: &str = "UPDATE bulk_job_items SET outcome = ?1 \
     WHERE job_id = ?2 AND position = ?3 AND outcome IS NULL RETURNING position";

/// `?1` now, `?2` the job: done once every item has its outcome.
const FINISH: &str = "UPDATE bulk_jobs SET status = 'done', finished_at = ?1 \
     WHERE id = ?2 AND status = 'running' AND sent + skipped + failed >= total";

const CANCEL: &str = "UPDATE bulk_jobs SET status = 'cancelled', finished_at = ? \
     WHERE id = ? AND status = 'running'";

const NOT_SENT: &str = "SELECT i.client_id, i.outcome, \
     coalesce(trim(c.first_name || ' ' || c.last_name), '') AS name \
     FROM bulk_job_items i LEFT JOIN clients c ON c.id = i.client_id \
     WHERE i.job_id = ? AND i.outcome IS NOT NULL AND i.outcome <> 'sent' \
     ORDER BY i.position LIMIT ?";

async fn create(pool: &Pool, job: &NewBulkJob, audit: &AuditEvent) -> sqlx::Result<i64> {
    let mut tx = begin_write(pool).await?;
    let id: i64 = sqlx::query_scalar(INSERT_JOB)
        .bind(job.created_by)
        .bind(&job.workstation)
        .bind(job.created_at)
        .bind(i64::try_from(job.client_ids.len()).unwrap_or(i64::MAX))
        .fetch_one(&mut *tx)
        .await?;
    for (position, client_id) in job.client_ids.iter().enumerate() {
        sqlx::query(INSERT_ITEM)
            .bind(id)
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .bind(client_id)
            .execute(&mut *tx)
            .await?;
    }
    commit_with_audit(tx, audit).await?;
    Ok(id)
}

/// `?1` the job: one more item with that outcome.
const COUNT_SENT: &str = "UPDATE bulk_jobs SET sent = sent + 1 WHERE id = ?1";
const COUNT_FAILED: &str = "UPDATE bulk_jobs SET failed = failed + 1 WHERE id = ?1";
const COUNT_SKIPPED: &str = "UPDATE bulk_jobs SET skipped = skipped + 1 WHERE id = ?1";

const JOB_BY_ID: &str = concat!(select_jobs!(), " WHERE id = ?1");

/// `?1` the workstation.
const RUNNING_JOBS: &str = concat!(
    select_jobs!(),
    " WHERE workstation = ?1 AND status = 'running' ORDER BY id"
);

include!("../shared/bulk.rs");
