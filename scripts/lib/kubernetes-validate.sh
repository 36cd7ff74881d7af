#!/usr/bin/env bash
# scripts/lib/kubernetes-validate.sh — the independent Kubernetes schema
# validator used by the test suite; sourced, not run.
#
#   kubernetes_validate_install
#       Makes sure the PyPI package kubernetes-validate (pinned below) is
#       installed in a virtualenv of its own under
#       ${DATAFLOW_TOOLS_DIR:-$HOME/.cache/dataflow-tools}, and exports
#       DATAFLOW_KUBERNETES_VALIDATE=<path of its CLI>. The package carries the
#       Kubernetes OpenAPI schemas, so validating needs no network; installing
#       needs PyPI once. Python 3 is installed with apt-get when missing and
#       running as root.

KUBERNETES_VALIDATE_VERSION=1.35.0

kubernetes_validate_install() {
    local tools="${DATAFLOW_TOOLS_DIR:-$HOME/.cache/dataflow-tools}"
    local venv="$tools/kubernetes-validate-$KUBERNETES_VALIDATE_VERSION"
    local cli="$venv/bin/kubernetes-validate"
    if [[ ! -x "$cli" ]]; then
        if ! command -v python3 >/dev/null 2>&1; then
            if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
                apt-get update -qq && apt-get install -y -qq python3 python3-venv >/dev/null ||
                    { echo "could not install python3 with apt-get" >&2; return 1; }
            else
                echo "python3 is needed to validate manifests; install python3 and python3-venv" >&2
                return 1
            fi
        fi
        rm -rf "$venv"
        mkdir -p "$tools"
        python3 -m venv "$venv" ||
            { echo "python3 -m venv failed (on Debian: apt-get install python3-venv)" >&2; return 1; }
        "$venv/bin/pip" install --quiet --disable-pip-version-check \
            "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" ||
            { echo "pip could not install kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" >&2; return 1; }
    fi
    "$cli" --version >/dev/null 2>&1 ||
        { echo "$cli does not run" >&2; return 1; }
    export DATAFLOW_KUBERNETES_VALIDATE="$cli"
}
