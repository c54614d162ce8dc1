use tauri::State;
use vetdesk_core::audit::AuditRow;
use vetdesk_core::outbox::EmailRow;

use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn list_activity(
    state: State<'_, AppState>,
    query: String,
) -> CommandResult<Vec<AuditRow>> {
    let (clinic, actor) = state.actor().await?;
    Ok(clinic.recovery.list_activity(&actor, &query).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn list_emails(
    state: State<'_, AppState>,
    query: String,
) -> CommandResult<Vec<EmailRow>> {
    let (clinic, actor) = state.actor().await?;
    Ok(clinic.recovery.list_emails(&actor, &query).await?)
}
