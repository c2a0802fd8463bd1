#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# hvisor-tool's hvisor.ko loaded first (played by hvisor_vhost_squat.ko,
# which takes the misc device name "hvisor"): hvisor_vhost.ko still
# loads, says once why there is no /dev/hvisor of its own, and serves its
# devices through /dev/hvisor-vhost; once the other module is gone and
# hvisor_vhost reloaded, /dev/hvisor is its own.
# HVV-TIMEOUT: 120
. /hvv/lib.sh

hvv_dmesg_mark
hvv_insmod hvisor_vhost_squat
hvv_assert "the other module's /dev/hvisor" test -c /dev/hvisor
hvv_load_sim
hvv_dmesg_expect '/dev/hvisor belongs to another module \(hvisor-tool.s hvisor.ko\?\): serving /dev/hvisor-vhost only'
hvv_assert_eq "said once" "$(hvv_dmesg_new | grep -c 'belongs to another module')" 1
out=$(hsm_tool check 2>&1) && hvv_fail "our CONFIG_CHECK answered on the other module's device"
hvv_log "the other module's device answers: $out"

hvv_run dd if=/dev/zero of=/tmp/d.img bs=1M count=4 status=none
before=$(hvv_vd_list)
id=$(hvv_dev_add blk /tmp/d.img)
vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
hvv_run dd if=/dev/$vd of=/dev/null bs=64k count=4 status=none
hvv_run hvisorctl zone list
hvv_run hvisorctl dev del "$id"
hvv_unload_all
hvv_rmmod hvisor_vhost_squat

hvv_load_sim
out=$(hsm_tool check) || hvv_fail "CONFIG_CHECK: $out"
hvv_assert_eq "/dev/hvisor is ours now" "$out" "config version 0x6"
hvv_unload_all
hvv_dmesg_clean
