#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Bulk transfer through the console, both ways, checked by sha256: 1 MiB
# guest -> root (hvc0 -> /dev/hvconN) and 1 MiB root -> guest, both ttys
# raw. The debug kernel moves 256 KiB each way (it is ~5x slower). No byte
# may be lost: the log's "lost" counter stays 0. The guest is never held
# back, and in the simulator it can write faster than root's tty layer
# delivers to a reader (6.12), so the log is sized for the whole burst.
# HVV-TIMEOUT: 180
. /hvv/lib.sh

hvv_load_sim
hvv_dmesg_mark

size=$((1024 * 1024))
if [ "$HVV_KERNEL" = debug ]; then
	size=$((256 * 1024))
	hvv_log "debug kernel: moving $size bytes each way instead of 1 MiB"
fi
hvv_run dd if=/dev/urandom of=g.bin bs=1024 count=$((size / 1024)) status=none
hvv_run dd if=/dev/urandom of=r.bin bs=1024 count=$((size / 1024)) status=none

id=$(hvv_dev_add console --log-size 2M)
hvv_hvc_ready || hvv_fail "no /dev/hvc0 in the guest"
tty=$(hvv_console_tty)
hvv_wait_for "$tty" 5 || hvv_fail "$tty missing"
exec 3<>/dev/hvc0
hvv_run stty raw -echo <&3

limit=$((60 * HVV_SLOW))

# Guest -> root: the reader is there first.
timeout $limit head -c $size "$tty" >g.out &
r=$!
sleep 1
t0=$(date +%s)
cat g.bin >&3 || hvv_fail "guest write to hvc0 failed"
wait $r || {
	hvisorctl console "$id" --log >/dev/null
	hvisorctl dev list
	hvv_fail "root reader got $(wc -c <g.out) of $size bytes"
}
hvv_log "guest -> root: $size bytes in $(($(date +%s) - t0)) s"
hvv_assert_eq "guest -> root sha256" "$(sha256sum <g.out)" "$(sha256sum <g.bin)"

# Root -> guest.
timeout $limit head -c $size <&3 >r.out &
r=$!
sleep 1
t0=$(date +%s)
timeout $limit cat r.bin >"$tty" || hvv_fail "root write to $tty failed"
wait $r || hvv_fail "guest reader did not get $size bytes"
hvv_log "root -> guest: $size bytes in $(($(date +%s) - t0)) s"
hvv_assert_eq "root -> guest sha256" "$(sha256sum <r.out)" "$(sha256sum <r.bin)"

hvisorctl console "$id" --log >/dev/null 2>log.err || hvv_fail "--log failed"
hvv_assert "nothing lost" test ! -s log.err
out=$(hvisorctl dev list --json | sed -n 's/.*"bytes_out": *\([0-9]*\).*/\1/p' | head -n 1)
hvv_assert "bytes_out counts the guest's $size bytes" test "${out:-0}" -ge $size
exec 3>&-
hvv_run hvisorctl dev del "$id"
hvv_unload_all
hvv_dmesg_clean
