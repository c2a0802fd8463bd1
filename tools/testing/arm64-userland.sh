#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What the arm64 selftests need besides the arm64 test kernel:
#
#   host packages   qemu-system-arm (qemu-system-aarch64),
#                   libc6-dev-arm64-cross (static hvisorctl and progs) and
#                   device-tree-compiler (the guest's device tree gets
#                   hvisor's node); installed with apt-get when missing
#                   (as root)
#   arm64 userland  Debian's arm64 busybox-static, e2fsprogs (mkfs.ext4),
#                   iproute2 (ip), ethtool and the arm64 libraries they
#                   depend on, fetched with "apt-get download" from the
#                   configured Debian archive (dpkg --add-architecture
#                   arm64 first) and unpacked with dpkg -x into the cache
#                   entry $HVV_CACHE/arm64-userland-KEY/root (KEY: sha256
#                   of the package list), built in .tmp-* and renamed
#                   like the kernel trees, under the cache lock
#
#   arm64-userland.sh          install/fetch what is missing
#   arm64-userland.sh path     print the entry's path (nothing is fetched)
set -eu
# shellcheck source=tools/testing/lib.sh
. "$(dirname "$0")/lib.sh"

HOST_PKGS="qemu-system-arm libc6-dev-arm64-cross device-tree-compiler"


need_root() {
	[ "$(id -u)" = 0 ] || die "arm64 userland: $* needs root (run as root once)"
}


ensure_host_pkgs() {
	local p miss=""
	for p in $HOST_PKGS; do installed "$p" || miss="$miss $p"; done
	[ -n "$miss" ] || return 0
	need_root "installing$miss"
	apt_update_once
	say "arm64-userland: installing$miss"
	# shellcheck disable=SC2086 # a list of packages
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $miss >&2
}

# apt must know arm64 packages: the foreign architecture, then its lists.
ensure_arm64_arch() {
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		need_root "dpkg --add-architecture arm64"
		dpkg --add-architecture arm64
		APT_UPDATED=0
	fi
	if [ -z "$(apt-cache madison busybox-static:arm64 2>/dev/null)" ]; then
		need_root "apt-get update"
		apt_update_once
	fi
	[ -n "$(apt-cache madison busybox-static:arm64 2>/dev/null)" ] ||
		die "apt has no arm64 packages after apt-get update"
}

# The roots and every library package they need, recursively (Depends
# and Pre-Depends; what is not a library, like debconf or tar, is left
# out: ARM64_USERLAND_LIBS in lib.sh).
package_list() {
	local p
	for p in $ARM64_USERLAND_PKGS; do echo "$p:arm64"; done
	# shellcheck disable=SC2046 # a list of packages
	apt-cache depends --recurse --no-recommends --no-suggests \
		--no-conflicts --no-breaks --no-replaces --no-enhances \
		$(for p in $ARM64_USERLAND_PKGS; do echo "$p:arm64"; done) 2>/dev/null |
		grep -E "$ARM64_USERLAND_LIBS" || true
}

ensure_userland() {
	local dst tmp deb
	dst=$(arm64_userland_dir)
	[ -x "$dst/root/bin/busybox" ] && return 0
	ensure_arm64_arch
	lock_cache
	[ -x "$dst/root/bin/busybox" ] && return 0
	tmp=$(mktemp -d "$HVV_CACHE/.tmp-arm64-userland.XXXXXX")
	mkdir -p "$tmp/debs" "$tmp/root"
	say "arm64-userland: fetching $ARM64_USERLAND_PKGS (arm64) and their libraries"
	# shellcheck disable=SC2046 # a list of packages
	(cd "$tmp/debs" && apt-get download -qq $(package_list | sort -u)) >&2 2>"$tmp/download.log" ||
		{ cat "$tmp/download.log" >&2; die "apt-get download failed"; }
	for deb in "$tmp"/debs/*.deb; do
		dpkg -x "$deb" "$tmp/root"
		basename "$deb" >>"$tmp/packages.txt"
	done
	[ -x "$tmp/root/bin/busybox" ] || die "no bin/busybox in busybox-static:arm64"
	rm -rf "$tmp/debs"
	mv "$tmp" "$dst"
}

main() {
	if [ "${1:-}" = path ]; then
		arm64_userland_dir
		return
	fi
	ensure_host_pkgs
	ensure_userland
}

main "$@"
