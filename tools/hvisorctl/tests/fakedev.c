// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for /dev/hvisor-vhost, for testing hvisorctl without the
 * kernel module: LD_PRELOAD=tests/fakedev.so HVISORCTL_DEVICE=/fake/hvisor-vhost
 * makes open() of that path return an fd whose ioctls are answered here,
 * with the checks the kernel makes that matter to hvisorctl. State lives
 * as long as the process. Environment knobs:
 *   FAKE_ABI=N          abi_version reported (default 1)
 *   FAKE_NOHV=1         no hypervisor attached
 *   FAKE_DEVICES=N      start with N blk devices in zone 1
 *   FAKE_ALL_TYPES=1    serve net and console too (default: EOPNOTSUPP)
 *   FAKE_FAIL=OP:ERR:N  the N-th (from 1) OP request fails with errno ERR;
 *                       OP is STATUS, ZONE_MEM, ZONE_RESET, ZONE_DEL,
 *                       DEV_ADD, DEV_DEL or DEV_LIST
 *   FAKE_TRACE=1        print each request to stderr as "fake: ..."
 *   FAKE_CONSOLES=N     then N console devices (ids after the blk ones),
 *                       their tty FAKE_CONSOLE_TTY (default /dev/hvconI),
 *                       their log FAKE_CONSOLE_LOG (default "fake guest
 *                       output\n") with FAKE_CONSOLE_LOST bytes lost
 * Zone 1 exists from the start (the simulator's zone).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/hvisor_vhost.h>

#define FAKE_PATH	"/fake/hvisor-vhost"
#define MAX_DEVS	256
#define MAX_ZONES	16

static int fake_fd = -1;
static bool inited;
static uint32_t zones[MAX_ZONES];
static unsigned int nr_zones;
static struct hvisor_vhost_dev_info devs[MAX_DEVS];
static unsigned int nr_devs;
static uint32_t next_id;
static unsigned int op_count[8];

enum { OP_STATUS, OP_ZONE_MEM, OP_ZONE_RESET, OP_ZONE_DEL, OP_DEV_ADD,
	OP_DEV_DEL, OP_DEV_LIST, OP_CONSOLE_LOG };
static const char *const op_names[] = { "STATUS", "ZONE_MEM", "ZONE_RESET",
	"ZONE_DEL", "DEV_ADD", "DEV_DEL", "DEV_LIST", "CONSOLE_LOG" };
static bool log_cleared;

static bool env_on(const char *name)
{
	const char *v = getenv(name);

	return v && *v && strcmp(v, "0");
}

static void trace(const char *fmt, ...)
{
	va_list ap;

	if (!env_on("FAKE_TRACE"))
		return;
	fputs("fake: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void fake_add_consoles(void);

static void fake_init(void)
{
	const char *n = getenv("FAKE_DEVICES");
	unsigned int i, count = n ? (unsigned int)atoi(n) : 0;

	if (inited)
		return;
	inited = true;
	zones[nr_zones++] = 1;
	for (i = 0; i < count && i < MAX_DEVS; i++) {
		struct hvisor_vhost_dev_info *d = &devs[nr_devs++];

		d->id = next_id++;
		d->type = HVISOR_VHOST_DEV_BLK;
		d->zone_id = 1;
		d->addr = 0x10000000 + i * 0x200ull;
		d->irq = 32 + i;
		d->status = 0xf;
		d->num_queues = 1;
		d->queue_size = 256;
		d->requests = 1000 + i;
		d->bytes_in = 1536ull << i % 40;
		snprintf(d->name, sizeof(d->name), "/srv/disk%u.img", i);
	}
	fake_add_consoles();
}

/* Injected failure for this op as a negative errno, or 0. */
static int injected(int op)
{
	const char *f = getenv("FAKE_FAIL");
	char name[16];
	int err, nth;

	op_count[op]++;
	if (!f || sscanf(f, "%15[A-Z_]:%d:%d", name, &err, &nth) != 3)
		return 0;
	if (strcmp(name, op_names[op]) || (unsigned int)nth != op_count[op])
		return 0;
	return -err;
}

static bool zone_known(uint32_t id)
{
	unsigned int i;

	for (i = 0; i < nr_zones; i++)
		if (zones[i] == id)
			return true;
	return false;
}

static int fake_status(struct hvisor_vhost_status *st)
{
	const char *abi = getenv("FAKE_ABI");

	memset(st, 0, sizeof(*st));
	st->abi_version = abi ? (uint32_t)atoi(abi) : HVISOR_VHOST_ABI_VERSION;
	if (!env_on("FAKE_NOHV")) {
		st->flags = HVISOR_VHOST_F_ATTACHED | HVISOR_VHOST_F_SIMULATOR;
		strcpy(st->hypervisor, "simulator");
	}
	if (env_on("FAKE_UBRIDGE"))
		st->flags |= HVISOR_VHOST_F_UBRIDGE;
	st->nr_zones = nr_zones;
	st->nr_devices = nr_devs;
	st->requests = 123456789012ull;
	st->notifies = 42;
	st->bad_requests = 1;
	st->irq_deferred = 3;
	st->rechecks = 4;
	st->ub_requests = 7;
	st->ub_bad_answer = 5;
	st->ub_bad_result = 4294967295u;
	return 0;
}

static int fake_zone_mem(const struct hvisor_vhost_zone_mem *m)
{
	trace("ZONE_MEM zone=%u zone0=0x%llx zonex=0x%llx size=0x%llx", m->zone_id,
	      (unsigned long long)m->zone0_ipa, (unsigned long long)m->zonex_ipa,
	      (unsigned long long)m->size);
	if (!m->zone_id || !m->size || m->flags || (m->size & 0xfff))
		return -EINVAL;
	if (!zone_known(m->zone_id) && nr_zones < MAX_ZONES)
		zones[nr_zones++] = m->zone_id;
	return 0;
}

static int fake_zone(int op, const struct hvisor_vhost_zone *z)
{
	unsigned int i;

	trace("%s zone=%u", op_names[op], z->zone_id);
	if (!zone_known(z->zone_id))
		return -ENOENT;
	if (op == OP_ZONE_RESET)
		return 0;
	for (i = 0; i < nr_devs; i++)
		if (devs[i].zone_id == z->zone_id)
			return -EBUSY;
	for (i = 0; i < nr_zones; i++)
		if (zones[i] == z->zone_id)
			zones[i] = zones[--nr_zones];
	return 0;
}

static int fake_place(struct hvisor_vhost_dev_config *c)
{
	unsigned int i, n;

	if (!c->addr != !c->irq || c->addr % 0x200)
		return -EINVAL;
	for (n = 0; !c->addr; n++) {
		c->addr = 0x10000000 + n * 0x200ull;
		c->irq = 32 + n;
		for (i = 0; i < nr_devs; i++)
			if (devs[i].zone_id == c->zone_id && devs[i].addr == c->addr)
				c->addr = 0;
	}
	for (i = 0; i < nr_devs; i++)
		if (devs[i].zone_id == c->zone_id && devs[i].addr == c->addr)
			return -EEXIST;
	return 0;
}

static int fake_backing(const struct hvisor_vhost_dev_config *c, char *name)
{
	char link[64];
	struct stat st;
	ssize_t n;

	if (c->type != HVISOR_VHOST_DEV_BLK)
		return c->backing_fd == -1 ? 0 : -EINVAL;
	if (fstat(c->backing_fd, &st) || !S_ISREG(st.st_mode))
		return -EBADF;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", c->backing_fd);
	n = readlink(link, name, 63);
	name[n > 0 ? n : 0] = '\0';
	trace("backing %s mode=%s", name,
	      (fcntl(c->backing_fd, F_GETFL) & O_ACCMODE) == O_RDONLY ? "ro" : "rw");
	return 0;
}

static int fake_dev_add(struct hvisor_vhost_dev_config *c)
{
	struct hvisor_vhost_dev_info *d;
	char name[64] = "";
	int err;

	trace("DEV_ADD type=%u zone=%u addr=0x%llx irq=%u flags=%u queues=%u qsize=%u serial=%.20s",
	      c->type, c->zone_id, (unsigned long long)c->addr, c->irq, c->flags,
	      c->num_queues, c->queue_size,
	      c->type == HVISOR_VHOST_DEV_BLK ? c->blk.serial : "");
	if (c->type < 1 || c->type > 3)
		return -EINVAL;
	if (c->type != HVISOR_VHOST_DEV_BLK && !env_on("FAKE_ALL_TYPES"))
		return -EOPNOTSUPP;
	if (env_on("FAKE_NOHV"))
		return -ENODEV;
	if (!c->zone_id)
		c->zone_id = 1;
	if (!zone_known(c->zone_id))
		return -ENOENT;
	err = fake_place(c);
	if (!err)
		err = fake_backing(c, name);
	if (err)
		return err;
	if (nr_devs == MAX_DEVS)
		return -ENOSPC;
	d = &devs[nr_devs++];
	memset(d, 0, sizeof(*d));
	c->id = next_id++;
	d->id = c->id;
	d->type = c->type;
	d->zone_id = c->zone_id;
	d->addr = c->addr;
	d->irq = c->irq;
	d->flags = c->flags;
	d->num_queues = c->num_queues ? c->num_queues : 1;
	memcpy(d->name, name, sizeof(name));
	return 0;
}

static int fake_dev_del(const struct hvisor_vhost_dev_del *del)
{
	unsigned int i;

	trace("DEV_DEL id=%u flags=%u", del->id, del->flags);
	for (i = 0; i < nr_devs; i++) {
		if (devs[i].id == del->id) {
			memmove(&devs[i], &devs[i + 1],
				(nr_devs - i - 1) * sizeof(devs[0]));
			nr_devs--;
			return 0;
		}
	}
	return -ENOENT;
}

static int fake_dev_list(struct hvisor_vhost_dev_list *l)
{
	struct hvisor_vhost_dev_info *out = (void *)(uintptr_t)l->entries;
	unsigned int n = l->count < nr_devs ? l->count : nr_devs;

	trace("DEV_LIST room=%u", l->count);
	memcpy(out, devs, n * sizeof(devs[0]));
	l->count = nr_devs;
	return 0;
}

static void fake_add_consoles(void)
{
	const char *n = getenv("FAKE_CONSOLES"), *tty = getenv("FAKE_CONSOLE_TTY");
	unsigned int i, count = n ? (unsigned int)atoi(n) : 0;
	struct hvisor_vhost_dev_info *d;

	for (i = 0; i < count && nr_devs < MAX_DEVS; i++) {
		d = &devs[nr_devs++];
		memset(d, 0, sizeof(*d));
		d->id = next_id++;
		d->type = HVISOR_VHOST_DEV_CONSOLE;
		d->zone_id = 1;
		d->num_queues = 2;
		if (tty)
			snprintf(d->name, sizeof(d->name), "%s", tty);
		else
			snprintf(d->name, sizeof(d->name), "/dev/hvcon%u", i);
	}
}

static int fake_console_log(struct hvisor_vhost_console_log *l)
{
	const char *text = getenv("FAKE_CONSOLE_LOG");
	const char *lost = getenv("FAKE_CONSOLE_LOST");
	unsigned int i;
	size_t len;

	if (!text)
		text = "fake guest output\n";
	if (log_cleared)
		text = "";
	trace("CONSOLE_LOG id=%u flags=%u len=%u", l->id, l->flags, l->len);
	if (l->flags & ~HVISOR_VHOST_CONSOLE_LOG_F_CLEAR)
		return -EINVAL;
	for (i = 0; i < nr_devs && devs[i].id != l->id; i++)
		;
	if (i == nr_devs)
		return -ENOENT;
	if (devs[i].type != HVISOR_VHOST_DEV_CONSOLE)
		return -EINVAL;
	len = strlen(text);
	l->size = (uint32_t)len;
	if (len > l->len)
		len = l->len;
	memcpy((void *)(uintptr_t)l->buf, text + strlen(text) - len, len);
	l->len = (uint32_t)len;
	l->lost = lost ? strtoull(lost, NULL, 0) : 0;
	if (l->flags & HVISOR_VHOST_CONSOLE_LOG_F_CLEAR)
		log_cleared = true;
	return 0;
}

/* Answer one request: 0, or a negative errno as the kernel would. */
static int fake_ioctl(unsigned long req, void *arg)
{
	static const unsigned long reqs[] = {
		HVISOR_VHOST_GET_STATUS, HVISOR_VHOST_ZONE_ADD_MEM,
		HVISOR_VHOST_ZONE_RESET, HVISOR_VHOST_ZONE_DEL,
		HVISOR_VHOST_DEV_ADD, HVISOR_VHOST_DEV_DEL,
		HVISOR_VHOST_DEV_LIST, HVISOR_VHOST_CONSOLE_LOG,
	};
	int op, err;

	for (op = 0; op < 8 && reqs[op] != req; op++)
		;
	if (op == 8)
		return -ENOTTY;
	err = injected(op);
	if (err)
		return err;
	switch (op) {
	case OP_STATUS: return fake_status(arg);
	case OP_ZONE_MEM: return fake_zone_mem(arg);
	case OP_ZONE_RESET:
	case OP_ZONE_DEL: return fake_zone(op, arg);
	case OP_DEV_ADD: return fake_dev_add(arg);
	case OP_DEV_DEL: return fake_dev_del(arg);
	case OP_CONSOLE_LOG: return fake_console_log(arg);
	default: return fake_dev_list(arg);
	}
}

int open(const char *path, int flags, ...)
{
	static int (*real_open)(const char *, int, ...);
	mode_t mode = 0;
	va_list ap;

	if (!real_open)
		real_open = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (strcmp(path, FAKE_PATH))
		return real_open(path, flags, mode);
	fake_init();
	fake_fd = real_open("/dev/null", flags);
	return fake_fd;
}

int ioctl(int fd, unsigned long req, ...)
{
	static int (*real_ioctl)(int, unsigned long, ...);
	void *arg;
	va_list ap;
	int err;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!real_ioctl)
		real_ioctl = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	if (fd < 0 || fd != fake_fd)
		return real_ioctl(fd, req, arg);
	err = fake_ioctl(req, arg);
	if (err) {
		errno = -err;
		return -1;
	}
	return 0;
}
