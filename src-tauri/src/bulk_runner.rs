//! The bulk-invitation runner: works through this workstation's running invitation jobs a batch
//! at a time, beside the window, until the clinic closes. A job begun before a restart is picked
//! up again when the clinic opens.

use std::sync::Arc;
use std::time::Duration;

use crate::clinic::Clinic;

/// Clients worked between two looks at the job's status and the other jobs.
const BATCH: u32 = 25;
/// How long the runner sleeps when it has nothing to do and nobody wakes it.
const IDLE: Duration = Duration::from_secs(30);
/// The pause after a failure (a locked or unreachable database) before the next try.
const AFTER_ERROR: Duration = Duration::from_secs(2);

/// Starts `clinic`'s runner on Tauri's runtime; it stops when the clinic closes or a move pauses
/// it.
pub fn spawn_runner(clinic: &Clinic, workstation: &str) {
    let recovery = clinic.recovery.clone();
    let wake = clinic.bulk_wake.clone();
    let stop = clinic.workers_stopped();
    let ws = workstation.to_string();
    clinic.add_worker(tauri::async_runtime::spawn(async move {
        loop {
            let pause = match work(&recovery, &ws, &stop).await {
                Ok(()) => IDLE,
                Err(e) => {
                    tracing::warn!(error = %e, "bulk invitations paused");
                    AFTER_ERROR
                }
            };
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = wake.notified() => {}
                _ = tokio::time::sleep(pause) => {}
            }
        }
    }));
}

/// Works this workstation's jobs a batch at a time; once `stop` is cancelled, the batch in hand
/// is stored and no other begun.
async fn work(
    recovery: &Arc<vetdesk_core::recovery::Recovery>,
    ws: &str,
    stop: &tokio_util::sync::CancellationToken,
) -> Result<(), vetdesk_core::CoreError> {
    for job in recovery.bulk_jobs_to_run(ws).await? {
        while !stop.is_cancelled() && recovery.work_bulk_job(job, BATCH, ws).await? {
            tokio::task::yield_now().await;
        }
    }
    Ok(())
}
