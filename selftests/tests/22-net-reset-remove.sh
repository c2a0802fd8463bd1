#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Reset and removal under traffic. The guest driver is unbound (the guest
# resets the device: Status = 0) while root floods it and it sends to
# root: root's interface stays, carrier off; bound again, traffic flows.
# Then the device is removed while transfers run both ways: root's
# interface is gone, nothing hangs or leaks (kmemleak on the debug kernel).
# HVV-NEEDS: ip
# HVV-TIMEOUT: 240
. /hvv/lib.sh

IP=/hvv/bin/ip
MAC=02:00:00:00:22:01

hvv_dmesg_mark
hvv_load_sim
id=$(hvv_dev_add net --mac $MAC --ifname hvrm0 --queues 2)
hvv_run $IP addr add 10.22.0.1/24 dev hvrm0
hvv_run $IP link set hvrm0 up

# Put the guest interface in a fresh namespace; sets vdev, ns.
setup_guest() {
	vdev=$(basename "$(readlink -f /sys/class/net/$(hvv_net_if_by_mac $MAC $((10 * HVV_SLOW)))/device)")
	hvv_net_guest $MAC 10.22.0.2/24
	ns=$HVV_NS
}

setup_guest
hvv_net_flood hvrm0 "$ns" 10.22.0.2 10.22.0.1 5003
hvv_run sh -c "echo $vdev >/sys/bus/virtio/drivers/virtio_net/unbind"
hvv_net_flood_stop
hvv_assert "root interface kept" test -e /sys/class/net/hvrm0
hvv_assert_eq "root carrier after guest reset" \
	"$(cat /sys/class/net/hvrm0/carrier 2>/dev/null || echo 0)" 0
hvv_run hvisorctl dev list
kill "$ns"
hvv_run sh -c "echo $vdev >/sys/bus/virtio/drivers/virtio_net/bind"
setup_guest
hvv_assert_eq "root carrier after rebind" "$(cat /sys/class/net/hvrm0/carrier)" 1

hvv_net_flood hvrm0 "$ns" 10.22.0.2 10.22.0.1 5003
hvv_run hvisorctl dev del "$id"
hvv_net_flood_stop
hvv_assert "root interface gone" test ! -e /sys/class/net/hvrm0
list=$(hvisorctl dev list --json)
hvv_assert_match "no device left" "$list" '^\[ *\]$'
kill "$ns"
hvv_unload_all
hvv_dmesg_clean
