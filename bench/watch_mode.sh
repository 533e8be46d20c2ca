#!/usr/bin/env bash
# Watch mode (`swarmop run`) at scale: for each N, a fresh single-node bed with N owned zero-replica
# services (one Site, cold `swarmop apply`), then `swarmop run` and, from its /metrics, /api/v1/status and
# /proc:
#   first_sync_s   start-up until /readyz answers 200 (every key of the first resync reconciled once)
#   lists/resync   engine list calls (swarmop_engine_calls_total{verb=~"list .*"}) per resync, steady state,
#                  without the site monitor's node listing (every --site-interval; shown on the next line)
#   cpu_s/resync   CPU (user+system) per resync, steady state (the window also holds the idle time between)
#   idle_%core     CPU over the steady-state window (RESYNCS periods of 30 s, no change) / its length
#   rss_mb         VmRSS at the end, and VmHWM (peak)
#   revert p50/p99 a manual scale of one service (inspect + update through the engine's socket, as
#                  `docker service scale` does) until swarmop has put the replica count back
# Nothing is asserted; one line per N.
#
#   bench/watch_mode.sh BUILD_DIR [N...]          (default: 500 1000 2000)
#   SWARMOP_BIN=/path/to/swarmop  measures another binary (a baseline build: also BASELINE=1); RESYNCS=2 TRIALS=30
#   PERF_OUT=/tmp/watch.perf  records a CPU profile of the steady-state window into /tmp/watch.perf.N
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:?usage: $0 BUILD_DIR [N...]}" && pwd)
shift
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(500 1000 2000)
BIN=${SWARMOP_BIN:-$BUILD/swarmop}
RESYNCS=${RESYNCS:-2}  # the steady-state window: this many resyncs (--resync 30s)
WINDOW=$((RESYNCS * 30 + 1)).5  # seconds: RESYNCS periods and 1.5 s more (see the window below)
TRIALS=${TRIALS:-30}
FIRST_SYNC_LIMIT=${FIRST_SYNC_LIMIT:-300}
TESTBED=$ROOT/tests/testbed/testbed.sh
PORT=$((18000 + RANDOM % 2000))
WORK=$(mktemp -d /tmp/swarmop-watch.XXXXXX)
RUN_PID=
cleanup() {
  [ -n "$RUN_PID" ] && kill "$RUN_PID" 2>/dev/null && wait "$RUN_PID" 2>/dev/null || true
  "$TESTBED" down --dir "$WORK/bed" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "watch_mode.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

list_calls() {  # "verb count" per list verb, from swarmop_engine_calls_total
  curl -s "http://127.0.0.1:$PORT/metrics" |
    sed -n 's/^swarmop_engine_calls_total{verb="\(list [a-z]*\)"} \([0-9.e+]*\)$/\1|\2/p' | sort
}
last_resync() { curl -s "http://127.0.0.1:$PORT/api/v1/status" | jq -r '.lastResync'; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$RUN_PID/stat"; }
HZ=$(getconf CLK_TCK)

printf '%-6s %-12s %-13s %-12s %-12s %-10s %-12s %-22s\n' N first_sync_s lists/resync cpu_s/resync \
  idle_%core rss_mb peak_rss_mb "revert_ms"
for N in "${SIZES[@]}"; do
  rm -rf "$WORK/bed" "$WORK/manifests" && mkdir -p "$WORK/bed" "$WORK/manifests"
  eval "$("$TESTBED" up --dir "$WORK/bed" 2>/dev/null)"
  docker node update --label-add site=cloud "$(docker node ls -q | head -1)" >/dev/null
  cat > "$WORK/manifests/site.yaml" <<YAML
apiVersion: swarmop.io/v1alpha1
kind: Site
metadata: {name: cloud}
spec: {role: cloud, nodeSelector: {site: cloud}, network: {encrypted: false}}
YAML
  for i in $(seq 1 "$N"); do  # 500 documents per file (a source holds at most 1000)
    printf -- '---\napiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata: {name: watch-%d}\nspec:\n' "$i" \
      >> "$WORK/manifests/services-$(((i - 1) / 500)).yaml"
    printf '  image: local/busybox:1\n  command: [sleep, "3600"]\n  env: {INDEX: "%d"}\n' "$i" \
      >> "$WORK/manifests/services-$(((i - 1) / 500)).yaml"
    printf '  sites: {cloud: {replicas: 0}}\n' >> "$WORK/manifests/services-$(((i - 1) / 500)).yaml"
  done
  if ! "$BIN" apply -f "$WORK/manifests" > "$WORK/apply.log" 2>&1; then
    echo "$N: swarmop apply failed:"; tail -5 "$WORK/apply.log"
    "$TESTBED" down --dir "$WORK/bed" >/dev/null 2>&1; continue
  fi

  t0=$(date +%s.%N)
  GLOG_minloglevel=1 "$BIN" run --listen "127.0.0.1:$PORT" --resync 30s > "$WORK/run.log" 2>&1 &
  RUN_PID=$!
  first_sync=">$FIRST_SYNC_LIMIT"
  while [ "$(echo "$(date +%s.%N) - $t0 < $FIRST_SYNC_LIMIT" | bc)" = 1 ]; do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/readyz")" = 200 ]; then
      first_sync=$(printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)")
      break
    fi
    sleep 0.2
  done
  # Steady state: from the end of a resync's listing for RESYNCS periods and 1.5 s, so the window holds the
  # next RESYNCS listings whole (each starts 30 s and a little after the one before, and takes well under a
  # second at 5,000), and RESYNCS + 1 key passes. A window a second short of RESYNCS periods held one
  # listing fewer: right while the key passes cost most of a resync, half the cost once they are steady.
  # Nothing is asked of swarmop inside the window: rendering /api/v1/status or /metrics for N specs costs
  # CPU too.
  next_resync() { local r; r=$(last_resync); while [ "$(last_resync)" = "$r" ]; do sleep 0.1; done; }
  next_resync
  list_calls > "$WORK/lists0"; c0=$(cpu_ticks); w0=$(date +%s.%N)
  if [ -n "${PERF_OUT:-}" ]; then  # a CPU profile of the window (perf report -i PERF_OUT)
    perf record -q -F 499 ${PERF_ARGS:--g} -p "$RUN_PID" -o "$PERF_OUT.$N" -- sleep "$WINDOW" 2>/dev/null
  else
    sleep "$WINDOW"
  fi
  c1=$(cpu_ticks); window=$(echo "$(date +%s.%N) - $w0" | bc); list_calls > "$WORK/lists1"
  # CPU is per resync: the window's CPU over RESYNCS. Listings are per resync listing: with the cache each
  # lists services exactly once (a baseline binary, BASELINE=1, lists them per key: there the window's
  # RESYNCS periods are used).
  dr=$RESYNCS
  fills=$(join -t'|' -a2 -e0 -o 0,1.2,2.2 "$WORK/lists0" "$WORK/lists1" |
    awk -F'|' '$1 == "list services" { printf "%d", $3 - $2 }')
  if [ "${BASELINE:-0}" = 1 ] || [ "${fills:-0}" -lt 1 ]; then fills=$RESYNCS; fi
  # Per verb: the resync's own listings, and the site monitor's node listing (its own --site-interval).
  by_verb=$(join -t'|' -a2 -e0 -o 0,1.2,2.2 "$WORK/lists0" "$WORK/lists1" |
    awk -F'|' -v dr="$fills" '{ printf "%s%s=%.1f", sep, $1, ($3 - $2) / dr; sep = ", " }')
  lists=$(join -t'|' -a2 -e0 -o 0,1.2,2.2 "$WORK/lists0" "$WORK/lists1" |
    awk -F'|' -v dr="$fills" '$1 != "list nodes" { s += $3 - $2 } END { printf "%.1f", s / dr }')
  cpu=$(echo "scale=3; ($c1 - $c0) / $HZ / $dr" | bc)
  idle=$(echo "scale=2; 100 * ($c1 - $c0) / $HZ / $window" | bc)
  rss=$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$RUN_PID/status")
  peak=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$RUN_PID/status")
  sock=${DOCKER_HOST#unix://}
  revert=$(timeout 1200 python3 "$ROOT/bench/watch_mode_revert.py" "$sock" watch- "$N" "$TRIALS" 2>&1 | tail -1) || true
  printf '%-6s %-12s %-13s %-12s %-12s %-10s %-12s %s\n' "$N" "$first_sync" "$lists" "$cpu" \
    "$idle" "$rss" "$peak" "$revert"
  echo "       list calls per resync by verb: $by_verb"
  kill "$RUN_PID"; wait "$RUN_PID" 2>/dev/null || true; RUN_PID=
  "$TESTBED" down --dir "$WORK/bed" >/dev/null 2>&1
done
