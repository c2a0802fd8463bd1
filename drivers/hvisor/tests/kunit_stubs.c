// SPDX-License-Identifier: GPL-2.0
/*
 * hvisor_vhost_kunit.ko: module information and fakes of the core's
 * services (see kunit_stubs.h). The test files each #include the unit they
 * test; nothing here talks to a hypervisor.
 */

#include <linux/atomic.h>
#include <linux/module.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <hvisor/virtio_bridge.h>

#include "../core.h"
#include "kunit_stubs.h"

#define HVISOR_STUB_MAX_VDEVS	16
#define HVISOR_STUB_MAX_RELAYS	64

/* Protects every recorded count below: fakes may run in any context. */
static DEFINE_SPINLOCK(hvisor_stub_lock);

static struct {
	const struct hvisor_vdev *vdev;
	unsigned int count;
} hvisor_stub_inj[HVISOR_STUB_MAX_VDEVS];

static struct {
	unsigned int count;
	u64 value;
	u64 size;
} hvisor_stub_ans[HVISOR_BRIDGE_MAX_CPUS];

/* Result entries relayed (hvisor_core_relay_irq()); under hvisor_stub_lock. */
static struct {
	unsigned int count;
	bool full;
	u32 zone[HVISOR_STUB_MAX_RELAYS];
	u32 irq[HVISOR_STUB_MAX_RELAYS];
} hvisor_stub_rel;

/**
 * hvisor_stub_reset() - forget what the fakes recorded
 */
void hvisor_stub_reset(void)
{
	unsigned long flags;

	spin_lock_irqsave(&hvisor_stub_lock, flags);
	memset(hvisor_stub_inj, 0, sizeof(hvisor_stub_inj));
	memset(hvisor_stub_ans, 0, sizeof(hvisor_stub_ans));
	memset(&hvisor_stub_rel, 0, sizeof(hvisor_stub_rel));
	spin_unlock_irqrestore(&hvisor_stub_lock, flags);
}

/**
 * hvisor_core_inject() - fake: count an injection for @vdev
 * @vdev: the device
 */
void hvisor_core_inject(struct hvisor_vdev *vdev)
{
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&hvisor_stub_lock, flags);
	for (i = 0; i < HVISOR_STUB_MAX_VDEVS; i++) {
		if (!hvisor_stub_inj[i].vdev)
			hvisor_stub_inj[i].vdev = vdev;
		if (hvisor_stub_inj[i].vdev == vdev) {
			hvisor_stub_inj[i].count++;
			break;
		}
	}
	spin_unlock_irqrestore(&hvisor_stub_lock, flags);
	WARN_ON_ONCE(i == HVISOR_STUB_MAX_VDEVS);
}

/* Lines lowered and InterruptStatus reads, for any device. */
static atomic_t hvisor_stub_lowered = ATOMIC_INIT(0);

/**
 * hvisor_core_irq_lowered() - fake: count a lowered line
 * @vdev: the device
 */
void hvisor_core_irq_lowered(struct hvisor_vdev *vdev)
{
	atomic_inc(&hvisor_stub_lowered);
}

/**
 * hvisor_core_irq_status_read() - fake: nothing to do
 * @vdev: the device
 */
void hvisor_core_irq_status_read(struct hvisor_vdev *vdev)
{
}

/**
 * hvisor_stub_lowered_count() - lines lowered since the module loaded
 *
 * Return: calls of hvisor_core_irq_lowered().
 */
unsigned int hvisor_stub_lowered_count(void)
{
	return atomic_read(&hvisor_stub_lowered);
}

/**
 * hvisor_stub_injections() - injections counted for a device
 * @vdev: the device
 *
 * Return: injections since the last hvisor_stub_reset().
 */
unsigned int hvisor_stub_injections(const struct hvisor_vdev *vdev)
{
	unsigned int i, count = 0;
	unsigned long flags;

	spin_lock_irqsave(&hvisor_stub_lock, flags);
	for (i = 0; i < HVISOR_STUB_MAX_VDEVS; i++)
		if (hvisor_stub_inj[i].vdev == vdev)
			count = hvisor_stub_inj[i].count;
	spin_unlock_irqrestore(&hvisor_stub_lock, flags);
	return count;
}

/**
 * hvisor_core_answer() - fake: record an answer to a vCPU
 * @cpu: src_cpu
 * @value: value
 * @size: access size
 */
