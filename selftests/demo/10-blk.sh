#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The demo (make demo): hvisor_vhost on the simulator serves a disk image
# to the simulated guest, whose own virtio_blk driver sees it as /dev/vdX;
# we make a file system on it, write and read files, then clean up.
# HVV-NEEDS: mkfs.ext4
# HVV-TIMEOUT: 240
. /hvv/lib.sh

step() { printf '\n=== %s\n' "$*"; }

step "Load hvisor_vhost on the simulator, then the simulator"
hvv_insmod hvisor_vhost hypervisor=sim
hvv_insmod hvisor_vhost_sim

step "hvisorctl status"
hvv_run hvisorctl status

step "A 64 MiB disk image, served as a virtio-blk device"
hvv_run dd if=/dev/zero of=/tmp/disk.img bs=1M count=64
before=$(hvv_vd_list)
id=$(hvv_dev_add blk /tmp/disk.img)
[ -n "$id" ] || hvv_fail "no device id from hvisorctl dev add"
vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
hvv_log "the guest's virtio_blk sees /dev/$vd ($(cat /sys/block/$vd/size) sectors)"

step "mkfs.ext4 /dev/$vd, mount it, write and list files"
hvv_run mkfs.ext4 -q /dev/$vd
mkdir -p /mnt/demo
hvv_run mount -t ext4 /dev/$vd /mnt/demo
echo "hello from the simulated guest" >/mnt/demo/hello.txt
hvv_run dd if=/dev/urandom of=/mnt/demo/random.bin bs=1M count=8
sum=$(sha256sum /mnt/demo/random.bin | cut -d' ' -f1)
hvv_run ls -l /mnt/demo
hvv_run df -h /mnt/demo

step "Unmount, mount again, check the data"
hvv_run umount /mnt/demo
echo 3 >/proc/sys/vm/drop_caches
hvv_run mount -t ext4 /dev/$vd /mnt/demo
hvv_assert_eq "hello.txt" "$(cat /mnt/demo/hello.txt)" "hello from the simulated guest"
hvv_assert_eq "sha256 of random.bin" "$(sha256sum /mnt/demo/random.bin | cut -d' ' -f1)" "$sum"

step "hvisorctl dev list"
hvv_run hvisorctl dev list

step "Clean up"
hvv_run umount /mnt/demo
hvv_run hvisorctl dev del "$id"
hvv_unload_all
hvv_dmesg_clean
step "Demo done"
