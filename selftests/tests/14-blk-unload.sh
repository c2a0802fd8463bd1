#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Unloading with devices present: hvisor_vhost is refused while the
# simulator uses it; unloading the simulator removes its devices (the
# guest's disks go away cleanly, even with a mounted file system gone
# read-only and I/O running), then hvisor_vhost unloads.
# HVV-NEEDS: mkfs.ext4
# HVV-TIMEOUT: 240
. /hvv/lib.sh

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

hvv_run_fails rmmod hvisor_vhost
hvv_assert "hvisor_vhost still loaded" hvv_loaded hvisor_vhost
(dd if=/dev/$vd1 of=/dev/null bs=4k iflag=direct status=none 2>/dev/null; true) &
hvv_rmmod hvisor_vhost_sim
wait
hvv_assert "disk 1 gone" test ! -e /dev/$vd1
hvv_assert "disk 2 gone" test ! -e /dev/$vd2
hvv_rmmod hvisor_vhost
hvv_dmesg_clean
