#!/usr/bin/env bash
# Runs every libFuzzer target of a fuzz build for a bounded time each, from the checked-in seeds
# (fuzz/corpus/<target>/) plus the repository's manifests for the manifest target. New inputs go to
# BUILD/corpus/<target>/ (kept between local runs); a crash, leak or timeout leaves its input in
# BUILD/artifacts/<target>/ and fails the run (turn it into a unit test: see fuzz/README.md).
#
#   fuzz/run-fuzzers.sh BUILD_DIR [SECONDS_PER_TARGET]   (make fuzz; FUZZ_SECONDS, default 60)
#
# FUZZ_DETERMINISTIC=1 (what `make test`, so CI, sets): a fixed seed and a fixed number of runs per target
# (about a minute each here) instead of a time budget, so one commit's CI always explores the same inputs
# and a finding can be replayed, never a pass or fail at random.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "$1" && pwd) || exit 2
SECONDS_EACH=${2:-60}

declare -A RUNS=([manifest_fuzzer]=20000 [engine_json_fuzzer]=200000 [ndjson_fuzzer]=500000
  [http_request_fuzzer]=500000)
declare -A SEEDS=(
  [manifest_fuzzer]="$ROOT/fuzz/corpus/manifest_fuzzer $ROOT/tests/unit/crds/broken $ROOT/manifests"
  [engine_json_fuzzer]="$ROOT/fuzz/corpus/engine_json_fuzzer"
  [ndjson_fuzzer]="$ROOT/fuzz/corpus/ndjson_fuzzer"
  [http_request_fuzzer]="$ROOT/fuzz/corpus/http_request_fuzzer"
)
failed=()
for target in manifest_fuzzer engine_json_fuzzer ndjson_fuzzer http_request_fuzzer; do
  bin=$BUILD/fuzz/$target
  [ -x "$bin" ] || { echo "run-fuzzers: $bin is missing (cmake --build $BUILD --target fuzzers)"; exit 2; }
  work=$BUILD/corpus/$target artifacts=$BUILD/artifacts/$target
  mkdir -p "$work" "$artifacts"
  if [ "${FUZZ_DETERMINISTIC:-0}" = 1 ]; then
    budget=(-seed=1 -runs="${RUNS[$target]}")
    rm -rf "$work" && mkdir -p "$work"  # the same starting corpus every time
    echo "=== $target: ${RUNS[$target]} runs, seed 1"
  else
    budget=(-max_total_time="$SECONDS_EACH")
    echo "=== $target: ${SECONDS_EACH}s"
  fi
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb: one using 2 GB is a memory blow-up.
  # shellcheck disable=SC2086
  "$bin" "${budget[@]}" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$work" ${SEEDS[$target]} 2>"$BUILD/$target.log"
  rc=$?
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)' "$BUILD/$target.log" | sed 's/^/  /'
  if [ $rc -ne 0 ]; then
    failed+=("$target")
    echo "  FAILED (exit $rc): $(grep -m1 -E 'ERROR|SUMMARY|runtime error' "$BUILD/$target.log")"
    echo "  input: $(ls -t "$artifacts" | head -n 1 | sed "s|^|$artifacts/|"); log: $BUILD/$target.log"
    tail -n 40 "$BUILD/$target.log" | sed 's/^/  | /'
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "run-fuzzers: FAILED: ${failed[*]}"
  exit 1
fi
echo "run-fuzzers: every target ran without a finding"
