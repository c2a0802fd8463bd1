// SPDX-License-Identifier: GPL-2.0
/*
 * The hypervisor side of the simulator: what hvisor does with the bridge.
 *
 * A trapped guest access becomes a struct hvisor_device_req in the request
 * ring, computed exactly as hvisor computes it; the wakeup interrupt is
 * delivered when root asked for it (need_wakeup == 1); a waiting access
 * spins on cfg_flags[src_cpu] until root answers; FINISH_REQ drains the
 * result ring and raises the guest interrupts.
 *
 * Where the simulation must differ from hvisor, it is because the "vCPU"
 * here is a Linux context that may sleep, migrate, or be the very CPU that
 * has to run root's consumer:
 *
 * - src_cpu of a waiting access is a "simulated vCPU id": a slot 0..31
 *   taken from a bitmap for the duration of the access. In hvisor a vCPU is
 *   pinned to its physical CPU and waits there with nothing else running,
 *   so the physical CPU number is a free slot of cfg_flags; here two
 *   waiting contexts may share a CPU (one slept, the other runs) and a
 *   context may migrate, so the CPU number would not be unique.
 * - Never deadlock: a waiter that cannot sleep (interrupts or preemption
 *   disabled, or in an RCU read-side section) runs root's consumer itself
 *   after a short spin ("helps"; hvisor_vhost_wakeup() is callable in any
 *   context and serialises itself), because the wakeup it sent may be
 *   queued behind its own disabled interrupts. A waiter that can sleep
 *   sleeps. Every wait ends after timeout_ms with an error: a read then
 *   returns all ones, like a bus error, and the machine keeps running.
 */

#define pr_fmt(fmt) "hvisor_vhost_sim: " fmt

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/irq_work.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <hvisor/vhost_hv.h>
#include <hvisor/virtio_bridge.h>

#include "sim.h"

#define SIM_RING_MASK		(HVISOR_BRIDGE_MAX_REQ - 1)
#define SIM_NR_SLOTS_CPU	HVISOR_BRIDGE_MAX_CPUS
/* A helping waiter runs the consumer at most this often. */
#define SIM_HELP_INTERVAL_NS	2000
/* How long module unload waits for a wakeup IPI in flight. */
#define SIM_IPI_DRAIN_MS	5000

static char *wakeup = "remote";
module_param(wakeup, charp, 0444);
MODULE_PARM_DESC(wakeup,
		 "delivery of hvisor's wakeup interrupt: remote (IPI to another CPU, default), local (irq_work on this CPU), direct (call the consumer inline), none (never: root polls, as with older LoongArch hvisor)");

static unsigned int poll_us = 200;
module_param(poll_us, uint, 0444);
MODULE_PARM_DESC(poll_us,
		 "with wakeup=none: root polls the request ring at least this often (microseconds, 10..100000)");

static unsigned int lose_wakeup_every;
module_param(lose_wakeup_every, uint, 0644);
MODULE_PARM_DESC(lose_wakeup_every,
		 "drop every Nth wakeup to exercise the backend's safety net (0: never)");

static unsigned int timeout_ms = 5000;
module_param(timeout_ms, uint, 0644);
MODULE_PARM_DESC(timeout_ms,
		 "give up on an unanswered access after this many ms (reads then return all ones)");

static unsigned int spin_us = 20;
module_param(spin_us, uint, 0644);
MODULE_PARM_DESC(spin_us,
		 "busy-wait this long for an answer before sleeping or helping");

static bool wakeup_barrier;
module_param(wakeup_barrier, bool, 0644);
MODULE_PARM_DESC(wakeup_barrier,
		 "full barrier between the req_rear store and the need_wakeup load (hvisor has none; default off, like hvisor)");

static bool res_ring_full;
module_param(res_ring_full, bool, 0644);
MODULE_PARM_DESC(res_ring_full,
		 "while set, FINISH_REQ leaves the result ring looking full to root (a hypervisor fallen behind): root cannot queue an interrupt until it is cleared");

static bool latency;
module_param(latency, bool, 0644);
MODULE_PARM_DESC(latency,
		 "count the simulator's side of the latency breakdown (debugfs hvisor_vhost_sim/latency; default off)");

enum sim_wake_mode {
	SIM_WAKE_REMOTE,
	SIM_WAKE_LOCAL,
	SIM_WAKE_DIRECT,
	SIM_WAKE_NONE,
};

