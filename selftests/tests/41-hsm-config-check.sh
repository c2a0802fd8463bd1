#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ZONE_START refuses what must not start: a hypervisor speaking another
# zone configuration version (hvisor-tool's own check and, without it,
# the kernel's, whose message names both versions), and configurations
# wrong in one way each (zone ids, counts beyond their arrays, an
# unterminated name, wrapping, unaligned or mistyped regions, a kernel
# outside RAM, RAM the hypervisor does not give to zones).
# HVV-TIMEOUT: 120
. /hvv/lib.sh

hvv_dmesg_mark
hvv_insmod hvisor_vhost hypervisor=sim
hvv_insmod hvisor_vhost_sim config_magic=5
zones=/sys/kernel/debug/hvisor_vhost_sim/zones
base=$(sed -n 's/^mem_base *//p' $zones)

out=$(hsm_tool check)
hvv_assert_eq "the simulated hvisor speaks version 5" "$out" "config version 0x5"
# hvisor-tool checks first and stops (exit 3 here).
out=$(hsm_tool start 3 old "$base" 0x100000 2>&1)
hvv_assert_eq "hvisor-tool's own check stops it" "$?" 3
hvv_assert_match "naming both versions" "$out" 'hvisor-tool is 0x6, hvisor is 0x5'
# Without that check the kernel refuses.
out=$(hsm_tool start-raw 3 old "$base" 0x100000 2>&1) && hvv_fail "started with version 5"
hvv_assert_match "ZONE_START refused" "$out" 'ZONE_START: EPROTO'
hvv_dmesg_expect 'zone 3 not started: simulator speaks zone configuration version 0x5, hvisor_vhost \(like hvisor-tool\) version 0x6'
out=$(hvisorctl zone list)
hvv_assert "zone 3 unknown after the refusal" sh -c "! echo '$out' | grep -q '^3 '"

echo 6 >/sys/module/hvisor_vhost_sim/parameters/config_magic
hvv_run hsm_tool start-raw 3 fixed "$base" 0x100000
hvv_run hsm_tool shutdown 3

# Each wrong in one way: refused with EINVAL and a reason in the log.
hvv_run hsm_tool bad-configs "$base" 0x100000
hvv_dmesg_expect 'zone start refused: zone id 0: guest zones are 1 .. 31'
hvv_dmesg_expect 'zone start refused: 65 memory regions'
hvv_dmesg_expect 'zone start refused: name not NUL-terminated'
hvv_dmesg_expect 'zone start refused: memory region 1: .* wraps around'
hvv_dmesg_expect 'zone start refused: RAM region 0: .* not in whole 4 KiB pages'
hvv_dmesg_expect 'zone start refused: kernel at .* is not inside one RAM region'
hvv_dmesg_expect 'zone 7: RAM region 0 at 0x100000 \+ 0x100000 cannot be zone memory'
out=$(hvisorctl zone list --json)
hvv_assert_match "no zone 7 after the refusals" "$out" '^\[|"zone": 3'
hvv_assert "zone 7 never appeared" sh -c "! echo '$out' | grep -q '\"zone\": 7'"

hvv_unload_all
hvv_dmesg_clean
