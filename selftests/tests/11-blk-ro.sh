#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A read-only disk (hvisorctl dev add blk --ro): the guest sees it
# read-only, reads work, writes fail and the image never changes. The
# guest's block layer refuses writes to a read-only disk itself
# (virtio_blk's set_disk_ro, which BLKROSET cannot undo), so the device's
# own refusal is tested through a device-mapper linear map over the
# disk: dm opens it for writing and submits the write bios, which the
# block layer lets through to a read-only disk (it only warns), and the
# device must answer them with VIRTIO_BLK_S_IOERR.
# HVV-NEEDS: dmsetup
# HVV-NEEDS-MODULES: dm-mod
# HVV-TIMEOUT: 180
. /hvv/lib.sh

DM=hvv-ro
sum() { sha256sum | cut -d' ' -f1; }

hvv_dm_ready linear
hvv_dmesg_mark
mark=$HVV_DMESG_MARK
hvv_load_sim

img=/tmp/ro.img
hvv_run dd if=/dev/urandom of=$img bs=1M count=8 status=none
sum=$(sum <$img)
before=$(hvv_vd_list)
id=$(hvv_dev_add blk $img --ro)
vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
hvv_assert_eq "guest sees a read-only disk" "$(cat /sys/block/$vd/ro)" 1
hvv_assert_eq "guest reads the image" "$(sum </dev/$vd)" "$sum"
hvv_run_fails dd if=/dev/zero of=/dev/$vd bs=4k count=1 oflag=direct status=none

# Past the guest's own check: the device must refuse the write.
echo "0 16384 linear /dev/$vd 0" | dmsetup create $DM ||
	hvv_fail "dmsetup create (read-write) over /dev/$vd failed"
for d in /sys/block/dm-*; do
	[ "$(cat "$d/dm/name")" = $DM ] && dm=$d
done
hvv_assert_eq "the map is writable" "$(cat "$dm/ro")" 0
e0=$(hvv_blk_field errors)
hvv_dmesg_mark
hvv_run_fails dd if=/dev/zero of=/dev/mapper/$DM bs=4k seek=3 count=1 oflag=direct status=none
hvv_assert_eq "the device failed the write" $(($(hvv_blk_field errors) - e0)) 1
hvv_dmesg_expect "I/O error, dev $vd, sector 24 op 0x1:\(WRITE\)"
hvv_assert_eq "reads through the map work" \
	"$(dd if=/dev/mapper/$DM bs=64k iflag=direct status=none | sum)" "$sum"
hvv_run dmsetup remove $DM

hvv_assert_eq "image unchanged" "$(sum <$img)" "$sum"
list=$(hvisorctl dev list)
hvv_assert_match "dev list marks it read-only" "$list" '\(ro\)'
hvv_run hvisorctl dev del "$id"

hvv_unload_all
HVV_DMESG_MARK=$mark
hvv_dmesg_clean
