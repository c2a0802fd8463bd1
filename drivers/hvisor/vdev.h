/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtio device as its guest sees it: the virtio-mmio (version 2)
 * register file, feature negotiation, status and reset, interrupt status,
 * config space and its generation, and the virtqueues. Generic: a device
 * type supplies its id, features, queues, config space and callbacks
 * through struct hvisor_vdev_ops and never parses registers or rings.
 */
#ifndef _HVISOR_VDEV_H
#define _HVISOR_VDEV_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "vq.h"

struct hvisor_vdev;
struct hvisor_zone;

/* virtio-mmio magic "virt" and the vendor id hvisor-tool uses ("HVIS"). */
#define HVISOR_MMIO_MAGIC	0x74726976
#define HVISOR_MMIO_VENDOR_ID	0x48564953
#define HVISOR_MMIO_VERSION	2
/* Offset of the device-specific config space in a device's region. */
#define HVISOR_MMIO_CONFIG	0x100

/* Return value of hvisor_vdev_mmio_write(): the answer comes later. */
#define HVISOR_MMIO_DEFERRED	1

/**
 * struct hvisor_vdev_ops - what a device type supplies
 * @notify: QueueNotify for queue @qidx (already checked to exist and be
 *	ready). Any context, hard interrupt included: hand work off.
 * @driver_ok: the driver set DRIVER_OK. Any context. Optional.
 * @reset: the device is being reset (the driver wrote 0 to Status, the
 *	zone is reset, or the device is removed): stop using every queue,
 *	complete or drop every request in flight and return when nothing
 *	touches guest memory any more. Process context, may sleep.
 *	The queues are disabled by the core after it returns.
 * @config_write: the driver wrote @len bytes at @offset of the config
 *	space (already copied into vdev->config). Any context. Optional;
 *	without it, config writes are ignored.
 * @abort: the device is removed by force (HVISOR_VHOST_DEL_F_FORCE):
 *	answer every request in flight now with an error and, from now on,
 *	every new one at once, without waiting for the backing, which may
 *	hang. Work left stuck in the backing goes on in the background and
 *	touches no ring any more; @reset then does not wait for it, @drain
 *	does. May be called again, also concurrently. Process context; must
 *	not wait for the backing. Optional.
 * @drain: wait until no work of the device runs any more, the work
 *	@abort left stuck in the backing included. Called during removal
 *	after @reset, without locks. Process context; may sleep as long as
 *	the backing hangs. Optional.
 * @release: free the device; called once after the last reference is
 *	dropped, in process context.
 * @poll: do now, in the caller's context, the work a QueueNotify of queue
 *	@qidx handed to a worker (bounded; any context, interrupts disabled
 *	included). Only the simulator calls it (hvisor_vdev_poll()): its
 *	guest's vCPUs are root's CPUs, and a guest that waits for a buffer
 *	with interrupts disabled may hold the very CPU the worker needs.
 *	Same checks and the same guarantee towards @reset as @notify.
 *	Optional.
 */
struct hvisor_vdev_ops {
	void (*notify)(struct hvisor_vdev *vdev, unsigned int qidx);
	void (*driver_ok)(struct hvisor_vdev *vdev);
	void (*reset)(struct hvisor_vdev *vdev);
	void (*config_write)(struct hvisor_vdev *vdev, unsigned int offset,
			     unsigned int len);
	void (*abort)(struct hvisor_vdev *vdev);
	void (*drain)(struct hvisor_vdev *vdev);
	void (*release)(struct hvisor_vdev *vdev);
	void (*poll)(struct hvisor_vdev *vdev, unsigned int qidx);
};

/**
 * struct hvisor_vdev_stats - counters reported by HVISOR_VHOST_DEV_LIST
 * @requests: requests completed
 * @bytes_in: bytes the guest received
 * @bytes_out: bytes the guest sent
 * @errors: requests failed
 * @dropped: buffers dropped
 * @notifies: QueueNotify writes
 * @interrupts: interrupts raised
 * @in_flight: requests taken from a ring and not completed
 */
struct hvisor_vdev_stats {
	atomic64_t requests;
	atomic64_t bytes_in;
	atomic64_t bytes_out;
	atomic64_t errors;
	atomic64_t dropped;
	atomic64_t notifies;
	atomic64_t interrupts;
	atomic64_t in_flight;
};

