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
BIG=$((1 << 30))	# more than a transfer moves before we interrupt it

hvv_dmesg_mark
hvv_load_sim
id=$(hvv_dev_add net --mac $MAC --ifname hvrm0 --queues 2)
hvv_run $IP addr add 10.22.0.1/24 dev hvrm0
hvv_run $IP link set hvrm0 up

# Put the guest interface in a fresh namespace; sets gif, vdev, ns.
setup_guest() {
	gif=$(hvv_net_if_by_mac $MAC $((10 * HVV_SLOW)))
	vdev=$(basename "$(readlink -f /sys/class/net/$gif/device)")
	ns=$(hvv_netns_new)
	hvv_run $IP link set "$gif" netns "$ns"
	hvv_run hvv_in_netns "$ns" $IP addr add 10.22.0.2/24 dev "$gif"
	hvv_run hvv_in_netns "$ns" $IP link set "$gif" up
	_n=$((30 * HVV_SLOW))
	until ping -c 1 -W 1 10.22.0.2 >/dev/null 2>&1; do
		[ "$_n" -gt 0 ] || hvv_fail "guest unreachable"
		_n=$((_n - 1))
	done
	hvv_log "ok: guest $gif ($vdev) reachable"
}

# bytes DIR: root's rx or tx byte counter of hvrm0.
bytes() { cat /sys/class/net/hvrm0/statistics/"$1"_bytes; }

# Transfers both ways plus a ping flood from root; sets pids. Returns once
# data flows both ways (1 MiB more each way than before: more than pings
# and handshakes), so that what follows happens under traffic.
traffic() {
	_rx=$(bytes rx)
	_tx=$(bytes tx)
	hvv_in_netns "$ns" /hvv/bin/net_xfer recv 5003 >/dev/null 2>&1 &
	pids="$!"
	/hvv/bin/net_xfer recv 5004 >/dev/null 2>&1 &
	pids="$pids $!"
	/hvv/bin/net_xfer send 10.22.0.2 5003 $BIG >/dev/null 2>&1 &
	pids="$pids $!"
	hvv_in_netns "$ns" /hvv/bin/net_xfer send 10.22.0.1 5004 $BIG >/dev/null 2>&1 &
	pids="$pids $!"
	ping -f -c 100000 10.22.0.2 >/dev/null 2>&1 &
	pids="$pids $!"
	_n=$((300 * HVV_SLOW))
	until [ $(($(bytes rx) - _rx)) -ge 1048576 ] && [ $(($(bytes tx) - _tx)) -ge 1048576 ]; do
		[ "$_n" -gt 0 ] || hvv_fail "no traffic: rx $(($(bytes rx) - _rx)) tx $(($(bytes tx) - _tx)) bytes"
		_n=$((_n - 1))
		sleep 0.1
	done
	hvv_log "ok: traffic flows both ways"
}
stop_traffic() {
	kill $pids 2>/dev/null
	for p in $pids; do wait "$p" 2>/dev/null; done
}

setup_guest
traffic
hvv_run sh -c "echo $vdev >/sys/bus/virtio/drivers/virtio_net/unbind"
stop_traffic
hvv_assert "root interface kept" test -e /sys/class/net/hvrm0
hvv_assert_eq "root carrier after guest reset" \
	"$(cat /sys/class/net/hvrm0/carrier 2>/dev/null || echo 0)" 0
hvv_run hvisorctl dev list
kill "$ns"
hvv_run sh -c "echo $vdev >/sys/bus/virtio/drivers/virtio_net/bind"
setup_guest
hvv_assert_eq "root carrier after rebind" "$(cat /sys/class/net/hvrm0/carrier)" 1

traffic
hvv_run hvisorctl dev del "$id"
stop_traffic
hvv_assert "root interface gone" test ! -e /sys/class/net/hvrm0
list=$(hvisorctl dev list --json)
hvv_assert_match "no device left" "$list" '^\[ *\]$'
kill "$ns"
hvv_unload_all
hvv_dmesg_clean
