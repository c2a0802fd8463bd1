// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the console: the log ring (console_log.c): history, the
 * tty reader's position, overwriting and the lost count, wrapping at sizes
 * that are not powers of two; and the virtio side (console.c) driven the
 * way a guest drives it, against a zone whose RAM is a kmalloc'ed buffer
 * and stand-ins for the root tty.
 */

/* console.c first: its pr_fmt is the one in force. */
#include "../console/console.c"
#include "../console/log.c"

#include <kunit/test.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <uapi/linux/virtio_mmio.h>

#include "../zone.h"
#include "kunit_stubs.h"

static void clog_init(struct kunit *test, struct hvcon_log *log, u32 size)
{
	KUNIT_ASSERT_EQ(test, hvcon_log_init(log, size), 0);
}

/* Read everything pending for the reader, as the tty feeder does. */
static u32 clog_drain(struct hvcon_log *log, u8 *out, u32 room)
{
	const u8 *p;
	u32 n, done = 0;

	while ((n = hvcon_log_peek(log, &p)) && done < room) {
		n = min(n, room - done);
		memcpy(out + done, p, n);
		hvcon_log_consume(log, n);
		done += n;
	}
	return done;
}

static void console_log_empty(struct kunit *test)
{
	struct hvcon_log log;
	const u8 *p;
	u8 buf[4];

	clog_init(test, &log, 10);
	KUNIT_EXPECT_EQ(test, hvcon_log_pending(&log), 0U);
	KUNIT_EXPECT_EQ(test, hvcon_log_peek(&log, &p), 0U);
	KUNIT_EXPECT_EQ(test, hvcon_log_used(&log), 0U);
	KUNIT_EXPECT_EQ(test, hvcon_log_copy(&log, buf, sizeof(buf)), 0U);
	hvcon_log_free(&log);
	KUNIT_EXPECT_EQ(test, hvcon_log_init(&log, 0), -EINVAL);
}

static void console_log_basic(struct kunit *test)
{
	struct hvcon_log log;
	u8 out[16];

	clog_init(test, &log, 10);
	KUNIT_EXPECT_EQ(test, hvcon_log_write(&log, "hello", 5), 0ULL);
	KUNIT_EXPECT_EQ(test, hvcon_log_pending(&log), 5U);
	KUNIT_EXPECT_EQ(test, clog_drain(&log, out, sizeof(out)), 5U);
	KUNIT_EXPECT_EQ(test, memcmp(out, "hello", 5), 0);
	/* Delivered bytes stay in the history. */
	KUNIT_EXPECT_EQ(test, hvcon_log_pending(&log), 0U);
	KUNIT_EXPECT_EQ(test, hvcon_log_used(&log), 5U);
	KUNIT_EXPECT_EQ(test, hvcon_log_copy(&log, out, sizeof(out)), 5U);
	KUNIT_EXPECT_EQ(test, memcmp(out, "hello", 5), 0);
	/* A short copy gives the newest bytes. */
	KUNIT_EXPECT_EQ(test, hvcon_log_copy(&log, out, 3), 3U);
	KUNIT_EXPECT_EQ(test, memcmp(out, "llo", 3), 0);
	hvcon_log_free(&log);
}

static void console_log_wrap(struct kunit *test)
{
	struct hvcon_log log;
	u8 out[16];

	clog_init(test, &log, 7);
	hvcon_log_write(&log, "abcde", 5);
	KUNIT_EXPECT_EQ(test, clog_drain(&log, out, sizeof(out)), 5U);
	/* Wraps: 2 bytes at the end, 3 at the start. */
	KUNIT_EXPECT_EQ(test, hvcon_log_write(&log, "fghij", 5), 0ULL);
	KUNIT_EXPECT_EQ(test, clog_drain(&log, out, sizeof(out)), 5U);
	KUNIT_EXPECT_EQ(test, memcmp(out, "fghij", 5), 0);
	KUNIT_EXPECT_EQ(test, hvcon_log_used(&log), 7U);
	KUNIT_EXPECT_EQ(test, hvcon_log_copy(&log, out, sizeof(out)), 7U);
	KUNIT_EXPECT_EQ(test, memcmp(out, "defghij", 7), 0);
	KUNIT_EXPECT_EQ(test, log.lost, 0ULL);
	hvcon_log_free(&log);
}

