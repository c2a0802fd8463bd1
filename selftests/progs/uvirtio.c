// SPDX-License-Identifier: GPL-2.0
/*
 * uvirtio: a reference userspace virtio backend for hvisor's virtio bridge,
 * written against hvisor-tool's daemon ABI on /dev/hvisor only (INIT_VIRTIO,
 * mmap of offset 0 = the bridge page, SET_EVENTFD, FINISH_REQ, mmap of zone
 * RAM by root physical address), with hvisor's bridge layout defined here
 * independently of the kernel's headers. It serves
 *
 *   rng  a virtio-rng device (type 4): the guest's virtio_rng reads random
 *        bytes from it (getrandom());
 *   blk  a virtio-blk device (type 2) on an image file, built the way
 *        hvisor-tool's daemon builds its own: one worker thread, one
 *        request at a time, preadv/pwritev straight between the image and
 *        the mapped guest RAM.
 *
 * It is a test tool and the baseline of "make bench", not a product.
 *
 *   uvirtio [-s STATE] [-r READY] -m ZONE:PA:GPA:SIZE... DEV...
 *     DEV  rng:ZONE:ADDR:IRQ or blk:ZONE:ADDR:IRQ:IMAGE (a 0x200 region
 *          at guest-physical ADDR, guest interrupt IRQ)
 *     -m   guest RAM of ZONE: GPA (virtio_cfg.json's zonex_ipa) is at root
 *          physical PA (zone0_ipa), SIZE bytes; mapped through /dev/hvisor
 *     -s   state file: queue set-up is saved there, and a daemon started
 *          again with it resumes the devices of the one that died
 *     -r   file created once the devices are served
 *   SIGUSR1 prints the counters, SIGTERM/SIGINT end it (counters printed).
 *
 * One thread takes the bridge's requests in order and answers every
 * register access (the trapped vCPU spins until then); rng queues are
 * served by that thread on QueueNotify, blk queues by the device's worker.
 * Everything the guest controls (queue sizes, ring addresses, descriptor
 * indices, chains, lengths, addresses, sectors) is copied once and checked
 * against the mapped RAM; a device whose driver breaks the rules is marked
 * DEVICE_NEEDS_RESET and ignored until reset.
 *
 * Memory ordering: guest memory and the bridge page are shared with other
 * CPUs; single fields are read and written with __atomic builtins (never
 * torn), ordering comes from explicit fences, each naming its pair.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#ifndef DEV_PATH
#define DEV_PATH	"/dev/hvisor"
#endif

/* hvisor-tool's ioctls on /dev/hvisor (type 1). */
#define UV_INIT_VIRTIO	_IO(1, 0)
#define UV_FINISH_REQ	_IO(1, 2)
#define UV_SET_EVENTFD	_IOW(1, 7, int)

/* hvisor's bridge page (virtio_trampoline.rs), little-endian. */
#define UV_MAX_REQ	32
#define UV_MAX_CPUS	32
#define UV_MAX_DEVS	8

struct uv_req {
	uint64_t src_cpu;
	uint64_t address;
	uint64_t size;
	uint64_t value;
	uint32_t src_zone;
	uint8_t is_write;
	uint8_t need_interrupt;
	uint16_t padding;
};

struct uv_res {
	uint32_t target_zone;
	uint32_t irq_id;
};

struct uv_bridge {
	uint32_t req_front;
	uint32_t req_rear;
	uint32_t res_front;
	uint32_t res_rear;
	struct uv_req req_list[UV_MAX_REQ];
	struct uv_res res_list[UV_MAX_REQ];
	uint64_t cfg_flags[UV_MAX_CPUS];
	uint64_t cfg_values[UV_MAX_CPUS];
	uint64_t mmio_addrs[UV_MAX_DEVS];
	uint8_t mmio_avail;
	uint8_t need_wakeup;
};

static_assert(sizeof(struct uv_req) == 40, "device_req");
static_assert(sizeof(struct uv_res) == 8, "device_res");
static_assert(offsetof(struct uv_bridge, req_list) == 16, "req_list");
static_assert(offsetof(struct uv_bridge, res_list) == 1296, "res_list");
static_assert(offsetof(struct uv_bridge, cfg_flags) == 1552, "cfg_flags");
static_assert(offsetof(struct uv_bridge, cfg_values) == 1808, "cfg_values");
static_assert(offsetof(struct uv_bridge, mmio_avail) == 2128, "mmio_avail");
static_assert(offsetof(struct uv_bridge, need_wakeup) == 2129, "need_wakeup");

/* virtio-mmio version 2 registers (virtio 1.2, 4.2.2). */
#define MMIO_MAGIC		0x000
#define MMIO_VERSION		0x004
#define MMIO_DEVICE_ID		0x008
#define MMIO_VENDOR_ID		0x00c
#define MMIO_DEV_FEAT		0x010
#define MMIO_DEV_FEAT_SEL	0x014
#define MMIO_DRV_FEAT		0x020
#define MMIO_DRV_FEAT_SEL	0x024
#define MMIO_QUEUE_SEL		0x030
#define MMIO_QUEUE_NUM_MAX	0x034
#define MMIO_QUEUE_NUM		0x038
#define MMIO_QUEUE_READY	0x044
#define MMIO_QUEUE_NOTIFY	0x050
#define MMIO_INT_STATUS		0x060
#define MMIO_INT_ACK		0x064
#define MMIO_STATUS		0x070
#define MMIO_QUEUE_DESC_LO	0x080
#define MMIO_QUEUE_DESC_HI	0x084
#define MMIO_QUEUE_DRV_LO	0x090
#define MMIO_QUEUE_DRV_HI	0x094
#define MMIO_QUEUE_DEV_LO	0x0a0
#define MMIO_QUEUE_DEV_HI	0x0a4
#define MMIO_CONFIG_GEN		0x0fc
#define MMIO_CONFIG		0x100
#define MMIO_REGION_SIZE	0x200

