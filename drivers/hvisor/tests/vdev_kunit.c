// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the virtio-mmio register state machine, driven the way a
 * guest driver would drive it, against a fake device type and a zone whose
 * RAM is a kmalloc'ed buffer.
 */

#include "../vdev.c"

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/slab.h>
#include <uapi/linux/virtio_ids.h>

#include "../zone.h"
#include "kunit_stubs.h"

#define T_GPA		0x40000000ULL
#define T_RAM		0x4000
#define T_QSIZE		8
#define T_CPU		3
#define T_FEAT_DEV	3	/* a device-specific feature we offer */
#define T_FEAT_UNK	4	/* one we do not */

struct hvisor_vdev_test {
	struct hvisor_vdev vdev;
	struct hvisor_zone *zone;
	void *ram;
	u8 cfg[12];
	unsigned int notifies[2];
	unsigned int driver_oks;
	unsigned int resets;
	unsigned int config_writes;
	unsigned int cw_off, cw_len;
	bool block_reset;
	struct completion reset_entered;
	struct completion reset_release;
};

static struct hvisor_vdev_test *to_t(struct hvisor_vdev *vdev)
{
	return container_of(vdev, struct hvisor_vdev_test, vdev);
}

static void t_notify(struct hvisor_vdev *vdev, unsigned int qidx)
{
	to_t(vdev)->notifies[qidx]++;
}

static void t_driver_ok(struct hvisor_vdev *vdev)
{
	to_t(vdev)->driver_oks++;
}

static void t_reset(struct hvisor_vdev *vdev)
{
	struct hvisor_vdev_test *t = to_t(vdev);

	might_sleep();
	t->resets++;
	if (t->block_reset) {
		complete(&t->reset_entered);
		wait_for_completion(&t->reset_release);
	}
}

static void t_config_write(struct hvisor_vdev *vdev, unsigned int off,
			   unsigned int len)
{
	struct hvisor_vdev_test *t = to_t(vdev);

	t->config_writes++;
	t->cw_off = off;
	t->cw_len = len;
}

static void t_release(struct hvisor_vdev *vdev)
{
}

static const struct hvisor_vdev_ops t_ops = {
	.notify = t_notify,
	.driver_ok = t_driver_ok,
	.reset = t_reset,
	.config_write = t_config_write,
	.release = t_release,
};

static int hvisor_vdev_test_init(struct kunit *test)
{
	struct hvisor_vdev_test *t;
	unsigned int i;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->ram = kunit_kzalloc(test, T_RAM, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t->ram);
	t->zone = hvisor_zone_create(1);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->zone);
	KUNIT_ASSERT_EQ(test, hvisor_zone_add_region(t->zone, T_GPA, T_RAM,
						     t->ram, 0, false), 0);
	for (i = 0; i < sizeof(t->cfg); i++)
		t->cfg[i] = 0x10 + i;
	init_completion(&t->reset_entered);
	init_completion(&t->reset_release);
	t->vdev.id = 7;
	t->vdev.device_id = VIRTIO_ID_BLOCK;
	t->vdev.zone = t->zone;
	t->vdev.addr = 0xa003c00;
	t->vdev.irq = 78;
	t->vdev.ops = &t_ops;
	t->vdev.device_features = BIT_ULL(VIRTIO_F_VERSION_1) |
		BIT_ULL(VIRTIO_RING_F_EVENT_IDX) | BIT_ULL(T_FEAT_DEV);
	t->vdev.config = t->cfg;
	t->vdev.config_len = sizeof(t->cfg);
	KUNIT_ASSERT_EQ(test, hvisor_vdev_init(&t->vdev, 2, T_QSIZE), 0);
	hvisor_stub_reset();
	test->priv = t;
	return 0;
}

static void hvisor_vdev_test_exit(struct kunit *test)
{
	struct hvisor_vdev_test *t = test->priv;

	hvisor_vdev_cleanup(&t->vdev);
	hvisor_zone_put(t->zone);
}

static u32 rd(struct hvisor_vdev_test *t, u64 off)
{
	return hvisor_vdev_mmio_read(&t->vdev, off, 4);
}

static int wr(struct hvisor_vdev_test *t, u64 off, u32 val)
{
	return hvisor_vdev_mmio_write(&t->vdev, off, 4, val, T_CPU);
}

static int wrx(struct hvisor_vdev_test *t, u64 off, u32 size, u64 val,
	       u32 cpu)
{
	return hvisor_vdev_mmio_write(&t->vdev, off, size, val, cpu);
}

