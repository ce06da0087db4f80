#!/usr/bin/env bash
# The reference deployment on one machine, from Debian packages: PostgreSQL, Redis, two Casebook
# app servers (gunicorn, CASEBOOK_WORKERS each) and nginx in front of them. Everything runs as
# local processes under deploy/.state (data, logs, pid files); nothing system-wide is configured.
#
#   deploy/run-local.sh start     install missing packages, start everything, print the address
#   deploy/run-local.sh status    what is running
#   deploy/run-local.sh upgrade   migrate, then restart the app servers one at a time (no downtime)
#   deploy/run-local.sh stop      stop everything (data is kept in deploy/.state)
#
# Ports (override in the environment): PORT=8080 (nginx), APP1_PORT=8001, APP2_PORT=8002,
# PG_PORT=5433, REDIS_PORT=6380. CASEBOOK=path/to/casebook (default: the checkout's .venv).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
STATE=${CASEBOOK_DEPLOY_STATE:-$HERE/.state}
PORT=${PORT:-8080}
APP1_PORT=${APP1_PORT:-8001}
APP2_PORT=${APP2_PORT:-8002}
PG_PORT=${PG_PORT:-5433}
REDIS_PORT=${REDIS_PORT:-6380}
WORKERS=${WORKERS:-2}
CASEBOOK=${CASEBOOK:-$REPO/.venv/bin/casebook}

say() { printf '%s\n' "$*"; }
die() { printf 'run-local.sh: %s\n' "$*" >&2; exit 1; }

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bin() {
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    [ -n "$found" ] || die "PostgreSQL is not installed"
    printf '%s/%s' "$found" "$1"
}

