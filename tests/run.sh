#!/usr/bin/env bash
# Runs every VetDesk check and test: formatting, lints, UI type check and Chromium tests, the
# release packages (.deb and .rpm), then the Rust tests (core, store on SQLite and on PostgreSQL,
# mail against a real SMTP server, IPC, keyring, bindings, the end-to-end tests of the real app
# window, and the .deb installed on this machine) inside a private D-Bus session with an
# unlocked GNOME Keyring and a virtual X display.
set -euo pipefail
cd "$(dirname "$0")/.."
export CI="${CI:-true}"
export CARGO_TERM_COLOR=never
export PATH="$HOME/.cargo/bin:$PATH"

# The PostgreSQL server the store suite runs on (tests/setup.sh test sets it up): the tests
# create their databases from this maintenance database, each named with this run's prefix.
export VETDESK_TEST_PG_URL="${VETDESK_TEST_PG_URL:-postgres://vetdesk_test:vetdesk_test@127.0.0.1:5432/postgres}"
# The TLS tests' servers (tests/setup.sh test starts them too): one that offers no TLS, and one
# whose certificate, for localhost only, the CA in VETDESK_TEST_PG_CA_FILE issued. The tests only
# connect to their maintenance databases.
export VETDESK_TEST_PG_PLAIN_URL="${VETDESK_TEST_PG_PLAIN_URL:-postgres://vetdesk_test:vetdesk_test@127.0.0.1:5433/postgres}"
export VETDESK_TEST_PG_TLS_URL="${VETDESK_TEST_PG_TLS_URL:-postgres://vetdesk_test:vetdesk_test@localhost:5434/postgres}"
export VETDESK_TEST_PG_CA_FILE="${VETDESK_TEST_PG_CA_FILE:-/var/lib/postgresql/vetdesk-test-tls/ca.pem}"
VETDESK_TEST_PG_PREFIX="vdt_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
export VETDESK_TEST_PG_PREFIX

work="$(mktemp -d /tmp/vetdesk-tests.XXXXXX)"
cleanup() {
  # The app's D-Bus session may have mounted the document portal under the runtime folder.
  fusermount3 -u "$work/runtime/doc" 2>/dev/null || fusermount -u "$work/runtime/doc" 2>/dev/null || true
  rm -rf "$work" 2>/dev/null || true
  # This run's test databases, whatever state their tests left them in.
  PGCONNECT_TIMEOUT=5 psql "$VETDESK_TEST_PG_URL" -X -q -v prefix="$VETDESK_TEST_PG_PREFIX" \
    >/dev/null 2>&1 <<'SQL' || true
SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', datname)
  FROM pg_database WHERE starts_with(datname, :'prefix') \gexec
SQL
}
trap cleanup EXIT

step() { printf '\n==> %s\n' "$*"; }

step "PostgreSQL answers"
for server in VETDESK_TEST_PG_URL VETDESK_TEST_PG_PLAIN_URL VETDESK_TEST_PG_TLS_URL; do
  if ! command -v pg_isready >/dev/null 2>&1 || ! pg_isready -q -t 10 -d "${!server}"; then
    echo "PostgreSQL does not answer where $server points (${!server#*@}):" \
      "run 'bash tests/setup.sh test' to install and start it, or set $server" >&2
    exit 1
  fi
done
if [ ! -r "$VETDESK_TEST_PG_CA_FILE" ]; then
  echo "The test CA's certificate is not at $VETDESK_TEST_PG_CA_FILE:" \
    "run 'bash tests/setup.sh test' to make it, or set VETDESK_TEST_PG_CA_FILE" >&2
  exit 1
fi

step "cargo fmt --check"
cargo fmt --all -- --check
# The modules both store backends include (include!), which cargo fmt does not reach.
rustfmt --edition 2021 --check src-tauri/crates/store/src/shared/*.rs

step "UI: format, type check, build, Chromium tests"
npm --prefix ui run format:check
npm --prefix ui run typecheck
npm --prefix ui test

step "cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "Release packages: .deb and .rpm (the Tauri bundler)"
bundle="$(realpath -m "${CARGO_TARGET_DIR:-target}")/release/bundle"
rm -rf "$bundle/deb" "$bundle/rpm"
ui/node_modules/.bin/tauri build --ci --bundles deb,rpm
VETDESK_DEB="$(find "$bundle/deb" -maxdepth 1 -name '*.deb' -print -quit)"
export VETDESK_DEB
for package in "$VETDESK_DEB" "$bundle"/rpm/*.rpm; do
  printf '%s: %s bytes\n' "${package##*/}" "$(stat -c %s "$package")"
done

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
