#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: warning-free builds and style.
#
#   modules with W=1 C=1 (sparse) against Debian's 6.1 and 6.12 headers and
#   the cached arm64 test kernel (with modpost; it also builds
#   hvisor_vhost_kunit.ko and the selftest modules);
#   objects only (no modpost: no Module.symvers) for arm64 and riscv64,
#   and with clang 19 on 6.12 for loongarch64 (W=1, no sparse);
#   hvisorctl with -Wall -Wextra -Werror and its unit tests ("make check"
#   there); checkpatch --strict on every C/H file git knows; "make
#   install" and what it installs (check-packaging.sh); DKMS for Debian's
#   6.1 and 6.12 kernels (check-dkms.sh); the in-tree build through
#   Kconfig (check-intree.sh). Any warning fails its step. Builds happen
#   in copies under $HVV_BUILD/check-*/, never in the repo.
#
#   check-build.sh [STEP...]   steps: 6.1 6.12 test arm64 riscv loongarch
#                              hvisorctl
#                              hvisorctl-tests checkpatch packaging dkms
#                              intree (default: all)
# Prints one "PASS step" / "FAIL step (why)" line per step; exit 1 on any FAIL.
set -eu
# shellcheck source=tools/testing/lib.sh
. "$(dirname "$0")/lib.sh"

LOGDIR=$HVV_BUILD/logs
FAILED=0

# Lines that count as a warning in a build log: compiler and sparse
# ("file:line:col: warning:"), modpost ("WARNING: modpost"), errors,
# checkpatch. Known false positives of the kernel's own headers are
# dropped: sparse 0.6.4 on arm64's percpu.h (every file including
# spinlock.h gets it, whatever it does).
KNOWN_NOISE='arch/arm64/include/asm/percpu\.h:[0-9]+:[0-9]+: warning: cast truncates bits from constant value'
warnings_in() {
	grep -E 'warning:|WARNING|ERROR:|CHECK:|error:|Error [0-9]' "$1" |
		grep -vE "$KNOWN_NOISE" || true
}

# step NAME CMD...: run CMD with its output in logs/check-NAME.log, then
# one verdict line; a warning in the log fails a successful command.
step() {
	local name=$1 log=$LOGDIR/check-$1.log why="" rc=0
	shift
	mkdir -p "$LOGDIR"
	"$@" >"$log" 2>&1 || rc=$?
	if [ "$rc" != 0 ]; then
		why="exit status $rc"
	elif [ -n "$(warnings_in "$log")" ]; then
		why="$(warnings_in "$log" | wc -l) warning(s)"
	fi
	if [ -z "$why" ]; then
		result PASS "check-$name"
		return 0
	fi
	result FAIL "check-$name" "$why; log $log"
	{ warnings_in "$log" | head -n 20; tail -n 15 "$log"; } | sed 's/^/    /' >&2
	FAILED=1
}

# Modules against KDIR in a fresh copy; every expected .ko must appear.
# MAKE_ARGS (an array, may be empty) adds ARCH= and CROSS_COMPILE=.
modules_in() {
	local kdir=$1 dir=$2 ko
	shift 2
	[ -d "$kdir" ] || { echo "error: no kernel tree $kdir"; return 1; }
	copy_tree "$dir" || return 1
	make -C "$kdir" M="$dir" "${MAKE_ARGS[@]}" W=1 C=1 -j"$HVV_JOBS" \
		HVV_SELFTEST_MODULES=1 modules || return 1
	for ko in "$@"; do
		[ -f "$dir/drivers/hvisor/$ko" ] || { echo "error: $ko not built"; return 1; }
	done
}

modules_x86() {
	MAKE_ARGS=()
	modules_in "$@"
}

# The test kernel is arm64: a cross build, with modpost against its
# Module.symvers.
modules_test() {
	MAKE_ARGS=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
	modules_in "$(arm64_test_dir)" "$HVV_BUILD/check-test" \
		hvisor_vhost.ko hvisor_vhost_sim.ko hvisor_vhost_kunit.ko
}

# Objects only for a cross tree: building the directory target compiles
# and links the composite objects without running modpost.
objects_cross() {
	local arch=$1 dir=$HVV_BUILD/check-$1 kdir
	kdir=$(cross_dir "$arch")
	[ -d "$kdir" ] || { echo "error: no $arch tree (tools/testing/kernels.sh $arch)"; return 1; }
	copy_tree "$dir" || return 1
	local check=sparse
	[ "$arch" != riscv ] || check=$HVV_ROOT/tools/testing/sparse-riscv.sh
	make -C "$kdir" ARCH="$arch" CROSS_COMPILE="$(cross_prefix "$arch")" \
		M="$dir" W=1 C=1 CHECK="$check" -j"$HVV_JOBS" drivers/hvisor/ || return 1
	[ -f "$dir/drivers/hvisor/hvisor_vhost.o" ] || { echo "error: hvisor_vhost.o not built"; return 1; }
}

