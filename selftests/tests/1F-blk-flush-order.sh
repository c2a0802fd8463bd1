#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# FLUSH ordering, in both cache modes: the disk's backing is a
# device-mapper log-writes target, which logs a write only once it
# completed and a later FLUSH covered it. The guest writes 256 KiB with
# direct I/O and fsyncs the disk (a virtio-blk FLUSH), then root marks the
# log; later 256 KiB of other data without an fsync, a mark, an fsync, a
# mark. Replaying the log (progs/lw_check) up to the last FLUSH before
# each mark must give what the guest had been told was written when it
# sent that FLUSH: the first data at the first two marks (the second
# write was never flushed, so it must not count), the second at the
# third. A device that completed a write or a FLUSH before the backing
# did fails here.
# HVV-NEEDS: dmsetup
# HVV-NEEDS-MODULES: dm-mod dm-log-writes
# HVV-TIMEOUT: 240
. /hvv/lib.sh

DM=hvv-lw
SECTORS=32768
OFF=1048576 # bytes; 4 KiB block 256 of the disk

wr() { dd if="$1" of=/dev/$vd bs=4k seek=256 oflag=direct conv=notrunc$2 status=none; }
mark() { dmsetup message $DM 0 mark "$1" || hvv_fail "dmsetup mark $1 failed"; }

hvv_dm_ready log-writes
hvv_dmesg_mark
mark=$HVV_DMESG_MARK
hvv_load_sim
hvv_run dd if=/dev/urandom of=/tmp/a bs=4k count=64 status=none
hvv_run dd if=/dev/urandom of=/tmp/b bs=4k count=64 status=none

for cache in none writeback; do
	hvv_run dd if=/dev/zero of=/tmp/lw-data.img bs=1M count=16 status=none
	hvv_run dd if=/dev/zero of=/tmp/lw-log.img bs=1M count=8 status=none
	data=$(losetup -f)
	hvv_run losetup "$data" /tmp/lw-data.img
	log=$(losetup -f)
	hvv_run losetup "$log" /tmp/lw-log.img
	echo "0 $SECTORS log-writes $data $log" | dmsetup create $DM ||
		hvv_fail "dmsetup create failed"
	before=$(hvv_vd_list)
	id=$(hvv_dev_add blk /dev/mapper/$DM --cache $cache)
	vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
	hvv_assert_match "cache mode $cache" "$(hvisorctl dev list)" "cache=$cache"

	hvv_run wr /tmp/a ,fsync
	mark one
	hvv_run wr /tmp/b
	mark two
	hvv_run sync /dev/$vd
	mark three

	hvv_run hvisorctl dev del "$id"
	hvv_run dmsetup remove $DM
	hvv_run losetup -d "$data"
	hvv_run lw_check "$log" one $OFF /tmp/a
	hvv_run lw_check "$log" two $OFF /tmp/a
	hvv_run_fails lw_check "$log" two $OFF /tmp/b
	hvv_run lw_check "$log" three $OFF /tmp/b
	hvv_run losetup -d "$log"
	hvv_log "ok: cache=$cache: FLUSH covers exactly the completed writes"
done

hvv_unload_all
HVV_DMESG_MARK=$mark
hvv_dmesg_clean
