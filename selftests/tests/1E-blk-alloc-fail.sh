#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Allocation failures (failslab and fail_page_alloc; the debug kernel,
# skipped elsewhere) in every phase of a blk device's life:
# - dev add: with the guest driver's automatic probe off (so that the
#   ioctl runs only hvisor_vhost's and the simulator's code), the N-th
#   allocation of the DEV_ADD ioctl fails, for N = 1, 2, ... until the
#   ioctl makes fewer than N (/proc/thread-self/fail-nth, progs/failnth):
#   each either fails with ENOMEM and leaves no device behind (neither in
#   hvisor_vhost nor on the guest's virtio bus), or succeeds (a failure
#   the code absorbs, such as kvmalloc's fallback) with a device listed
#   as "init" (acknowledged, no driver yet) that a plain dev del removes; the
#   guest driver binds to the device of the last round (nothing
#   injected) and reads the image;
# - dev del: the same for DEV_DEL: a removal that fails leaves a device
#   a plain dev del removes;
# - I/O and reset: for a bounded number of failures (times), with some
#   probability, allocations of the kernel workers that serve the device
#   (unbound and high-priority kworkers, make-it-fail) fail while the
#   guest writes 4 KiB blocks and then unbinds and rebinds its driver (a
#   device reset). Each write the guest saw fail is exactly one request
#   the device counts as failed, each write that succeeded is in the
#   image, the others left the old data or the new; afterwards the disk
#   works and reads the image.
# Failures are injected only between hvv_fault_begin and hvv_fault_end;
# the kernel log must stay clean apart from what injected failures print
# there (lib.sh), and nothing may leak (kmemleak scan after the run).
# HVV-TIMEOUT: 900
. /hvv/lib.sh

