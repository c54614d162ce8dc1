use tauri::State;
use vetdesk_core::CoreError;
use vetdesk_mail::{PreviewMail, PreviewMailSummary};

use crate::error::CommandResult;
use crate::state::AppState;

/// The preview outbox holds live reset links: only those who may reset others read it.
async fn require_reader(state: &AppState) -> CommandResult<()> {
    let actor = state.actor().await?;
    if actor.role.can_manage_staff() {
        Ok(())
    } else {
        Err(CoreError::Forbidden(
            "Only office managers and admins can read the preview outbox.".into(),
        )
        .into())
    }
}

#[tauri::command]
#[specta::specta]
pub async fn list_preview_mail(
    state: State<'_, AppState>,
) -> CommandResult<Vec<PreviewMailSummary>> {
    require_reader(&state).await?;
    Ok(state.preview.list().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn read_preview_mail(
    state: State<'_, AppState>,
    id: String,
) -> CommandResult<PreviewMail> {
    require_reader(&state).await?;
    Ok(state.preview.read(&id).await?)
}