/**
 * struct sim_hv_stats - counters shown in debugfs
 * @requests: requests queued
 * @notifies: of which posted (need_interrupt == 1)
 * @ring_full: times a producer found the request ring full
 * @wakeups_sent: wakeups delivered
 * @wakeups_lost: wakeups dropped on purpose (lose_wakeup_every)
 * @wakeups_coalesced: remote wakeups merged into one already in flight
 * @wakeups_fallback: remote wakeups delivered locally (no other CPU)
 * @helps: times a waiter that cannot sleep ran the consumer itself
 * @sleeps: times a waiter slept
 * @timeouts: accesses given up
 * @slots_reclaimed: timed-out slots reused after their late answer
 * @finish_calls: FINISH_REQ calls
 * @results: result ring entries drained
 * @guest_irqs: interrupts raised on a simulated guest device
 * @stray_irqs: result entries matching no simulated guest device
 * @irqs_held: injections not delivered because the line was still up
 *	(irq_level)
 * @irq_lowered: root's irq_lowered calls
 * @spurious_answers: cfg_flags moves nobody waited for (root must answer
 *	exactly the requests with need_interrupt == 0, each once)
 */
struct sim_hv_stats {
	atomic64_t requests;
	atomic64_t notifies;
	atomic64_t ring_full;
	atomic64_t wakeups_sent;
	atomic64_t wakeups_lost;
	atomic64_t wakeups_coalesced;
	atomic64_t wakeups_fallback;
	atomic64_t helps;
	atomic64_t sleeps;
	atomic64_t timeouts;
	atomic64_t slots_reclaimed;
	atomic64_t finish_calls;
	atomic64_t results;
	atomic64_t guest_irqs;
	atomic64_t stray_irqs;
	atomic64_t irqs_held;
	atomic64_t irq_lowered;
	atomic64_t spurious_answers;
};

/**
 * struct sim_lat_stage - one stage of the latency breakdown
 * @count: times it was measured
 * @sum: total ns
 * @max: the longest, ns
 *
 * Updated from any context with atomics only (no lock); a reader may see
 * @count and @sum of slightly different instants while the stage runs.
 */
struct sim_lat_stage {
	atomic64_t count;
	atomic64_t sum;
	atomic64_t max;
};

/**
 * struct sim_hv - the simulated hypervisor
 * @bridge: the bridge page from INIT_VIRTIO; NULL before and after. Set
 *	and cleared in process context while no guest device exists, so an
 *	access that saw it non-NULL uses it until it returns.
 * @prod_lock: serialises producers of the request ring, as hvisor's own
 *	lock does: req_rear and the entry at req_rear. Innermost lock: nothing
 *	is taken and nobody waits while holding it.
 * @slots: busy simulated vCPU ids (cfg_flags/cfg_values indices); atomic
 *	bit operations, no lock
 * @stuck: slots whose access timed out: still busy until their late
 *	answer shows in cfg_flags (then reclaimed), so that late answer can
 *	never be taken for the answer to a later access on that slot
 * @stuck_flag: cfg_flags value of a stuck slot when it timed out; written
 *	before the @stuck bit is set
 * @seen_flag: cfg_flags value each slot showed when its last access was
 *	answered; written by the slot's owner only
 * @mode: wakeup delivery (module parameter "wakeup")
 * @wake_seq: wakeups requested, for lose_wakeup_every
 * @wake_work: local wakeup delivery (irq_work on this CPU)
 * @wake_csd: remote wakeup delivery (IPI to another CPU)
 * @ipi_pending: 1 from the moment a sender owns @wake_csd until the IPI
 *	handler starts; senders claim it with atomic_xchg(), so at most one
 *	IPI is in flight and @wake_csd is never reused while queued
 * @debugfs: debugfs directory
 * @res_parked: res_ring_full is in force: res_front shows the ring full,
 *	the real front is in @res_front (both only in FINISH_REQ, which
 *	root's result ring lock serialises)
 * @res_front: see @res_parked
 * @stats: counters
 * @wake_ns: latency breakdown: when the oldest wakeup not yet received
 *	by root was sent, 0 when none (cmpxchg from 0 by the sender, xchg
 *	by the receiving end)
 * @lat: latency breakdown, per SIM_LAT_* stage
 */
