// SPDX-License-Identifier: GPL-2.0
/*
 * Root's side of the hvisor virtio bridge (see hvisor-abi, section 2).
 *
 * The bridge page is shared with a hypervisor running on other physical
 * CPUs, so the barriers below are the virt_*() flavour: they stay real
 * barriers even in a kernel built without CONFIG_SMP.
 *
 * Every index hvisor writes (req_rear, res_front) is untrusted: it is read
 * once and never used to index an array before it has been checked.
 */

#define pr_fmt(fmt) "hvisor_vhost: " fmt

#include <linux/compiler.h>
#include <linux/limits.h>
#include <linux/errno.h>
#include <linux/lockdep.h>
#include <linux/spinlock.h>
#include <asm/barrier.h>

#include "bridge.h"

#define HVISOR_BRIDGE_MASK	(HVISOR_BRIDGE_MAX_REQ - 1)

/**
 * hvisor_bridge_init() - start using a bridge page
 * @br: root's view of the bridge, to initialise
 * @page: the zeroed page that will be (or was) handed to the hypervisor
 */
void hvisor_bridge_init(struct hvisor_bridge *br,
			struct hvisor_virtio_bridge *page)
{
	br->page = page;
	spin_lock_init(&br->res_lock);
}

/* A req_rear hvisor may legitimately have written, or U32_MAX. */
static u32 hvisor_bridge_load_rear(const struct hvisor_virtio_bridge *page)
{
	u32 rear = READ_ONCE(page->req_rear);

	return rear < HVISOR_BRIDGE_MAX_REQ ? rear : U32_MAX;
}

/**
 * hvisor_bridge_req_pending() - are there requests to consume?
 * @br: the bridge
 *
 * Any context. A req_rear outside the ring (hvisor breaking its own rules)
 * counts as "nothing pending", so that callers looping until the ring is
 * empty terminate.
 *
 * Return: true when the request ring is not empty.
 */
bool hvisor_bridge_req_pending(struct hvisor_bridge *br)
{
	u32 rear = hvisor_bridge_load_rear(br->page);

	return rear != U32_MAX && rear != READ_ONCE(br->page->req_front);
}

/**
 * hvisor_bridge_pop_req() - take the oldest request off the request ring
 * @br: the bridge
 * @req: filled with a private copy of the request
 *
 * The ring has a single consumer: callers must be serialised (the core
 * does it with its consume lock). Any context.
 *
 * Return: true when a request was copied into @req and its slot handed
 * back to the hypervisor, false when the ring is empty.
 */
bool hvisor_bridge_pop_req(struct hvisor_bridge *br,
			   struct hvisor_device_req *req)
{
	struct hvisor_virtio_bridge *page = br->page;
	const struct hvisor_device_req *slot;
	u32 front, rear;

	/* Only root writes req_front; masking keeps the index in bounds. */
	front = READ_ONCE(page->req_front) & HVISOR_BRIDGE_MASK;
	rear = hvisor_bridge_load_rear(page);
	if (rear == U32_MAX || rear == front)
		return false;
	/*
	 * Orders the req_rear load above before the entry reads below; pairs
	 * with hvisor's release fence between writing the entry and storing
	 * req_rear.
	 */
	virt_rmb();
	slot = &page->req_list[front];
	req->src_cpu = READ_ONCE(slot->src_cpu);
	req->address = READ_ONCE(slot->address);
	req->size = READ_ONCE(slot->size);
	req->value = READ_ONCE(slot->value);
	req->src_zone = READ_ONCE(slot->src_zone);
	req->is_write = READ_ONCE(slot->is_write);
	req->need_interrupt = READ_ONCE(slot->need_interrupt);
	req->padding = 0;
	/*
	 * The entry reads above complete before hvisor sees the new front and
	 * may reuse the slot for another request.
	 */
	virt_store_release(&page->req_front,
			   (front + 1) & HVISOR_BRIDGE_MASK);
	return true;
}

/**
 * hvisor_bridge_truncate() - cut a value to an access size
 * @value: the value
 * @size: access size in bytes
 *
 * hvisor puts the answer into the guest register unmasked on some
 * architectures, so every answer goes through this.
 *
 * Return: the low @size bytes of @value; 0 for a size other than 1, 2, 4
 * or 8.
 */
u64 hvisor_bridge_truncate(u64 value, u64 size)
{
	switch (size) {
	case 1:
		return value & 0xff;
	case 2:
		return value & 0xffff;
	case 4:
		return value & 0xffffffff;
	case 8:
		return value;
	default:
		return 0;
	}
}

