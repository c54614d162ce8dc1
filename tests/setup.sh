#!/usr/bin/env bash
# Installs what VetDesk needs on a fresh Debian/Ubuntu machine. Idempotent: skips what is there.
#   bash tests/setup.sh app    system libraries, Node packages for the UI
#   bash tests/setup.sh test   the above, plus Xvfb, WebKitWebDriver, tauri-driver, Chromium and
#                              chromedriver, a Secret Service keyring, the test SMTP server and
#                              nginx (the reverse proxy vetdesk-server's tests start in front of
#                              it), and PostgreSQL for the store suite: the server (when none is
#                              installed), its cluster started when stopped, and a login role
#                              vetdesk_test (password vetdesk_test) that may create databases;
#                              for the TLS tests, two small clusters of the same version with
#                              that role, on 127.0.0.1 only: vetdesk_plain (port 5433, no TLS)
#                              and vetdesk_tls (port 5434, TLS with a certificate for localhost
#                              issued by a test CA, /var/lib/postgresql/vetdesk-test-tls/ca.pem);
#                              xdg-utils and desktop-file-utils, with which the package test
#                              opens vetdesk:// links the way a desktop does
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-test}"

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

app_packages=(libwebkit2gtk-4.1-dev build-essential libssl-dev libayatana-appindicator3-dev
  librsvg2-dev libxdo-dev pkg-config curl file xdg-utils)
