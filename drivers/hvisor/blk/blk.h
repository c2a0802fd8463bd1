/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-blk backend of hvisor_vhost: private structures, their locking
 * and lifetime rules. Files:
 *
 *   parse.c  request parsing (pure: guest values copied once, checked)
 *   io.c     the backing store: direct and buffered reads and writes with
 *            kiocbs, flush, discard, write zeroes, GET_ID
 *   queue.c  per queue: the poller (ring consumer, completions, batched
 *            answers), the blocking worker, request slots, reset, abort
 *   blk.c    device creation, limits, config space, features, listing
 *   poll.c   looking at the avail ring while requests flow (blk_poll_us)
 *   stats.c  the per-request latency breakdown (blk_latency, debugfs)
 *
 * Data flow, per virtqueue (Documentation/blk.rst):
 *
 *   QueueNotify (any context) -> hvblk_notify() queues the poller
 *   the poller (hvblk_queue.kick, one at a time per queue, kick_mutex):
 *     1. reaps completions posted to q->done, answers them as one batch
 *        (one used-ring update, one interrupt);
 *     2. pops descriptor chains, parses each into a request slot and
 *        starts its I/O without blocking: reads and writes are submitted
 *        with IOCB_NOWAIT (direct I/O into the guest's pages in cache
 *        mode none); what would block (and flush, discard, write zeroes)
 *        goes to the queue's worker (hvblk_queue.slow);
 *     3. with the ring empty, re-arms notifications; or, with
 *        blk_poll_us set and requests flowing, leaves them off and has
 *        the poll timer queue it again blk_poll_us later, holding the
 *        interrupt for its answers until then (poll.c);
 *   worker (one per queue): runs what may block, one request after the
 *     other, and posts the result to q->done like a kiocb completion;
 *   kiocb completion (ki_complete, any context): posts to q->done.
 */
#ifndef _HVISOR_BLK_H
#define _HVISOR_BLK_H

#include <linux/atomic.h>
#include <linux/bvec.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/jump_label.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uio.h>
#include <linux/virtio_blk.h>
#include <linux/workqueue.h>

#include "../vdev.h"
#include "../vq.h"

#define HVBLK_SECTOR_SHIFT	9
#define HVBLK_SECTOR_SIZE	512U
#define HVBLK_MAX_QUEUES	16
#define HVBLK_DEF_QUEUE_SIZE	256
/* Requests in flight per queue: the size of the per-queue pool. */
#define HVBLK_MAX_INFLIGHT	128
/* Data segments of one request (config seg_max) and their size (size_max). */
#define HVBLK_SEG_MAX		126
#define HVBLK_SIZE_MAX		SZ_1M
/*
 * iov entries of a request slot: header, status, seg_max data buffers and
 * 16 pieces of buffers that straddle two RAM regions. A longer chain
 * (fragmented guest RAM, or a driver ignoring seg_max) borrows its queue's
 * big iov (struct hvblk_queue), so every chain is served.
 */
#define HVBLK_MAX_IOV		(HVBLK_SEG_MAX + 2 + 16)
/* bio_vecs of a slot: a direct request with more data pieces is buffered. */
#define HVBLK_MAX_BVEC		(HVBLK_SEG_MAX + 16)
/* Largest read or write: all that seg_max and size_max allow. */
#define HVBLK_MAX_DATA		(HVBLK_SEG_MAX * HVBLK_SIZE_MAX)
/* Discard and write-zeroes limits offered in the config space. */
#define HVBLK_MAX_DWZ_SEG	16
#define HVBLK_MAX_DISCARD_SECT	BIT(22)
#define HVBLK_MAX_WZ_SECT	BIT(16)
/* Chains popped by one run of the poller before it yields. */
#define HVBLK_KICK_BUDGET	64
/* Zero pages per write of the write-zeroes fallback. */
#define HVBLK_ZERO_VECS		16

/* hvblk_parse() result: no writable status byte, complete with len 0. */
#define HVBLK_NO_STATUS		(-1)

