#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Tap mode: guest NICs attached to existing tap interfaces (hvisorctl dev
# add net --tap, and a "tap" entry of hvisor-tool's virtio_cfg.json).
#
# The tap (ip tuntap add ... mode tap) is bridged with a veth whose peer
# is in a namespace (10.25.0.1); the guest's virtio_net interface is in
# another one (10.25.0.2). Checked: "dev list" names the tap; pings and
# a TCP transfer each way whose SHA-256 must match; the offloads the
# guest negotiated, in the guest (ethtool -k) and on the tap, which the
# module sets (TUNSETOFFLOAD): off after a guest reset, on again after
# it; traffic after the reset; bad requests (missing tap, a tun, a file
# that is not a tap, a closed descriptor, an unattached tun file, a tap
# in use, too many queue pairs for a single-queue tap), each with its
# message; removal while traffic flows both ways; a two-pair device on a
# multi_queue tap; "hvisorctl config load" of a virtio_cfg.json in
# hvisor-tool's format with a net entry; a zone shutdown and restart with
# the tap attached; module unload with the tap attached. After every
# removal and the unload the tap can be attached again: a tap without
# multi_queue takes one file only, so a file reference the module kept
# would make that fail ("in use"). kmemleak checks the rest (debug).
# HVV-NEEDS: ip ethtool
# HVV-TIMEOUT: 400
. /hvv/lib.sh

IP=/hvv/bin/ip
MAC=02:00:00:00:25:01
MB=16
[ "$HVV_KERNEL" != debug ] || { MB=4; hvv_log "debug kernel: $MB MiB"; }
BIG=$((1 << 30))	# more than a transfer moves before we interrupt it

hvv_dmesg_mark
hvv_load_sim

hvv_run $IP tuntap add hvtap0 mode tap
hvv_run $IP link add br25 type bridge
hvv_run $IP link add v25a type veth peer name v25b
hvv_run $IP link set hvtap0 master br25
hvv_run $IP link set v25a master br25
for i in hvtap0 v25a br25; do hvv_run $IP link set "$i" up; done
nsr=$(hvv_netns_new)	# the root-side peer
hvv_run $IP link set v25b netns "$nsr"
hvv_run hvv_in_netns "$nsr" $IP addr add 10.25.0.1/24 dev v25b
hvv_run hvv_in_netns "$nsr" $IP link set v25b up

# The guest interface with MAC $1 into a fresh namespace as 10.25.0.2;
# sets gif, vdev, ns; waits until the peer reaches it across the bridge.
setup_guest() {
	gif=$(hvv_net_if_by_mac "$1" $((10 * HVV_SLOW)))
	vdev=$(basename "$(readlink -f /sys/class/net/$gif/device)")
	ns=$(hvv_netns_new)
	hvv_run $IP link set "$gif" netns "$ns"
	hvv_run hvv_in_netns "$ns" $IP addr add 10.25.0.2/24 dev "$gif"
	hvv_run hvv_in_netns "$ns" $IP link set "$gif" up
	# The peer knew 10.25.0.2 at an earlier guest's MAC.
	hvv_run hvv_in_netns "$nsr" $IP neigh flush all
	_n=$((30 * HVV_SLOW))
	until hvv_in_netns "$nsr" ping -c 1 -W 1 10.25.0.2 >/dev/null 2>&1; do
		if [ "$_n" -le 0 ]; then
			hvv_in_netns "$nsr" $IP neigh show
			hvv_in_netns "$ns" $IP -s link show "$gif"
			$IP -s link show
			hvisorctl dev list --json
			hvv_fail "guest unreachable through the tap"
		fi
		_n=$((_n - 1))
	done
	hvv_log "ok: guest $gif ($vdev) reachable through the tap"
}

# offload NS IF NAME STATE: wait until ethtool -k IF (in NS, empty: root)
# shows "NAME: STATE".
offload() {
	_n=$((50 * HVV_SLOW))
	until { if [ -n "$1" ]; then hvv_in_netns "$1" ethtool -k "$2"; else ethtool -k "$2"; fi; } |
		grep -q "^$3: $4"; do
		[ "$_n" -gt 0 ] || hvv_fail "$2: $3 is not $4"
		_n=$((_n - 1))
		sleep 0.1
	done
	hvv_log "ok: $2: $3 $4"
}

xfer() { # xfer FROM_NS TO_NS TO_IP PORT
	hvv_in_netns "$2" /hvv/bin/net_xfer recv "$4" >/tmp/r25.out &
	_r=$!
	_s=$(hvv_in_netns "$1" /hvv/bin/net_xfer send "$3" "$4" $((MB << 20))) ||
		hvv_fail "send to $3 failed"
	wait $_r || hvv_fail "receiver failed"
	hvv_assert_eq "$MB MiB to $3 intact (bytes, SHA-256)" "$(cat /tmp/r25.out)" "$_s"
}

