#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Benchmarks (make bench): TCP throughput (iperf3, both directions) and
# request/response latency (one-byte round trips, net_xfer) between root
# and the simulated guest's virtio_net interface (in a namespace), and the
# same over a veth pair as the baseline, in the same run. Prints the
# numbers and the guest/veth ratios. Never fails on a number.
# HVV-NEEDS: ip iperf3
# HVV-TIMEOUT: 300
. /hvv/lib.sh

IP=/hvv/bin/ip
RUNTIME=${HVV_BENCH_RUNTIME:-10}
RR=${HVV_BENCH_RR:-2000}
MAC=02:00:00:00:be:01

# iperf_run NS ADDR [-R]: Gbit/s of a TCP stream root -> NS (-R: NS -> root).
iperf_run() {
	hvv_in_netns "$1" iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
	_s=$!
	sleep 1
	_out=$(iperf3 -c "$2" -p 5201 -t "$RUNTIME" -f g $3 2>&1) ||
		{ echo "$_out" >&2; hvv_fail "iperf3 to $2 failed"; }
	wait $_s
	echo "$_out" | awk '/receiver/ { v = $(NF - 2) } END { print v + 0 }'
}

# rr_run NS ADDR: mean microseconds per one-byte round trip.
rr_run() {
	hvv_in_netns "$1" /hvv/bin/net_xfer rr-server 5301 &
	_s=$!
	_us=$(/hvv/bin/net_xfer rr-client "$2" 5301 "$RR") ||
		hvv_fail "round trips to $2 failed"
	wait $_s
	echo "$_us"
}

setup() {
	hvv_insmod hvisor_vhost hypervisor=sim
	hvv_insmod hvisor_vhost_sim
	id=$(hvv_dev_add net --mac $MAC --ifname hvbench0)
	gif=$(hvv_net_if_by_mac $MAC $((10 * HVV_SLOW)))
	nsg=$(hvv_netns_new)
	hvv_run $IP link set "$gif" netns "$nsg"
	hvv_run hvv_in_netns "$nsg" $IP addr add 10.98.0.2/24 dev "$gif"
	hvv_run hvv_in_netns "$nsg" $IP link set "$gif" up
	hvv_run hvv_in_netns "$nsg" $IP link set lo up
	hvv_run $IP addr add 10.98.0.1/24 dev hvbench0
	hvv_run $IP link set hvbench0 up

	nsv=$(hvv_netns_new)
	hvv_run $IP link add vbench0 type veth peer name vbench1
	hvv_run $IP link set vbench1 netns "$nsv"
	hvv_run hvv_in_netns "$nsv" $IP addr add 10.97.0.2/24 dev vbench1
	hvv_run hvv_in_netns "$nsv" $IP link set vbench1 up
	hvv_run hvv_in_netns "$nsv" $IP link set lo up
	hvv_run $IP addr add 10.97.0.1/24 dev vbench0
	hvv_run $IP link set vbench0 up
	for a in 10.98.0.2 10.97.0.2; do
		n=$((30 * HVV_SLOW))
		until ping -c 1 -W 1 $a >/dev/null 2>&1; do
			[ "$n" -gt 0 ] || hvv_fail "$a unreachable"
			n=$((n - 1))
		done
	done
}

cleanup() {
	hvv_run $IP link del vbench0
	hvv_run hvisorctl dev del "$id"
	kill "$nsg" "$nsv"
	hvv_unload_all
}

main() {
	setup
	set -- "$(iperf_run "$nsv" 10.97.0.2)" "$(iperf_run "$nsg" 10.98.0.2)" \
		"$(iperf_run "$nsv" 10.97.0.2 -R)" "$(iperf_run "$nsg" 10.98.0.2 -R)" \
		"$(rr_run "$nsv" 10.97.0.2)" "$(rr_run "$nsg" 10.98.0.2)"
	echo "=== summary: net: TCP ${RUNTIME}s per stream, $RR one-byte round trips (ratio = guest / veth)"
	printf '%-22s %12s %12s %7s\n' test veth guest ratio
	echo "tcp-root-to-guest-Gbps $1 $2
tcp-guest-to-root-Gbps $3 $4
rr-latency-us $5 $6" | awk '{
		r = $2 > 0 ? $3 / $2 : 0
		printf "%-22s %12.2f %12.2f %7.2f\n", $1, $2, $3, r }'
	echo "=== end"
	hvv_run hvisorctl dev list
	cleanup
}

main
