#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark (make bench): in-kernel devices against the userspace
# baseline, in one run. The same fio jobs as 10-blk (4k random reads and
# writes at queue depth 1 and 32, direct I/O in the guest, time based,
# root's caches dropped before each job) on a disk served by
# hvisor_vhost and on a disk served by the reference userspace backend
# (selftests/progs/uvirtio: hvisor-tool's design, one worker thread doing
# preadv/pwritev one request at a time, every access forwarded through
# the userspace bridge), both on the same backing (a RAM disk, brd, when
# the kernel has it as a module; else a file in the initramfs). Then the
# register round trip: the guest reads its virtio device's sysfs
# "status", which reads the Status register each time (one trapped
# access that the vCPU waits for), in a loop, for the in-kernel and the
# userspace disk; uvirtio's access counter confirms every read reached
# it. Prints IOPS, latencies and ratios (kernel / user); never fails on
# a number.
# HVV-NEEDS: fio
# HVV-NEEDS-MODULES: brd
# HVV-TIMEOUT: 600
. /hvv/lib.sh

RUNTIME=${HVV_BENCH_RUNTIME:-10}
SIZE_MB=256
READS=$((2000 / HVV_SLOW))

# fio_run NAME TARGET RW DEPTH: print "IOPS LAT_US" (terse v3 fields).
fio_run() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	_t=$(fio --name="$1" --filename="$2" --rw="$3" --iodepth="$4" \
		--bs=4k --direct=1 --ioengine=libaio --size=${SIZE_MB}M \
		--time_based --runtime="$RUNTIME" --ramp_time=1 \
		--output-format=terse --terse-version=3) ||
		hvv_fail "fio $1 on $2 failed"
	echo "$_t" | awk -F';' -v rw="$3" 'END {
		if (rw == "randread") print $8, $40; else print $49, $81 }'
}

# The backing both disks share: /dev/ram0, or a file.
backing() {
	if hvv_loaded brd; then
		# 10-blk loaded it, big enough, in the same run.
		echo /dev/ram0
		return
	fi
	if [ -f /hvv/modules.d/brd.list ]; then
		hvv_modprobe brd rd_nr=1 rd_size=$(((SIZE_MB + 64) * 1024)) >&2
		hvv_wait_for /dev/ram0 5 || hvv_fail "no /dev/ram0"
		echo /dev/ram0
		return
	fi
	dd if=/dev/zero of=/tmp/bench.img bs=1M count=$((SIZE_MB + 64)) status=none ||
		hvv_fail "no room for a $SIZE_MB MiB image"
	echo /tmp/bench.img
}

# status_loop VD: "N MEAN_NS" of N reads of VD's virtio "status".
status_loop() {
	/hvv/bin/reread "$(readlink -f /sys/block/$1/device)/status" $READS ||
		hvv_fail "reading the status of $1 failed"
}

main() {
	ub_load_sim
	back=$(backing)
	kid=$(hvv_dev_add blk "$back" --serial kblk-bench)
	kvd=$(hvv_vd_by_serial kblk-bench)
	ub_start "blk:$UB_ZONE:$UB_ADDR0:$UB_IRQ0:$back"
	ub_plug "$UB_ADDR0" "$UB_IRQ0"
	uvd=$(hvv_vd_by_serial "$(ub_serial "$UB_ADDR0")")
	echo "# backing $back: in-kernel /dev/$kvd (hvisorctl, cache none), userspace /dev/$uvd (uvirtio)"
	echo "=== summary: ubridge: fio 4k on the in-kernel and the userspace (uvirtio) disk, same backing $back, ${RUNTIME}s per job (IOPS ratio = kernel / user, latency ratio = user / kernel: above 1 the kernel is faster)"
	printf '%-18s %12s %12s %7s %14s %14s %7s\n' job "kernel IOPS" \
		"user IOPS" ratio "kernel lat us" "user lat us" ratio
	for rw in randread randwrite; do
		for qd in 1 32; do
			set -- $(fio_run kernel "/dev/$kvd" $rw $qd) \
				$(fio_run user "/dev/$uvd" $rw $qd)
			echo "$rw-qd$qd $1 $3 $2 $4" | awk '{
				ri = $3 > 0 ? $2 / $3 : 0; rl = $4 > 0 ? $5 / $4 : 0
				printf "%-18s %12.0f %12.0f %7.2f %14.1f %14.1f %7.2f\n",
					$1, $2, $3, ri, $4, $5, rl }'
		done
	done
	a0=$(ub_stat blk accesses)
	set -- $(status_loop "$kvd") $(status_loop "$uvd")
	a1=$(ub_stat blk accesses)
	[ $((a1 - a0)) -ge "$3" ] ||
		hvv_fail "uvirtio saw $((a1 - a0)) accesses for $3 status reads"
	echo "register round trip (sysfs status, $1 reads): kernel $2 ns, user $4 ns, ratio user / kernel $(awk -v k="$2" -v u="$4" 'BEGIN { printf "%.2f", (k > 0 ? u / k : 0) }')"
	echo "=== end"
	ub_unplug "$UB_ADDR0"
	ub_stop
	hvisorctl dev del "$kid" >/dev/null || hvv_fail "dev del $kid failed"
	hvv_unload_all
}

main
