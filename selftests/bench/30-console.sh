#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Benchmarks (make bench): console throughput through hvisor_vhost, guest
# -> root (/dev/hvc0 -> /dev/hvconN) and root -> guest, against a pty
# pair in the same run, with the same tool (selftests/progs/console_bench)
# and the same sizes. Every transfer is checked byte by byte.
# Benchmarks never fail on a number; they fail only when something breaks.
# HVV-TIMEOUT: 300
. /hvv/lib.sh

BYTES=$((4 * 1024 * 1024))
[ "$HVV_KERNEL" != debug ] || BYTES=$((1024 * 1024))

# bench NAME ARGS...: print "NAME MB/s" from console_bench.
bench() {
	_n=$1
	shift
	_r=$(console_bench "$@") || hvv_fail "console_bench $* failed"
	echo "$_n $_r"
}

hvv_load_sim
id=$(hvv_dev_add console --log-size 1M)
hvv_hvc_ready || hvv_fail "no /dev/hvc0"
tty=$(hvv_console_tty)
hvv_wait_for "$tty" 5 || hvv_fail "$tty missing"

pty=$(bench pty pty $BYTES)
g2r=$(bench guest-to-root /dev/hvc0 "$tty" $BYTES)
r2g=$(bench root-to-guest "$tty" /dev/hvc0 $BYTES)

echo "=== summary: console: $BYTES bytes per transfer, raw ttys (ratio = path / pty)"
printf '%-16s %10s %10s %8s\n' path seconds "MB/s" ratio
pty_mbps=$(echo "$pty" | awk '{ print $4 }')
for line in "$pty" "$g2r" "$r2g"; do
	echo "$line" | awk -v p="$pty_mbps" '{
		r = p > 0 ? $4 / p : 0
		printf "%-16s %10.3f %10.2f %8.3f\n", $1, $3, $4, r }'
done
echo "=== end"
hvv_run hvisorctl dev list
hvv_run hvisorctl dev del "$id"
hvv_unload_all
