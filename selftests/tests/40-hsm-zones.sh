#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# hvisor-tool's /dev/hvisor on the simulator, with hvisor-tool's own ioctl
# sequence and structures (selftests/progs/hsm_tool.c): CONFIG_CHECK,
# LOAD_IMAGE of a kernel and a device tree, ZONE_START, ZONE_LIST (hvisor's
# view) and "hvisorctl zone list" (ours), the loaded bytes read back
# through mmap, a second start of a running zone refused, ZONE_SHUTDOWN,
# a restart of the same zone, the other ioctls (ECAM base, boot mode,
# de-assert, FINISH_REQ, and the ones not served answering clearly).
# HVV-TIMEOUT: 120
. /hvv/lib.sh

hvv_dmesg_mark
hvv_load_sim
hvv_assert "/dev/hvisor is a character device" test -c /dev/hvisor

# The memory the simulator reserved for zones.
zones=/sys/kernel/debug/hvisor_vhost_sim/zones
base=$(sed -n 's/^mem_base *//p' $zones)
size=$(sed -n 's/^mem_size *//p' $zones)
hvv_assert "memory reserved for zones" test -n "$base" -a $((size)) -ge $((0x400000))
hvv_log "zone memory at $base + $size"

out=$(hsm_tool check) || hvv_fail "CONFIG_CHECK: $out"
hvv_assert_eq "CONFIG_CHECK" "$out" "config version 0x6"

hvv_run dd if=/dev/urandom of=/tmp/Image bs=64k count=16 status=none
hvv_run dd if=/dev/urandom of=/tmp/zone.dtb bs=1k count=9 status=none
hvv_run hsm_tool start 2 linux2 "$base" 0x400000 /tmp/Image /tmp/zone.dtb
hvv_dmesg_expect 'zone 2 \(linux2\) started, 1 RAM region'

out=$(hsm_tool list) || hvv_fail "ZONE_LIST: $out"
echo "$out"
hvv_assert_match "hvisor lists root" "$out" '^zone 0 cpus 0x[0-9a-f]+ name root-linux status running$'
hvv_assert_match "hvisor lists zone 2" "$out" '^zone 2 cpus 0x3 name linux2 status running$'
out=$(hvisorctl zone list) || hvv_fail "hvisorctl zone list: $out"
echo "$out"
hvv_assert_match "hvisorctl shows zone 2" "$out" '^2 +linux2 +running +0,1 +0 '
hvv_assert_match "and zone 1 of the simulator" "$out" '^1 +- +- +- +0 '
json=$(hvisorctl zone list --json)
hvv_assert_match "zone list --json" "$json" '"name": "linux2"'

# What LOAD_IMAGE wrote, through mmap of the zone's RAM.
hvv_run hsm_tool mmap-cmp $((base + 0x200000)) /tmp/Image
hvv_run hsm_tool mmap-cmp $((base)) /tmp/zone.dtb

out=$(hsm_tool start 2 linux2 "$base" 0x400000 2>&1) && hvv_fail "second start succeeded"
hvv_assert_match "a running zone is not started twice" "$out" 'ZONE_START: EEXIST'

hvv_run hsm_tool others 2
out=$(hvisorctl zone del 2 2>&1) && hvv_fail "a running zone was forgotten"
hvv_assert_match "a running zone is not forgotten" "$out" 'zone del 2: '
hvv_dmesg_expect 'virtio daemon attached'
hvv_dmesg_expect 'virtio daemon detached'

hvv_run hsm_tool shutdown 2
hvv_dmesg_expect 'zone 2 shut down; its 0 device'
out=$(hsm_tool list)
hvv_assert "zone 2 no longer listed by hvisor" sh -c "! echo '$out' | grep -q '^zone 2 '"
out=$(hvisorctl zone list)
hvv_assert_match "hvisorctl shows zone 2 stopped" "$out" '^2 +linux2 +stopped '
out=$(hsm_tool shutdown 2 2>&1) && hvv_fail "second shutdown succeeded"
hvv_assert_match "a stopped zone is not shut down twice" "$out" 'ZONE_SHUTDOWN: ENOENT'
out=$(hsm_tool shutdown 0 2>&1) && hvv_fail "root shut down"
hvv_assert_match "root cannot be shut down" "$out" 'ZONE_SHUTDOWN: EINVAL'

# Restart: the same configuration, new images.
hvv_run dd if=/dev/urandom of=/tmp/Image2 bs=64k count=8 status=none
hvv_run hsm_tool start 2 linux2 "$base" 0x400000 /tmp/Image2
hvv_run hsm_tool mmap-cmp $((base + 0x200000)) /tmp/Image2
out=$(hvisorctl zone list)
hvv_assert_match "zone 2 runs again" "$out" '^2 +linux2 +running '
hvv_run hsm_tool shutdown 2

# A stopped zone without devices can be forgotten.
hvv_run hvisorctl zone del 2
out=$(hvisorctl zone list)
hvv_assert "zone 2 forgotten" sh -c "! echo '$out' | grep -q '^2 '"

hvv_unload_all
hvv_dmesg_clean
