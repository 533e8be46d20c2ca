#!/usr/bin/env bash
# swarmop demo: starts a private 3-node swarm (tests/testbed/testbed.sh: nodes cloud, douala, yaounde labelled
# site=<name>) unless DOCKER_HOST names one, loads the estate's images (built from Debian packages by `make
# images`: no registry here) and creates its secrets, shows what swarmop sees of the engine, applies
# manifests/demo (the three sites, PostgreSQL replication users-db, the Django identity API, a busybox web
# front and worker) and waits for it to converge, lists the stored specs and the swarm's services, then
# shows that a second apply changes nothing. With the private swarm it then writes accounts at douala and
# yaounde and shows them reach the cloud, runs watch mode (`swarmop run`) and cuts douala's link: yaounde
# takes over douala's web replicas after the grace period, douala keeps taking writes, and on heal the
# replicas go back and the rows written while cut off arrive in the cloud.
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
  step "starting a private 3-node swarm (tests/testbed/testbed.sh up --nodes 3)"
  BED_DIR=$(mktemp -d /tmp/swarmop-testbed.XXXXXX)
  eval "$("$TESTBED" up --nodes 3 --dir "$BED_DIR")"   # exports DOCKER_HOST for swarmop and the docker CLI
fi

. "$ROOT/scripts/demo_estate.sh"
if [ -n "$BED_DIR" ]; then
  demo_load_images
  demo_create_secrets
fi

step "swarmop engine info"
"$SWARMOP" engine info

MANIFESTS=$ROOT/manifests/demo
if [ -n "$BED_DIR" ]; then
  MANIFESTS=$(demo_manifests_for_bed)
  echo "  (manifests/demo as applied here: $MANIFESTS, the prometheus spec's docker socket set to the bed's)"
fi

step "swarmop validate -f manifests/demo"
"$SWARMOP" validate -f "$MANIFESTS"

step "swarmop diff -f manifests/demo (exit 1: there is something to do)"
"$SWARMOP" diff -f "$MANIFESTS" || true

step "swarmop apply -f manifests/demo --wait"
apply_started=$SECONDS
"$SWARMOP" apply -f "$MANIFESTS" --wait --timeout 6m
echo "  converged in $((SECONDS - apply_started)) s"

step "swarmop get"
"$SWARMOP" get

step "docker service ls"
"$DOCKER" service ls

step "docker service ps web-douala (pinned to the douala node)"
"$DOCKER" service ps --format '{{.Name}}  {{.Node}}  {{.CurrentState}}' web-douala

step "swarmop apply again: nothing changes (zero writes)"
"$SWARMOP" apply -f "$MANIFESTS"

if [ -n "$BED_DIR" ]; then
  demo_estate_serving
  demo_estate_writes
  . "$ROOT/scripts/demo_failover.sh"
  demo_failover
  demo_prometheus
fi

step "demo done"
