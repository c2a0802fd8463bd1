// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-mmio transport, device side (virtio 1.2, section 4.2.2,
 * version 2 register layout): register reads and writes trapped by the
 * hypervisor, feature negotiation, status and the deferred device reset,
 * interrupt status and config space.
 *
 * Contexts: hvisor_vdev_mmio_read() and hvisor_vdev_mmio_write() run in the
 * bridge dispatcher, possibly in hard interrupt context, so vdev->lock is
 * always taken with interrupts disabled and the device type's callbacks
 * (notify, driver_ok, config_write) are called without it. A device reset
 * (Status = 0) must wait for the device type's in-flight I/O: it is handed
 * to vdev->reset_work and the vCPU that asked for it is answered from
 * there.
 *
 * Callbacks and reset: every check that lets a callback run and the
 * callback itself sit in one RCU read-side critical section, and the reset
 * work waits for a grace period before calling ops->reset, so no notify,
 * driver_ok or config_write that passed its check can still be running
 * when the device type is told to reset.
 */

#define pr_fmt(fmt) "hvisor_vhost: " fmt

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <uapi/linux/virtio_config.h>
#include <uapi/linux/virtio_mmio.h>
#include <uapi/linux/virtio_ring.h>
#include <hvisor/virtio_bridge.h>

#include "core.h"
#include "vdev.h"
#include "vq.h"
#include "zone.h"

#define hvisor_vdev_warn(vdev, fmt, ...) \
	pr_warn_ratelimited("device %u: " fmt, (vdev)->id, ##__VA_ARGS__)

/* Status bits only the device sets; a driver's write cannot set them. */
#define HVISOR_VDEV_DEVICE_STATUS	VIRTIO_CONFIG_S_NEEDS_RESET

/* Features offered: what the device type offers, and always VERSION_1. */
static u64 hvisor_vdev_offered(const struct hvisor_vdev *vdev)
{
	return vdev->device_features | BIT_ULL(VIRTIO_F_VERSION_1);
}

/* The queue QueueSel points at, or NULL. Under vdev->lock. */
static struct hvisor_vq *hvisor_vdev_sel_vq(struct hvisor_vdev *vdev)
{
	return vdev->queue_sel < vdev->nr_vqs ? &vdev->vqs[vdev->queue_sel] :
		NULL;
}

/* Accepted: no callback, no register change may start. Under the lock. */
static bool hvisor_vdev_frozen(const struct hvisor_vdev *vdev)
{
	return vdev->dead || vdev->reset_pending;
}

/* Is [off, off + size) of the config space a valid access? */
static bool hvisor_vdev_config_range(const struct hvisor_vdev *vdev, u64 off,
				     u32 size)
{
	switch (size) {
	case 1:
	case 2:
	case 4:
	case 8:
		break;
	default:
		return false;
	}
	return off <= vdev->config_len && size <= vdev->config_len - off;
}

static u64 hvisor_vdev_config_read(struct hvisor_vdev *vdev, u64 off,
				   u32 size)
{
	const u8 *cfg = vdev->config;
	u64 val = 0;
	unsigned int i;

	if (!hvisor_vdev_config_range(vdev, off, size)) {
		hvisor_vdev_warn(vdev, "config read of %u bytes at 0x%llx out of range\n",
				 size, off);
		return 0;
	}
	/* The config space is little-endian, as the guest sees it. */
	for (i = 0; i < size; i++)
		val |= (u64)cfg[off + i] << (8 * i);
	return val;
}

static u32 hvisor_vdev_read_queue_reg(struct hvisor_vdev *vdev, u64 offset)
{
	struct hvisor_vq *vq = hvisor_vdev_sel_vq(vdev);

	if (!vq)
		return 0;
	switch (offset) {
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return vq->num_max;
	case VIRTIO_MMIO_QUEUE_READY:
		return vq->ready;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
		return lower_32_bits(vq->desc_gpa);
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		return upper_32_bits(vq->desc_gpa);
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
		return lower_32_bits(vq->avail_gpa);
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		return upper_32_bits(vq->avail_gpa);
	case VIRTIO_MMIO_QUEUE_USED_LOW:
		return lower_32_bits(vq->used_gpa);
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		return upper_32_bits(vq->used_gpa);
	}
	return 0;
}

static u32 hvisor_vdev_read_reg(struct hvisor_vdev *vdev, u64 offset)
{
	u64 features = hvisor_vdev_offered(vdev);

	switch (offset) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return HVISOR_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return HVISOR_MMIO_VERSION;
	case VIRTIO_MMIO_DEVICE_ID:
		return vdev->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return HVISOR_MMIO_VENDOR_ID;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		if (vdev->device_features_sel > 1)
			return 0;
		return vdev->device_features_sel ? upper_32_bits(features) :
			lower_32_bits(features);
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
	case VIRTIO_MMIO_QUEUE_READY:
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		return hvisor_vdev_read_queue_reg(vdev, offset);
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return atomic_read(&vdev->isr);
	case VIRTIO_MMIO_STATUS:
		return vdev->reset_pending ? 0 : vdev->status;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:
		/* A length of ~0: no shared memory region. */
		return U32_MAX;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return vdev->config_generation;
	}
	hvisor_vdev_warn(vdev, "read of unknown or write-only register 0x%llx\n",
			 offset);
	return 0;
}

