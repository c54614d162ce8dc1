//! The main window's manners: its title names the clinic that is open, and its size, place and
//! maximized state are kept between starts.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Manager, Runtime, Window, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

use crate::state::AppState;

/// What the window remembers: where it was and how big, not whether it was shown.
fn remembered() -> StateFlags {
    StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED
}

/// Restores the window where it was left and keeps its state in the app's config folder.
pub fn state_plugin<R: Runtime>() -> TauriPlugin<R> {
    tauri_plugin_window_state::Builder::default()
        .with_state_flags(remembered())
        .build()
}

/// How long the window must stay still before where it is gets written down.
const SETTLE: Duration = Duration::from_secs(1);

/// The plugin writes the state down when the app quits; a computer switched off at the end of
/// the day never quits it, so the state is also written once a move or a resize has settled.
pub fn on_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    static MOVES: AtomicU64 = AtomicU64::new(0);
    if !matches!(event, WindowEvent::Moved(_) | WindowEvent::Resized(_)) {
        return;
    }
    let this = MOVES.fetch_add(1, Ordering::SeqCst) + 1;
    let app = window.app_handle().clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(SETTLE).await;
        if MOVES.load(Ordering::SeqCst) == this {
            if let Err(e) = app.save_window_state(remembered()) {
                tracing::info!(error = %e, "the window's size and place were not saved");
            }
        }
    });
}

/// The window's title: the app, and the clinic that is open once it has a name.
pub fn title(clinic_name: &str, demo: bool) -> String {
    let name = clinic_name.trim();
    if demo {
        "VetDesk — Demo clinic".to_string()
    } else if name.is_empty() {
        "VetDesk".to_string()
    } else {
        format!("VetDesk — {name}")
    }
}

/// Names the open clinic in the window's title: when it opens, after setup, after a rename.
pub async fn retitle<R: Runtime>(app: &AppHandle<R>) {
    let (Some(window), Some(state)) = (app.get_webview_window("main"), app.try_state::<AppState>())
    else {
        return;
    };
    let Ok(clinic) = state.clinic().await else {
        return;
    };
    let title = match crate::commands::account::info(&state, &clinic).await {
        Ok(info) => info.window_title,
        Err(_) => title("", clinic.demo),
    };
    let _ = window.set_title(&title);
}

#[cfg(test)]
mod tests {
    use super::title;

    #[test]
    fn the_title_names_the_clinic_once_it_has_one() {
        assert_eq!(title("", false), "VetDesk");
        assert_eq!(title("  ", false), "VetDesk");
        assert_eq!(
            title(" Bayside Pet Hospital ", false),
            "VetDesk — Bayside Pet Hospital"
        );
        assert_eq!(title("Bayside Pet Hospital", true), "VetDesk — Demo clinic");
    }
}
