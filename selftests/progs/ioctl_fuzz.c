// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl_fuzz: random ioctls on /dev/hvisor-vhost and /dev/hvisor for a
 * bounded time (selftest 61-fuzz-ioctl).
 *
 * Commands are the real ones, the real ones with another size or
 * direction, numbers near the valid ranges, or anything. Arguments are
 * valid-looking structures with mutated fields (ids, zones, addresses,
 * sizes, file descriptors, reserved fields, embedded user pointers)
 * placed anywhere in a buffer that ends at an inaccessible page, or bad
 * pointers: NULL, kernel addresses, the inaccessible page, a read-only
 * page, unmapped memory; or plain integers.
 *
 * INIT_VIRTIO (/dev/hvisor number 0, without arguments) is never sent:
 * it would attach the fuzzer as hvisor-tool's virtio daemon, and every
 * guest access no in-kernel device claims (the simulated guest's driver
 * still touching a device the fuzzer just removed) would then wait for
 * the fuzzer's answer, by design, while the fuzzer itself waits in an
 * ioctl for that guest driver. Selftest 47 fuzzes an attached daemon.
 *
 *   ioctl_fuzz [-u] [-s SEED] [-t SECONDS] IMAGE
 *
 *   IMAGE  a file blk devices may be added on
 *   -u     open the nodes as root, then drop to uid/gid nobody without
 *          capabilities; then no change may succeed: only the queries
 *          (GET_STATUS, ZONE_LIST, DEV_LIST of /dev/hvisor-vhost;
 *          ZONE_LIST, CONFIG_CHECK, GET_ECAM_BASE of /dev/hvisor) may,
 *          and the device count must not change. Opening the nodes as
 *          nobody must fail.
 *   -s     seed (default: time and pid); printed, reruns the same calls
 *   -t     seconds to run (default 20)
 *
 * As root the devices it managed to add are removed at the end. Prints
 * the number of calls and the errno of each; exit status 0 when every
 * check held.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/hvisor_vhost.h>

#define NOBODY		65534
#define PAGE		4096
#define ARENA_PAGES	32
/* hvisor-tool's /dev/hvisor: ioctl type 1 (include/hvisor/hvisor_tool.h). */
#define TOOL_TYPE	1
#define MAX_ERRNO	134
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static uint64_t rng;
static unsigned char *arena;	/* ARENA_PAGES rw, 1 none, 1 read-only */
static int img_fd = -1, null_fd = -1;
static int failures;

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(((rnd() & 0xffffffffULL) * n) >> 32) : 0;
}

static int pct(uint32_t p)
{
	return below(100) < p;
}

/* A value a hostile caller likes; @good is a plausible one. */
static uint64_t val(uint64_t good)
{
	static const uint64_t edge[] = {
		0, 1, 2, 3, 0x7f, 0x80, 0xff, 0x200, 0xfff, 0x1000, 0xffff,
		0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
		0x7fffffffffffffffULL, ~0ULL, ~0ULL - 0xfff,
	};

	switch (below(5)) {
	case 0:
	case 1:
		return good;
	case 2:
		return good + below(5) - 2;
	case 3:
		return edge[below(ARRAY_SIZE(edge))];
	default:
		return rnd();
	}
}

static void fill(void *p, size_t len)
{
	unsigned char *c = p;
	size_t i;

	for (i = 0; i < len; i++)
		c[i] = (unsigned char)rnd();
}

/* A pointer to @len bytes: valid (possibly ending at the guard), or bad. */
static uint64_t ptr(size_t len)
{
	unsigned char *end = arena + ARENA_PAGES * PAGE;

	if (len > ARENA_PAGES * PAGE)
		len = ARENA_PAGES * PAGE;
	switch (below(12)) {
	case 0:
		return 0;
	case 1:
		return 0xffff888000000000ULL + below(1 << 20) * PAGE;
	case 2:
		return (uintptr_t)end;			/* PROT_NONE */
	case 3:
		return (uintptr_t)end + PAGE;		/* read-only */
	case 4:
		return (uintptr_t)end - len / 2;	/* runs into the guard */
	case 5:
		return rnd();
	case 6:
		return (uintptr_t)end - len;		/* ends at the guard */
	default:
		return (uintptr_t)arena + below(ARENA_PAGES * PAGE - len + 1);
	}
}

