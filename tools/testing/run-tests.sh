#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make test: every test, in order:
#   1. tools/testing/deps.sh      Debian packages (installs them as root)
#   2. tools/testing/kernels.sh   cached kernel trees (the arm64 test
#                                 kernel: ~12 min the first time, then
#                                 nothing)
#      tools/testing/arm64-userland.sh   qemu-system-arm, the arm64 libc,
#                                 Debian's arm64 busybox and programs
#   3. tools/testing/check-build.sh   W=1/sparse/cross builds, checkpatch
#   4. tools/testing/kunit.sh     KUnit suites on the test kernel (arm64)
#   5. selftests/run.sh --kernel stock|stock612|debug (6.12 and debug,
#      the arm64 test kernel: subsets, see STOCK612_TESTS, DEBUG_TESTS)
# Steps 2 to 5 run in two lanes at once (see LANES below).
# Each check, suite and selftest prints "PASS|FAIL|SKIP name"; the last line
# is "N passed, N failed" (", N skipped" when some were). Exit status 1 on
# any failure. The whole output is also in $HVV_BUILD/logs/run-tests.log.
set -eu
# shellcheck source=tools/testing/lib.sh
. "$(dirname "$0")/lib.sh"

LOG=$HVV_BUILD/logs/run-tests.log
# The log phase() appends to: $LOG, or a lane's own log.
PHASE_LOG=$LOG
T0=$(date +%s)

# phase NAME CMD...: run CMD, its output also into the log; a failing
# command that printed no FAIL line gets one (so nothing fails silently).
phase() {
	local name=$1 t rc=0 before
	shift
	t=$(date +%s)
	before=$(grep -c '^FAIL ' "$PHASE_LOG" || true)
	say "==== $name" 2>&1 | tee -a "$PHASE_LOG" >&2
	"$@" 2>&1 | tee -a "$PHASE_LOG" || true
	rc=${PIPESTATUS[0]}
	if [ "$rc" != 0 ] && [ "$(grep -c '^FAIL ' "$PHASE_LOG" || true)" = "$before" ]; then
		result FAIL "$name" "exit status $rc" | tee -a "$PHASE_LOG"
	fi
	say "==== $name: $(($(date +%s) - t))s" 2>&1 | tee -a "$PHASE_LOG" >&2
	return "$rc"
}

summary() {
	local pass fail skip
	pass=$(grep -c '^PASS ' "$LOG" || true)
	fail=$(grep -c '^FAIL ' "$LOG" || true)
	skip=$(grep -c '^SKIP ' "$LOG" || true)
	say "==== total $(($(date +%s) - T0))s; log $LOG"
	if [ "$fail" != 0 ]; then
		say "failed:"
		grep '^FAIL ' "$LOG" | sed 's/^/  /' >&2
	fi
	if [ "$skip" != 0 ]; then
		echo "$pass passed, $fail failed, $skip skipped"
	else
		echo "$pass passed, $fail failed"
	fi
	[ "$fail" = 0 ] && [ "$pass" != 0 ]
}

# The debug kernel is the test kernel, arm64 (KASAN, lockdep, kmemleak,
# fault injection under qemu-system-aarch64, TCG: GICv3, the arm64 memory
# model and barriers), in two boots so that both lanes end together:
# DEBUG_TESTS in lane A after the kernels, DEBUG_TESTS_B in lane B after
# the checks. Not every selftest: all of them there (selftests/run.sh
# --kernel debug selftests/kunit/load-kunit.sh all) take about 1,000
# guest seconds on a quiet machine and twice that in a cold run, where
# the lanes share the two cores: the cold run of 4611000, which ran
# them all, took 55 minutes. make test runs the tests of the error,
# removal, reset, fault-injection and unload paths of every device type
# (a leak or a use-after-free would hide there), zones, both fuzzers,
# block I/O into ZONE_DEVICE zone RAM (1I) and the SCMI ioctls (46: the
# guest has a device tree).
DEBUG_TESTS="01 10 11 13 14 15 17 18 19 1B 1C 1D 1E 1F 20 22 42 60 61"
DEBUG_TESTS_B="1I 26 30 32 46 47 48"

