// SPDX-License-Identifier: GPL-2.0
/*
 * ubridge_garbage: a userspace virtio backend on /dev/hvisor that speaks
 * hvisor-tool's daemon protocol (INIT_VIRTIO, mmap of offset 0,
 * SET_EVENTFD, the bridge page's rings, FINISH_REQ) for one register-only
 * virtio-mmio device, and misbehaves on request (selftest 47).
 *
 *   ubridge_garbage serve [-g] [-i IRQ] [-s] ADDR
 *       serve a device at guest-physical ADDR: MagicValue, Version 2,
 *       DeviceID 0x3f (no guest driver binds it), VendorID, a Status
 *       register; every other register reads 0.
 *       -g  once the guest acknowledged the device (Status write with
 *           ACKNOWLEDGE), scribble over the bridge page: out-of-range
 *           req_front and res_rear, answers for two vCPUs that wait for
 *           nothing, a full result ring for an unknown zone; each
 *           followed by FINISH_REQ, then carry on as if nothing happened
 *       -i  after that acknowledgment, fill the result ring with
 *           interrupt IRQ of zone 1 (31 entries) and FINISH_REQ; report
 *           the guest's InterruptStatus read that follows
 *       -s  never answer: take the first waiting request and stall
 *   ubridge_garbage busy
 *       INIT_VIRTIO while another daemon is attached must fail with EBUSY
 *
 * serve prints, line by line: "attached", "acked", "garbage done",
 * "irqs pushed", "isr read", "stalled". Exit status 0; 1 with a message
 * when a request fails; 2 for bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/types.h>

#define DEV		"/dev/hvisor"
#define T_INIT_VIRTIO	_IO(1, 0)
#define T_FINISH_REQ	_IO(1, 2)
#define T_SET_EVENTFD	_IOW(1, 7, int)

/* hvisor's bridge page (hvisor-tool's hvisor.h), written independently. */
#define MAX_REQ		32
#define MAX_CPUS	32
#define MAX_DEVS	8

struct t_req {
	__u64 src_cpu;
	__u64 address;
	__u64 size;
	__u64 value;
	__u32 src_zone;
	__u8 is_write;
	__u8 need_interrupt;
	__u16 padding;
};

struct t_res {
	__u32 target_zone;
	__u32 irq_id;
};

struct t_bridge {
	__u32 req_front;
	__u32 req_rear;
	__u32 res_front;
	__u32 res_rear;
	struct t_req req_list[MAX_REQ];
	struct t_res res_list[MAX_REQ];
	__u64 cfg_flags[MAX_CPUS];
	__u64 cfg_values[MAX_CPUS];
	__u64 mmio_addrs[MAX_DEVS];
	__u8 mmio_avail;
	__u8 need_wakeup;
};

_Static_assert(sizeof(struct t_bridge) == 2136, "hvisor's bridge layout");

/* virtio-mmio registers. */
#define R_MAGIC		0x000
#define R_VERSION	0x004
#define R_DEVICE_ID	0x008
#define R_VENDOR_ID	0x00c
#define R_ISR		0x060
#define R_STATUS	0x070
#define DEVICE_ID	0x3f
#define ACKNOWLEDGE	1
#define GARBAGE_ZONE	0x7777
#define GARBAGE_IRQ	1234

/* Shared with the kernel: every access of a field is one access. */
#define LOAD(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define STORE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

struct daemon {
	int fd;
	int efd;
	struct t_bridge *b;
	__u64 addr;
	__u32 status;
	__u32 front;		/* our req_front */
	__u32 res_rear;		/* our res_rear */
	int garbage, irq, stall;
	int acked, isr_reported;
};

static int fail(const char *what)
{
	fprintf(stderr, "ubridge_garbage: %s: %s\n", what, strerror(errno));
	return 1;
}

static void say(const char *what)
{
	printf("%s\n", what);
	fflush(stdout);
}

static int finish(struct daemon *d)
{
	while (ioctl(d->fd, T_FINISH_REQ) < 0)
		if (errno != EINTR)
			return fail("FINISH_REQ");
	return 0;
}

static int attach(struct daemon *d)
{
	void *p;

	d->fd = open(DEV, O_RDWR);
	if (d->fd < 0)
		return fail("open " DEV);
	if (ioctl(d->fd, T_INIT_VIRTIO) < 0)
		return fail("INIT_VIRTIO");
	p = mmap(NULL, sysconf(_SC_PAGESIZE), PROT_READ | PROT_WRITE,
		 MAP_SHARED, d->fd, 0);
	if (p == MAP_FAILED)
		return fail("mmap of the bridge");
	d->b = p;
	d->efd = eventfd(0, EFD_NONBLOCK);
	if (d->efd < 0)
		return fail("eventfd");
	if (ioctl(d->fd, T_SET_EVENTFD, d->efd) < 0)
		return fail("SET_EVENTFD");
	d->front = LOAD(d->b->req_front);
	d->res_rear = LOAD(d->b->res_rear);
	say("attached");
	return 0;
}

/* The register file of the device; 0 for an address not ours. */
static __u64 dev_read(struct daemon *d, __u64 addr)
{
	if (addr < d->addr || addr >= d->addr + 0x200)
		return 0;
	switch (addr - d->addr) {
	case R_MAGIC:
		return 0x74726976;	/* "virt" */
	case R_VERSION:
		return 2;
	case R_DEVICE_ID:
		return DEVICE_ID;
	case R_VENDOR_ID:
		return 0x554d4551;
	case R_STATUS:
		return d->status;
	case R_ISR:
		if (!d->isr_reported && d->irq) {
			d->isr_reported = 1;
			say("isr read");
		}
		return 0;
	default:
		return 0;
	}
}

