#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Every way the simulator delivers hvisor's wakeup interrupt (an IPI to
# another CPU, irq_work on the same CPU, a direct call) serves the disk
# correctly; and when wakeups are lost (as hvisor's missing barrier allows)
# the backend's periodic safety net still gets every request answered.
# The simulator checks that root answers exactly the accesses that wait
# (never a posted QueueNotify), each once.
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
hvv_log "safety net caught $net requests"
[ "${net:-0}" -gt 0 ] || hvv_fail "wakeups were lost but the safety net never ran"
hvv_unload_all
hvv_dmesg_clean
