#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run selftests in a QEMU guest (TCG; KVM hangs guests on these machines).
#
#   selftests/run.sh [--kernel stock|stock612|debug|arm64] [-v] [TEST...]
#
#   stock     Debian's linux-image-amd64 (6.1), modules built against
#             Debian's 6.1 headers          (default)
#   stock612  Debian's 6.12 image and headers
#   debug     the cached test kernel, arm64 (KASAN, lockdep, kmemleak,
#             fault injection, UBSAN for our modules) under
#             qemu-system-aarch64 -M virt (GICv3); modules, hvisorctl and
#             progs cross-built, Debian's arm64 busybox and programs
#             (tools/testing/arm64-userland.sh); a kmemleak scan runs
#             after the tests
#   arm64     the same as debug
#   TEST      a name or number in selftests/tests/ (01-load, 01, load),
#             the path of a script, or "all" (every selftests/tests/*.sh,
#             in order); default: all
#   -v        stream the guest console while it runs
#   --name N  logs in $HVV_BUILD/logs/N, verdicts tagged "N-prefix[KERNEL]"
#             (default selftests-KERNEL)
#   --no-kmemleak  skip the final kmemleak scan on the debug kernel
#   --skip "T..."  leave these tests out (numbers or names, like TEST)
#
# Builds our modules for that kernel, hvisorctl and selftests/progs, packs
# them with busybox, the stock kernel's virtio/ext4/loop/net modules and
# the programs the tests ask for ("# HVV-NEEDS: fio mkfs.ext4") into an
# initramfs, boots it under a hard timeout and prints one line per test:
#   PASS|FAIL|SKIP selftests[KERNEL] TEST
# plus "selftests[KERNEL] kernel-log", which fails when the guest did not
# finish (crash, hang) or its kernel log has a BUG, WARNING, Oops, KASAN,
# lockdep, hung task or soft lockup report, and on the debug kernel
# "selftests[debug] kmemleak" (leaks of objects allocated after the tests
# started, after a final scan). Logs go to
# $HVV_BUILD/logs/selftests-KERNEL/. Exit status 1 on any FAIL.
set -eu
SELFTESTS=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tools/testing/lib.sh
. "$SELFTESTS/../tools/testing/lib.sh"

KERNEL=stock
VERBOSE=0
NAME=""
NO_KMEMLEAK=0
TESTS=()
SKIP=""
STOCK_MODULES="virtio virtio_ring virtio_blk virtio_net virtio_console
crc32c_generic crc32c_intel ext4 loop tun veth bridge"
BAD_RE='BUG:|WARNING:|Oops|KASAN|possible circular locking|inconsistent lock state|possible recursive locking|unreferenced object|blocked for more than|soft lockup|hard LOCKUP|general protection fault|Kernel panic|kernel BUG at|UBSAN:|suspicious RCU usage|cut here|rcu: INFO:|detected stall|page allocation failure|invoked oom-killer|Out of memory|local softirq work is pending'

usage() { sed -n '3,/^set -eu/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 2; }

parse_args() {
	while [ $# -gt 0 ]; do
		case $1 in
		--kernel) KERNEL=${2:?}; shift ;;
		--kernel=*) KERNEL=${1#*=} ;;
		-v | --verbose) VERBOSE=1 ;;
		--name) NAME=${2:?}; shift ;;
		--no-kmemleak) NO_KMEMLEAK=1 ;;
		--skip) SKIP=${2?}; shift ;;
		-h | --help) usage ;;
		-*) say "unknown option $1"; usage ;;
		*) TESTS+=("$1") ;;
		esac
		shift
	done
	case $KERNEL in
	stock | stock612 | debug) ;;
	arm64) KERNEL=debug ;;
	*) die "unknown kernel $KERNEL" ;;
	esac
	NAME=${NAME:-selftests-$KERNEL}
	TAG="${NAME%%-*}[$KERNEL]"
	WORK=$HVV_BUILD/$NAME
	LOGS=$HVV_BUILD/logs/$NAME
}

