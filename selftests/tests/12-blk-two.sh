#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Two disks at once, one of them with two queues (VIRTIO_BLK_F_MQ): raw
# random data written by the guest to each lands in the right image, and
# concurrent I/O to both completes.
# HVV-TIMEOUT: 240
. /hvv/lib.sh

hvv_dmesg_mark
hvv_load_sim

hvv_run dd if=/dev/zero of=/tmp/one.img bs=1M count=16 status=none
hvv_run dd if=/dev/zero of=/tmp/two.img bs=1M count=24 status=none
before=$(hvv_vd_list)
id1=$(hvv_dev_add blk /tmp/one.img)
vd1=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
before=$(hvv_vd_list)
id2=$(hvv_dev_add blk /tmp/two.img --queues 2)
vd2=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
hvv_assert_eq "second disk has two queues" "$(ls /sys/block/$vd2/mq | wc -l)" 2

hvv_run dd if=/dev/urandom of=/tmp/d1 bs=1M count=16 status=none
hvv_run dd if=/dev/urandom of=/tmp/d2 bs=1M count=24 status=none
dd if=/tmp/d1 of=/dev/$vd1 bs=64k oflag=direct status=none &
p1=$!
dd if=/tmp/d2 of=/dev/$vd2 bs=128k oflag=direct status=none &
p2=$!
wait $p1 || hvv_fail "write to $vd1 failed"
wait $p2 || hvv_fail "write to $vd2 failed"
hvv_run sync
hvv_assert_eq "image one" "$(sha256sum /tmp/one.img | cut -d' ' -f1)" "$(sha256sum /tmp/d1 | cut -d' ' -f1)"
hvv_assert_eq "image two" "$(sha256sum /tmp/two.img | cut -d' ' -f1)" "$(sha256sum /tmp/d2 | cut -d' ' -f1)"
echo 3 >/proc/sys/vm/drop_caches
hvv_assert_eq "guest reads disk one" "$(sha256sum /dev/$vd1 | cut -d' ' -f1)" "$(sha256sum /tmp/d1 | cut -d' ' -f1)"
hvv_assert_eq "guest reads disk two" "$(sha256sum /dev/$vd2 | cut -d' ' -f1)" "$(sha256sum /tmp/d2 | cut -d' ' -f1)"

hvv_run hvisorctl dev del "$id1"
hvv_run hvisorctl dev del "$id2"
hvv_unload_all
hvv_dmesg_clean