/**
 * hvisor_vdev_mmio_read() - a guest load from the device's region
 * @vdev: the device
 * @offset: offset in the 0x200-byte region
 * @size: access size in bytes
 *
 * Registers below HVISOR_MMIO_CONFIG are 32 bits wide and aligned: other
 * accesses read 0.
 * The config space reads 1, 2, 4 or 8 bytes inside config_len; anything
 * else reads 0. A dead device reads 0 everywhere. Any context.
 *
 * Return: the value, not wider than @size bytes.
 */
u64 hvisor_vdev_mmio_read(struct hvisor_vdev *vdev, u64 offset, u32 size)
{
	unsigned long flags;
	u64 val = 0;

	if (offset < HVISOR_MMIO_CONFIG && (size != 4 || offset & 3)) {
		hvisor_vdev_warn(vdev, "read of %u bytes at register 0x%llx ignored\n",
				 size, offset);
		return 0;
	}
	spin_lock_irqsave(&vdev->lock, flags);
	if (vdev->dead)
		val = 0;
	else if (offset >= HVISOR_MMIO_CONFIG)
		val = hvisor_vdev_config_read(vdev, offset - HVISOR_MMIO_CONFIG,
					      size);
	else
		val = hvisor_vdev_read_reg(vdev, offset);
	spin_unlock_irqrestore(&vdev->lock, flags);
	/* Older LoongArch hvisor lowers the line when the driver looks. */
	if (offset == VIRTIO_MMIO_INTERRUPT_STATUS)
		hvisor_core_irq_status_read(vdev);
	return val;
}

