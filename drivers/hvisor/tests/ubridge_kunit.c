// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the userspace bridge: the test plays the userspace daemon
 * on a bridge page allocated with exactly the ABI's size (KASAN sees any
 * access outside it) and the dispatcher on the other side; the core's
 * answers and result relays are the fakes of kunit_stubs.c.
 */

#include "../ubridge.c"

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/slab.h>

#include "kunit_stubs.h"

struct ub_test {
	struct hvisor_ubridge ub;
	struct hvisor_virtio_bridge *page;
};

/* The tests drive the service themselves; the timer does nothing. */
static enum hrtimer_restart ub_test_timer_noop(struct hrtimer *timer)
{
	return HRTIMER_NORESTART;
}

static int ub_test_init(struct kunit *test)
{
	struct ub_test *t;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->page = kunit_kzalloc(test, sizeof(*t->page), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t->page);
	ub_init(&t->ub);
	t->ub.timer.function = ub_test_timer_noop;
	/* No struct page: nothing maps it, ub_detach() only hands it back. */
	ub_attach(&t->ub, t->page, NULL, (struct file *)t);
	hvisor_stub_reset();
	test->priv = t;
	return 0;
}

static void ub_test_exit(struct kunit *test)
{
	struct ub_test *t = test->priv;
	unsigned int nr;

	ub_detach(&t->ub, &nr);
	hvisor_stub_relay_full(false);
}

static struct hvisor_device_req ub_req(u64 cpu, u64 addr, u64 size,
				       bool is_write, u64 value)
{
	return (struct hvisor_device_req) {
		.src_cpu = cpu,
		.address = addr,
		.size = size,
		.value = value,
		.src_zone = 1,
		.is_write = is_write,
		.need_interrupt = is_write &&
			(addr & (HVISOR_VIRTIO_REGION_SIZE - 1)) ==
			HVISOR_VIRTIO_NOTIFY_OFFSET,
	};
}

static struct hvisor_device_req ub_notify(u64 addr, u64 queue)
{
	return ub_req(0, addr + HVISOR_VIRTIO_NOTIFY_OFFSET, 4, true, queue);
}

/* The daemon takes one request off its ring; false when empty. */
static bool ub_daemon_take(struct hvisor_virtio_bridge *page,
			   struct hvisor_device_req *req)
{
	u32 front = page->req_front;

	/* Entries after req_rear: pairs with the release in ub_flush(). */
	if (front == smp_load_acquire(&page->req_rear))
		return false;
	*req = page->req_list[front];
	/* Entry read before the slot is handed back: ub_load_front(). */
	smp_store_release(&page->req_front, (front + 1) % HVISOR_BRIDGE_MAX_REQ);
	return true;
}

/* The daemon answers @cpu as hvisor-tool does. */
static void ub_daemon_answer(struct hvisor_virtio_bridge *page, u64 cpu,
			     u64 value)
{
	page->cfg_values[cpu] = value;
	/* Value before flag: pairs with the smp_rmb() in ub_scan_answers(). */
	smp_wmb();
	page->cfg_flags[cpu]++;
}

static void ub_daemon_push(struct hvisor_virtio_bridge *page, u32 zone,
			   u32 irq)
{
	u32 rear = page->res_rear;

	page->res_list[rear].target_zone = zone;
	page->res_list[rear].irq_id = irq;
	/* Entry before res_rear: pairs with ub_drain_results()' smp_rmb(). */
	smp_wmb();
	page->res_rear = (rear + 1) % HVISOR_BRIDGE_MAX_REQ;
}

static bool ub_test_service(struct hvisor_ubridge *ub)
{
	unsigned long flags;
	bool more, found;

	spin_lock_irqsave(&ub->lock, flags);
	more = ub_service(ub, &found);
	spin_unlock_irqrestore(&ub->lock, flags);
	return more;
}

