# shellcheck shell=bash
# Sourced by the shell integration tests (tests/integration/*/*_test.sh; bash): the test bed they run
# against, the checks they count, and the retries and waits they share.
#
#   require_test_bed             FAILS (exit 1) unless SWARMOP_TEST_DOCKER_HOST is set (testbed.sh up exports it)
#   use_test_bed                 DOCKER_HOST is the bed, nothing redirects swarmop or docker, $DOCKER is the CLI
#   check NAME COMMAND...        counts in $passed/$failed and prints "ok   NAME" or "FAIL NAME"
#   run NAME ARGS...             runs $SWARMOP ARGS...: stdout/stderr/exit code in $OUT/NAME.{out,err,rc}
#   rc NAME, has FILE TEXT       the exit code run kept; whether $OUT/FILE holds TEXT
#   retry N COMMAND...           up to N tries, a second apart, output dropped
#   wait_for SECONDS COMMAND...  until COMMAND succeeds, trying every $WAIT_FOR_EVERY seconds (2 unless set)
passed=0
failed=0

require_test_bed() {
  [ -n "${SWARMOP_TEST_DOCKER_HOST:-}" ] && return 0
  echo "FAIL: SWARMOP_TEST_DOCKER_HOST is not set: start the test bed (tests/testbed/testbed.sh up)"
  exit 1
}

use_test_bed() {
  export DOCKER_HOST=$SWARMOP_TEST_DOCKER_HOST
  unset SWARMOP_ENV DOCKER_TLS_VERIFY DOCKER_CERT_PATH DOCKER_API_VERSION
  # shellcheck disable=SC2034  # $DOCKER is for the test that sources this
  DOCKER=${TESTBED_DOCKER_CLI:-/usr/bin/docker}
}

check() {  # check NAME CONDITION-COMMAND...
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $name"; else failed=$((failed + 1)); echo "FAIL $name"; fi
}

run() {  # run NAME ARGS...: stdout/stderr/exit code in $OUT/NAME.{out,err,rc}
  local name=$1; shift
  "$SWARMOP" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
  echo $? >"$OUT/$name.rc"
}
rc() { cat "$OUT/$1.rc"; }
has() { grep -q -- "$2" "$OUT/$1"; }

retry() {  # retry N COMMAND...: up to N tries, a second apart
  local n=$1; shift
  for _ in $(seq "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  return 1
}

wait_for() {  # SECONDS COMMAND...
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do [ $SECONDS -ge $deadline ] && return 1; sleep "${WAIT_FOR_EVERY:-2}"; done
}
