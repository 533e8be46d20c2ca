#!/usr/bin/env bash
# Runs every benchmark: the Google Benchmark binaries the build produced (bench_*), then the benchmark
# scripts against a private swarm (bench/*.sh). Figures are printed; nothing is asserted.
#   scripts/bench.sh BUILD_DIR
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
command -v bc >/dev/null || "$ROOT/scripts/install-deps.sh" bc
for b in "$BUILD"/bench/bench_*; do
  [ -x "$b" ] || continue
  [ "$(basename "$b")" = bench_steady_state ] && continue  # needs an engine: bench/steady_state.sh runs it
  printf '\n==> %s\n' "$(basename "$b")"
  "$b"
done
for s in "$ROOT"/bench/*.sh; do
  printf '\n==> %s\n' "$(basename "$s")"
  "$s" "$BUILD"
done
