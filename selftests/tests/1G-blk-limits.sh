#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The most devices at once: every one of the simulator's 64 automatic
# slots of zone 1 and of a second zone started through /dev/hvisor holds a
# disk (128 in total), each probed by the guest. A 65th automatic add to
# a full zone fails with ENOSPC's message, an add at a taken address with
# EEXIST's, and neither changes anything. The first and the last disk of
# each zone read back what was written; then the simulator is unloaded
# with all of them present: every disk goes, modules unload, clean log.
# HVV-TIMEOUT: 420
. /hvv/lib.sh

SLOTS=64
zones=/sys/kernel/debug/hvisor_vhost_sim/zones

ndisks() { hvisorctl dev list | grep -c ' blk '; }

# fill ZONE: SLOTS disks in ZONE, each on a 1 MiB file; prints nothing.
fill() {
	_i=0
	while [ $_i -lt $SLOTS ]; do
		_f=lim$1-$_i.img
		dd if=/dev/zero of=$_f bs=64k count=16 status=none ||
			hvv_fail "cannot make $_f"
		hvisorctl dev add blk $_f --zone "$1" --serial "z$1-$_i" >/dev/null ||
			hvv_fail "disk $_i of zone $1 refused"
		_i=$((_i + 1))
	done
}

# rw ZONE I: write and read back disk I of ZONE (by its serial).
rw() {
	_vd=$(hvv_vd_by_serial "z$1-$2")
	hvv_run dd if=/tmp/data of=/dev/$_vd bs=64k oflag=direct status=none
	hvv_run dd if=/dev/$_vd of=/tmp/back bs=64k count=4 iflag=direct status=none
	hvv_assert_eq "zone $1 disk $2 reads back" "$(sha256sum </tmp/back)" \
		"$(sha256sum </tmp/data)"
}

hvv_dmesg_mark
hvv_load_sim
base=$(sed -n 's/^mem_base *//p' $zones)
hvv_run hsm_tool start 2 linux2 "$base" 0x400000
hvv_run dd if=/dev/urandom of=/tmp/data bs=64k count=4 status=none
hvv_run dd if=/dev/zero of=extra.img bs=64k count=16 status=none

for z in 1 2; do
	fill $z
	out=$(hvisorctl dev add blk extra.img --zone $z 2>&1) &&
		hvv_fail "a 65th automatic disk in zone $z was accepted"
	hvv_assert_match "zone $z full: ENOSPC" "$out" 'no room for another device'
	out=$(hvisorctl dev add blk extra.img --zone $z --addr 0xa000000 --irq 32 2>&1) &&
		hvv_fail "a disk at a taken address of zone $z was accepted"
	hvv_assert_match "zone $z: taken address" "$out" 'address already in use'
done
hvv_assert_eq "disks listed" "$(ndisks)" $((2 * SLOTS))
n=$((60 * HVV_SLOW))
until [ "$(hvv_vd_list | wc -l)" -eq $((2 * SLOTS)) ]; do
	[ $n -gt 0 ] || hvv_fail "the guest has $(hvv_vd_list | wc -l) disks, not $((2 * SLOTS))"
	n=$((n - 1))
	sleep 1
done
hvv_log "ok: $((2 * SLOTS)) disks probed by the guest"
for z in 1 2; do
	rw $z 0
	rw $z $((SLOTS - 1))
done

hvv_rmmod hvisor_vhost_sim
hvv_assert_eq "no disk left in the guest" "$(hvv_vd_list | wc -l)" 0
hvv_rmmod hvisor_vhost
hvv_dmesg_clean
