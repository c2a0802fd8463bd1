// SPDX-License-Identifier: GPL-2.0
/*
 * The guest side of the simulator: a virtio transport speaking virtio-mmio
 * (version 2 only, as hvisor-tool's devices do) whose every register access
 * is a trapped access through the simulated hypervisor (sim_hv.c). Linux's
 * own virtio drivers bind to these devices and so are the frontends of
 * hvisor_vhost's backends.
 *
 * Guest-physical == root physical here: the vrings and buffers are plain
 * kernel memory given to the device by physical address, without the DMA
 * API (VIRTIO_F_ACCESS_PLATFORM is never negotiated).
 *
 * Guest interrupts are simulated by an irq_work per device, raised from
 * FINISH_REQ: it runs in hard interrupt context like a real interrupt
 * handler and does what virtio_mmio's handler does. A userspace device's
 * (debugfs user_dev) handler runs from a work item instead: its register
 * reads wait for the userspace backend, which must get a CPU meanwhile,
 * and an irq_work raised by the backend's own FINISH_REQ would interrupt
 * the very task that has to answer.
 */

#define pr_fmt(fmt) "hvisor_vhost_sim: " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/irq_work.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/rculist.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_console.h>
#include <linux/virtio_ring.h>
#include <linux/wait_bit.h>
#include <linux/workqueue.h>
#include <uapi/linux/virtio_mmio.h>
#include <hvisor/vhost_hv.h>
#include <hvisor/virtio_bridge.h>

#include "../compat.h"
#include "sim.h"

/* "virt", little-endian. */
#define SIM_MMIO_MAGIC		0x74726976
#define SIM_MMIO_VERSION	2
/* Alignment of the vring parts; any works for version 2. */
#define SIM_VRING_ALIGN		PAGE_SIZE
/* Largest split ring the virtio spec allows. */
#define SIM_MAX_QUEUE_SIZE	32768
/*
 * Ids of the transports of userspace devices (debugfs user_dev): above
 * every id hvisor_vhost gives its own devices.
 */
#define SIM_USER_ID_BASE	0x80000000U
/* Retries of a multi-access config read whose generation kept changing. */
#define SIM_CONFIG_RETRIES	16

static bool irq_level;
module_param(irq_level, bool, 0444);
MODULE_PARM_DESC(irq_level,
		 "guest interrupts stay asserted until root lowers them, as with LoongArch's newer hvisor: an injection while asserted is not delivered");

static unsigned int max_queue_size = 256;
module_param(max_queue_size, uint, 0444);
MODULE_PARM_DESC(max_queue_size,
		 "use at most this many entries per virtqueue (0: QueueNumMax)");

/**
 * struct sim_dev - a simulated guest's virtio-mmio device
 * @vdev: the virtio device Linux's drivers bind to
 * @node: entry in sim_devs; added and removed under sim_devs_mutex,
 *	walked under RCU by the interrupt lookup
 * @id: hvisor_vhost's device id
 * @zone: guest zone (SIM_ZONE)
 * @irq: guest interrupt number
 * @addr: guest-physical base of the register region
 * @irq_work: the device's interrupt line: raised by FINISH_REQ, handled
 *	in hard interrupt context
 * @irq_task: the same for a userspace device, handled in process context
 * @user: a userspace device's transport (its interrupt is @irq_task)
 * @vqs_lock: protects @vqs_live and the walk of vdev.vqs by the interrupt
 *	handler against find_vqs/del_vqs. Taken with interrupts disabled.
 * @asserted: bit 0: the line is up (irq_level only); set by an
 *	injection, cleared by root's irq_lowered; atomic bit operations
 * @vqs_live: the virtqueues exist; vring interrupts are delivered
 * @config_live: register_virtio_device() has set up vdev.config_lock;
 *	config interrupts are delivered
 * @irq_ns: latency breakdown: when the interrupt not yet handled was
 *	raised, 0 when none (cmpxchg from 0 when raised, xchg by the handler)
 */
struct sim_dev {
	struct virtio_device vdev;
	struct list_head node;
	u32 id;
	u32 zone;
	u32 irq;
	u64 addr;
	struct irq_work irq_work;
	struct work_struct irq_task;
	bool user;
	unsigned long asserted;
	spinlock_t vqs_lock;	/* vqs_live, vdev.vqs against the handler */
	bool vqs_live;
	bool config_live;
	atomic64_t irq_ns;
};

/* What find_vqs was asked for one queue (both find_vqs signatures). */
struct sim_vq_info {
	const char *name;
	vq_callback_t *callback;
	bool ctx;
};

/*
 * Serialises plugging and unplugging as a whole, so a device is never
 * unplugged while its registration (and driver probe) is still running.
 * hvisor_vhost's control mutex does that already; this keeps the transport
 * correct on its own. Taken before sim_devs_mutex.
 */