static struct sim_hv {
	struct hvisor_virtio_bridge *bridge;
	spinlock_t prod_lock;	/* request ring producers: req_rear, entries */
	unsigned long slots;
	unsigned long stuck;
	u64 stuck_flag[SIM_NR_SLOTS_CPU];
	u64 seen_flag[SIM_NR_SLOTS_CPU];
	enum sim_wake_mode mode;
	atomic_t wake_seq;
	struct irq_work wake_work;
	call_single_data_t wake_csd;
	atomic_t ipi_pending;
	struct dentry *debugfs;
	bool res_parked;
	u32 res_front;
	struct sim_hv_stats stats;
	atomic64_t wake_ns;
	struct sim_lat_stage lat[SIM_LAT_STAGES];
} sim;

/**
 * struct sim_wait - one bounded wait of an access
 * @start: when the access started (ns, monotonic)
 * @deadline: when it gives up
 * @last_help: when it last ran the consumer itself
 * @can_sleep: the issuing context may sleep
 * @lat_start: sim_lat_start() when the access started
 */
struct sim_wait {
	u64 start;
	u64 deadline;
	u64 last_help;
	bool can_sleep;
	u64 lat_start;
};

/*
 * Whether the issuing context may sleep. Reliable only with
 * CONFIG_PREEMPT_COUNT (Debian's 6.1 and 6.12 kernels have it): then
 * preemptible() says no spinlock, no preempt/bh/irq-disabled section and no
 * interrupt context; rcu_preempt_depth() covers rcu_read_lock() under
 * preemptible RCU. Without PREEMPT_COUNT a spinlock may be held unseen, so
 * never sleep.
 */
static bool sim_hv_can_sleep(void)
{
	if (!IS_ENABLED(CONFIG_PREEMPT_COUNT))
		return false;
	return preemptible() && !rcu_preempt_depth();
}

static void sim_hv_wait_init(struct sim_wait *w)
{
	u64 timeout = (u64)max(READ_ONCE(timeout_ms), 1U) * NSEC_PER_MSEC;

	w->start = ktime_get_mono_fast_ns();
	w->deadline = w->start + timeout;
	w->last_help = w->start;
	w->can_sleep = sim_hv_can_sleep();
	w->lat_start = sim_lat_start();
}

/*
 * One step of a bounded wait. Returns false once the deadline passed.
 * First a short busy-wait (the answer usually comes from another CPU within
 * microseconds); then sleep if allowed, else run the consumer here.
 */
static bool sim_hv_backoff(struct sim_wait *w)
{
	u64 now = ktime_get_mono_fast_ns();

	if (now >= w->deadline)
		return false;
	if (now - w->start < (u64)READ_ONCE(spin_us) * NSEC_PER_USEC) {
		cpu_relax();
		return true;
	}
	if (w->can_sleep) {
		atomic64_inc(&sim.stats.sleeps);
		usleep_range(10, 50);
		return true;
	}
	if (now - w->last_help >= SIM_HELP_INTERVAL_NS) {
		w->last_help = now;
		atomic64_inc(&sim.stats.helps);
		hvisor_vhost_wakeup();
	}
	cpu_relax();
	return true;
}

/**
 * sim_lat_start() - the start of a stage of the latency breakdown
 *
 * Return: the time now (ns, ktime_get_ns()), or 0 while the "latency"
 * parameter is off: sim_lat_end() then counts nothing.
 */
u64 sim_lat_start(void)
{
	return READ_ONCE(latency) ? ktime_get_ns() : 0;
}

/**
 * sim_lat_since() - count a stage that ran from @from to @now
 * @stage: SIM_LAT_*
 * @from: its start (0: not measured, nothing is counted)
 * @now: its end; before @from (two CPUs' clocks) counts as 0
 */
void sim_lat_since(unsigned int stage, u64 from, u64 now)
{
	struct sim_lat_stage *st = &sim.lat[stage];
	u64 d = now > from ? now - from : 0;
	s64 old, cur;

	if (!from || !now)
		return;
	atomic64_inc(&st->count);
	atomic64_add(d, &st->sum);
	old = atomic64_read(&st->max);
	while ((u64)old < d) {
		cur = atomic64_cmpxchg(&st->max, old, d);
		if (cur == old)
			break;
		old = cur;
	}
}

/**
 * sim_lat_end() - count a stage that started at @start and ends now
 * @stage: SIM_LAT_*
 * @start: sim_lat_start() at its start
 */
void sim_lat_end(unsigned int stage, u64 start)
{
	if (start)
		sim_lat_since(stage, start, ktime_get_ns());
}

/*
 * Root is about to receive a wakeup: count how long it took since it was
 * sent. The stamp is taken even while the parameter is off, so that no
 * stale one is left for a later period.
 */
