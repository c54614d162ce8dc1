use tauri::State;
use vetdesk_core::access;
use vetdesk_mail::{PreviewMail, PreviewMailSummary};

use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn list_preview_mail(
    state: State<'_, AppState>,
) -> CommandResult<Vec<PreviewMailSummary>> {
    access::outbox_reader(&state.actor().await?)?;
    Ok(state.preview.list().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn read_preview_mail(
    state: State<'_, AppState>,
    id: String,
) -> CommandResult<PreviewMail> {
    access::outbox_reader(&state.actor().await?)?;
    Ok(state.preview.read(&id).await?)
}
