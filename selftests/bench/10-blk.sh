#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Benchmarks (make bench): fio 4k random reads and writes at queue depth
# 1, 32 and 128 and 64k sequential reads and writes at depth 32, direct
# I/O, time based, on a block device served by hvisor_vhost to the
# simulated guest (/dev/vdX, cache mode none: direct I/O on the backing
# too) and on the same backing directly, with root's caches dropped
# before each job; then 4k random reads at depth 32 from two jobs on a
# two-queue disk. Backings: a RAM disk (brd), null_blk (what the bridge,
# the simulator, the transport and the ring cost per request, the I/O
# itself being nearly free) and a file on ext4 on brd, each when the
# kernel has the modules. Prints IOPS, the guest's bandwidth, mean
# latency and the guest/direct ratios, the guest's p99, p99.9 and
# maximum latency, CPU time per I/O on both sides (all of root's CPUs:
# here the guest is root, so the guest's driver and fio count too; from
# /proc/stat, 10 ms ticks: USER_HZ), and what crossed the bridge per guest request
# (hvisorctl status before and after the job: trapped accesses, queue
# notifies, guest interrupts, wakeups of root), since counts carry over
# to real hvisor where TCG timings do not. For brd and null_blk, random
# reads and writes at depth 1 and 32 are run once more as guest jobs with
# the latency breakdown on (blk_latency and the simulator's latency;
# Documentation/blk.rst, "Latency breakdown"), printed under the job's
# line as the mean per request of each stage; at depth 32 they are run
# once more with blk_poll_us=50 (lines ending in -poll50): looking at the
# ring while requests flow, against the default in the same run. Benchmarks never fail on a
# number; they fail only when something breaks.
# HVV-NEEDS: fio mkfs.ext4
# HVV-NEEDS-MODULES: brd null_blk
# HVV-TIMEOUT: 1500
. /hvv/lib.sh

RUNTIME=${HVV_BENCH_RUNTIME:-10}
SIZE_MB=256

# cpu: busy ticks of all CPUs so far (user, nice, system, irq, softirq).
cpu() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }

# fio_run NAME TARGET RW DEPTH BS JOBS: print "IOPS MEAN P99 P99.9 MAX
# IOS CPU MIBS" (latencies and CPU per I/O in us, bandwidth in MiB/s;
# terse v3 with group_reporting: the read block is fields 6-46, the
# write block the same 41 fields later; --percentile_list puts p99 and
# p99.9 first). No ramp time: the bridge counters must cover the same
# I/Os.
fio_run() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	_c0=$(cpu)
	_t=$(fio --name="$1" --filename="$2" --rw="$3" --iodepth="$4" \
		--bs="$5" --numjobs="$6" --group_reporting --direct=1 \
		--ioengine=libaio --size=${SIZE_MB}M --time_based \
		--runtime="$RUNTIME" --percentile_list=99:99.9 \
		--output-format=terse --terse-version=3) ||
		hvv_fail "fio $1 on $2 failed"
	_c1=$(cpu)
	# /proc/stat counts in USER_HZ, 100 on every architecture we build.
	echo "$_t" | awk -F';' -v rw="$3" -v kb="${5%k}" -v ticks=$((_c1 - _c0)) \
		-v hz=100 '
		function v(f) { sub(/.*=/, "", f); return f }
		END { o = rw ~ /read/ ? 0 : 41; ios = $(6 + o) / kb
			print $(8 + o), $(40 + o), v($(18 + o)), v($(19 + o)),
				$(39 + o), ios, (ios > 0 ? ticks * 1e6 / hz / ios : 0),
				$(7 + o) / 1024 }'
}

# counters: "ACCESSES NOTIFIES INTERRUPTS WAKEUPS" from hvisorctl status.
counters() {
	hvisorctl status | awk '/^requests / { r = $2 } /^notifies / { n = $2 }
		/^interrupts / { i = $2 } /^wakeups / { w = $2 }
		END { print r, n, i, w }'
}

LAT=/sys/kernel/debug/hvisor_vhost_blk/latency
SIMLAT=/sys/kernel/debug/hvisor_vhost_sim/latency

# lat_switch 0|1: the breakdown off or on, in the module and the simulator.
lat_switch() {
	if ! echo "$1" >/sys/module/hvisor_vhost/parameters/blk_latency ||
		! echo "$1" >/sys/module/hvisor_vhost_sim/parameters/latency; then
		hvv_fail "cannot switch the latency breakdown"
	fi
}

