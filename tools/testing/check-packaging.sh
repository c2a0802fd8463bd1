#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-build.sh's "packaging" step: what "make install" installs, and
# that each installed file works for the program that reads it.
#
#   1. "make install DESTDIR=... PREFIX=/usr" against Debian's 6.1
#      headers, as an unprivileged user (nobody) in a copy of the tree:
#      exactly the expected files, with their modes; the modules' vermagic;
#      "hvisorctl version" and the man page carry dkms.conf's version.
#   2. "make install-tools" with the default PREFIX (/usr/local): the
#      local paths (udev rule in /etc, units in /usr/local/lib/systemd).
#   3. systemd-analyze verify on the units (man page found, commands
#      executable), and no output at all (unknown keys only print).
#   4. The udev rule, through udevadm test in a private mount namespace
#      (tmpfs on /dev and /run: nothing of the machine changes): it
#      parses, and, applied to an existing misc device and tty, sets
#      root-only 0600.
#   5. The bash completion: sourced in a clean bash, COMP_WORDS and
#      COMP_CWORD set, _hvisorctl called, COMPREPLY compared.
#   6. The man page: groff -ww renders it without a warning, man -l shows
#      its sections, lexgrog (whatis) reads its NAME line.
# Prints what it checks; the last line is "packaging: N checks passed",
# exit status 1 on the first failure.
set -eu
# shellcheck source=tools/testing/lib.sh
. "$(dirname "$0")/lib.sh"

DIR=$HVV_BUILD/check-packaging
CHECKS=0

fail() { echo "FAILED: $*"; exit 1; }
# Lines as one line.
flat() { echo "$1" | tr '\n' ' ' | sed 's/ $//'; }
ok() { CHECKS=$((CHECKS + 1)); echo "ok: $*"; }

# Lines of a make install log that are not ours to fix: Debian's headers
# enable CONFIG_MODULE_SIG_ALL without shipping the key (sign-file fails,
# "|| true" for external modules) and have no System.map (no depmod).
INSTALL_NOISE='^- SSL error:|^At main\.c:|sign-file|missing .System\.map. file\. Skipping depmod'

# make_as_nobody DIR ARGS...: make in DIR as user nobody, log in DIR.log.
make_as_nobody() {
	local dir=$1 log=$1.log
	shift
	if ! setpriv --reuid=nobody --regid=nogroup --clear-groups \
		env HOME=/nonexistent make -C "$dir" "$@" >"$log" 2>&1; then
		tail -n 30 "$log"
		fail "make $* as nobody (log $log)"
	fi
	# Any other warning is ours.
	if grep -E 'warning:|WARNING|error:|Error [0-9]' "$log" |
		grep -vE "$INSTALL_NOISE"; then
		fail "warnings in make $* (log $log)"
	fi
}

# The files under a DESTDIR, as "MODE path", sorted.
listing() {
	(cd "$1" && find . \( -type f -o -type l \) -printf '%m %P\n' | sort -k2)
}

same_listing() {
	local what=$1 expected=$2 dest=$3
	if ! diff -u <(echo "$expected" | sort -k2) <(listing "$dest"); then
		fail "$what: installed files differ from the expected ones (- expected, + installed)"
	fi
	ok "$what: exactly the $(echo "$expected" | wc -l) expected files"
}

