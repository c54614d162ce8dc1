use tauri::State;
use vetdesk_core::bulk::{BulkProgress, BulkSelection, BulkStart};

use super::{require_online, unless_stopped};
use crate::error::CommandResult;
use crate::offline::NEEDS_DATABASE;
use crate::state::AppState;

/// Stores an invitation run for the selected clients; this workstation sends it. While the
/// clinic database cannot be reached, the run is queued here and stored when it answers.
#[tauri::command]
#[specta::specta]
pub async fn start_bulk_invite(
    state: State<'_, AppState>,
    selection: BulkSelection,
) -> CommandResult<BulkStart> {
    let (clinic, actor) = state.actor().await?;
    if let Some(offline) = clinic.offline_now() {
        return Ok(offline.queue_bulk_invite(&actor, selection).await?);
    }
    let progress = clinic
        .recovery
        .start_bulk_invite(&actor, selection, &state.workstation);
    let progress = unless_stopped(&clinic, progress).await?;
    clinic.bulk_wake.notify_one();
    Ok(BulkStart::Started { progress })
}

#[tauri::command]
#[specta::specta]
pub async fn bulk_invite_progress(
    state: State<'_, AppState>,
    job_id: i64,
) -> CommandResult<BulkProgress> {
    let (clinic, actor) = state.actor().await?;
    require_online(&clinic, NEEDS_DATABASE)?;
    Ok(clinic.recovery.bulk_progress(&actor, job_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn cancel_bulk_invite(
    state: State<'_, AppState>,
    job_id: i64,
) -> CommandResult<BulkProgress> {
    let (clinic, actor) = state.actor().await?;
    require_online(&clinic, NEEDS_DATABASE)?;
    Ok(clinic
        .recovery
        .cancel_bulk_invite(&actor, job_id, &state.workstation)
        .await?)
}

/// The invitation runs this workstation is working through (one begun before a restart too).
#[tauri::command]
#[specta::specta]
pub async fn running_bulk_invites(state: State<'_, AppState>) -> CommandResult<Vec<BulkProgress>> {
    let (clinic, actor) = state.actor().await?;
    // Runs are sent from the clinic database: none goes on while it cannot be reached.
    if clinic.offline_now().is_some() {
        return Ok(Vec::new());
    }
    Ok(clinic
        .recovery
        .running_bulk_invites(&actor, &state.workstation)
        .await?)
}
