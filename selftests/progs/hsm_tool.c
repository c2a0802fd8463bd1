// SPDX-License-Identifier: GPL-2.0
/*
 * hsm_tool: issues exactly the ioctls hvisor-tool's "hvisor" command
 * issues on /dev/hvisor, with hvisor-tool's structures (x86_64 layout,
 * written here independently of the kernel's include/hvisor/hvisor_tool.h
 * and pinned to the sizes gcc gives hvisor-tool's own headers), so that a
 * layout mistake on either side shows. Like hvisor-tool it opens
 * /dev/hvisor afresh for each request. Configurations are built in C, no
 * JSON.
 *
 *   hsm_tool check                      CONFIG_CHECK, print the version
 *   hsm_tool start ID NAME PA SIZE [KERNEL [DTB]]
 *                                       "hvisor zone start": CONFIG_CHECK
 *                                       (must be 0x06), LOAD_IMAGE of the
 *                                       kernel at PA + 2 MiB and the dtb
 *                                       at PA, then ZONE_START of a zone
 *                                       with RAM PA + SIZE (identity) and
 *                                       a virtio region at 0xa000000
 *   hsm_tool start-raw ID NAME PA SIZE  ZONE_START without hvisor-tool's
 *                                       own version check
 *   hsm_tool shutdown ID                "hvisor zone shutdown -id ID"
 *   hsm_tool list                       "hvisor zone list"
 *   hsm_tool load FILE PA               LOAD_IMAGE
 *   hsm_tool mmap-cmp PA FILE           mmap PA, compare with FILE
 *   hsm_tool mmap PA LEN                mmap PA (and unmap)
 *   hsm_tool hold PA LEN SECS READY     mmap PA, create file READY, keep
 *                                       the mapping SECS seconds
 *   hsm_tool bad-configs PA SIZE        configurations that must be
 *                                       refused with EINVAL
 *   hsm_tool others ID                  ECAM base, boot mode, deassert,
 *                                       FINISH_REQ, INIT_VIRTIO, and what
 *                                       is refused
 *   hsm_tool scmi-count                 SCMI GET_COUNTs: prints "clocks N
 *                                       resets N power N"
 *   hsm_tool scmi-clock ID              a clock's name, rate and state;
 *                                       enable, check, disable, check
 *   hsm_tool scmi-bad                   an unknown subcommand (EINVAL),
 *                                       ids one past each count (ENOENT)
 *
 * Exit status 0 on success; 1 with "hsm_tool: WHAT: ERRNO-NAME (text)" on
 * stderr when a request fails; 2 for bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/types.h>

#define DEV		"/dev/hvisor"
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define CONFIG_MAGIC	0x06
#define VIRTIO_BASE	0xa000000ULL
#define KERNEL_OFFSET	0x200000ULL

/* hvisor-tool's structures (zone_config.h, hvisor.h), x86_64. */
struct t_region {
	__u32 type;
	__u64 physical_start;
	__u64 virtual_start;
	__u64 size;
};

struct t_ivc {
	__u32 ivc_id, peer_id;
	__u64 control_table_ipa, shared_mem_ipa;
	__u32 rw_sec_size, out_sec_size, interrupt_num, max_peers;
};

struct t_pci_bus {
	__u64 ecam_base, ecam_size, io_base, io_size, pci_io_base;
	__u64 mem32_base, mem32_size, pci_mem32_base;
	__u64 mem64_base, mem64_size, pci_mem64_base;
	__u32 bus_range_begin, bus_range_end;
	__u8 domain;
};

struct t_pci_dev {
	__u8 domain, bus, device, function, v_bus, v_device, v_function;
	__u32 dev_type;
};

struct t_zone_config {
	__u32 zone_id;
	__u64 cpus;
	__u32 num_memory_regions;
	struct t_region memory_regions[64];
	__u32 interrupts_bitmap[1024 / 32];
	__u32 num_ivc_configs;
	struct t_ivc ivc_configs[2];
	__u64 entry_point, kernel_load_paddr, kernel_size;
	__u64 dtb_load_paddr, dtb_size;
	char name[32];
	__u64 arch_config[11];	/* x86_64: ioapic .. screen_base */
	__u64 num_pci_bus;
	struct t_pci_bus pci_config[4];
	__u64 num_pci_devs;
	struct t_pci_dev alloc_pci_devs[32];
};

