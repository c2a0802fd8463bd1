// SPDX-License-Identifier: GPL-2.0
/*
 * The device side of a virtio 1.x split virtqueue living in guest RAM.
 *
 * The guest may rewrite its rings at any time, from any vCPU, while we read
 * them. So every value it controls is read exactly once (READ_ONCE) into a
 * local, converted from little endian and only then checked and used; no
 * loop runs more often than a bound we choose (the queue size, the size of
 * an indirect table, the number of RAM regions); and every address goes
 * through the zone's translation, which never yields anything outside the
 * guest's RAM. A ring breaking the rules marks the queue broken: the owner
 * then puts the device in DEVICE_NEEDS_RESET.
 *
 * Two indices, as vhost keeps them: last_avail_idx is what we consumed,
 * avail_idx what we last read (and checked) of the guest's avail->idx.
 * The guest's index is read again only when everything seen was taken,
 * and whether there is new work is a comparison with what was seen, never
 * with what was consumed: chains given back because they were not enough
 * are not new work.
 *
 * Concurrency: one consumer per queue (the device's worker) calls
 * hvisor_vq_pop(), hvisor_vq_unpop(), hvisor_vq_has_work(),
 * hvisor_vq_has_new() and the notify helpers; any number
 * of producers complete requests through hvisor_vq_push() and ask
 * hvisor_vq_need_irq(), serialised by used_lock.
 */

#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/overflow.h>
#include <linux/spinlock.h>
#include <asm/barrier.h>
#include <uapi/linux/virtio_ring.h>

#include "vq.h"
#include "zone.h"

/* Ring alignments of virtio 1.x, section 2.7. */
#define HVISOR_VQ_DESC_ALIGN	16
#define HVISOR_VQ_AVAIL_ALIGN	2
#define HVISOR_VQ_USED_ALIGN	4

/* A descriptor as read from the guest, in CPU byte order. */
struct hvisor_vq_desc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};

/* State of one chain walk in hvisor_vq_pop(). */
struct hvisor_vq_walk {
	struct hvisor_vq_req *req;
	unsigned int nr_iov;	/* segments needed, may exceed req->max_iov */
	unsigned int nr_out;	/* of which readable */
	bool in;		/* a writable descriptor was seen */
};

static size_t hvisor_vq_desc_size(u32 num)
{
	return sizeof(struct hvisor_vring_desc) * num;
}

/* flags, idx, ring[num] and used_event. */
static size_t hvisor_vq_avail_size(u32 num)
{
	return sizeof(struct hvisor_vring_avail) + sizeof(__le16) * (num + 1);
}

/* flags, idx, ring[num] and avail_event. */
static size_t hvisor_vq_used_size(u32 num)
{
	return sizeof(struct hvisor_vring_used) +
	       sizeof(struct hvisor_vring_used_elem) * num + sizeof(__le16);
}

/* The driver's used_event, after avail->ring[num] (EVENT_IDX). */
static __le16 *hvisor_vq_used_event(const struct hvisor_vq *vq)
{
	return &vq->avail->ring[vq->num];
}

/* Our avail_event, after used->ring[num] (EVENT_IDX). */
static __le16 *hvisor_vq_avail_event(const struct hvisor_vq *vq)
{
	return (__le16 *)&vq->used->ring[vq->num];
}

/* Whether the consumer may use the ring pointers. */
static bool hvisor_vq_ready(const struct hvisor_vq *vq)
{
	/* Pairs with the release in hvisor_vq_enable(): pointers, then ready. */
	return smp_load_acquire(&vq->ready);
}

/**
 * hvisor_vq_init() - initialise a queue once, when its device is created
 * @vq: the queue
 * @num_max: QueueNumMax; values above %HVISOR_VQ_MAX_SIZE are lowered to it
 *
 * The queue starts disabled with every register at its reset value.
 */
void hvisor_vq_init(struct hvisor_vq *vq, u32 num_max)
{
	memset(vq, 0, sizeof(*vq));
	vq->num_max = min_t(u32, num_max, HVISOR_VQ_MAX_SIZE);
	spin_lock_init(&vq->used_lock);
}

