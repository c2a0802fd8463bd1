#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Benchmarks (make bench): fio 4k random reads and writes at queue depth
# 1 and 32, direct I/O, time based, on a block device served by
# hvisor_vhost to the simulated guest (/dev/vdX, cache mode none: direct
# I/O on the backing too) and on the same block device directly, with
# root's caches dropped before each job. Backings: a RAM disk (brd) and
# null_blk, each when the kernel has it as a module. Prints IOPS, mean
# latency and the guest/direct ratios, the guest's p99, p99.9 and
# maximum latency, and what crossed the bridge per guest request
# (hvisorctl status before and after the job: trapped accesses, queue
# notifies, guest interrupts, wakeups of root), since counts carry over
# to real hvisor where TCG timings do not. Benchmarks never fail on a
# number; they fail only when something breaks.
# HVV-NEEDS: fio
# HVV-NEEDS-MODULES: brd null_blk
# HVV-TIMEOUT: 600
. /hvv/lib.sh

RUNTIME=${HVV_BENCH_RUNTIME:-10}
SIZE_MB=256

# fio_run NAME TARGET RW DEPTH: print "IOPS MEAN P99 P99.9 MAX IOS"
# (latencies in us; terse v3: the read block is fields 6-46, the write
# block the same 41 fields later; --percentile_list puts p99 and p99.9
# first). No ramp time: the bridge counters must cover the same I/Os.
fio_run() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	_t=$(fio --name="$1" --filename="$2" --rw="$3" --iodepth="$4" \
		--bs=4k --direct=1 --ioengine=libaio --size=${SIZE_MB}M \
		--time_based --runtime="$RUNTIME" --percentile_list=99:99.9 \
		--output-format=terse --terse-version=3) ||
		hvv_fail "fio $1 on $2 failed"
	echo "$_t" | awk -F';' -v rw="$3" 'function v(f) { sub(/.*=/, "", f); return f }
		END { o = rw == "randread" ? 0 : 41
			print $(8 + o), $(40 + o), v($(18 + o)), v($(19 + o)),
				$(39 + o), $(6 + o) / 4 }'
}

# counters: "ACCESSES NOTIFIES INTERRUPTS WAKEUPS" from hvisorctl status.
counters() {
	hvisorctl status | awk '/^requests / { r = $2 } /^notifies / { n = $2 }
		/^interrupts / { i = $2 } /^wakeups / { w = $2 }
		END { print r, n, i, w }'
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

# job NAME RW QD DEV VD: one line of the table.
job() {
	# shellcheck disable=SC2046 # word splitting wanted
	set -- "$1" $(fio_run direct "$4" "$2" "$3") $(counters) \
		$(fio_run guest "/dev/$5" "$2" "$3") $(counters)
	echo "$@" | awk '{
		ri = $2 > 0 ? $12 / $2 : 0; rl = $3 > 0 ? $13 / $3 : 0
		n = $17 > 0 ? $17 : 1
		printf "%-24s %9.0f %9.0f %5.2f %9.1f %9.1f %5.2f %8s %8s %8.0f %6.2f %6.2f %6.2f %6.2f\n",
			$1, $2, $12, ri, $3, $13, rl, $14, $15, $16,
			($18 - $8) / n, ($19 - $9) / n, ($20 - $10) / n, ($21 - $11) / n }'
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
			job "$b_name-$rw-qd$qd" $rw $qd "$b_dev" "$vd"
		done
	done
	hvisorctl dev del "$id" >/dev/null || hvv_fail "dev del $id failed"
}

main() {
	hvv_insmod hvisor_vhost hypervisor=sim
	hvv_insmod hvisor_vhost_sim
	brd=$(backing brd) || exit 1
	nullb=$(backing null_blk) || exit 1
	echo "=== summary: blk: fio 4k, direct I/O on both sides (cache none), caches dropped, ${RUNTIME}s per job (ratio = guest / direct; latencies in us; per guest request: trapped accesses, notifies, guest interrupts, wakeups)"
	printf '%-24s %9s %9s %5s %9s %9s %5s %8s %8s %8s %6s %6s %6s %6s\n' job \
		"dir IOPS" "gst IOPS" ratio "dir lat" "gst lat" ratio \
		"gst p99" "p99.9" "max" acc/rq ntf/rq irq/rq wk/rq
	if [ -n "$brd" ]; then bench brd "$brd"; else echo "# brd: not a module of this kernel"; fi
	if [ -n "$nullb" ]; then bench null_blk "$nullb"; else echo "# null_blk: not a module of this kernel"; fi
	echo "=== end"
	hvv_unload_all
}

main
