#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A backing store that starts failing writes and recovers: dm-flakey over
# a loop device, switched live (dmsetup suspend, load, resume) under the
# guest's disk between a healthy linear table and flakey "down" with
# error_writes (every write and flush fails, reads pass). While it is
# down each guest write fails with EIO and counts one error, the image
# does not change, reads return the image; once it is healthy again the
# same device writes and reads as before. Nothing hangs, the disk is
# removed cleanly.
# HVV-NEEDS: dmsetup
# HVV-NEEDS-MODULES: dm-mod dm-flakey
# HVV-TIMEOUT: 240
. /hvv/lib.sh

IMG=/tmp/flakey.img
DM=hvv-flakey
SECTORS=16384

wr() { dd if="$2" of=/dev/$vd bs=4k seek="$1" count=1 oflag=direct conv=notrunc status=none; }
rd() { dd if=/dev/$vd bs=4k skip="$1" count=1 iflag=direct status=none; }
img() { dd if=$IMG bs=4k skip="$1" count=1 status=none; }
sum() { sha256sum | cut -d' ' -f1; }
# table TABLE: swap the live table of $DM
table() {
	hvv_run dmsetup suspend $DM
	echo "$1" | dmsetup load $DM || hvv_fail "dmsetup load '$1' failed"
	hvv_run dmsetup resume $DM
	hvv_log "table now: $(dmsetup table $DM)"
}

hvv_dm_ready linear flakey
hvv_dmesg_mark
mark=$HVV_DMESG_MARK
hvv_load_sim
hvv_run dd if=/dev/urandom of=$IMG bs=1M count=8 status=none
hvv_run dd if=/dev/urandom of=/tmp/a bs=4k count=1 status=none
hvv_run dd if=/dev/urandom of=/tmp/b bs=4k count=1 status=none
loop=$(losetup -f)
hvv_run losetup "$loop" $IMG
echo "0 $SECTORS linear $loop 0" | dmsetup create $DM || hvv_fail "dmsetup create failed"
before=$(hvv_vd_list)
id=$(hvv_dev_add blk /dev/mapper/$DM)
vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
hvv_run wr 10 /tmp/a
hvv_assert_eq "healthy: the write reached the image" "$(img 10 | sum)" "$(sum </tmp/a)"

# Down: up interval 0, down interval 1 s, so always down.
table "0 $SECTORS flakey $loop 0 0 1 1 error_writes"
whole=$(sum <$IMG)
e0=$(hvv_blk_field errors)
hvv_dmesg_mark
for b in 10 11 2047; do
	hvv_run_fails wr $b /tmp/b
done
hvv_assert_eq "one error per failed write" $(($(hvv_blk_field errors) - e0)) 3
for s in 80 88 16376; do
	hvv_dmesg_expect "I/O error, dev $vd, sector $s op 0x1:\(WRITE\)"
done
hvv_assert_eq "down: the image did not change" "$(sum <$IMG)" "$whole"
hvv_assert_eq "down: reads return the image" \
	"$(dd if=/dev/$vd bs=64k iflag=direct status=none | sum)" "$whole"
hvv_assert_eq "down: reads count no error" $(($(hvv_blk_field errors) - e0)) 3

# Healthy again: the same disk works.
table "0 $SECTORS linear $loop 0"
hvv_run wr 11 /tmp/b
hvv_assert_eq "recovered: the write reached the image" "$(img 11 | sum)" "$(sum </tmp/b)"
hvv_assert_eq "recovered: it reads back" "$(rd 11 | sum)" "$(sum </tmp/b)"
hvv_assert_eq "recovered: block 10 kept the healthy write" "$(rd 10 | sum)" "$(sum </tmp/a)"
hvv_dm_disk_done "$id" "$vd" $DM "$loop"
hvv_unload_all
HVV_DMESG_MARK=$mark
hvv_dmesg_clean
