// SPDX-License-Identifier: GPL-2.0
/*
 * hvisorctl: number, size and MAC parsing, error printing.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void hv_vmsg(const char *prefix, const char *fmt, va_list ap)
{
	fprintf(stderr, "hvisorctl: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void hv_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hv_vmsg("", fmt, ap);
	va_end(ap);
}

void hv_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hv_vmsg("warning: ", fmt, ap);
	va_end(ap);
}

/* Parse the leading number of s; *end points after it. */
static int parse_u64_prefix(const char *s, uint64_t *out, char **end)
{
	unsigned long long v;

	/* strtoull() would accept spaces and a sign: refuse them first. */
	if (!s || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	/* "0x" with no hex digit: strtoull() would take the "0" alone. */
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
	    !isxdigit((unsigned char)s[2]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, end, 0);
	if (errno == ERANGE)
		return -ERANGE;
	if (errno || *end == s)
		return -EINVAL;
	*out = v;
	return 0;
}

int parse_u64(const char *s, uint64_t *out)
{
	uint64_t v;
	char *end;
	int ret;

	ret = parse_u64_prefix(s, &v, &end);
	if (ret)
		return ret;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Store @v in *@out when it fits in 32 bits; -ERANGE otherwise. */
static int narrow_u32(uint64_t v, uint32_t *out)
{
	if (v > UINT32_MAX)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

int parse_u32(const char *s, uint32_t *out)
{
	uint64_t v;
	int ret;

	ret = parse_u64(s, &v);
	return ret ? ret : narrow_u32(v, out);
}

int parse_size(const char *s, uint64_t *out)
{
	static const char suffixes[] = "KMGT";
	const char *p;
	unsigned int shift;
	uint64_t v;
	char *end;
	int ret;

	ret = parse_u64_prefix(s, &v, &end);
	if (ret)
		return ret;
	if (!*end) {
		*out = v;
		return 0;
	}
	/* K, M, G and T are no hex digits: "0x10K" is 16 KiB. */
	p = strchr(suffixes, toupper((unsigned char)*end));
	if (!p || end[1])
		return -EINVAL;
	shift = 10 * (unsigned int)(p - suffixes + 1);
	if (v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

int parse_size32(const char *s, uint32_t *out)
{
	uint64_t v;
	int ret;

	ret = parse_size(s, &v);
	return ret ? ret : narrow_u32(v, out);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int parse_mac(const char *s, uint8_t mac[6])
{
	uint8_t tmp[6];
	int i, d;

	if (!s)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		d = hexval(*s);
		if (d < 0)
			return -EINVAL;
		tmp[i] = (uint8_t)d;
		s++;
		d = hexval(*s);
		if (d >= 0) {
			tmp[i] = (uint8_t)(tmp[i] << 4 | d);
			s++;
		}
		if (i < 5 && *s++ != ':')
			return -EINVAL;
	}
	if (*s)
		return -EINVAL;
	memcpy(mac, tmp, sizeof(tmp));
	return 0;
}

bool mac_is_multicast(const uint8_t mac[6])
{
	return mac[0] & 1;
}

void format_mac(const uint8_t mac[6], char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

int copy_field(char *dst, size_t size, const char *src, bool term)
{
	size_t len = strlen(src);

	if (len > size || (term && len == size))
		return -ENAMETOOLONG;
	memset(dst, 0, size);
	memcpy(dst, src, len);
	return 0;
}

void format_bytes(uint64_t v, char *buf, size_t size)
{
	static const char units[] = "KMGTPE";
	double d = (double)v;
	int u = -1;

	if (v < 1024) {
		snprintf(buf, size, "%llu", (unsigned long long)v);
		return;
	}
	while (d >= 1024 && u < 5) {
		d /= 1024;
		u++;
	}
	/* 1023.96K would print as "1024.0K": move to the next unit. */
	if (d >= 1023.95 && u < 5) {
		d /= 1024;
		u++;
	}
	snprintf(buf, size, "%.1f%c", d, units[u]);
}
