#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Load and unload: without hvisor the module refuses to load and says how
# to use the simulator; with hypervisor=sim it loads, the simulator
# attaches, hvisorctl reports ABI 1 and hypervisor "simulator", bad ioctls
# are refused with clear errors, both modules unload, and the kernel log
# stays free of warnings.
# HVV-TIMEOUT: 120
. /hvv/lib.sh

hvv_dmesg_mark

# No hvisor here (QEMU, no device tree node, no hvisor CPUID signature).
hvv_run_fails insmod "$HVV_MODDIR/hvisor_vhost.ko"
hvv_assert "hvisor_vhost not loaded after the refusal" sh -c '! grep -q "^hvisor_vhost " /proc/modules'
hvv_dmesg_expect 'hvisor_vhost: .*(simulator|hypervisor=sim)'

# The simulator.
hvv_insmod hvisor_vhost hypervisor=sim
hvv_assert "/dev/hvisor-vhost is a character device" test -c /dev/hvisor-vhost
hvv_insmod hvisor_vhost_sim

hvv_need hvisorctl
out=$(hvisorctl status) || hvv_fail "hvisorctl status exited $?: $out"
echo "$out"
hvv_assert_match "abi version" "$out" '^abi version +1$'
hvv_assert_match "hypervisor" "$out" '^hypervisor +simulator$'

# Raw ioctls: unknown numbers, bad pointers, reserved fields.
hvv_run ioctl_bad /dev/hvisor-vhost

hvv_rmmod hvisor_vhost_sim
hvv_rmmod hvisor_vhost
hvv_assert "/dev/hvisor-vhost is gone" test ! -e /dev/hvisor-vhost
hvv_dmesg_clean
