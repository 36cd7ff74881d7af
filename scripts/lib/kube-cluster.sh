#!/usr/bin/env bash
# shellcheck shell=bash
#
# scripts/lib/kube-cluster.sh — a throwaway, real Kubernetes control plane for
# tests, built from Go modules, with no container runtime.
#
# This file is SOURCED, not executed. It defines functions only; it does not
# change the caller's shell options (callers run with `set -euo pipefail`, and
# every function here is written to be safe under it).
#
# What runs: the real etcd, kube-apiserver, kube-controller-manager and
# kube-scheduler, plus kwok, which plays the kubelet of one fake node: it
# writes node and pod status according to the kwok "stages" in
# scripts/lib/kwok/stages.yaml (see that file for what pods do). No container
# ever runs: there is no exec, no probes and no real pod IP. Logs are fixed:
# GET .../pods/<pod>/log (kubectl logs, kube::Api::<Pod>::logs) of any
# container of any pod on a kwok node returns the lines of
# scripts/lib/kwok/container.log (with ?previous=true those of
# container-previous.log), served by kwok's kubelet-like server through the
# apiserver; see _kube_cluster_kwok_logs_config.
#
# Usage:
#   source scripts/lib/kube-cluster.sh
#   trap kube_cluster_stop EXIT
#   kube_cluster_build         # once per machine; later calls reuse the cache
#   kube_cluster_start
#   ... use "$DATAFLOW_TEST_KUBECONFIG" ...
#
# Functions:
#   kube_cluster_build
#       Builds kube-apiserver, kube-controller-manager, kube-scheduler, etcd and
#       kwok with the machine's Go (GOTOOLCHAIN=local, CGO_ENABLED=0) into
#       $KUBE_CLUSTER_BIN ("${DATAFLOW_CACHE:-$HOME/.cache/dataflow}/k8s-<version>/bin").
#       A complete cache (the stamp file .complete, written last, naming the
#       versions below) is reused without running Go or touching the network.
#       Go's module and build caches live in "$DATAFLOW_CACHE/go/" too. A cold
#       build downloads ~0.85 GB of modules, leaves ~3.5 GB of Go build cache
#       and ~350 MB of binaries, and took 11-12 minutes on 2 busy cores.
#   kube_cluster_start
#       Picks free 127.0.0.1 ports (below the kernel's ephemeral range), makes a CA, an admin certificate (O
#       system:masters) and a service-account key with openssl in a temp dir,
#       starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler and
#       kwok (logs in the temp dir, <component>.log), creates the fake node
#       "kwok-node-0" and waits until it is Ready and the "default" namespace
#       has its ServiceAccount. Exports:
#         DATAFLOW_TEST_KUBECONFIG  path of an admin kubeconfig
#         KUBE_CLUSTER_TMPDIR       the temp dir (certs, etcd data, logs)
#         KUBE_CLUSTER_API_PORT     the apiserver's secure port on 127.0.0.1
#       When a component finds its port taken (a race with another program),
#       starts again on other ports, up to 3 times. On any other failure prints
#       the tail of the failing component's log and returns 1 (what was started
#       stays until kube_cluster_stop).
#   kube_cluster_save_logs DIR
#       Copies the components' logs (<component>.log) into DIR, e.g. before a
#       failing script exits and kube_cluster_stop deletes them.
#   kube_cluster_stop
#       Stops every process kube_cluster_start started (SIGTERM, then SIGKILL)
#       and removes the temp dir. Idempotent; safe in an EXIT trap even if
#       kube_cluster_start failed halfway or was never called.
#
# Needs: Go >= 1.26 (to build; not to start from a complete cache), openssl,
# curl; the Go module proxy the first time.

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    echo "scripts/lib/kube-cluster.sh is a library: source it, do not run it" >&2
    echo "  e.g.  source scripts/lib/kube-cluster.sh; trap kube_cluster_stop EXIT; kube_cluster_build && kube_cluster_start" >&2
    exit 1
fi

# --- pinned versions (the one place to change them) ----------------------------
# Kubernetes: the newest 1.36 patch release the Go proxy serves; its staging
#   modules (k8s.io/api, ...) are used at v0.<minor>.<patch>. Kubernetes'
#   go.mod says `go 1.26.0`, so the machine's Go 1.26 builds it.
# etcd: the version Kubernetes v1.36.3's own go.mod requires for
#   go.etcd.io/etcd/server/v3; built inside the same throwaway module, so it
#   changes nothing in Kubernetes' dependency graph and shares its compiled
#   packages (gRPC, protobuf, ...).
# kwok: the newest release; it supports Kubernetes 1.36 and needs Go 1.26.
KUBE_CLUSTER_K8S_VERSION=v1.36.3
KUBE_CLUSTER_ETCD_VERSION=v3.6.8
KUBE_CLUSTER_KWOK_VERSION=v0.8.0

