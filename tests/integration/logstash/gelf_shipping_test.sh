#!/usr/bin/env bash
# Log shipping for real: the logstash profile and the gelf log driver swarmop renders, on the private swarm
# (tests/testbed/). Logstash is not in Debian, so a real GELF receiver (images/gelf-receiver: python3 from
# Debian, UDP, gzip/zlib/uncompressed, chunking up to 128 chunks) stands where Logstash stands: it is the
# `profile: logstash` Service, published as the profile renders it (global, 12201/udp in host mode), started
# through the profile's credentials wrapper (which reads the Swarm secret). A Service at douala prints lines;
# dockerd's gelf driver sends them to 127.0.0.1:12201 of its node; the receiver must get them with the site
# and service fields. Also: a Service's own gelf logging (zlib) wins, a long line arrives chunked, the
# receiver decodes crafted chunked input, the secret's value is in no spec, label or config, a converged
# estate diffs as nothing and one change is one update. Reads SWARMOP_TEST_DOCKER_HOST; FAILS when unset.
#
#   gelf_shipping_test.sh SWARMOP_BINARY REPO_ROOT IMAGES_DIR
set -uo pipefail

SWARMOP=$1
ROOT=$2
IMAGES=$3
# shellcheck source=../../support/checks.sh
source "$(dirname "$0")/../../support/checks.sh"  # check, run, retry, wait_for, the test bed
require_test_bed
for tool in python3 nsenter; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing"; exit 1; }
done
[ -f "$IMAGES/gelf-receiver.import" ] || { echo "FAIL: no $IMAGES/gelf-receiver.import: build the images first (make images)"; exit 1; }
use_test_bed
OUT=$(mktemp -d /tmp/swarmop-gelf-test.XXXXXX)
IMAGE=local/gelf-receiver:1
LABEL=swarmop-gelf-test
SECRET=gelftest-es-writer
PASSWORD="pw-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
NODE=""
SPECS="douala gelf-logs talker zlibtalker"
OWNERS="gelf-logs talker zlibtalker"

no_task_containers() { [ -z "$("$DOCKER" ps -aq --filter label=com.docker.swarm.service.name)" ]; }
remove_specs() {
  for owner in $OWNERS; do
    "$DOCKER" service ls -q --filter "label=io.swarmop.owner-name=$owner" | xargs -r "$DOCKER" service rm >/dev/null 2>&1
  done
  for name in $SPECS; do
    "$DOCKER" config ls -q --filter label=io.swarmop.role=spec --filter "label=io.swarmop.name=$name" \
      | xargs -r "$DOCKER" config rm >/dev/null 2>&1
  done
}
cleanup() {
  remove_specs
  retry 60 no_task_containers
  for owner in $OWNERS; do
    "$DOCKER" config ls -q --filter "label=io.swarmop.owner-name=$owner" | xargs -r "$DOCKER" config rm >/dev/null 2>&1
  done
  retry 20 "$DOCKER" network rm swarmop-douala
  "$DOCKER" network rm swarmop-estate >/dev/null 2>&1  # refused while another test's services use it
  "$DOCKER" secret rm "$SECRET" >/dev/null 2>&1
  [ -n "$NODE" ] && "$DOCKER" node update --label-rm "$LABEL" "$NODE" >/dev/null 2>&1
  rm -rf "$OUT"
}
trap cleanup EXIT
remove_specs  # what a killed earlier run left
# Swarm deletes a network an earlier test removed seconds later: wait that out (tests/support/stale_networks.sh).
# shellcheck source=../../support/stale_networks.sh
source "$(dirname "$0")/../../support/stale_networks.sh"
wait_for_no_stale_swarmop_networks "$DOCKER" 60

# --- the receiver image (from Debian packages, images/gelf-receiver) on every node; the site douala
hosts=("$SWARMOP_TEST_DOCKER_HOST")
for site in CLOUD DOUALA YAOUNDE; do
  var=SWARMOP_TEST_DOCKER_HOST_$site
  [ -n "${!var:-}" ] && [ "${!var}" != "$SWARMOP_TEST_DOCKER_HOST" ] && hosts+=("${!var}")
