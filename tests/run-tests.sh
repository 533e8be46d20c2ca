#!/usr/bin/env bash
# Runs swarmop's test tiers against a CMake build folder:
#   1. unit tier: every ctest test WITHOUT the label "integration" (no engine needed);
#   2. integration tier: every test WITH the label "integration", against a real swarm.
# For tier 2 it starts a private swarm with tests/testbed/testbed.sh and always tears it down, unless
# SWARMOP_TEST_DOCKER_HOST already names a DISPOSABLE swarm chosen by the user (then that one is used as is).
# Never skips: an engine that cannot start, or a tier with no tests, is a failure.
#
#   tests/run-tests.sh BUILD_DIR
# Environment: SWARMOP_TEST_DOCKER_HOST (optional, see above), SWARMOP_TEST_TIMEOUT (seconds per test, 900).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TESTBED=$HERE/testbed/testbed.sh
TIMEOUT=${SWARMOP_TEST_TIMEOUT:-900}   # per test: a hung test must not eat CI's whole time budget

say() { printf '\n=== %s\n' "$*"; }

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
BUILD_DIR=$(cd "$1" 2>/dev/null && pwd) || { echo "run-tests: no build folder '$1' (build first: make build)" >&2; exit 2; }
[ -f "$BUILD_DIR/CTestTestfile.cmake" ] || { echo "run-tests: $BUILD_DIR has no CTestTestfile.cmake: not a configured build with tests" >&2; exit 2; }

LOGS=$(mktemp -d /tmp/swarmop-run-tests.XXXXXX)
BED_DIR=""
CTEST_PID=""
declare -A RESULT COUNTS

cleanup() {
  local rc=$?
  if [ -n "$CTEST_PID" ] && kill -0 "$CTEST_PID" 2>/dev/null; then
    echo "run-tests: interrupted: stopping ctest and its tests (process group $CTEST_PID)" >&2
    kill -TERM -- "-$CTEST_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 -- "-$CTEST_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$CTEST_PID" 2>/dev/null || true
  fi
  if [ -n "$BED_DIR" ]; then
    say "tearing down the test bed"
    "$TESTBED" down --dir "$BED_DIR" || { echo "run-tests: WARNING: test bed teardown failed; see $BED_DIR" >&2; rc=1; }
  fi
  rm -rf "$LOGS"
  exit "$rc"
}
trap cleanup EXIT
# Make Ctrl-C and SIGTERM go through the EXIT trap, so the private dockerd never outlives the run.
trap 'exit 130' INT
trap 'exit 143' TERM

# run_tier NAME CTEST-ARGS...: runs ctest, records PASSED/FAILED and the "N passed, N failed" counts.
run_tier() {
  local name=$1 rc line passed failed total
  shift
  # ctest runs in the background and we `wait` for it, so that a SIGTERM/SIGINT to this script is handled at
  # once (the trap kills ctest, then tears the test bed down) instead of after the running test ends.
  # setsid: ctest and its tests get a process group of their own, which the trap can end as a whole.
  setsid ctest --test-dir "$BUILD_DIR" --output-on-failure --no-tests=error --timeout "$TIMEOUT" "$@" \
    > >(tee "$LOGS/$name.log") 2>&1 &
  CTEST_PID=$!
  set +e
  wait "$CTEST_PID"
  rc=$?
  set -e
  CTEST_PID=""
  wait 2>/dev/null || true   # let tee flush the log before it is read
  # ctest's closing line: "100% tests passed, 0 tests failed out of 7"
  line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$LOGS/$name.log" | tail -n 1 || true)
  if [ -n "$line" ]; then
    failed=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
    total=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")
    passed=$((total - failed))
    COUNTS[$name]="$passed $failed"
  fi
  if [ "$rc" -eq 0 ]; then
    RESULT[$name]=PASSED
  elif grep -q 'No tests were found' "$LOGS/$name.log"; then
    echo "run-tests: the $name tier has NO tests registered: that is a failure, not a pass"
    RESULT[$name]="FAILED: no $name tests registered (ctest -L/-LE integration found none)"
  else
    RESULT[$name]="FAILED (ctest exit $rc)"
  fi
}

# ---- tier 1: unit
say "unit tier (ctest -LE integration)"
run_tier unit -LE integration -j "$(nproc)"

# ---- tier 2: integration, against a real swarm
say "integration tier (ctest -L integration)"
if [ -n "${SWARMOP_TEST_DOCKER_HOST:-}" ]; then
  echo "run-tests: using the swarm the caller named: SWARMOP_TEST_DOCKER_HOST=$SWARMOP_TEST_DOCKER_HOST (no test bed started)"
else
  # The folder is chosen here, not by the test bed, so the EXIT trap can always clean it up, even if the run
  # is interrupted while the test bed is starting.
  BED_DIR=$(mktemp -d /tmp/swarmop-testbed.XXXXXX)
  set +e
  bed_env=$("$TESTBED" up --dir "$BED_DIR")
  bed_rc=$?
  set -e
  if [ $bed_rc -ne 0 ]; then
    RESULT[integration]="FAILED: the test bed could not start a private swarm (testbed.sh exit $bed_rc, see above)"
  else
    eval "$bed_env"   # export SWARMOP_TEST_DOCKER_HOST, SWARMOP_TEST_BED_DIR, DOCKER_HOST
  fi
fi
if [ -z "${RESULT[integration]:-}" ]; then
  # Tests that shell out to the docker CLI must reach the test swarm, never the user's own engine.
  export DOCKER_HOST=$SWARMOP_TEST_DOCKER_HOST
  unset DOCKER_CONTEXT
  docker_cli=/usr/bin/docker; [ -x "$docker_cli" ] || docker_cli=docker
  if ! err=$("$docker_cli" version --format '{{.Server.Version}}' 2>&1 >/dev/null); then
    RESULT[integration]="FAILED: engine at $SWARMOP_TEST_DOCKER_HOST unreachable: $(tail -n 1 <<<"$err")"
  elif ! swarm_state=$("$docker_cli" info --format '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}' 2>&1); then
    RESULT[integration]="FAILED: engine at $SWARMOP_TEST_DOCKER_HOST: docker info failed: $swarm_state"
  elif [ "$swarm_state" != "active true" ]; then
    RESULT[integration]="FAILED: engine at $SWARMOP_TEST_DOCKER_HOST is not a swarm manager (state: $swarm_state)"
  else
    echo "run-tests: engine $SWARMOP_TEST_DOCKER_HOST is a swarm manager; running the integration tests"
    run_tier integration -L integration
  fi
fi

# ---- summary
say "summary"
overall=0
total_passed=0 total_failed=0
for tier in unit integration; do
  printf '  %-12s %s' "$tier" "${RESULT[$tier]}"
  if [ -n "${COUNTS[$tier]:-}" ]; then
    read -r p f <<<"${COUNTS[$tier]}"
    printf ' (%s passed, %s failed)' "$p" "$f"
    total_passed=$((total_passed + p)); total_failed=$((total_failed + f))
  fi
  printf '\n'
  [ "${RESULT[$tier]}" = PASSED ] || overall=1
done
[ $overall -eq 0 ] && echo "  ALL TIERS PASSED" || echo "  SOME TIER FAILED"
echo "tests: $total_passed passed, $total_failed failed"
exit $overall