#define S_ACK	VIRTIO_CONFIG_S_ACKNOWLEDGE
#define S_DRV	VIRTIO_CONFIG_S_DRIVER
#define S_FOK	VIRTIO_CONFIG_S_FEATURES_OK
#define S_DOK	VIRTIO_CONFIG_S_DRIVER_OK

/* What a driver does up to FEATURES_OK; returns the Status read back. */
static u32 negotiate(struct hvisor_vdev_test *t, u64 features)
{
	wr(t, VIRTIO_MMIO_STATUS, S_ACK);
	wr(t, VIRTIO_MMIO_STATUS, S_ACK | S_DRV);
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES, lower_32_bits(features));
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES, upper_32_bits(features));
	wr(t, VIRTIO_MMIO_STATUS, S_ACK | S_DRV | S_FOK);
	return rd(t, VIRTIO_MMIO_STATUS);
}

static u64 q_gpa(unsigned int q, unsigned int part)
{
	return T_GPA + q * 0x1800 + part * 0x800;
}

static void setup_queue(struct hvisor_vdev_test *t, unsigned int q, u32 num)
{
	wr(t, VIRTIO_MMIO_QUEUE_SEL, q);
	wr(t, VIRTIO_MMIO_QUEUE_NUM, num);
	wr(t, VIRTIO_MMIO_QUEUE_DESC_LOW, lower_32_bits(q_gpa(q, 0)));
	wr(t, VIRTIO_MMIO_QUEUE_DESC_HIGH, upper_32_bits(q_gpa(q, 0)));
	wr(t, VIRTIO_MMIO_QUEUE_AVAIL_LOW, lower_32_bits(q_gpa(q, 1)));
	wr(t, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, upper_32_bits(q_gpa(q, 1)));
	wr(t, VIRTIO_MMIO_QUEUE_USED_LOW, lower_32_bits(q_gpa(q, 2)));
	wr(t, VIRTIO_MMIO_QUEUE_USED_HIGH, upper_32_bits(q_gpa(q, 2)));
	wr(t, VIRTIO_MMIO_QUEUE_READY, 1);
}

static void go_live(struct kunit *test, struct hvisor_vdev_test *t)
{
	KUNIT_ASSERT_EQ(test, negotiate(t, BIT_ULL(VIRTIO_F_VERSION_1) |
					BIT_ULL(VIRTIO_RING_F_EVENT_IDX)),
			(u32)(S_ACK | S_DRV | S_FOK));
	setup_queue(t, 0, T_QSIZE);
	setup_queue(t, 1, T_QSIZE);
	KUNIT_ASSERT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_READY), 1U);
	wr(t, VIRTIO_MMIO_STATUS, S_ACK | S_DRV | S_FOK | S_DOK);
	KUNIT_ASSERT_EQ(test, rd(t, VIRTIO_MMIO_STATUS),
			(u32)(S_ACK | S_DRV | S_FOK | S_DOK));
}

static void hvisor_vdev_test_ids(struct kunit *test)
{
	struct hvisor_vdev_test *t = test->priv;

	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_VERSION), 2U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_DEVICE_ID),
			(u32)VIRTIO_ID_BLOCK);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_VENDOR_ID), 0x48564953U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS), 0U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_INTERRUPT_STATUS), 0U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_CONFIG_GENERATION), 0U);
	/* No shared memory regions. */
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_SHM_LEN_LOW), U32_MAX);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_SHM_LEN_HIGH), U32_MAX);
	/* Unknown, legacy and write-only registers read 0. */
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_GUEST_PAGE_SIZE), 0U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_PFN), 0U);
	KUNIT_EXPECT_EQ(test, rd(t, 0x0c0), 0U);
	KUNIT_EXPECT_EQ(test, rd(t, 0x0f8), 0U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_NOTIFY), 0U);
	/* Registers are 32-bit and aligned. */
	KUNIT_EXPECT_EQ(test, hvisor_vdev_mmio_read(&t->vdev, 0, 1), 0ULL);
	KUNIT_EXPECT_EQ(test, hvisor_vdev_mmio_read(&t->vdev, 0, 2), 0ULL);
	KUNIT_EXPECT_EQ(test, hvisor_vdev_mmio_read(&t->vdev, 0, 8), 0ULL);
	KUNIT_EXPECT_EQ(test, hvisor_vdev_mmio_read(&t->vdev, 0, 3), 0ULL);
	KUNIT_EXPECT_EQ(test, hvisor_vdev_mmio_read(&t->vdev, 1, 4), 0ULL);
	KUNIT_EXPECT_EQ(test, hvisor_vdev_mmio_read(&t->vdev, 0x82, 4), 0ULL);
}

