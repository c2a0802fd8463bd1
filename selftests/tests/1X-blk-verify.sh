#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Data integrity under load: fio writes checksummed blocks (crc32c, with
# fio's own header: offset, length, sequence) over mixed sizes (512 B to
# 128 KiB, unaligned to each other) at queue depths 1 and 32, from two
# jobs on two queues at once, to a file on ext4 (cache none: direct
# I/O), a file on tmpfs (writeback: tmpfs has no direct I/O on 6.1) and
# a block device (a loop device, cache none); fio then
# reads every block back and checks it. The disk is removed and added
# again, and a verify-only pass over the same layout checks that what the
# guest was told is written really is on the backing store. The block
# device runs once more with blk_poll_us=50.
# HVV-NEEDS: fio losetup mkfs.ext4
# HVV-TIMEOUT: 600
. /hvv/lib.sh

SIZE_MB=$((16 / HVV_SLOW + 8))

# fio_verify DEV WHAT [--verify_only]: the layout is the same every time
# (fixed seeds), so a verify-only pass checks what an earlier pass wrote.
fio_verify() {
	_dev=$1 _what=$2
	shift 2
	hvv_log "fio verify: $_what $*"
	fio --output=/tmp/fio.out --filename="$_dev" --direct=1 \
		--ioengine=libaio --size=$((SIZE_MB / 2))M --randrepeat=1 \
		--verify=crc32c --verify_fatal=1 --do_verify=1 \
		--bssplit=512/20:4k/40:12k/10:64k/20:128k/10 \
		--name=qd1 --rw=randwrite --iodepth=1 --offset=0 \
		--name=qd32 --rw=randwrite --iodepth=32 \
		--offset=$((SIZE_MB / 2))M "$@" >/tmp/fio.err 2>&1 ||
		{ cat /tmp/fio.err /tmp/fio.out; hvv_fail "fio verify ($_what $*) failed"; }
	# Every job wrote and checked something, with no error.
	_err=$(sed -n 's/.*err= *\([0-9-]*\).*/\1/p' /tmp/fio.out | sort -u)
	hvv_assert_eq "fio errors ($_what $*)" "$_err" 0
	grep -q 'WRITE: bw=' /tmp/fio.out || [ "$*" = --verify_only ] ||
		hvv_fail "fio wrote nothing ($_what)"
}

# run_backing WHAT BACKING ARGS...: verify, remove, re-add, verify only.
run_backing() {
	_what=$1 _backing=$2
	shift 2
	before=$(hvv_vd_list)
	id=$(hvv_dev_add blk "$_backing" --queues 2 "$@")
	vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
	hvv_assert_eq "two queues ($_what)" \
		"$(ls /sys/block/$vd/mq | wc -l)" 2
	fio_verify /dev/$vd "$_what"
	hvv_run hvisorctl dev del "$id"
	before=$(hvv_vd_list)
	id=$(hvv_dev_add blk "$_backing" "$@")
	vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
	fio_verify /dev/$vd "$_what" --verify_only
	hvv_run hvisorctl dev del "$id"
}

hvv_dmesg_mark
hvv_load_sim

# Root's ext4 (on a loop device) holds the first backing file.
hvv_run dd if=/dev/zero of=/tmp/ext4.img bs=1M count=$((SIZE_MB + 16)) status=none
hvv_run mkfs.ext4 -q /tmp/ext4.img
mkdir -p /mnt/v
hvv_run mount -o loop /tmp/ext4.img /mnt/v
hvv_run dd if=/dev/zero of=/mnt/v/v.img bs=1M count=$SIZE_MB status=none
run_backing "file on ext4, cache none" /mnt/v/v.img --cache none
hvv_run umount /mnt/v

hvv_run dd if=/dev/zero of=/tmp/v.img bs=1M count=$SIZE_MB status=none
run_backing "file on tmpfs, cache writeback" /tmp/v.img --cache writeback

hvv_run dd if=/dev/zero of=/tmp/vloop.img bs=1M count=$SIZE_MB status=none
loop=$(losetup -f) || hvv_fail "no free loop device"
hvv_run losetup "$loop" /tmp/vloop.img
run_backing "block device $loop, cache none" "$loop" --cache none
# Again with the pollers looking at the ring while requests flow and
# holding interrupts meanwhile (blk_poll_us, blk_irq_hold; off by
# default): no answer is lost or late for good, no block wrong.
poll=/sys/module/hvisor_vhost/parameters/blk_poll_us
echo 50 >$poll || hvv_fail "cannot set blk_poll_us"
run_backing "block device $loop, cache none, polled" "$loop" --cache none
echo 0 >$poll || hvv_fail "cannot set blk_poll_us"
hvv_run losetup -d "$loop"

hvv_unload_all
hvv_dmesg_clean
