#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The net backend schedules its NAPI (raises the NET_RX softirq) from
# wherever the core consumes the request ring: a hard interrupt, the
# re-check timer, or process context (the simulator's direct wakeups run
# it in the guest driver's own context, e.g. virtio_net's open and refill
# kicking its rx queue; the poll work continues long bursts). A softirq
# raised in process context with bottom halves enabled runs only at the
# CPU's next interrupt: the core runs the dispatcher with bottom halves
# disabled there, so local_bh_enable() runs it at once. Without that an
# idle CPU goes to sleep with the softirq pending and the kernel says
# "NOHZ tick-stop error: local softirq work is pending".
#
# With wakeup=direct and with wakeup=none (root polls): the guest's
# interface comes up, traffic flows both ways, the guest driver is
# unbound and bound again (reset, DRIVER_OK: NAPI scheduled again). The
# function tracer records the context of every call of the callbacks that
# schedule the NAPI (hvnet_notify, hvnet_driver_ok): each must run in a
# hard or soft interrupt or with bottom halves disabled (trace flags: h,
# s, or b/D). The kernel log stays clean of that message and of any
# warning (the message alone is a matter of timing: any local_bh_enable()
# or interrupt before the CPU idles hides the delay).
# HVV-NEEDS: ip
# HVV-TIMEOUT: 300
. /hvv/lib.sh

IP=/hvv/bin/ip
MAC=02:00:00:00:27:01
PENDING_RE='local softirq work is pending'

TR=/sys/kernel/tracing
[ -e $TR/trace ] || mount -t tracefs nodev $TR 2>/dev/null || true
# The test kernels have no ftrace: there the run checks the kernel log
# only (lockdep would see a local_bh_enable() with interrupts disabled).
TRACE=1
if [ ! -e $TR/set_ftrace_filter ]; then
	TRACE=0
	hvv_log "no function tracer in this kernel: contexts not traced"
fi

hvv_dmesg_mark

# Trace our NAPI-scheduling callbacks (the module is loaded).
trace_start() {
	[ "$TRACE" = 1 ] || return 0
	echo 0 >$TR/tracing_on
	echo nop >$TR/current_tracer
	echo >$TR/trace
	echo 4096 >$TR/buffer_size_kb
	printf 'hvnet_notify\nhvnet_driver_ok\n' >$TR/set_ftrace_filter ||
		hvv_fail "cannot trace hvnet_notify, hvnet_driver_ok"
	echo function >$TR/current_tracer
	echo 1 >$TR/tracing_on
}

# Calls seen, and the calls made in process context with bottom halves
# enabled: trace flags (irqs-off/BH-off, need-resched, hard/soft irq,
# preempt depth, migrate-disable) with "d", "." or "X" first and "." as
# hard/soft irq (BH off shows as "b" or "D", interrupts as "h" or "s").
trace_check() {
	[ "$TRACE" = 1 ] || return 0
	echo 0 >$TR/tracing_on
	calls=$(grep -cE 'hvnet_(notify|driver_ok)' $TR/trace || true)
	bad=$(grep -E 'hvnet_(notify|driver_ok)' $TR/trace |
		grep -E '\] [.dX].\.[^ ]* ' || true)
	echo nop >$TR/current_tracer
	echo >$TR/set_ftrace_filter
	hvv_log "$*: $calls traced calls of hvnet_notify/hvnet_driver_ok"
	[ "$calls" -gt 0 ] || hvv_fail "$*: no call traced"
	if [ -n "$bad" ]; then
		echo "$bad" | head -n 20
		hvv_fail "$*: $(echo "$bad" | wc -l) NAPI schedulings in process context with bottom halves enabled"
	fi
	hvv_log "ok: $*: every NAPI scheduling in interrupt context or with bottom halves disabled"
}

# run_mode SIM-PARAMS...: one device's life on the simulator so loaded.
run_mode() {
	hvv_insmod hvisor_vhost hypervisor=sim
	hvv_insmod hvisor_vhost_sim "$@"
	hvv_wait_for "/dev/hvisor-vhost" 10 || hvv_fail "/dev/hvisor-vhost missing"
	trace_start
	id=$(hvv_dev_add net --mac $MAC --ifname hvwk0)
	hvv_run $IP addr add 10.27.0.1/24 dev hvwk0
	hvv_run $IP link set hvwk0 up
	vdev=$(basename "$(readlink -f /sys/class/net/$(hvv_net_if_by_mac $MAC $((10 * HVV_SLOW)))/device)")
	hvv_net_guest $MAC 10.27.0.2/24
	hvv_net_flood hvwk0 "$HVV_NS" 10.27.0.2 10.27.0.1 5027
	hvv_net_flood_stop
	kill "$HVV_NS"
	# Reset and DRIVER_OK again, from the guest driver's process context.
	hvv_run sh -c "echo $vdev >/sys/bus/virtio/drivers/virtio_net/unbind"
	hvv_run sh -c "echo $vdev >/sys/bus/virtio/drivers/virtio_net/bind"
	hvv_net_guest $MAC 10.27.0.2/24
	hvv_run hvv_in_netns "$HVV_NS" ping -c 20 -i 0.2 -W 5 10.27.0.1
	kill "$HVV_NS"
	trace_check "$@"
	hvv_run hvisorctl dev del "$id"
	hvv_unload_all
	if hvv_dmesg_new | grep -q -- "$PENDING_RE"; then
		hvv_dmesg_new | grep -- "$PENDING_RE"
		hvv_fail "$*: a softirq was left pending in process context"
	fi
	hvv_log "ok: $*: no softirq left pending"
}

run_mode wakeup=direct
run_mode wakeup=none poll_us=200
hvv_dmesg_clean
