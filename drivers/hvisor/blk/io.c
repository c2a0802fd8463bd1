// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk backend: the backing store. Reads and writes are kiocbs:
 * direct I/O (cache mode none) straight between the guest's pages and the
 * backing, asynchronous (ki_complete); buffered I/O through root's page
 * cache where direct I/O is impossible or in cache mode writeback. Flush,
 * discard and write zeroes are synchronous and run in the queue's worker.
 * Who calls what, and in which context, is in blk.h.
 */

#define pr_fmt(fmt) "hvisor_vhost: blk: " fmt

#include <linux/blkdev.h>
#include <linux/bvec.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/uio.h>
#include <linux/virtio_blk.h>

#include "../compat.h"
#include "../zone.h"
#include "blk.h"

/* ---- Synchronous buffered I/O: the worker, and the KUnit tests ---- */

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

/**
 * hvblk_do_get_id() - answer VIRTIO_BLK_T_GET_ID: copy the serial
 * @dev: the device
 * @req: the parsed request
 * @done: out: bytes put in guest memory
 *
 * Return: VIRTIO_BLK_S_OK or VIRTIO_BLK_S_IOERR.
 */
int hvblk_do_get_id(struct hvblk_dev *dev, struct hvblk_req *req, u32 *done)
{
	struct iov_iter it;

	hvblk_in_iter(&req->vqr, req->cmd.len, &it);
	*done = copy_to_iter(dev->serial, req->cmd.len, &it);
	return *done == req->cmd.len ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
}

/**
 * hvblk_execute() - run a parsed request synchronously, buffered
 * @dev: the device
 * @req: the parsed request
 * @in: out: data bytes written to the guest
 * @out: out: data bytes taken from the guest
 *
 * The worker's path for flush, discard and write zeroes (reads and writes
 * take it only in tests: the device starts them with hvblk_rw_start()).
 * Process context, may block as long as the backing does.
 *
 * Return: VIRTIO_BLK_S_*.
 */
