#!/usr/bin/env bash
# Chart releases against the private swarm (tests/testbed/), driven through the swarmop binary: template piped
# into diff, install, an upgrade that changes one value (exactly one spec and one Swarm service change), a
# second release of the same chart beside the first, a takeover and a bad value refused with nothing
# written, uninstall of one release leaving the other, a hand-made spec and an unowned decoy untouched.
# Reads SWARMOP_TEST_DOCKER_HOST and FAILS when it is unset. Removes every spec config before and after
# (the store reads all of them): run it against a disposable swarm only.
#
#   charts_test.sh SWARMOP_BINARY REPO_ROOT
set -uo pipefail

SWARMOP=$1
ROOT=$2
CHART=$ROOT/tests/integration/charts/pair-chart
# shellcheck source=../../support/checks.sh
source "$(dirname "$0")/../../support/checks.sh"  # check, run, retry, wait_for, the test bed
require_test_bed
use_test_bed
unset SWARMOP_CHARTS_DIR
OUT=$(mktemp -d /tmp/swarmop-charts-test.XXXXXX)

count() { grep -c -- "$2" "$OUT/$1"; }
inspect() {  # inspect SERVICE FORMAT: the field, or "gone" when there is no such service
  local out
  if out=$("$DOCKER" service inspect --format "$2" "$1" 2>/dev/null); then echo "$out"; else echo gone; fi
}
version() { inspect "$1" '{{.Version.Index}}'; }
replicas() { inspect "$1" '{{.Spec.Mode.Replicated.Replicas}}'; }
spec_configs() { "$DOCKER" config ls -q --filter label=io.swarmop.role=spec | sort; }
all_configs() { "$DOCKER" config ls -q | sort; }
NODE=$("$DOCKER" info --format '{{.Swarm.NodeID}}')  # the manager: its containers are the ones `docker ps` sees

cleanup() {
  "$DOCKER" service ls -q --filter label=io.swarmop.managed-by=swarmop | xargs -r "$DOCKER" service rm >/dev/null 2>&1
  "$DOCKER" service rm charts-decoy >/dev/null 2>&1
  # A network removed while its tasks' containers still run stays listed but unusable ("network ... not
  # found" on the next service create): wait for the single node's task containers to be gone first.
  for _ in $(seq 60); do
    [ -z "$("$DOCKER" ps -q --filter label=com.docker.swarm.service.id)" ] && break
    sleep 1
  done
  "$DOCKER" config ls -q --filter label=io.swarmop.role=spec | xargs -r "$DOCKER" config rm >/dev/null 2>&1
  "$DOCKER" config ls -q --filter label=io.swarmop.role=release | xargs -r "$DOCKER" config rm >/dev/null 2>&1
  "$DOCKER" config ls -q --filter label=io.swarmop.owner-kind | xargs -r "$DOCKER" config rm >/dev/null 2>&1
  "$DOCKER" network ls -q --filter label=io.swarmop.managed-by=swarmop | xargs -r "$DOCKER" network rm >/dev/null 2>&1
  for _ in $(seq 30); do
    [ -z "$("$DOCKER" network ls -q --filter label=io.swarmop.managed-by=swarmop)" ] && break
    sleep 1
  done
  "$DOCKER" node update --label-rm charts-test "$NODE" >/dev/null 2>&1
  true
}
trap 'cleanup; rm -rf "$OUT"' EXIT
cleanup

# --- the estate around the releases: a Site and a hand-made Service (stored by apply), an unowned decoy
"$DOCKER" node update --label-add charts-test=lab "$NODE" >/dev/null
cat >"$OUT/estate.yaml" <<'YAML'
apiVersion: swarmop.io/v1alpha1
kind: Site
metadata: {name: lab}
spec: {role: cloud, nodeSelector: {charts-test: lab}, network: {encrypted: false}}
---
apiVersion: swarmop.io/v1alpha1
kind: Service
metadata: {name: hand-web}
spec: {image: local/busybox:1, command: [sleep, "3600"], sites: {lab: {replicas: 1}}}
YAML
run apply apply -f "$OUT/estate.yaml" --wait --timeout 90s
check "the hand-made estate is applied" test "$(rc apply)" = 0
"$DOCKER" service create -d --name charts-decoy --label purpose=decoy local/busybox:1 sleep 3600 >/dev/null
HAND_V=$(version hand-web-lab)
DECOY_V=$(version charts-decoy)

