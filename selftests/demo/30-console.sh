#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The demo (make demo), console part: hvisor_vhost serves a virtio-console
# to the simulated guest; the guest's virtio_console driver makes it
# /dev/hvc0, root gets /dev/hvconN. The guest writes before anyone is
# attached (kept in the log), root attaches and reads it, and text goes
# both ways.
# HVV-TIMEOUT: 120
. /hvv/lib.sh

step() { printf '\n=== %s\n' "$*"; }

step "Load hvisor_vhost on the simulator, then the simulator"
hvv_load_sim

step "A virtio-console device"
id=$(hvv_dev_add console)
[ -n "$id" ] || hvv_fail "no device id from hvisorctl dev add"
hvv_hvc_ready || hvv_fail "no /dev/hvc0 in the guest"
hvv_run hvisorctl dev list
tty=$(hvv_console_tty)
hvv_log "root side: $tty, guest side: /dev/hvc0"

step "The guest writes to /dev/hvc0 while nobody is attached"
exec 3<>/dev/hvc0
stty raw -echo <&3
printf 'guest: booted at %s\nguest: nobody is listening yet\n' "$(date)" >&3
sleep 1

step "hvisorctl console $id --log: the log, without attaching"
hvv_run hvisorctl console "$id" --log

step "Root attaches (pipe mode): the log is replayed, then the guest answers"
(sleep 0.2; printf 'guest: hello root\n' >&3) &
echo "root: hello guest" | hvisorctl console "$id"
wait
hvv_log "the guest received: $(timeout 1 head -c 18 <&3)"

step "Clean up"
exec 3>&-
hvv_run hvisorctl dev del "$id"
hvv_unload_all
