#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A hostile guest (drivers/hvisor/tests/hvisor_fuzz.c, hvisor_vhost_fuzz.ko
# in place of the simulator) drives a blk, a net and a console device for
# about a minute (20 s on the debug kernel): random register accesses
# through the bridge's request
# ring, random rings, indirect tables, indices, lengths, flags, event
# indices, config writes, resets and queue addresses inside, across and
# outside its RAM, while root sends to the guest through the net interface
# and the console tty. The run must end with at least 1,000,000
# operations (a slower kernel goes on after the minute until it has
# them, for at most ten minutes; on the debug kernel, ten times slower,
# 200,000), no access unanswered (a hang), no change to the guard pages
# around the zone's RAM, no impossible answer and no interrupt for a
# device that does not exist; then every device must still be removable,
# the modules unloadable and the kernel log clean (KASAN on the debug
# kernel).
#
# Replay a seed the run printed: sh /hvv/tests/60-fuzz-guest.sh SEED [OPS]
# in the guest, or insmod hvisor_vhost_fuzz.ko seed=SEED max_ops=OPS.
# HVV-NEEDS: ip
# HVV-TIMEOUT: 420
. /hvv/lib.sh

seed=${1:-${HVV_FUZZ_SEED:-0}}
max_ops=${2:-0}
secs=${HVV_FUZZ_SECS:-60}
min_ops=1000000
if [ "$HVV_KERNEL" = debug ]; then
	secs=${HVV_FUZZ_SECS:-20}
	min_ops=200000
fi
dbg=/sys/kernel/debug/hvisor_vhost_fuzz

hvv_dmesg_mark
# The blk pollers look at the ring while requests flow (blk_poll_us, off
# by default, so every other test covers the default): hostile rings go
# through that path and its held interrupts too.
hvv_insmod hvisor_vhost hypervisor=sim blk_poll_us=50
# min_ops: a slower kernel (debug) goes on after $secs until it is done.
mo=$min_ops
[ "$max_ops" = 0 ] || mo=0
hvv_insmod hvisor_vhost_fuzz seed="$seed" secs="$secs" min_ops="$mo" max_ops="$max_ops"
hvv_wait_for /dev/hvisor-vhost 10 || hvv_fail "/dev/hvisor-vhost missing"
hvv_assert "the fuzzer's debugfs" test -e $dbg/run

hvv_run dd if=/dev/zero of=/tmp/fz.img bs=1M count=4 status=none
blk=$(hvv_dev_add blk /tmp/fz.img --queues 2)
net=$(hvv_dev_add net --mac 02:00:00:00:f2:02 --ifname hvfz0 --queues 2)
con=$(hvv_dev_add console)
hvv_run hvisorctl dev list
tty=$(hvv_console_tty)
hvv_wait_for "$tty" 5 || hvv_fail "$tty missing"

# Root's traffic to the guest: the device writes it into guest buffers.
hvv_run ip link set hvfz0 up
hvv_run ip addr add 10.77.0.1/24 dev hvfz0
# Multicast needs no neighbour: 1228-byte frames every 10 ms.
traffic=$((secs * HVV_SLOW))
ping -q -I hvfz0 -i 0.01 -s 1200 -w "$traffic" 224.0.0.1 >/dev/null 2>&1 &
pinger=$!
timeout "$traffic" sh -c "stty raw -echo; while :; do head -c 512 /dev/urandom; done" \
	<"$tty" >"$tty" 2>/dev/null &
writer=$!

hvv_log "+ echo 1 > $dbg/run (seed $seed, $secs s, max_ops $max_ops)"
if echo 1 >$dbg/run; then rc=0; else rc=1; fi
res=$(cat $dbg/result)
echo "$res"
hvv_dmesg_new | grep 'hvisor_vhost_fuzz: run:' || true
wait $pinger || true
# timeout's status when it ended the writer; anything else: it died.
wr=0
wait $writer || wr=$?
[ "$wr" = 143 ] || [ "$wr" = 124 ] || [ "$wr" = 0 ] ||
	hvv_fail "the console writer ended with status $wr"
[ "$rc" = 0 ] || hvv_fail "the fuzzer reported a failure (write status $rc)"
val() { echo "$res" | sed -n "s/^$1 //p"; }
hvv_assert_eq "result" "$(val result)" ok
hvv_assert_eq "hangs" "$(val hangs)" 0
hvv_assert_eq "guard changes" "$(val guard_hits)" 0
hvv_assert_eq "impossible answers" "$(val bad_answers)" 0
hvv_assert_eq "stray interrupts" "$(val stray_irqs)" 0
ops=$(val ops)
hvv_log "seed $(val seed): $ops operations in $(val ms) ms"
if [ "$max_ops" = 0 ]; then
	[ "$ops" -ge "$min_ops" ] || hvv_fail "only $ops operations (want $min_ops)"
	hvv_log "ok: at least $min_ops operations"
fi
[ "$(val chains)" -gt 0 ] || hvv_fail "no descriptor chain was published"
sent=$(($(cat /sys/class/net/hvfz0/statistics/tx_packets) +
	$(cat /sys/class/net/hvfz0/statistics/tx_dropped)))
[ "$sent" -gt 0 ] || hvv_fail "root sent the guest nothing"
hvv_log "ok: root sent the guest $sent packets (delivered or dropped)"
hvv_run hvisorctl dev list
hvv_run hvisorctl status

# The devices must still go, the modules still unload.
for id in "$blk" "$net" "$con"; do
	hvv_run timeout 60 hvisorctl dev del "$id"
done
hvv_rmmod hvisor_vhost_fuzz
hvv_rmmod hvisor_vhost
! hvv_dmesg_new | grep -E 'hvisor_vhost_fuzz: (guard changed|interrupt .* no such device)' ||
	hvv_fail "the fuzzer saw a write outside the zone or a stray interrupt"
hvv_dmesg_clean
