#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Removal of a disk whose backing hangs (its file system frozen with
# fsfreeze, as a dead NFS server or disk would): "dev del --force" returns
# at once, the guest's write in flight fails, and the rest of the control
# plane works meanwhile (status, list, another disk added, used and
# removed). Once the file system thaws the stuck write ends, the device
# is freed (it leaves the list, its file is closed: the file system can
# be unmounted) and nothing leaks (kmemleak on the debug kernel).
# HVV-NEEDS: mkfs.ext4
# HVV-TIMEOUT: 300
. /hvv/lib.sh

MNT=/tmp/hung
HUNG=/proc/sys/kernel/hung_task_timeout_secs
running() { kill -0 "$1" 2>/dev/null; }
# wait_gone PID SECONDS: wait until the process PID ended.
wait_gone() {
	_n=0
	while running "$1" && [ $_n -lt $(($2 * 10)) ]; do
		sleep 0.1
		_n=$((_n + 1))
	done
	! running "$1"
}
field() { # field JSON KEY: the first "KEY": number in JSON
	echo "$1" | sed -n "s/.*\"$2\": *\([0-9]*\).*/\1/p" | head -n 1
}

hvv_dmesg_mark
hvv_load_sim
hvv_run dd if=/dev/zero of=/tmp/fs.img bs=1M count=64 status=none
loop=$(losetup -f)
hvv_run losetup "$loop" /tmp/fs.img
hvv_run mkfs.ext4 -q "$loop"
mkdir -p $MNT
hvv_run mount -t ext4 "$loop" $MNT
hvv_run dd if=/dev/zero of=$MNT/disk.img bs=1M count=16 status=none
before=$(hvv_vd_list)
id=$(hvv_dev_add blk $MNT/disk.img)
vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))

# The stuck write blocks its worker on purpose for as long as the file
# system is frozen (longer than the hung task detector's 120 s on a slow
# debug kernel): give the detector more patience than this test lasts.
old_hung=$(cat $HUNG 2>/dev/null || echo)
[ -z "$old_hung" ] || echo 600 >$HUNG
hvv_run fsfreeze --freeze $MNT
dd if=/dev/urandom of=/dev/$vd bs=64k count=4 oflag=direct status=none 2>/dev/null &
writer=$!
n=0
while [ "$(field "$(hvisorctl dev list --json)" in_flight)" = 0 ] &&
	[ $n -lt $((100 * HVV_SLOW)) ]; do
	sleep 0.1
	n=$((n + 1))
done
hvv_assert "a write is stuck in the backing" \
	[ "$(field "$(hvisorctl dev list --json)" in_flight)" -gt 0 ]
hvv_assert "the guest's write waits" running $writer

hvisorctl dev del --force "$id" & del=$!
wait_gone $del $((60 * HVV_SLOW)) ||
	hvv_fail "dev del --force did not return while the backing hangs"
wait $del || hvv_fail "dev del --force failed"
wait_gone $writer $((60 * HVV_SLOW)) || hvv_fail "the guest's write never ended"
wait $writer && hvv_fail "the guest's write succeeded on a removed disk"
hvv_log "ok: the guest's write failed"

# The control plane goes on while the device drains.
list=$(hvisorctl dev list) || hvv_fail "dev list failed"
echo "$list"
hvv_assert_match "the device is listed as being removed" "$list" \
	"^$id +blk .* removing "
hvv_run hvisorctl status
hvv_run dd if=/dev/urandom of=/tmp/other.img bs=1M count=4 status=none
before=$(hvv_vd_list)
other=$(hvv_dev_add blk /tmp/other.img)
ovd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
hvv_assert_eq "the other disk works" \
	"$(dd if=/dev/$ovd bs=1M iflag=direct status=none | sha256sum | cut -d' ' -f1)" \
	"$(sha256sum /tmp/other.img | cut -d' ' -f1)"
hvv_run hvisorctl dev del "$other"
hvv_run_fails hvisorctl dev del "$id"
hvv_assert "the hung disk is still there" \
	[ "$(hvisorctl dev list --json | grep -c '"removing": true')" = 1 ]

# Thawed: the stuck write ends, the device is freed, its file closed.
hvv_run fsfreeze --unfreeze $MNT
n=0
while [ "$(hvisorctl dev list --json | tr -d ' \n')" != "[]" ] &&
	[ $n -lt $((300 * HVV_SLOW)) ]; do
	sleep 0.1
	n=$((n + 1))
done
hvv_assert_eq "every device freed" "$(hvisorctl dev list --json | tr -d ' \n')" "[]"
[ -z "$old_hung" ] || echo "$old_hung" >$HUNG
hvv_run umount $MNT
hvv_run losetup -d "$loop"
hvv_unload_all
hvv_dmesg_clean