static void hvisor_vdev_test_features(struct kunit *test)
{
	struct hvisor_vdev_test *t = test->priv;
	const u64 v1 = BIT_ULL(VIRTIO_F_VERSION_1);
	const u64 evt = BIT_ULL(VIRTIO_RING_F_EVENT_IDX);

	wr(t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_DEVICE_FEATURES),
			lower_32_bits(evt | BIT_ULL(T_FEAT_DEV)));
	wr(t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_DEVICE_FEATURES),
			upper_32_bits(v1));
	wr(t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_DEVICE_FEATURES), 0U);

	/* Without VERSION_1: refused, the driver sees FEATURES_OK clear. */
	KUNIT_EXPECT_EQ(test, negotiate(t, evt), (u32)(S_ACK | S_DRV));
	/* With a feature we did not offer: refused. */
	KUNIT_EXPECT_EQ(test, negotiate(t, v1 | BIT_ULL(T_FEAT_UNK)),
			(u32)(S_ACK | S_DRV));
	KUNIT_EXPECT_EQ(test, negotiate(t, v1 | BIT_ULL(40)),
			(u32)(S_ACK | S_DRV));
	/* DRIVER_OK without FEATURES_OK is not taken. */
	wr(t, VIRTIO_MMIO_STATUS, S_ACK | S_DRV | S_DOK);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS), (u32)(S_ACK | S_DRV));
	KUNIT_EXPECT_EQ(test, t->driver_oks, 0U);

	KUNIT_EXPECT_EQ(test, negotiate(t, v1 | evt | BIT_ULL(T_FEAT_DEV)),
			(u32)(S_ACK | S_DRV | S_FOK));
	KUNIT_EXPECT_TRUE(test, hvisor_vdev_has_feature(&t->vdev,
							VIRTIO_F_VERSION_1));
	KUNIT_EXPECT_TRUE(test, hvisor_vdev_has_feature(&t->vdev,
							VIRTIO_RING_F_EVENT_IDX));
	KUNIT_EXPECT_TRUE(test, hvisor_vdev_has_feature(&t->vdev, T_FEAT_DEV));
	KUNIT_EXPECT_FALSE(test, hvisor_vdev_has_feature(&t->vdev, T_FEAT_UNK));
	KUNIT_EXPECT_FALSE(test, hvisor_vdev_has_feature(&t->vdev, 64));
	KUNIT_EXPECT_FALSE(test, hvisor_vdev_has_feature(&t->vdev, 1000));
	/* Features are frozen after FEATURES_OK. */
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES, 0);
	KUNIT_EXPECT_TRUE(test, hvisor_vdev_has_feature(&t->vdev,
							VIRTIO_RING_F_EVENT_IDX));
	/* The driver cannot set NEEDS_RESET nor clear bits. */
	wr(t, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_NEEDS_RESET | S_ACK);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS),
			(u32)(S_ACK | S_DRV | S_FOK));
}

static void hvisor_vdev_test_queues(struct kunit *test)
{
	struct hvisor_vdev_test *t = test->priv;
	struct hvisor_vq *vq = &t->vdev.vqs[0];

	wr(t, VIRTIO_MMIO_QUEUE_SEL, 0);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_NUM_MAX), (u32)T_QSIZE);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_READY), 0U);
	wr(t, VIRTIO_MMIO_QUEUE_SEL, 1);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_NUM_MAX), (u32)T_QSIZE);
	wr(t, VIRTIO_MMIO_QUEUE_SEL, 2);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_NUM_MAX), 0U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_READY), 0U);
	wr(t, VIRTIO_MMIO_QUEUE_SEL, U32_MAX);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_NUM_MAX), 0U);
	/* Writes to a missing queue go nowhere. */
	wr(t, VIRTIO_MMIO_QUEUE_NUM, 4);
	wr(t, VIRTIO_MMIO_QUEUE_READY, 1);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_READY), 0U);

	KUNIT_ASSERT_EQ(test, negotiate(t, BIT_ULL(VIRTIO_F_VERSION_1) |
					BIT_ULL(VIRTIO_RING_F_EVENT_IDX)),
			(u32)(S_ACK | S_DRV | S_FOK));
	setup_queue(t, 0, T_QSIZE);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_READY), 1U);
	KUNIT_EXPECT_TRUE(test, vq->ready);
	KUNIT_EXPECT_EQ(test, vq->num, (u32)T_QSIZE);
	KUNIT_EXPECT_EQ(test, vq->desc_gpa, q_gpa(0, 0));
	KUNIT_EXPECT_EQ(test, vq->avail_gpa, q_gpa(0, 1));
	KUNIT_EXPECT_EQ(test, vq->used_gpa, q_gpa(0, 2));
	KUNIT_EXPECT_TRUE(test, vq->event_idx);
	KUNIT_EXPECT_FALSE(test, vq->indirect);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_DESC_LOW),
			lower_32_bits(q_gpa(0, 0)));
	/* Frozen while ready. */
	wr(t, VIRTIO_MMIO_QUEUE_NUM, 2);
	wr(t, VIRTIO_MMIO_QUEUE_DESC_LOW, 0);
	wr(t, VIRTIO_MMIO_QUEUE_USED_HIGH, 5);
	KUNIT_EXPECT_EQ(test, vq->num, (u32)T_QSIZE);
	KUNIT_EXPECT_EQ(test, vq->desc_gpa, q_gpa(0, 0));
	KUNIT_EXPECT_EQ(test, vq->used_gpa, q_gpa(0, 2));
	/* The other queue is independent. */
	wr(t, VIRTIO_MMIO_QUEUE_SEL, 1);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_READY), 0U);
	/* Before DRIVER_OK a queue may be disabled again. */
	wr(t, VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(t, VIRTIO_MMIO_QUEUE_READY, 0);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_READY), 0U);
	KUNIT_EXPECT_FALSE(test, vq->ready);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS),
			(u32)(S_ACK | S_DRV | S_FOK));
}

