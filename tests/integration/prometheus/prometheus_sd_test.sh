#!/usr/bin/env bash
# A REAL Prometheus (Debian's /usr/bin/prometheus, in an image made here from busybox + the binary + libc) as
# the `profile: prometheus` Service swarmop renders, on the private swarm (tests/testbed/). It must find,
# through dockerswarm_sd_configs and the rendered relabelling, the tasks of a Service labelled
# prometheus.io/scrape and a stand-in for swarmop's own service (labelled like manifests/swarmop-stack.yaml,
# on swarmop-ops), scrape them (health up, site/service labels), load the rules, and roll when the estate
# gains a scraped Service. Reads SWARMOP_TEST_DOCKER_HOST (a unix socket) and FAILS when it is unset.
#
#   prometheus_sd_test.sh SWARMOP_BINARY REPO_ROOT
set -uo pipefail

SWARMOP=$1
# shellcheck source=../../support/checks.sh
source "$(dirname "$0")/../../support/checks.sh"  # check, run, retry, wait_for, the test bed
require_test_bed
case $SWARMOP_TEST_DOCKER_HOST in
  unix://*) SOCK=${SWARMOP_TEST_DOCKER_HOST#unix://} ;;
  *) echo "FAIL: SWARMOP_TEST_DOCKER_HOST=$SWARMOP_TEST_DOCKER_HOST: this test bind-mounts the manager's unix socket"; exit 1 ;;
