// SPDX-License-Identifier: GPL-2.0
/*
 * hvisorctl dev list: HVISOR_VHOST_DEV_LIST as a table or JSON.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "ctl.h"
#include "dev.h"
#include "json.h"

/* virtio device status bits (virtio 1.2, 2.1) */
#define VIRTIO_S_DRIVER_OK	0x04
#define VIRTIO_S_NEEDS_RESET	0x40
#define VIRTIO_S_FAILED		0x80

static const char list_help[] =
"Usage: hvisorctl dev list [--json]\n"
"\n"
"List the devices served, one per line:\n"
"  ID TYPE ZONE ADDR IRQ STATUS QUEUES REQS IN OUT ERR DROP INFLIGHT NAME\n"
"STATUS is what the guest driver did: reset (nothing yet), init (probing),\n"
"live (DRIVER_OK), needs-reset (the device failed), failed (the driver gave\n"
"up); or removing (dev del under way). IN and OUT are bytes the guest\n"
"received and sent. After a disk's NAME: (ro) read-only, and its cache mode:\n"
"[cache=none] direct I/O, [cache=writeback] through root's page cache,\n"
"[cache=none,buffered] direct I/O but some requests served buffered\n"
"(guest buffers misaligned, or guest RAM without struct pages).\n"
"\n"
"  --json    a JSON array with every field of every device\n";

/* A disk's cache mode, as dev list shows it after its name. */
static const char *cache_name(const struct hvisor_vhost_dev_info *d)
{
	if (d->type != HVISOR_VHOST_DEV_BLK)
		return NULL;
	if (!(d->flags & HVISOR_VHOST_DEV_F_CACHE_NONE))
		return "writeback";
	if (d->flags & HVISOR_VHOST_DEV_F_BUFFERED)
		return "none,buffered";
	return "none";
}

static const char *status_name(uint32_t status, uint32_t flags)
{
	if (flags & HVISOR_VHOST_DEV_F_REMOVING)
		return "removing";
	if (!status)
		return "reset";
	if (status & VIRTIO_S_FAILED)
		return "failed";
	if (status & VIRTIO_S_NEEDS_RESET)
		return "needs-reset";
	if (status & VIRTIO_S_DRIVER_OK)
		return "live";
	return "init";
}

/* Printable name for the table: control characters become '?'. */
static void table_name(const char *name, size_t size, char *out)
{
	size_t i;

	for (i = 0; i < size && name[i]; i++)
		out[i] = isprint((unsigned char)name[i]) ||
			 (unsigned char)name[i] >= 0x80 ? name[i] : '?';
	out[i] = '\0';
}

static void list_table(const struct hvisor_vhost_dev_info *info,
		       uint32_t count)
{
	char name[sizeof(info->name) + 1], in[16], out[16];
	char zname[sizeof(info->zone_name) + 1];
	char zone[16 + sizeof(zname)];
	uint32_t i;

	printf("%-4s %-7s %-4s %-12s %-4s %-11s %-3s %10s %7s %7s %5s %5s %8s %s\n",
	       "ID", "TYPE", "ZONE", "ADDR", "IRQ", "STATUS", "Q", "REQS", "IN",
	       "OUT", "ERR", "DROP", "INFLIGHT", "NAME");
	for (i = 0; i < count; i++) {
		const struct hvisor_vhost_dev_info *d = &info[i];

		table_name(d->name, sizeof(d->name), name);
		format_bytes(d->bytes_in, in, sizeof(in));
		format_bytes(d->bytes_out, out, sizeof(out));
		/* "2" or, for a zone started by hvisor-tool, "2:linux2". */
		table_name(d->zone_name, sizeof(d->zone_name), zname);
		if (zname[0])
			snprintf(zone, sizeof(zone), "%u:%s", d->zone_id, zname);
		else
			snprintf(zone, sizeof(zone), "%u", d->zone_id);
		printf("%-4u %-7s %-4s 0x%-10" PRIx64 " %-4u %-11s %-3u %10" PRIu64
		       " %7s %7s %5" PRIu64 " %5" PRIu64 " %8" PRIu64 " %s%s",
		       d->id, dev_type_name(d->type), zone,
		       (uint64_t)d->addr, d->irq,
		       status_name(d->status, d->flags),
		       d->num_queues, (uint64_t)d->requests, in, out,
		       (uint64_t)d->errors, (uint64_t)d->dropped,
		       (uint64_t)d->in_flight, name,
		       d->flags & HVISOR_VHOST_DEV_F_RO ? " (ro)" : "");
		if (cache_name(d))
			printf(" [cache=%s]", cache_name(d));
		putchar('\n');
	}
}

static void json_field(struct json_writer *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	jw_u64(w, v);
}

static void list_json_one(struct json_writer *w,
			  const struct hvisor_vhost_dev_info *d)
{
	jw_begin_object(w);
	json_field(w, "id", d->id);
	jw_key(w, "type");
	jw_str(w, dev_type_name(d->type));
	json_field(w, "type_id", d->type);
	json_field(w, "zone", d->zone_id);
	jw_key(w, "zone_name");
	jw_strn(w, d->zone_name, sizeof(d->zone_name));
	json_field(w, "addr", d->addr);
	json_field(w, "irq", d->irq);
	json_field(w, "flags", d->flags);
	jw_key(w, "read_only");
	jw_bool(w, d->flags & HVISOR_VHOST_DEV_F_RO);
	jw_key(w, "removing");
	jw_bool(w, d->flags & HVISOR_VHOST_DEV_F_REMOVING);
	if (cache_name(d)) {
		jw_key(w, "cache");
		jw_str(w, d->flags & HVISOR_VHOST_DEV_F_CACHE_NONE ?
		       "none" : "writeback");
		jw_key(w, "buffered_fallback");
		jw_bool(w, d->flags & HVISOR_VHOST_DEV_F_BUFFERED);
	}
	json_field(w, "status", d->status);
	jw_key(w, "status_text");
	jw_str(w, status_name(d->status, d->flags));
	json_field(w, "num_queues", d->num_queues);
	json_field(w, "queue_size", d->queue_size);
	json_field(w, "features", d->features);
	jw_key(w, "name");
	jw_strn(w, d->name, sizeof(d->name));
	json_field(w, "requests", d->requests);
	json_field(w, "bytes_in", d->bytes_in);
	json_field(w, "bytes_out", d->bytes_out);
	json_field(w, "errors", d->errors);
	json_field(w, "dropped", d->dropped);
	json_field(w, "notifies", d->notifies);
	json_field(w, "interrupts", d->interrupts);
	json_field(w, "in_flight", d->in_flight);
	jw_end_object(w);
}

static void list_json(const struct hvisor_vhost_dev_info *info,
		      uint32_t count)
{
	struct json_writer w;
	uint32_t i;

	jw_init(&w, stdout);
	jw_begin_array(&w);
	for (i = 0; i < count; i++)
		list_json_one(&w, &info[i]);
	jw_end_array(&w);
	jw_finish(&w);
}

int cmd_dev_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hvisor_vhost_dev_info *info;
	uint32_t count = 0;
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
	info = ctl_list_get(argv[0], HVISOR_VHOST_DEV_LIST, sizeof(*info),
			    "device", &count);
	if (!info)
		return EXIT_FAIL;
	if (json)
		list_json(info, count);
	else
		list_table(info, count);
	free(info);
	return 0;
}