static DEFINE_MUTEX(sim_plug_mutex);
/* Serialises changes of sim_devs (readers use RCU). */
static DEFINE_MUTEX(sim_devs_mutex);
static LIST_HEAD(sim_devs);
/* Simulated devices not yet released; module unload waits for 0. */
static atomic_t sim_nr_devs = ATOMIC_INIT(0);
/* Parent of every simulated device (/sys/devices/hvisor_vhost_sim). */
static struct device *sim_root;

static struct sim_dev *to_sim_dev(struct virtio_device *vdev)
{
	return container_of(vdev, struct sim_dev, vdev);
}

static u64 sim_read(struct sim_dev *sd, u32 offset, u32 size)
{
	u64 value;

	sim_hv_access(sd->zone, sd->addr + offset, size, &value, false);
	return value;
}

static u32 sim_readl(struct sim_dev *sd, u32 offset)
{
	return sim_read(sd, offset, 4);
}

static bool sim_write(struct sim_dev *sd, u32 offset, u32 size, u64 value)
{
	return sim_hv_access(sd->zone, sd->addr + offset, size, &value, true);
}

static void sim_writel(struct sim_dev *sd, u32 offset, u32 value)
{
	sim_write(sd, offset, 4, value);
}

static u32 sim_generation(struct virtio_device *vdev)
{
	return sim_readl(to_sim_dev(vdev), VIRTIO_MMIO_CONFIG_GENERATION);
}

/* One config read of 1, 2 or 4 bytes into @buf (little-endian). */
static void sim_get_one(struct sim_dev *sd, unsigned int offset, u8 *buf,
			unsigned int len)
{
	u64 v = sim_read(sd, VIRTIO_MMIO_CONFIG + offset, len);
	__le16 w;
	__le32 l;

	switch (len) {
	case 1:
		buf[0] = v;
		break;
	case 2:
		w = cpu_to_le16(v);
		memcpy(buf, &w, sizeof(w));
		break;
	default:
		l = cpu_to_le32(v);
		memcpy(buf, &l, sizeof(l));
		break;
	}
}

/*
 * A field that takes several accesses (64-bit fields: two 32-bit ones, as
 * the virtio-mmio spec asks; odd lengths: bytes) is re-read until the
 * config generation is stable around it.
 */
static void sim_get(struct virtio_device *vdev, unsigned int offset,
		    void *buf, unsigned int len)
{
	struct sim_dev *sd = to_sim_dev(vdev);
	unsigned int i, tries = 0;
	u32 gen;
	u8 *p = buf;

	if (len == 1 || len == 2 || len == 4) {
		sim_get_one(sd, offset, p, len);
		return;
	}
	do {
		gen = sim_generation(vdev);
		if (len == 8) {
			sim_get_one(sd, offset, p, 4);
			sim_get_one(sd, offset + 4, p + 4, 4);
		} else {
			for (i = 0; i < len; i++)
				sim_get_one(sd, offset + i, p + i, 1);
		}
	} while (sim_generation(vdev) != gen && ++tries < SIM_CONFIG_RETRIES);
}

static void sim_set(struct virtio_device *vdev, unsigned int offset,
		    const void *buf, unsigned int len)
{
	struct sim_dev *sd = to_sim_dev(vdev);
	const u8 *p = buf;
	unsigned int i;
	__le16 w;
	__le32 l;

	offset += VIRTIO_MMIO_CONFIG;
	switch (len) {
	case 1:
		sim_write(sd, offset, 1, p[0]);
		break;
	case 2:
		memcpy(&w, p, sizeof(w));
		sim_write(sd, offset, 2, le16_to_cpu(w));
		break;
	case 4:
		memcpy(&l, p, sizeof(l));
		sim_write(sd, offset, 4, le32_to_cpu(l));
		break;
	case 8:
		memcpy(&l, p, sizeof(l));
		sim_write(sd, offset, 4, le32_to_cpu(l));
		memcpy(&l, p + 4, sizeof(l));
		sim_write(sd, offset + 4, 4, le32_to_cpu(l));
		break;
	default:
		for (i = 0; i < len; i++)
			sim_write(sd, offset + i, 1, p[i]);
		break;
	}
}

static u8 sim_get_status(struct virtio_device *vdev)
{
	return sim_readl(to_sim_dev(vdev), VIRTIO_MMIO_STATUS) & 0xff;
}

/*
 * register_virtio_device() initialises vdev.config_lock before it calls
 * reset or set_status for the first time: from then on a config interrupt
 * may call virtio_config_changed().
 */
static void sim_config_live(struct sim_dev *sd)
{
	if (!READ_ONCE(sd->config_live))
		WRITE_ONCE(sd->config_live, true);
}

