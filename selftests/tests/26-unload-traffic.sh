#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Unloading under traffic: the simulator is unloaded (hvisor_vhost removes
# every device at once) while a two-queue-pair net device carries TCP
# both ways and a ping flood, and a console carries the guest's flood to
# root with both ttys open; then hvisor_vhost unloads. Root's interface
# and tty are gone, the guest's virtio devices too, every console process ends
# by itself, nothing hangs, the kernel log stays clean (KASAN, lockdep and
# kmemleak on the debug kernel). Root -> guest console data is left out
# for the reason 32-console-remove gives (a Linux virtio_console leak).
# HVV-NEEDS: ip
# HVV-TIMEOUT: 240
. /hvv/lib.sh

IP=/hvv/bin/ip
MAC=02:00:00:00:26:01

hvv_dmesg_mark
hvv_load_sim

hvv_dev_add net --mac $MAC --ifname hvul0 --queues 2 >/dev/null
hvv_run $IP addr add 10.26.0.1/24 dev hvul0
hvv_run $IP link set hvul0 up
hvv_net_guest $MAC 10.26.0.2/24
ns=$HVV_NS

hvv_dev_add console >/dev/null
hvv_hvc_ready || hvv_fail "no /dev/hvc0 in the guest"
tty=$(hvv_console_tty)
# The net flood first: once it carries data both ways, the console
# flood joins it (started first, it starved the net flood for minutes
# on the debug kernel).
hvv_net_flood hvul0 "$ns" 10.26.0.2 10.26.0.1 5026
exec 3<>/dev/hvc0
hvv_run stty raw -echo <&3
cat /dev/zero >&3 2>/dev/null &
gw=$!
cat "$tty" >/dev/null 2>&1 &
rr=$!
exec 3>&-
hvv_assert "the console flood runs" kill -0 $gw
hvv_assert "root's reader runs" kill -0 $rr
hvv_rmmod hvisor_vhost_sim

for p in $gw $rr; do
	n=0
	while kill -0 "$p" 2>/dev/null; do
		[ $n -lt $((50 * HVV_SLOW)) ] ||
			{ kill -9 "$p"; hvv_fail "console process $p still runs after the unload"; }
		n=$((n + 1))
		sleep 0.1
	done
done
hvv_net_flood_stop
kill "$ns"
hvv_assert "root's interface gone" test ! -e /sys/class/net/hvul0
hvv_assert "root's tty gone" test ! -e "$tty"
hvv_assert "no guest virtio device left" \
	test -z "$(ls /sys/bus/virtio/devices 2>/dev/null)"
hvv_rmmod hvisor_vhost
hvv_dmesg_clean