static void console_log_overwrite(struct kunit *test)
{
	struct hvcon_log log;
	u8 out[16];

	clog_init(test, &log, 8);
	KUNIT_EXPECT_EQ(test, hvcon_log_write(&log, "0123456789", 10), 2ULL);
	KUNIT_EXPECT_EQ(test, log.lost, 2ULL);
	KUNIT_EXPECT_EQ(test, hvcon_log_pending(&log), 8U);
	KUNIT_EXPECT_EQ(test, clog_drain(&log, out, 3), 3U);
	KUNIT_EXPECT_EQ(test, memcmp(out, "234", 3), 0);
	/* 5 pending, 4 more: the reader loses 1. */
	KUNIT_EXPECT_EQ(test, hvcon_log_write(&log, "abcd", 4), 1ULL);
	KUNIT_EXPECT_EQ(test, log.lost, 3ULL);
	KUNIT_EXPECT_EQ(test, clog_drain(&log, out, sizeof(out)), 8U);
	KUNIT_EXPECT_EQ(test, memcmp(out, "6789abcd", 8), 0);
	/* Nothing pending: overwriting delivered history loses nothing. */
	KUNIT_EXPECT_EQ(test, hvcon_log_write(&log, "ABCDEFGH", 8), 0ULL);
	KUNIT_EXPECT_EQ(test, log.lost, 3ULL);
	hvcon_log_free(&log);
}

static void console_log_huge_write(struct kunit *test)
{
	struct hvcon_log log;
	u8 *big;
	u8 out[5];
	u32 i;

	big = kunit_kmalloc(test, 1000, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, big);
	for (i = 0; i < 1000; i++)
		big[i] = i % 251;
	clog_init(test, &log, 5);
	hvcon_log_write(&log, "x", 1);
	KUNIT_EXPECT_EQ(test, hvcon_log_write(&log, big, 1000), 996ULL);
	KUNIT_EXPECT_EQ(test, log.head, 1001ULL);
	KUNIT_EXPECT_EQ(test, clog_drain(&log, out, sizeof(out)), 5U);
	KUNIT_EXPECT_EQ(test, memcmp(out, big + 995, 5), 0);
	hvcon_log_free(&log);
}

static void console_log_clear(struct kunit *test)
{
	struct hvcon_log log;
	u8 out[8];

	clog_init(test, &log, 8);
	hvcon_log_write(&log, "abc", 3);
	hvcon_log_clear(&log);
	KUNIT_EXPECT_EQ(test, hvcon_log_used(&log), 0U);
	KUNIT_EXPECT_EQ(test, hvcon_log_pending(&log), 0U);
	hvcon_log_write(&log, "de", 2);
	KUNIT_EXPECT_EQ(test, hvcon_log_copy(&log, out, sizeof(out)), 2U);
	KUNIT_EXPECT_EQ(test, memcmp(out, "de", 2), 0);
	KUNIT_EXPECT_EQ(test, log.lost, 0ULL);
	hvcon_log_free(&log);
}

/* Many writes and partial reads at an odd size, checked byte by byte. */
static void console_log_stream(struct kunit *test)
{
	struct hvcon_log log;
	u8 chunk[37], out[64];
	u32 i, j, n, got, wpos = 0, rpos = 0;

	clog_init(test, &log, 97);
	for (i = 0; i < 500; i++) {
		n = 1 + i % 37;
		for (j = 0; j < n; j++)
			chunk[j] = (u8)(wpos + j);
		KUNIT_ASSERT_EQ(test, hvcon_log_write(&log, chunk, n), 0ULL);
		wpos += n;
		do {
			got = clog_drain(&log, out, 1 + (i * 7) % 64);
			for (j = 0; j < got; j++)
				KUNIT_ASSERT_EQ(test, out[j], (u8)(rpos + j));
			rpos += got;
		} while (hvcon_log_pending(&log) > 60);
	}
	KUNIT_EXPECT_EQ(test, hvcon_log_pending(&log), wpos - rpos);
	KUNIT_EXPECT_EQ(test, log.lost, 0ULL);
	KUNIT_EXPECT_EQ(test, hvcon_log_used(&log), 97U);
	hvcon_log_free(&log);
}

static struct kunit_case console_log_cases[] = {
	KUNIT_CASE(console_log_empty),
	KUNIT_CASE(console_log_basic),
	KUNIT_CASE(console_log_wrap),
	KUNIT_CASE(console_log_overwrite),
	KUNIT_CASE(console_log_huge_write),
	KUNIT_CASE(console_log_clear),
	KUNIT_CASE(console_log_stream),
	{}
};

static struct kunit_suite console_log_suite = {
	.name = "hvisor_console_log",
	.test_cases = console_log_cases,
};

/* ---- The virtio side ---- */

