#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Offload switches and overload. NICs with --no-csum --no-mrg-rxbuf, with
# --no-mrg-rxbuf only (TSO into big receive buffers) and with --no-tso: the
# guest negotiates accordingly, root's offloads follow, and transfers
# pass both ways with matching SHA-256. Then, with the guest interface
# down (it takes no packets), a flood from root is dropped and counted
# with bounded queueing (ethtool -S per queue); back up, the waiting
# packets are delivered and the guest's counters match root's.
# HVV-NEEDS: ip ethtool
# HVV-TIMEOUT: 240
. /hvv/lib.sh

IP=/hvv/bin/ip
MB=16
[ "$HVV_KERNEL" != debug ] || { MB=4; hvv_log "debug kernel: $MB MiB"; }

# offload IF NAME STATE: wait until ethtool -k shows "NAME: STATE".
offload() {
	_n=$((50 * HVV_SLOW))
	until ethtool -k "$1" | grep -q "^$2: $3"; do
		[ "$_n" -gt 0 ] || { ethtool -k "$1"; hvv_fail "$1: $2 is not $3"; }
		_n=$((_n - 1))
		sleep 0.1
	done
	hvv_log "ok: $1: $2 $3"
}

# feature_bit VIRTIO_DEV BIT: 1 when the guest accepted feature BIT.
feature_bit() { cut -c $(($2 + 1)) "/sys/bus/virtio/devices/$1/features"; }

# up_guest MAC IFNAME N: guest 10.23.N.2 in a namespace, root 10.23.N.1.
up_guest() {
	gif=$(hvv_net_if_by_mac "$1" $((10 * HVV_SLOW)))
	vdev=$(basename "$(readlink -f /sys/class/net/$gif/device)")
	ns=$(hvv_netns_new)
	hvv_run $IP link set "$gif" netns "$ns"
	hvv_run hvv_in_netns "$ns" $IP addr add 10.23.$3.2/24 dev "$gif"
	hvv_run hvv_in_netns "$ns" $IP link set "$gif" up
	hvv_run $IP addr add 10.23.$3.1/24 dev "$2"
	hvv_run $IP link set "$2" up
	_n=$((30 * HVV_SLOW))
	until ping -c 1 -W 1 10.23.$3.2 >/dev/null 2>&1; do
		[ "$_n" -gt 0 ] || hvv_fail "guest 10.23.$3.2 unreachable"
		_n=$((_n - 1))
	done
}

xfer_both() { # xfer_both N
	hvv_in_netns "$ns" /hvv/bin/net_xfer recv 5005 >/tmp/r23.out &
	_r=$!
	_s=$(/hvv/bin/net_xfer send 10.23.$1.2 5005 $((MB << 20))) || hvv_fail "send failed"
	wait $_r
	hvv_assert_eq "root -> guest $MB MiB" "$(cat /tmp/r23.out)" "$_s"
	/hvv/bin/net_xfer recv 5006 >/tmp/r23.out &
	_r=$!
	_s=$(hvv_in_netns "$ns" /hvv/bin/net_xfer send 10.23.$1.1 5006 $((MB << 20))) ||
		hvv_fail "send failed"
	wait $_r
	hvv_assert_eq "guest -> root $MB MiB" "$(cat /tmp/r23.out)" "$_s"
}

hvv_dmesg_mark
hvv_load_sim

# VIRTIO_NET_F_CSUM 0, GUEST_CSUM 1, GUEST_TSO4 7, HOST_TSO4 11, MRG_RXBUF 15
id1=$(hvv_dev_add net --mac 02:00:00:00:23:01 --ifname hvoff1 --no-csum --no-mrg-rxbuf)
up_guest 02:00:00:00:23:01 hvoff1 1
hvv_assert_eq "--no-csum: CSUM" "$(feature_bit $vdev 0)" 0
hvv_assert_eq "--no-csum: GUEST_TSO4" "$(feature_bit $vdev 7)" 0
hvv_assert_eq "--no-mrg-rxbuf: MRG_RXBUF" "$(feature_bit $vdev 15)" 0
offload hvoff1 tx-checksumming off
offload hvoff1 tcp-segmentation-offload off
xfer_both 1
hvv_run hvisorctl dev del "$id1"
kill "$ns"