/**
 * struct hvblk_limits - what requests are checked against
 * @capacity: disk size in 512-byte sectors
 * @max_data: largest data part of a read or write, bytes
 * @max_discard_sectors: largest discard segment, sectors
 * @max_wz_sectors: largest write-zeroes segment, sectors
 * @max_dwz_seg: most segments in one discard or write-zeroes request
 * @ro: read-only disk
 * @discard: VIRTIO_BLK_F_DISCARD offered
 * @write_zeroes: VIRTIO_BLK_F_WRITE_ZEROES offered
 */
struct hvblk_limits {
	u64 capacity;
	u32 max_data;
	u32 max_discard_sectors;
	u32 max_wz_sectors;
	u32 max_dwz_seg;
	bool ro;
	bool discard;
	bool write_zeroes;
};

/* One discard or write-zeroes segment, copied from the guest and checked. */
struct hvblk_seg {
	u64 sector;
	u32 nr_sectors;
	u32 flags;
};

/**
 * struct hvblk_cmd - a parsed request; every guest value copied once
 * @type: VIRTIO_BLK_T_*
 * @pos: byte offset in the backing file (IN, OUT)
 * @len: data bytes (IN, OUT) or ID bytes to copy (GET_ID)
 * @status: the status byte in guest memory (NULL when there is none)
 * @nr_segs: segments in @segs (DISCARD, WRITE_ZEROES)
 * @segs: the segments
 */
struct hvblk_cmd {
	u32 type;
	loff_t pos;
	u32 len;
	u8 *status;
	unsigned int nr_segs;
	struct hvblk_seg segs[HVBLK_MAX_DWZ_SEG];
};

struct hvblk_dev;
struct hvblk_queue;

/*
 * Stages of the latency breakdown of one request (stats.c, the
 * "Latency breakdown" section of Documentation/blk.rst).
 */
enum {
	HVBLK_LAT_NOTIFY,	/* QueueNotify seen -> chain taken from the ring */
	HVBLK_LAT_DISPATCH,	/* chain taken -> last submission to the backing */
	HVBLK_LAT_BACKEND,	/* submission -> result posted (ki_complete...) */
	HVBLK_LAT_ANSWER,	/* result -> answer published in the used ring */
	HVBLK_LAT_INJECT,	/* published -> interrupt injection returned */
	HVBLK_LAT_STAGES,
};

/**
 * struct hvblk_req_lat - time stamps of one request (ns, ktime_get_ns())
 * @seq: hvblk_lat_seq when the chain was taken; a stamp of an earlier
 *	enabled period (the slot was reused while the breakdown was off)
 *	never matches, so such a request is not counted
 * @polled: the chain came without a QueueNotify of its own (the poller
 *	found it while running): @notify is the time it was taken
 * @notify: the first QueueNotify of the queue not yet followed by a take
 * @pop: taken from the avail ring
 * @submit: the last submission to the backing (reads and writes: the
 *	last attempt; others: the worker starts them)
 * @done: the result of that submission posted
 *
 * Written only while the breakdown is on, each by whoever owns the slot
 * at that moment (blk.h's rules for struct hvblk_req: the poller, then
 * the backing's completion or the worker, then the poller again; the
 * hand-overs are the llist operations, fully ordered). A chain taken
 * while it is off leaves old stamps, which @seq then rejects.
 */
struct hvblk_req_lat {
	unsigned long seq;
	bool polled;
	u64 notify;
	u64 pop;
	u64 submit;
	u64 done;
};

/**
 * struct hvblk_lat - latency breakdown counters of a queue
 * @count: requests counted (answered with every stage stamped)
 * @polled: of which taken without a QueueNotify of their own
 * @sum: per stage, total ns
 * @max: per stage, the longest, ns
 *
 * Updated by the poller only, with the queue's kick_mutex held (it
 * answers every counted request); read and reset by debugfs under the
 * same mutex, so a reader sees every counter of a queue at one instant.
 * No other lock, no atomics.
 */
struct hvblk_lat {
	u64 count;
	u64 polled;
	u64 sum[HVBLK_LAT_STAGES];
	u64 max[HVBLK_LAT_STAGES];
};

/*
 * struct hvblk_req.state: who answers the guest. Changed only with the
 * queue's kick_mutex held (poller, hvblk_abort()), so the poller's reap and
 * the abort never both answer; the worker only reads it (READ_ONCE) to
 * leave the backing alone for a request answered already.
 */
