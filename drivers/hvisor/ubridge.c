// SPDX-License-Identifier: GPL-2.0
/*
 * The userspace bridge (Documentation/hsm.rst, "The userspace bridge").
 *
 * hvisor has one virtio bridge and this module owns it. A trapped access
 * for an address where no in-kernel device lives is handed here; when a
 * daemon is attached (INIT_VIRTIO on /dev/hvisor, then mmap of offset 0)
 * the module plays hvisor towards it on a second page with hvisor's
 * layout:
 *
 * - requests are copied into the page's request ring in the order they
 *   were dispatched (a bounded backlog holds them while the ring is full)
 *   and the SET_EVENTFD eventfd is signalled when the daemon set
 *   need_wakeup, as hvisor sends its wakeup interrupt;
 * - a waiting vCPU is answered when the daemon's cfg_flags[cpu] moves: the
 *   module reads cfg_values[cpu] and answers on hvisor's bridge. The daemon
 *   tells nobody that it answered, so the module looks: on every wakeup of
 *   the dispatcher, on every FINISH_REQ, and from an hrtimer that runs only
 *   while answers or backlog are outstanding, first UB_POLL_MIN_NS after
 *   the request, its period doubling up to UB_POLL_MAX_NS while nothing
 *   moves and back to the minimum whenever an answer arrives;
 * - the daemon's result ring entries are relayed to hvisor's result ring
 *   (FINISH_REQ, the same timer).
 *
 * Everything in the page is the daemon's to scribble on: every index and
 * value is read once, checked, and only our own shadow indices are used to
 * address the page. A daemon that exits, is killed, or writes garbage
 * costs its own requests only: waiting vCPUs are answered 0 ("no device")
 * when it goes, and in-kernel devices never wait for it.
 *
 * Locking: ub->lock (spinlock, interrupts disabled, any context) protects
 * the state and every access to the page; ub->ctl_mutex serialises attach
 * and detach. Order: the core's consume_lock, then ub->lock, then the
 * core's result ring lock (hvisor_core_relay_irq()).
 */

#define pr_fmt(fmt) "hvisor_vhost: " fmt

#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/eventfd.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/hrtimer.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/hvisor_vhost.h>
#include <hvisor/virtio_bridge.h>

#include "compat.h"
#include "core.h"
#include "ubridge.h"

#define UB_MASK			(HVISOR_BRIDGE_MAX_REQ - 1)
/* Requests held while the daemon's ring is full (a power of two). */
#define UB_BACKLOG		64
/* First look for answers after a forward, and the longest period. */
#define UB_POLL_MIN_NS		(20 * NSEC_PER_USEC)
#define UB_POLL_MAX_NS		(1 * NSEC_PER_MSEC)

enum ub_cpu_state {
	UB_IDLE,	/* the vCPU waits for nothing from the daemon */
	UB_QUEUED,	/* its request is in the backlog */
	UB_DELIVERED,	/* its request is in the daemon's ring */
};

/**
 * struct ub_cpu - what one vCPU (src_cpu) waits for
 * @state: enum ub_cpu_state
 * @size: access size of its outstanding request
 * @seen: the daemon's cfg_flags[cpu] when last looked at
 */
struct ub_cpu {
	u8 state;
	u64 size;
	u64 seen;
};

/**
 * struct ub_stats - counters (HVISOR_VHOST_GET_STATUS ub_* fields)
 * @requests: requests handed to the daemon's ring
 * @answers: answers relayed to waiting vCPUs
 * @results: result entries relayed to hvisor
 * @signals: times need_wakeup asked for a wakeup (eventfd signalled)
 * @orphaned: waiting vCPUs answered 0 because the daemon went away
 * @overflow: requests refused: backlog full, or a vCPU already waiting
 * @bad_index: req_front or res_rear out of range
 * @bad_answer: cfg_flags moves for a vCPU that waits for nothing
 * @bad_result: result entries refused (unknown zone)
 */
struct ub_stats {
	atomic64_t requests;
	atomic64_t answers;
	atomic64_t results;
	atomic64_t signals;
	atomic64_t orphaned;
	atomic64_t overflow;
	atomic64_t bad_index;
	atomic64_t bad_answer;
	atomic64_t bad_result;
};

