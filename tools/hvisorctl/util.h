/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvisorctl: number, size and MAC parsing, error printing.
 * Everything here is pure (no I/O besides the error printers) so the unit
 * tests in tests/ can reach it.
 */
#ifndef HVISORCTL_UTIL_H
#define HVISORCTL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes: 0 success, 1 the operation failed, 2 bad usage. */
#define EXIT_FAIL	1
#define EXIT_USAGE	2

#define HV_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* "hvisorctl: <message>\n" on stderr. */
void hv_err(const char *fmt, ...) HV_PRINTF(1, 2);
/* "hvisorctl: warning: <message>\n" on stderr. */
void hv_warn(const char *fmt, ...) HV_PRINTF(1, 2);

/*
 * Parse an unsigned number in any C base: 0x/0X hex, leading 0 octal,
 * else decimal. The whole string must be the number: no sign, no spaces,
 * no suffix. Return 0, -EINVAL (not a number) or -ERANGE (too big).
 */
int parse_u64(const char *s, uint64_t *out);
int parse_u32(const char *s, uint32_t *out);
/* Like parse_u64, with an optional binary suffix K, M, G or T. */
int parse_size(const char *s, uint64_t *out);
/* parse_size, limited to 32 bits. */
int parse_size32(const char *s, uint32_t *out);

/*
 * Parse "xx:xx:xx:xx:xx:xx" (one or two hex digits per byte, either case).
 * Return 0 or -EINVAL.
 */
int parse_mac(const char *s, uint8_t mac[6]);
/* A guest NIC needs a unicast address: bit 0 of the first byte clear. */
bool mac_is_multicast(const uint8_t mac[6]);
/* "xx:xx:xx:xx:xx:xx" into buf (at least 18 bytes). */
void format_mac(const uint8_t mac[6], char *buf);

/* Compact byte count for tables: "512", "1.5K", "12.3M" ... "16.0E". */
void format_bytes(uint64_t v, char *buf, size_t size);

/* true for a non-zero power of two */
bool is_pow2(uint64_t v);

/*
 * Copy the string src into a fixed-size field of size bytes, NUL padded.
 * If term is true the field must keep a terminating NUL. Return 0 or
 * -ENAMETOOLONG.
 */
int copy_field(char *dst, size_t size, const char *src, bool term);

#endif /* HVISORCTL_UTIL_H */
