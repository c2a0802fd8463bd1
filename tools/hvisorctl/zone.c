// SPDX-License-Identifier: GPL-2.0
/*
 * hvisorctl zone list / zone mem add / zone reset / zone del.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ctl.h"
#include "json.h"

static const char zone_help[] =
"Usage: hvisorctl zone COMMAND ...\n"
"\n"
"  zone list [--json]  the zones hvisor_vhost knows: name, state, CPUs,\n"
"                      devices and guest memory\n"
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

static const char list_help[] =
"Usage: hvisorctl zone list [--json]\n"
"\n"
"List the zones hvisor_vhost knows, one per line:\n"
"  ZONE NAME STATE CPUS DEVICES RAM\n"
"NAME and CPUS come from the zone's configuration when hvisor-tool's\n"
"\"hvisor zone start\" started it through /dev/hvisor; STATE is then\n"
"running or stopped (shut down, its devices kept for its next start).\n"
"Zones known only from their memory (zone mem add, the simulator's zone 1)\n"
"show -. DEVICES is the number of devices served to the zone, RAM the\n"
"guest memory they reach (pieces and bytes).\n"
"\n"
"  --json    a JSON array with every field of every zone\n";

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

static const char *zone_state(const struct hvisor_vhost_zone_info *z)
{
	if (!(z->flags & HVISOR_VHOST_ZONE_F_CONFIG))
		return "-";
	return z->flags & HVISOR_VHOST_ZONE_F_RUNNING ? "running" : "stopped";
}

/* "2,3" for the CPU mask 0xc, "-" for none. */
static void format_cpus(uint64_t cpus, char *buf, size_t size)
{
	size_t len = 0;
	int cpu;

	buf[0] = '\0';
	for (cpu = 0; cpu < 64 && len + 4 < size; cpu++)
		if (cpus & (1ULL << cpu))
			len += snprintf(buf + len, size - len, "%s%d",
					len ? "," : "", cpu);
	if (!len)
		snprintf(buf, size, "-");
}

/* Printable zone name for the table: control characters become '?'. */
static void zone_name(const char *name, size_t size, char *out)
{
	size_t i;

	for (i = 0; i < size && name[i]; i++)
		out[i] = isprint((unsigned char)name[i]) ||
			 (unsigned char)name[i] >= 0x80 ? name[i] : '?';
	out[i] = '\0';
	if (!i)
		strcpy(out, "-");
}

static void zlist_table(const struct hvisor_vhost_zone_info *info,
			uint32_t count)
{
	char name[sizeof(info->name) + 2], cpus[200], ram[16];
	uint32_t i;

	printf("%-5s %-16s %-8s %-12s %-7s %s\n", "ZONE", "NAME", "STATE",
	       "CPUS", "DEVICES", "RAM");
	for (i = 0; i < count; i++) {
		const struct hvisor_vhost_zone_info *z = &info[i];

		zone_name(z->name, sizeof(z->name), name);
		format_cpus(z->cpus, cpus, sizeof(cpus));
		format_bytes(z->ram_bytes, ram, sizeof(ram));
		printf("%-5u %-16s %-8s %-12s %-7u %s in %u piece(s)\n",
		       z->zone_id, name, zone_state(z), cpus, z->nr_devices,
		       ram, z->nr_ram);
	}
}

static void zlist_json_one(struct json_writer *w,
			   const struct hvisor_vhost_zone_info *z)
{
	int cpu;

	jw_begin_object(w);
	jw_key(w, "zone");
	jw_u64(w, z->zone_id);
	jw_key(w, "name");
	jw_strn(w, z->name, sizeof(z->name));
	jw_key(w, "state");
	jw_str(w, zone_state(z));
	jw_key(w, "started_by_hvisor_tool");
	jw_bool(w, z->flags & HVISOR_VHOST_ZONE_F_CONFIG);
	jw_key(w, "running");
	jw_bool(w, z->flags & HVISOR_VHOST_ZONE_F_RUNNING);
	jw_key(w, "cpus");
	jw_begin_array(w);
	for (cpu = 0; cpu < 64; cpu++)
		if (z->cpus & (1ULL << cpu))
			jw_u64(w, cpu);
	jw_end_array(w);
	jw_key(w, "devices");
	jw_u64(w, z->nr_devices);
	jw_key(w, "ram_pieces");
	jw_u64(w, z->nr_ram);
	jw_key(w, "ram_bytes");
	jw_u64(w, z->ram_bytes);
	jw_key(w, "config_ram_regions");
	jw_u64(w, z->nr_config_ram);
	jw_end_object(w);
}

static int zone_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hvisor_vhost_zone_info *info;
	struct json_writer w;
	uint32_t count = 0, i;
	bool json = false;
	int c;

	while ((c = cli_getopt(argc, argv, "jh", opts)) != -1) {
		if (c == 'h')
			return print_help(list_help);
		if (c != 'j')
			return EXIT_USAGE;
		json = true;
	}
	if (!want_args(argc, argv, 0, ""))
		return EXIT_USAGE;
	info = ctl_list_get(argv[0], HVISOR_VHOST_ZONE_LIST, sizeof(*info),
			    "zone", &count);
	if (!info)
		return EXIT_FAIL;
	if (json) {
		jw_init(&w, stdout);
		jw_begin_array(&w);
		for (i = 0; i < count; i++)
			zlist_json_one(&w, &info[i]);
		jw_end_array(&w);
		jw_finish(&w);
	} else {
		zlist_table(info, count);
	}
	free(info);
	return 0;
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
		{ "list", zone_list },
		{ "mem", zone_mem },
		{ "reset", zone_reset },
		{ "del", zone_del },
		{ NULL, NULL },
	};

	return run_subcmd(argc, argv, subs, zone_help);
}
