use serde::Serialize;
use tauri::State;
use vetdesk_core::policy::PasswordPolicyInfo;
use vetdesk_core::settings::MailTransport;
use vetdesk_core::staff::{ForgotAnswer, ResetSecret, ResetTarget, SessionInfo};

use crate::clinic::Clinic;
use crate::error::CommandResult;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub clinic_name: String,
    /// What the window's title says: the app and the clinic that is open.
    pub window_title: String,
    pub version: String,
    /// `local` (this computer's file) or `remote` (the clinic's server).
    pub database: String,
    /// The server's database as the status bar names it; `None` for this computer's file.
    pub database_name: Option<String>,
    pub mail_transport: MailTransport,
    /// No one works here yet: the window asks to set up the clinic.
    pub setup_needed: bool,
    /// The demo clinic is open.
    pub demo: bool,
    /// Set when no system keyring answered: what that means and what to do, in words.
    pub keyring_warning: Option<String>,
    /// Minutes without activity before the window locks.
    pub idle_lock_minutes: u32,
    /// How often at most the window reports activity; the core's idle check allows for it.
    pub activity_report_secs: u32,
}

/// What the window shows of `clinic` before anyone signs in.
pub(crate) async fn info(state: &AppState, clinic: &Clinic) -> CommandResult<AppInfo> {
    let settings = read!(clinic, |r| r.settings())?;
    let setup_needed = read!(clinic, |r| r.setup_needed())?;
    // Until setup, the settings are a stand-in and the clinic has no name.
    let clinic_name = if setup_needed {
        String::new()
    } else {
        settings.clinic.name
    };
    Ok(AppInfo {
        window_title: crate::window::title(&clinic_name, clinic.demo),
        clinic_name,
        version: env!("CARGO_PKG_VERSION").to_string(),
        database: match clinic.location {
            vetdesk_core::database::DatabaseLocation::Local => "local".to_string(),
            vetdesk_core::database::DatabaseLocation::Server(_) => "remote".to_string(),
        },
        database_name: crate::database::name(&clinic.location),
        mail_transport: settings.mail.transport,
        setup_needed,
        demo: clinic.demo,
        keyring_warning: state.keyring_warning().await?,
        idle_lock_minutes: settings.sessions.idle_lock_minutes,
        activity_report_secs: (vetdesk_core::session::ACTIVITY_REPORT_EVERY
            / vetdesk_core::time::SECOND) as u32,
    })
}

#[tauri::command]
#[specta::specta]
pub async fn app_info(state: State<'_, AppState>) -> CommandResult<AppInfo> {
    let clinic = state.clinic().await?;
    info(&state, &clinic).await
}

#[tauri::command]
#[specta::specta]
pub async fn login(
    state: State<'_, AppState>,
    username: String,
    password: String,
) -> CommandResult<SessionInfo> {
    let clinic = state.clinic().await?;
    if let Some(offline) = clinic.offline_now() {
        return signed_in_offline(offline, &username, &password).await;
    }
    let result = clinic
        .recovery
        .login(&username, &password, &state.workstation)
        .await;
    let (session, info) = match (result, &clinic.offline) {
        (Err(e), Some(offline)) if clinic.went_offline(&e) => {
            return signed_in_offline(offline, &username, &password).await
        }
        (result, _) => result?,
    };
    clinic.set_session(Some(session));
    // A verifier for signing in here while the server cannot be reached, made off the reply;
    // and the person, for while it cannot confirm them.
    if let Some(offline) = clinic.offline.clone() {
        let _ = clinic.actor(&state.workstation).await;
        let password = vetdesk_core::Sensitive::new(password);
        let staff_id = info.staff_id;
        tauri::async_runtime::spawn(async move { offline.keep_verifier(staff_id, password).await });
    }
    Ok(info)
}

#[tauri::command]
#[specta::specta]
pub async fn logout(state: State<'_, AppState>) -> CommandResult<()> {
    let clinic = state.clinic().await?;
    if let Some(session) = clinic.session_id() {
        clinic.set_session(None);
        if let Some(offline) = &clinic.offline {
            offline.forget();
        }
        let ended = clinic.recovery.logout(session, &state.workstation).await;
        // Signed out here all the same; the server ends the session at its lifetime.
        if !matches!(&ended, Err(e) if clinic.went_offline(e)) {
            ended?;
        }
    }
    Ok(())
}

