#!/usr/bin/env bash
# Regression test for the two attacks of issue 14, on the real binary (no engine needed): `swarmop validate`
# of a "billion laughs" (a few hundred bytes of nested aliases that grew to 24 GB) and of a manifest with a
# multi-megabyte scalar (SIGSEGV) must each exit 1 quickly, with one `file:line:col: ... exceeds ...` line.
# Also: deep nesting, too many documents, a file bigger than a Swarm config can hold.
#
#   hostile_manifests_test.sh SWARMOP_BINARY
set -uo pipefail
SWARMOP=$1
OUT=$(mktemp -d /tmp/swarmop-hostile.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
# A regression must fail the test, not the machine: cap the memory (not under AddressSanitizer, which
# reserves terabytes of address space up front) and the time.
# (ldd's output is read whole first: `ldd | grep -q` under pipefail failed at random when grep quit early and
# ldd died of SIGPIPE, which capped an ASan binary and aborted it.)
libraries=$(ldd "$SWARMOP" 2>/dev/null)
case $libraries in
  *libasan*) ;;
  *) ulimit -v $((2 * 1024 * 1024)) ;;
esac

passed=0 failed=0
check() {  # check NAME CONDITION-COMMAND...
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $name"; else failed=$((failed + 1)); echo "FAIL $name"; fi
}
# validate NAME: runs `swarmop validate -f $OUT/NAME.yaml` (20 s at most), keeps stderr and the exit code
validate() {
  timeout 20 "$SWARMOP" validate -f "$OUT/$1.yaml" >/dev/null 2>"$OUT/$1.err"
  echo $? >"$OUT/$1.rc"
}
expect_limit() {  # expect_limit NAME LINE MESSAGE-PART
  validate "$1"
  check "$1: exit 1 (got $(cat "$OUT/$1.rc"))" test "$(cat "$OUT/$1.rc")" = 1
  check "$1: one error, then the summary" test "$(cat "$OUT/$1.err" | tr "\n" "|")" = "$(head -n 1 "$OUT/$1.err")|1 error in 1 file|"
  check "$1: file:$2:col: ... $3" grep -qE -- "^$OUT/$1.yaml:$2:[0-9]+: .*$3" "$OUT/$1.err"
  [ "$failed" = 0 ] || head -c 600 "$OUT/$1.err"
}

header='apiVersion: swarmop.io/v1alpha1
kind: Service
metadata:
  name: lol'

# 1. billion laughs: 9 aliases per level, 10 levels (9^10 strings from 600 bytes)
{
  echo "$header"
  echo 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'
  for i in $(seq 1 9); do
    p="*a$((i - 1))"
    echo "a$i: &a$i [$p, $p, $p, $p, $p, $p, $p, $p, $p]"
  done
  echo 'spec: *a9'
} >"$OUT/laughs.yaml"
expect_limit laughs 10 "exceeds the limit of 250000 nodes per source"

# 2. one 4 MB scalar (crashed with SIGSEGV: std::regex of the name's pattern recursed per character); the
#    file is bigger than a Swarm config, and within that size a 300 KB scalar is refused too.
{ printf 'apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata:\n  name: '; head -c 4000000 /dev/zero | tr '\0' a; printf '\nspec:\n  image: x\n'; } >"$OUT/long.yaml"
expect_limit long 1 "the input of 4000082 bytes exceeds the limit of 512000 bytes"
{ printf 'apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata:\n  name: '; head -c 300000 /dev/zero | tr '\0' a; printf '\nspec:\n  image: x\n'; } >"$OUT/scalar.yaml"
expect_limit scalar 4 "a scalar of 300000 bytes exceeds the limit of 262144 bytes"
{ printf 'apiVersion: swarmop.io/v1alpha1\nkind: Service\nmetadata:\n  name: '; head -c 200000 /dev/zero | tr '\0' a; printf '\nspec:\n  image: x\n'; } >"$OUT/pattern.yaml"
validate pattern
check "pattern: exit 1, no crash (got $(cat "$OUT/pattern.rc"))" test "$(cat "$OUT/pattern.rc")" = 1
check "pattern: the name's length is the error" grep -q "metadata.name: a string of 200000 bytes exceeds the limit of 1024 bytes" "$OUT/pattern.err"

# 3. 100000 nested brackets
{ echo "$header"; printf 'spec: '; head -c 100000 /dev/zero | tr '\0' '['; head -c 100000 /dev/zero | tr '\0' ']'; echo; } >"$OUT/deep.yaml"
expect_limit deep 5 "nesting depth 65 exceeds the limit of 64"

# 4. 1001 documents
for i in $(seq 1 1001); do printf -- '---\na: %d\n' "$i"; done >"$OUT/many.yaml"
expect_limit many 2002 "document 1001 exceeds the limit of 1000 documents per source"

# 5. the same from stdin: read no further than the limit
timeout 20 "$SWARMOP" validate -f - <"$OUT/long.yaml" >/dev/null 2>"$OUT/stdin.err"
check "stdin: exit 1" test $? = 1
check "stdin: -:1:1: ... exceeds" grep -q "^-:1:1: the input of 4000082 bytes exceeds the limit of 512000 bytes" "$OUT/stdin.err"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