check_install() {
	local kdir=$1 rel=$2 src=$DIR/src dest=$DIR/dest-usr dest2=$DIR/dest-local
	local version expected vm man
	version=$(sed -n 's/^PACKAGE_VERSION="\([^"]*\)"$/\1/p' "$HVV_ROOT/dkms.conf")
	[ -n "$version" ] || fail "no PACKAGE_VERSION in dkms.conf"
	rm -rf "$DIR"
	copy_tree "$src"
	rm -rf "$src/build"
	mkdir -p "$dest" "$dest2"
	chown -R nobody:nogroup "$DIR"
	make_as_nobody "$src" install KDIR="$kdir" DESTDIR="$dest" PREFIX=/usr \
		-j"$HVV_JOBS"
	expected="644 lib/modules/$rel/extra/drivers/hvisor/hvisor_vhost.ko
644 lib/modules/$rel/extra/drivers/hvisor/hvisor_vhost_sim.ko
755 usr/sbin/hvisorctl
644 usr/share/man/man8/hvisorctl.8
644 usr/lib/udev/rules.d/60-hvisor.rules
644 usr/lib/systemd/system/hvisor-vhost.service
644 usr/lib/systemd/system/hvisor-zone@.service
644 usr/share/bash-completion/completions/hvisorctl"
	same_listing "make install PREFIX=/usr (as nobody)" "$expected" "$dest"
	for m in hvisor_vhost hvisor_vhost_sim; do
		vm=$(modinfo -F vermagic "$dest/lib/modules/$rel/extra/drivers/hvisor/$m.ko")
		case $vm in
		"$rel "*) ;;
		*) fail "$m.ko: vermagic '$vm' is not for $rel" ;;
		esac
	done
	ok "modules built for $rel (modinfo vermagic)"
	[ "$("$dest/usr/sbin/hvisorctl" version)" = "hvisorctl $version (hvisor-vhost ABI 1)" ] ||
		fail "hvisorctl version: '$("$dest/usr/sbin/hvisorctl" version)', dkms.conf says $version"
	man=$dest/usr/share/man/man8/hvisorctl.8
	grep -q "^\.TH \"\?HVISORCTL\"\? \"\?8\"\? .*\"$version\"" "$man" ||
		fail "hvisorctl.8: no .TH line with section 8 and version $version: $(grep '^\.TH' "$man")"
	ok "hvisorctl and hvisorctl(8) carry dkms.conf's version $version"
	grep -q "hvisorctl config load /etc/hvisor/virtio_cfg.json" \
		"$dest/usr/lib/systemd/system/hvisor-vhost.service" &&
		grep -q "^ExecStopPost=-/usr/sbin/hvisorctl zone reset %i$" \
			"$dest/usr/lib/systemd/system/hvisor-zone@.service" &&
		grep -q "exec /usr/sbin/hvisorctl config load" \
			"$dest/usr/lib/systemd/system/hvisor-vhost.service" ||
		fail "the units do not name /usr/sbin/hvisorctl"
	ok "units name hvisorctl by its installed path"

	# The default PREFIX, and hvisor-tool's command named (a stand-in
	# that exists, for systemd-analyze verify below).
	printf '#!/bin/sh\nexit 0\n' >"$DIR/hvisor"
	chmod 755 "$DIR/hvisor"
	make_as_nobody "$src" install-tools DESTDIR="$dest2" HVISOR="$DIR/hvisor"
	expected="755 usr/local/sbin/hvisorctl
644 usr/local/share/man/man8/hvisorctl.8
644 etc/udev/rules.d/60-hvisor.rules
644 usr/local/lib/systemd/system/hvisor-vhost.service
644 usr/local/lib/systemd/system/hvisor-zone@.service
644 usr/local/share/bash-completion/completions/hvisorctl"
	same_listing "make install-tools (PREFIX=/usr/local)" "$expected" "$dest2"
}

