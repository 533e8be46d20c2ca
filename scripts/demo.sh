#!/usr/bin/env bash
# swarmop demo (SKELETON): starts a private swarm (tests/testbed/testbed.sh) unless DOCKER_HOST names one,
# shows what swarmop sees of the engine, then lists the swarm's services.
#
#   scripts/demo.sh BUILD_DIR [--keep]
#     --keep   leave the private swarm running afterwards (prints how to reach it and tear it down)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TESTBED=$ROOT/tests/testbed/testbed.sh

step() { printf '\n==> %s\n' "$*"; }

KEEP=0
BUILD_DIR=""
for arg in "$@"; do
  case "$arg" in
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) [ -z "$BUILD_DIR" ] || { echo "demo: one BUILD_DIR only" >&2; exit 2; }; BUILD_DIR=$arg ;;
  esac
done
[ -n "$BUILD_DIR" ] || { echo "usage: $0 BUILD_DIR [--keep]" >&2; exit 2; }
SWARMOP=$(cd "$BUILD_DIR" 2>/dev/null && pwd)/swarmop
[ -x "$SWARMOP" ] || { echo "demo: $BUILD_DIR/swarmop not found: build first (make build)" >&2; exit 2; }
DOCKER=/usr/bin/docker; [ -x "$DOCKER" ] || DOCKER=docker

BED_DIR=""
teardown() {
  local rc=$?
  if [ -n "$BED_DIR" ]; then
    if [ "$KEEP" = 1 ] && [ "$rc" -eq 0 ]; then
      step "the private swarm keeps running (--keep)"
      echo "  reach it:    eval \"\$($TESTBED env --dir $BED_DIR)\""
      echo "  tear down:   $TESTBED down --dir $BED_DIR"
    else
      step "tearing down the private swarm"
      "$TESTBED" down --dir "$BED_DIR" || rc=1
    fi
  fi
  exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -n "${DOCKER_HOST:-}" ]; then
  step "using the engine DOCKER_HOST names: $DOCKER_HOST (no private swarm started)"
else
  step "starting a private swarm (tests/testbed/testbed.sh up)"
  BED_DIR=$(mktemp -d /tmp/swarmop-testbed.XXXXXX)
  eval "$("$TESTBED" up --dir "$BED_DIR")"   # exports DOCKER_HOST for swarmop and the docker CLI
fi

step "swarmop engine info"
"$SWARMOP" engine info

# ---------------------------------------------------------------------------------------------------------
# TODO(demo): apply the reference estate once `swarmop apply` exists, and show it converge:
#   step "swarmop apply -f manifests/ --wait"
#   "$SWARMOP" apply -f "$ROOT/manifests/" --wait
# ---------------------------------------------------------------------------------------------------------

step "docker service ls"
"$DOCKER" service ls

step "demo done"
