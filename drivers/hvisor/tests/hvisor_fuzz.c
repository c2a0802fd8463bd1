// SPDX-License-Identifier: GPL-2.0
/*
 * hvisor_vhost_fuzz.ko: a hostile guest for the selftests (never part of a
 * normal build; out of tree with HVV_SELFTEST_MODULES=1).
 *
 * It attaches to hvisor_vhost.ko as the hypervisor (in place of the
 * simulator, hypervisor=sim) and plays hvisor and a guest zone whose RAM is
 * a buffer of its own. Every device added to that zone ("hvisorctl dev
 * add ...") is then driven by a seeded, randomised guest: MMIO accesses go
 * into the bridge's request ring exactly as hvisor queues trapped accesses
 * (the path of sim_hv.c), and the rings in the zone's RAM get random
 * descriptor tables, indirect tables, indices, lengths, flags and event
 * indices, next to valid-looking requests of the device's type. Queue
 * addresses and buffers are mostly inside the zone's RAM, sometimes
 * straddling its end or outside it. Config space writes, resets and status
 * sequences come at random moments.
 *
 * The zone's RAM lies between two guard areas the fuzzer fills with a
 * pattern and checks after every round (FZ_ROUND_OPS operations of a
 * thread): a write of the module outside the zone changes them. The whole
 * buffer is vmalloc()ed, so what lies beyond the guards is unmapped.
 * Every answer is checked: each waiting access is answered exactly once
 * (no answer within timeout_ms is a hang), MagicValue, Version and
 * DeviceID read back as they must, and every interrupt is for a device of
 * the zone.
 *
 *   insmod hvisor_vhost.ko hypervisor=sim
 *   insmod hvisor_vhost_fuzz.ko [seed=S] [secs=T] [min_ops=M] [max_ops=N]
 *          [threads=K]
 *   hvisorctl dev add blk disk.img; ... net; ... console
 *   echo 1 > /sys/kernel/debug/hvisor_vhost_fuzz/run   (EIO on a failure)
 *   cat /sys/kernel/debug/hvisor_vhost_fuzz/result
 *
 * A run prints its seed; seed=S max_ops=N replays the same operations
 * (the threads' interleaving and the devices' timing aside).
 *
 * With ram_pa=ADDR the zone's RAM is physical memory root does not use
 * (the test VM sets it aside: memmap= on x86, mem= on arm64), which
 * userspace gives the zone with "hvisorctl zone mem add": the module then
 * maps it itself, as it maps a zone's RAM on hvisor, with ZONE_DEVICE
 * struct pages where the kernel has them. fuzz_verify.c adds a tame guest that checks the data
 * its blk requests move (debugfs "verify").
 * See Documentation/testing.rst.
 */

#define pr_fmt(fmt) "hvisor_vhost_fuzz: " fmt

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <uapi/linux/virtio_blk.h>
#include <uapi/linux/virtio_config.h>
#include <uapi/linux/virtio_console.h>
#include <uapi/linux/virtio_ids.h>
#include <uapi/linux/virtio_mmio.h>
#include <uapi/linux/virtio_net.h>
#include <uapi/linux/virtio_ring.h>
#include <linux/hvisor_vhost.h>
#include <hvisor/vhost_hv.h>
#include <hvisor/virtio_bridge.h>

#include "../compat.h"
#include "../vq.h"
#include "fuzz.h"

static unsigned long long seed;
module_param(seed, ullong, 0644);
MODULE_PARM_DESC(seed, "seed of the next run (0: a random one, printed)");

static unsigned int secs = 60;
module_param(secs, uint, 0644);
MODULE_PARM_DESC(secs, "wall time of a run in seconds");

static unsigned long long min_ops;
module_param(min_ops, ullong, 0644);
MODULE_PARM_DESC(min_ops, "go on after secs until all threads did this many operations, for at most 10 * secs (0: stop at secs)");

static unsigned long long max_ops;
module_param(max_ops, ullong, 0644);
MODULE_PARM_DESC(max_ops, "stop each thread after this many operations (0: no limit)");

static unsigned int threads = 4;
module_param(threads, uint, 0644);
MODULE_PARM_DESC(threads, "guest vCPUs driving the devices (1..16; while some wait for a reset the others go on)");

static unsigned int timeout_ms = 10000;
module_param(timeout_ms, uint, 0644);
MODULE_PARM_DESC(timeout_ms, "an access not answered within this is a hang");

static unsigned int ram_kb = 1024;
module_param(ram_kb, uint, 0444);
MODULE_PARM_DESC(ram_kb, "RAM of the fuzzed zone in KiB (at least 256)");

static unsigned long long ram_pa;
module_param(ram_pa, ullong, 0444);
MODULE_PARM_DESC(ram_pa, "physical address of the zone's RAM, reserved memory that userspace gives zone 1 (hvisorctl zone mem add 1 ADDR 0x40000000 SIZE); its guards lie just outside (0: vmalloc()ed RAM the fuzzer adds)");

struct fz fz;

/* The seed parameter: the next run's (0: a random one). */
u64 fz_seed(void)
{
	return seed;
}

/* How long an access, or a request of the tame guest, may take. */
u64 fz_timeout_ns(void)
{
	return (u64)timeout_ms * NSEC_PER_MSEC;
}

/* --- randomness ------------------------------------------------------ */

