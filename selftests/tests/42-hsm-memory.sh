#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# What /dev/hvisor lets a user reach: LOAD_IMAGE writes only memory the
# hypervisor gives to zones (on the simulator, the memory it reserved;
# never root's own RAM), inside one RAM region of a known zone or outside
# all (a zone about to start); mmap maps only RAM of a zone the module
# knows. A mapping keeps the simulator, whose memory it is, loaded.
# HVV-TIMEOUT: 120
. /hvv/lib.sh

hvv_dmesg_mark
hvv_load_sim
zones=/sys/kernel/debug/hvisor_vhost_sim/zones
base=$(sed -n 's/^mem_base *//p' $zones)
end=$((base + $(sed -n 's/^mem_size *//p' $zones)))
hvv_run dd if=/dev/urandom of=/tmp/img bs=4k count=4 status=none

# Root's own RAM, just past the simulator's memory and at 16 MiB.
for pa in $end $((0x1000000)); do
	out=$(hsm_tool load /tmp/img $pa 2>&1) && hvv_fail "LOAD_IMAGE into root's RAM at $pa"
	hvv_assert_match "LOAD_IMAGE at $pa refused" "$out" 'LOAD_IMAGE: EINVAL'
	out=$(hsm_tool mmap $pa 0x1000 2>&1) && hvv_fail "mmap of root's RAM at $pa"
	hvv_assert_match "mmap of $pa refused" "$out" 'mmap: EINVAL'
done
hvv_dmesg_expect 'LOAD_IMAGE 0x[0-9a-f]+ \+ 0x4000 refused: not zone memory on simulator'
# Straddling the end of the simulator's memory.
out=$(hsm_tool load /tmp/img $((end - 0x1000)) 2>&1) && hvv_fail "LOAD_IMAGE across the end"
hvv_assert_match "LOAD_IMAGE across the end refused" "$out" 'EINVAL'

# Zone memory no zone claims yet: a zone about to start may be loaded...
hvv_run hsm_tool load /tmp/img $((base + 0x100000))
# ...but mapped only once the zone is known.
out=$(hsm_tool mmap $((base + 0x100000)) 0x4000 2>&1) && hvv_fail "mmap before the zone started"
hvv_assert_match "mmap of an unknown zone's memory refused" "$out" 'mmap: EINVAL'

hvv_run hsm_tool start-raw 3 small "$base" 0x100000
hvv_run hsm_tool mmap $((base)) 0x100000
out=$(hsm_tool mmap $((base)) 0x101000 2>&1) && hvv_fail "mmap beyond the zone's RAM"
hvv_assert_match "mmap beyond the zone's RAM refused" "$out" 'mmap: EINVAL'
out=$(hsm_tool load /tmp/img $((base + 0xff000)) 2>&1) && hvv_fail "LOAD_IMAGE across the zone's end"
hvv_assert_match "LOAD_IMAGE straddling a zone refused" "$out" 'EINVAL'
hvv_dmesg_expect 'straddles zone 3'
hvv_run hsm_tool load /tmp/img $((base + 0x10000))
hvv_run hsm_tool mmap-cmp $((base + 0x10000)) /tmp/img

# A mapping holds the simulator: its memory cannot be freed under it.
rm -f /tmp/ready
hsm_tool hold $((base)) 0x10000 $((3 * HVV_SLOW)) /tmp/ready & holder=$!
hvv_wait_for /tmp/ready $((10 * HVV_SLOW)) || hvv_fail "the mapping was not made"
hvv_run_fails rmmod hvisor_vhost_sim
hvv_assert "the simulator is still loaded" hvv_loaded hvisor_vhost_sim
wait $holder || hvv_fail "holding the mapping failed"

hvv_run hsm_tool shutdown 3
# A stopped zone's RAM stays known (its restart loads there first).
hvv_run hsm_tool mmap $((base)) 0x1000
hvv_unload_all
hvv_dmesg_clean