static void sim_set_status(struct virtio_device *vdev, u8 status)
{
	struct sim_dev *sd = to_sim_dev(vdev);

	/* Resetting goes through sim_reset(). */
	WARN_ON(status == 0);
	sim_config_live(sd);
	sim_writel(sd, VIRTIO_MMIO_STATUS, status);
}

/* The transmitq of a console without MULTIPORT: its only port's output. */
#define SIM_CONSOLE_TXQ		1

/*
 * Linux's virtio_console (6.1 and 6.12, unchanged in mainline up to 6.17)
 * frees memory twice
 * when its device is removed while the guest writes to the console:
 *
 *   CPU A: hvc put_chars()              CPU B: virtcons_remove()
 *     data = kmemdup(buf)
 *     add data to the transmitq
 *     kick; spin until get_buf()
 *                                         virtio_break_device()
 *     get_buf() is NULL (broken vq),
 *     leave the loop, kfree(data):
 *     data stays in the queue
 *                                         virtio_reset_device()
 *                                         remove_vqs():
 *                                           detach_unused_buf() = data
 *                                           free_buf(data): use after free
 *
 * put_chars() gives up its buffer without detaching it, and remove_vqs()
 * takes every buffer still queued for a struct port_buffer (put_chars()'s
 * are plain copies of the text). Whatever the device does, the window
 * stays open: the break may land after the device returned the buffer and
 * before A's next get_buf(). The simulator unbinds the guest driver on
 * every removal, so it closes the window here: once the device is reset
 * (nothing reads the ring any more), a broken console's transmitq can
 * only hold buffers of put_chars() calls that gave up, which free their
 * copies themselves; they are detached without being freed.
 *
 * Without MULTIPORT the only port is a console port, which nobody can
 * open as /dev/vport* (port_fops_open() refuses console ports), so no
 * struct port_buffer is ever queued on that transmitq. A put_chars() still
 * running on another CPU after the break only reads vq->broken (get_buf()
 * and add return at once on a broken queue) and the queue's shadow index
 * in virtqueue_kick_prepare(), whose answer virtqueue_notify() ignores on a
 * broken queue.
 */
static void sim_console_drop_orphans(struct virtio_device *vdev)
{
	struct virtqueue *vq;
	unsigned int n = 0;

	/* Not virtio_has_feature(): there may be no driver (probe, remove). */
	if (vdev->id.device != VIRTIO_ID_CONSOLE ||
	    __virtio_test_bit(vdev, VIRTIO_CONSOLE_F_MULTIPORT))
		return;
	virtio_device_for_each_vq(vdev, vq) {
		if (vq->index != SIM_CONSOLE_TXQ || !virtqueue_is_broken(vq))
			continue;
		while (virtqueue_detach_unused_buf(vq))
			n++;
	}
	if (n)
		dev_info(&vdev->dev, "reset: %u transmit buffer(s) of virtio_console's put_chars() detached (Linux bug, see sim_transport.c)\n",
			 n);
}

/* The store of 0 is answered once the device has finished resetting. */
static void sim_reset(struct virtio_device *vdev)
{
	struct sim_dev *sd = to_sim_dev(vdev);

	sim_config_live(sd);
	sim_writel(sd, VIRTIO_MMIO_STATUS, 0);
	sim_console_drop_orphans(vdev);
}

