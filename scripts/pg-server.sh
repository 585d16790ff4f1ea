#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL server: initdb into DIR/data, Unix socket in DIR, no TCP.
#   scripts/pg-server.sh start MAJOR DIR PORT    -> prints "host=DIR port=PORT user=postgres"
#   scripts/pg-server.sh stop  MAJOR DIR
# Runs the server as the unprivileged user 'pgfunnel' when invoked as root (see install-deps.sh).
set -euo pipefail
cmd="$1"; major="$2"; dir="$3"; port="${4:-5432}"
bin="${PGFUNNEL_PG_ROOT:-/opt/pgfunnel-pg}/$major/bin"
as_user=()
if [ "$(id -u)" -eq 0 ]; then as_user=(runuser -u pgfunnel --); fi
case "$cmd" in
start)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown pgfunnel "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        "${as_user[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1
    fi
    "${as_user[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-k $dir -c listen_addresses= -p $port -c fsync=off -c max_connections=40 -c max_locks_per_transaction=256" start >/dev/null
    echo "host=$dir port=$port user=postgres"
    ;;
stop)
    "${as_user[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    ;;
*) echo "usage: $0 start|stop MAJOR DIR [PORT]" >&2; exit 2 ;;
esac