/* A read is forwarded as is, answered once, truncated by the core. */
static void ub_test_read_answer(struct kunit *test)
{
	struct ub_test *t = test->priv;
	struct hvisor_device_req req = ub_req(3, 0xa010000, 4, false, 0), got;

	KUNIT_ASSERT_TRUE(test, ub_forward(&t->ub, &req));
	KUNIT_EXPECT_EQ(test, t->page->req_rear, 1U);
	KUNIT_ASSERT_TRUE(test, ub_daemon_take(t->page, &got));
	KUNIT_EXPECT_EQ(test, got.src_cpu, 3ULL);
	KUNIT_EXPECT_EQ(test, got.address, 0xa010000ULL);
	KUNIT_EXPECT_EQ(test, got.size, 4ULL);
	KUNIT_EXPECT_EQ(test, got.is_write, 0);
	KUNIT_EXPECT_EQ(test, got.need_interrupt, 0);
	KUNIT_EXPECT_EQ(test, got.src_zone, 1U);
	/* Nothing answered before the daemon does. */
	KUNIT_EXPECT_TRUE(test, ub_test_service(&t->ub));
	KUNIT_EXPECT_EQ(test, hvisor_stub_answers(3), 0U);
	ub_daemon_answer(t->page, 3, 0x1122334474726976ULL);
	KUNIT_EXPECT_FALSE(test, ub_test_service(&t->ub));
	KUNIT_EXPECT_EQ(test, hvisor_stub_answers(3), 1U);
	KUNIT_EXPECT_EQ(test, hvisor_stub_answer_value(3),
			0x1122334474726976ULL);
	/* The size of the request, whatever the daemon thinks. */
	KUNIT_EXPECT_EQ(test, hvisor_stub_answer_size(3), 4ULL);
	/* Looking again relays nothing more. */
	ub_test_service(&t->ub);
	KUNIT_EXPECT_EQ(test, hvisor_stub_answers(3), 1U);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->ub.stats.answers), 1LL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->ub.stats.bad_answer), 0LL);
}

/* Requests reach the daemon in dispatch order; answers go to their CPUs. */
static void ub_test_order(struct kunit *test)
{
	struct ub_test *t = test->priv;
	struct hvisor_device_req req, got;
	unsigned int i;

	for (i = 0; i < 8; i++) {
		req = i % 2 ? ub_notify(0xa010000, i) :
		      ub_req(i, 0xa010000 + 4 * i, 4, i % 4 == 2, i);
		KUNIT_ASSERT_TRUE(test, ub_forward(&t->ub, &req));
	}
	for (i = 0; i < 8; i++) {
		KUNIT_ASSERT_TRUE(test, ub_daemon_take(t->page, &got));
		KUNIT_EXPECT_EQ(test, got.value, (u64)i);
		KUNIT_EXPECT_EQ(test, got.need_interrupt, i % 2);
	}
	KUNIT_EXPECT_FALSE(test, ub_daemon_take(t->page, &got));
	/* Answers in another order than the requests: each its own. */
	ub_daemon_answer(t->page, 6, 60);
	ub_daemon_answer(t->page, 0, 0xdead);
	ub_test_service(&t->ub);
	KUNIT_EXPECT_EQ(test, hvisor_stub_answer_value(6), 60ULL);
	KUNIT_EXPECT_EQ(test, hvisor_stub_answer_value(0), 0xdeadULL);
	KUNIT_EXPECT_EQ(test, hvisor_stub_answers(2), 0U);
	KUNIT_EXPECT_EQ(test, hvisor_stub_answers(4), 0U);
	KUNIT_EXPECT_EQ(test, t->ub.nr_waiting, 2U);
}

/* The eventfd is signalled exactly when the daemon set need_wakeup. */
static void ub_test_need_wakeup(struct kunit *test)
{
	struct ub_test *t = test->priv;
	struct hvisor_device_req req = ub_notify(0xa010000, 0);

	KUNIT_ASSERT_TRUE(test, ub_forward(&t->ub, &req));
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->ub.stats.signals), 0LL);
	t->page->need_wakeup = 1;
	req.value = 1;
	KUNIT_ASSERT_TRUE(test, ub_forward(&t->ub, &req));
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->ub.stats.signals), 1LL);
	/* Nothing new published: no signal. */
	ub_test_service(&t->ub);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->ub.stats.signals), 1LL);
}

/*
 * A full ring: requests wait in the backlog, in order; a notify equal to
 * one waiting there is merged; beyond the backlog a notify is lost and a
 * waiting vCPU refused (the core answers it), each counted.
 */
