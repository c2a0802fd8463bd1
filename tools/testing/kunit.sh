#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the KUnit suites of hvisor_vhost_kunit.ko: boot the cached test
# kernel (KUnit, KASAN, lockdep) in QEMU, load the module (its suites run
# while it loads), capture the KTAP it prints and parse it with the
# kernel's own kunit.py. Prints one line per suite, then
#   PASS|FAIL kunit (N tests: N passed, N failed, N skipped)
# and the guest's kernel-log verdict. Exit status 1 on any failure, a
# crash or a missing KTAP summary. Logs: $HVV_BUILD/logs/kunit-debug/.
set -eu
# shellcheck source=tools/testing/lib.sh
. "$(dirname "$0")/lib.sh"

LOGS=$HVV_BUILD/logs/kunit-debug

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
			"not ok "*) result FAIL "kunit ${line#not ok }" ;;
			*"# SKIP"*) line=${line#ok }; result SKIP "kunit ${line%% *}" ;;
			*) result PASS "kunit ${line#ok }" ;;
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

main() {
	local guest_rc=0 parse_rc=0 pass fail skip kunitpy
	"$HVV_ROOT/selftests/run.sh" --kernel debug --name kunit-debug --no-kmemleak \
		"$HVV_ROOT/selftests/kunit/load-kunit.sh" || guest_rc=1
	[ -f "$LOGS/dmesg.log" ] || { result FAIL kunit "the guest did not run"; return 1; }
	extract_ktap
	if [ ! -s "$LOGS/ktap.txt" ] || ! grep -qE '^(not )?ok [0-9]+ ' "$LOGS/ktap.txt"; then
		result FAIL kunit "no KTAP results; log $LOGS/console.log"
		return 1
	fi
	kunitpy=$(src_dir)/tools/testing/kunit/kunit.py
	python3 "$kunitpy" parse "$LOGS/ktap.txt" >"$LOGS/kunit-parse.log" 2>&1 || parse_rc=$?
	suite_lines
	read -r pass fail skip < <(count_cases)
	if [ "$parse_rc" != 0 ] || [ "$fail" != 0 ] || [ "$guest_rc" != 0 ] ||
		! grep -q 'Testing complete' "$LOGS/kunit-parse.log" ||
		grep -qE 'CRASHED|errors: [1-9]|failed: [1-9]' "$LOGS/kunit-parse.log"; then
		result FAIL kunit "$((pass + fail + skip)) tests: $pass passed, $fail failed, $skip skipped; kunit.py exit $parse_rc; log $LOGS/kunit-parse.log"
		grep -E 'not ok|FAILED|ERROR|CRASHED' "$LOGS/kunit-parse.log" | head -n 20 | sed 's/^/    /' >&2 || true
		return 1
	fi
	result PASS kunit "$((pass + fail + skip)) tests: $pass passed, $fail failed, $skip skipped"
}

main "$@"
