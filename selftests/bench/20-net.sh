#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Benchmarks (make bench): between root and the simulated guest's
# virtio_net interface (in a namespace), and over a veth pair as the
# baseline in the same run: TCP throughput both ways (iperf3, one
# stream, one queue pair), UDP throughput both ways (iperf3 -u at an
# unlimited rate: what the receiver got, and the loss), TCP with two
# streams on a two-pair device (multiqueue: the guest's transmit work on
# both pairs) and request/response latency (one-byte round trips,
# net_xfer; with their p99, p99.9 and longest, and in a run of their own
# the simulator's share of a round trip). Prints the numbers, the
# guest/veth ratios and, per packet the device carried, the queue
# notifies and guest interrupts that crossed the bridge (hvisorctl status
# before and after each guest job; counts carry over to real hvisor where
# TCG timings do not). Never fails on a number.
# HVV-NEEDS: ip iperf3 ethtool
# HVV-TIMEOUT: 600
. /hvv/lib.sh

IP=/hvv/bin/ip
RUNTIME=${HVV_BENCH_RUNTIME:-10}
RR=${HVV_BENCH_RR:-2000}

# iperf_run NS ADDR [iperf3 options]: "GBPS LOSS%" of a stream root -> NS
# (-R: NS -> root) as the receiver saw it; LOSS% is 0 for TCP.
iperf_run() {
	_ns=$1 _addr=$2
	shift 2
	hvv_in_netns "$_ns" iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
	_s=$!
	sleep 1
	_out=$(iperf3 -c "$_addr" -p 5201 -t "$RUNTIME" -f g "$@" 2>&1) ||
		{ echo "$_out" >&2; hvv_fail "iperf3 $* to $_addr failed"; }
	wait $_s
	echo "$_out" | awk '/receiver/ { l = 0
			for (i = 1; i <= NF; i++) {
				if ($i == "Gbits/sec") v = $(i - 1)
				if ($i ~ /^\(.*%\)$/) { l = $i; gsub(/[()%]/, "", l) }
			} }
		END { print v + 0, l + 0 }'
}

# rr_run NS ADDR: "US 0": mean microseconds per one-byte round trip (and
# no loss, the shape of iperf_run's answer); "P99 P99.9 MAX" of the round
# trips go to $RR_TAILS.
rr_run() {
	hvv_in_netns "$1" /hvv/bin/net_xfer rr-server 5301 &
	_s=$!
	_us=$(/hvv/bin/net_xfer rr-client "$2" 5301 "$RR") ||
		hvv_fail "round trips to $2 failed"
	wait $_s
	# shellcheck disable=SC2086 # four numbers
	set -- $_us
	echo "$2 $3 $4" >>"$RR_TAILS"
	echo "$1 0"
}

SIMLAT=/sys/kernel/debug/hvisor_vhost_sim/latency
SIMLAT_ON=/sys/module/hvisor_vhost_sim/parameters/latency

# rr_breakdown NS ADDR: the round trips again with the simulator's
# latency breakdown on (its own run: the table's round trips are those
# with it off; Documentation/simulator.rst, "Latency breakdown"), one
# line: per round trip, the simulated hypervisor's and guest's stages
# on the path of a packet, in us, with their counts. "sim" sums them:
# the guest's notifies, the wakeups those sent (the wakeups of the
# handler's trapped accesses are inside "handler"), the interrupts'
# delivery and the guest's handler (with its trapped accesses); "rest"
# is the round trip minus "sim": the module, the guest's and root's
# network stacks (veth's whole round trip is the stacks alone, twice)
# and the scheduling between them.
rr_breakdown() {
	_tails=$RR_TAILS
	RR_TAILS=/dev/null
	echo 1 >$SIMLAT_ON || hvv_fail "cannot switch the simulator's latency"
	echo reset >$SIMLAT
	_rt=$(rr_run "$@")
	echo 0 >$SIMLAT_ON
	RR_TAILS=$_tails
	{ echo "rt $_rt $RR"; cat $SIMLAT; } | awk '
		function us(ns, n) { return n > 0 ? ns / n / 1000 : 0 }
		$1 == "rt" { mean = $2; n = $4 }
		$1 == "stage" { c[$2] = $4; s[$2] = $6 }
		END {
			ntf = us(s["notify"], n)
			wk = us(s["wakeup"], c["wakeup"]) * c["notify"] / n
			irq = us(s["irq"], n); hnd = us(s["irq_handler"], n)
			sim = ntf + wk + irq + hnd
			printf "rr-breakdown-us      round trip %.0f = sim %.0f (notify %.0f x%.2f, its wakeups %.0f, irq %.0f x%.2f, handler %.0f with %.2f trapped accesses of %.0f) + rest %.0f\n",
				mean, sim, ntf, c["notify"] / n, wk, irq, c["irq"] / n,
				hnd, c["access"] / n, us(s["access"], c["access"]),
				mean - sim }'
}

