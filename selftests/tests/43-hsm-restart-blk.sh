#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A zone's devices across its shutdown and restart (hvisor issue 155):
# disks served to a zone started through /dev/hvisor work (ext4), its
# name shows in "hvisorctl dev list"; ZONE_SHUTDOWN while the guest
# hammers a second disk with I/O completes or fails every request, resets
# both devices and keeps them (nothing in flight, nothing leaked); devices
# added while the zone is down wait for it; after ZONE_START the guest's
# virtio_blk probes them again and finds the data written before the
# shutdown.
# HVV-NEEDS: mkfs.ext4
# HVV-TIMEOUT: 300
. /hvv/lib.sh

hvv_dmesg_mark
hvv_load_sim
zones=/sys/kernel/debug/hvisor_vhost_sim/zones
base=$(sed -n 's/^mem_base *//p' $zones)

io() { # io DEV: reads and writes until the device goes away
	while [ -b "$1" ]; do
		dd if=/dev/urandom of="$1" bs=64k count=32 oflag=direct status=none 2>/dev/null || break
		dd if="$1" of=/dev/null bs=64k count=32 iflag=direct status=none 2>/dev/null || break
	done
}

hvv_run hsm_tool start 2 linux2 "$base" 0x400000
hvv_run dd if=/dev/zero of=/tmp/fs.img bs=1M count=32 status=none
hvv_run dd if=/dev/zero of=/tmp/io.img bs=1M count=16 status=none
fs=$(hvv_dev_add blk /tmp/fs.img --zone 2 --serial z2-fs)
io_id=$(hvv_dev_add blk /tmp/io.img --zone 2 --serial z2-io --queues 2)
vd=$(hvv_vd_by_serial z2-fs)
vio=$(hvv_vd_by_serial z2-io)
list=$(hvisorctl dev list)
echo "$list"
hvv_assert_match "dev list names the zone" "$list" "^$fs +blk +2:linux2 "
hvv_assert_match "dev list --json too" "$(hvisorctl dev list --json)" '"zone_name": "linux2"'

hvv_run mkfs.ext4 -q /dev/$vd
mkdir -p /mnt/z
hvv_run mount -t ext4 /dev/$vd /mnt/z
hvv_run dd if=/dev/urandom of=/mnt/z/data bs=64k count=64 status=none
sum=$(sha256sum /mnt/z/data | cut -d' ' -f1)
hvv_run umount /mnt/z

# Shut the zone down under I/O.
reqs() { hvisorctl dev list | awk -v id="$1" '$1 == id { print $8 }'; }
r0=$(reqs $io_id)
io /dev/$vio & a=$!
io /dev/$vio & b=$!
sleep $((2 * HVV_SLOW))
hvv_run hsm_tool shutdown 2
wait $a; wait $b
hvv_assert "the I/O ran until the shutdown" test "$(reqs $io_id)" -gt "$r0"
hvv_assert "the guest lost its disks" test ! -b /dev/$vd -a ! -b /dev/$vio
rm -f /dev/$vio
hvv_dmesg_expect 'zone 2 shut down; its 2 device\(s\) were reset'
json=$(hvisorctl dev list --json)
hvv_assert_eq "both devices kept" "$(echo "$json" | grep -c '"zone": 2,')" 2
hvv_assert_match "nothing in flight" "$json" '"in_flight": 0'
hvv_assert "no request in flight on any" sh -c "! echo '$json' | grep -q '\"in_flight\": [1-9]'"
hvv_assert "reset by the shutdown" sh -c "! echo '$json' | grep -q '\"status_text\": \"live\"'"
hvv_assert_match "zone 2 is stopped" "$(hvisorctl zone list)" '^2 +linux2 +stopped +0,1 +2 '

# A device added while the zone is down waits for its guest.
hvv_run dd if=/dev/zero of=/tmp/late.img bs=1M count=4 status=none
late=$(hvv_dev_add blk /tmp/late.img --zone 2 --serial z2-late)
hvv_assert "no guest disk while the zone is down" sh -c "! grep -qs z2-late /sys/block/vd*/serial"

hvv_run hsm_tool start 2 linux2 "$base" 0x400000
vd=$(hvv_vd_by_serial z2-fs)
vio=$(hvv_vd_by_serial z2-io)
hvv_vd_by_serial z2-late >/dev/null
hvv_log "the guest probed its disks again: $vd, $vio"
hvv_run mount -t ext4 /dev/$vd /mnt/z
hvv_assert_eq "data written before the shutdown" "$(sha256sum /mnt/z/data | cut -d' ' -f1)" "$sum"
hvv_run umount /mnt/z
hvv_run dd if=/dev/$vio of=/dev/null bs=64k count=16 iflag=direct status=none

# Devices of a stopped zone can be removed; then the zone forgotten.
hvv_run hsm_tool shutdown 2
for id in $fs $io_id $late; do hvv_run hvisorctl dev del $id; done
hvv_run hvisorctl zone del 2
hvv_unload_all
hvv_dmesg_clean
