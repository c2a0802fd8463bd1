# SPDX-License-Identifier: GPL-2.0
#
# hvisor-vhost: out-of-tree build of the modules and of hvisorctl.
#
#   make                      modules + hvisorctl against $(KDIR)
#   make KDIR=... ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
#   make install              everything below (DESTDIR, PREFIX honoured)
#   make install-modules      modules_install, INSTALL_MOD_PATH=$(DESTDIR)
#   make install-tools        hvisorctl, its man page, the udev rule, the
#                             systemd units and bash completion
#   make dkms-install         register with DKMS (as root), see dkms.conf
#   make dkms-uninstall
#   make check                W=1 + sparse builds (this kernel, 6.1, 6.12,
#                             arm64, riscv64), packaging, DKMS, in-tree
#                             build - part of "make test"
#   make test                 every test (installs what it needs, as root)
#   make demo                 the demo in QEMU on the simulator
#   make bench                benchmarks in QEMU
#
# Documentation/install.rst describes the installed files.

# The version lives in dkms.conf (PACKAGE_VERSION), nowhere else.
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\([^"]*\)"$$/\1/p' $(CURDIR)/dkms.conf)
ifeq ($(VERSION),)
$(error no PACKAGE_VERSION="..." line in dkms.conf)
endif

# The running kernel's build tree when there is one, else the Debian
# headers linux-headers-amd64 points at, else the newest installed ones.
KDIR ?= $(shell tools/testing/kdir.sh 2>/dev/null)

PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
# udev reads rules only from /etc, /run and /usr/lib (/lib): a prefix of
# its own (/usr/local) gets the administrator's directory.
ifeq ($(PREFIX),/usr)
UDEVRULESDIR ?= /usr/lib/udev/rules.d
else
UDEVRULESDIR ?= /etc/udev/rules.d
endif
# Where the DKMS sources go, and what of the tree they are.
DKMS_SRC = /usr/src/hvisor-vhost-$(VERSION)
DKMS_FILES = dkms.conf Makefile Kbuild drivers include

# hvisor-tool's command, as hvisor-zone@.service runs it: by name, systemd
# looks in /usr/local/sbin, /usr/local/bin, /usr/sbin and /usr/bin.
HVISOR ?= hvisor
# dkms-install builds for this kernel release (default: the running one).
KVER ?=

RST2MAN ?= rst2man
INSTALL ?= install
OUT = build/packaging

.PHONY: all modules hvisorctl man packaging clean modules_clean \
	install install-modules install-tools modules_install \
	dkms-install dkms-uninstall version check test demo bench

all: modules hvisorctl

modules:
	@test -n "$(KDIR)" || { echo "no kernel build tree: install linux-headers-amd64 or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

hvisorctl:
	$(MAKE) -C tools/hvisorctl VERSION=$(VERSION)

version:
	@echo $(VERSION)

# The man page is Documentation/hvisorctl.rst up to its ".. man-end"
# line, with the version added to its header.
man: $(OUT)/hvisorctl.8

$(OUT)/hvisorctl.8: Documentation/hvisorctl.rst dkms.conf
	@command -v $(RST2MAN) >/dev/null || { echo "$(RST2MAN) not found: install python3-docutils" >&2; exit 1; }
	@mkdir -p $(OUT)
	sed -e '/^\.\. man-end/,$$d' \
		-e 's/^:Manual section: .*/&\n:Version: $(VERSION)/' $< | \
		$(RST2MAN) --halt=warning - $@.tmp
	mv $@.tmp $@

# Units name hvisorctl by its installed path.
UNITS = hvisor-vhost.service hvisor-zone@.service
packaging: man $(addprefix $(OUT)/,$(UNITS))

# Generated again every time: SBINDIR or HVISOR may differ between runs.
$(OUT)/%.service: packaging/systemd/%.service.in FORCE
	@mkdir -p $(OUT)
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@HVISOR@|$(HVISOR)|g' $< >$@.tmp
	mv $@.tmp $@

# INSTALL_MOD_PATH is where the modules' /lib/modules tree goes. The
# kernel runs depmod only when KDIR has a System.map (Debian's headers do
# not): into the live system (no DESTDIR), run it here, for the release
# the module was built for. A DESTDIR gets no modules.* files: the
# target's own depmod makes them.
install-modules: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) modules_install
	@if [ -z "$(DESTDIR)" ]; then \
		rel=$$(modinfo -F vermagic drivers/hvisor/hvisor_vhost.ko | cut -d' ' -f1); \
		echo "depmod -a $$rel"; depmod -a "$$rel"; \
	fi

modules_install: install-modules

install-tools: hvisorctl packaging
	$(MAKE) -C tools/hvisorctl install VERSION=$(VERSION) \
		PREFIX=$(PREFIX) SBINDIR=$(SBINDIR) DESTDIR=$(DESTDIR)
	$(INSTALL) -d $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(UDEVRULESDIR) \
		$(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(BASHCOMPDIR)
	$(INSTALL) -m 0644 $(OUT)/hvisorctl.8 $(DESTDIR)$(MANDIR)/man8/
	$(INSTALL) -m 0644 packaging/udev/60-hvisor.rules $(DESTDIR)$(UDEVRULESDIR)/
	$(INSTALL) -m 0644 $(addprefix $(OUT)/,$(UNITS)) $(DESTDIR)$(SYSTEMDUNITDIR)/
	$(INSTALL) -m 0644 packaging/bash-completion/hvisorctl $(DESTDIR)$(BASHCOMPDIR)/

install: install-modules install-tools

# As root: the module sources to $(DKMS_SRC), then dkms builds and
# installs them for the running kernel or KVER (and, AUTOINSTALL, for
# every kernel installed later).
dkms-install:
	rm -rf $(DKMS_SRC)
	$(INSTALL) -d $(DKMS_SRC)
	cp -R $(DKMS_FILES) $(DKMS_SRC)/
	find $(DKMS_SRC) \( -name '*.o' -o -name '*.ko' -o -name '*.mod' \
		-o -name '*.mod.c' -o -name '.*.cmd' -o -name '*.order' \
		-o -name '*.symvers' \) -delete
	dkms add hvisor-vhost/$(VERSION)
	dkms build hvisor-vhost/$(VERSION) $(if $(KVER),-k $(KVER))
	dkms install hvisor-vhost/$(VERSION) $(if $(KVER),-k $(KVER))

dkms-uninstall:
	-dkms remove hvisor-vhost/$(VERSION) --all
	rm -rf $(DKMS_SRC)

modules_clean:
	@if [ -n "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi

clean: modules_clean
	$(MAKE) -C tools/hvisorctl clean
	rm -rf build

FORCE:

check:
	bash tools/testing/check-build.sh

test:
	bash tools/testing/run-tests.sh

demo:
	bash tools/testing/run-demo.sh

bench:
	bash tools/testing/run-bench.sh
