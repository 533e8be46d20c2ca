# Sourced by scripts/demo.sh: watch mode and a site going dark on the private 3-node swarm. swarmop runs as
# users run it: a Swarm service on the cloud manager (manifests/swarmop-stack.yaml, image local/swarmop:dev
# from `make images`). Uses SWARMOP, DOCKER, TESTBED, BED_DIR, ROOT and step() from demo.sh. Short grace and
# hold-down periods so the demo takes about a minute; production defaults are 60 s and 2 min.

GRACE=8s
HOLD=5s

# Desired replicas of a Swarm service, or "-" when it cannot be read.
replicas_of() { "$DOCKER" service inspect --format '{{.Spec.Mode.Replicated.Replicas}}' "$1" 2>/dev/null || echo -; }

# Running tasks of a Swarm service on the node named $2.
running_on() {
  "$DOCKER" service ps --filter desired-state=running --format '{{.Node}} {{.CurrentState}}' "$1" 2>/dev/null |
    grep -c "^$2 Running" || true
}

# wait_until SECONDS DESCRIPTION COMMAND...: polls every second, printing progress; fails the demo on timeout.
wait_until() {
  local limit=$1 what=$2 start=$SECONDS
  shift 2
  until "$@"; do
    if (( SECONDS - start >= limit )); then
      echo "  FAILED: $what not reached within ${limit}s" >&2
      return 1
    fi
    printf '  %3ds  web-yaounde wants %s replicas, %s running on yaounde; web-douala wants %s\n' \
      $((SECONDS - start)) "$(replicas_of web-yaounde)" "$(running_on web-yaounde yaounde)" "$(replicas_of web-douala)"
    sleep 1
  done
  echo "  $what after $((SECONDS - start))s"
}

# A label of the web spec's config (docker config inspect).
web_spec_label() {
  local id
  id=$("$DOCKER" config ls --filter label=io.swarmop.name=web --format '{{.ID}}' | head -1)
  [ -n "$id" ] && "$DOCKER" config inspect --format "{{index .Spec.Labels \"$1\"}}" "$id"
}
web_spec_failed_over() { [ "$(web_spec_label io.swarmop.status.failed-over)" = True ]; }
web_spec_not_failed_over() { [ -z "$(web_spec_label io.swarmop.status.failed-over)" ]; }

yaounde_carries_douala() { [ "$(replicas_of web-yaounde)" = 4 ] && [ "$(running_on web-yaounde yaounde)" -ge 4 ]; }
declared_split_back() {
  [ "$(replicas_of web-yaounde)" = 2 ] && [ "$(running_on web-yaounde yaounde)" = 2 ] &&
    [ "$(running_on web-douala douala)" = 2 ]
}

OPERATOR=swarmop_swarmop
operator_container() { "$DOCKER" ps -q --filter "label=com.docker.swarm.service.name=$OPERATOR" | head -n 1; }
operator_running() { [ -n "$(operator_container)" ]; }
operator_log() { "$DOCKER" service logs --raw "$OPERATOR" 2>&1; }
operator_metrics() { "$DOCKER" exec "$(operator_container)" wget -q -O - http://127.0.0.1:8080/metrics; }

demo_failover() {
  step "swarmop as a Swarm service on the cloud manager (docker stack deploy -c manifests/swarmop-stack.yaml;" \
    "failover grace $GRACE, failback hold-down $HOLD)"
  SWARMOP_IMAGE=local/swarmop:dev SWARMOP_DOCKER_SOCKET="$BED_DIR/cloud/docker.sock" SWARMOP_RESYNC=10s \
    SWARMOP_FAILOVER_GRACE="$GRACE" SWARMOP_FAILBACK_HOLD="$HOLD" \
    "$DOCKER" stack deploy --resolve-image never -c "$ROOT/manifests/swarmop-stack.yaml" swarmop
  wait_until 60 "swarmop's task runs" operator_running
  sleep 3
  "$SWARMOP" get sites

  step "cutting douala's link (testbed.sh partition douala)"
  "$TESTBED" partition douala --dir "$BED_DIR"
  demo_estate_write_while_cut
  wait_until 90 "yaounde carries douala's replicas (web-yaounde 2 -> 4)" yaounde_carries_douala
  "$SWARMOP" get sites || true
  wait_until 20 "the web spec shows its FailedOver condition" web_spec_failed_over
  echo "    io.swarmop.status.failover=$(web_spec_label io.swarmop.status.failover)"
  operator_log | grep -E "FailoverStarted|failover in effect" | sed 's/^/  log: /' | head -4

  step "healing douala's link (testbed.sh heal douala)"
  "$TESTBED" heal douala --dir "$BED_DIR"
  wait_until 120 "back to the declared split (2 at douala, 2 at yaounde)" declared_split_back
  demo_estate_catch_up
  wait_until 20 "the FailedOver condition is gone from the web spec" web_spec_not_failed_over
  operator_log | grep -E "FailbackCompleted|Failback|no takeover" | sed 's/^/  log: /' | head -4
  operator_metrics | grep -E "^swarmop_(failovers|failbacks)_total|^swarmop_leader" | sed 's/^/  metric: /'
}
