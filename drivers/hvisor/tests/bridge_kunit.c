// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the bridge ring logic: the test plays hvisor's side of
 * the rings on a bridge page allocated with exactly the ABI's size, so that
 * KASAN sees any access outside it.
 */

#include "../bridge.c"

#include <kunit/test.h>
#include <linux/slab.h>

struct hvisor_bridge_test {
	struct hvisor_virtio_bridge *page;
	struct hvisor_bridge br;
};

static int hvisor_bridge_test_init(struct kunit *test)
{
	struct hvisor_bridge_test *t;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->page = kunit_kzalloc(test, sizeof(*t->page), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t->page);
	hvisor_bridge_init(&t->br, t->page);
	test->priv = t;
	return 0;
}

/* hvisor's producer: false when the ring is full. */
static bool hv_produce(struct hvisor_virtio_bridge *page, u64 seq)
{
	u32 rear = READ_ONCE(page->req_rear);
	struct hvisor_device_req *slot;

	if ((rear + 1) % HVISOR_BRIDGE_MAX_REQ == READ_ONCE(page->req_front))
		return false;
	slot = &page->req_list[rear];
	slot->src_cpu = seq % HVISOR_BRIDGE_MAX_CPUS;
	slot->address = 0xa0000000 + seq * 4;
	slot->size = 4;
	slot->value = ~seq;
	slot->src_zone = seq & 0xffff;
	slot->is_write = seq & 1;
	slot->need_interrupt = !(seq % 3);
	slot->padding = 0xdead;
	/* hvisor's release: the entry is written before the new rear. */
	smp_store_release(&page->req_rear, (rear + 1) % HVISOR_BRIDGE_MAX_REQ);
	return true;
}

static void hv_check(struct kunit *test, const struct hvisor_device_req *req,
		     u64 seq)
{
	KUNIT_EXPECT_EQ(test, req->src_cpu, seq % HVISOR_BRIDGE_MAX_CPUS);
	KUNIT_EXPECT_EQ(test, req->address, 0xa0000000 + seq * 4);
	KUNIT_EXPECT_EQ(test, req->size, 4ULL);
	KUNIT_EXPECT_EQ(test, req->value, ~seq);
	KUNIT_EXPECT_EQ(test, req->src_zone, (u32)(seq & 0xffff));
	KUNIT_EXPECT_EQ(test, req->is_write, (u8)(seq & 1));
	KUNIT_EXPECT_EQ(test, req->need_interrupt, (u8)!(seq % 3));
	KUNIT_EXPECT_EQ(test, req->padding, 0);
}

static void hvisor_bridge_test_wrap(struct kunit *test)
{
	struct hvisor_bridge_test *t = test->priv;
	struct hvisor_device_req req;
	u64 produced = 0, consumed = 0;
	unsigned int lap, n;

	KUNIT_EXPECT_FALSE(test, hvisor_bridge_req_pending(&t->br));
	KUNIT_EXPECT_FALSE(test, hvisor_bridge_pop_req(&t->br, &req));
	/* Batches of 1 to 31 requests: many laps around the ring. */
	for (lap = 0; lap < 200; lap++) {
		for (n = 0; n < lap % 31 + 1; n++)
			KUNIT_ASSERT_TRUE(test, hv_produce(t->page, produced++));
		KUNIT_EXPECT_TRUE(test, hvisor_bridge_req_pending(&t->br));
		while (hvisor_bridge_pop_req(&t->br, &req))
			hv_check(test, &req, consumed++);
		KUNIT_ASSERT_EQ(test, consumed, produced);
		KUNIT_EXPECT_FALSE(test, hvisor_bridge_req_pending(&t->br));
		KUNIT_EXPECT_LT(test, t->page->req_front,
				(u32)HVISOR_BRIDGE_MAX_REQ);
		KUNIT_EXPECT_EQ(test, t->page->req_front, t->page->req_rear);
	}
	KUNIT_EXPECT_GT(test, produced, 10ULL * HVISOR_BRIDGE_MAX_REQ);
}

