//! Runs tauri-build against the root tauri.conf.json with capabilities in src-tauri/capabilities,
//! and creates the front-end build folder if it is missing, so `cargo test` and `cargo clippy`
//! work before the UI has been built.

const COMMANDS: &[&str] = &[
    "app_info",
    "setup_clinic",
    "open_demo_clinic",
    "leave_demo_clinic",
    "login",
    "logout",
    "current_session",
    "session_activity",
    "lock_session",
    "confirm_password",
    "forgot_password",
    "password_policy",
    "check_reset_link",
    "complete_reset",
    "change_password",
    "pending_reset_link",
    "connection_status",
    "list_staff",
    "staff_card",
    "send_staff_reset",
    "issue_one_time_code",
    "update_staff_email",
    "search_clients",
    "client_profile",
    "send_portal_link",
    "set_client_email",
    "start_bulk_invite",
    "bulk_invite_progress",
    "cancel_bulk_invite",
    "running_bulk_invites",
    "get_settings",
    "settings_limits",
    "save_settings",
    "send_test_email",
    "check_clinic_url",
    "dkim_record",
    "set_dkim_key",
    "generate_dkim_key",
    "export_dispatch_key",
    "database_settings",
    "test_database_connection",
    "set_database_location",
    "clinic_keys_status",
    "export_clinic_keys",
    "import_clinic_keys",
    "about",
    "open_logs_folder",
    "move_to_server",
    "list_activity",
    "list_emails",
    "list_preview_mail",
    "read_preview_mail",
];

fn main() {
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/dist");
    if !dist.exists() {
        std::fs::create_dir_all(&dist).expect("create ui/dist");
    }
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