/* The root tty (tty.c) is not in the test module: stand-ins. */
struct hvcon_port {
	unsigned int index;
};

static struct hvcon_port ct_port = { .index = 5 };

int hvcon_tty_init(void)
{
	return 0;
}

void hvcon_tty_exit(void)
{
}

int hvcon_tty_add(struct hvcon_dev *dev)
{
	dev->port = &ct_port;
	return 0;
}

void hvcon_tty_detach(struct hvcon_dev *dev)
{
}

void hvcon_tty_put(struct hvcon_dev *dev)
{
	dev->port = NULL;
}

unsigned int hvcon_tty_index(const struct hvcon_dev *dev)
{
	return dev->port->index;
}

bool hvcon_tty_feed(struct hvcon_dev *dev)
{
	return true;
}

bool hvcon_tty_is_open(struct hvcon_dev *dev)
{
	return false;
}

void hvcon_tty_wakeup(struct hvcon_dev *dev)
{
}

#define CT_GPA		0x50000000ULL
#define CT_RAM		SZ_256K
#define CT_QSIZE	8
#define CT_CPU		2
/* Per queue q: descriptors, avail ring, used ring at CT_GPA + q * 0x3000. */
#define CT_QSTRIDE	0x3000
/* Guest buffers from here on. */
#define CT_DATA		0x8000

/**
 * struct ct - a console device and the guest driving it
 * @vdev: the device
 * @dev: the same, as a console
 * @zone: its zone
 * @ram: the zone's RAM
 * @avail: avail index the guest published last, per queue
 * @data: next free byte of guest buffer space (offset in @ram)
 */
struct ct {
	struct hvisor_vdev *vdev;
	struct hvcon_dev *dev;
	struct hvisor_zone *zone;
	u8 *ram;
	u16 avail[HVCON_NR_QUEUES];
	u32 data;
};

static u64 ct_qgpa(unsigned int q, unsigned int part)
{
	return CT_GPA + q * CT_QSTRIDE + part * 0x1000;
}

static void *ct_ptr(struct ct *t, u64 gpa)
{
	return t->ram + (gpa - CT_GPA);
}

static void ct_wr(struct ct *t, u64 off, u32 val)
{
	hvisor_vdev_mmio_write(t->vdev, off, 4, val, CT_CPU);
}

static u32 ct_rd(struct ct *t, u64 off)
{
	return hvisor_vdev_mmio_read(t->vdev, off, 4);
}

static void ct_queue(struct ct *t, unsigned int q)
{
	static const u32 regs[] = { VIRTIO_MMIO_QUEUE_DESC_LOW,
				    VIRTIO_MMIO_QUEUE_AVAIL_LOW,
				    VIRTIO_MMIO_QUEUE_USED_LOW };
	unsigned int i;

	ct_wr(t, VIRTIO_MMIO_QUEUE_SEL, q);
	ct_wr(t, VIRTIO_MMIO_QUEUE_NUM, CT_QSIZE);
	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		ct_wr(t, regs[i], lower_32_bits(ct_qgpa(q, i)));
		ct_wr(t, regs[i] + 4, upper_32_bits(ct_qgpa(q, i)));
	}
	ct_wr(t, VIRTIO_MMIO_QUEUE_READY, 1);
}

