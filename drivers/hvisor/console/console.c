// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-console backend of hvisor_vhost, the virtio side: one port (no
 * MULTIPORT), its two queues, the config space (window size, emergency
 * write). The root side is a tty (console_tty.c).
 *
 * Guest -> root: QueueNotify on the transmitq (hvisor's wakeup interrupt,
 * hard interrupt context) only queues @tx_work, which appends the bytes to
 * the log ring, completes the chains at once (the guest never waits for
 * root) and feeds the tty from the ring. A reader slower than the guest
 * loses the oldest output once the tty's buffer and the log are full: the
 * guest is never held back. The simulator's guest, which runs on root's
 * CPUs, has the transmit work done in its own context instead (the poll
 * callback, see hvcon_poll()).
 *
 * Root -> guest: the tty's write() copies straight into buffers the guest
 * posted on the receiveq; write_room() is the room of the next posted
 * buffer, 0 when there is none, so the tty layer holds input back until
 * the guest posts more (QueueNotify on the receiveq wakes the writers).
 */

#define pr_fmt(fmt) "hvisor_vhost: console: " fmt

#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/virtio_byteorder.h>
#include <linux/virtio_config.h>
#include <linux/virtio_console.h>
#include <linux/virtio_ring.h>
#include <linux/hvisor_vhost.h>

#include "console.h"
#include "../core.h"
#include "../vdev.h"
#include "../vq.h"

#define HVCON_DEF_QUEUE_SIZE	128
#define HVCON_DEF_LOG_SIZE	SZ_64K
#define HVCON_MIN_LOG_SIZE	SZ_4K
#define HVCON_MAX_LOG_SIZE	SZ_16M
/*
 * Chains taken per hold of tx_lock (fewer once HVCON_TX_HOLD bytes were
 * copied: interrupts are off meanwhile), and holds per run of @tx_work.
 */
#define HVCON_TX_BUDGET		16
#define HVCON_TX_HOLD		SZ_64K
#define HVCON_TX_PASSES		4
/* Chains a simulated vCPU takes in its own context (hvcon_poll()). */
#define HVCON_TX_POLL		2
/* Bytes of one transmit chain that are used; the rest is dropped. */
#define HVCON_TX_MAX_CHAIN	SZ_64K
/* Bytes appended to the log per hold of its lock. */
#define HVCON_TX_CHUNK		SZ_4K
/* Largest write room reported (the size of one guest buffer, capped). */
#define HVCON_RX_MAX_ROOM	SZ_64K
/* Chains without room skipped by one look for a receive buffer. */
#define HVCON_RX_TRIES		8

static struct hvcon_dev *to_hvcon(struct hvisor_vdev *vdev)
{
	return container_of(vdev, struct hvcon_dev, vdev);
}

/**
 * hvcon_kick_tx() - run the transmit work (ring and tty feeding)
 * @dev: the device
 * @delay: jiffies to wait first (0: now)
 *
 * Any context.
 */
void hvcon_kick_tx(struct hvcon_dev *dev, unsigned long delay)
{
	mod_delayed_work(system_unbound_wq, &dev->tx_work, delay);
}

/* ---- Guest -> root ---- */

/* Append guest bytes to the log, a chunk per lock hold. */
static void hvcon_log_append(struct hvcon_dev *dev, const u8 *p, size_t len)
{
	unsigned long flags;
	size_t n;
	u64 lost;

	while (len) {
		n = min_t(size_t, len, HVCON_TX_CHUNK);
		spin_lock_irqsave(&dev->log_lock, flags);
		lost = hvcon_log_write(&dev->log, p, n);
		spin_unlock_irqrestore(&dev->log_lock, flags);
		if (lost)
			atomic64_add(lost, &dev->vdev.stats.dropped);
		p += n;
		len -= n;
	}
}

/*
 * Take the readable part of a chain (the first HVCON_TX_MAX_CHAIN bytes).
 * Returns the bytes taken.
 */