/**
 * hvisor_vq_reset() - disable a queue and reset its registers
 * @vq: the queue
 *
 * Forgets the rings, clears the indices and the broken state, and puts
 * QueueNum and the ring addresses back to 0. QueueNumMax is kept.
 * hvisor_vq_push() and hvisor_vq_need_irq() may run concurrently (they
 * then do nothing); the consumer must be stopped first.
 *
 * Context: any.
 */
void hvisor_vq_reset(struct hvisor_vq *vq)
{
	unsigned long flags;

	spin_lock_irqsave(&vq->used_lock, flags);
	WRITE_ONCE(vq->ready, false);
	vq->used = NULL;
	vq->used_idx = 0;
	vq->signalled_used = 0;
	vq->signalled_used_valid = false;
	spin_unlock_irqrestore(&vq->used_lock, flags);

	vq->desc = NULL;
	vq->avail = NULL;
	vq->zone = NULL;
	vq->event_idx = false;
	vq->indirect = false;
	vq->broken = false;
	vq->last_avail_idx = 0;
	vq->avail_idx = 0;
	vq->num = 0;
	vq->desc_gpa = 0;
	vq->avail_gpa = 0;
	vq->used_gpa = 0;
}

/**
 * hvisor_vq_enable() - QueueReady = 1: check the rings and start the queue
 * @vq: the queue, not ready; @vq->num and the three ring addresses hold
 *	what the driver wrote
 * @zone: guest RAM of the queue's zone; must outlive the queue's use
 * @event_idx: VIRTIO_RING_F_EVENT_IDX was negotiated
 * @indirect: VIRTIO_RING_F_INDIRECT_DESC was negotiated
 *
 * QueueNum must be a power of two between 1 and QueueNumMax; the
 * descriptor table must be 16-byte aligned, the avail ring 2-byte aligned
 * and the used ring 4-byte aligned; and each of the three areas, with the
 * event index trailers, must lie inside one region of guest RAM.
 *
 * Context: any (does not sleep); the caller holds the device's lock.
 * Return: 0, or -EINVAL when a rule is broken (the queue stays disabled).
 */
int hvisor_vq_enable(struct hvisor_vq *vq, const struct hvisor_zone *zone,
		     bool event_idx, bool indirect)
{
	struct hvisor_vring_desc *desc;
	struct hvisor_vring_avail *avail;
	struct hvisor_vring_used *used;
	unsigned long flags;
	u32 num = vq->num;

	if (vq->ready || !num || num > vq->num_max ||
	    num > HVISOR_VQ_MAX_SIZE || !is_power_of_2(num))
		return -EINVAL;
	if (!IS_ALIGNED(vq->desc_gpa, HVISOR_VQ_DESC_ALIGN) ||
	    !IS_ALIGNED(vq->avail_gpa, HVISOR_VQ_AVAIL_ALIGN) ||
	    !IS_ALIGNED(vq->used_gpa, HVISOR_VQ_USED_ALIGN))
		return -EINVAL;
	desc = hvisor_zone_map_range(zone, vq->desc_gpa,
				     hvisor_vq_desc_size(num));
	avail = hvisor_zone_map_range(zone, vq->avail_gpa,
				      hvisor_vq_avail_size(num));
	used = hvisor_zone_map_range(zone, vq->used_gpa,
				     hvisor_vq_used_size(num));
	if (!desc || !avail || !used)
		return -EINVAL;

	vq->desc = desc;
	vq->avail = avail;
	vq->zone = zone;
	vq->event_idx = event_idx;
	vq->indirect = indirect;
	vq->broken = false;
	vq->last_avail_idx = 0;
	vq->avail_idx = 0;
	/* The device owns used->flags: start with notifications enabled. */
	WRITE_ONCE(used->flags, cpu_to_le16(0));

	spin_lock_irqsave(&vq->used_lock, flags);
	vq->used = used;
	vq->used_idx = 0;
	vq->signalled_used = 0;
	vq->signalled_used_valid = false;
	/*
	 * Orders every field above before ready: a consumer that sees the
	 * queue ready (hvisor_vq_ready()) sees valid rings.
	 */
	smp_store_release(&vq->ready, true);
	spin_unlock_irqrestore(&vq->used_lock, flags);
	return 0;
}