static void sim_hv_wake_received(void)
{
	u64 sent = atomic64_xchg(&sim.wake_ns, 0);

	if (sent && READ_ONCE(latency))
		sim_lat_since(SIM_LAT_WAKEUP, sent, ktime_get_ns());
}

/* IPI handler on the target CPU: hard interrupt, like hvisor's wakeup. */
static void sim_hv_wake_ipi(void *info)
{
	/*
	 * The csd was unlocked before we were called; releasing the claim
	 * after that lets the next sender reuse it.
	 */
	atomic_set_release(&sim.ipi_pending, 0);
	/*
	 * Orders the release of the claim before the consumer's load of
	 * req_rear: a sender whose atomic_xchg() still saw 1 had queued its
	 * request before that xchg, so the consumer below sees the request.
	 */
	smp_mb();
	sim_hv_wake_received();
	hvisor_vhost_wakeup();
}

static void sim_hv_wake_local(struct irq_work *work)
{
	sim_hv_wake_received();
	hvisor_vhost_wakeup();
}

static void sim_hv_wake_fallback(void)
{
	atomic64_inc(&sim.stats.wakeups_fallback);
	irq_work_queue(&sim.wake_work);
}

/*
 * Deliver the wakeup to another online CPU, round robin from this one.
 * Preemption is disabled around the choice and the send, which keeps the
 * chosen CPU from going offline in between (CPU offlining goes through
 * stop_machine); an IPI queued before it goes offline is still run.
 */
static void sim_hv_wake_remote(void)
{
	unsigned int cpu, target;

	/* Fully ordered: our req_rear store comes before the claim. */
	if (atomic_xchg(&sim.ipi_pending, 1)) {
		atomic64_inc(&sim.stats.wakeups_coalesced);
		return;
	}
	cpu = get_cpu();
	target = cpumask_next(cpu, cpu_online_mask);
	if (target >= nr_cpu_ids)
		target = cpumask_first(cpu_online_mask);
	if (target == cpu ||
	    smp_call_function_single_async(target, &sim.wake_csd)) {
		atomic_set(&sim.ipi_pending, 0);
		sim_hv_wake_fallback();
	}
	put_cpu();
}

/* hvisor's "send root the wakeup interrupt". Any context. */
static void sim_hv_deliver_wakeup(void)
{
	unsigned int every = READ_ONCE(lose_wakeup_every);
	u64 sent;

	/* Root finds the request by polling. */
	if (sim.mode == SIM_WAKE_NONE)
		return;
	if (every && (unsigned int)atomic_inc_return(&sim.wake_seq) % every == 0) {
		atomic64_inc(&sim.stats.wakeups_lost);
		return;
	}
	atomic64_inc(&sim.stats.wakeups_sent);
	sent = sim_lat_start();
	if (sent)
		atomic64_cmpxchg(&sim.wake_ns, 0, sent);
	switch (sim.mode) {
	case SIM_WAKE_DIRECT:
		sim_hv_wake_received();
		hvisor_vhost_wakeup();
		break;
	case SIM_WAKE_LOCAL:
		irq_work_queue(&sim.wake_work);
		break;
	case SIM_WAKE_REMOTE:
		sim_hv_wake_remote();
		break;
	case SIM_WAKE_NONE:
		break;
	}
}

/* Append @req to the request ring; false when the ring is full. */
static bool sim_hv_try_queue(struct hvisor_virtio_bridge *br,
			     const struct hvisor_device_req *req)
{
	unsigned long flags;
	u32 rear, front;
	bool queued = false;

	spin_lock_irqsave(&sim.prod_lock, flags);
	rear = READ_ONCE(br->req_rear) & SIM_RING_MASK;
	/*
	 * Acquire: root's reads of the entry it consumed come before our
	 * overwrite of it; pairs with root's release store of req_front.
	 */
	front = smp_load_acquire(&br->req_front) & SIM_RING_MASK;
	if (((rear + 1) & SIM_RING_MASK) != front) {
		br->req_list[rear] = *req;
		/*
		 * Release: the entry (and, for a waiting access, our earlier
		 * load of cfg_flags[src_cpu]) is ordered before the new
		 * req_rear; pairs with root's acquire load of req_rear.
		 */
		smp_store_release(&br->req_rear, (rear + 1) & SIM_RING_MASK);
		queued = true;
	}
	spin_unlock_irqrestore(&sim.prod_lock, flags);
	return queued;
}

