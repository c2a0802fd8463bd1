#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Userspace and in-kernel devices in one simulated zone at once: a
# virtio-rng and a virtio-blk served by the reference userspace backend
# (selftests/progs/uvirtio, hvisor-tool's daemon ABI on /dev/hvisor, its
# accesses forwarded by the userspace bridge), an in-kernel blk and an
# in-kernel net. All four under load together: the guest reads
# /dev/hwrng through virtio_rng (the bytes are not constant and the
# daemon counts at least as many as were read), writes files on ext4 on
# the in-kernel disk, sends a TCP stream through the in-kernel NIC and
# writes and reads back the userspace disk; every byte is checked. The
# daemon sees no driver error, and the bridge's counters show its
# requests, answers and results.
# HVV-NEEDS: mkfs.ext4 ip
# HVV-NEEDS-MODULES: virtio_rng
# HVV-TIMEOUT: 300
. /hvv/lib.sh

MAC=02:00:00:00:48:01
MB=16
RNG_KB=256
if [ "$HVV_KERNEL" = debug ]; then MB=4 RNG_KB=64; fi

hvv_dmesg_mark
ub_load_sim
ub_rng_driver

# In-kernel blk with ext4, in-kernel net in a namespace.
hvv_run dd if=/dev/zero of=/tmp/k.img bs=1M count=48 status=none
kid=$(hvv_dev_add blk /tmp/k.img --serial kblk-48)
kvd=$(hvv_vd_by_serial kblk-48)
hvv_run mkfs.ext4 -q /dev/$kvd
mkdir -p /mnt/k
hvv_run mount -t ext4 /dev/$kvd /mnt/k
nid=$(hvv_dev_add net --mac $MAC --ifname hv48)
gif=$(hvv_net_if_by_mac $MAC $((10 * HVV_SLOW)))
ns=$(hvv_netns_new)
hvv_run ip link set "$gif" netns "$ns"
hvv_run hvv_in_netns "$ns" ip addr add 10.48.0.2/24 dev "$gif"
hvv_run hvv_in_netns "$ns" ip link set "$gif" up
hvv_run ip addr add 10.48.0.1/24 dev hv48
hvv_run ip link set hv48 up
hvv_run ping -c 2 -W 5 10.48.0.2

# The userspace devices: rng and blk, served by uvirtio.
hvv_run dd if=/dev/zero of=/tmp/u.img bs=1M count=16 status=none
ub_start "rng:$UB_ZONE:$UB_ADDR0:$UB_IRQ0" "blk:$UB_ZONE:$UB_ADDR1:$UB_IRQ1:/tmp/u.img"
ub_plug "$UB_ADDR0" "$UB_IRQ0"
ub_plug "$UB_ADDR1" "$UB_IRQ1"
rng=$(ub_rng_wait)
hvv_run sh -c "echo $rng >/sys/class/misc/hw_random/rng_current"
hvv_assert_eq "the guest reads from the userspace rng" \
	"$(cat /sys/class/misc/hw_random/rng_current)" "$rng"
uvd=$(hvv_vd_by_serial "$(ub_serial "$UB_ADDR1")")
hvv_assert_eq "userspace disk size" "$(cat /sys/block/$uvd/size)" $((16 * 2048))
before=$(ub_stat rng bytes)

# Everything at once.
hvv_run dd if=/dev/urandom of=/tmp/u.data bs=64k count=$((MB * 16)) status=none
usum=$(sha256sum /tmp/u.data | cut -d' ' -f1)
(head -c $((RNG_KB * 1024)) /dev/hwrng >/tmp/rng.out ||
	echo "reading /dev/hwrng: $?" >/tmp/rng.err) &
rpid=$!
(dd if=/dev/urandom of=/mnt/k/f bs=64k count=$((MB * 16)) status=none && sync &&
	sha256sum /mnt/k/f >/tmp/k.sum) &
kpid=$!
hvv_in_netns "$ns" /hvv/bin/net_xfer recv 5048 >/tmp/net.out &
npid=$!
(/hvv/bin/net_xfer send 10.48.0.2 5048 $((MB << 20)) >/tmp/net.in) &
spid=$!
hvv_run dd if=/tmp/u.data of=/dev/$uvd bs=64k oflag=direct status=none
hvv_assert_eq "userspace disk: $MB MiB read back under load" \
	"$(dd if=/dev/$uvd bs=64k count=$((MB * 16)) iflag=direct status=none | sha256sum | cut -d' ' -f1)" \
	"$usum"
wait $rpid || hvv_fail "reading /dev/hwrng failed"
[ ! -s /tmp/rng.err ] || hvv_fail "$(cat /tmp/rng.err)"
wait $kpid || hvv_fail "ext4 on the in-kernel disk failed"
wait $spid || hvv_fail "net_xfer send failed"
wait $npid || hvv_fail "net_xfer recv failed"

hvv_assert_eq "rng: bytes read" "$(wc -c </tmp/rng.out)" $((RNG_KB * 1024))
distinct=$(od -An -v -tu1 /tmp/rng.out | tr -s ' ' '\n' | grep . | sort -u | wc -l)
hvv_assert "rng bytes are not constant ($distinct distinct byte values)" test "$distinct" -ge 200
hvv_assert "rng halves differ" test \
	"$(head -c $((RNG_KB * 512)) /tmp/rng.out | sha256sum)" != \
	"$(tail -c $((RNG_KB * 512)) /tmp/rng.out | sha256sum)"
after=$(ub_stat rng bytes)
hvv_assert "the daemon served the bytes read ($before -> $after)" \
	test $((after - before)) -ge $((RNG_KB * 1024))
hvv_assert_eq "in-kernel disk: file intact" "$(cut -d' ' -f1 /tmp/k.sum)" \
	"$(sha256sum /mnt/k/f | cut -d' ' -f1)"
hvv_assert_eq "in-kernel net: $MB MiB intact" "$(cat /tmp/net.out)" "$(cat /tmp/net.in)"
hvv_assert_eq "userspace disk: the image holds the data" \
	"$(head -c $((MB << 20)) /tmp/u.img | sha256sum | cut -d' ' -f1)" "$usum"
hvv_assert_eq "no driver broke the rules" "$(ub_stat rng broken) $(ub_stat blk broken)" "0 0"
hvv_assert_eq "no failed request" "$(ub_stat rng errors) $(ub_stat blk errors)" "0 0"
ub_status_check

# Userspace devices away first (the daemon answers the drivers' resets),
# then the daemon, then the in-kernel ones.
ub_unplug "$UB_ADDR0"
ub_unplug "$UB_ADDR1"
ub_stop
hvv_run umount /mnt/k
hvv_run hvisorctl dev del "$kid"
hvv_run hvisorctl dev del "$nid"
kill "$ns"
hvv_unload_all
hvv_dmesg_clean
