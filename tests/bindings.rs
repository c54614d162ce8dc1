//! The UI's command bindings are generated from the Rust commands. This test regenerates them
//! and fails when the committed `ui/src/bindings.ts` differs; `UPDATE_BINDINGS=1` rewrites it.

#![allow(clippy::unwrap_used)]

use std::path::Path;

#[test]
fn ui_bindings_match_the_rust_commands() {
    let committed_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/bindings.ts");
    let dir = tempfile::tempdir().expect("temp dir");
    let fresh_path = dir.path().join("bindings.ts");
    vetdesk_lib::export_bindings(&fresh_path).expect("export bindings");
    let fresh = std::fs::read_to_string(&fresh_path).expect("read fresh bindings");
    assert!(
        fresh.contains("sendStaffReset"),
        "bindings lack a known command"
    );
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&committed_path, &fresh).expect("write bindings");
        return;
    }
    let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test --test bindings`"
    );
}