static void answer(struct daemon *d, __u64 cpu, __u64 value)
{
	STORE(d->b->cfg_values[cpu], value);
	/* The value before the flag: pairs with the kernel's read barrier. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	STORE(d->b->cfg_flags[cpu], LOAD(d->b->cfg_flags[cpu]) + 1);
}

static void push_res(struct daemon *d, __u32 zone, __u32 irq)
{
	STORE(d->b->res_list[d->res_rear].target_zone, zone);
	STORE(d->b->res_list[d->res_rear].irq_id, irq);
	d->res_rear = (d->res_rear + 1) % MAX_REQ;
	/* The entry before res_rear: pairs with the kernel's read barrier. */
	__atomic_store_n(&d->b->res_rear, d->res_rear, __ATOMIC_RELEASE);
}

/* Every kind of nonsense the module must survive; then back to normal. */
static int scribble(struct daemon *d, __u64 busy_cpu)
{
	int i;

	STORE(d->b->req_front, 0x1234);
	if (finish(d))
		return 1;
	__atomic_store_n(&d->b->req_front, d->front, __ATOMIC_RELEASE);
	STORE(d->b->res_rear, 99);
	if (finish(d))
		return 1;
	STORE(d->b->res_rear, d->res_rear);
	busy_cpu = (busy_cpu + 17) % MAX_CPUS;
	STORE(d->b->cfg_flags[busy_cpu], LOAD(d->b->cfg_flags[busy_cpu]) + 1);
	busy_cpu = (busy_cpu + 13) % MAX_CPUS;
	STORE(d->b->cfg_flags[busy_cpu], LOAD(d->b->cfg_flags[busy_cpu]) + 5);
	for (i = 0; i < MAX_REQ - 1; i++)
		push_res(d, GARBAGE_ZONE, GARBAGE_IRQ);
	if (finish(d))
		return 1;
	say("garbage done");
	return 0;
}

static int push_irqs(struct daemon *d)
{
	int i;

	/* Room for a full ring: the module drained the earlier entries. */
	while (__atomic_load_n(&d->b->res_front, __ATOMIC_ACQUIRE) !=
	       d->res_rear)
		if (finish(d))
			return 1;
	for (i = 0; i < MAX_REQ - 1; i++)
		push_res(d, 1, d->irq);
	if (finish(d))
		return 1;
	say("irqs pushed");
	return 0;
}

static int handle(struct daemon *d, const struct t_req *r)
{
	__u64 value = 0;

	if (d->stall && !r->need_interrupt) {
		say("stalled");
		for (;;)
			pause();
	}
	if (r->is_write) {
		if (r->address == d->addr + R_STATUS)
			d->status = r->value;
	} else {
		value = dev_read(d, r->address);
	}
	if (!r->need_interrupt)
		answer(d, r->src_cpu, value);
	if (r->is_write && r->address == d->addr + R_STATUS &&
	    (r->value & ACKNOWLEDGE) && !d->acked) {
		d->acked = 1;
		say("acked");
		if (d->garbage && scribble(d, r->src_cpu))
			return 1;
		if (d->irq && push_irqs(d))
			return 1;
	}
	return 0;
}

/* The kernel's req_rear; acquire: the entries are read after it. */
static __u32 rear(struct daemon *d)
{
	return __atomic_load_n(&d->b->req_rear, __ATOMIC_ACQUIRE);
}

/* hvisor-tool's consumer loop. */
static int serve(struct daemon *d)
{
	struct pollfd pfd = { .fd = d->efd, .events = POLLIN };
	struct t_req r;
	uint64_t cnt;

	for (;;) {
		STORE(d->b->need_wakeup, 0);
		while (d->front != rear(d)) {
			r = d->b->req_list[d->front];
			d->front = (d->front + 1) % MAX_REQ;
			__atomic_store_n(&d->b->req_front, d->front,
					 __ATOMIC_RELEASE);
			if (handle(d, &r))
				return 1;
		}
		STORE(d->b->need_wakeup, 1);
		/*
		 * need_wakeup before the re-check of req_rear: pairs with the
		 * kernel's full barrier between req_rear and need_wakeup.
		 */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (d->front != rear(d))
			continue;
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			return fail("poll");
		if (read(d->efd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
			return fail("read eventfd");
	}
}

static int cmd_serve(int argc, char **argv)
{
	struct daemon d = { 0 };
	int c;

	while ((c = getopt(argc, argv, "gi:s")) != -1) {
		switch (c) {
		case 'g':
			d.garbage = 1;
			break;
		case 'i':
			d.irq = strtoul(optarg, NULL, 0);
			break;
		case 's':
			d.stall = 1;
			break;
		default:
			return 2;
		}
	}
	if (optind != argc - 1)
		return 2;
	d.addr = strtoull(argv[optind], NULL, 0);
	if (attach(&d))
		return 1;
	return serve(&d);
}

static int cmd_busy(void)
{
	int fd = open(DEV, O_RDWR);

	if (fd < 0)
		return fail("open " DEV);
	if (!ioctl(fd, T_INIT_VIRTIO)) {
		fprintf(stderr, "ubridge_garbage: INIT_VIRTIO succeeded with a daemon attached\n");
		return 1;
	}
	if (errno != EBUSY)
		return fail("INIT_VIRTIO (want EBUSY)");
	say("EBUSY");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "serve"))
		return cmd_serve(argc - 1, argv + 1);
	if (argc == 2 && !strcmp(argv[1], "busy"))
		return cmd_busy();
	fprintf(stderr, "usage: ubridge_garbage serve [-g] [-i IRQ] [-s] ADDR | busy\n");
	return 2;
}
