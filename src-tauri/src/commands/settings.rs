use serde::Serialize;
use tauri::State;
use vetdesk_core::settings::{Settings, SettingsLimits};

use super::require_online;
use crate::error::CommandResult;
use crate::offline::NEEDS_DATABASE;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TestEmailResult {
    pub message: String,
}

#[tauri::command]
#[specta::specta]
pub async fn get_settings(state: State<'_, AppState>) -> CommandResult<Settings> {
    let (clinic, actor) = state.actor().await?;
    Ok(read!(clinic, |r| r.settings_for_admin(&actor))?)
}

#[tauri::command]
#[specta::specta]
pub async fn settings_limits(state: State<'_, AppState>) -> CommandResult<SettingsLimits> {
    let (clinic, actor) = state.actor().await?;
    Ok(clinic.recovery.settings_limits(&actor)?)
}

/// `smtp_password`: `None` keeps the stored one, an empty string removes it.
#[tauri::command]
#[specta::specta]
pub async fn save_settings(
    state: State<'_, AppState>,
    settings: Settings,
    smtp_password: Option<String>,
) -> CommandResult<Settings> {
    let (clinic, actor) = state.actor().await?;
    require_online(&clinic, NEEDS_DATABASE)?;
    let saved = clinic
        .recovery
        .save_settings(&actor, settings, smtp_password, &state.workstation)
        .await?;
    state.retitle();
    Ok(saved)
}

#[tauri::command]
#[specta::specta]
pub async fn send_test_email(
    state: State<'_, AppState>,
    to: String,
) -> CommandResult<TestEmailResult> {
    let (clinic, actor) = state.actor().await?;
    require_online(&clinic, NEEDS_DATABASE)?;
    let (to, settings, secrets) = clinic.recovery.test_email(&actor, &to).await?;
    let preview = clinic.preview.dir();
    let result =
        vetdesk_mail::send_test_email(&settings, secrets, &state.smtp_options, preview, &to).await;
    let failure = result.as_ref().err().map(ToString::to_string);
    let ws = &state.workstation;
    clinic
        .recovery
        .record_test_email(&actor, failure.as_deref(), ws)
        .await?;
    Ok(TestEmailResult { message: result? })
}

/// Whether the clinic web address (as typed, saved or not) reaches a live vetdesk-server.
#[tauri::command]
#[specta::specta]
pub async fn check_clinic_url(
    state: State<'_, AppState>,
    url: String,
) -> CommandResult<crate::clinic_url::ClinicUrlStatus> {
    let (_clinic, actor) = state.actor().await?;
    vetdesk_core::access::admin(&actor)?;
    let url = vetdesk_core::settings::clinic_url(&url)?;
    Ok(crate::clinic_url::check(&url).await)
}

/// The DNS record to publish for this workstation's DKIM key, if settings name a DKIM domain and
/// the key is stored.
#[tauri::command]
#[specta::specta]
pub async fn dkim_record(
    state: State<'_, AppState>,
) -> CommandResult<Option<vetdesk_core::dkim::DkimRecord>> {
    let (clinic, actor) = state.actor().await?;
    Ok(clinic.recovery.dkim_record(&actor).await?)
}

/// Stores the DKIM private key an admin pasted, or removes it (`None`).
#[tauri::command]
#[specta::specta]
pub async fn set_dkim_key(
    state: State<'_, AppState>,
    key: Option<String>,
) -> CommandResult<Option<vetdesk_core::dkim::DkimRecord>> {
    let (clinic, actor) = state.actor().await?;
    require_online(&clinic, NEEDS_DATABASE)?;
    Ok(clinic
        .recovery
        .set_dkim_key(&actor, key, &state.workstation)
        .await?)
}

/// Makes a new DKIM key in this workstation's keyring, for a clinic that has none to paste.
#[tauri::command]
#[specta::specta]
pub async fn generate_dkim_key(
    state: State<'_, AppState>,
) -> CommandResult<Option<vetdesk_core::dkim::DkimRecord>> {
    let (clinic, actor) = state.actor().await?;
    require_online(&clinic, NEEDS_DATABASE)?;
    let key = tokio::task::spawn_blocking(vetdesk_core::dkim::DkimKey::generate)
        .await
        .map_err(|e| vetdesk_core::CoreError::Internal(e.to_string()))??;
    let pem = key.to_pkcs8_pem().into_inner();
    Ok(clinic
        .recovery
        .set_dkim_key(&actor, Some(pem), &state.workstation)
        .await?)
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ExportedKey {
    /// The file vetdesk-server reads through `VETDESK_DISPATCH_KEY_FILE`.
    pub path: String,
    /// Names the key without revealing it; vetdesk-server logs the same at start.
    pub fingerprint: String,
}

/// Writes this workstation's outbox key to a file only this user can read, for vetdesk-server
/// to send the emails this desk queues (see docs/server.md).
#[tauri::command]
#[specta::specta]
pub async fn export_dispatch_key(state: State<'_, AppState>) -> CommandResult<ExportedKey> {
    let (clinic, actor) = state.actor().await?;
    require_online(&clinic, NEEDS_DATABASE)?;
    clinic
        .recovery
        .authorize_dispatch_key_export(&actor, &state.workstation)
        .await?;
    let path = state.paths().dispatch_key_export();
    export_private(path, clinic.sealer.export(), &clinic).await
}

/// Writes an exported key to `path` for this user only, and names it by its fingerprint.
pub(super) async fn export_private(
    path: std::path::PathBuf,
    text: vetdesk_core::Sensitive<String>,
    clinic: &crate::clinic::Clinic,
) -> CommandResult<ExportedKey> {
    let target = path.clone();
    tokio::task::spawn_blocking(move || crate::owner_only::write_private(&target, text.expose()))
        .await
        .map_err(|e| vetdesk_core::CoreError::Internal(e.to_string()))?
        .map_err(|e| {
            vetdesk_core::CoreError::Internal(format!("cannot write {}: {e}", path.display()))
        })?;
    Ok(ExportedKey {
        path: path.display().to_string(),
        fingerprint: clinic.sealer.fingerprint(),
    })
}