/* What Linux's virtio_console does up to DRIVER_OK (VERSION_1 only). */
static void ct_go_live(struct kunit *test, struct ct *t)
{
	const u32 ok = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		VIRTIO_CONFIG_S_FEATURES_OK;

	ct_wr(t, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	ct_wr(t, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
	      VIRTIO_CONFIG_S_DRIVER);
	ct_wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	ct_wr(t, VIRTIO_MMIO_DRIVER_FEATURES, 1U << (VIRTIO_F_VERSION_1 - 32));
	ct_wr(t, VIRTIO_MMIO_STATUS, ok);
	KUNIT_ASSERT_EQ(test, ct_rd(t, VIRTIO_MMIO_STATUS), ok);
	ct_queue(t, HVCON_RXQ);
	ct_queue(t, HVCON_TXQ);
	ct_wr(t, VIRTIO_MMIO_STATUS, ok | VIRTIO_CONFIG_S_DRIVER_OK);
	KUNIT_ASSERT_EQ(test, ct_rd(t, VIRTIO_MMIO_STATUS),
			ok | VIRTIO_CONFIG_S_DRIVER_OK);
	/* DRIVER_OK kicked the transmit work: let it finish first. */
	flush_delayed_work(&t->dev->tx_work);
	flush_work(&t->dev->rx_wake);
	hvisor_stub_reset();
}

/* Make one buffer of @len bytes available on @q; returns its bytes. */
static u8 *ct_post(struct kunit *test, struct ct *t, unsigned int q,
		   const void *src, u32 len)
{
	struct hvisor_vring_desc *desc = ct_ptr(t, ct_qgpa(q, 0));
	struct hvisor_vring_avail *avail = ct_ptr(t, ct_qgpa(q, 1));
	u16 slot = t->avail[q] % CT_QSIZE;
	u8 *buf = t->ram + t->data;

	KUNIT_ASSERT_LE(test, t->data + len, (u32)CT_RAM);
	if (src)
		memcpy(buf, src, len);
	desc[slot].addr = cpu_to_le64(CT_GPA + t->data);
	desc[slot].len = cpu_to_le32(len);
	desc[slot].flags = cpu_to_le16(q == HVCON_RXQ ? VRING_DESC_F_WRITE : 0);
	desc[slot].next = 0;
	avail->ring[slot] = cpu_to_le16(slot);
	/* The ring entry before the index that publishes it. */
	smp_wmb();
	WRITE_ONCE(avail->idx, cpu_to_le16(++t->avail[q]));
	t->data += len;
	return buf;
}

static u16 ct_used_idx(struct ct *t, unsigned int q)
{
	struct hvisor_vring_used *used = ct_ptr(t, ct_qgpa(q, 2));

	return le16_to_cpu(READ_ONCE(used->idx));
}

/* Whether the log holds exactly @want. */
static bool ct_log_is(struct ct *t, const char *want)
{
	char buf[64] = "";
	u32 n, used;
	u64 lost;

	n = hvisor_console_log_copy(t->vdev, buf, sizeof(buf) - 1, false,
				    &used, &lost);
	return n == strlen(want) && !memcmp(buf, want, n);
}

static void ct_poll(struct ct *t, unsigned int q)
{
	rcu_read_lock();
	hvisor_vdev_poll(t->vdev, q);
	rcu_read_unlock();
}

static int ct_init(struct kunit *test)
{
	struct hvisor_vhost_dev_config cfg = {
		.type = HVISOR_VHOST_DEV_CONSOLE,
		.queue_size = CT_QSIZE,
		.backing_fd = -1,
		.console.log_size = SZ_4K,
	};
	struct hvisor_vdev *vdev;
	struct ct *t;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->ram = kunit_kzalloc(test, CT_RAM, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t->ram);
	t->zone = hvisor_zone_create(1);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->zone);
	KUNIT_ASSERT_EQ(test, hvisor_zone_add_region(t->zone, CT_GPA, CT_RAM,
						     t->ram, 0, false), 0);
	vdev = hvcon_create(&cfg);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vdev);
	vdev->id = 3;
	vdev->zone = t->zone;
	vdev->addr = 0xa000400;
	vdev->irq = 34;
	t->vdev = vdev;
	t->dev = to_hvcon(vdev);
	t->data = CT_DATA;
	test->priv = t;
	ct_go_live(test, t);
	return 0;
}

static void ct_exit(struct kunit *test)
{
	struct ct *t = test->priv;

	hvisor_vdev_reset_sync(t->vdev);
	t->vdev->ops->release(t->vdev);
	hvisor_zone_put(t->zone);
}

/* QueueNotify hands the transmitq to tx_work, which logs and completes. */
static void console_notify_feeds_the_log(struct kunit *test)
{
	struct ct *t = test->priv;

	ct_post(test, t, HVCON_TXQ, "hello", 5);
	ct_wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, HVCON_TXQ);
	flush_delayed_work(&t->dev->tx_work);
	KUNIT_EXPECT_EQ(test, ct_used_idx(t, HVCON_TXQ), 1);
	KUNIT_EXPECT_TRUE(test, ct_log_is(t, "hello"));
	KUNIT_EXPECT_EQ(test, hvisor_stub_injections(t->vdev), 1U);
}

/* A simulated vCPU's poll has taken its chain when it returns. */
static void console_poll_completes_before_return(struct kunit *test)
{
	struct ct *t = test->priv;

	ct_post(test, t, HVCON_TXQ, "abc", 3);
	ct_poll(t, HVCON_RXQ);
	KUNIT_EXPECT_EQ(test, ct_used_idx(t, HVCON_TXQ), 0);
	ct_poll(t, HVCON_TXQ);
	KUNIT_EXPECT_EQ(test, ct_used_idx(t, HVCON_TXQ), 1);
	KUNIT_EXPECT_TRUE(test, ct_log_is(t, "abc"));
	flush_delayed_work(&t->dev->tx_work);
}

