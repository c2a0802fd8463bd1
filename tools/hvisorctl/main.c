// SPDX-License-Identifier: GPL-2.0
/*
 * hvisorctl: configure hvisor_vhost, the in-kernel virtio backend for
 * hvisor guests, through /dev/hvisor-vhost. This file only dispatches.
 */
#include <stdio.h>
#include <string.h>

#include <linux/hvisor_vhost.h>

#include "cli.h"

static const char main_help[] =
"Usage: hvisorctl COMMAND [ARGS...]\n"
"\n"
"Configure hvisor_vhost, the in-kernel virtio backend for hvisor zones.\n"
"\n"
"Commands:\n"
"  status [--json]                  module, hypervisor and bridge counters\n"
"  dev add blk IMAGE [OPTIONS]      serve a disk image to a zone\n"
"  dev add net [OPTIONS]            serve a network interface to a zone\n"
"  dev add console [OPTIONS]        serve a console to a zone\n"
"  dev del ID [--force]             remove a device\n"
"  dev list [--json]                devices and their counters\n"
"  console DEV [--log] [--clear]    attach to a guest console, or print its log\n"
"  zone list [--json]               zones: name, state, devices, memory\n"
"  zone mem add ZONE ZONE0_IPA ZONEX_IPA SIZE\n"
"                                   register a zone's memory\n"
"  zone reset ZONE                  reset every device of a zone\n"
"  zone del ZONE                    forget a zone (it must have no devices)\n"
"  config load [--dry-run] FILE     apply hvisor-tool's virtio_cfg.json\n"
"  version                          print the version\n"
"\n"
"Every command takes --help. Numbers may be decimal, 0x hex or 0 octal.\n"
"The control device is /dev/" HVISOR_VHOST_DEVICE_NAME " ($HVISORCTL_DEVICE overrides it).\n"
"Exit status: 0 success, 1 failure, 2 bad usage.\n";

static int cmd_version(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return print_help("Usage: hvisorctl version\n\n"
				  "Print hvisorctl's version and the ioctl ABI version it speaks.\n");
	if (argc > 1)
		return usage_error(argv[0], "unexpected argument '%s'", argv[1]);
	printf("hvisorctl %s (hvisor-vhost ABI %u)\n", HVISORCTL_VERSION,
	       HVISOR_VHOST_ABI_VERSION);
	return 0;
}

static const struct subcmd main_cmds[] = {
	{ "status", cmd_status },
	{ "dev", cmd_dev },
	{ "zone", cmd_zone },
	{ "config", cmd_config },
	{ "console", cmd_console },
	{ "version", cmd_version },
	{ "--version", cmd_version },
	{ "-V", cmd_version },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	static char empty[1];

	/* Commands are named by run_subcmd() from argv[0]: start empty. */
	argv[0] = empty;
	return run_subcmd(argc, argv, main_cmds, main_help);
}
