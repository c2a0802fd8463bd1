// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk backend, per queue: the poller (the single consumer of the
 * avail ring, which also reaps completions and answers them in batches),
 * the worker for what may block, request slots, and the transport
 * callbacks that stop them: reset, forced-removal abort, drain. The rules
 * (who answers, who may touch a slot, when the device may be freed) are
 * in blk.h next to the fields they govern.
 */

#define pr_fmt(fmt) "hvisor_vhost: blk: " fmt

#include <linux/kernel.h>
#include <linux/llist.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/virtio_blk.h>
#include <linux/wait_bit.h>
#include <linux/workqueue.h>

#include "../vdev.h"
#include "../vq.h"
#include "../zone.h"
#include "blk.h"

/* ---- Request slots ---- */

static struct hvblk_req *hvblk_get_req(struct hvblk_queue *q)
{
	struct hvblk_req *req;

	spin_lock(&q->free_lock);
	req = q->free;
	if (req) {
		q->free = req->next_free;
		q->nr_taken++;
	} else {
		q->starved = true;
	}
	spin_unlock(&q->free_lock);
	if (req)
		atomic_inc(&q->dev->busy);
	return req;
}

/*
 * Give a slot back, with the big iov if it held it. Only the poller and
 * hvblk_abort() do, with kick_mutex held, after the answer is in the used
 * ring. The busy count drops last: reset and drain wait for it.
 */
static void hvblk_put_req(struct hvblk_queue *q, struct hvblk_req *req)
{
	struct hvblk_dev *dev = q->dev;
	bool kick;

	spin_lock(&q->free_lock);
	req->next_free = q->free;
	q->free = req;
	q->nr_taken--;
	kick = q->starved;
	q->starved = false;
	if (req->vqr.iov == q->big_iov) {
		/* hvblk_abort_req() may be reading it. */
		WRITE_ONCE(req->vqr.iov, req->iov);
		q->big_busy = false;
		kick |= q->big_wait;
		q->big_wait = false;
	}
	spin_unlock(&q->free_lock);
	if (kick)
		queue_work(dev->wq, &q->kick);
	/* Fully ordered; pairs with wait_var_event() in reset and drain. */
	if (atomic_dec_and_test(&dev->busy))
		wake_up_var(&dev->busy);
}

/*
 * Hold the folios of guest buffers that are root's own memory
 * (virt_addr_valid(): the simulator's guest RAM), so that I/O still
 * running after hvblk_abort() answered the guest touches only memory that
 * cannot be freed and reused meanwhile. Only references that can be taken
 * are: a page of a non-compound high-order allocation other than its
 * first has no reference count (folio_try_get() fails) and is skipped;
 * the buffers of a request the guest has not seen answered are in use, so
 * no page is freed under us. Guest RAM hvisor reserved for a zone is never
 * in root's direct map: nothing to hold (see Documentation/blk.rst).
 *
 * Returns the array of folios held (*nr of them; NULL when none), or an
 * ERR_PTR when out of memory.
 */
static struct folio **hvblk_hold(const struct kvec *iov, unsigned int n,
				 unsigned int *nr)
{
	unsigned long addr, end, pages = 0;
	struct folio **held, *folio;
	unsigned int i, noio;

	for (i = 0; i < n; i++) {
		addr = (unsigned long)iov[i].iov_base;
		pages += PFN_UP(addr + iov[i].iov_len) - PFN_DOWN(addr);
	}
	*nr = 0;
	if (!pages)
		return NULL;
	/* The device's workqueue may be what reclaim waits for. */
	noio = memalloc_noio_save();
	held = kvmalloc_array(pages, sizeof(*held), GFP_KERNEL);
	memalloc_noio_restore(noio);
	if (!held)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < n; i++) {
		addr = (unsigned long)iov[i].iov_base & PAGE_MASK;
		end = (unsigned long)iov[i].iov_base + iov[i].iov_len;
		for (; addr < end; addr += PAGE_SIZE) {
			if (!virt_addr_valid((void *)addr))
				continue;
			folio = page_folio(virt_to_page((void *)addr));
			if (folio_try_get(folio))
				held[(*nr)++] = folio;
		}
	}
	return held;
}

/* Drop what hvblk_hold() took. */
static void hvblk_unhold(struct folio **held, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		folio_put(held[i]);
	kvfree(held);
}