/**
 * struct hvisor_ubridge - the userspace bridge
 * @lock: everything below but @ctl_mutex, @timer and @stats
 * @ctl_mutex: serialises attach and detach (and the timer's cancel)
 * @page: the daemon's bridge page; NULL while no daemon is attached
 * @pg: its struct page (mapped with vm_insert_page(), which takes its own
 *	reference for each mapping)
 * @owner: the file that attached
 * @efd: the SET_EVENTFD eventfd, or NULL
 * @req_rear: the request ring's producer index we published
 * @req_front: the daemon's consumer index, as last validated
 * @res_front: our consumer index of the daemon's result ring
 * @bad_front: the invalid req_front seen last, U32_MAX after a valid one
 *	(a value is counted once while it stays)
 * @bad_rear: the same for res_rear
 * @backlog: requests not yet in the daemon's ring, oldest at @bl_head
 * @bl_head: index of the oldest backlog entry
 * @bl_len: entries in @backlog
 * @cpu: per src_cpu state
 * @nr_waiting: vCPUs in UB_QUEUED or UB_DELIVERED
 * @armed: @timer is queued or its callback will decide to re-queue it
 * @period_ns: the timer's current period
 * @timer: looks for answers and results while some are outstanding
 * @stats: counters
 */
struct hvisor_ubridge {
	spinlock_t lock;	/* the state and the page */
	struct mutex ctl_mutex;	/* attach, detach */
	struct hvisor_virtio_bridge *page;
	struct page *pg;
	struct file *owner;
	struct eventfd_ctx *efd;
	u32 req_rear;
	u32 req_front;
	u32 res_front;
	u32 bad_front;
	u32 bad_rear;
	struct hvisor_device_req backlog[UB_BACKLOG];
	unsigned int bl_head;
	unsigned int bl_len;
	struct ub_cpu cpu[HVISOR_BRIDGE_MAX_CPUS];
	unsigned int nr_waiting;
	bool armed;
	u64 period_ns;
	struct hrtimer timer;
	struct ub_stats stats;
};

static struct hvisor_ubridge ubridge;

/* ------------------------------------------------------------------ */
/* Ring logic on the daemon's page; all under ub->lock.                */

/*
 * The daemon's req_front, if it is one it may have written: inside
 * [our last valid front, our rear]. Otherwise the ring makes no progress
 * (counted once per bad value) until the daemon writes a sane one.
 */
static u32 ub_load_front(struct hvisor_ubridge *ub)
{
	/*
	 * Acquire: the daemon's reads of the entries it consumed happen
	 * before we overwrite them; pairs with its release store of
	 * req_front.
	 */
	u32 front = smp_load_acquire(&ub->page->req_front);
	u32 in_flight = (ub->req_rear - ub->req_front) & UB_MASK;

	if (front < HVISOR_BRIDGE_MAX_REQ &&
	    ((front - ub->req_front) & UB_MASK) <= in_flight) {
		ub->req_front = front;
		ub->bad_front = U32_MAX;
		return front;
	}
	if (front != ub->bad_front) {
		ub->bad_front = front;
		atomic64_inc(&ub->stats.bad_index);
		pr_warn_ratelimited("userspace bridge: req_front %u is not in [%u, %u]: ignored\n",
				    front, ub->req_front, ub->req_rear);
	}
	return ub->req_front;
}

/* A garbage cfg_flags move on @cpu (nothing waited for it). */
static void ub_bad_answer(struct hvisor_ubridge *ub, unsigned int cpu,
			  u64 flags)
{
	atomic64_inc(&ub->stats.bad_answer);
	pr_warn_ratelimited("userspace bridge: cfg_flags[%u] moved to %llu but cpu %u waits for no answer: ignored\n",
			    cpu, flags, cpu);
}

