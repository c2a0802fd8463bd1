# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Helpers for the guest-side tests (sourced by selftests/tests/*.sh, which
# busybox sh runs inside the QEMU guest; /init puts this file at
# /hvv/lib.sh). A test exits 0 to pass, 4 to skip, anything else fails;
# hvv_fail and the assert helpers exit for it.
#
# Environment set by /init:
#   HVV_KERNEL  stock | stock612 | debug
#   HVV_MODDIR  our modules (hvisor_vhost.ko, hvisor_vhost_sim.ko, ...)
#   HVV_TEST    the running test's name

HVV_MODDIR=${HVV_MODDIR:-/hvv/modules}
HVV_SLOW=${HVV_SLOW:-1}
HVV_SKIP=4

# hvv_log MSG: "[TEST UPTIME] MSG" on the console (where the time goes).
hvv_log() {
	read -r _hvv_up _hvv_idle </proc/uptime
	echo "[$HVV_TEST ${_hvv_up}] $*"
}
# hvv_fail MSG: fail the test, also from inside $(...), a pipeline or a
# background job: there "exit" would only leave the subshell (and the
# message would land in the substitution), so the message goes to stderr
# and the test's own shell ($$ is its PID in every subshell) is killed.
hvv_fail() {
	echo "[$HVV_TEST] FAIL: $*" >&2
	[ "$(exec sh -c 'echo $PPID')" = "$$" ] || kill -TERM "$$" 2>/dev/null
	exit 1
}
hvv_skip() { echo "[$HVV_TEST] SKIP: $*"; exit "$HVV_SKIP"; }

# hvv_run CMD...: run and log a command; fail the test when it fails.
hvv_run() {
	hvv_log "+ $*"
	"$@" || hvv_fail "'$*' exited $?"
}

# hvv_run_fails CMD...: the command must fail (non-zero exit).
hvv_run_fails() {
	hvv_log "+ $* (must fail)"
	if "$@"; then hvv_fail "'$*' succeeded but should have failed"; fi
	return 0
}

# hvv_assert DESC CMD...: CMD (e.g. "test -c /dev/x") must succeed.
hvv_assert() {
	_d=$1; shift
	if "$@"; then hvv_log "ok: $_d"; else hvv_fail "$_d: '$*' is false"; fi
}
hvv_assert_eq() {
	[ "$2" = "$3" ] || hvv_fail "$1: got '$2', want '$3'"
	hvv_log "ok: $1 = '$3'"
}
# hvv_assert_match DESC TEXT ERE
hvv_assert_match() {
	printf '%s\n' "$2" | grep -Eq -- "$3" ||
		hvv_fail "$1: no match for /$3/ in: $2"
	hvv_log "ok: $1 matches /$3/"
}

# Kernel log since the last hvv_dmesg_mark: the mark is a line of its own
# in the log (not a line count, which a full log buffer stops moving). A
# mark that scrolled out of the buffer yields the whole buffer (stricter
# for hvv_dmesg_clean; hvv_dmesg_expect may then see an older line). The
# kernel runs with printk.devkmsg=on, so no mark is rate-limited away.
hvv_dmesg_mark() {
	HVV_DMESG_SEQ=$((${HVV_DMESG_SEQ:-0} + 1))
	HVV_DMESG_MARK="hvv-mark $$.$HVV_DMESG_SEQ $(cut -d' ' -f1 /proc/uptime)"
	echo "$HVV_DMESG_MARK" >/dev/kmsg
}
hvv_dmesg_new() {
	dmesg | awk -v mark="${HVV_DMESG_MARK:-}" '
		{ line[NR] = $0 }
		mark != "" && index($0, mark) { from = NR + 1 }
		END { for (i = from ? from : 1; i <= NR; i++) print line[i] }'
}
# hvv_dmesg_expect ERE: the kernel printed it since the mark.
hvv_dmesg_expect() {
	hvv_dmesg_new | grep -Eq -- "$1" ||
		{ hvv_dmesg_new; hvv_fail "kernel log has no /$1/"; }
	hvv_log "ok: kernel log has /$1/"
}
# Warnings, BUGs, lockdep, KASAN... since the mark (the host checks the
# whole log again after the run).
HVV_BAD_RE='BUG:|WARNING:|Oops|KASAN|UBSAN:|circular locking|inconsistent lock state|unreferenced object|blocked for more than|soft lockup|general protection|Call Trace|rcu: INFO:|detected stall|page allocation failure|vmalloc error|SLUB: Unable to allocate|invoked oom-killer|Out of memory'
hvv_dmesg_clean() {
	_bad=$(hvv_dmesg_new | grep -E "$HVV_BAD_RE" || true)
	[ -z "$_bad" ] || { hvv_dmesg_new; hvv_fail "kernel log: $_bad"; }
	hvv_log "ok: no warnings in the kernel log"
}

