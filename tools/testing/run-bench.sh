#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: every selftests/bench/*.sh in one QEMU run on Debian's stock
# kernel. Each compares a path through hvisor_vhost with a baseline
# measured in the same run and prints its table between the lines
# "=== summary: TITLE" and "=== end"; this script collects the tables.
# Numbers under TCG are only comparable within one run. Never fails on a
# timing, only when a benchmark breaks.
set -eu
# shellcheck source=tools/testing/lib.sh
. "$(dirname "$0")/lib.sh"

LOGS=$HVV_BUILD/logs/bench-stock

"$HVV_ROOT/tools/testing/deps.sh"
rc=0
"$HVV_ROOT/selftests/run.sh" --kernel stock --name bench-stock \
	"$HVV_ROOT"/selftests/bench/*.sh || rc=$?
for script in "$HVV_ROOT"/selftests/bench/*.sh; do
	log=$LOGS/$(basename "$script" .sh).log
	echo
	sed -n '/=== summary: /,/=== end/{/=== end/d;s/^=== summary: //;p}' \
		"$log" 2>/dev/null || true
	echo "full log: $log"
done
exit "$rc"