void hvisor_core_answer(u32 cpu, u64 value, u64 size)
{
	unsigned long flags;

	if (WARN_ON_ONCE(cpu >= HVISOR_BRIDGE_MAX_CPUS))
		return;
	spin_lock_irqsave(&hvisor_stub_lock, flags);
	hvisor_stub_ans[cpu].count++;
	hvisor_stub_ans[cpu].value = value;
	hvisor_stub_ans[cpu].size = size;
	spin_unlock_irqrestore(&hvisor_stub_lock, flags);
}

/**
 * hvisor_stub_answers() - answers recorded for a vCPU
 * @cpu: src_cpu
 *
 * Return: answers since the last hvisor_stub_reset().
 */
unsigned int hvisor_stub_answers(u32 cpu)
{
	return cpu < HVISOR_BRIDGE_MAX_CPUS ?
		READ_ONCE(hvisor_stub_ans[cpu].count) : 0;
}

/**
 * hvisor_stub_answer_value() - value of the last answer to a vCPU
 * @cpu: src_cpu
 *
 * Return: the value, 0 when none was given.
 */
u64 hvisor_stub_answer_value(u32 cpu)
{
	return cpu < HVISOR_BRIDGE_MAX_CPUS ?
		READ_ONCE(hvisor_stub_ans[cpu].value) : 0;
}

/**
 * hvisor_stub_answer_size() - size of the last answer to a vCPU
 * @cpu: src_cpu
 *
 * Return: the size, 0 when none was given.
 */
u64 hvisor_stub_answer_size(u32 cpu)
{
	return cpu < HVISOR_BRIDGE_MAX_CPUS ?
		READ_ONCE(hvisor_stub_ans[cpu].size) : 0;
}

/**
 * hvisor_core_relay_irq() - fake: record a userspace backend's interrupt
 * @zone: target zone; zone 0 plays a zone the module does not know
 * @irq: interrupt number
 *
 * Return: 0; -ENOSPC while hvisor_stub_relay_full() says so; -EINVAL for
 * zone 0.
 */
int hvisor_core_relay_irq(u32 zone, u32 irq)
{
	unsigned long flags;
	int ret = 0;

	if (!zone)
		return -EINVAL;
	spin_lock_irqsave(&hvisor_stub_lock, flags);
	if (hvisor_stub_rel.full) {
		ret = -ENOSPC;
	} else if (!WARN_ON_ONCE(hvisor_stub_rel.count ==
				 HVISOR_STUB_MAX_RELAYS)) {
		hvisor_stub_rel.zone[hvisor_stub_rel.count] = zone;
		hvisor_stub_rel.irq[hvisor_stub_rel.count] = irq;
		hvisor_stub_rel.count++;
	}
	spin_unlock_irqrestore(&hvisor_stub_lock, flags);
	return ret;
}

/**
 * hvisor_stub_relay_full() - make the fake result ring refuse entries
 * @full: true: hvisor_core_relay_irq() returns -ENOSPC
 */
void hvisor_stub_relay_full(bool full)
{
	unsigned long flags;

	spin_lock_irqsave(&hvisor_stub_lock, flags);
	hvisor_stub_rel.full = full;
	spin_unlock_irqrestore(&hvisor_stub_lock, flags);
}

/**
 * hvisor_stub_relays() - result entries relayed since hvisor_stub_reset()
 * @zone: filled with the zones, in order (room for @max)
 * @irq: filled with the interrupts, in order (room for @max)
 * @max: room
 *
 * Return: entries relayed (may exceed @max).
 */
unsigned int hvisor_stub_relays(u32 *zone, u32 *irq, unsigned int max)
{
	unsigned long flags;
	unsigned int i, n;

	spin_lock_irqsave(&hvisor_stub_lock, flags);
	n = hvisor_stub_rel.count;
	for (i = 0; i < n && i < max; i++) {
		zone[i] = hvisor_stub_rel.zone[i];
		irq[i] = hvisor_stub_rel.irq[i];
	}
	spin_unlock_irqrestore(&hvisor_stub_lock, flags);
	return n;
}

/**
 * hvisor_core_wq() - fake: deferred device work runs on system_wq
 *
 * Return: system_wq.
 */
struct workqueue_struct *hvisor_core_wq(void)
{
	return system_wq;
}

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of hvisor_vhost: bridge, zones, virtqueues, virtio-mmio, blk, userspace bridge");