hvv_loaded() { grep -q "^$1 " /proc/modules; }

# hvv_insmod NAME [PARAMS...]: load one of our modules (must succeed).
hvv_insmod() {
	_m=$1; shift
	hvv_run insmod "$HVV_MODDIR/$_m.ko" "$@"
}
hvv_rmmod() {
	hvv_run rmmod "$1"
	! hvv_loaded "$1" || hvv_fail "$1 still loaded after rmmod"
}

# Load hvisor_vhost on the simulator, and the simulator.
hvv_load_sim() {
	hvv_insmod hvisor_vhost hypervisor=sim
	hvv_insmod hvisor_vhost_sim
	hvv_wait_for "/dev/hvisor-vhost" 10 || hvv_fail "/dev/hvisor-vhost missing"
}
# The guest's /dev/hvc0 node always exists (hvc's lines are static): it
# is ready once it can be opened (virtio_console probed the port).
hvv_hvc_ready() {
	_n=$((100 * HVV_SLOW))
	until (exec 9<>/dev/hvc0) 2>/dev/null; do
		[ "$_n" -gt 0 ] || return 1
		_n=$((_n - 1))
		sleep 0.1
	done
}
# The root tty of the first console "hvisorctl dev list" shows.
hvv_console_tty() {
	hvisorctl dev list --json |
		sed -n 's/.*"name": *"\(\/dev\/hvcon[0-9]*\)".*/\1/p' | head -n 1
}
hvv_unload_all() {
	for _m in hvisor_vhost_sim hvisor_vhost; do
		if hvv_loaded "$_m"; then hvv_rmmod "$_m"; fi
	done
}

# hvv_wait_for PATH SECONDS: wait until PATH exists.
hvv_wait_for() {
	_n=$(($2 * 10))
	while [ ! -e "$1" ]; do
		[ "$_n" -gt 0 ] || return 1
		_n=$((_n - 1))
		sleep 0.1
	done
}

# The virtio disks the guest sees now (vda vdb ...).
hvv_vd_list() { ls /sys/block 2>/dev/null | grep '^vd' || true; }

# hvv_need PROG...: skip the test when a program is missing.
hvv_need() {
	for _p in "$@"; do
		command -v "$_p" >/dev/null 2>&1 || hvv_skip "$_p not in the initramfs"
	done
}

# hvv_wait_new_vd "BEFORE" SECONDS: print the first vdX not in BEFORE (the
# output of an earlier hvv_vd_list) once it appears, or fail.
hvv_wait_new_vd() {
	_n=$(($2 * 10))
	while :; do
		for _d in $(hvv_vd_list); do
			case " $(echo $1) " in
			*" $_d "*) ;;
			*) [ -b "/dev/$_d" ] && { echo "$_d"; return 0; } ;;
			esac
		done
		[ "$_n" -gt 0 ] || hvv_fail "no new virtio disk after $2 s"
		_n=$((_n - 1))
		sleep 0.1
	done
}

# hvv_dev_add ARGS...: "hvisorctl dev add ARGS", print the new device id.
hvv_dev_add() {
	_out=$(hvisorctl dev add "$@") || hvv_fail "hvisorctl dev add $* failed: $_out"
	echo "$_out" >&2
	echo "$_out" | sed -n 's/^device \([0-9][0-9]*\):.*/\1/p'
}

