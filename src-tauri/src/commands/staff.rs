use tauri::State;
use vetdesk_core::staff::{OneTimeCode, ResetSent, StaffCard, StaffRow};

use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn list_staff(state: State<'_, AppState>, query: String) -> CommandResult<Vec<StaffRow>> {
    let (clinic, actor) = state.actor().await?;
    Ok(clinic.recovery.list_staff(&actor, &query).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn staff_card(state: State<'_, AppState>, staff_id: i64) -> CommandResult<StaffCard> {
    let (clinic, actor) = state.actor().await?;
    Ok(clinic.recovery.staff_card(&actor, staff_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn send_staff_reset(
    state: State<'_, AppState>,
    staff_id: i64,
) -> CommandResult<ResetSent> {
    let (clinic, actor) = state.actor().await?;
    Ok(clinic
        .recovery
        .send_staff_reset(&actor, staff_id, &state.workstation)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn issue_one_time_code(
    state: State<'_, AppState>,
    staff_id: i64,
) -> CommandResult<OneTimeCode> {
    let (clinic, actor) = state.actor().await?;
    Ok(clinic
        .recovery
        .issue_one_time_code(&actor, staff_id, &state.workstation)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn update_staff_email(
    state: State<'_, AppState>,
    staff_id: i64,
    email: String,
) -> CommandResult<StaffCard> {
    let (clinic, actor) = state.actor().await?;
    Ok(clinic
        .recovery
        .update_staff_email(&actor, staff_id, &email, &state.workstation)
        .await?)
}