# KDIR, IMAGE, RELEASE, MODROOT (stock modules, empty for the test
# kernels), SLOW; ARCH, KMAKE (cross-build arguments), CC, USERLAND
# (arm64: Debian's arm64 busybox and programs, unpacked).
pick_kernel() {
	ARCH=x86_64 KMAKE=() CC=gcc USERLAND=""
	case $KERNEL in
	stock) KDIR=$(hdr_61) ;;
	stock612) KDIR=$(hdr_612) ;;
	debug) KDIR=$(arm64_test_dir) ARCH=arm64 CC=aarch64-linux-gnu-gcc
		KMAKE=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
		"$HVV_ROOT/tools/testing/arm64-userland.sh" || die "no arm64 userland"
		USERLAND=$(arm64_userland_dir)/root ;;
	esac
	[ -n "$KDIR" ] && [ -d "$KDIR" ] || die "no kernel tree for $KERNEL (tools/testing/deps.sh, tools/testing/kernels.sh)"
	RELEASE=$(kdir_release "$KDIR")
	case $KERNEL in
	debug) IMAGE=$KDIR/arch/arm64/boot/Image MODROOT="" SLOW=3 KMEMLEAK=1 ;;
	*) IMAGE=/boot/vmlinuz-$RELEASE MODROOT=/lib/modules/$RELEASE SLOW=1 KMEMLEAK=0 ;;
	esac
	[ "$NO_KMEMLEAK" = 0 ] || KMEMLEAK=0
	[ -r "$IMAGE" ] || die "kernel image $IMAGE missing"
}

# find_test T: the script of test T (a number, a name or a path).
find_test() {
	local m
	if [ -f "$1" ]; then echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; return; fi
	m=$(find "$SELFTESTS/tests" -maxdepth 1 -name "*.sh" | sort |
		grep -E "/($1|$1-[^/]*|[0-9]+-$1)\.sh$" | head -n 1)
	[ -n "$m" ] || die "no test matches '$1'"
	echo "$m"
}

