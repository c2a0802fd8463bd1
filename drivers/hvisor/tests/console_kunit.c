// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the console log ring (console_log.c): history, the tty
 * reader's position, overwriting and the lost count, wrapping at sizes
 * that are not powers of two.
 */

#include "../console/log.c"

#include <kunit/test.h>

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

kunit_test_suite(console_log_suite);
