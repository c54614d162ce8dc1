use serde::Serialize;
use tauri::State;
use vetdesk_core::settings::Settings;
use vetdesk_core::{access, validate, CoreError};
use vetdesk_secrets::Sensitive;

use crate::error::CommandResult;
use crate::state::{AppState, SMTP_PASSWORD};

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TestEmailResult {
    pub message: String,
}

async fn with_password_flag(state: &AppState, mut settings: Settings) -> CommandResult<Settings> {
    settings.mail.has_password = state.smtp_password().await?.is_some();
    Ok(settings)
}

#[tauri::command]
#[specta::specta]
pub async fn get_settings(state: State<'_, AppState>) -> CommandResult<Settings> {
    let actor = state.actor().await?;
    access::admin(&actor)?;
    let settings = state.recovery.settings().await?;
    with_password_flag(&state, settings).await
}

/// `smtp_password`: `None` keeps the stored one, an empty string removes it.
#[tauri::command]
#[specta::specta]
pub async fn save_settings(
    state: State<'_, AppState>,
    settings: Settings,
    smtp_password: Option<String>,
) -> CommandResult<Settings> {
    let actor = state.actor().await?;
    access::admin(&actor)?;
    if let Some(p) = &smtp_password {
        validate::secret("The SMTP password", p, 1024)?;
    }
    // Validate everything before touching the keyring, so a bad form changes nothing.
    let checked = settings.validated()?;
    if let Some(p) = smtp_password {
        let secrets = state.secrets.clone();
        tokio::task::spawn_blocking(move || {
            if p.is_empty() {
                secrets.delete(SMTP_PASSWORD)
            } else {
                secrets.set(SMTP_PASSWORD, &Sensitive::new(p))
            }
        })
        .await
        .map_err(|e| CoreError::Internal(e.to_string()))??;
    }
    let saved = state
        .recovery
        .save_settings(&actor, checked, &state.workstation)
        .await?;
    state.outbox_wake.notify_one();
    with_password_flag(&state, saved).await
}

#[tauri::command]
#[specta::specta]
pub async fn send_test_email(
    state: State<'_, AppState>,
    to: String,
) -> CommandResult<TestEmailResult> {
    let actor = state.actor().await?;
    access::admin(&actor)?;
    let to = validate::email("Recipient", &to)?;
    let settings = state.recovery.settings().await?;
    let password = state.smtp_password().await?;
    let result = vetdesk_mail::send_test_email(
        &settings,
        password,
        &state.smtp_options,
        state.preview.dir(),
        &to,
    )
    .await;
    let failure = result.as_ref().err().map(|e| e.to_string());
    state
        .recovery
        .record_test_email(&actor, failure.as_deref(), &state.workstation)
        .await?;
    Ok(TestEmailResult { message: result? })
}
