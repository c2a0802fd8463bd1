// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk backend of hvisor_vhost: a guest disk served from a regular
 * file or a block device of root Linux, with many requests in flight.
 *
 * Data flow, per virtqueue:
 *
 *   QueueNotify (any context) -> hvblk_notify() queues the queue's kick work
 *   kick work (process context, one at a time per queue) pops descriptor
 *     chains with the ring engine, parses each into a preallocated request
 *     and queues the request's work on the device's unbound workqueue
 *   request work (many in parallel) does the file I/O synchronously, writes
 *     the status byte, pushes the used entry and raises the interrupt.
 *
 * Requests that need no I/O (GET_ID, malformed or unsupported requests) are
 * completed by the kick work itself. Documentation/blk.rst tells what the
 * guest sees and the error policy.
 */

#define pr_fmt(fmt) "hvisor_vhost: blk: " fmt

#include <linux/blkdev.h>
#include <linux/dcache.h>
#include <linux/falloc.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_byteorder.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>
#include <linux/wait_bit.h>
#include <linux/workqueue.h>
#include <linux/hvisor_vhost.h>

#include "../compat.h"
#include "../core.h"
#include "../vdev.h"
#include "../vq.h"
#include "../zone.h"

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
/* Largest read or write: all that seg_max and size_max allow. */
#define HVBLK_MAX_DATA		(HVBLK_SEG_MAX * HVBLK_SIZE_MAX)
/* Discard and write-zeroes limits offered in the config space. */
#define HVBLK_MAX_DWZ_SEG	16
#define HVBLK_MAX_DISCARD_SECT	BIT(22)
#define HVBLK_MAX_WZ_SECT	BIT(16)
/* Chains popped by one run of a kick work before it yields. */
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

/* struct hvblk_req.state: who answers the guest (see hvblk_abort()). */
enum {
	HVBLK_REQ_IDLE,		/* free, or being parsed by the kick */
	HVBLK_REQ_QUEUED,	/* handed to its work: the work answers */
	/* answered by hvblk_abort(): the work only gives the slot back */
	HVBLK_REQ_ABORTED,
};

/**
 * struct hvblk_req - one request slot of a queue's pool
 * @work: runs the I/O on the device's workqueue
 * @q: owning queue
 * @next_free: link in the queue's free list
 * @state: HVBLK_REQ_*; the work and hvblk_abort() race for the answer
 *	with atomic_cmpxchg() from HVBLK_REQ_QUEUED
 * @held: the guest buffers' folios hvblk_abort() holds for the work of an
 *	aborted request (hvblk_hold()), dropped by that work
 * @nr_held: entries in @held
 * @vqr: the chain as popped; @vqr.iov points to @iov
 * @cmd: the parsed request
 * @iov: room for the chain's buffers
 */
struct hvblk_req {
	struct work_struct work;
	struct hvblk_queue *q;
	struct hvblk_req *next_free;
	atomic_t state;
	struct folio **held;
	unsigned int nr_held;
	struct hvisor_vq_req vqr;
	struct hvblk_cmd cmd;
	struct kvec iov[HVBLK_MAX_IOV];
};

/**
 * struct hvblk_queue - per-virtqueue state
 * @dev: owning device
 * @vq: the ring (in dev->vdev.vqs)
 * @kick: pops chains; never runs twice at once (workqueue guarantee)
 * @kick_mutex: held by @kick while it consumes the ring and by reset when
 *	it clears @enabled, so that after reset no kick touches the ring
 * @enabled: the driver set DRIVER_OK and no reset happened since
 * @free_lock: protects @free, @starved, @big_busy and @big_wait
 * @free: stack of unused request slots
 * @starved: the kick stopped because @free was empty; the next completion
 *	requeues it
 * @pool: the request slots
 * @pool_size: slots in @pool
 * @big_iov: iov for a chain too long for a slot's own (allocated by the
 *	kick the first time one comes, freed with the device); one request
 *	at a time uses it
 * @big_nr: entries in @big_iov
 * @big_busy: a request holds @big_iov
 * @big_wait: the kick stopped on a long chain while @big_busy; the
 *	completion of the request holding @big_iov requeues it
 */
struct hvblk_queue {
	struct hvblk_dev *dev;
	struct hvisor_vq *vq;
	struct work_struct kick;
	struct mutex kick_mutex;	/* ring consumer vs reset, see above */
	bool enabled;
	spinlock_t free_lock;		/* @free, @starved, @big_* */
	struct hvblk_req *free;
	bool starved;
	struct hvblk_req *pool;
	unsigned int pool_size;
	struct kvec *big_iov;
	unsigned int big_nr;
	bool big_busy;
	bool big_wait;
};

/**
 * struct hvblk_dev - a virtio-blk device
 * @vdev: the transport; must stay first (container_of)
 * @file: backing file or block device; a reference is held
 * @bdev: the block device when @file is one, else NULL
 * @wq: unbound workqueue running kicks and requests
 * @lim: request limits
 * @serial: VIRTIO_BLK_T_GET_ID answer
 * @config: the config space the guest reads
 * @aborted: hvblk_abort() ran (forced removal): every request is answered
 *	with VIRTIO_BLK_S_IOERR at once, none reaches the backing any more
 * @answering: works between claiming their answer and giving the slot
 *	back; after an abort, reset waits for these only
 * @nr_queues: entries in @queues
 * @queues: per-virtqueue state
 */