test_packages=(openssl xvfb x11-utils webkit2gtk-driver dbus-x11 gnome-keyring libsecret-1-dev chromium python3-venv
  nginx chromium-driver desktop-file-utils)
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
  # The role the tests log in as, over TCP with its password (scram-sha-256 on a fresh install),
  # on the cluster listening on port $1.
  test_role() {
    local can_create
    can_create="$(PGPASSWORD=vetdesk_test PGCONNECT_TIMEOUT=5 psql -X -h 127.0.0.1 -p "$1" \
      -U vetdesk_test -d postgres \
      -tAc "SELECT rolcreatedb FROM pg_roles WHERE rolname = current_user" 2>/dev/null || true)"
    if [ "$can_create" != t ]; then
      echo "==> postgres: role vetdesk_test on port $1"
      as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$1" -d postgres -c "
        DO \$\$ BEGIN
          IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'vetdesk_test') THEN
            ALTER ROLE vetdesk_test LOGIN CREATEDB PASSWORD 'vetdesk_test';
          ELSE
            CREATE ROLE vetdesk_test LOGIN CREATEDB PASSWORD 'vetdesk_test';
          END IF;
        END \$\$"
    fi
  }
  test_role "$pg_port"

  # The TLS tests' servers, two small clusters of the same version: vetdesk_plain offers no TLS,
  # vetdesk_tls shows a certificate for localhost only, issued by a test CA whose certificate
  # tests/run.sh hands the tests. The CA and that certificate are made anew when missing, when
  # they do not chain, or when they expire within 30 days; the CA's key is not kept.
  tls_dir=/var/lib/postgresql/vetdesk-test-tls
  tls_renewed=
  if [ ! -f "$tls_dir/server.key" ] \
    || ! openssl verify -purpose sslserver -CAfile "$tls_dir/ca.pem" "$tls_dir/server.pem" \
      >/dev/null 2>&1 \
    || ! openssl x509 -checkend 2592000 -noout -in "$tls_dir/server.pem" >/dev/null 2>&1; then
    echo "==> postgres: test CA and server certificate for localhost in $tls_dir"
    tls_tmp="$(mktemp -d)"
    trap 'rm -rf "$tls_tmp"' EXIT
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
      -subj "/CN=VetDesk test CA" -keyout "$tls_tmp/ca.key" -out "$tls_tmp/ca.pem" \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
      -keyout "$tls_tmp/server.key" -out "$tls_tmp/server.csr"
    printf '%s\n' subjectAltName=DNS:localhost basicConstraints=critical,CA:FALSE \
      keyUsage=critical,digitalSignature extendedKeyUsage=serverAuth >"$tls_tmp/server.ext"
    openssl x509 -req -in "$tls_tmp/server.csr" -CA "$tls_tmp/ca.pem" -CAkey "$tls_tmp/ca.key" \
      -set_serial "0x$(openssl rand -hex 16)" -days 3650 -extfile "$tls_tmp/server.ext" \
      -out "$tls_tmp/server.pem"
    sudo_if_needed install -d -o postgres -g postgres -m 0755 "$tls_dir"
    sudo_if_needed install -o postgres -g postgres -m 0600 "$tls_tmp/server.key" "$tls_dir/"
    sudo_if_needed install -o postgres -g postgres -m 0644 "$tls_tmp/server.pem" "$tls_tmp/ca.pem" \
      "$tls_dir/"
    rm -rf "$tls_tmp"
    trap - EXIT
    tls_renewed=1
  fi
  # Cluster $1 of $pg_version on port $2, created when missing, its settings (the lines after
  # $3) in conf.d, started when stopped; restarted when they changed or $3 is not empty. Not
  # pg_conftool for them: it leaves an address such as 127.0.0.1 unquoted, which PostgreSQL
  # refuses to read.
  test_cluster() {
    local name="$1" port="$2" restart="$3" state settings conf
    shift 3
    conf="/etc/postgresql/$pg_version/$name"
    settings="$(printf '%s\n' "# Written by VetDesk's tests/setup.sh for the TLS tests." \
      "listen_addresses = '127.0.0.1'" "shared_buffers = 16MB" "max_connections = 20" "$@")"
    state="$(pg_lsclusters --no-header |
      awk -v v="$pg_version" -v n="$name" '$1 == v && $2 == n { print $4; exit }')"
    if [ -z "$state" ]; then
      echo "==> postgres: creating cluster $pg_version/$name on port $port"
      sudo_if_needed pg_createcluster "$pg_version" "$name" --port "$port"
      state=down
    fi
    if [ "$(pg_conftool -s "$pg_version" "$name" show port)" != "$port" ]; then
      sudo_if_needed pg_conftool "$pg_version" "$name" set port "$port"
      restart=1
    fi
    if ! grep -Eq "^[[:space:]]*include_dir[[:space:]=]+'?conf\.d'?" "$conf/postgresql.conf"; then
      sudo_if_needed pg_conftool "$pg_version" "$name" set include_dir conf.d
      restart=1
    fi
    if [ "$(cat "$conf/conf.d/vetdesk-test.conf" 2>/dev/null)" != "$settings" ]; then
      echo "==> postgres: settings of cluster $pg_version/$name"
      sudo_if_needed install -d -o postgres -g postgres -m 0755 "$conf/conf.d"
      printf '%s\n' "$settings" | sudo_if_needed tee "$conf/conf.d/vetdesk-test.conf" >/dev/null
      sudo_if_needed chown postgres:postgres "$conf/conf.d/vetdesk-test.conf"
      restart=1
    fi
    if [ "${state%%,*}" != online ]; then
      echo "==> postgres: starting cluster $pg_version/$name"
      sudo_if_needed pg_ctlcluster --skip-systemctl-redirect "$pg_version" "$name" start
    elif [ -n "$restart" ]; then
      echo "==> postgres: restarting cluster $pg_version/$name"
      sudo_if_needed pg_ctlcluster --skip-systemctl-redirect "$pg_version" "$name" restart
    fi
    test_role "$port"
  }
  test_cluster vetdesk_plain 5433 "" "ssl = off"
  test_cluster vetdesk_tls 5434 "$tls_renewed" "ssl = on" \
    "ssl_cert_file = '$tls_dir/server.pem'" "ssl_key_file = '$tls_dir/server.key'"
fi
echo "==> setup done"