install_packages() {
    local missing=()
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
    command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
    command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
    if [ ${#missing[@]} -gt 0 ]; then
        [ "$(id -u)" = 0 ] || die "install these Debian packages first (as root): ${missing[*]}"
        say "installing ${missing[*]} ..."
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
    fi
    [ -x "$CASEBOOK" ] || die "$CASEBOOK not found: run \`make install\` in $REPO first"
}

app_env() {
    export DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/casebook"
    export CASEBOOK_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
    export CASEBOOK_SECRET_KEY
    CASEBOOK_SECRET_KEY=$(cat "$STATE/secret_key")
    export CASEBOOK_PROXIES=1 CASEBOOK_WORKERS="$WORKERS" CASEBOOK_ROOT="$REPO"
}

start_postgres() {
    local data="$STATE/pg"
    if [ ! -d "$data/db" ]; then
        mkdir -p "$data"
        [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
        as_postgres "$(pg_bin initdb)" -D "$data/db" -A trust -U postgres -E UTF8 >/dev/null
    fi
    if ! as_postgres "$(pg_bin pg_ctl)" -D "$data/db" status >/dev/null 2>&1; then
        as_postgres "$(pg_bin pg_ctl)" -D "$data/db" -l "$data/log" -w -t 60 \
            -o "-p $PG_PORT -k $data -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
    fi
    if ! as_postgres "$(pg_bin psql)" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc \
            "SELECT 1 FROM pg_database WHERE datname = 'casebook'" | grep -q 1; then
        as_postgres "$(pg_bin createdb)" -h 127.0.0.1 -p "$PG_PORT" -U postgres casebook
    fi
    say "PostgreSQL on 127.0.0.1:$PG_PORT"
}

start_redis() {
    if [ -f "$STATE/redis.pid" ] && kill -0 "$(cat "$STATE/redis.pid")" 2>/dev/null; then return; fi
    # counters only (rate limits): nothing to persist
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --pidfile "$STATE/redis.pid" \
        --dir "$STATE" --logfile "$STATE/redis.log" --save "" --appendonly no
    say "Redis on 127.0.0.1:$REDIS_PORT"
}

wait_for() {   # url, seconds
    local i
    for i in $(seq 1 $(( $2 * 5 ))); do
        python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "$1" 2>/dev/null && return 0
        sleep 0.2
    done
    return 1
}

start_app() {   # number, port
    local pidfile="$STATE/app$1.pid"
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then return; fi
    setsid "$CASEBOOK" serve --host 127.0.0.1 --port "$2" --workers "$WORKERS" >>"$STATE/app$1.log" 2>&1 &
    echo $! >"$pidfile"
    wait_for "http://127.0.0.1:$2/login" 300 || die "app server $1 did not start: see $STATE/app$1.log"
    say "app server $1 on 127.0.0.1:$2 ($WORKERS workers)"
}

stop_app() {   # number
    local pidfile="$STATE/app$1.pid"
    if [ -f "$pidfile" ]; then
        local pid
        pid=$(cat "$pidfile")
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
            for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        fi
        rm -f "$pidfile"
    fi
}

start_nginx() {
    sed -e "s#@STATE@#$STATE#g" -e "s#@PORT@#$PORT#g" -e "s#@APP1@#127.0.0.1:$APP1_PORT#g" \
        -e "s#@APP2@#127.0.0.1:$APP2_PORT#g" "$HERE/nginx.conf" >"$STATE/nginx.conf"
    if [ -f "$STATE/nginx.pid" ] && kill -0 "$(cat "$STATE/nginx.pid")" 2>/dev/null; then
        /usr/sbin/nginx -c "$STATE/nginx.conf" -p "$STATE" -s reload
    else
        /usr/sbin/nginx -c "$STATE/nginx.conf" -p "$STATE"
    fi
    say "nginx on 127.0.0.1:$PORT -> app servers :$APP1_PORT and :$APP2_PORT"
}

cmd_start() {
    install_packages
    mkdir -p "$STATE"
    [ -f "$STATE/secret_key" ] || (umask 077 && python3 -c 'import secrets; print(secrets.token_hex(32))' >"$STATE/secret_key")
    start_postgres
    start_redis
    app_env
    "$CASEBOOK" migrate
    "$CASEBOOK" build          # the site, and the search index published to PostgreSQL
    start_app 1 "$APP1_PORT"
    start_app 2 "$APP2_PORT"
    start_nginx
    say "Casebook: http://127.0.0.1:$PORT/  (first-run admin password: see $STATE/app1.log)"
}

cmd_upgrade() {
    # after `git pull` (and `make install`): the schema first (migrations only add), then one app
    # server at a time; nginx sends requests to the other meanwhile
    app_env
    "$CASEBOOK" migrate
    "$CASEBOOK" build
    stop_app 1; start_app 1 "$APP1_PORT"
    stop_app 2; start_app 2 "$APP2_PORT"
    say "upgraded without downtime"
}

cmd_stop() {
    if [ -f "$STATE/nginx.pid" ]; then /usr/sbin/nginx -c "$STATE/nginx.conf" -p "$STATE" -s quit 2>/dev/null || true; fi
    stop_app 1
    stop_app 2
    if [ -f "$STATE/redis.pid" ]; then kill "$(cat "$STATE/redis.pid")" 2>/dev/null || true; rm -f "$STATE/redis.pid"; fi
    if [ -d "$STATE/pg/db" ]; then as_postgres "$(pg_bin pg_ctl)" -D "$STATE/pg/db" -m fast stop >/dev/null 2>&1 || true; fi
    say "stopped (data kept in $STATE)"
}

cmd_status() {
    local name
    for name in app1 app2 redis nginx; do
        if [ -f "$STATE/$name.pid" ] && kill -0 "$(cat "$STATE/$name.pid")" 2>/dev/null; then
            say "$name: running (pid $(cat "$STATE/$name.pid"))"
        else
            say "$name: stopped"
        fi
    done
    as_postgres "$(pg_bin pg_ctl)" -D "$STATE/pg/db" status >/dev/null 2>&1 && say "postgresql: running" || say "postgresql: stopped"
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    upgrade) cmd_upgrade ;;
    *) die "usage: $0 start|status|upgrade|stop" ;;
esac
