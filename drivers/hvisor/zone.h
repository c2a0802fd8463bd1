/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Zones: a guest's RAM map (guest-physical -> root kernel virtual) and the
 * translation of guest addresses with bounds and overflow checks.
 */
#ifndef _HVISOR_ZONE_H
#define _HVISOR_ZONE_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/xarray.h>

struct page;

#define HVISOR_ZONE_MAX_REGIONS	32

/**
 * struct hvisor_zone_region - one contiguous piece of guest RAM
 * @gpa: first guest-physical address
 * @size: bytes; gpa + size does not overflow
 * @kva: where root's kernel reaches @gpa
 * @pa: root physical address of @gpa (0 when not known)
 * @mapped: true when @kva comes from hvisor_ram_map() and the zone must
 *	unmap it
 * @dev_pages: the struct pages hvisor_ram_map() gave a @mapped region
 *	(ZONE_DEVICE: page of @pa, the others following), else NULL
 */
struct hvisor_zone_region {
	u64 gpa;
	u64 size;
	void *kva;
	phys_addr_t pa;
	bool mapped;
	struct page *dev_pages;
};

/**
 * struct hvisor_zone - one guest zone
 * @id: hvisor zone id, >= 1
 * @node: entry in the global zone list (under the zone list lock)
 * @ref: references: the zone list holds one, each device holds one
 * @regions: guest RAM; append-only while the zone lives, entries
 *	[0, @nr_regions) are immutable once published
 * @nr_regions: published with release semantics after the entry is
 *	written; readers load it with acquire semantics and so need no lock
 * @devices: devices keyed by guest address >> 9 (the 0x200 region index);
 *	inserted under hvisor_ctl_mutex, erased by a device's removal
 *	without it (the xarray's own lock serialises writers), read under
 *	RCU from any context
 * @nr_devices: devices of the zone still listed, those being removed
 *	included (under hvisor_ctl_mutex)
 * @hv_ram: the hypervisor driver declared RAM of the zone (the
 *	simulator's own zone): its guest runs for as long as that driver is
 *	attached, so HVISOR_VHOST_ZONE_DEL refuses it (under hvisor_ctl_mutex)
 */
struct hvisor_zone {
	u32 id;
	struct list_head node;
	struct kref ref;
	struct hvisor_zone_region regions[HVISOR_ZONE_MAX_REGIONS];
	unsigned int nr_regions;
	struct xarray devices;
	unsigned int nr_devices;
	bool hv_ram;
};

struct hvisor_zone *hvisor_zone_create(u32 id);
void hvisor_zone_get(struct hvisor_zone *zone);
void hvisor_zone_put(struct hvisor_zone *zone);
bool hvisor_zone_pa_overlaps(const struct hvisor_zone *zone, phys_addr_t pa,
			     u64 size);
int hvisor_zone_add_region(struct hvisor_zone *zone, u64 gpa, u64 size,
			   void *kva, phys_addr_t pa, bool mapped);
size_t hvisor_zone_translate(const struct hvisor_zone *zone, u64 gpa,
			     u64 len, void **kva);
void *hvisor_zone_map_range(const struct hvisor_zone *zone, u64 gpa,
			    u64 len);
struct page *hvisor_zone_dev_page(const struct hvisor_zone *zone,
				  const void *kva, size_t len);

#endif /* _HVISOR_ZONE_H */