/* Where an argument structure goes: somewhere valid, mostly. */
static void *place(size_t len)
{
	unsigned char *end = arena + ARENA_PAGES * PAGE;

	if (pct(30))
		return end - len;
	return arena + below(ARENA_PAGES * PAGE - len + 1);
}

static int fd_val(void)
{
	static const int bad[] = { -1, 0, 1, 2, 1000, 0x7fffffff };

	switch (below(4)) {
	case 0:
	case 1:
		return img_fd;
	case 2:
		return null_fd;
	default:
		return bad[below(ARRAY_SIZE(bad))];
	}
}

static void *arg_dev_add(void)
{
	static const uint32_t types[] = {
		HVISOR_VHOST_DEV_BLK, HVISOR_VHOST_DEV_BLK, HVISOR_VHOST_DEV_NET,
		HVISOR_VHOST_DEV_CONSOLE, 0, 4, 0xffffffff,
	};
	struct hvisor_vhost_dev_config *c = place(sizeof(*c));

	memset(c, 0, sizeof(*c));
	c->type = pct(80) ? types[below(7)] : (uint32_t)rnd();
	c->zone_id = val(below(3));
	c->addr = pct(60) ? 0 : val(0xa000000 + below(80) * 0x200);
	c->irq = pct(60) ? 0 : val(32 + below(64));
	c->flags = pct(80) ? below(2) : val(0);
	c->num_queues = pct(70) ? below(4) : val(8);
	c->queue_size = pct(70) ? 0 : val(1U << below(12));
	c->backing_fd = fd_val();
	c->id = pct(90) ? 0 : val(0);
	switch (c->type) {
	case HVISOR_VHOST_DEV_NET:
		c->net.mac[0] = 2;
		c->net.mac[5] = (uint8_t)below(256);
		c->net.mtu = pct(70) ? 0 : val(1500);
		if (pct(50))
			snprintf(c->net.ifname, sizeof(c->net.ifname), "hvfz%u",
				 below(8));
		c->net.offloads_off = val(0);
		break;
	case HVISOR_VHOST_DEV_CONSOLE:
		c->console.log_size = pct(70) ? 0 : val(4096);
		break;
	default:
		memcpy(c->blk.serial, "FUZZ", 4);
		break;
	}
	if (pct(10))
		fill(&c->blk, sizeof(c->blk) + (pct(50) ? sizeof(c->reserved) : 0));
	return c;
}

/* An argument for a /dev/hvisor-vhost command number @nr. */
static uint64_t arg_vhost(uint32_t nr)
{
	struct hvisor_vhost_zone_mem *m;
	struct hvisor_vhost_zone *z;
	struct hvisor_vhost_dev_del *d;
	struct hvisor_vhost_dev_list *l;
	struct hvisor_vhost_console_log *cl;

	if (pct(15))
		return pct(50) ? ptr(below(512)) : val(0);
	switch (nr) {
	case 0x10:
		m = place(sizeof(*m));
		memset(m, 0, sizeof(*m));
		m->zone_id = val(below(4));
		m->zone0_ipa = val(0x100000000ULL + below(64) * PAGE);
		m->zonex_ipa = val(0x40000000 + below(64) * PAGE);
		m->size = val(PAGE * (1 + below(16)));
		if (pct(5))
			m->reserved[below(4)] = rnd();
		return (uintptr_t)m;
	case 0x11:
	case 0x12:
		z = place(sizeof(*z));
		memset(z, 0, sizeof(*z));
		z->zone_id = val(2 + below(3));
		z->flags = pct(90) ? 0 : val(0);
		return (uintptr_t)z;
	case 0x20:
		return (uintptr_t)arg_dev_add();
	case 0x21:
		d = place(sizeof(*d));
		memset(d, 0, sizeof(*d));
		d->id = val(below(24));
		d->flags = pct(80) ? below(2) : val(0);
		if (pct(5))
			d->reserved[below(3)] = rnd();
		return (uintptr_t)d;
	case 0x13:
	case 0x22:
		l = place(sizeof(*l));
		memset(l, 0, sizeof(*l));
		l->count = val(below(70));
		l->entries = ptr(l->count * 256);
		if (pct(5))
			l->flags = rnd();
		return (uintptr_t)l;
	case 0x30:
		cl = place(sizeof(*cl));
		memset(cl, 0, sizeof(*cl));
		cl->id = val(below(24));
		cl->flags = pct(80) ? below(2) : val(0);
		cl->len = val(below(8192));
		cl->buf = ptr(cl->len);
		return (uintptr_t)cl;
	default:
		return ptr(below(512));
	}
}

