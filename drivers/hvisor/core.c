// SPDX-License-Identifier: GPL-2.0
/*
 * The core of hvisor_vhost: the attached hypervisor, the bridge dispatcher
 * that turns trapped accesses into register emulation, interrupt injection
 * and the safety net against lost wakeups.
 *
 * Contexts: hvisor_vhost_wakeup() runs wherever the hypervisor's wakeup
 * arrives (hard interrupt with real hvisor, irq_work or a spinning guest
 * vCPU with the simulator), so the dispatcher never sleeps. Long bursts are
 * continued from a high-priority work item; a timer re-checks the ring.
 *
 * Lost wakeups: hvisor stores req_rear and then loads need_wakeup with no
 * full barrier between them, so a request queued just as the dispatcher
 * re-arms need_wakeup can go unannounced. After every wakeup a short
 * re-check (HVISOR_CORE_RECHECK_MIN_NS later, pushed back by each newer
 * wakeup) picks such a request up, backing off while the ring stays
 * empty and stopping after HVISOR_CORE_RECHECK_MAX_NS; the 100 ms safety
 * timer remains for anything later. A hypervisor that sends no wakeups at
 * all (hv->poll_us) keeps the re-check running, at most poll_us apart.
 */

#define pr_fmt(fmt) "hvisor_vhost: " fmt

#include <linux/atomic.h>
#include <linux/gfp.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <linux/hvisor_vhost.h>
#include <hvisor/vhost_hv.h>

#include "bridge.h"
#include "compat.h"
#include "core.h"
#include "ubridge.h"
#include "vdev.h"
#include "zone.h"

/* Requests handled per wakeup in interrupt context before punting. */
#define HVISOR_CORE_IRQ_BUDGET		64
/* Requests handled per run of the poll work before requeueing it. */
#define HVISOR_CORE_WORK_BUDGET		256
/* Period of the lost-wakeup safety net. */
#define HVISOR_CORE_SAFETY_PERIOD	(HZ / 10)
/* First re-check after a wakeup; doubles while the ring stays empty... */
#define HVISOR_CORE_RECHECK_MIN_NS	(50 * NSEC_PER_USEC)
/* ... and stops beyond this (unless the hypervisor is polled). */
#define HVISOR_CORE_RECHECK_MAX_NS	(2 * NSEC_PER_MSEC)

/* Serialises control-plane changes; see core.h. */
DEFINE_MUTEX(hvisor_ctl_mutex);

/**
 * struct hvisor_core_stats - bridge counters (HVISOR_VHOST_GET_STATUS)
 * @requests: requests consumed
 * @notifies: of which posted QueueNotify requests
 * @interrupts: result ring entries pushed
 * @finish_calls: FINISH_REQ calls
 * @wakeups: calls of hvisor_vhost_wakeup()
 * @safety_net: requests found by the timer that nobody woke us for
 * @rechecks: re-checks after a wakeup (or polls of a hypervisor without
 *	wakeups) that found requests waiting
 * @bad_requests: malformed requests dropped
 * @irq_deferred: injections that found the result ring full and were
 *	left on the pending list
 */
struct hvisor_core_stats {
	atomic64_t requests;
	atomic64_t notifies;
	atomic64_t interrupts;
	atomic64_t finish_calls;
	atomic64_t wakeups;
	atomic64_t safety_net;
	atomic64_t rechecks;
	atomic64_t bad_requests;
	atomic64_t irq_deferred;
};

/**
 * struct hvisor_core - the module's single bridge
 * @hv: attached hypervisor; written under hvisor_ctl_mutex, read with
 *	READ_ONCE() by the data path, which only runs while @live
 * @live: the bridge is registered with @hv and requests may arrive
 * @page: the bridge page
 * @bridge: ring logic on @page
 * @consume_lock: serialises consumers of the request ring; taken with
 *	trylock and interrupts disabled from any context (see
 *	hvisor_core_poll())
 * @wq: high-priority workqueue for the poll work and deferred resets
 * @rm_wq: device removals nobody waits for; apart from @wq because they
 *	flush resets queued there (and may wait long for a backing)
 * @poll_work: continues a burst that exceeded the interrupt budget
 * @safety_timer: periodic re-check of the request ring and of
 *	@irq_pending
 * @recheck: the short re-check of the request ring after a wakeup (see
 *	the top of this file); hrtimer's own lock serialises starting it
 * @recheck_ns: its current period; reset by each wakeup, doubled by the
 *	callback (READ_ONCE/WRITE_ONCE: a stale value only shifts one
 *	re-check)
 * @irq_pending: devices whose interrupt found the result ring full, in
 *	the order they failed, linked by hvisor_vdev.irq_node (under
 *	bridge.res_lock); each is pushed again before any newer interrupt
 * @nr_irq_pending: entries in @irq_pending; written under bridge.res_lock,
 *	read without it to skip taking the lock when there are none
 * @stats: counters
 */