# --- template is pipe-friendly: its output goes straight into diff and apply's -f -
"$SWARMOP" template "$CHART" --release a >"$OUT/tpl.out" 2>"$OUT/tpl.err"
check "template exits 0" test $? = 0
check "template names each template it rendered" has tpl.out "# Source: pair/templates/worker.yaml"
"$SWARMOP" template "$CHART" --release a | "$SWARMOP" diff -f - >"$OUT/diff.out" 2>"$OUT/diff.err"
check "template | diff -f - shows the changes (exit 1)" test $? = 1
check "template | diff -f - would create a-web" has diff.out "a-web"

# --- install
configs_before=$(all_configs)
run install_a install a "$CHART" --wait --timeout 90s
check "install a exits 0" test "$(rc install_a)" = 0
check "install a stores both specs" test "$(count install_a.out 'stored (config')" = 2
check "install a records revision 1" has install_a.out "release a revision 1 (pair 1.0.0) recorded"
check "a's services run" test "$(replicas a-web-lab)/$(replicas a-worker-lab)" = "1/1"
check "a's spec configs carry io.swarmop.release=a" \
  test "$("$DOCKER" config ls -q --filter label=io.swarmop.release=a --filter label=io.swarmop.role=spec | wc -l)" = 2
check "a's release record is one config" \
  test "$("$DOCKER" config ls -q --filter label=io.swarmop.release=a --filter label=io.swarmop.role=release | wc -l)" = 1
check "the hand-made service is untouched by install" test "$(version hand-web-lab)" = "$HAND_V"
check "the decoy is untouched by install" test "$(version charts-decoy)" = "$DECOY_V"
run list1 list
check "list shows a at revision 1, deployed" bash -c "grep -qE '^a +pair +1.0.0 +1 +deployed +2 ' '$OUT/list1.out'"

run install_again install a "$CHART"
check "installing an existing release exits 1" test "$(rc install_again)" = 1
check "installing an existing release says to upgrade" has install_again.err "use \`swarmop upgrade a"

# --- upgrade one value: exactly one spec config and one Swarm service change
WEB_V=$(version a-web-lab); WORKER_V=$(version a-worker-lab); specs_before=$(spec_configs)
run upgrade_a upgrade a "$CHART" --set worker.replicas=2 --wait --timeout 90s
check "upgrade a exits 0" test "$(rc upgrade_a)" = 0
check "upgrade stores exactly one spec" test "$(count upgrade_a.out 'stored (config')" = 1
check "upgrade leaves the other spec unchanged" has upgrade_a.out "Service/a-web unchanged"
check "upgrade replaced exactly one spec config" \
  test "$(comm -3 <(echo "$specs_before") <(spec_configs) | wc -l)" = 2
check "a-worker now has 2 replicas" test "$(replicas a-worker-lab)" = 2
check "a-worker's service was updated" test "$(version a-worker-lab)" != "$WORKER_V"
check "a-web's service was not written" test "$(version a-web-lab)" = "$WEB_V"
check "the hand-made service is untouched by upgrade" test "$(version hand-web-lab)" = "$HAND_V"
check "the decoy is untouched by upgrade" test "$(version charts-decoy)" = "$DECOY_V"
run list2 list
check "list shows a at revision 2" bash -c "grep -qE '^a +pair +1.0.0 +2 +deployed ' '$OUT/list2.out'"
check "a keeps one release record" \
  test "$("$DOCKER" config ls -q --filter label=io.swarmop.release=a --filter label=io.swarmop.role=release | wc -l)" = 1

WORKER_V=$(version a-worker-lab); specs_before=$(spec_configs)
run upgrade_same upgrade a "$CHART" --set worker.replicas=2
check "upgrading with the same values exits 0" test "$(rc upgrade_same)" = 0
check "upgrading with the same values stores nothing" test "$(count upgrade_same.out 'stored (config')" = 0
check "upgrading with the same values writes no spec config" test "$(spec_configs)" = "$specs_before"
check "upgrading with the same values writes no service" \
  test "$(version a-web-lab)/$(version a-worker-lab)" = "$WEB_V/$WORKER_V"