static void hvisor_vdev_test_queue_errors(struct kunit *test)
{
	struct hvisor_vdev_test *t = test->priv;
	const u32 failed = S_ACK | S_DRV | VIRTIO_CONFIG_S_NEEDS_RESET;

	/* QueueReady before FEATURES_OK. */
	wr(t, VIRTIO_MMIO_STATUS, S_ACK | S_DRV);
	setup_queue(t, 0, T_QSIZE);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_READY), 0U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS), failed);
	/* Not DRIVER_OK: no interrupt for the failure. */
	KUNIT_EXPECT_EQ(test, hvisor_stub_injections(&t->vdev), 0U);

	hvisor_vdev_reset_sync(&t->vdev);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS), 0U);
	/* A queue larger than QueueNumMax. */
	negotiate(t, BIT_ULL(VIRTIO_F_VERSION_1));
	setup_queue(t, 0, T_QSIZE * 2);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_READY), 0U);
	KUNIT_EXPECT_TRUE(test, rd(t, VIRTIO_MMIO_STATUS) &
			  VIRTIO_CONFIG_S_NEEDS_RESET);

	hvisor_vdev_reset_sync(&t->vdev);
	/* Rings outside the zone's RAM. */
	negotiate(t, BIT_ULL(VIRTIO_F_VERSION_1));
	wr(t, VIRTIO_MMIO_QUEUE_SEL, 1);
	wr(t, VIRTIO_MMIO_QUEUE_NUM, T_QSIZE);
	wr(t, VIRTIO_MMIO_QUEUE_DESC_LOW, lower_32_bits(T_GPA + T_RAM));
	wr(t, VIRTIO_MMIO_QUEUE_DESC_HIGH, upper_32_bits(T_GPA + T_RAM));
	wr(t, VIRTIO_MMIO_QUEUE_AVAIL_LOW, lower_32_bits(q_gpa(1, 1)));
	wr(t, VIRTIO_MMIO_QUEUE_USED_LOW, lower_32_bits(q_gpa(1, 2)));
	wr(t, VIRTIO_MMIO_QUEUE_READY, 1);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_READY), 0U);
	KUNIT_EXPECT_TRUE(test, rd(t, VIRTIO_MMIO_STATUS) &
			  VIRTIO_CONFIG_S_NEEDS_RESET);
	KUNIT_EXPECT_EQ(test, t->resets, 2U);
}