# counts IF: "NOTIFIES INTERRUPTS PACKETS": the bridge's counters and the
# packets root's interface IF moved both ways so far.
counts() {
	_p=$(($(cat /sys/class/net/"$1"/statistics/rx_packets) +
		$(cat /sys/class/net/"$1"/statistics/tx_packets)))
	hvisorctl status | awk -v p="$_p" '/^notifies / { n = $2 }
		/^interrupts / { i = $2 } END { print n, i, p }'
}

# guest_job NAME IF RUN...: run "RUN..." (a *_run above) and append
# "NAME RESULT... NOTIFIES/PKT IRQS/PKT" to $GUEST_OUT.
guest_job() {
	_name=$1 _if=$2
	shift 2
	_c0=$(counts "$_if")
	_r=$("$@")
	_c1=$(counts "$_if")
	echo "$_name $_r $_c0 $_c1" | awk '{ n = NF
		p = $n - $(n - 3); p = p > 0 ? p : 1
		printf "%s", $1
		for (i = 2; i <= n - 6; i++) printf " %s", $i
		printf " %.3f %.3f\n", ($(n - 2) - $(n - 5)) / p,
			($(n - 1) - $(n - 4)) / p }' >>"$GUEST_OUT"
}

# veth_pair NAME ADDR_PREFIX: a veth pair, NAME in root with .1, its peer
# in a new namespace with .2, whose holder it leaves in $NS.
veth_pair() {
	NS=$(hvv_netns_new)
	hvv_run $IP link add "$1" type veth peer name "${1}p"
	hvv_run $IP link set "${1}p" netns "$NS"
	hvv_run hvv_in_netns "$NS" $IP addr add "$2.2/24" dev "${1}p"
	hvv_run hvv_in_netns "$NS" $IP link set "${1}p" up
	hvv_run hvv_in_netns "$NS" $IP link set lo up
	hvv_run $IP addr add "$2.1/24" dev "$1"
	hvv_run $IP link set "$1" up
}

# guest_nic NAME MAC ADDR_PREFIX [dev add options]: a guest NIC, root's
# end NAME with .1, the guest's in a new namespace with .2 (hvv_net_guest,
# which waits until it answers), whose holder it leaves in $NS, the
# device id in $ID.
guest_nic() {
	_name=$1 _mac=$2 _pfx=$3
	shift 3
	ID=$(hvv_dev_add net --mac "$_mac" --ifname "$_name" "$@")
	hvv_run $IP addr add "$_pfx.1/24" dev "$_name"
	hvv_run $IP link set "$_name" up
	hvv_net_guest "$_mac" "$_pfx.2/24"
	NS=$HVV_NS
	hvv_run hvv_in_netns "$NS" $IP link set lo up
}

reachable() {
	for a in "$@"; do
		n=$((30 * HVV_SLOW))
		until ping -c 1 -W 1 "$a" >/dev/null 2>&1; do
			[ "$n" -gt 0 ] || hvv_fail "$a unreachable"
			n=$((n - 1))
		done
	done
}