static struct hvisor_core {
	struct hvisor_vhost_hv *hv;
	bool live;
	struct hvisor_virtio_bridge *page;
	struct hvisor_bridge bridge;
	spinlock_t consume_lock;	/* request ring consumers */
	struct workqueue_struct *wq;
	struct workqueue_struct *rm_wq;
	struct work_struct poll_work;
	struct timer_list safety_timer;
	struct hrtimer recheck;
	u64 recheck_ns;
	struct list_head irq_pending;
	unsigned int nr_irq_pending;
	struct hvisor_core_stats stats;
} core;

struct hvisor_vhost_hv *hvisor_core_hv(void)
{
	return READ_ONCE(core.hv);
}

struct workqueue_struct *hvisor_core_wq(void)
{
	return core.wq;
}

struct workqueue_struct *hvisor_core_rm_wq(void)
{
	return core.rm_wq;
}

static bool hvisor_core_req_valid(const struct hvisor_device_req *req)
{
	switch (req->size) {
	case 1: case 2: case 4: case 8:
		break;
	default:
		return false;
	}
	return req->src_cpu < HVISOR_BRIDGE_MAX_CPUS || req->need_interrupt;
}

static int hvisor_core_access(const struct hvisor_device_req *req,
			      u64 *value)
{
	u64 offset = req->address & (HVISOR_VIRTIO_REGION_SIZE - 1);
	struct hvisor_vdev *vdev;
	int ret = 0;

	rcu_read_lock();
	vdev = hvisor_registry_dev_rcu(req->src_zone, req->address);
	if (!vdev) {
		/* Not ours: a userspace backend's, if one is attached. */
		if (hvisor_ubridge_forward(req)) {
			ret = HVISOR_MMIO_DEFERRED;
		} else {
			pr_warn_ratelimited("zone %u: %s of %llu bytes at 0x%llx: no device there\n",
					    req->src_zone,
					    req->is_write ? "write" : "read",
					    req->size, req->address);
			*value = 0;
		}
	} else if (req->is_write) {
		ret = hvisor_vdev_mmio_write(vdev, offset, req->size,
					     req->value, req->src_cpu);
	} else {
		*value = hvisor_vdev_mmio_read(vdev, offset, req->size);
	}
	rcu_read_unlock();
	return ret;
}

/*
 * Handle one request copied out of the ring. Exactly the requests with
 * need_interrupt == 0 are answered: their vCPU spins until we do.
 */
static void hvisor_core_handle(const struct hvisor_device_req *req)
{
	u64 value = 0;
	int ret;

	atomic64_inc(&core.stats.requests);
	if (req->need_interrupt)
		atomic64_inc(&core.stats.notifies);
	if (!hvisor_core_req_valid(req)) {
		atomic64_inc(&core.stats.bad_requests);
		pr_warn_ratelimited("malformed request: cpu %llu size %llu addr 0x%llx\n",
				    req->src_cpu, req->size, req->address);
		if (req->src_cpu < HVISOR_BRIDGE_MAX_CPUS && !req->need_interrupt)
			hvisor_bridge_answer(&core.bridge, req->src_cpu, 0, 8);
		return;
	}
	ret = hvisor_core_access(req, &value);
	if (!req->need_interrupt && ret != HVISOR_MMIO_DEFERRED)
		hvisor_bridge_answer(&core.bridge, req->src_cpu, value,
				     req->size);
}

/*
 * Consume the request ring. Any context. Returns false when the budget ran
 * out and the rest was handed to the poll work.
 *
 * A caller that fails the trylock returns at once: the holder re-checks
 * the ring after it unlocks, so a request queued before that failed
 * trylock is seen by someone.
 */