static void hvisor_vdev_test_notify(struct kunit *test)
{
	struct hvisor_vdev_test *t = test->priv;

	negotiate(t, BIT_ULL(VIRTIO_F_VERSION_1));
	setup_queue(t, 0, T_QSIZE);
	/* Before DRIVER_OK: ignored. */
	wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	KUNIT_EXPECT_EQ(test, t->notifies[0], 0U);
	wr(t, VIRTIO_MMIO_STATUS, S_ACK | S_DRV | S_FOK | S_DOK);
	KUNIT_EXPECT_EQ(test, t->driver_oks, 1U);
	/* DRIVER_OK again does not call driver_ok again. */
	wr(t, VIRTIO_MMIO_STATUS, S_ACK | S_DRV | S_FOK | S_DOK);
	KUNIT_EXPECT_EQ(test, t->driver_oks, 1U);

	wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	KUNIT_EXPECT_EQ(test, t->notifies[0], 1U);
	/* Queue 1 is not ready, queue 2 does not exist. */
	wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, 2);
	wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, U32_MAX);
	KUNIT_EXPECT_EQ(test, t->notifies[1], 0U);
	/* Bad size. */
	hvisor_vdev_mmio_write(&t->vdev, VIRTIO_MMIO_QUEUE_NOTIFY, 2, 0, 0);
	KUNIT_EXPECT_EQ(test, t->notifies[0], 1U);
	/* A queue enabled after DRIVER_OK works. */
	setup_queue(t, 1, T_QSIZE);
	wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	KUNIT_EXPECT_EQ(test, t->notifies[1], 1U);
	/* A running queue cannot be disabled without a reset. */
	wr(t, VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(t, VIRTIO_MMIO_QUEUE_READY, 0);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_READY), 1U);
	wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	KUNIT_EXPECT_EQ(test, t->notifies[0], 2U);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->vdev.stats.notifies), 3LL);
}

static void hvisor_vdev_test_isr(struct kunit *test)
{
	struct hvisor_vdev_test *t = test->priv;
	const u32 vring = VIRTIO_MMIO_INT_VRING, cfg = VIRTIO_MMIO_INT_CONFIG;
	struct hvisor_vring_avail *avail;
	unsigned int lowered;

	/* The driver is not listening yet: nothing, and no bit left set. */
	hvisor_vdev_interrupt(&t->vdev, vring);
	KUNIT_EXPECT_EQ(test, hvisor_stub_injections(&t->vdev), 0U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_INTERRUPT_STATUS), 0U);

	go_live(test, t);
	hvisor_vdev_interrupt(&t->vdev, vring);
	KUNIT_EXPECT_EQ(test, hvisor_stub_injections(&t->vdev), 1U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_INTERRUPT_STATUS), vring);
	/* Only 0 -> non-zero injects. */
	hvisor_vdev_interrupt(&t->vdev, vring);
	hvisor_vdev_interrupt(&t->vdev, cfg);
	KUNIT_EXPECT_EQ(test, hvisor_stub_injections(&t->vdev), 1U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_INTERRUPT_STATUS), vring | cfg);
	/* A level-like line comes down only when no bit is left. */
	lowered = hvisor_stub_lowered_count();
	wr(t, VIRTIO_MMIO_INTERRUPT_ACK, vring);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_INTERRUPT_STATUS), cfg);
	KUNIT_EXPECT_EQ(test, hvisor_stub_lowered_count(), lowered);
	hvisor_vdev_interrupt(&t->vdev, vring);
	KUNIT_EXPECT_EQ(test, hvisor_stub_injections(&t->vdev), 1U);
	wr(t, VIRTIO_MMIO_INTERRUPT_ACK, vring | cfg);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_INTERRUPT_STATUS), 0U);
	KUNIT_EXPECT_EQ(test, hvisor_stub_lowered_count(), lowered + 1);
	/* Unknown bits are not interrupts. */
	hvisor_vdev_interrupt(&t->vdev, 0);
	hvisor_vdev_interrupt(&t->vdev, 4);
	KUNIT_EXPECT_EQ(test, hvisor_stub_injections(&t->vdev), 1U);
	hvisor_vdev_interrupt(&t->vdev, cfg);
	KUNIT_EXPECT_EQ(test, hvisor_stub_injections(&t->vdev), 2U);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->vdev.stats.interrupts), 2LL);
	wr(t, VIRTIO_MMIO_INTERRUPT_ACK, cfg);

	/* The driver suppressed interrupts (NO_INTERRUPT, no EVENT_IDX). */
	avail = t->vdev.vqs[0].avail;
	KUNIT_ASSERT_NOT_NULL(test, avail);
	t->vdev.vqs[0].event_idx = false;
	WRITE_ONCE(avail->flags, cpu_to_le16(1));
	hvisor_vdev_vq_interrupt(&t->vdev, &t->vdev.vqs[0]);
	KUNIT_EXPECT_EQ(test, hvisor_stub_injections(&t->vdev), 2U);
}

static u64 rdc(struct hvisor_vdev_test *t, u64 off, u32 size)
{
	return hvisor_vdev_mmio_read(&t->vdev, HVISOR_MMIO_CONFIG + off, size);
}