/* Copy one descriptor out of guest memory, each field read exactly once. */
static void hvisor_vq_read_desc(const struct hvisor_vring_desc *gd,
				struct hvisor_vq_desc *d)
{
	d->addr = le64_to_cpu(READ_ONCE(gd->addr));
	d->len = le32_to_cpu(READ_ONCE(gd->len));
	d->flags = le16_to_cpu(READ_ONCE(gd->flags));
	d->next = le16_to_cpu(READ_ONCE(gd->next));
}

/*
 * Translate the buffer of @d into kvecs (as many as fit in req->iov; the
 * rest are only counted) and account its length.
 */
static int hvisor_vq_add_buf(const struct hvisor_vq *vq,
			     struct hvisor_vq_walk *w,
			     const struct hvisor_vq_desc *d)
{
	struct hvisor_vq_req *req = w->req;
	bool write = d->flags & VRING_DESC_F_WRITE;
	u32 *total = write ? &req->in_len : &req->out_len;
	u64 addr = d->addr, left = d->len;
	void *kva;
	size_t n;

	if (!write && w->in)
		return -EINVAL;		/* readable after writable */
	w->in |= write;
	if (check_add_overflow(*total, d->len, total))
		return -EOVERFLOW;
	if (addr + left < addr)
		return -EFAULT;

	/*
	 * Each round ends a region or the buffer; regions do not overlap, so
	 * this runs at most HVISOR_ZONE_MAX_REGIONS times.
	 */
	while (left) {
		n = hvisor_zone_translate(vq->zone, addr, left, &kva);
		if (!n)
			return -EFAULT;	/* not guest RAM */
		if (w->nr_iov < req->max_iov) {
			req->iov[w->nr_iov].iov_base = kva;
			req->iov[w->nr_iov].iov_len = n;
		}
		w->nr_iov++;
		if (!write)
			w->nr_out++;
		addr += n;
		left -= n;
	}
	return 0;
}

/*
 * The table an indirect descriptor @d points to, or NULL when it breaks a
 * rule. @nested: @d was itself found in an indirect table.
 */
static const struct hvisor_vring_desc *
hvisor_vq_indirect_table(const struct hvisor_vq *vq,
			 const struct hvisor_vq_desc *d, bool nested,
			 unsigned int *size)
{
	if (!vq->indirect || nested || (d->flags & VRING_DESC_F_NEXT))
		return NULL;
	if (!d->len || d->len % sizeof(struct hvisor_vring_desc) ||
	    d->len / sizeof(struct hvisor_vring_desc) > HVISOR_VQ_MAX_SIZE)
		return NULL;
	*size = d->len / sizeof(struct hvisor_vring_desc);
	/*
	 * virtio sets no alignment for indirect tables; READ_ONCE() of a
	 * misaligned field is fine on the normal memory guest RAM is.
	 */
	return hvisor_zone_map_range(vq->zone, d->addr, d->len);
}

/*
 * Walk the chain starting at @head (< num) and fill @req. Bounded: at most
 * num descriptors of the main table and the size of one indirect table.
 */
static int hvisor_vq_walk(const struct hvisor_vq *vq, u16 head,
			  struct hvisor_vq_req *req)
{
	const struct hvisor_vring_desc *table = vq->desc;
	struct hvisor_vq_walk w = { .req = req };
	unsigned int size = vq->num, seen = 0;
	bool in_indirect = false;
	struct hvisor_vq_desc d;
	unsigned int i = head;
	int ret;

	req->out_len = 0;
	req->in_len = 0;
	req->nr_out = 0;
	req->nr_in = 0;
	for (;;) {
		if (++seen > size)
			return -ELOOP;	/* more descriptors than the table */
		hvisor_vq_read_desc(&table[i], &d);
		if (d.flags & VRING_DESC_F_INDIRECT) {
			table = hvisor_vq_indirect_table(vq, &d, in_indirect,
							 &size);
			if (!table)
				return -EINVAL;
			in_indirect = true;
			seen = 0;
			i = 0;
			continue;
		}
		ret = hvisor_vq_add_buf(vq, &w, &d);
		if (ret)
			return ret;
		if (!(d.flags & VRING_DESC_F_NEXT))
			break;
		if (d.next >= size)
			return -EINVAL;
		i = d.next;
	}

	if (w.nr_iov > req->max_iov || w.nr_iov > U16_MAX)
		return -EMSGSIZE;
	req->nr_out = w.nr_out;
	req->nr_in = w.nr_iov - w.nr_out;
	return 0;
}

