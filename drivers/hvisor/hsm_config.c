// SPDX-License-Identifier: GPL-2.0
/*
 * Checks of a zone configuration handed to ZONE_START, before anything
 * uses it. Pure functions: no locks, no hypervisor, no allocation, so
 * that the KUnit suite (tests/hsm_kunit.c) includes this file as is.
 *
 * What is checked is what hvisor_vhost uses or hands on as an array
 * bound: the zone id, the counts of every array, each memory region (a
 * known type, a size, no wrap-around, RAM in whole hvisor pages and not
 * overlapping other RAM, root- or guest-side), the name (NUL-terminated)
 * and where the kernel and device tree were loaded (inside one RAM
 * region). The rest (interrupts, arch and PCI details) is hvisor's to
 * judge.
 */

#include <linux/kernel.h>
#include <linux/string.h>
#include <hvisor/hvisor_tool.h>

#include "hsm.h"

/**
 * hvisor_hsm_range_inside() - is [start, start + size) inside another range
 * @start: first byte
 * @size: bytes, > 0
 * @outer: first byte of the other range
 * @outer_size: its size
 *
 * Neither sum is computed, so nothing wraps around.
 *
 * Return: true when every byte of the range is in the other one.
 */
bool hvisor_hsm_range_inside(u64 start, u64 size, u64 outer, u64 outer_size)
{
	return size && start >= outer && start - outer <= outer_size &&
	       size <= outer_size - (start - outer);
}

/**
 * hvisor_hsm_ranges_overlap() - do two ranges share a byte
 * @a: first byte of one
 * @alen: its size; a + alen does not wrap
 * @b: first byte of the other
 * @blen: its size; b + blen does not wrap
 *
 * Return: true when they intersect.
 */
bool hvisor_hsm_ranges_overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

/* The sum does not wrap: the range ends at or below 2^64 - 1. */
static bool hsm_no_wrap(u64 start, u64 size)
{
	return start + size >= start && start + size != 0;
}

static bool hsm_page_aligned(u64 v)
{
	return !(v & (HVISOR_TOOL_PAGE_SIZE - 1));
}

