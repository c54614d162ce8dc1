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
    let (clinic, actor) = state.actor().await?;
    access::outbox_reader(&actor)?;
    Ok(clinic.preview.list().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn read_preview_mail(
    state: State<'_, AppState>,
    id: String,
) -> CommandResult<PreviewMail> {
    let (clinic, actor) = state.actor().await?;
    access::outbox_reader(&actor)?;
    Ok(clinic.preview.read(&id).await?)
}