/*
 * Queue @req as hvisor does, backing off while the ring is full, then
 * deliver the wakeup when root asked for it. False on timeout.
 */
static bool sim_hv_queue(struct hvisor_virtio_bridge *br,
			 const struct hvisor_device_req *req,
			 struct sim_wait *w)
{
	bool kicked = false;

	while (!sim_hv_try_queue(br, req)) {
		atomic64_inc(&sim.stats.ring_full);
		if (!kicked) {
			/* Root may be asleep with a full ring: kick it. */
			sim_hv_deliver_wakeup();
			kicked = true;
		}
		if (!sim_hv_backoff(w))
			return false;
	}
	atomic64_inc(&sim.stats.requests);
	if (req->need_interrupt) {
		atomic64_inc(&sim.stats.notifies);
		/* Queued: root's side (the wakeup's stage) starts here. */
		sim_lat_end(SIM_LAT_NOTIFY, w->lat_start);
	}
	/*
	 * hvisor has no barrier here, so its req_rear store may pass the
	 * need_wakeup load and a wakeup can be lost; we do the same unless
	 * asked otherwise.
	 */
	if (READ_ONCE(wakeup_barrier))
		smp_mb(); /* req_rear store before need_wakeup load */
	if (READ_ONCE(br->need_wakeup) == 1)
		sim_hv_deliver_wakeup();
	return true;
}

/* Free stuck slots whose late answer has arrived; true if one was. */
static bool sim_hv_reclaim_stuck(struct hvisor_virtio_bridge *br)
{
	bool any = false;
	unsigned int slot;

	for_each_set_bit(slot, &sim.stuck, SIM_NR_SLOTS_CPU) {
		/* Pairs with the barrier before set_bit() in sim_hv_stuck(). */
		smp_rmb();
		if (READ_ONCE(br->cfg_flags[slot]) == sim.stuck_flag[slot])
			continue;
		if (!test_and_clear_bit(slot, &sim.stuck))
			continue;
		sim.seen_flag[slot] = READ_ONCE(br->cfg_flags[slot]);
		clear_bit_unlock(slot, &sim.slots);
		atomic64_inc(&sim.stats.slots_reclaimed);
		any = true;
	}
	return any;
}

/* Take a free simulated vCPU id; -1 on timeout. */
static int sim_hv_get_slot(struct hvisor_virtio_bridge *br,
			   struct sim_wait *w)
{
	unsigned int slot;

	for (;;) {
		for (slot = 0; slot < SIM_NR_SLOTS_CPU; slot++)
			if (!test_and_set_bit_lock(slot, &sim.slots))
				return slot;
		if (READ_ONCE(sim.stuck) && sim_hv_reclaim_stuck(br))
			continue;
		if (!sim_hv_backoff(w))
			return -1;
	}
}

/* The access on @slot timed out: keep the slot until its answer shows. */
static void sim_hv_stuck(unsigned int slot, u64 flag)
{
	sim.stuck_flag[slot] = flag;
	/* Orders the stuck_flag store before the bit; see reclaim. */
	smp_mb__before_atomic();
	set_bit(slot, &sim.stuck);
}

static void sim_hv_timeout(const struct hvisor_device_req *req)
{
	atomic64_inc(&sim.stats.timeouts);
	pr_err_ratelimited("%s of %llu bytes at 0x%llx (zone %u) not answered within %u ms%s\n",
			   req->is_write ? "write" : "read", req->size,
			   req->address, req->src_zone, READ_ONCE(timeout_ms),
			   req->is_write ? "" : ": returning all ones");
}

/* Wait for cfg_flags[@slot] to move away from @old; false on timeout. */
static bool sim_hv_wait_answer(struct hvisor_virtio_bridge *br,
			       unsigned int slot, u64 old, struct sim_wait *w)
{
	while (READ_ONCE(br->cfg_flags[slot]) == old)
		if (!sim_hv_backoff(w))
			return false;
	/*
	 * Order the cfg_flags load above before the cfg_values load that
	 * follows; pairs with root's write barrier between its cfg_values
	 * store and its cfg_flags increment.
	 */
	smp_rmb();
	return true;
}

/* Root answered something on @slot that nobody was waiting for. */
static void sim_hv_spurious(unsigned int slot, u64 seen, u64 now)
{
	atomic64_inc(&sim.stats.spurious_answers);
	pr_err_ratelimited("cfg_flags[%u] moved from %llu to %llu: an answer nobody waited for\n",
			   slot, seen, now);
}

