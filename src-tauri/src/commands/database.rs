//! Setup › Database (admins): where this workstation's clinic database is, Test connection, and
//! moving the workstation to another database. The server's password goes to the OS keyring,
//! never to a file or the screen.

use serde::Serialize;
use tauri::State;
use vetdesk_core::database::{DatabaseLocation, ServerAddress};
use vetdesk_core::{access, CoreError, Sensitive};
use vetdesk_store::postgres::SchemaState;

use super::account::{info, AppInfo};
use crate::database::{self, DATABASE_PASSWORD};
use crate::error::CommandResult;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DatabaseSettings {
    pub location: DatabaseLocation,
    /// A server password is in this computer's keyring.
    pub has_password: bool,
}

/// What Test connection found, in words for the screen.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionCheck {
    pub ok: bool,
    /// `empty`, `vetdesk`, or why not: `unreachable`, `authentication`, `no_database`,
    /// `tls_not_offered`, `certificate`, `not_vetdesk`, `newer_schema`, `database`.
    pub kind: String,
    pub message: String,
}

async fn stored_password(state: &AppState) -> Result<Option<Sensitive<String>>, CoreError> {
    let secrets = state.clinic_secrets();
    tokio::task::spawn_blocking(move || database::stored_password(secrets.as_ref()))
        .await
        .map_err(|e| CoreError::Internal(e.to_string()))?
}

#[tauri::command]
#[specta::specta]
pub async fn database_settings(state: State<'_, AppState>) -> CommandResult<DatabaseSettings> {
    let (_clinic, actor) = state.actor().await?;
    access::admin(&actor)?;
    let paths = state.paths().with_demo(false);
    Ok(DatabaseSettings {
        location: database::load(&paths)?,
        has_password: stored_password(&state).await?.is_some(),
    })
}

/// `password`: `None` tries the one in the keyring.
#[tauri::command]
#[specta::specta]
pub async fn test_database_connection(
    state: State<'_, AppState>,
    address: ServerAddress,
    password: Option<String>,
) -> CommandResult<ConnectionCheck> {
    let (_clinic, actor) = state.actor().await?;
    access::admin(&actor)?;
    let address = address.validated()?;
    let password = match password {
        Some(p) => Some(Sensitive::new(p)),
        None => stored_password(&state).await?,
    };
    let found = database::test(&address, password.as_ref().map(|p| p.expose().as_str())).await;
    Ok(match found {
        Ok(SchemaState::Empty) => ConnectionCheck {
            ok: true,
            kind: "empty".into(),
            message: format!(
                "Connected. The database {} is empty: VetDesk will set it up there, and Set up \
                 your clinic starts the clinic in it.",
                address.database
            ),
        },
        Ok(SchemaState::VetDesk { .. }) => ConnectionCheck {
            ok: true,
            kind: "vetdesk".into(),
            message: format!(
                "Connected to the clinic database {} on {}.",
                address.database, address.host
            ),
        },
        Err(e) => ConnectionCheck {
            ok: false,
            kind: e.kind().into(),
            message: e.to_string(),
        },
    })
}

/// Moves this workstation to `location` and opens the clinic there; the window starts signed
/// out. A server must answer Test connection first. `password`: `None` keeps the stored one,
/// an empty string removes it.
#[tauri::command]
#[specta::specta]
pub async fn set_database_location(
    state: State<'_, AppState>,
    location: DatabaseLocation,
    password: Option<String>,
) -> CommandResult<AppInfo> {
    let (clinic, actor) = state.actor().await?;
    access::admin(&actor)?;
    if clinic.demo {
        return Err(CoreError::Forbidden(DEMO_STAYS.into()).into());
    }
    let location = match location {
        DatabaseLocation::Local => DatabaseLocation::Local,
        DatabaseLocation::Server(address) => DatabaseLocation::Server(address.validated()?),
    };
    let (password, keep) = password_given(&state, password).await?;
    if let DatabaseLocation::Server(address) = &location {
        if let Err(e) =
            database::test(address, password.as_ref().map(|p| p.expose().as_str())).await
        {
            return Err(CoreError::InvalidInput {
                field: None,
                message: e.to_string(),
            }
            .into());
        }
    }
    let to = database::name(&location).unwrap_or_else(|| "this computer's database".into());
    clinic
        .recovery
        .authorize_database_change(&actor, &to, &state.workstation)
        .await?;
    open_there(&state, &location, password, keep).await
}

pub(super) const DEMO_STAYS: &str =
    "The demo clinic always stays on this computer. Leave the demo first.";

/// The server password a command was given, and whether it is the one kept in the keyring:
/// `None` takes the stored one, an empty string none.
pub(super) async fn password_given(
    state: &AppState,
    password: Option<String>,
) -> Result<(Option<Sensitive<String>>, bool), CoreError> {
    Ok(match password {
        Some(p) if p.is_empty() => (None, false),
        Some(p) => (Some(Sensitive::new(p)), false),
        None => (stored_password(state).await?, true),
    })
}

/// Keeps `password` in the keyring (unless it is the one there, `keep`), records `location` and
/// opens the clinic there, everyone signed out; puts the record back when it cannot open.
pub(super) async fn open_there(
    state: &AppState,
    location: &DatabaseLocation,
    password: Option<Sensitive<String>>,
    keep: bool,
) -> CommandResult<AppInfo> {
    if !keep {
        let secrets = state.clinic_secrets();
        tokio::task::spawn_blocking(move || match password {
            Some(p) => secrets.set(DATABASE_PASSWORD, &p),
            None => secrets.delete(DATABASE_PASSWORD),
        })
        .await
        .map_err(|e| CoreError::Internal(e.to_string()))?
        .map_err(|e| CoreError::Keyring(e.to_string()))?;
    }
    let paths = state.paths().with_demo(false);
    let before = database::load(&paths)?;
    database::save(&paths, location)?;
    match state.reopen().await {
        Ok(clinic) => Ok(info(state, &clinic).await?),
        Err(e) => {
            // The open clinic stays; so does the record of where it is.
            database::save(&paths, &before)?;
            Err(e.into())
        }
    }
}
