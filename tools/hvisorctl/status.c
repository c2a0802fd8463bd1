// SPDX-License-Identifier: GPL-2.0
/*
 * hvisorctl status: HVISOR_VHOST_GET_STATUS.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ctl.h"
#include "json.h"

static const char status_help[] =
"Usage: hvisorctl status [--json]\n"
"\n"
"Print the ABI version of the loaded hvisor_vhost module, the attached\n"
"hypervisor, the number of zones and devices and the bridge counters\n"
"(ub_*: the userspace bridge to hvisor-tool's virtio daemon).\n"
"\n"
"  --json    one JSON object with every field\n";

#define NR_COUNTERS 15

struct counter {
	const char *key;	/* JSON key */
	const char *label;	/* text label */
	uint64_t value;
};

static void status_counters(const struct hvisor_vhost_status *st,
			    struct counter c[NR_COUNTERS])
{
	const struct counter tmp[NR_COUNTERS] = {
		{ "requests", "requests", st->requests },
		{ "notifies", "notifies", st->notifies },
		{ "interrupts", "interrupts", st->interrupts },
		{ "finish_calls", "finish calls", st->finish_calls },
		{ "wakeups", "wakeups", st->wakeups },
		{ "safety_net", "safety net", st->safety_net },
		{ "bad_requests", "bad requests", st->bad_requests },
		{ "irq_deferred", "irq deferred", st->irq_deferred },
		{ "rechecks", "rechecks", st->rechecks },
		/* The userspace bridge (32-bit counters, wrapping). */
		{ "ub_requests", "ub requests", st->ub_requests },
		{ "ub_orphaned", "ub orphaned", st->ub_orphaned },
		{ "ub_overflow", "ub overflow", st->ub_overflow },
		{ "ub_bad_index", "ub bad index", st->ub_bad_index },
		{ "ub_bad_answer", "ub bad answer", st->ub_bad_answer },
		{ "ub_bad_result", "ub bad result", st->ub_bad_result },
	};

	memcpy(c, tmp, sizeof(tmp));
}

static void status_flags(uint32_t flags, char *buf, size_t size)
{
	const uint32_t known = HVISOR_VHOST_F_ATTACHED |
			       HVISOR_VHOST_F_SIMULATOR |
			       HVISOR_VHOST_F_UBRIDGE;

	snprintf(buf, size, "%s%s%s%s",
		 flags & HVISOR_VHOST_F_ATTACHED ? "attached" : "none",
		 flags & HVISOR_VHOST_F_SIMULATOR ? ",simulator" : "",
		 flags & HVISOR_VHOST_F_UBRIDGE ? ",ubridge" : "",
		 flags & ~known ? ",unknown" : "");
}

static void status_text(const struct hvisor_vhost_status *st)
{
	struct counter c[NR_COUNTERS];
	char flags[48];
	size_t i;

	status_flags(st->flags, flags, sizeof(flags));
	status_counters(st, c);
	printf("%-14s%u\n", "abi version", st->abi_version);
	printf("%-14s%.*s\n", "hypervisor", (int)sizeof(st->hypervisor),
	       st->hypervisor[0] ? st->hypervisor : "none attached");
	printf("%-14s0x%x (%s)\n", "flags", st->flags, flags);
	printf("%-14s%u\n", "zones", st->nr_zones);
	printf("%-14s%u\n", "devices", st->nr_devices);
	for (i = 0; i < NR_COUNTERS; i++)
		printf("%-14s%" PRIu64 "\n", c[i].label, c[i].value);
}

static void status_json(const struct hvisor_vhost_status *st)
{
	struct json_writer w;
	struct counter c[NR_COUNTERS];
	size_t i;

	status_counters(st, c);
	jw_init(&w, stdout);
	jw_begin_object(&w);
	jw_key(&w, "abi_version");
	jw_u64(&w, st->abi_version);
	jw_key(&w, "hypervisor");
	jw_strn(&w, st->hypervisor, sizeof(st->hypervisor));
	jw_key(&w, "flags");
	jw_u64(&w, st->flags);
	jw_key(&w, "attached");
	jw_bool(&w, st->flags & HVISOR_VHOST_F_ATTACHED);
	jw_key(&w, "simulator");
	jw_bool(&w, st->flags & HVISOR_VHOST_F_SIMULATOR);
	jw_key(&w, "ubridge");
	jw_bool(&w, st->flags & HVISOR_VHOST_F_UBRIDGE);
	jw_key(&w, "zones");
	jw_u64(&w, st->nr_zones);
	jw_key(&w, "devices");
	jw_u64(&w, st->nr_devices);
	for (i = 0; i < NR_COUNTERS; i++) {
		jw_key(&w, c[i].key);
		jw_u64(&w, c[i].value);
	}
	jw_end_object(&w);
	jw_finish(&w);
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hvisor_vhost_status st;
	bool json = false;
	int c, fd;

	while ((c = cli_getopt(argc, argv, "jh", opts)) != -1) {
		if (c == 'h')
			return print_help(status_help);
		if (c != 'j')
			return EXIT_USAGE;
		json = true;
	}
	if (!want_args(argc, argv, 0, ""))
		return EXIT_USAGE;
	fd = ctl_open(&st);
	if (fd < 0)
		return EXIT_FAIL;
	close(fd);
	if (json)
		status_json(&st);
	else
		status_text(&st);
	return 0;
}
