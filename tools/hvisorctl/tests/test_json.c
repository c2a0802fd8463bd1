// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of json_write.c and json_read.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../json.h"
#include "test.h"

static void check_escape(const char *in, size_t n, const char *want)
{
	char buf[128];
	size_t len;

	len = json_escape(buf, sizeof(buf), in, n);
	CHECK_STR(buf, want);
	CHECK_U64(len, strlen(want));
}

static void test_escape(void)
{
	char small[5];
	size_t len;

	check_escape("plain", 5, "plain");
	check_escape("", 0, "");
	check_escape("a\"b\\c", 5, "a\\\"b\\\\c");
	check_escape("\n\t\r\b\f", 5, "\\n\\t\\r\\b\\f");
	check_escape("\x01\x1f", 2, "\\u0001\\u001f");
	check_escape("\x7f", 1, "\x7f");
	check_escape("/", 1, "/");
	check_escape("caf\xc3\xa9", 5, "caf\xc3\xa9");		/* é */
	check_escape("\xe2\x82\xac", 3, "\xe2\x82\xac");	/* € */
	check_escape("\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80");
	check_escape("\xff", 1, "\\ufffd");
	check_escape("a\xc3", 2, "a\\ufffd");			/* truncated */
	check_escape("\xc3\x28", 2, "\\ufffd(");		/* bad tail */
	check_escape("\xc0\xaf", 2, "\\ufffd\\ufffd");		/* overlong */
	check_escape("\xe0\x80\xaf", 3, "\\ufffd\\ufffd\\ufffd");
	check_escape("\xed\xa0\x80", 3, "\\ufffd\\ufffd\\ufffd");	/* surrogate */
	check_escape("\xf4\x90\x80\x80", 4,
		     "\\ufffd\\ufffd\\ufffd\\ufffd");		/* > U+10FFFF */
	/* Stops at n, and at a NUL before n (fixed-size fields). */
	check_escape("abcdef", 3, "abc");
	check_escape("ab\0cd", 5, "ab");
	/* A multi-byte sequence cut by n is invalid. */
	check_escape("\xc3\xa9", 1, "\\ufffd");

	len = json_escape(small, sizeof(small), "a\"bcdef", 7);
	CHECK_U64(len, 8);
	CHECK_STR(small, "a\\\"b");
	CHECK_U64(json_escape(NULL, 0, "\"\"", 2), 4);
}

static void test_writer(void)
{
	char *buf = NULL;
	size_t size = 0;
	struct json_writer w;
	FILE *f = open_memstream(&buf, &size);

	if (!CHECK(f))
		return;
	jw_init(&w, f);
	jw_begin_array(&w);
	jw_begin_object(&w);
	jw_key(&w, "id");
	jw_u64(&w, 18446744073709551615ull);
	jw_key(&w, "name");
	jw_strn(&w, "d\"isk\n", 64);
	jw_key(&w, "ro");
	jw_bool(&w, true);
	jw_key(&w, "empty");
	jw_begin_array(&w);
	jw_end_array(&w);
	jw_end_object(&w);
	jw_begin_object(&w);
	jw_end_object(&w);
	jw_end_array(&w);
	jw_finish(&w);
	fclose(f);
	CHECK_STR(buf, "[\n  {\n    \"id\": 18446744073709551615,\n"
		  "    \"name\": \"d\\\"isk\\n\",\n    \"ro\": true,\n"
		  "    \"empty\": []\n  },\n  {}\n]\n");
	free(buf);

	buf = NULL;
	f = open_memstream(&buf, &size);
	if (!CHECK(f))
		return;
	jw_init(&w, f);
	jw_begin_array(&w);
	jw_end_array(&w);
	jw_finish(&w);
	fclose(f);
	CHECK_STR(buf, "[]\n");
	free(buf);
}

/* Parse text; NULL if it failed, with err holding the message. */
static struct json_value *parse(const char *text, char *err, size_t errlen)
{
	return json_parse(text, strlen(text), err, errlen);
}

static void check_bad(const char *text, const char *want_err)
{
	struct json_value *v;
	char err[200];

	v = parse(text, err, sizeof(err));
	if (!CHECK(!v))
		json_free(v);
	CHECK_HAS(err, want_err);
}

