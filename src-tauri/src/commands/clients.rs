use tauri::State;
use vetdesk_core::client::{ClientCursor, ClientFilter, ClientPage, ClientProfile, PortalSent};

use crate::error::CommandResult;
use crate::state::AppState;

/// One page of clients matching `query`; `after` is the previous page's `next`.
#[tauri::command]
#[specta::specta]
pub async fn search_clients(
    state: State<'_, AppState>,
    query: String,
    filter: ClientFilter,
    after: Option<ClientCursor>,
) -> CommandResult<ClientPage> {
    let (clinic, actor) = state.actor().await?;
    Ok(clinic
        .recovery
        .search_clients(&actor, &query, filter, after)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn client_profile(
    state: State<'_, AppState>,
    client_id: i64,
) -> CommandResult<ClientProfile> {
    let (clinic, actor) = state.actor().await?;
    Ok(clinic.recovery.client_profile(&actor, client_id).await?)
}

/// The paw icon: a portal invitation, or a portal reset link for a registered client.
#[tauri::command]
#[specta::specta]
pub async fn send_portal_link(
    state: State<'_, AppState>,
    client_id: i64,
) -> CommandResult<PortalSent> {
    let (clinic, actor) = state.actor().await?;
    Ok(clinic
        .recovery
        .send_portal_link(&actor, client_id, &state.workstation)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_client_email(
    state: State<'_, AppState>,
    client_id: i64,
    email: String,
) -> CommandResult<ClientProfile> {
    let (clinic, actor) = state.actor().await?;
    Ok(clinic
        .recovery
        .set_client_email(&actor, client_id, &email, &state.workstation)
        .await?)
}