static bool hvisor_core_poll(unsigned int budget)
{
	struct hvisor_device_req req;
	unsigned long flags;
	bool more;

again:
	if (!spin_trylock_irqsave(&core.consume_lock, flags))
		return true;
	hvisor_bridge_stop_wakeups(&core.bridge);
	while (budget && hvisor_bridge_pop_req(&core.bridge, &req)) {
		hvisor_core_handle(&req);
		budget--;
	}
	if (!budget) {
		/* need_wakeup stays 0: the poll work is on its way. */
		spin_unlock_irqrestore(&core.consume_lock, flags);
		queue_work(core.wq, &core.poll_work);
		return false;
	}
	more = hvisor_bridge_arm_wakeup(&core.bridge);
	spin_unlock_irqrestore(&core.consume_lock, flags);
	if (more)
		goto again;
	/*
	 * Order the unlock above before the re-load of req_rear below; pairs
	 * with a kicker that queued a request and then failed the trylock
	 * (the trylock's atomic access follows the producer's req_rear store).
	 */
	smp_mb();
	if (hvisor_bridge_req_pending(&core.bridge))
		goto again;
	return true;
}

/* FINISH_REQ: hvisor drains the result ring and injects. Under res_lock. */
static void hvisor_core_finish(struct hvisor_vhost_hv *hv)
{
	hv->ops->finish_req(hv);
	atomic64_inc(&core.stats.finish_calls);
}

/*
 * Push {zone, irq} of @vdev, with one FINISH_REQ to make room when the
 * ring is full. Under res_lock. Returns 0 or -ENOSPC.
 */
static int hvisor_core_push_raw(struct hvisor_vhost_hv *hv, u32 zone,
				u32 irq)
{
	int ret;

	ret = hvisor_bridge_push_res(&core.bridge, zone, irq);
	if (ret == -ENOSPC) {
		hvisor_core_finish(hv);
		ret = hvisor_bridge_push_res(&core.bridge, zone, irq);
	}
	if (!ret)
		atomic64_inc(&core.stats.interrupts);
	return ret;
}

static int hvisor_core_push(struct hvisor_vhost_hv *hv,
			    struct hvisor_vdev *vdev)
{
	return hvisor_core_push_raw(hv, vdev->zone->id, vdev->irq);
}

/*
 * Push the pending interrupts, oldest first, until the ring refuses one.
 * Under res_lock. Returns true when something was pushed.
 */
static bool hvisor_core_push_pending(struct hvisor_vhost_hv *hv)
{
	struct hvisor_vdev *vdev, *next;
	bool pushed = false;

	list_for_each_entry_safe(vdev, next, &core.irq_pending, irq_node) {
		if (hvisor_core_push(hv, vdev))
			break;
		list_del_init(&vdev->irq_node);
		WRITE_ONCE(core.nr_irq_pending, core.nr_irq_pending - 1);
		pushed = true;
	}
	return pushed;
}

/*
 * Retry the interrupts that found the result ring full. Any context; the
 * wakeup path and the safety timer call it, so a ring hvisor drains again
 * later delivers them even when no device injects anything new.
 */
static void hvisor_core_retry_irqs(void)
{
	struct hvisor_vhost_hv *hv = READ_ONCE(core.hv);
	unsigned long flags;

	if (!hv || !READ_ONCE(core.live) || !READ_ONCE(core.nr_irq_pending))
		return;
	spin_lock_irqsave(&core.bridge.res_lock, flags);
	if (hvisor_core_push_pending(hv))
		hvisor_core_finish(hv);
	spin_unlock_irqrestore(&core.bridge.res_lock, flags);
}

/* (Re)start the short re-check series: the first one MIN_NS from now. */
static void hvisor_core_recheck_start(void)
{
	WRITE_ONCE(core.recheck_ns, HVISOR_CORE_RECHECK_MIN_NS);
	hrtimer_start(&core.recheck, ns_to_ktime(HVISOR_CORE_RECHECK_MIN_NS),
		      HRTIMER_MODE_REL);
}

