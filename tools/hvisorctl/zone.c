// SPDX-License-Identifier: GPL-2.0
/*
 * hvisorctl zone mem add / zone reset / zone del.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ctl.h"

static const char zone_help[] =
"Usage: hvisorctl zone COMMAND ...\n"
"\n"
"  zone mem add ZONE ZONE0_IPA ZONEX_IPA SIZE\n"
"                      register SIZE bytes of zone ZONE's memory, seen by\n"
"                      root at ZONE0_IPA and by the guest at ZONEX_IPA\n"
"  zone reset ZONE     reset every device of ZONE (after a zone restart)\n"
"  zone del ZONE       forget ZONE and its memory (it must have no devices)\n";

static const char mem_help[] =
"Usage: hvisorctl zone mem add ZONE ZONE0_IPA ZONEX_IPA SIZE\n"
"\n"
"Register guest memory of zone ZONE (>= 1): SIZE bytes that root sees at\n"
"physical address ZONE0_IPA and the guest at ZONEX_IPA. All three are page\n"
"aligned, and the memory must be reserved for the zone (no-map in root's\n"
"device tree), not root's own RAM. SIZE may end in K, M, G or T. A zone\n"
"exists once it has memory; devices can then be added to it.\n"
"\n"
"Example: hvisorctl zone mem add 1 0x50000000 0x50000000 0x30000000\n";

static const char reset_help[] =
"Usage: hvisorctl zone reset ZONE\n"
"\n"
"Reset every device of zone ZONE, as if its guest had reset them: use it\n"
"when the zone restarts, so the new guest finds fresh devices.\n";

static const char del_help[] =
"Usage: hvisorctl zone del ZONE\n"
"\n"
"Forget zone ZONE and unmap its memory. Remove its devices first.\n";

/*
 * Parse "--help" and nothing else, then check for nargs arguments.
 * Return true to go on, else false with the exit code in *code.
 */
static bool zone_opts(int argc, char **argv, const char *help, int nargs,
		      const char *names, int *code)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	c = cli_getopt(argc, argv, "h", opts);
	if (c == 'h') {
		*code = print_help(help);
		return false;
	}
	*code = EXIT_USAGE;
	return c == -1 && want_args(argc, argv, nargs, names);
}

static int zone_id_arg(const char *s, uint32_t *id)
{
	if (arg_u32("ZONE", s, id))
		return -1;
	if (!*id) {
		hv_err("ZONE: zone 0 is root; guest zones start at 1");
		return -1;
	}
	return 0;
}

static int zone_call(const char *cmd, enum ctl_op op, unsigned long req,
		     void *arg, uint32_t zone)
{
	int ctl, ret;

	ctl = ctl_open(NULL);
	if (ctl < 0)
		return EXIT_FAIL;
	ret = ctl_ioctl(ctl, req, arg);
	close(ctl);
	if (ret) {
		hv_err("%s %u: %s", cmd, zone, ctl_strerror(op, -ret));
		return EXIT_FAIL;
	}
	return 0;
}

static int zone_mem_add(int argc, char **argv)
{
	struct hvisor_vhost_zone_mem mem = { 0 };
	uint64_t zone0, zonex, size;
	char **args;
	int ret;

	if (!zone_opts(argc, argv, mem_help, 4,
		       "ZONE ZONE0_IPA ZONEX_IPA SIZE", &ret))
		return ret;
	args = argv + optind;
	if (zone_id_arg(args[0], &mem.zone_id) ||
	    arg_u64("ZONE0_IPA", args[1], &zone0) ||
	    arg_u64("ZONEX_IPA", args[2], &zonex) ||
	    arg_size("SIZE", args[3], &size))
		return EXIT_USAGE;
	if (!size) {
		hv_err("SIZE: must not be 0");
		return EXIT_USAGE;
	}
	mem.zone0_ipa = zone0;
	mem.zonex_ipa = zonex;
	mem.size = size;
	ret = zone_call(argv[0], CTL_ZONE_MEM, HVISOR_VHOST_ZONE_ADD_MEM,
			&mem, mem.zone_id);
	if (!ret)
		printf("zone %u: 0x%" PRIx64 " bytes at 0x%" PRIx64
		       " (root 0x%" PRIx64 ")\n", mem.zone_id,
		       (uint64_t)mem.size, (uint64_t)mem.zonex_ipa,
		       (uint64_t)mem.zone0_ipa);
	return ret;
}

static int zone_simple(int argc, char **argv, const char *help,
		       enum ctl_op op, unsigned long req, const char *done)
{
	struct hvisor_vhost_zone zone = { 0 };
	int ret;

	if (!zone_opts(argc, argv, help, 1, "ZONE", &ret))
		return ret;
	if (zone_id_arg(argv[optind], &zone.zone_id))
		return EXIT_USAGE;
	ret = zone_call(argv[0], op, req, &zone, zone.zone_id);
	if (!ret)
		printf("zone %u %s\n", zone.zone_id, done);
	return ret;
}

static int zone_reset(int argc, char **argv)
{
	return zone_simple(argc, argv, reset_help, CTL_ZONE_RESET,
			   HVISOR_VHOST_ZONE_RESET, "reset");
}

static int zone_del(int argc, char **argv)
{
	return zone_simple(argc, argv, del_help, CTL_ZONE_DEL,
			   HVISOR_VHOST_ZONE_DEL, "deleted");
}

static int zone_mem(int argc, char **argv)
{
	static const struct subcmd subs[] = {
		{ "add", zone_mem_add },
		{ NULL, NULL },
	};

	return run_subcmd(argc, argv, subs, mem_help);
}

int cmd_zone(int argc, char **argv)
{
	static const struct subcmd subs[] = {
		{ "mem", zone_mem },
		{ "reset", zone_reset },
		{ "del", zone_del },
		{ NULL, NULL },
	};

	return run_subcmd(argc, argv, subs, zone_help);
}