/**
 * hvisor_bridge_answer() - answer a vCPU spinning on its access
 * @br: the bridge
 * @cpu: src_cpu of the request; ignored unless below
 *	HVISOR_BRIDGE_MAX_CPUS (the core validates and counts bad ones)
 * @value: the result of a read (anything for a write)
 * @size: access size; @value is truncated to it
 *
 * Any context.
 */
void hvisor_bridge_answer(struct hvisor_bridge *br, u32 cpu, u64 value,
			  u64 size)
{
	struct hvisor_virtio_bridge *page = br->page;
	u64 flags;

	if (cpu >= HVISOR_BRIDGE_MAX_CPUS)
		return;
	WRITE_ONCE(page->cfg_values[cpu], hvisor_bridge_truncate(value, size));
	/* The value is visible before the flag change the vCPU waits for. */
	virt_wmb();
	flags = READ_ONCE(page->cfg_flags[cpu]);
	/* A counter, not a toggle: hvisor waits for any change. */
	WRITE_ONCE(page->cfg_flags[cpu], flags + 1);
	/*
	 * Make the answer visible before whatever we do next (take the next
	 * request, sleep, let the hypervisor go on).
	 */
	virt_mb();
}

/**
 * hvisor_bridge_res_full() - is the result ring full?
 * @br: the bridge
 *
 * Meaningful to a caller holding @br->res_lock.
 *
 * Return: true when no entry can be pushed before hvisor drains the ring.
 */
bool hvisor_bridge_res_full(struct hvisor_bridge *br)
{
	u32 rear = READ_ONCE(br->page->res_rear) & HVISOR_BRIDGE_MASK;

	/* hvisor writes res_front. */
	return ((rear + 1) & HVISOR_BRIDGE_MASK) ==
		READ_ONCE(br->page->res_front);
}

/**
 * hvisor_bridge_push_res() - queue an interrupt for hvisor to inject
 * @br: the bridge
 * @zone: target zone
 * @irq: the guest's interrupt number
 *
 * The caller holds @br->res_lock (interrupts disabled) and then makes the
 * FINISH_REQ hypercall, which drains the ring.
 *
 * Return: 0, or -ENOSPC when the ring is full.
 */
int hvisor_bridge_push_res(struct hvisor_bridge *br, u32 zone, u32 irq)
{
	struct hvisor_virtio_bridge *page = br->page;
	struct hvisor_device_res *slot;
	u32 rear;

	lockdep_assert_held(&br->res_lock);
	if (hvisor_bridge_res_full(br))
		return -ENOSPC;
	/*
	 * The res_front load in hvisor_bridge_res_full() is ordered before
	 * the entry stores below by the control dependency on it.
	 */
	rear = READ_ONCE(page->res_rear) & HVISOR_BRIDGE_MASK;
	slot = &page->res_list[rear];
	WRITE_ONCE(slot->target_zone, zone);
	WRITE_ONCE(slot->irq_id, irq);
	/* The entry is written before hvisor can see the new res_rear. */
	virt_wmb();
	WRITE_ONCE(page->res_rear, (rear + 1) & HVISOR_BRIDGE_MASK);
	return 0;
}

/**
 * hvisor_bridge_stop_wakeups() - we are polling: no wakeup interrupts
 * @br: the bridge
 */
void hvisor_bridge_stop_wakeups(struct hvisor_bridge *br)
{
	WRITE_ONCE(br->page->need_wakeup, 0);
}

/**
 * hvisor_bridge_arm_wakeup() - ask for a wakeup interrupt before idling
 * @br: the bridge
 *
 * Sets need_wakeup, then re-checks the request ring. hvisor has no full
 * barrier between its req_rear store and its need_wakeup load, so a lost
 * wakeup remains possible on weakly ordered CPUs: the core keeps a
 * periodic safety net for that.
 *
 * Return: true when requests slipped in (need_wakeup is cleared again and
 * the caller must keep polling), false when the caller may idle.
 */
bool hvisor_bridge_arm_wakeup(struct hvisor_bridge *br)
{
	WRITE_ONCE(br->page->need_wakeup, 1);
	/*
	 * Orders the need_wakeup store before the req_rear re-load below;
	 * pairs with hvisor storing req_rear and then loading need_wakeup.
	 */
	virt_mb();
	if (!hvisor_bridge_req_pending(br))
		return false;
	WRITE_ONCE(br->page->need_wakeup, 0);
	return true;
}
