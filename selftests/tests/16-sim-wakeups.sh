#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Every way the simulator delivers hvisor's wakeup interrupt (an IPI to
# another CPU, irq_work on the same CPU, a direct call) serves the disk
# correctly; and when wakeups are lost (as hvisor's missing barrier allows)
# the backend's short re-check after each wakeup (or, later, its periodic
# safety net) still gets every request answered.
# The simulator checks that root answers exactly the accesses that wait
# (never a posted QueueNotify), each once. Also LoongArch's two hvisor
# generations: no wakeups at all (root polls), and guest interrupt lines
# that stay asserted until root lowers them.
# HVV-TIMEOUT: 300
. /hvv/lib.sh

hvv_dmesg_mark
hvv_run dd if=/dev/urandom of=/tmp/data bs=1M count=4 status=none
want=$(sha256sum /tmp/data | cut -d' ' -f1)

# roundtrip SIM-PARAMS...: load, write and read back 4 MiB, unload.
roundtrip() {
	hvv_insmod hvisor_vhost hypervisor=sim
	hvv_insmod hvisor_vhost_sim "$@"
	hvv_run dd if=/dev/zero of=/tmp/w.img bs=1M count=4 status=none
	before=$(hvv_vd_list)
	id=$(hvv_dev_add blk /tmp/w.img)
	vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
	hvv_run dd if=/tmp/data of=/dev/$vd bs=64k oflag=direct status=none
	hvv_assert_eq "$*: read back" \
		"$(dd if=/dev/$vd bs=64k iflag=direct status=none | sha256sum | cut -d' ' -f1)" "$want"
	hvv_assert_eq "$*: image" "$(sha256sum /tmp/w.img | cut -d' ' -f1)" "$want"
	status=$(hvisorctl status)
	hvv_run hvisorctl dev del "$id"
	# Root answers exactly the accesses that wait, each once, in time.
	grep -q ' /sys/kernel/debug ' /proc/mounts ||
		mount -t debugfs none /sys/kernel/debug
	st=$(cat /sys/kernel/debug/hvisor_vhost_sim/stats)
	hvv_assert_match "$*: no spurious answer" "$st" '^spurious_answers +0$'
	hvv_assert_match "$*: no timed-out access" "$st" '^timeouts +0$'
}

for mode in remote local direct; do
	roundtrip wakeup=$mode
	hvv_unload_all
done

roundtrip wakeup=remote lose_wakeup_every=2
net=$(echo "$status" | sed -n 's/^safety net *//p')
re=$(echo "$status" | sed -n 's/^rechecks *//p')
hvv_log "lost wakeups: re-checks found requests $re times, the safety net $net times"
[ $((${net:-0} + ${re:-0})) -gt 0 ] ||
	hvv_fail "wakeups were lost but neither the re-check nor the safety net found a request"
hvv_unload_all

# An hvisor that sends no wakeup at all (older LoongArch): root polls.
roundtrip wakeup=none poll_us=200
re=$(echo "$status" | sed -n 's/^rechecks *//p')
hvv_log "wakeup=none: polls found requests $re times"
[ "${re:-0}" -gt 0 ] || hvv_fail "wakeup=none: no poll ever found a request"
hvv_unload_all

# Lines that stay up until root lowers them (newer LoongArch hvisor):
# without the lowering on InterruptACK the second interrupt of the disk
# would never arrive and the round trip would hang.
roundtrip irq_level=1
low=$(echo "$st" | sed -n 's/^irq_lowered *//p')
hvv_log "irq_level=1: root lowered lines $low times"
[ "${low:-0}" -gt 0 ] || hvv_fail "irq_level=1: root never lowered a line"
hvv_unload_all
hvv_dmesg_clean
