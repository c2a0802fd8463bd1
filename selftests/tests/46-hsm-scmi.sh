#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /dev/hvisor's SCMI clock, reset and power ioctls, served from root's
# device tree (the clocks, resets and power-domains of the
# /hvisor_virtio_device node). On arm64 the guest's device tree has the
# node with the virt board's fixed 24 MHz APB clock (selftests/run.sh,
# arm64_dtb): the clock is named, its rate read, enabled and disabled
# again. Without the node (x86_64) every SCMI ioctl answers ENODEV and
# the first logs why, once. Ids past the end answer ENOENT, an unknown
# subcommand EINVAL.
. /hvv/lib.sh

hvv_dmesg_mark
hvv_load_sim
if [ -e /proc/device-tree/hvisor_virtio_device ]; then
	out=$(hsm_tool scmi-count) || hvv_fail "SCMI GET_COUNT: $out"
	hvv_assert_eq "SCMI counts" "$out" "clocks 1 resets 0 power 0"
	out=$(hsm_tool scmi-clock 0) || hvv_fail "SCMI clock 0: $out"
	hvv_log "clock 0: $out"
	hvv_assert_match "clock 0 named and 24 MHz" "$out" \
		'^name [a-z0-9_-]+ rate 24000000 enabled [01] valid 1$'
	hvv_run hsm_tool scmi-bad
else
	for i in 1 2; do
		out=$(hsm_tool scmi-count 2>&1) && hvv_fail "SCMI without a node: $out"
		hvv_assert_match "SCMI without a node" "$out" 'ENODEV'
	done
	n=$(hvv_dmesg_new | grep -c 'SCMI: no /hvisor_virtio_device node' || true)
	hvv_assert_eq "one log line for two refused requests" "$n" 1
fi
hvv_unload_all
hvv_dmesg_clean