/* An argument for a /dev/hvisor command number @nr (hvisor-tool's ABI). */
static uint64_t arg_tool(uint32_t nr)
{
	uint64_t *q;
	unsigned char *p;
	size_t n;

	switch (nr) {
	case 4:		/* ZONE_SHUTDOWN: the zone id itself */
		return val(2 + below(4));
	case 7:		/* SET_EVENTFD: an fd */
		return (uint64_t)(int64_t)fd_val();
	case 3:		/* ZONE_START: a zone configuration */
		n = 16384;
		p = place(n);
		fill(p, n);
		q = (uint64_t *)p;
		q[0] = 2 + below(6);		/* zone_id, pad */
		q[1] = val(2);			/* cpus */
		q[2] = below(4);		/* regions */
		return (uintptr_t)p;
	case 5:		/* ZONE_LIST: { cnt, zones } */
		q = place(16);
		q[0] = val(below(40));
		q[1] = ptr(q[0] * 64);
		return (uintptr_t)q;
	case 8:		/* LOAD_IMAGE: { buffer, size, paddr } */
		q = place(24);
		q[1] = val(below(3 * PAGE));
		q[0] = ptr(q[1]);
		q[2] = val(0x100000000ULL);
		return (uintptr_t)q;
	default:
		if (pct(20))
			return val(0);
		p = (unsigned char *)(uintptr_t)ptr(96);
		if (p >= arena && p + 96 <= arena + ARENA_PAGES * PAGE)
			fill(p, 96);
		return (uintptr_t)p;
	}
}

/* The real commands, by node. */
static const unsigned long vhost_cmds[] = {
	HVISOR_VHOST_GET_STATUS, HVISOR_VHOST_ZONE_ADD_MEM,
	HVISOR_VHOST_ZONE_RESET, HVISOR_VHOST_ZONE_DEL,
	HVISOR_VHOST_ZONE_LIST, HVISOR_VHOST_DEV_ADD, HVISOR_VHOST_DEV_DEL,
	HVISOR_VHOST_DEV_LIST, HVISOR_VHOST_CONSOLE_LOG,
};

static const unsigned long tool_cmds[] = {
	_IO(TOOL_TYPE, 1), _IO(TOOL_TYPE, 2),
	_IOW(TOOL_TYPE, 3, uint64_t), _IOW(TOOL_TYPE, 4, uint64_t),
	_IOR(TOOL_TYPE, 5, uint64_t), _IOR(TOOL_TYPE, 6, uint64_t),
	_IOW(TOOL_TYPE, 7, int), _IOC(_IOC_WRITE, TOOL_TYPE, 8, 24),
	_IOW(TOOL_TYPE, 9, uint64_t), _IOR(TOOL_TYPE, 10, uint64_t),
	_IOC(_IOC_WRITE, TOOL_TYPE, 11, 8),
	_IOC(_IOC_READ | _IOC_WRITE, TOOL_TYPE, 32, 88),
	_IOC(_IOC_READ | _IOC_WRITE, TOOL_TYPE, 33, 20),
	_IOC(_IOC_READ | _IOC_WRITE, TOOL_TYPE, 34, 80),
};

/* A command: real, mutated, near the range, or anything. */
static unsigned long pick_cmd(const unsigned long *cmds, size_t n,
			      unsigned int type, unsigned int max_nr)
{
	unsigned long c = cmds[below(n)];

	switch (below(10)) {
	case 0:
		return _IOC(_IOC_DIR(c) ^ below(4), type, _IOC_NR(c),
			    _IOC_SIZE(c));
	case 1:
		return _IOC(_IOC_DIR(c), type, _IOC_NR(c), below(1 << 14));
	case 2:
		return _IOC(below(4), type, below(max_nr), below(256));
	case 3:
		return pct(50) ? (uint32_t)rnd() :
		       _IOC(below(4), type ^ (1U << below(8)), _IOC_NR(c),
			    _IOC_SIZE(c));
	default:
		return c;
	}
}

static unsigned long counts[2][MAX_ERRNO + 1];
static unsigned long calls[2];

