use tauri::State;
use vetdesk_core::recovery::{ClinicDetails, FirstAdmin};
use vetdesk_core::staff::SessionInfo;

use super::account::{info, AppInfo};
use crate::error::CommandResult;
use crate::state::AppState;

/// First run: the clinic's details and its first admin, who is then signed in.
#[tauri::command]
#[specta::specta]
pub async fn setup_clinic(
    state: State<'_, AppState>,
    clinic: ClinicDetails,
    admin: FirstAdmin,
    password: String,
    confirm: String,
) -> CommandResult<SessionInfo> {
    let open = state.clinic().await?;
    let (session, me) = open
        .recovery
        .setup_clinic(clinic, admin, &password, &confirm, &state.workstation)
        .await?;
    open.set_session(Some(session));
    state.retitle();
    Ok(me)
}

/// Opens the demo clinic in place of the clinic's own database, signed out.
#[tauri::command]
#[specta::specta]
pub async fn open_demo_clinic(state: State<'_, AppState>) -> CommandResult<AppInfo> {
    let demo = state.switch(true).await?;
    info(&state, &demo).await
}

/// Back from the demo clinic to the clinic's own database, signed out.
#[tauri::command]
#[specta::specta]
pub async fn leave_demo_clinic(state: State<'_, AppState>) -> CommandResult<AppInfo> {
    let own = state.switch(false).await?;
    info(&state, &own).await
}
