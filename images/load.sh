#!/usr/bin/env bash
# Loads images built by images/build.sh into Docker engines (every node of a test bed needs its own copy:
# no registry answers here):
#   images/load.sh [--dir build/images] DOCKER_HOST... [-- NAME...]
# Each engine imports each image (`docker import` with the changes in NAME.import), all engines at once.
# An engine that already has the image with the same io.swarmop.image-key label is left alone.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=$ROOT/build/images
hosts=()
names=()
while [ $# -gt 0 ]; do
  case $1 in
    --dir) DIR=$2; shift 2 ;;
    --) shift; names=("$@"); break ;;
    *) hosts+=("$1"); shift ;;
  esac
done
[ ${#hosts[@]} -gt 0 ] || { echo "usage: $0 [--dir DIR] DOCKER_HOST... [-- NAME...]" >&2; exit 2; }
if [ ${#names[@]} -eq 0 ]; then
  for f in "$DIR"/*.import; do [ -e "$f" ] && names+=("$(basename "$f" .import)"); done
fi
[ ${#names[@]} -gt 0 ] || { echo "images/load.sh: no images in $DIR (run images/build.sh first)" >&2; exit 1; }

load_one() {   # host name
  local host=$1 name=$2 ref key have
  local -a lines changes=()
  mapfile -t lines <"$DIR/$name.import"
  ref=${lines[0]}
  for line in "${lines[@]:1}"; do changes+=(--change "$line"); done
  key=${lines[-1]#LABEL io.swarmop.image-key=}
  have=$(docker -H "$host" image inspect -f '{{index .Config.Labels "io.swarmop.image-key"}}' "$ref" 2>/dev/null || true)
  [ "$have" = "$key" ] && return 0
  docker -H "$host" import "${changes[@]}" "$DIR/$name.tar" "$ref" >/dev/null
}

started=$SECONDS
pids=()
for host in "${hosts[@]}"; do
  ( for name in "${names[@]}"; do load_one "$host" "$name" || { echo "images/load.sh: $name into $host failed" >&2; exit 1; }; done ) &
  pids+=($!)
done
rc=0
for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
[ $rc -eq 0 ] && echo "images/load.sh: ${names[*]} in ${#hosts[@]} engine(s) in $((SECONDS - started)) s" >&2
exit $rc
