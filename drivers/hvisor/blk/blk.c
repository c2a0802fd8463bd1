// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk backend of hvisor_vhost: a guest disk served from a regular
 * file or a block device of root Linux, with many requests in flight.
 * This file creates devices (backing file, cache mode, limits, config
 * space, features) and lists them; blk.h tells how a request flows and
 * Documentation/blk.rst what the guest sees.
 */

#define pr_fmt(fmt) "hvisor_vhost: blk: " fmt

#include <linux/blkdev.h>
#include <linux/dcache.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/stat.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_byteorder.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>
#include <linux/workqueue.h>
#include <linux/hvisor_vhost.h>

#include "../compat.h"
#include "../core.h"
#include "../vdev.h"
#include "../vq.h"
#include "../zone.h"
#include "blk.h"

/* Modern virtio only: the config space and headers are little-endian. */
static __virtio32 hvblk_cfg32(u32 v)
{
	return __cpu_to_virtio32(true, v);
}

static void hvblk_free(struct hvblk_dev *dev)
{
	unsigned int i;

	/* No debugfs reader looks at it any more. */
	hvblk_lat_del_dev(dev);
	if (dev->wq)
		destroy_workqueue(dev->wq);
	for (i = 0; i < dev->nr_queues; i++) {
		mutex_destroy(&dev->queues[i].kick_mutex);
		kvfree(dev->queues[i].pool);
		kvfree(dev->queues[i].big_iov);
		kvfree(dev->queues[i].batch);
		kvfree(dev->queues[i].batch_used);
	}
	if (dev->dfile)
		fput(dev->dfile);
	if (dev->file)
		fput(dev->file);
	/*
	 * From a worker, fput() only queues the close: close now, so the
	 * backing's file system can be unmounted once the device is gone.
	 */
	if (dev->file && (current->flags & PF_KTHREAD))
		flush_delayed_fput();
	kfree(dev);
}

