#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Benchmarks (make bench): fio 4k random reads and writes at queue depth
# 1 and 32, direct I/O, time based, on a disk image served by hvisor_vhost
# to the simulated guest (/dev/vdX), and on the same image directly. The
# image sits on an ext4 on a RAM disk (brd) so that both paths can use
# O_DIRECT. Prints IOPS, mean latency and the guest/direct ratios.
# Benchmarks never fail on a number; they fail only when something breaks.
# HVV-NEEDS: fio mkfs.ext4
# HVV-NEEDS-MODULES: brd
# HVV-TIMEOUT: 420
. /hvv/lib.sh

RUNTIME=${HVV_BENCH_RUNTIME:-10}
SIZE_MB=256

# fio_run NAME TARGET RW DEPTH: print "IOPS LAT_US" (terse v3 fields).
fio_run() {
	_t=$(fio --name="$1" --filename="$2" --rw="$3" --iodepth="$4" \
		--bs=4k --direct=1 --ioengine=libaio --size=${SIZE_MB}M \
		--time_based --runtime="$RUNTIME" --ramp_time=1 \
		--output-format=terse --terse-version=3) ||
		hvv_fail "fio $1 on $2 failed"
	echo "$_t" | awk -F';' -v rw="$3" 'END {
		if (rw == "randread") print $8, $40; else print $49, $81 }'
}

setup() {
	hvv_modprobe brd rd_nr=1 rd_size=$(((SIZE_MB + 64) * 1024))
	hvv_run mkfs.ext4 -q /dev/ram0
	mkdir -p /mnt/ram
	hvv_run mount -t ext4 /dev/ram0 /mnt/ram
	hvv_run dd if=/dev/zero of=/mnt/ram/disk.img bs=1M count=$SIZE_MB
	hvv_insmod hvisor_vhost hypervisor=sim
	hvv_insmod hvisor_vhost_sim
	before=$(hvv_vd_list)
	id=$(hvv_dev_add blk /mnt/ram/disk.img)
	vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
}

cleanup() {
	hvv_run hvisorctl dev del "$id"
	hvv_unload_all
	hvv_run umount /mnt/ram
}

main() {
	setup
	echo "=== summary: blk: fio 4k, direct I/O, ${RUNTIME}s per job (ratio = guest / direct)"
	printf '%-16s %12s %12s %7s %14s %14s %7s\n' job "direct IOPS" \
		"guest IOPS" ratio "direct lat us" "guest lat us" ratio
	for rw in randread randwrite; do
		for qd in 1 32; do
			set -- $(fio_run direct "/mnt/ram/disk.img" $rw $qd) \
				$(fio_run guest "/dev/$vd" $rw $qd)
			echo "$rw-qd$qd $1 $3 $2 $4" | awk '{
				ri = $2 > 0 ? $3 / $2 : 0; rl = $4 > 0 ? $5 / $4 : 0
				printf "%-16s %12.0f %12.0f %7.2f %14.1f %14.1f %7.2f\n",
					$1, $2, $3, ri, $4, $5, rl }'
		done
	done
	echo "=== end"
	hvv_run hvisorctl dev list
	cleanup
}

main
