#!/usr/bin/env bash
# Private images from a REAL registry (Debian's docker-registry, registry:2, with htpasswd auth) on the private
# swarm (tests/testbed/): swarmop sends X-Registry-Auth from the docker CLI's config.json, so the worker pulls
# and runs the task; without credentials `apply --wait` fails saying which registry and that credentials are
# missing; an update that changes the image carries them too; no swarmop output holds the password.
# The registry runs inside the manager dockerd's network namespace on 127.0.0.1 (an insecure registry for
# dockerd by default: no TLS, no daemon flag), at a port the kernel picks there, so beds never collide.
# Reads SWARMOP_TEST_DOCKER_HOST (a unix socket) and FAILS when it is unset.
#
#   registry_auth_test.sh SWARMOP_BINARY
set -uo pipefail

SWARMOP=$1
# shellcheck source=../../support/checks.sh
source "$(dirname "$0")/../../support/checks.sh"  # check, run, retry, wait_for, the test bed
require_test_bed
case $SWARMOP_TEST_DOCKER_HOST in
  unix://*) SOCK=${SWARMOP_TEST_DOCKER_HOST#unix://} ;;
  *) echo "FAIL: SWARMOP_TEST_DOCKER_HOST=$SWARMOP_TEST_DOCKER_HOST: this test needs the manager's unix socket"; exit 1 ;;
esac
for tool in docker-registry htpasswd nsenter curl python3; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (make deps installs docker-registry, apache2-utils, curl)"; exit 1; }
done
DOCKERD_PID=$(cat "$(dirname "$SOCK")/docker.pid" 2>/dev/null)
[ -n "$DOCKERD_PID" ] && [ -e "/proc/$DOCKERD_PID/ns/net" ] || { echo "FAIL: no dockerd pid beside $SOCK (a test-bed node has docker.pid there)"; exit 1; }
use_test_bed
OUT=$(mktemp -d /tmp/swarmop-registry-test.XXXXXX)
LABEL=swarmop-regtest
USER_NAME=swarmop-ci
PASSWORD="pw-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
TAG=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
NODE=""
REGISTRY_PID=""

in_bed() { nsenter --net="/proc/$DOCKERD_PID/ns/net" "$@"; }
no_task_containers() { [ -z "$("$DOCKER" ps -aq --filter label=com.docker.swarm.service.name=regapp-regtest)" ]; }
remove_services() {
  "$DOCKER" service ls -q --filter label=io.swarmop.owner-name=regapp | xargs -r "$DOCKER" service rm >/dev/null 2>&1
  retry 60 no_task_containers
}
cleanup() {
  remove_services
  for name in regtest regapp; do
    "$DOCKER" config ls -q --filter label=io.swarmop.role=spec --filter "label=io.swarmop.name=$name" \
      | xargs -r "$DOCKER" config rm >/dev/null 2>&1
  done
  "$DOCKER" config ls -q --filter label=io.swarmop.owner-name=regapp | xargs -r "$DOCKER" config rm >/dev/null 2>&1
  retry 20 "$DOCKER" network rm swarmop-regtest
  "$DOCKER" network rm swarmop-estate >/dev/null 2>&1  # refused while another test's services use it
  [ -n "$NODE" ] && "$DOCKER" node update --label-rm "$LABEL" "$NODE" >/dev/null 2>&1
  "$DOCKER" image ls -q "$REGISTRY/private/app" | sort -u | xargs -r "$DOCKER" rmi -f >/dev/null 2>&1
  [ -n "$REGISTRY_PID" ] && kill "$REGISTRY_PID" 2>/dev/null && wait "$REGISTRY_PID" 2>/dev/null
  rm -rf "$OUT"
}
trap cleanup EXIT

