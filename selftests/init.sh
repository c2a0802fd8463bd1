#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the selftest initramfs (built by selftests/run.sh). Runs the
# tests listed in /hvv/tests.list and reports on dedicated serial ports so
# that kernel messages never garble a marker:
#   ttyS0  console: kernel messages and test output
#   ttyS1  results: "HVV-TIME name seconds" and "HVV-RESULT name
#          PASS|FAIL|SKIP" per test, then "HVV-DONE"
#   ttyS2  the whole kernel log (dmesg) and kmemleak's report at the end
# On arm64 the virt board has one UART (ttyAMA0), the console, and
# /hvv/env sets HVV_KMSG=1: results and log lines are written to
# /dev/kmsg, one kernel log record per line. The console prints each
# record whole (other output never splits it), with its timestamp, which
# is how the host picks them out of the console.
# Then it reboots, which ends QEMU (-no-reboot).

/bin/busybox mkdir -p /proc /sys /dev /tmp /run /mnt /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mount -t tmpfs tmp /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs shm /dev/shm

# HVV_KERNEL, HVV_SLOW, HVV_KMEMLEAK... for init and the tests.
set -a
# shellcheck source=/dev/null
. /hvv/env
set +a
export PATH=/hvv/bin:/bin:/sbin:/usr/bin:/usr/sbin
export HVV_MODDIR=/hvv/modules
RES=/dev/ttyS1
LOG=/dev/ttyS2

[ "${HVV_KMSG:-0}" = 1 ] && RES=/dev/kmsg LOG=/dev/kmsg
# Where the kernel log goes (selftests/kunit/load-kunit.sh writes there).
export HVV_LOG_DEV=$LOG

# A line to the results, and to the console (a /dev/kmsg record is on
# the console already).
report() {
	echo "$*" >"$RES"
	[ "$RES" = /dev/kmsg ] || echo "$*"
}

# Standard input to the log channel; to /dev/kmsg one record per line
# (a write is one record, of at most 1 KiB).
to_log() {
	if [ "$LOG" = /dev/kmsg ]; then
		while IFS= read -r _l; do printf '%s\n' "$_l" >/dev/kmsg; done
	else
		cat >"$LOG"
	fi
}

# Kernel modules the stock kernel needs (virtio, ext4, loop, net), in the
# dependency order run.sh resolved on the host.
load_stock_modules() {
	[ -f /hvv/stock-modules.list ] || return 0
	while read -r ko; do
		insmod "$ko" 2>/dev/null || echo "init: insmod $ko failed"
	done </hvv/stock-modules.list
}

# After each test, whatever it left behind (a failed test stops half-way)
# is undone so that the next test starts clean: mounts under /mnt and its
# directory, then our modules.
cleanup_after() {
	local t=$1 m
	for m in $(awk '{ print $2 }' /proc/mounts | grep -E "^(/mnt|/tmp/$t)(/|$)" | sort -r); do
		echo "init: $t left $m mounted: unmounting"
		umount "$m" 2>/dev/null || umount -l "$m"
	done
	for m in hvisor_vhost_kunit hvisor_vhost_sim hvisor_vhost; do
		grep -q "^$m " /proc/modules || continue
		echo "init: $t left $m loaded: unloading"
		unload_bounded "$m" || return 1
	done
}

# unload_bounded MODULE: rmmod, but give up after 60 s. A task a test
# left stuck in the kernel (seen: an ioctl waiting forever for a guest
# driver's probe) can make rmmod wait forever too; then the boot must
# end instead of waiting for the host's limit of the whole run.
unload_bounded() {
	local pid n=0
	rmmod "$1" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$n" -ge 60 ]; then
			echo "init: rmmod $1 still waits after 60 s: the rest of this boot's tests are skipped"
			return 1
		fi
		sleep 1
		n=$((n + 1))
	done
	wait "$pid" || echo "init: rmmod $1 failed"
}

# run_test NAME: run /hvv/tests/NAME.sh in its own shell and directory.
run_test() {
	local t=$1 rc=0 limit start end
	limit=$(sed -n 's/^# HVV-TIMEOUT: *\([0-9]*\).*/\1/p' "/hvv/tests/$t.sh")
	limit=$(( ${limit:-120} * HVV_SLOW ))
	mkdir -p "/tmp/$t"
	echo "HVV-BEGIN $t"
	read -r start _ </proc/uptime
	(cd "/tmp/$t" && HVV_TEST=$t timeout -s KILL "$limit" sh "/hvv/tests/$t.sh") </dev/null || rc=$?
	read -r end _ </proc/uptime
	report "HVV-TIME $t $((${end%.*} - ${start%.*}))"
	case $rc in
	0) report "HVV-RESULT $t PASS" ;;
	4) report "HVV-RESULT $t SKIP" ;;
	137) report "HVV-RESULT $t FAIL timeout ${limit}s" ;;
	*) report "HVV-RESULT $t FAIL exit $rc" ;;
	esac
	cleanup_after "$t" || STUCK=1
	rm -rf "/tmp/$t"
	drop_tmp_files
}

# Files a test left directly in /tmp (images, data): /tmp is the guest's
# RAM, and what piles up over a boot's tests fills it (seen: 43 and on
# failed with ENOSPC after 1F and 1G). Directories (mount points) stay.
drop_tmp_files() {
	local f
	for f in /tmp/* /tmp/.[!.]*; do
		[ -f "$f" ] || [ -L "$f" ] && rm -f "$f"
	done
	return 0
}

# Objects allocated before the tests are the kernel's own (kmemleak
# reports a few ACPI caches at boot): tell the host the uptime now, and
# it ignores older objects. Cheaper than two baseline scans under TCG.
kmemleak_mark() {
	echo "HVV-TESTS-START-UPTIME $(cut -d' ' -f1 /proc/uptime)" >"$LOG"
}

kmemleak_report() {
	k=/sys/kernel/debug/kmemleak
	[ -w $k ] || { echo "HVV-KMEMLEAK-UNAVAILABLE" >"$LOG"; return 0; }
	# Objects younger than 5 s are not reported, and a leak needs two
	# scans that find it unreferenced (with an unchanged checksum).
	sleep 6
	echo scan >$k
	echo scan >$k
	echo "HVV-KMEMLEAK-BEGIN" >"$LOG"
	to_log <$k
	echo "HVV-KMEMLEAK-END" >"$LOG"
	echo "init: kmemleak scanned at $(cut -d' ' -f1 /proc/uptime)s"
}

main() {
	stty -F "$RES" raw -echo 2>/dev/null
	stty -F "$LOG" raw -echo 2>/dev/null
	echo "HVV-BOOTED $(uname -r)" >"$RES"
	load_stock_modules
	[ "$HVV_KMEMLEAK" = 1 ] && kmemleak_mark
	STUCK=0
	while read -r t; do
		[ -n "$t" ] || continue
		if [ "$STUCK" = 1 ]; then
			report "HVV-RESULT $t FAIL not run: an earlier test left the kernel stuck"
			continue
		fi
		run_test "$t"
	done </hvv/tests.list
	[ "$HVV_KMEMLEAK" = 1 ] && kmemleak_report
	# Through /dev/kmsg the log is on the console already (loglevel=8).
	if [ "$LOG" != /dev/kmsg ]; then
		echo "HVV-DMESG-BEGIN" >"$LOG"
		dmesg >"$LOG"
		echo "HVV-DMESG-END" >"$LOG"
	fi
	report "HVV-DONE"
	sync
	# With QEMU's -no-reboot a reboot ends the guest (poweroff needs ACPI).
	reboot -f
}

main
