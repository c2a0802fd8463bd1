#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A guest NIC with two queue pairs: the guest's virtio_net interface goes
# into a network namespace, root talks to it over its hvnet interface.
# Ping both ways, a TCP transfer each way (64 MiB; 8 MiB on the debug
# kernel) whose SHA-256 must match on both ends, link down and up seen by
# the guest, then every counter checked against the others: root's
# per-queue counters (ethtool -S) against its interface totals (ip -s
# link) and "hvisorctl dev list", and against the guest's interface,
# packet for packet and byte for byte. Then removal.
#
# Packet counts are not compared with any fixed number: each side counts
# virtio packets (one per descriptor chain), and with TSO/GSO both ways a
# packet carries up to 64 KiB, sized by TCP (cwnd, pacing: the speed of
# the machine), while the ACKs follow the receiver's GRO. A transfer of N
# bytes takes anywhere from N / 64 KiB packets up.
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
id=$(hvv_dev_add net --mac $MAC --ifname hvtest0 --queues 2)
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

# net_xfer's digest is SHA-256: the same as sha256sum's.
head -c 100000 /dev/urandom >/tmp/sum.in
hvv_assert_eq "net_xfer sum = sha256sum" \
	"$(/hvv/bin/net_xfer sum </tmp/sum.in | cut -d' ' -f2)" \
	"$(sha256sum /tmp/sum.in | cut -d' ' -f1)"

hvv_run ping -c 3 -W 5 10.20.0.2
# Root's offloads follow what the guest negotiated: everything here.
hvv_assert_match "root TSO on" "$(ethtool -k hvtest0)" 'tcp-segmentation-offload: on'
hvv_assert_match "root checksum offload on" "$(ethtool -k hvtest0)" 'tx-checksumming: on'
hvv_run hvv_in_netns "$ns" ping -c 3 -W 5 10.20.0.1

# netdev [NS] IF: "rx_bytes rx_packets rx_errs rx_drop tx_bytes tx_packets
# tx_drop" of IF from /proc/net/dev of namespace NS (empty: root's).
netdev() {
	if [ -n "$1" ]; then hvv_in_netns "$1" cat /proc/net/dev; else cat /proc/net/dev; fi |
		awk -v i="$2:" '$1 == i { print $2, $3, $4, $5, $10, $11, $13 }'
}

# qsums: root's per-queue counters (ethtool -S qN_*) summed over queues.
qsums() {
	ethtool -S hvtest0 | awk '{ k = $1; if (sub(/^q[0-9]+_/, "", k)) s[k] += $2 }
		END { print s["rx_packets:"] + 0, s["rx_bytes:"] + 0,
			s["rx_dropped:"] + 0, s["rx_errors:"] + 0, s["tx_packets:"] + 0,
			s["tx_bytes:"] + 0, s["tx_dropped:"] + 0 }'
}

# devlist: "requests bytes_in bytes_out errors dropped" of the one device.
devlist() {
	hvisorctl dev list --json | awk -F: '{ gsub(/[ ",]/, "") }
		$1 ~ /^(requests|bytes_in|bytes_out|errors|dropped)$/ { v[$1] = $2 }
		END { print v["requests"], v["bytes_in"], v["bytes_out"],
			v["errors"], v["dropped"] }'
}

# A frame root dropped is one the guest sent: at most 64 KiB plus a VLAN
# Ethernet header (HVNET_MAX_FRAME).
MAX_FRAME=$((65535 + 18))

