# Sourced by scripts/test and bench/run (after scripts/lib/postgres.sh): a
# throwaway PgBouncer in transaction pooling mode in front of the
# PostgreSQL server of DATABASE_URL, on a free port of 127.0.0.1, every
# database name passed through. Installs the Debian package `pgbouncer`
# first if the binary is missing.
#   start_pgbouncer   sets PGBOUNCER_URL (DATABASE_URL re-pointed at it)
#   stop_pgbouncer    stops it and removes its files

pgbouncer_binary() {
  command -v pgbouncer 2>/dev/null || { [ -x /usr/sbin/pgbouncer ] && echo /usr/sbin/pgbouncer; }
}

start_pgbouncer() {
  local binary port attempt
  binary=$(pgbouncer_binary) || { install_packages pgbouncer; binary=$(pgbouncer_binary); }
  PGB_DIR=$(mktemp -d)
  # The server PgBouncer forwards to, and the client's URL re-pointed at
  # PgBouncer (same user, password, database and parameters).
  local parts
  parts=$(python3 - "$DATABASE_URL" <<'PY'
import sys, urllib.parse
url = urllib.parse.urlsplit(sys.argv[1])
user = urllib.parse.unquote(url.username or "postgres")
password = urllib.parse.unquote(url.password or "")
target = f"host={url.hostname or '127.0.0.1'} port={url.port or 5432} user={user}"
if password:
    target += f" password={password}"
print(target)
print(user)
userinfo = url.netloc.rpartition("@")[0]
print(url._replace(netloc=(userinfo + "@" if userinfo else "") + "127.0.0.1:PGBOUNCER_PORT").geturl())
PY
  )
  local target user client_url
  target=$(sed -n 1p <<<"$parts")
  user=$(sed -n 2p <<<"$parts")
  client_url=$(sed -n 3p <<<"$parts")
  # PgBouncer refuses to run as root; use PostgreSQL's system user then.
  local as_owner=()
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$PGB_DIR"
    as_owner=(runuser -u postgres --)
  fi
  printf '"%s" ""\n' "$user" >"$PGB_DIR/users.txt"
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    cat >"$PGB_DIR/pgbouncer.ini" <<INI
[databases]
* = $target
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $PGB_DIR/users.txt
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 20
logfile = $PGB_DIR/pgbouncer.log
pidfile = $PGB_DIR/pgbouncer.pid
INI
    if "${as_owner[@]}" "$binary" -d -q "$PGB_DIR/pgbouncer.ini" 2>>"$PGB_DIR/start.log"; then
      local ready
      for ready in $(seq 50); do
        if python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$port" 2>/dev/null; then
          export PGBOUNCER_URL=${client_url/PGBOUNCER_PORT/$port}
          echo "pgbouncer: throwaway PgBouncer (transaction pooling) on 127.0.0.1:$port" >&2
          return 0
        fi
        sleep 0.1
      done
    fi
    echo "pgbouncer: port $port did not work (attempt $attempt)" >&2
    stop_pgbouncer_process
  done
  cat "$PGB_DIR/start.log" "$PGB_DIR/pgbouncer.log" >&2 2>/dev/null
  exit 1
}

stop_pgbouncer_process() {
  [ -s "$PGB_DIR/pgbouncer.pid" ] || return 0
  kill "$(cat "$PGB_DIR/pgbouncer.pid")" 2>/dev/null || true
  rm -f "$PGB_DIR/pgbouncer.pid"
}

stop_pgbouncer() {
  [ -n "${PGB_DIR:-}" ] || return 0
  stop_pgbouncer_process
  rm -rf "$PGB_DIR"
}
