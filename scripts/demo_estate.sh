# Sourced by scripts/demo.sh: the estate's real workloads on the private 3-node swarm. PostgreSQL 15 and the
# Django identity API (images built from Debian packages by `make images`) serve at every site; accounts
# written at Douala and Yaounde reach the cloud through logical replication.
# Uses SWARMOP, DOCKER, ROOT, BUILD_DIR, BED_DIR and step() from demo.sh.

# The network namespace of a site's node (testbed.sh's state file: "site <site> <netns> <veth> <ip>").
node_netns() { awk -v s="$1" '$1 == "site" && $2 == s { print $3 }' "$BED_DIR/state"; }

# api SITE METHOD PATH [JSON]: the identity API on the site's node (host-mode port 8000), from inside that
# node's network namespace, as a client at the site would reach it.
api() {
  local site=$1 method=$2 path=$3 body=${4:-}
  local -a data=()
  [ -n "$body" ] && data=(-H 'Content-Type: application/json' --data "$body")
  nsenter --net="/var/run/netns/$(node_netns "$site")" curl -sS -m 10 -X "$method" "${data[@]}" \
    "http://127.0.0.1:8000$path"
}

healthy() { api "$1" GET /healthz 2>/dev/null | grep -q '"status": "ok"'; }
every_site_serving() { healthy cloud && healthy douala && healthy yaounde; }

# The value of "key" in a one-object JSON answer.
json_field() { sed -n "s/.*\"$1\": \"\\([^\"]*\\)\".*/\\1/p"; }

in_cloud() { api cloud GET "/accounts/$1" 2>/dev/null | grep -q "\"id\": \"$1\""; }

# wait_for SECONDS DESCRIPTION COMMAND...: polls every 0.2 s, quietly; fails the demo on timeout.
wait_for() {
  local limit=$1 what=$2 start=$EPOCHREALTIME
  shift 2
  until "$@"; do
    if (($(printf '%.0f' "$(bc <<<"$EPOCHREALTIME - $start")") >= limit)); then
      echo "  FAILED: $what not within ${limit}s" >&2
      return 1
    fi
    sleep 0.2
  done
  printf '  %s after %.2f s\n' "$what" "$(bc <<<"$EPOCHREALTIME - $start")"
}

demo_load_images() {
  step "loading the estate's images into every node (images/load.sh; no registry here)"
  local hosts=()
  for site in cloud douala yaounde; do hosts+=("unix://$BED_DIR/$site/docker.sock"); done
  "$ROOT/images/load.sh" --dir "$BUILD_DIR/images" "${hosts[@]}"
  "$DOCKER" image ls --format '  {{.Repository}}:{{.Tag}}  {{.Size}}' | grep local/
}

demo_create_secrets() {
  step "creating the estate's secrets (docker secret create: swarmop names secrets, never makes or reads them)"
  for name in users-db-password identity-secret-key swarmop-api-token; do
    head -c 24 /dev/urandom | base64 | tr -d '/+=\n' | "$DOCKER" secret create "$name" - >/dev/null
    echo "  $name"
  done
  # swarmop's own network (manifests/swarmop-stack.yaml takes it as external); unencrypted on the test bed,
  # whose kernel carries no IPsec between nodes.
  "$DOCKER" network create -d overlay --attachable swarmop-ops >/dev/null
  echo "  network swarmop-ops"
}

# A copy of manifests/demo whose prometheus spec reads this bed's cloud engine socket.
demo_manifests_for_bed() {
  local dir=$BED_DIR/manifests
  cp -r "$ROOT/manifests/demo" "$dir"
  sed -i "s|swarmop.io/docker-socket: .*|swarmop.io/docker-socket: $BED_DIR/cloud/docker.sock|" "$dir/prometheus.yaml"
  echo "$dir"
}

prometheus_up() {
  local container
  container=$("$DOCKER" ps -q --filter label=com.docker.swarm.service.name=prometheus-cloud | head -n 1)
  [ -n "$container" ] && "$DOCKER" exec "$container" promtool query instant http://127.0.0.1:9090 "$1"
}
every_target_up() { [ "$(prometheus_up up | grep -c '=> 1 @')" -ge 4 ]; }

demo_prometheus() {
  step "Prometheus (in the swarm, config rendered by the prometheus profile) scrapes swarmop and the API at every site"
  wait_for 120 "swarmop and the three API tasks up in Prometheus" every_target_up || true
  prometheus_up up | sed -E 's/^/  /; s/ @\[.*//'
}

demo_estate_serving() {
  step "waiting for the identity API to serve at every site (PostgreSQL up, base backups, migrations)"
  local start=$SECONDS
  until every_site_serving; do
    if ((SECONDS - start > 240)); then
      echo "  FAILED: not every site serves after 240 s" >&2
      return 1
    fi
    printf '  %3ds  cloud %s, douala %s, yaounde %s\n' $((SECONDS - start)) \
      "$(healthy cloud && echo serving || echo starting)" "$(healthy douala && echo serving || echo starting)" \
      "$(healthy yaounde && echo serving || echo starting)"
    sleep 3
  done
  echo "  every site serves, $((SECONDS - start)) s after apply returned"
  "$DOCKER" service ls --format '  {{.Name}}  {{.Replicas}}' | grep -E 'users-db|identity-api' | sort
}

demo_estate_writes() {
  step "writing an account at douala and at yaounde; each reaches the cloud through logical replication"
  local site answer id
  for site in douala yaounde; do
    answer=$(api "$site" POST /accounts "{\"username\": \"demo-$site\", \"email\": \"demo@$site.cm\"}")
    echo "  POST /accounts at $site -> $answer"
    id=$(json_field id <<<"$answer")
    wait_for 30 "account $id in the cloud" in_cloud "$id"
  done
  echo "  GET /accounts at cloud (reads the primary):"
  api cloud GET "/accounts?limit=5" | sed 's/^/    /'
  echo
  echo "  GET /accounts at douala (reads douala's streaming read replica: yaounde's row is there too):"
  api douala GET "/accounts?limit=5" | sed 's/^/    /'
  echo
}

# During the failover act: douala is cut off; its API keeps writing to its local writer.
DEMO_PARTITIONED_IDS=()
demo_estate_write_while_cut() {
  step "douala is cut off: its API keeps taking writes (its local writer is on its own node)"
  local i answer id
  for i in 1 2 3 4 5; do
    answer=$(api douala POST /accounts "{\"username\": \"written-while-cut-$i\"}")
    id=$(json_field id <<<"$answer")
    [ -n "$id" ] || { echo "  FAILED: POST at douala while cut off: $answer" >&2; return 1; }
    DEMO_PARTITIONED_IDS+=("$id")
  done
  echo "  5 accounts written at douala: ${DEMO_PARTITIONED_IDS[*]}"
  in_cloud "${DEMO_PARTITIONED_IDS[0]}" && echo "  (unexpected: already in the cloud)" ||
    echo "  none of them is in the cloud yet (the link is cut)"
}

demo_estate_catch_up() {
  step "douala's link is back: the rows written while it was cut arrive in the cloud"
  local id
  for id in "${DEMO_PARTITIONED_IDS[@]}"; do
    wait_for 180 "account $id in the cloud" in_cloud "$id"
  done
}