static u32 hvcon_tx_chain(struct hvcon_dev *dev, const struct hvisor_vq_req *req)
{
	struct hvisor_vdev_stats *st = &dev->vdev.stats;
	u32 left = min_t(u32, req->out_len, HVCON_TX_MAX_CHAIN);
	unsigned int i;
	size_t n;

	for (i = 0; i < req->nr_out && left; i++) {
		n = min_t(size_t, req->iov[i].iov_len, left);
		hvcon_log_append(dev, req->iov[i].iov_base, n);
		left -= n;
	}
	atomic64_add(min_t(u32, req->out_len, HVCON_TX_MAX_CHAIN),
		     &st->bytes_out);
	if (req->out_len > HVCON_TX_MAX_CHAIN) {
		atomic64_inc(&st->errors);
		atomic64_add(req->out_len - HVCON_TX_MAX_CHAIN, &st->dropped);
	}
	atomic64_inc(&st->requests);
	return min_t(u32, req->out_len, HVCON_TX_MAX_CHAIN);
}

/*
 * Under tx_lock: pop, log and complete up to *@done_max chains, fewer once
 * HVCON_TX_HOLD bytes were copied; *@done_max becomes the number taken.
 * Returns 1 when it stopped early (more may be there; guest notifications
 * stay off), 0 when the ring is empty (notifications back on), -EIO for a
 * broken ring.
 */
static int hvcon_tx_ring(struct hvcon_dev *dev, unsigned int *done_max)
{
	struct hvisor_vq *vq = &dev->vdev.vqs[HVCON_TXQ];
	struct hvisor_vq_req req = { .iov = dev->tx_iov,
				     .max_iov = HVCON_MAX_IOV };
	unsigned int done = 0;
	size_t bytes = 0;
	int ret = 1;

	hvisor_vq_disable_notify(vq);
	while (done < *done_max && bytes < HVCON_TX_HOLD) {
		ret = hvisor_vq_pop(vq, &req);
		if (!ret) {
			if (!hvisor_vq_enable_notify(vq))
				break;
			hvisor_vq_disable_notify(vq);
			ret = 1;
			continue;
		}
		if (ret < 0 && ret != -EMSGSIZE) {
			ret = -EIO;
			break;
		}
		if (ret > 0)
			bytes += hvcon_tx_chain(dev, &req);
		else
			atomic64_inc(&dev->vdev.stats.dropped);
		hvisor_vq_push(vq, req.head, 0);
		done++;
		ret = 1;
	}
	*done_max = done;
	return ret;
}

/*
 * Take up to @budget transmit chains. Any context. Returns true when it
 * stopped early (more may be there), false when the ring is empty or
 * stopped.
 *
 * The used buffer interrupt and a failure are raised before tx_lock is
 * dropped: once hvcon_reset() has held tx_lock, nothing taken from the
 * transmitq before the reset reaches the guest any more, not even a queue
 * the guest set up again since.
 */
static bool hvcon_tx_some(struct hvcon_dev *dev, unsigned int budget)
{
	struct hvisor_vq *vq = &dev->vdev.vqs[HVCON_TXQ];
	unsigned int done = budget;
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&dev->tx_lock, flags);
	if (dev->tx_enabled && READ_ONCE(vq->ready) && !READ_ONCE(vq->broken))
		ret = hvcon_tx_ring(dev, &done);
	else
		done = 0;
	if (done)
		hvisor_vdev_vq_interrupt(&dev->vdev, vq);
	if (ret < 0)
		hvisor_vdev_fail(&dev->vdev, "console: bad transmitq");
	spin_unlock_irqrestore(&dev->tx_lock, flags);
	return ret > 0;
}

static void hvcon_tx_work(struct work_struct *work)
{
	struct hvcon_dev *dev = container_of(to_delayed_work(work),
					     struct hvcon_dev, tx_work);
	unsigned int pass;
	bool more = false;

	for (pass = 0; pass < HVCON_TX_PASSES; pass++) {
		more = hvcon_tx_some(dev, HVCON_TX_BUDGET);
		/* Hand the bytes to a reader early: the log is bounded. */
		hvcon_tty_feed(dev);
		if (!more)
			break;
	}
	if (more)
		hvcon_kick_tx(dev, 0);
	else if (!hvcon_tty_feed(dev))
		hvcon_kick_tx(dev, 1);	/* the reader's buffer is full */
}