# --- the registry, in the manager's network namespace, with htpasswd (bcrypt) auth
PORT=$(in_bed python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
REGISTRY=127.0.0.1:$PORT
htpasswd -Bbn "$USER_NAME" "$PASSWORD" >"$OUT/htpasswd" 2>/dev/null
cat >"$OUT/registry.yml" <<YAML
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: $OUT/registry-data}, delete: {enabled: true}}
http: {addr: "$REGISTRY", secret: "swarmop-test-$TAG"}
auth: {htpasswd: {realm: swarmop-test, path: $OUT/htpasswd}}
YAML
# Not through in_bed: a backgrounded function is a subshell, and $! would be that subshell, leaving the
# registry running after cleanup. nsenter execs the registry, so $! is the registry itself.
nsenter --net="/proc/$DOCKERD_PID/ns/net" docker-registry serve "$OUT/registry.yml" >"$OUT/registry.log" 2>&1 &
REGISTRY_PID=$!
registry_asks_for_credentials() { [ "$(in_bed curl -s -o /dev/null -w '%{http_code}' "http://$REGISTRY/v2/")" = 401 ]; }
check "the registry answers 401 without credentials" retry 30 registry_asks_for_credentials
registry_asks_for_credentials || { cat "$OUT/registry.log"; exit 1; }

# --- an image only the registry holds: pushed through the bed's engine, then removed from it
mkdir -p "$OUT/docker" "$OUT/no-credentials"
echo '{"auths": {}}' >"$OUT/no-credentials/config.json"
echo "$PASSWORD" | DOCKER_CONFIG=$OUT/docker "$DOCKER" login -u "$USER_NAME" --password-stdin "$REGISTRY" >"$OUT/login.out" 2>&1
check "docker login writes the credentials to DOCKER_CONFIG/config.json" grep -q "\"$REGISTRY\"" "$OUT/docker/config.json"
push_image() {  # TAG: a fresh layer (busybox plus a marker file) as $REGISTRY/private/app:TAG, pushed, removed
  local root=$OUT/root-$1
  mkdir -p "$root/bin" "$root/tmp" && cp /bin/busybox "$root/bin/busybox" && ln -sf busybox "$root/bin/sh" &&
    ln -sf busybox "$root/bin/sleep" && echo "$1" >"$root/marker" &&
    tar -C "$root" -c . | "$DOCKER" import --change 'CMD ["sleep", "3600"]' - "$REGISTRY/private/app:$1" >/dev/null &&
    DOCKER_CONFIG=$OUT/docker "$DOCKER" push "$REGISTRY/private/app:$1" >"$OUT/push-$1.out" 2>&1 &&
    "$DOCKER" rmi "$REGISTRY/private/app:$1" >/dev/null 2>&1 &&
    ! "$DOCKER" image inspect "$REGISTRY/private/app:$1" >/dev/null 2>&1
}
check "an image is pushed to the registry and is then absent from the engine" push_image "$TAG"
check "the registry refuses an anonymous pull" bash -c "! DOCKER_CONFIG=$OUT/no-credentials $DOCKER pull $REGISTRY/private/app:$TAG >/dev/null 2>&1"

# Swarm deletes a network an earlier test removed seconds later, and a plan made against it fails with
# "network ... not found": wait that out (tests/support/stale_networks.sh; seen after integration_gitops in CI).
# shellcheck source=../../support/stale_networks.sh
source "$(dirname "$0")/../../support/stale_networks.sh"
wait_for_no_stale_swarmop_networks "$DOCKER" 60

# --- the estate: one site on the manager (where the registry is reachable), one Service from the registry
NODE=$("$DOCKER" node ls -q --filter role=manager | head -n 1)
"$DOCKER" node update --label-add "$LABEL=yes" "$NODE" >/dev/null
write_estate() {  # TAG
  mkdir -p "$OUT/estate"
  cat >"$OUT/estate/estate.yaml" <<YAML
apiVersion: swarmop.io/v1alpha1
kind: Site
metadata: {name: regtest}
spec: {role: cloud, nodeSelector: {$LABEL: "yes"}, network: {encrypted: false}}
---
apiVersion: swarmop.io/v1alpha1
kind: Service
metadata: {name: regapp}
spec:
  image: $REGISTRY/private/app:$1
  sites: {regtest: {replicas: 1}}
YAML
}
write_estate "$TAG"

# Without credentials: the task cannot pull; apply --wait names the registry and the missing credentials.
DOCKER_CONFIG=$OUT/no-credentials "$SWARMOP" apply -f "$OUT/estate" --wait --timeout 120s >"$OUT/apply-none.out" 2>&1
rc=$?
check "without credentials, apply --wait fails (exit $rc)" test $rc = 1
check "the failure names the registry" grep -q "registry $REGISTRY" "$OUT/apply-none.out"
check "the failure says credentials are missing" grep -q "registry credentials are missing" "$OUT/apply-none.out"
if [ $rc = 1 ] && grep -q "credentials are missing" "$OUT/apply-none.out"; then
  grep -m1 "credentials are missing" "$OUT/apply-none.out" | sed 's/^/     /'
else
  cat "$OUT/apply-none.out"
fi

# With credentials (the docker CLI's config.json): the service is created with X-Registry-Auth and runs.
remove_services
DOCKER_CONFIG=$OUT/docker "$SWARMOP" apply -f "$OUT/estate" --wait --timeout 120s >"$OUT/apply-auth.out" 2>&1
rc=$?
check "with credentials, apply --wait converges: the worker pulled the private image (exit $rc)" test $rc = 0
[ $rc = 0 ] || cat "$OUT/apply-auth.out"
running_image() {  # the image of the running task's container
  local id
  id=$("$DOCKER" ps -q --filter label=com.docker.swarm.service.name=regapp-regtest | head -n 1)
  [ -n "$id" ] && "$DOCKER" inspect -f '{{.Config.Image}}' "$id"
}
runs_tag() { running_image | grep -q ":$1\$"; }
check "the task runs the image from the registry" runs_tag "$TAG"
image_on_node() { "$DOCKER" image inspect "$REGISTRY/private/app:$1" >/dev/null 2>&1; }
check "the pulled image is now on the node" image_on_node "$TAG"

# An update that changes the image carries the credentials too.
TAG2=${TAG}b
check "a second tag is pushed" push_image "$TAG2"
write_estate "$TAG2"
DOCKER_CONFIG=$OUT/docker "$SWARMOP" apply -f "$OUT/estate" --wait --timeout 120s >"$OUT/apply-update.out" 2>&1
rc=$?
check "an image change converges with credentials (exit $rc)" test $rc = 0
[ $rc = 0 ] || cat "$OUT/apply-update.out"
check "the task now runs the new tag" retry 30 runs_tag "$TAG2"

# Never logged: no output of swarmop holds the password or the header swarmop sent.
HEADER=$(python3 -c 'import base64, json, sys
print(base64.urlsafe_b64encode(json.dumps({"password": sys.argv[1], "serveraddress": sys.argv[2], "username": sys.argv[3]}, separators=(",", ":"), sort_keys=True).encode()).decode())' "$PASSWORD" "$REGISTRY" "$USER_NAME")
no_secret_in_outputs() { ! grep -q -e "$PASSWORD" -e "$HEADER" "$OUT"/apply-*.out; }
check "no swarmop output holds the password or the X-Registry-Auth value" no_secret_in_outputs

echo "registry_auth_test: $passed passed, $failed failed"
[ $failed = 0 ]
