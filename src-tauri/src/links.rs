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
    // launch, so it runs beside this one. A package's own entry already opens the links, and a
    // per-user entry would stand in front of it.
    #[cfg(any(target_os = "linux", windows))]
    {
        let handle = app.handle().clone();
        tauri::async_runtime::spawn_blocking(move || {
            if installed_by_package() {
                return;
            }
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

/// Whether a package installed this very program with a desktop entry for `vetdesk://` links
/// (the .deb and .rpm put `VetDesk.desktop` in the system's applications folder).
#[cfg(target_os = "linux")]
fn installed_by_package() -> bool {
    let (Ok(exe), Some(path)) = (std::env::current_exe(), std::env::var_os("PATH")) else {
        return false;
    };
    let data_dirs = std::env::var_os("XDG_DATA_DIRS")
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "/usr/local/share:/usr/share".into());
    std::env::split_paths(&data_dirs).any(|dir| {
        std::fs::read_to_string(dir.join("applications").join("VetDesk.desktop"))
            .is_ok_and(|entry| entry_opens_links_with(&entry, &exe, &path))
    })
}

#[cfg(windows)]
fn installed_by_package() -> bool {
    false
}

/// Whether the desktop entry `entry` claims `vetdesk://` links and starts `exe` for them,
/// named in full or found on `path`.
#[cfg(any(target_os = "linux", test))]
fn entry_opens_links_with(entry: &str, exe: &std::path::Path, path: &std::ffi::OsStr) -> bool {
    let value = |key: &str| {
        entry
            .lines()
            .find_map(|l| l.strip_prefix(key)?.trim_start().strip_prefix('='))
            .map(str::trim)
    };
    let claims = value("MimeType")
        .is_some_and(|types| types.split(';').any(|t| t == "x-scheme-handler/vetdesk"));
    let program = value("Exec").and_then(|exec| exec.split_whitespace().next());
    let starts_exe = program.is_some_and(|program| {
        let program = std::path::Path::new(program);
        let found = if program.is_absolute() {
            Some(program.to_path_buf())
        } else {
            std::env::split_paths(path)
                .map(|dir| dir.join(program))
                .find(|candidate| candidate.is_file())
        };
        match (found.map(|p| p.canonicalize()), exe.canonicalize()) {
            (Some(Ok(found)), Ok(exe)) => found == exe,
            _ => false,
        }
    });
    claims && starts_exe
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

    #[test]
    fn a_package_entry_counts_only_when_it_claims_the_links_for_this_program() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        let exe = bin.join("vetdesk");
        std::fs::write(&exe, b"").unwrap();
        let path = std::env::join_paths([dir.path().join("elsewhere"), bin.clone()]).unwrap();
        let entry = |exec: &str, mime: &str| {
            format!("[Desktop Entry]\nName=VetDesk\nExec={exec}\nMimeType={mime}\n")
        };
        let links = "x-scheme-handler/vetdesk";
        assert!(entry_opens_links_with(
            &entry("vetdesk %u", links),
            &exe,
            &path
        ));
        let full = format!("{} %u", exe.display());
        assert!(entry_opens_links_with(&entry(&full, links), &exe, &path));
        assert!(!entry_opens_links_with(
            &entry("vetdesk %u", "text/plain"),
            &exe,
            &path
        ));
        assert!(!entry_opens_links_with(
            &entry("other %u", links),
            &exe,
            &path
        ));
        let elsewhere = dir.path().join("vetdesk");
        assert!(!entry_opens_links_with(
            &entry("vetdesk %u", links),
            &elsewhere,
            &path
        ));
        assert!(!entry_opens_links_with("[Desktop Entry]\n", &exe, &path));
    }
}