enum {
	HVBLK_REQ_IDLE,		/* free, or being parsed by the poller */
	HVBLK_REQ_QUEUED,	/* its I/O runs: the poller answers its result */
	/* answered by hvblk_abort(): the result only gives the slot back */
	HVBLK_REQ_ABORTED,
};

/* struct hvblk_req.attempt: how a read or write is being tried. */
enum {
	HVBLK_TRY_NOWAIT,	/* by the poller, IOCB_NOWAIT */
	HVBLK_TRY_BLOCKING,	/* by the worker, may block in submission */
	HVBLK_TRY_BUFFERED,	/* by the worker, through the page cache */
};

/**
 * struct hvblk_req - one request slot of a queue's pool
 * @iocb: the read or write in flight (IN, OUT)
 * @q: owning queue
 * @next_free: link in the queue's free list
 * @node: on q->slow (waiting for the worker) or q->done (result posted)
 * @state: HVBLK_REQ_*, see above
 * @attempt: HVBLK_TRY_* of the read or write
 * @direct: this attempt is direct I/O on dev->dfile over @bvec
 * @frozen: @iocb holds freeze protection of the file's super block
 * @res: result of the last read or write attempt: bytes or -errno
 * @status: result of any other request (VIRTIO_BLK_S_*)
 * @in: data bytes put in guest memory (for the used length)
 * @held: the guest buffers' folios hvblk_abort() holds for the I/O of an
 *	aborted request (hvblk_hold()), dropped when its result comes
 * @nr_held: entries in @held
 * @vqr: the chain as popped; @vqr.iov points to @iov or to the big iov
 * @lat: latency breakdown stamps (only while blk_latency is on)
 * @cmd: the parsed request
 * @nr_bvec: entries of @bvec in use
 * @bvec: the data buffers as pages of root's linear map (direct I/O)
 * @iov: room for the chain's buffers
 *
 * Lifetime: a slot is taken by the poller (hvblk_get_req()) and given
 * back (hvblk_put_req()) only by the poller or hvblk_abort(), after the
 * answer is in the used ring. While its I/O runs nothing else uses it;
 * the completion posts it to q->done and never touches it afterwards.
 */
struct hvblk_req {
	struct kiocb iocb;
	struct hvblk_queue *q;
	struct hvblk_req *next_free;
	struct llist_node node;
	int state;
	u8 attempt;
	bool direct;
	bool frozen;
	long res;
	int status;
	u32 in;
	struct folio **held;
	unsigned int nr_held;
	struct hvisor_vq_req vqr;
	struct hvblk_req_lat lat;
	struct hvblk_cmd cmd;
	unsigned int nr_bvec;
	struct bio_vec bvec[HVBLK_MAX_BVEC];
	struct kvec iov[HVBLK_MAX_IOV];
};

/**
 * struct hvblk_queue - per-virtqueue state
 * @dev: owning device
 * @vq: the ring (in dev->vdev.vqs)
 * @kick: the poller; never runs twice at once (workqueue guarantee)
 * @kick_mutex: held by @kick while it runs, by hvblk_abort() and by reset
 *	when it clears @enabled: after reset no poller touches the ring, and
 *	every answer (and every change of a slot's state) is made under it
 * @enabled: the driver set DRIVER_OK and no reset happened since
 * @slow: the worker: runs what may block, in order
 * @slow_list: requests for @slow (llist: the poller adds, @slow takes all)
 * @done: requests whose result is posted (llist: completions add from any
 *	context, the poller takes all)
 * @batch: answers collected by the poller, pushed as one batch (under
 *	@kick_mutex)
 * @batch_used: the used entries of @batch
 * @nr_batch: entries in @batch
 * @free_lock: protects @free, @starved, @big_busy and @big_wait
 * @free: stack of unused request slots
 * @nr_taken: slots not on @free (changed under @free_lock by the poller
 *	and hvblk_abort(), so with @kick_mutex held too: read under either)
 * @starved: the poller stopped because @free was empty; the next slot
 *	given back requeues it
 * @pool: the request slots
 * @pool_size: slots in @pool
 * @big_iov: iov for a chain too long for a slot's own (allocated by the
 *	poller the first time one comes, freed with the device); one request
 *	at a time uses it
 * @big_nr: entries in @big_iov
 * @big_busy: a request holds @big_iov
 * @big_wait: the poller stopped on a long chain while @big_busy; giving
 *	back the slot holding @big_iov requeues it
 * @lat_notify: latency breakdown: time of the first QueueNotify not yet
 *	followed by a take, 0 when none (set by hvblk_notify() in any
 *	context with a cmpxchg from 0, taken by the poller with an xchg)
 * @lat: latency breakdown counters, under @kick_mutex (struct hvblk_lat)
 * @poll_timer: the next look at the ring while requests flow (poll.c);
 *	started by the poller, its expiry only queues @kick
 * @poll_fired: set to 1 by @poll_timer's expiry, taken (atomic_xchg())
 *	by the next run of the poller, which is then a look
 * @irq_held: when the oldest answer whose interrupt waits was published
 *	(ktime_get_ns(), never 0), or 0 when none waits; under @kick_mutex
 */
