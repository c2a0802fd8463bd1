#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Unloading with devices present: hvisor_vhost is refused while the
# simulator uses it; unloading the simulator removes its devices (the
# guest's disks go away cleanly, one with a mounted ext4 a writer is
# busy on: the writer fails, the file system is left without its disk
# and unmounts), then hvisor_vhost unloads.
# HVV-NEEDS: mkfs.ext4
# HVV-TIMEOUT: 240
. /hvv/lib.sh

MNT=/tmp/u-mnt

hvv_dmesg_mark
hvv_load_sim

hvv_run dd if=/dev/zero of=/tmp/u1.img bs=1M count=16 status=none
hvv_run dd if=/dev/zero of=/tmp/u2.img bs=1M count=16 status=none
before=$(hvv_vd_list)
hvv_dev_add blk /tmp/u1.img >/dev/null
vd1=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
before=$(hvv_vd_list)
hvv_dev_add blk /tmp/u2.img >/dev/null
vd2=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
hvv_assert_eq "status counts two devices" \
	"$(hvisorctl status | sed -n 's/^devices *//p')" 2

hvv_run mkfs.ext4 -q /dev/$vd1
mkdir -p $MNT
hvv_run mount -t ext4 -o errors=remount-ro /dev/$vd1 $MNT
hvv_run dd if=/dev/urandom of=$MNT/first bs=64k count=16 conv=fsync status=none
hvv_assert "the file system is mounted" grep -q "^/dev/$vd1 $MNT ext4 rw" /proc/mounts
# The writer: fsync'd rounds until one fails (the disk went away).
(
	i=0
	while dd if=/dev/urandom of=$MNT/f$i bs=64k count=4 conv=fsync status=none 2>/dev/null; do
		i=$((i + 1))
		echo $i >/tmp/u-rounds
	done
) &
writer=$!
n=0
while [ ! -s /tmp/u-rounds ] && [ $n -lt $((300 * HVV_SLOW)) ]; do
	sleep 0.1
	n=$((n + 1))
done
hvv_assert "the writer is running" kill -0 $writer
hvv_assert "the writer finished a round" test -s /tmp/u-rounds

hvv_run_fails rmmod hvisor_vhost
hvv_assert "hvisor_vhost still loaded" hvv_loaded hvisor_vhost
(dd if=/dev/$vd2 of=/dev/null bs=4k iflag=direct status=none 2>/dev/null; true) &
reader=$!
hvv_rmmod hvisor_vhost_sim
wait $reader
n=0
while kill -0 $writer 2>/dev/null && [ $n -lt $((300 * HVV_SLOW)) ]; do
	sleep 0.1
	n=$((n + 1))
done
hvv_assert "the writer ended" sh -c "! kill -0 $writer 2>/dev/null"
wait $writer
hvv_log "the writer did $(cat /tmp/u-rounds) round(s) before its disk went away"
hvv_assert "disk 1 gone" test ! -e /dev/$vd1
hvv_assert "disk 2 gone" test ! -e /dev/$vd2
hvv_assert "the file system is still mounted" grep -q " $MNT ext4 " /proc/mounts
hvv_run_fails dd if=/dev/zero of=$MNT/after bs=4k count=1 conv=fsync status=none
hvv_run umount $MNT
hvv_rmmod hvisor_vhost
hvv_dmesg_clean
