#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-build.sh's "dkms" step: the module through Debian's dkms, for
# real, then gone again.
#
#   1. "make dkms-install KVER=<6.1 release>" in a copy of the tree: the
#      sources go to /usr/src/hvisor-vhost-VERSION, dkms add, build and
#      install for Debian's 6.1 kernel;
#   2. dkms build + install for the 6.12 kernel too;
#   3. for each: "dkms status" says installed, both modules are under
#      /lib/modules/REL/updates/dkms/ and nowhere else, and
#      "modinfo -k REL" finds them by name (depmod ran) with REL's
#      vermagic;
#   4. "make dkms-uninstall": dkms remove --all, the sources removed;
#      then no module, no /var/lib/dkms/hvisor-vhost, no /usr/src copy,
#      and modules.dep of both kernels as before.
# Whatever fails, a trap removes what the run added (and dkms's signing
# key when this run made dkms create it). A machine where hvisor-vhost
# is already known to dkms is left alone: the step fails instead.
set -eu
# shellcheck source=tools/testing/lib.sh
. "$(dirname "$0")/lib.sh"

DIR=$HVV_BUILD/check-dkms
VERSION=$(sed -n 's/^PACKAGE_VERSION="\([^"]*\)"$/\1/p' "$HVV_ROOT/dkms.conf")
SRC=/usr/src/hvisor-vhost-$VERSION
STATE=/var/lib/dkms/hvisor-vhost
# dkms (3.x) makes a Machine Owner Key here the first time it signs.
MOK="/var/lib/dkms/mok.key /var/lib/dkms/mok.pub"
MOK_BEFORE=""
ADDED=0

fail() { echo "FAILED: $*"; exit 1; }
# Lines as one line.
flat() { echo "$1" | tr '\n' ' ' | sed 's/ $//'; }
ok() { echo "ok: $*"; }

cleanup() {
	local f
	[ "$ADDED" = 1 ] || return 0
	dkms remove "hvisor-vhost/$VERSION" --all >/dev/null 2>&1 || true
	rm -rf "$SRC" "$STATE"
	for f in $MOK; do
		case " $MOK_BEFORE " in
		*" $f "*) ;;
		*) rm -f "$f" ;;
		esac
	done
}

# rel_of KDIR: the kernel release, checked to have /lib/modules/REL/build.
rel_of() {
	local rel
	rel=$(kdir_release "$1")
	[ -d "/lib/modules/$rel/build" ] ||
		fail "/lib/modules/$rel/build missing (linux-headers-$rel)"
	echo "$rel"
}

# The modules of ours under /lib/modules/REL, relative to it.
ours_in() {
	(cd "/lib/modules/$1" && find . -name 'hvisor_vhost*.ko*' | sed 's|^\./||' | sort)
}

check_installed() {
	local rel=$1 files want m path vm
	dkms status "hvisor-vhost/$VERSION" -k "$rel" | grep -q ': installed' ||
		fail "dkms status for $rel: $(dkms status "hvisor-vhost/$VERSION" -k "$rel")"
	files=$(ours_in "$rel")
	want=$(printf '%s\n' "updates/dkms/hvisor_vhost.ko" "updates/dkms/hvisor_vhost_sim.ko")
	# dkms compresses like the kernel does (6.12: xz).
	[ "$(echo "$files" | sed 's/\.\(xz\|gz\|zst\)$//')" = "$want" ] ||
		fail "modules of $rel: [$(flat "$files")], want [$(flat "$want")] (+ compression)"
	for m in hvisor_vhost hvisor_vhost_sim; do
		path=$(modinfo -k "$rel" -F filename "$m") ||
			fail "modinfo -k $rel $m: not found (depmod?)"
		case $path in
		"/lib/modules/$rel/updates/dkms/$m.ko"*) ;;
		*) fail "modinfo -k $rel $m finds $path" ;;
		esac
		vm=$(modinfo -k "$rel" -F vermagic "$m")
		case $vm in
		"$rel "*) ;;
		*) fail "$m for $rel has vermagic '$vm'" ;;
		esac
	done
	ok "$rel: installed as $(flat "$files"), modinfo finds both by name"
}

main() {
	local r61 r612 copy=$DIR/src f dep61 dep612
	[ "$(id -u)" = 0 ] || fail "needs root (dkms installs into /lib/modules)"
	command -v dkms >/dev/null || fail "dkms missing (Debian package dkms; tools/testing/deps.sh)"
	[ -n "$VERSION" ] || fail "no PACKAGE_VERSION in dkms.conf"
	r61=$(rel_of "$(hdr_61)")
	r612=$(rel_of "$(hdr_612)")
	# One run at a time on this machine.
	exec 8>/run/lock/hvisor-vhost-check-dkms.lock
	flock 8
	if [ -e "$SRC" ] || [ -e "$STATE" ]; then
		fail "$SRC or $STATE exists: hvisor-vhost is already known to dkms here, not touching it"
	fi
	[ -z "$(ours_in "$r61")$(ours_in "$r612")" ] ||
		fail "hvisor_vhost modules already installed: $(ours_in "$r61") $(ours_in "$r612")"
	for f in $MOK; do
		[ -e "$f" ] && MOK_BEFORE="$MOK_BEFORE $f"
	done
	dep61=$(sha_of "/lib/modules/$r61/modules.dep")
	dep612=$(sha_of "/lib/modules/$r612/modules.dep")
	ADDED=1
	trap cleanup EXIT

	copy_tree "$copy"
	rm -rf "$copy/build"
	make -C "$copy" dkms-install KVER="$r61" ||
		fail "make dkms-install KVER=$r61"
	[ -f "$SRC/dkms.conf" ] && [ -f "$SRC/drivers/hvisor/Kbuild" ] ||
		fail "$SRC does not hold the sources"
	if [ -n "$(find "$SRC" -name '*.o' -o -name '*.ko')" ]; then
		fail "$SRC holds build products"
	fi
	ok "make dkms-install KVER=$r61: sources in $SRC, dkms add + build + install"
	check_installed "$r61"
	dkms build "hvisor-vhost/$VERSION" -k "$r612" || fail "dkms build -k $r612"
	dkms install "hvisor-vhost/$VERSION" -k "$r612" || fail "dkms install -k $r612"
	check_installed "$r612"

	make -C "$copy" dkms-uninstall || fail "make dkms-uninstall"
	[ ! -e "$SRC" ] && [ ! -e "$STATE" ] ||
		fail "$SRC or $STATE still there after dkms-uninstall"
	[ -z "$(ours_in "$r61")$(ours_in "$r612")" ] ||
		fail "modules left after dkms-uninstall: $(ours_in "$r61") $(ours_in "$r612")"
	! modinfo -k "$r61" hvisor_vhost >/dev/null 2>&1 ||
		fail "modinfo -k $r61 still finds hvisor_vhost"
	[ "$(sha_of "/lib/modules/$r61/modules.dep")" = "$dep61" ] &&
		[ "$(sha_of "/lib/modules/$r612/modules.dep")" = "$dep612" ] ||
		fail "modules.dep differs from before the run"
	ok "make dkms-uninstall: no module, no dkms state, no sources, modules.dep as before"
	# The trap still removes dkms's signing key if this run created it.
}

main "$@"