/*
 * Whether a chain is there to take. Chains seen before and not taken yet
 * (or given back) are; otherwise avail->idx is read again and, when it
 * moved, checked once and kept in avail_idx.
 *
 * Return: 1 when a chain is there, 0 when not, -EINVAL when the guest put
 * its index more than the ring size ahead of what we took, or behind it.
 */
static int hvisor_vq_fetch_avail(struct hvisor_vq *vq)
{
	u16 idx;

	if (vq->avail_idx != vq->last_avail_idx)
		return 1;
	idx = le16_to_cpu(READ_ONCE(vq->avail->idx));
	if (idx == vq->avail_idx)
		return 0;
	if ((u16)(idx - vq->last_avail_idx) > vq->num)
		return -EINVAL;	/* more buffers than the ring holds */
	vq->avail_idx = idx;
	/*
	 * Orders the read of avail->idx before the reads of the ring entries
	 * and of the descriptors it publishes; pairs with the driver's write
	 * barrier between writing those and raising avail->idx.
	 */
	virt_rmb();
	return 1;
}

/**
 * hvisor_vq_pop() - take the next descriptor chain from the avail ring
 * @vq: the queue
 * @req: where to put the chain; @req->iov and @req->max_iov set by the
 *	caller
 *
 * On success @req->iov[0, nr_out) are the buffers the device reads and
 * the next nr_in entries those it writes, with their total lengths in
 * out_len and in_len. A chain that is well formed but needs more than
 * @req->max_iov entries is consumed all the same and -EMSGSIZE returned
 * with @req->head set (nr_out and nr_in are then 0): the device completes
 * it with an error and the queue stays usable.
 *
 * Context: any; the queue's single consumer.
 * Return: 1 with a chain in @req, 0 when the ring is empty or the queue is
 * not ready, -EMSGSIZE as above, -EIO when the queue is already broken, or,
 * when the guest broke the ring rules just now (the queue is then broken):
 * -EINVAL for a bad index, flag combination or indirect table, -ELOOP for
 * a chain longer than its table, -EFAULT for a buffer not entirely in guest
 * RAM, -EOVERFLOW for a chain longer than 4 GiB - 1 in one direction.
 */
int hvisor_vq_pop(struct hvisor_vq *vq, struct hvisor_vq_req *req)
{
	u16 head;
	int ret;

	if (vq->broken)
		return -EIO;
	if (!hvisor_vq_ready(vq))
		return 0;
	ret = hvisor_vq_fetch_avail(vq);
	if (ret < 0)
		goto broken;
	if (!ret)
		return 0;
	head = le16_to_cpu(READ_ONCE(vq->avail->ring[vq->last_avail_idx &
						     (vq->num - 1)]));
	if (head >= vq->num) {
		ret = -EINVAL;
		goto broken;
	}
	ret = hvisor_vq_walk(vq, head, req);
	if (ret && ret != -EMSGSIZE)
		goto broken;
	req->head = head;
	vq->last_avail_idx++;
	return ret ? ret : 1;

broken:
	vq->broken = true;
	return ret;
}

/**
 * hvisor_vq_push() - return a chain to the driver through the used ring
 * @vq: the queue
 * @head: the chain's head, from hvisor_vq_pop()
 * @len: bytes the device wrote into the chain's writable buffers
 *
 * Does nothing when the queue was reset in the meantime. Whether the
 * driver wants an interrupt is hvisor_vq_need_irq()'s business.
 *
 * Context: any; takes used_lock with interrupts disabled.
 */
void hvisor_vq_push(struct hvisor_vq *vq, u16 head, u32 len)
{
	struct hvisor_vring_used_elem *elem;
	unsigned long flags;

	spin_lock_irqsave(&vq->used_lock, flags);
	if (vq->ready) {
		elem = &vq->used->ring[vq->used_idx & (vq->num - 1)];
		WRITE_ONCE(elem->id, cpu_to_le32(head));
		WRITE_ONCE(elem->len, cpu_to_le32(len));
		/*
		 * Orders the used entry before the used->idx that publishes
		 * it; pairs with the driver's read barrier after reading
		 * used->idx.
		 */
		virt_wmb();
		vq->used_idx++;
		WRITE_ONCE(vq->used->idx, cpu_to_le16(vq->used_idx));
	}
	spin_unlock_irqrestore(&vq->used_lock, flags);
}

