#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A read-only disk (hvisorctl dev add blk --ro): the guest sees it
# read-only, reads work, forced writes fail and the image never changes.
# HVV-TIMEOUT: 180
. /hvv/lib.sh

hvv_dmesg_mark
hvv_load_sim

img=/tmp/ro.img
hvv_run dd if=/dev/urandom of=$img bs=1M count=8 status=none
sum=$(sha256sum $img | cut -d' ' -f1)
before=$(hvv_vd_list)
id=$(hvv_dev_add blk $img --ro)
vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
hvv_assert_eq "guest sees a read-only disk" "$(cat /sys/block/$vd/ro)" 1
hvv_assert_eq "guest reads the image" "$(sha256sum /dev/$vd | cut -d' ' -f1)" "$sum"
hvv_run_fails dd if=/dev/zero of=/dev/$vd bs=4k count=1 oflag=direct status=none
# Make the block layer let a write through: the device must refuse it.
blockdev --setrw /dev/$vd 2>/dev/null || true
if [ "$(cat /sys/block/$vd/ro)" = 0 ]; then
	hvv_run_fails dd if=/dev/zero of=/dev/$vd bs=4k count=1 oflag=direct status=none
fi
hvv_assert_eq "image unchanged" "$(sha256sum $img | cut -d' ' -f1)" "$sum"
list=$(hvisorctl dev list)
hvv_assert_match "dev list marks it read-only" "$list" '\(ro\)'
hvv_run hvisorctl dev del "$id"

hvv_unload_all
hvv_dmesg_clean
