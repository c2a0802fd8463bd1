#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The control queue of a multiqueue net device is answered whatever CPU
# the guest spins on. Linux's virtio_net sends VQ_PAIRS_SET at probe and
# then spins for the answer (on 6.1 without ever yielding the CPU). Here
# the guest runs on root's CPUs: an answer left to a worker bound to the
# spinning CPU never came, and the probe inside DEV_ADD locked that CPU up
# (seen one run in three, when the re-check timer or the safety net, not
# the wakeup IPI, consumed the notify on the guest's CPU). With every way
# the simulator delivers the wakeup (the IPI to another CPU, irq_work on
# the guest's own CPU, a direct call in the guest's context, none at
# all), DEV_ADD returns, the guest uses both queue pairs (its driver
# keeps one when the command fails), and rebinding the guest driver
# (another probe, another command) works each time.
# HVV-NEEDS: ip
# HVV-TIMEOUT: 300
. /hvv/lib.sh

IP=/hvv/bin/ip
MAC=02:00:00:00:28:01
REBINDS=3

hvv_dmesg_mark

# The guest interface's transmit queues in use (sysfs follows
# real_num_tx_queues, which virtio_net sets only once the device acked).
guest_txqs() {
	ls "/sys/class/net/$1/queues" | grep -c '^tx-'
}

# run_mode SIM-PARAMS...: probe, use and re-probe a two-pair device.
run_mode() {
	hvv_insmod hvisor_vhost hypervisor=sim
	hvv_insmod hvisor_vhost_sim "$@"
	hvv_wait_for "/dev/hvisor-vhost" 10 || hvv_fail "/dev/hvisor-vhost missing"
	id=$(hvv_dev_add net --mac $MAC --ifname hvcq0 --queues 2)
	hvv_run $IP addr add 10.28.0.1/24 dev hvcq0
	hvv_run $IP link set hvcq0 up
	gif=$(hvv_net_if_by_mac $MAC $((10 * HVV_SLOW)))
	vdev=$(basename "$(readlink -f /sys/class/net/$gif/device)")
	i=0
	while :; do
		hvv_assert_eq "$*: probe $i: guest queue pairs in use" \
			"$(guest_txqs "$gif")" 2
		[ $i -lt $REBINDS ] || break
		i=$((i + 1))
		hvv_run sh -c "echo $vdev >/sys/bus/virtio/drivers/virtio_net/unbind"
		hvv_run sh -c "echo $vdev >/sys/bus/virtio/drivers/virtio_net/bind"
		gif=$(hvv_net_if_by_mac $MAC $((10 * HVV_SLOW)))
	done
	hvv_net_guest $MAC 10.28.0.2/24
	hvv_run hvv_in_netns "$HVV_NS" ping -c 10 -i 0.2 -W 5 10.28.0.1
	kill "$HVV_NS"
	hvv_run hvisorctl dev del "$id"
	hvv_unload_all
	hvv_log "ok: $*: control queue answered on $((REBINDS + 1)) probes"
}

for mode in remote local direct; do
	run_mode wakeup=$mode
done
run_mode wakeup=none poll_us=200
hvv_dmesg_clean
