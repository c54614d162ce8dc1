#!/usr/bin/env bash
# Installs what VetDesk needs on a fresh Debian/Ubuntu machine. Idempotent: skips what is there.
#   bash tests/setup.sh app    system libraries, Node packages for the UI
#   bash tests/setup.sh test   the above, plus Xvfb, WebKitWebDriver, tauri-driver, Chromium and
#                              chromedriver, a Secret Service keyring, the test SMTP server and
#                              nginx (the reverse proxy vetdesk-server's tests start in front of
#                              it)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-test}"

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

app_packages=(libwebkit2gtk-4.1-dev build-essential libssl-dev libayatana-appindicator3-dev
  librsvg2-dev libxdo-dev pkg-config curl file)
test_packages=(xvfb x11-utils webkit2gtk-driver dbus-x11 gnome-keyring libsecret-1-dev chromium python3-venv
  nginx chromium-driver)
packages=("${app_packages[@]}")
if [ "$mode" = test ]; then packages+=("${test_packages[@]}"); fi
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "==> apt: installing ${missing[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "==> Rust is missing: install it from https://rustup.rs, then run this again." >&2
  exit 1
fi

echo "==> npm: UI packages"
npm --prefix ui ci --no-audit --no-fund --loglevel=error

if [ "$mode" = test ]; then
  if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
    echo "==> cargo: installing tauri-driver"
    cargo install tauri-driver --locked --quiet
  fi
  smtp=src-tauri/crates/testkit/smtp-server
  if [ ! -x "$smtp/.venv/bin/python" ] || ! "$smtp/.venv/bin/python" -c "import aiosmtpd, dkim" 2>/dev/null; then
    echo "==> pip: test SMTP server (aiosmtpd) and DKIM verifier (dkimpy)"
    rm -rf "$smtp/.venv"
    python3 -m venv "$smtp/.venv"
    "$smtp/.venv/bin/pip" install --quiet --disable-pip-version-check -r "$smtp/requirements.txt"
  fi
fi
echo "==> setup done"