static void ub_test_backlog(struct kunit *test)
{
	struct ub_test *t = test->priv;
	struct hvisor_device_req req, got;
	unsigned int i, n = 0;

	for (i = 0; i < HVISOR_BRIDGE_MAX_REQ - 1 + UB_BACKLOG; i++) {
		req = ub_notify(0xa010000, i);
		KUNIT_ASSERT_TRUE(test, ub_forward(&t->ub, &req));
	}
	KUNIT_EXPECT_EQ(test, t->ub.bl_len, (unsigned int)UB_BACKLOG);
	/* Merged with the equal one in the backlog: not an overflow. */
	req = ub_notify(0xa010000, HVISOR_BRIDGE_MAX_REQ + 5);
	KUNIT_EXPECT_TRUE(test, ub_forward(&t->ub, &req));
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->ub.stats.overflow), 0LL);
	req = ub_notify(0xa010200, 0);
	KUNIT_EXPECT_TRUE(test, ub_forward(&t->ub, &req));
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->ub.stats.overflow), 1LL);
	req = ub_req(7, 0xa010000, 4, false, 0);
	KUNIT_EXPECT_FALSE(test, ub_forward(&t->ub, &req));
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->ub.stats.overflow), 2LL);
	KUNIT_EXPECT_EQ(test, t->ub.cpu[7].state, UB_IDLE);
	/* The daemon drains; every request comes, once, in order. */
	for (;;) {
		while (ub_daemon_take(t->page, &got)) {
			KUNIT_EXPECT_EQ(test, got.value, (u64)n);
			n++;
		}
		if (!ub_test_service(&t->ub))
			break;
	}
	while (ub_daemon_take(t->page, &got))
		KUNIT_EXPECT_EQ(test, got.value, (u64)n++);
	KUNIT_EXPECT_EQ(test, n, HVISOR_BRIDGE_MAX_REQ - 1 + UB_BACKLOG);
	KUNIT_EXPECT_EQ(test, t->ub.bl_len, 0U);
}

/* A vCPU that waits already cannot wait twice. */
static void ub_test_cpu_busy(struct kunit *test)
{
	struct ub_test *t = test->priv;
	struct hvisor_device_req req = ub_req(5, 0xa010000, 4, false, 0);

	KUNIT_ASSERT_TRUE(test, ub_forward(&t->ub, &req));
	KUNIT_EXPECT_FALSE(test, ub_forward(&t->ub, &req));
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->ub.stats.overflow), 1LL);
	KUNIT_EXPECT_EQ(test, t->page->req_rear, 1U);
	/* The one answer goes to the first request. */
	ub_daemon_answer(t->page, 5, 9);
	ub_test_service(&t->ub);
	KUNIT_EXPECT_EQ(test, hvisor_stub_answers(5), 1U);
}

/* A req_front outside what is in flight is ignored, counted once. */
static void ub_test_bad_front(struct kunit *test)
{
	struct ub_test *t = test->priv;
	struct hvisor_device_req req, got;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		req = ub_notify(0xa010000, i);
		KUNIT_ASSERT_TRUE(test, ub_forward(&t->ub, &req));
	}
	KUNIT_ASSERT_TRUE(test, ub_daemon_take(t->page, &got));
	/* Out of the ring. */
	WRITE_ONCE(t->page->req_front, 0x4000);
	ub_test_service(&t->ub);
	ub_test_service(&t->ub);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->ub.stats.bad_index), 1LL);
	/* In the ring, but past our rear: also nonsense. */
	WRITE_ONCE(t->page->req_front, 20);
	ub_test_service(&t->ub);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->ub.stats.bad_index), 2LL);
	KUNIT_EXPECT_EQ(test, t->ub.req_front, 1U);
	/* Our own indices were never used from the page. */
	req = ub_notify(0xa010000, 3);
	KUNIT_ASSERT_TRUE(test, ub_forward(&t->ub, &req));
	KUNIT_EXPECT_EQ(test, t->page->req_rear, 4U);
	/* A sane value again: progress. */
	WRITE_ONCE(t->page->req_front, 3);
	ub_test_service(&t->ub);
	KUNIT_EXPECT_EQ(test, t->ub.req_front, 3U);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->ub.stats.bad_index), 2LL);
	KUNIT_ASSERT_TRUE(test, ub_daemon_take(t->page, &got));
	KUNIT_EXPECT_EQ(test, got.value, 3ULL);
}