# TEST arguments -> script paths (all tests when none given, and where
# the word "all" stands), less --skip.
resolve_tests() {
	local t m skip=" "
	SCRIPTS=()
	for t in $SKIP; do skip="$skip$(find_test "$t") "; done
	[ ${#TESTS[@]} != 0 ] || TESTS=(all)
	for t in "${TESTS[@]}"; do
		if [ "$t" = all ]; then
			for m in "$SELFTESTS"/tests/[0-9]*.sh; do
				[ -f "$m" ] && [[ $skip != *" $m "* ]] && SCRIPTS+=("$m")
			done
			continue
		fi
		m=$(find_test "$t")
		[[ $skip == *" $m "* ]] || SCRIPTS+=("$m")
	done
	[ ${#SCRIPTS[@]} -gt 0 ] || die "no tests to run"
}

# Module and tool builds live under $WORK, one set per run name (make
# test runs two of them at once: tools/testing/run-tests.sh) and
# architecture (hvisorctl's Makefile would keep objects of the other one).
build_modules() {
	local dir=$WORK/mod-$ARCH
	copy_tree "$dir"
	logged "$LOGS/build-modules.log" make -C "$KDIR" M="$dir" "${KMAKE[@]}" \
		-j"$HVV_JOBS" HVV_SELFTEST_MODULES=1 modules ||
		return 1
	MODDIR=$dir/drivers/hvisor
}

# hvisorctl and selftests/progs/*.c (static, so they need no libraries).
build_tools() {
	local dir=$WORK/tools-$ARCH src out
	copy_tree "$dir"
	HVISORCTL=""
	if [ -f "$dir/tools/hvisorctl/Makefile" ]; then
		logged "$LOGS/build-hvisorctl.log" make -C "$dir/tools/hvisorctl" \
			CC="$CC" LDFLAGS=-static hvisorctl || return 1
		HVISORCTL=$dir/tools/hvisorctl/hvisorctl
	else
		say "selftests: tools/hvisorctl/Makefile missing, no hvisorctl in the guest"
	fi
	mkdir -p "$dir/progs"
	for src in "$SELFTESTS"/progs/*.c; do
		[ -f "$src" ] || continue
		out=$dir/progs/$(basename "$src" .c)
		logged "$LOGS/build-progs.log" "$CC" -static -O2 -Wall -Wextra -Werror \
			-I"$HVV_ROOT/include/uapi" -o "$out" "$src" || return 1
	done
	PROGS=$dir/progs
}

# Copy a binary and the shared libraries ldd finds, at their own paths.
stage_bin() {
	local bin=$1 lib
	if [ -n "$USERLAND" ]; then stage_bin_cross "$bin"; return; fi
	cp -L "$bin" "$STAGE/hvv/bin/"
	for lib in $(ldd "$bin" 2>/dev/null | grep -oE '/[^ ]+' || true); do
		[ -e "$STAGE$lib" ] && continue
		mkdir -p "$STAGE$(dirname "$lib")"
		cp -L "$lib" "$STAGE$lib"
	done
}

# The same for a binary of the unpacked arm64 userland (ldd cannot run
# it): its interpreter and DT_NEEDED libraries, recursively, looked up in
# the userland's library directories.
cross_needed() {
	aarch64-linux-gnu-readelf -d "$1" 2>/dev/null |
		sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'
}
# The file a path of the userland names, its symlinks (which may be
# absolute: /sbin/ip -> /bin/ip) resolved inside the userland.
userland_file() {
	local f=$1 t n=0
	while [ -L "$f" ]; do
		t=$(readlink "$f")
		case $t in
		/*) f=$USERLAND$t ;;
		*) f=$(dirname "$f")/$t ;;
		esac
		n=$((n + 1))
		[ "$n" -lt 20 ] || die "symlink loop at $1"
	done
	[ -f "$f" ] || return 1
	echo "$f"
}
stage_bin_cross() {
	local bin=$1 todo more lib d found interp real
	real=$(userland_file "$bin") || die "$bin: no such file in $USERLAND"
	cp "$real" "$STAGE/hvv/bin/$(basename "$bin")"
	interp=$(aarch64-linux-gnu-readelf -l "$real" 2>/dev/null |
		sed -n 's/.*Requesting program interpreter: \(.*\)\]$/\1/p')
	[ -z "$interp" ] && return 0
	mkdir -p "$STAGE$(dirname "$interp")"
	found=$(userland_file "$USERLAND$interp") || die "no $interp in $USERLAND"
	cp "$found" "$STAGE$interp"
	mapfile -t todo < <(cross_needed "$real")
	while [ ${#todo[@]} -gt 0 ]; do
		lib=${todo[0]}
		todo=("${todo[@]:1}")
		[ -e "$STAGE/lib/aarch64-linux-gnu/$lib" ] && continue
		found=""
		for d in lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu; do
			found=$(userland_file "$USERLAND/$d/$lib") && break
		done
		[ -n "$found" ] || die "$(basename "$bin") needs $lib: not in $USERLAND"
		mkdir -p "$STAGE/lib/aarch64-linux-gnu"
		cp "$found" "$STAGE/lib/aarch64-linux-gnu/$lib"
		mapfile -t more < <(cross_needed "$found")
		todo+=("${more[@]}")
	done
}

# Where a program the tests ask for is: the host's, or the arm64 one.
find_program() {
	local p=$1 d
	if [ -z "$USERLAND" ]; then command -v "$p"; return; fi
	for d in usr/sbin usr/bin sbin bin; do
		userland_file "$USERLAND/$d/$p" >/dev/null && { echo "$USERLAND/$d/$p"; return 0; }
	done
	return 1
}

# The stock modules and their dependencies in load order, per kmod.
stage_stock_modules() {
	local name line ko dst
	[ -n "$MODROOT" ] || return 0
	: >"$STAGE/hvv/stock-modules.list"
	for name in $STOCK_MODULES; do
		modprobe -S "$RELEASE" --show-depends "$name" 2>/dev/null || true
	done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' | while read -r line; do
		ko=${line%.xz}
		dst=$STAGE$ko
		mkdir -p "$(dirname "$dst")"
		case $line in
		*.xz) xz -dc "$line" >"$dst" ;;
		*) cp "$line" "$dst" ;;
		esac
		echo "$ko" >>"$STAGE/hvv/stock-modules.list"
	done
}

# Stock modules the selected tests load themselves ("# HVV-NEEDS-MODULES:
# brd"): /hvv/modules.d/NAME.list holds its dependencies, then itself.
stage_extra_modules() {
	local name line ko
	[ -n "$MODROOT" ] || return 0
	mkdir -p "$STAGE/hvv/modules.d"
	for name in $(sed -n 's/^# HVV-NEEDS-MODULES: *//p' "${SCRIPTS[@]}" | tr ' ' '\n' | sort -u); do
		modprobe -S "$RELEASE" --show-depends "$name" 2>/dev/null |
			awk '$1 == "insmod" { print $2 }' | while read -r line; do
			ko=${line%.xz}
			mkdir -p "$(dirname "$STAGE$ko")"
			case $line in
			*.xz) xz -dc "$line" >"$STAGE$ko" ;;
			*) cp "$line" "$STAGE$ko" ;;
			esac
			echo "$ko" >>"$STAGE/hvv/modules.d/$name.list"
		done
	done
}

# A test whose "# HVV-NEEDS" programs this architecture's userland lacks
# (fio and iperf3 are not fetched for arm64) is skipped, not run.
drop_unrunnable() {
	local s p keep=() miss
	for s in "${SCRIPTS[@]}"; do
		miss=""
		# shellcheck disable=SC2013 # words: program names
		for p in $(sed -n 's/^# HVV-NEEDS: *//p' "$s"); do
			find_program "$p" >/dev/null || miss="$miss $p"
		done
		if [ -n "$miss" ]; then
			result SKIP "$TAG $(basename "$s" .sh)" "needs$miss, not available for $ARCH"
		else
			keep+=("$s")
		fi
	done
	[ ${#keep[@]} -gt 0 ] || exit 0
	SCRIPTS=("${keep[@]}")
}

# Programs the selected tests ask for with "# HVV-NEEDS: prog...".
needed_programs() {
	sed -n 's/^# HVV-NEEDS: *//p' "${SCRIPTS[@]}" | tr ' ' '\n' | sort -u | grep . || true
}

stage_initramfs() {
	local s p name
	STAGE=$WORK/stage
	rm -rf "$STAGE"
	mkdir -p "$STAGE"/{bin,hvv/bin,hvv/tests,hvv/modules}
	cp "$USERLAND/bin/busybox" "$STAGE/bin/busybox" # the host's on x86_64
	cp "$SELFTESTS/init.sh" "$STAGE/init"
	cp "$SELFTESTS/lib.sh" "$STAGE/hvv/lib.sh"
	chmod 755 "$STAGE/init"
	cp "$MODDIR"/*.ko "$STAGE/hvv/modules/"
	[ -z "$HVISORCTL" ] || stage_bin "$HVISORCTL"
	for p in "$PROGS"/*; do [ -f "$p" ] && cp "$p" "$STAGE/hvv/bin/"; done
	for p in $(needed_programs); do
		find_program "$p" >/dev/null || die "program $p (HVV-NEEDS) not installed for $ARCH"
		stage_bin "$(find_program "$p")"
	done
	stage_stock_modules
	stage_extra_modules
	: >"$STAGE/hvv/tests.list"
	for s in "${SCRIPTS[@]}"; do
		name=$(basename "$s" .sh)
		cp "$s" "$STAGE/hvv/tests/$name.sh"
		echo "$name" >>"$STAGE/hvv/tests.list"
	done
	printf 'HVV_KERNEL=%s\nHVV_SLOW=%s\nHVV_KMEMLEAK=%s\nHVV_BENCH_RUNTIME=%s\n' \
		"$KERNEL" "$SLOW" "$KMEMLEAK" "${HVV_BENCH_RUNTIME:-10}" >"$STAGE/hvv/env"
	# arm64 virt has one UART: results and log lines go through the
	# kernel log to the console (see qemu_arm64).
	[ "$ARCH" = x86_64 ] || echo HVV_KMSG=1 >>"$STAGE/hvv/env"
	zone_ram_env >>"$STAGE/hvv/env"
	# Replaying a fuzzing run: the seed and time go to the guest; so do
	# the net bench's round trips.
	local v
	for v in HVV_FUZZ_SEED HVV_FUZZ_SECS HVV_BENCH_RR; do
		[ -z "${!v:-}" ] || echo "$v=${!v}" >>"$STAGE/hvv/env"
	done
	(cd "$STAGE" && find . | cpio -o -H newc --quiet) >"$WORK/initramfs.cpio"
}

# Seconds before the guest is killed: boot + each test's HVV-TIMEOUT.
time_limit() {
	local s t total=90
	for s in "${SCRIPTS[@]}"; do
		t=$(sed -n 's/^# HVV-TIMEOUT: *\([0-9]*\).*/\1/p' "$s")
		total=$((total + ${t:-120}))
	done
	echo $((total * SLOW))
}

QEMU_PID=""
TAIL_PID=""
cleanup() {
	[ -z "$QEMU_PID" ] || kill -KILL "$QEMU_PID" 2>/dev/null || true
	[ -z "$TAIL_PID" ] || kill "$TAIL_PID" 2>/dev/null || true
}

# Wait for QEMU to end. Kill it at the time limit, when the guest printed
# nothing for HVV_IDLE_LIMIT seconds (300, doubled on the debug kernel: a
# hung kernel), or 20 s after HVV-DONE if it does not end by itself.
watch_guest() {
	local limit=$1 waited=0 done_at="" idle=0 size last=-1 idle_limit
	idle_limit=${HVV_IDLE_LIMIT:-$((SLOW > 1 ? 600 : 300))}
	while kill -0 "$QEMU_PID" 2>/dev/null; do
		if [ -z "$done_at" ] && guest_done; then
			done_at=$waited
		fi
		size=$(cat "$LOGS/console.log" "$LOGS/results.log" "$LOGS/dmesg.log" | wc -c)
		if [ "$size" = "$last" ]; then idle=$((idle + 1)); else idle=0; last=$size; fi
		if [ "$waited" -ge "$limit" ]; then
			say "selftests: guest still running after ${limit}s: killed"
			break
		fi
		if [ "$idle" -ge "$idle_limit" ]; then
			say "selftests: guest silent for ${idle_limit}s: killed"
			break
		fi
		if [ -n "$done_at" ] && [ $((waited - done_at)) -ge 20 ]; then
			say "selftests: guest did not power off after HVV-DONE: killed"
			break
		fi
		sleep 1
		waited=$((waited + 1))
	done
	kill -KILL "$QEMU_PID" 2>/dev/null || true
	wait "$QEMU_PID" 2>/dev/null || true
	QEMU_PID=""
}

# Zone RAM that is not root's System RAM, as a zone's RAM on hvisor is:
# ZONE_RAM_MIB in the middle of x86's RAM (512 MiB of the default 1 GiB,
# below the initramfs, which QEMU loads at the top; memmap=SIZE$ADDR:
# E820 reserved), or the last of arm64's RAM (mem=: cut from memblock,
# as hvisor's root device tree leaves a zone's memory out). The guest
# learns it as HVV_ZONE_RAM="ADDR SIZE" (test 1I does block I/O into it).
ZONE_RAM_MIB=8
qemu_mem_mib() {
	local m=${HVV_QEMU_MEM:-1G}
	case $m in
	*G) echo $((${m%G} * 1024)) ;;
	*M) echo "${m%M}" ;;
	*) die "HVV_QEMU_MEM=$m: give it in M or G" ;;
	esac
}
# Where x86's set-aside starts, in MiB: the middle of RAM, 2 MiB-aligned.
x86_zone_ram_at() { echo $(($(qemu_mem_mib) / 2 / 2 * 2)); }
zone_ram_arg() {
	if [ "$ARCH" = x86_64 ]; then
		echo "memmap=${ZONE_RAM_MIB}M\$$(x86_zone_ram_at)M"
	else
		echo "mem=$(($(qemu_mem_mib) - ZONE_RAM_MIB))M"
	fi
}
zone_ram_env() {
	local at
	if [ "$ARCH" = x86_64 ]; then
		at=$(($(x86_zone_ram_at) << 20))
	else
		# The virt board's RAM starts at 1 GiB.
		at=$(((1024 + $(qemu_mem_mib) - ZONE_RAM_MIB) << 20))
	fi
	printf 'HVV_ZONE_RAM="0x%x 0x%x"\n' "$at" $((ZONE_RAM_MIB << 20))
}

# no5lvl: 6.1's identify_cpu() clears the boot CPU's feature bits,
# LA57 included, with interrupts enabled; a timer interrupt in that
# window makes KASAN judge every 5-level direct-map address "wild"
# (seen once in CI). Four-level paging closes the window.
# watchdog_thresh=60 (both architectures): a soft lockup is reported
# after 120 s instead of 20, and rcupdate.rcu_cpu_stall_timeout=60 an
# RCU stall after 60 s instead of 21 (the kernel-log check fails on
# both; the debug kernel's boot-time tracefs work stalled RCU at load 17). Under TCG on a loaded host a vCPU thread
# can be off the CPU for longer than 20 s (seen: the debug kernel's
# boot-time tracefs work "locked up" at load 12 on 2 cores, before any
# of our code ran); a real lockup, a loop that never yields, still
# trips it.
qemu_x86_64() {
	exec qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m "${HVV_QEMU_MEM:-1G}" \
		-nodefaults -no-user-config -display none -monitor none -no-reboot \
		-kernel "$IMAGE" -initrd "$WORK/initramfs.cpio" \
		-append "console=ttyS0 no5lvl watchdog_thresh=60 rcupdate.rcu_cpu_stall_timeout=60 panic=-1 oops=panic loglevel=7 printk.devkmsg=on mitigations=off $(zone_ram_arg) rdinit=/init" \
		-serial "file:$LOGS/console.log" -serial "file:$LOGS/results.log" \
		-serial "file:$LOGS/dmesg.log"
}

# The virt board: GICv3 and one UART (PL011), the console. It carries
# the results and the log as kernel log records (/dev/kmsg in the guest,
# HVV_KMSG): a record is printed whole under the port lock, so test
# output never splits one, and kmsg_records finds them by their
# timestamp. loglevel=8: every record reaches the console (x86 gets the
# whole log from dmesg on ttyS2); printk.devkmsg=on: no rate limit on
# /dev/kmsg. No QEMU virtio device is added: the guest's only virtio
# devices are the simulator's, as on x86. -cpu max has the newest
# memory-model and atomics features (LSE, RCpc); pauth-impdef keeps
# pointer authentication cheap under TCG. A PSCI reset ends QEMU.
# kunit.enable=1 (as kunit.py passes it): allnoconfig leaves
# KUNIT_DEFAULT_ENABLED off, and the KUnit module would run nothing.
#
# -dtb: the board's own device tree plus hvisor's /hvisor_virtio_device
# node (arm64_dtb), for /dev/hvisor's SCMI ioctls.
qemu_arm64() {
	exec qemu-system-aarch64 -accel tcg -M "virt,gic-version=3$1" \
		-cpu max,pauth-impdef=on -smp 2 -m "${HVV_QEMU_MEM:-1G}" \
		-nodefaults -no-user-config -display none -monitor none -no-reboot \
		${2:+-dtb "$2"} \
		-kernel "$IMAGE" -initrd "$WORK/initramfs.cpio" \
		-append "console=ttyAMA0 watchdog_thresh=60 rcupdate.rcu_cpu_stall_timeout=60 panic=-1 oops=panic loglevel=8 printk.devkmsg=on kunit.enable=1 $(zone_ram_arg) rdinit=/init" \
		-serial "file:$LOGS/console.log"
}

# The virt board's device tree (dumped by QEMU with the very options of
# the run) with an /hvisor_virtio_device node added, as hvisor's root
# zone has: without an interrupt, so hypervisor=auto still finds no
# hvisor (the module never issues an hvc without the wakeup interrupt),
# and with the board's APB clock (24 MHz, fixed) as its one clock, which
# /dev/hvisor's SCMI clock ioctls then serve (selftest 46).
arm64_dtb() {
	local dts=$WORK/virt.dts ph
	(qemu_arm64 ",dumpdtb=$WORK/virt.dtb") </dev/null >"$LOGS/dumpdtb.log" 2>&1 ||
		{ say "selftests: QEMU could not dump the virt device tree"; return 1; }
	dtc -q -I dtb -O dts -o "$dts" "$WORK/virt.dtb" || return 1
	ph=$(awk '/apb-pclk {/ { on = 1 } on && /phandle = / { print $3; exit }' "$dts" |
		tr -d '<>;')
	[ -n "$ph" ] || { say "selftests: no apb-pclk in the virt device tree"; return 1; }
	printf '/ {\n\thvisor_virtio_device {\n\t\tcompatible = "hvisor";\n\t\tclocks = <%s>;\n\t};\n};\n' \
		"$ph" >>"$dts"
	dtc -q -I dts -O dtb -o "$WORK/hvisor.dtb" "$dts"
}

# The text of the kernel log records on the console (arm64): what
# follows a "[    1.234567] " timestamp, output that preceded the record
# on the same line dropped.
kmsg_records() {
	tr -d '\r' <"$LOGS/console.log" | sed -n 's/^.*\[ *[0-9]*\.[0-9]*\] //p'
}

# Whether the guest reported HVV-DONE yet.
guest_done() {
	if [ "$ARCH" = x86_64 ]; then
		grep -q HVV-DONE "$LOGS/results.log"
	else
		kmsg_records | grep -qx HVV-DONE
	fi
}

boot_guest() {
	local limit
	limit=$(time_limit)
	: >"$LOGS/console.log"
	: >"$LOGS/results.log"
	: >"$LOGS/dmesg.log"
	say "selftests: booting $KERNEL ($RELEASE) with ${#SCRIPTS[@]} test(s), limit ${limit}s, logs in $LOGS"
	if [ "$ARCH" = arm64 ]; then
		if ! arm64_dtb; then
			result FAIL "$TAG boot" "no device tree for the guest (log $LOGS/dumpdtb.log)"
			exit 1
		fi
		qemu_arm64 "" "$WORK/hvisor.dtb" </dev/null >"$LOGS/qemu.log" 2>&1 &
	else
		qemu_x86_64 </dev/null >"$LOGS/qemu.log" 2>&1 &
	fi
	QEMU_PID=$!
	if [ "$VERBOSE" = 1 ]; then
		# The console from the first test on; ends when QEMU does.
		tail -n +1 --pid="$QEMU_PID" -f "$LOGS/console.log" |
			awk '{ sub(/\r$/, "") } /^HVV-BEGIN/ { on = 1 } on { print; fflush() }' >&2 &
		TAIL_PID=$!
	fi
	watch_guest "$limit"
	if [ -n "$TAIL_PID" ]; then
		wait "$TAIL_PID" 2>/dev/null || true
		TAIL_PID=""
	fi
	if [ "$ARCH" != x86_64 ]; then
		kmsg_records | grep '^HVV-' >"$LOGS/results.log" || true
		kmsg_records >"$LOGS/dmesg.log"
	fi
	tr -d '\r' <"$LOGS/results.log" >"$LOGS/results.txt"
	# Guest seconds per test, slowest first (what to trim for time).
	awk '$1 == "HVV-TIME" { print $3, $2 }' "$LOGS/results.txt" |
		sort -rn >"$LOGS/times.txt"
}

# Per-test console excerpts: from "HVV-BEGIN t" to "HVV-RESULT t".
split_logs() {
	local s name
	for s in "${SCRIPTS[@]}"; do
		name=$(basename "$s" .sh)
		tr -d '\r' <"$LOGS/console.log" | awk -v t="$name" '
			$0 == "HVV-BEGIN " t { on = 1 }
			on { print }
			on && index($0, "HVV-RESULT " t " ") == 1 { exit }' >"$LOGS/$name.log"
	done
}

# Kernel-style lines of the console plus the final dmesg dump (without
# the kmemleak report, judged on its own).
kernel_problems() {
	{
		tr -d '\r' <"$LOGS/console.log" | grep -E '^\[ *[0-9]+\.[0-9]+\]' || true
		tr -d '\r' <"$LOGS/dmesg.log" |
			sed '/^HVV-KMEMLEAK-BEGIN/,/^HVV-KMEMLEAK-END/d'
	} | grep -E "$BAD_RE" | sort -u || true
}

# kmemleak objects allocated after the tests started, into kmemleak.log.
# Jiffies start at INITIAL_JIFFIES = 2^32 - 300 * HZ; one second of margin
# keeps objects allocated just before the start.
kmemleak_leaks() {
	local hz
	hz=$(sed -n 's/^CONFIG_HZ=//p' "$KDIR/.config")
	tr -d '\r' <"$LOGS/dmesg.log" | awk -v hz="${hz:-250}" '
		/^HVV-TESTS-START-UPTIME / { start = 4294967296 - 300 * hz + ($2 - 1) * hz }
		/^HVV-KMEMLEAK-BEGIN/ { on = 1; next }
		/^HVV-KMEMLEAK-END/ { flush(); on = 0 }
		function flush() { if (blk != "" && (j == "" || j + 0 >= start)) { printf "%s", blk; n++ } blk = ""; j = "" }
		on && /^unreferenced object/ { flush(); blk = $0 "\n"; next }
		on && blk != "" {
			blk = blk $0 "\n"
			if (match($0, /jiffies [0-9]+/)) j = substr($0, RSTART + 8, RLENGTH - 8)
		}
		END { flush() }' >"$LOGS/kmemleak.log"
	grep -c '^unreferenced object' "$LOGS/kmemleak.log" || true
}

kmemleak_verdict() {
	local n
	[ "$KMEMLEAK" = 1 ] || return 0
	if ! grep -q '^HVV-KMEMLEAK-END' "$LOGS/dmesg.log"; then
		result FAIL "$TAG kmemleak" "no kmemleak report from the guest; log $LOGS/dmesg.log"
		return 1
	fi
	n=$(kmemleak_leaks)
	if [ "$n" != 0 ]; then
		result FAIL "$TAG kmemleak" "$n leak(s); log $LOGS/kmemleak.log"
		head -n 30 "$LOGS/kmemleak.log" | sed 's/^/    /' >&2
		return 1
	fi
	result PASS "$TAG kmemleak"
}

verdicts() {
	local s name line v fails=0 problems
	for s in "${SCRIPTS[@]}"; do
		name=$(basename "$s" .sh)
		line=$(grep -E "^HVV-RESULT $name " "$LOGS/results.txt" | tail -n 1 || true)
		v=$(echo "$line" | cut -d' ' -f3)
		case $v in
		PASS | SKIP) result "$v" "$TAG $name" ;;
		FAIL) result FAIL "$TAG $name" "$(echo "$line" | cut -d' ' -f4-); log $LOGS/$name.log"; fails=1 ;;
		*) result FAIL "$TAG $name" "no result: guest crashed or hung; log $LOGS/console.log"; fails=1 ;;
		esac
	done
	problems=$(kernel_problems)
	if ! grep -qx HVV-DONE "$LOGS/results.txt"; then
		result FAIL "$TAG kernel-log" "no HVV-DONE: guest crashed, hung or timed out; log $LOGS/console.log"
		fails=1
	elif [ -n "$problems" ]; then
		result FAIL "$TAG kernel-log" "$(echo "$problems" | wc -l) report(s); log $LOGS/console.log"
		echo "$problems" | head -n 20 | sed 's/^/    /' >&2
		fails=1
	else
		result PASS "$TAG kernel-log"
	fi
	kmemleak_verdict || fails=1
	return $fails
}

main() {
	parse_args "$@"
	pick_kernel
	resolve_tests
	drop_unrunnable
	rm -rf "$LOGS"
	mkdir -p "$WORK" "$LOGS"
	if ! build_modules || ! build_tools; then
		result FAIL "$TAG build" "log in $LOGS"
		exit 1
	fi
	stage_initramfs
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	boot_guest
	split_logs
	verdicts
}

main "$@"
