#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Bad configuration gets the exact error (hvisorctl's message for the
# kernel's errno, or its own for an argument it refuses), the documented
# exit status (1 a refused request, 2 a usage error) and changes nothing:
# a missing image, a directory, an address already in use, an unknown
# zone, an unaligned address, too many queues, deleting an unknown id.
# HVV-TIMEOUT: 120
. /hvv/lib.sh

hvv_dmesg_mark
hvv_load_sim

# expect_err DESC STATUS LINE CMD...: CMD exits with STATUS and its first
# line on stderr is exactly LINE (stdout empty).
expect_err() {
	_d=$1 _st=$2 _line=$3
	shift 3
	_rc=0
	"$@" >/tmp/out 2>/tmp/err || _rc=$?
	hvv_assert_eq "$_d: exit status" "$_rc" "$_st"
	hvv_assert_eq "$_d: message" "$(head -n 1 /tmp/err)" "$_line"
	hvv_assert_eq "$_d: no output" "$(cat /tmp/out)" ""
}
ndev() { hvisorctl status | sed -n 's/^devices *//p'; }
INVAL="invalid device configuration (addr a non-zero multiple of 0x200 with a non-zero irq, or neither outside the simulator; queue size a power of two; see dmesg)"

hvv_run dd if=/dev/zero of=/tmp/e.img bs=1M count=4 status=none
expect_err "missing image" 1 "hvisorctl: /tmp/nope.img: No such file or directory" \
	hvisorctl dev add blk /tmp/nope.img
mkdir -p /tmp/adir
expect_err "directory as image" 1 "hvisorctl: /tmp/adir: Is a directory" \
	hvisorctl dev add blk /tmp/adir
id=$(hvv_dev_add blk /tmp/e.img --addr 0xa100000 --irq 90)
expect_err "address in use" 1 "hvisorctl: dev add blk: address already in use" \
	hvisorctl dev add blk /tmp/e.img --addr 0xa100000 --irq 91
expect_err "unknown zone" 1 \
	"hvisorctl: dev add blk: unknown zone (register its memory first: hvisorctl zone mem add)" \
	hvisorctl dev add blk /tmp/e.img --zone 9
expect_err "unaligned address" 2 "hvisorctl: --addr: 0xa100010 is not a non-zero multiple of 0x200" \
	hvisorctl dev add blk /tmp/e.img --addr 0xa100010 --irq 92
expect_err "too many queues" 1 "hvisorctl: dev add blk: $INVAL" \
	hvisorctl dev add blk /tmp/e.img --queues 1000
expect_err "unknown device id" 1 "hvisorctl: dev del 4242: no such device" \
	hvisorctl dev del 4242
hvv_assert_eq "only one device exists" "$(ndev)" 1
hvv_run hvisorctl dev del "$id"
hvv_assert_eq "no device left" "$(ndev)" 0
hvv_unload_all
hvv_dmesg_clean
