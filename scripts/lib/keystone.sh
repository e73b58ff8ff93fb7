# Sourced by scripts/test: a throwaway Keystone for the identity tests
# (tests/api/keystone.rs). Installs the `keystone` package from PyPI into a
# virtualenv cached under target/ (versions in tests/keystone/), then
# db_sync and bootstrap over SQLite in a temporary directory, served on a
# free port of 127.0.0.1 by tests/keystone/serve.py.
#   start_keystone   sets KEYSTONE_URL and KEYSTONE_ADMIN_PASSWORD; with
#                    TEST_TLS_DIR (scripts/lib/tls.sh) the same Keystone is
#                    also served over https with its localhost certificate,
#                    at KEYSTONE_TLS_URL
#   stop_keystone    stops it and removes its files
# Fails loudly (and so fails the test run) when Keystone cannot be installed.

keystone_venv() {
  local key venv
  key=$(cat tests/keystone/requirements.txt tests/keystone/constraints.txt | sha256sum | cut -c1-12)
  venv="target/keystone/venv-$key"
  if [ ! -e "$venv/.ready" ]; then
    echo "keystone: installing $(cat tests/keystone/requirements.txt) into $venv" >&2
    rm -rf target/keystone
    if ! python3 -m venv "$venv" >/dev/null 2>&1; then
      local minor
      minor=$(python3 -c 'import sys; print(f"python{sys.version_info[0]}.{sys.version_info[1]}-venv")')
      install_packages python3-venv "$minor"
      python3 -m venv "$venv" >/dev/null
    fi
    "$venv/bin/python" -m pip install --disable-pip-version-check -q \
      -r tests/keystone/requirements.txt -c tests/keystone/constraints.txt >&2 \
      || { echo "keystone: pip could not install Keystone (is PyPI reachable?); the identity tests cannot run" >&2; exit 1; }
    touch "$venv/.ready"
  fi
  echo "$venv"
}

start_keystone() {
  local venv port attempt tls_port
  venv=$(keystone_venv)
  KS_DIR=$(mktemp -d)
  KEYSTONE_ADMIN_PASSWORD="admin-$RANDOM$RANDOM"
  mkdir -p "$KS_DIR/fernet" "$KS_DIR/credential" "$KS_DIR/receipts"
  port=$(free_port)
  cat >"$KS_DIR/keystone.conf" <<CONF
[database]
connection = sqlite:///$KS_DIR/keystone.sqlite
[fernet_tokens]
key_repository = $KS_DIR/fernet
[fernet_receipts]
key_repository = $KS_DIR/receipts
[credential]
key_repository = $KS_DIR/credential
[token]
expiration = 3600
CONF
  local manage=("$venv/bin/keystone-manage" --config-file "$KS_DIR/keystone.conf")
  local owner=(--keystone-user "$(id -un)" --keystone-group "$(id -gn)")
  {
    "${manage[@]}" db_sync &&
      "${manage[@]}" fernet_setup "${owner[@]}" &&
      "${manage[@]}" credential_setup "${owner[@]}" &&
      "${manage[@]}" bootstrap --bootstrap-password "$KEYSTONE_ADMIN_PASSWORD" \
        --bootstrap-public-url "http://127.0.0.1:$port/v3"
  } >"$KS_DIR/setup.log" 2>&1 || { tail -40 "$KS_DIR/setup.log" >&2; echo "keystone: set-up failed" >&2; exit 1; }
  local tls=()
  if [ -n "${TEST_TLS_DIR:-}" ]; then
    tls_port=$(free_port)
    tls=("$tls_port" "$TEST_TLS_DIR/localhost.pem" "$TEST_TLS_DIR/localhost.key")
  fi
  OS_KEYSTONE_CONFIG_FILES="$KS_DIR/keystone.conf" setsid "$venv/bin/python" tests/keystone/serve.py "$port" "${tls[@]}" \
    >"$KS_DIR/server.log" 2>&1 </dev/null &
  KS_PID=$!
  for attempt in $(seq 1 120); do
    if python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" \
      "http://127.0.0.1:$port/v3" 2>/dev/null; then
      export KEYSTONE_URL="http://127.0.0.1:$port" KEYSTONE_ADMIN_PASSWORD
      echo "keystone: throwaway Keystone on $KEYSTONE_URL" >&2
      if [ ${#tls[@]} -gt 0 ]; then
        export KEYSTONE_TLS_URL="https://localhost:$tls_port"
        echo "keystone: and on $KEYSTONE_TLS_URL" >&2
      fi
      return 0
    fi
    kill -0 "$KS_PID" 2>/dev/null || break
    sleep 0.5
  done
  tail -40 "$KS_DIR/server.log" >&2
  echo "keystone: did not start" >&2
  exit 1
}

stop_keystone() {
  [ -n "${KS_DIR:-}" ] || return 0
  kill "$KS_PID" 2>/dev/null || true
  rm -rf "$KS_DIR"
}