/* ---- Root -> guest ---- */

/* Under rx_lock: make sure an empty receive buffer is held. */
static bool hvcon_rx_take(struct hvcon_dev *dev, bool *pushed)
{
	struct hvisor_vq *vq = &dev->vdev.vqs[HVCON_RXQ];
	struct hvisor_vq_req *req = &dev->rx_req;
	unsigned int tries;
	int ret;

	for (tries = 0; !dev->rx_held && tries < HVCON_RX_TRIES; tries++) {
		req->iov = dev->rx_iov;
		req->max_iov = HVCON_MAX_IOV;
		ret = hvisor_vq_pop(vq, req);
		if (!ret) {
			/* Ask for a kick when the guest posts more. */
			if (!hvisor_vq_enable_notify(vq))
				return false;
			continue;
		}
		if (ret < 0 && ret != -EMSGSIZE) {
			dev->rx_enabled = false;
			hvisor_vdev_fail(&dev->vdev, "console: bad receiveq");
			return false;
		}
		if (ret > 0 && req->in_len) {
			dev->rx_held = true;
			break;
		}
		/* No room in it: give it back unused. */
		hvisor_vq_push(vq, req->head, 0);
		atomic64_inc(&dev->vdev.stats.errors);
		*pushed = true;
	}
	return dev->rx_held;
}

/**
 * hvcon_rx_room() - room for root's input in the guest's next buffer
 * @dev: the device
 *
 * Any context. Return: bytes, 0 when the guest posted no buffer.
 */
unsigned int hvcon_rx_room(struct hvcon_dev *dev)
{
	struct hvisor_vq *vq = &dev->vdev.vqs[HVCON_RXQ];
	unsigned long flags;
	unsigned int room = 0;
	bool pushed = false;

	spin_lock_irqsave(&dev->rx_lock, flags);
	if (dev->rx_enabled && hvcon_rx_take(dev, &pushed))
		room = min_t(u32, dev->rx_req.in_len, HVCON_RX_MAX_ROOM);
	/* Under rx_lock, as in hvcon_tx_some(): not after a reset. */
	if (pushed)
		hvisor_vdev_vq_interrupt(&dev->vdev, vq);
	spin_unlock_irqrestore(&dev->rx_lock, flags);
	return room;
}

/* Under rx_lock: fill the held buffer, complete it. */
static size_t hvcon_rx_fill(struct hvcon_dev *dev, const u8 *buf, size_t len)
{
	struct hvisor_vq_req *req = &dev->rx_req;
	struct iov_iter it;
	size_t n;

	iov_iter_kvec(&it, ITER_DEST, req->iov + req->nr_out, req->nr_in,
		      req->in_len);
	n = copy_to_iter(buf, min_t(size_t, len, req->in_len), &it);
	hvisor_vq_push(&dev->vdev.vqs[HVCON_RXQ], req->head, n);
	dev->rx_held = false;
	atomic64_inc(&dev->vdev.stats.requests);
	atomic64_add(n, &dev->vdev.stats.bytes_in);
	return n;
}

/**
 * hvcon_rx_write() - give root's input to the guest
 * @dev: the device
 * @buf: the bytes
 * @count: how many
 *
 * Fills as many posted receive buffers as needed. Any context, never
 * sleeps. Return: bytes taken (0 when the guest posted no buffer).
 */
size_t hvcon_rx_write(struct hvcon_dev *dev, const u8 *buf, size_t count)
{
	struct hvisor_vq *vq = &dev->vdev.vqs[HVCON_RXQ];
	unsigned long flags;
	bool pushed = false;
	size_t done = 0;

	spin_lock_irqsave(&dev->rx_lock, flags);
	while (done < count && dev->rx_enabled &&
	       hvcon_rx_take(dev, &pushed)) {
		done += hvcon_rx_fill(dev, buf + done, count - done);
		pushed = true;
	}
	/* Under rx_lock, as in hvcon_tx_some(): not after a reset. */
	if (pushed)
		hvisor_vdev_vq_interrupt(&dev->vdev, vq);
	spin_unlock_irqrestore(&dev->rx_lock, flags);
	return done;
}