static unsigned int hvblk_nr_iov(const struct hvblk_req *req)
{
	return req->vqr.nr_out + req->vqr.nr_in;
}

/* ---- Results and answers ---- */

/**
 * hvblk_post_done() - hand the result of @req to its queue's poller
 * @req: a request whose I/O attempt or blocking work is over
 *
 * Any context (kiocb completions come from interrupts and from file
 * systems' workers). After llist_add() the poller may reap @req and give
 * the slot back at once: only the queue is touched afterwards, inside an
 * RCU read-side section that hvblk_quiesce() waits for before the device
 * is freed.
 */
void hvblk_post_done(struct hvblk_req *req)
{
	struct hvblk_queue *q = req->q;

	hvblk_lat_stamp(&req->lat.done);
	rcu_read_lock();
	/* Only the first result posted since the last reap kicks. */
	if (llist_add(&req->node, &q->done))
		queue_work(q->dev->wq, &q->kick);
	rcu_read_unlock();
}

/**
 * hvblk_to_worker() - have the queue's worker run @req (poller only)
 * @req: a request, HVBLK_REQ_QUEUED
 */
void hvblk_to_worker(struct hvblk_req *req)
{
	struct hvblk_queue *q = req->q;

	lockdep_assert_held(&q->kick_mutex);
	if (llist_add(&req->node, &q->slow_list))
		queue_work(q->dev->wq, &q->slow);
}

/* Most answers of one batch: the slots, and no more than the ring holds. */
static unsigned int hvblk_batch_max(struct hvblk_queue *q)
{
	return clamp_t(u32, READ_ONCE(q->vq->num), 1, q->pool_size);
}

static void hvblk_count(struct hvisor_vdev *vdev, const struct hvblk_req *req)
{
	u32 out = 0;

	if (req->status == VIRTIO_BLK_S_OK &&
	    req->cmd.type == VIRTIO_BLK_T_OUT)
		out = req->cmd.len;
	atomic64_inc(&vdev->stats.requests);
	atomic64_add(req->in, &vdev->stats.bytes_in);
	atomic64_add(out, &vdev->stats.bytes_out);
	if (req->status != VIRTIO_BLK_S_OK)
		atomic64_inc(&vdev->stats.errors);
	atomic64_dec(&vdev->stats.in_flight);
}

/* The used length of an answer; writes the status byte if there is one. */
static u32 hvblk_write_status(const struct hvblk_req *req)
{
	if (req->status < 0 || !req->cmd.status)
		return 0;
	/* Ordered before the used entry by hvisor_vq_push*(). */
	WRITE_ONCE(*req->cmd.status, (u8)req->status);
	return req->in + 1;
}

/*
 * Push the answers collected, as one used-ring update and at most one
 * interrupt, then give their slots back. The poller does this before it
 * lets go of kick_mutex, so no answer waits in the batch. While the queue
 * lingers the interrupt may wait for a later run (hvblk_poll_hold_irq()).
 */
static void hvblk_flush_batch(struct hvblk_queue *q, bool lingering)
{
	struct hvisor_vdev *vdev = &q->dev->vdev;
	unsigned int i, n = q->nr_batch;
	struct hvblk_req *req;
	u64 used = 0;

	lockdep_assert_held(&q->kick_mutex);
	if (!n && !q->irq_held)
		return;
	for (i = 0; i < n; i++) {
		req = q->batch[i];
		q->batch_used[i].head = req->vqr.head;
		q->batch_used[i].len = hvblk_write_status(req);
		hvblk_count(vdev, req);
	}
	if (n)
		hvisor_vq_push_batch(q->vq, q->batch_used, n);
	hvblk_lat_stamp(&used);
	if (!hvblk_poll_hold_irq(q, lingering)) {
		q->irq_held = 0;
		hvisor_vdev_vq_interrupt(vdev, q->vq);
	}
	hvblk_lat_answered(q, q->batch, n, used);
	q->nr_batch = 0;
	for (i = 0; i < n; i++)
		hvblk_put_req(q, q->batch[i]);
}

/**
 * hvblk_answer() - answer @req with @status in the next batch (poller)
 * @q: its queue; kick_mutex held
 * @req: the request; req->in holds the data bytes put in guest memory
 * @status: VIRTIO_BLK_S_*, or HVBLK_NO_STATUS (used length 0)
 *
 * A request hvblk_abort() answered already only gives its slot back, and
 * the guest pages held for its I/O.
 */
