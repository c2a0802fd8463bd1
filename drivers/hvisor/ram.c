// SPDX-License-Identifier: GPL-2.0
/*
 * Root's mappings of guest RAM that is not root's own memory.
 *
 * On real hvisor a zone's RAM is physical memory the hypervisor reserved:
 * not root's System RAM, so not in the linear map and without struct
 * pages. memremap() reaches it, but the block layer, which takes pages,
 * cannot: every block request of such a zone would go through root's page
 * cache. Where the kernel has ZONE_DEVICE, the memory gets struct pages
 * instead (memremap_pages(), MEMORY_DEVICE_GENERIC, as device DAX does for
 * reserved memory): it is mapped write-back into the linear map, as
 * memremap(WB) maps it, and direct I/O can target it. Where it cannot
 * (no ZONE_DEVICE, a range not aligned to a memory subsection, outside the
 * linear map, someone else's device memory), plain memremap() it is.
 *
 * Nobody but the block backend's bios touches the pages, and those hold no
 * page references (bvec iterators), so memunmap_pages() never waits for a
 * guest.
 *
 * Each mapping says in the kernel log which it got, and why not pages.
 */

#define pr_fmt(fmt) "hvisor_vhost: " fmt

#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/numa.h>
#include <linux/slab.h>

#include "compat.h"
#include "ram.h"

#ifdef CONFIG_ZONE_DEVICE

/* Marks our pagemaps: no callbacks are needed for generic memory. */
static const struct dev_pagemap_ops hvisor_ram_pgmap_ops;

/* Someone's pagemap covers a subsection of [@pa, @pa + @size). */
static bool hvisor_ram_has_pgmap(phys_addr_t pa, size_t size)
{
	struct dev_pagemap *pgmap;
	phys_addr_t at;

	for (at = pa; at < pa + size; at += SUBSECTION_SIZE) {
		pgmap = get_dev_pagemap(PHYS_PFN(at), NULL);
		if (pgmap) {
			put_dev_pagemap(pgmap);
			return true;
		}
	}
	return false;
}

/*
 * struct pages for [@pa, @pa + @size), mapped write-back; NULL if not, with
 * *@why set. memremap_pages() warns (a stack trace) rather than refuses
 * quietly where the range is root's RAM or another pagemap's: checked
 * first.
 */
static void *hvisor_ram_map_pages(phys_addr_t pa, size_t size,
				  const char **why)
{
	struct dev_pagemap *pgmap;
	void *kva;

	*why = "not aligned to 2 MiB";
	if (!IS_ALIGNED(pa | size, SUBSECTION_SIZE))
		return NULL;
	*why = "root's RAM or another device's memory";
	if (region_intersects(pa, size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT ||
	    hvisor_ram_has_pgmap(pa, size))
		return NULL;
	*why = "out of memory";
	pgmap = kzalloc(sizeof(*pgmap), GFP_KERNEL);
	if (!pgmap)
		return NULL;
	pgmap->type = MEMORY_DEVICE_GENERIC;
	pgmap->ops = &hvisor_ram_pgmap_ops;
	pgmap->range.start = pa;
	pgmap->range.end = pa + size - 1;
	pgmap->nr_range = 1;
	kva = memremap_pages(pgmap, NUMA_NO_NODE);
	if (IS_ERR(kva)) {
		*why = "memremap_pages() failed";
		kfree(pgmap);
		return NULL;
	}
	return kva;
}

/*
 * The pagemap hvisor_ram_map() created when it returned @kva for @pa, with
 * a reference; NULL for a memremap() mapping, which may be a second
 * mapping of memory that has our pages (another zone's: its address is
 * then not the linear map's).
 */
static struct dev_pagemap *hvisor_ram_pgmap(const void *kva, phys_addr_t pa)
{
	struct dev_pagemap *pgmap = get_dev_pagemap(PHYS_PFN(pa), NULL);

	if (pgmap && (pgmap->ops != &hvisor_ram_pgmap_ops ||
		      pgmap->range.start != pa || kva != __va(pa))) {
		put_dev_pagemap(pgmap);
		return NULL;
	}
	return pgmap;
}

/* Give back what hvisor_ram_map_pages() made; @pgmap holds no reference. */
static void hvisor_ram_unmap_pages(struct dev_pagemap *pgmap)
{
	memunmap_pages(pgmap);
	kfree(pgmap);
}

#else /* !CONFIG_ZONE_DEVICE */

static void *hvisor_ram_map_pages(phys_addr_t pa, size_t size,
				  const char **why)
{
	*why = "kernel without CONFIG_ZONE_DEVICE";
	return NULL;
}

static struct dev_pagemap *hvisor_ram_pgmap(const void *kva, phys_addr_t pa)
{
	return NULL;
}

static void hvisor_ram_unmap_pages(struct dev_pagemap *pgmap)
{
}

#endif /* CONFIG_ZONE_DEVICE */

/**
 * hvisor_ram_map() - map guest RAM that is not root's System RAM
 * @pa: root physical address, page aligned
 * @size: bytes, page aligned
 *
 * With struct pages when the kernel can give them (see the top of this
 * file), else as hvisor_memremap_guest_ram() maps it. Either mapping is
 * normal cacheable memory, as the guest maps its RAM.
 *
 * Context: process context, may sleep.
 * Return: the kernel address of @pa, or NULL.
 */
void *hvisor_ram_map(phys_addr_t pa, size_t size)
{
	const char *why;
	void *kva;

	if (!hvisor_pa_range_ok(pa, size))
		return NULL;
	kva = hvisor_ram_map_pages(pa, size, &why);
	if (kva) {
		pr_info("guest RAM 0x%llx+0x%zx: struct pages (ZONE_DEVICE), block I/O can be direct\n",
			(u64)pa, size);
		return kva;
	}
	kva = hvisor_memremap_guest_ram(pa, size);
	if (kva)
		pr_info("guest RAM 0x%llx+0x%zx: no struct pages (%s), block I/O into it is buffered\n",
			(u64)pa, size, why);
	return kva;
}

/**
 * hvisor_ram_unmap() - undo hvisor_ram_map()
 * @kva: what hvisor_ram_map() returned
 * @pa: the physical address it was given
 *
 * Context: process context, may sleep.
 */
void hvisor_ram_unmap(void *kva, phys_addr_t pa)
{
	struct dev_pagemap *pgmap = hvisor_ram_pgmap(kva, pa);

	if (!pgmap) {
		memunmap(kva);
		return;
	}
	/* The lookup's reference, before memunmap_pages() waits for all. */
	put_dev_pagemap(pgmap);
	hvisor_ram_unmap_pages(pgmap);
}

/**
 * hvisor_ram_pages() - the struct pages of a hvisor_ram_map() mapping
 * @kva: what hvisor_ram_map() returned
 * @pa: the physical address it was given
 * @size: the size it was given
 *
 * Context: process context.
 * Return: the page of @pa when the whole mapping has struct pages, which
 * then follow each other (ZONE_DEVICE implies a virtual memmap); NULL when
 * it was memremap()ed.
 */
struct page *hvisor_ram_pages(const void *kva, phys_addr_t pa, size_t size)
{
	struct dev_pagemap *pgmap = hvisor_ram_pgmap(kva, pa);
	struct page *page = NULL;

	if (!pgmap)
		return NULL;
	if (pa + size - 1 <= pgmap->range.end)
		page = pfn_to_page(PHYS_PFN(pa));
	put_dev_pagemap(pgmap);
	return page;
}
