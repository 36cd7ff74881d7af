#!/usr/bin/env bash
#
# scripts/test.sh — the one command that checks everything. CI runs exactly this
# (via .ci/run); run it locally before pushing.
#
# Usage:
#   scripts/test.sh
#
# Steps (each prints a "==> ..." heading; the first failure stops the run with
# a message saying what failed):
#   1. cargo fmt --check
#   2. cargo clippy (all targets, warnings are errors)
#   3. start a throwaway MariaDB (scripts/lib/mariadb.sh; stopped on exit)
#   4. cargo test --workspace: all normal tests (unit, SQLite, in-process REST)
#   5. the MariaDB suite: the #[ignore]d tests whose names contain `mariadb_`,
#      run against the throwaway MariaDB via DATAFLOW_TEST_MARIADB_URL; fails if
#      none of them ran
#   6. the Kubernetes cluster suite: builds (once per machine, cached) and
#      starts a throwaway Kubernetes control plane (scripts/lib/kube-cluster.sh:
#      etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok as
#      the kubelet; stopped on exit), then runs the #[ignore]d tests named
#      cluster_* of server/deployer/tests/cluster.rs against it via
#      DATAFLOW_TEST_KUBECONFIG; fails if none of them ran
#   7. Kubernetes schema validation: every rendered manifest snapshot of
#      server/deployer is checked by the PyPI validator kubernetes-validate
#      (scripts/lib/kubernetes-validate.sh installs it in a virtualenv); fails if
#      nothing was validated
#
# Needs: a Rust toolchain with rustfmt and clippy; Python 3 with venv and PyPI
# access the first time (installed with apt-get when missing, as root); MariaDB server binaries
# (mariadbd, mariadb-install-db, mariadb, mariadb-admin) — installed with
# apt-get automatically when running as root, otherwise install mariadb-server.
# A system MariaDB, if any, is never touched. For the cluster suite: openssl
# and curl, and Go >= 1.26 with the Go module proxy the first time on a
# machine (the cold build takes ~12 minutes on 2 cores and ~4.5 GB of disk;
# the binaries are cached in ${DATAFLOW_CACHE:-~/.cache/dataflow}/k8s-<version>/
# and reused without network).
#
# Environment: respects CARGO_TARGET_DIR and DATAFLOW_CACHE; sets
# RUST_BACKTRACE=1, and CARGO_TERM_COLOR=never when CI is set. The MariaDB and
# cluster suites' output is kept in <target dir>/test-logs/mariadb-suite.log and
# cluster-suite.log (and, when the cluster suite fails, the cluster's component
# logs in <target dir>/test-logs/cluster-logs/).

set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh

export RUST_BACKTRACE=1
if [[ -n "${CI:-}" ]]; then
    export CARGO_TERM_COLOR=never
fi

command -v cargo >/dev/null 2>&1 ||
    fail "cargo not found in PATH; install a Rust toolchain (https://rustup.rs)"
[[ -f Cargo.lock ]] ||
    fail "Cargo.lock is missing; it must be committed (create it with 'cargo generate-lockfile')"

# shellcheck source=scripts/lib/mariadb.sh
source scripts/lib/mariadb.sh
# shellcheck source=scripts/lib/kube-cluster.sh
source scripts/lib/kube-cluster.sh
trap 'kube_cluster_stop; mariadb_stop' EXIT

# --- 1. formatting ------------------------------------------------------------
step "cargo fmt --check"
cargo fmt --version >/dev/null 2>&1 ||
    fail "rustfmt is not installed; run 'rustup component add rustfmt'"
cargo fmt --all -- --check ||
    fail "code is not formatted; run 'cargo fmt --all' and commit the result"

# --- 2. lints -----------------------------------------------------------------
step "clippy"
cargo clippy --version >/dev/null 2>&1 ||
    fail "clippy is not installed; run 'rustup component add clippy'"
cargo clippy --workspace --all-targets --locked -- -D warnings ||
    fail "clippy reported warnings or errors (see above)"

# --- 3. throwaway MariaDB -----------------------------------------------------
step "start throwaway MariaDB"
# shellcheck disable=SC2119 # mariadb_start takes only --durable, not our args
mariadb_start || fail "could not start the throwaway MariaDB (see above)"

# Sums the "N passed" / "N failed" counts of every cargo "test result:" line in
# the log file $1 into the globals passed, failed and result_lines.
count_results() {
    passed=0
    failed=0
    result_lines=0
    local line
    while IFS= read -r line; do
        line=$(printf '%s' "$line" | sed 's/\x1b\[[0-9;]*m//g') # strip colour codes
        [[ "$line" == "test result:"* ]] || continue
        result_lines=$((result_lines + 1))
        if [[ "$line" =~ ([0-9]+)\ passed ]]; then
            passed=$((passed + BASH_REMATCH[1]))
        fi
        if [[ "$line" =~ ([0-9]+)\ failed ]]; then
            failed=$((failed + BASH_REMATCH[1]))
        fi
    done < <(grep 'test result:' "$1" || true)
}