u64 fz_rand(struct fz_thread *t)
{
	u64 z = (t->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
u32 fz_below(struct fz_thread *t, u32 n)
{
	return (u32)(((fz_rand(t) & 0xffffffffULL) * n) >> 32);
}

static bool fz_pct(struct fz_thread *t, u32 pct)
{
	return fz_below(t, 100) < pct;
}

/* A value a hostile driver likes to write. */
static u64 fz_value(struct fz_thread *t, u64 good)
{
	static const u64 edges[] = {
		0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
		0x10000, 0x7fffffff, 0x80000000, 0xffffffff, ~0ULL,
	};

	switch (fz_below(t, 4)) {
	case 0:
		return good;
	case 1:
		return good + fz_below(t, 5) - 2;
	case 2:
		return edges[fz_below(t, ARRAY_SIZE(edges))];
	default:
		return fz_rand(t);
	}
}

/* --- the zone's RAM -------------------------------------------------- */

/* Where the fuzzer writes guest address @gpa, or NULL outside the RAM. */
void *fz_ram_ptr(u64 gpa, u64 len)
{
	if (gpa < FZ_GPA || len > fz.ram_size ||
	    gpa - FZ_GPA > fz.ram_size - len)
		return NULL;
	return fz.ram + (gpa - FZ_GPA);
}

void fz_ram_write(u64 gpa, const void *src, u64 len)
{
	void *p = fz_ram_ptr(gpa, len);

	if (p)
		memcpy(p, src, len);
}

static void fz_ram_rand(struct fz_thread *t, u64 gpa, u64 len)
{
	u8 *p = fz_ram_ptr(gpa, len);
	u64 i, r = 0;

	if (!p)
		return;
	for (i = 0; i < len; i++) {
		if (!(i & 7))
			r = fz_rand(t);
		p[i] = r;
		r >>= 8;
	}
}

void fz_guard_poison(void)
{
	memset(fz.buf, FZ_POISON, FZ_GUARD);
	memset(fz.ram + fz.ram_size, FZ_POISON, FZ_GUARD);
}

/* Whether both guards are intact; logs the first changed byte. */
bool fz_guard_ok(void)
{
	u8 *bad = memchr_inv(fz.buf, FZ_POISON, FZ_GUARD);

	if (!bad)
		bad = memchr_inv(fz.ram + fz.ram_size, FZ_POISON, FZ_GUARD);
	if (!bad)
		return true;
	pr_err("guard changed at RAM %+lld: 0x%02x: a write outside the zone\n",
	       (long long)(bad - fz.ram), *bad);
	return false;
}

/*
 * A guest address for @len bytes: mostly in the buffer half of the RAM,
 * sometimes in the ring areas, straddling the end or start of the RAM, or
 * outside it.
 */
static u64 fz_addr(struct fz_thread *t, u64 len)
{
	u64 half = fz.ram_size / 2;

	len = min(len, half);
	switch (fz_below(t, 20)) {
	case 0:
		return FZ_GPA + fz.ram_size - len / 2;
	case 1:
		return FZ_GPA - len / 2;
	case 2:
		return fz_pct(t, 50) ? fz_rand(t) : FZ_GPA + fz.ram_size +
		       fz_below(t, 1 << 20);
	case 3:
		return FZ_GPA + fz_below(t, half - len + 1);
	default:
		return FZ_GPA + half + fz_below(t, half - len + 1);
	}
}

/* --- the hypervisor: request ring, answers, result ring --------------- */

/* Queue one request; false when the ring stayed full past the deadline. */
static bool fz_queue_req(const struct hvisor_device_req *req)
{
	struct hvisor_virtio_bridge *br = fz.bridge;
	u64 end = ktime_get_ns() + fz_timeout_ns();
	unsigned long flags;
	u32 rear, front;

	for (;;) {
		spin_lock_irqsave(&fz.prod_lock, flags);
		rear = READ_ONCE(br->req_rear) & FZ_RING_MASK;
		/* Pairs with root's release of req_front: the slot is free. */
		front = smp_load_acquire(&br->req_front);
		if (((rear + 1) & FZ_RING_MASK) != front) {
			br->req_list[rear] = *req;
			/* Pairs with root's acquire of req_rear: entry first. */
			smp_store_release(&br->req_rear,
					  (rear + 1) & FZ_RING_MASK);
			spin_unlock_irqrestore(&fz.prod_lock, flags);
			break;
		}
		spin_unlock_irqrestore(&fz.prod_lock, flags);
		hvisor_vhost_wakeup();
		if (ktime_get_ns() > end)
			return false;
		cond_resched();
	}
	/*
	 * hvisor has no barrier here; a lost wakeup would only cost us the
	 * safety net's delay. Orders the req_rear store before the load of
	 * need_wakeup; pairs with root's barrier after it sets need_wakeup.
	 */
	smp_mb();
	if (READ_ONCE(br->need_wakeup))
		hvisor_vhost_wakeup();
	return true;
}

/* Wait for the answer in cfg_flags[@slot] (which showed @old). */
static int fz_wait(struct fz_thread *t, u64 old, u64 *val)
{
	struct hvisor_virtio_bridge *br = fz.bridge;
	u64 end = ktime_get_ns() + fz_timeout_ns();
	unsigned int n;
	u64 now;

	for (n = 0;; n++) {
		now = READ_ONCE(br->cfg_flags[t->idx]);
		if (now != old) {
			/* Pairs with root's wmb between the value and flag. */
			smp_rmb();
			*val = READ_ONCE(br->cfg_values[t->idx]);
			t->seen = now;
			if (now != old + 1) {
				pr_err("thread %u: answered %llu times\n",
				       t->idx, now - old);
				atomic64_inc(&fz.res.bad_answers);
			}
			return 0;
		}
		if (n < 32) {
			cpu_relax();
			continue;
		}
		/* A vCPU with nothing else to do lends its time to root. */
		hvisor_vhost_wakeup();
		if (n > 256)
			usleep_range(20, 100);
		if (ktime_get_ns() > end)
			return -ETIMEDOUT;
	}
}

/*
 * One trapped access, as hvisor queues it: a store at QueueNotify is
 * posted (need_interrupt = 1, nobody waits), everything else waits for
 * its answer. Returns false on a hang (the thread must stop).
 */
static bool fz_raw(struct fz_thread *t, u64 addr, u32 size, u64 *val,
		   bool write, u32 zone)
{
	struct hvisor_device_req req = {
		.address = addr,
		.size = size,
		.value = write ? *val : 0,
		.src_zone = zone,
		.is_write = write,
	};
	u64 old, dummy;

	if (write && (addr & (HVISOR_VIRTIO_REGION_SIZE - 1)) ==
	    HVISOR_VIRTIO_NOTIFY_OFFSET) {
		req.need_interrupt = 1;
		/* hvisor puts the physical CPU there; any value is legal. */
		req.src_cpu = fz_below(t, 64);
	} else {
		req.src_cpu = t->idx;
	}
	t->ops++;
	atomic64_inc(&fz.res.accesses);
	old = READ_ONCE(fz.bridge->cfg_flags[t->idx]);
	if (old != t->seen) {
		pr_err("thread %u: an answer nobody waited for\n", t->idx);
		atomic64_inc(&fz.res.bad_answers);
		t->seen = old;
	}
	if (!fz_queue_req(&req))
		goto hang;
	if (req.need_interrupt)
		return true;
	if (fz_wait(t, old, write ? &dummy : val))
		goto hang;
	return true;
hang:
	pr_err("thread %u: %s of %u bytes at 0x%llx not answered in %u ms\n",
	       t->idx, write ? "write" : "read", size, addr, timeout_ms);
	atomic64_inc(&fz.res.hangs);
	t->failed = true;
	return false;
}

u64 fz_rd(struct fz_thread *t, struct fz_devinfo *d, u32 off, u32 size)
{
	u64 val = 0;

	fz_raw(t, d->addr + off, size, &val, false, FZ_ZONE);
	return val;
}

void fz_wr(struct fz_thread *t, struct fz_devinfo *d, u32 off, u32 size,
	   u64 val)
{
	fz_raw(t, d->addr + off, size, &val, true, FZ_ZONE);
}

static int fz_init_virtio(struct hvisor_vhost_hv *hv,
			  struct hvisor_virtio_bridge *bridge,
			  phys_addr_t bridge_pa)
{
	fz.bridge = bridge;
	return 0;
}

static void fz_exit_virtio(struct hvisor_vhost_hv *hv)
{
	fz.bridge = NULL;
}

/* FINISH_REQ: drain the result ring; every entry must be ours. */
static void fz_finish_req(struct hvisor_vhost_hv *hv)
{
	struct hvisor_virtio_bridge *br = fz.bridge;
	struct hvisor_device_res res;
	u32 front, rear;

	front = READ_ONCE(br->res_front) & FZ_RING_MASK;
	/* Pairs with root's release of res_rear: entries first. */
	rear = smp_load_acquire(&br->res_rear) & FZ_RING_MASK;
	while (front != rear) {
		res = br->res_list[front];
		front = (front + 1) & FZ_RING_MASK;
		atomic64_inc(&fz.res.interrupts);
		if (res.target_zone == FZ_ZONE &&
		    res.irq_id - FZ_IRQ_BASE < FZ_NR_SLOTS &&
		    test_bit(res.irq_id - FZ_IRQ_BASE, fz.irqs))
			continue;
		if (READ_ONCE(fz.running))
			atomic64_inc(&fz.res.stray_irqs);
		pr_err_ratelimited("interrupt %u of zone %u: no such device\n",
				   res.irq_id, res.target_zone);
	}
	/* Pairs with root's acquire of res_front: entries read first. */
	smp_store_release(&br->res_front, front);
}

static int fz_device_added(struct hvisor_vhost_hv *hv,
			   const struct hvisor_vhost_hv_dev *dev)
{
	int ret = 0;

	if (dev->zone_id != FZ_ZONE)
		return 0;
	mutex_lock(&fz.dev_lock);
	if (fz.nr_devs == FZ_MAX_DEVS) {
		ret = -ENOSPC;
	} else {
		fz.devs[fz.nr_devs++] = (struct fz_devinfo) {
			.id = dev->id, .type = dev->type, .irq = dev->irq,
			.addr = dev->addr,
		};
		if (dev->irq - FZ_IRQ_BASE < FZ_NR_SLOTS)
			set_bit(dev->irq - FZ_IRQ_BASE, fz.irqs);
	}
	mutex_unlock(&fz.dev_lock);
	return ret;
}

/* Waits for a run: its threads use the device until they end. */
static void fz_device_removing(struct hvisor_vhost_hv *hv,
			       const struct hvisor_vhost_hv_dev *dev,
			       bool force)
{
	unsigned int i;

	mutex_lock(&fz.run_lock);
	mutex_lock(&fz.dev_lock);
	for (i = 0; i < fz.nr_devs; i++) {
		if (fz.devs[i].id != dev->id)
			continue;
		fz.devs[i] = fz.devs[--fz.nr_devs];
		break;
	}
	mutex_unlock(&fz.dev_lock);
	mutex_unlock(&fz.run_lock);
}

static const struct hvisor_vhost_hv_ops fz_ops = {
	.init_virtio = fz_init_virtio,
	.exit_virtio = fz_exit_virtio,
	.finish_req = fz_finish_req,
	.device_added = fz_device_added,
	.device_removing = fz_device_removing,
};

static struct hvisor_vhost_hv fz_hv = {
	.name = "fuzzer",
	.ops = &fz_ops,
	.owner = THIS_MODULE,
	.simulated = true,
	.default_zone = FZ_ZONE,
	.slot_base = FZ_SLOT_BASE,
	.irq_base = FZ_IRQ_BASE,
	.nr_slots = FZ_NR_SLOTS,
};

/* --- the guest driver ------------------------------------------------ */

static const u16 fz_regs[] = {
	VIRTIO_MMIO_MAGIC_VALUE, VIRTIO_MMIO_VERSION, VIRTIO_MMIO_DEVICE_ID,
	VIRTIO_MMIO_VENDOR_ID, VIRTIO_MMIO_DEVICE_FEATURES,
	VIRTIO_MMIO_DEVICE_FEATURES_SEL, VIRTIO_MMIO_DRIVER_FEATURES,
	VIRTIO_MMIO_DRIVER_FEATURES_SEL, VIRTIO_MMIO_QUEUE_SEL,
	VIRTIO_MMIO_QUEUE_NUM_MAX, VIRTIO_MMIO_QUEUE_NUM,
	VIRTIO_MMIO_QUEUE_READY, VIRTIO_MMIO_QUEUE_NOTIFY,
	VIRTIO_MMIO_INTERRUPT_STATUS, VIRTIO_MMIO_INTERRUPT_ACK,
	VIRTIO_MMIO_STATUS, VIRTIO_MMIO_QUEUE_DESC_LOW,
	VIRTIO_MMIO_QUEUE_DESC_HIGH, VIRTIO_MMIO_QUEUE_AVAIL_LOW,
	VIRTIO_MMIO_QUEUE_AVAIL_HIGH, VIRTIO_MMIO_QUEUE_USED_LOW,
	VIRTIO_MMIO_QUEUE_USED_HIGH, VIRTIO_MMIO_SHM_SEL,
	VIRTIO_MMIO_SHM_LEN_LOW, VIRTIO_MMIO_SHM_LEN_HIGH,
	VIRTIO_MMIO_SHM_BASE_LOW, VIRTIO_MMIO_SHM_BASE_HIGH,
	VIRTIO_MMIO_CONFIG_GENERATION,
};

static u32 fz_size(struct fz_thread *t)
{
	static const u8 sizes[] = { 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
				     1, 2, 8, 4, 4, 3, 16, 0 };

	return sizes[fz_below(t, ARRAY_SIZE(sizes))];
}

static u32 fz_offset(struct fz_thread *t)
{
	switch (fz_below(t, 6)) {
	case 0:
		return fz_below(t, HVISOR_VIRTIO_REGION_SIZE);
	case 1:
		return 0x100 + fz_below(t, 0x40);
	default:
		return fz_regs[fz_below(t, ARRAY_SIZE(fz_regs))];
	}
}

/* Read the identity registers; they cannot change. */
static void fz_check_ident(struct fz_thread *t, struct fz_devinfo *d)
{
	static const u32 want_id[] = {
		[HVISOR_VHOST_DEV_NET] = VIRTIO_ID_NET,
		[HVISOR_VHOST_DEV_BLK] = VIRTIO_ID_BLOCK,
		[HVISOR_VHOST_DEV_CONSOLE] = VIRTIO_ID_CONSOLE,
	};
	u64 magic, version, id;

	magic = fz_rd(t, d, VIRTIO_MMIO_MAGIC_VALUE, 4);
	version = fz_rd(t, d, VIRTIO_MMIO_VERSION, 4);
	id = fz_rd(t, d, VIRTIO_MMIO_DEVICE_ID, 4);
	if (t->failed || (magic == 0x74726976 && version == 2 &&
			  (d->type >= ARRAY_SIZE(want_id) ||
			   id == want_id[d->type])))
		return;
	pr_err("device %u: magic 0x%llx version %llu id %llu\n", d->id, magic,
	       version, id);
	atomic64_inc(&fz.res.bad_answers);
}

/* Learn the device's queues and features (plain reads). */
void fz_probe(struct fz_thread *t, struct fz_dev *d)
{
	unsigned int i;
	u64 max;

	fz_check_ident(t, &d->info);
	fz_wr(t, &d->info, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 4, 1);
	d->features = fz_rd(t, &d->info, VIRTIO_MMIO_DEVICE_FEATURES, 4) << 32;
	fz_wr(t, &d->info, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 4, 0);
	d->features |= fz_rd(t, &d->info, VIRTIO_MMIO_DEVICE_FEATURES, 4);
	for (i = 0; i < FZ_MAX_Q; i++) {
		fz_wr(t, &d->info, VIRTIO_MMIO_QUEUE_SEL, 4, i);
		max = fz_rd(t, &d->info, VIRTIO_MMIO_QUEUE_NUM_MAX, 4);
		if (!max || max > 0x8000)
			break;
		d->qmax[i] = max;
	}
	d->nq = i;
}

static void fz_wr64(struct fz_thread *t, struct fz_devinfo *d, u32 lo,
		    u64 val)
{
	if (fz_pct(t, 5)) {
		fz_wr(t, d, lo, 8, val);
		return;
	}
	fz_wr(t, d, lo, 4, lower_32_bits(val));
	fz_wr(t, d, lo + 4, 4, upper_32_bits(val));
}

/* Set up queue @i: plausible values mostly, hostile ones sometimes. */
static void fz_setup_queue(struct fz_thread *t, struct fz_dev *d, u32 i)
{
	struct fz_queue *q = &d->q[i];
	u64 base = d->area + (u64)i * FZ_QAREA;
	u32 num = 1U << fz_below(t, 9);

	num = min(num, d->qmax[i]);
	if (fz_pct(t, 10))
		num = fz_value(t, num);
	memset(q, 0, sizeof(*q));
	q->num = num;
	q->desc = base;
	q->avail = base + 16 * 256;
	q->used = base + 16 * 256 + 2 * 256 + 8;
	q->used = ALIGN(q->used, 4);
	if (fz_pct(t, 10))
		q->desc = fz_pct(t, 50) ? fz_addr(t, 16 * num) : fz_rand(t);
	if (fz_pct(t, 5))
		q->avail = fz_addr(t, 6 + 2 * num) | fz_below(t, 2);
	if (fz_pct(t, 5))
		q->used = fz_addr(t, 6 + 8 * num) | fz_below(t, 4);
	/* Leftovers of an earlier setup, or garbage. */
	if (fz_pct(t, 10))
		fz_ram_rand(t, base + fz_below(t, FZ_QAREA - 256), 256);
	if (fz_pct(t, 90)) {
		/* A driver zeroes its rings before it hands them over. */
		fz_ram_write(q->avail, &(__le32){0}, 4);
		fz_ram_write(q->used, &(__le32){0}, 4);
	}
	fz_wr(t, &d->info, VIRTIO_MMIO_QUEUE_SEL, 4, i);
	fz_wr(t, &d->info, VIRTIO_MMIO_QUEUE_NUM, 4, q->num);
	fz_wr64(t, &d->info, VIRTIO_MMIO_QUEUE_DESC_LOW, q->desc);
	fz_wr64(t, &d->info, VIRTIO_MMIO_QUEUE_AVAIL_LOW, q->avail);
	fz_wr64(t, &d->info, VIRTIO_MMIO_QUEUE_USED_LOW, q->used);
	fz_wr(t, &d->info, VIRTIO_MMIO_QUEUE_READY, 4,
	      fz_pct(t, 95) ? 1 : fz_value(t, 1));
	q->ready = fz_rd(t, &d->info, VIRTIO_MMIO_QUEUE_READY, 4) == 1 &&
		   q->num && q->num <= 256 && !(q->num & (q->num - 1)) &&
		   fz_ram_ptr(q->desc, 16 * q->num) &&
		   fz_ram_ptr(q->avail, 6 + 2 * q->num) &&
		   fz_ram_ptr(q->used, 6 + 8 * q->num);
}

/* Reset, then the status sequence of a driver, with random deviations. */
static void fz_op_init(struct fz_thread *t, struct fz_dev *d)
{
	u64 drv = d->features;
	unsigned int i;

	if (!d->nq)
		fz_probe(t, d);
	memset(d->q, 0, sizeof(d->q));
	atomic64_inc(&fz.res.resets);
	fz_wr(t, &d->info, VIRTIO_MMIO_STATUS, 4, 0);
	fz_wr(t, &d->info, VIRTIO_MMIO_STATUS, 4, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	fz_wr(t, &d->info, VIRTIO_MMIO_STATUS, 4, VIRTIO_CONFIG_S_ACKNOWLEDGE |
	      VIRTIO_CONFIG_S_DRIVER);
	if (fz_pct(t, 30))
		drv &= fz_rand(t) | BIT_ULL(VIRTIO_F_VERSION_1);
	if (fz_pct(t, 5))
		drv = fz_rand(t);
	d->event_idx = drv & BIT_ULL(VIRTIO_RING_F_EVENT_IDX);
	fz_wr(t, &d->info, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 4, 0);
	fz_wr(t, &d->info, VIRTIO_MMIO_DRIVER_FEATURES, 4, lower_32_bits(drv));
	fz_wr(t, &d->info, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 4,
	      fz_pct(t, 95) ? 1 : fz_value(t, 1));
	fz_wr(t, &d->info, VIRTIO_MMIO_DRIVER_FEATURES, 4, upper_32_bits(drv));
	fz_wr(t, &d->info, VIRTIO_MMIO_STATUS, 4, VIRTIO_CONFIG_S_ACKNOWLEDGE |
	      VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
	fz_rd(t, &d->info, VIRTIO_MMIO_STATUS, 4);
	for (i = 0; i < d->nq && !t->failed; i++)
		if (fz_pct(t, 90))
			fz_setup_queue(t, d, i);
	if (fz_pct(t, 10))
		return;
	fz_wr(t, &d->info, VIRTIO_MMIO_STATUS, 4, fz_pct(t, 95) ?
	      VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
	      VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK :
	      fz_value(t, 0xf));
}

/* The guest's structures, little-endian (VIRTIO_F_VERSION_1). */
struct fz_net_hdr {
	u8 flags;
	u8 gso_type;
	__le16 hdr_len;
	__le16 gso_size;
	__le16 csum_start;
	__le16 csum_offset;
	__le16 num_buffers;
};

struct fz_con_ctrl {
	__le32 id;
	__le16 event;
	__le16 value;
};

/* What a queue of this device carries, for plausible chains. */
enum fz_role { FZ_RAW, FZ_BLK, FZ_NET_TX, FZ_NET_RX, FZ_NET_CTRL,
	       FZ_CON_TX, FZ_CON_RX, FZ_CON_CTRL };

static enum fz_role fz_role(struct fz_dev *d, u32 qidx)
{
	switch (d->info.type) {
	case HVISOR_VHOST_DEV_BLK:
		return FZ_BLK;
	case HVISOR_VHOST_DEV_NET:
		if ((d->nq & 1) && qidx == d->nq - 1)
			return FZ_NET_CTRL;
		return qidx & 1 ? FZ_NET_TX : FZ_NET_RX;
	case HVISOR_VHOST_DEV_CONSOLE:
		if (qidx == 3)
			return FZ_CON_CTRL;
		return qidx & 1 ? FZ_CON_TX : FZ_CON_RX;
	}
	return FZ_RAW;
}

/**
 * struct fz_seg - one buffer of a chain being built
 * @len: bytes
 * @write: device-writable
 */
struct fz_seg {
	u32 len;
	bool write;
};

/* Segments of a request for @role; returns how many. */
static unsigned int fz_segs(struct fz_thread *t, enum fz_role role,
			    struct fz_seg *s)
{
	unsigned int n = 0, i, extra = fz_below(t, 3);

	switch (role) {
	case FZ_BLK:
		s[n++] = (struct fz_seg){ 16, false };
		for (i = 0; i < extra; i++)
			s[n++] = (struct fz_seg){ 512 << fz_below(t, 4),
						  fz_pct(t, 50) };
		s[n++] = (struct fz_seg){ 1, true };
		break;
	case FZ_NET_TX:
	case FZ_CON_TX:
		for (i = 0; i <= extra; i++)
			s[n++] = (struct fz_seg){ 12 + fz_below(t, 1600),
						  false };
		break;
	case FZ_NET_CTRL:
		s[n++] = (struct fz_seg){ 2, false };
		s[n++] = (struct fz_seg){ fz_below(t, 16), false };
		s[n++] = (struct fz_seg){ 1, true };
		break;
	case FZ_CON_CTRL:
		s[n++] = (struct fz_seg){ 8, false };
		break;
	case FZ_NET_RX:
	case FZ_CON_RX:
	default:
		for (i = 0; i <= extra; i++)
			s[n++] = (struct fz_seg){ 1 + fz_below(t, 2048),
						  true };
		break;
	}
	/* Hostile variations: a length, a direction, one more or less. */
	if (fz_pct(t, 5))
		s[fz_below(t, n)].len = fz_value(t, s[0].len);
	if (fz_pct(t, 3))
		s[fz_below(t, n)].write ^= true;
	if (fz_pct(t, 3) && n > 1)
		n--;
	return n;
}

/* Plausible contents of the first, device-readable, buffer. */
static void fz_fill_head(struct fz_thread *t, enum fz_role role, u64 gpa,
			 u32 len)
{
	static const u32 blk_types[] = {
		VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, VIRTIO_BLK_T_FLUSH,
		VIRTIO_BLK_T_GET_ID, VIRTIO_BLK_T_DISCARD,
		VIRTIO_BLK_T_WRITE_ZEROES, 10, 14, 0x80000000,
	};
	static const u8 gso[] = {
		VIRTIO_NET_HDR_GSO_NONE, VIRTIO_NET_HDR_GSO_TCPV4,
		VIRTIO_NET_HDR_GSO_UDP, VIRTIO_NET_HDR_GSO_TCPV6,
		5 /* VIRTIO_NET_HDR_GSO_UDP_L4, not in 6.1 */,
		VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_ECN, 0x7f,
	};
	struct fz_blk_hdr bh;
	struct fz_net_hdr nh;
	struct fz_con_ctrl cc;
	u8 frame[14];

	fz_ram_rand(t, gpa, len);
	switch (role) {
	case FZ_BLK:
		bh.type = cpu_to_le32(blk_types[fz_below(t, ARRAY_SIZE(blk_types))]);
		bh.ioprio = 0;
		bh.sector = cpu_to_le64(fz_pct(t, 80) ? fz_below(t, 8192) :
					fz_value(t, 0));
		fz_ram_write(gpa, &bh, min_t(u32, len, sizeof(bh)));
		break;
	case FZ_NET_TX:
		memset(&nh, 0, sizeof(nh));
		if (fz_pct(t, 40)) {
			nh.flags = fz_pct(t, 70) ? VIRTIO_NET_HDR_F_NEEDS_CSUM :
				   fz_rand(t);
			nh.gso_type = gso[fz_below(t, ARRAY_SIZE(gso))];
			nh.hdr_len = cpu_to_le16(fz_value(t, 54));
			nh.gso_size = cpu_to_le16(fz_value(t, 1448));
			nh.csum_start = cpu_to_le16(fz_value(t, 34));
			nh.csum_offset = cpu_to_le16(fz_value(t, 16));
		}
		fz_ram_write(gpa, &nh, min_t(u32, len, sizeof(nh)));
		if (len < sizeof(nh) + sizeof(frame))
			break;
		/* Broadcast from a local address; IPv4, IPv6, ARP or junk. */
		memset(frame, 0xff, 6);
		memcpy(frame + 6, "\x02\x00\x00\x00\xf2\x01", 6);
		frame[12] = fz_pct(t, 80) ? 0x08 : 0x86;
		frame[13] = fz_pct(t, 80) ? 0x00 : fz_below(t, 256);
		fz_ram_write(gpa + sizeof(nh), frame, sizeof(frame));
		if (len > sizeof(nh) + sizeof(frame))
			fz_ram_write(gpa + sizeof(nh) + sizeof(frame), "\x45", 1);
		break;
	case FZ_NET_CTRL:
		fz_ram_write(gpa, (u8[]){ fz_below(t, 6), fz_below(t, 4) },
			     min_t(u32, len, 2));
		break;
	case FZ_CON_CTRL:
		cc.id = cpu_to_le32(fz_value(t, 0));
		cc.event = cpu_to_le16(fz_below(t, 10));
		cc.value = cpu_to_le16(fz_below(t, 2));
		fz_ram_write(gpa, &cc, min_t(u32, len, sizeof(cc)));
		break;
	default:
		break;
	}
}

static void fz_write_desc(struct fz_queue *q, u16 slot, u64 addr, u32 len,
			  u16 flags, u16 next)
{
	struct hvisor_vring_desc desc = {
		.addr = cpu_to_le64(addr),
		.len = cpu_to_le32(len),
		.flags = cpu_to_le16(flags),
		.next = cpu_to_le16(next),
	};

	fz_ram_write(q->desc + 16ULL * (slot % q->num), &desc, sizeof(desc));
}

/*
 * Build the chain for @segs: in the descriptor table (slots after
 * q->next_desc) or in an indirect table; returns the head.
 */
static u16 fz_chain(struct fz_thread *t, struct fz_queue *q,
		    const struct fz_seg *segs, unsigned int n, enum fz_role role)
{
	struct hvisor_vring_desc ind[FZ_MAX_CHAIN];
	u16 head = q->next_desc % q->num, flags, slot, next;
	bool indirect = fz_pct(t, 15);
	unsigned int i;
	u64 addr, table;

	for (i = 0; i < n; i++) {
		addr = fz_addr(t, segs[i].len);
		if (i == 0 && !segs[0].write)
			fz_fill_head(t, role, addr, segs[0].len);
		flags = (i + 1 < n ? VRING_DESC_F_NEXT : 0) |
			(segs[i].write ? VRING_DESC_F_WRITE : 0);
		next = indirect ? i + 1 : (head + i + 1) % q->num;
		if (fz_pct(t, 1))
			flags = fz_rand(t);
		if (fz_pct(t, 1))
			next = fz_pct(t, 50) ? head : fz_rand(t);
		if (indirect) {
			ind[i] = (struct hvisor_vring_desc) {
				.addr = cpu_to_le64(addr),
				.len = cpu_to_le32(segs[i].len),
				.flags = cpu_to_le16(flags),
				.next = cpu_to_le16(next),
			};
			continue;
		}
		slot = (head + i) % q->num;
		fz_write_desc(q, slot, addr, segs[i].len, flags, next);
		t->ops++;
	}
	if (indirect) {
		table = fz_addr(t, sizeof(ind));
		fz_ram_write(table, ind, n * sizeof(ind[0]));
		flags = VRING_DESC_F_INDIRECT;
		if (fz_pct(t, 5))
			flags |= fz_pct(t, 50) ? VRING_DESC_F_NEXT :
				 VRING_DESC_F_WRITE;
		fz_write_desc(q, head, table, fz_pct(t, 90) ?
			      n * sizeof(ind[0]) : fz_value(t, 16), flags,
			      head + 1);
		t->ops += 2;
		n = 1;
	}
	q->next_desc = head + n;
	return head;
}

/* Post 1..8 chains on a ready queue of @d and notify it. */
static void fz_op_ring(struct fz_thread *t, struct fz_dev *d)
{
	struct fz_seg segs[FZ_MAX_CHAIN];
	unsigned int i, n, nchains;
	u32 qidx = fz_below(t, d->nq);
	struct fz_queue *q = &d->q[qidx];
	enum fz_role role = fz_role(d, qidx);
	__le16 v;
	u16 head;

	if (!q->ready || !q->num)
		return;
	nchains = 1 + fz_below(t, 8);
	for (i = 0; i < nchains; i++) {
		n = fz_segs(t, role, segs);
		head = fz_chain(t, q, segs, n, role);
		if (fz_pct(t, 1))
			head = fz_rand(t);
		v = cpu_to_le16(head);
		fz_ram_write(q->avail + 4 + 2ULL * (q->avail_idx % q->num), &v, 2);
		q->avail_idx++;
		atomic64_inc(&fz.res.chains);
	}
	if (fz_pct(t, 1))
		q->avail_idx += fz_rand(t);
	if (d->event_idx) {
		v = cpu_to_le16(fz_pct(t, 80) ? q->avail_idx - 1 : fz_rand(t));
		fz_ram_write(q->avail + 4 + 2ULL * q->num, &v, 2);
	}
	/* The ring entries before the index; pairs with the device's rmb. */
	wmb();
	v = cpu_to_le16(q->avail_idx);
	fz_ram_write(q->avail + 2, &v, 2);
	t->ops += 2;
	if (fz_pct(t, 90))
		fz_wr(t, &d->info, VIRTIO_MMIO_QUEUE_NOTIFY, 4,
		      fz_pct(t, 95) ? qidx : fz_value(t, qidx));
	/* A driver resets a device that asks for it, mostly. */
	if ((fz_rd(t, &d->info, VIRTIO_MMIO_STATUS, 4) &
	     VIRTIO_CONFIG_S_NEEDS_RESET) && fz_pct(t, 50))
		fz_op_init(t, d);
}

/* Random bytes somewhere in the zone's RAM, rings included. */
static void fz_op_scribble(struct fz_thread *t, struct fz_dev *d)
{
	struct fz_queue *q = &d->q[fz_below(t, max(d->nq, 1U))];
	u32 len = 1 + fz_below(t, 64);
	u64 gpa;

	switch (fz_below(t, 4)) {
	case 0:
		gpa = q->avail + fz_below(t, 8);
		break;
	case 1:
		gpa = q->used + fz_below(t, 8);
		break;
	case 2:
		gpa = q->desc + 16ULL * fz_below(t, max(q->num, 1U));
		break;
	default:
		gpa = FZ_GPA + fz_below(t, fz.ram_size);
		break;
	}
	fz_ram_rand(t, gpa, len);
	t->ops++;
}

static void fz_op_irq(struct fz_thread *t, struct fz_dev *d)
{
	u64 isr = fz_rd(t, &d->info, VIRTIO_MMIO_INTERRUPT_STATUS, 4);

	fz_wr(t, &d->info, VIRTIO_MMIO_INTERRUPT_ACK, 4,
	      fz_pct(t, 90) ? isr : fz_value(t, 3));
}

static void fz_op_config(struct fz_thread *t, struct fz_dev *d)
{
	u32 off = 0x100 + fz_below(t, fz_pct(t, 90) ? 0x40 : 0x100);

	if (fz_pct(t, 50))
		fz_wr(t, &d->info, off, fz_size(t), fz_rand(t));
	else
		fz_rd(t, &d->info, off, fz_size(t));
	fz_rd(t, &d->info, VIRTIO_MMIO_CONFIG_GENERATION, 4);
}

/* A register access of any kind to any device of the zone. */
static void fz_op_raw(struct fz_thread *t)
{
	struct fz_devinfo *d = &t->all[fz_below(t, t->nr_all)];
	u32 off = fz_offset(t), size = fz_size(t);
	u64 val;

	if (fz_pct(t, 50)) {
		val = fz_value(t, 0);
		/* Status = 0 is a reset; it waits for the device. */
		if (off == VIRTIO_MMIO_STATUS && !val)
			atomic64_inc(&fz.res.resets);
		fz_raw(t, d->addr + off, size, &val, true, FZ_ZONE);
	} else {
		fz_raw(t, d->addr + off, size, &val, false, FZ_ZONE);
	}
}

/* Accesses hvisor would never produce, or that reach no device. */
static void fz_op_bad(struct fz_thread *t)
{
	struct fz_devinfo *d = &t->all[fz_below(t, t->nr_all)];
	struct hvisor_device_req req = {
		.address = d->addr + fz_offset(t),
		.size = 4,
		.src_zone = FZ_ZONE,
		.src_cpu = t->idx,
	};
	u64 val = 0;

	switch (fz_below(t, 4)) {
	case 0:	/* no device there */
		fz_raw(t, FZ_SLOT_BASE + FZ_NR_SLOTS * 0x200ULL +
		       fz_below(t, 0x10000), 4, &val, fz_pct(t, 50), FZ_ZONE);
		return;
	case 1:	/* another zone */
		fz_raw(t, d->addr, 4, &val, false, 2 + fz_below(t, 100));
		return;
	case 2:	/* a posted request from a CPU hvisor does not have */
		req.src_cpu = HVISOR_BRIDGE_MAX_CPUS + fz_below(t, 1000);
		req.need_interrupt = 1;
		req.is_write = 1;
		req.value = fz_rand(t);
		break;
	default: /* a waiting request of a bad size: answered 0 */
		fz_raw(t, d->addr, fz_pct(t, 50) ? 0 : 5 + fz_below(t, 3),
		       &val, false, FZ_ZONE);
		return;
	}
	t->ops++;
	atomic64_inc(&fz.res.accesses);
	if (!fz_queue_req(&req)) {
		atomic64_inc(&fz.res.hangs);
		t->failed = true;
	}
}

/* A burst of posted notifies, more than the request ring holds. */
static void fz_op_burst(struct fz_thread *t, struct fz_dev *d)
{
	unsigned int i, n = 1 + fz_below(t, 2 * HVISOR_BRIDGE_MAX_REQ);

	for (i = 0; i < n && !t->failed; i++)
		fz_wr(t, &d->info, VIRTIO_MMIO_QUEUE_NOTIFY, 4,
		      fz_below(t, d->nq + 1));
}

static void fz_op(struct fz_thread *t)
{
	struct fz_dev *d;
	u32 r = fz_below(t, 100);

	if (!t->nr_devs || r < 10) {
		if (t->nr_all)
			r < 2 ? fz_op_bad(t) : fz_op_raw(t);
		return;
	}
	d = &t->devs[fz_below(t, t->nr_devs)];
	/* A reset waits for the device (a grace period at least): rarer. */
	if (!d->nq || r < 11)
		fz_op_init(t, d);
	else if (r < 60)
		fz_op_ring(t, d);
	else if (r < 70)
		fz_op_scribble(t, d);
	else if (r < 80)
		fz_op_irq(t, d);
	else if (r < 88)
		fz_op_config(t, d);
	else if (r < 90)
		fz_op_burst(t, d);
	else if (r < 91)
		fz_wr(t, &d->info, VIRTIO_MMIO_STATUS, 4, fz_value(t, 0));
	else
		fz_check_ident(t, &d->info);
}

static int fz_thread_fn(void *arg)
{
	struct fz_thread *t = arg;
	u64 round_end = FZ_ROUND_OPS, counted = 0, now;
	unsigned int n = 0;

	while (!t->failed) {
		fz_op(t);
		if (t->ops >= round_end) {
			round_end = t->ops + FZ_ROUND_OPS;
			if (!fz_guard_ok()) {
				atomic64_inc(&fz.res.guard_hits);
				t->failed = true;
			}
		}
		if (max_ops && t->ops >= max_ops)
			break;
		if (++n % 256)
			continue;
		atomic64_add(t->ops - counted, &fz.res.ops);
		counted = t->ops;
		now = ktime_get_ns();
		if (now > t->deadline &&
		    (atomic64_read(&fz.res.ops) >= min_ops || now > t->cap))
			break;
		cond_resched();
	}
	atomic64_add(t->ops - counted, &fz.res.ops);
	complete(&t->done);
	return 0;
}

/* --- runs -------------------------------------------------------------- */

static void fz_assign(struct fz_thread *th, unsigned int nth)
{
	unsigned int i;
	struct fz_dev *d;

	mutex_lock(&fz.dev_lock);
	for (i = 0; i < fz.nr_devs; i++) {
		struct fz_thread *t = &th[i % nth];

		d = &t->devs[t->nr_devs++];
		memset(d, 0, sizeof(*d));
		d->info = fz.devs[i];
		d->area = FZ_GPA + (u64)(i % FZ_MAX_DEVS) * FZ_DEV_AREA;
	}
	for (i = 0; i < nth; i++) {
		memcpy(th[i].all, fz.devs, sizeof(fz.devs));
		th[i].nr_all = fz.nr_devs;
	}
	mutex_unlock(&fz.dev_lock);
}

static int fz_run(void)
{
	unsigned int i, nth = clamp(threads, 1U, (unsigned int)FZ_MAX_THREADS);
	u64 s = seed ? seed : get_random_u64(), start, end;
	struct task_struct *task;
	struct fz_thread *th;
	int ret = 0;

	th = vzalloc(array_size(nth, sizeof(*th)));
	if (!th)
		return -ENOMEM;
	mutex_lock(&fz.run_lock);
	if (!fz.bridge || !fz.nr_devs) {
		ret = -ENODEV;
		goto out;
	}
	memset(&fz.res, 0, sizeof(fz.res));
	fz_guard_poison();
	start = ktime_get_ns();
	end = start + (u64)secs * NSEC_PER_SEC;
	pr_info("run: seed=0x%llx secs=%u min_ops=%llu max_ops=%llu threads=%u: replay with insmod hvisor_vhost_fuzz.ko seed=0x%llx\n",
		s, secs, min_ops, max_ops, nth, s);
	fz_assign(th, nth);
	WRITE_ONCE(fz.running, true);
	for (i = 0; i < nth; i++) {
		th[i].idx = i;
		th[i].rng = s + i;
		th[i].seen = READ_ONCE(fz.bridge->cfg_flags[i]);
		th[i].deadline = end;
		th[i].cap = start + 10ULL * secs * NSEC_PER_SEC;
		init_completion(&th[i].done);
		task = kthread_run(fz_thread_fn, &th[i], "hvv_fuzz/%u", i);
		if (IS_ERR(task)) {
			ret = PTR_ERR(task);
			break;
		}
	}
	nth = i;
	/*
	 * A run may take up to 10 * secs (min_ops on a slow kernel): wake up
	 * every 10 s so the hung task detector sees a waiting, not a hung,
	 * writer.
	 */
	for (i = 0; i < nth; i++)
		while (!wait_for_completion_timeout(&th[i].done, 10 * HZ))
			;
	WRITE_ONCE(fz.running, false);
	if (!fz_guard_ok())
		atomic64_inc(&fz.res.guard_hits);
	fz.last_seed = s;
	fz.last_ns = ktime_get_ns() - start;
	if (!ret && (atomic64_read(&fz.res.hangs) ||
		     atomic64_read(&fz.res.guard_hits) ||
		     atomic64_read(&fz.res.bad_answers) ||
		     atomic64_read(&fz.res.stray_irqs)))
		ret = -EIO;
	fz.last_rc = ret;
	fz.ran = true;
	pr_info("run: seed=0x%llx ops=%lld accesses=%lld chains=%lld resets=%lld interrupts=%lld in %llu ms: hangs=%lld guard_hits=%lld bad_answers=%lld stray_irqs=%lld: %s\n",
		s, atomic64_read(&fz.res.ops), atomic64_read(&fz.res.accesses),
		atomic64_read(&fz.res.chains), atomic64_read(&fz.res.resets),
		atomic64_read(&fz.res.interrupts), fz.last_ns / NSEC_PER_MSEC,
		atomic64_read(&fz.res.hangs), atomic64_read(&fz.res.guard_hits),
		atomic64_read(&fz.res.bad_answers),
		atomic64_read(&fz.res.stray_irqs), ret ? "FAILED" : "ok");
out:
	mutex_unlock(&fz.run_lock);
	vfree(th);
	return ret;
}

static ssize_t fz_run_write(struct file *file, const char __user *buf,
			    size_t len, loff_t *ppos)
{
	int ret = fz_run();

	return ret ? ret : len;
}

static const struct file_operations fz_run_fops = {
	.owner = THIS_MODULE,
	.write = fz_run_write,
	.llseek = noop_llseek,
};

static int fz_result_show(struct seq_file *m, void *v)
{
	mutex_lock(&fz.run_lock);
	if (fz.ran)
		seq_printf(m, "seed 0x%llx\nops %lld\naccesses %lld\nchains %lld\nresets %lld\ninterrupts %lld\nms %llu\nhangs %lld\nguard_hits %lld\nbad_answers %lld\nstray_irqs %lld\nresult %s\n",
			   fz.last_seed, atomic64_read(&fz.res.ops),
			   atomic64_read(&fz.res.accesses),
			   atomic64_read(&fz.res.chains),
			   atomic64_read(&fz.res.resets),
			   atomic64_read(&fz.res.interrupts),
			   fz.last_ns / NSEC_PER_MSEC,
			   atomic64_read(&fz.res.hangs),
			   atomic64_read(&fz.res.guard_hits),
			   atomic64_read(&fz.res.bad_answers),
			   atomic64_read(&fz.res.stray_irqs),
			   fz.last_rc ? "FAILED" : "ok");
	mutex_unlock(&fz.run_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(fz_result);

/*
 * Guard, RAM, guard: vmalloc()ed, or with ram_pa the reserved memory
 * around the zone's RAM, mapped as the module maps a zone's (write-back).
 */
static int fz_ram_alloc(u64 size)
{
	if (!ram_pa) {
		fz.buf = vmalloc(size + 2 * FZ_GUARD);
		return fz.buf ? 0 : -ENOMEM;
	}
	if (!PAGE_ALIGNED(ram_pa) || ram_pa < FZ_GUARD) {
		pr_err("ram_pa=0x%llx: not page-aligned or no room for a guard\n",
		       ram_pa);
		return -EINVAL;
	}
	fz.buf = memremap(ram_pa - FZ_GUARD, size + 2 * FZ_GUARD, MEMREMAP_WB);
	if (!fz.buf) {
		pr_err("ram_pa=0x%llx: cannot map 0x%llx bytes\n", ram_pa,
		       size + 2 * FZ_GUARD);
		return -ENOMEM;
	}
	return 0;
}

static void fz_ram_free(void)
{
	if (ram_pa)
		memunmap(fz.buf);
	else
		vfree(fz.buf);
}

static int __init fz_init(void)
{
	u64 size = (u64)max(ram_kb, 256U) * SZ_1K;
	int ret;

	spin_lock_init(&fz.prod_lock);
	mutex_init(&fz.dev_lock);
	mutex_init(&fz.run_lock);
	size = ALIGN(size, PAGE_SIZE);
	if (size / 2 < FZ_MAX_DEVS * FZ_DEV_AREA)
		size = 2 * FZ_MAX_DEVS * FZ_DEV_AREA;
	ret = fz_ram_alloc(size);
	if (ret)
		return ret;
	fz.ram = fz.buf + FZ_GUARD;
	fz.ram_size = size;
	memset(fz.ram, 0, size);
	fz_guard_poison();
	ret = hvisor_vhost_attach(&fz_hv);
	if (ret) {
		pr_err("cannot attach (load hvisor_vhost with hypervisor=sim, without the simulator): %d\n",
		       ret);
		goto err_free;
	}
	/* Reserved memory is the zone's once userspace gives it. */
	if (!ram_pa) {
		ret = hvisor_vhost_zone_add_ram(FZ_ZONE, FZ_GPA, fz.ram, size);
		if (ret)
			goto err_detach;
	}
	fz.dir = debugfs_create_dir("hvisor_vhost_fuzz", NULL);
	debugfs_create_file("run", 0200, fz.dir, NULL, &fz_run_fops);
	debugfs_create_file("result", 0400, fz.dir, NULL, &fz_result_fops);
	fz_verify_init(fz.dir);
	if (ram_pa)
		pr_info("zone %u: %llu KiB of RAM at 0x%llx between guards, reserved memory at 0x%llx: add it with hvisorctl zone mem add %u 0x%llx 0x%llx %llu\n",
			FZ_ZONE, size / SZ_1K, FZ_GPA, ram_pa, FZ_ZONE, ram_pa,
			FZ_GPA, size);
	else
		pr_info("zone %u: %llu KiB of RAM at 0x%llx between guards\n",
			FZ_ZONE, size / SZ_1K, FZ_GPA);
	return 0;

err_detach:
	hvisor_vhost_detach(&fz_hv);
err_free:
	fz_ram_free();
	return ret;
}

/*
 * The core removes every device first: nothing touches the RAM after
 * (with ram_pa, the zone keeps its own mapping of the memory).
 */
static void __exit fz_exit(void)
{
	debugfs_remove_recursive(fz.dir);
	hvisor_vhost_detach(&fz_hv);
	if (!fz_guard_ok())
		pr_err("guard changed after the last run\n");
	fz_ram_free();
}

module_init(fz_init);
module_exit(fz_exit);

MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(HVISOR_VHOST_SIM_NS);
MODULE_DESCRIPTION("hostile-guest fuzzer for hvisor_vhost (selftests only)");
MODULE_AUTHOR("hvisor-vhost developers");