static __printf(3, 4) int hsm_why(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(why, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int hsm_check_counts(const struct hvisor_tool_zone_config *cfg,
			    char *why, size_t len)
{
	if (!cfg->zone_id || cfg->zone_id >= HVISOR_TOOL_MAX_ZONES)
		return hsm_why(why, len, "zone id %u: guest zones are 1 .. %u",
			       cfg->zone_id, HVISOR_TOOL_MAX_ZONES - 1);
	if (!cfg->cpus)
		return hsm_why(why, len, "no CPU");
	if (!memchr(cfg->name, '\0', sizeof(cfg->name)))
		return hsm_why(why, len, "name not NUL-terminated within %zu bytes",
			       sizeof(cfg->name));
	if (!cfg->num_memory_regions ||
	    cfg->num_memory_regions > HVISOR_TOOL_MAX_MEM_REGIONS)
		return hsm_why(why, len, "%u memory regions: 1 .. %u allowed",
			       cfg->num_memory_regions,
			       HVISOR_TOOL_MAX_MEM_REGIONS);
	if (cfg->num_ivc_configs > HVISOR_TOOL_MAX_IVC)
		return hsm_why(why, len, "%u IVC channels: at most %u",
			       cfg->num_ivc_configs, HVISOR_TOOL_MAX_IVC);
	if (cfg->num_pci_bus > HVISOR_TOOL_MAX_PCI_BUS)
		return hsm_why(why, len, "%llu PCI buses: at most %u",
			       cfg->num_pci_bus, HVISOR_TOOL_MAX_PCI_BUS);
	if (cfg->num_pci_devs > HVISOR_TOOL_MAX_PCI_DEVS)
		return hsm_why(why, len, "%llu PCI devices: at most %u",
			       cfg->num_pci_devs, HVISOR_TOOL_MAX_PCI_DEVS);
	return 0;
}

static int hsm_check_region(const struct hvisor_tool_mem_region *r,
			    unsigned int i, char *why, size_t len)
{
	if (r->type > HVISOR_TOOL_MEM_VIRTIO)
		return hsm_why(why, len, "memory region %u: unknown type %u",
			       i, r->type);
	if (!r->size)
		return hsm_why(why, len, "memory region %u: size 0", i);
	if (!hsm_no_wrap(r->physical_start, r->size) ||
	    !hsm_no_wrap(r->virtual_start, r->size))
		return hsm_why(why, len, "memory region %u: 0x%llx/0x%llx + 0x%llx wraps around",
			       i, r->physical_start, r->virtual_start, r->size);
	if (r->type == HVISOR_TOOL_MEM_RAM &&
	    (!hsm_page_aligned(r->physical_start) ||
	     !hsm_page_aligned(r->virtual_start) ||
	     !hsm_page_aligned(r->size)))
		return hsm_why(why, len,
			       "RAM region %u: 0x%llx/0x%llx + 0x%llx not in whole 4 KiB pages",
			       i, r->physical_start, r->virtual_start, r->size);
	return 0;
}

/* RAM region @i against the RAM regions before it. */
static int hsm_check_ram_overlap(const struct hvisor_tool_zone_config *cfg,
				 unsigned int i, char *why, size_t len)
{
	const struct hvisor_tool_mem_region *r = &cfg->memory_regions[i], *o;
	unsigned int j;

	for (j = 0; j < i; j++) {
		o = &cfg->memory_regions[j];
		if (o->type != HVISOR_TOOL_MEM_RAM)
			continue;
		if (hvisor_hsm_ranges_overlap(r->physical_start, r->size,
					      o->physical_start, o->size) ||
		    hvisor_hsm_ranges_overlap(r->virtual_start, r->size,
					      o->virtual_start, o->size))
			return hsm_why(why, len, "RAM regions %u and %u overlap",
				       j, i);
	}
	return 0;
}

static int hsm_check_regions(const struct hvisor_tool_zone_config *cfg,
			     char *why, size_t len)
{
	const struct hvisor_tool_mem_region *r;
	unsigned int i, nr_ram = 0;
	int ret;

	for (i = 0; i < cfg->num_memory_regions; i++) {
		r = &cfg->memory_regions[i];
		ret = hsm_check_region(r, i, why, len);
		if (ret)
			return ret;
		if (r->type != HVISOR_TOOL_MEM_RAM)
			continue;
		ret = hsm_check_ram_overlap(cfg, i, why, len);
		if (ret)
			return ret;
		nr_ram++;
	}
	if (!nr_ram)
		return hsm_why(why, len, "no RAM region");
	return 0;
}

/* An image hvisor-tool loaded (@size 0: none) lies in one RAM region. */
static int hsm_check_image(const struct hvisor_tool_zone_config *cfg,
			   const char *what, u64 pa, u64 size, char *why,
			   size_t len)
{
	const struct hvisor_tool_mem_region *r;
	unsigned int i;

	if (!size)
		return 0;
	for (i = 0; i < cfg->num_memory_regions; i++) {
		r = &cfg->memory_regions[i];
		if (r->type == HVISOR_TOOL_MEM_RAM &&
		    hvisor_hsm_range_inside(pa, size, r->physical_start,
					    r->size))
			return 0;
	}
	return hsm_why(why, len, "%s at 0x%llx + 0x%llx is not inside one RAM region",
		       what, pa, size);
}

/**
 * hvisor_hsm_config_check() - check a zone configuration from user space
 * @cfg: the configuration, already copied into the kernel
 * @why: where to write the first problem found, for the kernel log
 * @len: room in @why
 *
 * Context: any.
 * Return: 0, or -EINVAL with the reason in @why.
 */
int hvisor_hsm_config_check(const struct hvisor_tool_zone_config *cfg,
			    char *why, size_t len)
{
	int ret;

	ret = hsm_check_counts(cfg, why, len);
	if (!ret)
		ret = hsm_check_regions(cfg, why, len);
	if (!ret)
		ret = hsm_check_image(cfg, "kernel", cfg->kernel_load_paddr,
				      cfg->kernel_size, why, len);
	if (!ret)
		ret = hsm_check_image(cfg, "device tree", cfg->dtb_load_paddr,
				      cfg->dtb_size, why, len);
	return ret;
}