struct hvblk_dev {
	struct hvisor_vdev vdev;
	struct file *file;
	struct block_device *bdev;
	struct workqueue_struct *wq;
	bool aborted;
	atomic_t answering;
	struct hvblk_limits lim;
	char serial[VIRTIO_BLK_ID_BYTES];
	struct virtio_blk_config config;
	unsigned int nr_queues;
	struct hvblk_queue queues[];
};

static struct hvblk_dev *to_hvblk(struct hvisor_vdev *vdev)
{
	return container_of(vdev, struct hvblk_dev, vdev);
}

/* Modern virtio only: the config space and headers are little-endian. */
static __virtio32 hvblk_cfg32(u32 v)
{
	return __cpu_to_virtio32(true, v);
}

/* ---- Request parsing: pure, no side effect, KUnit tested ---- */

static bool hvblk_range_ok(const struct hvblk_limits *lim, u64 sector,
			   u64 nr_sectors)
{
	return sector <= lim->capacity && nr_sectors <= lim->capacity - sector;
}

/* The status byte: the last byte of the writable part, or NULL. */
static u8 *hvblk_find_status(const struct hvisor_vq_req *vqr)
{
	unsigned int i = vqr->nr_out + vqr->nr_in;

	if (!vqr->in_len)
		return NULL;
	while (i > vqr->nr_out) {
		const struct kvec *v = &vqr->iov[--i];

		if (v->iov_len)
			return (u8 *)v->iov_base + v->iov_len - 1;
	}
	return NULL;
}

static int hvblk_parse_rw(const struct hvblk_limits *lim,
			  const struct hvisor_vq_req *vqr, u64 sector,
			  struct hvblk_cmd *cmd)
{
	u32 len;

	if (cmd->type == VIRTIO_BLK_T_IN) {
		len = vqr->in_len - 1;
	} else {
		if (lim->ro)
			return VIRTIO_BLK_S_IOERR;
		len = vqr->out_len - sizeof(struct virtio_blk_outhdr);
	}
	if (len % HVBLK_SECTOR_SIZE || len > lim->max_data ||
	    !hvblk_range_ok(lim, sector, len >> HVBLK_SECTOR_SHIFT))
		return VIRTIO_BLK_S_IOERR;
	cmd->pos = (loff_t)(sector << HVBLK_SECTOR_SHIFT);
	cmd->len = len;
	return VIRTIO_BLK_S_OK;
}

static int hvblk_check_seg(const struct hvblk_limits *lim, u32 type,
			   const struct hvblk_seg *seg)
{
	bool discard = type == VIRTIO_BLK_T_DISCARD;
	u32 max = discard ? lim->max_discard_sectors : lim->max_wz_sectors;

	if (seg->flags & ~VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP ||
	    (discard && seg->flags))
		return VIRTIO_BLK_S_UNSUPP;
	if (seg->nr_sectors > max ||
	    !hvblk_range_ok(lim, seg->sector, seg->nr_sectors))
		return VIRTIO_BLK_S_IOERR;
	return VIRTIO_BLK_S_OK;
}

/* @it is positioned after the header. */
static int hvblk_parse_dwz(const struct hvblk_limits *lim,
			   const struct hvisor_vq_req *vqr,
			   struct iov_iter *it, struct hvblk_cmd *cmd)
{
	u32 bytes = vqr->out_len - sizeof(struct virtio_blk_outhdr);
	struct virtio_blk_discard_write_zeroes raw;
	unsigned int i;
	int ret;

	if ((cmd->type == VIRTIO_BLK_T_DISCARD && !lim->discard) ||
	    (cmd->type == VIRTIO_BLK_T_WRITE_ZEROES && !lim->write_zeroes))
		return VIRTIO_BLK_S_UNSUPP;
	if (lim->ro)
		return VIRTIO_BLK_S_IOERR;
	if (!bytes || bytes % sizeof(raw) ||
	    bytes / sizeof(raw) > lim->max_dwz_seg)
		return VIRTIO_BLK_S_IOERR;
	cmd->nr_segs = bytes / sizeof(raw);
	for (i = 0; i < cmd->nr_segs; i++) {
		struct hvblk_seg *seg = &cmd->segs[i];

		if (copy_from_iter(&raw, sizeof(raw), it) != sizeof(raw))
			return VIRTIO_BLK_S_IOERR;
		seg->sector = le64_to_cpu(raw.sector);
		seg->nr_sectors = le32_to_cpu(raw.num_sectors);
		seg->flags = le32_to_cpu(raw.flags);
		ret = hvblk_check_seg(lim, cmd->type, seg);
		if (ret != VIRTIO_BLK_S_OK)
			return ret;
	}
	return VIRTIO_BLK_S_OK;
}