void hvblk_answer(struct hvblk_queue *q, struct hvblk_req *req, int status)
{
	lockdep_assert_held(&q->kick_mutex);
	if (req->state == HVBLK_REQ_ABORTED) {
		hvblk_unhold(req->held, req->nr_held);
		req->held = NULL;
		req->state = HVBLK_REQ_IDLE;
		hvblk_put_req(q, req);
		return;
	}
	req->state = HVBLK_REQ_IDLE;
	req->status = status;
	if (q->nr_batch >= hvblk_batch_max(q))
		hvblk_flush_batch(q, false);
	q->batch[q->nr_batch++] = req;
}

/* Every result posted since the last run, oldest first. */
static void hvblk_reap(struct hvblk_queue *q)
{
	struct llist_node *list = llist_del_all(&q->done);
	struct hvblk_req *req, *tmp;

	list = llist_reverse_order(list);
	llist_for_each_entry_safe(req, tmp, list, node) {
		if (req->cmd.type == VIRTIO_BLK_T_IN ||
		    req->cmd.type == VIRTIO_BLK_T_OUT)
			hvblk_rw_result(req);
		else
			hvblk_answer(q, req, req->status);
	}
}

/* ---- The poller: the single consumer of a queue's avail ring ---- */

static void hvblk_dispatch(struct hvblk_queue *q, struct hvblk_req *req)
{
	struct hvblk_dev *dev = q->dev;
	int status;

	atomic64_inc(&dev->vdev.stats.in_flight);
	req->in = 0;
	status = hvblk_parse(&dev->lim, &req->vqr, &req->cmd);
	if (status == HVBLK_NO_STATUS)
		pr_warn_ratelimited("device %u: request without a status byte\n",
				    dev->vdev.id);
	/* Forced removal: nothing goes to the backing any more. */
	if (status == VIRTIO_BLK_S_OK && READ_ONCE(dev->aborted))
		status = VIRTIO_BLK_S_IOERR;
	if (status != VIRTIO_BLK_S_OK) {
		hvblk_answer(q, req, status);
		return;
	}
	/* Its result answers from now on, unless hvblk_abort() does first. */
	req->state = HVBLK_REQ_QUEUED;
	switch (req->cmd.type) {
	case VIRTIO_BLK_T_GET_ID:
		hvblk_answer(q, req, hvblk_do_get_id(dev, req, &req->in));
		break;
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		hvblk_rw_start(req);
		break;
	default:	/* flush, discard, write zeroes: they block */
		hvblk_to_worker(req);
	}
}

/*
 * A chain the engine consumed but could not describe, even with the big
 * iov (out of memory, or more than U16_MAX buffers): its status byte
 * cannot be found, so it is returned with used length 0.
 */
static void hvblk_drop_chain(struct hvblk_queue *q, struct hvblk_req *req)
{
	atomic64_inc(&q->dev->vdev.stats.dropped);
	atomic64_inc(&q->dev->vdev.stats.in_flight);
	memset(&req->cmd, 0, offsetof(struct hvblk_cmd, segs));
	req->in = 0;
	hvblk_answer(q, req, HVBLK_NO_STATUS);
}

/*
 * iov entries for any chain the ring engine returns on @vq: at most num
 * descriptors and then one indirect table, each buffer in at most every
 * RAM region of the zone, and never more than U16_MAX in all.
 */
static unsigned int hvblk_big_iov_size(const struct hvisor_vq *vq)
{
	u32 regions = max(READ_ONCE(vq->zone->nr_regions), 1U);

	return min_t(u32, (vq->num + HVISOR_VQ_MAX_SIZE) * regions, U16_MAX);
}

/* Make q->big_iov hold a chain of @vq; false when out of memory. */
static bool hvblk_big_iov_alloc(struct hvblk_queue *q)
{
	unsigned int want = hvblk_big_iov_size(q->vq);

	if (q->big_nr >= want)
		return true;
	kvfree(q->big_iov);
	q->big_nr = 0;
	q->big_iov = kvmalloc_array(want, sizeof(*q->big_iov), GFP_KERNEL);
	if (!q->big_iov)
		return false;
	q->big_nr = want;
	return true;
}