/* Copy the backlog's oldest entry into the ring at our rear. */
static void ub_publish_one(struct hvisor_ubridge *ub)
{
	const struct hvisor_device_req *req = &ub->backlog[ub->bl_head];
	struct hvisor_device_req *slot = &ub->page->req_list[ub->req_rear];
	u64 flags;

	if (!req->need_interrupt) {
		struct ub_cpu *c = &ub->cpu[req->src_cpu];

		/* From here on a cfg_flags move is this request's answer. */
		flags = READ_ONCE(ub->page->cfg_flags[req->src_cpu]);
		if (flags != c->seen)
			ub_bad_answer(ub, req->src_cpu, flags);
		c->seen = flags;
		c->state = UB_DELIVERED;
	}
	WRITE_ONCE(slot->src_cpu, req->src_cpu);
	WRITE_ONCE(slot->address, req->address);
	WRITE_ONCE(slot->size, req->size);
	WRITE_ONCE(slot->value, req->value);
	WRITE_ONCE(slot->src_zone, req->src_zone);
	WRITE_ONCE(slot->is_write, req->is_write);
	WRITE_ONCE(slot->need_interrupt, req->need_interrupt);
	WRITE_ONCE(slot->padding, 0);
	ub->req_rear = (ub->req_rear + 1) & UB_MASK;
	ub->bl_head = (ub->bl_head + 1) & (UB_BACKLOG - 1);
	ub->bl_len--;
	atomic64_inc(&ub->stats.requests);
}

/*
 * Move what fits of the backlog into the daemon's ring, then wake the
 * daemon if it asked for it (need_wakeup), as hvisor does.
 */
static void ub_flush(struct hvisor_ubridge *ub)
{
	u32 front = ub_load_front(ub);
	bool published = false;

	while (ub->bl_len && ((ub->req_rear + 1) & UB_MASK) != front) {
		ub_publish_one(ub);
		published = true;
	}
	if (!published)
		return;
	/*
	 * Release: the entries (and our cfg_flags loads) are ordered before
	 * the new req_rear; pairs with the daemon's load of req_rear before
	 * it reads the entries.
	 */
	smp_store_release(&ub->page->req_rear, ub->req_rear);
	/*
	 * Orders the req_rear store before the need_wakeup load; pairs with
	 * the daemon's full barrier between its need_wakeup = 1 store and
	 * its re-check of req_rear before it sleeps. (hvisor lacks this one;
	 * we need no safety net towards the daemon.)
	 */
	smp_mb();
	if (!READ_ONCE(ub->page->need_wakeup))
		return;
	atomic64_inc(&ub->stats.signals);
	if (ub->efd)
		hvisor_eventfd_signal(ub->efd);
}

/* Relay the answers the daemon gave; true when there was one. */
static bool ub_scan_answers(struct hvisor_ubridge *ub)
{
	bool found = false;
	unsigned int cpu;
	u64 flags, value;

	for (cpu = 0; cpu < HVISOR_BRIDGE_MAX_CPUS; cpu++) {
		struct ub_cpu *c = &ub->cpu[cpu];

		flags = READ_ONCE(ub->page->cfg_flags[cpu]);
		if (flags == c->seen)
			continue;
		c->seen = flags;
		if (c->state != UB_DELIVERED) {
			ub_bad_answer(ub, cpu, flags);
			continue;
		}
		/*
		 * Orders the cfg_flags load before the cfg_values load; pairs
		 * with the daemon's write barrier between its cfg_values
		 * store and its cfg_flags increment.
		 */
		smp_rmb();
		value = READ_ONCE(ub->page->cfg_values[cpu]);
		c->state = UB_IDLE;
		ub->nr_waiting--;
		/* Truncated to the size of the request, not the daemon's. */
		hvisor_core_answer(cpu, value, c->size);
		atomic64_inc(&ub->stats.answers);
		found = true;
	}
	return found;
}

/*
 * Relay the daemon's result ring entries to hvisor's. An entry hvisor's
 * full ring refuses stays (and the daemon's ring with it) for the next
 * try. Returns true when entries remain.
 */