/* Under the lock. Returns true when the driver_ok callback is due. */
static bool hvisor_vdev_set_status(struct hvisor_vdev *vdev, u32 value)
{
	u8 old = vdev->status;
	u8 new = old | (value & 0xff & ~HVISOR_VDEV_DEVICE_STATUS);
	u64 drv = vdev->driver_features;

	if ((new & ~old & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    ((drv & ~hvisor_vdev_offered(vdev)) ||
	     !(drv & BIT_ULL(VIRTIO_F_VERSION_1)))) {
		/* Refused: the driver reads Status back and sees it. */
		hvisor_vdev_warn(vdev, "features 0x%llx refused\n", drv);
		new &= ~VIRTIO_CONFIG_S_FEATURES_OK;
	}
	if ((new & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    !(new & VIRTIO_CONFIG_S_FEATURES_OK)) {
		hvisor_vdev_warn(vdev, "DRIVER_OK without FEATURES_OK ignored\n");
		new &= ~VIRTIO_CONFIG_S_DRIVER_OK;
	}
	WRITE_ONCE(vdev->status, new);
	return new & ~old & VIRTIO_CONFIG_S_DRIVER_OK;
}

/* Status = 0, under the lock: hand the reset to the work. */
static int hvisor_vdev_request_reset(struct hvisor_vdev *vdev, u32 src_cpu)
{
	int ret = 0;

	vdev->reset_pending = true;
	if (src_cpu < HVISOR_BRIDGE_MAX_CPUS) {
		vdev->reset_waiters |= BIT(src_cpu);
		ret = HVISOR_MMIO_DEFERRED;
	}
	queue_work(hvisor_core_wq(), &vdev->reset_work);
	return ret;
}

static int hvisor_vdev_write_status(struct hvisor_vdev *vdev, u32 value,
				    u32 src_cpu)
{
	bool driver_ok = false;
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&vdev->lock, flags);
	if (vdev->dead)
		goto unlock;
	if (!value)
		ret = hvisor_vdev_request_reset(vdev, src_cpu);
	else if (!vdev->reset_pending)
		driver_ok = hvisor_vdev_set_status(vdev, value);
unlock:
	spin_unlock_irqrestore(&vdev->lock, flags);
	if (driver_ok && vdev->ops->driver_ok)
		vdev->ops->driver_ok(vdev);
	return ret;
}

/* Whether queue @qidx may be handed to the device type now. */
static bool hvisor_vdev_queue_live(struct hvisor_vdev *vdev, u32 qidx)
{
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&vdev->lock, flags);
	ok = !hvisor_vdev_frozen(vdev) &&
	     (vdev->status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	     qidx < vdev->nr_vqs && vdev->vqs[qidx].ready;
	spin_unlock_irqrestore(&vdev->lock, flags);
	return ok;
}

static void hvisor_vdev_notify(struct hvisor_vdev *vdev, u32 qidx)
{
	if (!hvisor_vdev_queue_live(vdev, qidx))
		return;
	atomic64_inc(&vdev->stats.notifies);
	vdev->ops->notify(vdev, qidx);
}

/**
 * hvisor_vdev_poll() - run a queue's deferred work in the caller's context
 * @vdev: the device
 * @qidx: the queue the caller just notified
 *
 * Calls the device type's poll, when it has one and the queue is live
 * (the checks of QueueNotify). For the simulator, whose guest "vCPUs" are
 * root's CPUs: see &struct hvisor_vdev_ops.
 *
 * Context: any; the caller holds rcu_read_lock() across the lookup of
 * @vdev and this call, so that a reset waits for it as for a notify (see
 * the top of this file).
 */
void hvisor_vdev_poll(struct hvisor_vdev *vdev, u32 qidx)
{
	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "poll without RCU");
	if (vdev->ops->poll && hvisor_vdev_queue_live(vdev, qidx))
		vdev->ops->poll(vdev, qidx);
}

/* Under the lock. */
static void hvisor_vdev_set_driver_features(struct hvisor_vdev *vdev,
					    u32 value)
{
	u64 drv = vdev->driver_features;

	if (vdev->status & VIRTIO_CONFIG_S_FEATURES_OK) {
		hvisor_vdev_warn(vdev, "DriverFeatures written after FEATURES_OK\n");
		return;
	}
	switch (vdev->driver_features_sel) {
	case 0:
		drv = (drv & GENMASK_ULL(63, 32)) | value;
		break;
	case 1:
		drv = lower_32_bits(drv) | (u64)value << 32;
		break;
	default:
		if (value)
			hvisor_vdev_warn(vdev, "unknown features 0x%x in word %u ignored\n",
					 value, vdev->driver_features_sel);
		return;
	}
	WRITE_ONCE(vdev->driver_features, drv);
}

