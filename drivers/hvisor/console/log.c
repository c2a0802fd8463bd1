// SPDX-License-Identifier: GPL-2.0
/*
 * The console log ring (see console_log.h). No locking and no context
 * restriction besides hvcon_log_init(); KUnit tested.
 */

#include <linux/errno.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "log.h"

static u32 hvcon_log_off(const struct hvcon_log *log, u64 pos)
{
	u32 rem;

	div_u64_rem(pos, log->size, &rem);
	return rem;
}

/**
 * hvcon_log_init() - allocate an empty log
 * @log: the log
 * @size: capacity in bytes, at least 1
 *
 * Process context. Return: 0, -EINVAL or -ENOMEM.
 */
int hvcon_log_init(struct hvcon_log *log, u32 size)
{
	memset(log, 0, sizeof(*log));
	if (!size)
		return -EINVAL;
	log->buf = kvmalloc(size, GFP_KERNEL);
	if (!log->buf)
		return -ENOMEM;
	log->size = size;
	return 0;
}

/**
 * hvcon_log_free() - free the log's buffer
 * @log: the log, initialised or zeroed
 */
void hvcon_log_free(struct hvcon_log *log)
{
	kvfree(log->buf);
	log->buf = NULL;
	log->size = 0;
}

/* Copy @len bytes (at most the size) to position @pos, wrapping. */
static void hvcon_log_put(struct hvcon_log *log, u64 pos, const u8 *src,
			  u32 len)
{
	u32 off = hvcon_log_off(log, pos);
	u32 first = min(len, log->size - off);

	memcpy(log->buf + off, src, first);
	memcpy(log->buf, src + first, len - first);
}

/**
 * hvcon_log_write() - append guest output, overwriting the oldest bytes
 * @log: the log
 * @src: the bytes
 * @len: how many
 *
 * Return: bytes the tty reader lost because they were overwritten before
 * it got them (also added to @log->lost).
 */
u64 hvcon_log_write(struct hvcon_log *log, const void *src, size_t len)
{
	const u8 *p = src;
	u64 lost = 0;

	if (!log->size)
		return 0;
	if (len > log->size) {
		/* Only the newest size bytes can stay. */
		log->head += len - log->size;
		p += len - log->size;
		len = log->size;
	}
	hvcon_log_put(log, log->head, p, len);
	log->head += len;
	if (log->head - log->start > log->size)
		log->start = log->head - log->size;
	if (log->rd < log->start) {
		lost = log->start - log->rd;
		log->rd = log->start;
		log->lost += lost;
	}
	return lost;
}

/**
 * hvcon_log_pending() - bytes the tty reader has not got yet
 * @log: the log
 *
 * Return: the count, at most the log's size.
 */
u32 hvcon_log_pending(const struct hvcon_log *log)
{
	return log->head - log->rd;
}

/**
 * hvcon_log_peek() - the oldest bytes pending for the tty reader
 * @log: the log
 * @data: out: where they are (valid until the next write)
 *
 * Return: how many contiguous bytes start at *@data (0: nothing pending).
 */
u32 hvcon_log_peek(const struct hvcon_log *log, const u8 **data)
{
	u32 off, n = hvcon_log_pending(log);

	if (!n)
		return 0;
	off = hvcon_log_off(log, log->rd);
	*data = log->buf + off;
	return min(n, log->size - off);
}

/**
 * hvcon_log_consume() - the tty reader took bytes
 * @log: the log
 * @len: how many, at most hvcon_log_pending()
 */
void hvcon_log_consume(struct hvcon_log *log, u32 len)
{
	log->rd += min(len, hvcon_log_pending(log));
}

/**
 * hvcon_log_used() - bytes of history the log holds
 * @log: the log
 *
 * Return: the count, at most the log's size.
 */
u32 hvcon_log_used(const struct hvcon_log *log)
{
	return log->head - log->start;
}

/**
 * hvcon_log_copy() - copy out the newest history
 * @log: the log
 * @dst: room for @len bytes
 * @len: room
 *
 * Return: bytes copied: the newest min(@len, hvcon_log_used()) bytes, in
 * order.
 */
u32 hvcon_log_copy(const struct hvcon_log *log, void *dst, u32 len)
{
	u32 n = min(len, hvcon_log_used(log));
	u32 off, first;

	if (!n)
		return 0;
	off = hvcon_log_off(log, log->head - n);
	first = min(n, log->size - off);
	memcpy(dst, log->buf + off, first);
	memcpy((u8 *)dst + first, log->buf, n - first);
	return n;
}

/**
 * hvcon_log_clear() - forget the history and what the reader had pending
 * @log: the log
 *
 * The counters (@head, @lost) keep going.
 */
void hvcon_log_clear(struct hvcon_log *log)
{
	log->start = log->head;
	log->rd = log->head;
}
