#!/usr/bin/env bash
# Steady state with N services (default 500): apply them once with swarmop, then time no-op reconcile
# passes (bench_steady_state). Services have 0 replicas: the engine holds 500 service objects without
# starting 500 containers on a 2-core machine; the reconcile cost is the same.
#
#   bench/steady_state.sh BUILD_DIR [N=500] [PASSES=10]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:?usage: $0 BUILD_DIR [N] [PASSES]}" && pwd)
N=${2:-500}
PASSES=${3:-10}
TESTBED=$ROOT/tests/testbed/testbed.sh
WORK=$(mktemp -d /tmp/swarmop-steady.XXXXXX)
cleanup() { "$TESTBED" down --dir "$WORK/bed" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

mkdir -p "$WORK/bed" "$WORK/manifests"
eval "$("$TESTBED" up --dir "$WORK/bed" 2>/dev/null)"
docker node update --label-add site=cloud "$(docker node ls -q | head -1)" >/dev/null
cat > "$WORK/manifests/site.yaml" <<YAML
apiVersion: swarmop.io/v1alpha1
kind: Site
metadata: {name: cloud}
spec: {role: cloud, nodeSelector: {site: cloud}, network: {encrypted: false}}
YAML
for i in $(seq 1 "$N"); do
  cat <<YAML
---
apiVersion: swarmop.io/v1alpha1
kind: Service
metadata: {name: steady-$i}
spec:
  image: local/busybox:1
  command: [sleep, "3600"]
  env: {INDEX: "$i"}
  sites: {cloud: {replicas: 0}}
YAML
done > "$WORK/manifests/services.yaml"

t0=$(date +%s.%N)
"$BUILD/swarmop" apply -f "$WORK/manifests" | tail -1
echo "cold apply of $N services: $(echo "$(date +%s.%N) - $t0" | bc) s"
"$BUILD/bench/bench_steady_state" "$PASSES"