done
"$ROOT/images/load.sh" --dir "$IMAGES" "${hosts[@]}" -- gelf-receiver >"$OUT/load.out" 2>&1
check "the GELF receiver image is loaded" test -n "$("$DOCKER" image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null)"
NODE=$("$DOCKER" node ls -q --filter role=manager | head -n 1)
"$DOCKER" node update --label-add "$LABEL=yes" "$NODE" >/dev/null
printf 'writer:%s' "$PASSWORD" | "$DOCKER" secret create "$SECRET" - >/dev/null
check "the Elasticsearch writer's secret exists" test -n "$("$DOCKER" secret inspect -f '{{.ID}}' "$SECRET" 2>/dev/null)"

# --- the estate: douala; the receiver as the logstash Service; a talker (shipping injected); a Service
#     with its own gelf logging (zlib)
# talker prints, every 2 s: a short line, a long line of random base64 (it cannot compress under the gelf
# driver's 1420-byte chunk size, so it goes chunked), and that line's sha256.
TALK='import base64, hashlib, os, sys, time
n = 0
while True:
    n += 1
    long = "LONG-" + base64.b64encode(os.urandom(4500)).decode()
    print("hello gelf from %s #%d" % (sys.argv[1], n))
    print(long)
    print("sha256=" + hashlib.sha256(long.encode()).hexdigest())
    sys.stdout.flush()
    time.sleep(2)'
mkdir -p "$OUT/estate"
write_estate() {  # [TALKER_ENV_VALUE]: the estate's manifests (JSON is YAML), talker's env CHANGED if given
  python3 - "$OUT/estate/estate.yaml" "$LABEL" "$IMAGE" "$SECRET" "$TALK" "${1:-}" <<'PY'
import json, sys
path, label, image, secret, talk, changed = sys.argv[1:]
docs = [
    {"kind": "Site", "metadata": {"name": "douala"},
     "spec": {"role": "edge", "nodeSelector": {label: "yes"}, "network": {"encrypted": False}}},
    {"kind": "Service", "metadata": {"name": "gelf-logs"},
     "spec": {"profile": "logstash", "image": image, "mode": "global", "sites": {"douala": {}},
              "logstash": {"elasticsearch": "https://es.cloud.internal:9200", "credentialsSecret": secret}}},
    {"kind": "Service", "metadata": {"name": "talker"},
     "spec": {"image": image, "command": ["/usr/bin/python3", "-c", talk, "talker"],
              "sites": {"douala": {"replicas": 1}}}},
    {"kind": "Service", "metadata": {"name": "zlibtalker"},
     "spec": {"image": image, "command": ["/usr/bin/python3", "-c", talk, "zlibtalker"],
              "sites": {"douala": {"replicas": 1}},
              "logging": {"driver": "gelf", "options": {
                  "gelf-address": "udp://127.0.0.1:12201", "gelf-compression-type": "zlib",
                  "labels": "com.docker.swarm.service.name"}}}},
]
if changed:
    docs[2]["spec"]["env"] = {"CHANGED": changed}
with open(path, "w") as f:
    for doc in docs:
        f.write("---\n" + json.dumps(dict({"apiVersion": "swarmop.io/v1alpha1"}, **doc), indent=1) + "\n")
PY
}
write_estate

"$SWARMOP" apply -f "$OUT/estate" --wait --timeout 150s >"$OUT/apply.out" 2>&1
rc=$?
check "apply converges the estate with the receiver as its logstash (exit $rc)" test $rc = 0
[ $rc = 0 ] || cat "$OUT/apply.out"

inspect() { "$DOCKER" service inspect "$1" --format "$2" 2>/dev/null; }
check "the logstash Service runs global" test "$(inspect gelf-logs-douala '{{if .Spec.Mode.Global}}global{{end}}')" = global
check "it publishes 12201/udp in host mode" test "$(inspect gelf-logs-douala \
  '{{range .Spec.EndpointSpec.Ports}}{{.Protocol}}/{{.PublishedPort}}/{{.PublishMode}} {{end}}')" = "udp/12201/host "
