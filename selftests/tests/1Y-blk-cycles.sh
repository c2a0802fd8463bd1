#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Lifecycle under load: a disk is added and removed over and over (100
# times on Debian's 6.1 kernel, 33 on 6.12, 5 on the debug kernel, where
# a cycle takes 8 s: the same paths in less time) while a
# second disk of the same zone keeps a reader and a writer busy, every
# removal made while the disk itself has I/O in flight (graceful and
# --force in turn). Then sixteen disks at once (four on the debug
# kernel, where sixteen busy ones took 170 s to add), each with I/O, are
# removed together. Afterwards: the busy disk's data is intact, no
# device is left in "dev list", the module unloads (no reference
# leaked), and the kernel log is clean (kmemleak on the debug kernel).
# HVV-TIMEOUT: 900
. /hvv/lib.sh

MANY=16
case $HVV_KERNEL in
stock) CYCLES=100 ;;
debug) CYCLES=5 MANY=4 ;;
*) CYCLES=33 ;;
esac

# writer DEV: write a known pattern over and over, until told to stop.
writer() {
	while [ ! -e /tmp/stop ]; do
		dd if=/tmp/pattern of="$1" bs=64k oflag=direct conv=notrunc \
			status=none || { echo "writer on $1 failed" >/tmp/writer.err; break; }
	done
}

# hammer DEV: read and write until the device goes away (errors then).
hammer() {
	while [ -b "$1" ]; do
		dd if=/dev/urandom of="$1" bs=16k count=16 oflag=direct status=none 2>/dev/null || break
		dd if="$1" of=/dev/null bs=16k count=16 iflag=direct status=none 2>/dev/null || break
	done
}

# gone VD: wait until the guest's disk node has disappeared.
gone() {
	_n=0
	while [ -b "/dev/$1" ] && [ $_n -lt $((100 * HVV_SLOW)) ]; do
		sleep 0.1
		_n=$((_n + 1))
	done
	hvv_assert "/dev/$1 gone" test ! -b "/dev/$1"
	# dd may have created a plain file once the node was gone.
	rm -f "/dev/$1"
}

hvv_dmesg_mark
hvv_load_sim

# The busy disk: a writer of a fixed pattern for the whole test.
hvv_run dd if=/dev/urandom of=/tmp/pattern bs=64k count=16 status=none
hvv_run dd if=/dev/zero of=/tmp/busy.img bs=1M count=4 status=none
before=$(hvv_vd_list)
busy_id=$(hvv_dev_add blk /tmp/busy.img --queues 2)
busy=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
rm -f /tmp/stop /tmp/writer.err
writer /dev/$busy &
wpid=$!

hvv_run dd if=/dev/zero of=/tmp/cyc.img bs=1M count=4 status=none
i=0
while [ $i -lt $CYCLES ]; do
	before=$(hvv_vd_list)
	id=$(hvv_dev_add blk /tmp/cyc.img) 2>/dev/null
	vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
	hammer /dev/$vd &
	hpid=$!
	if [ $((i % 2)) = 0 ]; then
		hvv_run hvisorctl dev del "$id" >/dev/null
	else
		hvv_run hvisorctl dev del "$id" --force >/dev/null
	fi
	wait $hpid
	gone "$vd"
	i=$((i + 1))
done
hvv_log "$CYCLES add/remove cycles with I/O in flight"

# Many disks at once, each busy, removed together.
ids=""
i=0
while [ $i -lt $MANY ]; do
	hvv_run dd if=/dev/zero of=/tmp/many$i.img bs=1M count=1 status=none
	before=$(hvv_vd_list)
	id=$(hvv_dev_add blk /tmp/many$i.img) 2>/dev/null
	vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
	hammer /dev/$vd &
	ids="$ids $id:$vd:$!"
	i=$((i + 1))
done
hvv_assert_eq "disks in dev list" \
	"$(hvisorctl dev list | grep -c ' blk ')" $((MANY + 1))
for t in $ids; do
	hvv_run hvisorctl dev del "${t%%:*}" >/dev/null
done
for t in $ids; do
	wait "${t##*:}"
	t=${t#*:}
	gone "${t%%:*}"
done

# The busy disk wrote its pattern all along and still holds it.
touch /tmp/stop
wait $wpid
[ ! -s /tmp/writer.err ] || hvv_fail "$(cat /tmp/writer.err)"
hvv_run dd if=/dev/$busy of=/tmp/back bs=64k count=16 iflag=direct status=none
hvv_assert "the busy disk's data is intact" cmp -s /tmp/pattern /tmp/back
hvv_run hvisorctl dev del "$busy_id" >/dev/null
gone "$busy"
hvv_assert_eq "no device left" "$(hvisorctl dev list --json | tr -d ' \n')" "[]"

hvv_unload_all
hvv_dmesg_clean
