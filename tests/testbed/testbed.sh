#!/usr/bin/env bash
# swarmop test bed: a PRIVATE Docker Swarm on this machine, for the integration and e2e tiers.
#
#   testbed.sh up   [--dir DIR] [--nodes 1|3] [--layout stretched|separate] [--tls]
#   testbed.sh down [--dir DIR]
#   testbed.sh env  [--dir DIR]
#   testbed.sh partition SITE [--dir DIR]     (3 nodes only: cut SITE off the network)
#   testbed.sh heal SITE [--dir DIR]          (3 nodes only: reconnect SITE)
#
# `up` prints only `export ...` lines on stdout (progress goes to stderr), so
#   eval "$(tests/testbed/testbed.sh up)"
# works. Without --dir, `down`/`env`/`partition`/`heal` use $SWARMOP_TEST_BED_DIR.
#
# Every dockerd runs in its OWN network namespace (and UTS namespace, for its hostname), with its own
# --data-root, --exec-root, socket, pidfile and config file, all inside DIR. It never touches the user's
# /var/run/docker.sock, /var/lib/docker, /etc/docker/daemon.json, nor the host's interfaces, ports and
# iptables rules (see tests/testbed/README.md for why). Needs root.
# --tls (1 node): the dockerd also listens on tcp://<node ip>:2376 with --tlsverify, reached from the host
# over a veth pair with a private /30; a throw-away CA, server and client certificates are made in DIR/tls.
set -euo pipefail

PROG=testbed
MARKER=.swarmop-testbed            # a DIR without it is never deleted by `down`
IMAGE=local/busybox:1
SUBNET_PREFIX=10.78.0              # multi-node underlay, on a bridge private to this test bed
TLS_NET_PREFIX=10.79               # --tls: host <-> node link, a /30 inside 10.79.0.0/16 picked per bed
TLS_PORT=2376
START_TIMEOUT=${TESTBED_START_TIMEOUT:-60}   # seconds to wait for each dockerd to answer
STOP_TIMEOUT=${TESTBED_STOP_TIMEOUT:-60}     # seconds to wait for the dockerds to exit before SIGKILL

# The docker CLI of the docker.io package matches the daemon; fall back to whatever is on PATH.
DOCKER_BIN=${TESTBED_DOCKER_CLI:-}
if [ -z "$DOCKER_BIN" ]; then
  if [ -x /usr/bin/docker ]; then DOCKER_BIN=/usr/bin/docker; else DOCKER_BIN=$(command -v docker || echo docker); fi
fi
# `docker -H` refuses to run next to DOCKER_CONTEXT; the TLS variables belong to the user's engine.
unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH DOCKER_HOST

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }'; }

