/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvisorctl: command entry points and command-line helpers.
 * A command gets argv with argv[0] set to its own name ("dev add blk") and
 * returns the process exit code (0, EXIT_FAIL, EXIT_USAGE).
 */
#ifndef HVISORCTL_CLI_H
#define HVISORCTL_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include "util.h"

/* PACKAGE_VERSION of dkms.conf, passed by the Makefile: one version. */
#ifndef HVISORCTL_VERSION
#error "HVISORCTL_VERSION is not set: build with tools/hvisorctl/Makefile"
#endif

int cmd_status(int argc, char **argv);
int cmd_dev(int argc, char **argv);
int cmd_zone(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_console(int argc, char **argv);

/* A subcommand table entry. */
struct subcmd {
	const char *name;
	int (*fn)(int argc, char **argv);
};

/*
 * Run the entry of subs named argv[1] with argv shifted by one and its
 * name appended to argv[0]'s ("dev" + "add" -> "dev add"). help is printed
 * for --help or a missing or unknown subcommand.
 */
int run_subcmd(int argc, char **argv, const struct subcmd *subs,
	       const char *help);

/*
 * getopt_long() for a command: unknown options and missing values are
 * reported as "hvisorctl: <cmd>: ..." and returned as '?'. shortopts
 * must not start with ':' (added here).
 */
int cli_getopt(int argc, char **argv, const char *shortopts,
	       const struct option *longopts);

/* "hvisorctl: <cmd>: <msg>" + a --help hint; returns EXIT_USAGE. */
int usage_error(const char *cmd, const char *fmt, ...) HV_PRINTF(2, 3);

/* Print help to stdout and return 0. */
int print_help(const char *help);

/*
 * Parse a numeric option value; on error print "hvisorctl: <what>: ..."
 * and return -1.
 */
int arg_u32(const char *what, const char *s, uint32_t *out);
int arg_u64(const char *what, const char *s, uint64_t *out);
int arg_size(const char *what, const char *s, uint64_t *out);
int arg_size32(const char *what, const char *s, uint32_t *out);

/* Exactly n positional arguments after the options, else usage error. */
bool want_args(int argc, char **argv, int n, const char *names);

#endif /* HVISORCTL_CLI_H */
