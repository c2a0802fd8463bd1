// SPDX-License-Identifier: GPL-2.0
/*
 * hvisorctl: a small JSON (RFC 8259) reader building a tree.
 * Recursive descent with a hard depth limit; every error names its line.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "util.h"

struct json_parser {
	const char *p;
	const char *end;
	unsigned int line;
	unsigned int depth;
	char *err;
	size_t errlen;
	bool failed;
};

static void jp_error(struct json_parser *jp, const char *fmt, ...)
	HV_PRINTF(2, 3);

static void jp_error(struct json_parser *jp, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (jp->failed)
		return;
	jp->failed = true;
	if (!jp->errlen)
		return;
	n = snprintf(jp->err, jp->errlen, "line %u: ", jp->line);
	if (n < 0 || (size_t)n >= jp->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(jp->err + n, jp->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

/* Report the byte at jp->p as unexpected. */
static void jp_unexpected(struct json_parser *jp, const char *wanted)
{
	unsigned char c;

	if (jp->p >= jp->end) {
		jp_error(jp, "unexpected end of file, expected %s", wanted);
		return;
	}
	c = (unsigned char)*jp->p;
	if (isprint(c))
		jp_error(jp, "unexpected '%c', expected %s", c, wanted);
	else
		jp_error(jp, "unexpected byte 0x%02x, expected %s", c, wanted);
}

static void jp_skip_ws(struct json_parser *jp)
{
	while (jp->p < jp->end) {
		char c = *jp->p;

		if (c == '\n')
			jp->line++;
		else if (c != ' ' && c != '\t' && c != '\r')
			return;
		jp->p++;
	}
}

static struct json_value *jp_new(struct json_parser *jp, enum json_type t)
{
	struct json_value *v = calloc(1, sizeof(*v));

	if (!v) {
		jp_error(jp, "out of memory");
		return NULL;
	}
	v->type = t;
	v->line = jp->line;
	return v;
}

/* A growable byte buffer for decoded strings. */
struct jbuf {
	char *data;
	size_t len;
	size_t cap;
};

static bool jbuf_add(struct jbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 32;
		char *data;

		while (b->len + n + 1 > cap)
			cap *= 2;
		data = realloc(b->data, cap);
		if (!data)
			return false;
		b->data = data;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return true;
}

/* Four hex digits after "\u"; -1 when they are not. */
static long jp_hex4(struct json_parser *jp)
{
	long v = 0;
	int i;

	if (jp->end - jp->p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = jp->p[i];

		if (!isxdigit((unsigned char)c))
			return -1;
		v = v * 16 + (isdigit((unsigned char)c) ? c - '0' :
			      tolower((unsigned char)c) - 'a' + 10);
	}
	jp->p += 4;
	return v;
}

