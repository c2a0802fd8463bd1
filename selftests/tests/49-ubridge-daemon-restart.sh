#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The userspace backend dies mid-I/O and comes back: the reference daemon
# (selftests/progs/uvirtio) serves a disk through the userspace bridge
# while the guest writes and reads it in a loop, next to an in-kernel
# disk under the same load. The daemon is killed with SIGKILL: the
# in-kernel disk keeps working while no daemon is attached. A new daemon
# attaches (INIT_VIRTIO, mmap, SET_EVENTFD) with the first one's state
# file and resumes the device from the used ring in guest memory: the
# guest's I/O to the userspace disk resumes (or, for requests the bridge
# failed while nobody served them, ends with an error), never hangs, and
# the data written afterwards reads back intact from the guest and from
# the image. Twice, the second time right after a restart.
# HVV-TIMEOUT: 300
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

hvv_dmesg_mark
ub_load_sim
rm -f $UB_STATE /tmp/stop
hvv_run dd if=/dev/zero of=/tmp/k.img bs=1M count=16 status=none
hvv_run dd if=/dev/zero of=/tmp/u.img bs=1M count=16 status=none
hvv_run dd if=/dev/urandom of=/tmp/pat bs=64k count=16 status=none
kid=$(hvv_dev_add blk /tmp/k.img --serial kblk-49)
kvd=$(ub_vd_by_serial kblk-49)
ub_start "blk:$UB_ZONE:$UB_ADDR0:$UB_IRQ0:/tmp/u.img"
ub_plug "$UB_ADDR0" "$UB_IRQ0"
uvd=$(ub_vd_by_serial "$(ub_serial "$UB_ADDR0")")

# io_loop DEV NAME: 1 MiB direct write and read rounds until /tmp/stop;
# /tmp/NAME.rounds counts the rounds done, /tmp/NAME.err the failures.
io_loop() {
	_i=0
	: >/tmp/$2.err
	while [ ! -e /tmp/stop ]; do
		dd if=/tmp/pat of=/dev/$1 bs=64k count=16 oflag=direct status=none ||
			echo "round $_i: write failed" >>/tmp/$2.err
		dd if=/dev/$1 of=/dev/null bs=64k count=16 iflag=direct status=none ||
			echo "round $_i: read failed" >>/tmp/$2.err
		_i=$((_i + 1))
		echo $_i >/tmp/$2.rounds
	done
}
rounds() { cat /tmp/$1.rounds 2>/dev/null || echo 0; }
# wait_rounds NAME N WHAT: until NAME did more than N rounds, or fail.
wait_rounds() {
	_n=$((300 * HVV_SLOW))
	while [ "$(rounds $1)" -le "$2" ]; do
		[ $_n -gt 0 ] || hvv_fail "$3: $1 stuck at $(rounds $1) rounds"
		_n=$((_n - 1))
		sleep 0.1
	done
	hvv_log "ok: $3 ($1 at $(rounds $1) rounds)"
}
# wait_gone PID WHAT: the process ends in time, or the I/O hangs.
wait_gone() {
	_n=$((300 * HVV_SLOW))
	while kill -0 "$1" 2>/dev/null; do
		[ $_n -gt 0 ] || hvv_fail "$2 hangs"
		_n=$((_n - 1))
		sleep 0.1
	done
	wait "$1" || true
}

io_loop "$kvd" k & kpid=$!
io_loop "$uvd" u & upid=$!
for pass in 1 2; do
	wait_rounds u "$(rounds u)" "pass $pass: I/O to the userspace disk runs"
	hvv_run kill -KILL "$UB_PID"
	wait "$UB_PID" 2>/dev/null || true
	hvv_log "pass $pass: daemon killed at round $(rounds u)"
	wait_rounds k "$(rounds k)" "pass $pass: the in-kernel disk works with no daemon"
	r=$(rounds u)
	ub_start "blk:$UB_ZONE:$UB_ADDR0:$UB_IRQ0:/tmp/u.img"
	hvv_assert_eq "pass $pass: the new daemon resumed the device" \
		"$(grep -c 'resumed device at 0xa010000: status 0xf, queue ready' $UB_LOG)" $pass
	wait_rounds u "$r" "pass $pass: I/O to the userspace disk resumed"
done
touch /tmp/stop
wait_gone $upid "I/O to the userspace disk"
wait_gone $kpid "I/O to the in-kernel disk"
hvv_assert_eq "the in-kernel disk saw no error" "$(cat /tmp/k.err)" ""
[ ! -s /tmp/u.err ] || hvv_log "userspace disk errors (allowed around a kill): $(cat /tmp/u.err)"

# The restarted daemon serves the disk correctly.
hvv_run dd if=/dev/urandom of=/tmp/d bs=64k count=64 status=none
sum=$(sha256sum /tmp/d | cut -d' ' -f1)
hvv_run dd if=/tmp/d of=/dev/$uvd bs=64k oflag=direct status=none
hvv_assert_eq "read back through the new daemon" \
	"$(dd if=/dev/$uvd bs=64k count=64 iflag=direct status=none | sha256sum | cut -d' ' -f1)" "$sum"
hvv_assert_eq "the image holds it" "$(head -c 4194304 /tmp/u.img | sha256sum | cut -d' ' -f1)" "$sum"
hvv_assert_eq "no driver broke the rules" "$(ub_stat blk broken)" 0
ub_status_check

ub_unplug "$UB_ADDR0"
ub_stop
hvv_run hvisorctl dev del "$kid"
hvv_unload_all
hvv_dmesg_clean
