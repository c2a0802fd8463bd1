// SPDX-License-Identifier: GPL-2.0
/*
 * hvisorctl: JSON string escaping and a small pretty-printing writer.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	/* No overlong forms, no UTF-16 surrogates, nothing above U+10FFFF. */
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* Append len bytes to dst (size bytes of room), counting them in *pos. */
static void put(char *dst, size_t size, size_t *pos, const char *s,
		size_t len)
{
	size_t i;

	for (i = 0; i < len; i++, (*pos)++)
		if (*pos + 1 < size)
			dst[*pos] = s[i];
}

size_t json_escape(char *dst, size_t size, const char *src, size_t n)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t pos = 0, i = 0, len;
	char buf[8];

	n = strnlen(src, n);
	while (i < n) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\') {
			buf[0] = '\\';
			buf[1] = (char)c;
			put(dst, size, &pos, buf, 2);
		} else if (c < 0x20) {
			/* c is never NUL here: n stops before the first one. */
			static const char codes[] = "\b\f\n\r\t";
			static const char names[] = "bfnrt";
			const char *p = strchr(codes, c);

			if (p) {
				buf[0] = '\\';
				buf[1] = names[p - codes];
				put(dst, size, &pos, buf, 2);
			} else {
				snprintf(buf, sizeof(buf), "\\u%04x", c);
				put(dst, size, &pos, buf, 6);
			}
		} else {
			len = utf8_len(s + i, n - i);
			if (!len) {
				put(dst, size, &pos, "\\ufffd", 6);
				i++;
				continue;
			}
			put(dst, size, &pos, src + i, len);
			i += len;
			continue;
		}
		i++;
	}
	if (size)
		dst[pos < size ? pos : size - 1] = '\0';
	return pos;
}

void jw_init(struct json_writer *w, FILE *f)
{
	w->f = f;
	w->depth = 0;
	w->first = true;
	w->after_key = false;
}

/* Separator and indentation before a value or a key. */
static void jw_prefix(struct json_writer *w)
{
	unsigned int i;

	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth) {
		if (!w->first)
			fputc(',', w->f);
		fputc('\n', w->f);
		for (i = 0; i < w->depth; i++)
			fputs("  ", w->f);
	}
	w->first = false;
}

static void jw_begin(struct json_writer *w, char open)
{
	jw_prefix(w);
	fputc(open, w->f);
	w->depth++;
	w->first = true;
}

static void jw_end(struct json_writer *w, char close)
{
	unsigned int i;

	w->depth--;
	if (!w->first) {
		fputc('\n', w->f);
		for (i = 0; i < w->depth; i++)
			fputs("  ", w->f);
	}
	fputc(close, w->f);
	w->first = false;
}

void jw_begin_object(struct json_writer *w)
{
	jw_begin(w, '{');
}

void jw_end_object(struct json_writer *w)
{
	jw_end(w, '}');
}

void jw_begin_array(struct json_writer *w)
{
	jw_begin(w, '[');
}

void jw_end_array(struct json_writer *w)
{
	jw_end(w, ']');
}

static void jw_quoted(struct json_writer *w, const char *s, size_t n)
{
	size_t len = json_escape(NULL, 0, s, n);
	char *buf = malloc(len + 1);

	fputc('"', w->f);
	if (buf) {
		json_escape(buf, len + 1, s, n);
		fputs(buf, w->f);
		free(buf);
	}
	fputc('"', w->f);
}

void jw_key(struct json_writer *w, const char *key)
{
	jw_prefix(w);
	jw_quoted(w, key, strlen(key));
	fputs(": ", w->f);
	w->after_key = true;
}

void jw_strn(struct json_writer *w, const char *s, size_t n)
{
	jw_prefix(w);
	jw_quoted(w, s, n);
}

void jw_str(struct json_writer *w, const char *s)
{
	jw_strn(w, s, strlen(s));
}

void jw_u64(struct json_writer *w, uint64_t v)
{
	jw_prefix(w);
	fprintf(w->f, "%" PRIu64, v);
}

void jw_bool(struct json_writer *w, bool v)
{
	jw_prefix(w);
	fputs(v ? "true" : "false", w->f);
}

void jw_finish(struct json_writer *w)
{
	fputc('\n', w->f);
}
