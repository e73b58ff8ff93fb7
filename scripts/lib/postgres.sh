# Sourced by scripts/test and bench/run: a throwaway PostgreSQL server
# (initdb into a temporary directory, a free port on 127.0.0.1), installing
# the server package first if its binaries are missing.
#   start_postgres   sets DATABASE_URL, PG_PORT, PG_BINDIR
#   stop_postgres    stops it and removes its files
#   start_postgres_tls   a second one with ssl = on and TEST_TLS_DIR's
#                    localhost certificate (scripts/lib/tls.sh), accepting
#                    only TLS connections; sets PG_TLS_URL (without sslmode)
#   stop_postgres_tls    stops that one

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

# init_postgres DIR: initdb into DIR/data, as the postgres user when root;
# sets PG_BINDIR and PG_CTL.
init_postgres() {
  local dir=$1
  PG_BINDIR=$(pg_bindir) || { install_packages postgresql; PG_BINDIR=$(pg_bindir); }
  # PostgreSQL refuses to run as root; use its own system user then.
  PG_AS_OWNER=()
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$dir"
    PG_AS_OWNER=(runuser -u postgres --)
  fi
  PG_CTL=("${PG_AS_OWNER[@]}" "$PG_BINDIR/pg_ctl")
  "${PG_AS_OWNER[@]}" "$PG_BINDIR/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
}

# launch_postgres DIR [OPTION...]: starts DIR/data on a free port of
# 127.0.0.1 with the server OPTIONs; sets PG_PORT.
launch_postgres() {
  local dir=$1 port attempt
  shift
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    if "${PG_CTL[@]}" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off $*" \
      >/dev/null; then
      PG_PORT=$port
      return 0
    fi
    echo "postgres: port $port did not work (attempt $attempt)" >&2
  done
  cat "$dir/server.log" >&2
  exit 1
}

start_postgres() {
  PG_DIR=$(mktemp -d)
  init_postgres "$PG_DIR"
  launch_postgres "$PG_DIR" -c max_connections=300
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
  echo "postgres: throwaway PostgreSQL on 127.0.0.1:$PG_PORT" >&2
}

stop_postgres() {
  [ -n "${PG_DIR:-}" ] || return 0
  "${PG_CTL[@]}" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}

start_postgres_tls() {
  PG_TLS_DIR=$(mktemp -d)
  init_postgres "$PG_TLS_DIR"
  local data=$PG_TLS_DIR/data
  # The key must belong to the server's user and be private to it.
  cp "$TEST_TLS_DIR/localhost.pem" "$data/server.crt"
  cp "$TEST_TLS_DIR/localhost.key" "$data/server.key"
  chmod 600 "$data/server.key"
  [ ${#PG_AS_OWNER[@]} -eq 0 ] || chown postgres "$data/server.crt" "$data/server.key"
  printf '%s\n' 'local all all trust' 'hostssl all all 127.0.0.1/32 trust' 'hostnossl all all all reject' >"$data/pg_hba.conf"
  launch_postgres "$PG_TLS_DIR" -c ssl=on -c max_connections=50
  export PG_TLS_URL="postgres://postgres@localhost:$PG_PORT/postgres"
  echo "postgres: throwaway PostgreSQL accepting only TLS on localhost:$PG_PORT" >&2
}

stop_postgres_tls() {
  [ -n "${PG_TLS_DIR:-}" ] || return 0
  "${PG_CTL[@]}" -D "$PG_TLS_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_TLS_DIR"
}