/*
 * The chain just popped into @req did not fit its iov (-EMSGSIZE, chain
 * consumed): give it back and take it again into the queue's big iov.
 * Returns as hvisor_vq_pop(), or -EMSGSIZE when it cannot be taken whole
 * (out of memory, or longer than any chain the engine describes: consumed
 * again with @req's own iov), or 0 when another request holds the big iov
 * (the kick stops, big_wait set; that request's completion requeues it).
 */
static int hvblk_pop_long(struct hvblk_queue *q, struct hvblk_req *req)
{
	bool ok;
	int ret;

	hvisor_vq_unpop(q->vq, 1);
	spin_lock(&q->free_lock);
	ok = !q->big_busy;
	q->big_busy = true;
	q->big_wait = !ok;
	spin_unlock(&q->free_lock);
	if (!ok)
		return 0;
	/* Only the kick changes big_iov, and only while nobody holds it. */
	if (hvblk_big_iov_alloc(q)) {
		req->vqr.iov = q->big_iov;
		req->vqr.max_iov = q->big_nr;
		ret = hvisor_vq_pop(q->vq, &req->vqr);
		if (ret != -EMSGSIZE)
			return ret;
		hvisor_vq_unpop(q->vq, 1);
	}
	pr_warn_ratelimited("device %u: no room for a chain of that many buffers\n",
			    q->dev->vdev.id);
	req->vqr.iov = req->iov;
	req->vqr.max_iov = HVBLK_MAX_IOV;
	spin_lock(&q->free_lock);
	q->big_busy = false;
	spin_unlock(&q->free_lock);
	return hvisor_vq_pop(q->vq, &req->vqr);
}

/*
 * Pop one chain into a free slot. Returns 1 when one was taken, 0 when the
 * ring is empty or no slot (or no big iov) is free, a negative errno when
 * the ring is broken.
 */
static int hvblk_pop_one(struct hvblk_queue *q)
{
	struct hvblk_req *req = hvblk_get_req(q);
	int ret;

	if (!req)
		return 0;
	req->vqr.iov = req->iov;
	req->vqr.max_iov = HVBLK_MAX_IOV;
	ret = hvisor_vq_pop(q->vq, &req->vqr);
	if (ret == -EMSGSIZE)
		ret = hvblk_pop_long(q, req);
	if (ret > 0 || ret == -EMSGSIZE)
		hvblk_lat_pop(q, req);
	if (ret > 0) {
		hvblk_dispatch(q, req);
		return 1;
	}
	if (ret == -EMSGSIZE) {
		hvblk_drop_chain(q, req);
		return 1;
	}
	hvblk_put_req(q, req);
	return ret;
}

/* How a run of hvblk_kick_ring() ended. */
enum {
	HVBLK_RING_EMPTY,	/* nothing left: notifications are up to us */
	HVBLK_RING_STOP,	/* requeued, waiting for a slot, or broken */
};

/*
 * Take chains until the ring is empty; notifications stay off. @popped
 * counts the chains of this run of the poller, HVBLK_KICK_BUDGET at most.
 */
static int hvblk_kick_ring(struct hvblk_queue *q, unsigned int *popped)
{
	int ret;

	for (;;) {
		ret = hvblk_pop_one(q);
		if (ret < 0) {
			hvisor_vdev_fail(&q->dev->vdev, "blk: bad virtqueue");
			return HVBLK_RING_STOP;
		}
		if (!ret)
			break;
		if (++*popped >= HVBLK_KICK_BUDGET) {
			/* Let other work run; come back with notifies off. */
			queue_work(q->dev->wq, &q->kick);
			return HVBLK_RING_STOP;
		}
	}
	if (READ_ONCE(q->starved) || READ_ONCE(q->big_wait))
		return HVBLK_RING_STOP;	/* the next slot given back requeues us */
	return HVBLK_RING_EMPTY;
}

/*
 * Take chains while the queue is enabled; with the ring empty, either
 * look again shortly (requests flow, poll.c) or re-arm notifications,
 * going on if a chain raced in. Returns true in the first case.
 */