# breakdown NAME RW QD VD ID: the guest job again with the breakdown on
# (its own run: the table's numbers stay those of the data path with it
# off), printed as two lines: the mean per request of each stage in us,
# in the order a request meets them, and the counts behind them. The
# simulator's notify, interrupt and handler times are per request (their
# sum over the requests: at depth 1 one each per request); its wakeup is
# per wakeup (one on the notify path of each request, and one per trapped
# access of the handler, which its time includes). The module's inject
# returns only after the guest's handler ran (the simulator's interrupt
# is an irq_work on the injecting CPU, run as the injection re-enables
# interrupts), so it holds the simulator's irq and handler: "own" is
# inject minus those. "rest" is fio's mean latency minus the stages on
# the path of a request at depth 1 (notify, one wakeup, the module's
# stages, the injection with the handler): the guest's block layer and
# fio, and the core's consumer before the blk notify. Not printed at
# depth 32, where requests overlap.
breakdown() {
	lat_switch 1
	echo reset >$LAT
	echo reset >$SIMLAT
	_t=$(fio_run guest "/dev/$4" "$2" "$3" 4k 1)
	lat_switch 0
	{ echo "fio $_t"; cat $LAT $SIMLAT; } | awk -v id="$5" -v name="$1" \
		-v qd="$3" '
		function us(ns, n) { return n > 0 ? ns / n / 1000 : 0 }
		$1 == "fio" { iops = $2; mean = $3 }
		$1 == "dev" && $2 == id && $3 == "queues" { rq = $6; pol = $8 }
		$1 == "dev" && $2 == id && $3 == "stage" { m[$4] = us($8, $6) }
		$1 == "stage" { c[$2] = $4; s[$2] = $6 }
		END {
			ntf = us(s["notify"], rq); wk = us(s["wakeup"], c["wakeup"])
			irq = us(s["irq"], rq); hnd = us(s["irq_handler"], rq)
			mod = m["notify_to_pop"] + m["pop_to_submit"] + m["backend"] + \
				m["done_to_used"] + m["inject"]
			rest = mean - ntf - wk - mod
			printf "#   %s breakdown (us/request, fio %.1f): sim notify %.1f, wakeup %.1f | module notify>pop %.1f, pop>submit %.1f, backend %.1f, done>used %.1f, inject %.1f = own %.1f + sim irq %.1f + handler %.1f",
				name, mean, ntf, wk, m["notify_to_pop"], m["pop_to_submit"],
				m["backend"], m["done_to_used"], m["inject"],
				m["inject"] - irq - hnd, irq, hnd
			if (qd == 1) printf " | rest %.1f", rest
			printf "\n"
			n = rq > 0 ? rq : 1
			printf "#   %s counts: %d requests (%d polled), per request %.2f notifies, %.2f wakeups, %.2f trapped accesses of %.1f us, %.2f interrupts\n",
				name, rq, pol, c["notify"] / n, c["wakeup"] / n,
				c["access"] / n, us(s["access"], c["access"]), c["irq"] / n
		}'
}

POLL=/sys/module/hvisor_vhost/parameters/blk_poll_us

# poll_on CMD...: CMD with the blk pollers looking at the ring every
# 50 us while requests flow (blk_poll_us=50, with blk_irq_hold as loaded;
# Documentation/blk.rst), against the default (off) in the same run.
poll_on() {
	_p=$(cat $POLL) || hvv_fail "no blk_poll_us"
	echo 50 >$POLL || hvv_fail "cannot set blk_poll_us"
	"$@"
	echo "$_p" >$POLL || hvv_fail "cannot set blk_poll_us"
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
	# brd allocates a page on its first write: once for all, so that no
	# job (the first to write, direct or guest) pays for it.
	[ "$1" != brd ] || dd if=/dev/zero of=$_dev bs=1M count=$SIZE_MB \
		oflag=direct status=none >&2
	echo $_dev
}