static void hvisor_bridge_test_full(struct kunit *test)
{
	struct hvisor_bridge_test *t = test->priv;
	struct hvisor_device_req req;
	unsigned int i;

	/* Start in the middle of the ring so the full ring wraps. */
	t->page->req_front = 20;
	t->page->req_rear = 20;
	for (i = 0; i < HVISOR_BRIDGE_MAX_REQ - 1; i++)
		KUNIT_ASSERT_TRUE(test, hv_produce(t->page, i));
	KUNIT_EXPECT_FALSE(test, hv_produce(t->page, i));
	for (i = 0; i < HVISOR_BRIDGE_MAX_REQ - 1; i++) {
		KUNIT_ASSERT_TRUE(test, hvisor_bridge_pop_req(&t->br, &req));
		hv_check(test, &req, i);
		/* Every pop frees a slot for the producer at once. */
		if (i == 0) {
			KUNIT_EXPECT_TRUE(test, hv_produce(t->page, 100));
			KUNIT_EXPECT_FALSE(test, hv_produce(t->page, 101));
		}
	}
	KUNIT_ASSERT_TRUE(test, hvisor_bridge_pop_req(&t->br, &req));
	hv_check(test, &req, 100);
	KUNIT_EXPECT_FALSE(test, hvisor_bridge_pop_req(&t->br, &req));
}

static void hvisor_bridge_test_truncate(struct kunit *test)
{
	const u64 v = 0x1122334455667788ULL;

	KUNIT_EXPECT_EQ(test, hvisor_bridge_truncate(v, 1), 0x88ULL);
	KUNIT_EXPECT_EQ(test, hvisor_bridge_truncate(v, 2), 0x7788ULL);
	KUNIT_EXPECT_EQ(test, hvisor_bridge_truncate(v, 4), 0x55667788ULL);
	KUNIT_EXPECT_EQ(test, hvisor_bridge_truncate(v, 8), v);
	KUNIT_EXPECT_EQ(test, hvisor_bridge_truncate(v, 0), 0ULL);
	KUNIT_EXPECT_EQ(test, hvisor_bridge_truncate(v, 3), 0ULL);
	KUNIT_EXPECT_EQ(test, hvisor_bridge_truncate(v, 16), 0ULL);
	KUNIT_EXPECT_EQ(test, hvisor_bridge_truncate(v, ~0ULL), 0ULL);
}

static void hvisor_bridge_test_answer(struct kunit *test)
{
	struct hvisor_bridge_test *t = test->priv;
	struct hvisor_virtio_bridge *page = t->page;
	const u64 v = 0x1122334455667788ULL;
	struct hvisor_virtio_bridge *before;

	hvisor_bridge_answer(&t->br, 5, v, 1);
	KUNIT_EXPECT_EQ(test, page->cfg_values[5], 0x88ULL);
	KUNIT_EXPECT_EQ(test, page->cfg_flags[5], 1ULL);
	hvisor_bridge_answer(&t->br, 5, v, 2);
	KUNIT_EXPECT_EQ(test, page->cfg_values[5], 0x7788ULL);
	hvisor_bridge_answer(&t->br, 5, v, 4);
	KUNIT_EXPECT_EQ(test, page->cfg_values[5], 0x55667788ULL);
	hvisor_bridge_answer(&t->br, 5, v, 8);
	KUNIT_EXPECT_EQ(test, page->cfg_values[5], v);
	/* A counter, not a toggle. */
	KUNIT_EXPECT_EQ(test, page->cfg_flags[5], 4ULL);
	hvisor_bridge_answer(&t->br, 31, 7, 4);
	KUNIT_EXPECT_EQ(test, page->cfg_flags[31], 1ULL);
	KUNIT_EXPECT_EQ(test, page->cfg_values[31], 7ULL);
	KUNIT_EXPECT_EQ(test, page->cfg_flags[4], 0ULL);
	KUNIT_EXPECT_EQ(test, page->cfg_flags[6], 0ULL);

	/* Bad cpus touch nothing. */
	before = kunit_kmalloc(test, sizeof(*before), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, before);
	memcpy(before, page, sizeof(*before));
	hvisor_bridge_answer(&t->br, HVISOR_BRIDGE_MAX_CPUS, v, 8);
	hvisor_bridge_answer(&t->br, U32_MAX, v, 8);
	KUNIT_EXPECT_EQ(test, memcmp(before, page, sizeof(*before)), 0);
}