# TSO without mergeable buffers: the guest posts big (64 KiB) buffers.
id3=$(hvv_dev_add net --mac 02:00:00:00:23:03 --ifname hvoff3 --no-mrg-rxbuf)
up_guest 02:00:00:00:23:03 hvoff3 3
hvv_assert_eq "--no-mrg-rxbuf: GUEST_TSO4" "$(feature_bit $vdev 7)" 1
hvv_assert_eq "--no-mrg-rxbuf: MRG_RXBUF" "$(feature_bit $vdev 15)" 0
offload hvoff3 tcp-segmentation-offload on
xfer_both 3
hvv_run hvisorctl dev del "$id3"
kill "$ns"

id2=$(hvv_dev_add net --mac 02:00:00:00:23:02 --ifname hvoff2 --no-tso)
up_guest 02:00:00:00:23:02 hvoff2 2
hvv_assert_eq "--no-tso: CSUM" "$(feature_bit $vdev 0)" 1
hvv_assert_eq "--no-tso: HOST_TSO4" "$(feature_bit $vdev 11)" 0
hvv_assert_eq "--no-tso: MRG_RXBUF" "$(feature_bit $vdev 15)" 1
offload hvoff2 tx-checksumming on
offload hvoff2 tcp-segmentation-offload off
xfer_both 2

# Overload: the guest stops taking packets; root floods it with more
# than the guest's ring (256 buffers) and the queue (HVNET_RXQ_LIMIT,
# 256) hold: some must be dropped and counted, whatever the speed; at
# most 256 wait.
hvv_run hvv_in_netns "$ns" $IP link set "$gif" down
hvv_run $IP neigh replace 10.23.2.2 lladdr 02:00:00:00:23:02 dev hvoff2
hvv_run /hvv/bin/net_xfer udp 10.23.2.2 9 3000 1000
stats=$(ethtool -S hvoff2)
hvv_log "$stats"
qstat() { echo "$stats" | awk -v k="q0_$1:" '$1 == k { print $2 }'; }
drop=$(qstat tx_dropped)
[ "$drop" -gt 0 ] || hvv_fail "no drop counted with the guest not taking packets"
hvv_log "ok: $drop packets dropped and counted"
queued=$(qstat tx_queued)
[ "$queued" -le 256 ] || hvv_fail "$queued packets queued for the guest"
hvv_log "ok: $queued packets held for the guest (bounded)"
hvv_assert "ip -s link counts the drops" \
	test "$(cat /sys/class/net/hvoff2/statistics/tx_dropped)" -ge "$drop"
hvv_run hvv_in_netns "$ns" $IP link set "$gif" up
hvv_run hvv_in_netns "$ns" ping -c 2 -W 5 10.23.2.1
# Once the guest has caught up, nothing waits and the guest received
# every packet root put in its buffers, no more: packets and bytes.
guest_rx() {
	hvv_in_netns "$ns" cat /proc/net/dev |
		awk -v i="$gif:" '$1 == i { print $3, $2 }'
}
# root_tx: "packets bytes queued" for the guest, from ethtool -S.
root_tx() {
	ethtool -S hvoff2 | awk '{ v[$1] = $2 } END { print v["q0_tx_packets:"],
		v["q0_tx_bytes:"], v["q0_tx_queued:"] }'
}
n=$((50 * HVV_SLOW))
until [ "$(guest_rx) 0" = "$(root_tx)" ]; do
	[ "$n" -gt 0 ] || hvv_fail "guest rx $(guest_rx), root tx/queued $(root_tx)"
	n=$((n - 1))
	sleep 0.2
done
hvv_log "ok: nothing waits; guest received what root delivered: $(guest_rx) (packets bytes)"
hvv_run hvisorctl dev list
hvv_run hvisorctl dev del "$id2"
kill "$ns"
hvv_unload_all
hvv_dmesg_clean
