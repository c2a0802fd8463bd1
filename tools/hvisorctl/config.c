// SPDX-License-Identifier: GPL-2.0
/*
 * hvisorctl: parse and check hvisor-tool's virtio_cfg.json (see config.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "json.h"
#include "util.h"

#define REGION_SIZE	0x200u
#define MIN_PAGE	0x1000u

struct cfg_parser {
	char *err;
	size_t errlen;
	char ctx[64];	/* "zone 1 device 2: " */
};

static int cp_error(struct cfg_parser *cp, unsigned int line,
		    const char *fmt, ...) HV_PRINTF(3, 4);

static int cp_error(struct cfg_parser *cp, unsigned int line,
		    const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!cp->errlen)
		return -1;
	n = snprintf(cp->err, cp->errlen, "line %u: %s", line, cp->ctx);
	if (n >= 0 && (size_t)n < cp->errlen) {
		va_start(ap, fmt);
		vsnprintf(cp->err + n, cp->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

const char *dev_type_name(uint32_t type)
{
	static char buf[16];

	switch (type) {
	case HVISOR_VHOST_DEV_NET:
		return "net";
	case HVISOR_VHOST_DEV_BLK:
		return "blk";
	case HVISOR_VHOST_DEV_CONSOLE:
		return "console";
	}
	snprintf(buf, sizeof(buf), "type%u", type);
	return buf;
}

/*
 * Look key up in obj. Return 0 with *out NULL when absent (an error if
 * required), -1 on a duplicate key.
 */
static int cp_get(struct cfg_parser *cp, const struct json_value *obj,
		  const char *key, bool required, const struct json_value **out)
{
	size_t count;

	*out = json_get(obj, key, &count);
	if (count > 1)
		return cp_error(cp, obj->line, "duplicate key \"%s\"", key);
	if (!*out && required)
		return cp_error(cp, obj->line, "missing \"%s\"", key);
	return 0;
}

/* A JSON number or a string in any C base, as an unsigned integer. */
static int cp_number(struct cfg_parser *cp, const char *key,
		     const struct json_value *v, uint64_t max, uint64_t *out)
{
	const char *s = v->str;
	int ret;

	if (v->type == JSON_NUMBER) {
		if (s[0] == '-')
			return cp_error(cp, v->line, "\"%s\": %s is negative",
					key, s);
		if (strpbrk(s, ".eE"))
			return cp_error(cp, v->line,
					"\"%s\": %s is not an integer", key, s);
	} else if (v->type != JSON_STRING) {
		return cp_error(cp, v->line,
				"\"%s\" must be a number or a numeric string, not %s",
				key, json_type_name(v->type));
	}
	ret = parse_u64(s, out);
	if (ret == -ERANGE || (!ret && *out > max))
		return cp_error(cp, v->line,
				"\"%s\": %s is too big (at most %llu)", key, s,
				(unsigned long long)max);
	if (ret)
		return cp_error(cp, v->line,
				"\"%s\": \"%s\" is not a number (decimal, 0x hex or 0 octal)",
				key, s);
	return 0;
}

/* An optional number: *out untouched when absent. */
static int cp_opt_num(struct cfg_parser *cp, const struct json_value *obj,
		      const char *key, uint64_t max, uint64_t *out)
{
	const struct json_value *v;

	if (cp_get(cp, obj, key, false, &v))
		return -1;
	return v ? cp_number(cp, key, v, max, out) : 0;
}

static int cp_req_num(struct cfg_parser *cp, const struct json_value *obj,
		      const char *key, uint64_t max, uint64_t *out)
{
	const struct json_value *v;

	if (cp_get(cp, obj, key, true, &v))
		return -1;
	return cp_number(cp, key, v, max, out);
}

static int cp_opt_u32(struct cfg_parser *cp, const struct json_value *obj,
		      const char *key, uint32_t *out)
{
	uint64_t v = *out;

	if (cp_opt_num(cp, obj, key, UINT32_MAX, &v))
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* An optional string: *out NULL when absent. */
static int cp_opt_str(struct cfg_parser *cp, const struct json_value *obj,
		      const char *key, const char **out)
{
	const struct json_value *v;

	*out = NULL;
	if (cp_get(cp, obj, key, false, &v))
		return -1;
	if (!v)
		return 0;
	if (v->type != JSON_STRING)
		return cp_error(cp, v->line, "\"%s\" must be a string, not %s",
				key, json_type_name(v->type));
	*out = v->str;
	return 0;
}

/* An optional string copied into a fixed field of size bytes. */
static int cp_opt_field(struct cfg_parser *cp, const struct json_value *obj,
			const char *key, char *dst, size_t size, bool term)
{
	const char *s;

	if (cp_opt_str(cp, obj, key, &s))
		return -1;
	if (s && copy_field(dst, size, s, term))
		return cp_error(cp, json_get(obj, key, NULL)->line,
				"\"%s\": \"%s\" is longer than %zu bytes", key,
				s, term ? size - 1 : size);
	return 0;
}

static int cp_opt_bool(struct cfg_parser *cp, const struct json_value *obj,
		       const char *key, bool *out)
{
	const struct json_value *v;

	if (cp_get(cp, obj, key, false, &v))
		return -1;
	if (!v)
		return 0;
	if (v->type != JSON_BOOL)
		return cp_error(cp, v->line, "\"%s\" must be true or false, not %s",
				key, json_type_name(v->type));
	*out = v->boolean;
	return 0;
}

/* An optional array: *out NULL when absent. */
static int cp_opt_array(struct cfg_parser *cp, const struct json_value *obj,
			const char *key, const struct json_value **out)
{
	if (cp_get(cp, obj, key, false, out))
		return -1;
	if (*out && (*out)->type != JSON_ARRAY)
		return cp_error(cp, (*out)->line, "\"%s\" must be an array, not %s",
				key, json_type_name((*out)->type));
	return 0;
}

static int cp_object(struct cfg_parser *cp, const struct json_value *v,
		     const char *what)
{
	if (v->type != JSON_OBJECT)
		return cp_error(cp, v->line, "%s must be an object, not %s",
				what, json_type_name(v->type));
	return 0;
}

/* "mac": six numbers or strings, or one "xx:xx:xx:xx:xx:xx" string. */
static int cp_mac(struct cfg_parser *cp, const struct json_value *dev,
		  struct cfg_dev *d)
{
	const struct json_value *v;
	uint64_t byte;
	size_t i;

	if (cp_get(cp, dev, "mac", false, &v))
		return -1;
	if (!v)
		return 0;
	if (v->type == JSON_STRING) {
		if (parse_mac(v->str, d->mac))
			return cp_error(cp, v->line,
					"\"mac\": \"%s\" is not xx:xx:xx:xx:xx:xx",
					v->str);
	} else if (v->type == JSON_ARRAY && v->arr.count == 6) {
		for (i = 0; i < 6; i++) {
			if (cp_number(cp, "mac", v->arr.items[i], 0xff, &byte))
				return -1;
			d->mac[i] = (uint8_t)byte;
		}
	} else {
		return cp_error(cp, v->line,
				"\"mac\" must be an array of 6 bytes or a \"xx:xx:xx:xx:xx:xx\" string");
	}
	if (mac_is_multicast(d->mac))
		return cp_error(cp, v->line,
				"\"mac\" is a multicast address (first byte odd)");
	d->has_mac = true;
	return 0;
}

static int cp_dev_type(struct cfg_parser *cp, const struct json_value *dev,
		       struct cfg_dev *d)
{
	static const char *const names[] = { "net", "blk", "console" };
	static const uint32_t types[] = {
		HVISOR_VHOST_DEV_NET, HVISOR_VHOST_DEV_BLK,
		HVISOR_VHOST_DEV_CONSOLE,
	};
	const struct json_value *v;
	const char *type, *status;
	size_t i;

	if (cp_get(cp, dev, "type", true, &v) ||
	    cp_opt_str(cp, dev, "type", &type))
		return -1;
	snprintf(d->type_name, sizeof(d->type_name), "%s", type);
	for (i = 0; i < 3; i++)
		if (!strcmp(type, names[i]))
			d->type = types[i];
	if (cp_opt_str(cp, dev, "status", &status))
		return -1;
	if (status && strcmp(status, "enable") && strcmp(status, "disable"))
		return cp_error(cp, json_get(dev, "status", NULL)->line,
				"\"status\": \"%s\" is neither \"enable\" nor \"disable\"",
				status);
	d->enabled = status && !strcmp(status, "enable");
	return 0;
}

static int cp_dev_place(struct cfg_parser *cp, const struct json_value *dev,
			struct cfg_dev *d)
{
	bool has_addr = json_get(dev, "addr", NULL);
	bool has_irq = json_get(dev, "irq", NULL);

	if (has_addr != has_irq)
		return cp_error(cp, dev->line,
				"\"addr\" and \"irq\" go together (give both, or neither for automatic placement)");
	if (cp_opt_num(cp, dev, "addr", UINT64_MAX, &d->addr) ||
	    cp_opt_u32(cp, dev, "irq", &d->irq) ||
	    cp_opt_num(cp, dev, "len", UINT64_MAX, &d->len))
		return -1;
	if (has_addr && (!d->addr || d->addr % REGION_SIZE))
		return cp_error(cp, json_get(dev, "addr", NULL)->line,
				"\"addr\": 0x%llx is not a non-zero multiple of 0x200",
				(unsigned long long)d->addr);
	if (has_irq && !d->irq)
		return cp_error(cp, json_get(dev, "irq", NULL)->line,
				"\"irq\" must not be 0");
	return 0;
}

static int cp_dev_options(struct cfg_parser *cp, const struct json_value *dev,
			  struct cfg_dev *d)
{
	uint64_t mtu = 0;
	const char *img;

	if (cp_opt_u32(cp, dev, "queues", &d->queues) ||
	    cp_opt_u32(cp, dev, "queue_size", &d->queue_size) ||
	    cp_opt_u32(cp, dev, "log_size", &d->log_size) ||
	    cp_opt_num(cp, dev, "mtu", UINT16_MAX, &mtu) ||
	    cp_opt_bool(cp, dev, "ro", &d->ro) ||
	    cp_opt_field(cp, dev, "serial", d->serial, 20, false) ||
	    cp_opt_field(cp, dev, "tap", d->tap, sizeof(d->tap), true) ||
	    cp_opt_field(cp, dev, "ifname", d->ifname, sizeof(d->ifname), true) ||
	    cp_opt_str(cp, dev, "img", &img) || cp_mac(cp, dev, d))
		return -1;
	d->mtu = (uint16_t)mtu;
	if (d->queue_size && !is_pow2(d->queue_size))
		return cp_error(cp, json_get(dev, "queue_size", NULL)->line,
				"\"queue_size\": %u is not a power of two",
				d->queue_size);
	if (d->type == HVISOR_VHOST_DEV_BLK && d->enabled && !img)
		return cp_error(cp, dev->line, "missing \"img\"");
	if (img) {
		if (!*img)
			return cp_error(cp, json_get(dev, "img", NULL)->line,
					"\"img\" is empty");
		d->img = strdup(img);
		if (!d->img)
			return cp_error(cp, dev->line, "out of memory");
	}
	return 0;
}

static int cp_dev(struct cfg_parser *cp, const struct json_value *dev,
		  struct cfg_zone *z, size_t idx)
{
	struct cfg_dev *d = &z->devs[idx];

	snprintf(cp->ctx, sizeof(cp->ctx), "zone %u device %zu: ", z->id, idx);
	d->line = dev->line;
	d->len = REGION_SIZE;
	if (cp_object(cp, dev, "a device") || cp_dev_type(cp, dev, d))
		return -1;
	snprintf(cp->ctx, sizeof(cp->ctx), "zone %u device %zu (%s): ", z->id,
		 idx, d->type_name);
	if (cp_dev_place(cp, dev, d) || cp_dev_options(cp, dev, d))
		return -1;
	return 0;
}

static int cp_mem(struct cfg_parser *cp, const struct json_value *mem,
		  struct cfg_zone *z, size_t idx)
{
	struct cfg_mem *m = &z->mems[idx];

	snprintf(cp->ctx, sizeof(cp->ctx), "zone %u memory_region %zu: ", z->id,
		 idx);
	m->line = mem->line;
	if (cp_object(cp, mem, "a memory region") ||
	    cp_req_num(cp, mem, "zone0_ipa", UINT64_MAX, &m->zone0_ipa) ||
	    cp_req_num(cp, mem, "zonex_ipa", UINT64_MAX, &m->zonex_ipa) ||
	    cp_req_num(cp, mem, "size", UINT64_MAX, &m->size))
		return -1;
	if (!m->size)
		return cp_error(cp, mem->line, "\"size\" is 0");
	if ((m->zone0_ipa | m->zonex_ipa | m->size) % MIN_PAGE)
		return cp_error(cp, mem->line,
				"addresses and size must be page (4 KiB) aligned");
	if (m->zone0_ipa + m->size < m->zone0_ipa ||
	    m->zonex_ipa + m->size < m->zonex_ipa)
		return cp_error(cp, mem->line, "region wraps around the address space");
	return 0;
}

static int cp_zone_lists(struct cfg_parser *cp, const struct json_value *zone,
			 struct cfg_zone *z)
{
	const struct json_value *mems, *devs;
	size_t i;

	if (cp_opt_array(cp, zone, "memory_region", &mems) ||
	    cp_opt_array(cp, zone, "devices", &devs))
		return -1;
	if (mems && mems->arr.count) {
		z->mems = calloc(mems->arr.count, sizeof(*z->mems));
		if (!z->mems)
			return cp_error(cp, zone->line, "out of memory");
		for (i = 0; i < mems->arr.count; i++, z->nr_mems++)
			if (cp_mem(cp, mems->arr.items[i], z, i))
				return -1;
	}
	if (devs && devs->arr.count) {
		z->devs = calloc(devs->arr.count, sizeof(*z->devs));
		if (!z->devs)
			return cp_error(cp, zone->line, "out of memory");
		for (i = 0; i < devs->arr.count; i++) {
			/* Counted first: cfg_free() frees what it holds. */
			z->nr_devs++;
			if (cp_dev(cp, devs->arr.items[i], z, i))
				return -1;
		}
	}
	return 0;
}

static int cp_zone(struct cfg_parser *cp, const struct json_value *zone,
		   struct cfg *cfg, size_t idx)
{
	struct cfg_zone *z = &cfg->zones[idx];
	uint64_t id;
	size_t i;

	snprintf(cp->ctx, sizeof(cp->ctx), "zone #%zu: ", idx);
	z->line = zone->line;
	if (cp_object(cp, zone, "a zone") ||
	    cp_req_num(cp, zone, "id", UINT32_MAX, &id))
		return -1;
	if (!id)
		return cp_error(cp, json_get(zone, "id", NULL)->line,
				"zone id 0 is root; guest zones start at 1");
	z->id = (uint32_t)id;
	for (i = 0; i < idx; i++)
		if (cfg->zones[i].id == z->id)
			return cp_error(cp, zone->line,
					"zone %u is already described on line %u",
					z->id, cfg->zones[i].line);
	snprintf(cp->ctx, sizeof(cp->ctx), "zone %u: ", z->id);
	return cp_zone_lists(cp, zone, z);
}

static int cp_root(struct cfg_parser *cp, const struct json_value *root,
		   struct cfg *cfg)
{
	const struct json_value *zones;
	size_t i;

	if (cp_object(cp, root, "the top level") ||
	    cp_get(cp, root, "zones", true, &zones))
		return -1;
	if (zones->type != JSON_ARRAY)
		return cp_error(cp, zones->line, "\"zones\" must be an array, not %s",
				json_type_name(zones->type));
	if (!zones->arr.count)
		return 0;
	cfg->zones = calloc(zones->arr.count, sizeof(*cfg->zones));
	if (!cfg->zones)
		return cp_error(cp, root->line, "out of memory");
	for (i = 0; i < zones->arr.count; i++) {
		cfg->nr_zones++;
		if (cp_zone(cp, zones->arr.items[i], cfg, i))
			return -1;
	}
	return 0;
}

int cfg_parse(const char *text, size_t len, struct cfg *cfg,
	      char *err, size_t errlen)
{
	struct cfg_parser cp = { .err = err, .errlen = errlen };
	struct json_value *root;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	root = json_parse(text, len, err, errlen);
	if (!root)
		return -1;
	ret = cp_root(&cp, root, cfg);
	json_free(root);
	if (ret)
		cfg_free(cfg);
	return ret;
}

void cfg_free(struct cfg *cfg)
{
	size_t i, j;

	for (i = 0; i < cfg->nr_zones; i++) {
		for (j = 0; j < cfg->zones[i].nr_devs; j++)
			free(cfg->zones[i].devs[j].img);
		free(cfg->zones[i].devs);
		free(cfg->zones[i].mems);
	}
	free(cfg->zones);
	memset(cfg, 0, sizeof(*cfg));
}

void cfg_dev_fill(const struct cfg_dev *d, uint32_t zone_id,
		  struct hvisor_vhost_dev_config *out)
{
	memset(out, 0, sizeof(*out));
	out->type = d->type;
	out->zone_id = zone_id;
	out->addr = d->addr;
	out->irq = d->irq;
	out->num_queues = d->queues;
	out->queue_size = d->queue_size;
	out->backing_fd = -1;
	switch (d->type) {
	case HVISOR_VHOST_DEV_BLK:
		if (d->ro)
			out->flags |= HVISOR_VHOST_DEV_F_RO;
		memcpy(out->blk.serial, d->serial, sizeof(out->blk.serial));
		break;
	case HVISOR_VHOST_DEV_NET:
		if (d->has_mac)
			memcpy(out->net.mac, d->mac, sizeof(out->net.mac));
		out->net.mtu = d->mtu;
		memcpy(out->net.ifname, d->ifname, sizeof(out->net.ifname));
		memcpy(out->net.tap, d->tap, sizeof(out->net.tap));
		break;
	case HVISOR_VHOST_DEV_CONSOLE:
		out->console.log_size = d->log_size;
		break;
	}
}
