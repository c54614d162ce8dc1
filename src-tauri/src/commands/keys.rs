//! The clinic's keys at this workstation (Setup › Database, admins): whether it holds them,
//! exporting them for another workstation, and importing them from one. The keys never show on
//! screen or in a log: only files only their owner reads, and the outbox key's fingerprint.

use serde::Serialize;
use tauri::State;
use vetdesk_core::clinic_keys::{self, FILE_FIELD};
use vetdesk_core::{access, CoreError};

use super::require_online;
use super::settings::{export_private, ExportedKey};
use crate::error::CommandResult;
use crate::offline::NEEDS_DATABASE;
use crate::state::AppState;

/// The demo clinic's admins sign in with a public password: the keys this computer holds for
/// the real clinic are neither theirs to export nor to replace.
const NOT_IN_DEMO: &str = "The clinic's keys are not exported or imported in the demo clinic. \
     Leave the demo first.";

/// A keys file is one line; anything much larger is not one.
const MOST_FILE_BYTES: u64 = 4096;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ClinicKeysStatus {
    /// This workstation's outbox key is the one the clinic database records.
    pub holds: bool,
    /// This workstation's outbox key's fingerprint.
    pub fingerprint: String,
}

#[tauri::command]
#[specta::specta]
pub async fn clinic_keys_status(state: State<'_, AppState>) -> CommandResult<ClinicKeysStatus> {
    let (clinic, actor) = state.actor().await?;
    require_online(&clinic, NEEDS_DATABASE)?;
    Ok(ClinicKeysStatus {
        holds: clinic.recovery.clinic_keys_held(&actor).await?,
        fingerprint: clinic.sealer.fingerprint(),
    })
}

/// Writes the clinic's keys (the outbox key and the code pepper) to a file only this user can
/// read, for another workstation of the clinic to import.
#[tauri::command]
#[specta::specta]
pub async fn export_clinic_keys(state: State<'_, AppState>) -> CommandResult<ExportedKey> {
    let (clinic, actor) = state.actor().await?;
    access::admin(&actor)?;
    if clinic.demo {
        return Err(CoreError::Forbidden(NOT_IN_DEMO.into()).into());
    }
    require_online(&clinic, NEEDS_DATABASE)?;
    clinic
        .recovery
        .authorize_clinic_keys_export(&actor, &state.workstation)
        .await?;
    let text = clinic_keys::export(&clinic.sealer, &clinic.pepper);
    export_private(state.paths().clinic_keys_export(), text, &clinic).await
}

/// Makes the keys in the file at `path` (written by Export keys for another workstation on a
/// desk of this clinic) this workstation's. Refused, with nothing changed, for another file or
/// another clinic's keys.
#[tauri::command]
#[specta::specta]
pub async fn import_clinic_keys(
    state: State<'_, AppState>,
    path: String,
) -> CommandResult<ClinicKeysStatus> {
    let (clinic, actor) = state.actor().await?;
    // Before the file is read, so that what a path holds is told to admins only; the core
    // checks the role again with the password.
    access::admin(&actor)?;
    if clinic.demo {
        return Err(CoreError::Forbidden(NOT_IN_DEMO.into()).into());
    }
    require_online(&clinic, NEEDS_DATABASE)?;
    let text = read_keys_file(path).await?;
    let keys = clinic_keys::import(text.expose())?;
    clinic
        .recovery
        .authorize_clinic_keys_import(&actor, &keys, &state.workstation)
        .await?;
    let fingerprint = keys.fingerprint();
    let clinic = state.adopt_keys(keys).await?;
    tracing::info!(%fingerprint, "imported the clinic's keys");
    Ok(ClinicKeysStatus {
        holds: clinic.recovery.holds_clinic_keys().await?,
        fingerprint: clinic.sealer.fingerprint(),
    })
}

async fn read_keys_file(path: String) -> Result<vetdesk_core::Sensitive<String>, CoreError> {
    let path = path.trim().to_string();
    if path.is_empty() {
        return Err(CoreError::invalid(
            FILE_FIELD,
            "Enter where the keys file is on this computer.",
        ));
    }
    tokio::task::spawn_blocking(move || {
        let unreadable =
            |e: std::io::Error| CoreError::invalid(FILE_FIELD, format!("Cannot read {path}: {e}."));
        let size = std::fs::metadata(&path).map_err(unreadable)?.len();
        if size > MOST_FILE_BYTES {
            return Err(CoreError::invalid(
                FILE_FIELD,
                "This file is too large to be a VetDesk clinic keys file.",
            ));
        }
        let text = std::fs::read_to_string(&path).map_err(unreadable)?;
        Ok(vetdesk_core::Sensitive::new(text))
    })
    .await
    .map_err(|e| CoreError::Internal(e.to_string()))?
}