/* QueueNum and the queue addresses, under the lock. */
static void hvisor_vdev_write_queue_reg(struct hvisor_vdev *vdev, u64 offset,
					u32 value)
{
	struct hvisor_vq *vq = hvisor_vdev_sel_vq(vdev);
	u64 *gpa;

	if (!vq || vq->ready) {
		hvisor_vdev_warn(vdev, "write to 0x%llx of %s queue %u ignored\n",
				 offset, vq ? "ready" : "missing",
				 vdev->queue_sel);
		return;
	}
	switch (offset) {
	case VIRTIO_MMIO_QUEUE_NUM:
		vq->num = value;
		return;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		gpa = &vq->desc_gpa;
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		gpa = &vq->avail_gpa;
		break;
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		gpa = &vq->used_gpa;
		break;
	default:
		return;
	}
	/* Each _HIGH register sits 4 bytes above its _LOW register. */
	if (offset & 4)
		*gpa = lower_32_bits(*gpa) | (u64)value << 32;
	else
		*gpa = (*gpa & GENMASK_ULL(63, 32)) | value;
}

/* QueueReady, under the lock. Returns why the device failed, or NULL. */
static const char *hvisor_vdev_queue_ready(struct hvisor_vdev *vdev,
					   u32 value)
{
	struct hvisor_vq *vq = hvisor_vdev_sel_vq(vdev);
	u64 drv = vdev->driver_features;

	if (!vq || value > 1) {
		hvisor_vdev_warn(vdev, "QueueReady = %u for queue %u ignored\n",
				 value, vdev->queue_sel);
		return NULL;
	}
	if (value == vq->ready)
		return NULL;
	if (!value) {
		/* The device type may be using the queue: only a reset stops it. */
		if (vdev->status & VIRTIO_CONFIG_S_DRIVER_OK) {
			hvisor_vdev_warn(vdev, "queue %u cannot be disabled after DRIVER_OK\n",
					 vdev->queue_sel);
			return NULL;
		}
		hvisor_vq_reset(vq);
		return NULL;
	}
	if (!(vdev->status & VIRTIO_CONFIG_S_FEATURES_OK))
		return "queue enabled before FEATURES_OK";
	if (hvisor_vq_enable(vq, vdev->zone,
			     drv & BIT_ULL(VIRTIO_RING_F_EVENT_IDX),
			     drv & BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC))) {
		hvisor_vdev_warn(vdev, "queue %u: %u entries (at most %u), rings at 0x%llx 0x%llx 0x%llx: not a valid ring in zone %u's RAM\n",
				 vdev->queue_sel, vq->num, vq->num_max,
				 vq->desc_gpa, vq->avail_gpa, vq->used_gpa,
				 vdev->zone->id);
		return "invalid queue setup";
	}
	return NULL;
}

/* Under the lock. Returns why the device failed, or NULL. */
static const char *hvisor_vdev_write_reg_locked(struct hvisor_vdev *vdev,
						u64 offset, u32 value)
{
	switch (offset) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		vdev->device_features_sel = value;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		hvisor_vdev_set_driver_features(vdev, value);
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		vdev->driver_features_sel = value;
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		vdev->queue_sel = value;
		break;
	case VIRTIO_MMIO_QUEUE_NUM:
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		hvisor_vdev_write_queue_reg(vdev, offset, value);
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		return hvisor_vdev_queue_ready(vdev, value);
	case VIRTIO_MMIO_SHM_SEL:
		/* There is no shared memory region to select. */
		break;
	case VIRTIO_MMIO_MAGIC_VALUE:
	case VIRTIO_MMIO_VERSION:
	case VIRTIO_MMIO_DEVICE_ID:
	case VIRTIO_MMIO_VENDOR_ID:
	case VIRTIO_MMIO_DEVICE_FEATURES:
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
	case VIRTIO_MMIO_INTERRUPT_STATUS:
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:
	case VIRTIO_MMIO_CONFIG_GENERATION:
		hvisor_vdev_warn(vdev, "write to read-only register 0x%llx ignored\n",
				 offset);
		break;
	default:
		hvisor_vdev_warn(vdev, "write to unknown register 0x%llx ignored\n",
				 offset);
		break;
	}
	return NULL;
}