# counters_agree: one snapshot of every counter; true when they agree,
# else sets why to the first relation that does not hold. The four
# sources are read one after the other, so a packet in flight can make a
# snapshot disagree: check_counters takes another.
counters_agree() {
	read -r q_rxp q_rxb q_rxd q_rxe q_txp q_txb q_txd <<EOF
$(qsums)
EOF
	read -r r_rxb r_rxp r_rxe r_rxd r_txb r_txp r_txd <<EOF
$(netdev "" hvtest0)
EOF
	read -r g_rxb g_rxp g_rxe g_rxd g_txb g_txp g_txd <<EOF
$(netdev "$ns" "$gif")
EOF
	read -r d_req d_in d_out d_err d_drop <<EOF
$(devlist)
EOF
	drop=$((q_rxd + q_rxe))
	why=
	# Root's interface totals are the sums of its queues (the stack may
	# add drops of its own, never packets, bytes or errors).
	if [ "$r_rxp $r_rxb $r_rxe $r_txp $r_txb" != "$q_rxp $q_rxb $q_rxe $q_txp $q_txb" ]; then
		why="ip -s link rx $r_rxp/$r_rxb/$r_rxe tx $r_txp/$r_txb != queue sums rx $q_rxp/$q_rxb/$q_rxe tx $q_txp/$q_txb"
	elif [ "$r_rxd" -lt "$q_rxd" ] || [ "$r_txd" -lt "$q_txd" ]; then
		why="ip -s link drops rx $r_rxd tx $r_txd < queue sums rx $q_rxd tx $q_txd"
	# hvisorctl: packets both ways; bytes in = to the guest, out = from it.
	elif [ "$d_req $d_in $d_out $d_err $d_drop" != \
		"$((q_rxp + q_txp)) $q_txb $q_rxb $q_rxe $((q_rxd + q_rxe + q_txd))" ]; then
		why="dev list requests/in/out/errors/dropped $d_req/$d_in/$d_out/$d_err/$d_drop != queue sums"
	# Guest -> root: each packet the guest sent (and saw completed) root
	# took, dropped or refused; only taken ones count bytes.
	elif [ "$g_txp" != $((q_rxp + drop)) ]; then
		why="guest tx $g_txp packets != root rx $q_rxp + dropped $drop"
	elif [ "$g_txb" -lt "$q_rxb" ] || [ $((g_txb - q_rxb)) -gt $((drop * MAX_FRAME)) ]; then
		why="guest tx $g_txb bytes, root rx $q_rxb: differ by more than $drop dropped frames"
	# Root -> guest: what root put in guest buffers the guest received;
	# both count frames without the virtio header.
	elif [ "$g_rxp $g_rxb" != "$q_txp $q_txb" ]; then
		why="guest rx $g_rxp packets $g_rxb bytes != root tx $q_txp packets $q_txb bytes"
	fi
	[ -z "$why" ]
}

# check_counters: the counters must agree once the traffic has settled
# (the guest reaps completions and receives what root delivered).
check_counters() {
	_n=$((50 * HVV_SLOW))
	until counters_agree; do
		[ "$_n" -gt 0 ] || hvv_fail "counters disagree: $why"
		_n=$((_n - 1))
		sleep 0.2
	done
	hvv_log "ok: counters agree: root rx $q_rxp packets $q_rxb bytes ($drop dropped), tx $q_txp packets $q_txb bytes; guest tx $g_txp/$g_txb rx $g_rxp/$g_rxb; dev list $d_req requests"
}

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
	hvv_assert_eq "$1: $MB MiB received intact (bytes, SHA-256)" "$(cat /tmp/recv.out)" "$sent"
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
hvv_run ethtool -S hvtest0
list=$(hvisorctl dev list)
hvv_log "$list"
hvv_assert_match "dev list names the interface" "$list" 'hvtest0'
check_counters
# Each transfer crossed the device: every payload byte was in a counted
# frame, and no frame holds more than MAX_FRAME bytes.
payload=$((MB << 20))
[ "$q_rxb" -ge "$payload" ] && [ "$q_txb" -ge "$payload" ] ||
	hvv_fail "rx $q_rxb / tx $q_txb bytes counted for $payload bytes each way"
[ "$q_rxp" -ge $((payload / MAX_FRAME)) ] && [ "$q_txp" -ge $((payload / MAX_FRAME)) ] ||
	hvv_fail "rx $q_rxp / tx $q_txp packets cannot carry $payload bytes each way"
hvv_log "ok: at least the $payload payload bytes counted each way"

hvv_run hvisorctl dev del "$id"
hvv_assert "hvtest0 gone" test ! -e /sys/class/net/hvtest0
kill "$ns"
hvv_unload_all
hvv_dmesg_clean