/*
 * The next period: back to the shortest when requests were waiting,
 * doubled otherwise; 0 to stop. A polled hypervisor never stops and waits
 * at most poll_us.
 */
static u64 hvisor_core_recheck_next(const struct hvisor_vhost_hv *hv,
				    bool found)
{
	u64 ns = found ? HVISOR_CORE_RECHECK_MIN_NS :
		 2 * READ_ONCE(core.recheck_ns);

	if (hv->poll_us)
		return min_t(u64, ns, (u64)hv->poll_us * NSEC_PER_USEC);
	return ns > HVISOR_CORE_RECHECK_MAX_NS ? 0 : ns;
}

static enum hrtimer_restart hvisor_core_recheck(struct hrtimer *timer)
{
	struct hvisor_vhost_hv *hv = READ_ONCE(core.hv);
	bool found;
	u64 ns;

	if (!hv || !READ_ONCE(core.live))
		return HRTIMER_NORESTART;
	found = hvisor_bridge_req_pending(&core.bridge);
	if (found) {
		atomic64_inc(&core.stats.rechecks);
		hvisor_core_poll(HVISOR_CORE_IRQ_BUDGET);
	}
	ns = hvisor_core_recheck_next(hv, found);
	if (ns) {
		/*
		 * Not hrtimer_forward_now(): a wakeup on another CPU may have
		 * started the timer again meanwhile; hrtimer_start() is right
		 * in both cases (the later start wins).
		 */
		WRITE_ONCE(core.recheck_ns, ns);
		hrtimer_start(timer, ns_to_ktime(ns), HRTIMER_MODE_REL);
	}
	return HRTIMER_NORESTART;
}

/**
 * hvisor_vhost_wakeup() - the hypervisor has queued requests
 *
 * The wakeup interrupt of hvisor, or its simulation. Handles what is in the
 * request ring; callable in any context, hard interrupt with interrupts
 * disabled included, and concurrently from several CPUs.
 */
void hvisor_vhost_wakeup(void)
{
	/* See hvisor_core_poll_work(); not with interrupts disabled. */
	bool bh_off = !(hardirq_count() | softirq_count()) && !irqs_disabled();

	if (!READ_ONCE(core.live))
		return;
	atomic64_inc(&core.stats.wakeups);
	if (bh_off)
		local_bh_disable();
	hvisor_core_poll(HVISOR_CORE_IRQ_BUDGET);
	if (bh_off)
		local_bh_enable();
	hvisor_core_retry_irqs();
	hvisor_ubridge_poke();
	hvisor_core_recheck_start();
}
EXPORT_SYMBOL_NS_GPL(hvisor_vhost_wakeup, HVISOR_VHOST_SIM_NS);

/**
 * hvisor_vhost_sim_poll() - a simulated vCPU lends its time to a device
 * @zone_id: the zone of the device
 * @addr: guest-physical address of the device's region
 * @qidx: the queue the vCPU just notified
 *
 * The simulator's guest runs on root's CPUs: a guest context that notified
 * a queue with interrupts disabled and now spins for the buffer (Linux's
 * hvc console does) would otherwise wait for a worker that may need this
 * very CPU. The device type's poll does that work here instead
 * (hvisor_vdev_poll()). Real hvisor never calls it: its vCPUs are not
 * root's. Any context.
 */
void hvisor_vhost_sim_poll(u32 zone_id, u64 addr, u32 qidx)
{
	struct hvisor_vdev *vdev;

	if (!READ_ONCE(core.live))
		return;
	rcu_read_lock();
	vdev = hvisor_registry_dev_rcu(zone_id, addr);
	if (vdev)
		hvisor_vdev_poll(vdev, qidx);
	rcu_read_unlock();
}
EXPORT_SYMBOL_NS_GPL(hvisor_vhost_sim_poll, HVISOR_VHOST_SIM_NS);

/*
 * The device types' callbacks may raise softirqs (the net backend's
 * napi_schedule() on QueueNotify and DRIVER_OK). Raised in process
 * context, a softirq runs only at this CPU's next interrupt or
 * local_bh_enable(): an idle NOHZ CPU may sleep on it ("NOHZ tick-stop
 * error: local softirq work is pending"). With bottom halves disabled
 * around the poll, local_bh_enable() runs them, as netif_rx() does. The
 * callbacks themselves cannot do it: they run under consume_lock with
 * interrupts disabled, where local_bh_enable() must not be called.
 * Interrupt context runs them on its way out; a caller in process
 * context with interrupts disabled (a spinning simulated guest) leaves
 * them to this CPU's next interrupt.
 */