#define MMIO_MAGIC_VALUE	0x74726976	/* "virt" */
#define UV_VENDOR_ID		0x48564953	/* "HVIS", as hvisor-tool's */

#define ST_ACKNOWLEDGE		1
#define ST_DRIVER		2
#define ST_DRIVER_OK		4
#define ST_FEATURES_OK		8
#define ST_NEEDS_RESET		64

#define BIT_ULL(n)		(1ULL << (n))
#define F_VERSION_1		BIT_ULL(32)
#define BLK_F_SEG_MAX		BIT_ULL(2)
#define BLK_F_FLUSH		BIT_ULL(9)

#define VRING_DESC_F_NEXT	1
#define VRING_DESC_F_WRITE	2
#define VRING_DESC_F_INDIRECT	4
#define VRING_AVAIL_F_NO_INTERRUPT	1

#define BLK_T_IN		0
#define BLK_T_OUT		1
#define BLK_T_FLUSH		4
#define BLK_T_GET_ID		8
#define BLK_S_OK		0
#define BLK_S_IOERR		1
#define BLK_S_UNSUPP		2
#define BLK_ID_BYTES		20
#define BLK_SEG_MAX		126

#define TYPE_BLK		2
#define TYPE_RNG		4
#define QUEUE_MAX		256
#define MAX_REGIONS		8
#define MAX_DEVS		8

/* Single-copy atomic accesses to shared memory (no tearing, no fusing). */
#define LOAD(p)		__atomic_load_n((p), __ATOMIC_RELAXED)
#define STORE(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELAXED)

struct region {
	uint32_t zone;
	uint64_t pa;
	uint64_t gpa;
	uint64_t size;
	uint8_t *hva;
};

/*
 * A split virtqueue. The guest-physical addresses are what the driver
 * wrote; the pointers are set, after checking, when it becomes ready.
 */
struct vq {
	uint32_t num;
	uint32_t ready;
	uint64_t desc;
	uint64_t avail;
	uint64_t used;
	uint8_t *desc_p;
	uint16_t *avail_p;	/* flags, idx, ring[num] */
	uint8_t *used_p;	/* flags, idx, ring[num] of {id, len} */
	uint16_t last_avail;
	uint16_t used_idx;
};

/* One popped descriptor chain. */
struct chain {
	uint16_t head;
	unsigned int n;
	struct iovec iov[QUEUE_MAX];
	bool wr[QUEUE_MAX];
};

struct stats {
	atomic_uint_fast64_t accesses;	/* register accesses */
	atomic_uint_fast64_t requests;	/* chains completed */
	atomic_uint_fast64_t bytes;	/* data bytes moved */
	atomic_uint_fast64_t errors;	/* requests failed (I/O, bounds) */
	atomic_uint_fast64_t broken;	/* driver rule violations */
	atomic_uint_fast64_t irqs;	/* interrupts injected */
};

/*
 * A device. @lock protects the transport state (status, features,
 * selectors, the queue, @gen) against the blk worker; @isr is atomic.
 */
struct dev {
	int type;
	uint32_t zone;
	uint32_t irq;
	uint64_t addr;
	pthread_mutex_t lock;
	uint32_t status;
	uint32_t dev_feat_sel;
	uint32_t drv_feat_sel;
	uint32_t queue_sel;
	uint64_t drv_features;
	uint32_t gen;		/* bumped by a reset: drops work in flight */
	atomic_uint isr;
	struct vq vq;
	struct stats st;
	/* blk */
	const char *image;
	int fd;
	uint64_t sectors;
	pthread_t worker;
	pthread_cond_t kick_cv;	/* under @lock */
	bool kick;
	bool stop;
	struct chain ch;	/* the worker's */
	/* rng */
	struct chain rch;	/* the serving thread's */
};

static struct region regions[MAX_REGIONS];
static unsigned int nr_regions;
static struct dev devs[MAX_DEVS];
static unsigned int nr_devs;
static struct uv_bridge *bridge;
static int hv_fd = -1;
static int ev_fd = -1;
static const char *state_path;
static pthread_mutex_t res_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int got_term, got_usr1;	/* set by signal handlers */
static atomic_uint_fast64_t unclaimed;

