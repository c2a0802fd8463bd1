#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A backing store with bad sectors: a device-mapper table of linear and
# error targets over a loop device (sectors 8224..10239 fail, the rest
# is the image). Every guest request that touches a bad sector fails with
# EIO (VIRTIO_BLK_S_IOERR: the guest logs an I/O error for exactly that
# sector, and the device's error count grows by one per request), a
# request across the boundary fails whole, the others succeed with the
# image's data, writes to bad sectors change nothing, nothing hangs and
# the disk is removed cleanly.
# HVV-NEEDS: dmsetup
# HVV-NEEDS-MODULES: dm-mod
# HVV-TIMEOUT: 240
. /hvv/lib.sh

IMG=/tmp/dm.img
DM=hvv-bad
BAD0=8224
BAD1=10240 # first good sector after the bad ones
SECTORS=32768

# rd BLOCK: one 4 KiB O_DIRECT read of the guest disk at 4 KiB block BLOCK.
rd() { dd if=/dev/$vd bs=4k skip="$1" count=1 iflag=direct status=none; }
wr() { dd if="$2" of=/dev/$vd bs=4k seek="$1" count=1 oflag=direct conv=notrunc status=none; }
# img BLOCK: the image's 4 KiB block BLOCK, as root sees it.
img() { dd if=$IMG bs=4k skip="$1" count=1 status=none; }
sum() { sha256sum | cut -d' ' -f1; }

hvv_dm_ready error linear
hvv_dmesg_mark
mark=$HVV_DMESG_MARK
hvv_load_sim
hvv_run dd if=/dev/urandom of=$IMG bs=1M count=16 status=none
hvv_run dd if=/dev/urandom of=/tmp/new bs=4k count=1 status=none
loop=$(losetup -f)
hvv_run losetup "$loop" $IMG
printf '0 %d linear %s 0\n%d %d error\n%d %d linear %s %d\n' \
	$BAD0 "$loop" $BAD0 $((BAD1 - BAD0)) $BAD1 $((SECTORS - BAD1)) "$loop" $BAD1 |
	dmsetup create $DM || hvv_fail "dmsetup create failed"
dmsetup table $DM

before=$(hvv_vd_list)
id=$(hvv_dev_add blk /dev/mapper/$DM)
vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
hvv_assert_eq "capacity" "$(cat /sys/block/$vd/size)" $SECTORS

# Good sectors: the image's data, before and right after the bad range.
for b in 0 1027 1280 4095; do
	hvv_assert_eq "read of good block $b" "$(rd $b | sum)" "$(img $b | sum)"
done
hvv_run wr 100 /tmp/new
hvv_assert_eq "write to a good block reached the image" "$(img 100 | sum)" \
	"$(sum </tmp/new)"
hvv_assert_eq "and reads back" "$(rd 100 | sum)" "$(sum </tmp/new)"

# Bad sectors: each request fails, alone.
e0=$(hvv_blk_field errors)
old=$(img 1100 | sum)
hvv_dmesg_mark
hvv_run_fails rd 1028                 # sectors 8224..8231, the first bad
hvv_run_fails rd 1279                 # sectors 10232..10239, the last bad
hvv_run_fails wr 1100 /tmp/new        # sector 8800
hvv_run_fails dd if=/dev/$vd bs=64k skip=64 count=1 iflag=direct status=none # 8192..8319
e1=$(hvv_blk_field errors)
hvv_assert_eq "one error per failed request" $((e1 - e0)) 4
for s in "8224 op 0x0:\(READ\)" "10232 op 0x0:\(READ\)" \
	"8800 op 0x1:\(WRITE\)" "8192 op 0x0:\(READ\)"; do
	hvv_dmesg_expect "I/O error, dev $vd, sector $s"
done
hvv_assert_eq "the failed write changed nothing" "$(img 1100 | sum)" "$old"

# The device goes on: good blocks still read right, nothing more failed.
hvv_assert_eq "good block after the errors" "$(rd 1280 | sum)" "$(img 1280 | sum)"
hvv_assert_eq "no other request failed" "$(hvv_blk_field errors)" "$e1"
hvv_dm_disk_done "$id" "$vd" $DM "$loop"
hvv_unload_all
HVV_DMESG_MARK=$mark
hvv_dmesg_clean
