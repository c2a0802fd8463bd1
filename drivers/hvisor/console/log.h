/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The console log: a bounded ring of guest output. It keeps the newest
 * output as history (what `hvisorctl console --log` shows) and a read
 * position for the root tty, so output written while nobody had the tty
 * open is delivered to the next reader. Pure code: the caller locks.
 */
#ifndef _HVISOR_CONSOLE_LOG_H
#define _HVISOR_CONSOLE_LOG_H

#include <linux/types.h>

/**
 * struct hvcon_log - ring of guest output
 * @buf: @size bytes
 * @size: capacity in bytes (any size, not only powers of two)
 * @head: bytes ever written; the newest byte is at position @head - 1
 * @start: first byte still in the history (@head - @start <= @size)
 * @rd: next byte for the tty reader (@start <= @rd <= @head)
 * @lost: bytes overwritten before the tty reader got them
 *
 * Positions count bytes since creation and never wrap (64 bits); a
 * position p lives at buf[p % size].
 */
struct hvcon_log {
	u8 *buf;
	u32 size;
	u64 head;
	u64 start;
	u64 rd;
	u64 lost;
};

int hvcon_log_init(struct hvcon_log *log, u32 size);
void hvcon_log_free(struct hvcon_log *log);
u64 hvcon_log_write(struct hvcon_log *log, const void *src, size_t len);
u32 hvcon_log_pending(const struct hvcon_log *log);
u32 hvcon_log_peek(const struct hvcon_log *log, const u8 **data);
void hvcon_log_consume(struct hvcon_log *log, u32 len);
u32 hvcon_log_used(const struct hvcon_log *log);
u32 hvcon_log_copy(const struct hvcon_log *log, void *dst, u32 len);
void hvcon_log_clear(struct hvcon_log *log);

#endif /* _HVISOR_CONSOLE_LOG_H */