static void hvisor_bridge_test_res(struct kunit *test)
{
	struct hvisor_bridge_test *t = test->priv;
	struct hvisor_virtio_bridge *page = t->page;
	unsigned long flags;
	unsigned int i, lap;
	int ret;

	spin_lock_irqsave(&t->br.res_lock, flags);
	for (lap = 0; lap < 3; lap++) {
		for (i = 0; i < HVISOR_BRIDGE_MAX_REQ - 1; i++) {
			KUNIT_EXPECT_FALSE(test, hvisor_bridge_res_full(&t->br));
			ret = hvisor_bridge_push_res(&t->br, lap + 1, i);
			KUNIT_EXPECT_EQ(test, ret, 0);
		}
		KUNIT_EXPECT_TRUE(test, hvisor_bridge_res_full(&t->br));
		KUNIT_EXPECT_EQ(test, hvisor_bridge_push_res(&t->br, 9, 9),
				-ENOSPC);
		/* hvisor drains the ring (FINISH_REQ). */
		for (i = 0; i < HVISOR_BRIDGE_MAX_REQ - 1; i++) {
			u32 f = page->res_front;

			KUNIT_EXPECT_EQ(test, page->res_list[f].target_zone,
					lap + 1);
			KUNIT_EXPECT_EQ(test, page->res_list[f].irq_id, i);
			page->res_front = (f + 1) % HVISOR_BRIDGE_MAX_REQ;
		}
		KUNIT_EXPECT_EQ(test, page->res_front, page->res_rear);
	}
	spin_unlock_irqrestore(&t->br.res_lock, flags);
}

static void hvisor_bridge_test_wakeup(struct kunit *test)
{
	struct hvisor_bridge_test *t = test->priv;
	struct hvisor_device_req req;

	/* Nothing slipped in: armed, the caller may idle. */
	KUNIT_EXPECT_FALSE(test, hvisor_bridge_arm_wakeup(&t->br));
	KUNIT_EXPECT_EQ(test, t->page->need_wakeup, 1);
	hvisor_bridge_stop_wakeups(&t->br);
	KUNIT_EXPECT_EQ(test, t->page->need_wakeup, 0);

	/* A request slipped in: the flag is cleared again. */
	KUNIT_ASSERT_TRUE(test, hv_produce(t->page, 1));
	KUNIT_EXPECT_TRUE(test, hvisor_bridge_arm_wakeup(&t->br));
	KUNIT_EXPECT_EQ(test, t->page->need_wakeup, 0);
	KUNIT_EXPECT_TRUE(test, hvisor_bridge_pop_req(&t->br, &req));
	KUNIT_EXPECT_FALSE(test, hvisor_bridge_arm_wakeup(&t->br));
	KUNIT_EXPECT_EQ(test, t->page->need_wakeup, 1);
	/* Neighbours of need_wakeup are left alone. */
	KUNIT_EXPECT_EQ(test, t->page->mmio_avail, 0);
}

static void hvisor_bridge_test_bogus_rear(struct kunit *test)
{
	static const u32 bogus[] = { HVISOR_BRIDGE_MAX_REQ, 33, 64, 1000,
				     0x80000000, U32_MAX };
	struct hvisor_bridge_test *t = test->priv;
	struct hvisor_device_req req;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bogus); i++) {
		t->page->req_front = 3;
		t->page->req_rear = bogus[i];
		memset(&req, 0x5a, sizeof(req));
		KUNIT_EXPECT_FALSE(test, hvisor_bridge_req_pending(&t->br));
		KUNIT_EXPECT_FALSE(test, hvisor_bridge_pop_req(&t->br, &req));
		KUNIT_EXPECT_EQ(test, req.src_cpu, 0x5a5a5a5a5a5a5a5aULL);
		KUNIT_EXPECT_EQ(test, t->page->req_front, 3U);
		/* The idle handshake terminates: nothing "slipped in". */
		KUNIT_EXPECT_FALSE(test, hvisor_bridge_arm_wakeup(&t->br));
	}
	/* A corrupted front of our own is masked, never used as is. */
	t->page->req_front = 0x100 + 5;
	t->page->req_rear = 7;
	KUNIT_EXPECT_TRUE(test, hvisor_bridge_pop_req(&t->br, &req));
	KUNIT_EXPECT_EQ(test, t->page->req_front, 6U);
}

static struct kunit_case hvisor_bridge_test_cases[] = {
	KUNIT_CASE(hvisor_bridge_test_wrap),
	KUNIT_CASE(hvisor_bridge_test_full),
	KUNIT_CASE(hvisor_bridge_test_truncate),
	KUNIT_CASE(hvisor_bridge_test_answer),
	KUNIT_CASE(hvisor_bridge_test_res),
	KUNIT_CASE(hvisor_bridge_test_wakeup),
	KUNIT_CASE(hvisor_bridge_test_bogus_rear),
	{}
};

static struct kunit_suite hvisor_bridge_test_suite = {
	.name = "hvisor_bridge",
	.init = hvisor_bridge_test_init,
	.test_cases = hvisor_bridge_test_cases,
};

kunit_test_suite(hvisor_bridge_test_suite);