check "it keeps the engine's log driver (never ships to itself)" test -z "$(inspect gelf-logs-douala '{{.Spec.TaskTemplate.LogDriver}}' | grep gelf)"
check "its pipeline is mounted where Logstash reads it" bash -c "'$DOCKER' service inspect gelf-logs-douala --format '{{range .Spec.TaskTemplate.ContainerSpec.Configs}}{{.File.Name}} {{end}}' | grep -q /usr/share/logstash/pipeline/logstash.conf"
check "talker logs through gelf to 127.0.0.1:12201 with tag and labels" test \
  "$(inspect talker-douala '{{.Spec.TaskTemplate.LogDriver.Name}} {{index .Spec.TaskTemplate.LogDriver.Options "gelf-address"}} {{index .Spec.TaskTemplate.LogDriver.Options "tag"}}')" \
  = "gelf udp://127.0.0.1:12201 talker-douala"
check "zlibtalker keeps its own logging options" test \
  "$(inspect zlibtalker-douala '{{index .Spec.TaskTemplate.LogDriver.Options "gelf-compression-type"}}')" = zlib

receiver_container() { "$DOCKER" ps -q --filter label=com.docker.swarm.service.name=gelf-logs-douala | head -n 1; }
received() { local id; id=$(receiver_container); [ -n "$id" ] && "$DOCKER" logs "$id" >"$OUT/received.jsonl" 2>/dev/null; }
# has_message SERVICE COMPRESSION: a message from SERVICE's container, sent with COMPRESSION, has arrived
# whole: the short line, the long line chunked, and the long line's sha256 matching.
has_message() {
  received || return 1
  python3 - "$OUT/received.jsonl" "$1" "$2" <<'PY'
import hashlib, json, sys
path, service, compression = sys.argv[1:]
lines = [json.loads(l) for l in open(path) if l.startswith("{")]
mine = [l for l in lines if "gelf" in l and l["gelf"].get("_com.docker.swarm.service.name") == service + "-douala"]
short = [l for l in mine if l["gelf"]["short_message"].startswith("hello gelf from " + service)]
longs = {hashlib.sha256(l["gelf"]["short_message"].encode()).hexdigest(): l for l in mine
         if l["gelf"]["short_message"].startswith("LONG-")}
shas = [l["gelf"]["short_message"][7:] for l in mine if l["gelf"]["short_message"].startswith("sha256=")]
whole = [longs[s] for s in shas if s in longs]
ok = short and short[0]["compression"] == compression and whole and whole[0]["chunks"] > 1
sys.exit(0 if ok else 1)
PY
}
start=$SECONDS
check "the receiver gets talker's lines through dockerd's gelf driver (gzip, a long one chunked)" \
  wait_for 90 has_message talker gzip
echo "     (first complete message after $((SECONDS - start)) s)"
check "the receiver gets zlibtalker's lines compressed with zlib, as its own logging says" \
  wait_for 60 has_message zlibtalker zlib
check "talker's message carries the site, the service and its Swarm service, tag and task" python3 - "$OUT/received.jsonl" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
m = [l for l in lines if "gelf" in l and l["gelf"]["short_message"].startswith("hello gelf from talker")][0]
g = m["gelf"]
print("     received: " + json.dumps(m, sort_keys=True))
sys.exit(0 if g.get("_io.swarmop.site") == "douala" and g.get("_io.swarmop.owner-name") == "talker"
         and g.get("_com.docker.swarm.service.name") == "talker-douala" and g.get("_tag") == "talker-douala"
         and g.get("_com.docker.swarm.task.name", "").startswith("talker-douala.") and g.get("version") == "1.1"
         else 1)
PY
check "the chunked line arrived whole" python3 - "$OUT/received.jsonl" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
m = [l for l in lines if "gelf" in l and l["gelf"]["short_message"].startswith("LONG-")][0]
print("     a long line: %d characters in %d chunks, %s" % (len(m["gelf"]["short_message"]), m["chunks"], m["compression"]))
sys.exit(0 if m["chunks"] > 1 and len(m["gelf"]["short_message"]) == 5 + 6000 else 1)
PY
# (A message whose first chunks came before the receiver listened is dropped as incomplete: that is no fault.)
check "nothing the receiver got was dropped (but incomplete messages from before it listened)" bash -c \
  "! grep '\"dropped\"' '$OUT/received.jsonl' | grep -v 'chunks after'"