static void hvisor_core_poll_work(struct work_struct *work)
{
	if (!READ_ONCE(core.live))
		return;
	local_bh_disable();
	hvisor_core_poll(HVISOR_CORE_WORK_BUDGET);
	local_bh_enable();
}

static void hvisor_core_safety(struct timer_list *t)
{
	if (!READ_ONCE(core.live))
		return;
	if (hvisor_bridge_req_pending(&core.bridge)) {
		atomic64_inc(&core.stats.safety_net);
		hvisor_core_poll(HVISOR_CORE_IRQ_BUDGET);
	}
	hvisor_core_retry_irqs();
	mod_timer(&core.safety_timer, jiffies + HVISOR_CORE_SAFETY_PERIOD);
}

/**
 * hvisor_core_inject() - inject a device's interrupt into its zone
 * @vdev: the device
 *
 * Appends {zone, irq} to the result ring and makes the FINISH_REQ call,
 * which drains the ring. When the ring stays full even after a FINISH_REQ
 * the interrupt is not lost: the device goes on a pending list, pushed
 * again before any later interrupt, after each wakeup and by the safety
 * timer. Its InterruptStatus stays set meanwhile, so the transport asks
 * for no other injection of it; a device already pending is not queued
 * twice. Any context.
 */
void hvisor_core_inject(struct hvisor_vdev *vdev)
{
	struct hvisor_vhost_hv *hv = READ_ONCE(core.hv);
	unsigned long flags;
	bool deferred = false, pushed;

	if (!hv || !READ_ONCE(core.live))
		return;
	spin_lock_irqsave(&core.bridge.res_lock, flags);
	/* Older interrupts first; the ring is no fuller than before. */
	pushed = hvisor_core_push_pending(hv);
	if (!list_empty(&vdev->irq_node)) {
		/* Pending already: that entry will do. */
	} else if (!list_empty(&core.irq_pending) || hvisor_core_push(hv, vdev)) {
		list_add_tail(&vdev->irq_node, &core.irq_pending);
		WRITE_ONCE(core.nr_irq_pending, core.nr_irq_pending + 1);
		atomic64_inc(&core.stats.irq_deferred);
		deferred = true;
	} else {
		pushed = true;
	}
	if (pushed)
		hvisor_core_finish(hv);
	spin_unlock_irqrestore(&core.bridge.res_lock, flags);
	if (deferred)
		pr_warn_ratelimited("result ring full: interrupt %u of zone %u deferred\n",
				    vdev->irq, vdev->zone->id);
}

/**
 * hvisor_core_relay_irq() - inject an interrupt a userspace backend asked for
 * @zone: target zone of its result ring entry
 * @irq: interrupt number of that entry
 *
 * As hvisor_core_inject(), for an entry of the userspace bridge's result
 * ring: pushed after the devices' deferred interrupts, then FINISH_REQ.
 * Any context.
 *
 * Return: 0; -ENOSPC when hvisor's result ring stays full (try again
 * later); -ENODEV without a hypervisor; -EINVAL for a zone the module
 * does not know.
 */
int hvisor_core_relay_irq(u32 zone, u32 irq)
{
	struct hvisor_vhost_hv *hv = READ_ONCE(core.hv);
	unsigned long flags;
	bool known;
	int ret;

	if (!hv || !READ_ONCE(core.live))
		return -ENODEV;
	rcu_read_lock();
	known = hvisor_registry_zone_rcu(zone);
	rcu_read_unlock();
	if (!known)
		return -EINVAL;
	spin_lock_irqsave(&core.bridge.res_lock, flags);
	hvisor_core_push_pending(hv);
	/* Older interrupts first. */
	ret = list_empty(&core.irq_pending) ?
	      hvisor_core_push_raw(hv, zone, irq) : -ENOSPC;
	hvisor_core_finish(hv);
	spin_unlock_irqrestore(&core.bridge.res_lock, flags);
	if (ret)
		atomic64_inc(&core.stats.irq_deferred);
	return ret;
}

