#!/usr/bin/env bash
# Builds the images the demo and the integration tests run, from Debian packages only (no registry here):
#   images/build.sh [--out DIR] [NAME...]        (default: every folder of images/ with an image.conf)
#
# Each image is a Debian root filesystem made by mmdebstrap (variant essential + the packages listed in
# images/NAME/packages, no docs/man/locales: the base), plus images/NAME/files/ and (for images with
# APP_DIR) the application's files appended to it. The result is a plain root-filesystem tarball that
# `docker import` turns into an image (images/load.sh does that on every node of a test bed).
#
# Cache: tarballs live in $SWARMOP_IMAGE_CACHE (/var/cache/swarmop/images), named by a hash of everything
# that goes into them: a base by its recipe (mmdebstrap options, packages, EXCLUDES, CUSTOMIZE), an image by
# its base, files/ and the application's files. A second `make images` (or a CI run in a fresh clone on the
# same machine) rebuilds nothing; a change to files/ or the app redoes only the append (a second or two).
# Package versions are whatever the Debian mirror serves when the base is first built.
#
# The swarmop image (images/swarmop) carries the binary of the build folder that holds DIR.
# Output per image in DIR (build/images): NAME.tar (a link into the cache) and NAME.import (the image
# reference, then one `docker import --change` per line).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/build/images
CACHE=${SWARMOP_IMAGE_CACHE:-/var/cache/swarmop/images}
SUITE=bookworm
MIRROR=${SWARMOP_DEBIAN_MIRROR:-http://deb.debian.org/debian}

# The base recipe: what goes into a base's cache key besides the image's own packages, EXCLUDES and CUSTOMIZE.
# essential: dpkg, libc, coreutils and the like, no apt. No docs, manuals or translations.
MMDEBSTRAP_OPTIONS=(--variant=essential --mode=root --format=tar --quiet
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*'
  --dpkgopt='path-exclude=/usr/share/info/*' --dpkgopt='path-exclude=/usr/share/locale/*'
  --dpkgopt='path-exclude=/usr/share/lintian/*')
CLEAN_UP='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/* "$1"/var/log/*.log'

say() { printf 'images: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# Hash of a folder's files: paths, contents and executable bits (not times: git does not keep them).
tree_hash() {
  local dir=$1
  [ -d "$dir" ] || { echo none; return; }
  (cd "$dir" && find . -type f ! -path '*/__pycache__/*' ! -name '*.pyc' -print0 | sort -z |
    xargs -0 -r sh -c 'for f; do printf "%s %s %s\n" "$(sha256sum < "$f" | cut -c1-64)" \
      "$([ -x "$f" ] && echo x || echo -)" "$f"; done' sh) | sha256sum | cut -c1-64
}

packages_of() { grep -v '^[[:space:]]*\(#\|$\)' "$1" | tr -s ' \n' ',' | sed 's/,$//'; }

# build_base NAME KEY: the Debian root filesystem of NAME, cached under KEY.
build_base() {
  local name=$1 key=$2 dir=$ROOT/images/$1 tar=$CACHE/$1-base-$2.tar
  if [ -s "$tar" ]; then
    say "$name: base $key cached"
    echo "$tar"
    return
  fi
  local hooks=() excludes=()
  for pattern in "${EXCLUDES[@]}"; do excludes+=(--dpkgopt="path-exclude=$pattern"); done
  [ -n "${CUSTOMIZE:-}" ] && hooks+=(--customize-hook="$CUSTOMIZE")
  say "$name: building the Debian root filesystem ($(packages_of "$dir/packages")); about a minute"
  local started=$SECONDS
  mmdebstrap "${MMDEBSTRAP_OPTIONS[@]}" --include="$(packages_of "$dir/packages")" "${excludes[@]}" \
    "${hooks[@]}" --customize-hook="$CLEAN_UP" \
    "$SUITE" "$tar.partial" "$MIRROR" >&2 || { rm -f "$tar.partial"; die "$name: mmdebstrap failed"; }
  mv "$tar.partial" "$tar"
  say "$name: base built in $((SECONDS - started)) s, $(du -m "$tar" | cut -f1) MB"
  echo "$tar"
}

# append_tree TAR BASE_MEMBERS SRC PREFIX: appends SRC's files and folders to TAR as PREFIX/... (PREFIX "."
# or "./app"). docker import refuses a tarball that names one path twice, so folders the base already has
# are not appended again, and a base file that SRC replaces is deleted from TAR first.
append_tree() {
  local tar=$1 members=$2 src=$3 prefix=$4 list replaced
  list=$(mktemp) replaced=$(mktemp)
  (cd "$src" && find . -mindepth 1 ! -path '*/__pycache__*' ! -name '*.pyc' | sort) | while read -r path; do
    local name=$prefix/${path#./}
    if grep -qxF "$name" "$members"; then
      [ -d "$src/$path" ] && continue
      echo "$name" >>"$replaced"
    fi
    echo "$path" >>"$list"
  done
  [ -s "$replaced" ] && tar --delete -f "$tar" -T "$replaced"
  tar -C "$src" --owner=0 --group=0 --numeric-owner --no-recursion \
    --transform="s,^\./,$prefix/," --append -f "$tar" -T "$list"
  rm -f "$list" "$replaced"
}

# append_layer BASE FINAL NAME: FINAL = BASE + NAME/files/ laid over / + the application under /$APP_TARGET.
append_layer() {
  local base=$1 final=$2 name=$3 dir=$ROOT/images/$3 members
  members=$(mktemp)
  tar -tf "$base" | sed 's,/$,,' >"$members"
  cp "$base" "$final.partial"
  [ -d "$dir/files" ] && append_tree "$final.partial" "$members" "$dir/files" .
  [ -n "$APP_DIR" ] && append_tree "$final.partial" "$members" "$ROOT/$APP_DIR" "./$APP_TARGET"
  if [ -n "$BINARY" ]; then
    local bin
    bin=$(mktemp -d)
    mkdir -p "$bin/usr/local/bin"
    strip -o "$bin/usr/local/bin/$BINARY" "$BUILD_DIR/$BINARY"
    append_tree "$final.partial" "$members" "$bin" .
    rm -rf "$bin"
  fi
  local spec path user mode uid gid stage
  for spec in "${OWNED_DIRS[@]}"; do
    read -r path user mode <<<"$spec"
    uid=$(tar -xOf "$base" ./etc/passwd | awk -F: -v u="$user" '$1 == u { print $3 }')
    gid=$(tar -xOf "$base" ./etc/passwd | awk -F: -v u="$user" '$1 == u { print $4 }')
    [ -n "$uid" ] || die "$name: OWNED_DIRS: no user $user in the base"
    stage=$(mktemp -d)
    mkdir -p "$stage/$path"
    tar -C "$stage" --owner="$uid" --group="$gid" --numeric-owner --mode="$mode" --no-recursion \
      --append -f "$final.partial" ".$path"
    rm -rf "$stage"
  done
  rm -f "$members"
  mv "$final.partial" "$final"
  say "$name: files${APP_DIR:+, $APP_DIR}${BINARY:+, $BINARY} laid over the base"
}

build_image() {
  local name=$1 dir=$ROOT/images/$1
  [ -f "$dir/image.conf" ] || die "no image '$name' (no $dir/image.conf)"
  [ -f "$dir/packages" ] || die "$name: no $dir/packages"
  # image.conf sets IMAGE, CHANGES, and optionally EXCLUDES (more dpkg path-excludes), CUSTOMIZE, APP_DIR,
  # APP_TARGET, BINARY (a program of the build folder, laid stripped at /usr/local/bin), OWNED_DIRS
  # ("/path user mode": folders made in the appended layer, e.g. under /run, which mmdebstrap empties).
  local IMAGE="" CUSTOMIZE="" APP_DIR="" APP_TARGET="app" BINARY=""
  local -a CHANGES=() EXCLUDES=() OWNED_DIRS=()
  # shellcheck disable=SC1090
  source "$dir/image.conf"
  [ -n "$IMAGE" ] || die "$name: image.conf sets no IMAGE"
  [ -z "$BINARY" ] || [ -x "$BUILD_DIR/$BINARY" ] || die "$name: no $BUILD_DIR/$BINARY (build first: make build)"

  local base_key key base final
  base_key=$(printf '%s\n' "${MMDEBSTRAP_OPTIONS[*]}" "$CLEAN_UP" "$SUITE" "$(packages_of "$dir/packages")" \
    "${EXCLUDES[*]}" "$CUSTOMIZE" | sha256sum | cut -c1-16)
  base=$(build_base "$name" "$base_key")
  key=$(printf '%s\n' "$base_key" "$(tree_hash "$dir/files")" "$APP_TARGET" "${OWNED_DIRS[*]}" \
    "$([ -n "$APP_DIR" ] && tree_hash "$ROOT/$APP_DIR")" \
    "$([ -n "$BINARY" ] && sha256sum <"$BUILD_DIR/$BINARY")" | sha256sum | cut -c1-16)
  final=$CACHE/$name-$key.tar
  [ -s "$final" ] || append_layer "$base" "$final" "$name"
  # Older appends of this image are cheap to redo: keep the cache to one per image (bases stay).
  find "$CACHE" -maxdepth 1 -name "$name-*.tar" ! -name "$name-base-*" ! -path "$final" -delete
  # A hard link (a copy across filesystems), not a symlink: another checkout building the same image with
  # other inputs prunes this key from the cache above, and a build folder's image must outlive that.
  rm -f "$OUT/$name.tar"
  ln "$final" "$OUT/$name.tar" 2>/dev/null || cp "$final" "$OUT/$name.tar"
  {
    echo "$IMAGE"
    printf '%s\n' "${CHANGES[@]}"
    echo "LABEL io.swarmop.image-key=$key"
  } >"$OUT/$name.import"
  say "$name: $IMAGE ready (key $key, $(du -mL "$OUT/$name.tar" | cut -f1) MB)"
}

BUILD_DIR=""
names=()
while [ $# -gt 0 ]; do
  case $1 in
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) names+=("$1"); shift ;;
  esac
done
BUILD_DIR=$(cd "$(dirname "$OUT")" 2>/dev/null && pwd) || BUILD_DIR=$(dirname "$OUT")  # the build folder holds OUT
if [ ${#names[@]} -eq 0 ]; then
  for conf in "$ROOT"/images/*/image.conf; do names+=("$(basename "$(dirname "$conf")")"); done
fi
command -v mmdebstrap >/dev/null || die "mmdebstrap is missing (make deps installs it)"
[ "$(id -u)" -eq 0 ] || die "building root filesystems needs root (mmdebstrap --mode=root)"
mkdir -p "$OUT" "$CACHE"
for name in "${names[@]}"; do build_image "$name"; done