struct t_zone_info {
	__u32 zone_id;
	__u64 cpus;
	char name[32];
	__u8 is_err;
};

struct t_zone_list_args {
	__u64 cnt;
	struct t_zone_info *zones;
};

struct t_load_image_args {
	__u64 user_buffer, size, load_paddr;
};

struct t_boot_mode {
	__u32 zone_id, multiboot_enabled;
	__u64 multiboot_info_paddr;
};

struct t_irq_line {
	__u32 zone_id, irq_id;
};

#define T_INIT_VIRTIO	_IO(1, 0)
#define T_GET_TASK	_IO(1, 1)
#define T_FINISH_REQ	_IO(1, 2)
#define T_ZONE_START	_IOW(1, 3, struct t_zone_config *)
#define T_ZONE_SHUTDOWN	_IOW(1, 4, __u64)
#define T_ZONE_LIST	_IOR(1, 5, struct t_zone_list_args *)
#define T_CONFIG_CHECK	_IOR(1, 6, __u64 *)
#define T_SET_EVENTFD	_IOW(1, 7, int)
#define T_LOAD_IMAGE	_IOW(1, 8, struct t_load_image_args)
#define T_SET_BOOT_MODE	_IOW(1, 9, struct t_boot_mode *)
#define T_GET_ECAM_BASE	_IOR(1, 10, __u64 *)
#define T_DEASSERT_IRQ	_IOW(1, 11, struct t_irq_line)
#define T_SCMI_CLOCK	_IOC(_IOC_READ | _IOC_WRITE, 1, 32, 88)
#define T_SCMI_RESET	_IOC(_IOC_READ | _IOC_WRITE, 1, 33, 20)
#define T_SCMI_POWER	_IOC(_IOC_READ | _IOC_WRITE, 1, 34, 80)

/* hvisor-tool's hvisor_scmi_{clock,reset,power}_args, the parts used. */
struct t_scmi_clock {
	__u32 subcmd, data_len;
	union {
		__u32 count;
		struct {
			__u32 clock_id, enabled, parent_id;
			char name[64];
			__u32 is_valid;
		} attr;
		struct {
			__u32 clock_id;
			__u64 rate;
		} rate;
		struct {
			__u32 clock_id, flags, config, extended;
		} config;
		__u64 pad[10];
	} u;
};

struct t_scmi_reset {
	__u32 subcmd, data_len;
	union {
		__u32 count;
		struct {
			__u32 domain_id, flags, reset_state;
		} reset;
	} u;
};

struct t_scmi_power {
	__u32 subcmd, data_len;
	union {
		__u32 count;
		struct {
			__u32 domain_id, power_state;
		} state;
		char pad[72];
	} u;
};

/* What gcc makes of hvisor-tool's own headers on x86_64. */
_Static_assert(sizeof(struct t_zone_config) == 3264, "zone_config_t");
_Static_assert(offsetof(struct t_zone_config, memory_regions) == 24, "regions");
_Static_assert(offsetof(struct t_zone_config, num_ivc_configs) == 2200, "ivc");
_Static_assert(offsetof(struct t_zone_config, name) == 2328, "name");
_Static_assert(offsetof(struct t_zone_config, num_pci_bus) == 2448, "pci");
_Static_assert(offsetof(struct t_zone_config, alloc_pci_devs) == 2880, "devs");
_Static_assert(sizeof(struct t_zone_info) == 56, "zone_info_t");
_Static_assert(offsetof(struct t_zone_info, is_err) == 48, "is_err");
_Static_assert(T_ZONE_START == 0x40080103, "ZONE_START");
_Static_assert(T_LOAD_IMAGE == 0x40180108, "LOAD_IMAGE");

