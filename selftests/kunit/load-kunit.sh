#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of tools/testing/kunit.sh: load the KUnit test module (its
# suites run while it loads) and send the KTAP lines it printed to the
# host on the log channel (HVV_LOG_DEV: ttyS2, or on arm64 /dev/kmsg,
# one record per line) between HVV-KTAP-BEGIN and HVV-KTAP-END.
# HVV-TIMEOUT: 300
. /hvv/lib.sh

[ -f "$HVV_MODDIR/hvisor_vhost_kunit.ko" ] || hvv_fail "hvisor_vhost_kunit.ko not built"
hvv_dmesg_mark
hvv_insmod hvisor_vhost_kunit
ktap() {
	echo "HVV-KTAP-BEGIN"
	hvv_dmesg_new | sed 's/^\[[^]]*\] \{0,1\}//'
	echo "HVV-KTAP-END"
}
if [ "${HVV_LOG_DEV:-}" = /dev/kmsg ]; then
	# Taken whole first: what goes to /dev/kmsg lands in dmesg too.
	ktap >ktap.txt
	while IFS= read -r l; do printf '%s\n' "$l" >/dev/kmsg; done <ktap.txt
else
	ktap >"${HVV_LOG_DEV:-/dev/ttyS2}"
fi
hvv_rmmod hvisor_vhost_kunit