/**
 * hvblk_parse() - check a descriptor chain and turn it into a command
 * @lim: the device's limits
 * @vqr: the chain: readable buffers then writable ones
 * @cmd: out: the command; cmd->status is set whenever a status byte exists
 *
 * Reads (copies once) the request header and, for discard and write
 * zeroes, the segments from guest memory; writes nothing.
 *
 * Return: VIRTIO_BLK_S_OK when @cmd is to be executed, VIRTIO_BLK_S_IOERR
 * or VIRTIO_BLK_S_UNSUPP when the request is to be completed with that
 * status at once, HVBLK_NO_STATUS when there is no status byte to write.
 */
static int hvblk_parse(const struct hvblk_limits *lim,
		       const struct hvisor_vq_req *vqr, struct hvblk_cmd *cmd)
{
	struct virtio_blk_outhdr hdr;
	struct iov_iter it;
	u64 sector;

	memset(cmd, 0, offsetof(struct hvblk_cmd, segs));
	cmd->status = hvblk_find_status(vqr);
	if (!cmd->status)
		return HVBLK_NO_STATUS;
	if (vqr->out_len < sizeof(hdr))
		return VIRTIO_BLK_S_IOERR;
	iov_iter_kvec(&it, ITER_SOURCE, vqr->iov, vqr->nr_out, vqr->out_len);
	if (copy_from_iter(&hdr, sizeof(hdr), &it) != sizeof(hdr))
		return VIRTIO_BLK_S_IOERR;
	cmd->type = __virtio32_to_cpu(true, hdr.type);
	sector = __virtio64_to_cpu(true, hdr.sector);

	switch (cmd->type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		return hvblk_parse_rw(lim, vqr, sector, cmd);
	case VIRTIO_BLK_T_FLUSH:
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID:
		cmd->len = min_t(u32, vqr->in_len - 1, VIRTIO_BLK_ID_BYTES);
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		return hvblk_parse_dwz(lim, vqr, &it, cmd);
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}

/* ---- Execution: process context, may sleep ---- */

static void hvblk_in_iter(const struct hvisor_vq_req *vqr, u32 len,
			  struct iov_iter *it)
{
	iov_iter_kvec(it, ITER_DEST, vqr->iov + vqr->nr_out, vqr->nr_in, len);
}

/* Read: returns the status; *done tells the bytes put in guest memory. */
static int hvblk_do_read(struct file *file, struct hvblk_req *req, u32 *done)
{
	struct hvblk_cmd *cmd = &req->cmd;
	loff_t pos = cmd->pos;
	struct iov_iter it;
	ssize_t n;

	hvblk_in_iter(&req->vqr, cmd->len, &it);
	while (iov_iter_count(&it)) {
		n = vfs_iter_read(file, &it, &pos, 0);
		if (n <= 0)	/* error, or the file shrank under us */
			break;
	}
	*done = cmd->len - iov_iter_count(&it);
	return iov_iter_count(&it) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
}

/* Write all of @it at @pos: the byte count or a negative errno. */
static ssize_t hvblk_write_iter(struct file *file, struct iov_iter *it,
				loff_t pos)
{
	size_t total = iov_iter_count(it);
	ssize_t n = 0;

	while (iov_iter_count(it)) {
		n = hvisor_vfs_iter_write(file, it, &pos);
		if (n <= 0)
			break;
	}
	if (!iov_iter_count(it))
		return total;
	return n < 0 ? n : -EIO;
}

static int hvblk_do_write(struct file *file, struct hvblk_req *req)
{
	const struct hvisor_vq_req *vqr = &req->vqr;
	struct iov_iter it;

	iov_iter_kvec(&it, ITER_SOURCE, vqr->iov, vqr->nr_out, vqr->out_len);
	iov_iter_advance(&it, sizeof(struct virtio_blk_outhdr));
	return hvblk_write_iter(file, &it, req->cmd.pos) < 0 ?
		VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
}

/* Write zeroes by writing the zero page: the last resort. */
static int hvblk_write_zero_pages(struct file *file, loff_t pos, u64 len)
{
	struct kvec vec[HVBLK_ZERO_VECS];
	struct iov_iter it;
	unsigned int i;
	size_t chunk;
	ssize_t n;

	for (i = 0; i < HVBLK_ZERO_VECS; i++) {
		vec[i].iov_base = page_address(ZERO_PAGE(0));
		vec[i].iov_len = PAGE_SIZE;
	}
	while (len) {
		chunk = min_t(u64, len, HVBLK_ZERO_VECS * PAGE_SIZE);
		iov_iter_kvec(&it, ITER_SOURCE, vec, HVBLK_ZERO_VECS, chunk);
		n = hvblk_write_iter(file, &it, pos);
		if (n < 0)
			return n;
		pos += chunk;
		len -= chunk;
		cond_resched();
	}
	return 0;
}

static int hvblk_zero_range(struct hvblk_dev *dev, const struct hvblk_seg *seg)
{
	loff_t pos = (loff_t)(seg->sector << HVBLK_SECTOR_SHIFT);
	u64 len = (u64)seg->nr_sectors << HVBLK_SECTOR_SHIFT;
	int ret = -EOPNOTSUPP;

	if (!len)
		return 0;
	if (dev->file->f_op->fallocate) {
		/* A punched hole reads back as zeroes, files and bdevs alike. */
		if (seg->flags & VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP)
			ret = vfs_fallocate(dev->file, FALLOC_FL_PUNCH_HOLE |
					    FALLOC_FL_KEEP_SIZE, pos, len);
		if (ret == -EOPNOTSUPP)
			ret = vfs_fallocate(dev->file, FALLOC_FL_ZERO_RANGE |
					    FALLOC_FL_KEEP_SIZE, pos, len);
	}
	if (ret == -EOPNOTSUPP)
		ret = hvblk_write_zero_pages(dev->file, pos, len);
	return ret;
}

/* Discard is a hint: a backing that cannot do it leaves the data alone. */
static int hvblk_discard_range(struct hvblk_dev *dev,
			       const struct hvblk_seg *seg)
{
	loff_t pos = (loff_t)(seg->sector << HVBLK_SECTOR_SHIFT);
	u64 len = (u64)seg->nr_sectors << HVBLK_SECTOR_SHIFT;
	int ret;

	if (!len)
		return 0;
	if (dev->bdev)
		ret = blkdev_issue_discard(dev->bdev, seg->sector,
					   seg->nr_sectors, GFP_KERNEL);
	else
		ret = vfs_fallocate(dev->file, FALLOC_FL_PUNCH_HOLE |
				    FALLOC_FL_KEEP_SIZE, pos, len);
	return ret == -EOPNOTSUPP ? 0 : ret;
}

static int hvblk_do_dwz(struct hvblk_dev *dev, const struct hvblk_cmd *cmd)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < cmd->nr_segs && !ret; i++) {
		if (cmd->type == VIRTIO_BLK_T_DISCARD)
			ret = hvblk_discard_range(dev, &cmd->segs[i]);
		else
			ret = hvblk_zero_range(dev, &cmd->segs[i]);
	}
	return ret ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
}