log_dir="${CARGO_TARGET_DIR:-target}/test-logs"
mkdir -p "$log_dir"

# --- 4. normal tests ----------------------------------------------------------
step "cargo test (unit, SQLite, REST)"
main_log="$log_dir/main-suite.log"
set +e
cargo test --workspace --locked 2>&1 | tee "$main_log"
cargo_status=${PIPESTATUS[0]}
set -e
((cargo_status == 0)) || fail "cargo test --workspace failed (see above; full output in $main_log)"
count_results "$main_log"
main_passed=$passed
((main_passed > 0)) || fail "cargo test --workspace ran no test (full output in $main_log)"

# --- 5. MariaDB suite ---------------------------------------------------------
step "MariaDB suite (ignored tests named mariadb_*)"
log="$log_dir/mariadb-suite.log"
set +e
cargo test --workspace --locked -- --ignored mariadb_ 2>&1 | tee "$log"
cargo_status=${PIPESTATUS[0]}
set -e
count_results "$log"

if ((cargo_status != 0)); then
    if ((failed > 0)); then
        fail "the MariaDB suite failed: cargo test exited with status $cargo_status, $failed test(s) failed (full output in $log)"
    fi
    fail "the MariaDB suite failed: cargo test exited with status $cargo_status before any test failed (build error? full output in $log)"
fi
if ((failed > 0)); then
    fail "the MariaDB suite failed: $failed test(s) failed (full output in $log)"
fi
if ((passed == 0)); then
    fail "the MariaDB suite did not run: no test named mariadb_* passed ($result_lines 'test result:' lines in $log)"
fi
mariadb_passed=$passed
echo "==> MariaDB suite: $mariadb_passed tests passed"

# --- 6. Kubernetes cluster suite ------------------------------------------------
step "build the test cluster's Kubernetes binaries (cached)"
kube_cluster_build || fail "could not build the test cluster's binaries (see above)"
step "start a throwaway Kubernetes cluster"
kube_cluster_start || fail "could not start the throwaway Kubernetes cluster (see above)"
step "Kubernetes cluster suite (ignored tests named cluster_*)"
log="$log_dir/cluster-suite.log"
set +e
cargo test -p dataflow-deployer -p dataflow-server --locked --test cluster -- --ignored cluster_ 2>&1 | tee "$log"
cargo_status=${PIPESTATUS[0]}
set -e
count_results "$log"
if ((cargo_status != 0 || failed > 0)); then
    # The cluster's directory goes on exit: keep its components' logs.
    kube_cluster_save_logs "$log_dir/cluster-logs" || true
    if ((failed > 0)); then
        fail "the cluster suite failed: $failed test(s) failed (full output in $log; the cluster's component logs in $log_dir/cluster-logs/)"
    fi
    fail "the cluster suite failed: cargo test exited with status $cargo_status before any test failed (build error? full output in $log)"
fi
((passed > 0)) ||
    fail "the cluster suite did not run: no test named cluster_* passed ($result_lines 'test result:' lines in $log)"
cluster_passed=$passed
echo "==> cluster suite: $cluster_passed tests passed"
kube_cluster_stop

# --- 7. Kubernetes schema validation -----------------------------------------
step "Kubernetes schema validation of the rendered manifests"
# shellcheck source=scripts/lib/kubernetes-validate.sh
source scripts/lib/kubernetes-validate.sh
kubernetes_validate_install || fail "could not install the schema validator (see above)"
log="$log_dir/schema-suite.log"
set +e
cargo test -p dataflow-deployer --locked --test schema -- --ignored --nocapture 2>&1 | tee "$log"
cargo_status=${PIPESTATUS[0]}
set -e
count_results "$log"
((cargo_status == 0 && failed == 0)) ||
    fail "rendered manifests do not validate against the Kubernetes schema (full output in $log)"
((passed > 0)) || fail "the schema validation ran no test (full output in $log)"
schema_passed=$passed

# --- 8. later checks ----------------------------------------------------------
# Later checks go here, before the final lines, each with
# its own `step "..."` heading and a `|| fail "..."` message:
#   - browser (UI end-to-end) tests
# The throwaway MariaDB is still running at this point if a check needs it.

echo ""
echo "==> all checks passed ($main_passed tests on SQLite and in-process, $mariadb_passed on MariaDB, $cluster_passed on the Kubernetes test cluster, $schema_passed schema validation)"
# The closing totals line, in the plain form CI reads.
echo "tests: $((main_passed + mariadb_passed + cluster_passed + schema_passed)) passed, 0 failed"
