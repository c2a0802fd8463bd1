// SPDX-License-Identifier: GPL-2.0
/*
 * hvisorctl config load: apply hvisor-tool's virtio_cfg.json.
 *
 * The whole file is parsed, every image opened and every tap attached
 * before the first request, so a typo changes nothing. Then, zone by zone, memory regions
 * are registered and enabled devices added. When a device cannot be
 * added, the devices added so far are removed again (memory registered
 * stays: "hvisorctl zone del" forgets it).
 */
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
#include "tap.h"

#define REGION_SIZE	0x200u

static const char config_help[] =
"Usage: hvisorctl config load [--dry-run] FILE\n"
"\n"
"Apply hvisor-tool's device configuration (virtio_cfg.json): for each zone\n"
"register its \"memory_region\" entries, then add its devices whose \"status\"\n"
"is \"enable\" (blk \"img\", net \"tap\"/\"mac\", console). A net device with a\n"
"\"tap\" is attached to that existing tap interface, one without gets a root\n"
"interface of its own (\"ifname\"). Numbers may be JSON\n"
"numbers or strings in any C base. Relative image paths are relative to the\n"
"current directory, as with hvisor-tool. Device types hvisor_vhost does not\n"
"serve (gpu, scmi, ...) are skipped with a warning.\n"
"\n"
"  --dry-run   check the file, the images and the taps, print what would be\n"
"              done\n";

struct loader {
	const char *file;
	const struct cfg *cfg;
	int ctl;		/* -1 for --dry-run */
	bool dry_run;
	int *fds;		/* image fds, one per device of every zone */
	struct tap_files *taps;	/* tap files, one set per device */
	uint32_t *added;	/* ids of the devices added so far */
	size_t nr_added;
	size_t skipped;
};