/**
 * hvisor_vq_need_irq() - whether the driver wants an interrupt now
 * @vq: the queue, after one or more hvisor_vq_push()
 *
 * With VIRTIO_RING_F_EVENT_IDX: when the used index moved past the
 * driver's used_event since the last interrupt we asked for (always after
 * the queue was enabled). Without it: unless the driver set
 * VRING_AVAIL_F_NO_INTERRUPT.
 *
 * Context: any; takes used_lock with interrupts disabled.
 * Return: true when the caller should interrupt the driver.
 */
bool hvisor_vq_need_irq(struct hvisor_vq *vq)
{
	unsigned long flags;
	u16 old, new, event;
	bool ret, valid;

	spin_lock_irqsave(&vq->used_lock, flags);
	if (!vq->ready) {
		ret = false;
		goto out;
	}
	/*
	 * Orders the used->idx stores published so far (ours, or another
	 * producer's seen through used_lock) before the reads of the
	 * driver's suppression fields below; pairs with the driver's full
	 * barrier between writing those and re-reading used->idx.
	 */
	virt_mb();
	if (!vq->event_idx) {
		ret = !(le16_to_cpu(READ_ONCE(vq->avail->flags)) &
			VRING_AVAIL_F_NO_INTERRUPT);
		goto out;
	}
	old = vq->signalled_used;
	valid = vq->signalled_used_valid;
	new = vq->used_idx;
	vq->signalled_used = new;
	vq->signalled_used_valid = true;
	if (!valid) {
		ret = true;
		goto out;
	}
	event = le16_to_cpu(READ_ONCE(*hvisor_vq_used_event(vq)));
	ret = vring_need_event(event, new, old);
out:
	spin_unlock_irqrestore(&vq->used_lock, flags);
	return ret;
}

/**
 * hvisor_vq_disable_notify() - ask the driver not to notify (kick) us
 * @vq: the queue
 *
 * Without VIRTIO_RING_F_EVENT_IDX, sets VRING_USED_F_NO_NOTIFY. With it,
 * nothing needs doing: avail_event stays where hvisor_vq_enable_notify()
 * put it, so the driver kicks at most once more. Only a hint either way.
 *
 * Context: any; the queue's consumer.
 */
void hvisor_vq_disable_notify(struct hvisor_vq *vq)
{
	if (!hvisor_vq_ready(vq) || vq->event_idx)
		return;
	WRITE_ONCE(vq->used->flags, cpu_to_le16(VRING_USED_F_NO_NOTIFY));
}

/* Whether the guest's avail->idx moved since we last read it. */
static bool hvisor_vq_avail_moved(const struct hvisor_vq *vq)
{
	return le16_to_cpu(READ_ONCE(vq->avail->idx)) != vq->avail_idx;
}

/**
 * hvisor_vq_enable_notify() - ask the driver to notify us again
 * @vq: the queue
 *
 * Clears VRING_USED_F_NO_NOTIFY, or with VIRTIO_RING_F_EVENT_IDX sets
 * avail_event to the avail index seen last (the driver then kicks when it
 * makes the entry after everything we saw available), then checks for
 * chains made available before the driver could see that.
 *
 * Only new chains count: chains seen and given back with hvisor_vq_unpop()
 * do not, since the caller found them wanting and waits for more. So the
 * caller calls this once hvisor_vq_pop() returned 0, or after giving
 * chains back; chains it merely left in the ring are not reported.
 *
 * Context: any; the queue's consumer.
 * Return: true when the guest made chains available since we last read
 * its index (the caller should poll again, and may disable notifications
 * again).
 */
bool hvisor_vq_enable_notify(struct hvisor_vq *vq)
{
	if (!hvisor_vq_ready(vq) || vq->broken)
		return false;
	if (vq->event_idx)
		WRITE_ONCE(*hvisor_vq_avail_event(vq),
			   cpu_to_le16(vq->avail_idx));
	else
		WRITE_ONCE(vq->used->flags, cpu_to_le16(0));
	/*
	 * Orders the store above before the re-read of avail->idx: either
	 * the driver sees notifications enabled and kicks, or we see its new
	 * index here. Pairs with the driver's full barrier between raising
	 * avail->idx and reading our flags or avail_event.
	 */
	virt_mb();
	return hvisor_vq_avail_moved(vq);
}