static void logf_(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("uvirtio: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void __attribute__((noreturn)) die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("uvirtio: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* ------------------------------------------------------------------ */
/* Guest memory                                                        */

/* Root's pointer to [gpa, gpa + len) of @zone, or NULL if not all mapped. */
static void *gpa_to_hva(uint32_t zone, uint64_t gpa, uint64_t len)
{
	const struct region *r;
	unsigned int i;

	for (i = 0; i < nr_regions; i++) {
		r = &regions[i];
		if (r->zone != zone || gpa < r->gpa || len > r->size ||
		    gpa - r->gpa > r->size - len)
			continue;
		return r->hva + (gpa - r->gpa);
	}
	return NULL;
}

static void map_regions(void)
{
	unsigned int i;
	void *p;

	for (i = 0; i < nr_regions; i++) {
		p = mmap(NULL, regions[i].size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, hv_fd, (off_t)regions[i].pa);
		if (p == MAP_FAILED)
			die("mmap of zone %u RAM 0x%" PRIx64 "+0x%" PRIx64 ": %s",
			    regions[i].zone, regions[i].pa, regions[i].size,
			    strerror(errno));
		regions[i].hva = p;
	}
}

/* ------------------------------------------------------------------ */
/* Interrupts                                                          */

/*
 * Append {zone, irq} to the result ring and ask for its injection.
 * res_lock serialises the producers (serving thread, blk workers).
 */
static void inject(struct dev *d)
{
	uint32_t rear, front;

	atomic_fetch_or_explicit(&d->isr, 1, memory_order_release);
	pthread_mutex_lock(&res_lock);
	for (;;) {
		rear = LOAD(&bridge->res_rear);
		/* Pairs with the kernel's release store of res_front. */
		front = __atomic_load_n(&bridge->res_front, __ATOMIC_ACQUIRE);
		if (rear >= UV_MAX_REQ || front >= UV_MAX_REQ)
			die("result ring indices out of range: front %u rear %u",
			    front, rear);
		if ((rear + 1) % UV_MAX_REQ != front)
			break;
		/* Full: let the kernel drain it, as hvisor-tool spins. */
		ioctl(hv_fd, UV_FINISH_REQ);
		usleep(50);
	}
	STORE(&bridge->res_list[rear].target_zone, d->zone);
	STORE(&bridge->res_list[rear].irq_id, d->irq);
	/* The entry before the index: pairs with the kernel's acquire. */
	__atomic_store_n(&bridge->res_rear, (rear + 1) % UV_MAX_REQ,
			 __ATOMIC_RELEASE);
	pthread_mutex_unlock(&res_lock);
	while (ioctl(hv_fd, UV_FINISH_REQ) < 0 && errno == EINTR)
		;
	atomic_fetch_add(&d->st.irqs, 1);
}

/* ------------------------------------------------------------------ */
/* The split virtqueue                                                 */

/* The driver broke a rule: the device waits for a reset. */
static void dev_broken(struct dev *d, const char *why)
{
	logf_("device at 0x%" PRIx64 " (zone %u): %s: needs reset",
	      d->addr, d->zone, why);
	atomic_fetch_add(&d->st.broken, 1);
	d->vq.ready = 0;
	d->status |= ST_NEEDS_RESET;
}

/* Check the queue's parts and point at them. Called under d->lock. */
static bool vq_setup(struct dev *d)
{
	struct vq *q = &d->vq;
	uint64_t n = q->num;

	if (!n || n > QUEUE_MAX || (n & (n - 1)))
		return false;
	if ((q->desc & 15) || (q->avail & 1) || (q->used & 3))
		return false;
	q->desc_p = gpa_to_hva(d->zone, q->desc, 16 * n);
	q->avail_p = gpa_to_hva(d->zone, q->avail, 6 + 2 * n);
	q->used_p = gpa_to_hva(d->zone, q->used, 6 + 8 * n);
	return q->desc_p && q->avail_p && q->used_p;
}

/*
 * Take the next available chain into @c. Return 1 when one was taken, 0
 * when none is available, -1 when the driver broke a rule (the device is
 * then marked broken). Called under d->lock.
 */
static int vq_pop(struct dev *d, struct chain *c)
{
	struct vq *q = &d->vq;
	uint16_t avail_idx, i, flags;
	uint64_t addr;
	uint32_t len;
	uint8_t *desc;
	bool seen_wr = false;

	if (!q->ready)
		return 0;
	avail_idx = LOAD(&q->avail_p[1]);
	if (avail_idx == q->last_avail)
		return 0;
	if ((uint16_t)(avail_idx - q->last_avail) > q->num)
		goto broken_idx;
	/* Read the ring after its index: pairs with the driver's wmb. */
	atomic_thread_fence(memory_order_acquire);
	i = LOAD(&q->avail_p[2 + q->last_avail % q->num]);
	if (i >= q->num)
		goto broken_desc;
	c->head = i;
	c->n = 0;
	for (;;) {
		/* The chain has at most num links: longer is a loop. */
		if (c->n >= q->num)
			goto broken_desc;
		desc = q->desc_p + 16 * (uint64_t)i;
		addr = LOAD((uint64_t *)desc);
		len = LOAD((uint32_t *)(desc + 8));
		flags = LOAD((uint16_t *)(desc + 12));
		i = LOAD((uint16_t *)(desc + 14));
		if (flags & VRING_DESC_F_INDIRECT)
			goto broken_desc;	/* not offered */
		if (!(flags & VRING_DESC_F_WRITE) && seen_wr)
			goto broken_desc;	/* readable after writable */
		seen_wr = flags & VRING_DESC_F_WRITE;
		c->iov[c->n].iov_base = gpa_to_hva(d->zone, addr, len);
		if (!c->iov[c->n].iov_base)
			goto broken_desc;
		c->iov[c->n].iov_len = len;
		c->wr[c->n] = seen_wr;
		c->n++;
		if (!(flags & VRING_DESC_F_NEXT))
			break;
		if (i >= q->num)
			goto broken_desc;
	}
	q->last_avail++;
	return 1;

broken_idx:
	dev_broken(d, "available index runs ahead by more than the queue size");
	return -1;
broken_desc:
	dev_broken(d, "bad descriptor chain (index, loop, address, order or indirect)");
	return -1;
}

/*
 * Put @head back with @len bytes written; true when the driver wants an
 * interrupt. Called under d->lock.
 */
static bool vq_push(struct dev *d, uint16_t head, uint32_t len)
{
	struct vq *q = &d->vq;
	uint8_t *e = q->used_p + 4 + 8 * (uint64_t)(q->used_idx % q->num);

	STORE((uint32_t *)e, head);
	STORE((uint32_t *)(e + 4), len);
	q->used_idx++;
	/* The entry before the index: pairs with the driver's rmb. */
	atomic_thread_fence(memory_order_release);
	STORE((uint16_t *)(q->used_p + 2), q->used_idx);
	/*
	 * The used index before the flags: pairs with the full barrier the
	 * driver puts between clearing NO_INTERRUPT and re-reading used.
	 */
	atomic_thread_fence(memory_order_seq_cst);
	return !(LOAD(&q->avail_p[0]) & VRING_AVAIL_F_NO_INTERRUPT);
}

/* ------------------------------------------------------------------ */
/* virtio-rng                                                          */

static void fill_random(void *buf, size_t len)
{
	static uint64_t x;
	uint8_t *p = buf;
	ssize_t n;

	while (len) {
		n = getrandom(p, len, GRND_NONBLOCK);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		/* No entropy yet: splitmix64 seeded from the clock. */
		if (!x)
			x = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)buf;
		for (; len; len--) {
			uint64_t z = (x += 0x9e3779b97f4a7c15ULL);

			z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
			*p++ = (uint8_t)(z ^ (z >> 31));
		}
	}
}

/* Serve every available rng request. Called under d->lock. */
static bool rng_serve(struct dev *d)
{
	struct chain *c = &d->rch;
	bool irq = false;
	uint32_t total;
	unsigned int k;

	while (vq_pop(d, c) > 0) {
		total = 0;
		for (k = 0; k < c->n; k++) {
			if (!c->wr[k])
				continue;
			fill_random(c->iov[k].iov_base, c->iov[k].iov_len);
			total += (uint32_t)c->iov[k].iov_len;
		}
		atomic_fetch_add(&d->st.requests, 1);
		atomic_fetch_add(&d->st.bytes, total);
		irq |= vq_push(d, c->head, total);
	}
	return irq;
}

/* ------------------------------------------------------------------ */
/* virtio-blk                                                          */

/* The header of a request, copied out of guest memory once. */
struct blk_hdr {
	uint32_t type;
	uint32_t ioprio;
	uint64_t sector;
};

/* Data of a read or write: between the header and the status. */
static uint8_t blk_rw(struct dev *d, struct chain *c, const struct blk_hdr *h,
		      uint32_t *written)
{
	bool in = h->type == BLK_T_IN;
	struct iovec *iov = &c->iov[1];
	unsigned int k, n = c->n - 2;
	uint64_t total = 0, off;
	ssize_t r;

	for (k = 0; k < n; k++) {
		if (c->wr[k + 1] != in)
			return BLK_S_IOERR;
		total += iov[k].iov_len;
	}
	if (h->sector > d->sectors || total > (d->sectors - h->sector) * 512)
		return BLK_S_IOERR;
	off = h->sector * 512;
	if (in)
		r = preadv(d->fd, iov, (int)n, (off_t)off);
	else
		r = pwritev(d->fd, iov, (int)n, (off_t)off);
	if (r < 0 || (uint64_t)r != total)
		return BLK_S_IOERR;
	atomic_fetch_add(&d->st.bytes, total);
	if (in)
		*written += (uint32_t)total;
	return BLK_S_OK;
}

static uint8_t blk_get_id(struct dev *d, struct chain *c, uint32_t *written)
{
	char id[BLK_ID_BYTES] = { 0 };
	size_t len;

	if (c->n != 3 || !c->wr[1])
		return BLK_S_IOERR;
	snprintf(id, sizeof(id), "uvirtio-%" PRIx64, d->addr);
	len = c->iov[1].iov_len < sizeof(id) ? c->iov[1].iov_len : sizeof(id);
	memcpy(c->iov[1].iov_base, id, len);
	*written += (uint32_t)len;
	return BLK_S_OK;
}

/* Do one request; return the bytes written to the driver's buffers. */
static uint32_t blk_do(struct dev *d, struct chain *c)
{
	struct iovec *st_iov;
	struct blk_hdr h;
	uint32_t written = 1;
	uint8_t status;

	if (c->n < 2 || c->wr[0] || c->iov[0].iov_len < sizeof(h) ||
	    !c->wr[c->n - 1] || !c->iov[c->n - 1].iov_len) {
		/* No place for a status: complete it with nothing written. */
		atomic_fetch_add(&d->st.errors, 1);
		return 0;
	}
	st_iov = &c->iov[c->n - 1];
	memcpy(&h, c->iov[0].iov_base, sizeof(h));
	switch (h.type) {
	case BLK_T_IN:
	case BLK_T_OUT:
		status = blk_rw(d, c, &h, &written);
		break;
	case BLK_T_FLUSH:
		status = fdatasync(d->fd) ? BLK_S_IOERR : BLK_S_OK;
		break;
	case BLK_T_GET_ID:
		status = blk_get_id(d, c, &written);
		break;
	default:
		status = BLK_S_UNSUPP;
		break;
	}
	if (status != BLK_S_OK)
		atomic_fetch_add(&d->st.errors, 1);
	((uint8_t *)st_iov->iov_base)[st_iov->iov_len - 1] = status;
	return written;
}

/*
 * The worker: one request at a time, as hvisor-tool's. The device lock is
 * held to take and to complete a request, not during its I/O; a reset in
 * between (gen changed) drops the completion.
 */
static void *blk_worker(void *arg)
{
	struct dev *d = arg;
	uint32_t gen, len;
	bool irq;

	pthread_mutex_lock(&d->lock);
	for (;;) {
		while (!d->kick && !d->stop)
			pthread_cond_wait(&d->kick_cv, &d->lock);
		if (d->stop)
			break;
		d->kick = false;
		while (!d->stop && vq_pop(d, &d->ch) > 0) {
			gen = d->gen;
			pthread_mutex_unlock(&d->lock);
			len = blk_do(d, &d->ch);
			pthread_mutex_lock(&d->lock);
			if (gen != d->gen)
				continue;
			irq = vq_push(d, d->ch.head, len);
			atomic_fetch_add(&d->st.requests, 1);
			if (!irq)
				continue;
			pthread_mutex_unlock(&d->lock);
			inject(d);
			pthread_mutex_lock(&d->lock);
		}
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* State file: a restarted daemon resumes the devices                  */

/* Save every device's transport state. Called under no device lock. */
static void state_save(void)
{
	char tmp[4096];
	unsigned int i;
	struct dev *d;
	FILE *f;

	if (!state_path)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", state_path);
	f = fopen(tmp, "w");
	if (!f) {
		logf_("%s: %s", tmp, strerror(errno));
		return;
	}
	for (i = 0; i < nr_devs; i++) {
		d = &devs[i];
		pthread_mutex_lock(&d->lock);
		fprintf(f, "%u %" PRIx64 " %u %" PRIx64 " %u %u",
			d->zone, d->addr, d->status, d->drv_features,
			d->vq.num, d->vq.ready);
		fprintf(f, " %" PRIx64 " %" PRIx64 " %" PRIx64 "\n",
			d->vq.desc, d->vq.avail, d->vq.used);
		pthread_mutex_unlock(&d->lock);
	}
	if (fclose(f) || rename(tmp, state_path))
		logf_("saving %s: %s", state_path, strerror(errno));
}

/*
 * Take over the devices a previous daemon served: its queues, resumed
 * from the used index in guest memory (requests it took but did not
 * complete are done again: reads and writes of a disk can be repeated).
 */
static void state_load(void)
{
	uint64_t addr, feat, desc, avail, used;
	uint32_t zone, status, num, ready;
	unsigned int i;
	struct dev *d;
	FILE *f;

	f = state_path ? fopen(state_path, "r") : NULL;
	if (!f)
		return;
	while (fscanf(f, "%u %" SCNx64 " %u %" SCNx64 " %u %u %" SCNx64 " %" SCNx64 " %" SCNx64,
		      &zone, &addr, &status, &feat, &num, &ready, &desc, &avail,
		      &used) == 9) {
		for (i = 0; i < nr_devs; i++) {
			d = &devs[i];
			if (d->zone != zone || d->addr != addr)
				continue;
			d->status = status & ~ST_NEEDS_RESET;
			d->drv_features = feat;
			d->vq = (struct vq){ .num = num, .desc = desc,
					     .avail = avail, .used = used };
			if (ready && vq_setup(d)) {
				d->vq.ready = 1;
				d->vq.used_idx = LOAD((uint16_t *)(d->vq.used_p + 2));
				d->vq.last_avail = d->vq.used_idx;
			}
			logf_("resumed device at 0x%" PRIx64 ": status 0x%x, queue %s at used %u",
			      addr, d->status, d->vq.ready ? "ready" : "off",
			      d->vq.used_idx);
		}
	}
	fclose(f);
}

/* ------------------------------------------------------------------ */
/* Register accesses                                                   */

static uint64_t dev_features(const struct dev *d)
{
	if (d->type == TYPE_BLK)
		return F_VERSION_1 | BLK_F_SEG_MAX | BLK_F_FLUSH;
	return F_VERSION_1;
}

/* The device's configuration space; its length. */
static size_t dev_config(const struct dev *d, uint8_t *cfg, size_t room)
{
	uint32_t seg_max = BLK_SEG_MAX;

	if (d->type != TYPE_BLK || room < 16)
		return 0;
	memset(cfg, 0, 16);
	memcpy(cfg, &d->sectors, 8);		/* capacity */
	memcpy(cfg + 12, &seg_max, 4);		/* seg_max */
	return 16;
}

static uint64_t config_read(const struct dev *d, uint64_t off, uint64_t size)
{
	uint8_t cfg[64];
	uint64_t v = 0;
	size_t len = dev_config(d, cfg, sizeof(cfg));

	if (off < len && size <= len - off)
		memcpy(&v, cfg + off, size);	/* little-endian host */
	return v;
}

static uint32_t reg_read(struct dev *d, uint64_t off)
{
	uint64_t f;

	switch (off) {
	case MMIO_MAGIC:
		return MMIO_MAGIC_VALUE;
	case MMIO_VERSION:
		return 2;
	case MMIO_DEVICE_ID:
		return (uint32_t)d->type;
	case MMIO_VENDOR_ID:
		return UV_VENDOR_ID;
	case MMIO_DEV_FEAT:
		f = dev_features(d);
		return d->dev_feat_sel == 0 ? (uint32_t)f :
		       d->dev_feat_sel == 1 ? (uint32_t)(f >> 32) : 0;
	case MMIO_QUEUE_NUM_MAX:
		return d->queue_sel == 0 ? QUEUE_MAX : 0;
	case MMIO_QUEUE_READY:
		return d->queue_sel == 0 ? d->vq.ready : 0;
	case MMIO_INT_STATUS:
		return atomic_load_explicit(&d->isr, memory_order_acquire);
	case MMIO_STATUS:
		return d->status;
	case MMIO_CONFIG_GEN:
		return 0;
	default:
		return 0;
	}
}

static void dev_reset(struct dev *d)
{
	d->status = 0;
	d->dev_feat_sel = 0;
	d->drv_feat_sel = 0;
	d->queue_sel = 0;
	d->drv_features = 0;
	d->gen++;
	atomic_store(&d->isr, 0);
	memset(&d->vq, 0, sizeof(d->vq));
}

static void status_write(struct dev *d, uint32_t v)
{
	if (!v) {
		dev_reset(d);
		return;
	}
	if ((v & ST_FEATURES_OK) && !(d->status & ST_FEATURES_OK) &&
	    (!(d->drv_features & F_VERSION_1) ||
	     (d->drv_features & ~dev_features(d))))
		v &= ~ST_FEATURES_OK;	/* refused: the driver reads it back */
	d->status = v | (d->status & ST_NEEDS_RESET);
}

/* Set a 32-bit half of a queue address (only while the queue is off). */
static void set_half(uint64_t *a, uint32_t v, bool high)
{
	if (high)
		*a = (*a & 0xffffffffULL) | (uint64_t)v << 32;
	else
		*a = (*a & ~0xffffffffULL) | v;
}

/* Return true when the queue was notified. Called under d->lock. */
static bool reg_write(struct dev *d, uint64_t off, uint32_t v)
{
	struct vq *q = &d->vq;
	bool q_ok = d->queue_sel == 0 && !q->ready;

	switch (off) {
	case MMIO_DEV_FEAT_SEL:
		d->dev_feat_sel = v;
		break;
	case MMIO_DRV_FEAT:
		if (d->drv_feat_sel < 2 && !(d->status & ST_FEATURES_OK))
			set_half(&d->drv_features, v, d->drv_feat_sel);
		break;
	case MMIO_DRV_FEAT_SEL:
		d->drv_feat_sel = v;
		break;
	case MMIO_QUEUE_SEL:
		d->queue_sel = v;
		break;
	case MMIO_QUEUE_NUM:
		if (q_ok)
			q->num = v;
		break;
	case MMIO_QUEUE_READY:
		if (d->queue_sel != 0)
			break;
		if (!v) {
			q->ready = 0;
		} else if (!q->ready) {
			if (!vq_setup(d)) {
				dev_broken(d, "queue size or ring address outside the zone's RAM");
				break;
			}
			q->last_avail = 0;
			q->used_idx = 0;
			q->ready = 1;
		}
		break;
	case MMIO_QUEUE_NOTIFY:
		return v == 0;
	case MMIO_INT_ACK:
		atomic_fetch_and(&d->isr, ~v);
		break;
	case MMIO_STATUS:
		status_write(d, v);
		break;
	case MMIO_QUEUE_DESC_LO:
	case MMIO_QUEUE_DESC_HI:
		if (q_ok)
			set_half(&q->desc, v, off == MMIO_QUEUE_DESC_HI);
		break;
	case MMIO_QUEUE_DRV_LO:
	case MMIO_QUEUE_DRV_HI:
		if (q_ok)
			set_half(&q->avail, v, off == MMIO_QUEUE_DRV_HI);
		break;
	case MMIO_QUEUE_DEV_LO:
	case MMIO_QUEUE_DEV_HI:
		if (q_ok)
			set_half(&q->used, v, off == MMIO_QUEUE_DEV_HI);
		break;
	default:
		break;
	}
	return false;
}

/* A queue of @d was notified (or resumed): serve it. Under d->lock. */
static void dev_kick(struct dev *d)
{
	if (d->type == TYPE_BLK) {
		d->kick = true;
		pthread_cond_signal(&d->kick_cv);
		return;
	}
	if (rng_serve(d)) {
		pthread_mutex_unlock(&d->lock);
		inject(d);
		pthread_mutex_lock(&d->lock);
	}
}

/*
 * One access to @d at offset @off. Registers are 32 bits wide (other
 * sizes read 0 and are ignored); the configuration space takes 1, 2, 4
 * and 8.
 */
static uint64_t dev_access(struct dev *d, uint64_t off, const struct uv_req *r)
{
	uint64_t v = 0;
	bool save;

	atomic_fetch_add(&d->st.accesses, 1);
	pthread_mutex_lock(&d->lock);
	if (off >= MMIO_CONFIG) {
		if (!r->is_write)
			v = config_read(d, off - MMIO_CONFIG, r->size);
	} else if (r->size == 4 && !(off & 3)) {
		if (!r->is_write)
			v = reg_read(d, off);
		else if (reg_write(d, off, (uint32_t)r->value))
			dev_kick(d);
	}
	save = r->is_write && (off == MMIO_STATUS || off == MMIO_QUEUE_READY);
	pthread_mutex_unlock(&d->lock);
	if (save)
		state_save();
	return v;
}

/* ------------------------------------------------------------------ */
/* The bridge                                                          */

static struct dev *dev_find(uint32_t zone, uint64_t addr)
{
	unsigned int i;

	for (i = 0; i < nr_devs; i++)
		if (devs[i].zone == zone && addr >= devs[i].addr &&
		    addr - devs[i].addr < MMIO_REGION_SIZE)
			return &devs[i];
	return NULL;
}

/* Answer a waiting vCPU: the value, then the flag counter. */
static void answer(uint64_t cpu, uint64_t value)
{
	STORE(&bridge->cfg_values[cpu], value);
	/* The value before the flag: pairs with the reader of cfg_flags. */
	atomic_thread_fence(memory_order_release);
	STORE(&bridge->cfg_flags[cpu], LOAD(&bridge->cfg_flags[cpu]) + 1);
}

static void handle(const struct uv_req *r)
{
	uint64_t v = 0;
	struct dev *d;

	if (r->size != 1 && r->size != 2 && r->size != 4 && r->size != 8) {
		logf_("request of size %" PRIu64 " ignored", r->size);
	} else {
		d = dev_find(r->src_zone, r->address);
		if (d)
			v = dev_access(d, r->address - d->addr, r);
		else
			atomic_fetch_add(&unclaimed, 1);
		if (r->size < 8)
			v &= (1ULL << (8 * r->size)) - 1;
	}
	if (r->need_interrupt)
		return;
	if (r->src_cpu >= UV_MAX_CPUS) {
		logf_("request from CPU %" PRIu64 " cannot be answered", r->src_cpu);
		return;
	}
	answer(r->src_cpu, v);
}

/* Take every queued request in order. */
static void drain(void)
{
	uint32_t front = LOAD(&bridge->req_front), rear;
	const struct uv_req *e;
	struct uv_req r;

	for (;;) {
		/* Entries after the index: pairs with the producer's release. */
		rear = __atomic_load_n(&bridge->req_rear, __ATOMIC_ACQUIRE);
		if (front >= UV_MAX_REQ || rear >= UV_MAX_REQ)
			die("request ring indices out of range: front %u rear %u",
			    front, rear);
		if (front == rear)
			return;
		e = &bridge->req_list[front];
		r.src_cpu = LOAD(&e->src_cpu);
		r.address = LOAD(&e->address);
		r.size = LOAD(&e->size);
		r.value = LOAD(&e->value);
		r.src_zone = LOAD(&e->src_zone);
		r.is_write = LOAD(&e->is_write);
		r.need_interrupt = LOAD(&e->need_interrupt);
		handle(&r);
		front = (front + 1) % UV_MAX_REQ;
		/* Done with the entry: pairs with the producer's acquire. */
		__atomic_store_n(&bridge->req_front, front, __ATOMIC_RELEASE);
	}
}

static void print_stats(void)
{
	static const char * const names[] = { [TYPE_BLK] = "blk", [TYPE_RNG] = "rng" };
	struct stats *s;
	unsigned int i;

	for (i = 0; i < nr_devs; i++) {
		s = &devs[i].st;
		printf("uvirtio: stats %s 0x%" PRIx64 " accesses %" PRIuFAST64
		       " requests %" PRIuFAST64 " bytes %" PRIuFAST64
		       " errors %" PRIuFAST64 " broken %" PRIuFAST64
		       " irqs %" PRIuFAST64 "\n",
		       names[devs[i].type], devs[i].addr, atomic_load(&s->accesses),
		       atomic_load(&s->requests), atomic_load(&s->bytes),
		       atomic_load(&s->errors), atomic_load(&s->broken),
		       atomic_load(&s->irqs));
	}
	printf("uvirtio: stats unclaimed %" PRIuFAST64 "\n", atomic_load(&unclaimed));
	fflush(stdout);
}

/*
 * hvisor-tool's consumer loop: poll with need_wakeup clear, then set it,
 * re-check and sleep on the eventfd. The poll timeout is a safety net
 * against a lost wakeup.
 */
static void serve(void)
{
	struct pollfd pfd = { .fd = ev_fd, .events = POLLIN };
	uint64_t cnt;

	while (!got_term) {
		STORE(&bridge->need_wakeup, 0);
		drain();
		STORE(&bridge->need_wakeup, 1);
		/*
		 * The flag before the re-check: pairs with the producer's
		 * barrier between its req_rear store and its need_wakeup load.
		 */
		atomic_thread_fence(memory_order_seq_cst);
		if (__atomic_load_n(&bridge->req_rear, __ATOMIC_ACQUIRE) !=
		    LOAD(&bridge->req_front))
			continue;
		if (got_usr1) {
			got_usr1 = 0;
			print_stats();
		}
		if (poll(&pfd, 1, 1000) > 0 &&
		    read(ev_fd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
			die("eventfd: %s", strerror(errno));
	}
}

/* ------------------------------------------------------------------ */
/* Set-up                                                              */

static uint64_t num(const char *s, const char *what)
{
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		die("bad %s '%s'", what, s);
	return v;
}

/* ZONE:PA:GPA:SIZE */
static void parse_mem(char *arg)
{
	char *f[4], *save = NULL;
	uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE);
	struct region *r;
	int i;

	if (nr_regions == MAX_REGIONS)
		die("at most %d memory regions", MAX_REGIONS);
	for (i = 0; i < 4; i++) {
		f[i] = strtok_r(i ? NULL : arg, ":", &save);
		if (!f[i])
			die("-m wants ZONE:PA:GPA:SIZE");
	}
	r = &regions[nr_regions++];
	r->zone = (uint32_t)num(f[0], "zone");
	r->pa = num(f[1], "physical address");
	r->gpa = num(f[2], "guest-physical address");
	r->size = num(f[3], "size");
	if (!r->size || (r->pa & (pg - 1)) || (r->size & (pg - 1)) || !r->pa ||
	    r->gpa + r->size < r->gpa)
		die("memory region must be page aligned, non-empty, not at 0");
}

/* rng:ZONE:ADDR:IRQ or blk:ZONE:ADDR:IRQ:IMAGE */
static void parse_dev(char *arg)
{
	char *f[5], *save = NULL;
	struct dev *d;
	int i, n;

	if (nr_devs == MAX_DEVS)
		die("at most %d devices", MAX_DEVS);
	for (n = 0; n < 5; n++) {
		f[n] = strtok_r(n ? NULL : arg, ":", &save);
		if (!f[n])
			break;
	}
	d = &devs[nr_devs];
	if (n == 4 && !strcmp(f[0], "rng"))
		d->type = TYPE_RNG;
	else if (n == 5 && !strcmp(f[0], "blk"))
		d->type = TYPE_BLK;
	else
		die("device '%s': rng:ZONE:ADDR:IRQ or blk:ZONE:ADDR:IRQ:IMAGE", arg);
	d->zone = (uint32_t)num(f[1], "zone");
	d->addr = num(f[2], "address");
	d->irq = (uint32_t)num(f[3], "interrupt");
	d->image = n == 5 ? f[4] : NULL;
	d->fd = -1;
	for (i = 0; i < (int)nr_devs; i++)
		if (devs[i].zone == d->zone &&
		    (devs[i].addr > d->addr ? devs[i].addr - d->addr :
		     d->addr - devs[i].addr) < MMIO_REGION_SIZE)
			die("devices at 0x%" PRIx64 " and 0x%" PRIx64 " overlap",
			    devs[i].addr, d->addr);
	nr_devs++;
}

static void dev_open(struct dev *d)
{
	sigset_t all, old;
	struct stat sb;
	uint64_t size;

	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->kick_cv, NULL);
	if (d->type != TYPE_BLK)
		return;
	d->fd = open(d->image, O_RDWR);
	if (d->fd < 0 || fstat(d->fd, &sb))
		die("%s: %s", d->image, strerror(errno));
	size = (uint64_t)sb.st_size;
	if (S_ISBLK(sb.st_mode) && ioctl(d->fd, BLKGETSIZE64, &size))
		die("%s: %s", d->image, strerror(errno));
	d->sectors = size / 512;
	/* Signals go to the serving thread, whose poll() they end. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (pthread_create(&d->worker, NULL, blk_worker, d))
		die("cannot start a worker");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void dev_close(struct dev *d)
{
	if (d->type != TYPE_BLK)
		return;
	pthread_mutex_lock(&d->lock);
	d->stop = true;
	pthread_cond_signal(&d->kick_cv);
	pthread_mutex_unlock(&d->lock);
	pthread_join(d->worker, NULL);
	close(d->fd);
}

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_usr1 = 1;
	else
		got_term = 1;
}

static void signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	/* No SA_RESTART: poll() returns at once. */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
}

/* hvisor-tool's sequence: open, INIT_VIRTIO, eventfd, map the bridge. */
static void attach(void)
{
	void *p;

	hv_fd = open(DEV_PATH, O_RDWR);
	if (hv_fd < 0)
		die("%s: %s", DEV_PATH, strerror(errno));
	if (ioctl(hv_fd, UV_INIT_VIRTIO) < 0)
		die("INIT_VIRTIO: %s", strerror(errno));
	ev_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (ev_fd < 0)
		die("eventfd: %s", strerror(errno));
	if (ioctl(hv_fd, UV_SET_EVENTFD, ev_fd) < 0)
		die("SET_EVENTFD: %s", strerror(errno));
	/* One page: 4 KiB on hvisor's platforms, the layout fits in any. */
	p = mmap(NULL, (size_t)sysconf(_SC_PAGESIZE), PROT_READ | PROT_WRITE,
		 MAP_SHARED, hv_fd, 0);
	if (p == MAP_FAILED)
		die("mmap of the bridge: %s", strerror(errno));
	bridge = p;
}

static void bad_usage(void)
{
	fprintf(stderr,
		"usage: uvirtio [-s STATE] [-r READY] -m ZONE:PA:GPA:SIZE... DEV...\n"
		"  DEV: rng:ZONE:ADDR:IRQ | blk:ZONE:ADDR:IRQ:IMAGE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *ready = NULL;
	unsigned int i;
	int opt, fd;

	while ((opt = getopt(argc, argv, "m:s:r:")) != -1) {
		switch (opt) {
		case 'm':
			parse_mem(optarg);
			break;
		case 's':
			state_path = optarg;
			break;
		case 'r':
			ready = optarg;
			break;
		default:
			bad_usage();
		}
	}
	for (; optind < argc; optind++)
		parse_dev(argv[optind]);
	if (!nr_devs)
		bad_usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	signals();
	attach();
	map_regions();
	for (i = 0; i < nr_devs; i++)
		dev_open(&devs[i]);
	state_load();
	/* Serve what arrived while no daemon ran, and re-raise interrupts. */
	for (i = 0; i < nr_devs; i++) {
		pthread_mutex_lock(&devs[i].lock);
		if (devs[i].vq.ready)
			dev_kick(&devs[i]);
		pthread_mutex_unlock(&devs[i].lock);
		if (devs[i].vq.ready)
			inject(&devs[i]);
	}
	if (ready) {
		fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			die("%s: %s", ready, strerror(errno));
		close(fd);
	}
	logf_("serving %u device(s) on %u memory region(s)", nr_devs, nr_regions);
	serve();
	for (i = 0; i < nr_devs; i++)
		dev_close(&devs[i]);
	print_stats();
	return 0;
}
