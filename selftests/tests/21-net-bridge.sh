#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Two guest NICs (one with two queue pairs), both with MTU 9000, bridged in
# root: the two guest interfaces, each in its own namespace, reach each
# other across the bridge with jumbo frames and a checksummed TCP transfer.
# The guest changes its queue pairs through the control queue (ethtool -L).
# HVV-NEEDS: ip ethtool
# HVV-TIMEOUT: 180
. /hvv/lib.sh

IP=/hvv/bin/ip
MB=32
[ "$HVV_KERNEL" != debug ] || { MB=4; hvv_log "debug kernel: $MB MiB"; }

hvv_dmesg_mark
hvv_load_sim
ida=$(hvv_dev_add net --mac 02:00:00:00:21:0a --ifname hva --mtu 9000 --queues 2)
idb=$(hvv_dev_add net --mac 02:00:00:00:21:0b --mtu 9000)
# No --ifname: the default name, as "hvisorctl dev list" shows it.
hvb=$(hvisorctl dev list | awk -v id="$idb" '$1 == id { print $NF }')
hvv_assert_match "default root name" "$hvb" '^hvnet1\.[0-9]+$'
ga=$(hvv_net_if_by_mac 02:00:00:00:21:0a $((10 * HVV_SLOW)))
gb=$(hvv_net_if_by_mac 02:00:00:00:21:0b $((10 * HVV_SLOW)))
hvv_assert_eq "guest MTU from the device" "$(cat /sys/class/net/"$ga"/mtu)" 9000
hvv_assert "two queue pairs in the guest" test -d /sys/class/net/"$ga"/queues/rx-1
hvv_assert_eq "root MTU" "$(cat /sys/class/net/hva/mtu)" 9000

hvv_run $IP link add br0 type bridge
hvv_run $IP link set br0 mtu 9000
for i in hva "$hvb"; do
	hvv_run $IP link set "$i" master br0
	hvv_run $IP link set "$i" up
done
hvv_run $IP link set br0 up
nsa=$(hvv_netns_new)
nsb=$(hvv_netns_new)
hvv_run $IP link set "$ga" netns "$nsa"
hvv_run $IP link set "$gb" netns "$nsb"
hvv_run hvv_in_netns "$nsa" $IP addr add 10.21.0.1/24 dev "$ga"
hvv_run hvv_in_netns "$nsb" $IP addr add 10.21.0.2/24 dev "$gb"
hvv_run hvv_in_netns "$nsa" $IP link set "$ga" up
hvv_run hvv_in_netns "$nsb" $IP link set "$gb" up

# The bridge learns and forwards once its ports are up (no STP).
n=$((30 * HVV_SLOW))
until hvv_in_netns "$nsa" ping -c 1 -W 1 10.21.0.2 >/dev/null 2>&1; do
	[ "$n" -gt 0 ] || hvv_fail "no ping across the bridge"
	n=$((n - 1))
done
hvv_run hvv_in_netns "$nsa" ping -c 3 -s 8900 -W 5 10.21.0.2
hvv_run hvv_in_netns "$nsb" ping -c 3 -s 8900 -W 5 10.21.0.1

# Control queue: the guest uses both pairs, then one, then both again.
chan=$(hvv_in_netns "$nsa" ethtool -l "$ga")
hvv_log "$chan"
hvv_assert_match "guest uses 2 pairs" "$(echo "$chan" | sed -n '/Current/,$p')" 'Combined:[[:space:]]*2'
hvv_run hvv_in_netns "$nsa" ethtool -L "$ga" combined 1
hvv_assert_match "guest uses 1 pair" \
	"$(hvv_in_netns "$nsa" ethtool -l "$ga" | sed -n '/Current/,$p')" 'Combined:[[:space:]]*1'
hvv_run hvv_in_netns "$nsa" ping -c 2 -W 5 10.21.0.2
hvv_run hvv_in_netns "$nsa" ethtool -L "$ga" combined 2

hvv_in_netns "$nsb" /hvv/bin/net_xfer recv 5002 >/tmp/recv21.out &
rpid=$!
sent=$(hvv_in_netns "$nsa" /hvv/bin/net_xfer send 10.21.0.2 5002 $((MB << 20))) ||
	hvv_fail "send a -> b failed"
wait $rpid || hvv_fail "receiver failed"
hvv_assert_eq "a -> b: $MB MiB intact" "$(cat /tmp/recv21.out)" "$sent"
hvv_run hvisorctl dev list

hvv_run hvisorctl dev del "$ida"
hvv_run hvisorctl dev del "$idb"
hvv_run $IP link del br0
kill "$nsa" "$nsb"
hvv_unload_all
hvv_dmesg_clean