static void hvcon_rx_wake_work(struct work_struct *work)
{
	struct hvcon_dev *dev = container_of(work, struct hvcon_dev, rx_wake);

	hvcon_tty_wakeup(dev);
}

/* ---- Config space ---- */

/* Under vdev->lock. */
static void hvcon_config_sizes(struct hvcon_dev *dev)
{
	dev->config.cols = __cpu_to_virtio16(true, dev->cols);
	dev->config.rows = __cpu_to_virtio16(true, dev->rows);
}

/**
 * hvcon_set_winsize() - root resized the tty: tell the guest
 * @dev: the device
 * @cols: columns
 * @rows: rows
 *
 * Any context.
 */
void hvcon_set_winsize(struct hvcon_dev *dev, u16 cols, u16 rows)
{
	struct hvisor_vdev *vdev = &dev->vdev;
	unsigned long flags;
	bool changed;

	spin_lock_irqsave(&vdev->lock, flags);
	changed = dev->cols != cols || dev->rows != rows;
	dev->cols = cols;
	dev->rows = rows;
	hvcon_config_sizes(dev);
	spin_unlock_irqrestore(&vdev->lock, flags);
	if (changed &&
	    hvisor_vdev_has_feature(vdev, VIRTIO_CONSOLE_F_SIZE))
		hvisor_vdev_config_changed(vdev);
}

/* The driver wrote the config space: an emergency write, maybe. */
static void hvcon_config_write(struct hvisor_vdev *vdev, unsigned int offset,
			       unsigned int len)
{
	struct hvcon_dev *dev = to_hvcon(vdev);
	const unsigned int emerg = offsetof(struct virtio_console_config,
					    emerg_wr);
	unsigned long flags;
	u8 c;

	spin_lock_irqsave(&vdev->lock, flags);
	c = __virtio32_to_cpu(true, dev->config.emerg_wr);
	/* The rest is read-only for the driver: undo whatever it wrote. */
	hvcon_config_sizes(dev);
	dev->config.max_nr_ports = 0;
	dev->config.emerg_wr = 0;
	spin_unlock_irqrestore(&vdev->lock, flags);
	if (offset != emerg ||
	    !hvisor_vdev_has_feature(vdev, VIRTIO_CONSOLE_F_EMERG_WRITE))
		return;
	spin_lock_irqsave(&dev->log_lock, flags);
	if (hvcon_log_write(&dev->log, &c, 1))
		atomic64_inc(&vdev->stats.dropped);
	spin_unlock_irqrestore(&dev->log_lock, flags);
	atomic64_inc(&vdev->stats.bytes_out);
	hvcon_kick_tx(dev, 0);
}

/* ---- Transport callbacks ---- */

/*
 * QueueNotify, in hvisor's wakeup interrupt: hand the work to a worker.
 * Nothing is copied here, with interrupts off (a guest may send 64
 * notifies per wakeup, each for up to 64 KiB chains).
 */
static void hvcon_notify(struct hvisor_vdev *vdev, unsigned int qidx)
{
	struct hvcon_dev *dev = to_hvcon(vdev);

	if (qidx == HVCON_TXQ)
		hvcon_kick_tx(dev, 0);
	else
		queue_work(system_unbound_wq, &dev->rx_wake);
}

/*
 * The simulator's vCPU lends its time (hvisor_vdev_poll()): take the
 * transmit chains it just notified here, so that Linux's hvc put_chars(),
 * which spins with interrupts off until its buffer is back, does not wait
 * for @tx_work on CPUs it may be holding (the simulated guest runs on
 * root's CPUs). @tx_work, queued by the notify, takes what is left and
 * feeds the tty. Any context.
 */
