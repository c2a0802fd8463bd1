#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Block I/O into zone RAM that is not root's memory, as a zone's RAM is
# on hvisor. The test VM boots with 8 MiB of RAM the kernel leaves alone
# (run.sh: memmap= on x86, mem= on arm64; HVV_ZONE_RAM says where); the
# fuzzer module plays hypervisor and guest with its zone's RAM in there
# (ram_pa=) and "hvisorctl zone mem add" gives that RAM to zone 1, so the
# module maps it itself: with struct pages (ZONE_DEVICE) where the kernel
# has them, and then a disk with cache none does direct I/O into them.
# The fuzzer's tame guest (tests/fuzz_verify.c) writes seeded extents to
# a disk on a loop device from buffers that cross the 2 MiB boundary in
# the middle of the RAM, reads them back into other buffers and compares
# them, flushes, and reads past the end (IOERR); the disk must not have
# fallen back to the page cache. Then 10 s of the hostile guest on the
# same RAM (the guard pages around it are that memory too), and
# everything goes away cleanly: the struct pages with the zone, so the
# memory gets them again. Without ZONE_DEVICE the same data must
# arrive, buffered.
# (losetup: busybox's, in every userland)
# HVV-TIMEOUT: 240
. /hvv/lib.sh

dbg=/sys/kernel/debug/hvisor_vhost_fuzz
gpa=0x40000000

[ -n "${HVV_ZONE_RAM:-}" ] || hvv_skip "run.sh set aside no zone RAM (HVV_ZONE_RAM)"
base=$((${HVV_ZONE_RAM% *})) size=$((${HVV_ZONE_RAM#* }))
[ "$size" -ge $((8 << 20)) ] || hvv_fail "HVV_ZONE_RAM=$HVV_ZONE_RAM: the test needs 8 MiB"
# None of it may be root's RAM (the module would refuse it anyway).
while IFS= read -r line; do
	case $line in *" : System RAM") ;; *) continue ;; esac
	range=${line%% : *}
	range=${range#"${range%%[! ]*}"}
	s=$((0x${range%-*})) e=$((0x${range#*-}))
	[ "$s" -ge $((base + size)) ] || [ "$e" -lt "$base" ] ||
		hvv_fail "HVV_ZONE_RAM=$HVV_ZONE_RAM overlaps root's RAM: $line"
done </proc/iomem
# The zone's 4 MiB, 2 MiB in: the fuzzer's guards lie below and above.
pa=$(printf '0x%x' $((base + (2 << 20))))
hvv_log "zone RAM at $pa + 4 MiB, in $HVV_ZONE_RAM"

hvv_dmesg_mark
hvv_insmod hvisor_vhost hypervisor=sim
hvv_insmod hvisor_vhost_fuzz ram_pa="$pa" ram_kb=4096 secs=10 threads=2
hvv_wait_for /dev/hvisor-vhost 10 || hvv_fail "/dev/hvisor-vhost missing"
hvv_run hvisorctl zone mem add 1 "$pa" $gpa 4M
if grep -q ' memremap_pages$' /proc/kallsyms; then
	pages=1
	hvv_dmesg_expect "guest RAM $pa\\+0x400000: struct pages \\(ZONE_DEVICE\\)"
else
	pages=0
	hvv_dmesg_expect "guest RAM $pa\\+0x400000: no struct pages"
fi

hvv_run dd if=/dev/zero of=/tmp/zr.img bs=1M count=16 status=none
loop=$(losetup -f)
hvv_run losetup "$loop" /tmp/zr.img
blk=$(hvv_dev_add blk "$loop")
hvv_assert_match "cache none on $loop" "$(hvisorctl dev list)" "$loop \\[cache=none\\]"

hvv_log "+ echo 300 > $dbg/verify"
echo 300 >$dbg/verify || { hvv_dmesg_new | grep 'verify' || true; hvv_fail "the tame guest's data did not come back"; }
hvv_dmesg_expect "verify: seed=0x[0-9a-f]+ device $blk: 300 extents \\([0-9]+ KiB\\) written and read back, [1-9][0-9]* flushes, a read past the end: ok"
list=$(hvisorctl dev list)
echo "$list"
if [ $pages = 1 ]; then
	hvv_assert_match "direct I/O only (ZONE_DEVICE pages)" "$list" "$loop \\[cache=none\\]\$"
else
	hvv_assert_match "buffered (no struct pages)" "$list" "$loop \\[cache=none,buffered\\]"
fi

hvv_log "+ echo 1 > $dbg/run (10 s)"
if echo 1 >$dbg/run; then rc=0; else rc=1; fi
res=$(cat $dbg/result)
echo "$res"
[ "$rc" = 0 ] || hvv_fail "the hostile guest's run failed"
hvv_assert_match "run result" "$res" 'result ok'

hvv_run hvisorctl dev del "$blk"
# The zone goes with its hypervisor, and its memory's struct pages with
# it: the memory can be given again and gets them again.
hvv_rmmod hvisor_vhost_fuzz
hvv_insmod hvisor_vhost_fuzz ram_pa="$pa" ram_kb=4096
hvv_run_fails hvisorctl zone del 1
hvv_run hvisorctl zone mem add 1 "$pa" $gpa 4M
n=$(hvv_dmesg_new | grep -c "guest RAM $pa+0x400000: struct pages" || true)
hvv_assert_eq "$pa mapped with struct pages twice" "$n" $((2 * pages))
hvv_run hvisorctl zone del 1
hvv_rmmod hvisor_vhost_fuzz
hvv_unload_all
hvv_run losetup -d "$loop"
rm -f /tmp/zr.img
hvv_dmesg_clean
