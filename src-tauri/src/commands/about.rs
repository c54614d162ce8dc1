//! Help › About: which VetDesk this is, the database it works on, and where its logs are.

use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_opener::OpenerExt;
use vetdesk_core::database::DatabaseLocation;
use vetdesk_core::ErrorCode;

use crate::clinic::Clinic;
use crate::error::{CommandError, CommandResult};
use crate::paths::Paths;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct About {
    pub version: String,
    /// The database in use, in words: this computer's file and where it is, or the server's.
    pub database: String,
    /// The folder of the daily log files.
    pub logs_folder: String,
}

/// Also before anyone signs in, and when the clinic could not be opened: that is when the
/// logs are wanted most.
#[tauri::command]
#[specta::specta]
pub async fn about(state: State<'_, AppState>) -> CommandResult<About> {
    let paths = state.paths();
    let database = match state.clinic().await {
        Ok(clinic) => describe(&clinic, paths),
        Err(e) => format!("Not open: {e}"),
    };
    Ok(About {
        version: env!("CARGO_PKG_VERSION").to_string(),
        database,
        logs_folder: paths.log_dir().display().to_string(),
    })
}

fn describe(clinic: &Clinic, paths: &Paths) -> String {
    match &clinic.location {
        DatabaseLocation::Local if clinic.demo => format!(
            "The demo clinic, on this computer ({})",
            paths.with_demo(true).database().display()
        ),
        DatabaseLocation::Local => format!(
            "This computer ({})",
            paths.with_demo(false).database().display()
        ),
        DatabaseLocation::Server(a) if clinic.offline_now().is_some() => format!(
            "The clinic's server ({} on {}), not answering now: this computer's copy is in use",
            a.database, a.host
        ),
        DatabaseLocation::Server(a) => {
            format!("The clinic's server ({} on {})", a.database, a.host)
        }
    }
}

/// Opens the logs folder in the desktop's file manager. The folder is always this
/// workstation's own; the window cannot name another.
#[tauri::command]
#[specta::specta]
pub async fn open_logs_folder<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> CommandResult<()> {
    let dir = state.paths().log_dir();
    let opened = crate::owner_only::create_dir(&dir)
        .map_err(|e| e.to_string())
        .and_then(|()| {
            app.opener()
                .open_path(dir.display().to_string(), None::<&str>)
                .map_err(|e| e.to_string())
        });
    opened.map_err(|e| {
        tracing::info!(error = %e, "the logs folder was not opened");
        CommandError {
            code: ErrorCode::Failed,
            message: format!(
                "This computer could not open the logs folder ({e}). It is at {}.",
                dir.display()
            ),
            field: None,
            retry_after_secs: None,
        }
    })
}