static const char *err_name(int e)
{
	static const struct { int e; const char *n; } names[] = {
		{ EINVAL, "EINVAL" }, { EPROTO, "EPROTO" },
		{ EEXIST, "EEXIST" }, { ENOENT, "ENOENT" },
		{ EPERM, "EPERM" }, { ENODEV, "ENODEV" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { EFAULT, "EFAULT" },
		{ ENOTTY, "ENOTTY" }, { EBUSY, "EBUSY" }, { ENOMEM, "ENOMEM" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].e == e)
			return names[i].n;
	return "E?";
}

static int fail(const char *what, int e)
{
	fprintf(stderr, "hsm_tool: %s: %s (%s)\n", what, err_name(e),
		strerror(e));
	return 1;
}

static int open_dev(void)
{
	int fd = open(DEV, O_RDWR);

	if (fd < 0) {
		fail("open " DEV, errno);
		exit(1);
	}
	return fd;
}

/* One request on a freshly opened /dev/hvisor: the ioctl's result. */
static long req(unsigned long cmd, unsigned long arg)
{
	int fd = open_dev(), e;
	long ret;

	ret = ioctl(fd, cmd, arg);
	e = errno;
	close(fd);
	errno = e;
	return ret;
}

static __u64 num(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || end == s) {
		fprintf(stderr, "hsm_tool: '%s' is not a number\n", s);
		exit(2);
	}
	return v;
}

static void *read_file(const char *path, __u64 *size)
{
	struct stat st;
	void *buf;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st)) {
		fail(path, errno);
		exit(1);
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf || read(fd, buf, st.st_size) != st.st_size) {
		fail(path, errno ? errno : EIO);
		exit(1);
	}
	close(fd);
	*size = st.st_size;
	return buf;
}

static int load(const void *buf, __u64 size, __u64 pa)
{
	struct t_load_image_args a = {
		.user_buffer = (uintptr_t)buf, .size = size, .load_paddr = pa,
	};

	return req(T_LOAD_IMAGE, (unsigned long)&a) ? fail("LOAD_IMAGE", errno) : 0;
}

static int cmd_check(void)
{
	__u64 v = 0;

	if (req(T_CONFIG_CHECK, (unsigned long)&v))
		return fail("CONFIG_CHECK", errno);
	printf("config version 0x%llx\n", (unsigned long long)v);
	return 0;
}

/* The zone hvisor-tool's zone1_linux.json describes, at @pa. */
static void make_config(struct t_zone_config *c, __u32 id, const char *name,
			__u64 pa, __u64 size)
{
	memset(c, 0, sizeof(*c));
	c->zone_id = id;
	c->cpus = 0x3;
	c->num_memory_regions = 2;
	c->memory_regions[0] = (struct t_region){ 0, pa, pa, size };
	c->memory_regions[1] = (struct t_region){ 2, VIRTIO_BASE, VIRTIO_BASE,
						  0x4000 };
	c->interrupts_bitmap[1] = 1u << 0;
	c->entry_point = pa + KERNEL_OFFSET;
	c->kernel_load_paddr = pa + KERNEL_OFFSET;
	c->dtb_load_paddr = pa;
	snprintf(c->name, sizeof(c->name), "%s", name);
}

static int cmd_start(int argc, char **argv, int check_version)
{
	struct t_zone_config c;
	__u64 v = 0, ksize = 0, dsize = 0;
	void *kernel = NULL, *dtb = NULL;
	int ret = 0;

	if (argc < 4)
		return 2;
	make_config(&c, num(argv[0]), argv[1], num(argv[2]), num(argv[3]));
	if (check_version) {
		if (req(T_CONFIG_CHECK, (unsigned long)&v))
			return fail("CONFIG_CHECK", errno);
		if (v != CONFIG_MAGIC) {
			fprintf(stderr,
				"hsm_tool: config versions mismatch, hvisor-tool is 0x%x, hvisor is 0x%llx\n",
				CONFIG_MAGIC, (unsigned long long)v);
			return 3;
		}
	}
	if (argc > 4)
		kernel = read_file(argv[4], &ksize);
	if (argc > 5)
		dtb = read_file(argv[5], &dsize);
	if (ksize)
		ret = load(kernel, ksize, c.kernel_load_paddr);
	if (!ret && dsize)
		ret = load(dtb, dsize, c.dtb_load_paddr);
	c.kernel_size = ksize;
	c.dtb_size = dsize;
	if (!ret && req(T_ZONE_START, (unsigned long)&c))
		ret = fail("ZONE_START", errno);
	free(kernel);
	free(dtb);
	return ret;
}

static int cmd_shutdown(int argc, char **argv)
{
	if (argc != 1)
		return 2;
	return req(T_ZONE_SHUTDOWN, num(argv[0])) ?
	       fail("ZONE_SHUTDOWN", errno) : 0;
}