/* A req_front moved back to 0 is as wrong as any other. */
static void ub_test_bad_front_zero(struct kunit *test)
{
	struct ub_test *t = test->priv;
	struct hvisor_device_req req, got;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		req = ub_notify(0xa010000, i);
		KUNIT_ASSERT_TRUE(test, ub_forward(&t->ub, &req));
	}
	KUNIT_ASSERT_TRUE(test, ub_daemon_take(t->page, &got));
	KUNIT_ASSERT_TRUE(test, ub_daemon_take(t->page, &got));
	ub_test_service(&t->ub);
	KUNIT_EXPECT_EQ(test, t->ub.req_front, 2U);
	WRITE_ONCE(t->page->req_front, 0);
	ub_test_service(&t->ub);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->ub.stats.bad_index), 1LL);
	KUNIT_EXPECT_EQ(test, t->ub.req_front, 2U);
	/* Good again, then the same bad value: counted again. */
	WRITE_ONCE(t->page->req_front, 2);
	ub_test_service(&t->ub);
	WRITE_ONCE(t->page->req_front, 0);
	ub_test_service(&t->ub);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->ub.stats.bad_index), 2LL);
}

/*
 * Answers for a vCPU that waits for nothing, or whose request the daemon
 * has not even been given, are counted and never reach a vCPU; the answer
 * to a later real request is still relayed correctly.
 */
static void ub_test_bad_answer(struct kunit *test)
{
	struct ub_test *t = test->priv;
	struct hvisor_device_req req, got;
	unsigned int i;

	ub_daemon_answer(t->page, 9, 1);
	ub_daemon_answer(t->page, 31, 1);
	ub_test_service(&t->ub);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->ub.stats.bad_answer), 2LL);
	KUNIT_EXPECT_EQ(test, hvisor_stub_answers(9), 0U);
	KUNIT_EXPECT_EQ(test, hvisor_stub_answers(31), 0U);
	/* Fill the ring so that cpu 4's request stays in the backlog. */
	for (i = 0; i < HVISOR_BRIDGE_MAX_REQ - 1; i++) {
		req = ub_notify(0xa010000, i);
		KUNIT_ASSERT_TRUE(test, ub_forward(&t->ub, &req));
	}
	req = ub_req(4, 0xa010004, 4, false, 0);
	KUNIT_ASSERT_TRUE(test, ub_forward(&t->ub, &req));
	KUNIT_EXPECT_EQ(test, t->ub.cpu[4].state, UB_QUEUED);
	ub_daemon_answer(t->page, 4, 0xbad);
	ub_test_service(&t->ub);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->ub.stats.bad_answer), 3LL);
	KUNIT_EXPECT_EQ(test, hvisor_stub_answers(4), 0U);
	/* Delivered now; the real answer is the one relayed. */
	while (ub_daemon_take(t->page, &got))
		;
	ub_test_service(&t->ub);
	KUNIT_EXPECT_EQ(test, t->ub.cpu[4].state, UB_DELIVERED);
	ub_daemon_answer(t->page, 4, 0x600d);
	ub_test_service(&t->ub);
	KUNIT_EXPECT_EQ(test, hvisor_stub_answers(4), 1U);
	KUNIT_EXPECT_EQ(test, hvisor_stub_answer_value(4), 0x600dULL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->ub.stats.bad_answer), 3LL);
}

