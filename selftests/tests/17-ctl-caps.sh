#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The capability each ioctl of /dev/hvisor-vhost needs, checked against a
# task holding a descriptor root opened (selftests/progs/ioctl_caps.c):
# without capabilities (and as uid nobody) only the status and the device
# list work; CAP_SYS_ADMIN alone adds and removes blk devices and reads a
# console log but creates no network interface (CAP_NET_ADMIN) and maps no
# memory (CAP_SYS_RAWIO). Nothing a refused request asked for happens.
# HVV-NEEDS: ip
# HVV-TIMEOUT: 120
. /hvv/lib.sh

hvv_dmesg_mark
hvv_load_sim
hvv_run dd if=/dev/zero of=/tmp/caps.img bs=1M count=4 status=none
net=$(hvv_dev_add net --mac 02:00:00:00:17:01 --ifname hvcaps0)
con=$(hvv_dev_add console)
links=$(ip -o link show | wc -l)

hvv_run ioctl_caps /tmp/caps.img "$net" "$con"

hvv_assert_eq "no interface created or removed" "$(ip -o link show | wc -l)" "$links"
hvv_assert "hvcaps0 still there" ip link show hvcaps0
list=$(hvisorctl dev list)
echo "$list"
hvv_assert_eq "devices left: the net and the console" \
	"$(echo "$list" | grep -c -E '^[0-9]+ +(net|console) ')" 2
hvv_assert_eq "no blk device left" "$(echo "$list" | grep -c -E '^[0-9]+ +blk ')" 0
hvv_run hvisorctl dev del "$net"
hvv_run hvisorctl dev del "$con"
hvv_unload_all
hvv_dmesg_clean
