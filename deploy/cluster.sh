#!/usr/bin/env bash
# A throwaway Teamchat cluster on loopback: PostgreSQL, Redis, N app nodes and nginx in front (docs/deployment.md).
#
#   bash deploy/cluster.sh up --nodes 2 --dir /tmp/tc [--port 8080]   start (or complete) it; prints url= and nodeK=
#   bash deploy/cluster.sh status --dir /tmp/tc                        what runs
#   bash deploy/cluster.sh kill-node K --dir /tmp/tc                   kill -9 node K (fault tests)
#   bash deploy/cluster.sh start-node K --dir /tmp/tc                  start node K again
#   bash deploy/cluster.sh stop-redis --dir /tmp/tc / start-redis      a Redis outage (fault tests)
#   bash deploy/cluster.sh cli --dir /tmp/tc -- create-user ...        a main.py command against the cluster's data
#   bash deploy/cluster.sh down --dir /tmp/tc                          stop all it started and remove its database
#
# Everything it starts is recorded in DIR (one PID file per process); it only ever signals those PIDs, and only
# while they still run the program it started. Running `up` again starts what is missing and keeps the rest.
# As root on Debian, missing packages (postgresql, redis-server, nginx) are installed with apt-get. Exit code 3:
# a program is missing and cannot be installed (not root); the message says which.
# PYTHON (default: the repository's .venv/bin/python, else python3) runs the nodes; CHAT_* variables in the
# environment reach every node (e.g. CHAT_RECONNECT_TIMEOUT).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEPLOY="$ROOT/deploy"

usage() {
  sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

die() {
  echo "cluster.sh: $*" >&2
  exit 1
}

# ---- arguments ----------------------------------------------------------------------------------------------

[ "$#" -ge 1 ] || usage
command=$1
shift
dir='' nodes=2 proxy_port=8080 node_arg='' cli_args=()
while [ "$#" -gt 0 ]; do
  case $1 in
    --dir) dir=$2; shift 2 ;;
    --nodes) nodes=$2; shift 2 ;;
    --port) proxy_port=$2; shift 2 ;;
    --) shift; cli_args=("$@"); break ;;
    [0-9]*) node_arg=$1; shift ;;  # the K of kill-node / start-node
    *) usage ;;
  esac
done
[ -n "$dir" ] || die '--dir DIR is required'
if [ "$command" = kill-node ] || [ "$command" = start-node ]; then
  [[ $node_arg =~ ^[0-9]+$ ]] || die "$command needs a node number"
fi
[[ $nodes =~ ^[1-9][0-9]*$ ]] || die "--nodes must be a positive number"
[[ $proxy_port =~ ^[0-9]+$ ]] || die "--port must be a number"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

PYTHON=${PYTHON:-}
if [ -z "$PYTHON" ]; then
  if [ -x "$ROOT/.venv/bin/python" ]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON=python3; fi
fi

as_postgres=()
[ "$(id -u)" = 0 ] && as_postgres=(runuser -u postgres --)

# ---- recorded processes -------------------------------------------------------------------------------------

# A PID file holds "PID START" (the start time in clock ticks from /proc), so a PID the kernel gave to another
# program since is never signalled.
start_ticks() { awk '{print $22}' "/proc/$1/stat" 2>/dev/null || true; }

record() { # record NAME PID
  echo "$2 $(start_ticks "$2")" >"$dir/run/$1.pid"
}

recorded_pid() { # prints the PID when NAME runs as recorded
  local file="$dir/run/$1.pid" pid ticks
  [ -f "$file" ] || return 1
  read -r pid ticks <"$file" || return 1
  [ -n "$pid" ] && [ -d "/proc/$pid" ] && [ "$(start_ticks "$pid")" = "$ticks" ] || return 1
  # a killed child the shell that started it never waited for stays a zombie until that shell exits
  [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] || return 1
  echo "$pid"
}

stop_recorded() { # stop_recorded NAME [SIGNAL]: TERM (or SIGNAL), wait up to 15 s, then KILL
  local pid
  pid=$(recorded_pid "$1") || { rm -f "$dir/run/$1.pid"; return 0; }
  kill "-${2:-TERM}" "$pid" 2>/dev/null || true
  for _ in $(seq 150); do
    recorded_pid "$1" >/dev/null || break
    sleep 0.1
  done
  if recorded_pid "$1" >/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$dir/run/$1.pid"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for() { # wait_for WHAT SECONDS COMMAND...: poll the command until it succeeds
  local what=$1 seconds=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || die "$what did not answer within ${seconds} s (logs in $dir/log)"
    sleep 0.2
  done
}

