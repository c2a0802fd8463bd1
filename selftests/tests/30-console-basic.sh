#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# virtio-console end to end: the simulated guest's virtio_console probes
# the device and exposes it as /dev/hvc0; root gets /dev/hvconN (named by
# "hvisorctl dev list"). Guest output written before anyone opened the
# root tty is delivered to the first reader and kept in the log
# ("hvisorctl console --log"); text goes both ways; a window resize on the
# root tty reaches the guest's hvc0.
# HVV-TIMEOUT: 120
. /hvv/lib.sh

hvv_load_sim
hvv_dmesg_mark

id=$(hvv_dev_add console)
hvv_hvc_ready || hvv_fail "no /dev/hvc0 in the guest"
tty=$(hvv_console_tty)
hvv_assert_match "dev list names the tty" "$tty" '^/dev/hvcon[0-9]+$'
hvv_wait_for "$tty" 5 || hvv_fail "$tty missing"

# Keep the guest side open and raw for the whole test (hvc resets its
# termios on the last close).
exec 3<>/dev/hvc0
hvv_run stty raw -echo <&3

# Guest output before anyone opened the root tty.
printf 'early-line-from-guest\n' >&3
sleep 1
log=$(hvisorctl console "$id" --log)
hvv_assert_match "--log shows early output" "$log" 'early-line-from-guest'
timeout 2 cat "$tty" >early.out
hvv_assert_match "first reader gets early output" "$(cat early.out)" 'early-line-from-guest'

# Guest -> root with a reader attached.
timeout 3 cat "$tty" >g2r.out &
r=$!
sleep 1
printf 'hello-root-from-guest\n' >&3
wait $r
hvv_assert_match "guest -> root" "$(cat g2r.out)" 'hello-root-from-guest'

# Root -> guest.
timeout 3 cat <&3 >r2g.out &
r=$!
sleep 1
printf 'hello-guest-from-root\n' >"$tty"
wait $r
hvv_assert_match "root -> guest" "$(cat r2g.out)" 'hello-guest-from-root'

# Window size: root's TIOCSWINSZ -> config change -> the guest's hvc0.
exec 4<>"$tty"
hvv_run stty rows 33 cols 111 <&4
sleep 1
hvv_assert_eq "guest sees the new size" "$(stty size <&3)" "33 111"
exec 4>&-

list=$(hvisorctl dev list --json)
hvv_assert_match "requests counted" "$list" '"requests": *[1-9]'
exec 3>&-
hvv_run hvisorctl dev del "$id"
hvv_assert "root tty gone" test ! -e "$tty"
hvv_unload_all
hvv_dmesg_clean
