#!/usr/bin/env bash
# scripts/lib/common.sh — helpers shared by the scripts; sourced, not run.
#   fail MESSAGE   print "FAILED: MESSAGE" to stderr and exit 1
#   step HEADING   print a "==> HEADING" step heading

fail() {
    echo "" >&2
    echo "FAILED: $*" >&2
    exit 1
}

step() {
    echo ""
    echo "==> $*"
}
