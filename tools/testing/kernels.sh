#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Cached kernel trees under $HVV_CACHE (default ~/.cache/hvisor-vhost):
#
#   src-VER/                 linux-source-6.1 VER, extracted, never built in
#   arm64-test-VER-SHA/      the test kernel (arm64; KASAN, lockdep,
#                            kmemleak, fault injection): allnoconfig with
#                            arm64-test.config, Image (modules: ours only);
#                            SHA = sha256 of the fragment's CONFIG_ lines
#                            (not its comments) and the compiler version
#   arm64-VER-SHA/           defconfig + modules_prepare with
#   riscv-VER-SHA/           Debian's cross compilers; SHA = compiler version
#   src612-VER612/           linux-source-6.12, extracted, never built in
#   loongarch-VER612-SHA/    defconfig + modules_prepare of it with clang 19;
#                            SHA = clang version
#
# Every entry is built in $HVV_CACHE/.tmp-* and renamed into place when
# complete; an interrupted build leaves only a .tmp-* that the next run
# removes. A lock keeps two runs from building at once.
#
#   kernels.sh [src|test|arm64|riscv|loongarch|all]...   build what is missing
#   kernels.sh path src|test|arm64|riscv|loongarch        print an entry's path
#
# ("test" is the arm64 test kernel; "arm64-test" is accepted for it too.)
set -eu
# shellcheck source=tools/testing/lib.sh
. "$(dirname "$0")/lib.sh"

LOGDIR=$HVV_BUILD/logs

# extract DST TARBALL TOPDIR: TOPDIR of TARBALL becomes DST (once).
extract() {
	local dst=$1 tar=$2 top=$3 tmp
	[ -d "$dst" ] && return 0
	[ -r "$tar" ] || die "$tar missing (run tools/testing/deps.sh)"
	say "kernels: extracting $tar"
	tmp=$(mktemp -d "$HVV_CACHE/.tmp-$top.XXXXXX")
	tar -xf "$tar" -C "$tmp"
	mv "$tmp/$top" "$dst"
	rmdir "$tmp"
}

ensure_src() { extract "$(src_dir)" "$HVV_SRC_TAR" linux-source-6.1; }

# Every CONFIG_ line of the fragment must survive the configuration (like
# kunit.py's check): a dropped option means a missing dependency.
check_fragment() {
	local frag=$1 cfg=$2 line name bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=n)
			name=${line%=n}
			if grep -q "^$name=" "$cfg"; then
				say "kernels: $name is set although the fragment says n"
				bad=1
			fi ;;
		CONFIG_*)
			if ! grep -qxF "$line" "$cfg"; then
				say "kernels: $line did not survive the configuration"
				bad=1
			fi ;;
		esac
	done <"$frag"
	return $bad
}

# allnoconfig with the fragment as KCONFIG_ALLCONFIG: what it does not
# name stays off, which keeps the build short. It is the only kernel
# make test builds: an x86_64 test kernel (olddefconfig, KASAN) cost
# another ~29 CPU-minutes of a cold run, beside ~22 for this one.
ensure_arm64_test() {
	local dst tmp src frag cross=aarch64-linux-gnu- t0
	dst=$(arm64_test_dir)
	[ -f "$dst/arch/arm64/boot/Image" ] && return 0
	ensure_src
	src=$(src_dir)
	frag=$(arm64_test_cfg)
	command -v "${cross}gcc" >/dev/null || die "${cross}gcc missing (run tools/testing/deps.sh)"
	tmp=$(mktemp -d "$HVV_CACHE/.tmp-arm64-test.XXXXXX")
	say "kernels: building the arm64 test kernel, log $LOGDIR/kernel-arm64-test.log"
	t0=$(date +%s)
	logged "$LOGDIR/kernel-arm64-test.log" make -C "$src" O="$tmp" ARCH=arm64 \
		CROSS_COMPILE="$cross" KCONFIG_ALLCONFIG="$frag" allnoconfig
	check_fragment "$frag" "$tmp/.config" || die "arm64-test.config does not apply"
	logged "$LOGDIR/kernel-arm64-test.log" make -C "$src" O="$tmp" ARCH=arm64 \
		CROSS_COMPILE="$cross" -j"$HVV_JOBS" Image modules
	mv "$tmp" "$dst"
	say "kernels: arm64 test kernel built in $(($(date +%s) - t0))s"
}

ensure_cross() {
	local arch=$1 dst tmp src cross
	dst=$(cross_dir "$arch")
	[ -f "$dst/scripts/mod/modpost" ] && return 0
	ensure_src
	src=$(src_dir)
	cross=$(cross_prefix "$arch")
	command -v "${cross}gcc" >/dev/null || die "${cross}gcc missing (run tools/testing/deps.sh)"
	tmp=$(mktemp -d "$HVV_CACHE/.tmp-$arch.XXXXXX")
	say "kernels: preparing the $arch tree, log $LOGDIR/kernel-$arch.log"
	logged "$LOGDIR/kernel-$arch.log" make -C "$src" O="$tmp" ARCH="$arch" \
		CROSS_COMPILE="$cross" defconfig
	logged "$LOGDIR/kernel-$arch.log" make -C "$src" O="$tmp" ARCH="$arch" \
		CROSS_COMPILE="$cross" -j"$HVV_JOBS" modules_prepare
	mv "$tmp" "$dst"
}

ensure_src612() { extract "$(src612_dir)" "$HVV_LA_TAR" linux-source-6.12; }

# defconfig + modules_prepare of Debian's 6.12 source with clang, built
# in .tmp-* with O= and renamed like the others.
ensure_loongarch() {
	local dst tmp src
	dst=$(la_dir)
	[ -f "$dst/scripts/mod/modpost" ] && return 0
	command -v "clang$HVV_LA_LLVM" >/dev/null ||
		die "clang$HVV_LA_LLVM missing (run tools/testing/deps.sh)"
	ensure_src612
	src=$(src612_dir)
	tmp=$(mktemp -d "$HVV_CACHE/.tmp-loongarch.XXXXXX")
	say "kernels: preparing the loongarch tree (6.12, clang), log $LOGDIR/kernel-loongarch.log"
	logged "$LOGDIR/kernel-loongarch.log" make -C "$src" O="$tmp" \
		ARCH=loongarch LLVM="$HVV_LA_LLVM" defconfig
	logged "$LOGDIR/kernel-loongarch.log" make -C "$src" O="$tmp" \
		ARCH=loongarch LLVM="$HVV_LA_LLVM" -j"$HVV_JOBS" modules_prepare
	mv "$tmp" "$dst"
}

entry_path() {
	case $1 in
	src) src_dir ;;
	test | arm64-test) arm64_test_dir ;;
	arm64 | riscv) cross_dir "$1" ;;
	loongarch) la_dir ;;
	*) die "unknown cache entry $1" ;;
	esac
}

main() {
	local what
	if [ "${1:-}" = path ]; then
		entry_path "${2:?usage: kernels.sh path src|test|arm64|riscv|loongarch}"
		return
	fi
	[ $# -gt 0 ] || set -- all
	lock_cache
	for what in "$@"; do
		case $what in
		src) ensure_src ;;
		test | arm64-test) ensure_arm64_test ;;
		arm64 | riscv) ensure_cross "$what" ;;
		loongarch) ensure_loongarch ;;
		all) ensure_src; ensure_cross arm64; ensure_cross riscv
			ensure_loongarch; ensure_arm64_test ;;
		*) die "unknown cache entry $what" ;;
		esac
	done
}

main "$@"
