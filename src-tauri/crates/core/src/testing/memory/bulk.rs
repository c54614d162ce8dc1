//! Bulk portal invitations: runs and their items, counted as the SQLite store counts them.

use async_trait::async_trait;

use crate::audit::AuditEvent;
use crate::bulk::{
    BulkItem, BulkJobRecord, BulkOutcome, BulkSkipped, BulkStatus, NewBulkJob, REMOVED_CLIENT,
};
use crate::client::full_name;
use crate::ports::{BulkStore, StoreResult};
use crate::time::Millis;

use super::{index, next_id, MemoryStore, State};

/// A run with its items in order.
pub(super) struct BulkRun {
    record: BulkJobRecord,
    items: Vec<BulkItem>,
}

impl State {
    fn bulk_run(&mut self, id: i64) -> Option<&mut BulkRun> {
        self.bulk_runs.get_mut(index(id)?)
    }
}

#[async_trait]
impl BulkStore for MemoryStore {
    async fn create_bulk_job(&self, job: &NewBulkJob, audit: &AuditEvent) -> StoreResult<i64> {
        let mut state = self.lock();
        state.check_staff(Some(job.created_by))?;
        state.check_audit(audit)?;
        let id = next_id(&state.bulk_runs);
        let items = job
            .client_ids
            .iter()
            .enumerate()
            .map(|(position, client_id)| BulkItem {
                job_id: id,
                position: u32::try_from(position).unwrap_or(u32::MAX),
                client_id: *client_id,
                outcome: None,
            })
            .collect();
        state.bulk_runs.push(BulkRun {
            record: BulkJobRecord {
                id,
                created_by: job.created_by,
                workstation: job.workstation.clone(),
                created_at: job.created_at,
                status: BulkStatus::Running,
                total: u32::try_from(job.client_ids.len()).unwrap_or(u32::MAX),
                sent: 0,
                skipped: 0,
                failed: 0,
                finished_at: None,
            },
            items,
        });
        state.audit.push(audit.clone());
        Ok(id)
    }

    async fn bulk_job(&self, id: i64) -> StoreResult<Option<BulkJobRecord>> {
        Ok(self.lock().bulk_run(id).map(|r| r.record.clone()))
    }

    async fn running_bulk_jobs(&self, workstation: &str) -> StoreResult<Vec<BulkJobRecord>> {
        Ok(self
            .lock()
            .bulk_runs
            .iter()
            .map(|r| &r.record)
            .filter(|j| j.workstation == workstation && j.status == BulkStatus::Running)
            .cloned()
            .collect())
    }

    async fn pending_bulk_items(&self, job_id: i64, limit: u32) -> StoreResult<Vec<BulkItem>> {
        let mut state = self.lock();
        let Some(run) = state.bulk_run(job_id) else {
            return Ok(Vec::new());
        };
        Ok(run
            .items
            .iter()
            .filter(|i| i.outcome.is_none())
            .take(limit as usize)
            .cloned()
            .collect())
    }

    async fn record_bulk_outcome(
        &self,
        job_id: i64,
        position: u32,
        outcome: BulkOutcome,
        now: Millis,
    ) -> StoreResult<()> {
        let mut state = self.lock();
        let Some(run) = state.bulk_run(job_id) else {
            return Ok(());
        };
        let Some(item) = run
            .items
            .get_mut(position as usize)
            .filter(|i| i.outcome.is_none())
        else {
            return Ok(());
        };
        item.outcome = Some(outcome);
        let job = &mut run.record;
        match outcome {
            BulkOutcome::Sent => job.sent += 1,
            BulkOutcome::Failed => job.failed += 1,
            _ => job.skipped += 1,
        }
        if job.status == BulkStatus::Running && job.worked() >= job.total {
            job.status = BulkStatus::Done;
            job.finished_at = Some(now);
        }
        Ok(())
    }

    async fn cancel_bulk_job(&self, id: i64, now: Millis, audit: &AuditEvent) -> StoreResult<bool> {
        let mut state = self.lock();
        state.check_audit(audit)?;
        let Some(run) = state
            .bulk_run(id)
            .filter(|r| r.record.status == BulkStatus::Running)
        else {
            return Ok(false);
        };
        run.record.status = BulkStatus::Cancelled;
        run.record.finished_at = Some(now);
        state.audit.push(audit.clone());
        Ok(true)
    }

    async fn bulk_not_sent(&self, job_id: i64, limit: u32) -> StoreResult<Vec<BulkSkipped>> {
        let mut state = self.lock();
        let items: Vec<BulkItem> = match state.bulk_run(job_id) {
            Some(run) => run.items.clone(),
            None => return Ok(Vec::new()),
        };
        Ok(items
            .iter()
            .filter_map(|i| Some((i, i.outcome.filter(|o| *o != BulkOutcome::Sent)?)))
            .take(limit as usize)
            .map(|(i, outcome)| BulkSkipped {
                client_id: i.client_id,
                name: state
                    .client(i.client_id)
                    .map(|c| full_name(&c.first_name, &c.last_name))
                    .unwrap_or_else(|| REMOVED_CLIENT.to_string()),
                reason: outcome.reason().to_string(),
            })
            .collect())
    }
}
