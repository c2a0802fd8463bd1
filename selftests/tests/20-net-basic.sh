#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A guest NIC: the guest's virtio_net interface goes into a network
# namespace, root talks to it over its hvnet interface. Ping both ways,
# a checksummed TCP transfer each way (64 MiB; 8 MiB on the debug
# kernel), link down and up seen by the guest, counters in "ip -s link",
# ethtool stats and "hvisorctl dev list", then removal.
# HVV-NEEDS: ip ethtool
# HVV-TIMEOUT: 240
. /hvv/lib.sh

MAC=02:00:00:00:20:01
MB=64
if [ "$HVV_KERNEL" = debug ]; then
	MB=8
	hvv_log "debug kernel: transfers scaled down to $MB MiB"
fi

hvv_dmesg_mark
hvv_load_sim
id=$(hvv_dev_add net --mac $MAC --ifname hvtest0)
gif=$(hvv_net_if_by_mac $MAC $((10 * HVV_SLOW)))
hvv_log "guest interface: $gif, root interface: hvtest0"
ns=$(hvv_netns_new)
hvv_run ip link set "$gif" netns "$ns"
hvv_run hvv_in_netns "$ns" ip addr add 10.20.0.2/24 dev "$gif"
hvv_run hvv_in_netns "$ns" ip link set "$gif" up
hvv_run hvv_in_netns "$ns" ip link set lo up
hvv_run ip addr add 10.20.0.1/24 dev hvtest0
hvv_run ip link set hvtest0 up

# sysfs shows the mounter's namespace: ask ip in the guest's one.
carrier() {
	case $(hvv_in_netns "$ns" ip -o link show dev "$gif") in
	*LOWER_UP*) echo 1 ;;
	*) echo 0 ;;
	esac
}
wait_carrier() { # wait_carrier 0|1
	_n=$((50 * HVV_SLOW))
	while [ "$(carrier)" != "$1" ]; do
		[ "$_n" -gt 0 ] || hvv_fail "guest carrier is not $1"
		_n=$((_n - 1))
		sleep 0.1
	done
	hvv_log "ok: guest carrier $1"
}
wait_carrier 1

hvv_run ping -c 3 -W 5 10.20.0.2
# Root's offloads follow what the guest negotiated: everything here.
hvv_assert_match "root TSO on" "$(ethtool -k hvtest0)" 'tcp-segmentation-offload: on'
hvv_assert_match "root checksum offload on" "$(ethtool -k hvtest0)" 'tx-checksumming: on'
hvv_run hvv_in_netns "$ns" ping -c 3 -W 5 10.20.0.1

xfer() { # xfer DIR: guest->root or root->guest
	if [ "$1" = guest-root ]; then
		/hvv/bin/net_xfer recv 5001 >/tmp/recv.out &
		rpid=$!
		sent=$(hvv_in_netns "$ns" /hvv/bin/net_xfer send 10.20.0.1 5001 $((MB << 20))) ||
			hvv_fail "send from the guest failed"
	else
		hvv_in_netns "$ns" /hvv/bin/net_xfer recv 5001 >/tmp/recv.out &
		rpid=$!
		sent=$(/hvv/bin/net_xfer send 10.20.0.2 5001 $((MB << 20))) ||
			hvv_fail "send to the guest failed"
	fi
	wait $rpid || hvv_fail "receiver failed"
	hvv_assert_eq "$1: $MB MiB received intact" "$(cat /tmp/recv.out)" "$sent"
}
t0=$(date +%s)
xfer guest-root
xfer root-guest
hvv_log "two transfers took $(($(date +%s) - t0)) s"

hvv_run ip link set hvtest0 down
wait_carrier 0
hvv_run_fails hvv_in_netns "$ns" ping -c 1 -W 1 10.20.0.1
hvv_run ip link set hvtest0 up
wait_carrier 1
hvv_run hvv_in_netns "$ns" ping -c 2 -W 5 10.20.0.1

# iproute2 ip (/hvv/bin), not busybox (which has no -s).
hvv_run /hvv/bin/ip -s link show hvtest0
rx=$(cat /sys/class/net/hvtest0/statistics/rx_packets)
tx=$(cat /sys/class/net/hvtest0/statistics/tx_packets)
[ "$rx" -gt 1000 ] && [ "$tx" -gt 1000 ] ||
	hvv_fail "root interface counters: rx $rx tx $tx packets"
hvv_log "ok: root interface counted rx $rx tx $tx packets"
list=$(hvisorctl dev list)
hvv_log "$list"
hvv_assert_match "dev list names the interface" "$list" 'hvtest0'

hvv_run hvisorctl dev del "$id"
hvv_assert "hvtest0 gone" test ! -e /sys/class/net/hvtest0
kill "$ns"
hvv_unload_all
hvv_dmesg_clean