# --- the credentials: through the wrapper into the receiver's process, and nowhere else
check "the profile's wrapper exported the secret's user and password into the process" python3 - "$OUT/received.jsonl" "${#PASSWORD}" <<'PY'
import json, sys
first = json.loads(open(sys.argv[1]).readline())
print("     receiver start: " + json.dumps(first, sort_keys=True))
sys.exit(0 if first.get("es_user") == "writer" and first.get("es_password_length") == int(sys.argv[2]) else 1)
PY
{
  for s in $("$DOCKER" service ls -q); do "$DOCKER" service inspect "$s"; done
  for c in $("$DOCKER" config ls -q --filter label=io.swarmop.owner-name=gelf-logs); do
    "$DOCKER" config inspect "$c" --format '{{json .Spec.Labels}} {{printf "%s" .Spec.Data}}'
  done
} >"$OUT/everything.txt" 2>&1
check "the password is in no service spec, label or rendered config" bash -c "! grep -qF '$PASSWORD' '$OUT/everything.txt'"
check "the pipeline reads it as \${ES_PASSWORD}" grep -qF 'password => "${ES_PASSWORD}"' "$OUT/everything.txt"

# --- the receiver's decoding, fed directly inside its network namespace: zlib chunks out of order, 128
#     uncompressed chunks, a 129-chunk message refused
pid=$("$DOCKER" inspect -f '{{.State.Pid}}' "$(receiver_container)")
nsenter --net="/proc/$pid/ns/net" python3 - <<'PY'
import json, os, random, socket, zlib
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
def msg(text): return json.dumps({"version": "1.1", "host": "test", "short_message": text}).encode()
def chunks(payload, n, mid):
    size = -(-len(payload) // n)
    return [b"\x1e\x0f" + mid + bytes([i, n]) + payload[i * size:(i + 1) * size] for i in range(n)]
parts = chunks(zlib.compress(msg("direct zlib " + os.urandom(2000).hex())), 5, b"directZ1")
random.shuffle(parts)
for p in parts + chunks(msg("direct 128 " + "x" * 2000), 128, b"direct12") + [b"\x1e\x0fdirect13\x00\x81{}"]:
    s.sendto(p, ("127.0.0.1", 12201))
PY
direct_done() { received && grep -q 'sequence count 129' "$OUT/received.jsonl"; }
wait_for 20 direct_done
check "the receiver decodes zlib chunks sent out of order, and 128 chunks" python3 - "$OUT/received.jsonl" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
z = [l for l in lines if "gelf" in l and l["gelf"]["short_message"].startswith("direct zlib ")]
u = [l for l in lines if "gelf" in l and l["gelf"]["short_message"].startswith("direct 128 ")]
sys.exit(0 if z and z[0]["chunks"] == 5 and z[0]["compression"] == "zlib" and u and u[0]["chunks"] == 128 else 1)
PY
check "the receiver refuses a 129-chunk message" grep -q '"dropped": "sequence count 129 (1..128)"' "$OUT/received.jsonl"

# --- no churn: converged means nothing to do; one change is one update
"$SWARMOP" diff -f "$OUT/estate" >"$OUT/diff.out" 2>&1
rc=$?
check "a converged estate diffs as nothing (exit $rc)" test $rc = 0
[ $rc = 0 ] || cat "$OUT/diff.out"
write_estate yes
"$SWARMOP" diff -f "$OUT/estate" >"$OUT/diff2.out" 2>&1
check "one changed Service is one update, of that Service only" bash -c \
  "test \"\$(grep -c '^update service' '$OUT/diff2.out')\" = 1 && grep -q '^update service talker-douala' '$OUT/diff2.out'"
grep -q '^update service' "$OUT/diff2.out" || cat "$OUT/diff2.out"

echo "gelf_shipping_test: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