static bool ub_drain_results(struct hvisor_ubridge *ub)
{
	struct hvisor_virtio_bridge *page = ub->page;
	u32 rear = READ_ONCE(page->res_rear);
	u32 zone, irq, start = ub->res_front;
	bool blocked = false;
	int ret;

	if (rear >= HVISOR_BRIDGE_MAX_REQ) {
		if (rear != ub->bad_rear) {
			ub->bad_rear = rear;
			atomic64_inc(&ub->stats.bad_index);
			pr_warn_ratelimited("userspace bridge: res_rear %u out of range: ignored\n",
					    rear);
		}
		return false;
	}
	ub->bad_rear = U32_MAX;
	/*
	 * Orders the res_rear load before the entry loads; pairs with the
	 * daemon's write barrier between writing an entry and res_rear.
	 */
	smp_rmb();
	while (ub->res_front != rear) {
		zone = READ_ONCE(page->res_list[ub->res_front].target_zone);
		irq = READ_ONCE(page->res_list[ub->res_front].irq_id);
		ret = hvisor_core_relay_irq(zone, irq);
		if (ret == -ENOSPC) {
			blocked = true;
			break;
		}
		if (ret == -ENODEV) {
			/* No hypervisor: no guest to raise it in. */
		} else if (ret) {
			atomic64_inc(&ub->stats.bad_result);
			pr_warn_ratelimited("userspace bridge: interrupt %u for zone %u refused (%d): dropped\n",
					    irq, zone, ret);
		} else {
			atomic64_inc(&ub->stats.results);
		}
		ub->res_front = (ub->res_front + 1) & UB_MASK;
	}
	if (ub->res_front != start)
		/*
		 * Release: our entry loads are done before the daemon may
		 * reuse the slots; pairs with its load of res_front before it
		 * writes an entry.
		 */
		smp_store_release(&page->res_front, ub->res_front);
	return blocked;
}

/* Start the timer unless it runs. */
static void ub_arm(struct hvisor_ubridge *ub)
{
	if (ub->armed)
		return;
	ub->armed = true;
	ub->period_ns = UB_POLL_MIN_NS;
	hrtimer_start(&ub->timer, ns_to_ktime(UB_POLL_MIN_NS),
		      HRTIMER_MODE_REL);
}

/*
 * Answers, results, backlog: everything the daemon may have done. Returns
 * true while something remains outstanding (the timer keeps running).
 */
static bool ub_service(struct hvisor_ubridge *ub, bool *found)
{
	bool blocked;

	*found = ub_scan_answers(ub);
	blocked = ub_drain_results(ub);
	ub_flush(ub);
	return ub->nr_waiting || ub->bl_len || blocked;
}

static enum hrtimer_restart ub_timer_fn(struct hrtimer *timer)
{
	struct hvisor_ubridge *ub = container_of(timer, struct hvisor_ubridge,
						 timer);
	unsigned long flags;
	bool more, found;

	spin_lock_irqsave(&ub->lock, flags);
	more = ub->page && ub_service(ub, &found);
	ub->armed = more;
	if (more) {
		ub->period_ns = found ? UB_POLL_MIN_NS :
				min_t(u64, 2 * ub->period_ns, UB_POLL_MAX_NS);
		hrtimer_forward_now(timer, ns_to_ktime(ub->period_ns));
	}
	spin_unlock_irqrestore(&ub->lock, flags);
	return more ? HRTIMER_RESTART : HRTIMER_NORESTART;
}

/* Put @req at the backlog's tail; false when it is full. */
static bool ub_backlog_add(struct hvisor_ubridge *ub,
			   const struct hvisor_device_req *req)
{
	unsigned int i, idx;

	if (req->need_interrupt) {
		/*
		 * A notify equal to one still waiting adds nothing: the
		 * daemon will look at the whole queue once for that one.
		 */
		for (i = 0; i < ub->bl_len; i++) {
			idx = (ub->bl_head + i) & (UB_BACKLOG - 1);
			if (ub->backlog[idx].need_interrupt &&
			    ub->backlog[idx].address == req->address &&
			    ub->backlog[idx].src_zone == req->src_zone &&
			    ub->backlog[idx].value == req->value)
				return true;
		}
	}
	if (ub->bl_len == UB_BACKLOG)
		return false;
	idx = (ub->bl_head + ub->bl_len) & (UB_BACKLOG - 1);
	ub->backlog[idx] = *req;
	ub->bl_len++;
	return true;
}

/*
 * Take @req (already checked by the core: size, and src_cpu for a waiting
 * one) for the daemon. Returns false when no daemon is attached or it
 * cannot be taken; the caller then answers a waiting vCPU itself.
 */
