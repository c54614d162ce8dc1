//! The VetDesk desktop shell: window, commands, deep links, logging and the outbox dispatcher.
//! Decisions live in `vetdesk-core`; this crate wires them to Tauri.

pub mod bulk_runner;
pub mod clinic;
pub mod clinic_url;
pub mod commands;
pub mod database;
pub mod error;
pub mod keyring;
pub mod links;
pub mod logging;
pub mod mail;
pub mod offline;
pub mod owner_only;
pub mod paths;
pub mod state;
pub mod window;
mod workstation_keys;

use std::path::PathBuf;

use tauri::{Manager, Runtime};

use crate::clinic::Clinic;
use crate::state::{AppState, Keyrings, Paths};

/// Every command the UI may call, with its TypeScript binding. `build.rs` and the capability
/// file list the same commands; a test fails when the three disagree.
pub fn specta_builder<R: Runtime>() -> tauri_specta::Builder<R> {
    use commands::*;
    tauri_specta::Builder::<R>::new()
        .commands(tauri_specta::collect_commands![
            account::app_info,
            setup::setup_clinic,
            setup::open_demo_clinic,
            setup::leave_demo_clinic,
            account::login,
            account::logout,
            account::current_session,
            account::session_activity,
            account::lock_session,
            account::confirm_password,
            account::forgot_password,
            account::password_policy,
            account::check_reset_link,
            account::complete_reset,
            account::change_password,
            account::pending_reset_link,
            connection::connection_status,
            staff::list_staff,
            staff::staff_card,
            staff::send_staff_reset,
            staff::issue_one_time_code,
            staff::update_staff_email,
            clients::search_clients,
            clients::client_profile,
            clients::send_portal_link,
            clients::set_client_email,
            bulk::start_bulk_invite,
            bulk::bulk_invite_progress,
            bulk::cancel_bulk_invite,
            bulk::running_bulk_invites,
            settings::get_settings,
            settings::settings_limits,
            settings::save_settings,
            settings::send_test_email,
            settings::check_clinic_url,
            settings::dkim_record,
            settings::set_dkim_key,
            settings::generate_dkim_key,
            settings::export_dispatch_key,
            commands::database::database_settings,
            commands::database::test_database_connection,
            commands::database::set_database_location,
            commands::keys::clinic_keys_status,
            commands::keys::export_clinic_keys,
            commands::keys::import_clinic_keys,
            about::about,
            about::open_logs_folder::<tauri::Wry>,
            move_server::move_to_server::<tauri::Wry>,
            activity::list_activity,
            activity::list_emails,
            preview::list_preview_mail,
            preview::read_preview_mail,
        ])
        // The payload of the `move-progress` event, which no command answers.
        .typ::<commands::move_server::MoveProgress>()
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
                .header("// Generated from the Rust commands by `cargo test --test contract`. Do not edit.\n"),
            path,
        )
        .map_err(|e| e.to_string())
}

/// Where an instance keeps its files and secrets, and whether it handles `vetdesk://` links.
#[derive(Debug, Clone)]
pub struct Launch {
    /// `None`: the OS app-data folder.
    pub data_dir: Option<PathBuf>,
    pub keyring_service: String,
    /// Needs the deep-link plugin on the builder.
    pub deep_links: bool,
    /// Open the demo clinic instead of the clinic's own database.
    pub demo: bool,
}

impl Default for Launch {
    fn default() -> Self {
        Self {
            data_dir: None,
            keyring_service: state::KEYRING_SERVICE.to_string(),
            deep_links: true,
            demo: false,
        }
    }
}

/// The app on any runtime: the commands and the `setup()` that opens the clinic database, starts
/// logging and the outbox dispatcher. The IPC tests build it on the mock runtime.
pub fn app<R: Runtime>(builder: tauri::Builder<R>, launch: Launch) -> tauri::Builder<R> {
    builder
        .invoke_handler(specta_builder::<R>().invoke_handler())
        .setup(move |app| {
            owner_only::restrict_umask();
            let data_dir = match &launch.data_dir {
                Some(dir) => dir.clone(),
                None => app.path().app_data_dir()?,
            };
            let paths = Paths {
                data_dir,
                demo: launch.demo,
            };
            app.manage(LogGuard(logging::init(&paths.log_dir())));
            let keyrings = Keyrings::os(&launch.keyring_service);
            let handle = app.handle().clone();
            let on_open = move |clinic: &Clinic| {
                commands::connection::forward_changes(&handle, clinic);
            };
            let handle = app.handle().clone();
            let retitle = move || {
                let handle = handle.clone();
                tauri::async_runtime::spawn(async move { window::retitle(&handle).await });
            };
            app.manage(AppState::new(&paths, keyrings, on_open, retitle));
            // The window shows while the keyring and the database answer; the first command
            // waits for the clinic, and says why if it could not open.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                if let Err(e) = handle.state::<AppState>().clinic().await {
                    tracing::error!(error = %e, "the clinic could not be opened");
                }
            });
            if launch.deep_links {
                links::listen(app);
            }
            tracing::info!(version = env!("CARGO_PKG_VERSION"), "VetDesk started");
            Ok(())
        })
}

/// `--demo` on the command line, or `VETDESK_DEMO=1`, opens the demo clinic.
fn demo_requested(
    mut args: impl Iterator<Item = std::ffi::OsString>,
    env: Option<std::ffi::OsString>,
) -> bool {
    args.any(|a| a == "--demo") || env.is_some_and(|v| v == "1")
}

pub fn run() {
    // Before the webview or anything else writes to the app-data folder.
    owner_only::restrict_umask();
    let launch = Launch {
        demo: demo_requested(std::env::args_os(), std::env::var_os("VETDESK_DEMO")),
        ..Launch::default()
    };
    let builder = tauri::Builder::default()
        // Must come first: a second launch (a clicked reset link) hands its URL to this one.
        .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
            links::handle_reset_urls(app, argv);
        }))
        .plugin(tauri_plugin_deep_link::init())
        .plugin(window::state_plugin())
        .plugin(tauri_plugin_opener::init())
        .on_window_event(window::on_event);
    if let Err(e) = app(builder, launch).run(tauri::generate_context!()) {
        eprintln!("VetDesk could not start: {e}");
        std::process::exit(1);
    }
}

struct LogGuard(#[allow(dead_code)] Option<tracing_appender::non_blocking::WorkerGuard>);

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use super::demo_requested;

    fn args(list: &[&str]) -> impl Iterator<Item = OsString> {
        list.iter()
            .map(OsString::from)
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn the_demo_opens_only_when_asked_for() {
        assert!(demo_requested(args(&["vetdesk", "--demo"]), None));
        assert!(demo_requested(args(&["vetdesk"]), Some("1".into())));
        assert!(!demo_requested(args(&["vetdesk"]), None));
        assert!(!demo_requested(args(&["vetdesk"]), Some("0".into())));
        assert!(!demo_requested(
            args(&["vetdesk", "vetdesk://reset?token=--demo"]),
            None
        ));
    }
}