# hvv_modprobe NAME [PARAMS...]: load a stock module a test declared with
# "# HVV-NEEDS-MODULES: NAME", its dependencies first; skip when absent.
hvv_modprobe() {
	_l=/hvv/modules.d/$1.list
	shift
	[ -f "$_l" ] || hvv_skip "module $(basename "$_l" .list) not in the initramfs"
	_last=$(tail -n 1 "$_l")
	while read -r _ko; do
		[ "$_ko" = "$_last" ] || insmod "$_ko" 2>/dev/null || true
	done <"$_l"
	hvv_run insmod "$_last" "$@"
}

# hvv_net_if_by_mac MAC SECONDS: print the name of the device-backed
# interface (the guest's virtio_net one) with address MAC once it exists.
hvv_net_if_by_mac() {
	_n=$(($2 * 10))
	while :; do
		for _i in /sys/class/net/*; do
			[ -e "$_i/device" ] || continue
			[ "$(cat "$_i/address" 2>/dev/null)" = "$1" ] &&
				{ basename "$_i"; return 0; }
		done
		[ "$_n" -gt 0 ] || hvv_fail "no interface with MAC $1 after $2 s"
		_n=$((_n - 1))
		sleep 0.1
	done
}

# hvv_netns_new: start a process holding a new network namespace and print
# its pid; run commands there with hvv_in_netns PID CMD..., end it with kill.
hvv_netns_new() {
	unshare -n sleep 100000 >/dev/null 2>&1 &
	_p=$!
	_n=100
	# Wait until the holder really is in its new namespace.
	while [ "$(readlink /proc/$_p/ns/net)" = "$(readlink /proc/$$/ns/net)" ]; do
		[ "$_n" -gt 0 ] || hvv_fail "unshare -n did not start"
		_n=$((_n - 1))
		sleep 0.1
	done
	echo "$_p"
}
hvv_in_netns() {
	_p=$1
	shift
	nsenter -t "$_p" -n "$@"
}

# hvv_net_guest MAC ADDR/PREFIX: move the guest's interface with address
# MAC into a new network namespace, give it ADDR and bring it up, then
# wait until root reaches ADDR; sets HVV_GIF (its name) and HVV_NS (the
# namespace's holder: hvv_in_netns "$HVV_NS" ..., kill "$HVV_NS").
hvv_net_guest() {
	HVV_GIF=$(hvv_net_if_by_mac "$1" $((10 * HVV_SLOW)))
	HVV_NS=$(hvv_netns_new)
	hvv_run /hvv/bin/ip link set "$HVV_GIF" netns "$HVV_NS"
	hvv_run hvv_in_netns "$HVV_NS" /hvv/bin/ip addr add "$2" dev "$HVV_GIF"
	hvv_run hvv_in_netns "$HVV_NS" /hvv/bin/ip link set "$HVV_GIF" up
	_n=$((30 * HVV_SLOW))
	until ping -c 1 -W 1 "${2%/*}" >/dev/null 2>&1; do
		[ "$_n" -gt 0 ] || hvv_fail "guest unreachable at ${2%/*}"
		_n=$((_n - 1))
	done
	hvv_log "ok: guest $HVV_GIF reachable at ${2%/*}"
}

# hvv_net_flood IF NS GUEST_IP ROOT_IP PORT: TCP both ways (net_xfer on
# PORT and PORT + 1) and a ping flood between root's interface IF and the
# guest's in namespace NS; sets HVV_FLOOD_PIDS. Returns once 1 MiB more
# went each way through IF than before (more than pings and handshakes;
# 1 MiB / HVV_SLOW on the slow kernel, where 1 MiB took 25 s), so that
# what follows happens under traffic. hvv_net_flood_stop ends it.
hvv_net_flood() {
	_st=/sys/class/net/$1/statistics
	_min=$((1048576 / HVV_SLOW))
	_rx=$(cat "$_st/rx_bytes")
	_tx=$(cat "$_st/tx_bytes")
	hvv_in_netns "$2" /hvv/bin/net_xfer recv "$5" >/dev/null 2>&1 &
	HVV_FLOOD_PIDS="$!"
	/hvv/bin/net_xfer recv $(($5 + 1)) >/dev/null 2>&1 &
	HVV_FLOOD_PIDS="$HVV_FLOOD_PIDS $!"
	/hvv/bin/net_xfer send "$3" "$5" $((1 << 30)) >/dev/null 2>&1 &
	HVV_FLOOD_PIDS="$HVV_FLOOD_PIDS $!"
	hvv_in_netns "$2" /hvv/bin/net_xfer send "$4" $(($5 + 1)) $((1 << 30)) \
		>/dev/null 2>&1 &
	HVV_FLOOD_PIDS="$HVV_FLOOD_PIDS $!"
	ping -f -c 100000 "$3" >/dev/null 2>&1 &
	HVV_FLOOD_PIDS="$HVV_FLOOD_PIDS $!"
	_n=$((300 * HVV_SLOW))
	until [ $(($(cat "$_st/rx_bytes") - _rx)) -ge "$_min" ] &&
	      [ $(($(cat "$_st/tx_bytes") - _tx)) -ge "$_min" ]; do
		[ "$_n" -gt 0 ] || hvv_fail "no traffic: rx $(($(cat "$_st/rx_bytes") - _rx)) tx $(($(cat "$_st/tx_bytes") - _tx)) bytes"
		_n=$((_n - 1))
		sleep 0.1
	done
	hvv_log "ok: traffic flows both ways"
}
hvv_net_flood_stop() {
	# shellcheck disable=SC2086 # a list of pids
	kill $HVV_FLOOD_PIDS 2>/dev/null
	for _p in $HVV_FLOOD_PIDS; do wait "$_p" 2>/dev/null; done
}

# ---- Fault injection ----
# Tests that make allocations fail on purpose (failslab, fail_page_alloc)
# bracket each injection with hvv_fault_begin and hvv_fault_end: markers
# in the kernel log. hvv_dmesg_clean_faults then judges the log since the
# mark like hvv_dmesg_clean, except that inside a window the lines an
# injected failure prints by design (HVV_FAULT_OK_RE: fault-inject's
# notice, vmalloc's and SLUB's warn_alloc with its stack dump) are
# allowed. Everything else (BUG, WARNING, KASAN, lockdep, a leak, a hang)
# still fails the test, inside a window too. The host's check
# (selftests/run.sh BAD_RE) catches "page allocation failure", which the
# page allocator prints for a real failure only: an injected one returns
# before warn_alloc(); so does every failslab one.
HVV_FAULT_OK_RE='FAULT_INJECTION|vmalloc error|SLUB: Unable to allocate|Call Trace'
hvv_fault_begin() { echo "HVV-FAULT-BEGIN $HVV_TEST" >/dev/kmsg; }
hvv_fault_end() { echo "HVV-FAULT-END $HVV_TEST" >/dev/kmsg; }
hvv_dmesg_clean_faults() {
	_bad=$(hvv_dmesg_new | awk -v bad="$HVV_BAD_RE" -v ok="$HVV_FAULT_OK_RE" '
		/HVV-FAULT-BEGIN/ { w = 1; next }
		/HVV-FAULT-END/ { w = 0; next }
		$0 ~ bad && !(w && $0 ~ ok) { print }')
	[ -z "$_bad" ] || { hvv_dmesg_new; hvv_fail "kernel log: $_bad"; }
	hvv_log "ok: no warnings in the kernel log (allowed in fault windows: /$HVV_FAULT_OK_RE/)"
}

# hvv_load_stock NAME: load a stock module the test declared with
# "# HVV-NEEDS-MODULES: NAME" and its dependencies, when the initramfs
# has it; on the test kernels (no stock modules) it may be built in, so
# the caller checks for the feature itself.
hvv_load_stock() {
	_l=/hvv/modules.d/$1.list
	[ -f "$_l" ] || return 0
	while read -r _ko; do
		_n=$(basename "$_ko" .ko | tr - _)
		hvv_loaded "$_n" || insmod "$_ko" || hvv_fail "insmod $_ko failed"
	done <"$_l"
}

# hvv_dm_ready TARGET...: device-mapper with these targets (error,
# linear, flakey...) is usable, dmsetup works without udev (it makes the
# /dev/mapper nodes itself); skip the test otherwise.
hvv_dm_ready() {
	hvv_need dmsetup
	hvv_load_stock dm-mod
	for _t in "$@"; do
		case $_t in error | linear) ;; *) hvv_load_stock "dm-$_t" ;; esac
	done
	[ -c /dev/mapper/control ] || hvv_skip "no device-mapper in this kernel"
	export DM_DISABLE_UDEV=1
	_have=$(dmsetup targets) || hvv_fail "dmsetup targets failed"
	for _t in "$@"; do
		echo "$_have" | grep -q "^$_t " || hvv_skip "no dm target $_t"
	done
}
# hvv_dm_disk_done ID VD DM LOOP: the disk ID (guest VD) on device-mapper
# device DM over loop device LOOP has nothing in flight; remove all three.
hvv_dm_disk_done() {
	hvv_assert_eq "nothing in flight" "$(hvv_blk_field in_flight)" 0
	hvv_run hvisorctl dev del "$1"
	hvv_assert "the guest disk is gone" test ! -e "/dev/$2"
	hvv_run dmsetup remove "$3"
	hvv_run losetup -d "$4"
}

# hvv_blk_field KEY: the first "KEY": number of "hvisorctl dev list --json".
hvv_blk_field() {
	hvisorctl dev list --json | sed -n "s/.*\"$1\": *\([0-9]*\).*/\1/p" | head -n 1
}