/* One hold of tx_lock copies about HVCON_TX_HOLD bytes, not 16 chains. */
static void console_tx_hold_is_bounded(struct kunit *test)
{
	struct ct *t = test->priv;
	const u32 len = 40 * 1024;
	unsigned int i;

	for (i = 0; i < 3; i++)
		memset(ct_post(test, t, HVCON_TXQ, NULL, len), 'a' + i, len);
	KUNIT_EXPECT_TRUE(test, hvcon_tx_some(t->dev, HVCON_TX_BUDGET));
	KUNIT_EXPECT_EQ(test, ct_used_idx(t, HVCON_TXQ), 2);
	KUNIT_EXPECT_FALSE(test, hvcon_tx_some(t->dev, HVCON_TX_BUDGET));
	KUNIT_EXPECT_EQ(test, ct_used_idx(t, HVCON_TXQ), 3);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->vdev->stats.bytes_out),
			3LL * len);
}

/*
 * Once the guest's reset has been answered, the device never writes a
 * used ring nor raises an interrupt: not from the transmit work, a
 * simulated vCPU's poll, a late notify, or root's tty writes, whatever the
 * guest left in its rings.
 */
static void console_quiet_after_reset(struct kunit *test)
{
	struct ct *t = test->priv;
	struct hvisor_vring_used *used[HVCON_NR_QUEUES];
	u8 snap[HVCON_NR_QUEUES][64];
	unsigned int q, injections;

	ct_post(test, t, HVCON_RXQ, NULL, 16);
	ct_post(test, t, HVCON_TXQ, "before", 6);
	KUNIT_EXPECT_EQ(test, hvcon_rx_write(t->dev, "r", 1), 1U);
	ct_poll(t, HVCON_TXQ);
	KUNIT_ASSERT_EQ(test, ct_used_idx(t, HVCON_RXQ), 1);
	KUNIT_ASSERT_EQ(test, ct_used_idx(t, HVCON_TXQ), 1);

	/* Status = 0: answered once the reset is done. */
	KUNIT_EXPECT_EQ(test, hvisor_vdev_mmio_write(t->vdev,
						     VIRTIO_MMIO_STATUS, 4, 0,
						     CT_CPU),
			HVISOR_MMIO_DEFERRED);
	flush_work(&t->vdev->reset_work);
	KUNIT_ASSERT_EQ(test, hvisor_stub_answers(CT_CPU), 1U);
	injections = hvisor_stub_injections(t->vdev);
	for (q = 0; q < HVCON_NR_QUEUES; q++) {
		used[q] = ct_ptr(t, ct_qgpa(q, 2));
		memcpy(snap[q], used[q], sizeof(snap[q]));
	}

	/* The guest's rings still hold work; everything root may do. */
	ct_post(test, t, HVCON_RXQ, NULL, 16);
	ct_post(test, t, HVCON_TXQ, "after", 5);
	ct_wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, HVCON_TXQ);
	ct_wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, HVCON_RXQ);
	ct_poll(t, HVCON_TXQ);
	hvcon_notify(t->vdev, HVCON_TXQ);
	hvcon_kick_tx(t->dev, 0);
	flush_delayed_work(&t->dev->tx_work);
	KUNIT_EXPECT_FALSE(test, hvcon_tx_some(t->dev, HVCON_TX_BUDGET));
	KUNIT_EXPECT_EQ(test, hvcon_rx_room(t->dev), 0U);
	KUNIT_EXPECT_EQ(test, hvcon_rx_write(t->dev, "x", 1), 0U);

	for (q = 0; q < HVCON_NR_QUEUES; q++)
		KUNIT_EXPECT_EQ(test, memcmp(snap[q], used[q], sizeof(snap[q])),
				0);
	KUNIT_EXPECT_EQ(test, hvisor_stub_injections(t->vdev), injections);
	KUNIT_EXPECT_TRUE(test, ct_log_is(t, "before"));
}

static struct kunit_case console_dev_cases[] = {
	KUNIT_CASE(console_notify_feeds_the_log),
	KUNIT_CASE(console_poll_completes_before_return),
	KUNIT_CASE(console_tx_hold_is_bounded),
	KUNIT_CASE(console_quiet_after_reset),
	{}
};

static struct kunit_suite console_dev_suite = {
	.name = "hvisor_console_dev",
	.init = ct_init,
	.exit = ct_exit,
	.test_cases = console_dev_cases,
};

kunit_test_suites(&console_log_suite, &console_dev_suite);