# job NAME RW QD BS JOBS DEV VD: one line of the table.
job() {
	# shellcheck disable=SC2046 # word splitting wanted
	set -- "$1" $(fio_run direct "$6" "$2" "$3" "$4" "$5") $(counters) \
		$(fio_run guest "/dev/$7" "$2" "$3" "$4" "$5") $(counters)
	echo "$@" | awk '{
		ri = $2 > 0 ? $14 / $2 : 0; rl = $3 > 0 ? $15 / $3 : 0
		n = $19 > 0 ? $19 : 1
		printf "%-26s %8.0f %8.0f %5.2f %7.1f %8.1f %8.1f %5.2f %7s %7s %7.0f %6.1f %6.1f %6.2f %6.2f %6.2f %6.2f\n",
			$1, $2, $14, ri, $21, $3, $15, rl, $16, $17, $18, $8, $20,
			($22 - $10) / n, ($23 - $11) / n, ($24 - $12) / n, ($25 - $13) / n }'
}

# bench NAME BACKING [DEV-ADD-OPTIONS]: the table for one backing.
bench() {
	b_name=$1 b_dev=$2
	shift 2
	before=$(hvv_vd_list)
	id=$(hvv_dev_add blk "$b_dev" "$@")
	vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
	echo "# $b_name: $(hvisorctl dev list | grep "^$id " | grep -o '/.*')"
	for rw in randread randwrite; do
		for qd in 1 32 128; do
			job "$b_name-$rw-qd$qd" $rw $qd 4k 1 "$b_dev" "$vd"
			case $b_name-$qd in
			brd-1 | brd-32 | null_blk-1 | null_blk-32)
				breakdown "$b_name-$rw-qd$qd" $rw $qd "$vd" "$id" ;;
			esac
			case $b_name-$qd in
			brd-32 | null_blk-32)
				poll_on job "$b_name-$rw-qd$qd-poll50" $rw $qd 4k 1 \
					"$b_dev" "$vd" ;;
			esac
		done
	done
	job "$b_name-read-64k-qd32" read 32 64k 1 "$b_dev" "$vd"
	job "$b_name-write-64k-qd32" write 32 64k 1 "$b_dev" "$vd"
	hvisorctl dev del "$id" >/dev/null || hvv_fail "dev del $id failed"
}

# two_queues NAME DEV: 4k random reads at depth 32 from two fio jobs on
# a disk with two queues (one per guest CPU).
two_queues() {
	before=$(hvv_vd_list)
	id=$(hvv_dev_add blk "$2" --queues 2)
	vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
	echo "# $1, 2 queues, 2 jobs"
	job "$1-randread-qd32-2q" randread 32 4k 2 "$2" "$vd"
	job "$1-randwrite-qd32-2q" randwrite 32 4k 2 "$2" "$vd"
	hvisorctl dev del "$id" >/dev/null || hvv_fail "dev del $id failed"
}

# on_ext4 DEV: the bench on a file on ext4 on DEV (cache none: direct
# kiocbs on the file).
on_ext4() {
	hvv_run mkfs.ext4 -q -F "$1"
	mkdir -p /tmp/bench-ext4
	hvv_run mount -t ext4 "$1" /tmp/bench-ext4
	hvv_run dd if=/dev/zero of=/tmp/bench-ext4/disk.img bs=1M count=$SIZE_MB conv=fsync status=none
	bench ext4-on-brd /tmp/bench-ext4/disk.img --cache none
	hvv_run umount /tmp/bench-ext4
}

main() {
	hvv_insmod hvisor_vhost hypervisor=sim
	hvv_insmod hvisor_vhost_sim
	brd=$(backing brd) || exit 1
	nullb=$(backing null_blk) || exit 1
	echo "=== summary: blk: fio, direct I/O on both sides (cache none), caches dropped, ${RUNTIME}s per job (ratio = guest / direct; latencies and CPU per I/O in us, bandwidth MiB/s; per guest request: trapped accesses, notifies, guest interrupts, wakeups)"
	printf '%-26s %8s %8s %5s %7s %8s %8s %5s %7s %7s %7s %6s %6s %6s %6s %6s %6s\n' job \
		"dir IOPS" "gst IOPS" ratio "gst MBs" "dir lat" "gst lat" ratio \
		"gst p99" "p99.9" "max" dircpu gstcpu acc/rq ntf/rq irq/rq wk/rq
	if [ -n "$brd" ]; then
		bench brd "$brd"
		two_queues brd "$brd"
		on_ext4 "$brd"
	else
		echo "# brd: not a module of this kernel"
	fi
	if [ -n "$nullb" ]; then bench null_blk "$nullb"; else echo "# null_blk: not a module of this kernel"; fi
	echo "=== end"
	hvv_unload_all
}

main
