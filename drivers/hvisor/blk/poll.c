// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk backend: polling the avail ring while requests flow.
 *
 * A poller that finds its ring empty normally turns the guest's
 * notifications (kicks) back on and stops: the next request costs the
 * guest a trapped QueueNotify, and root a wakeup and a run of the poller.
 * While requests flow, the poller instead leaves notifications off and
 * looks again blk_poll_us later, from an hrtimer that only queues it:
 *
 *   - a run that took two chains or more, or one that is still in the
 *     backing, (re)starts the timer;
 *   - a run for a completion that took nothing while requests are still
 *     in the backing leaves the timer running (their completions will
 *     look at the ring too);
 *   - anything else, and in particular a look of the timer that finds
 *     nothing, turns notifications back on.
 *
 * So a request made while the queue is busy waits at most blk_poll_us for
 * a poller, and a queue that goes idle, or whose backing is slow, costs
 * one look more than before.
 *
 * This is what vhost's busy polling does, without burning a CPU: between
 * two looks the CPU is free, which matters most where root shares CPUs
 * with the guest (the simulator). Off by default (blk_poll_us=0): in the
 * simulator on 2 TCG CPUs it gained nothing measurable (the guest is too
 * slow for a look to find more than one request; Documentation/blk.rst).
 */

#define pr_fmt(fmt) "hvisor_vhost: blk: " fmt

#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/workqueue.h>

#include "blk.h"

static unsigned int blk_poll_us;
module_param(blk_poll_us, uint, 0644);
MODULE_PARM_DESC(blk_poll_us,
		 "while requests flow, look at a blk queue's ring this often (us) instead of asking for notifications; 0: never (default 0)");

static bool blk_irq_hold = true;
module_param(blk_irq_hold, bool, 0644);
MODULE_PARM_DESC(blk_irq_hold,
		 "while a blk queue is polled, let the interrupt for its answers wait for the next look (default on)");

/* Longest period accepted: a hung look must not leave a queue deaf long. */
#define HVBLK_POLL_MAX_US	10000U

static enum hrtimer_restart hvblk_poll_fire(struct hrtimer *timer)
{
	struct hvblk_queue *q = container_of(timer, struct hvblk_queue,
					     poll_timer);

	/* Read (and cleared) by the run this queues: it is a look. */
	atomic_set(&q->poll_fired, 1);
	/* hvblk_poll_stop() cancels us before the workqueue goes. */
	queue_work(q->dev->wq, &q->kick);
	return HRTIMER_NORESTART;
}

/**
 * hvblk_poll_init() - set up the poll timer of @q
 * @q: a queue being created
 */
void hvblk_poll_init(struct hvblk_queue *q)
{
	atomic_set(&q->poll_fired, 0);
	hrtimer_init(&q->poll_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	q->poll_timer.function = hvblk_poll_fire;
}

/**
 * hvblk_poll_linger() - decide what a poller that found its ring empty does
 * @q: the queue; kick_mutex held, notifications off
 * @popped: chains taken in this run
 * @fired: this run was queued by the poll timer (see the top of the file)
 *
 * Return: true when requests flow: the timer runs and notifications stay
 * off; false when the caller turns them back on (the timer is cancelled
 * unless it is firing).
 */
bool hvblk_poll_linger(struct hvblk_queue *q, unsigned int popped,
		       bool fired)
{
	unsigned int us = min(READ_ONCE(blk_poll_us), HVBLK_POLL_MAX_US);
	/* Slots taken less those whose answers wait in the batch. */
	unsigned int in_backing = q->nr_taken - q->nr_batch;
	ktime_t period = ns_to_ktime((u64)us * NSEC_PER_USEC);

	lockdep_assert_held(&q->kick_mutex);
	if (!us)
		goto rearm;
	if (popped >= 2 || (popped == 1 && in_backing)) {
		hrtimer_start(&q->poll_timer, period, HRTIMER_MODE_REL);
		return true;
	}
	if (!popped && in_backing && !fired) {
		/* Not pushed back: the bound is from the last take. */
		if (!hrtimer_active(&q->poll_timer))
			hrtimer_start(&q->poll_timer, period, HRTIMER_MODE_REL);
		return true;
	}
rearm:
	/* A look still due would find nothing: save its run. */
	hrtimer_try_to_cancel(&q->poll_timer);
	return false;
}

/**
 * hvblk_poll_hold_irq() - whether the interrupt for answers may wait
 * @q: the queue; kick_mutex held; its answers are in the used ring
 * @lingering: this run left notifications off (the timer runs)
 *
 * While the queue lingers, the answers of several runs share one
 * interrupt: the first held waits until a run about blk_poll_us later
 * (a look of the timer at the latest) that still lingers, or the first
 * run that does not. The guest sees the answers in its used ring at once
 * if it looks. Sets @q->irq_held when it starts holding.
 *
 * Return: true to leave the interrupt for later.
 */
bool hvblk_poll_hold_irq(struct hvblk_queue *q, bool lingering)
{
	u64 us = min(READ_ONCE(blk_poll_us), HVBLK_POLL_MAX_US);
	u64 now;

	lockdep_assert_held(&q->kick_mutex);
	if (!lingering || !READ_ONCE(blk_irq_hold))
		return false;
	now = ktime_get_ns();
	if (!q->irq_held) {
		q->irq_held = now ?: 1;
		return true;
	}
	return now - q->irq_held < us * NSEC_PER_USEC;
}

/**
 * hvblk_poll_stop() - cancel the poll timer of @q
 * @q: a queue whose poller no longer takes chains (not enabled), or that
 *	is going away
 *
 * A timer that fired already may have queued the poller: the caller
 * flushes the workqueue if it must wait for that.
 */
void hvblk_poll_stop(struct hvblk_queue *q)
{
	hrtimer_cancel(&q->poll_timer);
}