int hvblk_execute(struct hvblk_dev *dev, struct hvblk_req *req,
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

/* ---- Reads and writes as kiocbs ---- */

/*
 * The struct pages of [@p, @p + @len), in root's linear map, follow each
 * other in memory, as a multi-page bio_vec needs (page + n). Always with a
 * virtual memmap or a flat one; with classic sparsemem only within one
 * memory section.
 */
static bool hvblk_pages_contiguous(const u8 *p, size_t len)
{
#if defined(CONFIG_SPARSEMEM) && !defined(CONFIG_SPARSEMEM_VMEMMAP)
	return pfn_to_section_nr(PHYS_PFN(__pa(p))) ==
		pfn_to_section_nr(PHYS_PFN(__pa(p + len - 1)));
#else
	return true;
#endif
}

/*
 * The first struct page of a guest buffer [@p, @p + @len), the others
 * following it; NULL when it has none. Root's own RAM (the simulator's
 * zones) is in the linear map; hvisor's reserved zone RAM has pages only
 * when hvisor_ram_map() gave them (ZONE_DEVICE), which virt_addr_valid()
 * does not see on arm64.
 */
static struct page *hvblk_buf_page(struct hvblk_dev *dev, const u8 *p,
				   size_t len)
{
	/* The linear map first: the simulator's every request. */
	if (virt_addr_valid(p) && virt_addr_valid(p + len - 1))
		return hvblk_pages_contiguous(p, len) ? virt_to_page(p) : NULL;
	return hvisor_zone_dev_page(dev->vdev.zone, p, len);
}

/*
 * Describe the data of @req as bio_vecs over guest RAM's struct pages, for
 * direct I/O. A buffer the ring engine returns lies in one region of guest
 * RAM, virtually and physically contiguous: one multi-page bio_vec each.
 * False when direct I/O cannot take @req: a buffer without struct pages
 * (guest RAM memremap()ed from memory that is not root's System RAM, where
 * the kernel has no ZONE_DEVICE), offsets, lengths or addresses not
 * aligned as the backing requires, or too many pieces.
 */
static bool hvblk_map_bvec(struct hvblk_dev *dev, struct hvblk_req *req)
{
	const struct hvisor_vq_req *vqr = &req->vqr;
	bool write = req->cmd.type == VIRTIO_BLK_T_OUT;
	const struct kvec *iov = write ? vqr->iov : vqr->iov + vqr->nr_out;
	unsigned int i, n = write ? vqr->nr_out : vqr->nr_in;
	size_t skip = write ? sizeof(struct virtio_blk_outhdr) : 0;
	size_t left = req->cmd.len, len;
	struct bio_vec *bv;
	struct page *page;
	u8 *p;

	if (((u64)req->cmd.pos | left) & dev->off_mask)
		return false;
	req->nr_bvec = 0;
	for (i = 0; i < n && left; i++) {
		len = iov[i].iov_len;
		if (skip >= len) {
			skip -= len;
			continue;
		}
		p = (u8 *)iov[i].iov_base + skip;
		len = min(len - skip, left);
		skip = 0;
		if (((unsigned long)p & dev->mem_mask) || (len & dev->off_mask) ||
		    req->nr_bvec == HVBLK_MAX_BVEC)
			return false;
		page = hvblk_buf_page(dev, p, len);
		if (!page) {
			WRITE_ONCE(dev->no_pages, true);
			return false;
		}
		bv = &req->bvec[req->nr_bvec++];
		bv->bv_page = page;
		bv->bv_offset = offset_in_page(p);
		bv->bv_len = len;
		left -= len;
	}
	return !left;
}

static void hvblk_rw_iter(struct hvblk_req *req, struct iov_iter *it)
{
	const struct hvisor_vq_req *vqr = &req->vqr;
	bool write = req->cmd.type == VIRTIO_BLK_T_OUT;

	if (req->direct) {
		iov_iter_bvec(it, write ? ITER_SOURCE : ITER_DEST, req->bvec,
			      req->nr_bvec, req->cmd.len);
	} else if (write) {
		iov_iter_kvec(it, ITER_SOURCE, vqr->iov, vqr->nr_out,
			      vqr->out_len);
		iov_iter_advance(it, sizeof(struct virtio_blk_outhdr));
	} else {
		hvblk_in_iter(vqr, req->cmd.len, it);
	}
}

/*
 * Freeze protection of a write to a regular file, held until the kiocb
 * completes, maybe in another context: lockdep is told the owner lets go
 * (as kiocb_start_write() does). The poller only tries (a frozen file
 * system must not stop it); the worker waits.
 */
static bool hvblk_start_write(struct hvblk_req *req, bool nowait)
{
	struct inode *inode = file_inode(req->iocb.ki_filp);
	struct super_block *sb = inode->i_sb;

	if (!S_ISREG(inode->i_mode))
		return true;
	if (!nowait)
		sb_start_write(sb);
	else if (!sb_start_write_trylock(sb))
		return false;
	__sb_writers_release(sb, SB_FREEZE_WRITE);
	req->frozen = true;
	return true;
}

static void hvblk_end_write(struct hvblk_req *req)
{
	struct super_block *sb = file_inode(req->iocb.ki_filp)->i_sb;

	if (!req->frozen)
		return;
	req->frozen = false;
	__sb_writers_acquired(sb, SB_FREEZE_WRITE);
	sb_end_write(sb);
}

/*
 * ki_complete: any context (a block device's completion interrupt, a file
 * system's completion work). Posts the result; @req belongs to the poller
 * from then on.
 */
static void hvblk_rw_complete(struct kiocb *iocb, long res)
{
	struct hvblk_req *req = container_of(iocb, struct hvblk_req, iocb);

	hvblk_end_write(req);
	req->res = res;
	hvblk_post_done(req);
}

/*
 * Start one attempt of the read or write of @req. Returns -EIOCBQUEUED
 * when it runs asynchronously: its completion posts it and the caller
 * must not touch @req any more. Otherwise the result (bytes or -errno).
 */
static ssize_t hvblk_submit(struct hvblk_req *req, bool nowait)
{
	struct hvblk_dev *dev = req->q->dev;
	bool write = req->cmd.type == VIRTIO_BLK_T_OUT;
	struct file *file = req->direct ? dev->dfile : dev->file;
	struct kiocb *iocb = &req->iocb;
	struct iov_iter it;
	ssize_t ret;

	hvblk_rw_iter(req, &it);
	/* Takes the file's flags: IOCB_DIRECT on dfile (opened O_DIRECT). */
	init_sync_kiocb(iocb, file);
	iocb->ki_pos = req->cmd.pos;
	iocb->ki_complete = hvblk_rw_complete;
	if (nowait)
		iocb->ki_flags |= IOCB_NOWAIT;
	req->frozen = false;
	if (!write) {
		hvblk_lat_stamp(&req->lat.submit);
		return hvisor_call_read_iter(file, iocb, &it);
	}
	iocb->ki_flags |= IOCB_WRITE;
	if (!hvblk_start_write(req, nowait))
		return -EAGAIN;
	/* A forced removal answered it while we waited for a thaw. */
	if (READ_ONCE(req->state) == HVBLK_REQ_ABORTED) {
		hvblk_end_write(req);
		return -ECANCELED;
	}
	hvblk_lat_stamp(&req->lat.submit);
	ret = hvisor_call_write_iter(file, iocb, &it);
	if (ret != -EIOCBQUEUED)
		hvblk_end_write(req);
	return ret;
}

static bool hvblk_nowait_ok(struct hvblk_req *req)
{
	struct hvblk_dev *dev = req->q->dev;
	struct file *file = req->direct ? dev->dfile : dev->file;

	/*
	 * Buffered reads from the page cache can; buffered writes cannot on
	 * 6.1 (generic_write_checks() refuses them).
	 */
	if (req->direct)
		return READ_ONCE(dev->dio_nowait);
	return (file->f_mode & FMODE_NOWAIT) &&
		req->cmd.type == VIRTIO_BLK_T_IN;
}

/**
 * hvblk_rw_start() - start a parsed read or write (poller, kick_mutex held)
 * @req: the request, HVBLK_REQ_QUEUED
 *
 * Direct I/O when the device is in cache mode none and the guest's
 * buffers allow it, else buffered. Tried at once with IOCB_NOWAIT, so the
 * poller never waits for the backing; what would block goes to the
 * queue's worker. The result comes to hvblk_rw_result().
 */
void hvblk_rw_start(struct hvblk_req *req)
{
	struct hvblk_dev *dev = req->q->dev;
	ssize_t ret;

	req->in = 0;
	req->direct = dev->dfile && hvblk_map_bvec(dev, req);
	if (dev->dfile && !req->direct)
		atomic64_inc(&dev->fallbacks);
	if (!hvblk_nowait_ok(req)) {
		req->attempt = req->direct ? HVBLK_TRY_BLOCKING :
			HVBLK_TRY_BUFFERED;
		hvblk_to_worker(req);
		return;
	}
	req->attempt = HVBLK_TRY_NOWAIT;
	ret = hvblk_submit(req, true);
	if (ret == -EIOCBQUEUED)
		return;
	hvblk_lat_stamp(&req->lat.done);
	req->res = ret;
	hvblk_rw_result(req);
}

/**
 * hvblk_rw_result() - the result of an attempt is in (poller, kick_mutex)
 * @req: the request; req->res is the attempt's result
 *
 * Answers, or tries again in the worker: blocking after IOCB_NOWAIT
 * failed or came short (-EAGAIN, also from a block device's completion;
 * -EOPNOTSUPP or -EINVAL from a file system that cannot try), buffered
 * after direct I/O refused the buffers (-EINVAL) or came short. A request
 * answered by hvblk_abort() is not tried again.
 */
void hvblk_rw_result(struct hvblk_req *req)
{
	struct hvblk_dev *dev = req->q->dev;
	bool in = req->cmd.type == VIRTIO_BLK_T_IN;
	long res = req->res;

	if (res == req->cmd.len) {
		req->in = in ? req->cmd.len : 0;
		hvblk_answer(req->q, req, VIRTIO_BLK_S_OK);
		return;
	}
	if (req->state == HVBLK_REQ_QUEUED) {
		if (req->attempt == HVBLK_TRY_NOWAIT) {
			/* The block device under the file cannot. */
			if (req->direct && res == -EOPNOTSUPP)
				WRITE_ONCE(dev->dio_nowait, false);
			req->attempt = req->direct ? HVBLK_TRY_BLOCKING :
				HVBLK_TRY_BUFFERED;
			hvblk_to_worker(req);
			return;
		}
		if (req->attempt == HVBLK_TRY_BLOCKING &&
		    (res == -EINVAL || res == -ENOTBLK || res >= 0)) {
			atomic64_inc(&dev->fallbacks);
			req->attempt = HVBLK_TRY_BUFFERED;
			hvblk_to_worker(req);
			return;
		}
	}
	if (req->attempt != HVBLK_TRY_BUFFERED)
		req->in = 0;
	hvblk_answer(req->q, req, VIRTIO_BLK_S_IOERR);
}

/**
 * hvblk_slow_one() - run what may block for @req (the queue's worker)
 * @req: a request handed over by hvblk_to_worker()
 *
 * A request hvblk_abort() answered meanwhile does not reach the backing.
 * Posts the result to the poller, or leaves that to the kiocb completion.
 */
void hvblk_slow_one(struct hvblk_req *req)
{
	struct hvblk_dev *dev = req->q->dev;
	bool in = req->cmd.type == VIRTIO_BLK_T_IN;
	ssize_t ret;
	int status;
	u32 out;

	if (READ_ONCE(req->state) == HVBLK_REQ_ABORTED) {
		req->res = -ECANCELED;
		req->status = VIRTIO_BLK_S_IOERR;
	} else if (in || req->cmd.type == VIRTIO_BLK_T_OUT) {
		if (req->attempt == HVBLK_TRY_BLOCKING) {
			ret = hvblk_submit(req, false);
			if (ret == -EIOCBQUEUED)
				return;	/* not ours any more */
			req->res = ret;
		} else {
			req->direct = false;
			hvblk_lat_stamp(&req->lat.submit);
			if (in)
				status = hvblk_do_read(dev->file, req, &req->in);
			else
				status = hvblk_do_write(dev->file, req);
			req->res = status == VIRTIO_BLK_S_OK ? req->cmd.len : -EIO;
		}
	} else {
		hvblk_lat_stamp(&req->lat.submit);
		req->status = hvblk_execute(dev, req, &req->in, &out);
	}
	hvblk_post_done(req);
}