/* Encode code point cp as UTF-8 into out; return the length. */
static size_t utf8_encode(unsigned long cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* After "\u": one code point, combining a surrogate pair. */
static bool jp_unicode(struct json_parser *jp, struct jbuf *b)
{
	long hi, lo;
	unsigned long cp;
	char out[4];

	hi = jp_hex4(jp);
	if (hi < 0) {
		jp_error(jp, "bad \\u escape: four hex digits expected");
		return false;
	}
	cp = (unsigned long)hi;
	if (hi >= 0xdc00 && hi <= 0xdfff) {
		jp_error(jp, "bad \\u escape: lone low surrogate");
		return false;
	}
	if (hi >= 0xd800 && hi <= 0xdbff) {
		if (jp->end - jp->p < 2 || jp->p[0] != '\\' || jp->p[1] != 'u') {
			jp_error(jp, "bad \\u escape: lone high surrogate");
			return false;
		}
		jp->p += 2;
		lo = jp_hex4(jp);
		if (lo < 0xdc00 || lo > 0xdfff) {
			jp_error(jp, "bad \\u escape: invalid surrogate pair");
			return false;
		}
		cp = 0x10000 + (((unsigned long)hi - 0xd800) << 10) +
		     ((unsigned long)lo - 0xdc00);
	}
	if (!cp) {
		jp_error(jp, "\\u0000 (NUL) in a string is not supported");
		return false;
	}
	if (!jbuf_add(b, out, utf8_encode(cp, out))) {
		jp_error(jp, "out of memory");
		return false;
	}
	return true;
}

/* One escape sequence after the backslash. */
static bool jp_escape(struct json_parser *jp, struct jbuf *b)
{
	static const char from[] = "\"\\/bfnrt";
	static const char to[] = "\"\\/\b\f\n\r\t";
	const char *e;
	char c;

	if (jp->p >= jp->end) {
		jp_error(jp, "unterminated string");
		return false;
	}
	c = *jp->p++;
	if (c == 'u')
		return jp_unicode(jp, b);
	e = c ? strchr(from, c) : NULL;
	if (!e) {
		jp->p--;
		jp_unexpected(jp, "an escape character (\" \\ / b f n r t u)");
		return false;
	}
	if (!jbuf_add(b, &to[e - from], 1)) {
		jp_error(jp, "out of memory");
		return false;
	}
	return true;
}

/* A string; jp->p is on the opening quote. Return it malloc'ed. */
static char *jp_string(struct json_parser *jp)
{
	unsigned int line = jp->line;
	struct jbuf b = { 0 };
	const char *run;

	jp->p++;
	if (!jbuf_add(&b, "", 0))
		goto oom;
	for (;;) {
		run = jp->p;
		while (jp->p < jp->end && *jp->p != '"' && *jp->p != '\\' &&
		       (unsigned char)*jp->p >= 0x20)
			jp->p++;
		if (!jbuf_add(&b, run, (size_t)(jp->p - run)))
			goto oom;
		if (jp->p >= jp->end) {
			jp->line = line;
			jp_error(jp, "unterminated string");
			goto fail;
		}
		if (*jp->p == '"')
			break;
		if (*jp->p != '\\') {
			jp_error(jp, "control character 0x%02x in a string (escape it)",
				 (unsigned char)*jp->p);
			goto fail;
		}
		jp->p++;
		if (!jp_escape(jp, &b))
			goto fail;
	}
	jp->p++;
	return b.data;
oom:
	jp_error(jp, "out of memory");
fail:
	free(b.data);
	return NULL;
}

static size_t jp_digits(struct json_parser *jp)
{
	const char *start = jp->p;

	while (jp->p < jp->end && isdigit((unsigned char)*jp->p))
		jp->p++;
	return (size_t)(jp->p - start);
}

/* A number, kept as its literal text after checking the JSON grammar. */
static struct json_value *jp_number(struct json_parser *jp)
{
	const char *start = jp->p;
	struct json_value *v;

	if (*jp->p == '-')
		jp->p++;
	if (jp->p < jp->end && *jp->p == '0')
		jp->p++;
	else if (!jp_digits(jp))
		goto bad;
	if (jp->p < jp->end && *jp->p == '.') {
		jp->p++;
		if (!jp_digits(jp))
			goto bad;
	}
	if (jp->p < jp->end && (*jp->p == 'e' || *jp->p == 'E')) {
		jp->p++;
		if (jp->p < jp->end && (*jp->p == '+' || *jp->p == '-'))
			jp->p++;
		if (!jp_digits(jp))
			goto bad;
	}
	/* "0x10" or "012" is no JSON number: write it as a string. */
	if (jp->p < jp->end && isalnum((unsigned char)*jp->p))
		goto bad;
	v = jp_new(jp, JSON_NUMBER);
	if (!v)
		return NULL;
	v->str = strndup(start, (size_t)(jp->p - start));
	if (!v->str) {
		free(v);
		jp_error(jp, "out of memory");
		return NULL;
	}
	return v;
bad:
	jp_error(jp,
		 "malformed number (hex and octal numbers must be quoted strings, e.g. \"0x200\")");
	return NULL;
}

static struct json_value *jp_value(struct json_parser *jp);

/* Append item to v's array, growing it. */
static bool jp_push(struct json_parser *jp, struct json_value *v,
		    struct json_value *item, size_t *cap)
{
	if (v->arr.count == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;
		struct json_value **items;

		items = realloc(v->arr.items, ncap * sizeof(*items));
		if (!items) {
			jp_error(jp, "out of memory");
			return false;
		}
		v->arr.items = items;
		*cap = ncap;
	}
	v->arr.items[v->arr.count++] = item;
	return true;
}

static struct json_value *jp_array(struct json_parser *jp)
{
	struct json_value *v = jp_new(jp, JSON_ARRAY), *item;
	size_t cap = 0;

	if (!v)
		return NULL;
	jp->p++;
	jp_skip_ws(jp);
	if (jp->p < jp->end && *jp->p == ']') {
		jp->p++;
		return v;
	}
	for (;;) {
		item = jp_value(jp);
		if (!item)
			goto fail;
		if (!jp_push(jp, v, item, &cap)) {
			json_free(item);
			goto fail;
		}
		jp_skip_ws(jp);
		if (jp->p < jp->end && *jp->p == ',') {
			jp->p++;
			continue;
		}
		if (jp->p < jp->end && *jp->p == ']') {
			jp->p++;
			return v;
		}
		jp_unexpected(jp, "',' or ']'");
		goto fail;
	}
fail:
	json_free(v);
	return NULL;
}

static bool jp_member(struct json_parser *jp, struct json_value *v,
		      size_t *cap)
{
	struct json_member *m;
	char *key;

	jp_skip_ws(jp);
	if (jp->p >= jp->end || *jp->p != '"') {
		jp_unexpected(jp, "a key in double quotes");
		return false;
	}
	key = jp_string(jp);
	if (!key)
		return false;
	if (v->obj.count == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;

		m = realloc(v->obj.members, ncap * sizeof(*m));
		if (!m) {
			free(key);
			jp_error(jp, "out of memory");
			return false;
		}
		v->obj.members = m;
		*cap = ncap;
	}
	m = &v->obj.members[v->obj.count];
	m->key = key;
	m->value = NULL;
	v->obj.count++;
	jp_skip_ws(jp);
	if (jp->p >= jp->end || *jp->p != ':') {
		jp_unexpected(jp, "':'");
		return false;
	}
	jp->p++;
	m->value = jp_value(jp);
	return m->value;
}

static struct json_value *jp_object(struct json_parser *jp)
{
	struct json_value *v = jp_new(jp, JSON_OBJECT);
	size_t cap = 0;

	if (!v)
		return NULL;
	jp->p++;
	jp_skip_ws(jp);
	if (jp->p < jp->end && *jp->p == '}') {
		jp->p++;
		return v;
	}
	for (;;) {
		if (!jp_member(jp, v, &cap))
			goto fail;
		jp_skip_ws(jp);
		if (jp->p < jp->end && *jp->p == ',') {
			jp->p++;
			continue;
		}
		if (jp->p < jp->end && *jp->p == '}') {
			jp->p++;
			return v;
		}
		jp_unexpected(jp, "',' or '}'");
		goto fail;
	}
fail:
	json_free(v);
	return NULL;
}

static struct json_value *jp_literal(struct json_parser *jp)
{
	static const char *const words[] = { "null", "false", "true" };
	struct json_value *v;
	size_t i, len;

	for (i = 0; i < 3; i++) {
		len = strlen(words[i]);
		if ((size_t)(jp->end - jp->p) >= len &&
		    !memcmp(jp->p, words[i], len) &&
		    ((size_t)(jp->end - jp->p) == len ||
		     !isalnum((unsigned char)jp->p[len])))
			break;
	}
	if (i == 3) {
		jp_unexpected(jp, "a value");
		return NULL;
	}
	v = jp_new(jp, i ? JSON_BOOL : JSON_NULL);
	if (!v)
		return NULL;
	v->boolean = i == 2;
	jp->p += len;
	return v;
}

static struct json_value *jp_value_at(struct json_parser *jp)
{
	struct json_value *v;
	char c = *jp->p;

	if (c == '{')
		return jp_object(jp);
	if (c == '[')
		return jp_array(jp);
	if (c == '-' || isdigit((unsigned char)c))
		return jp_number(jp);
	if (c != '"')
		return jp_literal(jp);
	v = jp_new(jp, JSON_STRING);
	if (!v)
		return NULL;
	v->str = jp_string(jp);
	if (!v->str) {
		free(v);
		return NULL;
	}
	return v;
}

static struct json_value *jp_value(struct json_parser *jp)
{
	struct json_value *v;

	jp_skip_ws(jp);
	if (jp->p >= jp->end) {
		jp_unexpected(jp, "a value");
		return NULL;
	}
	if (jp->depth >= JSON_MAX_DEPTH) {
		jp_error(jp, "nested deeper than %d levels", JSON_MAX_DEPTH);
		return NULL;
	}
	jp->depth++;
	v = jp_value_at(jp);
	jp->depth--;
	return v;
}

struct json_value *json_parse(const char *text, size_t len,
			      char *err, size_t errlen)
{
	struct json_parser jp = {
		.p = text, .end = text + len, .line = 1,
		.err = err, .errlen = errlen,
	};
	struct json_value *v;

	if (errlen)
		err[0] = '\0';
	if (len > JSON_MAX_INPUT) {
		jp_error(&jp, "file larger than %u bytes", JSON_MAX_INPUT);
		return NULL;
	}
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		jp.p += 3;
	v = jp_value(&jp);
	if (!v)
		return NULL;
	jp_skip_ws(&jp);
	if (jp.p < jp.end) {
		jp_unexpected(&jp, "the end of the file");
		json_free(v);
		return NULL;
	}
	return v;
}

void json_free(struct json_value *v)
{
	size_t i;

	if (!v)
		return;
	switch (v->type) {
	case JSON_STRING:
	case JSON_NUMBER:
		free(v->str);
		break;
	case JSON_ARRAY:
		for (i = 0; i < v->arr.count; i++)
			json_free(v->arr.items[i]);
		free(v->arr.items);
		break;
	case JSON_OBJECT:
		for (i = 0; i < v->obj.count; i++) {
			free(v->obj.members[i].key);
			json_free(v->obj.members[i].value);
		}
		free(v->obj.members);
		break;
	default:
		break;
	}
	free(v);
}

const struct json_value *json_get(const struct json_value *obj,
				  const char *key, size_t *count)
{
	const struct json_value *found = NULL;
	size_t i, n = 0;

	if (obj && obj->type == JSON_OBJECT) {
		for (i = 0; i < obj->obj.count; i++) {
			if (strcmp(obj->obj.members[i].key, key))
				continue;
			if (!found)
				found = obj->obj.members[i].value;
			n++;
		}
	}
	if (count)
		*count = n;
	return found;
}

const char *json_type_name(enum json_type type)
{
	switch (type) {
	case JSON_NULL: return "null";
	case JSON_BOOL: return "a boolean";
	case JSON_NUMBER: return "a number";
	case JSON_STRING: return "a string";
	case JSON_ARRAY: return "an array";
	case JSON_OBJECT: return "an object";
	}
	return "?";
}
