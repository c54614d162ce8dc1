#!/usr/bin/env bash
# Installs what VetDesk needs on a fresh Debian/Ubuntu machine. Idempotent: skips what is there.
#   bash tests/setup.sh app    system libraries, Node packages for the UI
#   bash tests/setup.sh test   the above, plus Xvfb, WebKitWebDriver, tauri-driver, Chromium and
#                              chromedriver, a Secret Service keyring, the test SMTP server and
#                              nginx (the reverse proxy vetdesk-server's tests start in front of
#                              it), and PostgreSQL for the store suite: the server (when none is
#                              installed), its cluster started when stopped, and a login role
#                              vetdesk_test (password vetdesk_test) that may create databases
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
# Any installed PostgreSQL server will do; only a machine with none gets Debian's default one.
if [ "$mode" = test ] && ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
  packages+=(postgresql)
fi

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

  # PostgreSQL: the cluster on port 5432 (tests/run.sh connects there), started when stopped;
  # a new cluster when there is none at all.
  pg_port=5432
  as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@")
    else (cd / && sudo -u postgres "$@"); fi
  }
  cluster="$(pg_lsclusters --no-header | awk -v port="$pg_port" '$3 == port { print $1, $2, $4; exit }')"
  if [ -z "$cluster" ]; then
    if [ -n "$(pg_lsclusters --no-header)" ]; then
      echo "==> PostgreSQL has no cluster on port $pg_port; tests/run.sh needs one there, or" \
        "VETDESK_TEST_PG_URL set to another server" >&2
      exit 1
    fi
    pg_version="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)"
    echo "==> postgres: creating cluster $pg_version/main on port $pg_port"
    sudo_if_needed pg_createcluster "$pg_version" main --port "$pg_port" --start
  else
    read -r pg_version pg_cluster pg_status <<<"$cluster"
    if [ "${pg_status%%,*}" != online ]; then
      echo "==> postgres: starting cluster $pg_version/$pg_cluster"
      sudo_if_needed pg_ctlcluster --skip-systemctl-redirect "$pg_version" "$pg_cluster" start
    fi
  fi
  # The role the tests log in as, over TCP with its password (scram-sha-256 on a fresh install).
  can_create="$(PGPASSWORD=vetdesk_test PGCONNECT_TIMEOUT=5 psql -X -h 127.0.0.1 -p "$pg_port" \
    -U vetdesk_test -d postgres -tAc "SELECT rolcreatedb FROM pg_roles WHERE rolname = current_user" \
    2>/dev/null || true)"
  if [ "$can_create" != t ]; then
    echo "==> postgres: role vetdesk_test"
    as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$pg_port" -d postgres -c "
      DO \$\$ BEGIN
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'vetdesk_test') THEN
          ALTER ROLE vetdesk_test LOGIN CREATEDB PASSWORD 'vetdesk_test';
        ELSE
          CREATE ROLE vetdesk_test LOGIN CREATEDB PASSWORD 'vetdesk_test';
        END IF;
      END \$\$"
  fi
fi
echo "==> setup done"