struct hvblk_queue {
	struct hvblk_dev *dev;
	struct hvisor_vq *vq;
	struct work_struct kick;
	struct mutex kick_mutex;	/* ring consumer, answers, see above */
	bool enabled;
	struct work_struct slow;
	struct llist_head slow_list;
	struct llist_head done;
	struct hvblk_req **batch;
	struct hvisor_vq_used *batch_used;
	unsigned int nr_batch;
	spinlock_t free_lock;		/* @free, @starved, @big_* */
	struct hvblk_req *free;
	unsigned int nr_taken;
	bool starved;
	struct hvblk_req *pool;
	unsigned int pool_size;
	struct kvec *big_iov;
	unsigned int big_nr;
	bool big_busy;
	bool big_wait;
	atomic64_t lat_notify;
	struct hvblk_lat lat;		/* under @kick_mutex */
	struct hrtimer poll_timer;
	atomic_t poll_fired;
	u64 irq_held;
};

/**
 * struct hvblk_dev - a virtio-blk device
 * @vdev: the transport; must stay first (container_of)
 * @file: backing file or block device as given; a reference is held.
 *	Buffered reads and writes, fsync, fallocate.
 * @dfile: the same file opened again with O_DIRECT (cache mode none), or
 *	NULL (writeback, or no direct I/O possible); a reference is held
 * @bdev: the block device when @file is one, else NULL
 * @wq: unbound workqueue running pollers and workers
 * @mem_mask: direct I/O: memory alignment of every buffer, minus one
 * @off_mask: direct I/O: alignment of offsets and lengths, minus one
 * @dio_nowait: direct I/O may be tried with IOCB_NOWAIT by the poller:
 *	the file and the block device under it support it; cleared for good
 *	when an attempt says otherwise (-EOPNOTSUPP)
 * @fallbacks: requests of cache mode none served buffered (misaligned,
 *	or guest RAM without struct pages)
 * @no_pages: a guest buffer without struct pages was found
 * @busy: request slots taken; reset and drain wait for 0 (wake_up_var()).
 *	A completion posts its slot to q->done inside an RCU read-side
 *	section and touches nothing of the device afterwards, and the slot
 *	is given back only by the poller once it reaped it: so after @busy
 *	drops to 0, a grace period (synchronize_rcu()) and a flush of @wq,
 *	no completion and no work of the device runs any more and it may be
 *	freed (hvblk_drain(), hvblk_release()).
 * @aborted: hvblk_abort() ran (forced removal): every request is answered
 *	with VIRTIO_BLK_S_IOERR at once, none reaches the backing any more
 * @lim: request limits
 * @serial: VIRTIO_BLK_T_GET_ID answer
 * @config: the config space the guest reads
 * @lat_node: entry in stats.c's list of devices, which debugfs walks
 *	(under hvblk_lat_mutex; removed before the device is freed)
 * @nr_queues: entries in @queues
 * @queues: per-virtqueue state
 */
struct hvblk_dev {
	struct hvisor_vdev vdev;
	struct file *file;
	struct file *dfile;
	struct block_device *bdev;
	struct workqueue_struct *wq;
	unsigned int mem_mask;
	unsigned int off_mask;
	bool dio_nowait;
	atomic64_t fallbacks;
	bool no_pages;
	atomic_t busy;
	bool aborted;
	struct hvblk_limits lim;
	char serial[VIRTIO_BLK_ID_BYTES];
	struct virtio_blk_config config;
	struct list_head lat_node;
	unsigned int nr_queues;
	struct hvblk_queue queues[];
};

