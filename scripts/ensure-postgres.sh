#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback for the tests of the PostgreSQL store.
#
#   scripts/ensure-postgres.sh        start it (once; a no-op when it runs) and print its URL
#   scripts/ensure-postgres.sh stop   stop it
#
# Uses Debian's PostgreSQL (installed with apt-get when run as root and missing), in a
# private data directory (COPYDESK_PG_DIR, default /tmp/copydesk-test-pg) on port
# COPYDESK_PG_PORT (default 54329), trust authentication on 127.0.0.1 only, fsync off: a
# test server, never one for data. The server does not run as root: as root, it runs as the
# 'postgres' user the Debian package creates. Prints nothing (and says why on stderr) when no
# server can be had; the PostgreSQL tests then skip.
set -u
DIR="${COPYDESK_PG_DIR:-/tmp/copydesk-test-pg}"
PORT="${COPYDESK_PG_PORT:-54329}"
URL="postgresql://copydesk@127.0.0.1:${PORT}/postgres"

find_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

BIN="$(find_bin)"
if [ -z "$BIN" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's postgresql for the PostgreSQL store's tests (once)..." >&2
    export DEBIAN_FRONTEND=noninteractive
    (apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql) >/dev/null 2>&1 \
        || echo "warning: apt-get could not install postgresql" >&2
    BIN="$(find_bin)"
fi
if [ -z "$BIN" ]; then
    echo "note: no PostgreSQL server binaries found (apt-get install postgresql); the PostgreSQL tests will be skipped" >&2
    exit 0
fi

as_owner() {
    if [ "$(id -u)" = "0" ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

if [ "${1:-start}" = "stop" ]; then
    [ -d "$DIR" ] && as_owner "$BIN/pg_ctl" -D "$DIR" -m fast stop >/dev/null 2>&1
    exit 0
fi

if [ -f "$DIR/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
    echo "$URL"
    exit 0
fi
if [ "$(id -u)" = "0" ] && ! id postgres >/dev/null 2>&1; then
    echo "warning: running as root and there is no 'postgres' user to run the server; the PostgreSQL tests will be skipped" >&2
    exit 0
fi
if [ ! -f "$DIR/PG_VERSION" ]; then
    rm -rf "$DIR"
    mkdir -p "$DIR"
    [ "$(id -u)" = "0" ] && chown postgres "$DIR"
    chmod 700 "$DIR"
    if ! as_owner "$BIN/initdb" -D "$DIR" -U copydesk --auth=trust --encoding=UTF8 --locale=C -N >"$DIR.initdb.log" 2>&1; then
        echo "warning: initdb failed (see $DIR.initdb.log); the PostgreSQL tests will be skipped" >&2
        exit 0
    fi
fi
if ! as_owner "$BIN/pg_ctl" -D "$DIR" -w -t 60 -l "$DIR/server.log" \
        -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null 2>&1; then
    echo "warning: the PostgreSQL server did not start (see $DIR/server.log); the PostgreSQL tests will be skipped" >&2
    exit 0
fi
echo "$URL"
