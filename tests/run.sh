#!/usr/bin/env bash
# Runs every VetDesk check and test: formatting, lints, UI type check and Chromium tests, then
# the Rust tests (core, store, mail against a real SMTP server, IPC, keyring, bindings, and the
# end-to-end tests of the real app window) inside a private D-Bus session with an unlocked
# GNOME Keyring and a virtual X display.
set -euo pipefail
cd "$(dirname "$0")/.."
export CI="${CI:-true}"
export CARGO_TERM_COLOR=never
export PATH="$HOME/.cargo/bin:$PATH"

work="$(mktemp -d /tmp/vetdesk-tests.XXXXXX)"
cleanup() {
  # The app's D-Bus session may have mounted the document portal under the runtime folder.
  fusermount3 -u "$work/runtime/doc" 2>/dev/null || fusermount -u "$work/runtime/doc" 2>/dev/null || true
  rm -rf "$work" 2>/dev/null || true
}
trap cleanup EXIT

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "UI: format, type check, build, Chromium tests"
npm --prefix ui run format:check
npm --prefix ui run typecheck
npm --prefix ui test

step "cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "cargo test (inside dbus-run-session + gnome-keyring + Xvfb)"
mkdir -p "$work/home" "$work/xdg-data" "$work/xdg-config" "$work/xdg-cache" "$work/runtime"
chmod 700 "$work/runtime"
# The tests get a home of their own; the toolchain stays where it is.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
HOME="$work/home" XDG_DATA_HOME="$work/xdg-data" XDG_CONFIG_HOME="$work/xdg-config" \
XDG_CACHE_HOME="$work/xdg-cache" XDG_RUNTIME_DIR="$work/runtime" \
  dbus-run-session -- bash -c '
    set -euo pipefail
    eval "$(printf "vetdesk-test" | gnome-keyring-daemon --unlock --components=secrets)"
    export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK
    xvfb-run -a -s "-screen 0 1280x800x24" cargo test --workspace --no-fail-fast -- --test-threads=2
  '
step "all checks passed"
