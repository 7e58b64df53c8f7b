#!/usr/bin/env bash
# Runs a command with CHAT_TEST_DATABASE_URL pointing at a throwaway PostgreSQL cluster, then removes the cluster.
#
#   bash scripts/with_postgres.sh .venv/bin/python -m pytest -q tests
#
# CHAT_TEST_DATABASE_URL already set: the command runs against that server and nothing is started.
# Otherwise the newest installed PostgreSQL (Debian's /usr/lib/postgresql/*/bin, or initdb on PATH) gets a new
# cluster in a temporary directory, listening on 127.0.0.1 only, started as the `postgres` user when run as root.
# As root on Debian, PostgreSQL is installed when missing. Without root and without PostgreSQL it says so and
# exits 0, so that CI on a machine without it still runs everything else.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi
if [ -n "${CHAT_TEST_DATABASE_URL:-}" ]; then
  exec "$@"
fi

find_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/psql" ]; then
      echo "$dir"
      return
    fi
  done
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null && command -v psql >/dev/null; then
    dirname "$(command -v initdb)"
  fi
}

bindir=$(find_bindir)
if [ -z "$bindir" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing PostgreSQL (Debian package) for the PostgreSQL test run..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  bindir=$(find_bindir)
fi
if [ -z "$bindir" ]; then
  echo "SKIPPED the PostgreSQL test run: no PostgreSQL found, and installing it needs root on Debian" \
    "(apt-get install postgresql), or set CHAT_TEST_DATABASE_URL to a server of your own."
  exit 0
fi

workdir=$(mktemp -d /tmp/teamchat-pg.XXXXXX)  # under /tmp, which the postgres user can reach
as_owner=()
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$workdir"  # PostgreSQL refuses to run as root
  as_owner=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

stop_cluster() {
  if [ -f "$workdir/data/postmaster.pid" ]; then
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$workdir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$workdir"
}
trap stop_cluster EXIT

# Passwords over TCP (as in production), trust only on the cluster's private socket for the set-up below.
# ICU collation where available, like a typical production database (not SQLite's byte order).
printf 'postgres-%s\n' "$port" >"$workdir/pwfile"
chmod 644 "$workdir/pwfile"
initdb_args=(-D "$workdir/data" -U postgres --pwfile="$workdir/pwfile" --auth-local=trust
  --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync)
if "$bindir/initdb" --help | grep -q -- '--locale-provider'; then
  initdb_args+=(--locale-provider=icu --icu-locale=en-US)
fi
"${as_owner[@]}" "$bindir/initdb" "${initdb_args[@]}" >"$workdir/initdb.log"
# Durability off: this cluster lives for one test run.
"${as_owner[@]}" "$bindir/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w -t 60 start -o \
  "-c listen_addresses=127.0.0.1 -p $port -k $workdir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  >/dev/null
"${as_owner[@]}" "$bindir/psql" -q -h "$workdir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
  -c "CREATE ROLE chat LOGIN PASSWORD 'chat'" -c 'CREATE DATABASE chat_test OWNER chat'

export CHAT_TEST_DATABASE_URL="postgresql+psycopg://chat:chat@127.0.0.1:$port/chat_test"
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (throwaway cluster in $workdir)"
"$@"
