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

/**
 * hvisor_stub_reset() - forget what the fakes recorded
 */
void hvisor_stub_reset(void)
{
	unsigned long flags;

	spin_lock_irqsave(&hvisor_stub_lock, flags);
	memset(hvisor_stub_inj, 0, sizeof(hvisor_stub_inj));
	memset(hvisor_stub_ans, 0, sizeof(hvisor_stub_ans));
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
 * hvisor_core_wq() - fake: deferred device work runs on system_wq
 *
 * Return: system_wq.
 */
struct workqueue_struct *hvisor_core_wq(void)
{
	return system_wq;
}

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of hvisor_vhost: bridge, zones, virtqueues, virtio-mmio, blk");
