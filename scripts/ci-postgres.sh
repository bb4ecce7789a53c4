#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster on 127.0.0.1 for the queue tests.
#
#   eval "$(scripts/ci-postgres.sh)"        # start; exports MERCHANT_SCREEN_TEST_PG_URL
#   scripts/ci-postgres.sh stop             # stop the cluster named by MERCHANT_SCREEN_TEST_PG_DIR
#
# Installs Debian's postgresql when its binaries are missing (apt-get update once, then
# apt-get install -y postgresql). The cluster lives in a temporary directory, listens on a
# free loopback port only, trusts local connections (a test cluster, never a real one) and
# is owned by the postgres user when run as root. Only `export` lines go to stdout; progress
# goes to stderr.
set -euo pipefail

log() { echo "ci-postgres: $*" >&2; }

find_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
    echo "$dir"
  fi
}

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

if [[ "${1:-start}" == "stop" ]]; then
  : "${MERCHANT_SCREEN_TEST_PG_DIR:?set MERCHANT_SCREEN_TEST_PG_DIR (printed by start)}"
  bindir=$(find_bindir)
  as_owner "$bindir/pg_ctl" -D "$MERCHANT_SCREEN_TEST_PG_DIR/data" -m fast -w stop >&2
  rm -rf "$MERCHANT_SCREEN_TEST_PG_DIR"
  exit 0
fi

bindir=$(find_bindir)
if [[ -z "$bindir" ]]; then
  log "installing postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  apt-get install -y postgresql >&2
  bindir=$(find_bindir)
fi
if [[ -z "$bindir" ]]; then
  log "no PostgreSQL binaries under /usr/lib/postgresql after install"
  exit 1
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base=$(mktemp -d /tmp/merchant-screen-pg.XXXXXX)
chmod 755 "$base"
if [[ $(id -u) -eq 0 ]]; then
  chown postgres: "$base"
fi

log "initdb in $base/data ($("$bindir/postgres" --version))"
as_owner "$bindir/initdb" -D "$base/data" -U postgres -A trust -E UTF8 --no-sync >"$base/initdb.log" 2>&1 \
  || { cat "$base/initdb.log" >&2; exit 1; }

log "starting on 127.0.0.1:$port"
as_owner "$bindir/pg_ctl" -D "$base/data" -l "$base/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $base -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
  start >&2 || { cat "$base/server.log" >&2; exit 1; }

as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres merchant_screen_test

url="postgresql://postgres@127.0.0.1:$port/merchant_screen_test"
log "ready: $url"
echo "export MERCHANT_SCREEN_TEST_PG_URL='$url'"
echo "export MERCHANT_SCREEN_TEST_PG_DIR='$base'"