_KUBE_CLUSTER_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KUBE_CLUSTER_CACHE="${DATAFLOW_CACHE:-$HOME/.cache/dataflow}"
KUBE_CLUSTER_BIN="$KUBE_CLUSTER_CACHE/k8s-$KUBE_CLUSTER_K8S_VERSION/bin"
_KUBE_CLUSTER_BINARIES=(kube-apiserver kube-controller-manager kube-scheduler etcd kwok)

# --- helpers ----------------------------------------------------------------

_kube_cluster_err() {
    echo "ERROR (kube-cluster): $*" >&2
}

# The content of the stamp file of a complete cache for the pinned versions.
_kube_cluster_stamp_text() {
    echo "kubernetes=$KUBE_CLUSTER_K8S_VERSION etcd=$KUBE_CLUSTER_ETCD_VERSION kwok=$KUBE_CLUSTER_KWOK_VERSION"
}

# True if $KUBE_CLUSTER_BIN holds all binaries of the pinned versions.
_kube_cluster_cache_complete() {
    local stamp="$KUBE_CLUSTER_BIN/.complete" b
    [[ -f "$stamp" && "$(head -n 1 "$stamp")" == "$(_kube_cluster_stamp_text)" ]] || return 1
    for b in "${_KUBE_CLUSTER_BINARIES[@]}"; do
        [[ -x "$KUBE_CLUSTER_BIN/$b" ]] || return 1
    done
}

# Runs go (niced: others build on this machine too) with the caches under
# $KUBE_CLUSTER_CACHE/go, the machine's toolchain only, and static binaries.
_kube_cluster_go() {
    env GOMODCACHE="$KUBE_CLUSTER_CACHE/go/mod" \
        GOCACHE="$KUBE_CLUSTER_CACHE/go/build" \
        GOPATH="$KUBE_CLUSTER_CACHE/go/path" \
        GOTOOLCHAIN=local GOFLAGS=-buildvcs=false CGO_ENABLED=0 GOWORK=off \
        nice -n 10 go "$@"
}

# --- build --------------------------------------------------------------------

