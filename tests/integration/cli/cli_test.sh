#!/usr/bin/env bash
# The swarmop command line against the private swarm (tests/testbed/). Reads SWARMOP_TEST_DOCKER_HOST and
# FAILS when it is unset. Removes the spec configs it stores (and every spec config, before and after: the
# store reads all of them, so run it against a disposable swarm only).
#
#   cli_test.sh SWARMOP_BINARY REPO_ROOT
set -uo pipefail

SWARMOP=$1
ROOT=$2
# shellcheck source=../../support/checks.sh
source "$(dirname "$0")/../../support/checks.sh"  # check, run, retry, wait_for, the test bed
require_test_bed
use_test_bed
OUT=$(mktemp -d /tmp/swarmop-cli-test.XXXXXX)

lines() { wc -l <"$OUT/$1"; }

remove_spec_configs() {
  "$DOCKER" config ls -q --filter label=io.swarmop.role=spec | xargs -r "$DOCKER" config rm >/dev/null 2>&1 || true
  "$DOCKER" config rm hand-made-web >/dev/null 2>&1 || true
}
# What `apply` rendered (services, then the configs and networks they used).
remove_rendered() {
  "$DOCKER" service ls -q --filter label=io.swarmop.managed-by=swarmop | xargs -r "$DOCKER" service rm >/dev/null 2>&1
  sleep 2
  "$DOCKER" config ls -q --filter label=io.swarmop.owner-kind | xargs -r "$DOCKER" config rm >/dev/null 2>&1
  "$DOCKER" network ls -q --filter label=io.swarmop.managed-by=swarmop | xargs -r "$DOCKER" network rm >/dev/null 2>&1
  true
}
MISSING_SECRETS=""
MISSING_NETWORKS=""
cleanup() {
  remove_rendered; remove_spec_configs
  for secret in $MISSING_SECRETS; do "$DOCKER" secret rm "$secret" >/dev/null 2>&1; done
  for network in $MISSING_NETWORKS; do "$DOCKER" network rm "$network" >/dev/null 2>&1; done
  rm -rf "$OUT"
}
trap cleanup EXIT
remove_spec_configs

# --- engine info
run info engine info
check "engine info exits 0" test "$(rc info)" = 0
check "engine info names the swarm as active" has info.out "Swarm: *active"
check "engine info lists the node and its state" has info.out "ready"
check "engine info shows the negotiated API version" has info.out "API: *1\.[0-9]"

DOCKER_HOST=unix:///nonexistent/docker.sock run noengine engine info
check "unreachable engine exits 2" test "$(rc noengine)" = 2
check "unreachable engine: one line" test "$(lines noengine.err)" = 1
check "unreachable engine: the line names the address" has noengine.err "unix:///nonexistent/docker.sock"

# --- validate (no engine)
DOCKER_HOST=unix:///nonexistent/docker.sock run validate validate -f "$ROOT/manifests/reference"
check "validate of the reference manifests exits 0" test "$(rc validate)" = 0
check "validate prints the count" has validate.err "specs valid"
printf 'apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata: {name: x}\nspec: {image: y, sites: {nowhere: {replicas: two}}}\n' >"$OUT/bad.yaml"
run invalid validate -f "$OUT/bad.yaml"
check "validate of a broken manifest exits 1" test "$(rc invalid)" = 1
check "validate names file and line" has invalid.err "bad.yaml:4"
check "validate sums up" has invalid.err "in 1 file"

# --- apply without the estate's secrets: every missing secret is named before the first write, and nothing
#     is written (issue 14: it used to make 25 writes, then fail on identity-api's secret)
count_objects() {
  { "$DOCKER" service ls -q; "$DOCKER" config ls -q; "$DOCKER" network ls -q --filter label=io.swarmop.managed-by=swarmop; } | wc -l
}
before=$(count_objects)
run nosecrets apply -f "$ROOT/manifests/reference"
check "apply without the secrets exits 1" test "$(rc nosecrets)" = 1
check "apply without the secrets creates nothing" test "$(count_objects)" = "$before"
check "apply without the secrets says nothing was stored" has nosecrets.err "nothing stored, nothing changed"
check "apply without the secrets writes no line of progress" bash -c "! grep -qE 'stored \(config|done:' '$OUT/nosecrets.out'"
check "a secret only a Service lists is named, with its users" has nosecrets.err "secret identity-secret-key does not exist, so the swarm would refuse the services that use it: Service/identity-api (identity-api-"
check "each missing secret is named once" bash -c "test \"\$(grep -o 'secret [a-z0-9-]* does not exist' '$OUT/nosecrets.err' | sort | uniq -d)\" = ''"
check "an extra network a Service lists is named too" has nosecrets.err "network swarmop-ops does not exist"
MISSING_SECRETS=$(grep -o 'secret [a-z0-9-]* does not exist' "$OUT/nosecrets.err" | awk '{print $2}' | sort -u)
for secret in $MISSING_SECRETS; do printf 'not-a-real-value' | "$DOCKER" secret create "$secret" - >/dev/null; done
# The prometheus Service joins swarmop's own network, which users make before the operator's stack.
MISSING_NETWORKS=$(grep -o 'network [a-z0-9-]* does not exist' "$OUT/nosecrets.err" | awk '{print $2}' | sort -u)
for network in $MISSING_NETWORKS; do "$DOCKER" network create -d overlay --attachable "$network" >/dev/null; done