/**
 * struct hvisor_vdev - one virtio-mmio device
 * @id: device id
 * @device_id: virtio device id (VIRTIO_ID_*)
 * @zone: the guest zone; a reference is held
 * @addr: guest-physical base of the 0x200-byte region
 * @irq: guest interrupt number
 * @flags: HVISOR_VHOST_DEV_F_* given at creation
 * @ops: device type callbacks
 * @device_features: features offered; fixed after creation
 * @config: device config space (little-endian, as the guest reads it);
 *	the device type owns the buffer, updates it under @lock and then
 *	calls hvisor_vdev_config_changed()
 * @config_len: bytes in @config
 * @nr_vqs: virtqueues in @vqs
 * @vqs: the virtqueues
 * @lock: protects the register state below and vqs[].{num,desc_gpa,
 *	avail_gpa,used_gpa,ready}. Taken from the bridge dispatcher in hard
 *	interrupt context, so always with interrupts disabled; never held
 *	while sleeping or calling into the device type's @reset.
 * @status: device status byte
 * @driver_features: features the driver wrote (valid after FEATURES_OK)
 * @device_features_sel: DeviceFeaturesSel
 * @driver_features_sel: DriverFeaturesSel
 * @queue_sel: QueueSel
 * @config_generation: ConfigGeneration
 * @isr: InterruptStatus bits (VIRTIO_MMIO_INT_VRING, VIRTIO_MMIO_INT_CONFIG);
 *	set by hvisor_vdev_interrupt(), cleared by the driver's
 *	InterruptACK. An interrupt is injected only when it goes from 0 to
 *	non-zero: the driver acknowledges before it looks at the rings, so
 *	anything published before the ack is seen without another interrupt.
 * @reset_waiters: src_cpu mask of vCPUs waiting for a deferred reset to
 *	finish (under @lock)
 * @reset_pending: a reset was requested and @reset_work has not finished
 *	it yet: Status reads 0, writes other than Status = 0 are ignored and
 *	no callback or interrupt starts (under @lock)
 * @reset_work: runs the deferred reset in process context
 * @dead: set once removal started: accesses are answered with zeros and
 *	no interrupt is raised any more
 * @irq_node: on the core's list of interrupts waiting for room in the
 *	result ring (core.c, under the bridge's res_lock); empty otherwise
 * @refs: control-plane references (registry.c): the registry's, from
 *	creation until the device leaves the list, and one per zone reset or
 *	removal request using it without hvisor_ctl_mutex. The last one
 *	frees the device.
 * @removing: its removal started (under hvisor_ctl_mutex); it stays listed,
 *	with HVISOR_VHOST_DEV_F_REMOVING, until reset and drained
 * @remove_force: the removal was forced (under hvisor_ctl_mutex)
 * @remove_work: runs a removal nobody waits for (forced, or all devices
 *	at detach)
 * @stats: counters
 * @priv: the device type's data
 */
struct hvisor_vdev {
	u32 id;
	u32 device_id;
	struct hvisor_zone *zone;
	u64 addr;
	u32 irq;
	u32 flags;
	const struct hvisor_vdev_ops *ops;
	u64 device_features;
	void *config;
	unsigned int config_len;
	unsigned int nr_vqs;
	struct hvisor_vq *vqs;

	spinlock_t lock;	/* register state, see above */
	u8 status;
	u64 driver_features;
	u32 device_features_sel;
	u32 driver_features_sel;
	u32 queue_sel;
	u32 config_generation;
	atomic_t isr;
	u32 reset_waiters;
	bool reset_pending;
	struct work_struct reset_work;
	bool dead;
	struct list_head irq_node;
	refcount_t refs;
	bool removing;
	bool remove_force;
	struct work_struct remove_work;

	struct hvisor_vdev_stats stats;
	void *priv;
};

int hvisor_vdev_init(struct hvisor_vdev *vdev, unsigned int nr_vqs,
		     u32 queue_size);
void hvisor_vdev_cleanup(struct hvisor_vdev *vdev);
u64 hvisor_vdev_mmio_read(struct hvisor_vdev *vdev, u64 offset, u32 size);
int hvisor_vdev_mmio_write(struct hvisor_vdev *vdev, u64 offset, u32 size,
			   u64 value, u32 src_cpu);
bool hvisor_vdev_has_feature(const struct hvisor_vdev *vdev,
			     unsigned int bit);
void hvisor_vdev_interrupt(struct hvisor_vdev *vdev, u32 isr_bits);
void hvisor_vdev_vq_interrupt(struct hvisor_vdev *vdev, struct hvisor_vq *vq);
void hvisor_vdev_config_changed(struct hvisor_vdev *vdev);
void hvisor_vdev_fail(struct hvisor_vdev *vdev, const char *why);
void hvisor_vdev_reset_sync(struct hvisor_vdev *vdev);
void hvisor_vdev_poll(struct hvisor_vdev *vdev, u32 qidx);

#endif /* _HVISOR_VDEV_H */