# LoongArch: objects with clang (Debian 12 has no GCC for it), W=1; no
# sparse (its LoongArch support is too new for Debian's 0.6.4).
objects_loongarch() {
	local dir=$HVV_BUILD/check-loongarch kdir
	kdir=$(la_dir)
	[ -d "$kdir" ] || { echo "error: no loongarch tree (tools/testing/kernels.sh loongarch)"; return 1; }
	copy_tree "$dir" || return 1
	make -C "$kdir" ARCH=loongarch LLVM="$HVV_LA_LLVM" M="$dir" W=1 \
		-j"$HVV_JOBS" drivers/hvisor/ || return 1
	[ -f "$dir/drivers/hvisor/hvisor_vhost.o" ] || { echo "error: hvisor_vhost.o not built"; return 1; }
}

hvisorctl_build() {
	local dir=$HVV_BUILD/check-hvisorctl
	copy_tree "$dir" || return 1
	[ -f "$dir/tools/hvisorctl/Makefile" ] || { echo "error: tools/hvisorctl/Makefile missing"; return 1; }
	make -C "$dir/tools/hvisorctl" clean >/dev/null 2>&1 || true
	# CC carries the flags so that the tool's own CFLAGS still apply.
	make -C "$dir/tools/hvisorctl" CC="gcc -Wall -Wextra -Werror" || return 1
	[ -x "$dir/tools/hvisorctl/hvisorctl" ] || { echo "error: hvisorctl not built"; return 1; }
}

# hvisorctl's own unit tests ("make check" in tools/hvisorctl).
hvisorctl_tests() {
	local dir=$HVV_BUILD/check-hvisorctl
	[ -x "$dir/tools/hvisorctl/hvisorctl" ] || hvisorctl_build || return 1
	make -C "$dir/tools/hvisorctl" CC="gcc -Wall -Wextra -Werror" check
}

# Kernel files: LINUX_VERSION_CODE guards are how one source serves 6.1
# and 6.12 (and "#if LINUX_VERSION_CODE >= KERNEL_VERSION()" is what
# CONSTANT_COMPARISON flags). Userspace files (tools/, selftests/) also
# use PRIx64 (CAMELCASE), __attribute__((format)) and <stdint.h> types.
CP_IGNORE_KERNEL=LINUX_VERSION_CODE,CONSTANT_COMPARISON
CP_IGNORE_USER=$CP_IGNORE_KERNEL,CAMELCASE,PREFER_DEFINED_ATTRIBUTE_MACRO,PREFER_KERNEL_TYPES

# The C files under the given directories: in a git checkout the ones
# git knows (tracked, or new and not ignored), so build products of an
# in-place "make" (*.mod.c) are never checked; elsewhere (a copy without
# .git) every *.c and *.h but generated *.mod.c.
c_files_in() {
	(
		cd "$HVV_ROOT" || exit 1
		if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
			git ls-files --cached --others --exclude-standard -- \
				"${@/%//*.c}" "${@/%//*.h}" |
				while IFS= read -r f; do [ -f "$f" ] && echo "$f"; done
		else
			find "$@" -name '*.[ch]' -not -name '*.mod.c' \
				-not -path '*/.*' 2>/dev/null
		fi | sort -u
	)
}

checkpatch_files() {
	local ignore=$1 cp
	shift
	cp=$(src_dir)/scripts/checkpatch.pl
	[ $# -gt 0 ] || return 0
	(cd "$HVV_ROOT" && perl "$cp" --strict --no-tree --quiet --no-summary \
		--show-types --ignore "$ignore" -f "$@")
}

checkpatch_all() {
	local rc=0 kfiles ufiles
	[ -f "$(src_dir)/scripts/checkpatch.pl" ] ||
		{ echo "error: no checkpatch.pl (tools/testing/kernels.sh src)"; return 1; }
	kfiles=$(c_files_in drivers include)
	ufiles=$(c_files_in tools selftests)
	[ -n "$kfiles$ufiles" ] || { echo "error: no C files found"; return 1; }
	# shellcheck disable=SC2086
	checkpatch_files "$CP_IGNORE_KERNEL" $kfiles || rc=1
	# shellcheck disable=SC2086
	checkpatch_files "$CP_IGNORE_USER" $ufiles || rc=1
	return $rc
}

run_step() {
	case $1 in
	6.1) step 6.1 modules_x86 "$(hdr_61)" "$HVV_BUILD/check-6.1" \
		hvisor_vhost.ko hvisor_vhost_sim.ko ;;
	6.12) step 6.12 modules_x86 "$(hdr_612)" "$HVV_BUILD/check-6.12" \
		hvisor_vhost.ko hvisor_vhost_sim.ko ;;
	test) step test modules_test ;;
	arm64 | riscv) step "$1" objects_cross "$1" ;;
	loongarch) step loongarch objects_loongarch ;;
	hvisorctl) step hvisorctl hvisorctl_build ;;
	hvisorctl-tests) step hvisorctl-tests hvisorctl_tests ;;
	checkpatch) step checkpatch checkpatch_all ;;
	packaging | dkms | intree)
		step "$1" bash "$HVV_ROOT/tools/testing/check-$1.sh" ;;
	*) die "unknown step $1" ;;
	esac
}

main() {
	local s
	[ $# -gt 0 ] || set -- 6.1 6.12 test arm64 riscv loongarch hvisorctl hvisorctl-tests \
		checkpatch packaging dkms intree
	for s in "$@"; do run_step "$s"; done
	return $FAILED
}

main "$@"
