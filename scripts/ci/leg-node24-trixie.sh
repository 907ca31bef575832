#!/usr/bin/env bash
# CI leg 3: Node 24 inside a Debian 13 (trixie, glibc 2.41) root made with debootstrap from Debian's packages, where
# the btc-vision uWS 20.57 build loads: a fresh `npm ci` and the full `npm test` there, native uWebSockets.js required.
# Needs root (debootstrap, mount, chroot). Run locally: sudo scripts/ci/leg-node24-trixie.sh
# The root is cached in $MGW_CI_CACHE/trixie-root (about 250 MB) with its npm cache; delete it to start afresh.
set -euo pipefail
LEG=node24-trixie
source "$(dirname "$0")/common.sh"
started=$(date +%s)
log="$CI_CACHE/logs/$LEG.log"
root="$CI_CACHE/trixie-root"
repo_in_root=/root/market-gateway

[[ "$(id -u)" -eq 0 ]] || die "needs root for debootstrap, mount and chroot: sudo $0"

# The Debian mirror apt already uses on this host (deb822 .sources or one-line .list), else deb.debian.org.
debian_mirror() {
  local uri
  uri="$( { grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{for (i = 2; i <= NF; i++) print $i}'
            grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
              | sed -E 's/^deb (\[[^]]*\] )?//' | awk '{print $1}'
          } | grep -E '/debian/?$' | head -n 1 )"
  printf '%s\n' "${MGW_CI_DEBIAN_MIRROR:-${uri:-http://deb.debian.org/debian}}"
}

mounted_under_root() {
  awk -v root="$root/" 'index($2 "/", root) == 1 {print $2}' /proc/mounts | sort -r
}

unmount_all() {
  local point
  for point in $(mounted_under_root); do umount "$point" 2>/dev/null || umount -l "$point"; done
}

make_root() {
  command -v debootstrap >/dev/null || { say "installing debootstrap"; apt-get update -q >&2; apt-get install -y -q debootstrap >&2; }
  local mirror
  mirror="$(debian_mirror)"
  say "debootstrap --variant=minbase trixie from $mirror"
  unmount_all
  [[ -z "$(mounted_under_root)" ]] || die "something is still mounted under $root; not deleting it"
  rm -rf --one-file-system "$root" "$root.new"
  debootstrap --variant=minbase --include=git trixie "$root.new" "$mirror" >"$CI_CACHE/logs/debootstrap.log" 2>&1 \
    || die "debootstrap failed; see $CI_CACHE/logs/debootstrap.log"
  mv "$root.new" "$root"
  touch "$root/.mgw-ci-ready"
}

install_node24() {
  local bin npm_dir
  bin="$(node24_bin)"
  install -m 0755 "$bin/node" "$root/usr/local/bin/node"
  # node@24 brings no npm: use this host's npm (npm 11 supports Node 20 and 24).
  npm_dir="$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)"
  rm -rf "$root/usr/local/lib/node_modules/npm"
  mkdir -p "$root/usr/local/lib/node_modules"
  cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
  printf '#!/bin/sh\nexec node /usr/local/lib/node_modules/npm/bin/npm-cli.js "$@"\n' > "$root/usr/local/bin/npm"
  printf '#!/bin/sh\nexec node /usr/local/lib/node_modules/npm/bin/npx-cli.js "$@"\n' > "$root/usr/local/bin/npx"
  chmod 0755 "$root/usr/local/bin/npm" "$root/usr/local/bin/npx"
}

[[ -f "$root/.mgw-ci-ready" ]] && say "reusing the Debian 13 root in $root" || make_root
trap unmount_all EXIT
unmount_all
install_node24
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
# npm inside reaches the registry the way this host's npm does: same registry and CA bundle.
registry="$(npm config get registry)"
cafile="$(npm config get cafile)"
npm_env=("npm_config_registry=$registry")
if [[ -f "$cafile" ]]; then
  mkdir -p "$root$(dirname "$cafile")"
  cp -L "$cafile" "$root$cafile"
  npm_env+=("npm_config_cafile=$cafile")
fi
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"

rm -rf --one-file-system "${root:?}$repo_in_root"
copy_tree "$root$repo_in_root"
say "npm ci && npm test with node $("$root/usr/local/bin/node" --version) in Debian $(cat "$root/etc/debian_version") (log: $log)"
status=0
timeout --kill-after=30s 1800 chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb CI="${CI:-}" \
  PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin MGW_REQUIRE_NATIVE_UWS=1 "${npm_env[@]}" \
  /bin/bash -c "cd $repo_in_root && scripts/ci/run-suite.sh /root/suite.log" || status=$?
cp "$root/root/suite.log" "$log" 2>/dev/null || : > "$log"
leg_summary "$status" "$log" "$started"
exit "$status"
