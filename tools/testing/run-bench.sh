#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: fio in the simulated guest (/dev/vdX served by hvisor_vhost)
# against fio on the backing file directly, in one QEMU run on Debian's
# stock kernel; prints IOPS, latency and guest/direct ratios. Numbers
# under TCG are only comparable within one run. Never fails on a timing.
set -eu
# shellcheck source=tools/testing/lib.sh
. "$(dirname "$0")/lib.sh"

LOGS=$HVV_BUILD/logs/bench-stock

"$HVV_ROOT/tools/testing/deps.sh"
rc=0
"$HVV_ROOT/selftests/run.sh" --kernel stock --name bench-stock \
	"$HVV_ROOT/selftests/bench/bench.sh" || rc=$?
echo
echo "fio 4k, direct I/O, ${HVV_BENCH_RUNTIME:-10}s per job (ratio = guest / direct):"
sed -n '/^job /,/^randwrite-qd32 /p' "$LOGS/bench.log" 2>/dev/null || true
echo "full log: $LOGS/bench.log"
exit "$rc"