static int cmd_list(void)
{
	struct t_zone_info zones[32];
	struct t_zone_list_args a = { 32, zones };
	long n, i;

	memset(zones, 0, sizeof(zones));
	n = req(T_ZONE_LIST, (unsigned long)&a);
	if (n < 0)
		return fail("ZONE_LIST", errno);
	for (i = 0; i < n; i++)
		printf("zone %u cpus 0x%llx name %.*s status %s\n",
		       zones[i].zone_id, (unsigned long long)zones[i].cpus,
		       (int)sizeof(zones[i].name), zones[i].name,
		       zones[i].is_err ? "error" : "running");
	return 0;
}

static int cmd_load(int argc, char **argv)
{
	__u64 size;
	void *buf;
	int ret;

	if (argc != 2)
		return 2;
	buf = read_file(argv[0], &size);
	ret = load(buf, size, num(argv[1]));
	free(buf);
	return ret;
}

static int cmd_mmap(__u64 pa, __u64 len, const void *want)
{
	int fd = open_dev(), ret = 0;
	void *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, pa);
	if (p == MAP_FAILED) {
		ret = fail("mmap", errno);
	} else {
		if (want && memcmp(p, want, len)) {
			fprintf(stderr, "hsm_tool: memory at 0x%llx differs from the file\n",
				(unsigned long long)pa);
			ret = 1;
		}
		munmap(p, len);
	}
	close(fd);
	return ret;
}

static int cmd_hold(int argc, char **argv)
{
	__u64 len;
	int fd, ready;
	void *p;

	if (argc != 4)
		return 2;
	len = num(argv[1]);
	fd = open_dev();
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 num(argv[0]));
	close(fd);
	if (p == MAP_FAILED)
		return fail("mmap", errno);
	ready = open(argv[3], O_WRONLY | O_CREAT, 0644);
	if (ready < 0)
		return fail(argv[3], errno);
	close(ready);
	sleep(num(argv[2]));
	munmap(p, len);
	return 0;
}

static int cmd_mmap_cmp(int argc, char **argv)
{
	__u64 size;
	void *buf;
	int ret;

	if (argc != 2)
		return 2;
	buf = read_file(argv[1], &size);
	ret = cmd_mmap(num(argv[0]), size, buf);
	if (!ret)
		printf("ok: 0x%llx bytes at %s are the file's\n",
		       (unsigned long long)size, argv[0]);
	free(buf);
	return ret;
}

static int bad(struct t_zone_config *c, const char *what)
{
	if (!req(T_ZONE_START, (unsigned long)c)) {
		fprintf(stderr, "hsm_tool: %s: ZONE_START succeeded\n", what);
		return 1;
	}
	if (errno != EINVAL)
		return fail(what, errno);
	printf("ok: %s: refused with EINVAL\n", what);
	return 0;
}

/* Each configuration is wrong in one way; all must be refused. */
static int cmd_bad_configs(int argc, char **argv)
{
	struct t_zone_config c;
	__u64 pa, size;
	int n = 0;

	if (argc != 2)
		return 2;
	pa = num(argv[0]);
	size = num(argv[1]);
	make_config(&c, 0, "root", pa, size);
	n += bad(&c, "zone id 0");
	make_config(&c, 32, "big", pa, size);
	n += bad(&c, "zone id 32");
	make_config(&c, 7, "regions", pa, size);
	c.num_memory_regions = 65;
	n += bad(&c, "65 memory regions");
	make_config(&c, 7, "", pa, size);
	memset(c.name, 'x', sizeof(c.name));
	n += bad(&c, "unterminated name");
	make_config(&c, 7, "wrap", pa, size);
	c.memory_regions[1].physical_start = ~0ULL - 0xfff;
	n += bad(&c, "wrapping region");
	make_config(&c, 7, "unaligned", pa + 0x800, size);
	n += bad(&c, "RAM not page aligned");
	make_config(&c, 7, "type", pa, size);
	c.memory_regions[1].type = 9;
	n += bad(&c, "unknown region type");
	make_config(&c, 7, "pci", pa, size);
	c.num_pci_devs = 33;
	n += bad(&c, "33 PCI devices");
	make_config(&c, 7, "kernel", pa, size);
	c.kernel_size = size;
	n += bad(&c, "kernel beyond RAM");
	make_config(&c, 7, "rootram", 0x100000, size);
	n += bad(&c, "RAM the hypervisor refuses (root's own)");
	return n ? 1 : 0;
}

