#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# An interrupt that finds hvisor's result ring full is not lost: the
# simulator's FINISH_REQ stops draining (res_ring_full=1), the guest's
# read waits for its interrupt, "hvisorctl status" counts it as deferred;
# once the ring drains again the interrupt arrives, the read completes
# and the disk keeps working.
# HVV-TIMEOUT: 180
. /hvv/lib.sh

PARAM=/sys/module/hvisor_vhost_sim/parameters/res_ring_full
deferred() { hvisorctl status | sed -n 's/^irq deferred *//p'; }
running() { kill -0 "$1" 2>/dev/null; }

hvv_dmesg_mark
hvv_load_sim
hvv_run dd if=/dev/urandom of=/tmp/data bs=1M count=2 status=none
want=$(sha256sum /tmp/data | cut -d' ' -f1)
hvv_run dd if=/tmp/data of=/tmp/irq.img bs=1M status=none
before=$(hvv_vd_list)
id=$(hvv_dev_add blk /tmp/irq.img)
vd=$(hvv_wait_new_vd "$before" $((10 * HVV_SLOW)))
hvv_assert_eq "deferred before" "$(deferred)" 0

echo 1 >"$PARAM"
dd if=/dev/$vd of=/tmp/out bs=64k iflag=direct status=none & rd=$!
n=0
while [ "$(deferred)" = 0 ] && [ $n -lt $((100 * HVV_SLOW)) ]; do
	sleep 0.1
	n=$((n + 1))
done
hvv_assert "an interrupt was deferred" [ "$(deferred)" -gt 0 ]
sleep 1
hvv_assert "the read waits for its interrupt" running $rd
hvv_log "$(hvisorctl status | grep -E 'interrupts|finish|deferred' | tr '\n' ' ')"

echo 0 >"$PARAM"
n=0
while running $rd && [ $n -lt $((300 * HVV_SLOW)) ]; do
	sleep 0.1
	n=$((n + 1))
done
running $rd && { kill $rd; hvv_fail "the read never got its interrupt: it was lost"; }
wait $rd || hvv_fail "the read failed"
hvv_assert_eq "read back" "$(sha256sum /tmp/out | cut -d' ' -f1)" "$want"

# The device goes on: a write and a read through the guest.
hvv_run dd if=/dev/zero of=/dev/$vd bs=64k count=8 oflag=direct status=none
hvv_assert_eq "zeroes read back" \
	"$(dd if=/dev/$vd bs=64k count=8 iflag=direct status=none | sha256sum | cut -d' ' -f1)" \
	"$(dd if=/dev/zero bs=64k count=8 status=none | sha256sum | cut -d' ' -f1)"
hvv_log "deferred interrupts: $(deferred)"
hvv_run hvisorctl dev del "$id"
hvv_unload_all
hvv_dmesg_clean
