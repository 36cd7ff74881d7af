#!/usr/bin/env bash
#
# scripts/bench.sh — benchmarks (not run by CI).
#
# Usage:
#   scripts/bench.sh                    # everything
#   scripts/bench.sh -- --quick         # args after `--` go to the criterion bench
#   scripts/bench.sh --startup-only     # only cold start + idle memory (steps 3-4)
#   scripts/bench.sh --cluster          # only the runtime status bench (step 5)
#
# Steps:
#   1. start a throwaway MariaDB with --durable (fsync on commit, so figures are
#      honest); stopped on exit
#   2. cargo bench -p dataflow-server --bench bulk_import, with
#      DATAFLOW_TEST_MARIADB_URL set (the bench reports SQLite and MariaDB figures)
#   2b. cargo bench -p dataflow-server --bench health_under_load: GET
#      /management/health latency, idle and while two clients keep parsing the
#      largest task definition accepted
#   3. cargo build --release -p dataflow-server
#   4. 5 runs of the release binary, each with a fresh data dir and a free port:
#      time from spawning `dataflow-server serve` to the first answered
#      GET /about, then idle RSS 2 s later, then SIGTERM and a check that it
#      exited 0 (graceful shutdown). Prints each run and the medians.
#   5. (--cluster only) builds (cached) and starts the throwaway Kubernetes test
#      control plane (scripts/lib/kube-cluster.sh), then runs cargo bench -p
#      dataflow-server --bench runtime_status: the release server deploys
#      DATAFLOW_BENCH_STREAMS (default 1000) three-app streams, and the bench
#      prints GET /runtime/streams latency (p50/p99) from the watch caches, the
#      server's RSS, and the Kubernetes API requests it made. Takes several
#      minutes on 2 cores (the cluster's controllers create 3000 pods).
#
# Needs: a Rust toolchain, curl, and (unless --startup-only or --cluster)
# MariaDB server binaries — see scripts/lib/mariadb.sh; for --cluster what
# scripts/lib/kube-cluster.sh needs. Respects CARGO_TARGET_DIR.

set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh

usage() {
    sed -n '2,/^$/s/^# \{0,1\}//p' "$0"
}

startup_only=0
cluster_only=0
bench_args=()
while (($# > 0)); do
    case "$1" in
        --startup-only) startup_only=1 ;;
        --cluster) cluster_only=1 ;;
        -h | --help) usage; exit 0 ;;
        --) shift; bench_args=("$@"); break ;;
        *) usage >&2; fail "unknown argument '$1' (extra bench arguments go after '--')" ;;
    esac
    shift
done

export RUST_BACKTRACE=1
if [[ -n "${CI:-}" ]]; then
    export CARGO_TERM_COLOR=never
fi

command -v cargo >/dev/null 2>&1 ||
    fail "cargo not found in PATH; install a Rust toolchain (https://rustup.rs)"
command -v curl >/dev/null 2>&1 ||
    fail "curl not found; install it (e.g. apt-get install curl)"

# shellcheck source=scripts/lib/mariadb.sh
source scripts/lib/mariadb.sh # mariadb_start/mariadb_stop, free_port

if ((cluster_only == 1)); then
    # shellcheck source=scripts/lib/kube-cluster.sh
    source scripts/lib/kube-cluster.sh
    trap kube_cluster_stop EXIT
    step "build the test cluster's Kubernetes binaries (cached)"
    kube_cluster_build || fail "could not build the test cluster's binaries (see above)"
    step "start a throwaway Kubernetes cluster"
    kube_cluster_start || fail "could not start the throwaway Kubernetes cluster (see above)"
    step "cargo bench -p dataflow-server --bench runtime_status (${DATAFLOW_BENCH_STREAMS:-1000} streams)"
    DATAFLOW_BENCH_KUBECONFIG=$DATAFLOW_TEST_KUBECONFIG \
        cargo bench -p dataflow-server --bench runtime_status ||
        fail "cargo bench (runtime_status) failed (see above)"
    exit 0
fi

bench_tmp=''
server_pid=''
cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [[ -n "$bench_tmp" && -d "$bench_tmp" ]]; then
        rm -rf -- "$bench_tmp"
    fi
    mariadb_stop
}
trap cleanup EXIT