static void hvisor_vdev_write_reg(struct hvisor_vdev *vdev, u64 offset,
				  u32 value)
{
	const char *why = NULL;
	unsigned long flags;

	spin_lock_irqsave(&vdev->lock, flags);
	if (!hvisor_vdev_frozen(vdev))
		why = hvisor_vdev_write_reg_locked(vdev, offset, value);
	spin_unlock_irqrestore(&vdev->lock, flags);
	if (why)
		hvisor_vdev_fail(vdev, why);
}

/*
 * InterruptACK. When it leaves no bit set, a hypervisor whose virtio
 * interrupts stay asserted until told (LoongArch) lowers the line: even
 * when nothing was set, so a line raised by an injection that raced with
 * a reset comes down at the driver's next (spurious) interrupt.
 *
 * The line is lowered before the bits are cleared, both under vdev->lock:
 * hvisor_vdev_interrupt() sets a bit and injects only on 0 -> non-zero,
 * so an interrupt due after this ACK finds the bits clear only once the
 * line is down, and its injection raises it again. Lowered after the
 * clear, that injection could be swallowed by the lowering, leaving a bit
 * set that no interrupt announces and that suppresses every later one.
 */
static void hvisor_vdev_ack(struct hvisor_vdev *vdev, u32 value)
{
	unsigned long flags;

	spin_lock_irqsave(&vdev->lock, flags);
	if (!hvisor_vdev_frozen(vdev)) {
		if (!(atomic_read(&vdev->isr) & ~value))
			hvisor_core_irq_lowered(vdev);
		atomic_andnot(value, &vdev->isr);
	}
	spin_unlock_irqrestore(&vdev->lock, flags);
}

/*
 * Config space writes are taken once the driver has started (Status != 0)
 * and only when the device type handles them.
 */
static void hvisor_vdev_config_write(struct hvisor_vdev *vdev, u64 off,
				     u32 size, u64 value)
{
	u8 *cfg = vdev->config;
	unsigned long flags;
	bool taken = false;
	unsigned int i;

	spin_lock_irqsave(&vdev->lock, flags);
	if (hvisor_vdev_frozen(vdev) || !vdev->status ||
	    !vdev->ops->config_write)
		goto unlock;
	if (!hvisor_vdev_config_range(vdev, off, size)) {
		hvisor_vdev_warn(vdev, "config write of %u bytes at 0x%llx out of range\n",
				 size, off);
		goto unlock;
	}
	for (i = 0; i < size; i++)
		cfg[off + i] = value >> (8 * i);
	taken = true;
unlock:
	spin_unlock_irqrestore(&vdev->lock, flags);
	if (taken)
		vdev->ops->config_write(vdev, off, size);
}

/**
 * hvisor_vdev_mmio_write() - a guest store to the device's region
 * @vdev: the device
 * @offset: offset in the 0x200-byte region
 * @size: access size in bytes
 * @value: the data
 * @src_cpu: the trapped vCPU's physical CPU, for a deferred answer
 *
 * Registers below HVISOR_MMIO_CONFIG take aligned 32-bit stores only; bad
 * sizes, unknown and read-only registers are ignored with a rate-limited
 * log.
 * Writes to a dead device, and writes other than Status = 0 while a reset
 * is pending, are ignored. Any context; the device type's callbacks are
 * called without vdev->lock held.
 *
 * Return: 0 when the access is complete and the caller answers the vCPU,
 * or HVISOR_MMIO_DEFERRED for a device reset: the vCPU is answered with
 * hvisor_core_answer() once the reset is done.
 */