static u64 sim_hv_all_ones(u32 size)
{
	return size >= 8 ? U64_MAX : (1ULL << (size * 8)) - 1;
}

/* An access the vCPU waits for: every one but a QueueNotify store. */
static bool sim_hv_access_wait(struct hvisor_virtio_bridge *br,
			       struct hvisor_device_req *req, u64 *value,
			       struct sim_wait *w)
{
	int slot;
	u64 old;

	slot = sim_hv_get_slot(br, w);
	if (slot < 0)
		return false;
	req->src_cpu = slot;
	/* Ordered before the request is published by the release there. */
	old = READ_ONCE(br->cfg_flags[slot]);
	if (old != sim.seen_flag[slot])
		sim_hv_spurious(slot, sim.seen_flag[slot], old);
	if (!sim_hv_queue(br, req, w)) {
		sim.seen_flag[slot] = old;
		clear_bit_unlock(slot, &sim.slots);
		return false;
	}
	if (!sim_hv_wait_answer(br, slot, old, w)) {
		sim_hv_stuck(slot, old);
		return false;
	}
	if (!req->is_write)
		*value = READ_ONCE(br->cfg_values[slot]);
	sim.seen_flag[slot] = READ_ONCE(br->cfg_flags[slot]);
	if (sim.seen_flag[slot] != old + 1)
		sim_hv_spurious(slot, old + 1, sim.seen_flag[slot]);
	/* Release: our cfg_values load is done before the slot is reused. */
	clear_bit_unlock(slot, &sim.slots);
	return true;
}

/**
 * sim_hv_access() - a guest load or store trapped by the simulated hvisor
 * @zone: the guest's zone
 * @addr: guest-physical address (device base + register offset)
 * @size: 1, 2, 4 or 8
 * @value: in: data of a store (truncated to @size by the caller); out:
 *	the loaded value of a load, all ones when the load failed
 * @is_write: store or load
 *
 * A QueueNotify store (offset 0x50 of the device's 0x200-byte region) is
 * posted, as in hvisor; every other access waits for root's answer. Any
 * context; bounded by the timeout_ms parameter.
 *
 * Return: true when the access was answered (or, posted, queued).
 */
bool sim_hv_access(u32 zone, u64 addr, u32 size, u64 *value, bool is_write)
{
	struct hvisor_virtio_bridge *br = READ_ONCE(sim.bridge);
	struct hvisor_device_req req = {
		.address = addr,
		.size = size,
		.value = is_write ? *value : 0,
		.src_zone = zone,
		.is_write = is_write,
	};
	struct sim_wait w;
	bool ok;

	if (!is_write)
		*value = sim_hv_all_ones(size);
	if (!br) {
		pr_err_ratelimited("access at 0x%llx without a bridge\n", addr);
		return false;
	}
	req.need_interrupt = is_write &&
		(addr & (HVISOR_VIRTIO_REGION_SIZE - 1)) ==
		HVISOR_VIRTIO_NOTIFY_OFFSET;
	sim_hv_wait_init(&w);
	if (req.need_interrupt) {
		/* Posted: no slot; hvisor reports the physical CPU. */
		req.src_cpu = raw_smp_processor_id();
		ok = sim_hv_queue(br, &req, &w);
	} else {
		ok = sim_hv_access_wait(br, &req, value, &w);
	}
	if (!ok) {
		sim_hv_timeout(&req);
		return false;
	}
	if (!req.need_interrupt)
		sim_lat_end(SIM_LAT_ACCESS, w.lat_start);
	return true;
}

/**
 * sim_hv_finish_req() - the FINISH_REQ hypercall
 *
 * Drains the result ring and raises each {zone, irq} on the matching
 * simulated guest device; the guest's handler runs later from an irq_work,
 * never nested in here. Any context; called with root's result ring lock
 * held, so nothing here calls back into hvisor_vhost.
 */