static void test_reader_ok(void)
{
	const struct json_value *m;
	struct json_value *v;
	char err[200];
	size_t n;

	v = parse("\xef\xbb\xbf {\"a\": [1, -2.5e3, \"x\", true, false, null],\n"
		  " \"b\": {\"c\": \"\\u00e9\\ud83d\\ude00\\n\\\"\\/\"}, \"a\": 0}",
		  err, sizeof(err));
	if (!CHECK(v)) {
		printf("     %s\n", err);
		return;
	}
	CHECK(v->type == JSON_OBJECT && v->obj.count == 3);
	m = json_get(v, "a", &n);
	CHECK(n == 2);
	CHECK(m && m->type == JSON_ARRAY && m->arr.count == 6);
	if (m && m->arr.count == 6) {
		CHECK_STR(m->arr.items[0]->str, "1");
		CHECK_STR(m->arr.items[1]->str, "-2.5e3");
		CHECK_STR(m->arr.items[2]->str, "x");
		CHECK(m->arr.items[3]->type == JSON_BOOL && m->arr.items[3]->boolean);
		CHECK(m->arr.items[4]->type == JSON_BOOL && !m->arr.items[4]->boolean);
		CHECK(m->arr.items[5]->type == JSON_NULL);
	}
	m = json_get(json_get(v, "b", NULL), "c", NULL);
	CHECK(m && m->type == JSON_STRING);
	if (m)
		CHECK_STR(m->str, "\xc3\xa9\xf0\x9f\x98\x80\n\"/");
	m = json_get(v, "b", NULL);
	CHECK(m && m->line == 2);
	CHECK(!json_get(v, "zz", &n) && n == 0);
	CHECK(!json_get(NULL, "a", NULL));
	json_free(v);

	v = parse("  42 ", err, sizeof(err));
	CHECK(v && v->type == JSON_NUMBER && !strcmp(v->str, "42"));
	json_free(v);
	v = parse("[[[]]]", err, sizeof(err));
	CHECK(v);
	json_free(v);
}

static void test_reader_bad(void)
{
	char deep[JSON_MAX_DEPTH + 2], *big;
	struct json_value *v;
	char err[200];

	check_bad("", "line 1: unexpected end of file");
	/* three spaces, then two newlines */
	check_bad("\x20\x20\x20\n\n", "line 3: unexpected end of file");
	check_bad("{", "line 1: unexpected end of file, expected a key");
	check_bad("{\"a\" 1}", "expected ':'");
	check_bad("{\"a\": 1,}", "unexpected '}', expected a key");
	check_bad("[1,]", "unexpected ']', expected a value");
	check_bad("[1 2]", "expected ',' or ']'");
	check_bad("{\"a\": 1\n\n\"b\": 2}", "line 3: unexpected '\"', expected ',' or '}'");
	check_bad("{\"a\":\n\"abc", "line 2: unterminated string");
	check_bad("\"a\nb\"", "control character 0x0a");
	check_bad("\"\\x\"", "expected an escape character");
	check_bad("\"\\u12\"", "four hex digits");
	check_bad("\"\\u0000\"", "NUL");
	check_bad("\"\\ud800\"", "lone high surrogate");
	check_bad("\"\\udc00\"", "lone low surrogate");
	check_bad("\"\\ud800\\u0041\"", "invalid surrogate pair");
	check_bad("0x10", "malformed number");
	check_bad("012", "malformed number");
	check_bad("-", "malformed number");
	check_bad("1.", "malformed number");
	check_bad("1e", "malformed number");
	check_bad("+1", "unexpected '+'");
	check_bad("tru", "unexpected 't', expected a value");
	check_bad("truex", "unexpected 't'");
	check_bad("nul", "expected a value");
	check_bad("{} {}", "expected the end of the file");
	check_bad("{}\n\x01", "line 2: unexpected byte 0x01");
	check_bad("'a'", "unexpected '''");
	check_bad("{a: 1}", "expected a key in double quotes");

	/* Exactly JSON_MAX_DEPTH levels parse, one more does not. */
	memset(deep, '[', sizeof(deep));
	deep[JSON_MAX_DEPTH] = '\0';
	v = parse(deep, err, sizeof(err));
	CHECK(!v && strstr(err, "unexpected end of file"));
	deep[JSON_MAX_DEPTH] = '[';
	deep[JSON_MAX_DEPTH + 1] = '\0';
	check_bad(deep, "nested deeper than 64 levels");

	/* Embedded NUL bytes, a tiny error buffer, too big an input. */
	v = json_parse("[1,\0 2]", 7, err, sizeof(err));
	CHECK(!v && strstr(err, "unexpected byte 0x00"));
	v = json_parse("[", 1, err, 4);
	CHECK(!v && !strcmp(err, "lin"));
	v = json_parse("[", 1, NULL, 0);
	CHECK(!v);
	big = calloc(1, JSON_MAX_INPUT + 1);
	if (big) {
		v = json_parse(big, JSON_MAX_INPUT + 1, err, sizeof(err));
		CHECK(!v && strstr(err, "larger than"));
		free(big);
	}
}

void test_json(void)
{
	test_escape();
	test_writer();
	test_reader_ok();
	test_reader_bad();
}