# --- apply (stores specs; the reference images cannot be pulled, storing does not need them)
run apply apply -f "$ROOT/manifests/reference"
check "apply of the reference stores the specs" has apply.out "Site/douala stored (config swarmop-site-douala-"
check "apply of the reference exits 0 or 1 (images cannot be pulled here), never 2" test "$(rc apply)" != 2
run apply2 apply -f "$ROOT/manifests/reference"
check "a second apply says unchanged" has apply2.out "Service/identity-api unchanged"
check "a second apply stores nothing" bash -c "! grep -q ' stored (config' '$OUT/apply2.out'"

run get get
check "get exits 0" test "$(rc get)" = 0
check "get lists Site/douala (REVISION - : stored by apply, not git)" bash -c "grep -qE '^Site +douala +[0-9a-f]{10} +- +swarmop-site-douala-' '$OUT/get.out'"
check "get lists Service identity-api" has get.out "identity-api"
run get_services get services
check "get services lists only services" bash -c "! grep -q '^Site' '$OUT/get_services.out' && grep -q '^Service' '$OUT/get_services.out'"
run get_one get service/identity-api -o yaml
check "get KIND/NAME -o yaml prints the canonical document" has get_one.out "name: identity-api"
# The single test node carries no site label: no node matches any Site's nodeSelector.
run get_sites get sites
check "get sites shows the health table" has get_sites.out "SITE "
check "get sites judges douala from its nodes (none match here)" bash -c "grep -qE '^douala +Unreachable .*no node matches' '$OUT/get_sites.out'"
check "get sites warns about the manager placement" has get_sites.out "warning: "
run get_json get sites -o json
check "get -o json is JSON" bash -c "python3 -m json.tool '$OUT/get_json.out' >/dev/null"

# --- hand-made spec (docker config create)
printf 'apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata: {name: hand-web}\nspec: {image: local/busybox:1, sites: {douala: {replicas: 1}}}\n' \
  | "$DOCKER" config create hand-made-web - >/dev/null
run get_hand get service hand-web
check "a hand-made config shows in get" has get_hand.out "hand-made-web (hand-made)"

# --- export
run export export
check "export prints every stored spec" test "$(grep -c '^kind:' "$OUT/export.out")" -ge 6
check "export is valid for validate" bash -c "'$SWARMOP' validate -f - <'$OUT/export.out' 2>/dev/null"

# --- delete
run delete delete service/identity-api
check "delete exits 0" test "$(rc delete)" = 0
check "delete says pruning happens on the next apply" has delete.out "next"
run get_deleted get service identity-api
check "a deleted spec is gone" test "$(rc get_deleted)" = 1
run delete_hand delete service hand-web
check "delete of a hand-made spec exits 1 and leaves it" test "$(rc delete_hand)" = 1
check "delete of a hand-made spec says why" has delete_hand.err "not swarmop's"

# --- separate-swarm sites in diff -o json: one reachable (this same swarm, by its socket), one dark
mkdir -p "$OUT/sep"
cat >"$OUT/sep/estate.yaml" <<YAML
apiVersion: swarmop.io/v1alpha1
kind: Site
metadata: {name: sepa}
spec: {role: edge, engine: {host: "$SWARMOP_TEST_DOCKER_HOST"}}
---
apiVersion: swarmop.io/v1alpha1
kind: Site
metadata: {name: dark}
spec: {role: edge, engine: {host: "tcp://127.0.0.1:1"}}
---
apiVersion: swarmop.io/v1alpha1
kind: Service
metadata: {name: sepweb}
spec: {image: local/busybox:1, sites: {sepa: {replicas: 1}, dark: {replicas: 1}}}
YAML
run sep_json diff -f "$OUT/sep" -o json
check "diff -o json with a dark site exits 2" test "$(rc sep_json)" = 2
check "diff -o json still prints JSON" bash -c "python3 -m json.tool '$OUT/sep_json.out' >/dev/null"
check "diff -o json plans the reachable site on its own engine" python3 -c "
import json, sys
sites = {s['site']: s for s in json.load(open('$OUT/sep_json.out'))['sites']}
sys.exit(0 if 'sepweb-sepa' in json.dumps(sites['sepa']['plan']) and 'sepweb-dark' not in json.dumps(sites['sepa']['plan']) else 1)"
check "diff -o json names the dark site's endpoint and error" python3 -c "
import json, sys
sites = {s['site']: s for s in json.load(open('$OUT/sep_json.out'))['sites']}
sys.exit(0 if sites['dark']['endpoint'].startswith('tcp://127.0.0.1:1') and sites['dark']['error'] else 1)"
check "diff -o json leaves the separate sites' services out of the local operations" python3 -c "
import json, sys
sys.exit(0 if 'sepweb-sepa' not in json.dumps(json.load(open('$OUT/sep_json.out'))['swarm']['operations']) else 1)"

# --- usage
run usage get pods
check "unknown kind exits 2" test "$(rc usage)" = 2
run run_stub run --help
check "run is registered" test "$(rc run_stub)" = 0

echo "cli_test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
