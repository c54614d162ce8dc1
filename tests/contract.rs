//! The contract between the Rust commands and the UI: the generated TypeScript bindings are
//! current, and the three places that list the commands (the invoke handler in `lib.rs`, the
//! app manifest in `build.rs` and the window's capability file) agree.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fresh_bindings() -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bindings.ts");
    vetdesk_lib::export_bindings(&path).expect("export bindings");
    std::fs::read_to_string(&path).expect("read fresh bindings")
}

#[test]
fn ui_bindings_match_the_rust_commands() {
    let committed_path = root().join("ui/src/bindings.ts");
    let fresh = fresh_bindings();
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
        "ui/src/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test --test contract`"
    );
}

/// Every `"snake_case"` string literal between `start` and the next `end`.
fn quoted_between(text: &str, start: &str, end: &str) -> BTreeSet<String> {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not found"))
        + start.len();
    let body = &text[from..];
    let body = &body[..body.find(end).unwrap_or(body.len())];
    body.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn command_lists_agree() {
    let invoked: BTreeSet<String> = fresh_bindings()
        .split("TAURI_INVOKE(\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_string())
        .collect();
    let build_rs = std::fs::read_to_string(root().join("src-tauri/build.rs")).unwrap();
    let manifest = quoted_between(&build_rs, "const COMMANDS: &[&str] = &[", "];");
    let capability: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("src-tauri/capabilities/main.json")).unwrap(),
    )
    .unwrap();
    let allowed: BTreeSet<String> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-"))
        .map(|p| p.replace('-', "_"))
        .collect();
    assert!(invoked.len() >= 20, "too few commands found: {invoked:?}");
    assert_eq!(
        invoked, manifest,
        "lib.rs and build.rs list different commands"
    );
    assert_eq!(
        invoked, allowed,
        "lib.rs and capabilities/main.json list different commands"
    );
}