usage() {
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

require_root() {
  if [ "$(id -u)" -ne 0 ]; then
    cat >&2 <<EOF
$PROG: starting a private dockerd needs root (network namespaces, mounts, cgroups).
$PROG: run as root, or point the tests at a DISPOSABLE swarm you already have:
$PROG:   export SWARMOP_TEST_DOCKER_HOST=unix:///path/to/disposable/docker.sock
EOF
    exit 2
  fi
}

require_cmds() {
  local missing=() c
  for c in "$@"; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
  [ -x "$DOCKER_BIN" ] || command -v "$DOCKER_BIN" >/dev/null 2>&1 || missing+=(docker)
  [ ${#missing[@]} -eq 0 ] || die "missing commands: ${missing[*]} (install: apt-get install docker.io busybox-static iproute2 iptables procps util-linux openssl)"
}

# ---------------------------------------------------------------------------------------------------------
# State. DIR/state records every resource the moment it is created, one "kind value..." per line, so that
# `down` can undo a half-finished `up` too. DIR/env holds the user-facing export lines.

DIR=""
state_add() { printf '%s\n' "$*" >>"$DIR/state"; }
state_get() { [ -f "$DIR/state" ] && awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print }' "$DIR/state" || true; }

resolve_dir() {   # for commands other than `up`: --dir, else $SWARMOP_TEST_BED_DIR
  if [ -z "$DIR" ]; then
    DIR=${SWARMOP_TEST_BED_DIR:-}
    if [ -z "$DIR" ]; then
      local existing
      existing=$(ls -d /tmp/swarmop-testbed.* 2>/dev/null | tr '\n' ' ' || true)
      die "which test bed? pass --dir DIR or set SWARMOP_TEST_BED_DIR${existing:+ (found: $existing)}"
    fi
  fi
  DIR=$(realpath -m "$DIR")   # absolute, as in the daemons' command lines that `down` matches
}

sock() { echo "$DIR/$1/docker.sock"; }                   # node -> its socket path
dk() { local n=$1; shift; "$DOCKER_BIN" -H "unix://$(sock "$n")" "$@"; }   # docker CLI against one node

# ---------------------------------------------------------------------------------------------------------
# up

NODES=1
LAYOUT=stretched
TLS=0
TLS_IP=""          # --tls: the node's address on the host link (in the server certificate)
DOCKERD_EXTRA=()   # --tls: the tcp listener and its certificates
ID=""
UP_DONE=0
FAILED_NODE=""

on_up_exit() {
  local rc=$?
  [ "$UP_DONE" = 1 ] && return 0
  log "start-up FAILED (exit $rc)"
  local f logs=("$DIR"/*/dockerd.log)
  # The node that failed to start, if we know it; otherwise every node (e.g. `swarm join` failed).
  [ -n "$FAILED_NODE" ] && logs=("$DIR/$FAILED_NODE/dockerd.log")
  for f in "${logs[@]}"; do
    [ -f "$f" ] || continue
    log "---- last lines of $f (grpc chatter left out) ----"
    grep -v 'module=grpc' "$f" | tail -n 20 >&2 || true
  done
  if [ "${TESTBED_KEEP_ON_FAILURE:-0}" = 1 ]; then
    log "TESTBED_KEEP_ON_FAILURE=1: leaving $DIR as it is; remove it with: $0 down --dir $DIR"
  else
    log "tearing down what was started (TESTBED_KEEP_ON_FAILURE=1 keeps $DIR for inspection)"
    do_down || true
  fi
  exit "$rc"
}

make_image_root() {   # a busybox root folder: bin/busybox plus one link per applet
  local root=$DIR/image/root a
  mkdir -p "$root"/{bin,etc,tmp,www,proc,sys,dev}
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for a in $("$root/bin/busybox" --list); do
    [ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  echo ok >"$root/www/index.html"
}

start_dockerd() {   # node netns hostname: start one private dockerd, detached from our stdin/stdout
  local node=$1 netns=$2 host=$3 nd=$DIR/$1
  mkdir -p "$nd/data" "$nd/exec"
  echo '{}' >"$nd/daemon.json"   # never read the user's /etc/docker/daemon.json
  # nsenter (not `ip netns exec`, which remounts /sys: dockerd then dies with "Devices cgroup isn't mounted").
  # unshare --uts gives the node its own hostname, which becomes its swarm node name.
  # --bridge none / --iptables=false / --ip-forward=false: no docker0, no iptables rules, no sysctl changes
  # (TESTBED_IPTABLES=true: iptables inside the node's namespace only; see README.md).
  # setsid: the daemon must not get the terminal's signals (Ctrl-C on a test run must not kill it mid-test).
  setsid nsenter --net="/var/run/netns/$netns" unshare --uts sh -c 'hostname "$0"; exec "$@"' "$host" \
    dockerd --config-file "$nd/daemon.json" --data-root "$nd/data" --exec-root "$nd/exec" \
    -H "unix://$nd/docker.sock" --pidfile "$nd/docker.pid" --cgroup-parent "$netns" \
    --bridge none --iptables="${TESTBED_IPTABLES:-false}" --ip-forward="${TESTBED_IPTABLES:-false}" \
    "${DOCKERD_EXTRA[@]}" </dev/null >"$nd/dockerd.log" 2>&1 &
  local pid=$!
  state_add daemon "$pid" "$node"
  state_add cgroup "$netns"
}

wait_dockerd() {   # node: wait until it answers, bounded; on failure show why
  local node=$1 pid deadline
  pid=$(state_get daemon | awk -v n="$node" '$2 == n { print $1 }')
  deadline=$((SECONDS + START_TIMEOUT))
  FAILED_NODE=$node   # until it answers
  while ! dk "$node" version --format '{{.Server.Version}}' >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || die "dockerd for node '$node' (pid $pid) exited during start-up; see $DIR/$node/dockerd.log"
    [ $SECONDS -lt $deadline ] || die "dockerd for node '$node' did not answer on $(sock "$node") within ${START_TIMEOUT}s"
    sleep 0.2
  done
  FAILED_NODE=""
}

new_netns() {   # name: a named network namespace with loopback up
  ip netns add "$1"
  state_add netns "$1"
  ip -n "$1" link set lo up
}

write_env() {   # manager-node: the user-facing export lines (DIR/env)
  local mgr=$1 n up
  {
    if [ "$TLS" = 1 ]; then
      # The docker CLI and `swarmop` go over TLS; the existing tests keep the unix socket.
      echo "export DOCKER_HOST=tcp://$TLS_IP:$TLS_PORT"
      echo "export DOCKER_TLS_VERIFY=1"
      echo "export DOCKER_CERT_PATH=$DIR/tls/client"
      echo "export SWARMOP_TEST_DOCKER_TLS_HOST=tcp://$TLS_IP:$TLS_PORT"
    else
      echo "export DOCKER_HOST=unix://$(sock "$mgr")"
    fi
    echo "export SWARMOP_TEST_DOCKER_HOST=unix://$(sock "$mgr")"
    echo "export SWARMOP_TEST_BED_DIR=$DIR"
    echo "export SWARMOP_TEST_BED_NODES=$NODES"
    if [ "$NODES" = 3 ]; then
      echo "export SWARMOP_TEST_BED_LAYOUT=$LAYOUT"
      echo "export SWARMOP_TEST_BED_SITES=\"cloud douala yaounde\""
      for n in cloud douala yaounde; do
        up=$(echo "$n" | tr a-z A-Z)
        echo "export SWARMOP_TEST_DOCKER_HOST_$up=unix://$(sock "$n")"
      done
    fi
  } >"$DIR/env"
}

# --tls: a veth pair host <-> node with a /30 of 10.79.0.0/16 that no interface or route of the host uses yet
# (picked from the bed's id, so concurrent beds differ). The host side is tb<id>-h; `down` deletes it.
tls_link() {   # netns
  local ns=$1 n base try
  n=$((16#$ID))
  for try in 0 1 2 3 4 5 6 7; do
    base=$(( (n + try * 4099) % 16384 ))   # 16384 /30s in a /16
    local net="$TLS_NET_PREFIX.$((base / 64)).$(( (base % 64) * 4 ))"
    if [ -z "$(ip -4 -o addr show to "$net/30")" ] && [ -z "$(ip -4 route show root "$net/30")" ]; then
      local hostip="$TLS_NET_PREFIX.$((base / 64)).$(( (base % 64) * 4 + 1 ))"
      TLS_IP="$TLS_NET_PREFIX.$((base / 64)).$(( (base % 64) * 4 + 2 ))"
      ip link add "tb$ID-h" type veth peer name "tb${ID}p0"
      state_add link "tb$ID-h"
      ip link set "tb${ID}p0" netns "$ns"
      ip -n "$ns" link set "tb${ID}p0" name eth0
      ip -n "$ns" addr add "$TLS_IP/30" dev eth0
      ip -n "$ns" link set eth0 up
      ip addr add "$hostip/30" dev "tb$ID-h"
      ip link set "tb$ID-h" up
      state_add tls "$TLS_IP" "$hostip"
      return 0
    fi
  done
  die "no free /30 in $TLS_NET_PREFIX.0.0/16 for the TLS link (the host uses these addresses?)"
}

# --tls: a throw-away CA (never leaves DIR, valid 7 days), the dockerd's server certificate (SAN: 127.0.0.1,
# the node's address) and a client certificate, as the docker CLI expects them in DOCKER_CERT_PATH.
tls_material() {
  local d=$DIR/tls ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  mkdir -p "$d/client"
  openssl req -x509 "${ec[@]}" -keyout "$d/ca-key.pem" -out "$d/ca.pem" -days 7 \
    -subj "/CN=swarmop testbed CA $ID" 2>/dev/null
  openssl req "${ec[@]}" -keyout "$d/server-key.pem" -out "$d/server.csr" -subj "/CN=testbed" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,IP:%s\nextendedKeyUsage=serverAuth\n' "$TLS_IP" >"$d/server.ext"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca-key.pem" -set_serial "0x$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" \
    -days 7 -extfile "$d/server.ext" -out "$d/server-cert.pem" 2>/dev/null
  openssl req "${ec[@]}" -keyout "$d/client/key.pem" -out "$d/client.csr" -subj "/CN=swarmop-test-client" 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' >"$d/client.ext"
  openssl x509 -req -in "$d/client.csr" -CA "$d/ca.pem" -CAkey "$d/ca-key.pem" -set_serial "0x$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" \
    -days 7 -extfile "$d/client.ext" -out "$d/client/cert.pem" 2>/dev/null
  cp "$d/ca.pem" "$d/client/ca.pem"
  rm -f "$d"/*.csr "$d"/*.ext
  chmod 600 "$d"/*key.pem "$d/client/key.pem"
  DOCKERD_EXTRA=(-H "tcp://0.0.0.0:$TLS_PORT" --tlsverify --tlscacert "$d/ca.pem" --tlscert "$d/server-cert.pem"
    --tlskey "$d/server-key.pem")
}

wait_tls() {   # the tcp+TLS listener answers the client certificate from the host, bounded
  local deadline=$((SECONDS + START_TIMEOUT))
  until "$DOCKER_BIN" -H "tcp://$TLS_IP:$TLS_PORT" --tlsverify --tlscacert "$DIR/tls/client/ca.pem" \
      --tlscert "$DIR/tls/client/cert.pem" --tlskey "$DIR/tls/client/key.pem" version >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || die "dockerd did not answer on tcp://$TLS_IP:$TLS_PORT (TLS) within ${START_TIMEOUT}s"
    sleep 0.2
  done
}

up_single() {
  local ns="tb$ID-node" t
  new_netns "$ns"
  if [ "$TLS" = 1 ]; then
    tls_link "$ns"
    tls_material
    log "TLS: CA and certificates in $DIR/tls, node reached at $TLS_IP:$TLS_PORT"
  fi
  t=$(now)
  start_dockerd node "$ns" testbed
  wait_dockerd node
  [ "$TLS" = 1 ] && wait_tls
  log "dockerd $(dk node version --format '{{.Server.Version}}') up in $(elapsed "$t")s (pid $(cat "$DIR/node/docker.pid"))"
  # Inside its own namespace 127.0.0.1 is this node's alone: no port clash with a swarm on the host.
  dk node swarm init --advertise-addr 127.0.0.1 >/dev/null
  log "swarm initialised (single manager, advertise 127.0.0.1)"
  make_image_root
  tar -C "$DIR/image/root" -c . | dk node import --change 'CMD ["sh"]' - "$IMAGE" >/dev/null
  log "image $IMAGE imported"
  write_env node
}

up_multi() {
  local sites=(cloud douala yaounde) br="tb$ID-br" i site ns veth t
  # A bridge in the root namespace with NO address: the nodes talk over it, the host has no route into it,
  # so several test beds can use the same subnet at once.
  ip link add "$br" type bridge
  state_add link "$br"
  ip link set "$br" up
  # If another dockerd set FORWARD to DROP with bridge-nf-call-iptables=1, bridged frames between the
  # nodes would be dropped and `swarm join` would time out.
  iptables -w -I FORWARD -i "$br" -o "$br" -j ACCEPT
  state_add iptables FORWARD -i "$br" -o "$br" -j ACCEPT
  i=0
  for site in "${sites[@]}"; do
    i=$((i + 1))
    ns="tb$ID-$site"; veth="tb$ID-$site"      # root-side veth named like the namespace (<= 15 chars)
    new_netns "$ns"
    ip link add "$veth" type veth peer name "tb${ID}p$i"
    state_add link "$veth"
    ip link set "tb${ID}p$i" netns "$ns"
    ip -n "$ns" link set "tb${ID}p$i" name eth0
    ip -n "$ns" addr add "$SUBNET_PREFIX.$((10 + i))/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip link set "$veth" master "$br" up
    state_add site "$site" "$ns" "$veth" "$SUBNET_PREFIX.$((10 + i))"
  done
  t=$(now)
  for site in "${sites[@]}"; do start_dockerd "$site" "tb$ID-$site" "$site"; done
  for site in "${sites[@]}"; do wait_dockerd "$site"; done
  log "3 dockerds up in $(elapsed "$t")s"

  make_image_root
  tar -C "$DIR/image/root" -c . | dk cloud import --change 'CMD ["sh"]' - "$IMAGE" >/dev/null
  # Without a registry every node needs its own copy; save/load keeps the same image ID everywhere.
  dk cloud save -o "$DIR/image/busybox.tar" "$IMAGE"
  for site in douala yaounde; do dk "$site" load -q -i "$DIR/image/busybox.tar" >/dev/null; done
  log "image $IMAGE loaded into every node"

  if [ "$LAYOUT" = stretched ]; then
    dk cloud swarm init --advertise-addr "$SUBNET_PREFIX.11" >/dev/null
    local token
    token=$(dk cloud swarm join-token -q worker)
    for site in douala yaounde; do
      dk "$site" swarm join --token "$token" "$SUBNET_PREFIX.11:2377" >/dev/null
    done
    for site in "${sites[@]}"; do dk cloud node update --label-add "site=$site" "$site" >/dev/null; done
    log "stretched swarm: manager cloud, workers douala + yaounde, nodes labelled site=<site>"
  else
    i=0
    for site in "${sites[@]}"; do
      i=$((i + 1))
      dk "$site" swarm init --advertise-addr "$SUBNET_PREFIX.$((10 + i))" >/dev/null
      dk "$site" node update --label-add "site=$site" "$site" >/dev/null
    done
    log "separate swarms: one single-node swarm per site, each node labelled site=<site>"
  fi
  write_env cloud
}

cmd_up() {
  require_root
  require_cmds dockerd ip nsenter unshare setsid awk tar
  [ -x /bin/busybox ] || die "/bin/busybox not found (apt-get install busybox-static)"
  case "$NODES" in 1|3) ;; *) die "--nodes must be 1 or 3" ;; esac
  case "$LAYOUT" in stretched|separate) ;; *) die "--layout must be stretched or separate" ;; esac
  [ "$NODES" = 3 ] && require_cmds iptables
  if [ "$TLS" = 1 ]; then
    [ "$NODES" = 1 ] || die "--tls needs --nodes 1"
    require_cmds openssl
  fi
  local t0; t0=$(now)
  if [ -n "$DIR" ]; then
    DIR=${DIR%/}
    [ "${DIR#/}" != "$DIR" ] || DIR=$(pwd)/$DIR
    if [ -e "$DIR" ] && [ -n "$(ls -A "$DIR")" ]; then die "$DIR exists and is not empty"; fi
    mkdir -p "$DIR"
  else
    DIR=$(mktemp -d /tmp/swarmop-testbed.XXXXXX)
  fi
  # Unix socket paths are limited to 107 bytes; containerd's ttrpc socket is the longest one inside DIR.
  [ ${#DIR} -le 50 ] || die "--dir path too long for unix sockets (${#DIR} > 50 chars): $DIR"
  touch "$DIR/$MARKER"
  # A short random id keeps names (netns, veth, bridge, cgroup) unique when several test beds run at once.
  ID=$(od -An -N2 -tx2 /dev/urandom | tr -d ' \n')
  state_add id "$ID"
  state_add nodes "$NODES"
  trap on_up_exit EXIT
  log "starting a private $([ "$NODES" = 3 ] && echo "3-node $LAYOUT" || echo "single-node")$([ "$TLS" = 1 ] && echo " TLS") swarm in $DIR"
  if [ "$NODES" = 1 ]; then up_single; else up_multi; fi
  UP_DONE=1
  trap - EXIT
  log "ready in $(elapsed "$t0")s. To use it:"
  sed 's/^/  /' "$DIR/env" >&2
  log "or: eval \"\$($0 env --dir $DIR)\"; tear down with: $0 down --dir $DIR"
  cat "$DIR/env"
}

# ---------------------------------------------------------------------------------------------------------
# down: stop daemons (waiting for them), kill stragglers, unmount, delete network objects and cgroups, rm DIR.

pid_is_ours() {   # pid: alive, a docker/containerd process, and its command line mentions DIR?
  local comm args=()
  { read -r comm <"/proc/$1/comm"; } 2>/dev/null || return 1
  case "$comm" in dockerd|containerd*|runc|docker-proxy) ;; *) return 1 ;; esac
  { mapfile -d "" args <"/proc/$1/cmdline"; } 2>/dev/null || return 1
  [[ " ${args[*]} " == *"$DIR/"* ]]
}

procs_in_dir() {  # pids of our dockerd/containerd/shims, and of every process in our containers' cgroups
  local p cg
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    pid_is_ours "$p" && echo "$p"
  done
  while read -r cg; do
    [ -n "$cg" ] || continue
    find /sys/fs/cgroup/*/"$cg" /sys/fs/cgroup/"$cg" -name cgroup.procs -exec cat {} + 2>/dev/null || true
  done < <(state_get cgroup | sort -u)
  return 0
}

mounts_in_dir() { awk -v d="$DIR/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r; }

do_down() {
  local t0 pid node rest pids p deadline ns l rule cg c m left
  t0=$(now)
  # 1. Daemons. Kill the containers first: stopping them gracefully would cost ~10 s each (sleep as PID 1
  #    ignores SIGTERM) and nobody wants their data.
  while read -r pid node; do
    [ -n "$pid" ] || continue
    if pid_is_ours "$pid"; then
      if [ -S "$(sock "$node")" ]; then
        timeout 20 "$DOCKER_BIN" -H "unix://$(sock "$node")" ps -q 2>/dev/null \
          | xargs -r timeout 20 "$DOCKER_BIN" -H "unix://$(sock "$node")" kill >/dev/null 2>&1 || true
      fi
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done < <(state_get daemon)
  deadline=$((SECONDS + STOP_TIMEOUT))
  while read -r pid node; do
    [ -n "$pid" ] || continue
    while pid_is_ours "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    if pid_is_ours "$pid"; then
      log "dockerd $pid ($node) still running after ${STOP_TIMEOUT}s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done < <(state_get daemon)
  # 2. Stragglers, after a daemon that crashed or was killed: its containerd, shims and container processes
  #    (found by our cgroup parents). Nothing of theirs is worth a graceful stop.
  pids=$(procs_in_dir | sort -u)
  if [ -n "$pids" ]; then
    log "killing leftover processes: $(echo $pids)"
    kill -KILL $pids 2>/dev/null || true
    deadline=$((SECONDS + 10))
    while [ -n "$(procs_in_dir)" ] && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
  fi
  # 3. Mounts dockerd did not remove (they normally vanish when it exits). Deepest first.
  for m in $(mounts_in_dir); do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
  # 4. Network: iptables rules, links (the bridge and root-side veths), namespaces.
  while read -r rule; do
    [ -n "$rule" ] || continue
    # shellcheck disable=SC2086 # the rule is a list of words
    while iptables -w -C $rule 2>/dev/null; do iptables -w -D $rule || break; done
  done < <(state_get iptables)
  while read -r l; do
    [ -n "$l" ] && ip link show "$l" >/dev/null 2>&1 && { ip link del "$l" 2>/dev/null || true; }
  done < <(state_get link)
  while read -r ns; do
    [ -n "$ns" ] && [ -e "/var/run/netns/$ns" ] && { ip netns del "$ns" || true; }
  done < <(state_get netns)
  # 5. cgroups created under each --cgroup-parent (cgroup v1: one tree per controller; v2: one tree).
  while read -r cg; do
    [ -n "$cg" ] || continue
    for c in /sys/fs/cgroup/*/"$cg" /sys/fs/cgroup/"$cg"; do
      [ -d "$c" ] && find "$c" -depth -type d -exec rmdir {} + 2>/dev/null || true
    done
  done < <(state_get cgroup)
  # 6. The folder, only once nothing is mounted in it (rm must never reach into a mount).
  left=$(mounts_in_dir)
  [ -z "$left" ] || die "still mounted under $DIR, not deleting it: $(echo $left)"
  rm -rf --one-file-system "$DIR"
  log "down: $DIR removed in $(elapsed "$t0")s"
}

cmd_down() {
  resolve_dir
  if [ ! -e "$DIR" ]; then log "down: $DIR does not exist, nothing to do"; return 0; fi
  # An empty folder: made for `up --dir` (e.g. by tests/run-tests.sh) that was stopped before it began.
  if [ -d "$DIR" ] && [ -z "$(ls -A "$DIR")" ]; then rmdir "$DIR"; log "down: removed empty $DIR"; return 0; fi
  require_root
  [ -f "$DIR/$MARKER" ] || die "$DIR is not a test bed folder (no $MARKER): refusing to delete it"
  do_down
}

cmd_env() {
  resolve_dir
  [ -f "$DIR/env" ] || die "no test bed in $DIR (no $DIR/env): start one with: $0 up"
  cat "$DIR/env"
}

cmd_link() {   # up|down SITE: set the root-side veth of SITE
  local dir=$1 site=$2 veth
  require_root
  resolve_dir
  [ -f "$DIR/state" ] || die "no test bed in $DIR"
  [ "$(state_get nodes)" = 3 ] || die "partition/heal need a 3-node test bed (up --nodes 3)"
  veth=$(state_get site | awk -v s="$site" '$1 == s { print $3 }')
  [ -n "$veth" ] || die "unknown site '$site' (sites: $(state_get site | awk '{ printf "%s ", $1 }'))"
  ip link set "$veth" "$dir"
  log "$([ "$dir" = down ] && echo "partitioned" || echo "healed") site $site (link $veth $dir)"
}

# ---------------------------------------------------------------------------------------------------------
main() {
  [ $# -ge 1 ] || usage
  local cmd=$1 site=""
  shift
  case "$cmd" in partition|heal) [ $# -ge 1 ] || usage; site=$1; shift ;; esac
  while [ $# -gt 0 ]; do
    case "$1" in
      --dir) [ $# -ge 2 ] || usage; DIR=$2; shift 2 ;;
      --dir=*) DIR=${1#--dir=}; shift ;;
      --nodes) [ $# -ge 2 ] || usage; NODES=$2; shift 2 ;;
      --nodes=*) NODES=${1#--nodes=}; shift ;;
      --layout) [ $# -ge 2 ] || usage; LAYOUT=$2; shift 2 ;;
      --layout=*) LAYOUT=${1#--layout=}; shift ;;
      --tls) TLS=1; shift ;;
      -h|--help) usage ;;
      *) log "unknown argument: $1"; usage ;;
    esac
  done
  case "$cmd" in
    up) cmd_up ;;
    down) cmd_down ;;
    env) cmd_env ;;
    partition) cmd_link down "$site" ;;
    heal) cmd_link up "$site" ;;
    *) log "unknown command: $cmd"; usage ;;
  esac
}

main "$@"
