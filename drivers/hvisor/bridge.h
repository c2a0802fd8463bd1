/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Root's side of the hvisor virtio bridge: consuming the request ring,
 * answering waiting vCPUs, producing the result ring, and the need_wakeup
 * handshake. Pure ring logic on a struct hvisor_virtio_bridge in memory:
 * no hypercalls here, so KUnit can drive it on a kmalloc'ed page.
 */
#ifndef _HVISOR_BRIDGE_H
#define _HVISOR_BRIDGE_H

#include <linux/spinlock.h>
#include <linux/types.h>
#include <hvisor/virtio_bridge.h>

/**
 * struct hvisor_bridge - root's view of the shared bridge page
 * @page: the page shared with the hypervisor
 * @res_lock: serialises producers of the result ring (hvisor expects a
 *	single producer); taken with interrupts disabled, any context
 */
struct hvisor_bridge {
	struct hvisor_virtio_bridge *page;
	spinlock_t res_lock;	/* result ring producers */
};

void hvisor_bridge_init(struct hvisor_bridge *br,
			struct hvisor_virtio_bridge *page);
bool hvisor_bridge_req_pending(struct hvisor_bridge *br);
bool hvisor_bridge_pop_req(struct hvisor_bridge *br,
			   struct hvisor_device_req *req);
u64 hvisor_bridge_truncate(u64 value, u64 size);
void hvisor_bridge_answer(struct hvisor_bridge *br, u32 cpu, u64 value,
			  u64 size);
int hvisor_bridge_push_res(struct hvisor_bridge *br, u32 zone, u32 irq);
bool hvisor_bridge_res_full(struct hvisor_bridge *br);
void hvisor_bridge_stop_wakeups(struct hvisor_bridge *br);
bool hvisor_bridge_arm_wakeup(struct hvisor_bridge *br);

#endif /* _HVISOR_BRIDGE_H */