static void hvblk_release(struct hvisor_vdev *vdev)
{
	struct hvblk_dev *dev = to_hvblk(vdev);

	/* Anything still running (a device that was never reset). */
	if (dev->wq)
		hvblk_quiesce(dev);
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
	 * O_APPEND would put every write at the end. An O_DIRECT descriptor
	 * could not serve what direct I/O cannot take (misaligned guest
	 * buffers): the cache mode chooses direct I/O (hvblk_open_direct()).
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
	q->batch = kvcalloc(q->pool_size, sizeof(*q->batch), GFP_KERNEL);
	q->batch_used = kvcalloc(q->pool_size, sizeof(*q->batch_used),
				 GFP_KERNEL);
	if (!q->pool || !q->batch || !q->batch_used)
		return -ENOMEM;
	for (i = 0; i < q->pool_size; i++) {
		struct hvblk_req *req = &q->pool[i];

		req->q = q;
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
	if (cfg->blk.cache > HVISOR_VHOST_BLK_CACHE_WRITEBACK)
		return -EINVAL;
	*nr_queues = cfg->num_queues ? cfg->num_queues : 1;
	*queue_size = cfg->queue_size ? cfg->queue_size : HVBLK_DEF_QUEUE_SIZE;
	if (*nr_queues > HVBLK_MAX_QUEUES || *queue_size < 2 ||
	    *queue_size > HVISOR_VQ_MAX_SIZE || !is_power_of_2(*queue_size))
		return -EINVAL;
	return 0;
}

/*
 * Direct I/O alignment of dev->dfile: a block device's own limits; for a
 * file what its file system reports (STATX_DIOALIGN), else the logical
 * block size of the file system's block device, else 512. False when the
 * file system says it cannot do direct I/O on this file.
 */
static bool hvblk_dio_align(struct hvblk_dev *dev)
{
	struct block_device *bdev = file_inode(dev->dfile)->i_sb->s_bdev;
	u32 mem = HVBLK_SECTOR_SIZE, off = HVBLK_SECTOR_SIZE;
	struct kstat st = {};

	if (dev->bdev) {
		bdev = dev->bdev;
	} else if (!vfs_getattr(&dev->dfile->f_path, &st, STATX_DIOALIGN,
				AT_STATX_SYNC_AS_STAT) &&
		   (st.result_mask & STATX_DIOALIGN)) {
		if (!st.dio_mem_align || !st.dio_offset_align)
			return false;
		mem = st.dio_mem_align;
		off = st.dio_offset_align;
		bdev = NULL;
	}
	if (bdev) {
		mem = bdev_dma_alignment(bdev) + 1;
		off = bdev_logical_block_size(bdev);
	}
	if (!is_power_of_2(mem) || !is_power_of_2(off) || off > PAGE_SIZE)
		return false;
	dev->mem_mask = mem - 1;
	dev->off_mask = max(off, HVBLK_SECTOR_SIZE) - 1;
	bdev = dev->bdev ? dev->bdev : file_inode(dev->dfile)->i_sb->s_bdev;
	dev->dio_nowait = (dev->dfile->f_mode & FMODE_NOWAIT) &&
		(!bdev || bdev_nowait(bdev));
	return true;
}

/*
 * Cache mode none: open the backing again with O_DIRECT (the open checks
 * that the file system can). With the default mode a backing that cannot
 * is served buffered (writeback); asked for explicitly, none fails then.
 */
static int hvblk_open_direct(struct hvblk_dev *dev, u32 cache)
{
	int flags = O_LARGEFILE | O_DIRECT | (dev->lim.ro ? O_RDONLY : O_RDWR);
	struct file *f;

	if (cache == HVISOR_VHOST_BLK_CACHE_WRITEBACK)
		return 0;
	f = dentry_open(&dev->file->f_path, flags, dev->file->f_cred);
	if (!IS_ERR(f)) {
		dev->dfile = f;
		if (f->f_op->read_iter && (dev->lim.ro || f->f_op->write_iter) &&
		    hvblk_dio_align(dev))
			return 0;
		dev->dfile = NULL;
		fput(f);
	}
	if (cache != HVISOR_VHOST_BLK_CACHE_NONE)
		return 0;
	pr_warn_ratelimited("%pD: no direct I/O on this backing: cache mode none refused (writeback would serve it)\n",
			    dev->file);
	return -EINVAL;
}

/* Everything but the transport: backing file, limits, config, features. */
static int hvblk_setup(struct hvblk_dev *dev,
		       const struct hvisor_vhost_dev_config *cfg)
{
	int ret;

	dev->lim.ro = cfg->flags & HVISOR_VHOST_DEV_F_RO;
	ret = hvblk_check_file(dev, dev->file, dev->lim.ro);
	if (!ret)
		ret = hvblk_open_direct(dev, cfg->blk.cache);
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
	struct hvblk_dev *dev;
	unsigned int i;

	dev = kzalloc(struct_size(dev, queues, nr_queues), GFP_KERNEL);
	if (!dev)
		return NULL;
	dev->nr_queues = nr_queues;
	INIT_LIST_HEAD(&dev->lat_node);
	for (i = 0; i < nr_queues; i++) {
		struct hvblk_queue *q = &dev->queues[i];

		q->dev = dev;
		INIT_WORK(&q->kick, hvblk_kick_work);
		INIT_WORK(&q->slow, hvblk_slow_work);
		init_llist_head(&q->slow_list);
		init_llist_head(&q->done);
		atomic64_set(&q->lat_notify, 0);
		mutex_init(&q->kick_mutex);
		spin_lock_init(&q->free_lock);
		hvblk_poll_init(q);
	}
	/* A poller and a worker per queue: nothing else runs there. */
	dev->wq = alloc_workqueue("hvblk%u", WQ_UNBOUND | WQ_MEM_RECLAIM,
				  2 * nr_queues,
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
	hvblk_lat_add_dev(dev);
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
	if (dev->dfile)
		info->flags |= HVISOR_VHOST_DEV_F_CACHE_NONE;
	if (atomic64_read(&dev->fallbacks))
		info->flags |= HVISOR_VHOST_DEV_F_BUFFERED;
}

const struct hvisor_dev_type hvisor_blk_type = {
	.type = HVISOR_VHOST_DEV_BLK,
	.name = "blk",
	.init = hvblk_lat_init,
	.exit = hvblk_lat_exit,
	.create = hvblk_create,
	.fill_info = hvblk_fill_info,
};