# Microseconds since the epoch, without forking when bash has EPOCHREALTIME.
now_us() {
    if [[ -n "${EPOCHREALTIME:-}" ]]; then
        local t=${EPOCHREALTIME//[!0-9]/}
        echo "$t"
    else
        echo $(($(date +%s%N) / 1000))
    fi
}

# alive PID: running and not a zombie.
alive() {
    local stat
    { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
    stat=${stat##*) }
    [[ "${stat:0:1}" != Z ]]
}

# median of integers given as arguments
median() {
    local sorted
    sorted=$(printf '%s\n' "$@" | sort -n)
    local -a a
    mapfile -t a <<<"$sorted"
    local n=${#a[@]}
    if ((n % 2 == 1)); then
        echo "${a[n / 2]}"
    else
        echo $(((a[n / 2 - 1] + a[n / 2]) / 2))
    fi
}

# fmt_tenths VALUE DIVISOR: VALUE/DIVISOR with one decimal, rounded.
fmt_tenths() {
    local t=$((($1 * 10 + $2 / 2) / $2))
    echo "$((t / 10)).$((t % 10))"
}

if ((startup_only == 0)); then
    # --- 1. throwaway MariaDB (durable) --------------------------------------
    step "start throwaway MariaDB (durable)"
    mariadb_start --durable || fail "could not start the throwaway MariaDB (see above)"

    # --- 2. bulk import bench -------------------------------------------------
    step "cargo bench -p dataflow-server --bench bulk_import ${bench_args[*]:+-- ${bench_args[*]}}"
    if ((${#bench_args[@]} > 0)); then
        cargo bench -p dataflow-server --bench bulk_import -- "${bench_args[@]}" ||
            fail "cargo bench (bulk_import) failed (see above)"
    else
        cargo bench -p dataflow-server --bench bulk_import ||
            fail "cargo bench (bulk_import) failed (see above)"
    fi
    mariadb_stop

    # --- 2b. health under DSL load ----------------------------------------------
    step "cargo bench -p dataflow-server --bench health_under_load"
    cargo bench -p dataflow-server --bench health_under_load -- "${bench_args[@]}" ||
        fail "cargo bench (health_under_load) failed (see above)"
fi

# --- 3. release build -----------------------------------------------------------
step "cargo build --release -p dataflow-server"
cargo build --release -p dataflow-server || fail "release build failed (see above)"
bin="${CARGO_TARGET_DIR:-target}/release/dataflow-server"
[[ -x "$bin" ]] || fail "release binary not found at $bin after a successful build"

# --- 4. cold start and idle memory --------------------------------------------
# The cold-start figure is the wall time from just before spawning the server to
# the first successful `curl /about`. It includes creating the SQLite database
# file and running the migrations (each run uses a fresh, empty data dir), and
# it includes curl's own process start for the successful probe (plus up to one
# failed probe's duration), so it is an upper bound on the server's own time.
step "cold start and idle memory of $bin (5 runs)"
bench_tmp=$(mktemp -d "${TMPDIR:-/tmp}/dataflow-bench.XXXXXX")
runs=5
start_us=()
rss_kib=()
for ((i = 1; i <= runs; i++)); do
    run_dir="$bench_tmp/run$i"
    mkdir -p "$run_dir/data"
    log="$run_dir/server.log"
    port=$(free_port) || fail "no free port for run $i"

    t0=$(now_us)
    "$bin" serve --port "$port" --data-dir "$run_dir/data" </dev/null >"$log" 2>&1 &
    server_pid=$!
    deadline=$((t0 + 10000000))
    until curl -fsS -o /dev/null "http://127.0.0.1:$port/about" 2>/dev/null; do
        if ! alive "$server_pid"; then
            rc=0
            wait "$server_pid" || rc=$?
            server_pid=''
            echo "--- server log (run $i) ---" >&2
            tail -n 40 "$log" >&2 || true
            fail "run $i: dataflow-server exited (status $rc) before answering GET /about"
        fi
        if (($(now_us) > deadline)); then
            echo "--- server log (run $i) ---" >&2
            tail -n 40 "$log" >&2 || true
            fail "run $i: dataflow-server did not answer GET http://127.0.0.1:$port/about within 10 s"
        fi
    done
    t1=$(now_us)
    start_us+=($((t1 - t0)))

    sleep 2
    rss=''
    while IFS=$' \t' read -r key value _; do
        if [[ "$key" == VmRSS: ]]; then
            rss=$value
            break
        fi
    done <"/proc/$server_pid/status"
    [[ -n "$rss" ]] || fail "run $i: could not read VmRSS from /proc/$server_pid/status"
    rss_kib+=("$rss")

    kill -TERM "$server_pid"
    for ((w = 0; w < 100; w++)); do
        alive "$server_pid" || break
        sleep 0.1
    done
    if alive "$server_pid"; then
        echo "--- server log (run $i) ---" >&2
        tail -n 40 "$log" >&2 || true
        fail "run $i: dataflow-server still running 10 s after SIGTERM (no graceful shutdown)"
    fi
    rc=0
    wait "$server_pid" || rc=$?
    server_pid=''
    if ((rc != 0)); then
        echo "--- server log (run $i) ---" >&2
        tail -n 40 "$log" >&2 || true
        fail "run $i: dataflow-server exited with status $rc after SIGTERM (expected 0: graceful shutdown)"
    fi
    printf '    run %d: cold start %s ms, idle RSS %s MiB, exit status 0 after SIGTERM\n' \
        "$i" "$(fmt_tenths "${start_us[i - 1]}" 1000)" "$(fmt_tenths "$rss" 1024)"
done

echo ""
printf '    %-5s %22s %16s\n' run "cold start (ms)" "idle RSS (MiB)"
for ((i = 0; i < runs; i++)); do
    printf '    %-5s %22s %16s\n' "$((i + 1))" "$(fmt_tenths "${start_us[i]}" 1000)" "$(fmt_tenths "${rss_kib[i]}" 1024)"
done
echo ""
start_runs=''
rss_runs=''
for ((i = 0; i < runs; i++)); do
    start_runs+="${start_runs:+, }$(fmt_tenths "${start_us[i]}" 1000)"
    rss_runs+="${rss_runs:+, }$(fmt_tenths "${rss_kib[i]}" 1024)"
done
echo "==> cold start to first answered request: median $(fmt_tenths "$(median "${start_us[@]}")" 1000) ms (runs: $start_runs)"
echo "==> idle RSS: median $(fmt_tenths "$(median "${rss_kib[@]}")" 1024) MiB (runs: $rss_runs)"
echo ""
echo "==> benchmarks done"