static void hvisor_vdev_test_config(struct kunit *test)
{
	struct hvisor_vdev_test *t = test->priv;

	KUNIT_EXPECT_EQ(test, rdc(t, 0, 1), 0x10ULL);
	KUNIT_EXPECT_EQ(test, rdc(t, 2, 2), 0x1312ULL);
	KUNIT_EXPECT_EQ(test, rdc(t, 4, 4), 0x17161514ULL);
	KUNIT_EXPECT_EQ(test, rdc(t, 4, 8), 0x1b1a191817161514ULL);
	KUNIT_EXPECT_EQ(test, rdc(t, 1, 4), 0x14131211ULL);
	KUNIT_EXPECT_EQ(test, rdc(t, 11, 1), 0x1bULL);
	KUNIT_EXPECT_EQ(test, rdc(t, 10, 2), 0x1b1aULL);
	/* Out of range, across the end, odd sizes. */
	KUNIT_EXPECT_EQ(test, rdc(t, 12, 1), 0ULL);
	KUNIT_EXPECT_EQ(test, rdc(t, 5, 8), 0ULL);
	KUNIT_EXPECT_EQ(test, rdc(t, 10, 4), 0ULL);
	KUNIT_EXPECT_EQ(test, rdc(t, 0, 3), 0ULL);
	KUNIT_EXPECT_EQ(test, rdc(t, 0, 16), 0ULL);
	KUNIT_EXPECT_EQ(test, rdc(t, 0, 0), 0ULL);
	KUNIT_EXPECT_EQ(test, rdc(t, 0xff, 1), 0ULL);
	KUNIT_EXPECT_EQ(test, hvisor_vdev_mmio_read(&t->vdev, U64_MAX - 1, 4),
			0ULL);

	/* Writes before the driver started are ignored. */
	hvisor_vdev_mmio_write(&t->vdev, HVISOR_MMIO_CONFIG + 2, 2, 0xbeef, 0);
	KUNIT_EXPECT_EQ(test, t->config_writes, 0U);
	KUNIT_EXPECT_EQ(test, rdc(t, 2, 2), 0x1312ULL);
	wr(t, VIRTIO_MMIO_STATUS, S_ACK);
	hvisor_vdev_mmio_write(&t->vdev, HVISOR_MMIO_CONFIG + 2, 2, 0xbeef, 0);
	KUNIT_EXPECT_EQ(test, t->config_writes, 1U);
	KUNIT_EXPECT_EQ(test, t->cw_off, 2U);
	KUNIT_EXPECT_EQ(test, t->cw_len, 2U);
	KUNIT_EXPECT_EQ(test, t->cfg[2], 0xef);
	KUNIT_EXPECT_EQ(test, t->cfg[3], 0xbe);
	KUNIT_EXPECT_EQ(test, rdc(t, 0, 4), 0xbeef1110ULL);
	hvisor_vdev_mmio_write(&t->vdev, HVISOR_MMIO_CONFIG + 8, 8, ~0ULL, 0);
	hvisor_vdev_mmio_write(&t->vdev, HVISOR_MMIO_CONFIG + 0, 3, ~0ULL, 0);
	KUNIT_EXPECT_EQ(test, t->config_writes, 1U);
	KUNIT_EXPECT_EQ(test, t->cfg[8], 0x18);

	/* Generation; no interrupt before DRIVER_OK. */
	hvisor_vdev_config_changed(&t->vdev);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_CONFIG_GENERATION), 1U);
	KUNIT_EXPECT_EQ(test, hvisor_stub_injections(&t->vdev), 0U);
	hvisor_vdev_reset_sync(&t->vdev);
	go_live(test, t);
	hvisor_vdev_config_changed(&t->vdev);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_CONFIG_GENERATION), 2U);
	KUNIT_EXPECT_EQ(test, hvisor_stub_injections(&t->vdev), 1U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_INTERRUPT_STATUS),
			(u32)VIRTIO_MMIO_INT_CONFIG);
}

static void hvisor_vdev_test_bad_writes(struct kunit *test)
{
	struct hvisor_vdev_test *t = test->priv;

	KUNIT_EXPECT_EQ(test, wrx(t, VIRTIO_MMIO_QUEUE_SEL, 2, 1, 0), 0);
	KUNIT_EXPECT_EQ(test, wrx(t, VIRTIO_MMIO_QUEUE_SEL, 8, 1, 0), 0);
	KUNIT_EXPECT_EQ(test, wrx(t, VIRTIO_MMIO_QUEUE_SEL + 1, 4, 1, 0), 0);
	KUNIT_EXPECT_EQ(test, t->vdev.queue_sel, 0U);
	/* A bad-size Status = 0 is no reset. */
	KUNIT_EXPECT_EQ(test, wrx(t, VIRTIO_MMIO_STATUS, 1, 0, 0), 0);
	KUNIT_EXPECT_FALSE(test, t->vdev.reset_pending);
	/* Read-only and unknown registers. */
	KUNIT_EXPECT_EQ(test, wr(t, VIRTIO_MMIO_MAGIC_VALUE, 0), 0);
	KUNIT_EXPECT_EQ(test, wr(t, VIRTIO_MMIO_QUEUE_NUM_MAX, 1), 0);
	KUNIT_EXPECT_EQ(test, wr(t, VIRTIO_MMIO_INTERRUPT_STATUS, 3), 0);
	KUNIT_EXPECT_EQ(test, wr(t, VIRTIO_MMIO_CONFIG_GENERATION, 9), 0);
	KUNIT_EXPECT_EQ(test, wr(t, VIRTIO_MMIO_QUEUE_PFN, 9), 0);
	KUNIT_EXPECT_EQ(test, wr(t, 0x0c0, 9), 0);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_NUM_MAX), (u32)T_QSIZE);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_CONFIG_GENERATION), 0U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_INTERRUPT_STATUS), 0U);
}