void sim_hv_finish_req(void)
{
	struct hvisor_virtio_bridge *br = READ_ONCE(sim.bridge);
	struct hvisor_device_res res;
	u32 front, rear;

	atomic64_inc(&sim.stats.finish_calls);
	if (!br)
		return;
	/*
	 * Acquire: the entries up to res_rear are read after it; pairs with
	 * root's write barrier before its res_rear store.
	 */
	rear = smp_load_acquire(&br->res_rear) & SIM_RING_MASK;
	front = READ_ONCE(br->res_front) & SIM_RING_MASK;
	if (sim.res_parked)
		front = sim.res_front;
	while (front != rear) {
		res.target_zone = READ_ONCE(br->res_list[front].target_zone);
		res.irq_id = READ_ONCE(br->res_list[front].irq_id);
		front = (front + 1) & SIM_RING_MASK;
		atomic64_inc(&sim.stats.results);
		sim_hv_count_guest_irq(sim_transport_irq(res.target_zone,
							 res.irq_id));
	}
	/* res_ring_full: root is shown every slot taken, the real front kept. */
	sim.res_front = front;
	sim.res_parked = READ_ONCE(res_ring_full);
	if (sim.res_parked)
		front = (rear + 1) & SIM_RING_MASK;
	/*
	 * Release: our reads of the drained entries come before root may
	 * reuse them; pairs with root's load of res_front.
	 */
	smp_store_release(&br->res_front, front);
}

/**
 * sim_hv_count_guest_irq() - count an interrupt raised or not matched
 * @delivered: a simulated guest device took it
 */
void sim_hv_count_guest_irq(bool delivered)
{
	if (delivered)
		atomic64_inc(&sim.stats.guest_irqs);
	else
		atomic64_inc(&sim.stats.stray_irqs);
}

/**
 * sim_hv_count_irq_held() - an injection found the line still up
 */
void sim_hv_count_irq_held(void)
{
	atomic64_inc(&sim.stats.irqs_held);
}

/**
 * sim_hv_count_irq_lowered() - root lowered a line (irq_lowered)
 */
void sim_hv_count_irq_lowered(void)
{
	atomic64_inc(&sim.stats.irq_lowered);
}

/**
 * sim_hv_poll_us() - how often root must poll
 *
 * Return: 0 when wakeups are delivered, else the poll_us parameter.
 */
u32 sim_hv_poll_us(void)
{
	return sim.mode == SIM_WAKE_NONE ? poll_us : 0;
}

/**
 * sim_hv_init_virtio() - the INIT_VIRTIO hypercall
 * @bridge: the bridge page root allocated
 *
 * Return: 0.
 */
int sim_hv_init_virtio(struct hvisor_virtio_bridge *bridge)
{
	sim.slots = 0;
	sim.stuck = 0;
	sim.res_parked = false;
	memset(sim.seen_flag, 0, sizeof(sim.seen_flag));
	WRITE_ONCE(sim.bridge, bridge);
	return 0;
}

/*
 * Wait for a wakeup IPI in flight: once its handler has started (cleared
 * ipi_pending), it runs with interrupts disabled, so synchronize_rcu()
 * then waits for it to return.
 */
static void sim_hv_drain_wakeups(void)
{
	unsigned int waited = 0;

	irq_work_sync(&sim.wake_work);
	while (atomic_read(&sim.ipi_pending)) {
		if (waited++ >= SIM_IPI_DRAIN_MS) {
			WARN(1, SIM_PR_PREFIX "wakeup IPI never ran\n");
			break;
		}
		usleep_range(1000, 2000);
	}
	synchronize_rcu();
}

/**
 * sim_hv_exit_virtio() - stop producing requests
 *
 * Called by hvisor_vhost when it detaches, after every device is gone (so
 * no guest access is in progress); the bridge page is freed after this.
 */
void sim_hv_exit_virtio(void)
{
	WRITE_ONCE(sim.bridge, NULL);
	sim_hv_drain_wakeups();
}

static int sim_hv_stats_show(struct seq_file *m, void *unused)
{
	struct sim_hv_stats *st = &sim.stats;
	const struct {
		const char *name;
		atomic64_t *value;
	} rows[] = {
		{ "requests", &st->requests },
		{ "notifies", &st->notifies },
		{ "ring_full", &st->ring_full },
		{ "wakeups_sent", &st->wakeups_sent },
		{ "wakeups_lost", &st->wakeups_lost },
		{ "wakeups_coalesced", &st->wakeups_coalesced },
		{ "wakeups_fallback", &st->wakeups_fallback },
		{ "helps", &st->helps },
		{ "sleeps", &st->sleeps },
		{ "timeouts", &st->timeouts },
		{ "slots_reclaimed", &st->slots_reclaimed },
		{ "finish_calls", &st->finish_calls },
		{ "results", &st->results },
		{ "guest_irqs", &st->guest_irqs },
		{ "stray_irqs", &st->stray_irqs },
		{ "irqs_held", &st->irqs_held },
		{ "irq_lowered", &st->irq_lowered },
		{ "spurious_answers", &st->spurious_answers },
	};
	unsigned int i;

	seq_printf(m, "%-18s %s\n", "wakeup", wakeup);
	for (i = 0; i < ARRAY_SIZE(rows); i++)
		seq_printf(m, "%-18s %lld\n", rows[i].name,
			   (long long)atomic64_read(rows[i].value));
	seq_printf(m, "%-18s 0x%lx\n", "busy_slots", READ_ONCE(sim.slots));
	seq_printf(m, "%-18s 0x%lx\n", "stuck_slots", READ_ONCE(sim.stuck));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sim_hv_stats);

