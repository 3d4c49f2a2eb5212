#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests.
#   scripts/postgres.sh start DIR [PORT]   initdb into DIR/data (once), start it on 127.0.0.1:PORT with trust
#                                          auth and its unix socket in DIR, create database `civicflow`, and
#                                          write DIR/port and DIR/url (postgresql://civicflow@127.0.0.1:PORT/civicflow).
#                                          PORT omitted or "auto": the port of DIR's last start, else a free one.
#   scripts/postgres.sh stop DIR [PORT]    fast shutdown (the data stays for the next start).
# PostgreSQL refuses to run as root: as root the cluster runs as the unprivileged `postgres` user (created by
# the Debian package) and DIR is handed to it; as any other user it runs as that user.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)
port=${3:-auto}

bin=""
for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  if [ -x "$candidate/pg_ctl" ]; then bin=$candidate; break; fi
done
[ -n "$bin" ] || { echo "postgres.sh: no /usr/lib/postgresql/*/bin/pg_ctl (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd "$dir" && runuser -u postgres -- "$@")
  else
    (cd "$dir" && "$@")
  fi
}

running() { as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    if port_free "$p"; then echo "$p"; return 0; fi
  done
  echo "postgres.sh: no free port found" >&2
  return 1
}

start() {
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || { echo "postgres.sh: running as root needs the 'postgres' user" >&2; exit 1; }
    chown postgres: "$dir"
    runuser -u postgres -- test -w "$dir" || {
      echo "postgres.sh: $dir is not reachable by user postgres (a parent directory is not searchable)" >&2
      exit 1
    }
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_owner "$bin/initdb" -D "$dir/data" -U civicflow -A trust -E UTF8 --locale=C --no-sync \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  if running; then
    port=$(cat "$dir/port")
  else
    local auto=0
    if [ "$port" = auto ]; then
      auto=1
      if [ -f "$dir/port" ]; then port=$(cat "$dir/port"); else port=$(free_port); fi
    fi
    local attempt
    for attempt in 1 2 3 4 5; do
      if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null; then
        break
      fi
      # Someone else may have taken the port between the check and the bind.
      if [ "$auto" -eq 0 ] || [ "$attempt" -eq 5 ]; then
        echo "postgres.sh: the server did not start; $dir/postgres.log:" >&2
        tail -n 20 "$dir/postgres.log" >&2 || true
        exit 1
      fi
      port=$(free_port)
    done
  fi
  echo "$port" >"$dir/port"
  if ! as_owner "$bin/psql" -h "$dir" -p "$port" -U civicflow -d postgres -tAq \
    -c "SELECT 1 FROM pg_database WHERE datname = 'civicflow'" | grep -q 1; then
    as_owner "$bin/createdb" -h "$dir" -p "$port" -U civicflow civicflow
  fi
  echo "postgresql://civicflow@127.0.0.1:$port/civicflow" >"$dir/url"
  echo "postgres: $(cat "$dir/url") (data in $dir/data, log $dir/postgres.log)"
}

stop() {
  if [ -f "$dir/data/PG_VERSION" ] && running; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null
  fi
  echo "postgres: stopped ($dir)"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
