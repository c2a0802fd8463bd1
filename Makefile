# SPDX-License-Identifier: GPL-2.0
#
# hvisor-vhost: out-of-tree build of the modules and of hvisorctl.
#
#   make                      modules + hvisorctl against $(KDIR)
#   make KDIR=... ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
#   make install              modules_install + hvisorctl to $(PREFIX)/sbin
#   make check                W=1 + sparse builds (this kernel, 6.1, 6.12,
#                             arm64, riscv64) - part of "make test"
#   make test                 every test (installs what it needs, as root)
#   make demo                 the demo in QEMU on the simulator
#   make bench                benchmarks in QEMU

# The running kernel's build tree when there is one, else the Debian
# headers linux-headers-amd64 points at, else the newest installed ones.
KDIR ?= $(shell tools/testing/kdir.sh)
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all modules hvisorctl clean install modules_install check test \
	demo bench

all: modules hvisorctl

modules:
	@test -n "$(KDIR)" || { echo "no kernel build tree: install linux-headers-amd64 or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

hvisorctl:
	$(MAKE) -C tools/hvisorctl

modules_install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install

install: modules_install hvisorctl
	$(MAKE) -C tools/hvisorctl install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)

clean:
	@if [ -n "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	$(MAKE) -C tools/hvisorctl clean

check:
	bash tools/testing/check-build.sh

test:
	bash tools/testing/run-tests.sh

demo:
	bash tools/testing/run-demo.sh

bench:
	bash tools/testing/run-bench.sh
