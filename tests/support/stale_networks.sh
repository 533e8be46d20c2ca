# shellcheck shell=bash
# Sourced by the shell integration tests that share the CI bed (bash).
# A swarmop network an earlier test removed lingers for seconds (Swarm deletes it once its tasks are gone), and
# a plan made against it fails with "network ... not found"; an estate network another test left may also
# differ from this test's sites (e.g. encrypted). With no service left on the bed, remove swarmop's networks
# and wait until none is listed; with services left (another test's), leave them alone.
#
#   wait_for_no_stale_swarmop_networks DOCKER_CLI [SECONDS]   (returns 1 when they are still there)
stale_swarmop_networks_gone() {  # DOCKER_CLI
  local docker=$1 stale
  [ -n "$("$docker" service ls -q)" ] && return 0
  stale=$("$docker" network ls -q --filter label=io.swarmop.managed-by=swarmop)
  [ -z "$stale" ] && return 0
  echo "$stale" | xargs -r "$docker" network rm >/dev/null 2>&1
  return 1
}

wait_for_no_stale_swarmop_networks() {  # DOCKER_CLI [SECONDS]
  local deadline=$((SECONDS + ${2:-60}))
  until stale_swarmop_networks_gone "$1"; do
    [ $SECONDS -ge $deadline ] && return 1
    sleep 2
  done
}