static int hvblk_do_get_id(struct hvblk_dev *dev, struct hvblk_req *req,
			   u32 *done)
{
	struct iov_iter it;

	hvblk_in_iter(&req->vqr, req->cmd.len, &it);
	*done = copy_to_iter(dev->serial, req->cmd.len, &it);
	return *done == req->cmd.len ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
}

/*
 * Execute a parsed command. Returns the status; *in gets the data bytes
 * written to the guest and *out the data bytes taken from it.
 */
static int hvblk_execute(struct hvblk_dev *dev, struct hvblk_req *req,
			 u32 *in, u32 *out)
{
	struct hvblk_cmd *cmd = &req->cmd;
	int status;

	*in = 0;
	*out = 0;
	switch (cmd->type) {
	case VIRTIO_BLK_T_IN:
		return hvblk_do_read(dev->file, req, in);
	case VIRTIO_BLK_T_OUT:
		status = hvblk_do_write(dev->file, req);
		if (status == VIRTIO_BLK_S_OK)
			*out = cmd->len;
		return status;
	case VIRTIO_BLK_T_FLUSH:
		return vfs_fsync(dev->file, 0) ? VIRTIO_BLK_S_IOERR :
			VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID:
		return hvblk_do_get_id(dev, req, in);
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		return hvblk_do_dwz(dev, cmd);
	}
	return VIRTIO_BLK_S_UNSUPP;
}

/* ---- Request slots ---- */

static struct hvblk_req *hvblk_get_req(struct hvblk_queue *q)
{
	struct hvblk_req *req;

	spin_lock(&q->free_lock);
	req = q->free;
	if (req)
		q->free = req->next_free;
	else
		q->starved = true;
	spin_unlock(&q->free_lock);
	return req;
}

/* Give a slot back, with the big iov if it held it. */
static void hvblk_put_req(struct hvblk_queue *q, struct hvblk_req *req)
{
	bool kick;

	spin_lock(&q->free_lock);
	req->next_free = q->free;
	q->free = req;
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
		queue_work(q->dev->wq, &q->kick);
}

/*
 * Answer the guest: status byte, used entry, counters, interrupt.
 * @status < 0 (HVBLK_NO_STATUS, a bad chain): used length 0, nothing written.
 */
static void hvblk_answer(struct hvblk_queue *q, struct hvblk_req *req,
			 int status, u32 in, u32 out)
{
	struct hvisor_vdev *vdev = &q->dev->vdev;
	u32 used_len = 0;

	if (status >= 0 && req->cmd.status) {
		/* Ordered before the used entry by hvisor_vq_push(). */
		WRITE_ONCE(*req->cmd.status, (u8)status);
		used_len = in + 1;
	}
	hvisor_vq_push(q->vq, req->vqr.head, used_len);
	atomic64_inc(&vdev->stats.requests);
	atomic64_add(in, &vdev->stats.bytes_in);
	atomic64_add(out, &vdev->stats.bytes_out);
	if (status != VIRTIO_BLK_S_OK)
		atomic64_inc(&vdev->stats.errors);
	atomic64_dec(&vdev->stats.in_flight);
	hvisor_vdev_vq_interrupt(vdev, q->vq);
}