static int expect(const char *what, long ret, int want_errno)
{
	if (want_errno ? ret == -1 && errno == want_errno : ret == 0) {
		printf("ok: %s: %s\n", what, want_errno ? err_name(errno) : "0");
		return 0;
	}
	fprintf(stderr, "hsm_tool: %s: got %ld (%s), want %s\n", what, ret,
		ret ? err_name(errno) : "0",
		want_errno ? err_name(want_errno) : "0");
	return 1;
}

/* The rest of the ABI: served ones succeed, the others answer clearly. */
static int cmd_others(int argc, char **argv)
{
	struct t_boot_mode mode = { 0 };
	struct t_irq_line line = { 0 };
	__u64 ecam = 0;
	int n = 0, efd, fd;
	void *p;

	if (argc != 1)
		return 2;
	mode.zone_id = num(argv[0]);
	line.zone_id = mode.zone_id;
	line.irq_id = 32;
	if (req(T_GET_ECAM_BASE, (unsigned long)&ecam))
		return fail("GET_ECAM_BASE", errno);
	printf("ecam base 0x%llx\n", (unsigned long long)ecam);
	n += expect("SET_BOOT_MODE", req(T_SET_BOOT_MODE, (unsigned long)&mode), 0);
	n += expect("DEASSERT_IRQ", req(T_DEASSERT_IRQ, (unsigned long)&line), 0);
	n += expect("FINISH_REQ", req(T_FINISH_REQ, 0), 0);
	n += expect("GET_TASK", req(T_GET_TASK, 0), EINVAL);
	/* Attaches a virtio daemon (the userspace bridge); close detaches. */
	n += expect("INIT_VIRTIO", req(T_INIT_VIRTIO, 0), 0);
	efd = eventfd(0, EFD_NONBLOCK);
	/* On a file that did not attach. */
	n += expect("SET_EVENTFD", req(T_SET_EVENTFD, efd), EINVAL);
	close(efd);
	n += expect("ZONE_START from NULL", req(T_ZONE_START, 0), EFAULT);
	n += expect("unknown ioctl", req(_IO(1, 99), 0), ENOTTY);
	fd = open_dev();
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	n += expect("mmap of the virtio bridge without INIT_VIRTIO",
		    p == MAP_FAILED ? -1 : 0, EINVAL);
	if (p != MAP_FAILED)
		munmap(p, 4096);
	close(fd);
	return n ? 1 : 0;
}

static int scmi_counts(__u32 *clocks, __u32 *resets, __u32 *power)
{
	struct t_scmi_clock c = { .subcmd = 1 };
	struct t_scmi_reset r = { .subcmd = 1 };
	struct t_scmi_power p = { .subcmd = 1 };

	if (req(T_SCMI_CLOCK, (unsigned long)&c))
		return fail("SCMI clock GET_COUNT", errno);
	if (req(T_SCMI_RESET, (unsigned long)&r))
		return fail("SCMI reset GET_COUNT", errno);
	if (req(T_SCMI_POWER, (unsigned long)&p))
		return fail("SCMI power GET_COUNT", errno);
	*clocks = c.u.count;
	*resets = r.u.count;
	*power = p.u.count;
	return 0;
}

static int cmd_scmi_count(void)
{
	__u32 c, r, p;

	if (scmi_counts(&c, &r, &p))
		return 1;
	printf("clocks %u resets %u power %u\n", c, r, p);
	return 0;
}

/* CONFIG_GET of clock @id into *@on. */
static int scmi_clock_on(__u32 id, __u32 *on)
{
	struct t_scmi_clock c = { .subcmd = 6, .u.config.clock_id = id };

	if (req(T_SCMI_CLOCK, (unsigned long)&c))
		return fail("SCMI clock CONFIG_GET", errno);
	*on = c.u.config.config;
	return 0;
}

static int scmi_clock_set(__u32 id, __u32 on)
{
	struct t_scmi_clock c = {
		.subcmd = 7, .u.config = { .clock_id = id, .config = on },
	};

	return req(T_SCMI_CLOCK, (unsigned long)&c) ?
		fail("SCMI clock CONFIG_SET", errno) : 0;
}

