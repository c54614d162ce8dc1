use serde::Serialize;
use tauri::State;
use vetdesk_core::recovery::Recovery;
use vetdesk_core::settings::Settings;
use vetdesk_core::{validate, CoreError};
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
    Recovery::<governor::clock::DefaultClock>::require_admin(&actor)?;
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
    Recovery::<governor::clock::DefaultClock>::require_admin(&actor)?;
    if let Some(p) = &smtp_password {
        if p.len() > 1024 || p.chars().any(|c| c.is_control()) {
            return Err(CoreError::invalid("The SMTP password is not valid.").into());
        }
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
    Recovery::<governor::clock::DefaultClock>::require_admin(&actor)?;
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
    let outcome = if result.is_ok() { "sent" } else { "failed" };
    let event = vetdesk_core::audit::AuditEvent::new(
        state.recovery.now(),
        "test_email",
        outcome,
        &state.workstation,
    )
    .actor(actor.id);
    let event = match &result {
        Err(e) => event.detail(e.to_string()),
        Ok(_) => event,
    };
    vetdesk_core::ports::Store::append_audit(&state.store, &event)
        .await
        .map_err(CoreError::from)?;
    Ok(TestEmailResult { message: result? })
}