static int nr_devices(int fd)
{
	struct hvisor_vhost_dev_list l;

	memset(&l, 0, sizeof(l));
	return ioctl(fd, HVISOR_VHOST_DEV_LIST, &l) ? -1 : (int)l.count;
}

/*
 * Unprivileged: which successes are allowed: the queries of each node
 * (Documentation/hsm.rst: ZONE_LIST, CONFIG_CHECK and GET_ECAM_BASE of
 * /dev/hvisor need no capability).
 */
static int readonly_ok(int node, unsigned long cmd)
{
	/* Other types are the VFS's (FIGETBSZ, FIONBIO, ...), not ours. */
	if (_IOC_TYPE(cmd) != (node ? TOOL_TYPE : HVISOR_VHOST_IOC_MAGIC))
		return 1;
	if (node == 1)
		return cmd == _IOR(TOOL_TYPE, 5, uint64_t) ||
		       cmd == _IOR(TOOL_TYPE, 6, uint64_t) ||
		       cmd == _IOR(TOOL_TYPE, 10, uint64_t);
	return cmd == HVISOR_VHOST_GET_STATUS ||
	       cmd == HVISOR_VHOST_ZONE_LIST || cmd == HVISOR_VHOST_DEV_LIST;
}

static void one_call(int node, int fd, int unpriv)
{
	unsigned long cmd;
	uint64_t arg;
	int ret, err;

	if (node == 0) {
		cmd = pick_cmd(vhost_cmds, ARRAY_SIZE(vhost_cmds),
			       HVISOR_VHOST_IOC_MAGIC, 0x40);
		arg = arg_vhost(_IOC_NR(cmd));
	} else {
		do {
			cmd = pick_cmd(tool_cmds, ARRAY_SIZE(tool_cmds),
				       TOOL_TYPE, 40);
		} while (cmd == _IO(TOOL_TYPE, 0));
		arg = arg_tool(_IOC_NR(cmd));
	}
	ret = ioctl(fd, cmd, (unsigned long)arg);
	err = ret < 0 ? errno : 0;
	calls[node]++;
	counts[node][err > MAX_ERRNO ? MAX_ERRNO : err]++;
	if (unpriv && ret >= 0 && !readonly_ok(node, cmd)) {
		printf("FAIL: unprivileged ioctl 0x%lx on node %d succeeded\n",
		       cmd, node);
		failures++;
	}
	if (ret < 0 && (err == 0 || err > MAX_ERRNO)) {
		printf("FAIL: ioctl 0x%lx: impossible errno %d\n", cmd, err);
		failures++;
	}
}