check_units() {
	local dest=$DIR/dest-local units out
	units=$dest/usr/local/lib/systemd/system
	if ! command -v systemd-analyze >/dev/null; then
		fail "systemd-analyze missing (Debian package systemd; tools/testing/deps.sh)"
	fi
	# An instance of the template too: %i expanded, and its
	# dependency on hvisor-vhost.service resolved.
	mkdir -p "$DIR/instance"
	cp "$units/hvisor-zone@.service" "$DIR/instance/hvisor-zone@1.service"
	out=$(MANPATH=$dest/usr/local/share/man systemd-analyze verify \
		"$units/hvisor-vhost.service" "$units/hvisor-zone@.service" \
		"$DIR/instance/hvisor-zone@1.service" 2>&1) ||
		fail "systemd-analyze verify: $out"
	[ -z "$out" ] || fail "systemd-analyze verify printed: $out"
	ok "systemd-analyze verify: hvisor-vhost.service, hvisor-zone@.service, hvisor-zone@1.service"
	for u in "$units"/*.service; do
		grep -q '^Type=oneshot$' "$u" && grep -q '^RemainAfterExit=yes$' "$u" ||
			fail "$(basename "$u"): not a oneshot with RemainAfterExit"
	done
	grep -qx 'Requires=hvisor-vhost.service' "$units/hvisor-zone@.service" &&
		grep -qx 'After=hvisor-vhost.service' "$units/hvisor-zone@.service" ||
		fail "hvisor-zone@.service is not ordered after hvisor-vhost.service"
	ok "zones start after hvisor-vhost.service (Requires= + After=), oneshot units"
}

# udevadm_test RULES DEVPATH: udevadm test of DEVPATH with RULES added,
# in a mount namespace whose /dev and /run are empty tmpfs (/run/udev
# exists only where udevd ran: not on a machine that just installed udev).
udevadm_test() {
	unshare -m bash -c '
		set -e
		mount -t tmpfs none /run
		mkdir -p /run/udev/rules.d
		cp "$1" /run/udev/rules.d/60-hvisor.rules
		mount -t tmpfs none /dev
		udevadm test --action=add "$2"' _ "$1" "$2" 2>&1
}

check_udev() {
	local rule=$DIR/dest-usr/usr/lib/udev/rules.d/60-hvisor.rules out misc tty
	command -v udevadm >/dev/null || fail "udevadm missing"
	misc=$(basename "$(find /sys/class/misc -mindepth 1 -maxdepth 1 | sort | head -n 1)")
	tty=$(basename "$(find /sys/class/tty -mindepth 1 -maxdepth 1 -name 'tty[0-9]*' | sort | head -n 1)")
	[ -n "$misc" ] && [ -n "$tty" ] || fail "no misc device or tty in /sys to test the rule on"
	out=$(udevadm_test "$rule" "/sys/class/misc/$misc") || fail "udevadm test: $out"
	echo "$out" | grep -q "Reading rules file: /run/udev/rules.d/60-hvisor.rules" ||
		fail "udevadm did not read the rule: $out"
	if echo "$out" | grep '60-hvisor.rules' | grep -iE 'invalid|error|fail|unknown|ignor'; then
		fail "udevadm reports errors in 60-hvisor.rules"
	fi
	ok "udevadm parses 60-hvisor.rules without an error"
	# The same rules, matching devices that exist here.
	sed -e "s/KERNEL==\"hvisor-vhost\"/KERNEL==\"$misc\"/" \
		-e "s/KERNEL==\"hvcon\[0-9\]\*\"/KERNEL==\"$tty\"/" "$rule" >"$DIR/60-test.rules"
	out=$(udevadm_test "$DIR/60-test.rules" "/sys/class/misc/$misc")
	echo "$out" | grep -Eq "^$misc: /run/udev/rules.d/60-hvisor.rules:[0-9]+ MODE 0600$" &&
		echo "$out" | grep -Eq "^$misc: /run/udev/rules.d/60-hvisor.rules:[0-9]+ GROUP 0$" ||
		fail "the misc rule does not apply MODE 0600, GROUP root: $out"
	out=$(udevadm_test "$DIR/60-test.rules" "/sys/class/tty/$tty")
	echo "$out" | grep -Eq "^$tty: /run/udev/rules.d/60-hvisor.rules:[0-9]+ MODE 0600$" ||
		fail "the tty rule does not apply MODE 0600: $out"
	ok "the rule sets 0600 root on a misc device ($misc) and a tty ($tty)"
}

# complete_words WORD... : COMPREPLY, sorted, one per line, for the
# command line "hvisorctl WORD..." with the cursor at the end of the last
# WORD, as bash splits it (':' is a word of its own).
complete_words() {
	local comp=$DIR/dest-usr/usr/share/bash-completion/completions/hvisorctl
	(cd "$DIR/files" && PATH=$DIR/fakebin:$PATH bash --norc --noprofile -c '
		. "$1" || exit 1
		shift
		COMP_WORDS=(hvisorctl "$@")
		COMP_CWORD=$#
		COMP_LINE="hvisorctl $*"
		COMP_POINT=${#COMP_LINE}
		_hvisorctl hvisorctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		[ ${#COMPREPLY[@]} = 0 ] || printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$comp" "$@") | sort
}

# expect_completion "EXPECTED WORDS" WORD...
expect_completion() {
	local want=$1 got
	shift
	# shellcheck disable=SC2086 # a list of words
	want=$(printf '%s\n' $want | sort)
	got=$(complete_words "$@")
	[ "$got" = "$want" ] ||
		fail "completing 'hvisorctl $*': got [$(flat "$got")], want [$(flat "$want")]"
	CHECKS=$((CHECKS + 1))
}

check_completion() {
	local comp=$DIR/dest-usr/usr/share/bash-completion/completions/hvisorctl
	bash --norc --noprofile -c '. "$1" && complete -p hvisorctl' _ "$comp" |
		grep -qx 'complete -F _hvisorctl hvisorctl' ||
		fail "the completion does not register _hvisorctl for hvisorctl"
	# A stand-in for hvisorctl dev list, and files to complete.
	mkdir -p "$DIR/fakebin" "$DIR/files/sub"
	cat >"$DIR/fakebin/hvisorctl" <<'EOF'
#!/bin/sh
[ "$1 $2" = "dev list" ] || exit 2
echo "ID   TYPE    ZONE ADDR         IRQ  STATUS      Q         REQS      IN     OUT   ERR  DROP INFLIGHT NAME"
echo "0    blk     1    0xa003c00    78   live        1            0       0       0     0     0        0 /srv/a.img"
echo "3    console 1    0xa003800    76   live        2            0       0       0     0     0        0 hvcon0"
echo "7    net     1    0xa003600    75   live        2            0       0       0     0     0        0 hvnet1.0"
EOF
	chmod 755 "$DIR/fakebin/hvisorctl"
	: >"$DIR/files/disk.img"
	: >"$DIR/files/virtio_cfg.json"
	: >"$DIR/files/zone1.json"

	expect_completion "status dev zone config console version --help --version" ""
	expect_completion "config console" "co"
	expect_completion "--json --help" status -
	expect_completion "add del list" dev ""
	expect_completion "blk net console" dev add ""
	expect_completion "--zone --addr --irq --queue-size --quiet -q --help --ro --serial --queues" \
		dev add blk disk.img -
	expect_completion "disk.img" dev add blk d
	expect_completion "disk.img sub virtio_cfg.json zone1.json" dev add blk --zone 1 ""
	# Only one image: after it, nothing but options.
	expect_completion "" dev add blk disk.img ""
	# A value with ':' is one argument (bash splits it into three words).
	expect_completion "disk.img" dev add blk --serial ab : cd d
	expect_completion "--no-csum --no-tso --no-mrg-rxbuf" \
		dev add net --mac 02 : 00 : 00 : 00 : 00 : 01 --no-
	expect_completion "" dev add net --mac ""
	expect_completion "lo" dev add net --tap l
	expect_completion "--log-size" dev add console --log-
	expect_completion "0 3 7" dev del ""
	expect_completion "--force -f --help" dev del -
	expect_completion "3" console ""
	expect_completion "--log --clear --help" console 3 --
	expect_completion "mem reset del" zone ""
	expect_completion "add" zone mem ""
	expect_completion "load" config ""
	expect_completion "sub virtio_cfg.json zone1.json" config load ""
	expect_completion "sub virtio_cfg.json zone1.json" config load --dry-run ""
	expect_completion "--dry-run --help" config load --
	expect_completion "--dry-run" config load --d
	expect_completion "" frob ""
	ok "bash completion: every command level, options, values, files, device ids ($CHECKS checks so far)"
}

check_man() {
	local man=$DIR/dest-usr/usr/share/man/man8/hvisorctl.8 out s
	out=$(groff -t -man -Tutf8 -ww -z "$man" 2>&1)
	[ -z "$out" ] || fail "groff warnings on hvisorctl.8: $out"
	out=$(MANWIDTH=80 man --warnings -l "$man" 2>&1 >/dev/null)
	[ -z "$out" ] || fail "man -l warnings: $out"
	out=$(MANWIDTH=80 man -l "$man" 2>/dev/null | col -b)
	for s in NAME SYNOPSIS DESCRIPTION COMMANDS "EXIT STATUS" ENVIRONMENT FILES "SEE ALSO"; do
		echo "$out" | grep -qx "$s" || fail "hvisorctl.8 has no $s section"
	done
	echo "$out" | grep -q "hvisorctl dev add blk IMAGE" ||
		fail "hvisorctl.8: no synopsis of dev add blk"
	if echo "$out" | grep -qE 'Building and installing|^ *Tests$'; then
		fail "hvisorctl.8 has the text after man-end"
	fi
	out=$(lexgrog "$man") || fail "lexgrog cannot read hvisorctl.8's NAME: $out"
	echo "$out" | grep -q '"hvisorctl - configure hvisor_vhost' ||
		fail "lexgrog: $out"
	ok "man page: no groff warning, the man sections, NAME for whatis ($out)"
}

main() {
	local kdir rel
	[ "$(id -u)" = 0 ] || fail "needs root (builds as nobody, unshare for udevadm)"
	kdir=$(hdr_61)
	[ -d "$kdir" ] || fail "no 6.1 headers (tools/testing/deps.sh)"
	rel=$(kdir_release "$kdir")
	check_install "$kdir" "$rel"
	check_units
	check_udev
	check_completion
	check_man
	echo "packaging: $CHECKS checks passed"
}

main "$@"