static bool ub_forward(struct hvisor_ubridge *ub,
		       const struct hvisor_device_req *req)
{
	struct ub_cpu *c = NULL;
	unsigned long flags;
	const char *why;

	spin_lock_irqsave(&ub->lock, flags);
	if (!ub->page) {
		spin_unlock_irqrestore(&ub->lock, flags);
		return false;
	}
	if (!req->need_interrupt) {
		c = &ub->cpu[req->src_cpu];
		if (c->state != UB_IDLE) {
			why = "that cpu waits already";
			goto refuse;
		}
	}
	if (!ub_backlog_add(ub, req)) {
		why = "backlog full";
		goto refuse;
	}
	if (c) {
		c->state = UB_QUEUED;
		c->size = req->size;
		ub->nr_waiting++;
	}
	ub_flush(ub);
	if (ub->nr_waiting || ub->bl_len)
		ub_arm(ub);
	spin_unlock_irqrestore(&ub->lock, flags);
	return true;

refuse:
	atomic64_inc(&ub->stats.overflow);
	spin_unlock_irqrestore(&ub->lock, flags);
	pr_warn_ratelimited("userspace bridge: %s of 0x%llx (zone %u, cpu %llu) not forwarded: %s\n",
			    req->is_write ? "write" : "read", req->address,
			    req->src_zone, req->src_cpu, why);
	/* A refused notify is lost; a waiting vCPU is answered 0. */
	return !!req->need_interrupt;
}

/*
 * Forget every request; waiting vCPUs are answered 0 when @answer (the
 * daemon went away), or not at all (the hypervisor went away).
 */
static unsigned int ub_drop_all(struct hvisor_ubridge *ub, bool answer)
{
	unsigned int cpu, n = 0;

	for (cpu = 0; cpu < HVISOR_BRIDGE_MAX_CPUS; cpu++) {
		struct ub_cpu *c = &ub->cpu[cpu];

		if (c->state == UB_IDLE)
			continue;
		c->state = UB_IDLE;
		n++;
		if (answer)
			hvisor_core_answer(cpu, 0, c->size);
	}
	ub->nr_waiting = 0;
	ub->bl_len = 0;
	return n;
}

/* Start serving @page for @owner. Under ctl_mutex. */
static void ub_attach(struct hvisor_ubridge *ub,
		      struct hvisor_virtio_bridge *page, struct page *pg,
		      struct file *owner)
{
	unsigned long flags;
	unsigned int cpu;

	spin_lock_irqsave(&ub->lock, flags);
	ub->req_rear = 0;
	ub->req_front = 0;
	ub->res_front = 0;
	ub->bad_front = U32_MAX;
	ub->bad_rear = U32_MAX;
	ub->bl_head = 0;
	ub->bl_len = 0;
	ub->nr_waiting = 0;
	for (cpu = 0; cpu < HVISOR_BRIDGE_MAX_CPUS; cpu++)
		ub->cpu[cpu] = (struct ub_cpu) { .state = UB_IDLE };
	ub->owner = owner;
	ub->pg = pg;
	/* Last: forwards start once they see the page. */
	ub->page = page;
	spin_unlock_irqrestore(&ub->lock, flags);
}

/*
 * Stop serving the daemon; answer its waiting vCPUs. Under ctl_mutex.
 * Returns the page for the caller to release, NULL if none was attached.
 */
static struct page *ub_detach(struct hvisor_ubridge *ub, unsigned int *nr)
{
	struct eventfd_ctx *efd;
	unsigned long flags;
	struct page *pg;

	spin_lock_irqsave(&ub->lock, flags);
	pg = ub->pg;
	*nr = ub->page ? ub_drop_all(ub, true) : 0;
	atomic64_add(*nr, &ub->stats.orphaned);
	ub->page = NULL;
	ub->pg = NULL;
	ub->owner = NULL;
	efd = ub->efd;
	ub->efd = NULL;
	ub->armed = false;
	spin_unlock_irqrestore(&ub->lock, flags);
	/* Its callback sees no page and stops. */
	hrtimer_cancel(&ub->timer);
	if (efd)
		eventfd_ctx_put(efd);
	return pg;
}

