#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Removal during I/O: readers and writers hammer the disk while it is
# removed (gracefully, then with --force on a second disk, which fails the
# requests in flight and returns at once). Every request completes or
# fails, nothing hangs, nothing leaks (kmemleak on the debug kernel), and
# the kernel log stays clean.
# HVV-TIMEOUT: 300
. /hvv/lib.sh

hvv_dmesg_mark
hvv_load_sim

io() { # io DEV: loop reads and writes until the device goes away
	while [ -b "$1" ]; do
		dd if=/dev/urandom of="$1" bs=64k count=64 oflag=direct status=none 2>/dev/null || break
		dd if="$1" of=/dev/null bs=64k count=64 iflag=direct status=none 2>/dev/null || break
	done
}

for mode in graceful force; do
	hvv_run dd if=/dev/zero of=/tmp/rm.img bs=1M count=32 status=none
	before=$(hvv_vd_list)
	id=$(hvv_dev_add blk /tmp/rm.img --queues 2)
	vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
	io /dev/$vd & a=$!
	io /dev/$vd & b=$!
	sleep 2
	if [ $mode = force ]; then
		hvv_run hvisorctl dev del "$id" --force
	else
		hvv_run hvisorctl dev del "$id"
	fi
	wait $a; wait $b
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