int hvisor_vdev_mmio_write(struct hvisor_vdev *vdev, u64 offset, u32 size,
			   u64 value, u32 src_cpu)
{
	int ret = 0;

	if (offset < HVISOR_MMIO_CONFIG && (size != 4 || offset & 3)) {
		hvisor_vdev_warn(vdev, "write of %u bytes at register 0x%llx ignored\n",
				 size, offset);
		return 0;
	}
	/* Checks and callbacks in one section: see the top of this file. */
	rcu_read_lock();
	if (offset >= HVISOR_MMIO_CONFIG)
		hvisor_vdev_config_write(vdev, offset - HVISOR_MMIO_CONFIG,
					 size, value);
	else if (offset == VIRTIO_MMIO_QUEUE_NOTIFY)
		hvisor_vdev_notify(vdev, value);
	else if (offset == VIRTIO_MMIO_STATUS)
		ret = hvisor_vdev_write_status(vdev, value, src_cpu);
	else if (offset == VIRTIO_MMIO_INTERRUPT_ACK)
		hvisor_vdev_ack(vdev, value);
	else
		hvisor_vdev_write_reg(vdev, offset, value);
	rcu_read_unlock();
	return ret;
}

/**
 * hvisor_vdev_has_feature() - was a feature negotiated?
 * @vdev: the device
 * @bit: feature bit (VIRTIO_F_*, VIRTIO_RING_F_* or device specific)
 *
 * Meaningful once the driver has set FEATURES_OK, until the next reset.
 *
 * Return: true when the device offered @bit and the driver accepted it.
 */
bool hvisor_vdev_has_feature(const struct hvisor_vdev *vdev,
			     unsigned int bit)
{
	if (bit >= 64)
		return false;
	return READ_ONCE(vdev->driver_features) & hvisor_vdev_offered(vdev) &
		BIT_ULL(bit);
}

/**
 * hvisor_vdev_interrupt() - raise the device's interrupt
 * @vdev: the device
 * @isr_bits: VIRTIO_MMIO_INT_VRING and/or VIRTIO_MMIO_INT_CONFIG
 *
 * Sets the bits in InterruptStatus and injects the interrupt when the
 * status was 0 (the driver acknowledges before it looks at the rings, so
 * a non-zero status means an interrupt is on its way or being handled).
 * Nothing happens on a dead device, during a reset or before DRIVER_OK:
 * the driver is not listening then, and a bit left set without an
 * interrupt would suppress every later one. Any context, not under
 * vdev->lock; call it after publishing the used ring or the config change.
 */
void hvisor_vdev_interrupt(struct hvisor_vdev *vdev, u32 isr_bits)
{
	unsigned long flags;
	bool live;
	int old = 0;

	isr_bits &= VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG;
	if (!isr_bits)
		return;
	/* Under the lock so that a reset cannot clear isr under our feet. */
	spin_lock_irqsave(&vdev->lock, flags);
	live = !hvisor_vdev_frozen(vdev) &&
	       (vdev->status & VIRTIO_CONFIG_S_DRIVER_OK);
	/*
	 * A fully ordered RMW: the caller's used->idx (or config) stores are
	 * visible before the bits, and the bits before our read of the old
	 * value; pairs with the driver's InterruptACK followed by its ring
	 * reads.
	 */
	if (live)
		old = atomic_fetch_or(isr_bits, &vdev->isr);
	spin_unlock_irqrestore(&vdev->lock, flags);
	if (!live || old)
		return;
	atomic64_inc(&vdev->stats.interrupts);
	hvisor_core_inject(vdev);
}

/**
 * hvisor_vdev_vq_interrupt() - raise a used buffer interrupt if one is due
 * @vdev: the device
 * @vq: a queue of @vdev whose used ring was just published
 *
 * Honours the driver's suppression (EVENT_IDX or NO_INTERRUPT). Any
 * context, but not under @vq's used_lock nor vdev->lock.
 */
