//! The VetDesk desktop shell: window, commands, deep links, logging and the outbox dispatcher.
//! Decisions live in `vetdesk-core`; this crate wires them to Tauri.

pub mod breach;
pub mod commands;
pub mod error;
pub mod hashing;
pub mod logging;
pub mod mail;
pub mod state;

use std::sync::Arc;

use tauri::{Emitter, Manager, Runtime};
use tauri_plugin_deep_link::DeepLinkExt;

use crate::state::{AppState, Paths};

/// Every command the UI may call, with its TypeScript binding.
pub fn specta_builder<R: Runtime>() -> tauri_specta::Builder<R> {
    use commands::*;
    tauri_specta::Builder::<R>::new()
        .commands(tauri_specta::collect_commands![
            account::app_info,
            account::login,
            account::logout,
            account::current_session,
            account::forgot_password,
            account::password_policy,
            account::check_reset_link,
            account::complete_reset,
            account::pending_reset_link,
            staff::list_staff,
            staff::staff_card,
            staff::send_staff_reset,
            staff::issue_one_time_code,
            staff::update_staff_email,
            settings::get_settings,
            settings::save_settings,
            settings::send_test_email,
            activity::list_activity,
            activity::list_emails,
            preview::list_preview_mail,
            preview::read_preview_mail,
        ])
        // Timestamps are unix milliseconds, far inside a double's exact range.
        .dangerously_cast_bigints_to_number()
        // One TypeScript type per Rust type, rather than separate input and output shapes.
        .disable_serde_phases()
}

/// Writes `ui/src/bindings.ts` (or another path) from the registered commands.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    specta_builder::<tauri::Wry>()
        .export(
            specta_typescript::Typescript::default()
                .header("// Generated from the Rust commands by `cargo test --test bindings`. Do not edit.\n"),
            path,
        )
        .map_err(|e| e.to_string())
}

/// Pulls the token out of `vetdesk://reset?token=…`.
pub fn reset_token_from_url(url: &str) -> Option<String> {
    let rest = url.strip_prefix("vetdesk://reset")?;
    let query = rest.trim_start_matches('/').strip_prefix('?')?;
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == "token")
        .map(|(_, v)| v.to_string())
        .filter(|t| {
            t.len() == 43
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

fn handle_reset_urls<R: Runtime>(
    app: &tauri::AppHandle<R>,
    urls: impl IntoIterator<Item = String>,
) {
    for url in urls {
        if let Some(token) = reset_token_from_url(&url) {
            if let Some(state) = app.try_state::<AppState>() {
                *state.pending_link.lock().unwrap_or_else(|e| e.into_inner()) = Some(token.clone());
            }
            let _ = app.emit("reset-link", serde_json::json!({ "token": token }));
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.set_focus();
            }
        }
    }
}

pub fn run() {
    let specta = specta_builder::<tauri::Wry>();
    let result = tauri::Builder::default()
        // Must come first: a second launch (a clicked reset link) hands its URL to this one.
        .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
            handle_reset_urls(app, argv);
        }))
        .plugin(tauri_plugin_deep_link::init())
        .invoke_handler(specta.invoke_handler())
        .setup(|app| {
            let data_dir = app.path().app_data_dir()?;
            let paths = Paths { data_dir };
            let guard = logging::init(&paths.log_dir());
            app.manage(LogGuard(guard));
            let secrets = Arc::new(vetdesk_secrets::Keyring::new(state::KEYRING_SERVICE));
            let state = tauri::async_runtime::block_on(AppState::open(&paths, secrets))
                .map_err(|e| Box::new(std::io::Error::other(e.to_string())))?;
            mail::spawn_dispatcher(&state);
            app.manage(state);

            #[cfg(any(target_os = "linux", windows))]
            if let Err(e) = app.deep_link().register_all() {
                tracing::info!(error = %e, "vetdesk:// links not registered");
            }
            let handle = app.handle().clone();
            app.deep_link().on_open_url(move |event| {
                handle_reset_urls(&handle, event.urls().into_iter().map(|u| u.to_string()));
            });
            if let Ok(Some(urls)) = app.deep_link().get_current() {
                handle_reset_urls(app.handle(), urls.into_iter().map(|u| u.to_string()));
            }
            tracing::info!(version = env!("CARGO_PKG_VERSION"), "VetDesk started");
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("VetDesk could not start: {e}");
        std::process::exit(1);
    }
}

struct LogGuard(#[allow(dead_code)] Option<tracing_appender::non_blocking::WorkerGuard>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_links_yield_only_well_formed_tokens() {
        let t = "A".repeat(43);
        assert_eq!(
            reset_token_from_url(&format!("vetdesk://reset?token={t}")),
            Some(t.clone())
        );
        assert_eq!(
            reset_token_from_url(&format!("vetdesk://reset/?x=1&token={t}")),
            Some(t.clone())
        );
        assert_eq!(reset_token_from_url("vetdesk://reset?token=short"), None);
        assert_eq!(
            reset_token_from_url(&format!("https://evil.example/reset?token={t}")),
            None
        );
        assert_eq!(
            reset_token_from_url(&format!("vetdesk://reset?token={t}%0A")),
            None
        );
    }
}
