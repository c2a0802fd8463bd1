#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the KUnit suites of hvisor_vhost_kunit.ko: boot the cached test
# kernel (arm64: KASAN, lockdep, kmemleak, UBSAN for our modules) under
# qemu-system-aarch64, load the module (its suites run while it loads),
# capture the KTAP it prints and parse it with the kernel's own kunit.py.
# After the suites (and the module's unload) a kmemleak scan runs: an
# object the suites allocated and never freed fails the run
# ("kunit[debug] kmemleak").
#
#   kunit.sh              one boot of its own (logs/kunit-debug)
#   kunit.sh --from NAME  no boot: the results of selftests/kunit/load-kunit.sh
#                         in the selftest run NAME (make test runs it as
#                         the first test of the debug selftests, which
#                         saves a boot, a module build and a kmemleak
#                         scan of the slow debug kernel)
#
# Prints one line per suite, then
#   PASS|FAIL kunit (N tests: N passed, N failed, N skipped)
# and the guest's kernel-log verdict. Exit status 1 on any failure, a
# leak, a crash or a missing KTAP summary. Logs: $HVV_BUILD/logs/kunit-debug/.
set -eu
# shellcheck source=tools/testing/lib.sh
. "$(dirname "$0")/lib.sh"


# The module prints one nested KTAP block per suite and its "ok N suite"
# line; add the top-level header kunit.py expects ("KTAP version 1",
# "1..SUITES") and drop the kernel messages before the first block.
extract_ktap() {
	local raw=$LOGS/ktap-raw.txt n
	tr -d '\r' <"$LOGS/dmesg.log" |
		sed -n '/^HVV-KTAP-BEGIN/,/^HVV-KTAP-END/p' | sed '1d;$d' >"$raw"
	n=$(grep -cE '^(not )?ok [0-9]+ ' "$raw" || true)
	{
		echo "KTAP version 1"
		echo "1..$n"
		sed -n '/KTAP version\|# Subtest:/,$p' "$raw"
	} >"$LOGS/ktap.txt"
}

# Suite verdicts: the un-indented "ok N name" / "not ok N name" lines.
suite_lines() {
	sed -nE 's/^(not ok|ok) [0-9]+ ([^ #]+)( # SKIP.*)?$/\1 \2\3/p' "$LOGS/ktap.txt" |
		while read -r line; do
			case $line in
			"not ok "*) result FAIL "$TAG ${line#not ok }" ;;
			*"# SKIP"*) line=${line#ok }; result SKIP "$TAG ${line%% *}" ;;
			*) result PASS "$TAG ${line#ok }" ;;
			esac
		done
}

# Test cases: "    ok N name" one level down (parameterised cases deeper
# are summarised by their parent case).
count_cases() {
	local pass fail skip
	skip=$(grep -cE '^    ok [0-9]+ .*# SKIP' "$LOGS/ktap.txt" || true)
	pass=$(($(grep -cE '^    ok [0-9]+ ' "$LOGS/ktap.txt" || true) - skip))
	fail=$(grep -cE '^    not ok [0-9]+ ' "$LOGS/ktap.txt" || true)
	echo "$pass $fail $skip"
}

# run_kunit NAME TAG [BOOT]: parse the KTAP of the run NAME; with BOOT
# (1) boot run.sh --kernel debug --name NAME for it first.
run_kunit() {
	local name=$1 guest_rc=0 parse_rc=0 pass fail skip kunitpy leaks
	TAG=$2 LOGS=$HVV_BUILD/logs/$name
	if [ "${3:-0}" = 1 ]; then
		# run.sh's kmemleak scan (debug kernel) judges the suites' leaks.
		"$HVV_ROOT/selftests/run.sh" --kernel debug --name "$name" \
			"$HVV_ROOT/selftests/kunit/load-kunit.sh" || guest_rc=1
	elif ! grep -qE '^HVV-RESULT load-kunit PASS' "$LOGS/results.txt" 2>/dev/null; then
		# The run's own verdicts (kernel-log, kmemleak) are its lines.
		guest_rc=1
	fi
	[ -f "$LOGS/dmesg.log" ] || { result FAIL "$TAG" "the guest did not run"; return 1; }
	extract_ktap
	if [ ! -s "$LOGS/ktap.txt" ] || ! grep -qE '^(not )?ok [0-9]+ ' "$LOGS/ktap.txt"; then
		result FAIL "$TAG" "no KTAP results; log $LOGS/console.log"
		return 1
	fi
	kunitpy=$(src_dir)/tools/testing/kunit/kunit.py
	python3 "$kunitpy" parse "$LOGS/ktap.txt" >"$LOGS/kunit-parse.log" 2>&1 || parse_rc=$?
	suite_lines
	read -r pass fail skip < <(count_cases)
	leaks=$(grep -c '^unreferenced object' "$LOGS/kmemleak.log" 2>/dev/null || true)
	if [ "$parse_rc" != 0 ] || [ "$fail" != 0 ] || [ "$guest_rc" != 0 ] ||
		! grep -q 'Testing complete' "$LOGS/kunit-parse.log" ||
		grep -qE 'CRASHED|errors: [1-9]|failed: [1-9]' "$LOGS/kunit-parse.log"; then
		result FAIL "$TAG" "$((pass + fail + skip)) tests: $pass passed, $fail failed, $skip skipped; ${leaks:-0} leak(s); kunit.py exit $parse_rc; log $LOGS/kunit-parse.log"
		grep -E 'not ok|FAILED|ERROR|CRASHED' "$LOGS/kunit-parse.log" | head -n 20 | sed 's/^/    /' >&2 || true
		return 1
	fi
	result PASS "$TAG" "$((pass + fail + skip)) tests: $pass passed, $fail failed, $skip skipped"
}

main() {
	case "$*" in
	"" | arm64) run_kunit kunit-debug kunit 1 ;;
	"--from "*) run_kunit "${2:?}" kunit ;;
	*) die "usage: kunit.sh [--from NAME] (the test kernel is arm64)" ;;
	esac
}

main "$@"