void hvisor_vdev_vq_interrupt(struct hvisor_vdev *vdev, struct hvisor_vq *vq)
{
	if (hvisor_vq_need_irq(vq))
		hvisor_vdev_interrupt(vdev, VIRTIO_MMIO_INT_VRING);
}

/**
 * hvisor_vdev_config_changed() - tell the driver the config space changed
 * @vdev: the device, whose config the device type updated under vdev->lock
 *
 * Bumps ConfigGeneration and raises a config interrupt. Any context.
 */
void hvisor_vdev_config_changed(struct hvisor_vdev *vdev)
{
	unsigned long flags;

	spin_lock_irqsave(&vdev->lock, flags);
	vdev->config_generation++;
	spin_unlock_irqrestore(&vdev->lock, flags);
	hvisor_vdev_interrupt(vdev, VIRTIO_MMIO_INT_CONFIG);
}

/**
 * hvisor_vdev_fail() - the device cannot go on until the driver resets it
 * @vdev: the device
 * @why: reason, for the log
 *
 * Sets DEVICE_NEEDS_RESET and raises a config interrupt; the first failure
 * after a reset is logged (rate-limited). Any context, not under
 * vdev->lock.
 */
void hvisor_vdev_fail(struct hvisor_vdev *vdev, const char *why)
{
	unsigned long flags;
	bool first;

	spin_lock_irqsave(&vdev->lock, flags);
	first = !(vdev->status & VIRTIO_CONFIG_S_NEEDS_RESET);
	WRITE_ONCE(vdev->status, vdev->status | VIRTIO_CONFIG_S_NEEDS_RESET);
	spin_unlock_irqrestore(&vdev->lock, flags);
	if (!first)
		return;
	hvisor_vdev_warn(vdev, "needs reset: %s\n", why);
	hvisor_vdev_interrupt(vdev, VIRTIO_MMIO_INT_CONFIG);
}

/* Back to the state after init: queues, registers, isr. Under the lock. */
static void hvisor_vdev_clear(struct hvisor_vdev *vdev)
{
	struct hvisor_vq *vq;
	unsigned int i;

	for (i = 0; i < vdev->nr_vqs; i++) {
		vq = &vdev->vqs[i];
		hvisor_vq_reset(vq);
		vq->num = 0;
		vq->desc_gpa = 0;
		vq->avail_gpa = 0;
		vq->used_gpa = 0;
	}
	WRITE_ONCE(vdev->status, 0);
	WRITE_ONCE(vdev->driver_features, 0);
	vdev->device_features_sel = 0;
	vdev->driver_features_sel = 0;
	vdev->queue_sel = 0;
	atomic_set(&vdev->isr, 0);
	vdev->reset_pending = false;
}

static void hvisor_vdev_answer(unsigned long waiters)
{
	unsigned int cpu;

	for_each_set_bit(cpu, &waiters, HVISOR_BRIDGE_MAX_CPUS)
		hvisor_core_answer(cpu, 0, 4);
}

/*
 * The one place a reset happens. Work items do not run concurrently with
 * themselves, so resets never overlap. Requests that arrive while it runs
 * are answered by this run: every write is ignored until it finishes.
 */
static void hvisor_vdev_reset_work(struct work_struct *work)
{
	struct hvisor_vdev *vdev = container_of(work, struct hvisor_vdev,
						reset_work);
	unsigned long flags, waiters;
	bool started;

	spin_lock_irqsave(&vdev->lock, flags);
	if (!vdev->reset_pending) {
		spin_unlock_irqrestore(&vdev->lock, flags);
		return;
	}
	/* Callbacks run only once the driver has written a non-zero Status. */
	started = vdev->status;
	spin_unlock_irqrestore(&vdev->lock, flags);
	/* No callback that passed its check before reset_pending still runs. */
	if (started)
		synchronize_rcu();
	if (vdev->ops->reset)
		vdev->ops->reset(vdev);

	spin_lock_irqsave(&vdev->lock, flags);
	/* isr becomes 0: a line left asserted comes down (see _ack()). */
	hvisor_core_irq_lowered(vdev);
	hvisor_vdev_clear(vdev);
	waiters = vdev->reset_waiters;
	vdev->reset_waiters = 0;
	spin_unlock_irqrestore(&vdev->lock, flags);
	hvisor_vdev_answer(waiters);
}

