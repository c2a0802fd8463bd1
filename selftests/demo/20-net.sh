#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The net demo (make demo): hvisor_vhost serves a virtio-net NIC to the
# simulated guest. Root gets an interface (hvdemo0), like a Xen vif; the
# guest's own virtio_net driver gets another, which we put in a network
# namespace standing for the guest. Then they ping each other.
# HVV-NEEDS: ip
# HVV-TIMEOUT: 180
. /hvv/lib.sh

IP=/hvv/bin/ip
MAC=02:00:00:00:de:01
step() { printf '\n=== %s\n' "$*"; }

step "Load hvisor_vhost on the simulator, then the simulator"
hvv_insmod hvisor_vhost hypervisor=sim
hvv_insmod hvisor_vhost_sim

step "A guest NIC: hvisorctl dev add net"
id=$(hvv_dev_add net --mac $MAC --ifname hvdemo0)
[ -n "$id" ] || hvv_fail "no device id from hvisorctl dev add"
gif=$(hvv_net_if_by_mac $MAC $((10 * HVV_SLOW)))
hvv_log "root side: hvdemo0; the guest's virtio_net interface: $gif"
hvv_run $IP link show hvdemo0

step "The guest's interface goes into its own namespace: 10.99.0.2"
ns=$(hvv_netns_new)
hvv_run $IP link set "$gif" netns "$ns"
hvv_run hvv_in_netns "$ns" $IP addr add 10.99.0.2/24 dev "$gif"
hvv_run hvv_in_netns "$ns" $IP link set "$gif" up

step "Root's side: 10.99.0.1 on hvdemo0, link up (the guest sees it)"
hvv_run $IP addr add 10.99.0.1/24 dev hvdemo0
hvv_run $IP link set hvdemo0 up
n=$((30 * HVV_SLOW))
until ping -c 1 -W 1 10.99.0.2 >/dev/null 2>&1; do
	[ "$n" -gt 0 ] || hvv_fail "guest unreachable"
	n=$((n - 1))
done

step "Ping the guest from root, and root from the guest"
hvv_run ping -c 3 10.99.0.2
hvv_run hvv_in_netns "$ns" ping -c 3 10.99.0.1

step "Counters: ip -s link and hvisorctl dev list"
hvv_run $IP -s link show hvdemo0
hvv_run hvisorctl dev list

step "Clean up"
hvv_run hvisorctl dev del "$id"
kill "$ns"
hvv_unload_all
