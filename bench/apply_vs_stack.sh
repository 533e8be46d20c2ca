#!/usr/bin/env bash
# Cold apply of N services with swarmop versus `docker stack deploy` of the equivalent compose file, on the
# same private engine, side by side. Neither waits for tasks: both return once the engine accepted the
# services (stack deploy never waits before CLI 26; `swarmop apply` without --wait neither).
# Services run `sleep` with 0 replicas so the engine's container start-up does not drown the client's cost.
#
#   bench/apply_vs_stack.sh BUILD_DIR [N=100] [ROUNDS=3]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:?usage: $0 BUILD_DIR [N] [ROUNDS]}" && pwd)
N=${2:-100}
ROUNDS=${3:-3}
SWARMOP=$BUILD/swarmop
TESTBED=$ROOT/tests/testbed/testbed.sh
WORK=$(mktemp -d /tmp/swarmop-bench.XXXXXX)
BED=$WORK/bed
cleanup() { "$TESTBED" down --dir "$BED" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

mkdir -p "$BED"
eval "$("$TESTBED" up --dir "$BED" 2>/dev/null)"
docker node update --label-add site=cloud "$(docker node ls -q | head -1)" >/dev/null

# The same N services, once as swarmop manifests, once as a compose file.
mkdir -p "$WORK/manifests"
cat > "$WORK/manifests/site.yaml" <<YAML
apiVersion: swarmop.io/v1alpha1
kind: Site
metadata: {name: cloud}
spec: {role: cloud, nodeSelector: {site: cloud}}
YAML
{
  echo 'version: "3.8"'
  echo 'services:'
  for i in $(seq 1 "$N"); do
    cat >> "$WORK/manifests/svc.yaml" <<YAML
---
apiVersion: swarmop.io/v1alpha1
kind: Service
metadata: {name: bench-$i}
spec:
  image: local/busybox:1
  command: [sleep, "3600"]
  env: {INDEX: "$i"}
  sites: {cloud: {replicas: 0}}
YAML
    cat <<YAML
  bench-$i:
    image: local/busybox:1
    command: [sleep, "3600"]
    environment: {INDEX: "$i"}
    deploy:
      replicas: 0
      placement: {constraints: [node.labels.site==cloud]}
YAML
  done
} > "$WORK/compose.yaml"

now() { date +%s.%N; }
remove_all() {
  docker service ls -q | xargs -r docker service rm >/dev/null
  docker config ls -q | xargs -r docker config rm >/dev/null 2>&1 || true
  while [ -n "$(docker service ls -q)" ]; do sleep 0.5; done
}

printf 'round  swarmop_apply_s  stack_deploy_s  ratio(stack/swarmop)\n'
sum_s=0; sum_d=0
for r in $(seq 1 "$ROUNDS"); do
  remove_all
  t0=$(now); "$SWARMOP" apply -f "$WORK/manifests" >/dev/null; t1=$(now)
  s=$(echo "$t1 - $t0" | bc)
  remove_all
  t0=$(now); docker stack deploy -c "$WORK/compose.yaml" bench >/dev/null 2>&1; t1=$(now)
  d=$(echo "$t1 - $t0" | bc)
  printf '%5d  %15.3f  %14.3f  %20.2f\n' "$r" "$s" "$d" "$(echo "$d / $s" | bc -l)"
  sum_s=$(echo "$sum_s + $s" | bc); sum_d=$(echo "$sum_d + $d" | bc)
done
printf 'mean   %15.3f  %14.3f  %20.2f   (N=%d services, %d rounds)\n' \
  "$(echo "$sum_s / $ROUNDS" | bc -l)" "$(echo "$sum_d / $ROUNDS" | bc -l)" "$(echo "$sum_d / $sum_s" | bc -l)" "$N" "$ROUNDS"

# Steady state: a second apply of the same manifests (zero writes expected) versus a second stack deploy
# (which updates every service).
remove_all
"$SWARMOP" apply -f "$WORK/manifests" >/dev/null
t0=$(now); "$SWARMOP" apply -f "$WORK/manifests" >/dev/null; t1=$(now)
echo "re-apply unchanged (swarmop): $(echo "$t1 - $t0" | bc) s"
remove_all
docker stack deploy -c "$WORK/compose.yaml" bench >/dev/null 2>&1
t0=$(now); docker stack deploy -c "$WORK/compose.yaml" bench >/dev/null 2>&1; t1=$(now)
echo "re-deploy unchanged (stack deploy): $(echo "$t1 - $t0" | bc) s"