static int cmd_scmi_clock(int argc, char **argv)
{
	struct t_scmi_clock a = { .subcmd = 2 }, r = { .subcmd = 4 };
	__u32 id, before, on;

	if (argc != 1)
		return 2;
	id = num(argv[0]);
	a.u.attr.clock_id = id;
	r.u.rate.clock_id = id;
	if (req(T_SCMI_CLOCK, (unsigned long)&a))
		return fail("SCMI clock GET_ATTRIBUTES", errno);
	if (req(T_SCMI_CLOCK, (unsigned long)&r))
		return fail("SCMI clock RATE_GET", errno);
	a.u.attr.name[63] = 0;
	printf("name %s rate %llu enabled %u valid %u\n", a.u.attr.name,
	       (unsigned long long)r.u.rate.rate, a.u.attr.enabled,
	       a.u.attr.is_valid);
	if (scmi_clock_on(id, &before) || scmi_clock_set(id, 1) ||
	    scmi_clock_on(id, &on))
		return 1;
	if (!on) {
		fprintf(stderr, "hsm_tool: clock %u off after CONFIG_SET on\n", id);
		return 1;
	}
	if (scmi_clock_set(id, 0) || scmi_clock_on(id, &on))
		return 1;
	if (on != before) {
		fprintf(stderr, "hsm_tool: clock %u: enabled %u after on+off, %u before\n",
			id, on, before);
		return 1;
	}
	return 0;
}

static int cmd_scmi_bad(void)
{
	struct t_scmi_clock c = { .subcmd = 99 };
	struct t_scmi_reset r = { .subcmd = 2 };
	struct t_scmi_power p = { .subcmd = 3 };
	__u32 nc, nr, np;
	int n = 0;

	if (scmi_counts(&nc, &nr, &np))
		return 1;
	n += expect("SCMI clock subcommand 99", req(T_SCMI_CLOCK, (unsigned long)&c),
		    EINVAL);
	c.subcmd = 4;
	c.u.rate.clock_id = nc;
	n += expect("SCMI clock one past the last", req(T_SCMI_CLOCK, (unsigned long)&c),
		    ENOENT);
	r.u.reset.domain_id = nr;
	n += expect("SCMI reset one past the last", req(T_SCMI_RESET, (unsigned long)&r),
		    ENOENT);
	p.u.state.domain_id = np;
	n += expect("SCMI power one past the last", req(T_SCMI_POWER, (unsigned long)&p),
		    ENOENT);
	return n ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	int ret = 2;

	argc -= 2;
	argv += 2;
	if (!strcmp(cmd, "check"))
		ret = cmd_check();
	else if (!strcmp(cmd, "start"))
		ret = cmd_start(argc, argv, 1);
	else if (!strcmp(cmd, "start-raw"))
		ret = cmd_start(argc, argv, 0);
	else if (!strcmp(cmd, "shutdown"))
		ret = cmd_shutdown(argc, argv);
	else if (!strcmp(cmd, "list"))
		ret = cmd_list();
	else if (!strcmp(cmd, "load"))
		ret = cmd_load(argc, argv);
	else if (!strcmp(cmd, "mmap-cmp"))
		ret = cmd_mmap_cmp(argc, argv);
	else if (!strcmp(cmd, "mmap") && argc == 2)
		ret = cmd_mmap(num(argv[0]), num(argv[1]), NULL);
	else if (!strcmp(cmd, "hold"))
		ret = cmd_hold(argc, argv);
	else if (!strcmp(cmd, "bad-configs"))
		ret = cmd_bad_configs(argc, argv);
	else if (!strcmp(cmd, "others"))
		ret = cmd_others(argc, argv);
	else if (!strcmp(cmd, "scmi-count") && !argc)
		ret = cmd_scmi_count();
	else if (!strcmp(cmd, "scmi-clock"))
		ret = cmd_scmi_clock(argc, argv);
	else if (!strcmp(cmd, "scmi-bad") && !argc)
		ret = cmd_scmi_bad();
	if (ret == 2)
		fprintf(stderr, "usage: see the comment at the top of hsm_tool.c\n");
	return ret;
}
