#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A backing file on a full file system: a sparse 8 MiB image whose first
# MiB is allocated, on a file system filled up by another file. Twice: a
# 4 MiB tmpfs (buffered I/O on 6.1's tmpfs) and an ext4 on a loop device
# (direct I/O, cache=none). The guest reads the whole disk (holes read
# as zeroes), overwrites the allocated MiB, and a write into a hole fails
# with EIO (ENOSPC in the backing: VIRTIO_BLK_S_IOERR, one error, the
# guest logs it for exactly that sector) while the device goes on; once
# the filler is deleted the same write succeeds. Nothing hangs, nothing
# leaks (kmemleak on the debug kernel).
# HVV-NEEDS: mkfs.ext4
# HVV-TIMEOUT: 300
. /hvv/lib.sh

MNT=/tmp/full
sum() { sha256sum | cut -d' ' -f1; }
# full KIND: the test on a full file system of KIND (tmpfs or ext4)
full() {
	img=$MNT/disk.img
	hvv_run dd if=/tmp/a of=$img bs=64k status=none
	hvv_run dd if=/dev/zero of=$img bs=1M seek=8 count=0 status=none
	# Fill the file system; the last write fails for want of room.
	dd if=/dev/zero of=$MNT/filler bs=64k status=none 2>/dev/null &&
		hvv_fail "$1: filling the file system never ran out of room"
	sync
	# and what a 64 KiB write could not take
	dd if=/dev/zero of=$MNT/filler2 bs=4k status=none 2>/dev/null
	sync
	hvv_log "$1: $(df -k $MNT | tail -n 1)"
	hvv_run_fails dd if=/dev/zero of=$img bs=4k seek=1024 count=1 conv=notrunc status=none
	before=$(hvv_vd_list)
	id=$(hvv_dev_add blk $img)
	vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
	hvv_log "$1: $(hvisorctl dev list | grep disk.img)"

	hvv_assert_eq "$1: the whole disk reads" \
		"$(dd if=/dev/$vd bs=64k iflag=direct status=none | sum)" "$(sum <$img)"
	hvv_run dd if=/tmp/b of=/dev/$vd bs=64k oflag=direct conv=notrunc status=none
	hvv_assert_eq "$1: the allocated MiB was overwritten" \
		"$(dd if=$img bs=64k count=16 status=none | sum)" "$(sum </tmp/b)"
	e0=$(hvv_blk_field errors)
	hvv_dmesg_mark
	# 4 KiB at 4 MiB, in a hole: sector 8192.
	hvv_run_fails dd if=/tmp/b of=/dev/$vd bs=4k seek=1024 count=1 oflag=direct conv=notrunc status=none
	hvv_assert_eq "$1: one failed request" $(($(hvv_blk_field errors) - e0)) 1
	hvv_dmesg_expect "I/O error, dev $vd, sector 8192 op 0x1:\(WRITE\)"
	hvv_assert_eq "$1: the hole still reads as zeroes" \
		"$(dd if=/dev/$vd bs=4k skip=1024 count=1 iflag=direct status=none | sum)" \
		"$(dd if=/dev/zero bs=4k count=1 status=none | sum)"
	hvv_assert_eq "$1: the overwritten MiB reads back" \
		"$(dd if=/dev/$vd bs=64k count=16 iflag=direct status=none | sum)" "$(sum </tmp/b)"

	# Room again: the same write succeeds on the same device.
	hvv_run rm $MNT/filler $MNT/filler2
	sync
	hvv_run dd if=/tmp/b of=/dev/$vd bs=4k seek=1024 count=1 oflag=direct conv=notrunc status=none
	hvv_assert_eq "$1: with room the write reached the image" \
		"$(dd if=$img bs=4k skip=1024 count=1 status=none | sum)" \
		"$(dd if=/tmp/b bs=4k count=1 status=none | sum)"
	hvv_assert_eq "$1: no other error" $(($(hvv_blk_field errors) - e0)) 1
	hvv_assert_eq "$1: nothing in flight" "$(hvv_blk_field in_flight)" 0
	hvv_run hvisorctl dev del "$id"
	hvv_assert "$1: the guest disk is gone" test ! -e /dev/$vd
}

hvv_dmesg_mark
mark=$HVV_DMESG_MARK
hvv_load_sim
hvv_run dd if=/dev/urandom of=/tmp/a bs=64k count=16 status=none
hvv_run dd if=/dev/urandom of=/tmp/b bs=64k count=16 status=none
mkdir -p $MNT

hvv_run mount -t tmpfs -o size=4m tmpfs $MNT
full tmpfs
hvv_run umount $MNT

hvv_run dd if=/dev/zero of=/tmp/fs.img bs=1M count=16 status=none
loop=$(losetup -f)
hvv_run losetup "$loop" /tmp/fs.img
hvv_run mkfs.ext4 -q -b 4096 -m 0 "$loop"
hvv_run mount -t ext4 "$loop" $MNT
full ext4
hvv_run umount $MNT
hvv_run losetup -d "$loop"

hvv_unload_all
HVV_DMESG_MARK=$mark
hvv_dmesg_clean
