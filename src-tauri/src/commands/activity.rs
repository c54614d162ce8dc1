use tauri::State;
use vetdesk_core::audit::AuditRow;
use vetdesk_core::outbox::EmailRow;

use super::require_online;
use crate::error::CommandResult;
use crate::offline::NEEDS_DATABASE;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn list_activity(
    state: State<'_, AppState>,
    query: String,
) -> CommandResult<Vec<AuditRow>> {
    let (clinic, actor) = state.actor().await?;
    require_online(&clinic, NEEDS_DATABASE)?;
    Ok(clinic.recovery.list_activity(&actor, &query).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn list_emails(
    state: State<'_, AppState>,
    query: String,
) -> CommandResult<Vec<EmailRow>> {
    let (clinic, actor) = state.actor().await?;
    require_online(&clinic, NEEDS_DATABASE)?;
    Ok(clinic.recovery.list_emails(&actor, &query).await?)
}