static void hvisor_vdev_test_reset_deferred(struct kunit *test)
{
	struct hvisor_vdev_test *t = test->priv;

	go_live(test, t);
	hvisor_vdev_interrupt(&t->vdev, VIRTIO_MMIO_INT_VRING);
	KUNIT_EXPECT_EQ(test, hvisor_stub_injections(&t->vdev), 1U);

	t->block_reset = true;
	KUNIT_EXPECT_EQ(test, wrx(t, VIRTIO_MMIO_STATUS, 4, 0, T_CPU),
			HVISOR_MMIO_DEFERRED);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&t->reset_entered,
							    10 * HZ));
	/* The reset is running in the work: the vCPU still waits. */
	KUNIT_EXPECT_EQ(test, hvisor_stub_answers(T_CPU), 0U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS), 0U);
	/* Another vCPU resets too: it waits for the same reset. */
	KUNIT_EXPECT_EQ(test, wrx(t, VIRTIO_MMIO_STATUS, 4, 0, T_CPU + 1),
			HVISOR_MMIO_DEFERRED);
	/* Everything else is ignored meanwhile. */
	KUNIT_EXPECT_EQ(test, wr(t, VIRTIO_MMIO_STATUS, S_ACK), 0);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS), 0U);
	wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	KUNIT_EXPECT_EQ(test, t->notifies[0], 0U);
	wr(t, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	hvisor_vdev_interrupt(&t->vdev, VIRTIO_MMIO_INT_CONFIG);
	KUNIT_EXPECT_EQ(test, hvisor_stub_injections(&t->vdev), 1U);

	complete(&t->reset_release);
	flush_work(&t->vdev.reset_work);
	t->block_reset = false;
	KUNIT_EXPECT_EQ(test, t->resets, 1U);
	KUNIT_EXPECT_EQ(test, hvisor_stub_answers(T_CPU), 1U);
	KUNIT_EXPECT_EQ(test, hvisor_stub_answer_value(T_CPU), 0ULL);
	KUNIT_EXPECT_EQ(test, hvisor_stub_answer_size(T_CPU), 4ULL);
	KUNIT_EXPECT_EQ(test, hvisor_stub_answers(T_CPU + 1), 1U);
	KUNIT_EXPECT_FALSE(test, t->vdev.reset_pending);
	KUNIT_EXPECT_EQ(test, t->vdev.reset_waiters, 0U);

	/* Back to the initial state. */
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS), 0U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_INTERRUPT_STATUS), 0U);
	KUNIT_EXPECT_FALSE(test, t->vdev.vqs[0].ready);
	KUNIT_EXPECT_FALSE(test, t->vdev.vqs[1].ready);
	KUNIT_EXPECT_FALSE(test, hvisor_vdev_has_feature(&t->vdev,
							 VIRTIO_F_VERSION_1));
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_READY), 0U);

	/* And usable again. */
	go_live(test, t);
	KUNIT_EXPECT_EQ(test, t->driver_oks, 2U);
	wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	KUNIT_EXPECT_EQ(test, t->notifies[1], 1U);
	hvisor_vdev_interrupt(&t->vdev, VIRTIO_MMIO_INT_VRING);
	KUNIT_EXPECT_EQ(test, hvisor_stub_injections(&t->vdev), 2U);

	/* A reset of a device nobody started is deferred just the same. */
	hvisor_vdev_reset_sync(&t->vdev);
	KUNIT_EXPECT_EQ(test, wrx(t, VIRTIO_MMIO_STATUS, 4, 0, T_CPU),
			HVISOR_MMIO_DEFERRED);
	flush_work(&t->vdev.reset_work);
	KUNIT_EXPECT_EQ(test, hvisor_stub_answers(T_CPU), 2U);
	KUNIT_EXPECT_EQ(test, t->resets, 3U);
}

