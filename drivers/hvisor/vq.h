/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The split-virtqueue engine shared by every device type: the device side
 * of a virtio 1.x split ring living in guest RAM. Every value the guest
 * controls (indices, descriptors, lengths, addresses) is read once into a
 * local copy and validated before use; a ring that breaks the rules makes
 * the calls below fail with a negative errno and the device is then put in
 * DEVICE_NEEDS_RESET by its owner. No device parses rings itself.
 */
#ifndef _HVISOR_VQ_H
#define _HVISOR_VQ_H

#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uio.h>

struct hvisor_zone;

/* Largest queue we accept (virtio allows 32768 for split rings). */
#define HVISOR_VQ_MAX_SIZE	1024

/* Guest-side ring layout, little-endian (virtio 1.x, section 2.7). */
struct hvisor_vring_desc {
	__le64 addr;
	__le32 len;
	__le16 flags;
	__le16 next;
};

struct hvisor_vring_avail {
	__le16 flags;
	__le16 idx;
	__le16 ring[];
	/* __le16 used_event follows ring[num] with VIRTIO_RING_F_EVENT_IDX */
};

struct hvisor_vring_used_elem {
	__le32 id;
	__le32 len;
};

struct hvisor_vring_used {
	__le16 flags;
	__le16 idx;
	struct hvisor_vring_used_elem ring[];
	/* __le16 avail_event follows ring[num] with VIRTIO_RING_F_EVENT_IDX */
};

/**
 * struct hvisor_vq - device side of one split virtqueue
 * @num_max: QueueNumMax, fixed by the device
 * @num: QueueNum as written by the driver
 * @desc_gpa: QueueDesc as written by the driver
 * @avail_gpa: QueueDriver (avail ring) as written by the driver
 * @used_gpa: QueueDevice (used ring) as written by the driver
 * @ready: QueueReady; set by hvisor_vq_enable(), cleared by
 *	hvisor_vq_reset(). The register fields above are owned by the mmio
 *	layer and change only while !@ready, under the device's lock.
 * @desc: descriptor table in root's address space (valid while @ready)
 * @avail: avail ring (valid while @ready)
 * @used: used ring (valid while @ready)
 * @zone: guest RAM for buffer addresses (valid while @ready)
 * @event_idx: VIRTIO_RING_F_EVENT_IDX negotiated
 * @indirect: VIRTIO_RING_F_INDIRECT_DESC negotiated
 * @broken: the guest broke the ring rules; nothing more is done with it
 * @last_avail_idx: next avail entry to take: what was consumed. Chains
 *	given back with hvisor_vq_unpop() move it back.
 * @avail_idx: the guest's avail->idx when it was last read and checked
 *	(what was seen): entries [@last_avail_idx, @avail_idx) are
 *	available. Read anew only when everything seen was taken, and
 *	checked then: at most @num ahead of @last_avail_idx. @last_avail_idx
 *	and @avail_idx are owned by the queue's single consumer
 *	(hvisor_vq_pop() and the notify helpers are not reentrant for one
 *	queue: the device's per-queue worker calls them).
 * @used_lock: serialises producers of the used ring (completions may
 *	come from many I/O workers) and protects @used_idx,
 *	@signalled_used and @signalled_used_valid. Taken with interrupts
 *	disabled.
 * @used_idx: next used index to publish
 * @signalled_used: used index at the last interrupt we asked for
 * @signalled_used_valid: @signalled_used means something
 */
struct hvisor_vq {
	u32 num_max;
	u32 num;
	u64 desc_gpa;
	u64 avail_gpa;
	u64 used_gpa;
	bool ready;

	struct hvisor_vring_desc *desc;
	struct hvisor_vring_avail *avail;
	struct hvisor_vring_used *used;
	const struct hvisor_zone *zone;
	bool event_idx;
	bool indirect;
	bool broken;

	u16 last_avail_idx;
	u16 avail_idx;

	spinlock_t used_lock;	/* used ring producers */
	u16 used_idx;
	u16 signalled_used;
	bool signalled_used_valid;
};

/**
 * struct hvisor_vq_req - one descriptor chain taken from the avail ring
 * @head: head descriptor index, for hvisor_vq_push()
 * @nr_out: iov[0 .. nr_out) are driver->device (device reads them)
 * @nr_in: iov[nr_out .. nr_out + nr_in) are device->driver (device writes)
 * @out_len: total bytes of the readable part
 * @in_len: total bytes of the writable part
 * @iov: caller's array of @max_iov entries, filled by hvisor_vq_pop();
 *	a descriptor that spans two guest RAM regions takes two entries
 * @max_iov: room in @iov
 */
struct hvisor_vq_req {
	u16 head;
	u16 nr_out;
	u16 nr_in;
	u32 out_len;
	u32 in_len;
	struct kvec *iov;
	unsigned int max_iov;
};

/**
 * struct hvisor_vq_used - one used entry for hvisor_vq_push_batch()
 * @head: head descriptor index from hvisor_vq_pop()
 * @len: bytes the device wrote into the chain
 */
struct hvisor_vq_used {
	u16 head;
	u32 len;
};

void hvisor_vq_init(struct hvisor_vq *vq, u32 num_max);
int hvisor_vq_enable(struct hvisor_vq *vq, const struct hvisor_zone *zone,
		     bool event_idx, bool indirect);
void hvisor_vq_reset(struct hvisor_vq *vq);
int hvisor_vq_pop(struct hvisor_vq *vq, struct hvisor_vq_req *req);
void hvisor_vq_push(struct hvisor_vq *vq, u16 head, u32 len);
bool hvisor_vq_need_irq(struct hvisor_vq *vq);
void hvisor_vq_disable_notify(struct hvisor_vq *vq);
bool hvisor_vq_enable_notify(struct hvisor_vq *vq);
bool hvisor_vq_has_work(struct hvisor_vq *vq);
bool hvisor_vq_has_new(struct hvisor_vq *vq);
void hvisor_vq_unpop(struct hvisor_vq *vq, unsigned int n);
void hvisor_vq_push_batch(struct hvisor_vq *vq,
			  const struct hvisor_vq_used *elems, unsigned int n);

#endif /* _HVISOR_VQ_H */
