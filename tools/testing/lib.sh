# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers shared by the host-side test scripts (sourced, not run).
#
#   HVV_CACHE  kernel trees, kept between runs (~/.cache/hvisor-vhost)
#   HVV_BUILD  scratch build dirs and logs (/tmp/hvv-build)
#   HVV_JOBS   make -j (2)

HVV_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HVV_CACHE=${HVV_CACHE:-$HOME/.cache/hvisor-vhost}
HVV_BUILD=${HVV_BUILD:-/tmp/hvv-build}
HVV_JOBS=${HVV_JOBS:-2}
HVV_SRC_TAR=/usr/src/linux-source-6.1.tar.xz
HVV_HDR_61=${HVV_HDR_61:-}
HVV_HDR_612=${HVV_HDR_612:-}
export HVV_ROOT HVV_CACHE HVV_BUILD HVV_JOBS HVV_SRC_TAR

say() { printf '%s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# One result line per step: "PASS name" / "FAIL name (why)" / "SKIP name".
result() {
	local verdict=$1 name=$2; shift 2
	if [ $# -gt 0 ]; then
		printf '%s %s (%s)\n' "$verdict" "$name" "$*"
	else
		printf '%s %s\n' "$verdict" "$name"
	fi
}

# The Debian version of linux-source-6.1, e.g. 6.1.192-2.
src_version() {
	dpkg-query -W -f '${Version}' linux-source-6.1 2>/dev/null ||
		die "linux-source-6.1 is not installed (run tools/testing/deps.sh)"
}

# The LoongArch tree: Debian 12 has no GCC for LoongArch, but clang 19
# targets it, and 6.12 (not 6.1) builds for LoongArch with clang.
HVV_LA_TAR=/usr/src/linux-source-6.12.tar.xz
HVV_LA_LLVM=-19
src612_version() {
	dpkg-query -W -f '${Version}' linux-source-6.12 2>/dev/null ||
		die "linux-source-6.12 is not installed (run tools/testing/deps.sh)"
}
# linux-source-6.12, extracted, never built in (an O= tree records the
# source's absolute path, so the source never moves once extracted).
src612_dir() { echo "$HVV_CACHE/src612-$(src612_version)"; }
la_dir() {
	local key
	key=$(printf '%s\n' "defconfig" "$("clang$HVV_LA_LLVM" --version 2>/dev/null | head -1)" |
		sha256sum | cut -c1-12)
	echo "$HVV_CACHE/loongarch-$(src612_version)-$key"
}

# Whether Debian package $1 is installed.
installed() {
	[ "$(dpkg-query -W -f '${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

# "apt-get update", at most once per script run.
APT_UPDATED=0
apt_update_once() {
	[ "$APT_UPDATED" = 1 ] && return 0
	say "apt-get update"
	apt-get update -qq >&2
	APT_UPDATED=1
}

# Short sha256 of files (a cache key part).
sha_of() { cat "$@" | sha256sum | cut -c1-12; }

# Debian header trees: the 6.1 one linux-headers-amd64 depends on, and the
# newest installed 6.12 one.
hdr_61() {
	local dep
	if [ -n "$HVV_HDR_61" ]; then echo "$HVV_HDR_61"; return; fi
	dep=$(dpkg-query -W -f '${Depends}' linux-headers-amd64 2>/dev/null |
		sed -n 's/.*\(linux-headers-6\.1\.[^ ,]*\).*/\1/p')
	[ -n "$dep" ] && [ -d "/usr/src/$dep" ] && { echo "/usr/src/$dep"; return; }
	find /usr/src -maxdepth 1 -name 'linux-headers-6.1.*-amd64' | sort -V | tail -n 1
}
hdr_612() {
	if [ -n "$HVV_HDR_612" ]; then echo "$HVV_HDR_612"; return; fi
	find /usr/src -maxdepth 1 -name 'linux-headers-6.12.*-amd64' | sort -V | tail -n 1
}
# The kernel release of a Debian header tree (from its name: Debian's
# kernel.release there lacks the ABI suffix) or of a built kernel tree.
kdir_release() {
	case $(basename "$1") in
	linux-headers-*) basename "$1" | sed 's/^linux-headers-//' ;;
	*) cat "$1/include/config/kernel.release" ;;
	esac
}

# Cache entries. Each is created in a temp dir and renamed into place when
# complete, so an interrupted build is never taken for a valid one.
src_dir() { echo "$HVV_CACHE/src-$(src_version)"; }
# The test kernel (arm64): allnoconfig + arm64-test.config, keyed by
# version, the fragment and the cross compiler's version.
arm64_test_cfg() { echo "$HVV_ROOT/tools/testing/kernel/arm64-test.config"; }
arm64_test_dir() {
	local key
	key=$({ grep '^CONFIG_' "$(arm64_test_cfg)"; aarch64-linux-gnu-gcc -dumpfullversion 2>/dev/null; } |
		sha256sum | cut -c1-12)
	echo "$HVV_CACHE/arm64-test-$(src_version)-$key"
}
# Debian's arm64 busybox and the programs the arm64 selftests ask for
# (tools/testing/arm64-userland.sh), keyed by this list.
# With them: the library packages they depend on, recursively (by name).
ARM64_USERLAND_PKGS="busybox-static e2fsprogs iproute2 ethtool dmsetup"
ARM64_USERLAND_LIBS='^(lib[^ ]*|zlib1g):arm64$'
arm64_userland_dir() {
	echo "$HVV_CACHE/arm64-userland-$(printf '%s\n' "$ARM64_USERLAND_PKGS" \
		"$ARM64_USERLAND_LIBS" | sha256sum | cut -c1-12)"
}
# arm64 / riscv: defconfig + modules_prepare, keyed by version and compiler.
cross_prefix() {
	case $1 in
	arm64) echo aarch64-linux-gnu- ;;
	riscv) echo riscv64-linux-gnu- ;;
	*) die "unknown arch $1" ;;
	esac
}
cross_dir() {
	local cc key
	cc=$(cross_prefix "$1")gcc
	key=$(printf '%s\n' "defconfig" "$("$cc" -dumpfullversion 2>/dev/null)" |
		sha256sum | cut -c1-12)
	echo "$HVV_CACHE/$1-$(src_version)-$key"
}

# Take the cache lock (fd 9, held until exit): one run builds at a time.
lock_cache() {
	mkdir -p "$HVV_CACHE"
	exec 9>"$HVV_CACHE/.lock"
	if ! flock -n 9; then
		say "waiting for another run to release $HVV_CACHE/.lock"
		flock 9
	fi
	# Holding the lock, no one else is building: leftovers are stale.
	rm -rf "$HVV_CACHE"/.tmp-*
}

# Copy the repo's sources (not .git, not build products) to a scratch dir.
copy_tree() {
	local dst=$1
	mkdir -p "$dst"
	rsync -a --delete --exclude .git --exclude '*.o' --exclude '*.ko' \
		--exclude '*.mod' --exclude '*.mod.c' --exclude '.*.cmd' \
		--exclude Module.symvers --exclude modules.order \
		"$HVV_ROOT/" "$dst/"
}

# Run a command with its output in a log; show the log's tail on failure.
logged() {
	local log=$1; shift
	mkdir -p "$(dirname "$log")"
	if "$@" >"$log" 2>&1; then return 0; fi
	say "---- last lines of $log ----"
	tail -n 40 "$log" >&2
	return 1
}