static const char *const sim_lat_names[SIM_LAT_STAGES] = {
	[SIM_LAT_NOTIFY] = "notify",
	[SIM_LAT_WAKEUP] = "wakeup",
	[SIM_LAT_ACCESS] = "access",
	[SIM_LAT_IRQ] = "irq",
	[SIM_LAT_HANDLER] = "irq_handler",
};

static int sim_lat_show(struct seq_file *m, void *unused)
{
	unsigned int i;
	u64 count, sum;

	seq_printf(m, "enabled %d\n", READ_ONCE(latency));
	for (i = 0; i < SIM_LAT_STAGES; i++) {
		count = atomic64_read(&sim.lat[i].count);
		sum = atomic64_read(&sim.lat[i].sum);
		seq_printf(m, "stage %s count %llu sum_ns %llu max_ns %llu mean_ns %llu\n",
			   sim_lat_names[i], count, sum,
			   (u64)atomic64_read(&sim.lat[i].max),
			   count ? div64_u64(sum, count) : 0);
	}
	return 0;
}

static int sim_lat_open(struct inode *inode, struct file *file)
{
	return single_open(file, sim_lat_show, inode->i_private);
}

/* Any write resets every stage (meant for when the guest is idle). */
static ssize_t sim_lat_write(struct file *file, const char __user *buf,
			     size_t len, loff_t *ppos)
{
	unsigned int i;

	for (i = 0; i < SIM_LAT_STAGES; i++) {
		atomic64_set(&sim.lat[i].count, 0);
		atomic64_set(&sim.lat[i].sum, 0);
		atomic64_set(&sim.lat[i].max, 0);
	}
	return len;
}

static const struct file_operations sim_lat_fops = {
	.owner = THIS_MODULE,
	.open = sim_lat_open,
	.read = seq_read,
	.write = sim_lat_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/**
 * sim_hv_debugfs() - the simulator's debugfs directory
 *
 * Return: the directory (an error pointer when debugfs is missing; the
 * debugfs functions take that as is).
 */
struct dentry *sim_hv_debugfs(void)
{
	return sim.debugfs;
}

/**
 * sim_hv_init() - module load: parameters, wakeup delivery, debugfs
 *
 * Return: 0 or -EINVAL for a bad "wakeup" parameter.
 */
int sim_hv_init(void)
{
	if (!strcmp(wakeup, "remote")) {
		sim.mode = SIM_WAKE_REMOTE;
	} else if (!strcmp(wakeup, "local")) {
		sim.mode = SIM_WAKE_LOCAL;
	} else if (!strcmp(wakeup, "direct")) {
		sim.mode = SIM_WAKE_DIRECT;
	} else if (!strcmp(wakeup, "none")) {
		sim.mode = SIM_WAKE_NONE;
	} else {
		pr_err("wakeup=%s: use remote, local, direct or none\n", wakeup);
		return -EINVAL;
	}
	if (poll_us < 10 || poll_us > 100000) {
		pr_err("poll_us=%u: use 10..100000\n", poll_us);
		return -EINVAL;
	}
	spin_lock_init(&sim.prod_lock);
	init_irq_work(&sim.wake_work, sim_hv_wake_local);
	INIT_CSD(&sim.wake_csd, sim_hv_wake_ipi, NULL);
	sim.debugfs = debugfs_create_dir("hvisor_vhost_sim", NULL);
	debugfs_create_file("stats", 0444, sim.debugfs, NULL,
			    &sim_hv_stats_fops);
	debugfs_create_file("latency", 0644, sim.debugfs, NULL, &sim_lat_fops);
	return 0;
}

/**
 * sim_hv_exit() - module unload
 */
void sim_hv_exit(void)
{
	debugfs_remove_recursive(sim.debugfs);
	sim_hv_drain_wakeups();
}
