#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# hvisorctl zone del refuses the simulator's own zone. hvisorctl zone mem
# add refuses memory another region already uses: the
# same root memory for two zones, or twice for one zone at two guest
# addresses, and overlapping guest addresses within a zone. A refused add
# leaves no empty zone behind. The memory is a free piece of the guest's
# physical address space (no RAM, no device): mapped, never touched.
# Where the kernel has ZONE_DEVICE, memory aligned to 2 MiB gets struct
# pages (block I/O into it can be direct), gives them back when its zone
# goes and gets them again; other memory is only mapped, and says why.
# Without a hypervisor nothing is mapped.
# HVV-TIMEOUT: 90
. /hvv/lib.sh

# A 4 MiB range no /proc/iomem entry (but PCI bus windows) touches.
free_range() {
	for cand in 0x80000000 0xa0000000 0xc0000000 0x200000000; do
		lo=$((cand)); hi=$((cand + 0x400000 - 1)); used=0
		while IFS= read -r line; do
			case $line in *": PCI Bus "*) continue ;; esac
			range=${line%% : *}
			range=${range#"${range%%[! ]*}"}
			s=$((0x${range%-*})); e=$((0x${range#*-}))
			[ "$s" -le "$hi" ] && [ "$lo" -le "$e" ] && used=1 && break
		done </proc/iomem
		[ $used = 0 ] && { printf '0x%x\n' "$lo"; return 0; }
	done
	return 1
}

zones() { hvisorctl status | sed -n 's/^zones *//p'; }

hvv_dmesg_mark
hvv_load_sim
base=$(free_range) || hvv_skip "no free physical range in /proc/iomem"
half=$(printf '0x%x' $((base + 0x100000)))
next=$(printf '0x%x' $((base + 0x200000)))
hvv_log "free physical range at $base"
hvv_assert_eq "the simulator's zone" "$(zones)" 1
# Its RAM is the simulator's: deleting it (then re-creating zone 1 with
# other memory) would leave its running guest's rings outside the zone.
out=$(hvisorctl zone del 1 2>&1) && hvv_fail "the simulator's zone 1 was deleted"
hvv_assert_match "zone 1 refused as busy" "$out" 'has devices or runs'
hvv_assert_eq "the simulator's zone stays" "$(zones)" 1

# struct_pages RANGE: the kernel log says RANGE got ZONE_DEVICE pages, or
# that the kernel has none (mm/memremap.c is built only with them).
struct_pages() {
	if grep -q ' memremap_pages$' /proc/kallsyms; then
		hvv_dmesg_expect "guest RAM $1: struct pages \\(ZONE_DEVICE\\)"
	else
		hvv_dmesg_expect "guest RAM $1: no struct pages \\(kernel without CONFIG_ZONE_DEVICE\\)"
	fi
}

hvv_run hvisorctl zone mem add 5 "$base" 0x10000000 2M
hvv_assert_eq "zone 5 exists" "$(zones)" 2
struct_pages "$base\\+0x200000"

# refused NAME ARGS...: the add fails as an overlap and no zone appears.
refused() {
	_what=$1
	shift
	_out=$(hvisorctl zone mem add "$@" 2>&1) &&
		hvv_fail "$_what: zone mem add $* succeeded"
	hvv_assert_match "$_what: refused as an overlap" "$_out" 'overlaps'
	hvv_assert_eq "$_what: no zone left behind" "$(zones)" 2
}
refused "same root memory, another zone" 6 "$base" 0x10000000 2M
refused "root memory half inside, another zone" 6 "$half" 0x20000000 2M
refused "same root memory, same zone, other guest address" 5 "$base" 0x30000000 1M
refused "guest addresses overlap in the zone" 5 "$next" 0x10100000 1M
hvv_dmesg_expect "overlaps memory of zone 5"
# Root's own RAM is still refused, without a zone left behind.
ram=$(printf '0x%x' $((0x$(sed -n 's/^ *\([0-9a-f]*\)-.* : System RAM$/\1/p' /proc/iomem | tail -n 1))))
out=$(hvisorctl zone mem add 7 "$ram" 0x10000000 1M 2>&1) &&
	hvv_fail "root's RAM at $ram accepted"
hvv_log "root's RAM: $out"
hvv_assert_eq "root's RAM: no zone left behind" "$(zones)" 2

# Right after it is fine, in the zone and (once) in another one.
hvv_run hvisorctl zone mem add 5 "$next" 0x10200000 1M
hvv_run hvisorctl zone mem add 6 "$(printf '0x%x' $((base + 0x300000)))" 0x10000000 1M
hvv_assert_eq "zones 5 and 6" "$(zones)" 3
if grep -q ' memremap_pages$' /proc/kallsyms; then
	hvv_dmesg_expect "guest RAM $next\\+0x100000: no struct pages \\(not aligned to 2 MiB\\)"
fi

# Once zone 5 is gone its memory (and its struct pages) can be given
# again.
hvv_run hvisorctl zone del 5
hvv_run hvisorctl zone mem add 6 "$base" 0x20000000 2M
n=$(hvv_dmesg_new | grep -c "guest RAM $base+0x200000: " || true)
hvv_assert_eq "2 MiB at $base mapped twice" "$n" 2
struct_pages "$base\\+0x200000"
hvv_run hvisorctl zone del 6
hvv_assert_eq "only the simulator's zone" "$(zones)" 1

# Without a hypervisor memory is refused before it is mapped.
hvv_rmmod hvisor_vhost_sim
n0=$(hvv_dmesg_new | grep -c "guest RAM $base" || true)
out=$(hvisorctl zone mem add 5 "$base" 0x10000000 2M 2>&1) &&
	hvv_fail "zone mem add without a hypervisor succeeded"
hvv_assert_match "refused without a hypervisor" "$out" 'no hypervisor'
n=$(hvv_dmesg_new | grep -c "guest RAM $base" || true)
hvv_assert_eq "nothing mapped without a hypervisor" "$n" "$n0"
hvv_unload_all
hvv_dmesg_clean
