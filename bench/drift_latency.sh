#!/usr/bin/env bash
# Drift-correction latency of watch mode: a manual `docker service scale` of an owned service, timed until
# swarmop has put the replica count back. Runs the integration test's DriftCorrectionLatency case (the
# operator in-process, events + resync) against a private test bed, TRIALS times, and prints p50/p99.
#
#   bench/drift_latency.sh BUILD_DIR [TRIALS=20]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:?usage: $0 BUILD_DIR [TRIALS]}" && pwd)
TRIALS=${2:-20}
TEST=$BUILD/tests/integration/reconciler/integration_controller
TESTBED=$ROOT/tests/testbed/testbed.sh
[ -x "$TEST" ] || { echo "build the integration_controller target first" >&2; exit 2; }
BED=$(mktemp -d /tmp/swarmop-drift.XXXXXX)
cleanup() { "$TESTBED" down --dir "$BED" >/dev/null 2>&1 || true; }
trap cleanup EXIT

eval "$("$TESTBED" up --dir "$BED" 2>/dev/null)"
SWARMOP_DRIFT_TRIALS=$TRIALS GLOG_minloglevel=1 "$TEST" --gtest_filter='*DriftCorrectionLatency*' |
  grep 'drift correction latency'