http_ok() { python3 - "$1" <<'EOF'
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=2) as answer:
    sys.exit(0 if answer.status == 200 else 1)
EOF
}

# ---- packages -----------------------------------------------------------------------------------------------

pg_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return; }
  done
  command -v initdb >/dev/null && dirname "$(command -v initdb)"
}

have() {
  case $1 in
    postgresql) [ -n "$(pg_bindir)" ] ;;
    redis-server) command -v redis-server >/dev/null ;;
    nginx) command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] ;;
  esac
}

ensure_packages() {
  local missing=() package
  for package in postgresql redis-server nginx; do have "$package" || missing+=("$package"); done
  [ "${#missing[@]}" -eq 0 ] && return
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "cluster.sh: missing ${missing[*]}; installing needs root on Debian (apt-get install ${missing[*]})" >&2
    exit 3
  fi
  echo "Installing ${missing[*]} (Debian packages)..." >&2
  # Under one lock with other installers on this machine; the packages' own services are not used (this
  # cluster starts its own processes on free ports).
  flock /tmp/apt.lock sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing[*]}" >&2
  for package in "${missing[@]}"; do have "$package" || die "installing $package failed"; done
}

# ---- the parts ----------------------------------------------------------------------------------------------

config() { # the value of KEY in DIR/cluster.conf
  sed -n "s/^$1=//p" "$dir/cluster.conf" 2>/dev/null | tail -1
}

write_config() {
  if [ ! -f "$dir/cluster.conf" ]; then
    local pg_dir
    pg_dir=$(mktemp -d /tmp/teamchat-cluster-pg.XXXXXX)  # under /tmp: the postgres user must reach it
    {
      echo "nodes=$nodes"
      echo "proxy_port=$proxy_port"
      echo "pg_dir=$pg_dir"
      echo "pg_port=$(free_port)"
      echo "redis_port=$(free_port)"
      for k in $(seq "$nodes"); do echo "node${k}_port=$(free_port)"; done
    } >"$dir/cluster.conf"
    "$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(48))' >"$dir/storage-secret"
    chmod 600 "$dir/storage-secret"
  else
    local known
    known=$(config nodes)
    for k in $(seq $((known + 1)) "$nodes"); do echo "node${k}_port=$(free_port)" >>"$dir/cluster.conf"; done
    [ "$nodes" -gt "$known" ] && echo "nodes=$nodes" >>"$dir/cluster.conf"
  fi
  mkdir -p "$dir/run" "$dir/log" "$dir/shared/uploads" "$dir/shared/nicegui"
}

database_url() { echo "postgresql+psycopg://chat:chat@127.0.0.1:$(config pg_port)/chat"; }

start_postgres() {
  local bindir pg_dir port
  bindir=$(pg_bindir) pg_dir=$(config pg_dir) port=$(config pg_port)
  if [ ! -d "$pg_dir/data" ]; then
    [ "$(id -u)" = 0 ] && chown postgres: "$pg_dir"
    printf 'postgres-%s\n' "$port" >"$pg_dir/pwfile"
    chmod 644 "$pg_dir/pwfile"
    "${as_postgres[@]}" "$bindir/initdb" -D "$pg_dir/data" -U postgres --pwfile="$pg_dir/pwfile" \
      --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/log/initdb.log"
  fi
  if ! "${as_postgres[@]}" "$bindir/pg_ctl" -D "$pg_dir/data" status >/dev/null 2>&1; then
    # A test cluster: durability off. max_connections covers every node's pool (docs/deployment.md).
    "${as_postgres[@]}" "$bindir/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 start -o \
      "-c listen_addresses=127.0.0.1 -p $port -k $pg_dir -c fsync=off -c synchronous_commit=off -c max_connections=200" \
      >/dev/null
  fi
  head -1 "$pg_dir/data/postmaster.pid" >"$dir/run/postgres.pid.raw"
  record postgres "$(cat "$dir/run/postgres.pid.raw")"
  rm -f "$dir/run/postgres.pid.raw"
  if [ ! -f "$dir/run/database-created" ]; then
    "${as_postgres[@]}" "$bindir/psql" -q -h "$pg_dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
      -c "CREATE ROLE chat LOGIN PASSWORD 'chat'" -c 'CREATE DATABASE chat OWNER chat' >/dev/null
    touch "$dir/run/database-created"
  fi
}