static inline struct hvblk_dev *to_hvblk(struct hvisor_vdev *vdev)
{
	return container_of(vdev, struct hvblk_dev, vdev);
}

/* stats.c: the latency breakdown. */
DECLARE_STATIC_KEY_FALSE(hvblk_lat_key);
extern unsigned long hvblk_lat_seq;

int hvblk_lat_init(void);
void hvblk_lat_exit(void);
void hvblk_lat_add_dev(struct hvblk_dev *dev);
void hvblk_lat_del_dev(struct hvblk_dev *dev);
void __hvblk_lat_notify(struct hvblk_queue *q);
void __hvblk_lat_pop(struct hvblk_queue *q, struct hvblk_req *req);
void __hvblk_lat_answered(struct hvblk_queue *q, struct hvblk_req **reqs,
			  unsigned int n, u64 used);
bool hvblk_lat_account(struct hvblk_lat *lat, const struct hvblk_req_lat *t,
		       u64 used, u64 injected);

/*
 * The hooks of the data path. Off (the default), each is a static branch
 * patched to a no-op: the data path pays nothing for the breakdown.
 */

/* Stamp @t with the time now. */
static inline void hvblk_lat_stamp(u64 *t)
{
	if (static_branch_unlikely(&hvblk_lat_key))
		*t = ktime_get_ns();
}

/* A QueueNotify of @q (hvblk_notify(), any context). */
static inline void hvblk_lat_notify(struct hvblk_queue *q)
{
	if (static_branch_unlikely(&hvblk_lat_key))
		__hvblk_lat_notify(q);
}

/* @req was just taken from @q's avail ring (poller). */
static inline void hvblk_lat_pop(struct hvblk_queue *q, struct hvblk_req *req)
{
	if (static_branch_unlikely(&hvblk_lat_key))
		__hvblk_lat_pop(q, req);
}

/*
 * @reqs were published in the used ring at @used (hvblk_lat_stamp(), 0
 * when it was off) and the interrupt injected (poller, kick_mutex).
 */
static inline void hvblk_lat_answered(struct hvblk_queue *q,
				      struct hvblk_req **reqs, unsigned int n,
				      u64 used)
{
	if (static_branch_unlikely(&hvblk_lat_key))
		__hvblk_lat_answered(q, reqs, n, used);
}

/* parse.c */
int hvblk_parse(const struct hvblk_limits *lim,
		const struct hvisor_vq_req *vqr, struct hvblk_cmd *cmd);

/* io.c */
void hvblk_rw_start(struct hvblk_req *req);
void hvblk_rw_result(struct hvblk_req *req);
void hvblk_slow_one(struct hvblk_req *req);
int hvblk_do_get_id(struct hvblk_dev *dev, struct hvblk_req *req, u32 *done);
int hvblk_execute(struct hvblk_dev *dev, struct hvblk_req *req, u32 *in,
		  u32 *out);

/* queue.c */
void hvblk_post_done(struct hvblk_req *req);
void hvblk_to_worker(struct hvblk_req *req);
void hvblk_answer(struct hvblk_queue *q, struct hvblk_req *req, int status);
void hvblk_kick_work(struct work_struct *work);
void hvblk_slow_work(struct work_struct *work);
void hvblk_notify(struct hvisor_vdev *vdev, unsigned int qidx);
void hvblk_driver_ok(struct hvisor_vdev *vdev);
void hvblk_reset(struct hvisor_vdev *vdev);
void hvblk_abort(struct hvisor_vdev *vdev);
void hvblk_drain(struct hvisor_vdev *vdev);
void hvblk_quiesce(struct hvblk_dev *dev);

/* poll.c */
void hvblk_poll_init(struct hvblk_queue *q);
bool hvblk_poll_linger(struct hvblk_queue *q, unsigned int popped,
		       bool fired);
bool hvblk_poll_hold_irq(struct hvblk_queue *q, bool lingering);
void hvblk_poll_stop(struct hvblk_queue *q);

#endif /* _HVISOR_BLK_H */