D=/sys/kernel/debug
IMG=/tmp/af.img
AUTOPROBE=/sys/bus/virtio/drivers_autoprobe
BLKDRV=/sys/bus/virtio/drivers/virtio_blk
MAX=400
sum() { sha256sum | cut -d' ' -f1; }
ndev() { hvisorctl status | sed -n 's/^devices *//p'; }
virtio_devs() { ls /sys/bus/virtio/devices; }
# same_block B FILE1 FILE2: 4 KiB block B is the same in both (one process)
same_block() { cmp -s -n 4096 "$2" "$3" $(($1 * 4096)) $(($1 * 4096)); }
inject_setup() { # inject_setup PROBABILITY TIMES TASK_FILTER
	for a in failslab fail_page_alloc; do
		echo 0 >$D/$a/probability
		echo N >$D/$a/ignore-gfp-wait
		echo 1 >$D/$a/verbose
		echo 1 >$D/$a/interval
		echo 0 >$D/$a/space
		echo "$3" >$D/$a/task-filter
		echo "$2" >$D/$a/times
		echo "$1" >$D/$a/probability
	done
	echo N >$D/fail_page_alloc/ignore-gfp-highmem
	echo 0 >$D/fail_page_alloc/min-order
}
inject_off() {
	for a in failslab fail_page_alloc; do echo 0 >$D/$a/probability; done
}
# mark_workers 0|1: make-it-fail of the workers our devices' work runs on
mark_workers() {
	for p in /proc/[0-9]*; do
		case $(cat "$p/comm" 2>/dev/null) in
		kworker/u* | kworker/*H*) echo "$1" >"$p/make-it-fail" 2>/dev/null ;;
		esac
	done
}
cleanup() {
	inject_off
	mark_workers 0
	echo 1 >$AUTOPROBE
}
# bind_new BEFORE: bind virtio_blk to the virtio device not in BEFORE
bind_new() {
	for v in $(virtio_devs); do
		case " $(echo $1) " in *" $v "*) continue ;; esac
		[ -e /sys/bus/virtio/devices/$v/driver ] || echo "$v" >$BLKDRV/bind
		return 0
	done
	hvv_fail "no new virtio device"
}
# works ID BEFORE_VD BEFORE_VIRTIO: device ID serves the image, then goes
works() {
	bind_new "$3" || hvv_fail "binding the guest driver failed"
	vd=$(hvv_wait_new_vd "$2" $((10 * HVV_SLOW)))
	[ "$(dd if=/dev/$vd bs=64k iflag=direct status=none | sum)" = "$want" ] ||
		hvv_fail "device $1 does not read the image"
	hvisorctl dev del "$1" >/dev/null || hvv_fail "dev del $1 failed"
}

[ -d $D/failslab ] && [ -d $D/fail_page_alloc ] ||
	hvv_skip "no failslab/fail_page_alloc in debugfs (the debug kernel has them)"
[ -w /proc/thread-self/fail-nth ] || hvv_skip "no /proc/thread-self/fail-nth"
hvv_dmesg_mark
hvv_load_sim
trap cleanup EXIT
hvv_run dd if=/dev/urandom of=$IMG bs=64k count=64 status=none
want=$(sum <$IMG)

# ---- dev add, each allocation failing in turn ----
echo 0 >$AUTOPROBE
inject_setup 0 -1 N
n=1 errs=0 absorbed=0
while :; do
	[ $n -le $MAX ] || hvv_fail "dev add: still injecting after $MAX allocations"
	bv=$(hvv_vd_list) bvirt=$(virtio_devs)
	hvv_fault_begin
	out=$(failnth $n add $IMG) || hvv_fail "failnth $n add: $out"
	hvv_fault_end
	case $out in
	*result=err*)
		case $out in
		"injected=1 result=err errno=12 "*) ;;
		*) hvv_fail "dev add, allocation $n failing: $out (want ENOMEM)" ;;
		esac
		[ "$(ndev)" = 0 ] || hvv_fail "dev add, allocation $n failing: a device was left behind"
		[ "$(virtio_devs)" = "$bvirt" ] ||
			hvv_fail "dev add, allocation $n failing: the guest side was left behind"
		errs=$((errs + 1)) ;;
	"injected=1 result=ok id="*)
		# Cheap on the slow kernel: listed, and a plain dev del removes
		# it (the guest driver binds to the last one, which reads).
		id=${out##*id=}
		# register_virtio_device() sets ACKNOWLEDGE: "init", no driver.
		hvisorctl dev list | grep -q "^$id  *blk .* init " ||
			hvv_fail "dev add, allocation $n failing (absorbed): device $id not listed as init: $(hvisorctl dev list)"
		hvisorctl dev del "$id" >/dev/null ||
			hvv_fail "dev add, allocation $n failing (absorbed): dev del $id failed"
		[ "$(ndev)" = 0 ] || hvv_fail "dev add, allocation $n failing: device $id left"
		absorbed=$((absorbed + 1)) ;;
	"injected=0 result=ok id="*)
		works "${out##*id=}" "$bv" "$bvirt"
		break ;;
	*) hvv_fail "failnth $n add: $out" ;;
	esac
	n=$((n + 1))
done
hvv_log "ok: dev add makes $((n - 1)) allocations: $errs failed it with ENOMEM, $absorbed were absorbed"
hvv_assert "some allocation failed dev add" [ $errs -gt 0 ]
hvv_assert_eq "no device left" "$(ndev)" 0

# ---- dev del, each allocation failing in turn ----
n=1 errs=0
while :; do
	[ $n -le $MAX ] || hvv_fail "dev del: still injecting after $MAX allocations"
	id=$(hvv_dev_add blk $IMG 2>/dev/null)
	hvv_fault_begin
	out=$(failnth $n del "$id") || hvv_fail "failnth $n del: $out"
	hvv_fault_end
	case $out in
	"injected=0 result=ok") break ;;
	"injected=1 result=ok") ;;
	"injected=1 result=err errno=12 "*)
		errs=$((errs + 1))
		hvisorctl dev del "$id" >/dev/null ||
			hvv_fail "dev del, allocation $n failing: a plain dev del $id fails after it" ;;
	*) hvv_fail "dev del, allocation $n failing: $out" ;;
	esac
	[ "$(ndev)" = 0 ] || hvv_fail "dev del, allocation $n failing: device $id left"
	n=$((n + 1))
done
hvv_log "ok: dev del makes $((n - 1)) allocations, $errs failed it with ENOMEM"
echo 1 >$AUTOPROBE

# ---- I/O and a reset, allocations of the device's workers failing ----
before=$(hvv_vd_list)
id=$(hvv_dev_add blk $IMG)
vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
hvv_run dd if=/dev/urandom of=/tmp/new bs=64k count=64 status=none
hvv_run cp $IMG /tmp/af.orig
e0=$(hvv_blk_field errors)
virtio=$(basename "$(readlink -f /sys/block/$vd/device)")
TIMES=60
inject_setup 20 $TIMES Y
mark_workers 1
hvv_fault_begin
ok="" bad=""
b=0
while [ $b -lt 256 ]; do
	if dd if=/tmp/new of=/dev/$vd bs=4k skip=$b seek=$b count=1 oflag=direct \
		conv=notrunc status=none 2>/dev/null; then
		ok="$ok $b"
	else
		bad="$bad $b"
	fi
	b=$((b + 4))
done
e1=$(hvv_blk_field errors)
before=$(hvv_vd_list | grep -vx "$vd")
echo "$virtio" >$BLKDRV/unbind || hvv_fail "unbinding $virtio failed"
echo "$virtio" >$BLKDRV/bind 2>/dev/null || hvv_log "binding $virtio failed under injection"
mark_workers 0
inject_off
hvv_fault_end
left=$(($(cat $D/failslab/times) + $(cat $D/fail_page_alloc/times)))
hvv_log "injected $((2 * TIMES - left)) failure(s); guest writes failed:${bad:- none}"
hvv_assert "failures were injected" [ $left -lt $((2 * TIMES)) ]
hvv_assert_eq "each failed write is one failed request" $((e1 - e0)) "$(echo $bad | wc -w)"
[ -e /sys/bus/virtio/devices/$virtio/driver ] || echo "$virtio" >$BLKDRV/bind ||
	hvv_fail "binding $virtio after the injection failed"
vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
for b in $ok; do
	same_block $b $IMG /tmp/new ||
		hvv_fail "block $b: the write succeeded but the image lacks it"
done
for b in $bad; do
	same_block $b $IMG /tmp/new || same_block $b $IMG /tmp/af.orig ||
		hvv_fail "block $b: neither the old nor the new data after a failed write"
done
hvv_log "ok: every write that succeeded is in the image"
hvv_assert_eq "after the injection the disk reads the image" \
	"$(dd if=/dev/$vd bs=64k iflag=direct status=none | sum)" "$(sum <$IMG)"
hvv_run hvisorctl dev del "$id"
hvv_assert_eq "no device left" "$(ndev)" 0
cleanup
trap - EXIT
hvv_unload_all
hvv_dmesg_clean_faults