static void hvcon_poll(struct hvisor_vdev *vdev, unsigned int qidx)
{
	struct hvcon_dev *dev = to_hvcon(vdev);

	if (qidx == HVCON_TXQ && hvcon_tx_some(dev, HVCON_TX_POLL))
		hvcon_kick_tx(dev, 0);
}

static void hvcon_driver_ok(struct hvisor_vdev *vdev)
{
	struct hvcon_dev *dev = to_hvcon(vdev);
	unsigned long flags;

	spin_lock_irqsave(&dev->tx_lock, flags);
	dev->tx_enabled = true;
	spin_unlock_irqrestore(&dev->tx_lock, flags);
	spin_lock_irqsave(&dev->rx_lock, flags);
	dev->rx_enabled = true;
	spin_unlock_irqrestore(&dev->rx_lock, flags);
	hvcon_kick_tx(dev, 0);
	queue_work(system_unbound_wq, &dev->rx_wake);
}

/*
 * Stop both queues: after this no transmit work and no tty write touches
 * guest memory. The tty stays; its writes are held back until the next
 * DRIVER_OK. Output already in the log stays too.
 */
static void hvcon_reset(struct hvisor_vdev *vdev)
{
	struct hvcon_dev *dev = to_hvcon(vdev);
	unsigned long flags;

	spin_lock_irqsave(&dev->tx_lock, flags);
	dev->tx_enabled = false;
	spin_unlock_irqrestore(&dev->tx_lock, flags);
	spin_lock_irqsave(&dev->rx_lock, flags);
	dev->rx_enabled = false;
	dev->rx_held = false;
	spin_unlock_irqrestore(&dev->rx_lock, flags);
}

static void hvcon_free(struct hvcon_dev *dev)
{
	hvcon_log_free(&dev->log);
	kfree(dev);
}

static void hvcon_release(struct hvisor_vdev *vdev)
{
	struct hvcon_dev *dev = to_hvcon(vdev);

	/* No tty operation reaches the device after this... */
	hvcon_tty_detach(dev);
	/* ...so nothing queues these any more. */
	cancel_delayed_work_sync(&dev->tx_work);
	cancel_work_sync(&dev->rx_wake);
	hvcon_tty_put(dev);
	hvisor_vdev_cleanup(vdev);
	hvcon_free(dev);
}

static const struct hvisor_vdev_ops hvcon_ops = {
	.notify = hvcon_notify,
	.driver_ok = hvcon_driver_ok,
	.reset = hvcon_reset,
	.config_write = hvcon_config_write,
	.release = hvcon_release,
	.poll = hvcon_poll,
};

/* ---- Creation ---- */

static int hvcon_check_config(const struct hvisor_vhost_dev_config *cfg,
			      u32 *queue_size, u32 *log_size)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cfg->console.reserved); i++)
		if (cfg->console.reserved[i])
			return -EINVAL;
	if (cfg->flags || cfg->num_queues > 1 || cfg->backing_fd >= 0)
		return -EINVAL;
	*queue_size = cfg->queue_size ? cfg->queue_size : HVCON_DEF_QUEUE_SIZE;
	if (*queue_size < 2 || *queue_size > HVISOR_VQ_MAX_SIZE ||
	    !is_power_of_2(*queue_size))
		return -EINVAL;
	*log_size = cfg->console.log_size ? cfg->console.log_size :
		HVCON_DEF_LOG_SIZE;
	if (*log_size < HVCON_MIN_LOG_SIZE || *log_size > HVCON_MAX_LOG_SIZE)
		return -EINVAL;
	return 0;
}

static struct hvcon_dev *hvcon_alloc(u32 log_size)
{
	struct hvcon_dev *dev = kzalloc(sizeof(*dev), GFP_KERNEL);

