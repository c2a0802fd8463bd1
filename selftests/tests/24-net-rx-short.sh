#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A guest whose posted receive buffers are too few for root's next packet
# (mergeable buffers, MTU 9000) and that posts no more (its interface is
# down: it takes nothing). The packet waits; the queue's NAPI must then not
# be polled again until something changes: its poll count (ethtool -S
# q0_napi_polls) stays put while nothing else moves, instead of growing
# with a root CPU spinning in softirq. Up again, the guest posts buffers,
# its kick arrives (no lost kick with EVENT_IDX) and the waiting packet is
# delivered; the counters of both sides agree.
# HVV-NEEDS: ip ethtool
# HVV-TIMEOUT: 150
. /hvv/lib.sh

IP=/hvv/bin/ip
MAC=02:00:00:00:24:01
QSIZE=32	# the guest's rings; virtio_net needs 19 entries free to transmit
BIG=8972	# UDP payload of a 9014-byte frame: more than one guest buffer (< 8 KiB)

# stat NAME: root's per-queue counter q0_NAME (ethtool -S).
stat() { ethtool -S hvshort0 | awk -v k="q0_$1:" '$1 == k { print $2 }'; }

# guest_rx: "packets bytes" the guest interface received (/proc/net/dev
# of its namespace); root_tx: "packets bytes" root delivered to it.
guest_rx() {
	hvv_in_netns "$ns" cat /proc/net/dev |
		awk -v i="$gif:" '$1 == i { print $3, $2 }'
}
root_tx() { echo "$(stat tx_packets) $(stat tx_bytes)"; }

# Nothing but the packets below may reach the guest: no IPv6 on either
# side (router solicitations, MLD), a permanent neighbour (no ARP).
no_ipv6() { echo 1 >"/proc/sys/net/ipv6/conf/$1/disable_ipv6" 2>/dev/null || true; }

hvv_dmesg_mark
hvv_load_sim
id=$(hvv_dev_add net --mac $MAC --ifname hvshort0 --mtu 9000 --queue-size $QSIZE)
no_ipv6 hvshort0
gif=$(hvv_net_if_by_mac $MAC $((10 * HVV_SLOW)))
ns=$(hvv_netns_new)
hvv_run $IP link set "$gif" netns "$ns"
hvv_run hvv_in_netns "$ns" sh -c "echo 1 >/proc/sys/net/ipv6/conf/$gif/disable_ipv6 || true"
hvv_run hvv_in_netns "$ns" $IP addr add 10.24.0.2/24 dev "$gif"
hvv_run $IP addr add 10.24.0.1/24 dev hvshort0
hvv_run $IP link set hvshort0 up
hvv_run $IP neigh replace 10.24.0.2 lladdr $MAC dev hvshort0 nud permanent
# Up, the guest fills its rx ring; down, it takes nothing and posts nothing.
hvv_run hvv_in_netns "$ns" $IP link set "$gif" up
hvv_run hvv_in_netns "$ns" $IP link set "$gif" down

# The guest posted QSIZE buffers when it came up; each packet root sent
# it since took one (it refills only once half the ring is used). Small
# packets take one each until one buffer is left, too small for the big
# packet, which waits.
tx0=$(stat tx_packets)
small=$((QSIZE - 1 - tx0))
[ "$small" -gt 0 ] || hvv_fail "root sent $tx0 packets to the guest already"
hvv_run /hvv/bin/net_xfer udp 10.24.0.2 9 $small 100
hvv_run /hvv/bin/net_xfer udp 10.24.0.2 9 1 $BIG
n=$((50 * HVV_SLOW))
until [ "$(stat tx_queued)" = 1 ]; do
	[ "$n" -gt 0 ] || { ethtool -S hvshort0; hvv_fail "the big packet is not waiting"; }
	n=$((n - 1))
	sleep 0.1
done
hvv_assert_eq "packets delivered" "$(stat tx_packets)" $((QSIZE - 1))
hvv_assert_eq "nothing dropped" "$(stat tx_dropped)" 0

# Nothing changes now: the poll count must stop. Two snapshots of every
# counter a second apart must be equal at least once; a spinning poll
# changes q0_napi_polls every time.
tries=10
while :; do
	s1=$(ethtool -S hvshort0)
	sleep 1
	s2=$(ethtool -S hvshort0)
	[ "$s1" != "$s2" ] || break
	[ "$tries" -gt 0 ] || {
		echo "$s1" >/tmp/s1
		echo "$s2" >/tmp/s2
		diff /tmp/s1 /tmp/s2
		hvv_fail "counters never stable: the NAPI poll keeps running"
	}
	tries=$((tries - 1))
done
hvv_log "ok: poll count stays at $(stat napi_polls) while nothing changes"
hvv_assert_eq "the big packet still waits" "$(stat tx_queued)" 1

# Up: the guest takes the small packets and posts buffers; its kick gets
# the big one delivered. Then the guest has received exactly what root
# delivered, packets and bytes.
hvv_run hvv_in_netns "$ns" $IP link set "$gif" up
n=$((50 * HVV_SLOW))
until [ "$(stat tx_queued)" = 0 ] && [ "$(stat tx_packets)" -ge "$QSIZE" ]; do
	[ "$n" -gt 0 ] || { ethtool -S hvshort0; hvv_fail "the waiting packet was not delivered"; }
	n=$((n - 1))
	sleep 0.1
done
hvv_log "ok: the waiting packet was delivered once the guest posted buffers"
n=$((50 * HVV_SLOW))
until [ "$(guest_rx)" = "$(root_tx)" ]; do
	[ "$n" -gt 0 ] || hvv_fail "guest received $(guest_rx), root delivered $(root_tx) (packets bytes)"
	n=$((n - 1))
	sleep 0.1
done
hvv_log "ok: guest received what root delivered: $(root_tx) (packets bytes)"
hvv_run hvv_in_netns "$ns" ping -c 2 -W 5 10.24.0.1

hvv_run hvisorctl dev del "$id"
kill "$ns"
hvv_unload_all
hvv_dmesg_clean