/**
 * hvisor_core_inject_cancel() - forget a device's deferred interrupt
 * @vdev: a device being removed, which injects nothing any more
 *
 * Any context.
 */
void hvisor_core_inject_cancel(struct hvisor_vdev *vdev)
{
	unsigned long flags;

	spin_lock_irqsave(&core.bridge.res_lock, flags);
	if (!list_empty(&vdev->irq_node)) {
		list_del_init(&vdev->irq_node);
		WRITE_ONCE(core.nr_irq_pending, core.nr_irq_pending - 1);
	}
	spin_unlock_irqrestore(&core.bridge.res_lock, flags);
}

/**
 * hvisor_core_irq_lowered() - a device's InterruptStatus became 0
 * @vdev: the device (InterruptACK cleared its last bit, or it was reset)
 *
 * Tells a hypervisor with level-like virtio interrupts to lower the line.
 * Any context; called under vdev->lock (see hvisor_vdev_ack()).
 */
void hvisor_core_irq_lowered(struct hvisor_vdev *vdev)
{
	struct hvisor_vhost_hv *hv = READ_ONCE(core.hv);

	if (hv && READ_ONCE(core.live) && hv->ops->irq_lowered)
		hv->ops->irq_lowered(hv, vdev->zone->id, vdev->irq);
}

/**
 * hvisor_core_irq_status_read() - the driver read InterruptStatus
 * @vdev: the device
 *
 * Any context, not under vdev->lock.
 */
void hvisor_core_irq_status_read(struct hvisor_vdev *vdev)
{
	struct hvisor_vhost_hv *hv = READ_ONCE(core.hv);

	if (hv && READ_ONCE(core.live) && hv->ops->irq_status_read)
		hv->ops->irq_status_read(hv, vdev->zone->id, vdev->irq);
}

/**
 * hvisor_core_finish_req() - FINISH_REQ asked for by user space
 *
 * For /dev/hvisor (hvisor-tool's FINISH_REQ ioctl): drains the result ring
 * as hvisor_core_inject() does, under the result ring's producer lock so
 * that the hypervisor's consumer never runs twice at once.
 *
 * Context: process.
 * Return: 0, or -ENODEV when no hypervisor is attached.
 */
int hvisor_core_finish_req(void)
{
	struct hvisor_vhost_hv *hv;
	unsigned long flags;
	int ret = -ENODEV;

	/* The hypervisor cannot detach meanwhile. */
	mutex_lock(&hvisor_ctl_mutex);
	hv = core.hv;
	if (hv && READ_ONCE(core.live)) {
		spin_lock_irqsave(&core.bridge.res_lock, flags);
		hv->ops->finish_req(hv);
		atomic64_inc(&core.stats.finish_calls);
		spin_unlock_irqrestore(&core.bridge.res_lock, flags);
		ret = 0;
	}
	mutex_unlock(&hvisor_ctl_mutex);
	return ret;
}

/**
 * hvisor_core_answer() - answer a vCPU whose access was deferred
 * @cpu: src_cpu of the request
 * @value: value for a read
 * @size: access size
 */
void hvisor_core_answer(u32 cpu, u64 value, u64 size)
{
	if (READ_ONCE(core.live))
		hvisor_bridge_answer(&core.bridge, cpu, value, size);
}

static int hvisor_core_start(struct hvisor_vhost_hv *hv)
{
	int ret;

	core.page = (void *)get_zeroed_page(GFP_KERNEL);
	if (!core.page)
		return -ENOMEM;
	hvisor_bridge_init(&core.bridge, core.page);
	WRITE_ONCE(core.hv, hv);
	/* Requests may arrive as soon as the hypervisor has the page. */
	WRITE_ONCE(core.live, true);
	ret = hv->ops->init_virtio(hv, core.page, virt_to_phys(core.page));
	if (ret) {
		WRITE_ONCE(core.live, false);
		WRITE_ONCE(core.hv, NULL);
		free_page((unsigned long)core.page);
		core.page = NULL;
		return ret;
	}
	mod_timer(&core.safety_timer, jiffies + HVISOR_CORE_SAFETY_PERIOD);
	/* Ask for the first wakeup; serve what came before we asked. */
	if (hvisor_bridge_arm_wakeup(&core.bridge))
		hvisor_vhost_wakeup();
	/* Without wakeups, polling is all there is. */
	if (hv->poll_us)
		hvisor_core_recheck_start();
	return 0;
}