async fn signed_in_offline(
    offline: &crate::offline::Offline,
    username: &str,
    password: &str,
) -> CommandResult<SessionInfo> {
    let actor = offline.sign_in(username, password).await?;
    Ok(SessionInfo::from(&actor.staff))
}

/// Who is signed in at this workstation, and whether the screen is locked.
#[tauri::command]
#[specta::specta]
pub async fn current_session(state: State<'_, AppState>) -> CommandResult<Option<SessionInfo>> {
    match state.clinic().await?.signed_in(&state.workstation).await {
        Ok((actor, locked)) => Ok(Some(SessionInfo {
            locked,
            ..SessionInfo::from(&actor.staff)
        })),
        Err(vetdesk_core::CoreError::NotSignedIn) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The window saw its person at work; refused once the session is locked.
#[tauri::command]
#[specta::specta]
pub async fn session_activity(state: State<'_, AppState>) -> CommandResult<()> {
    let clinic = state.clinic().await?;
    let session = clinic.session_id();
    let noted = match clinic.offline_now() {
        Some(offline) => offline.note_activity(session).await,
        None => {
            let noted = clinic
                .recovery
                .note_activity(session, &state.workstation)
                .await;
            match (&noted, &clinic.offline) {
                (Err(e), Some(offline)) if clinic.went_offline(e) => {
                    offline.note_activity(session).await
                }
                _ => noted,
            }
        }
    };
    Ok(clinic.forget_ended(noted)?)
}

/// Locks the screen over the current page.
#[tauri::command]
#[specta::specta]
pub async fn lock_session(state: State<'_, AppState>) -> CommandResult<()> {
    let clinic = state.clinic().await?;
    let session = clinic.session_id();
    if let Some(offline) = &clinic.offline {
        offline.lock_session(vetdesk_core::Clock::now(&vetdesk_core::SystemClock));
    }
    if clinic.offline_now().is_some() {
        return Ok(());
    }
    let locked = clinic.recovery.lock(session, &state.workstation).await;
    match locked {
        Err(e) if clinic.went_offline(&e) => Ok(()),
        locked => Ok(clinic.forget_ended(locked)?),
    }
}

/// The signed-in person's password, entered again: it unlocks the screen, and covers sensitive
/// changes for the next few minutes.
#[tauri::command]
#[specta::specta]
pub async fn confirm_password(state: State<'_, AppState>, password: String) -> CommandResult<()> {
    let clinic = state.clinic().await?;
    let session = clinic.session_id();
    if let Some(offline) = clinic.offline_now() {
        return Ok(offline.unlock(session, &password).await?);
    }
    let ws = &state.workstation;
    let confirmed = clinic
        .recovery
        .confirm_password(session, &password, ws)
        .await;
    Ok(clinic.forget_ended(confirmed)?)
}

#[tauri::command]
#[specta::specta]
pub async fn forgot_password(
    state: State<'_, AppState>,
    identifier: String,
) -> CommandResult<ForgotAnswer> {
    Ok(state
        .clinic()
        .await?
        .recovery
        .answer_forgot_password(&identifier, &state.workstation)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn password_policy(state: State<'_, AppState>) -> CommandResult<PasswordPolicyInfo> {
    Ok(state.clinic().await?.recovery.password_policy().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn check_reset_link(
    state: State<'_, AppState>,
    token: String,
) -> CommandResult<ResetTarget> {
    Ok(state.clinic().await?.recovery.check_link(&token).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn complete_reset(
    state: State<'_, AppState>,
    secret: ResetSecret,
    password: String,
    confirm: String,
) -> CommandResult<()> {
    let clinic = state.clinic().await?;
    clinic
        .recovery
        .answer_complete_reset(secret, &password, &confirm, &state.workstation)
        .await?;
    // A reset ends every session of that account, this workstation's included if it was theirs.
    let _ = clinic.signed_in(&state.workstation).await;
    Ok(())
}

/// The signed-in person's own password; this workstation's session stays, every other ends.
#[tauri::command]
#[specta::specta]
pub async fn change_password(
    state: State<'_, AppState>,
    current: String,
    password: String,
    confirm: String,
) -> CommandResult<()> {
    let (clinic, actor) = state.actor().await?;
    let ws = &state.workstation;
    clinic
        .recovery
        .change_password(&actor, &current, &password, &confirm, ws)
        .await?;
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
