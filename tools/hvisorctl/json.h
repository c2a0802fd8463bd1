/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvisorctl: a minimal JSON writer (for --json output) and reader (for
 * "config load"). The reader builds a tree; it nests at most
 * JSON_MAX_DEPTH levels and reports errors as "line N: what".
 */
#ifndef HVISORCTL_JSON_H
#define HVISORCTL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH	64
/* Bigger inputs are refused before parsing. */
#define JSON_MAX_INPUT	(4u << 20)

/*
 * Escape the string src (at most n bytes, stopping at a NUL) for use
 * between JSON double quotes: ", \ and control characters are escaped,
 * valid UTF-8 is kept, every byte of an invalid UTF-8 sequence becomes
 * \ufffd. Like snprintf: writes at most size bytes including the NUL
 * (nothing if size is 0) and returns the length of the full result.
 */
size_t json_escape(char *dst, size_t size, const char *src, size_t n);

/* Writer: pretty-printed, two spaces per level. */
struct json_writer {
	FILE *f;
	unsigned int depth;
	bool first;	/* nothing written yet in the current container */
	bool after_key;	/* a key was written, its value comes next */
};

void jw_init(struct json_writer *w, FILE *f);
void jw_begin_object(struct json_writer *w);
void jw_end_object(struct json_writer *w);
void jw_begin_array(struct json_writer *w);
void jw_end_array(struct json_writer *w);
void jw_key(struct json_writer *w, const char *key);
/* A string of at most n bytes (stops at a NUL). */
void jw_strn(struct json_writer *w, const char *s, size_t n);
void jw_str(struct json_writer *w, const char *s);
void jw_u64(struct json_writer *w, uint64_t v);
void jw_bool(struct json_writer *w, bool v);
/* Ends the document with a newline. */
void jw_finish(struct json_writer *w);

/* Reader */
enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json_member;

struct json_value {
	enum json_type type;
	unsigned int line;	/* where the value starts, from 1 */
	union {
		bool boolean;
		/*
		 * STRING: the decoded text (never holds a NUL);
		 * NUMBER: the literal as written, e.g. "-1.5e3"
		 */
		char *str;
		struct {
			struct json_value **items;
			size_t count;
		} arr;
		struct {
			struct json_member *members;
			size_t count;
		} obj;
	};
};

struct json_member {
	char *key;
	struct json_value *value;
};

/*
 * Parse len bytes of text (a leading UTF-8 BOM is skipped). Return the
 * tree, or NULL with "line N: what" in err.
 */
struct json_value *json_parse(const char *text, size_t len,
			      char *err, size_t errlen);
void json_free(struct json_value *v);

/*
 * The value of key in object obj, NULL if absent or obj is no object.
 * *count (if not NULL) is set to how often the key occurs.
 */
const struct json_value *json_get(const struct json_value *obj,
				  const char *key, size_t *count);

const char *json_type_name(enum json_type type);

#endif /* HVISORCTL_JSON_H */
