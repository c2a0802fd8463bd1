// SPDX-License-Identifier: GPL-2.0
/*
 * hvisorctl: command-line helpers shared by the commands.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "hvisorctl: %s%s", cmd, *cmd ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'hvisorctl %s%s--help'.\n", cmd, *cmd ? " " : "");
	return EXIT_USAGE;
}

int print_help(const char *help)
{
	fputs(help, stdout);
	return 0;
}

static bool is_help(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h") ||
	       !strcmp(arg, "help");
}

int run_subcmd(int argc, char **argv, const struct subcmd *subs,
	       const char *help)
{
	char name[64];
	int ret;

	if (argc < 2) {
		fputs(help, stderr);
		return EXIT_USAGE;
	}
	if (is_help(argv[1]))
		return print_help(help);
	for (; subs->name; subs++) {
		if (strcmp(subs->name, argv[1]))
			continue;
		snprintf(name, sizeof(name), "%s%s%s", argv[0],
			 *argv[0] ? " " : "", subs->name);
		argv[1] = name;
		ret = subs->fn(argc - 1, argv + 1);
		return ret;
	}
	return usage_error(argv[0], "unknown command '%s'", argv[1]);
}

int cli_getopt(int argc, char **argv, const char *shortopts,
	       const struct option *longopts)
{
	char opts[64];
	int c;

	snprintf(opts, sizeof(opts), ":%s", shortopts);
	opterr = 0;
	/* --help anywhere wins over errors in the other arguments. */
	if (optind <= 1) {
		for (c = 1; c < argc && strcmp(argv[c], "--"); c++)
			if (!strcmp(argv[c], "--help"))
				return 'h';
	}
	c = getopt_long(argc, argv, opts, longopts, NULL);
	if (c == '?') {
		if (optopt)
			usage_error(argv[0], "unknown option '-%c'", optopt);
		else
			usage_error(argv[0], "unknown option '%s'",
				    argv[optind - 1]);
	} else if (c == ':') {
		usage_error(argv[0], "option '%s' needs a value",
			    argv[optind - 1]);
		c = '?';
	}
	return c;
}

static int arg_error(const char *what, const char *s, int err,
		     unsigned long long max)
{
	if (err == -ERANGE || err == 0)
		hv_err("%s: %s is too big (at most %llu)", what, s, max);
	else
		hv_err("%s: '%s' is not a number (decimal, 0x hex or 0 octal)",
		       what, s);
	return -1;
}

int arg_u32(const char *what, const char *s, uint32_t *out)
{
	int ret = parse_u32(s, out);

	return ret ? arg_error(what, s, ret, UINT32_MAX) : 0;
}

int arg_u64(const char *what, const char *s, uint64_t *out)
{
	int ret = parse_u64(s, out);

	return ret ? arg_error(what, s, ret, UINT64_MAX) : 0;
}

static int size_error(const char *what, const char *s, int err,
		      unsigned long long max)
{
	if (err == -ERANGE)
		return arg_error(what, s, err, max);
	hv_err("%s: '%s' is not a size (a number with an optional K, M, G or T suffix)",
	       what, s);
	return -1;
}

int arg_size(const char *what, const char *s, uint64_t *out)
{
	int ret = parse_size(s, out);

	return ret ? size_error(what, s, ret, UINT64_MAX) : 0;
}

int arg_size32(const char *what, const char *s, uint32_t *out)
{
	int ret = parse_size32(s, out);

	return ret ? size_error(what, s, ret, UINT32_MAX) : 0;
}

bool want_args(int argc, char **argv, int n, const char *names)
{
	int have = argc - optind;

	if (have == n)
		return true;
	if (have < n && n == 1)
		usage_error(argv[0], "missing %s", names);
	else if (have < n)
		usage_error(argv[0], "missing arguments: expected %s", names);
	else
		usage_error(argv[0], "unexpected argument '%s'",
			    argv[optind + n]);
	return false;
}
