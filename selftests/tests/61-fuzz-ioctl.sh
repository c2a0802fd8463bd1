#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Random ioctls on /dev/hvisor-vhost and /dev/hvisor (selftests/progs/
# ioctl_fuzz.c) on the simulator: real, mutated and made-up command
# numbers, valid-looking argument structures with mutated fields, bad
# pointers, for a bounded time as root, then as uid nobody without
# capabilities on descriptors root opened (nothing may change then).
# Afterwards the module must still work: every device the fuzzing added
# goes, the simulator detaches and attaches again, a disk is added, written,
# read back and removed, and the modules unload, with a clean kernel log.
#
# Replay a seed the run printed: sh /hvv/tests/61-fuzz-ioctl.sh SEED
# in the guest, or ioctl_fuzz -s SEED IMAGE.
# HVV-TIMEOUT: 300
. /hvv/lib.sh

seed=${1:-${HVV_FUZZ_SEED:-}}
secs=${HVV_FUZZ_SECS:-20}
sarg=""
[ -z "$seed" ] || sarg="-s $seed"

hvv_dmesg_mark
hvv_load_sim
hvv_run dd if=/dev/zero of=/tmp/fz.img bs=1M count=4 status=none

# shellcheck disable=SC2086 # $sarg is empty or "-s SEED"
hvv_run timeout $((secs + 120 * HVV_SLOW)) ioctl_fuzz $sarg -t "$secs" /tmp/fz.img
# shellcheck disable=SC2086
hvv_run timeout $((secs + 60 * HVV_SLOW)) ioctl_fuzz -u $sarg -t "$((secs / 2))" /tmp/fz.img
hvv_run hvisorctl status
list=$(hvisorctl dev list) || hvv_fail "hvisorctl dev list failed"
echo "$list"
hvv_assert_eq "devices left after the fuzzing" \
	"$(echo "$list" | grep -c -E '^[0-9]+ +(blk|net|console) ')" 0

# The simulator detaches (forgetting whatever zones the fuzzing made) and
# attaches again; then a disk works end to end.
hvv_rmmod hvisor_vhost_sim
hvv_insmod hvisor_vhost_sim
hvv_run dd if=/dev/urandom of=/tmp/data bs=64k count=16 status=none
before=$(hvv_vd_list)
id=$(hvv_dev_add blk /tmp/fz.img)
vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
hvv_run dd if=/tmp/data of="/dev/$vd" bs=64k oflag=direct status=none
hvv_run dd if="/dev/$vd" of=/tmp/back bs=64k count=16 iflag=direct status=none
hvv_assert_eq "data read back" "$(sha256sum </tmp/back)" "$(sha256sum </tmp/data)"
hvv_run hvisorctl dev del "$id"
hvv_unload_all
hvv_dmesg_clean
