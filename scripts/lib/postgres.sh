# Sourced by scripts/test and bench/run: a throwaway PostgreSQL server
# (initdb into a temporary directory, a free port on 127.0.0.1), installing
# the server package first if its binaries are missing.
#   start_postgres   sets DATABASE_URL, PG_PORT, PG_BINDIR
#   stop_postgres    stops it and removes its files

pg_bindir() {
  local dir
  for dir in "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/*/bin /usr/local/pgsql/bin; do
    if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"
      return 0
    fi
  done
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    dirname "$(command -v initdb)"
    return 0
  fi
  return 1
}

# Installs Debian packages (as root, or through sudo).
install_packages() {
  echo "installing $*" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000))
}

start_postgres() {
  local bindir
  bindir=$(pg_bindir) || { install_packages postgresql; bindir=$(pg_bindir); }
  PG_DIR=$(mktemp -d)
  # PostgreSQL refuses to run as root; use its own system user then.
  local as_owner=()
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$PG_DIR"
    as_owner=(runuser -u postgres --)
  fi
  PG_CTL=("${as_owner[@]}" "$bindir/pg_ctl")
  "${as_owner[@]}" "$bindir/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --no-sync >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; exit 1; }
  local port attempt
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    if "${PG_CTL[@]}" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start \
      -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      >/dev/null; then
      PG_PORT=$port
      PG_BINDIR=$bindir
      export DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
      echo "postgres: throwaway PostgreSQL on 127.0.0.1:$port" >&2
      return 0
    fi
    echo "postgres: port $port did not work (attempt $attempt)" >&2
  done
  cat "$PG_DIR/server.log" >&2
  exit 1
}

stop_postgres() {
  [ -n "${PG_DIR:-}" ] || return 0
  "${PG_CTL[@]}" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}

