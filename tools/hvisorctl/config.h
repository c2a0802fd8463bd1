/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvisorctl: hvisor-tool's virtio_cfg.json, parsed and checked.
 *
 * {"zones": [{"id": 1,
 *   "memory_region": [{"zone0_ipa": "0x50000000", "zonex_ipa": ...,
 *                      "size": ...}],
 *   "devices": [{"type": "blk", "addr": "0xa003c00", "len": "0x200",
 *                "irq": 78, "img": "disk.img", "status": "enable"}, ...]}]}
 *
 * Numbers are JSON numbers or strings in any C base. Besides hvisor-tool's
 * keys a device may carry hvisorctl's own options (ignored by hvisor-tool):
 * blk "ro", "serial", "queues", "queue_size"; net "ifname", "queues",
 * "queue_size", "mtu"; console "log_size", "queue_size".
 */
#ifndef HVISORCTL_CONFIG_H
#define HVISORCTL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/hvisor_vhost.h>

struct cfg_mem {
	unsigned int line;
	uint64_t zone0_ipa;
	uint64_t zonex_ipa;
	uint64_t size;
};

struct cfg_dev {
	unsigned int line;
	/* HVISOR_VHOST_DEV_*, or 0 for a type hvisor_vhost does not serve */
	uint32_t type;
	char type_name[16];	/* as written (truncated) */
	bool enabled;		/* "status": "enable" */
	uint64_t addr;
	uint32_t irq;
	uint64_t len;		/* 0x200 unless given */
	uint32_t queues;
	uint32_t queue_size;
	/* blk */
	char *img;
	bool ro;
	char serial[21];
	/* net */
	bool has_mac;
	uint8_t mac[6];
	char tap[16];
	char ifname[16];
	uint16_t mtu;
	/* console */
	uint32_t log_size;
};

struct cfg_zone {
	unsigned int line;
	uint32_t id;
	struct cfg_mem *mems;
	size_t nr_mems;
	struct cfg_dev *devs;
	size_t nr_devs;
};

struct cfg {
	struct cfg_zone *zones;
	size_t nr_zones;
};

/*
 * Parse and check a virtio_cfg.json held in text[0..len). Return 0, or
 * -1 with "line N: what" in err (cfg is then empty).
 */
int cfg_parse(const char *text, size_t len, struct cfg *cfg,
	      char *err, size_t errlen);
void cfg_free(struct cfg *cfg);

/*
 * Fill the request for device d of zone zone_id (backing_fd -1: the
 * caller opens d->img).
 */
void cfg_dev_fill(const struct cfg_dev *d, uint32_t zone_id,
		  struct hvisor_vhost_dev_config *out);

/* "blk", "net", "console" or "type<N>" */
const char *dev_type_name(uint32_t type);

#endif /* HVISORCTL_CONFIG_H */
