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

# --- uvirtio helpers (the same block in 48, 49 and bench/40-ubridge) ---
# The userspace devices sit above the simulator's 64 slots for in-kernel
# devices (0xa000000 + n * 0x200, interrupt 32 + n). The daemon logs to
# /tmp/uvirtio.log; UB_PID is its pid.
# shellcheck disable=SC2034
UB_ZONE=1
UB_ADDR0=0xa010000 UB_IRQ0=100
UB_ADDR1=0xa010200 UB_IRQ1=101
UB_LOG=/tmp/uvirtio.log
UB_STATE=/tmp/uvirtio.state
UB_SIM=/sys/kernel/debug/hvisor_vhost_sim
grep -q ' /sys/kernel/debug ' /proc/mounts || mount -t debugfs none /sys/kernel/debug

# The simulator with zone 1's RAM (all of root's) mappable through
# /dev/hvisor, as a daemon maps its zone's RAM.
ub_load_sim() {
	hvv_insmod hvisor_vhost hypervisor=sim
	hvv_insmod hvisor_vhost_sim user_ram=1
	hvv_wait_for /dev/hvisor-vhost 10 || hvv_fail "/dev/hvisor-vhost missing"
	hvv_wait_for /dev/hvisor 10 || hvv_fail "/dev/hvisor missing"
}
# The guest's virtio_rng: a module of the stock kernels, built into the
# test kernels.
ub_rng_driver() {
	[ ! -f /hvv/modules.d/virtio_rng.list ] || hvv_modprobe virtio_rng
}
# ub_mem_args: uvirtio's -m options for zone 1's RAM, as the simulator
# lists it (ROOT_PA:GUEST_PA:SIZE; guest-physical == physical).
ub_mem_args() {
	sed -n "s/^\(0x[0-9a-f]*:0x[0-9a-f]*:0x[0-9a-f]*\)$/-m $UB_ZONE:\1/p" $UB_SIM/ram
}
# ub_start DEV...: start uvirtio serving DEV... and wait until it serves.
ub_start() {
	rm -f /tmp/uvirtio.ready
	[ -n "$(ub_mem_args)" ] || hvv_fail "no zone RAM in $UB_SIM/ram"
	# shellcheck disable=SC2046
	/hvv/bin/uvirtio -s $UB_STATE -r /tmp/uvirtio.ready $(ub_mem_args) "$@" \
		>>$UB_LOG 2>&1 &
	UB_PID=$!
	hvv_wait_for /tmp/uvirtio.ready $((10 * HVV_SLOW)) ||
		{ cat $UB_LOG; hvv_fail "uvirtio did not start"; }
	hvv_log "uvirtio $UB_PID serves $*"
}
# ub_stop: end uvirtio (SIGTERM); it must exit 0.
ub_stop() {
	kill -TERM "$UB_PID"
	wait "$UB_PID" || { cat $UB_LOG; hvv_fail "uvirtio exited $?"; }
}
# ub_plug ADDR IRQ / ub_unplug ADDR: the simulated guest's transport of a
# userspace device (its accesses cross the userspace bridge).
ub_plug() { hvv_run sh -c "echo add $1 $2 $UB_ZONE >$UB_SIM/user_dev"; }
ub_unplug() { hvv_run sh -c "echo del $1 $UB_ZONE >$UB_SIM/user_dev"; }
# ub_serial ADDR: the serial uvirtio's blk device at ADDR reports.
ub_serial() { printf 'uvirtio-%x' "$1"; }
# ub_vd_by_serial SERIAL: the guest disk with that serial, once there.
ub_vd_by_serial() {
	_n=$((100 * HVV_SLOW))
	while [ $_n -gt 0 ]; do
		for _d in $(hvv_vd_list); do
			[ "$(cat /sys/block/$_d/serial 2>/dev/null)" = "$1" ] &&
				[ -b /dev/$_d ] && { echo $_d; return 0; }
		done
		_n=$((_n - 1))
		sleep 0.1
	done
	hvv_fail "no guest disk with serial $1"
}
# ub_rng_wait: the name of the guest's virtio_rng hw_random source.
ub_rng_wait() {
	_n=$((100 * HVV_SLOW))
	while [ $_n -gt 0 ]; do
		_r=$(tr ' ' '\n' </sys/class/misc/hw_random/rng_available 2>/dev/null |
			grep '^virtio_rng' | head -n 1)
		[ -z "$_r" ] || { echo "$_r"; return 0; }
		_n=$((_n - 1))
		sleep 0.1
	done
	hvv_fail "no virtio_rng source in rng_available"
}
# ub_stat TYPE FIELD: uvirtio's counter FIELD of its TYPE (rng, blk)
# device, asked for with SIGUSR1.
ub_stat() {
	_l=$(grep -c 'stats unclaimed' $UB_LOG)
	kill -USR1 "$UB_PID"
	_n=$((50 * HVV_SLOW))
	while [ "$(grep -c 'stats unclaimed' $UB_LOG)" = "$_l" ]; do
		[ $_n -gt 0 ] || hvv_fail "uvirtio printed no counters"
		_n=$((_n - 1))
		sleep 0.1
	done
	grep "stats $1 " $UB_LOG | tail -n 1 |
		awk -v f="$2" '{ for (i = 5; i < NF; i += 2) if ($i == f) print $(i + 1) }'
}
# ub_status KEY: a counter of "hvisorctl status --json".
ub_status() {
	hvisorctl status --json | tr ',{}' '\n\n\n' |
		sed -n "s/^ *\"$1\": *\([0-9][0-9]*\).*/\1/p"
}
# ub_status_check: the bridge forwarded requests, refused nothing and the
# daemon wrote no garbage; it is attached.
ub_status_check() {
	hvv_assert "the bridge forwarded requests" test "$(ub_status ub_requests)" -gt 0
	hvv_assert_eq "bridge overflow, bad index, answer, result" \
		"$(ub_status ub_overflow) $(ub_status ub_bad_index) $(ub_status ub_bad_answer) $(ub_status ub_bad_result)" \
		"0 0 0 0"
	hvv_assert_match "a backend is attached" "$(hvisorctl status)" 'ubridge'
}
# --- end of the uvirtio helpers ---

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
	kvd=$(ub_vd_by_serial kblk-bench)
	ub_start "blk:$UB_ZONE:$UB_ADDR0:$UB_IRQ0:$back"
	ub_plug "$UB_ADDR0" "$UB_IRQ0"
	uvd=$(ub_vd_by_serial "$(ub_serial "$UB_ADDR0")")
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
