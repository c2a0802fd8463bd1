#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages the build checks, tests, demo and benchmarks
# need (the packaging checks: rst2man from python3-docutils, dkms,
# systemd-analyze, udevadm, man, groff, col; the loongarch64 compile
# check: clang-19, lld-19, llvm-19 and linux-source-6.12, since Debian 12
# has no GCC for LoongArch). Quick and silent when everything is there; as root it runs
# "apt-get update" once and installs what is missing; otherwise it prints
# what is missing and exits 1.
set -eu

BASE_PKGS="make gcc bc bison flex libelf-dev libssl-dev cpio kmod xz-utils
python3 sparse rsync linux-source-6.1 linux-headers-amd64 linux-image-amd64
clang-19 lld-19 llvm-19 linux-source-6.12
qemu-system-x86 busybox-static gcc-aarch64-linux-gnu gcc-riscv64-linux-gnu
e2fsprogs fio iperf3 iproute2 ethtool dmsetup
python3-docutils dkms systemd udev man-db groff-base bsdextrautils"

# shellcheck source=tools/testing/lib.sh
. "$(dirname "$0")/lib.sh"
say() { printf 'deps: %s\n' "$*" >&2; }
# Collapse whitespace and newlines into single spaces.
words() { echo "$1" | tr -s ' \n' '  ' | sed 's/^ //; s/ $//'; }

missing_of() {
	local p
	for p in "$@"; do installed "$p" || echo "$p"; done
}


# The newest linux-headers-6.12.N+deb12-amd64: from apt when its lists
# know one, else the newest installed.
newest_612() {
	{
		apt-cache search --names-only \
			'^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' 2>/dev/null |
			cut -d' ' -f1
		dpkg-query -W -f '${Package}\n' 'linux-headers-6.12.*+deb12-amd64' \
			2>/dev/null
	} | grep -E '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' | sort -uV |
		tail -n 1
}

pkgs_612() {
	local h=$1
	[ -n "$h" ] || return 0
	echo "$h" "linux-image-${h#linux-headers-}"
}

install_pkgs() {
	[ $# -gt 0 ] || return 0
	say "installing: $*"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "$@" >&2
}

main() {
	local miss h612 root=0
	[ "$(id -u)" = 0 ] && root=1
	# shellcheck disable=SC2086
	miss=$(missing_of $BASE_PKGS)
	h612=$(newest_612)
	if [ -z "$h612" ] && [ "$root" = 1 ]; then
		apt_update_once
		h612=$(newest_612)
	fi
	[ -n "$h612" ] || miss="$miss linux-headers-6.12.*+deb12-amd64"
	# shellcheck disable=SC2046
	miss="$miss $(missing_of $(pkgs_612 "$h612"))"
	miss=$(words "$miss")
	if [ -z "$miss" ]; then
		return 0
	fi
	if [ "$root" != 1 ]; then
		say "missing Debian packages: $miss"
		say "run as root: apt-get update && apt-get install $miss"
		exit 1
	fi
	apt_update_once
	[ -n "$h612" ] || { h612=$(newest_612); miss="$miss $(pkgs_612 "$h612")"; }
	# shellcheck disable=SC2046
	install_pkgs $(echo "$miss" | tr ' ' '\n' | grep -v '\*' | sort -u)
	# shellcheck disable=SC2046,SC2086
	miss=$(words "$(missing_of $BASE_PKGS $(pkgs_612 "$h612"))")
	[ -z "$miss" ] || { say "still missing: $miss"; exit 1; }
	say "all packages present"
}

main "$@"