esac
for tool in /usr/bin/prometheus curl python3 nsenter; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (make deps installs Debian's prometheus, curl)"; exit 1; }
done
use_test_bed
OUT=$(mktemp -d /tmp/swarmop-prometheus-test.XXXXXX)
IMAGE=local/prometheus-test:1
LABEL=swarmop-prom-test
NODE=""
CREATED_OPS=0
SPECS="prom promapi promweb promtest"


no_task_containers() { [ -z "$("$DOCKER" ps -aq --filter label=com.docker.swarm.service.name)" ]; }
cleanup() {
  "$DOCKER" service rm prom-test-operator >/dev/null 2>&1
  for owner in prom promapi promweb; do
    "$DOCKER" service ls -q --filter "label=io.swarmop.owner-name=$owner" | xargs -r "$DOCKER" service rm >/dev/null 2>&1
  done
  for name in $SPECS; do
    "$DOCKER" config ls -q --filter label=io.swarmop.role=spec --filter "label=io.swarmop.name=$name" \
      | xargs -r "$DOCKER" config rm >/dev/null 2>&1
  done
  retry 60 no_task_containers
  for owner in prom promapi promweb; do
    "$DOCKER" config ls -q --filter "label=io.swarmop.owner-name=$owner" | xargs -r "$DOCKER" config rm >/dev/null 2>&1
  done
  retry 20 "$DOCKER" network rm swarmop-promtest
  "$DOCKER" network rm swarmop-estate >/dev/null 2>&1  # refused while another test's services use it
  [ $CREATED_OPS = 1 ] && retry 20 "$DOCKER" network rm swarmop-ops
  [ -n "$NODE" ] && "$DOCKER" node update --label-rm "$LABEL" "$NODE" >/dev/null 2>&1
  retry 20 "$DOCKER" volume rm prom-promtest-data
  rm -rf "$OUT"
}
trap cleanup EXIT

# --- an image holding the real Prometheus: busybox, /usr/bin/prometheus and the libc it links
root=$OUT/image
mkdir -p "$root"/{bin,etc,tmp,usr/bin,lib/x86_64-linux-gnu,lib64}
chmod 1777 "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
for a in sh mkdir printf httpd; do ln -sf busybox "$root/bin/$a"; done
cp /usr/bin/prometheus "$root/usr/bin/prometheus"
for lib in $(ldd /usr/bin/prometheus | grep -o '/[^ ]*'); do mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"; done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
tar -C "$root" -c . | "$DOCKER" import - "$IMAGE" >/dev/null
check "the Prometheus image is imported" test -n "$("$DOCKER" image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null)"

# --- the node is the site; swarmop's own service stand-in on swarmop-ops
NODE=$("$DOCKER" node ls -q --filter role=manager | head -n 1)
"$DOCKER" node update --label-add "$LABEL=yes" "$NODE" >/dev/null
if ! "$DOCKER" network inspect swarmop-ops >/dev/null 2>&1; then
  # Not encrypted: this kernel carries no IPsec between nodes (tests/testbed/README.md).
  "$DOCKER" network create -d overlay --attachable swarmop-ops >/dev/null && CREATED_OPS=1
fi
"$DOCKER" service create -d --name prom-test-operator --network swarmop-ops \
  --label io.swarmop.component=operator --label prometheus.io/scrape=true --label prometheus.io/port=8080 \
  --label prometheus.io/path=/metrics --constraint "node.labels.$LABEL==yes" local/busybox:1 \
  sh -c 'mkdir -p /w && printf "# TYPE swarmop_leader gauge\nswarmop_leader 1\n" >/w/metrics && exec httpd -f -p 8080 -h /w' \
  >/dev/null 2>&1
check "the swarmop stand-in is created" test -n "$("$DOCKER" service inspect -f '{{.ID}}' prom-test-operator 2>/dev/null)"

# --- the estate: one site, a scraped Service, the prometheus Service
mkdir -p "$OUT/estate"
metrics_service() {  # NAME VALUE: a Service serving "<NAME>_requests_total VALUE" on :8000/metrics
  cat <<YAML
---
apiVersion: swarmop.io/v1alpha1
kind: Service
metadata: {name: $1}
spec:
  image: local/busybox:1
  command: [sh, -c, 'mkdir -p /w && printf "app_requests_total $2\\n" >/w/metrics && exec httpd -f -p 8000 -h /w']
  sites: {promtest: {replicas: 2}}
  labels: {prometheus.io/scrape: "true", prometheus.io/port: "8000"}
YAML
}
{
  cat <<YAML
apiVersion: swarmop.io/v1alpha1
kind: Site
metadata: {name: promtest}
spec: {role: cloud, nodeSelector: {$LABEL: "yes"}, network: {encrypted: false}}
---
apiVersion: swarmop.io/v1alpha1
kind: Service
metadata:
  name: prom
  annotations: {swarmop.io/docker-socket: "$SOCK"}
spec:
  profile: prometheus
  image: $IMAGE
  sites: {promtest: {replicas: 1}}
  networks: [swarmop-ops]
YAML
  metrics_service promapi 7
} >"$OUT/estate/estate.yaml"

"$SWARMOP" apply -f "$OUT/estate" --wait --timeout 120s >"$OUT/apply.out" 2>&1
rc=$?
check "apply converges the estate with the prometheus Service (exit $rc)" test $rc = 0
[ $rc = 0 ] || cat "$OUT/apply.out"

prom_pid() {
  local id
  id=$("$DOCKER" ps -q --filter label=com.docker.swarm.service.name=prom-promtest | head -n 1)
  [ -n "$id" ] && "$DOCKER" inspect -f '{{.State.Pid}}' "$id"
}
api() {  # PATH: GET on Prometheus inside its task's network namespace
  local pid
  pid=$(prom_pid) || return 1
  [ -n "$pid" ] && nsenter --net="/proc/$pid/ns/net" curl -sf "http://127.0.0.1:9090$1"
}
# jobs_up JOB=N...: every JOB has N active targets, all up
jobs_up() {
  api /api/v1/targets >"$OUT/targets.json" 2>/dev/null || return 1
  python3 - "$OUT/targets.json" "$@" <<'PY'
import json, sys
targets = json.load(open(sys.argv[1]))["data"]["activeTargets"]
for want in sys.argv[2:]:
    job, n = want.split("=")
    mine = [t for t in targets if t["labels"]["job"] == job]
    if len(mine) != int(n) or any(t["health"] != "up" for t in mine):
        sys.exit(1)
PY
}
WAIT_FOR_EVERY=3  # wait_for (tests/support/checks.sh): Prometheus scrapes every few seconds

start=$SECONDS
check "Prometheus scrapes both promapi tasks and the swarmop stand-in (health up)" \
  wait_for 150 jobs_up promapi=2 swarmop=1
echo "     (targets up after $((SECONDS - start)) s)"
check "promapi targets carry site, service, swarm_service, node; task IP on :8000" python3 - "$OUT/targets.json" <<'PY'
import json, sys
targets = [t for t in json.load(open(sys.argv[1]))["data"]["activeTargets"] if t["labels"]["job"] == "promapi"]
ok = all(t["labels"].get("site") == "promtest" and t["labels"].get("service") == "promapi"
         and t["labels"].get("swarm_service") == "promapi-promtest" and t["labels"].get("node")
         and t["scrapeUrl"].endswith(":8000/metrics") for t in targets)
print("\n".join("     " + t["scrapeUrl"] + " " + json.dumps(t["labels"], sort_keys=True) for t in targets))
sys.exit(0 if ok and targets else 1)
PY
check "the swarmop job scrapes the port and path of its prometheus.io labels" python3 - "$OUT/targets.json" <<'PY'
import json, sys
t = [t for t in json.load(open(sys.argv[1]))["data"]["activeTargets"] if t["labels"]["job"] == "swarmop"]
print("     " + t[0]["scrapeUrl"])
sys.exit(0 if t and t[0]["scrapeUrl"].endswith(":8080/metrics") else 1)
PY
query() { api "/api/v1/query?query=$1"; }
query 'app_requests_total%7Bjob%3D%22promapi%22%2Csite%3D%22promtest%22%7D' >"$OUT/app.json"
check "app metrics arrive with their labels" python3 - "$OUT/app.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["data"]["result"]
sys.exit(0 if len(r) == 2 and all(x["value"][1] == "7" for x in r) else 1)
PY
query 'swarmop_leader%7Bjob%3D%22swarmop%22%7D' >"$OUT/leader.json"
check "the swarmop stand-in's swarmop_leader arrives" python3 - "$OUT/leader.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["data"]["result"]
sys.exit(0 if len(r) == 1 and r[0]["value"][1] == "1" else 1)
PY
api /api/v1/rules >"$OUT/rules.json"
check "the 10 alert rules are loaded" python3 - "$OUT/rules.json" <<'PY'
import json, sys
groups = json.load(open(sys.argv[1]))["data"]["groups"]
sys.exit(0 if sum(len(g["rules"]) for g in groups) == 10 else 1)
PY

# --- the estate gains a scraped Service: the config changes name and the prometheus task rolls
config_of() { "$DOCKER" service inspect prom-promtest --format '{{range .Spec.TaskTemplate.ContainerSpec.Configs}}{{.ConfigName}} {{end}}'; }
before=$(config_of)
metrics_service promweb 3 >>"$OUT/estate/estate.yaml"
"$SWARMOP" apply -f "$OUT/estate" --wait --timeout 120s >"$OUT/apply2.out" 2>&1
rc=$?
check "a second apply with promweb converges (exit $rc)" test $rc = 0
[ $rc = 0 ] || cat "$OUT/apply2.out"
after=$(config_of)
echo "     configs before: $before"
echo "     configs after:  $after"
check "the prometheus.yml config has a new name" test "$before" != "$after"
start=$SECONDS
check "the rolled Prometheus scrapes promweb too" wait_for 150 jobs_up promapi=2 promweb=2 swarmop=1
echo "     (promweb up after $((SECONDS - start)) s)"

echo "prometheus_sd_test: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
