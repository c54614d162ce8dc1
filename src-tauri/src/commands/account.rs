use serde::Serialize;
use tauri::State;
use vetdesk_core::policy::PasswordPolicyInfo;
use vetdesk_core::recovery::FORGOT_ANSWER_AFTER;
use vetdesk_core::settings::MailTransport;
use vetdesk_core::staff::{ForgotAnswer, ResetSecret, ResetTarget, SessionInfo};

use crate::error::CommandResult;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub clinic_name: String,
    pub version: String,
    pub database: String,
    pub mail_transport: MailTransport,
}

#[tauri::command]
#[specta::specta]
pub async fn app_info(state: State<'_, AppState>) -> CommandResult<AppInfo> {
    let settings = state.recovery.settings().await?;
    Ok(AppInfo {
        clinic_name: settings.clinic.name,
        version: env!("CARGO_PKG_VERSION").to_string(),
        database: "local".to_string(),
        mail_transport: settings.mail.transport,
    })
}

#[tauri::command]
#[specta::specta]
pub async fn login(
    state: State<'_, AppState>,
    username: String,
    password: String,
) -> CommandResult<SessionInfo> {
    let (session, info) = state
        .recovery
        .login(&username, &password, &state.workstation)
        .await?;
    state.set_session(Some(session));
    Ok(info)
}

#[tauri::command]
#[specta::specta]
pub async fn logout(state: State<'_, AppState>) -> CommandResult<()> {
    if let Some(session) = state.session_id() {
        state.set_session(None);
        state.recovery.logout(session, &state.workstation).await?;
    }
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn current_session(state: State<'_, AppState>) -> CommandResult<Option<SessionInfo>> {
    match state.actor().await {
        Ok(staff) => Ok(Some(SessionInfo::from(&staff))),
        Err(vetdesk_core::CoreError::NotSignedIn) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

#[tauri::command]
#[specta::specta]
pub async fn forgot_password(
    state: State<'_, AppState>,
    identifier: String,
) -> CommandResult<ForgotAnswer> {
    let deadline = tokio::time::Instant::now() + FORGOT_ANSWER_AFTER;
    let answer = state
        .recovery
        .forgot_password(&identifier, &state.workstation)
        .await;
    tokio::time::sleep_until(deadline).await;
    Ok(answer?)
}

#[tauri::command]
#[specta::specta]
pub async fn password_policy(state: State<'_, AppState>) -> CommandResult<PasswordPolicyInfo> {
    Ok(state.recovery.password_policy().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn check_reset_link(
    state: State<'_, AppState>,
    token: String,
) -> CommandResult<ResetTarget> {
    Ok(state.recovery.check_link(&token).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn complete_reset(
    state: State<'_, AppState>,
    secret: ResetSecret,
    password: String,
    confirm: String,
) -> CommandResult<()> {
    state
        .recovery
        .complete_reset(secret, &password, &confirm, &state.workstation)
        .await?;
    // A reset ends every session of that account, this workstation's included if it was theirs.
    let _ = state.actor().await;
    Ok(())
}

/// A reset link that opened the app before the window was listening for it.
#[tauri::command]
#[specta::specta]
pub async fn pending_reset_link(state: State<'_, AppState>) -> CommandResult<Option<String>> {
    Ok(state
        .pending_link
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take())
}