/* Answer the guest and give the slot back. */
static void hvblk_complete(struct hvblk_queue *q, struct hvblk_req *req,
			   int status, u32 in, u32 out)
{
	hvblk_answer(q, req, status, in, out);
	hvblk_put_req(q, req);
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

static void hvblk_req_work(struct work_struct *work)
{
	struct hvblk_req *req = container_of(work, struct hvblk_req, work);
	struct hvblk_queue *q = req->q;
	int status = VIRTIO_BLK_S_IOERR;
	u32 in = 0, out = 0;

	/* Answered before it started: the backing may hang, leave it. */
	if (atomic_read(&req->state) != HVBLK_REQ_ABORTED)
		status = hvblk_execute(q->dev, req, &in, &out);
	atomic_inc(&q->dev->answering);
	/*
	 * Fully ordered (the increment above comes first): pairs with the
	 * one in hvblk_abort_req(), which hvblk_reset() follows.
	 */
	if (atomic_cmpxchg(&req->state, HVBLK_REQ_QUEUED, HVBLK_REQ_IDLE) ==
	    HVBLK_REQ_QUEUED) {
		hvblk_complete(q, req, status, in, out);
	} else {
		/* hvblk_abort() answered it and held its buffers for us. */
		hvblk_unhold(req->held, req->nr_held);
		req->held = NULL;
		atomic_set(&req->state, HVBLK_REQ_IDLE);
		hvblk_put_req(q, req);
	}
	/* Fully ordered; pairs with wait_var_event() in hvblk_reset(). */
	if (atomic_dec_and_test(&q->dev->answering))
		wake_up_var(&q->dev->answering);
}

/* ---- Kick: the single consumer of a queue's avail ring ---- */

static void hvblk_dispatch(struct hvblk_queue *q, struct hvblk_req *req)
{
	int status;

	atomic64_inc(&q->dev->vdev.stats.in_flight);
	status = hvblk_parse(&q->dev->lim, &req->vqr, &req->cmd);
	if (status == HVBLK_NO_STATUS)
		pr_warn_ratelimited("device %u: request without a status byte\n",
				    q->dev->vdev.id);
	/* Forced removal: nothing goes to the backing any more. */
	if (status == VIRTIO_BLK_S_OK && READ_ONCE(q->dev->aborted))
		status = VIRTIO_BLK_S_IOERR;
	if (status != VIRTIO_BLK_S_OK) {
		hvblk_complete(q, req, status, 0, 0);
		return;
	}
	/* The work answers from now on, unless hvblk_abort() does first. */
	atomic_set(&req->state, HVBLK_REQ_QUEUED);
	if (req->cmd.type == VIRTIO_BLK_T_GET_ID) {
		hvblk_req_work(&req->work);
		return;
	}
	queue_work(q->dev->wq, &req->work);
}

/*
 * A chain the engine consumed but could not describe, even with the big
 * iov (out of memory, or more than U16_MAX buffers): its status byte
 * cannot be found, so it is returned with used length 0.
 */
static void hvblk_drop_chain(struct hvblk_queue *q, struct hvblk_req *req)
{
	struct hvisor_vdev *vdev = &q->dev->vdev;

	hvisor_vq_push(q->vq, req->vqr.head, 0);
	atomic64_inc(&vdev->stats.errors);
	atomic64_inc(&vdev->stats.dropped);
	hvisor_vdev_vq_interrupt(vdev, q->vq);
	hvblk_put_req(q, req);
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

static void hvblk_kick_ring(struct hvblk_queue *q)
{
	struct hvisor_vq *vq = q->vq;
	unsigned int budget = HVBLK_KICK_BUDGET;
	int ret;

	hvisor_vq_disable_notify(vq);
	for (;;) {
		ret = hvblk_pop_one(q);
		if (ret < 0) {
			hvisor_vdev_fail(&q->dev->vdev, "blk: bad virtqueue");
			return;
		}
		if (ret > 0) {
			if (--budget)
				continue;
			/* Let other work run; come back with notifies off. */
			queue_work(q->dev->wq, &q->kick);
			return;
		}
		if (READ_ONCE(q->starved) || READ_ONCE(q->big_wait))
			return;	/* the next completion requeues us */
		/* Empty: re-arm notifies; go on if a chain raced in. */
		if (!hvisor_vq_enable_notify(vq))
			return;
		hvisor_vq_disable_notify(vq);
	}
}

static void hvblk_kick_work(struct work_struct *work)
{
	struct hvblk_queue *q = container_of(work, struct hvblk_queue, kick);

	mutex_lock(&q->kick_mutex);
	if (READ_ONCE(q->enabled) && READ_ONCE(q->vq->ready) &&
	    !READ_ONCE(q->vq->broken))
		hvblk_kick_ring(q);
	mutex_unlock(&q->kick_mutex);
}

/* ---- Transport callbacks ---- */

static void hvblk_notify(struct hvisor_vdev *vdev, unsigned int qidx)
{
	struct hvblk_dev *dev = to_hvblk(vdev);

	if (qidx < dev->nr_queues)
		queue_work(dev->wq, &dev->queues[qidx].kick);
}

static void hvblk_driver_ok(struct hvisor_vdev *vdev)
{
	struct hvblk_dev *dev = to_hvblk(vdev);
	unsigned int i;

	for (i = 0; i < dev->nr_queues; i++) {
		WRITE_ONCE(dev->queues[i].enabled, true);
		queue_work(dev->wq, &dev->queues[i].kick);
	}
}

/*
 * Answer @req with IOERR if its work has not: hold its buffers first (the
 * guest may reuse them as soon as it sees the answer), then race the work
 * for the answer. The kick is stopped (kick_mutex held): @req's chain does
 * not change under us, but its work may give the slot back and swap its
 * iov meanwhile, so what is held is the chain read before the race. When
 * nothing can be held (no memory) the request is left to its work.
 */
static void hvblk_abort_req(struct hvblk_queue *q, struct hvblk_req *req)
{
	const struct kvec *iov = READ_ONCE(req->vqr.iov);
	unsigned int n = hvblk_nr_iov(req), nr;
	struct folio **held;

	lockdep_assert_held(&q->kick_mutex);
	if (atomic_read(&req->state) != HVBLK_REQ_QUEUED)
		return;
	held = hvblk_hold(iov, n, &nr);
	if (IS_ERR(held)) {
		pr_warn_ratelimited("device %u: no memory to abort a request: it waits for its backing\n",
				    q->dev->vdev.id);
		return;
	}
	/* For the work, which reads them once it sees HVBLK_REQ_ABORTED. */
	req->held = held;
	req->nr_held = nr;
	/* Fully ordered: pairs with the one in hvblk_req_work(). */
	if (atomic_cmpxchg(&req->state, HVBLK_REQ_QUEUED, HVBLK_REQ_ABORTED) !=
	    HVBLK_REQ_QUEUED) {
		/* Its work answered first. */
		req->held = NULL;
		hvblk_unhold(held, nr);
		return;
	}
	hvblk_answer(q, req, VIRTIO_BLK_S_IOERR, 0, 0);
}

/*
 * Forced removal: answer every request in flight with IOERR now and every
 * later one at once (dev->aborted). I/O stuck in the backing goes on; its
 * work gives the slot back when the backing returns (hvblk_drain() and
 * hvblk_release() wait for that) and never touches the ring again.
 */
static void hvblk_abort(struct hvisor_vdev *vdev)
{
	struct hvblk_dev *dev = to_hvblk(vdev);
	unsigned int i, j;

	WRITE_ONCE(dev->aborted, true);
	for (i = 0; i < dev->nr_queues; i++) {
		struct hvblk_queue *q = &dev->queues[i];

		/*
		 * No kick is between taking a chain and queueing it, and the
		 * next one sees @aborted (the mutex orders it).
		 */
		mutex_lock(&q->kick_mutex);
		for (j = 0; j < q->pool_size; j++)
			hvblk_abort_req(q, &q->pool[j]);
		mutex_unlock(&q->kick_mutex);
	}
}

/* Wait for every work, those hvblk_abort() left in the backing included. */
static void hvblk_drain(struct hvisor_vdev *vdev)
{
	flush_workqueue(to_hvblk(vdev)->wq);
}

/*
 * Stop every kick, then wait for every request in flight: each completes
 * and pushes its used entry before this returns. Afterwards nothing of this
 * device touches guest memory until the next DRIVER_OK. After
 * hvblk_abort() the requests left are answered already and may hang in the
 * backing: they are not waited for (hvblk_drain() is).
 */
static void hvblk_reset(struct hvisor_vdev *vdev)
{
	struct hvblk_dev *dev = to_hvblk(vdev);
	unsigned int i;

	for (i = 0; i < dev->nr_queues; i++) {
		struct hvblk_queue *q = &dev->queues[i];

		mutex_lock(&q->kick_mutex);
		WRITE_ONCE(q->enabled, false);
		mutex_unlock(&q->kick_mutex);
	}
	/* Requests are queued only by kicks, which are all stopped now. */
	if (!READ_ONCE(dev->aborted))
		flush_workqueue(dev->wq);
	else
		wait_var_event(&dev->answering, !atomic_read(&dev->answering));
	for (i = 0; i < dev->nr_queues; i++) {
		struct hvblk_queue *q = &dev->queues[i];

		spin_lock(&q->free_lock);
		q->starved = false;
		q->big_wait = false;
		spin_unlock(&q->free_lock);
	}
}

static void hvblk_free(struct hvblk_dev *dev)
{
	unsigned int i;

	if (dev->wq)
		destroy_workqueue(dev->wq);
	for (i = 0; i < dev->nr_queues; i++) {
		mutex_destroy(&dev->queues[i].kick_mutex);
		kvfree(dev->queues[i].pool);
		kvfree(dev->queues[i].big_iov);
	}
	if (dev->file)
		fput(dev->file);
	kfree(dev);
}

static void hvblk_release(struct hvisor_vdev *vdev)
{
	struct hvblk_dev *dev = to_hvblk(vdev);

	/* Drains anything still queued (a device that was never reset). */
	if (dev->wq)
		drain_workqueue(dev->wq);
	hvisor_vdev_cleanup(vdev);
	hvblk_free(dev);
}

static const struct hvisor_vdev_ops hvblk_ops = {
	.notify = hvblk_notify,
	.driver_ok = hvblk_driver_ok,
	.reset = hvblk_reset,
	.abort = hvblk_abort,
	.drain = hvblk_drain,
	.release = hvblk_release,
};

/* ---- Creation ---- */

/* Check the backing file; fills dev->lim.capacity and dev->bdev. */
static int hvblk_check_file(struct hvblk_dev *dev, struct file *file, bool ro)
{
	umode_t mode = file_inode(file)->i_mode;
	loff_t size;

	if (!S_ISREG(mode) && !S_ISBLK(mode))
		return -EINVAL;
	if (!(file->f_mode & FMODE_READ) || (!ro && !(file->f_mode & FMODE_WRITE)))
		return -EBADF;
	/*
	 * O_APPEND would put every write at the end; O_DIRECT would need
	 * guest buffers aligned for the backing, which nothing guarantees.
	 */
	if (!file->f_op->read_iter || (!ro && !file->f_op->write_iter) ||
	    (file->f_flags & (O_APPEND | O_DIRECT)))
		return -EINVAL;
	size = i_size_read(file->f_mapping->host);
	if (size < HVBLK_SECTOR_SIZE)
		return -EINVAL;
	dev->lim.capacity = (u64)size >> HVBLK_SECTOR_SHIFT;
	if (S_ISBLK(mode))
		dev->bdev = I_BDEV(file->f_mapping->host);
	return 0;
}

static u64 hvblk_features(struct hvblk_dev *dev)
{
	u64 f = BIT_ULL(VIRTIO_F_VERSION_1) |
		BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC) |
		BIT_ULL(VIRTIO_RING_F_EVENT_IDX) |
		BIT_ULL(VIRTIO_BLK_F_SIZE_MAX) | BIT_ULL(VIRTIO_BLK_F_SEG_MAX) |
		BIT_ULL(VIRTIO_BLK_F_BLK_SIZE) | BIT_ULL(VIRTIO_BLK_F_FLUSH);

	if (dev->lim.ro)
		f |= BIT_ULL(VIRTIO_BLK_F_RO);
	if (dev->lim.discard)
		f |= BIT_ULL(VIRTIO_BLK_F_DISCARD);
	if (dev->lim.write_zeroes)
		f |= BIT_ULL(VIRTIO_BLK_F_WRITE_ZEROES);
	if (dev->nr_queues > 1)
		f |= BIT_ULL(VIRTIO_BLK_F_MQ);
	return f;
}

static void hvblk_setup_limits(struct hvblk_dev *dev)
{
	struct hvblk_limits *lim = &dev->lim;
	struct virtio_blk_config *c = &dev->config;
	u32 blk_size = HVBLK_SECTOR_SIZE;
	u32 align;

	lim->max_data = HVBLK_MAX_DATA;
	lim->max_dwz_seg = HVBLK_MAX_DWZ_SEG;
	lim->max_discard_sectors = HVBLK_MAX_DISCARD_SECT;
	lim->max_wz_sectors = HVBLK_MAX_WZ_SECT;
	if (dev->bdev) {
		blk_size = bdev_logical_block_size(dev->bdev);
		lim->discard = !lim->ro && bdev_max_discard_sectors(dev->bdev);
	} else {
		lim->discard = !lim->ro && dev->file->f_op->fallocate;
	}
	lim->write_zeroes = !lim->ro;
	align = blk_size >> HVBLK_SECTOR_SHIFT;

	c->capacity = __cpu_to_virtio64(true, lim->capacity);
	c->size_max = hvblk_cfg32(HVBLK_SIZE_MAX);
	c->seg_max = hvblk_cfg32(HVBLK_SEG_MAX);
	c->blk_size = hvblk_cfg32(blk_size);
	c->num_queues = __cpu_to_virtio16(true, dev->nr_queues);
	c->max_discard_sectors = hvblk_cfg32(lim->max_discard_sectors);
	c->max_discard_seg = hvblk_cfg32(lim->max_dwz_seg);
	c->discard_sector_alignment = hvblk_cfg32(align);
	c->max_write_zeroes_sectors = hvblk_cfg32(lim->max_wz_sectors);
	c->max_write_zeroes_seg = hvblk_cfg32(lim->max_dwz_seg);
	c->write_zeroes_may_unmap = !!dev->file->f_op->fallocate;
}

/* Allocate a queue's request pool; the vdev's queues exist by now. */
static int hvblk_init_queue(struct hvblk_queue *q, struct hvisor_vq *vq,
			    u32 queue_size)
{
	unsigned int i;

	q->vq = vq;
	q->pool_size = min_t(u32, queue_size, HVBLK_MAX_INFLIGHT);
	q->pool = kvcalloc(q->pool_size, sizeof(*q->pool), GFP_KERNEL);
	if (!q->pool)
		return -ENOMEM;
	for (i = 0; i < q->pool_size; i++) {
		struct hvblk_req *req = &q->pool[i];

		req->q = q;
		INIT_WORK(&req->work, hvblk_req_work);
		req->next_free = q->free;
		q->free = req;
	}
	return 0;
}

static int hvblk_check_config(const struct hvisor_vhost_dev_config *cfg,
			      u32 *nr_queues, u32 *queue_size)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cfg->blk.reserved); i++)
		if (cfg->blk.reserved[i])
			return -EINVAL;
	*nr_queues = cfg->num_queues ? cfg->num_queues : 1;
	*queue_size = cfg->queue_size ? cfg->queue_size : HVBLK_DEF_QUEUE_SIZE;
	if (*nr_queues > HVBLK_MAX_QUEUES || *queue_size < 2 ||
	    *queue_size > HVISOR_VQ_MAX_SIZE || !is_power_of_2(*queue_size))
		return -EINVAL;
	return 0;
}