/* Keep exactly no capability, as uid/gid nobody. */
static int drop_privileges(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (setgid(NOBODY) || setuid(NOBODY)) {
		printf("FAIL: setuid nobody: %s\n", strerror(errno));
		return -1;
	}
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data)) {
		printf("FAIL: capset: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * What the fuzzing found once: memory beyond the physical address space
 * is EINVAL (it was ENOMEM, after x86's ioremap() warned; and on arm64,
 * whose iomem_resource has no end, until the check took the kernel's
 * MAX_PHYSMEM_BITS).
 */
static void check_found(int fd)
{
	struct hvisor_vhost_zone_mem m;
	int err;

	memset(&m, 0, sizeof(m));
	m.zone_id = 9;
	m.zone0_ipa = 0x00b521b873000000ULL;
	m.zonex_ipa = 0x40000000;
	m.size = PAGE;
	err = ioctl(fd, HVISOR_VHOST_ZONE_ADD_MEM, &m) ? errno : 0;
	if (err != EINVAL) {
		printf("FAIL: ZONE_ADD_MEM at 0x%llx: %s, want %s\n",
		       (unsigned long long)m.zone0_ipa,
		       err ? strerror(err) : "allowed", strerror(EINVAL));
		failures++;
	}
}

/*
 * As root: remove what the fuzzing added, and wait (60 s at most) for
 * the forced removals it started to finish.
 */
static void cleanup(int fd)
{
	struct hvisor_vhost_dev_info info[64];
	struct hvisor_vhost_dev_list l;
	struct hvisor_vhost_dev_del d;
	unsigned int i, removed = 0;
	int tries;

	for (tries = 0; tries < 600; tries++) {
		memset(&l, 0, sizeof(l));
		l.count = 64;
		l.entries = (uintptr_t)info;
		if (ioctl(fd, HVISOR_VHOST_DEV_LIST, &l)) {
			printf("FAIL: DEV_LIST after fuzzing: %s\n",
			       strerror(errno));
			failures++;
			return;
		}
		if (!l.count)
			break;
		for (i = 0; i < l.count && i < 64; i++) {
			if (info[i].flags & HVISOR_VHOST_DEV_F_REMOVING)
				continue;
			memset(&d, 0, sizeof(d));
			d.id = info[i].id;
			if (!ioctl(fd, HVISOR_VHOST_DEV_DEL, &d))
				removed++;
			else if (errno != ENOENT && errno != EBUSY)
				printf("DEV_DEL %u after fuzzing: %s\n", d.id,
				       strerror(errno));
		}
		usleep(100000);
	}
	printf("removed %u device(s) the fuzzing added\n", removed);
	if (l.count) {
		printf("FAIL: %u device(s) still there after 60 s\n", l.count);
		failures++;
	}
}

static void report(const char *name, int node)
{
	int e;

	printf("%s: %lu calls:", name, calls[node]);
	for (e = 0; e <= MAX_ERRNO; e++)
		if (counts[node][e])
			printf(" %s=%lu", e ? strerror(e) : "ok",
			       counts[node][e]);
	printf("\n");
}

int main(int argc, char **argv)
{
	const char *nodes[2] = { "/dev/hvisor-vhost", "/dev/hvisor" };
	uint64_t seed = (uint64_t)time(NULL) << 16 ^ (uint64_t)getpid();
	int fds[2] = { -1, -1 }, unpriv = 0, secs = 20, opt, i, before = -1;
	time_t end;

	while ((opt = getopt(argc, argv, "us:t:")) != -1) {
		switch (opt) {
		case 'u':
			unpriv = 1;
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 't':
			secs = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc - 1)
		goto usage;
	rng = seed;
	printf("ioctl_fuzz: seed 0x%llx, %d s, %s\n", (unsigned long long)seed,
	       secs, unpriv ? "as nobody without capabilities" : "as root");
	img_fd = open(argv[optind], O_RDWR | O_CLOEXEC);
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	arena = mmap(NULL, (ARENA_PAGES + 2) * PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (img_fd < 0 || null_fd < 0 || arena == MAP_FAILED ||
	    mprotect(arena + ARENA_PAGES * PAGE, PAGE, PROT_NONE) ||
	    mprotect(arena + (ARENA_PAGES + 1) * PAGE, PAGE, PROT_READ)) {
		printf("FAIL: setting up: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < 2; i++) {
		fds[i] = open(nodes[i], O_RDWR | O_CLOEXEC);
		if (fds[i] < 0)
			printf("%s: %s, not fuzzed\n", nodes[i], strerror(errno));
	}
	if (fds[0] < 0) {
		printf("FAIL: no %s\n", nodes[0]);
		return 1;
	}
	if (unpriv) {
		before = nr_devices(fds[0]);
		if (drop_privileges())
			return 1;
		for (i = 0; i < 2; i++) {
			int fd = open(nodes[i], O_RDWR | O_CLOEXEC);

			if (fd >= 0 || (errno != EACCES && errno != ENOENT)) {
				printf("FAIL: nobody opened %s (%s)\n", nodes[i],
				       fd >= 0 ? "ok" : strerror(errno));
				failures++;
			}
			if (fd >= 0)
				close(fd);
		}
	}
	if (!unpriv)
		check_found(fds[0]);
	end = time(NULL) + secs;
	while (time(NULL) < end) {
		for (i = 0; i < 64; i++) {
			int node = fds[1] >= 0 && pct(40);

			one_call(node, fds[node], unpriv);
		}
	}
	report(nodes[0], 0);
	if (fds[1] >= 0)
		report(nodes[1], 1);
	if (unpriv && nr_devices(fds[0]) != before) {
		printf("FAIL: nobody changed the device count (%d, was %d)\n",
		       nr_devices(fds[0]), before);
		failures++;
	}
	if (!unpriv)
		cleanup(fds[0]);
	printf("ioctl_fuzz: seed 0x%llx: %lu calls, %d failure(s)\n",
	       (unsigned long long)seed, calls[0] + calls[1], failures);
	return failures ? 1 : 0;
usage:
	fprintf(stderr, "usage: %s [-u] [-s SEED] [-t SECONDS] IMAGE\n",
		argv[0]);
	return 2;
}
