use tauri::State;
use vetdesk_core::staff::{OneTimeCode, ResetSent, StaffCard, StaffRow};

use super::{require_online, unless_stopped};
use crate::error::CommandResult;
use crate::offline::{CODE_NEEDS_DATABASE, NEEDS_DATABASE};
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn list_staff(state: State<'_, AppState>, query: String) -> CommandResult<Vec<StaffRow>> {
    let (clinic, actor) = state.actor().await?;
    Ok(read!(clinic, |r| r.list_staff(&actor, &query))?)
}

#[tauri::command]
#[specta::specta]
pub async fn staff_card(state: State<'_, AppState>, staff_id: i64) -> CommandResult<StaffCard> {
    let (clinic, actor) = state.actor().await?;
    Ok(read!(clinic, |r| r.staff_card(&actor, staff_id))?)
}

#[tauri::command]
#[specta::specta]
pub async fn send_staff_reset(
    state: State<'_, AppState>,
    staff_id: i64,
) -> CommandResult<ResetSent> {
    let (clinic, actor) = state.actor().await?;
    if let Some(offline) = clinic.offline_now() {
        return Ok(offline.queue_staff_reset(&actor, staff_id).await?);
    }
    let sent = clinic
        .recovery
        .send_staff_reset(&actor, staff_id, &state.workstation);
    unless_stopped(&clinic, sent).await
}

#[tauri::command]
#[specta::specta]
pub async fn issue_one_time_code(
    state: State<'_, AppState>,
    staff_id: i64,
) -> CommandResult<OneTimeCode> {
    let (clinic, actor) = state.actor().await?;
    require_online(&clinic, CODE_NEEDS_DATABASE)?;
    let code = clinic
        .recovery
        .issue_one_time_code(&actor, staff_id, &state.workstation);
    unless_stopped(&clinic, code).await
}

#[tauri::command]
#[specta::specta]
pub async fn update_staff_email(
    state: State<'_, AppState>,
    staff_id: i64,
    email: String,
) -> CommandResult<StaffCard> {
    let (clinic, actor) = state.actor().await?;
    require_online(&clinic, NEEDS_DATABASE)?;
    let card = clinic
        .recovery
        .update_staff_email(&actor, staff_id, &email, &state.workstation);
    unless_stopped(&clinic, card).await
}