/* Everything but the transport: backing file, limits, config, features. */
static int hvblk_setup(struct hvblk_dev *dev,
		       const struct hvisor_vhost_dev_config *cfg)
{
	int ret;

	dev->lim.ro = cfg->flags & HVISOR_VHOST_DEV_F_RO;
	ret = hvblk_check_file(dev, dev->file, dev->lim.ro);
	if (ret)
		return ret;
	memcpy(dev->serial, cfg->blk.serial, sizeof(dev->serial));
	hvblk_setup_limits(dev);
	dev->vdev.device_id = HVISOR_VHOST_DEV_BLK;
	dev->vdev.device_features = hvblk_features(dev);
	dev->vdev.config = &dev->config;
	dev->vdev.config_len = offsetofend(struct virtio_blk_config,
					   secure_erase_sector_alignment);
	dev->vdev.ops = &hvblk_ops;
	dev->vdev.priv = dev;
	return 0;
}

/* The vdev and its queues, then the request pools. */
static int hvblk_init_transport(struct hvblk_dev *dev, u32 queue_size)
{
	unsigned int i;
	int ret;

	ret = hvisor_vdev_init(&dev->vdev, dev->nr_queues, queue_size);
	if (ret)
		return ret;
	for (i = 0; i < dev->nr_queues; i++) {
		ret = hvblk_init_queue(&dev->queues[i], &dev->vdev.vqs[i],
				       queue_size);
		if (ret) {
			hvisor_vdev_cleanup(&dev->vdev);
			return ret;
		}
	}
	return 0;
}

