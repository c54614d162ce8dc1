#!/usr/bin/env bash
# Measures what BENCHMARKS.md reports, in one run on this machine: clean release build times of
# VetDesk and of a bare Tauri window, start-up and idle memory of both, argon2 cost, and reset
# click → SMTP accepted latency. Needs `bash tests/setup.sh test` first. Takes 20–30 minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$HOME/.cargo/bin:$PATH"
out="$(mktemp -d /tmp/vetdesk-bench.XXXXXX)"
TIMEFORMAT='%R'

echo "== machine"; nproc; grep -m1 'model name' /proc/cpuinfo || true; free -g | head -2

npm --prefix ui run build >/dev/null
echo "== clean release build, VetDesk (seconds)"
{ time CARGO_TARGET_DIR="$out/vetdesk" cargo build --release --quiet --bin vetdesk; } 2>&1
echo "== clean release build, bare Tauri window (seconds)"
{ time (cd tests/bench/bare-app && CARGO_TARGET_DIR="$out/bare" cargo build --release --quiet); } 2>&1

echo "== argon2"
CARGO_TARGET_DIR="$out/vetdesk" cargo bench --quiet -p vetdesk-core --bench argon2

mkdir -p "$out/xdg" "$out/run" && chmod 700 "$out/run"
XDG_DATA_HOME="$out/xdg" XDG_RUNTIME_DIR="$out/run" CARGO_TARGET_DIR="$out/vetdesk" \
BARE_APP="$out/bare/release/bare-tauri" dbus-run-session -- bash -c '
  set -euo pipefail
  eval "$(printf bench | gnome-keyring-daemon --unlock --components=secrets)"
  echo "== start-up and idle memory"
  xvfb-run -a -s "-screen 0 1280x800x24" cargo bench --quiet --bench startup
  echo "== reset click to SMTP accepted"
  cargo bench --quiet --bench reset_latency
'
rm -rf "$out"