static char *read_file(const char *path, size_t *len)
{
	size_t cap = JSON_MAX_INPUT + 1, n;
	char *buf;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		hv_err("%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(cap);
	if (!buf) {
		hv_err("%s: out of memory", path);
		fclose(f);
		return NULL;
	}
	/* One byte more than allowed, so that json_parse() sees "too big". */
	n = fread(buf, 1, cap, f);
	if (ferror(f)) {
		hv_err("%s: %s", path, strerror(errno));
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

static size_t total_devs(const struct cfg *cfg)
{
	size_t i, n = 0;

	for (i = 0; i < cfg->nr_zones; i++)
		n += cfg->zones[i].nr_devs;
	return n;
}

/*
 * The backing of an enabled device: a blk device's image, a net device's
 * tap (only checked for a dry run). 0, or -1 after printing why.
 */
static int open_backing(struct loader *l, const struct cfg_dev *d, size_t k)
{
	if (!d->enabled)
		return 0;
	if (d->type == HVISOR_VHOST_DEV_BLK) {
		l->fds[k] = image_open(d->img, d->ro);
		return l->fds[k] < 0 ? -1 : 0;
	}
	if (d->type != HVISOR_VHOST_DEV_NET || !d->tap[0])
		return 0;
	if (l->dry_run)
		return tap_check(d->tap, d->queues ? d->queues : 1);
	return tap_open(d->tap, d->queues, &l->taps[k]);
}

/* Open every backing; -1 after printing why. */
static int open_images(struct loader *l)
{
	size_t i, j, k = 0;

	for (i = 0; i < l->cfg->nr_zones; i++) {
		const struct cfg_zone *z = &l->cfg->zones[i];

		for (j = 0; j < z->nr_devs; j++, k++) {
			const struct cfg_dev *d = &z->devs[j];

			if (open_backing(l, d, k)) {
				hv_err("%s: line %u: zone %u device %zu (%s) cannot be served",
				       l->file, d->line, z->id, j, d->type_name);
				return -1;
			}
		}
	}
	return 0;
}

static void close_images(struct loader *l)
{
	size_t i, n = total_devs(l->cfg);

	for (i = 0; i < n; i++) {
		if (l->fds[i] >= 0)
			close(l->fds[i]);
		tap_close(&l->taps[i]);
	}
}

static int load_mem(struct loader *l, const struct cfg_zone *z,
		    const struct cfg_mem *m)
{
	struct hvisor_vhost_zone_mem mem = {
		.zone_id = z->id,
		.zone0_ipa = m->zone0_ipa,
		.zonex_ipa = m->zonex_ipa,
		.size = m->size,
	};
	int ret;

	printf("zone %u: %smemory 0x%" PRIx64 " bytes at 0x%" PRIx64
	       " (root 0x%" PRIx64 ")\n", z->id, l->ctl < 0 ? "would add " : "",
	       m->size, m->zonex_ipa, m->zone0_ipa);
	if (l->ctl < 0)
		return 0;
	ret = ctl_ioctl(l->ctl, HVISOR_VHOST_ZONE_ADD_MEM, &mem);
	if (ret)
		hv_err("%s: line %u: zone %u memory_region: %s", l->file,
		       m->line, z->id, ctl_strerror(CTL_ZONE_MEM, -ret));
	return ret;
}

/* Say why a device is not added; true if it is skipped. */
static bool skip_dev(struct loader *l, const struct cfg_zone *z,
		     const struct cfg_dev *d, size_t idx)
{
	if (!d->enabled) {
		printf("zone %u: device %zu (%s) is not enabled, skipped\n",
		       z->id, idx, d->type_name);
	} else if (!d->type) {
		hv_warn("%s: line %u: zone %u device %zu: type \"%s\" is not served by hvisor_vhost, skipped",
			l->file, d->line, z->id, idx, d->type_name);
	} else {
		if (d->len != REGION_SIZE)
			hv_warn("%s: line %u: zone %u device %zu: \"len\" 0x%" PRIx64
				": hvisor_vhost devices use 0x200 bytes",
				l->file, d->line, z->id, idx, d->len);
		return false;
	}
	l->skipped++;
	return true;
}

static int load_dev(struct loader *l, const struct cfg_zone *z,
		    const struct cfg_dev *d, size_t idx, size_t k)
{
	struct hvisor_vhost_dev_config cfg;
	const char *name = d->img ? d->img : d->tap[0] ? d->tap : d->ifname;
	const char *why;
	int ret;

	if (skip_dev(l, z, d, idx))
		return 0;
	cfg_dev_fill(d, z->id, &cfg);
	cfg.backing_fd = l->fds[k];
	if (l->taps[k].nr)
		tap_fill(&l->taps[k], &cfg);
	if (l->ctl < 0) {
		printf("zone %u: would add %s at 0x%" PRIx64 " irq %u%s%s\n",
		       z->id, d->type_name, d->addr, d->irq, *name ? ", " : "",
		       name);
		l->nr_added++;
		return 0;
	}
	ret = dev_submit(l->ctl, &cfg);
	if (ret == -EOPNOTSUPP) {
		hv_warn("%s: line %u: zone %u device %zu (%s): %s, skipped",
			l->file, d->line, z->id, idx, d->type_name,
			ctl_strerror(CTL_DEV_ADD, -ret));
		l->skipped++;
		return 0;
	}
	if (ret) {
		why = l->taps[k].nr ? tap_strerror(-ret) : NULL;
		hv_err("%s: line %u: zone %u device %zu (%s): %s", l->file,
		       d->line, z->id, idx, d->type_name,
		       why ? why : ctl_strerror(CTL_DEV_ADD, -ret));
		return ret;
	}
	l->added[l->nr_added++] = cfg.id;
	dev_print_added(&cfg, name);
	return 0;
}

static int load_zones(struct loader *l)
{
	size_t i, j, k = 0;

	for (i = 0; i < l->cfg->nr_zones; i++) {
		const struct cfg_zone *z = &l->cfg->zones[i];

		for (j = 0; j < z->nr_mems; j++)
			if (load_mem(l, z, &z->mems[j]))
				return -1;
		for (j = 0; j < z->nr_devs; j++, k++)
			if (load_dev(l, z, &z->devs[j], j, k))
				return -1;
	}
	return 0;
}

/* Remove the devices this run added. */
static void rollback(struct loader *l)
{
	struct hvisor_vhost_dev_del del = { .flags = HVISOR_VHOST_DEL_F_FORCE };
	size_t i;
	int ret;

	for (i = l->nr_added; i-- > 0;) {
		del.id = l->added[i];
		ret = ctl_ioctl(l->ctl, HVISOR_VHOST_DEV_DEL, &del);
		if (ret)
			hv_err("removing device %u again: %s", del.id,
			       ctl_strerror(CTL_DEV_DEL, -ret));
		else
			printf("device %u removed again\n", del.id);
	}
	hv_err("%s: nothing added stays; memory registered so far does (hvisorctl zone del ZONE forgets it)",
	       l->file);
}

static int load(struct loader *l, bool dry_run)
{
	size_t i, n = total_devs(l->cfg);
	int ret = EXIT_FAIL;

	l->fds = calloc(n ? n : 1, sizeof(*l->fds));
	l->taps = calloc(n ? n : 1, sizeof(*l->taps));
	l->added = calloc(n ? n : 1, sizeof(*l->added));
	if (!l->fds || !l->taps || !l->added) {
		hv_err("out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		l->fds[i] = -1;
	l->dry_run = dry_run;
	if (open_images(l))
		goto out_close;
	l->ctl = dry_run ? -1 : ctl_open(NULL);
	if (!dry_run && l->ctl < 0)
		goto out_close;
	if (load_zones(l)) {
		rollback(l);
	} else {
		printf("%s%zu device(s) %sadded, %zu skipped\n",
		       dry_run ? "dry run: " : "", l->nr_added,
		       dry_run ? "would be " : "", l->skipped);
		ret = 0;
	}
	if (l->ctl >= 0)
		close(l->ctl);
out_close:
	close_images(l);
out:
	free(l->fds);
	free(l->taps);
	free(l->added);
	return ret;
}

static int config_load(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct loader l = { 0 };
	bool dry_run = false;
	char err[256], *text;
	struct cfg cfg;
	size_t len;
	int c, ret;

	while ((c = cli_getopt(argc, argv, "nh", opts)) != -1) {
		if (c == 'h')
			return print_help(config_help);
		if (c != 'n')
			return EXIT_USAGE;
		dry_run = true;
	}
	if (!want_args(argc, argv, 1, "FILE"))
		return EXIT_USAGE;
	l.file = argv[optind];
	text = read_file(l.file, &len);
	if (!text)
		return EXIT_FAIL;
	ret = cfg_parse(text, len, &cfg, err, sizeof(err));
	free(text);
	if (ret) {
		hv_err("%s: %s", l.file, err);
		return EXIT_FAIL;
	}
	l.cfg = &cfg;
	ret = load(&l, dry_run);
	cfg_free(&cfg);
	return ret;
}

int cmd_config(int argc, char **argv)
{
	static const struct subcmd subs[] = {
		{ "load", config_load },
		{ NULL, NULL },
	};

	return run_subcmd(argc, argv, subs, config_help);
}