# Debian's 6.12 runs one or two tests of each backend, where the kernel
# APIs we use differ from 6.1's (kiocb and bio, NAPI and tun, tty,
# eventfd, mmap, memremap_pages): blk, blk into ZONE_DEVICE pages, net,
# tap, console, HSM zones, the userspace bridge. The whole suite on 6.12 ("selftests/run.sh --kernel stock612")
# costs 505 guest seconds, 13 CPU-minutes of a cold run that has none
# to spare; it passed in full on 625762a.
STOCK612_TESTS="01 10 13 1I 20 25 30 40 49"

# LANES: the work is CPU-bound (a TCG guest keeps about 1.1 of the 2
# cores busy, measured 113 % for selftests 10, 12 and 20 on the stock
# kernel; the check builds about 1.6; a kernel build with -j2 both), so
# it runs as two lanes that keep both cores busy from the start:
#   lane A: the test kernel (kernels.sh), then the debug selftests
#           with KUnit as their first test, which need it;
#   lane B: the stock and 6.12 selftests, which need only Debian's
#           kernels and so start while the test kernel builds, then the
#           cross trees (arm64, riscv, loongarch: only the checks use
#           them) and the checks (which need the source tree and the
#           test kernel: they wait for lane A's kernels phase), then
#           the second debug boot (DEBUG_TESTS_B).
# Each selftest run has its own build and work directories
# ($HVV_BUILD/NAME). Lane B writes to its own log, printed whole when it
# ends.
lane_a() {
	local here=$HVV_ROOT/tools/testing st=$HVV_ROOT/selftests rc=0
	phase kernels "$here/kernels.sh" src test || rc=1
	echo "$rc" >"$KERNELS_DONE"
	[ "$rc" = 0 ] || return 1
	# Without it only the test kernel's runs fail (run.sh --kernel debug
	# tries again and says why).
	phase arm64-userland "$here/arm64-userland.sh" || true
	# KUnit first in the same boot (a boot, a build and a kmemleak scan
	# fewer); its verdicts are parsed from that run's log.
	# shellcheck disable=SC2086 # a list of test numbers
	phase selftests-debug "$st/run.sh" --kernel debug \
		"$st/kunit/load-kunit.sh" $DEBUG_TESTS || true
	phase kunit "$here/kunit.sh" --from selftests-debug || true
}

lane_b() {
	local st=$HVV_ROOT/selftests
	phase selftests-stock "$st/run.sh" --kernel stock || true
	# shellcheck disable=SC2086 # a list of test numbers
	phase selftests-stock612 "$st/run.sh" --kernel stock612 \
		$STOCK612_TESTS || true
	while [ ! -s "$KERNELS_DONE" ]; do sleep 5; done
	# The trees only the checks use: off lane A, the longer one.
	phase cross-trees "$HVV_ROOT/tools/testing/kernels.sh" arm64 riscv loongarch || true
	phase check "$HVV_ROOT/tools/testing/check-build.sh" || true
	# shellcheck disable=SC2086 # a list of test numbers
	phase selftests2-debug "$st/run.sh" --kernel debug \
		--name selftests2-debug $DEBUG_TESTS_B || true
}

main() {
	local lane_log pid
	mkdir -p "$(dirname "$LOG")"
	: >"$LOG"
	if ! phase deps "$HVV_ROOT/tools/testing/deps.sh"; then
		summary
		return 1
	fi
	KERNELS_DONE=$HVV_BUILD/logs/run-tests-kernels.done
	rm -f "$KERNELS_DONE"
	lane_log=$HVV_BUILD/logs/run-tests-lane-b.log
	: >"$lane_log"
	say "==== lane B (stock, stock612, check) runs alongside; its output follows lane A's"
	(PHASE_LOG=$lane_log lane_b >/dev/null 2>&1) &
	pid=$!
	lane_a || true
	# Lane B's checks wait for the kernels: never forever.
	[ -s "$KERNELS_DONE" ] || echo 1 >"$KERNELS_DONE"
	wait "$pid" || true
	cat "$lane_log"
	cat "$lane_log" >>"$LOG"
	summary
}

main "$@"
