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

hvv_dmesg_mark
ub_load_sim
rm -f $UB_STATE /tmp/stop
hvv_run dd if=/dev/zero of=/tmp/k.img bs=1M count=16 status=none
hvv_run dd if=/dev/zero of=/tmp/u.img bs=1M count=16 status=none
hvv_run dd if=/dev/urandom of=/tmp/pat bs=64k count=16 status=none
kid=$(hvv_dev_add blk /tmp/k.img --serial kblk-49)
kvd=$(hvv_vd_by_serial kblk-49)
ub_start "blk:$UB_ZONE:$UB_ADDR0:$UB_IRQ0:/tmp/u.img"
ub_plug "$UB_ADDR0" "$UB_IRQ0"
uvd=$(hvv_vd_by_serial "$(ub_serial "$UB_ADDR0")")

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
