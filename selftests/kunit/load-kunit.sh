#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of tools/testing/kunit.sh: load the KUnit test module (its
# suites run while it loads) and send the KTAP lines it printed to the
# host on the kernel-log port (ttyS2; on arm64 a virtio-serial port,
# HVV_LOG_DEV) between HVV-KTAP-BEGIN and HVV-KTAP-END.
# HVV-TIMEOUT: 300
. /hvv/lib.sh

[ -f "$HVV_MODDIR/hvisor_vhost_kunit.ko" ] || hvv_fail "hvisor_vhost_kunit.ko not built"
hvv_dmesg_mark
hvv_insmod hvisor_vhost_kunit
{
	echo "HVV-KTAP-BEGIN"
	hvv_dmesg_new | sed 's/^\[[^]]*\] \{0,1\}//'
	echo "HVV-KTAP-END"
} >"${HVV_LOG_DEV:-/dev/ttyS2}"
hvv_rmmod hvisor_vhost_kunit