static void hvisor_vdev_test_reset_sync(struct kunit *test)
{
	struct hvisor_vdev_test *t = test->priv;
	unsigned long flags;

	go_live(test, t);
	hvisor_vdev_reset_sync(&t->vdev);
	KUNIT_EXPECT_EQ(test, t->resets, 1U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS), 0U);
	KUNIT_EXPECT_FALSE(test, t->vdev.vqs[0].ready);

	/* A guest reset in flight is completed and its vCPU answered. */
	go_live(test, t);
	KUNIT_EXPECT_EQ(test, wrx(t, VIRTIO_MMIO_STATUS, 4, 0, T_CPU),
			HVISOR_MMIO_DEFERRED);
	hvisor_vdev_reset_sync(&t->vdev);
	KUNIT_EXPECT_EQ(test, hvisor_stub_answers(T_CPU), 1U);
	KUNIT_EXPECT_FALSE(test, t->vdev.reset_pending);
	KUNIT_EXPECT_FALSE(test, t->vdev.vqs[1].ready);

	/* Removal: a dead device reads 0 and resets are answered at once. */
	go_live(test, t);
	spin_lock_irqsave(&t->vdev.lock, flags);
	t->vdev.dead = true;
	spin_unlock_irqrestore(&t->vdev.lock, flags);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_MAGIC_VALUE), 0U);
	KUNIT_EXPECT_EQ(test, rdc(t, 0, 1), 0ULL);
	KUNIT_EXPECT_EQ(test, wrx(t, VIRTIO_MMIO_STATUS, 4, 0, T_CPU), 0);
	wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	KUNIT_EXPECT_EQ(test, t->notifies[0], 0U);
	hvisor_vdev_interrupt(&t->vdev, VIRTIO_MMIO_INT_VRING);
	KUNIT_EXPECT_EQ(test, hvisor_stub_injections(&t->vdev), 0U);
	hvisor_vdev_reset_sync(&t->vdev);
	KUNIT_EXPECT_FALSE(test, t->vdev.vqs[0].ready);
	KUNIT_EXPECT_EQ(test, hvisor_stub_answers(T_CPU), 1U);
}

static void hvisor_vdev_test_fail(struct kunit *test)
{
	struct hvisor_vdev_test *t = test->priv;
	const u32 live = S_ACK | S_DRV | S_FOK | S_DOK;

	go_live(test, t);
	hvisor_vdev_fail(&t->vdev, "test failure");
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS),
			live | VIRTIO_CONFIG_S_NEEDS_RESET);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_INTERRUPT_STATUS),
			(u32)VIRTIO_MMIO_INT_CONFIG);
	KUNIT_EXPECT_EQ(test, hvisor_stub_injections(&t->vdev), 1U);
	wr(t, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_CONFIG);
	/* Reported once. */
	hvisor_vdev_fail(&t->vdev, "again");
	KUNIT_EXPECT_EQ(test, hvisor_stub_injections(&t->vdev), 1U);
	/* Only a reset clears it. */
	wr(t, VIRTIO_MMIO_STATUS, live);
	KUNIT_EXPECT_TRUE(test, rd(t, VIRTIO_MMIO_STATUS) &
			  VIRTIO_CONFIG_S_NEEDS_RESET);
	hvisor_vdev_reset_sync(&t->vdev);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS), 0U);
}

static struct kunit_case hvisor_vdev_test_cases[] = {
	KUNIT_CASE(hvisor_vdev_test_ids),
	KUNIT_CASE(hvisor_vdev_test_features),
	KUNIT_CASE(hvisor_vdev_test_queues),
	KUNIT_CASE(hvisor_vdev_test_queue_errors),
	KUNIT_CASE(hvisor_vdev_test_notify),
	KUNIT_CASE(hvisor_vdev_test_isr),
	KUNIT_CASE(hvisor_vdev_test_config),
	KUNIT_CASE(hvisor_vdev_test_bad_writes),
	KUNIT_CASE(hvisor_vdev_test_reset_deferred),
	KUNIT_CASE(hvisor_vdev_test_reset_sync),
	KUNIT_CASE(hvisor_vdev_test_fail),
	{}
};

static struct kunit_suite hvisor_vdev_test_suite = {
	.name = "hvisor_vdev",
	.init = hvisor_vdev_test_init,
	.exit = hvisor_vdev_test_exit,
	.test_cases = hvisor_vdev_test_cases,
};

kunit_test_suite(hvisor_vdev_test_suite);
