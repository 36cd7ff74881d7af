#!/usr/bin/env bash
# shellcheck shell=bash
#
# scripts/lib/mariadb.sh — a throwaway MariaDB server for tests and benchmarks.
#
# This file is SOURCED, not executed. It defines functions only; it does not
# change the caller's shell options (callers run with `set -euo pipefail`, and
# every function here is written to be safe under it).
#
# Usage:
#   source scripts/lib/mariadb.sh
#   trap mariadb_stop EXIT
#   mariadb_start              # fast: no fsync on commit (for tests)
#   mariadb_start --durable    # fsync on every commit (for honest benchmarks)
#   ... use "$DATAFLOW_TEST_MARIADB_URL" ...
#
# Functions:
#   mariadb_start [--durable]
#       Creates a fresh data directory with `mktemp -d`, initialises it with
#       mariadb-install-db, starts mariadbd in the background on a free
#       127.0.0.1 port (and a unix socket inside the temp dir), waits until it
#       answers, then creates database `dataflow` and a user `dataflow` (with a
#       random password) that has all privileges. Exports:
#         DATAFLOW_TEST_MARIADB_URL  mysql://dataflow:<pw>@127.0.0.1:<port>/dataflow
#         MARIADB_TMPDIR             the temp dir (data, socket, error.log)
#         MARIADB_PID                pid of the mariadbd process
#         MARIADB_PORT, MARIADB_SOCKET
#       Never touches a system MariaDB: every client and server call uses
#       --no-defaults and an explicit socket/port.
#       If mariadbd is missing: as root it is installed with apt-get
#       (package mariadb-server); otherwise it fails saying what to install.
#   mariadb_stop
#       Stops that mariadbd (SIGTERM, up to 20 s, then SIGKILL) and removes the
#       temp dir. Idempotent; safe in an EXIT trap even if mariadb_start failed
#       halfway or was never called.
#   free_port
#       Prints a TCP port in 20000-45000 on which nothing listens on 127.0.0.1
#       (also used by scripts/bench.sh).

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    echo "scripts/lib/mariadb.sh is a library: source it, do not run it" >&2
    echo "  e.g.  source scripts/lib/mariadb.sh; trap mariadb_stop EXIT; mariadb_start" >&2
    exit 1
fi

# --- helpers ----------------------------------------------------------------

_mariadb_err() {
    echo "ERROR (mariadb): $*" >&2
}

# free_port: print a port in 20000-45000 that nothing on 127.0.0.1 accepts
# connections on. Inherently racy (someone may take it before we bind it);
# mariadb_start retries on a bind failure.
free_port() {
    local attempt port rc
    for ((attempt = 0; attempt < 200; attempt++)); do
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 25001))
        # exit 0 = something accepted the connection (port in use),
        # 1 = refused (free), 124 = connect hung (treat as in use).
        rc=0
        timeout 2 bash -c ": </dev/tcp/127.0.0.1/$port" >/dev/null 2>&1 || rc=$?
        if ((rc == 1)); then
            echo "$port"
            return 0
        fi
    done
    echo "ERROR: no free TCP port found on 127.0.0.1 in 20000-45000 after 200 tries" >&2
    return 1
}

# _mariadb_find TOOL: print the full path of TOOL, looking in PATH and in the
# sbin directories (mariadbd lives in /usr/sbin, often not in a user's PATH).
_mariadb_find() {
    local tool=$1 dir
    if command -v "$tool" >/dev/null 2>&1; then
        command -v "$tool"
        return 0
    fi
    for dir in /usr/sbin /usr/local/sbin /sbin; do
        if [[ -x "$dir/$tool" ]]; then
            echo "$dir/$tool"
            return 0
        fi
    done
    return 1
}