/**
 * hvisor_vhost_attach() - attach a hypervisor to the bridge
 * @hv: the hypervisor (the simulator, or real hvisor from this module)
 *
 * Allocates the bridge page and hands it over (INIT_VIRTIO). Only one
 * hypervisor can be attached.
 *
 * Return: 0, -EBUSY when one is attached already, or the error of
 * init_virtio.
 */
int hvisor_vhost_attach(struct hvisor_vhost_hv *hv)
{
	int ret;

	mutex_lock(&hvisor_ctl_mutex);
	if (core.hv) {
		pr_err("%s: hypervisor %s is attached already\n", hv->name,
		       core.hv->name);
		ret = -EBUSY;
		goto out;
	}
	ret = hvisor_core_start(hv);
	if (ret)
		goto out;
	hvisor_registry_open();
	pr_info("attached to %s\n", hv->name);
out:
	mutex_unlock(&hvisor_ctl_mutex);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(hvisor_vhost_attach, HVISOR_VHOST_SIM_NS);

/*
 * Real hvisor keeps using the page it was given (it has no call to forget
 * it), so only a hypervisor with exit_virtio gets its page freed.
 */
static void hvisor_core_stop(struct hvisor_vhost_hv *hv)
{
	phys_addr_t pa = virt_to_phys(core.page);

	WRITE_ONCE(core.live, false);
	del_timer_sync(&core.safety_timer);
	/* Its callback does not restart once it sees !live. */
	hrtimer_cancel(&core.recheck);
	cancel_work_sync(&core.poll_work);
	/* Every device was removed, and with it its deferred interrupt. */
	WARN_ON_ONCE(!list_empty(&core.irq_pending));
	/* Wait for dispatchers that saw live == true. */
	spin_lock_irq(&core.consume_lock);
	spin_unlock_irq(&core.consume_lock);
	if (hv->ops->exit_virtio) {
		hv->ops->exit_virtio(hv);
		free_page((unsigned long)core.page);
	} else {
		pr_info("bridge page at %pa stays allocated: hvisor may still use it\n",
			&pa);
	}
	core.page = NULL;
	WRITE_ONCE(core.hv, NULL);
	hvisor_ubridge_hv_gone();
}

/**
 * hvisor_vhost_detach() - detach the hypervisor
 * @hv: the hypervisor given to hvisor_vhost_attach()
 *
 * Removes every device (the simulator unplugs its guest side as asked)
 * and waits until each is freed, forgets every zone and stops the
 * dispatcher. The hypervisor stays attached while devices are removed:
 * their removal still talks to it.
 */
void hvisor_vhost_detach(struct hvisor_vhost_hv *hv)
{
	mutex_lock(&hvisor_ctl_mutex);
	if (WARN_ON(core.hv != hv)) {
		mutex_unlock(&hvisor_ctl_mutex);
		return;
	}
	mutex_unlock(&hvisor_ctl_mutex);
	/* Takes the mutex itself; nothing can be added from then on. */
	hvisor_registry_remove_all();
	mutex_lock(&hvisor_ctl_mutex);
	hvisor_core_stop(hv);
	mutex_unlock(&hvisor_ctl_mutex);
	pr_info("detached from %s\n", hv->name);
}
EXPORT_SYMBOL_NS_GPL(hvisor_vhost_detach, HVISOR_VHOST_SIM_NS);

/**
 * hvisor_vhost_zone_add_ram() - declare guest RAM of a zone
 * @zone_id: zone, >= 1; created when new
 * @gpa: guest-physical start
 * @kva: where root's kernel reaches it; must stay valid while the module
 *	is loaded
 * @size: bytes
 *
 * For the simulator, whose guest RAM is root's own. Real zones use the
 * HVISOR_VHOST_ZONE_ADD_MEM ioctl. The zone stays until the hypervisor
 * detaches: HVISOR_VHOST_ZONE_DEL refuses it (EBUSY).
 *
 * Return: 0 or a negative errno.
 */
int hvisor_vhost_zone_add_ram(u32 zone_id, u64 gpa, void *kva, u64 size)
{
	return hvisor_vhost_zone_add_ram_pa(zone_id, gpa, kva, 0, size);
}
EXPORT_SYMBOL_NS_GPL(hvisor_vhost_zone_add_ram, HVISOR_VHOST_SIM_NS);

/**
 * hvisor_vhost_zone_add_ram_pa() - declare guest RAM whose root physical
 *	address is known
 * @zone_id: zone, >= 1; created when new
 * @gpa: guest-physical start
 * @kva: where root's kernel reaches it (as for hvisor_vhost_zone_add_ram())
 * @pa: root physical address of @gpa
 * @size: bytes
 *
 * As hvisor_vhost_zone_add_ram(), and the range becomes RAM of a known
 * zone: /dev/hvisor lets a userspace virtio backend map it (the
 * simulator's user_ram parameter, for tests of the userspace bridge).
 *
 * Return: 0 or a negative errno.
 */
int hvisor_vhost_zone_add_ram_pa(u32 zone_id, u64 gpa, void *kva,
				 phys_addr_t pa, u64 size)
{
	int ret;

	mutex_lock(&hvisor_ctl_mutex);
	ret = hvisor_registry_add_hv_ram(zone_id, gpa, kva, pa, size);
	mutex_unlock(&hvisor_ctl_mutex);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(hvisor_vhost_zone_add_ram_pa, HVISOR_VHOST_SIM_NS);

/**
 * hvisor_core_get_status() - fill the answer of HVISOR_VHOST_GET_STATUS
 * @st: zeroed status to fill
 */
void hvisor_core_get_status(struct hvisor_vhost_status *st)
{
	struct hvisor_vhost_hv *hv;

	mutex_lock(&hvisor_ctl_mutex);
	hv = core.hv;
	st->abi_version = HVISOR_VHOST_ABI_VERSION;
	if (hv) {
		st->flags |= HVISOR_VHOST_F_ATTACHED;
		if (hv->simulated)
			st->flags |= HVISOR_VHOST_F_SIMULATOR;
		strscpy(st->hypervisor, hv->name, sizeof(st->hypervisor));
	}
	st->nr_zones = hvisor_registry_nr_zones();
	st->nr_devices = hvisor_registry_nr_devices();
	mutex_unlock(&hvisor_ctl_mutex);
	st->requests = atomic64_read(&core.stats.requests);
	st->notifies = atomic64_read(&core.stats.notifies);
	st->interrupts = atomic64_read(&core.stats.interrupts);
	st->finish_calls = atomic64_read(&core.stats.finish_calls);
	st->wakeups = atomic64_read(&core.stats.wakeups);
	st->safety_net = atomic64_read(&core.stats.safety_net);
	st->rechecks = atomic64_read(&core.stats.rechecks);
	st->bad_requests = atomic64_read(&core.stats.bad_requests);
	st->irq_deferred = atomic64_read(&core.stats.irq_deferred);
	hvisor_ubridge_get_status(st);
}

int hvisor_core_init(void)
{
	spin_lock_init(&core.consume_lock);
	INIT_WORK(&core.poll_work, hvisor_core_poll_work);
	timer_setup(&core.safety_timer, hvisor_core_safety, 0);
	hrtimer_init(&core.recheck, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	core.recheck.function = hvisor_core_recheck;
	INIT_LIST_HEAD(&core.irq_pending);
	hvisor_ubridge_setup();
	core.wq = alloc_workqueue("hvisor_vhost", WQ_HIGHPRI | WQ_MEM_RECLAIM,
				  0);
	if (!core.wq)
		return -ENOMEM;
	core.rm_wq = alloc_workqueue("hvisor_vhost_rm", WQ_UNBOUND, 0);
	if (!core.rm_wq) {
		destroy_workqueue(core.wq);
		return -ENOMEM;
	}
	return 0;
}

/* After every device is freed; waits for the removal works to return. */
void hvisor_core_exit(void)
{
	/* A wakeup that raced with hvisor_core_stop() may have started it. */
	hrtimer_cancel(&core.recheck);
	destroy_workqueue(core.rm_wq);
	destroy_workqueue(core.wq);
}
