#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Cache modes of virtio-blk. The image sits on ext4 on a loop device with
# 4096-byte logical blocks, so direct I/O on it wants 4 KiB alignment.
# - default mode on a backing that can do direct I/O: cache=none. What the
#   guest writes and reads is the image's content, root's page cache holds
#   no page of the image afterwards (fincore), and a guest flush reaches
#   the loop device as a cache flush (its flush counter grows);
# - 512-byte writes at odd sectors (not aligned for the backing's blocks)
#   never fail and read back right;
# - --cache writeback: dev list says so and the guest's reads fill root's
#   page cache;
# - --cache none on a backing without direct I/O is refused, and the
#   default mode serves it buffered.
# HVV-NEEDS: mkfs.ext4 losetup fincore
# HVV-TIMEOUT: 300
. /hvv/lib.sh

MNT=/tmp/cache
# util-linux's losetup (--sector-size), not busybox's
LOSETUP=/hvv/bin/losetup
[ -x $LOSETUP ] || LOSETUP=losetup
cached() { fincore -n -o PAGES "$1" | tr -d ' '; }
flushes() { awk '{ print $16 }' "/sys/block/$(basename "$1")/stat"; }
drop_caches() { sync; echo 3 >/proc/sys/vm/drop_caches; }
field() { # field KEY: the first "KEY": number of dev list --json
	hvisorctl dev list --json | sed -n "s/.*\"$1\": *\([0-9]*\).*/\1/p" | head -n 1
}

hvv_dmesg_mark
hvv_load_sim
hvv_run dd if=/dev/zero of=/tmp/fs.img bs=1M count=64 status=none
loop=$($LOSETUP -f)
hvv_run $LOSETUP --sector-size 4096 "$loop" /tmp/fs.img
hvv_run mkfs.ext4 -q "$loop"
mkdir -p $MNT
hvv_run mount -t ext4 "$loop" $MNT
img=$MNT/disk.img
hvv_run dd if=/dev/zero of=$img bs=1M count=16 status=none
hvv_run dd if=/dev/urandom of=/tmp/pattern bs=1M count=4 status=none
want=$(sha256sum </tmp/pattern | cut -d' ' -f1)

# ---- default: cache=none ----
drop_caches
before=$(hvv_vd_list)
id=$(hvv_dev_add blk $img)
vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
list=$(hvisorctl dev list)
echo "$list"
hvv_assert_match "direct I/O by default" "$list" "disk.img \[cache=none\]"
hvv_assert_match "json: cache none" "$(hvisorctl dev list --json)" '"cache": "none"'
f0=$(flushes "$loop")
hvv_run dd if=/tmp/pattern of=/dev/$vd bs=64k oflag=direct conv=fsync status=none
f1=$(flushes "$loop")
hvv_log "loop flushes: $f0 before, $f1 after the guest's fsync"
hvv_assert "a guest flush reaches the backing's cache" [ "$f1" -gt "$f0" ]
hvv_assert_eq "the guest reads what it wrote" \
	"$(dd if=/dev/$vd bs=64k count=64 iflag=direct status=none | sha256sum | cut -d' ' -f1)" "$want"
hvv_assert_eq "no page of the image in root's page cache" "$(cached $img)" 0
hvv_assert_match "no buffered request" "$(hvisorctl dev list)" "disk.img \[cache=none\]"

# 512-byte writes at sectors 8193..8199: not 4 KiB aligned for the backing.
hvv_run dd if=/tmp/pattern of=/dev/$vd bs=512 count=7 seek=8193 oflag=direct status=none
hvv_assert_eq "unaligned requests read back" \
	"$(dd if=/dev/$vd bs=512 count=7 skip=8193 iflag=direct status=none | sha256sum)" \
	"$(dd if=/tmp/pattern bs=512 count=7 status=none | sha256sum)"
lbs=$(cat /sys/block/$(basename "$loop")/queue/logical_block_size)
# Not asserted: on stock 6.1 these came through without a buffered
# fallback although the loop device has 4096-byte blocks (open question,
# see the branch's report); KUnit's blk_ring_kiocb_path covers it.
hvv_log "backing blocks $lbs; dev list: $(hvisorctl dev list | grep -o '\[cache=[^]]*\]')"
hvv_assert_eq "and none failed" "$(field errors)" 0
hvv_run hvisorctl dev del "$id"
hvv_assert_eq "the image holds the guest's data" \
	"$(dd if=$img bs=1M count=4 status=none | sha256sum | cut -d' ' -f1)" "$want"
hvv_assert_eq "and the unaligned writes" \
	"$(dd if=$img bs=512 count=7 skip=8193 status=none | sha256sum)" \
	"$(dd if=/tmp/pattern bs=512 count=7 status=none | sha256sum)"

# ---- writeback ----
drop_caches
before=$(hvv_vd_list)
id=$(hvv_dev_add blk $img --cache writeback)
vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
hvv_assert_match "writeback asked for" "$(hvisorctl dev list)" "disk.img \[cache=writeback\]"
hvv_assert_eq "the guest reads the data" \
	"$(dd if=/dev/$vd bs=64k count=64 iflag=direct status=none | sha256sum | cut -d' ' -f1)" "$want"
n=$(cached $img)
hvv_log "image pages in root's page cache: $n"
hvv_assert "writeback reads fill root's page cache" [ "$n" -gt 0 ]
hvv_run dd if=/dev/urandom of=/dev/$vd bs=64k count=16 oflag=direct conv=fsync status=none
hvv_run hvisorctl dev del "$id"
hvv_run umount $MNT
hvv_run $LOSETUP -d "$loop"

# ---- a backing without direct I/O ----
hvv_run dd if=/dev/zero of=/tmp/plain.img bs=1M count=4 status=none
if dd if=/dev/zero of=/tmp/plain.img bs=4k count=1 conv=notrunc oflag=direct status=none 2>/dev/null; then
	hvv_log "this kernel's tmpfs does direct I/O: cache none allowed"
	id=$(hvv_dev_add blk /tmp/plain.img --cache none)
	hvv_assert_match "tmpfs: cache none" "$(hvisorctl dev list)" "plain.img \[cache=none\]"
else
	hvv_run_fails hvisorctl dev add blk /tmp/plain.img --cache none
	id=$(hvv_dev_add blk /tmp/plain.img)
	hvv_assert_match "tmpfs: writeback by default" "$(hvisorctl dev list)" \
		"plain.img \[cache=writeback\]"
fi
hvv_run hvisorctl dev del "$id"
hvv_unload_all
hvv_dmesg_clean