static bool hvblk_serve_ring(struct hvblk_queue *q)
{
	/* A plain read first: no full barrier per run while nothing fired. */
	bool fired = atomic_read(&q->poll_fired) &&
		     atomic_xchg(&q->poll_fired, 0);
	struct hvisor_vq *vq = q->vq;
	unsigned int popped = 0;

	hvisor_vq_disable_notify(vq);
	for (;;) {
		if (hvblk_kick_ring(q, &popped) != HVBLK_RING_EMPTY)
			break;
		/*
		 * Backings that complete inside the submission (brd, a
		 * file's page-cache hit, often ext4 on a RAM disk) posted
		 * their results while we submitted: answer them in this
		 * batch rather than in a second run of this work, which
		 * their hvblk_post_done() queued (that run then finds
		 * nothing to do). It also tells hvblk_poll_linger() what
		 * is still in the backing.
		 */
		hvblk_reap(q);
		if (hvblk_poll_linger(q, popped, fired))
			return true;
		if (!hvisor_vq_enable_notify(vq))
			return false;
		hvisor_vq_disable_notify(vq);
	}
	hvblk_reap(q);
	return false;
}

/**
 * hvblk_kick_work() - the poller of a queue
 * @work: hvblk_queue.kick
 *
 * Reaps the results posted (also after a reset: late results of aborted
 * requests give their slots back), takes new chains while the queue is
 * enabled, and pushes every answer as one batch.
 */
void hvblk_kick_work(struct work_struct *work)
{
	struct hvblk_queue *q = container_of(work, struct hvblk_queue, kick);
	bool lingering = false;
	unsigned int noio;

	/*
	 * Reclaim must not wait for I/O through this device (in the
	 * simulator the guest's dirty pages are root's).
	 */
	noio = memalloc_noio_save();
	mutex_lock(&q->kick_mutex);
	hvblk_reap(q);
	if (READ_ONCE(q->enabled) && READ_ONCE(q->vq->ready) &&
	    !READ_ONCE(q->vq->broken))
		lingering = hvblk_serve_ring(q);
	hvblk_flush_batch(q, lingering);
	mutex_unlock(&q->kick_mutex);
	memalloc_noio_restore(noio);
}

/**
 * hvblk_slow_work() - the worker of a queue: what may block, in order
 * @work: hvblk_queue.slow
 */
void hvblk_slow_work(struct work_struct *work)
{
	struct hvblk_queue *q = container_of(work, struct hvblk_queue, slow);
	struct llist_node *list = llist_del_all(&q->slow_list);
	struct hvblk_req *req, *tmp;
	unsigned int noio;

	/* Reclaim must not wait for the I/O this worker is doing. */
	noio = memalloc_noio_save();
	list = llist_reverse_order(list);
	llist_for_each_entry_safe(req, tmp, list, node) {
		hvblk_slow_one(req);
		cond_resched();
	}
	memalloc_noio_restore(noio);
}

/* ---- Transport callbacks ---- */

void hvblk_notify(struct hvisor_vdev *vdev, unsigned int qidx)
{
	struct hvblk_dev *dev = to_hvblk(vdev);

	if (qidx >= dev->nr_queues)
		return;
	hvblk_lat_notify(&dev->queues[qidx]);
	queue_work(dev->wq, &dev->queues[qidx].kick);
}

void hvblk_driver_ok(struct hvisor_vdev *vdev)
{
	struct hvblk_dev *dev = to_hvblk(vdev);
	unsigned int i;

	for (i = 0; i < dev->nr_queues; i++) {
		/* A notify of before the reset is no request's. */
		atomic64_set(&dev->queues[i].lat_notify, 0);
		WRITE_ONCE(dev->queues[i].enabled, true);
		queue_work(dev->wq, &dev->queues[i].kick);
	}
}

/* Answer @req now, outside any batch; its slot stays taken. */
static void hvblk_answer_now(struct hvblk_queue *q, struct hvblk_req *req,
			     int status)
{
	struct hvisor_vdev *vdev = &q->dev->vdev;

	req->in = 0;
	req->status = status;
	hvisor_vq_push(q->vq, req->vqr.head, hvblk_write_status(req));
	hvblk_count(vdev, req);
	hvisor_vdev_vq_interrupt(vdev, q->vq);
}

/*
 * Answer @req with IOERR if its I/O runs: hold its buffers first (the
 * guest may reuse them as soon as it sees the answer; the I/O may still
 * touch them). The poller is stopped (kick_mutex held) and its batch is
 * empty. When nothing can be held (no memory) the request is left to its
 * I/O.
 */
