// SPDX-License-Identifier: GPL-2.0
/*
 * hvisorctl unit tests: hvisorctl-test [HVISORCTL [FAKEDEV.so]]
 * Without HVISORCTL only the pure code is tested. Prints failures, then
 * "N passed, N failed"; exits non-zero when a test failed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "test.h"

/* test_console.c; bin and preload may be NULL (pure parts only) */
void test_console(const char *bin, const char *preload);

unsigned int t_passed, t_failed;

bool t_check(bool ok, const char *file, int line, const char *what)
{
	if (ok) {
		t_passed++;
		return true;
	}
	t_failed++;
	printf("FAIL %s:%d: %s\n", file, line, what);
	return false;
}

bool t_check_u64(uint64_t got, uint64_t want, const char *file, int line,
		 const char *what)
{
	if (got == want)
		return t_check(true, file, line, what);
	t_check(false, file, line, what);
	printf("     got %" PRIu64 " (0x%" PRIx64 "), want %" PRIu64 "\n",
	       got, got, want);
	return false;
}

bool t_check_str(const char *got, const char *want, const char *file,
		 int line, const char *what)
{
	if (got && !strcmp(got, want))
		return t_check(true, file, line, what);
	t_check(false, file, line, what);
	printf("     got  \"%s\"\n     want \"%s\"\n", got ? got : "(null)",
	       want);
	return false;
}

bool t_check_has(const char *hay, const char *needle, const char *file,
		 int line, const char *what)
{
	if (hay && strstr(hay, needle))
		return t_check(true, file, line, what);
	t_check(false, file, line, what);
	printf("     \"%s\"\n     does not contain \"%s\"\n",
	       hay ? hay : "(null)", needle);
	return false;
}

int main(int argc, char **argv)
{
	test_util();
	test_json();
	test_config();
	if (argc > 1)
		test_cli(argv[1], argc > 2 ? argv[2] : NULL);
	test_console(argc > 1 ? argv[1] : NULL, argc > 2 ? argv[2] : NULL);
	printf("%u passed, %u failed\n", t_passed, t_failed);
	return t_failed ? 1 : 0;
}