static void ub_init(struct hvisor_ubridge *ub)
{
	spin_lock_init(&ub->lock);
	mutex_init(&ub->ctl_mutex);
	hrtimer_init(&ub->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	ub->timer.function = ub_timer_fn;
}

/* ------------------------------------------------------------------ */
/* The module's instance.                                              */

/**
 * hvisor_ubridge_setup() - initialise the userspace bridge (module load)
 */
void hvisor_ubridge_setup(void)
{
	ub_init(&ubridge);
}

/**
 * hvisor_ubridge_forward() - hand a request no in-kernel device claims to
 *	the daemon
 * @req: a request the core checked (size; src_cpu when the vCPU waits)
 *
 * Any context (the dispatcher, under its consume lock).
 *
 * Return: true when the request was taken: a waiting vCPU is answered
 * later, by the daemon or with 0 when it goes away. False when no daemon
 * is attached or the request could not be taken: the caller answers a
 * waiting vCPU as for "no device".
 */
bool hvisor_ubridge_forward(const struct hvisor_device_req *req)
{
	if (!READ_ONCE(ubridge.page))
		return false;
	return ub_forward(&ubridge, req);
}

/**
 * hvisor_ubridge_poke() - look for the daemon's answers now
 *
 * Cheap when nothing is outstanding. Any context.
 */
void hvisor_ubridge_poke(void)
{
	struct hvisor_ubridge *ub = &ubridge;
	unsigned long flags;
	bool found;

	if (!READ_ONCE(ub->nr_waiting))
		return;
	spin_lock_irqsave(&ub->lock, flags);
	if (ub->page && ub_service(ub, &found))
		ub_arm(ub);
	spin_unlock_irqrestore(&ub->lock, flags);
}

/**
 * hvisor_ubridge_hv_gone() - the hypervisor detached
 *
 * Its vCPUs are gone with it: forget what they waited for (answers of the
 * daemon that arrive later count as garbage). The daemon stays attached.
 */
void hvisor_ubridge_hv_gone(void)
{
	unsigned long flags;

	spin_lock_irqsave(&ubridge.lock, flags);
	ub_drop_all(&ubridge, false);
	spin_unlock_irqrestore(&ubridge.lock, flags);
}

static u32 ub_stat(atomic64_t *v)
{
	/* The uapi fields are 32 bits wide and wrap. */
	return (u32)atomic64_read(v);
}

/**
 * hvisor_ubridge_get_status() - add the userspace bridge's part of
 *	HVISOR_VHOST_GET_STATUS
 * @st: the status being filled
 */
void hvisor_ubridge_get_status(struct hvisor_vhost_status *st)
{
	struct ub_stats *s = &ubridge.stats;

	if (READ_ONCE(ubridge.page))
		st->flags |= HVISOR_VHOST_F_UBRIDGE;
	st->ub_requests = ub_stat(&s->requests);
	st->ub_orphaned = ub_stat(&s->orphaned);
	st->ub_overflow = ub_stat(&s->overflow);
	st->ub_bad_index = ub_stat(&s->bad_index);
	st->ub_bad_answer = ub_stat(&s->bad_answer);
	st->ub_bad_result = ub_stat(&s->bad_result);
}

/**
 * hvisor_ubridge_init_virtio() - INIT_VIRTIO: attach the caller as the
 *	userspace backend
 * @file: the caller's /dev/hvisor file; it is the daemon's until closed
 *
 * hvisor is not touched: the module owns hvisor's bridge. A second call
 * on the same file is a no-op. Process context.
 *
 * Return: 0, -EPERM, -EBUSY when another file is attached, -ENOMEM.
 */
long hvisor_ubridge_init_virtio(struct file *file)
{
	struct hvisor_ubridge *ub = &ubridge;
	struct page *pg;
	long ret = 0;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	mutex_lock(&ub->ctl_mutex);
	if (ub->owner) {
		ret = ub->owner == file ? 0 : -EBUSY;
		if (ret)
			pr_warn_ratelimited("/dev/hvisor: INIT_VIRTIO: another virtio daemon is attached\n");
		goto out;
	}
	pg = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!pg) {
		ret = -ENOMEM;
		goto out;
	}
	ub_attach(ub, page_address(pg), pg, file);
	pr_info("/dev/hvisor: virtio daemon attached (pid %d): accesses no in-kernel device claims go to it\n",
		task_tgid_nr(current));
out:
	mutex_unlock(&ub->ctl_mutex);
	return ret;
}

