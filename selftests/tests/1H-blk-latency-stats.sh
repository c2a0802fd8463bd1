#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The latency breakdown (Documentation/blk.rst, "Latency breakdown"):
# with blk_latency on, a known number of direct 4k reads and writes on a
# disk are each counted once, in every stage, and the counts are the
# requests the device served; the stage sums only grow, each stage's
# maximum is at least its mean, and a write to the file resets it. Off,
# nothing more is counted. The simulator's side (its latency parameter)
# counts the notifies, interrupts and handler runs of that I/O. Reading
# the file while its disk is removed is safe and the disk leaves it; the
# file goes with the module. On a file (buffered on kernels whose tmpfs
# has no O_DIRECT, else direct) and on a loop device (direct kiocbs on a
# block device). Clean kernel log.
# HVV-TIMEOUT: 300
. /hvv/lib.sh

LAT=/sys/kernel/debug/hvisor_vhost_blk/latency
SIMLAT=/sys/kernel/debug/hvisor_vhost_sim/latency
PARAM=/sys/module/hvisor_vhost/parameters/blk_latency
SIMPARAM=/sys/module/hvisor_vhost_sim/parameters/latency

# field ID STAGE KEY: KEY's number on the line of STAGE ("-" for the
# device line) of device ID in the latency file.
field() {
	awk -v id="$1" -v st="$2" -v k="$3" '
		$1 == "dev" && $2 == id && ((st == "-" && $3 == "queues") ||
			($3 == "stage" && $4 == st)) {
			for (i = 3; i < NF; i++) if ($i == k) print $(i + 1) }' $LAT
}

# requests: what the device served so far (hvisorctl dev list).
requests() { hvv_blk_field requests; }

# idle: wait until the device serves nothing more (the guest's probe of
# the new disk is over), at most 10 s.
idle() {
	_n=0 _r=$(requests)
	while [ $_n -lt $((20 * HVV_SLOW)) ]; do
		sleep 0.5
		_s=$(requests)
		[ "$_s" = "$_r" ] && [ "$(hvv_blk_field in_flight)" = 0 ] && return 0
		_r=$_s
		_n=$((_n + 1))
	done
	hvv_fail "the disk never went idle"
}

# direct_io VD READS WRITES: that many 4k direct reads, then writes, each
# its own request (synchronous, one at a time).
direct_io() {
	hvv_run dd if="/dev/$1" of=/dev/null bs=4k count="$2" iflag=direct status=none
	hvv_run dd if=/tmp/data of="/dev/$1" bs=4k count="$3" seek=64 oflag=direct conv=notrunc status=none
}

# check ID WANT: every stage of device ID counted WANT requests and is
# consistent.
check() {
	hvv_assert_eq "dev $1: requests counted" "$(field "$1" - requests)" "$2"
	for st in notify_to_pop pop_to_submit backend done_to_used inject; do
		c=$(field "$1" $st count)
		s=$(field "$1" $st sum_ns)
		m=$(field "$1" $st max_ns)
		a=$(field "$1" $st mean_ns)
		hvv_assert_eq "dev $1: $st count" "$c" "$2"
		[ "$m" -ge "$a" ] || hvv_fail "dev $1: $st max $m < mean $a"
		# mean = sum / count, rounded down
		if [ "$c" -gt 0 ] &&
			{ [ $((a * c)) -gt "$s" ] || [ $(((a + 1) * c)) -le "$s" ]; }; then
			hvv_fail "dev $1: $st mean $a is not sum $s / count $c"
		fi
		if [ "$c" = 0 ] && [ "$s$m" != 00 ]; then
			hvv_fail "dev $1: $st: sum $s, max $m over no request"
		fi
		if [ "$c" -gt 0 ] && [ $st != notify_to_pop ] && [ "$s" = 0 ]; then
			hvv_fail "dev $1: $st took no time at all over $c requests"
		fi
	done
}

# sums ID: the five stage sums of device ID, on one line.
sums() {
	for st in notify_to_pop pop_to_submit backend done_to_used inject; do
		printf '%s ' "$(field "$1" $st sum_ns)"
	done
}

