#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Bad configuration gets clear errors and changes nothing: a missing image,
# a directory, an address already in use, an unknown zone, bad queue
# counts, a device type not served yet, deleting an unknown id.
# HVV-TIMEOUT: 120
. /hvv/lib.sh

hvv_dmesg_mark
hvv_load_sim

# expect_err DESC ERE CMD...: CMD fails and prints ERE on stderr.
expect_err() {
	_d=$1 _re=$2; shift 2
	_out=$("$@" 2>&1) && hvv_fail "$_d: '$*' succeeded"
	hvv_assert_match "$_d" "$_out" "$_re"
}

hvv_run dd if=/dev/zero of=/tmp/e.img bs=1M count=4 status=none
expect_err "missing image" 'No such file or directory' hvisorctl dev add blk /tmp/nope.img
mkdir -p /tmp/adir
expect_err "directory as image" 'hvisorctl: .*' hvisorctl dev add blk /tmp/adir
id=$(hvv_dev_add blk /tmp/e.img --addr 0xa100000 --irq 90)
expect_err "address in use" '[Aa]ddress already in use' hvisorctl dev add blk /tmp/e.img --addr 0xa100000 --irq 91
expect_err "unknown zone" '[Zz]one' hvisorctl dev add blk /tmp/e.img --zone 9
expect_err "unaligned address" 'hvisorctl: .*' hvisorctl dev add blk /tmp/e.img --addr 0xa100010 --irq 92
expect_err "too many queues" 'hvisorctl: .*' hvisorctl dev add blk /tmp/e.img --queues 1000
expect_err "unknown device id" 'hvisorctl: .*' hvisorctl dev del 4242
hvv_assert_eq "only one device exists" "$(hvisorctl status | sed -n 's/^devices *//p')" 1
hvv_run hvisorctl dev del "$id"
hvv_assert_eq "no device left" "$(hvisorctl status | sed -n 's/^devices *//p')" 0
hvv_unload_all
hvv_dmesg_clean