kube_cluster_build() {
    if _kube_cluster_cache_complete; then
        echo "==> Kubernetes $KUBE_CLUSTER_K8S_VERSION binaries cached in $KUBE_CLUSTER_BIN"
        return 0
    fi
    command -v go >/dev/null 2>&1 || {
        _kube_cluster_err "go not found in PATH; Go >= 1.26 is needed to build the test cluster's binaries"
        return 1
    }
    local go_version
    go_version=$(go env GOVERSION) || return 1
    echo "==> building Kubernetes $KUBE_CLUSTER_K8S_VERSION, etcd $KUBE_CLUSTER_ETCD_VERSION and kwok $KUBE_CLUSTER_KWOK_VERSION with $go_version into $KUBE_CLUSTER_BIN"
    echo "    (once per machine; a cold build takes tens of minutes and needs the Go module proxy)"

    local root="$KUBE_CLUSTER_CACHE/k8s-$KUBE_CLUSTER_K8S_VERSION"
    local module="$root/module" staging_version gomod
    # Staging modules are tagged v0.<minor>.<patch> for Kubernetes v1.<minor>.<patch>.
    staging_version="v0.${KUBE_CLUSTER_K8S_VERSION#v1.}"
    rm -rf -- "$module" "$KUBE_CLUSTER_BIN.partial"
    mkdir -p "$module" "$KUBE_CLUSTER_BIN.partial" || return 1

    # k8s.io/kubernetes requires its staging modules at v0.0.0 and maps them to
    # ./staging/src/... with replace directives, which a dependent module does
    # not inherit (and `go install pkg@version` refuses). So: a throwaway
    # module that requires k8s.io/kubernetes and replaces every staging module
    # with its published version. The list comes from Kubernetes' own go.mod.
    gomod=$(cd "$module" && _kube_cluster_go mod download -json "k8s.io/kubernetes@$KUBE_CLUSTER_K8S_VERSION" |
        sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p') || true
    if [[ -z "$gomod" || ! -f "$gomod" ]]; then
        _kube_cluster_err "could not download k8s.io/kubernetes@$KUBE_CLUSTER_K8S_VERSION from the Go module proxy"
        return 1
    fi
    local -a staging
    mapfile -t staging < <(sed -n 's#^[[:space:]]*\(k8s\.io/[A-Za-z0-9._-]*\)[[:space:]]*=>[[:space:]]*\./staging/.*#\1#p' "$gomod")
    if ((${#staging[@]} < 10)); then
        _kube_cluster_err "found only ${#staging[@]} staging modules in $gomod; its replace block changed shape"
        return 1
    fi
    {
        echo "// Generated by scripts/lib/kube-cluster.sh to build the test cluster; throwaway."
        echo "module dataflow.invalid/kube-cluster-build"
        echo ""
        echo "go $(sed -n 's/^go \([0-9.]*\)$/\1/p' "$gomod")"
        echo ""
        echo "require ("
        echo "	k8s.io/kubernetes $KUBE_CLUSTER_K8S_VERSION"
        echo "	go.etcd.io/etcd/server/v3 $KUBE_CLUSTER_ETCD_VERSION"
        echo ")"
        echo ""
        echo "replace ("
        local m
        for m in "${staging[@]}"; do
            echo "	$m => $m $staging_version"
        done
        echo ")"
    } >"$module/go.mod"
    echo "==> throwaway module $module/go.mod: ${#staging[@]} staging modules replaced with $staging_version"

    # Explicit versions everywhere: a bare `go get pkg` would mean @upgrade.
    local -a tools=(
        "k8s.io/kubernetes/cmd/kube-apiserver@$KUBE_CLUSTER_K8S_VERSION"
        "k8s.io/kubernetes/cmd/kube-controller-manager@$KUBE_CLUSTER_K8S_VERSION"
        "k8s.io/kubernetes/cmd/kube-scheduler@$KUBE_CLUSTER_K8S_VERSION"
        "go.etcd.io/etcd/server/v3@$KUBE_CLUSTER_ETCD_VERSION"
    )
    if ! (cd "$module" && _kube_cluster_go get -tool "${tools[@]}"); then
        _kube_cluster_err "go get -tool in $module failed (see above)"
        return 1
    fi

    local minor ldflags
    minor=${KUBE_CLUSTER_K8S_VERSION#v1.}
    minor=${minor%%.*}
    ldflags="-s -w"
    ldflags+=" -X k8s.io/component-base/version.gitVersion=$KUBE_CLUSTER_K8S_VERSION"
    ldflags+=" -X k8s.io/component-base/version.gitMajor=1"
    ldflags+=" -X k8s.io/component-base/version.gitMinor=$minor"
    ldflags+=" -X k8s.io/component-base/version.gitTreeState=clean"
    ldflags+=" -X k8s.io/component-base/version.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    local cmd
    for cmd in kube-apiserver kube-controller-manager kube-scheduler; do
        echo "==> go build $cmd"
        if ! (cd "$module" && _kube_cluster_go build -trimpath -ldflags "$ldflags" \
            -o "$KUBE_CLUSTER_BIN.partial/$cmd" "k8s.io/kubernetes/cmd/$cmd"); then
            _kube_cluster_err "building $cmd failed (see above)"
            return 1
        fi
    done
    # etcd's main package is the root of its server module: always name -o.
    echo "==> go build etcd"
    if ! (cd "$module" && _kube_cluster_go build -trimpath -ldflags "-s -w" \
        -o "$KUBE_CLUSTER_BIN.partial/etcd" go.etcd.io/etcd/server/v3); then
        _kube_cluster_err "building etcd failed (see above)"
        return 1
    fi
    # kwok is its own module without replace directives: plain go install,
    # outside the module above (it must not see Kubernetes' replaces).
    echo "==> go install kwok"
    if ! (cd "$root" && GOBIN="$KUBE_CLUSTER_BIN.partial" _kube_cluster_go install -trimpath -ldflags "-s -w" \
        "sigs.k8s.io/kwok/cmd/kwok@$KUBE_CLUSTER_KWOK_VERSION"); then
        _kube_cluster_err "building kwok failed (see above)"
        return 1
    fi

    local b
    for b in "${_KUBE_CLUSTER_BINARIES[@]}"; do
        [[ -x "$KUBE_CLUSTER_BIN.partial/$b" ]] || {
            _kube_cluster_err "$b was not built"
            return 1
        }
    done
    rm -rf -- "$KUBE_CLUSTER_BIN"
    mv -- "$KUBE_CLUSTER_BIN.partial" "$KUBE_CLUSTER_BIN" || return 1
    # Written last: its presence means the cache is complete.
    {
        _kube_cluster_stamp_text
        echo "built with $go_version on $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    } >"$KUBE_CLUSTER_BIN/.complete"
    echo "==> built into $KUBE_CLUSTER_BIN: $("$KUBE_CLUSTER_BIN/kube-apiserver" --version)"
}

# --- start / stop ---------------------------------------------------------------

# State of the running cluster (globals: the functions run in the caller's shell).
_KUBE_CLUSTER_PORTS_TAKEN=()  # ports picked by this start, never handed out twice
_KUBE_CLUSTER_PORT=''
_KUBE_CLUSTER_PIDS=()         # started processes, oldest first
_KUBE_CLUSTER_NAMES=()        # their component names (log file names)
KUBE_CLUSTER_TMPDIR=${KUBE_CLUSTER_TMPDIR:-}

# _kube_cluster_pick_port: set _KUBE_CLUSTER_PORT to a port that nothing on
# 127.0.0.1 accepts connections on and that this start has not picked yet.
# (A variable, not output: $(...) would forget what was picked.) Ports come
# from 20000 up to just below the kernel's ephemeral range: the components'
# own loopback connections (apiserver -> etcd, ...) take ephemeral ports and
# could otherwise grab a picked port before its component binds it. Still
# racy against other programs; kube_cluster_start retries on a bind failure.
_kube_cluster_pick_port() {
    local attempt port rc low=20000 high=45000 ephemeral_low
    if read -r ephemeral_low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null &&
        ((ephemeral_low > low + 1000)); then
        high=$((ephemeral_low - 1))
    fi
    for ((attempt = 0; attempt < 200; attempt++)); do
        port=$((low + (RANDOM * 32768 + RANDOM) % (high - low + 1)))
        [[ " ${_KUBE_CLUSTER_PORTS_TAKEN[*]} " == *" $port "* ]] && continue
        rc=0
        timeout 2 bash -c ": </dev/tcp/127.0.0.1/$port" >/dev/null 2>&1 || rc=$?
        if ((rc == 1)); then
            _KUBE_CLUSTER_PORTS_TAKEN+=("$port")
            _KUBE_CLUSTER_PORT=$port
            return 0
        fi
    done
    _kube_cluster_err "no free TCP port found on 127.0.0.1 in $low-$high after 200 tries"
    return 1
}

# _kube_cluster_alive PID: true if PID exists and is not a zombie.
_kube_cluster_alive() {
    local pid=$1 stat
    [[ -n "$pid" && -r "/proc/$pid/stat" ]] || return 1
    { read -r stat <"/proc/$pid/stat"; } 2>/dev/null || return 1
    stat=${stat##*) }
    [[ "${stat:0:1}" != Z ]]
}

# _kube_cluster_ours PID: true if PID is alive and its command line names our
# temp dir (every component gets a path inside it; guards against pid reuse).
_kube_cluster_ours() {
    local pid=$1
    _kube_cluster_alive "$pid" || return 1
    [[ -n "${KUBE_CLUSTER_TMPDIR:-}" ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$KUBE_CLUSTER_TMPDIR/"
}

# _kube_cluster_spawn NAME COMMAND...: start COMMAND in the background with
# its output in $KUBE_CLUSTER_TMPDIR/NAME.log; remember its pid.
_kube_cluster_spawn() {
    local name=$1
    shift
    "$@" </dev/null >"$KUBE_CLUSTER_TMPDIR/$name.log" 2>&1 &
    local pid=$!
    _KUBE_CLUSTER_NAMES+=("$name")
    _KUBE_CLUSTER_PIDS+=("$pid")
    echo "$pid $name" >>"$KUBE_CLUSTER_TMPDIR/pids"
}

# _kube_cluster_log_tail NAME: print the end of NAME's log to stderr.
_kube_cluster_log_tail() {
    local log="$KUBE_CLUSTER_TMPDIR/$1.log"
    _kube_cluster_err "last lines of $log:"
    tail -n 40 "$log" >&2 2>/dev/null || true
}

# _kube_cluster_check_alive: fail if a started component died: 2 if it lost
# its port to another program, else 1 (showing its log).
_kube_cluster_check_alive() {
    local i
    for i in "${!_KUBE_CLUSTER_PIDS[@]}"; do
        if ! _kube_cluster_alive "${_KUBE_CLUSTER_PIDS[$i]}"; then
            if grep -q 'address already in use' "$KUBE_CLUSTER_TMPDIR/${_KUBE_CLUSTER_NAMES[$i]}.log" 2>/dev/null; then
                echo "==> ${_KUBE_CLUSTER_NAMES[$i]} could not bind its port (taken since it was picked):"
                grep -m 1 'address already in use' "$KUBE_CLUSTER_TMPDIR/${_KUBE_CLUSTER_NAMES[$i]}.log" | cut -c 1-300
                return 2
            fi
            _kube_cluster_err "${_KUBE_CLUSTER_NAMES[$i]} exited during startup"
            _kube_cluster_log_tail "${_KUBE_CLUSTER_NAMES[$i]}"
            return 1
        fi
    done
}

# _kube_cluster_api METHOD PATH [curl args...]: an admin request to the apiserver.
_kube_cluster_api() {
    local method=$1 path=$2
    shift 2
    curl -sS --max-time 10 --cacert "$KUBE_CLUSTER_TMPDIR/pki/ca.crt" \
        --cert "$KUBE_CLUSTER_TMPDIR/pki/admin.crt" --key "$KUBE_CLUSTER_TMPDIR/pki/admin.key" \
        -X "$method" "https://127.0.0.1:$KUBE_CLUSTER_API_PORT$path" "$@"
}

# _kube_cluster_wait SECONDS WHAT NAME COMMAND...: poll COMMAND every 0.5 s
# until it succeeds; fail after SECONDS (showing NAME's log), or at once if a
# component died (with the status of _kube_cluster_check_alive).
_kube_cluster_wait() {
    local seconds=$1 what=$2 name=$3 deadline
    shift 3
    deadline=$((SECONDS + seconds))
    while ((SECONDS < deadline)); do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        _kube_cluster_check_alive || return
        sleep 0.5
    done
    _kube_cluster_err "$what did not happen within $seconds s"
    _kube_cluster_log_tail "$name"
    return 1
}

# _kube_cluster_pki DIR: a CA, one certificate for the apiserver and every
# client (CN dataflow-admin, O system:masters: all rights through RBAC), and a
# service-account signing key pair.
_kube_cluster_pki() {
    local dir=$1
    mkdir -p "$dir" || return 1
    cat >"$dir/admin.ext" <<'EXT'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster.local, DNS:localhost, IP:127.0.0.1, IP:::1
EXT
    {
        openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
            -keyout "$dir/ca.key" -out "$dir/ca.crt" -subj "/CN=dataflow-test-ca" \
            -addext "basicConstraints=critical,CA:TRUE" \
            -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" &&
            openssl req -newkey rsa:2048 -nodes -sha256 \
                -keyout "$dir/admin.key" -out "$dir/admin.csr" \
                -subj "/O=system:masters/CN=dataflow-admin" &&
            openssl x509 -req -sha256 -days 3650 -in "$dir/admin.csr" \
                -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
                -extfile "$dir/admin.ext" -out "$dir/admin.crt" &&
            openssl genrsa -out "$dir/sa.key" 2048 &&
            openssl rsa -in "$dir/sa.key" -pubout -out "$dir/sa.pub"
    } >"$dir/openssl.log" 2>&1 || {
        _kube_cluster_err "openssl failed; its output:"
        tail -n 20 "$dir/openssl.log" >&2
        return 1
    }
}

# _kube_cluster_kubeconfig FILE: an admin kubeconfig with embedded credentials.
_kube_cluster_kubeconfig() {
    local pki="$KUBE_CLUSTER_TMPDIR/pki"
    cat >"$1" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: dataflow-test
  cluster:
    server: https://127.0.0.1:$KUBE_CLUSTER_API_PORT
    certificate-authority-data: $(base64 -w0 <"$pki/ca.crt")
users:
- name: dataflow-admin
  user:
    client-certificate-data: $(base64 -w0 <"$pki/admin.crt")
    client-key-data: $(base64 -w0 <"$pki/admin.key")
contexts:
- name: dataflow-test
  context:
    cluster: dataflow-test
    user: dataflow-admin
current-context: dataflow-test
KUBECONFIG
}

# _kube_cluster_kwok_logs_config FILE: a kwok ClusterLogs document for every
# pod (no selector) and every container (no container names): the logs of any
# container are the fixed file kwok/container.log (kwok/container-previous.log
# for ?previous=true). Generated, not a file in kwok/, because kwok makes a
# relative logsFile absolute against its working directory, which is the
# caller's. The files are in the CRI log format ("<RFC 3339 time> stdout F
# <text>"), which kwok's server parses like a kubelet; their times are fixed
# (2026-01-01), so sinceSeconds/sinceTime later than that filter every line
# out. follow=true sends the lines, then waits until the client hangs up.
_kube_cluster_kwok_logs_config() {
    cat >"$1" <<YAML
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterLogs
metadata:
  name: dataflow-test-logs
spec:
  logs:
  - logsFile: '$_KUBE_CLUSTER_LIB_DIR/kwok/container.log'
    previousLogsFile: '$_KUBE_CLUSTER_LIB_DIR/kwok/container-previous.log'
YAML
}

# _kube_cluster_node_ready NAME: true if node NAME has condition Ready=True.
_kube_cluster_node_ready() {
    _kube_cluster_api GET "/api/v1/nodes/$1" -f |
        tr -d ' \n' | grep -qE '"type":"Ready","status":"True"|"status":"True","type":"Ready"'
}

kube_cluster_start() {
    if [[ -n "${KUBE_CLUSTER_TMPDIR:-}" && -d "$KUBE_CLUSTER_TMPDIR" ]]; then
        _kube_cluster_err "kube_cluster_start: a test cluster is already running ($KUBE_CLUSTER_TMPDIR); call kube_cluster_stop first"
        return 1
    fi
    _kube_cluster_cache_complete || {
        _kube_cluster_err "the test cluster's binaries are not built (no complete cache in $KUBE_CLUSTER_BIN); run kube_cluster_build first"
        return 1
    }
    local tool
    for tool in openssl curl base64; do
        command -v "$tool" >/dev/null 2>&1 || {
            _kube_cluster_err "$tool not found in PATH (needed to start the test cluster)"
            return 1
        }
    done
    local started_at=$SECONDS attempt rc
    for ((attempt = 1; attempt <= 3; attempt++)); do
        rc=0
        _kube_cluster_start_once || rc=$?
        if ((rc == 0)); then
            echo "==> Kubernetes $KUBE_CLUSTER_K8S_VERSION test cluster up in $((SECONDS - started_at)) s: API https://127.0.0.1:$KUBE_CLUSTER_API_PORT, node kwok-node-0 Ready"
            echo "    kubeconfig $DATAFLOW_TEST_KUBECONFIG; logs in $KUBE_CLUSTER_TMPDIR/*.log"
            return 0
        fi
        ((rc == 2 && attempt < 3)) || break
        echo "==> lost a port race; starting again on other ports (attempt $((attempt + 1)) of 3)"
        kube_cluster_stop
    done
    ((rc != 2)) || _kube_cluster_err "components lost their ports to other programs 3 times; giving up"
    return 1
}

# _kube_cluster_start_once: one attempt of kube_cluster_start; returns 2 when
# a component could not bind its port, 1 on any other failure.
_kube_cluster_start_once() {
    KUBE_CLUSTER_TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/dataflow-kube.XXXXXX") || {
        _kube_cluster_err "mktemp -d failed"
        return 1
    }
    export KUBE_CLUSTER_TMPDIR
    _KUBE_CLUSTER_PIDS=()
    _KUBE_CLUSTER_NAMES=()
    _KUBE_CLUSTER_PORTS_TAKEN=()
    local tmp=$KUBE_CLUSTER_TMPDIR bin=$KUBE_CLUSTER_BIN pki="$KUBE_CLUSTER_TMPDIR/pki"
    echo "==> starting a Kubernetes $KUBE_CLUSTER_K8S_VERSION test cluster in $tmp"

    _kube_cluster_pki "$pki" || return 1

    local etcd_port etcd_peer_port kcm_port sched_port kwok_port
    _kube_cluster_pick_port || return 1
    etcd_port=$_KUBE_CLUSTER_PORT
    _kube_cluster_pick_port || return 1
    etcd_peer_port=$_KUBE_CLUSTER_PORT
    _kube_cluster_pick_port || return 1
    KUBE_CLUSTER_API_PORT=$_KUBE_CLUSTER_PORT
    _kube_cluster_pick_port || return 1
    kcm_port=$_KUBE_CLUSTER_PORT
    _kube_cluster_pick_port || return 1
    sched_port=$_KUBE_CLUSTER_PORT
    _kube_cluster_pick_port || return 1
    kwok_port=$_KUBE_CLUSTER_PORT
    export KUBE_CLUSTER_API_PORT

    # 1. etcd: one member, no fsync (tests need no durability).
    _kube_cluster_spawn etcd "$bin/etcd" \
        --name=dataflow-test \
        --data-dir="$tmp/etcd" \
        --listen-client-urls="http://127.0.0.1:$etcd_port" \
        --advertise-client-urls="http://127.0.0.1:$etcd_port" \
        --listen-peer-urls="http://127.0.0.1:$etcd_peer_port" \
        --initial-advertise-peer-urls="http://127.0.0.1:$etcd_peer_port" \
        --initial-cluster="dataflow-test=http://127.0.0.1:$etcd_peer_port" \
        --initial-cluster-state=new \
        --unsafe-no-fsync=true \
        --quota-backend-bytes=2147483648 \
        --log-level=warn
    _kube_cluster_wait 30 "etcd answering /health" etcd \
        curl -sf --max-time 2 "http://127.0.0.1:$etcd_port/health" || return

    # 2. kube-apiserver: secure port only, on loopback; the admin certificate
    #    (O system:masters) has every right through RBAC. The requestheader
    #    flags give the controllers' delegated authentication its CA bundle
    #    (without them they log an error every few seconds). The kubelet
    #    flags are for pod logs: the apiserver connects to a node's InternalIP
    #    (kwok's --node-ip; the Hostname address "kwok-node-0" resolves
    #    nowhere) on its status.daemonEndpoints.kubeletEndpoint.Port (kwok's
    #    --node-port, where kwok's server listens with the admin certificate,
    #    which the CA checks), authenticating with the admin certificate.
    _kube_cluster_spawn kube-apiserver "$bin/kube-apiserver" \
        --etcd-servers="http://127.0.0.1:$etcd_port" \
        --bind-address=127.0.0.1 \
        --advertise-address=127.0.0.1 \
        --secure-port="$KUBE_CLUSTER_API_PORT" \
        --cert-dir="$tmp/apiserver-certs" \
        --tls-cert-file="$pki/admin.crt" \
        --tls-private-key-file="$pki/admin.key" \
        --client-ca-file="$pki/ca.crt" \
        --service-account-key-file="$pki/sa.pub" \
        --service-account-signing-key-file="$pki/sa.key" \
        --service-account-issuer=https://kubernetes.default.svc.cluster.local \
        --authorization-mode=Node,RBAC \
        --allow-privileged=true \
        --endpoint-reconciler-type=none \
        --service-cluster-ip-range=10.96.0.0/16 \
        --requestheader-client-ca-file="$pki/ca.crt" \
        --requestheader-allowed-names=dataflow-admin \
        --requestheader-username-headers=X-Remote-User \
        --requestheader-group-headers=X-Remote-Group \
        --requestheader-extra-headers-prefix=X-Remote-Extra- \
        --proxy-client-cert-file="$pki/admin.crt" \
        --proxy-client-key-file="$pki/admin.key" \
        --kubelet-preferred-address-types=InternalIP \
        --kubelet-certificate-authority="$pki/ca.crt" \
        --kubelet-client-certificate="$pki/admin.crt" \
        --kubelet-client-key="$pki/admin.key" \
        --enable-priority-and-fairness=false \
        --profiling=false
    _kube_cluster_wait 90 "the apiserver answering /readyz" kube-apiserver \
        _kube_cluster_api GET /readyz -f || return
    _kube_cluster_kubeconfig "$tmp/kubeconfig" || return 1

    # 3. kube-controller-manager: all default controllers; signs service-account
    #    tokens with the key the apiserver verifies them with.
    _kube_cluster_spawn kube-controller-manager "$bin/kube-controller-manager" \
        --kubeconfig="$tmp/kubeconfig" \
        --authentication-kubeconfig="$tmp/kubeconfig" \
        --authorization-kubeconfig="$tmp/kubeconfig" \
        --bind-address=127.0.0.1 \
        --secure-port="$kcm_port" \
        --cert-dir="$tmp/kcm-certs" \
        --root-ca-file="$pki/ca.crt" \
        --service-account-private-key-file="$pki/sa.key" \
        --cluster-signing-cert-file="$pki/ca.crt" \
        --cluster-signing-key-file="$pki/ca.key" \
        --leader-elect=false \
        --authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics \
        --profiling=false

    # 4. kube-scheduler
    _kube_cluster_spawn kube-scheduler "$bin/kube-scheduler" \
        --kubeconfig="$tmp/kubeconfig" \
        --authentication-kubeconfig="$tmp/kubeconfig" \
        --authorization-kubeconfig="$tmp/kubeconfig" \
        --bind-address=127.0.0.1 \
        --secure-port="$sched_port" \
        --cert-dir="$tmp/scheduler-certs" \
        --leader-elect=false \
        --authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics \
        --profiling=false

    # 5. kwok: the kubelet of every node; what it does is in kwok/stages.yaml.
    #    HOME is the temp dir so that no ~/.kwok/kwok.yaml is read. Its server
    #    (--server-address, the node's kubelet port) serves pod logs, as the
    #    ClusterLogs in kwok-logs.yaml says.
    mkdir -p "$tmp/kwok-home" || return 1
    _kube_cluster_kwok_logs_config "$tmp/kwok-logs.yaml" || return 1
    _kube_cluster_spawn kwok env HOME="$tmp/kwok-home" "$bin/kwok" \
        --kubeconfig="$tmp/kubeconfig" \
        --config="$_KUBE_CLUSTER_LIB_DIR/kwok/stages.yaml" \
        --config="$tmp/kwok-logs.yaml" \
        --manage-all-nodes=true \
        --node-lease-duration-seconds=40 \
        --cidr=10.0.0.0/16 \
        --node-ip=127.0.0.1 \
        --node-name=localhost \
        --node-port="$kwok_port" \
        --server-address="127.0.0.1:$kwok_port" \
        --tls-cert-file="$pki/admin.crt" \
        --tls-private-key-file="$pki/admin.key"

    _kube_cluster_wait 60 "kube-controller-manager answering /healthz" kube-controller-manager \
        curl -sf --max-time 2 -k "https://127.0.0.1:$kcm_port/healthz" || return
    _kube_cluster_wait 60 "kube-scheduler answering /healthz" kube-scheduler \
        curl -sf --max-time 2 -k "https://127.0.0.1:$sched_port/healthz" || return

    # 6. the fake node (no taints: pods need no toleration), Ready through kwok.
    local node=kwok-node-0
    if ! _kube_cluster_api POST /api/v1/nodes -f -H 'Content-Type: application/json' -o /dev/null -d '{
        "apiVersion": "v1", "kind": "Node",
        "metadata": {
          "name": "'"$node"'",
          "labels": {"type": "kwok", "kubernetes.io/hostname": "'"$node"'",
                     "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64"},
          "annotations": {"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0"}
        }
      }'; then
        _kube_cluster_err "could not create node $node"
        _kube_cluster_log_tail kube-apiserver
        return 1
    fi
    _kube_cluster_wait 60 "node $node becoming Ready" kwok \
        _kube_cluster_node_ready "$node" || return
    # kwok gives the node room for 1,000 pods; benchmarks run more (3,000 for
    # 1,000 three-app streams). kwok keeps a capacity the node already has.
    if ! _kube_cluster_api PATCH "/api/v1/nodes/$node/status" -f -o /dev/null \
        -H 'Content-Type: application/merge-patch+json' \
        -d '{"status": {"capacity": {"pods": "10000"}, "allocatable": {"pods": "10000"}}}'; then
        _kube_cluster_err "could not raise the pod capacity of node $node"
        return 1
    fi
    # Pods are refused until the controller made a namespace's default
    # ServiceAccount: wait for the first one to know the controller works.
    _kube_cluster_wait 60 "the ServiceAccount default/default appearing" kube-controller-manager \
        _kube_cluster_api GET /api/v1/namespaces/default/serviceaccounts/default -f || return

    DATAFLOW_TEST_KUBECONFIG="$tmp/kubeconfig"
    export DATAFLOW_TEST_KUBECONFIG
}

kube_cluster_save_logs() {
    local dir=$1
    [[ -n "${KUBE_CLUSTER_TMPDIR:-}" && -d "$KUBE_CLUSTER_TMPDIR" ]] || return 0
    mkdir -p "$dir" || return 1
    cp -- "$KUBE_CLUSTER_TMPDIR"/*.log "$dir/"
}

kube_cluster_stop() {
    local i pid name waited
    # Newest first, one at a time (kwok, scheduler, controller-manager,
    # apiserver, etcd): the apiserver shuts down quickly only while etcd runs.
    for ((i = ${#_KUBE_CLUSTER_PIDS[@]} - 1; i >= 0; i--)); do
        pid=${_KUBE_CLUSTER_PIDS[$i]}
        name=${_KUBE_CLUSTER_NAMES[$i]}
        if _kube_cluster_ours "$pid"; then
            kill -TERM "$pid" 2>/dev/null || true
            for ((waited = 0; waited < 150; waited++)); do
                _kube_cluster_alive "$pid" || break
                sleep 0.1
            done
            if _kube_cluster_ours "$pid"; then
                echo "==> $name (pid $pid) still running 15 s after SIGTERM; sending SIGKILL" >&2
                kill -KILL "$pid" 2>/dev/null || true
            fi
        fi
        # Reap it if it is our (dead) child; no-op otherwise.
        if ! _kube_cluster_alive "$pid"; then
            wait "$pid" 2>/dev/null || true
        fi
    done
    if [[ -n "${KUBE_CLUSTER_TMPDIR:-}" && -d "$KUBE_CLUSTER_TMPDIR" ]]; then
        rm -rf -- "$KUBE_CLUSTER_TMPDIR"
    fi
    _KUBE_CLUSTER_PIDS=()
    _KUBE_CLUSTER_NAMES=()
    KUBE_CLUSTER_TMPDIR=''
    unset DATAFLOW_TEST_KUBECONFIG KUBE_CLUSTER_API_PORT
    return 0
}