/**
 * hvisor_vdev_reset_sync() - reset the device and wait for it
 * @vdev: the device
 *
 * Used when the device is removed or its zone restarts. Calls the device
 * type's reset, disables every queue and clears the register state, through
 * the same work item as a guest's reset, so the two never overlap; vCPUs
 * waiting for a guest reset are answered. Process context.
 */
void hvisor_vdev_reset_sync(struct hvisor_vdev *vdev)
{
	unsigned long flags;

	might_sleep();
	spin_lock_irqsave(&vdev->lock, flags);
	vdev->reset_pending = true;
	spin_unlock_irqrestore(&vdev->lock, flags);
	queue_work(hvisor_core_wq(), &vdev->reset_work);
	flush_work(&vdev->reset_work);
}

/**
 * hvisor_vdev_init() - set up the transport state of a new device
 * @vdev: the device; the device type has filled device_id,
 *	device_features, config, config_len and ops
 * @nr_vqs: number of virtqueues, at least 1
 * @queue_size: QueueNumMax of every queue, 1 .. HVISOR_VQ_MAX_SIZE
 *
 * Undone by hvisor_vdev_cleanup(). Process context.
 *
 * Return: 0, -EINVAL for bad sizes or -ENOMEM.
 */
int hvisor_vdev_init(struct hvisor_vdev *vdev, unsigned int nr_vqs,
		     u32 queue_size)
{
	unsigned int i;

	if (!nr_vqs || !queue_size || queue_size > HVISOR_VQ_MAX_SIZE)
		return -EINVAL;
	vdev->vqs = kcalloc(nr_vqs, sizeof(*vdev->vqs), GFP_KERNEL);
	if (!vdev->vqs)
		return -ENOMEM;
	vdev->nr_vqs = nr_vqs;
	for (i = 0; i < nr_vqs; i++)
		hvisor_vq_init(&vdev->vqs[i], queue_size);
	spin_lock_init(&vdev->lock);
	vdev->status = 0;
	vdev->driver_features = 0;
	vdev->device_features_sel = 0;
	vdev->driver_features_sel = 0;
	vdev->queue_sel = 0;
	vdev->config_generation = 0;
	atomic_set(&vdev->isr, 0);
	vdev->reset_waiters = 0;
	vdev->reset_pending = false;
	INIT_WORK(&vdev->reset_work, hvisor_vdev_reset_work);
	vdev->dead = false;
	INIT_LIST_HEAD(&vdev->irq_node);
	return 0;
}

/**
 * hvisor_vdev_cleanup() - free what hvisor_vdev_init() allocated
 * @vdev: the device, reset (hvisor_vdev_reset_sync()) or never published
 *
 * Process context.
 */
void hvisor_vdev_cleanup(struct hvisor_vdev *vdev)
{
	unsigned long flags, waiters;

	cancel_work_sync(&vdev->reset_work);
	/* Nobody may be left spinning on a reset that will not run. */
	spin_lock_irqsave(&vdev->lock, flags);
	waiters = vdev->reset_waiters;
	vdev->reset_waiters = 0;
	spin_unlock_irqrestore(&vdev->lock, flags);
	hvisor_vdev_answer(waiters);
	kfree(vdev->vqs);
	vdev->vqs = NULL;
	vdev->nr_vqs = 0;
}
