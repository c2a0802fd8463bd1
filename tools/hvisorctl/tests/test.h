/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvisorctl unit tests: a minimal harness. Every CHECK is one test.
 */
#ifndef HVISORCTL_TEST_H
#define HVISORCTL_TEST_H

#include <stdbool.h>
#include <stdint.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

extern unsigned int t_passed, t_failed;

bool t_check(bool ok, const char *file, int line, const char *what);
bool t_check_u64(uint64_t got, uint64_t want, const char *file, int line,
		 const char *what);
bool t_check_str(const char *got, const char *want, const char *file,
		 int line, const char *what);
bool t_check_has(const char *hay, const char *needle, const char *file,
		 int line, const char *what);

#define CHECK(c)		t_check(!!(c), __FILE__, __LINE__, #c)
#define CHECK_U64(got, want)	t_check_u64((got), (want), __FILE__, __LINE__, #got)
#define CHECK_STR(got, want)	t_check_str((got), (want), __FILE__, __LINE__, #got)
/* hay contains needle */
#define CHECK_HAS(hay, needle)	t_check_has((hay), (needle), __FILE__, __LINE__, #hay)

void test_util(void);
void test_json(void);
void test_config(void);
/* bin: the hvisorctl binary; preload: the fake device library or NULL */
void test_cli(const char *bin, const char *preload);

#endif /* HVISORCTL_TEST_H */
