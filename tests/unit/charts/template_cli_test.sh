#!/usr/bin/env bash
# The chart commands that need no engine, through the real binary: lint of every shipped chart, template
# piped into validate, values errors with their position and exit codes.
#   template_cli_test.sh SWARMOP_BINARY
set -uo pipefail
SWARMOP=$1
export DOCKER_HOST=unix:///nonexistent/docker.sock  # none of these may reach an engine
unset SWARMOP_CHARTS_DIR
OUT=$(mktemp -d /tmp/swarmop-template-test.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
failed=0
check() { local name=$1; shift; if "$@"; then echo "ok   $name"; else failed=$((failed + 1)); echo "FAIL $name"; fi; }

"$SWARMOP" lint >"$OUT/lint.out" 2>&1
check "lint of every shipped chart exits 0" test $? = 0
check "lint names all eight charts" test "$(grep -c ': ok (' "$OUT/lint.out")" = 8

"$SWARMOP" template estate | "$SWARMOP" validate -f - >"$OUT/validate.out" 2>&1
check "template estate | validate -f - exits 0" test $? = 0

"$SWARMOP" template django-api --release billing --set image=acme/billing:2 >"$OUT/api.out" 2>"$OUT/api.err"
check "template with --set exits 0" test $? = 0
check "the release names the Service" grep -q "^  name: billing$" "$OUT/api.out"
check "--set reaches the spec" grep -q "^  image: acme/billing:2$" "$OUT/api.out"

"$SWARMOP" template django-api --set port=http >"$OUT/bad.out" 2>"$OUT/bad.err"
check "a bad --set exits 1" test $? = 1
check "a bad --set prints nothing on stdout" test ! -s "$OUT/bad.out"
check "a bad --set names the flag and the path" \
  grep -q '^--set port=http: port: must be an integer, got string "http"$' "$OUT/bad.err"

printf 'sites:\n  douala:\n    replicas: -2\n' >"$OUT/prod.yaml"
"$SWARMOP" template django-api -f "$OUT/prod.yaml" >/dev/null 2>"$OUT/file.err"
check "a bad values file exits 1" test $? = 1
check "a bad values file names file:line:col and path" grep -q "prod.yaml:3:5: sites.douala.replicas: must be at least 0" "$OUT/file.err"

"$SWARMOP" template no-such-chart >/dev/null 2>"$OUT/nochart.err"
check "an unknown chart exits 2" test $? = 2
[ "$failed" = 0 ]
