//! Setup › Database › Move this clinic to the server (admins): the clinic in this computer's file
//! copied into an empty database on the clinic's PostgreSQL server in one step, the window told
//! how far the copy has come, and this computer then working on the server, everyone signed out.
//! Until the copy is complete nothing changes here: the clinic stays in its file.

use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime, State};
use vetdesk_core::database::{DatabaseLocation, ServerAddress};
use vetdesk_core::{access, CoreError};
use vetdesk_store::postgres::{connect, SchemaState};
use vetdesk_store::transfer::{self, Progress, TransferError};
use vetdesk_store::{CountedTable, PgStore};

use super::account::AppInfo;
use super::database::{open_there, password_given, DEMO_STAYS};
use crate::database;
use crate::error::CommandResult;
use crate::state::AppState;

/// The event the window hears after each batch of rows copied.
pub const MOVE_PROGRESS: &str = "move-progress";

/// How far a move has come: rows copied of all the rows to copy, and the table at hand.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MoveProgress {
    /// As the database names it: `staff`, `clients`, `emails`, `audit_events`…
    pub table: String,
    pub copied: u64,
    pub total: u64,
}

impl From<Progress> for MoveProgress {
    fn from(p: Progress) -> Self {
        Self {
            table: p.table.to_string(),
            copied: p.copied,
            total: p.total,
        }
    }
}

/// A table the move copied, and its rows.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MovedTable {
    pub table: String,
    pub rows: u64,
}

/// What moved, and the clinic as it opened on the server.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MoveReport {
    /// Every table, in the order copied.
    pub tables: Vec<MovedTable>,
    /// What happened, in words for the sign-in screen.
    pub message: String,
    /// The clinic on the server; nobody is signed in there yet.
    pub info: AppInfo,
}

/// Copies the clinic in this computer's file into the empty database at `address` and opens it
/// there. `password`: `None` uses the one in the keyring, an empty string none.
#[tauri::command]
#[specta::specta]
pub async fn move_to_server<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    address: ServerAddress,
    password: Option<String>,
) -> CommandResult<MoveReport> {
    let (clinic, actor) = state.actor().await?;
    access::admin(&actor)?;
    if clinic.demo {
        return Err(CoreError::Forbidden(DEMO_STAYS.into()).into());
    }
    let Some(file) = clinic.store.local() else {
        return Err(CoreError::Forbidden(NOT_LOCAL.into()).into());
    };
    let address = address.validated()?;
    let (password, keep) = password_given(&state, password).await?;
    let secret = password.as_ref().map(|p| p.expose().as_str());
    let open = || async {
        PgStore::open(connect::options(&address, secret))
            .await
            .map_err(|e| invalid(e.to_string()))
    };
    let opened = match database::test(&address, secret).await {
        Ok(SchemaState::Empty) => None,
        // VetDesk's tables with nothing in them (after a move that failed, or a clinic never
        // set up) take a move; opening them at this app's schema changes nothing there.
        Ok(SchemaState::VetDesk { version }) if version == connect::known_version() => {
            let server = open().await?;
            if holds_rows(&server).await? {
                server.close().await;
                return Err(not_empty(&address).into());
            }
            Some(server)
        }
        Ok(SchemaState::VetDesk { .. }) => return Err(not_empty(&address).into()),
        Err(e) => return Err(invalid(e.to_string()).into()),
    };
    let location = DatabaseLocation::Server(address.clone());
    let name = database::name(&location).unwrap_or_default();
    let to = format!("{name}, moving this clinic there");
    let authorized = clinic
        .recovery
        .authorize_database_change(&actor, &to, &state.workstation)
        .await;
    if let Err(e) = authorized {
        if let Some(server) = &opened {
            server.close().await;
        }
        return Err(e.into());
    }
    // The email being handed to the mail server and the invitation batch being stored finish
    // first, and nothing more is sent from the file: an email copied half-sent would go again
    // from the server.
    if !clinic.pause_workers(PAUSE_WITHIN).await {
        state.start_workers(&clinic);
        let reason = "an email was still being handed to the mail server";
        let _ = clinic
            .recovery
            .record_database_change_failed(&actor, &to, reason, &state.workstation)
            .await;
        return Err(super::failed(STILL_SENDING));
    }
    let moved = match opened {
        Some(server) => Ok(server),
        None => open().await,
    };
    let moved = match moved {
        Ok(server) => {
            let moved = transfer::move_to_server(file, &server, |p| {
                let _ = app.emit(MOVE_PROGRESS, MoveProgress::from(p));
            })
            .await;
            server.close().await;
            moved.map_err(|e| match e {
                TransferError::TargetNotEmpty { .. } => not_empty(&address),
                TransferError::Store(e) => CoreError::Store(e),
            })
        }
        Err(e) => Err(e),
    };
    let report = match moved {
        Ok(report) => report,
        Err(e) => {
            // Nothing changed here: the file sends again, and Activity says the move failed.
            state.start_workers(&clinic);
            let _ = clinic
                .recovery
                .record_database_change_failed(&actor, &to, &e.to_string(), &state.workstation)
                .await;
            return Err(e.into());
        }
    };
    tracing::info!(to = %name, "moved the clinic to the server");
    if let Err(e) = file.retire_moved().await {
        tracing::error!(error = %e, "the moved file still holds unsent email; do not switch back to it");
    }
    let info = open_there(&state, &location, password, keep).await?;
    Ok(MoveReport {
        tables: report
            .tables
            .into_iter()
            .map(|(table, rows)| MovedTable {
                table: table.to_string(),
                rows,
            })
            .collect(),
        message: format!(
            "This clinic moved to {name}. Everyone signs in again there, with the same \
             usernames and passwords."
        ),
        info,
    })
}

/// Whether `server` holds a clinic, before anything is asked or recorded; the copy checks every
/// table again, in its own transaction.
async fn holds_rows(server: &PgStore) -> Result<bool, CoreError> {
    for table in [
        CountedTable::Staff,
        CountedTable::Clients,
        CountedTable::Emails,
    ] {
        if server.count(table).await? > 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The longest a move waits for the email in hand: a send is given up at half the claim's
/// lease (a minute).
const PAUSE_WITHIN: std::time::Duration = std::time::Duration::from_secs(90);

const STILL_SENDING: &str = "An email was still being handed to the mail server, and the move \
     waited for it long enough. Nothing was moved: try again in a minute.";

const NOT_LOCAL: &str = "This computer's clinic is on a server already. Move to server copies \
     the clinic in this computer's own file into an empty server database.";

fn not_empty(address: &ServerAddress) -> CoreError {
    invalid(format!(
        "The database {} on {} is not empty: it holds a clinic already, and was left as it is. \
         Move to server copies this clinic only into an empty database; to work with the clinic \
         that is there, choose Use this database.",
        address.database, address.host
    ))
}

fn invalid(message: String) -> CoreError {
    CoreError::InvalidInput {
        field: None,
        message,
    }
}