	if (!dev)
		return NULL;
	INIT_DELAYED_WORK(&dev->tx_work, hvcon_tx_work);
	INIT_WORK(&dev->rx_wake, hvcon_rx_wake_work);
	spin_lock_init(&dev->tx_lock);
	spin_lock_init(&dev->log_lock);
	spin_lock_init(&dev->rx_lock);
	if (hvcon_log_init(&dev->log, log_size)) {
		hvcon_free(dev);
		return NULL;
	}
	dev->cols = 80;
	dev->rows = 24;
	hvcon_config_sizes(dev);
	dev->vdev.device_id = HVISOR_VHOST_DEV_CONSOLE;
	dev->vdev.device_features = BIT_ULL(VIRTIO_F_VERSION_1) |
		BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC) |
		BIT_ULL(VIRTIO_RING_F_EVENT_IDX) |
		BIT_ULL(VIRTIO_CONSOLE_F_SIZE) |
		BIT_ULL(VIRTIO_CONSOLE_F_EMERG_WRITE);
	dev->vdev.config = &dev->config;
	dev->vdev.config_len = sizeof(dev->config);
	dev->vdev.ops = &hvcon_ops;
	dev->vdev.priv = dev;
	return dev;
}

static struct hvisor_vdev *hvcon_create(const struct hvisor_vhost_dev_config *cfg)
{
	struct hvcon_dev *dev;
	u32 queue_size, log_size;
	int ret;

	ret = hvcon_check_config(cfg, &queue_size, &log_size);
	if (ret)
		return ERR_PTR(ret);
	dev = hvcon_alloc(log_size);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	ret = hvisor_vdev_init(&dev->vdev, HVCON_NR_QUEUES, queue_size);
	if (ret)
		goto err_free;
	ret = hvcon_tty_add(dev);
	if (ret)
		goto err_cleanup;
	return &dev->vdev;

err_cleanup:
	hvisor_vdev_cleanup(&dev->vdev);
err_free:
	hvcon_free(dev);
	return ERR_PTR(ret);
}

static void hvcon_fill_info(struct hvisor_vdev *vdev,
			    struct hvisor_vhost_dev_info *info)
{
	snprintf(info->name, sizeof(info->name), "/dev/%s%u",
		 HVCON_TTY_NAME, hvcon_tty_index(to_hvcon(vdev)));
}

/**
 * hvisor_console_log_copy() - HVISOR_VHOST_CONSOLE_LOG for one device
 * @vdev: a device; -EINVAL unless it is a console
 * @buf: kernel buffer of @len bytes
 * @len: room
 * @clear: empty the log afterwards
 * @used: out: bytes the log held
 * @lost: out: bytes lost so far
 *
 * Context: process, hvisor_ctl_mutex held (the device stays).
 * Return: bytes copied (the newest ones) or a negative errno.
 */
int hvisor_console_log_copy(struct hvisor_vdev *vdev, void *buf, u32 len,
			    bool clear, u32 *used, u64 *lost)
{
	struct hvcon_dev *dev;
	unsigned long flags;
	u32 n;

	if (vdev->device_id != HVISOR_VHOST_DEV_CONSOLE)
		return -EINVAL;
	dev = to_hvcon(vdev);
	spin_lock_irqsave(&dev->log_lock, flags);
	n = hvcon_log_copy(&dev->log, buf, len);
	*used = hvcon_log_used(&dev->log);
	*lost = dev->log.lost;
	if (clear)
		hvcon_log_clear(&dev->log);
	spin_unlock_irqrestore(&dev->log_lock, flags);
	return n;
}

/**
 * hvisor_console_log_size() - capacity of a console's log
 * @vdev: a device
 *
 * Context: hvisor_ctl_mutex held. Return: bytes, 0 for other devices.
 */
u32 hvisor_console_log_size(struct hvisor_vdev *vdev)
{
	if (vdev->device_id != HVISOR_VHOST_DEV_CONSOLE)
		return 0;
	return to_hvcon(vdev)->log.size;
}

const struct hvisor_dev_type hvisor_console_type = {
	.type = HVISOR_VHOST_DEV_CONSOLE,
	.name = "console",
	.init = hvcon_tty_init,
	.exit = hvcon_tty_exit,
	.create = hvcon_create,
	.fill_info = hvcon_fill_info,
};
