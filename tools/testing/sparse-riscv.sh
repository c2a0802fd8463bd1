#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# sparse for riscv builds: sparse 0.6.4 rejects the kernel's
# -march=rv64imac_zicsr_zifencei... ("invalid argument to '-march'"), so
# pass it the base ISA only; everything else goes to sparse unchanged.
for a in "$@"; do
	shift
	case $a in
	-march=rv*_*) a=${a%%_*} ;;
	esac
	set -- "$@" "$a"
done
exec sparse "$@"
