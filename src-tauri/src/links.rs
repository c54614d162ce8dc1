//! `vetdesk://reset?token=…` links: from a cold start, from a second launch that the
//! single-instance plugin hands over, and while running.

use tauri::{Emitter, Manager, Runtime};
use tauri_plugin_deep_link::DeepLinkExt;

use crate::state::AppState;

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

/// Keeps the newest reset token for the window, tells the window, and brings it forward.
pub fn handle_reset_urls<R: Runtime>(
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

/// Registers the `vetdesk://` scheme and listens for links. Needs the deep-link plugin.
pub fn listen<R: Runtime>(app: &tauri::App<R>) {
    // Registering writes a desktop entry and runs the desktop's tools; it serves the next
    // launch, so it runs beside this one.
    #[cfg(any(target_os = "linux", windows))]
    {
        let handle = app.handle().clone();
        tauri::async_runtime::spawn_blocking(move || {
            if let Err(e) = handle.deep_link().register_all() {
                tracing::info!(error = %e, "vetdesk:// links not registered");
            }
        });
    }
    let handle = app.handle().clone();
    app.deep_link().on_open_url(move |event| {
        handle_reset_urls(&handle, event.urls().into_iter().map(|u| u.to_string()));
    });
    if let Ok(Some(urls)) = app.deep_link().get_current() {
        handle_reset_urls(app.handle(), urls.into_iter().map(|u| u.to_string()));
    }
}

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
