#!/usr/bin/env bash
# The reconciler's layers depend only downward (design.md, "Target layout inside reconciler/"): every
# #include "swarmop/reconciler/<layer>/..." in a layer's sources and public headers must name the layer
# itself or one it may use. Also: no header outside a layer folder, and nothing in production (reconciler/,
# cli/) includes the testing layer. The link would catch most violations too, but only as an undefined
# symbol far from the include that caused it.
#   tests/unit/layering_test.sh [SOURCE_DIR]
set -uo pipefail
ROOT=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
R=$ROOT/reconciler
declare -A allowed=(
  [core]=""
  [cache]="core"
  [store]="core"
  [replication]="core"
  [profiles]="core"
  [http]=""
  [sites]="replication store core"
  [gitops]="store http core"
  [controller]="sites gitops profiles replication cache store http core"
  [testing]="core"
)
failures=0
fail() { echo "layering: $*" >&2; failures=$((failures + 1)); }

for layer in "${!allowed[@]}"; do
  [ -d "$R/include/swarmop/reconciler/$layer" ] || [ -d "$R/src/$layer" ] || fail "layer '$layer' has no folder"
  files=$(find "$R/src/$layer" "$R/include/swarmop/reconciler/$layer" -type f \( -name '*.h' -o -name '*.cpp' \) 2>/dev/null)
  for f in $files; do
    while IFS=: read -r line used; do
      [ "$used" = "$layer" ] && continue
      [[ " ${allowed[$layer]} " == *" $used "* ]] && continue
      fail "${f#"$ROOT"/}:$line: layer '$layer' includes from '$used' (it may use: ${allowed[$layer]:-nothing above base, crds, engine})"
    done < <(grep -no '#include "swarmop/reconciler/[a-z_]*/' "$f" | sed 's|#include "swarmop/reconciler/||; s|/$||')
  done
done

for d in "$R"/src/*/; do
  layer=$(basename "$d")
  [ -n "${allowed[$layer]+x}" ] || fail "reconciler/src/$layer is not a known layer (add it to this test and to reconciler/CMakeLists.txt)"
done
stray=$(find "$R/include/swarmop/reconciler" -maxdepth 1 -type f -name '*.h')
[ -z "$stray" ] || fail "headers outside a layer folder: $stray"
flat=$(grep -rn '#include "swarmop/reconciler/[a-z_]*\.h"' "$ROOT"/{reconciler,cli,tests,bench,fuzz,charts} 2>/dev/null)
[ -z "$flat" ] || fail "includes of a reconciler header without its layer: $flat"
prod_testing=$(grep -rln '#include "swarmop/reconciler/testing/' "$R/src" "$R/include" "$ROOT/cli" 2>/dev/null | grep -v "/testing/")
[ -z "$prod_testing" ] || fail "production code includes the testing layer: $prod_testing"

if [ "$failures" -gt 0 ]; then
  echo "layering: $failures violation(s)" >&2
  exit 1
fi
echo "layering: ${#allowed[@]} layers, every include points down"