/**
 * hvisor_ubridge_set_eventfd() - SET_EVENTFD: the daemon's wakeup
 * @file: the attached daemon's file
 * @fd: an eventfd of the caller; replaces an earlier one
 *
 * Process context.
 *
 * Return: 0, -EPERM, -EINVAL when @file did not attach, or the error of
 * eventfd_ctx_fdget().
 */
long hvisor_ubridge_set_eventfd(struct file *file, int fd)
{
	struct hvisor_ubridge *ub = &ubridge;
	struct eventfd_ctx *ctx, *old = NULL;
	unsigned long flags;
	long ret = 0;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	ctx = eventfd_ctx_fdget(fd);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	mutex_lock(&ub->ctl_mutex);
	if (ub->owner != file) {
		ret = -EINVAL;
		old = ctx;
	} else {
		spin_lock_irqsave(&ub->lock, flags);
		old = ub->efd;
		ub->efd = ctx;
		spin_unlock_irqrestore(&ub->lock, flags);
	}
	mutex_unlock(&ub->ctl_mutex);
	if (old)
		eventfd_ctx_put(old);
	if (ret)
		pr_warn_ratelimited("/dev/hvisor: SET_EVENTFD before INIT_VIRTIO\n");
	return ret;
}

/**
 * hvisor_ubridge_mmap() - mmap of offset 0: the daemon's bridge page
 * @file: the attached daemon's file
 * @vma: one page at offset 0
 *
 * Process context (mmap lock held).
 *
 * Return: 0, -EINVAL when @file did not attach or the size is not one
 * page, or the error of vm_insert_page().
 */
int hvisor_ubridge_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct hvisor_ubridge *ub = &ubridge;
	int ret = -EINVAL;

	if (vma->vm_end - vma->vm_start != PAGE_SIZE)
		return -EINVAL;
	mutex_lock(&ub->ctl_mutex);
	if (ub->owner == file)
		ret = vm_insert_page(vma, vma->vm_start, ub->pg);
	mutex_unlock(&ub->ctl_mutex);
	if (ret == -EINVAL)
		pr_warn_ratelimited("/dev/hvisor: mmap of the virtio bridge: call INIT_VIRTIO on this file first, and map one page\n");
	return ret;
}

/**
 * hvisor_ubridge_finish_req() - FINISH_REQ from the daemon
 * @file: the caller's file
 *
 * Relays the daemon's result entries to hvisor (with FINISH_REQ there)
 * and takes the occasion to look for answers. Process context.
 *
 * Return: 0, or -ENOENT when @file is not the attached daemon's (the
 * caller then does what FINISH_REQ always did).
 */
long hvisor_ubridge_finish_req(struct file *file)
{
	struct hvisor_ubridge *ub = &ubridge;
	unsigned long flags;
	long ret = -ENOENT;
	bool found;

	spin_lock_irqsave(&ub->lock, flags);
	if (ub->page && ub->owner == file) {
		if (ub_service(ub, &found))
			ub_arm(ub);
		ret = 0;
	}
	spin_unlock_irqrestore(&ub->lock, flags);
	return ret;
}

/**
 * hvisor_ubridge_release() - a /dev/hvisor file is closed
 * @file: the file; when it is the daemon's, the daemon detaches
 *
 * The last close comes after every mapping of the file is gone (each
 * holds the file), killed daemons included. Waiting vCPUs are answered 0
 * (a read sees no device). Process context.
 */
void hvisor_ubridge_release(struct file *file)
{
	struct hvisor_ubridge *ub = &ubridge;
	struct page *pg = NULL;
	unsigned int nr = 0;

	mutex_lock(&ub->ctl_mutex);
	if (ub->owner == file)
		pg = ub_detach(ub, &nr);
	mutex_unlock(&ub->ctl_mutex);
	if (!pg)
		return;
	__free_page(pg);
	if (nr)
		pr_warn("/dev/hvisor: virtio daemon detached with %u vCPUs waiting: answered 0\n",
			nr);
	else
		pr_info("/dev/hvisor: virtio daemon detached\n");
}
