use tauri::State;
use vetdesk_core::client::{ClientCursor, ClientFilter, ClientPage, ClientProfile, PortalSent};

use super::{require_online, unless_stopped};
use crate::error::CommandResult;
use crate::offline::NEEDS_DATABASE;
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
    Ok(read!(clinic, |r| r.search_clients(
        &actor,
        &query,
        filter,
        after.clone()
    ))?)
}

#[tauri::command]
#[specta::specta]
pub async fn client_profile(
    state: State<'_, AppState>,
    client_id: i64,
) -> CommandResult<ClientProfile> {
    let (clinic, actor) = state.actor().await?;
    Ok(read!(clinic, |r| r.client_profile(&actor, client_id))?)
}

/// The paw icon: a portal invitation, or a portal reset link for a registered client.
#[tauri::command]
#[specta::specta]
pub async fn send_portal_link(
    state: State<'_, AppState>,
    client_id: i64,
) -> CommandResult<PortalSent> {
    let (clinic, actor) = state.actor().await?;
    if let Some(offline) = clinic.offline_now() {
        return Ok(offline.queue_portal_link(&actor, client_id).await?);
    }
    let sent = clinic
        .recovery
        .send_portal_link(&actor, client_id, &state.workstation);
    unless_stopped(&clinic, sent).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_client_email(
    state: State<'_, AppState>,
    client_id: i64,
    email: String,
) -> CommandResult<ClientProfile> {
    let (clinic, actor) = state.actor().await?;
    require_online(&clinic, NEEDS_DATABASE)?;
    let profile = clinic
        .recovery
        .set_client_email(&actor, client_id, &email, &state.workstation);
    unless_stopped(&clinic, profile).await
}