/* Result entries reach hvisor in order; a full ring keeps them. */
static void ub_test_results(struct kunit *test)
{
	struct ub_test *t = test->priv;
	u32 zone[8], irq[8];

	ub_daemon_push(t->page, 1, 100);
	ub_daemon_push(t->page, 1, 101);
	ub_test_service(&t->ub);
	KUNIT_ASSERT_EQ(test, hvisor_stub_relays(zone, irq, 8), 2U);
	KUNIT_EXPECT_EQ(test, irq[0], 100U);
	KUNIT_EXPECT_EQ(test, irq[1], 101U);
	KUNIT_EXPECT_EQ(test, t->page->res_front, 2U);
	/* hvisor's ring full: nothing consumed, the timer has to go on. */
	hvisor_stub_relay_full(true);
	ub_daemon_push(t->page, 1, 102);
	KUNIT_EXPECT_TRUE(test, ub_test_service(&t->ub));
	KUNIT_EXPECT_EQ(test, t->page->res_front, 2U);
	hvisor_stub_relay_full(false);
	KUNIT_EXPECT_FALSE(test, ub_test_service(&t->ub));
	KUNIT_ASSERT_EQ(test, hvisor_stub_relays(zone, irq, 8), 3U);
	KUNIT_EXPECT_EQ(test, irq[2], 102U);
	KUNIT_EXPECT_EQ(test, t->page->res_front, 3U);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->ub.stats.results), 3LL);
}

/* Garbage in the result ring: bad index, unknown zone, a ring "full". */
static void ub_test_bad_results(struct kunit *test)
{
	struct ub_test *t = test->priv;
	u32 zone[HVISOR_BRIDGE_MAX_REQ], irq[HVISOR_BRIDGE_MAX_REQ];
	unsigned int i;

	WRITE_ONCE(t->page->res_rear, 0xffffffff);
	ub_test_service(&t->ub);
	ub_test_service(&t->ub);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->ub.stats.bad_index), 1LL);
	KUNIT_EXPECT_EQ(test, hvisor_stub_relays(zone, irq, 0), 0U);
	KUNIT_EXPECT_EQ(test, t->page->res_front, 0U);
	/* A full ring of entries, zone 0 (unknown) in every other one. */
	for (i = 0; i < HVISOR_BRIDGE_MAX_REQ - 1; i++) {
		t->page->res_list[i].target_zone = i % 2;
		t->page->res_list[i].irq_id = 1000 + i;
	}
	WRITE_ONCE(t->page->res_rear, HVISOR_BRIDGE_MAX_REQ - 1);
	KUNIT_EXPECT_FALSE(test, ub_test_service(&t->ub));
	KUNIT_ASSERT_EQ(test, hvisor_stub_relays(zone, irq,
						 HVISOR_BRIDGE_MAX_REQ), 15U);
	for (i = 0; i < 15; i++)
		KUNIT_EXPECT_EQ(test, irq[i], 1001 + 2 * i);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->ub.stats.bad_result), 16LL);
	KUNIT_EXPECT_EQ(test, t->page->res_front,
			(u32)(HVISOR_BRIDGE_MAX_REQ - 1));
}

/*
 * The daemon goes away with a vCPU whose request it holds and one whose
 * request is still in the backlog: both are answered 0 with their size,
 * once; then nothing is forwarded any more.
 */
static void ub_test_detach(struct kunit *test)
{
	struct ub_test *t = test->priv;
	struct hvisor_device_req req;
	unsigned int i, nr;

	req = ub_req(2, 0xa010010, 2, false, 0);
	KUNIT_ASSERT_TRUE(test, ub_forward(&t->ub, &req));
	for (i = 0; i < HVISOR_BRIDGE_MAX_REQ - 2; i++) {
		req = ub_notify(0xa010000, i);
		KUNIT_ASSERT_TRUE(test, ub_forward(&t->ub, &req));
	}
	req = ub_req(8, 0xa010070, 4, true, 1);
	KUNIT_ASSERT_TRUE(test, ub_forward(&t->ub, &req));
	KUNIT_EXPECT_EQ(test, t->ub.cpu[2].state, UB_DELIVERED);
	KUNIT_EXPECT_EQ(test, t->ub.cpu[8].state, UB_QUEUED);
	KUNIT_EXPECT_NULL(test, ub_detach(&t->ub, &nr));
	KUNIT_EXPECT_EQ(test, nr, 2U);
	KUNIT_EXPECT_EQ(test, hvisor_stub_answers(2), 1U);
	KUNIT_EXPECT_EQ(test, hvisor_stub_answer_value(2), 0ULL);
	KUNIT_EXPECT_EQ(test, hvisor_stub_answer_size(2), 2ULL);
	KUNIT_EXPECT_EQ(test, hvisor_stub_answers(8), 1U);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->ub.stats.orphaned), 2LL);
	/* A late answer of the dead daemon reaches nobody. */
	ub_daemon_answer(t->page, 2, 5);
	req = ub_req(2, 0xa010010, 2, false, 0);
	KUNIT_EXPECT_FALSE(test, ub_forward(&t->ub, &req));
	KUNIT_EXPECT_EQ(test, hvisor_stub_answers(2), 1U);
	/* Attached again: a clean state. */
	memset(t->page, 0, sizeof(*t->page));
	ub_attach(&t->ub, t->page, NULL, (struct file *)t);
	KUNIT_ASSERT_TRUE(test, ub_forward(&t->ub, &req));
	ub_daemon_answer(t->page, 2, 0x77);
	ub_test_service(&t->ub);
	KUNIT_EXPECT_EQ(test, hvisor_stub_answers(2), 2U);
	KUNIT_EXPECT_EQ(test, hvisor_stub_answer_value(2), 0x77ULL);
}