static void hvblk_abort_req(struct hvblk_queue *q, struct hvblk_req *req)
{
	unsigned int nr;
	struct folio **held;

	lockdep_assert_held(&q->kick_mutex);
	if (req->state != HVBLK_REQ_QUEUED)
		return;
	held = hvblk_hold(req->vqr.iov, hvblk_nr_iov(req), &nr);
	if (IS_ERR(held)) {
		pr_warn_ratelimited("device %u: no memory to abort a request: it waits for its backing\n",
				    q->dev->vdev.id);
		return;
	}
	req->held = held;
	req->nr_held = nr;
	/* Read by the worker, which then leaves the backing alone. */
	WRITE_ONCE(req->state, HVBLK_REQ_ABORTED);
	hvblk_answer_now(q, req, VIRTIO_BLK_S_IOERR);
}

/*
 * Forced removal: answer every request in flight with IOERR now and every
 * later one at once (dev->aborted). I/O stuck in the backing goes on; its
 * result only gives the slot back when the backing returns
 * (hvblk_drain() and hvblk_release() wait for that) and never touches the
 * ring again.
 */
void hvblk_abort(struct hvisor_vdev *vdev)
{
	struct hvblk_dev *dev = to_hvblk(vdev);
	unsigned int i, j;

	WRITE_ONCE(dev->aborted, true);
	for (i = 0; i < dev->nr_queues; i++) {
		struct hvblk_queue *q = &dev->queues[i];

		/*
		 * The poller is between two runs (it never waits for the
		 * backing) and its next run sees @aborted (the mutex orders
		 * it).
		 */
		mutex_lock(&q->kick_mutex);
		for (j = 0; j < q->pool_size; j++)
			hvblk_abort_req(q, &q->pool[j]);
		mutex_unlock(&q->kick_mutex);
	}
	/* A reset waiting for the backing stops waiting. */
	wake_up_var(&dev->busy);
}

/**
 * hvblk_quiesce() - wait until nothing of @dev runs any more
 * @dev: the device; no poller takes new chains any more (reset)
 *
 * Every slot given back (every kiocb completed and reaped, the stuck
 * ones of a forced removal included), then a grace period for the
 * completions still inside hvblk_post_done(), then every work item.
 */
void hvblk_quiesce(struct hvblk_dev *dev)
{
	unsigned int i;

	wait_var_event(&dev->busy, !atomic_read(&dev->busy));
	synchronize_rcu();
	for (i = 0; i < dev->nr_queues; i++)
		hvblk_poll_stop(&dev->queues[i]);
	flush_workqueue(dev->wq);
	/* A run of the poller just flushed may have started the timer. */
	for (i = 0; i < dev->nr_queues; i++)
		hvblk_poll_stop(&dev->queues[i]);
}

/* Wait for every request, those hvblk_abort() left in the backing included. */
void hvblk_drain(struct hvisor_vdev *vdev)
{
	hvblk_quiesce(to_hvblk(vdev));
}

static bool hvblk_reset_done(struct hvblk_dev *dev)
{
	return !atomic_read(&dev->busy) || READ_ONCE(dev->aborted);
}

/*
 * Stop every poller, then wait for every request in flight: each is
 * answered and its used entry pushed before this returns. Afterwards
 * nothing of this device touches guest memory until the next DRIVER_OK.
 * After hvblk_abort() the requests left are answered already and may hang
 * in the backing: they are not waited for (hvblk_drain() is); a reset
 * waiting when the abort comes stops waiting.
 */
void hvblk_reset(struct hvisor_vdev *vdev)
{
	struct hvblk_dev *dev = to_hvblk(vdev);
	unsigned int i;

	for (i = 0; i < dev->nr_queues; i++) {
		struct hvblk_queue *q = &dev->queues[i];

		mutex_lock(&q->kick_mutex);
		WRITE_ONCE(q->enabled, false);
		mutex_unlock(&q->kick_mutex);
		/* No poller starts it again until DRIVER_OK. */
		hvblk_poll_stop(q);
	}
	/* The pollers reap and answer what completes meanwhile. */
	wait_var_event(&dev->busy, hvblk_reset_done(dev));
	for (i = 0; i < dev->nr_queues; i++) {
		struct hvblk_queue *q = &dev->queues[i];

		/* No answer of hvblk_abort() or of a poller runs any more. */
		mutex_lock(&q->kick_mutex);
		spin_lock(&q->free_lock);
		q->starved = false;
		q->big_wait = false;
		spin_unlock(&q->free_lock);
		/* The driver that was owed it is gone. */
		q->irq_held = 0;
		mutex_unlock(&q->kick_mutex);
	}
}
