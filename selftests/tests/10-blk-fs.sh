#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# virtio-blk end to end: the simulated guest's virtio_blk probes the disk
# (size, serial), makes an ext4 file system, writes files, syncs and
# unmounts; the device is removed, the image is checked from the root side
# through a loop mount, the device is added again and the guest reads the
# same checksums.
# HVV-NEEDS: mkfs.ext4
# HVV-TIMEOUT: 300
. /hvv/lib.sh

hvv_dmesg_mark
hvv_load_sim

img=/tmp/fs.img
hvv_run dd if=/dev/zero of=$img bs=1M count=48 status=none
before=$(hvv_vd_list)
id=$(hvv_dev_add blk $img --serial hvv-serial-10)
vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
hvv_assert_eq "capacity in sectors" "$(cat /sys/block/$vd/size)" $((48 * 2048))
hvv_assert_eq "serial (GET_ID)" "$(cat /sys/block/$vd/serial)" hvv-serial-10

hvv_run mkfs.ext4 -q /dev/$vd
mkdir -p /mnt/g
hvv_run mount -t ext4 /dev/$vd /mnt/g
hvv_run dd if=/dev/urandom of=/mnt/g/a.bin bs=64k count=80 status=none
hvv_run dd if=/dev/urandom of=/mnt/g/b.bin bs=4k count=333 status=none
mkdir -p /mnt/g/dir
i=0
while [ $i -lt 50 ]; do echo "file $i" >/mnt/g/dir/f$i; i=$((i + 1)); done
sums=$(cd /mnt/g && sha256sum a.bin b.bin dir/f7 dir/f49)
hvv_run sync
hvv_run umount /mnt/g

# Root's view of the same bytes: the image file behind a loop device.
hvv_run hvisorctl dev del "$id"
hvv_assert "the guest disk is gone" test ! -e /dev/$vd
mkdir -p /mnt/root
hvv_run mount -t ext4 -o loop,ro $img /mnt/root
hvv_assert_eq "checksums on the root side" "$(cd /mnt/root && sha256sum a.bin b.bin dir/f7 dir/f49)" "$sums"
hvv_run umount /mnt/root

# And through the device again.
before=$(hvv_vd_list)
id=$(hvv_dev_add blk $img)
vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
hvv_run mount -t ext4 -o ro /dev/$vd /mnt/g
hvv_assert_eq "checksums after re-add" "$(cd /mnt/g && sha256sum a.bin b.bin dir/f7 dir/f49)" "$sums"
hvv_assert_eq "small files" "$(cat /mnt/g/dir/f42)" "file 42"
hvv_run umount /mnt/g

list=$(hvisorctl dev list --json)
hvv_assert_match "requests counted" "$list" '"requests": *[1-9]'
hvv_run hvisorctl dev del "$id"
hvv_unload_all
hvv_dmesg_clean