setup() {
	hvv_insmod hvisor_vhost hypervisor=sim
	hvv_insmod hvisor_vhost_sim
	guest_nic hvbench0 02:00:00:00:be:01 10.98.0
	nsg=$NS id=$ID
	guest_nic hvbench1 02:00:00:00:be:02 10.96.0 --queues 2
	nsm=$NS idm=$ID
	veth_pair vbench0 10.97.0
	nsv=$NS
	reachable 10.97.0.2
}

cleanup() {
	hvv_run $IP link del vbench0
	hvv_run hvisorctl dev del "$id"
	hvv_run hvisorctl dev del "$idm"
	kill "$nsg" "$nsm" "$nsv"
	hvv_unload_all
}

# jobs: NAME, then the veth job, then the guest job.
run_jobs() {
	V=10.97.0.2 G=10.98.0.2 M=10.96.0.2
	while read -r name vns vaddr gns gaddr gif opts; do
		# shellcheck disable=SC2086 # opts are words
		set -- $opts
		echo "$name $(iperf_run "$vns" "$vaddr" "$@" </dev/null)" \
			>>"$VETH_OUT"
		guest_job "$name" "$gif" iperf_run "$gns" "$gaddr" "$@" </dev/null
	done <<-JOBS
		tcp-root-to-guest $nsv $V $nsg $G hvbench0
		tcp-guest-to-root $nsv $V $nsg $G hvbench0 -R
		udp-root-to-guest $nsv $V $nsg $G hvbench0 -u -b 0
		udp-guest-to-root $nsv $V $nsg $G hvbench0 -u -b 0 -R
		tcp2-root-to-guest $nsv $V $nsm $M hvbench1 -P 2
		tcp2-guest-to-root $nsv $V $nsm $M hvbench1 -P 2 -R
	JOBS
	echo "rr $(rr_run "$nsv" $V)" >>"$VETH_OUT"
	guest_job rr hvbench0 rr_run "$nsg" $G
	RR_BREAKDOWN=$(rr_breakdown "$nsg" $G)
}

main() {
	setup
	VETH_OUT=/tmp/bench-net-veth GUEST_OUT=/tmp/bench-net-guest
	RR_TAILS=/tmp/bench-net-rr
	: >"$VETH_OUT"
	: >"$GUEST_OUT"
	: >"$RR_TAILS"
	run_jobs
	# Which of the two-pair device's pairs carried the tcp2 streams (the
	# guest's driver uses as many pairs as it has CPUs, up to the two).
	ethtool -S hvbench1 | grep -E 'q[0-9]_(rx|tx)_packets'
	echo "=== summary: net: iperf3 ${RUNTIME}s per job (Gbit/s as the receiver saw it; UDP at an unlimited rate, with its loss), $RR one-byte round trips (us); tcp2: two streams on a two-pair device; ratio = guest / veth (for rr, lower is better); per packet the device carried: notifies, guest interrupts"
	printf '%-20s %9s %9s %7s %7s %7s %7s %7s\n' test veth guest ratio \
		vloss% gloss% ntf/pkt irq/pkt
	paste -d ' ' "$VETH_OUT" "$GUEST_OUT" | awk '{
		r = $2 > 0 ? $5 / $2 : 0
		printf "%-20s %9.2f %9.2f %7.2f %7.1f %7.1f %7.3f %7.3f\n",
			$1, $2, $5, r, $3, $6, $7, $8 }'
	# The round trips' tail, veth's first: p99, p99.9, longest.
	paste -d ' ' - - <"$RR_TAILS" | awk '{
		printf "rr-tail-us           veth p99 %.0f p99.9 %.0f max %.0f, guest p99 %.0f p99.9 %.0f max %.0f\n",
			$1, $2, $3, $4, $5, $6 }'
	echo "$RR_BREAKDOWN"
	echo "=== end"
	hvv_run hvisorctl dev list
	cleanup
}

main
