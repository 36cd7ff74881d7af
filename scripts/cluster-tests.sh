#!/usr/bin/env bash
#
# scripts/cluster-tests.sh — runs the Kubernetes cluster tests
# (server/deployer/tests/cluster.rs and server/app/tests/cluster.rs, the
# #[ignore]d tests named cluster_*) against the cluster of your current
# kubeconfig: kind, minikube, k3d, a real one. scripts/test.sh runs the same tests against a throwaway control plane
# it starts itself; use this script to check that they hold on a real kubelet.
#
# Usage:
#   scripts/cluster-tests.sh [TEST NAME FILTER ...]
#       e.g.  scripts/cluster-tests.sh
#             KUBECONFIG=~/.kube/kind scripts/cluster-tests.sh cluster_job
#
# The kubeconfig is $KUBECONFIG (its first file if it lists several) or
# ~/.kube/config, with its current context. Each test creates a namespace
# dataflow-test-<what>-<random>, deletes it when it passes, and leaves it for
# inspection when it fails. The pods run busybox:1.37 (pulled by the cluster),
# so the cluster needs to reach an image registry or have that image loaded
# (kind: `kind load docker-image busybox:1.37`). The CronJob test waits for the
# next full minute. The kubeconfig's user needs rights to create namespaces
# and, in them, Deployments, StatefulSets, Services, Jobs, CronJobs and Pods.
# The stream tests (the server binary's, and the deployer's ticktock ones)
# deploy Spring Cloud Stream app images (dev.local/*, springcloudstream/*):
# on a real kubelet they pass only where those images can be pulled and become
# ready (their actuator health answering, their broker reachable); the test
# control plane's kwok marks pods ready without running them. The crash-loop
# cases rely on kwok's dataflow.test/outcome marker there.
#
# Needs: a Rust toolchain. Environment: respects CARGO_TARGET_DIR.

set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh

command -v cargo >/dev/null 2>&1 ||
    fail "cargo not found in PATH; install a Rust toolchain (https://rustup.rs)"

kubeconfig=${KUBECONFIG:-$HOME/.kube/config}
kubeconfig=${kubeconfig%%:*}
[[ -f "$kubeconfig" ]] ||
    fail "no kubeconfig at '$kubeconfig': set KUBECONFIG or create ~/.kube/config (kind and minikube write it)"
export DATAFLOW_TEST_KUBECONFIG="$kubeconfig"

filters=("$@")
((${#filters[@]} > 0)) || filters=(cluster_)

step "cluster tests against $kubeconfig"
cargo test -p dataflow-deployer -p dataflow-server --locked --test cluster -- --ignored "${filters[@]}" ||
    fail "cluster tests failed against $kubeconfig (see above; a failed test's namespace is left for inspection)"