/**
 * hvisor_vq_has_work() - whether the avail ring holds chains not taken yet
 * @vq: the queue
 *
 * Chains given back with hvisor_vq_unpop() count.
 *
 * Context: any; the queue's consumer.
 * Return: true when hvisor_vq_pop() would not return 0 (a broken or
 * disabled queue has no work).
 */
bool hvisor_vq_has_work(struct hvisor_vq *vq)
{
	if (!hvisor_vq_ready(vq) || vq->broken)
		return false;
	return vq->last_avail_idx != vq->avail_idx ||
	       hvisor_vq_avail_moved(vq);
}

/**
 * hvisor_vq_has_new() - whether the guest made chains available lately
 * @vq: the queue
 *
 * A device that gave chains back with hvisor_vq_unpop() because they were
 * not enough asks this before trying them again: nothing changed for it
 * until the guest adds more.
 *
 * Context: any; the queue's consumer.
 * Return: true when the guest's avail index moved since we last read it
 * (a broken or disabled queue has nothing new).
 */
bool hvisor_vq_has_new(struct hvisor_vq *vq)
{
	if (!hvisor_vq_ready(vq) || vq->broken)
		return false;
	return hvisor_vq_avail_moved(vq);
}

/**
 * hvisor_vq_unpop() - give back chains taken but not used
 * @vq: the queue
 * @n: how many of the chains taken last by hvisor_vq_pop() to give back;
 *	at most the number popped since the queue was enabled and not
 *	pushed since
 *
 * The next hvisor_vq_pop() takes the first of them again, reading and
 * checking it anew (the driver may have changed nothing: it still owns
 * only what it made available). A device uses this when it popped buffers
 * for a packet that turned out not to fit. What was seen of the guest's
 * index stays: hvisor_vq_enable_notify() and hvisor_vq_has_new() report
 * only chains made available after these.
 *
 * Context: any; the queue's single consumer.
 */
void hvisor_vq_unpop(struct hvisor_vq *vq, unsigned int n)
{
	if (!hvisor_vq_ready(vq) || vq->broken)
		return;
	/* More than was taken would leave the ring's bounds: a caller bug. */
	if (WARN_ON_ONCE(n > vq->num - (u16)(vq->avail_idx -
					     vq->last_avail_idx)))
		return;
	vq->last_avail_idx -= (u16)n;
}

/**
 * hvisor_vq_push_batch() - return many chains with one used index update
 * @vq: the queue
 * @elems: the used entries (head from hvisor_vq_pop(), bytes written)
 * @n: entries in @elems, at most the queue size
 *
 * Writes every entry, then publishes them all with a single store of
 * used->idx, so the driver sees all or none of them (what
 * VIRTIO_NET_F_MRG_RXBUF needs: the driver reads num_buffers and then
 * expects that many used entries). Does nothing when the queue was reset
 * in the meantime.
 *
 * Context: any; takes used_lock with interrupts disabled.
 */
void hvisor_vq_push_batch(struct hvisor_vq *vq,
			  const struct hvisor_vq_used *elems, unsigned int n)
{
	struct hvisor_vring_used_elem *elem;
	unsigned long flags;
	unsigned int i;
	u16 idx;

	spin_lock_irqsave(&vq->used_lock, flags);
	if (vq->ready && n && n <= vq->num) {
		idx = vq->used_idx;
		for (i = 0; i < n; i++, idx++) {
			elem = &vq->used->ring[idx & (vq->num - 1)];
			WRITE_ONCE(elem->id, cpu_to_le32(elems[i].head));
			WRITE_ONCE(elem->len, cpu_to_le32(elems[i].len));
		}
		/*
		 * Orders every used entry above before the used->idx that
		 * publishes them; pairs with the driver's read barrier after
		 * reading used->idx.
		 */
		virt_wmb();
		vq->used_idx = idx;
		WRITE_ONCE(vq->used->idx, cpu_to_le16(vq->used_idx));
	}
	spin_unlock_irqrestore(&vq->used_lock, flags);
}
