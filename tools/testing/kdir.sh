#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the default kernel build tree: the running kernel's, else the one
# Debian's linux-headers-amd64 depends on, else the newest installed.
run=/lib/modules/$(uname -r)/build
if [ -d "$run" ]; then echo "$run"; exit 0; fi
dep=$(dpkg-query -W -f '${Depends}' linux-headers-amd64 2>/dev/null |
	sed -n 's/.*\(linux-headers-[^ ,]*\).*/\1/p')
if [ -n "$dep" ] && [ -d "/usr/src/$dep" ]; then echo "/usr/src/$dep"; exit 0; fi
ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1
