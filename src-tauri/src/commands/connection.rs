use tauri::{AppHandle, Emitter, Manager, Runtime, State};

use crate::clinic::Clinic;
use crate::error::CommandResult;
use crate::offline::ConnectionStatus;
use crate::state::AppState;

/// The event the window hears when the connection drops or returns, and when a queued action is
/// added or settled.
pub const CONNECTION_CHANGED: &str = "connection-changed";

/// Whether the clinic database answers, and the actions queued while it did not.
#[tauri::command]
#[specta::specta]
pub async fn connection_status(state: State<'_, AppState>) -> CommandResult<ConnectionStatus> {
    status(&state).await
}

async fn status(state: &AppState) -> CommandResult<ConnectionStatus> {
    let clinic = state.clinic().await?;
    match &clinic.offline {
        Some(offline) => Ok(offline.status().await?),
        None => Ok(ConnectionStatus {
            server: false,
            online: true,
            offline_since: None,
            copy_refreshed_at: None,
            actions: Vec::new(),
        }),
    }
}

/// Tells the window of every change of `clinic`'s connection or queue, until it closes.
pub fn forward_changes<R: Runtime>(app: &AppHandle<R>, clinic: &Clinic) {
    let Some(offline) = &clinic.offline else {
        return;
    };
    let mut changes = offline.subscribe();
    let stop = clinic.stopped();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::select! {
                _ = stop.cancelled() => break,
                changed = changes.changed() => if changed.is_err() { break },
            }
            let state = app.state::<AppState>();
            match status(&state).await {
                Ok(status) => {
                    let _ = app.emit(CONNECTION_CHANGED, status);
                }
                Err(e) => tracing::warn!(error = e.message, "could not read the connection status"),
            }
        }
    });
}
