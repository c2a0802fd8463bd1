#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Benchmarks (make bench): fio 4k random reads and writes at queue depth
# 1 and 32, direct I/O, time based, on a block device served by
# hvisor_vhost to the simulated guest (/dev/vdX, cache mode none: direct
# I/O on the backing too) and on the same block device directly, with
# root's caches dropped before each job. Backings: a RAM disk (brd) and
# null_blk, each when the kernel has it as a module. Prints IOPS, mean
# latency and the guest/direct ratios. Benchmarks never fail on a
# number; they fail only when something breaks.
# HVV-NEEDS: fio
# HVV-NEEDS-MODULES: brd null_blk
# HVV-TIMEOUT: 600
. /hvv/lib.sh

RUNTIME=${HVV_BENCH_RUNTIME:-10}
SIZE_MB=256

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

# backing NAME: load the module for NAME; print its block device, or
# nothing when this kernel does not have it as a module.
backing() {
	[ -f "/hvv/modules.d/$1.list" ] || return 0
	case $1 in
	brd) hvv_modprobe brd rd_nr=1 rd_size=$(((SIZE_MB + 64) * 1024)) >&2
		_dev=/dev/ram0 ;;
	null_blk) hvv_modprobe null_blk nr_devices=1 gb=1 >&2
		_dev=/dev/nullb0 ;;
	esac
	_n=0
	while [ ! -b $_dev ] && [ $_n -lt 50 ]; do
		sleep 0.1
		_n=$((_n + 1))
	done
	[ -b $_dev ] || { echo "no $_dev after loading $1" >&2; exit 1; }
	echo $_dev
}

# bench NAME DEV: the table for one backing.
bench() {
	b_name=$1 b_dev=$2
	before=$(hvv_vd_list)
	id=$(hvv_dev_add blk "$b_dev")
	vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
	echo "# $b_name: $(hvisorctl dev list | grep "^$id " | grep -o '/dev/.*')"
	for rw in randread randwrite; do
		for qd in 1 32; do
			set -- $(fio_run direct "$b_dev" $rw $qd) \
				$(fio_run guest "/dev/$vd" $rw $qd)
			echo "$b_name-$rw-qd$qd $1 $3 $2 $4" | awk '{
				ri = $2 > 0 ? $3 / $2 : 0; rl = $4 > 0 ? $5 / $4 : 0
				printf "%-26s %12.0f %12.0f %7.2f %14.1f %14.1f %7.2f\n",
					$1, $2, $3, ri, $4, $5, rl }'
		done
	done
	hvisorctl dev del "$id" >/dev/null || hvv_fail "dev del $id failed"
}

main() {
	hvv_insmod hvisor_vhost hypervisor=sim
	hvv_insmod hvisor_vhost_sim
	brd=$(backing brd) || exit 1
	nullb=$(backing null_blk) || exit 1
	echo "=== summary: blk: fio 4k, direct I/O on both sides (cache none), caches dropped, ${RUNTIME}s per job (ratio = guest / direct)"
	printf '%-26s %12s %12s %7s %14s %14s %7s\n' job "direct IOPS" \
		"guest IOPS" ratio "direct lat us" "guest lat us" ratio
	if [ -n "$brd" ]; then bench brd "$brd"; else echo "# brd: not a module of this kernel"; fi
	if [ -n "$nullb" ]; then bench null_blk "$nullb"; else echo "# null_blk: not a module of this kernel"; fi
	echo "=== end"
	hvv_unload_all
}

main