/* The hypervisor went away: its vCPUs are not answered. */
static void ub_test_hv_gone(struct kunit *test)
{
	struct ub_test *t = test->priv;
	struct hvisor_device_req req = ub_req(1, 0xa010000, 4, false, 0);
	unsigned long flags;

	KUNIT_ASSERT_TRUE(test, ub_forward(&t->ub, &req));
	spin_lock_irqsave(&t->ub.lock, flags);
	ub_drop_all(&t->ub, false);
	spin_unlock_irqrestore(&t->ub.lock, flags);
	KUNIT_EXPECT_EQ(test, hvisor_stub_answers(1), 0U);
	ub_daemon_answer(t->page, 1, 5);
	ub_test_service(&t->ub);
	KUNIT_EXPECT_EQ(test, hvisor_stub_answers(1), 0U);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->ub.stats.bad_answer), 1LL);
}

/*
 * Without anyone looking (no wakeup, no FINISH_REQ) the timer finds the
 * answer: the daemon's answer is all the module gets.
 */
static void ub_test_timer(struct kunit *test)
{
	struct ub_test *t = test->priv;
	struct hvisor_device_req req = ub_req(6, 0xa010000, 4, false, 0);
	unsigned int i;

	t->ub.timer.function = ub_timer_fn;
	KUNIT_ASSERT_TRUE(test, ub_forward(&t->ub, &req));
	ub_daemon_answer(t->page, 6, 42);
	/* An event, not a time limit: 10 s is far beyond any timer period. */
	for (i = 0; i < 10000 && !hvisor_stub_answers(6); i++)
		usleep_range(1000, 2000);
	KUNIT_EXPECT_EQ(test, hvisor_stub_answers(6), 1U);
	KUNIT_EXPECT_EQ(test, hvisor_stub_answer_value(6), 42ULL);
	/* Nothing outstanding: the timer stopped itself. */
	for (i = 0; i < 10000 && (READ_ONCE(t->ub.armed) ||
				  hrtimer_active(&t->ub.timer)); i++)
		usleep_range(1000, 2000);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(t->ub.armed));
	KUNIT_EXPECT_FALSE(test, hrtimer_active(&t->ub.timer));
}

static struct kunit_case ub_test_cases[] = {
	KUNIT_CASE(ub_test_read_answer),
	KUNIT_CASE(ub_test_order),
	KUNIT_CASE(ub_test_need_wakeup),
	KUNIT_CASE(ub_test_backlog),
	KUNIT_CASE(ub_test_cpu_busy),
	KUNIT_CASE(ub_test_bad_front),
	KUNIT_CASE(ub_test_bad_front_zero),
	KUNIT_CASE(ub_test_bad_answer),
	KUNIT_CASE(ub_test_results),
	KUNIT_CASE(ub_test_bad_results),
	KUNIT_CASE(ub_test_detach),
	KUNIT_CASE(ub_test_hv_gone),
	KUNIT_CASE(ub_test_timer),
	{}
};

static struct kunit_suite ub_test_suite = {
	.name = "hvisor_ubridge",
	.init = ub_test_init,
	.exit = ub_test_exit,
	.test_cases = ub_test_cases,
};

kunit_test_suite(ub_test_suite);