start_redis() {
  recorded_pid redis >/dev/null && return
  local port
  port=$(config redis_port)
  mkdir -p "$dir/redis"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --dir "$dir/redis" \
    --loglevel warning >>"$dir/log/redis.log" 2>&1 </dev/null &
  record redis $!
  wait_for Redis 20 python3 -c "import socket; s = socket.create_connection(('127.0.0.1', $port), 1); s.sendall(b'PING\r\n'); assert s.recv(7) == b'+PONG\r\n'"
}

node_env() { # node_env K: the environment of node K (as VAR=value words for env)
  local k=$1
  echo "CHAT_DATA_DIR=$dir/node$k"
  echo "CHAT_HOST=127.0.0.1"
  echo "CHAT_PORT=$(config "node${k}_port")"
  echo "CHAT_DATABASE_URL=$(database_url)"
  echo "CHAT_REDIS_URL=redis://127.0.0.1:$(config redis_port)/0"
  echo "CHAT_STORAGE_SECRET=$(cat "$dir/storage-secret")"
  echo "CHAT_PUBLIC_URL=http://127.0.0.1:$(config proxy_port)"
  echo "NICEGUI_STORAGE_PATH=$dir/shared/nicegui"
}

start_node() {
  local k=$1
  recorded_pid "node$k" >/dev/null && return
  mkdir -p "$dir/node$k"
  # Uploads are shared: a file uploaded through one node is served by every node.
  [ -L "$dir/node$k/uploads" ] || ln -s "$dir/shared/uploads" "$dir/node$k/uploads"
  mapfile -t vars < <(node_env "$k")
  (cd "$ROOT" && exec env "${vars[@]}" "$PYTHON" main.py >>"$dir/log/node$k.log" 2>&1 </dev/null) &
  record "node$k" $!
}

wait_node() {
  local k=$1 port
  port=$(config "node${k}_port")
  wait_for "node $k (port $port)" 90 http_ok "http://127.0.0.1:$port/healthz"
}

write_nginx_conf() {
  local k servers=''
  for k in $(seq "$(config nodes)"); do
    # max_fails=1: after one failed connection the node is skipped for fail_timeout, so a dead node costs each
    # browser one retried request, not one per request.
    servers+="        server 127.0.0.1:$(config "node${k}_port") max_fails=1 fail_timeout=10s;"$'\n'
  done
  mkdir -p "$dir/nginx"
  local user_line=''
  [ "$(id -u)" = 0 ] && user_line='user nobody nogroup;'
  cat >"$dir/nginx/nginx.conf" <<EOF
# Generated by deploy/cluster.sh for this throwaway cluster; deploy/nginx-tls.conf is the production one.
$user_line
worker_processes 1;
pid $dir/nginx/nginx.pid;
error_log $dir/log/nginx-error.log warn;
events { worker_connections 4096; }
http {
    # The path without its query (a token in a query string stays out of the log) and the node that answered.
    log_format teamchat '\$remote_addr [\$time_local] "\$request_method \$uri" \$status \$body_bytes_sent '
                        'node=\$upstream_addr route=\$chat_route rt=\$request_time';
    access_log $dir/log/nginx-access.log teamchat;
    client_body_temp_path $dir/nginx/body;
    proxy_temp_path $dir/nginx/proxy;
    fastcgi_temp_path $dir/nginx/fastcgi;
    uwsgi_temp_path $dir/nginx/uwsgi;
    scgi_temp_path $dir/nginx/scgi;
    include $DEPLOY/nginx/routing.conf;
    upstream teamchat {
        hash \$chat_route consistent;
$servers        keepalive 32;
    }
    server {
        listen 127.0.0.1:$(config proxy_port);
        server_name localhost;
        add_header Set-Cookie \$chat_route_cookie always;
        # Which node answered (this kit only, for fault tests and debugging; production does not say).
        add_header X-Teamchat-Node \$upstream_addr always;
        include $DEPLOY/nginx/proxy.conf;
    }
}
EOF
}