# _mariadb_ensure_installed: set _MARIADB_{MARIADBD,INSTALL_DB,CLIENT,ADMIN},
# installing the Debian package mariadb-server first if anything is missing
# and we are root.
_mariadb_ensure_installed() {
    local tool missing=()
    for tool in mariadbd mariadb-install-db mariadb mariadb-admin; do
        _mariadb_find "$tool" >/dev/null || missing+=("$tool")
    done
    if ((${#missing[@]} > 0)); then
        if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
            echo "==> MariaDB not installed (missing: ${missing[*]}); installing mariadb-server with apt-get"
            apt-get update || { _mariadb_err "apt-get update failed"; return 1; }
            DEBIAN_FRONTEND=noninteractive apt-get install -y mariadb-server || {
                _mariadb_err "apt-get install -y mariadb-server failed"
                return 1
            }
        else
            _mariadb_err "missing MariaDB programs: ${missing[*]}"
            _mariadb_err "install the MariaDB server and client, e.g. on Debian/Ubuntu:"
            _mariadb_err "    sudo apt-get install mariadb-server"
            _mariadb_err "(provides mariadbd, mariadb-install-db, mariadb, mariadb-admin; the system service need not run)"
            return 1
        fi
    fi
    if ! { _MARIADB_MARIADBD=$(_mariadb_find mariadbd) &&
        _MARIADB_INSTALL_DB=$(_mariadb_find mariadb-install-db) &&
        _MARIADB_CLIENT=$(_mariadb_find mariadb) &&
        _MARIADB_ADMIN=$(_mariadb_find mariadb-admin); }; then
        _mariadb_err "MariaDB programs still missing after installation (need mariadbd, mariadb-install-db, mariadb, mariadb-admin)"
        return 1
    fi
}

# _mariadb_alive PID: true if PID exists and is not a zombie.
_mariadb_alive() {
    local pid=$1 stat
    [[ -n "$pid" && -r "/proc/$pid/stat" ]] || return 1
    { read -r stat <"/proc/$pid/stat"; } 2>/dev/null || return 1
    stat=${stat##*) }          # drop "pid (comm) "
    [[ "${stat:0:1}" != Z ]]
}

# _mariadb_random_password: 16 random alphanumeric characters.
_mariadb_random_password() {
    local pw=''
    while ((${#pw} < 16)); do
        pw+=$(LC_ALL=C tr -dc 'A-Za-z0-9' < <(head -c 256 /dev/urandom))
    done
    echo "${pw:0:16}"
}

_mariadb_sql_root() {
    "$_MARIADB_CLIENT" --no-defaults --socket="$MARIADB_SOCKET" -uroot "$@"
}

# --- public functions ---------------------------------------------------------

mariadb_start() {
    local durable=0 arg
    for arg in "$@"; do
        case "$arg" in
            --durable) durable=1 ;;
            *) _mariadb_err "mariadb_start: unknown argument '$arg' (only --durable is accepted)"; return 1 ;;
        esac
    done
    if [[ -n "${MARIADB_PID:-}" ]] && _mariadb_alive "$MARIADB_PID"; then
        _mariadb_err "mariadb_start: a throwaway MariaDB is already running (pid $MARIADB_PID); call mariadb_stop first"
        return 1
    fi

    _mariadb_ensure_installed || return 1

    local user
    user=$(id -un)
    MARIADB_TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/dataflow-mariadb.XXXXXX") || {
        _mariadb_err "mktemp -d failed"
        return 1
    }
    export MARIADB_TMPDIR
    local datadir="$MARIADB_TMPDIR/data"
    MARIADB_SOCKET="$MARIADB_TMPDIR/mysqld.sock"
    export MARIADB_SOCKET
    if ((${#MARIADB_SOCKET} > 100)); then
        # Unix socket paths are limited to ~107 bytes; fall back to /tmp.
        rm -rf -- "$MARIADB_TMPDIR"
        MARIADB_TMPDIR=$(mktemp -d /tmp/dataflow-mariadb.XXXXXX) || {
            _mariadb_err "mktemp -d /tmp/... failed"
            return 1
        }
        datadir="$MARIADB_TMPDIR/data"
        MARIADB_SOCKET="$MARIADB_TMPDIR/mysqld.sock"
    fi

    echo "==> initialising throwaway MariaDB data dir in $MARIADB_TMPDIR"
    if ! "$_MARIADB_INSTALL_DB" --no-defaults --user="$user" \
        --auth-root-authentication-method=normal --skip-test-db \
        --datadir="$datadir" >"$MARIADB_TMPDIR/install-db.log" 2>&1; then
        _mariadb_err "mariadb-install-db failed; its output:"
        tail -n 40 "$MARIADB_TMPDIR/install-db.log" >&2
        return 1
    fi

    local -a opts=(
        --no-defaults
        --user="$user"
        --datadir="$datadir"
        --socket="$MARIADB_SOCKET"
        --bind-address=127.0.0.1
        --pid-file="$MARIADB_TMPDIR/mysqld.pid"
        --log-error="$MARIADB_TMPDIR/error.log"
        --skip-log-bin
        --innodb-buffer-pool-size=128M
    )
    if ((durable == 0)); then
        # Tests do not need durability: do not fsync on commit.
        opts+=(--innodb-flush-log-at-trx-commit=0 --sync-binlog=0)
    fi

    local attempt port started=0 waited
    for ((attempt = 1; attempt <= 3; attempt++)); do
        port=$(free_port) || return 1
        "$_MARIADB_MARIADBD" "${opts[@]}" --port="$port" </dev/null >>"$MARIADB_TMPDIR/mariadbd.out" 2>&1 &
        MARIADB_PID=$!
        export MARIADB_PID

        # Wait up to 30 s for it to answer on its socket.
        for ((waited = 0; waited < 150; waited++)); do
            if ! _mariadb_alive "$MARIADB_PID"; then
                break
            fi
            if "$_MARIADB_ADMIN" --no-defaults --socket="$MARIADB_SOCKET" -uroot \
                --connect-timeout=2 ping >/dev/null 2>&1; then
                started=1
                break
            fi
            sleep 0.2
        done
        ((started == 1)) && break

        if _mariadb_alive "$MARIADB_PID"; then
            _mariadb_err "mariadbd did not answer within 30 s (pid $MARIADB_PID, port $port); tail of $MARIADB_TMPDIR/error.log:"
            tail -n 40 "$MARIADB_TMPDIR/error.log" >&2 2>/dev/null || true
            return 1
        fi
        wait "$MARIADB_PID" 2>/dev/null || true
        MARIADB_PID=''
        if grep -qiE "bind on tcp/ip port|address already in use" "$MARIADB_TMPDIR/error.log" 2>/dev/null; then
            echo "==> port $port was taken before mariadbd could bind it; retrying on another port (attempt $attempt of 3)"
            mv "$MARIADB_TMPDIR/error.log" "$MARIADB_TMPDIR/error.log.bind-failure-$attempt"
            continue
        fi
        _mariadb_err "mariadbd exited during startup; tail of $MARIADB_TMPDIR/error.log:"
        tail -n 40 "$MARIADB_TMPDIR/error.log" >&2 2>/dev/null || true
        tail -n 20 "$MARIADB_TMPDIR/mariadbd.out" >&2 2>/dev/null || true
        return 1
    done
    if ((started == 0)); then
        _mariadb_err "mariadbd could not bind a free port after 3 attempts; tail of its last error.log:"
        tail -n 20 "$MARIADB_TMPDIR/error.log.bind-failure-3" >&2 2>/dev/null || true
        return 1
    fi
    MARIADB_PORT=$port
    export MARIADB_PORT

    local pw
    pw=$(_mariadb_random_password) || return 1
    if ! _mariadb_sql_root -e "
        CREATE USER 'dataflow'@'127.0.0.1' IDENTIFIED BY '$pw';
        CREATE USER 'dataflow'@'localhost' IDENTIFIED BY '$pw';
        GRANT ALL PRIVILEGES ON *.* TO 'dataflow'@'127.0.0.1' WITH GRANT OPTION;
        GRANT ALL PRIVILEGES ON *.* TO 'dataflow'@'localhost' WITH GRANT OPTION;
        CREATE DATABASE dataflow;
    "; then
        _mariadb_err "could not create user/database 'dataflow' in the throwaway MariaDB"
        return 1
    fi
    DATAFLOW_TEST_MARIADB_URL="mysql://dataflow:$pw@127.0.0.1:$port/dataflow"
    export DATAFLOW_TEST_MARIADB_URL

    local version
    version=$(_mariadb_sql_root -N -B -e 'SELECT VERSION()') || {
        _mariadb_err "could not query the throwaway MariaDB's version"
        return 1
    }
    local mode="fast, no fsync on commit"
    ((durable == 1)) && mode="durable, fsync on commit"
    echo "==> throwaway MariaDB ${version%%-*} on 127.0.0.1:$port (data in $MARIADB_TMPDIR; $mode)"
}

mariadb_stop() {
    local pid=${MARIADB_PID:-} waited
    if [[ -n "$pid" ]] && _mariadb_alive "$pid"; then
        # Only signal it if it really is our mariadbd (guards against pid reuse).
        if [[ -n "${MARIADB_TMPDIR:-}" ]] &&
            tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "--datadir=$MARIADB_TMPDIR/data"; then
            kill -TERM "$pid" 2>/dev/null || true
            for ((waited = 0; waited < 100; waited++)); do
                _mariadb_alive "$pid" || break
                sleep 0.2
            done
            if _mariadb_alive "$pid"; then
                echo "==> throwaway MariaDB (pid $pid) still running 20 s after SIGTERM; sending SIGKILL" >&2
                kill -KILL "$pid" 2>/dev/null || true
                for ((waited = 0; waited < 50; waited++)); do
                    _mariadb_alive "$pid" || break
                    sleep 0.1
                done
            fi
        fi
    fi
    # Reap it if it is our (dead) child; no-op otherwise.
    if [[ -n "$pid" ]] && ! _mariadb_alive "$pid"; then
        wait "$pid" 2>/dev/null || true
    fi
    if [[ -n "${MARIADB_TMPDIR:-}" && -d "$MARIADB_TMPDIR" ]]; then
        rm -rf -- "$MARIADB_TMPDIR"
    fi
    MARIADB_PID=''
    MARIADB_TMPDIR=''
    unset DATAFLOW_TEST_MARIADB_URL MARIADB_PORT MARIADB_SOCKET
    return 0
}