static struct hvblk_dev *hvblk_alloc(u32 nr_queues, u32 queue_size)
{
	static atomic_t seq = ATOMIC_INIT(0);
	u32 active = nr_queues * (min_t(u32, queue_size, HVBLK_MAX_INFLIGHT) + 1);
	struct hvblk_dev *dev;
	unsigned int i;

	dev = kzalloc(struct_size(dev, queues, nr_queues), GFP_KERNEL);
	if (!dev)
		return NULL;
	dev->nr_queues = nr_queues;
	for (i = 0; i < nr_queues; i++) {
		struct hvblk_queue *q = &dev->queues[i];

		q->dev = dev;
		INIT_WORK(&q->kick, hvblk_kick_work);
		mutex_init(&q->kick_mutex);
		spin_lock_init(&q->free_lock);
	}
	/* Kicks plus one worker per request slot, so nothing waits in line. */
	dev->wq = alloc_workqueue("hvblk%u", WQ_UNBOUND | WQ_MEM_RECLAIM,
				  min_t(u32, active, WQ_MAX_ACTIVE),
				  (unsigned int)atomic_inc_return(&seq));
	if (!dev->wq) {
		hvblk_free(dev);
		return NULL;
	}
	return dev;
}

static struct hvisor_vdev *hvblk_create(const struct hvisor_vhost_dev_config *cfg)
{
	struct hvblk_dev *dev;
	u32 nr_queues, queue_size;
	int ret;