start_nginx() {
  write_nginx_conf
  if pid=$(recorded_pid nginx); then
    kill -HUP "$pid"  # the node list may have grown: reload the configuration
    return
  fi
  nginx -t -q -c "$dir/nginx/nginx.conf" -p "$dir/nginx" -e "$dir/log/nginx-error.log" 2>>"$dir/log/nginx-error.log" \
    || die "nginx refused its configuration (see $dir/log/nginx-error.log)"
  nginx -c "$dir/nginx/nginx.conf" -p "$dir/nginx" -e "$dir/log/nginx-error.log" -g 'daemon off;' \
    >>"$dir/log/nginx.log" 2>&1 </dev/null &
  record nginx $!
}

print_status() {
  echo "url=http://127.0.0.1:$(config proxy_port)"
  local k pid
  for k in $(seq "$(config nodes)"); do
    if pid=$(recorded_pid "node$k"); then
      echo "node$k=$(config "node${k}_port") $pid"
    else
      echo "node$k=$(config "node${k}_port") stopped"
    fi
  done
}

# ---- commands -----------------------------------------------------------------------------------------------

require_cluster() { [ -f "$dir/cluster.conf" ] || die "no cluster in $dir (run: cluster.sh up --dir $dir)"; }

case $command in
  up)
    ensure_packages
    write_config
    start_postgres
    start_redis
    start_node 1
    wait_node 1  # the first node migrates the database; the others then find the newest schema
    for k in $(seq 2 "$(config nodes)"); do start_node "$k"; done
    for k in $(seq 2 "$(config nodes)"); do wait_node "$k"; done
    start_nginx
    wait_for 'the proxy' 30 http_ok "http://127.0.0.1:$(config proxy_port)/healthz"
    print_status
    ;;
  status)
    require_cluster
    for name in postgres redis nginx; do
      if pid=$(recorded_pid "$name"); then echo "$name=running $pid"; else echo "$name=stopped"; fi
    done
    print_status
    ;;
  kill-node)
    require_cluster
    [ "$node_arg" -ge 1 ] && [ "$node_arg" -le "$(config nodes)" ] || die "no node $node_arg"
    pid=$(recorded_pid "node$node_arg") || die "node $node_arg is not running"
    kill -KILL "$pid"
    for _ in $(seq 100); do recorded_pid "node$node_arg" >/dev/null || break; sleep 0.05; done
    rm -f "$dir/run/node$node_arg.pid"
    echo "node$node_arg=killed $pid"
    ;;
  start-node)
    require_cluster
    [ "$node_arg" -ge 1 ] && [ "$node_arg" -le "$(config nodes)" ] || die "no node $node_arg"
    start_node "$node_arg"
    wait_node "$node_arg"
    echo "node$node_arg=$(config "node${node_arg}_port") $(recorded_pid "node$node_arg")"
    ;;
  stop-redis)
    require_cluster
    stop_recorded redis KILL
    echo 'redis=stopped'
    ;;
  start-redis)
    require_cluster
    start_redis
    echo "redis=running $(recorded_pid redis)"
    ;;
  cli)
    require_cluster
    mapfile -t vars < <(node_env 1)
    cd "$ROOT" && exec env "${vars[@]}" "$PYTHON" main.py "${cli_args[@]}"
    ;;
  down)
    [ -f "$dir/cluster.conf" ] || { echo 'nothing to stop'; exit 0; }
    stop_recorded nginx QUIT  # graceful: open sockets are closed, not cut
    for k in $(seq "$(config nodes)"); do stop_recorded "node$k"; done
    stop_recorded redis
    pg_dir=$(config pg_dir)
    if [ -n "$pg_dir" ] && [ -d "$pg_dir" ]; then
      if [ -f "$pg_dir/data/postmaster.pid" ]; then
        "${as_postgres[@]}" "$(pg_bindir)/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
      fi
      rm -rf "$pg_dir"
    fi
    rm -rf "$dir/run" "$dir/cluster.conf"
    echo 'stopped'
    ;;
  *) usage ;;
esac