# tap_bytes rx|tx: the tap's byte counter (root's side of the tap).
tap_bytes() { cat /sys/class/net/hvtap0/statistics/"$1"_bytes; }

# Transfers both ways and a ping flood; returns once 1 MiB more went each
# way through the tap. Sets pids.
traffic() {
	_rx=$(tap_bytes rx)
	_tx=$(tap_bytes tx)
	hvv_in_netns "$ns" /hvv/bin/net_xfer recv 5013 >/dev/null 2>&1 &
	pids="$!"
	hvv_in_netns "$nsr" /hvv/bin/net_xfer recv 5014 >/dev/null 2>&1 &
	pids="$pids $!"
	hvv_in_netns "$nsr" /hvv/bin/net_xfer send 10.25.0.2 5013 $BIG >/dev/null 2>&1 &
	pids="$pids $!"
	hvv_in_netns "$ns" /hvv/bin/net_xfer send 10.25.0.1 5014 $BIG >/dev/null 2>&1 &
	pids="$pids $!"
	hvv_in_netns "$nsr" ping -f -c 100000 10.25.0.2 >/dev/null 2>&1 &
	pids="$pids $!"
	_n=$((300 * HVV_SLOW))
	until [ $(($(tap_bytes rx) - _rx)) -ge 1048576 ] &&
		[ $(($(tap_bytes tx) - _tx)) -ge 1048576 ]; do
		[ "$_n" -gt 0 ] || hvv_fail "no traffic through the tap"
		_n=$((_n - 1))
		sleep 0.1
	done
	hvv_log "ok: traffic flows both ways through the tap"
}
stop_traffic() {
	kill $pids 2>/dev/null
	for p in $pids; do wait "$p" 2>/dev/null; done
}

# tap_free: the tap takes a file again (no file kept by a removed device;
# a file's last reference may be dropped by a work item: wait for it).
tap_free() {
	_n=$((50 * HVV_SLOW))
	until _id=$(hvisorctl dev add net --tap hvtap0 -q 2>/tmp/e25); do
		[ "$_n" -gt 0 ] || hvv_fail "tap still attached: $(cat /tmp/e25)"
		_n=$((_n - 1))
		sleep 0.1
	done
	hvv_run hvisorctl dev del "$_id"
	hvv_log "ok: the tap was free again"
}

# must_fail ERE ARGS...: "hvisorctl dev add net ARGS" fails saying ERE.
must_fail() {
	_re=$1
	shift
	if _o=$(hvisorctl dev add net "$@" 2>&1); then
		hvv_fail "dev add net $* succeeded: $_o"
	fi
	hvv_assert_match "dev add net $*" "$_o" "$_re"
}

# ---- A guest NIC on the tap ----
hvv_assert_match "tap without carrier before" "$($IP link show hvtap0)" 'NO-CARRIER'
id=$(hvv_dev_add net --tap hvtap0 --mac $MAC)
list=$(hvisorctl dev list)
hvv_log "$list"
hvv_assert_match "dev list names the tap" "$list" "^ *$id .*hvtap0"
setup_guest $MAC
hvv_run hvv_in_netns "$ns" ping -c 3 -W 5 10.25.0.1
hvv_run hvv_in_netns "$nsr" ping -c 3 -s 1400 -W 5 10.25.0.2
offload "$ns" "$gif" tcp-segmentation-offload on
offload "$ns" "$gif" tx-checksumming on
offload "" hvtap0 tcp-segmentation-offload on
offload "" hvtap0 tx-checksumming on
xfer "$nsr" "$ns" 10.25.0.2 5011
xfer "$ns" "$nsr" 10.25.0.1 5012
json=$(hvisorctl dev list --json)
hvv_assert_match "packets counted" "$json" '"requests": [1-9]'
hvv_assert_match "no errors" "$json" '"errors": 0'

# Guest reset under traffic: the tap's offloads go, and come back.
traffic
hvv_run sh -c "echo $vdev >/sys/bus/virtio/drivers/virtio_net/unbind"
stop_traffic
offload "" hvtap0 tcp-segmentation-offload off
kill "$ns"
hvv_run sh -c "echo $vdev >/sys/bus/virtio/drivers/virtio_net/bind"
setup_guest $MAC
offload "" hvtap0 tcp-segmentation-offload on
xfer "$ns" "$nsr" 10.25.0.1 5015