# --- a second release of the same chart, side by side
run install_b install b "$CHART" --set web.replicas=2 --wait --timeout 90s
check "install b exits 0" test "$(rc install_b)" = 0
check "b's services run beside a's" test "$(replicas b-web-lab)/$(replicas a-web-lab)" = "2/1"
check "installing b did not write a's services" \
  test "$(version a-web-lab)/$(version a-worker-lab)" = "$WEB_V/$WORKER_V"
B_WEB_V=$(version b-web-lab); B_WORKER_V=$(version b-worker-lab)

# --- refused, nothing written: a release taking over another's spec; a bad value
configs_before=$(all_configs)
run takeover install c "$CHART" --set name=a
check "a release that would take over another's spec exits 1" test "$(rc takeover)" = 1
check "the takeover is named" has takeover.err "Service/a-web is already stored .* belongs to release a"
run badvalue install d "$CHART" --set worker.replicas=two
check "a bad --set value exits 1" test "$(rc badvalue)" = 1
check "a bad --set value is reported as the flag with its path" \
  has badvalue.err "^--set worker.replicas=two: worker.replicas: must be an integer, got string \"two\""
printf 'web:\n  replicas: 1\n  replica: 3\n' >"$OUT/bad-values.yaml"
run badfile install d "$CHART" -f "$OUT/bad-values.yaml"
check "a bad values file is reported at its line and column" has badfile.err "bad-values.yaml:3:3: web.replica: unknown field"
run dryrun upgrade b "$CHART" --set web.replicas=3 --dry-run
check "upgrade --dry-run exits 0" test "$(rc dryrun)" = 0
check "upgrade --dry-run says what would be stored" has dryrun.out "Service/b-web would be stored"
check "nothing was written by the refused and dry runs" test "$(all_configs)" = "$configs_before"
check "b is unchanged by the dry run" test "$(replicas b-web-lab)" = 2

# --- uninstall a: b, the hand-made spec and the decoy stay
run uninstall_a uninstall a --wait --timeout 90s
check "uninstall a exits 0" test "$(rc uninstall_a)" = 0
check "uninstall a deletes exactly its two specs" test "$(count uninstall_a.out ' deleted$')" = 2
check "a's services are pruned" test "$(version a-web-lab)/$(version a-worker-lab)" = "gone/gone"
check "a's spec configs and record are gone" \
  test "$("$DOCKER" config ls -q --filter label=io.swarmop.release=a | wc -l)" = 0
check "b's services are untouched" test "$(version b-web-lab)/$(version b-worker-lab)" = "$B_WEB_V/$B_WORKER_V"
check "the hand-made spec is still stored" bash -c "'$SWARMOP' get service hand-web | grep -q hand-web"
check "the hand-made service is untouched" test "$(version hand-web-lab)" = "$HAND_V"
check "the decoy is untouched" test "$(version charts-decoy)" = "$DECOY_V"
run list3 list
check "list shows b only" bash -c "grep -q '^b ' '$OUT/list3.out' && ! grep -q '^a ' '$OUT/list3.out'"
run uninstall_again uninstall a
check "uninstalling a missing release exits 1" test "$(rc uninstall_again)" = 1

# --- an upgrade whose render no longer holds a spec deletes it; the rest is not written
run upgrade_drop upgrade b "$CHART" --set web.replicas=2 --set worker.enabled=false --wait --timeout 90s
check "upgrade dropping the worker exits 0" test "$(rc upgrade_drop)" = 0
check "upgrade deletes the spec the chart no longer renders" has upgrade_drop.out "Service/b-worker deleted (no longer in the chart)"
check "the dropped worker's service is pruned" test "$(version b-worker-lab)" = gone
check "b-web is not written" test "$(version b-web-lab)" = "$B_WEB_V"

run upgrade_install upgrade e "$CHART" --install --dry-run
check "upgrade --install of a new release plans an install" has upgrade_install.out "release e revision 1 (pair 1.0.0) would be recorded"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
