#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The userspace bridge survives its daemon (selftests/progs/ubridge_garbage.c,
# hvisor-tool's daemon protocol on /dev/hvisor): with no daemon a device
# nobody serves reads as absent; a daemon's device is probed by the guest
# through the bridge, its full result ring of interrupts reaches the guest;
# garbage in its bridge page (indices out of range, answers for vCPUs that
# wait for nothing, a full ring of results for an unknown zone) is counted
# exactly and corrupts no answer; a second daemon is refused; a daemon
# killed with a read outstanding leaves that vCPU answered 0 instead of
# hanging; a new daemon attaches again. The in-kernel disk keeps working
# throughout, stalled daemon included.
# HVV-TIMEOUT: 240
. /hvv/lib.sh

UD=/sys/kernel/debug/hvisor_vhost_sim/user_dev
TIMEOUT=/sys/module/hvisor_vhost_sim/parameters/timeout_ms
ADDR=0xa010000
IRQ=100

counter() { hvisorctl status | sed -n "s/^$1  *//p"; }
running() { kill -0 "$1" 2>/dev/null; }
# wait_log FILE TEXT: the daemon printed TEXT.
wait_log() {
	_n=$((100 * HVV_SLOW))
	until grep -qx "$2" "$1" 2>/dev/null; do
		[ $_n -gt 0 ] || { cat "$1"; hvv_fail "daemon never said '$2'"; }
		_n=$((_n - 1))
		sleep 0.1
	done
	hvv_log "ok: daemon said '$2'"
}
# The guest's virtio device with our DeviceID (0x3f), or nothing.
user_dev() { grep -lx 0x003f /sys/bus/virtio/devices/*/device 2>/dev/null; }
blk_ok() {
	hvv_assert_eq "$1: in-kernel disk reads back" \
		"$(dd if=/dev/$vd bs=64k iflag=direct status=none | sha256sum | cut -d' ' -f1)" \
		"$want"
}

hvv_dmesg_mark
hvv_load_sim
hvv_run dd if=/dev/urandom of=/tmp/ub.img bs=1M count=2 status=none
want=$(sha256sum /tmp/ub.img | cut -d' ' -f1)
before=$(hvv_vd_list)
id=$(hvv_dev_add blk /tmp/ub.img)
vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))

# No daemon: the address reads as no device, the plug fails.
hvv_run_fails sh -c "echo add $ADDR $IRQ >$UD"
hvv_dmesg_expect "bad magic 0x00000000"
hvv_assert_match "no daemon attached" "$(hvisorctl status)" '^flags .*\(attached,simulator\)$'

# A daemon that answers, then scribbles, then floods interrupts.
ubridge_garbage serve -g -i $IRQ $ADDR >/tmp/d1.log 2>&1 & d1=$!
wait_log /tmp/d1.log attached
hvv_assert_match "daemon attached" "$(hvisorctl status)" '^flags .*,ubridge\)$'
out=$(ubridge_garbage busy 2>&1) || hvv_fail "second daemon: $out"
hvv_assert_eq "a second daemon is refused" "$out" EBUSY
hvv_run sh -c "echo add $ADDR $IRQ >$UD"
hvv_assert "the guest found the daemon's device" test -n "$(user_dev)"
wait_log /tmp/d1.log "garbage done"
wait_log /tmp/d1.log "irqs pushed"
wait_log /tmp/d1.log "isr read"
hvv_assert_eq "bad indices counted" "$(counter 'ub bad index')" 2
hvv_assert_eq "bad answers counted" "$(counter 'ub bad answer')" 2
hvv_assert_eq "bad results counted" "$(counter 'ub bad result')" 31
hvv_assert_eq "nothing orphaned" "$(counter 'ub orphaned')" 0
hvv_assert_eq "nothing overflowed" "$(counter 'ub overflow')" 0
hvv_dmesg_expect 'userspace bridge: req_front 4660 is not in'
hvv_dmesg_expect 'userspace bridge: res_rear 99 out of range'
hvv_dmesg_expect 'userspace bridge: cfg_flags\[[0-9]+\] moved'
hvv_dmesg_expect 'userspace bridge: interrupt 1234 for zone 30583 refused'
# Answers after the garbage are still right: the guest probes again.
hvv_run sh -c "echo del $ADDR >$UD"
hvv_assert "unplugged" test -z "$(user_dev)"
hvv_run sh -c "echo add $ADDR $IRQ >$UD"
hvv_assert "probed again after the garbage" test -n "$(user_dev)"
hvv_run sh -c "echo del $ADDR >$UD"
blk_ok "after the garbage"
reqs=$(counter 'ub requests')
hvv_assert "requests were forwarded ($reqs)" [ "$reqs" -gt 8 ]
kill $d1
wait $d1
hvv_dmesg_expect 'virtio daemon detached'

# A daemon killed while a vCPU waits for it: the vCPU gets 0, no hang.
old_timeout=$(cat $TIMEOUT)
echo 600000 >$TIMEOUT
ubridge_garbage serve -s $ADDR >/tmp/d2.log 2>&1 & d2=$!
wait_log /tmp/d2.log attached
(echo add $ADDR $IRQ >$UD) 2>/dev/null & plug=$!
wait_log /tmp/d2.log stalled
sleep 1
hvv_assert "the probe waits for the stalled daemon" running $plug
blk_ok "with the daemon stalled"
hvv_dmesg_mark
kill -9 $d2
n=0
while running $plug && [ $n -lt $((300 * HVV_SLOW)) ]; do
	sleep 0.1
	n=$((n + 1))
done
running $plug && hvv_fail "the probe still hangs after the daemon died"
wait $plug && hvv_fail "the probe of a device whose daemon died succeeded"
echo "$old_timeout" >$TIMEOUT
hvv_dmesg_expect 'virtio daemon detached with 1 vCPUs waiting: answered 0'
hvv_dmesg_expect 'bad magic 0x00000000'
hvv_assert_eq "the waiting vCPU was orphaned" "$(counter 'ub orphaned')" 1
hvv_assert_match "daemon gone" "$(hvisorctl status)" '^flags .*\(attached,simulator\)$'

# A new daemon attaches and serves.
ubridge_garbage serve $ADDR >/tmp/d3.log 2>&1 & d3=$!
wait_log /tmp/d3.log attached
hvv_run sh -c "echo add $ADDR $IRQ >$UD"
hvv_assert "a restarted daemon's device is found" test -n "$(user_dev)"
hvv_run sh -c "echo del $ADDR >$UD"
kill $d3
wait $d3
blk_ok "at the end"
hvv_run hvisorctl dev del "$id"
hvv_unload_all
hvv_dmesg_clean