# ---- Bad requests, while the tap is in use ----
hvv_run $IP tuntap add hvtun0 mode tun
must_fail 'tap hvtap0: in use' --tap hvtap0
must_fail 'no such network interface' --tap nosuch25
must_fail 'tap hvtun0: not a tap interface' --tap hvtun0
must_fail 'need a multi-queue tap' --tap hvtap0 --queues 2
# Descriptors handed in: the kernel's checks.
must_fail 'not /dev/net/tun' --tap hvtap0 --tap-fd 5 5</proc/version
must_fail 'not open' --tap hvtap0 --tap-fd 9
must_fail 'not attached to an interface' --tap hvtap0 --tap-fd 5 5<>/dev/net/tun
must_fail 'no such tap interface' --tap nosuch25 --tap-fd 5 5<>/dev/net/tun
must_fail 'not a tap interface' --tap lo --tap-fd 5 5<>/dev/net/tun
hvv_run $IP link del hvtun0

# ---- Removal while traffic flows ----
traffic
hvv_run hvisorctl dev del "$id"
stop_traffic
list=$(hvisorctl dev list --json)
hvv_assert_match "no device left" "$list" '^\[ *\]$'
hvv_assert "the tap stays" test -e /sys/class/net/hvtap0
kill "$ns"
tap_free

# ---- Two queue pairs on a multi_queue tap ----
hvv_run $IP tuntap add hvmq0 mode tap multi_queue
hvv_run $IP link set hvmq0 master br25
hvv_run $IP link set hvmq0 up
id=$(hvv_dev_add net --tap hvmq0 --queues 2 --mac 02:00:00:00:25:02)
setup_guest 02:00:00:00:25:02
hvv_assert_match "the guest uses two queue pairs" \
	"$(hvv_in_netns "$ns" ethtool -l "$gif" | sed -n '/Current/,$p')" 'Combined:[[:space:]]*2'
xfer "$nsr" "$ns" 10.25.0.2 5018
xfer "$ns" "$nsr" 10.25.0.1 5019
kill "$ns"
hvv_run hvisorctl dev del "$id"
hvv_run $IP link del hvmq0

# ---- hvisorctl config load (hvisor-tool's virtio_cfg.json format) ----
cat >/tmp/virtio_cfg.json <<EOF
{
    "zones": [
        {
            "id": 1,
            "devices": [
                {
                    "type": "net",
                    "addr": "0xa003600",
                    "len": "0x200",
                    "irq": 75,
                    "tap": "hvtap0",
                    "mac": ["0x02", "0x16", "0x3e", "0x10", "0x10", "0x10"],
                    "status": "enable"
                },
                {
                    "type": "console",
                    "addr": "0xa003800",
                    "len": "0x200",
                    "irq": 76,
                    "status": "enable"
                }
            ]
        }
    ]
}
EOF
out=$(hvisorctl config load --dry-run /tmp/virtio_cfg.json) || hvv_fail "dry run: $out"
hvv_assert_match "dry run" "$out" 'would add net at 0xa003600 irq 75, hvtap0'
out=$(hvisorctl config load /tmp/virtio_cfg.json) || hvv_fail "config load: $out"
hvv_log "$out"
hvv_assert_match "config load added the net entry" "$out" 'net in zone 1 at 0xa003600 irq 75 \(hvtap0\)'
hvv_assert_match "nothing skipped" "$out" '2 device\(s\) added, 0 skipped'
setup_guest 02:16:3e:10:10:10
xfer "$nsr" "$ns" 10.25.0.2 5016
kill "$ns"

# ---- Module unload with the tap attached (and its guest up) ----
hvv_unload_all
hvv_load_sim
tap_free

# ---- Zone shutdown and restart with the tap attached ----
zones=/sys/kernel/debug/hvisor_vhost_sim/zones
base=$(sed -n 's/^mem_base *//p' $zones)
hvv_run hsm_tool start 4 tapzone "$base" 0x400000
id=$(hvv_dev_add net --zone 4 --tap hvtap0 --mac 02:00:00:00:25:04)
setup_guest 02:00:00:00:25:04
traffic
hvv_run hsm_tool shutdown 4
stop_traffic
kill "$ns"
offload "" hvtap0 tcp-segmentation-offload off
hvv_run hsm_tool start 4 tapzone "$base" 0x400000
setup_guest 02:00:00:00:25:04
xfer "$ns" "$nsr" 10.25.0.1 5017
kill "$ns"
hvv_run hsm_tool shutdown 4
hvv_run hvisorctl dev del "$id"
tap_free

kill "$nsr"
hvv_run $IP link del br25
hvv_run $IP link del hvtap0
hvv_unload_all
hvv_dmesg_clean