# ---- Userspace devices: the reference backend selftests/progs/uvirtio
# (tests 48, 49, bench 40-ubridge).
# The userspace devices sit above the simulator's 64 slots for in-kernel
# devices (0xa000000 + n * 0x200, interrupt 32 + n). The daemon logs to
# /tmp/uvirtio.log; UB_PID is its pid.
# shellcheck disable=SC2034
UB_ZONE=1
UB_ADDR0=0xa010000 UB_IRQ0=100
UB_ADDR1=0xa010200 UB_IRQ1=101
UB_LOG=/tmp/uvirtio.log
UB_STATE=/tmp/uvirtio.state
UB_SIM=/sys/kernel/debug/hvisor_vhost_sim

# The simulator with zone 1's RAM (all of root's) mappable through
# /dev/hvisor, as a daemon maps its zone's RAM.
ub_load_sim() {
	grep -q ' /sys/kernel/debug ' /proc/mounts || mount -t debugfs none /sys/kernel/debug
	hvv_insmod hvisor_vhost hypervisor=sim
	hvv_insmod hvisor_vhost_sim user_ram=1
	hvv_wait_for /dev/hvisor-vhost 10 || hvv_fail "/dev/hvisor-vhost missing"
	hvv_wait_for /dev/hvisor 10 || hvv_fail "/dev/hvisor missing"
}
# The guest's virtio_rng: a module of the stock kernels, built into the
# test kernels.
ub_rng_driver() {
	[ ! -f /hvv/modules.d/virtio_rng.list ] || hvv_modprobe virtio_rng
}
# ub_mem_args: uvirtio's -m options for zone 1's RAM, as the simulator
# lists it (ROOT_PA:GUEST_PA:SIZE; guest-physical == physical).
ub_mem_args() {
	sed -n "s/^\(0x[0-9a-f]*:0x[0-9a-f]*:0x[0-9a-f]*\)$/-m $UB_ZONE:\1/p" $UB_SIM/ram
}
# ub_start DEV...: start uvirtio serving DEV... and wait until it serves.
ub_start() {
	rm -f /tmp/uvirtio.ready
	[ -n "$(ub_mem_args)" ] || hvv_fail "no zone RAM in $UB_SIM/ram"
	# shellcheck disable=SC2046
	/hvv/bin/uvirtio -s $UB_STATE -r /tmp/uvirtio.ready $(ub_mem_args) "$@" \
		>>$UB_LOG 2>&1 &
	UB_PID=$!
	hvv_wait_for /tmp/uvirtio.ready $((10 * HVV_SLOW)) ||
		{ cat $UB_LOG; hvv_fail "uvirtio did not start"; }
	hvv_log "uvirtio $UB_PID serves $*"
}
# ub_stop: end uvirtio (SIGTERM); it must exit 0.
ub_stop() {
	kill -TERM "$UB_PID"
	wait "$UB_PID" || { cat $UB_LOG; hvv_fail "uvirtio exited $?"; }
}
# ub_plug ADDR IRQ / ub_unplug ADDR: the simulated guest's transport of a
# userspace device (its accesses cross the userspace bridge).
ub_plug() { hvv_run sh -c "echo add $1 $2 $UB_ZONE >$UB_SIM/user_dev"; }
ub_unplug() { hvv_run sh -c "echo del $1 $UB_ZONE >$UB_SIM/user_dev"; }
# ub_serial ADDR: the serial uvirtio's blk device at ADDR reports.
ub_serial() { printf 'uvirtio-%x' "$1"; }
# hvv_vd_by_serial SERIAL: the guest disk with that serial, once there.
hvv_vd_by_serial() {
	_n=$((100 * HVV_SLOW))
	while [ $_n -gt 0 ]; do
		for _d in $(hvv_vd_list); do
			[ "$(cat /sys/block/$_d/serial 2>/dev/null)" = "$1" ] &&
				[ -b /dev/$_d ] && { echo $_d; return 0; }
		done
		_n=$((_n - 1))
		sleep 0.1
	done
	hvv_fail "no guest disk with serial $1"
}
# ub_rng_wait: the name of the guest's virtio_rng hw_random source.
ub_rng_wait() {
	_n=$((100 * HVV_SLOW))
	while [ $_n -gt 0 ]; do
		_r=$(tr ' ' '\n' </sys/class/misc/hw_random/rng_available 2>/dev/null |
			grep '^virtio_rng' | head -n 1)
		[ -z "$_r" ] || { echo "$_r"; return 0; }
		_n=$((_n - 1))
		sleep 0.1
	done
	hvv_fail "no virtio_rng source in rng_available"
}
# ub_stat TYPE FIELD: uvirtio's counter FIELD of its TYPE (rng, blk)
# device, asked for with SIGUSR1.
ub_stat() {
	_l=$(grep -c 'stats unclaimed' $UB_LOG)
	kill -USR1 "$UB_PID"
	_n=$((50 * HVV_SLOW))
	while [ "$(grep -c 'stats unclaimed' $UB_LOG)" = "$_l" ]; do
		[ $_n -gt 0 ] || hvv_fail "uvirtio printed no counters"
		_n=$((_n - 1))
		sleep 0.1
	done
	grep "stats $1 " $UB_LOG | tail -n 1 |
		awk -v f="$2" '{ for (i = 5; i < NF; i += 2) if ($i == f) print $(i + 1) }'
}
# ub_status KEY: a counter of "hvisorctl status --json".
ub_status() {
	hvisorctl status --json | tr ',{}' '\n\n\n' |
		sed -n "s/^ *\"$1\": *\([0-9][0-9]*\).*/\1/p"
}
# ub_status_check: the bridge forwarded requests, refused nothing and the
# daemon wrote no garbage; it is attached.
ub_status_check() {
	hvv_assert "the bridge forwarded requests" test "$(ub_status ub_requests)" -gt 0
	hvv_assert_eq "bridge overflow, bad index, answer, result" \
		"$(ub_status ub_overflow) $(ub_status ub_bad_index) $(ub_status ub_bad_answer) $(ub_status ub_bad_result)" \
		"0 0 0 0"
	hvv_assert_match "a backend is attached" "$(hvisorctl status)" 'ubridge'
}