	ret = hvblk_check_config(cfg, &nr_queues, &queue_size);
	if (ret)
		return ERR_PTR(ret);
	dev = hvblk_alloc(nr_queues, queue_size);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	dev->file = fget(cfg->backing_fd);
	if (!dev->file) {
		ret = -EBADF;
		goto err_free;
	}
	ret = hvblk_setup(dev, cfg);
	if (ret)
		goto err_free;
	ret = hvblk_init_transport(dev, queue_size);
	if (ret)
		goto err_free;
	return &dev->vdev;
err_free:
	hvblk_free(dev);
	return ERR_PTR(ret);
}

/* Root-side name: the backing file's path, cut from the left if too long. */
static void hvblk_fill_info(struct hvisor_vdev *vdev,
			    struct hvisor_vhost_dev_info *info)
{
	struct hvblk_dev *dev = to_hvblk(vdev);
	size_t room = sizeof(info->name) - 1;
	char *buf, *path;
	size_t len;

	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	path = buf ? d_path(&dev->file->f_path, buf, PATH_MAX) : NULL;
	if (IS_ERR_OR_NULL(path)) {
		snprintf(info->name, sizeof(info->name), "%pD", dev->file);
	} else {
		len = strlen(path);
		if (len > room) {
			path += len - room;
			memcpy(path, "...", 3);
		}
		strscpy(info->name, path, sizeof(info->name));
	}
	kfree(buf);
	if (dev->lim.ro)
		info->flags |= HVISOR_VHOST_DEV_F_RO;
}

const struct hvisor_dev_type hvisor_blk_type = {
	.type = HVISOR_VHOST_DEV_BLK,
	.name = "blk",
	.create = hvblk_create,
	.fill_info = hvblk_fill_info,
};
