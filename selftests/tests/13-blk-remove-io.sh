#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Removal during I/O: two workers write and read back their own region
# of the disk while it is removed (gracefully, then with --force on a
# second disk, which fails the requests in flight and returns at once).
# Before the removal starts every write and read succeeds and reads back
# what was written (each worker must have done some); once it started,
# requests may fail (or a read end short: the disk's capacity drops to 0
# as it goes), and a read that returns the whole range returns the data.
# Every request completes or fails, nothing hangs, nothing leaks
# (kmemleak on the debug kernel), and the kernel log stays clean.
# HVV-TIMEOUT: 300
. /hvv/lib.sh

REMOVING=/tmp/removing
sum() { sha256sum | cut -d' ' -f1; }

# io DEV BLOCK: write and read back 256 KiB at BLOCK (64 KiB units) until
# the device goes away; one line per round: ok, err (a request failed) or
# bad (a read that succeeded returned other data), each tagged "before"
# or "after" by whether the removal had started when the round ended
# (the marker is made before dev del runs, so a failure it causes is
# always "after").
io() {
	_f=/tmp/pat.$2
	while [ -b "$1" ]; do
		dd if=/dev/urandom of=$_f bs=64k count=4 status=none
		if ! dd if=$_f of="$1" bs=64k seek="$2" count=4 oflag=direct conv=notrunc status=none 2>/dev/null; then
			echo "err $(when) write"
			break
		fi
		if ! dd if="$1" of=$_f.r bs=64k skip="$2" count=4 iflag=direct status=none 2>/dev/null; then
			echo "err $(when) read"
			break
		fi
		# A disk being deleted reads as empty (its capacity drops to 0
		# first): end of file, not other data.
		if [ "$(wc -c <$_f.r)" -ne 262144 ]; then
			echo "err $(when) short read"
			break
		fi
		if [ "$(sum <$_f.r)" = "$(sum <$_f)" ]; then
			echo "ok $(when)"
		else
			echo "bad $(when)"
		fi
	done
}
when() { if [ -e $REMOVING ]; then echo after; else echo before; fi; }
# check LOG MODE: what a worker saw
check() {
	_ok=$(grep -c '^ok before' "$1")
	hvv_log "$2: $(basename "$1"): $_ok good round(s) before the removal, then: $(grep -v '^ok before' "$1" | sort | uniq -c | tr -s ' \n' ' ')"
	[ "$_ok" -gt 0 ] || hvv_fail "$2: $(basename "$1") had no good round before the removal"
	! grep -E '^(err|bad) before' "$1" ||
		hvv_fail "$2: I/O failed before the removal started"
	! grep '^bad' "$1" || hvv_fail "$2: a read returned other data than was written"
}

hvv_dmesg_mark
hvv_load_sim

for mode in graceful force; do
	rm -f $REMOVING
	hvv_run dd if=/dev/zero of=/tmp/rm.img bs=1M count=32 status=none
	before=$(hvv_vd_list)
	id=$(hvv_dev_add blk /tmp/rm.img --queues 2)
	vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
	io /dev/$vd 0 >/tmp/io.a & a=$!
	io /dev/$vd 64 >/tmp/io.b & b=$!
	# Both workers through a good round before the removal.
	n=0
	while ! { grep -q '^ok' /tmp/io.a && grep -q '^ok' /tmp/io.b; } &&
		[ $n -lt $((300 * HVV_SLOW)) ]; do
		sleep 0.1
		n=$((n + 1))
	done
	touch $REMOVING
	if [ $mode = force ]; then
		hvv_run hvisorctl dev del "$id" --force
	else
		hvv_run hvisorctl dev del "$id"
	fi
	wait $a; wait $b
	check /tmp/io.a $mode
	check /tmp/io.b $mode
	n=0
	while [ -b /dev/$vd ] && [ $n -lt $((100 * HVV_SLOW)) ]; do
		sleep 0.1
		n=$((n + 1))
	done
	hvv_assert "$mode: /dev/$vd gone" test ! -b /dev/$vd
	# dd may have created a plain file once the node was gone.
	rm -f /dev/$vd
	# A forced removal returns at once; the device is freed right after.
	n=0
	while list=$(hvisorctl dev list --json) &&
		! echo "$list" | grep -q '^\[ *\]$' && [ $n -lt $((100 * HVV_SLOW)) ]; do
		sleep 0.1
		n=$((n + 1))
	done
	hvv_assert_match "$mode: no device left" "$list" '^\[ *\]$'
done

hvv_unload_all
hvv_dmesg_clean