static u64 sim_get_features(struct virtio_device *vdev)
{
	struct sim_dev *sd = to_sim_dev(vdev);
	u64 features;

	sim_writel(sd, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	features = sim_readl(sd, VIRTIO_MMIO_DEVICE_FEATURES);
	features <<= 32;
	sim_writel(sd, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	features |= sim_readl(sd, VIRTIO_MMIO_DEVICE_FEATURES);
	/*
	 * The simulated guest has no IOMMU and shares root's physical
	 * addresses; the DMA API would only add bounce buffers or uncached
	 * mappings that the backend does not expect.
	 */
	if (features & BIT_ULL(VIRTIO_F_ACCESS_PLATFORM))
		dev_info_once(&vdev->dev, "not negotiating ACCESS_PLATFORM: guest-physical is physical\n");
	return features & ~BIT_ULL(VIRTIO_F_ACCESS_PLATFORM);
}

static int sim_finalize_features(struct virtio_device *vdev)
{
	struct sim_dev *sd = to_sim_dev(vdev);

	vring_transport_features(vdev);
	if (!__virtio_test_bit(vdev, VIRTIO_F_VERSION_1)) {
		dev_err(&vdev->dev, "device does not offer VIRTIO_F_VERSION_1\n");
		return -EINVAL;
	}
	sim_writel(sd, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	sim_writel(sd, VIRTIO_MMIO_DRIVER_FEATURES, upper_32_bits(vdev->features));
	sim_writel(sd, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	sim_writel(sd, VIRTIO_MMIO_DRIVER_FEATURES, lower_32_bits(vdev->features));
	return 0;
}

/*
 * Whether the guest context may sleep; as the hypervisor side decides it
 * for a waiting access (sim_hv.c): reliable with CONFIG_PREEMPT_COUNT.
 */
static bool sim_vcpu_can_sleep(void)
{
	if (!IS_ENABLED(CONFIG_PREEMPT_COUNT))
		return false;
	return preemptible() && !rcu_preempt_depth();
}

/*
 * QueueNotify: posted, as in hvisor. A lost notify breaks the queue.
 *
 * Then a guest context that cannot sleep lends its CPU to the device: the
 * guest runs on root's CPUs here, and Linux's hvc console spins with
 * interrupts off until the device gives its buffer back (virtio_console's
 * put_chars()), while the worker that would give it back needs a CPU: not
 * this one, and maybe not the other either, which can be spinning on the
 * hvc lock this context holds. hvisor_vhost_sim_poll() does that worker's
 * job here, for device types that have such a job (the console's
 * transmitq); for the others it does nothing. hvisor's vCPUs are not
 * root's CPUs, so this has no counterpart there.
 */
static bool sim_notify(struct virtqueue *vq)
{
	struct sim_dev *sd = to_sim_dev(vq->vdev);

	if (!sim_write(sd, VIRTIO_MMIO_QUEUE_NOTIFY, 4, vq->index))
		return false;
	if (!sim_vcpu_can_sleep())
		hvisor_vhost_sim_poll(sd->zone, sd->addr, vq->index);
	return true;
}

/* Disable queue @index (selected already) and check the device agrees. */
static void sim_queue_off(struct sim_dev *sd, unsigned int index)
{
	sim_writel(sd, VIRTIO_MMIO_QUEUE_SEL, index);
	sim_writel(sd, VIRTIO_MMIO_QUEUE_READY, 0);
	if (sim_readl(sd, VIRTIO_MMIO_QUEUE_READY))
		dev_warn(&sd->vdev.dev, "queue %u still ready after disabling it\n",
			 index);
}

static void sim_del_vqs(struct virtio_device *vdev)
{
	struct sim_dev *sd = to_sim_dev(vdev);
	struct virtqueue *vq, *n;
	unsigned long flags;

	/* No vring interrupt looks at the queues after this. */
	spin_lock_irqsave(&sd->vqs_lock, flags);
	sd->vqs_live = false;
	spin_unlock_irqrestore(&sd->vqs_lock, flags);
	list_for_each_entry_safe(vq, n, &vdev->vqs, list) {
		sim_queue_off(sd, vq->index);
		vring_del_virtqueue(vq);
	}
}

static unsigned int sim_queue_size(struct sim_dev *sd)
{
	u32 num = sim_readl(sd, VIRTIO_MMIO_QUEUE_NUM_MAX);
	unsigned int cap = max_queue_size;

	if (!num)
		return 0;
	num = min_t(u32, num, SIM_MAX_QUEUE_SIZE);
	if (cap && num > cap)
		num = cap;
	/* Split rings are a power of two long. */
	return rounddown_pow_of_two(num);
}

static void sim_queue_addr(struct sim_dev *sd, u32 low, u64 addr)
{
	sim_writel(sd, low, lower_32_bits(addr));
	sim_writel(sd, low + 4, upper_32_bits(addr));
}

static struct virtqueue *sim_setup_vq(struct sim_dev *sd, unsigned int index,
				      const struct sim_vq_info *info)
{
	struct virtqueue *vq;
	unsigned int num;

	sim_writel(sd, VIRTIO_MMIO_QUEUE_SEL, index);
	if (sim_readl(sd, VIRTIO_MMIO_QUEUE_READY))
		return ERR_PTR(-ENOENT);
	num = sim_queue_size(sd);
	if (!num)
		return ERR_PTR(-ENOENT);
	vq = vring_create_virtqueue(index, num, SIM_VRING_ALIGN, &sd->vdev,
				    true, true, info->ctx, sim_notify,
				    info->callback, info->name);
	if (!vq) {
		sim_queue_off(sd, index);
		return ERR_PTR(-ENOMEM);
	}
	vq->num_max = num;
	sim_writel(sd, VIRTIO_MMIO_QUEUE_NUM, virtqueue_get_vring_size(vq));
	sim_queue_addr(sd, VIRTIO_MMIO_QUEUE_DESC_LOW,
		       virtqueue_get_desc_addr(vq));
	sim_queue_addr(sd, VIRTIO_MMIO_QUEUE_AVAIL_LOW,
		       virtqueue_get_avail_addr(vq));
	sim_queue_addr(sd, VIRTIO_MMIO_QUEUE_USED_LOW,
		       virtqueue_get_used_addr(vq));
	sim_writel(sd, VIRTIO_MMIO_QUEUE_READY, 1);
	/*
	 * A device that refuses the rings (not in its zone's RAM, say) keeps
	 * the queue off and needs a reset. virtio_mmio does not read back;
	 * here the guest is root itself, and a driver that went on would
	 * wait for the queue forever (virtio_net's control queue spins).
	 */
	if (!sim_readl(sd, VIRTIO_MMIO_QUEUE_READY)) {
		dev_err(&sd->vdev.dev, "device refused virtqueue %u\n", index);
		vring_del_virtqueue(vq);
		return ERR_PTR(-EIO);
	}
	return vq;
}

/* Queues without a name are not used; device queue indices skip them. */
static int sim_find_vqs_info(struct virtio_device *vdev, unsigned int nvqs,
			     struct virtqueue *vqs[],
			     const struct sim_vq_info *info)
{
	struct sim_dev *sd = to_sim_dev(vdev);
	unsigned int i, index = 0;
	unsigned long flags;

	for (i = 0; i < nvqs; i++) {
		if (!info[i].name) {
			vqs[i] = NULL;
			continue;
		}
		vqs[i] = sim_setup_vq(sd, index++, &info[i]);
		if (IS_ERR(vqs[i])) {
			int ret = PTR_ERR(vqs[i]);

			sim_del_vqs(vdev);
			return ret;
		}
	}
	spin_lock_irqsave(&sd->vqs_lock, flags);
	sd->vqs_live = true;
	spin_unlock_irqrestore(&sd->vqs_lock, flags);
	return 0;
}

#if HVISOR_HAVE_VIRTQUEUE_INFO
static int sim_find_vqs(struct virtio_device *vdev, unsigned int nvqs,
			struct virtqueue *vqs[],
			struct virtqueue_info vqs_info[],
			struct irq_affinity *desc)
{
	struct sim_vq_info *info;
	unsigned int i;
	int ret;

	info = kcalloc(nvqs, sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	for (i = 0; i < nvqs; i++) {
		info[i].name = vqs_info[i].name;
		info[i].callback = vqs_info[i].callback;
		info[i].ctx = vqs_info[i].ctx;
	}
	ret = sim_find_vqs_info(vdev, nvqs, vqs, info);
	kfree(info);
	return ret;
}
#else
static int sim_find_vqs(struct virtio_device *vdev, unsigned int nvqs,
			struct virtqueue *vqs[], vq_callback_t *callbacks[],
			const char * const names[], const bool *ctx,
			struct irq_affinity *desc)
{
	struct sim_vq_info *info;
	unsigned int i;
	int ret;

	info = kcalloc(nvqs, sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	for (i = 0; i < nvqs; i++) {
		info[i].name = names[i];
		info[i].callback = callbacks[i];
		info[i].ctx = ctx ? ctx[i] : false;
	}
	ret = sim_find_vqs_info(vdev, nvqs, vqs, info);
	kfree(info);
	return ret;
}
#endif

/* Wait for a running interrupt handler of the device. */
static void sim_synchronize_cbs(struct virtio_device *vdev)
{
	struct sim_dev *sd = to_sim_dev(vdev);

	irq_work_sync(&sd->irq_work);
	if (sd->user)
		flush_work(&sd->irq_task);
}

static const char *sim_bus_name(struct virtio_device *vdev)
{
	return "hvisor-sim";
}

static const struct virtio_config_ops sim_config_ops = {
	.get			= sim_get,
	.set			= sim_set,
	.generation		= sim_generation,
	.get_status		= sim_get_status,
	.set_status		= sim_set_status,
	.reset			= sim_reset,
	.find_vqs		= sim_find_vqs,
	.del_vqs		= sim_del_vqs,
	.synchronize_cbs	= sim_synchronize_cbs,
	.get_features		= sim_get_features,
	.finalize_features	= sim_finalize_features,
	.bus_name		= sim_bus_name,
};

/*
 * The device's interrupt handler, in hard interrupt context (irq_work; a
 * userspace device's in process context, a work item), as virtio_mmio's:
 * read and acknowledge InterruptStatus, then report a config change and
 * run the vring callbacks.
 */
static void sim_irq_handle(struct sim_dev *sd)
{
	struct virtqueue *vq;
	unsigned long flags;
	u32 status;

	status = sim_readl(sd, VIRTIO_MMIO_INTERRUPT_STATUS);
	if (status & ~(VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG)) {
		dev_warn_ratelimited(&sd->vdev.dev, "bad InterruptStatus 0x%x\n",
				     status);
		return;
	}
	if (!status)
		return;
	sim_writel(sd, VIRTIO_MMIO_INTERRUPT_ACK, status);
	if ((status & VIRTIO_MMIO_INT_CONFIG) && READ_ONCE(sd->config_live))
		virtio_config_changed(&sd->vdev);
	if (status & VIRTIO_MMIO_INT_VRING) {
		spin_lock_irqsave(&sd->vqs_lock, flags);
		if (sd->vqs_live)
			virtio_device_for_each_vq(&sd->vdev, vq)
				vring_interrupt(sd->irq, vq);
		spin_unlock_irqrestore(&sd->vqs_lock, flags);
	}
}

/*
 * The handler with the latency breakdown around it: how long the raised
 * interrupt waited for it, and how long it ran. The raise stamp is taken
 * even while the breakdown is off, so no stale one is left behind.
 */
static void sim_irq_run(struct sim_dev *sd)
{
	u64 raised = atomic64_xchg(&sd->irq_ns, 0);
	u64 start = sim_lat_start();

	if (raised)
		sim_lat_since(SIM_LAT_IRQ, raised, start);
	sim_irq_handle(sd);
	sim_lat_end(SIM_LAT_HANDLER, start);
}

static void sim_irq_handler(struct irq_work *work)
{
	sim_irq_run(container_of(work, struct sim_dev, irq_work));
}

/* A userspace device's interrupt; process context, see the top. */
static void sim_irq_task(struct work_struct *work)
{
	sim_irq_run(container_of(work, struct sim_dev, irq_task));
}

/* Raise @sd's interrupt line; see sim_transport_irq(). */
static void sim_irq_raise(struct sim_dev *sd)
{
	u64 now = sim_lat_start();

	if (now)
		atomic64_cmpxchg(&sd->irq_ns, 0, now);
	if (sd->user)
		queue_work(system_highpri_wq, &sd->irq_task);
	else
		irq_work_queue(&sd->irq_work);
}

/**
 * sim_transport_irq() - raise a guest interrupt
 * @zone: target zone of the result ring entry
 * @irq: its interrupt number
 *
 * Any context (FINISH_REQ); the handler runs later from the irq_work.
 *
 * Return: true when a simulated device has that interrupt.
 */
bool sim_transport_irq(u32 zone, u32 irq)
{
	struct sim_dev *sd;
	bool found = false;

	rcu_read_lock();
	list_for_each_entry_rcu(sd, &sim_devs, node) {
		if (sd->zone == zone && sd->irq == irq) {
			if (READ_ONCE(irq_level) &&
			    test_and_set_bit(0, &sd->asserted))
				sim_hv_count_irq_held();
			else
				sim_irq_raise(sd);
			found = true;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

/**
 * sim_transport_irq_lower() - root lowers a guest interrupt line
 * @zone: zone of the device
 * @irq: its interrupt number
 *
 * Only irq_level keeps lines up; otherwise nothing changes. Any context;
 * called under hvisor_vhost's device lock, so it calls nothing back.
 */
void sim_transport_irq_lower(u32 zone, u32 irq)
{
	struct sim_dev *sd;

	sim_hv_count_irq_lowered();
	rcu_read_lock();
	list_for_each_entry_rcu(sd, &sim_devs, node) {
		if (sd->zone == zone && sd->irq == irq) {
			clear_bit(0, &sd->asserted);
			break;
		}
	}
	rcu_read_unlock();
}

static void sim_dev_release(struct device *dev)
{
	struct virtio_device *vdev = dev_to_virtio(dev);

	kfree(to_sim_dev(vdev));
	if (atomic_dec_and_test(&sim_nr_devs))
		wake_up_var(&sim_nr_devs);
}

/* Check the registers identify a modern virtio-mmio device. */
static int sim_identify(struct sim_dev *sd)
{
	u32 magic = sim_readl(sd, VIRTIO_MMIO_MAGIC_VALUE);
	u32 version = sim_readl(sd, VIRTIO_MMIO_VERSION);

	if (magic != SIM_MMIO_MAGIC) {
		pr_err("device %u at 0x%llx: bad magic 0x%08x\n", sd->id,
		       sd->addr, magic);
		return -ENODEV;
	}
	if (version != SIM_MMIO_VERSION) {
		pr_err("device %u at 0x%llx: version %u, only 2 is supported\n",
		       sd->id, sd->addr, version);
		return -ENODEV;
	}
	sd->vdev.id.device = sim_readl(sd, VIRTIO_MMIO_DEVICE_ID);
	if (!sd->vdev.id.device)
		return -ENODEV;
	sd->vdev.id.vendor = sim_readl(sd, VIRTIO_MMIO_VENDOR_ID);
	return 0;
}

/* Take @sd off the interrupt path and wait until its handler is idle. */
static void sim_unlist(struct sim_dev *sd)
{
	mutex_lock(&sim_devs_mutex);
	list_del_rcu(&sd->node);
	mutex_unlock(&sim_devs_mutex);
	/* No FINISH_REQ still sees @sd after this... */
	synchronize_rcu();
	/* ...and no interrupt it raised is pending or running. */
	irq_work_sync(&sd->irq_work);
	if (sd->user)
		cancel_work_sync(&sd->irq_task);
}

static int sim_plug(const struct hvisor_vhost_hv_dev *dev)
{
	struct sim_dev *sd;
	int ret;

	if (!sim_zone_running(dev->zone_id)) {
		pr_info("device %u: zone %u does not run, its guest finds the device when it starts\n",
			dev->id, dev->zone_id);
		return 0;
	}
	sd = kzalloc(sizeof(*sd), GFP_KERNEL);
	if (!sd)
		return -ENOMEM;
	sd->id = dev->id;
	sd->zone = dev->zone_id;
	sd->irq = dev->irq;
	sd->addr = dev->addr;
	init_irq_work(&sd->irq_work, sim_irq_handler);
	INIT_WORK(&sd->irq_task, sim_irq_task);
	sd->user = dev->id >= SIM_USER_ID_BASE;
	spin_lock_init(&sd->vqs_lock);
	ret = sim_identify(sd);
	if (ret) {
		kfree(sd);
		return ret;
	}
	sd->vdev.dev.parent = sim_root;
	sd->vdev.dev.release = sim_dev_release;
	sd->vdev.config = &sim_config_ops;
	atomic_inc(&sim_nr_devs);
	mutex_lock(&sim_devs_mutex);
	list_add_tail_rcu(&sd->node, &sim_devs);
	mutex_unlock(&sim_devs_mutex);
	ret = register_virtio_device(&sd->vdev);
	if (ret) {
		sim_unlist(sd);
		put_device(&sd->vdev.dev);
		return ret;
	}
	return 0;
}

/**
 * sim_transport_add() - plug the guest side of a new device in
 * @dev: the device, already answering at dev->addr
 *
 * Process context (hvisor_vhost's device_added). The guest driver's probe
 * runs from here if its module is loaded.
 *
 * Return: 0 or a negative errno.
 */
int sim_transport_add(const struct hvisor_vhost_hv_dev *dev)
{
	int ret;

	mutex_lock(&sim_plug_mutex);
	ret = sim_plug(dev);
	mutex_unlock(&sim_plug_mutex);
	return ret;
}

static struct sim_dev *sim_find(u32 id)
{
	struct sim_dev *sd;

	lockdep_assert_held(&sim_devs_mutex);
	list_for_each_entry(sd, &sim_devs, node)
		if (sd->id == id)
			return sd;
	return NULL;
}

/**
 * sim_transport_remove() - unplug the guest side of a device
 * @dev: the device; it keeps answering during this call
 * @force: the user asked not to wait for the guest; see below why the
 *	simulated guest is unbound normally all the same
 *
 * Process context (hvisor_vhost's device_removing). Returns once the guest
 * driver let go of the device and no guest interrupt of it can run.
 */
void sim_transport_remove(const struct hvisor_vhost_hv_dev *dev, bool force)
{
	struct sim_dev *sd;

	mutex_lock(&sim_plug_mutex);
	mutex_lock(&sim_devs_mutex);
	sd = sim_find(dev->id);
	mutex_unlock(&sim_devs_mutex);
	if (sd) {
		/*
		 * @force is not acted on: breaking the device first, as a
		 * surprise removal would, makes the virtio_blk of Linux 6.1 and
		 * 6.12 wait forever in del_gendisk() for requests in flight
		 * (a broken virtqueue completes nothing), with hvisor_vhost's
		 * control mutex held. The device answers until we return, so
		 * the driver is unbound the normal way.
		 */
		if (force)
			dev_dbg(&sd->vdev.dev, "forced removal: unbinding normally\n");
		get_device(&sd->vdev.dev);
		/* The driver's remove still talks to the device: irq too. */
		unregister_virtio_device(&sd->vdev);
		sim_unlist(sd);
		put_device(&sd->vdev.dev);
	}
	mutex_unlock(&sim_plug_mutex);
}

/* ------------------------------------------------------------------ */
/* Transports of userspace devices (debugfs "user_dev").               */

/* Longest command written to user_dev. */
#define SIM_USER_CMD_LEN	80

/* Next id of a userspace device's transport; under sim_plug_mutex. */
static u32 sim_user_next_id = SIM_USER_ID_BASE;
static struct dentry *sim_user_file;

/* The transport at @zone/@addr, or NULL. Under sim_devs_mutex. */
static struct sim_dev *sim_find_addr(u32 zone, u64 addr)
{
	struct sim_dev *sd;

	lockdep_assert_held(&sim_devs_mutex);
	list_for_each_entry(sd, &sim_devs, node)
		if (sd->zone == zone && sd->addr == addr)
			return sd;
	return NULL;
}

/*
 * Plug a virtio-mmio transport at @addr whose registers no in-kernel
 * device serves: hvisor_vhost forwards every access to the userspace
 * backend attached to /dev/hvisor, which must answer as the device.
 */
static int sim_user_add(u32 zone, u64 addr, u32 irq)
{
	struct hvisor_vhost_hv_dev dev = {
		.zone_id = zone,
		.addr = addr,
		.irq = irq,
	};
	bool taken;
	int ret;

	if (addr & (HVISOR_VIRTIO_REGION_SIZE - 1))
		return -EINVAL;
	if (!sim_zone_running(zone))
		return -ENODEV;
	mutex_lock(&sim_plug_mutex);
	mutex_lock(&sim_devs_mutex);
	taken = sim_find_addr(zone, addr);
	mutex_unlock(&sim_devs_mutex);
	if (taken) {
		ret = -EEXIST;
	} else {
		dev.id = sim_user_next_id++;
		ret = sim_plug(&dev);
	}
	mutex_unlock(&sim_plug_mutex);
	if (!ret)
		pr_info("zone %u: userspace device's transport at 0x%llx, interrupt %u\n",
			zone, addr, irq);
	return ret;
}

/* Unplug the transport of a userspace device at @zone/@addr. */
static int sim_user_del(u32 zone, u64 addr)
{
	struct hvisor_vhost_hv_dev dev = { .zone_id = zone, .addr = addr };
	struct sim_dev *sd;

	mutex_lock(&sim_devs_mutex);
	sd = sim_find_addr(zone, addr);
	if (sd && sd->id >= SIM_USER_ID_BASE)
		dev.id = sd->id;
	mutex_unlock(&sim_devs_mutex);
	if (!dev.id)
		return -ENOENT;
	/* Finds nothing if a concurrent del took it first. */
	sim_transport_remove(&dev, false);
	return 0;
}

/* "add ADDR IRQ [ZONE]" or "del ADDR [ZONE]", numbers in any C base. */
static int sim_user_cmd(char *cmd)
{
	char *verb, *a, *b, *c;
	u32 irq = 0, zone = SIM_ZONE;
	u64 addr;

	cmd = strim(cmd);
	verb = strsep(&cmd, " ");
	a = strsep(&cmd, " ");
	b = strsep(&cmd, " ");
	c = strsep(&cmd, " ");
	if (!a || kstrtou64(a, 0, &addr) || cmd)
		return -EINVAL;
	if (!strcmp(verb, "add")) {
		if (!b || kstrtou32(b, 0, &irq) ||
		    (c && kstrtou32(c, 0, &zone)))
			return -EINVAL;
		return sim_user_add(zone, addr, irq);
	}
	if (!strcmp(verb, "del")) {
		if (c || (b && kstrtou32(b, 0, &zone)))
			return -EINVAL;
		return sim_user_del(zone, addr);
	}
	return -EINVAL;
}

static ssize_t sim_user_write(struct file *file, const char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	char buf[SIM_USER_CMD_LEN];
	int ret;

	if (!len || len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	ret = sim_user_cmd(buf);
	return ret ? ret : len;
}

static const struct file_operations sim_user_fops = {
	.owner = THIS_MODULE,
	.write = sim_user_write,
	.llseek = noop_llseek,
};

/**
 * sim_transport_user_exit() - unplug every userspace device's transport
 *
 * Module unload (or a failed load), before the core detaches: the
 * drivers' remove still talks to the devices (the backend answers, or the
 * core answers 0). Callable twice.
 */
void sim_transport_user_exit(void)
{
	struct hvisor_vhost_hv_dev dev = { };
	struct sim_dev *sd;

	debugfs_remove(sim_user_file);
	sim_user_file = NULL;
	for (;;) {
		dev.id = 0;
		mutex_lock(&sim_devs_mutex);
		list_for_each_entry(sd, &sim_devs, node)
			if (sd->id >= SIM_USER_ID_BASE)
				dev.id = sd->id;
		mutex_unlock(&sim_devs_mutex);
		if (!dev.id)
			break;
		sim_transport_remove(&dev, false);
	}
}

/**
 * sim_transport_init() - register the parent of the simulated devices
 *
 * Return: 0 or a negative errno.
 */
int sim_transport_init(void)
{
	sim_root = root_device_register("hvisor_vhost_sim");
	if (IS_ERR(sim_root))
		return PTR_ERR(sim_root);
	sim_user_file = debugfs_create_file("user_dev", 0200, sim_hv_debugfs(),
					    NULL, &sim_user_fops);
	return 0;
}

/**
 * sim_transport_exit() - wait for every device to be released and
 *	unregister the parent; every device was removed already
 */
void sim_transport_exit(void)
{
	wait_var_event(&sim_nr_devs, !atomic_read(&sim_nr_devs));
	root_device_unregister(sim_root);
}
