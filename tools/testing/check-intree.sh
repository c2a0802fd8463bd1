#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-build.sh's "intree" step: hvisor_vhost as part of a kernel tree,
# the way Documentation/install.rst tells to put it there.
#
#   1. A copy of the cached linux-source-6.1 (hard links: cheap; the files
#      we change are replaced, never written through a link, and the
#      step ends by checking the cache is untouched), with drivers/hvisor/
#      and include/ of this repository copied in and the two lines added
#      to drivers/Kconfig and drivers/Makefile.
#   2. An arm64 O= tree: defconfig, then scripts/config sets
#      HVISOR_VHOST=m, HVISOR_VHOST_SIM=m, KUNIT=y,
#      HVISOR_VHOST_KUNIT_TEST=m, then olddefconfig; each must survive it.
#   3. modules_prepare, then "make W=1 drivers/hvisor/": the three
#      modules' objects must exist; any warning fails (check-build.sh).
set -eu
# shellcheck source=tools/testing/lib.sh
. "$(dirname "$0")/lib.sh"

DIR=$HVV_BUILD/check-intree
ARCH=arm64
OPTS="HVISOR_VHOST=m HVISOR_VHOST_SIM=m KUNIT=y HVISOR_VHOST_KUNIT_TEST=m"

fail() { echo "FAILED: $*"; exit 1; }
ok() { echo "ok: $*"; }
t0=$(date +%s)
elapsed() { echo "$(($(date +%s) - t0))s"; }

# replace FILE: stdin becomes FILE's new content, as a new file (FILE may
# be a hard link into the cache).
replace() {
	local tmp
	tmp=$(mktemp "$1.XXXXXX")
	cat >"$tmp"
	rm -f "$1"
	mv "$tmp" "$1"
	chmod 644 "$1"
}

# Our sources, without build products (an in-place "make" leaves some,
# and O= builds find stale objects of the source tree through VPATH).
copy_ours() {
	local src=$1
	rsync -a --exclude '*.o' --exclude '*.ko' --exclude '*.mod' \
		--exclude '*.mod.c' --exclude '.*.cmd' --exclude '*.order' \
		--exclude '*.symvers' --exclude '*.a' \
		"$HVV_ROOT/drivers/hvisor/" "$src/drivers/hvisor/"
	rsync -a "$HVV_ROOT/include/hvisor/" "$src/include/hvisor/"
	rm -f "$src/include/uapi/linux/hvisor_vhost.h"
	cp "$HVV_ROOT/include/uapi/linux/hvisor_vhost.h" "$src/include/uapi/linux/"
}

make_tree() {
	local cache=$1 src=$2
	[ ! -e "$cache/drivers/hvisor" ] || fail "the cache $cache already has drivers/hvisor"
	cp -al "$cache" "$src"
	copy_ours "$src"
	# The two lines of Documentation/install.rst.
	awk '/^endmenu/ && !done { print "source \"drivers/hvisor/Kconfig\"\n"; done = 1 }
		{ print }' "$cache/drivers/Kconfig" | replace "$src/drivers/Kconfig"
	{ cat "$cache/drivers/Makefile"; echo 'obj-$(CONFIG_HVISOR_VHOST)		+= hvisor/'; } |
		replace "$src/drivers/Makefile"
	grep -qx 'source "drivers/hvisor/Kconfig"' "$src/drivers/Kconfig" ||
		fail "drivers/Kconfig: the source line was not added"
	ok "kernel tree: $cache linked, drivers/hvisor, include/hvisor, the uapi header and the two lines in ($(elapsed))"
}

configure() {
	local src=$1 obj=$2 o args=()
	kmake "$src" "$obj" defconfig
	for o in $OPTS; do
		case ${o#*=} in
		y) args+=(--enable "${o%=*}") ;;
		m) args+=(--module "${o%=*}") ;;
		esac
	done
	"$src/scripts/config" --file "$obj/.config" "${args[@]}"
	kmake "$src" "$obj" olddefconfig
	for o in $OPTS; do
		grep -qx "CONFIG_$o" "$obj/.config" ||
			fail "CONFIG_$o did not survive olddefconfig: $(grep "CONFIG_${o%=*}[= ]" "$obj/.config" || echo 'not in .config')"
	done
	ok "$ARCH defconfig + $OPTS: all survive olddefconfig ($(elapsed))"
}

kmake() {
	local src=$1 obj=$2
	shift 2
	make -C "$src" O="$obj" ARCH="$ARCH" CROSS_COMPILE="$(cross_prefix "$ARCH")" \
		-j"$HVV_JOBS" "$@"
}

main() {
	local cache src=$DIR/linux obj=$DIR/obj m
	cache=$(src_dir)
	[ -f "$cache/Makefile" ] || fail "no kernel source $cache (tools/testing/kernels.sh src)"
	rm -rf "$DIR"
	mkdir -p "$DIR"
	make_tree "$cache" "$src"
	configure "$src" "$obj"
	kmake "$src" "$obj" modules_prepare
	ok "modules_prepare ($(elapsed))"
	kmake "$src" "$obj" W=1 drivers/hvisor/
	for m in hvisor_vhost hvisor_vhost_sim hvisor_vhost_kunit; do
		[ -f "$obj/drivers/hvisor/$m.o" ] || fail "drivers/hvisor/$m.o not built"
	done
	ok "make W=1 drivers/hvisor/: hvisor_vhost.o hvisor_vhost_sim.o hvisor_vhost_kunit.o ($(elapsed))"
	# The cache is as it was: nothing was written through a link.
	if [ -e "$cache/drivers/hvisor" ] || [ -e "$cache/include/hvisor" ] ||
		grep -q hvisor "$cache/drivers/Kconfig" "$cache/drivers/Makefile"; then
		fail "the kernel cache $cache was modified"
	fi
	ok "the kernel cache is untouched"
	rm -rf "$src"
}

main "$@"
