#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A zone's NIC across its shutdown and restart: traffic flows both ways
# and root floods the guest when ZONE_SHUTDOWN comes; root's interface
# stays (carrier off), the device is kept and reset, nothing hangs or
# leaks; after ZONE_START the guest's virtio_net probes it again and
# traffic flows.
# HVV-NEEDS: ip
# HVV-TIMEOUT: 240
. /hvv/lib.sh

IP=/hvv/bin/ip
MAC=02:00:00:00:45:01
BIG=$((1 << 30))	# more than a transfer moves before we interrupt it

hvv_dmesg_mark
hvv_load_sim
zones=/sys/kernel/debug/hvisor_vhost_sim/zones
base=$(sed -n 's/^mem_base *//p' $zones)
hvv_run hsm_tool start 4 netzone "$base" 0x400000
id=$(hvv_dev_add net --zone 4 --mac $MAC --ifname hvz4 --queues 2)
hvv_run $IP addr add 10.45.0.1/24 dev hvz4
hvv_run $IP link set hvz4 up

# Put the guest interface in a fresh namespace; sets gif, ns.
setup_guest() {
	hvv_net_guest $MAC 10.45.0.2/24
	gif=$HVV_GIF ns=$HVV_NS
}

traffic() {
	hvv_in_netns "$ns" /hvv/bin/net_xfer recv 5003 >/dev/null 2>&1 &
	pids="$!"
	/hvv/bin/net_xfer recv 5004 >/dev/null 2>&1 &
	pids="$pids $!"
	/hvv/bin/net_xfer send 10.45.0.2 5003 $BIG >/dev/null 2>&1 &
	pids="$pids $!"
	hvv_in_netns "$ns" /hvv/bin/net_xfer send 10.45.0.1 5004 $BIG >/dev/null 2>&1 &
	pids="$pids $!"
	ping -f -c 100000 10.45.0.2 >/dev/null 2>&1 &
	pids="$pids $!"
	sleep 3
}
stop_traffic() {
	kill $pids 2>/dev/null
	for p in $pids; do wait "$p" 2>/dev/null; done
}

setup_guest
rx0=$(cat /sys/class/net/hvz4/statistics/rx_packets)
traffic
hvv_run hsm_tool shutdown 4
stop_traffic
hvv_assert "traffic flowed before the shutdown" \
	test "$(cat /sys/class/net/hvz4/statistics/rx_packets)" -gt "$rx0"
hvv_assert "the guest lost its NIC" sh -c "! nsenter -t $ns -n $IP link show $gif >/dev/null 2>&1"
hvv_assert "root interface kept" test -e /sys/class/net/hvz4
hvv_assert_eq "root carrier with the zone down" \
	"$(cat /sys/class/net/hvz4/carrier 2>/dev/null || echo 0)" 0
json=$(hvisorctl dev list --json)
hvv_assert_match "device kept" "$json" '"zone_name": "netzone"'
hvv_assert_match "nothing in flight" "$json" '"in_flight": 0'
kill "$ns"

hvv_run hsm_tool start 4 netzone "$base" 0x400000
setup_guest
hvv_assert_eq "root carrier after the restart" "$(cat /sys/class/net/hvz4/carrier)" 1
kill "$ns"

hvv_run hsm_tool shutdown 4
hvv_run hvisorctl dev del "$id"
hvv_unload_all
hvv_dmesg_clean