# one BACKING: the whole sequence on a disk served from BACKING.
one() {
	before=$(hvv_vd_list)
	id=$(hvv_dev_add blk "$1")
	vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
	idle
	hvv_assert_match "dev $id listed" "$(cat $LAT)" "^dev $id queues 1 "

	hvv_run sh -c "echo 1 >$PARAM"
	hvv_run sh -c "echo 1 >$SIMPARAM"
	hvv_assert_match "on" "$(head -n 1 $LAT)" '^enabled 1$'
	hvv_run sh -c "echo reset >$LAT"
	hvv_run sh -c "echo reset >$SIMLAT"
	check "$id" 0
	r0=$(requests)
	direct_io "$vd" 20 10
	hvv_assert_eq "dev $id: the I/O was 30 requests" $(($(requests) - r0)) 30
	check "$id" 30
	hvv_log "$1: $(grep "^dev $id " $LAT | tr '\n' ';')"
	s1=$(sums "$id")
	direct_io "$vd" 5 5
	check "$id" 40
	s2=$(sums "$id")
	# shellcheck disable=SC2086 # word splitting wanted
	set -- $s1 $s2
	if [ "$1" -gt "$6" ] || [ "$2" -gt "$7" ] || [ "$3" -gt "$8" ] ||
		[ "$4" -gt "$9" ] || [ "$5" -gt "${10}" ]; then
		hvv_fail "dev $id: a stage sum went down: $s1-> $s2"
	fi
	hvv_log "ok: stage sums grew: $s1-> $s2"

	# The simulator's side: one notify per request at depth 1, and the
	# interrupts that answered them, each handled.
	sim=$(cat $SIMLAT)
	hvv_log "simulator: $(echo "$sim" | tr '\n' ';')"
	for st in notify access irq irq_handler; do
		c=$(echo "$sim" | awk -v s=$st '$2 == s { print $4 }')
		m=$(echo "$sim" | awk -v s=$st '$2 == s { print $8 }')
		a=$(echo "$sim" | awk -v s=$st '$2 == s { print $10 }')
		[ "${c:-0}" -gt 0 ] || hvv_fail "simulator: no $st counted"
		[ "$m" -ge "$a" ] || hvv_fail "simulator: $st max $m < mean $a"
	done
	n=$(echo "$sim" | awk '$2 == "notify" { print $4 }')
	[ "$n" -ge 40 ] || hvv_fail "simulator: $n notifies for 40 requests at depth 1"

	# Off: nothing more is counted; then a reset empties the counters.
	hvv_run sh -c "echo 0 >$PARAM"
	hvv_run sh -c "echo 0 >$SIMPARAM"
	hvv_assert_match "off" "$(head -n 1 $LAT)" '^enabled 0$'
	hvv_run sh -c "echo reset >$SIMLAT"
	r0=$(requests)
	direct_io "$vd" 8 2
	hvv_assert_eq "dev $id: the I/O was 10 requests" $(($(requests) - r0)) 10
	check "$id" 40
	hvv_assert_eq "dev $id: sums unchanged while off" "$(sums "$id")" "$s2"
	hvv_assert_eq "simulator off: no notify counted" \
		"$(awk '$2 == "notify" { print $4 }' $SIMLAT)" 0
	hvv_run sh -c "echo 0 >$LAT"
	check "$id" 0
	# On again: slots last stamped in the earlier period count afresh.
	hvv_run sh -c "echo 1 >$PARAM"
	direct_io "$vd" 3 0
	check "$id" 3

	# Readers of the file while the disk is removed; then it is gone
	# from the file, which still reads.
	hvv_run sh -c "echo 1 >$PARAM"
	dd if="/dev/$vd" of=/dev/null bs=4k iflag=direct 2>/dev/null &
	io=$!
	(while :; do cat $LAT >/dev/null || exit 1; done) &
	rd=$!
	hvv_run hvisorctl dev del "$id"
	kill -0 $rd 2>/dev/null || hvv_fail "the reader stopped while the disk went"
	kill $rd
	wait $rd
	wait $io || true
	! grep -q "^dev $id " $LAT || hvv_fail "removed dev $id still in $LAT"
	hvv_run cat $LAT
	hvv_run sh -c "echo 0 >$PARAM"
}

hvv_dmesg_mark
hvv_need losetup
hvv_load_sim
hvv_assert "debugfs file" test -f $LAT
hvv_assert_match "off by default" "$(head -n 1 $LAT)" '^enabled 0$'
hvv_run dd if=/dev/urandom of=/tmp/data bs=4k count=16 status=none
hvv_run dd if=/dev/zero of=/tmp/lat.img bs=1M count=4 status=none
one /tmp/lat.img

hvv_run dd if=/dev/zero of=/tmp/loop.img bs=1M count=4 status=none
loop=$(losetup -f) || hvv_fail "no free loop device"
hvv_run losetup "$loop" /tmp/loop.img
one "$loop"
hvv_run losetup -d "$loop"

# A bad value is refused; the file goes with the module.
hvv_run_fails sh -c "echo maybe >$PARAM"
hvv_unload_all
hvv_assert "the file went with the module" test ! -e $LAT
hvv_dmesg_clean
