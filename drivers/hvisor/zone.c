// SPDX-License-Identifier: GPL-2.0
/*
 * Zones: the guest RAM map of one guest zone and the translation of
 * guest-physical addresses into root kernel virtual addresses.
 *
 * The region table is append-only: an entry is written completely and only
 * then published by raising nr_regions with release semantics, so the data
 * path (any context, hard interrupt included) reads it without a lock after
 * an acquire load of nr_regions. Every check is written so that no sum of a
 * guest address and a guest length can wrap around.
 */

#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "ram.h"
#include "zone.h"

/**
 * hvisor_zone_create() - allocate an empty zone
 * @id: hvisor zone id
 *
 * The zone starts with one reference, owned by the caller, no RAM and no
 * devices.
 *
 * Context: process context, may sleep.
 * Return: the zone, or NULL when out of memory.
 */
struct hvisor_zone *hvisor_zone_create(u32 id)
{
	struct hvisor_zone *zone;

	zone = kzalloc(sizeof(*zone), GFP_KERNEL);
	if (!zone)
		return NULL;
	zone->id = id;
	INIT_LIST_HEAD(&zone->node);
	kref_init(&zone->ref);
	xa_init(&zone->devices);
	return zone;
}

/**
 * hvisor_zone_get() - take a reference on a zone
 * @zone: the zone; the caller already holds a reference
 */
void hvisor_zone_get(struct hvisor_zone *zone)
{
	kref_get(&zone->ref);
}

static void hvisor_zone_release(struct kref *ref)
{
	struct hvisor_zone *zone = container_of(ref, struct hvisor_zone, ref);
	unsigned int i;

	for (i = 0; i < zone->nr_regions; i++)
		if (zone->regions[i].mapped)
			hvisor_ram_unmap(zone->regions[i].kva,
					 zone->regions[i].pa);
	xa_destroy(&zone->devices);
	kfree(zone);
}

/**
 * hvisor_zone_put() - drop a reference on a zone
 * @zone: the zone
 *
 * The last reference unmaps the regions hvisor_zone mapped and frees the
 * zone. Lookups under RCU must be impossible by then (the owner unpublishes
 * the zone and waits for a grace period before dropping its reference).
 *
 * Context: process context (unmapping may sleep).
 */
void hvisor_zone_put(struct hvisor_zone *zone)
{
	kref_put(&zone->ref, hvisor_zone_release);
}

/* [a, a + alen) and [b, b + blen) intersect; neither end wraps. */
static bool hvisor_zone_overlaps(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

/**
 * hvisor_zone_pa_overlaps() - does a zone use some of this root memory?
 * @zone: the zone
 * @pa: root physical address
 * @size: bytes from @pa; @pa + @size does not wrap
 *
 * Only regions the zone mapped itself (@mapped, from hvisor's reserved
 * memory, whose physical address is always known) count: the simulator's
 * regions are root's own RAM, which reserved memory never is.
 *
 * Context: process context, under the lock that serialises adds.
 * Return: true when [@pa, @pa + @size) overlaps such a region.
 */
bool hvisor_zone_pa_overlaps(const struct hvisor_zone *zone, phys_addr_t pa,
			     u64 size)
{
	const struct hvisor_zone_region *r;
	unsigned int i;

	for (i = 0; i < zone->nr_regions; i++) {
		r = &zone->regions[i];
		if (r->mapped && hvisor_zone_overlaps(pa, size, r->pa, r->size))
			return true;
	}
	return false;
}

/**
 * hvisor_zone_add_region() - add a piece of guest RAM to a zone
 * @zone: the zone
 * @gpa: first guest-physical address of the piece
 * @size: its size in bytes, > 0
 * @kva: where root's kernel reaches @gpa; @size bytes are accessible there
 * @pa: root physical address of @gpa, 0 when not known
 * @mapped: @kva comes from hvisor_ram_map(@pa, @size) and is unmapped with
 *	the zone (only when this call succeeds: on failure the caller still
 *	owns it)
 *
 * Readers may translate concurrently: the entry is written first and then
 * published with a release store of @zone->nr_regions.
 *
 * Context: process context. Callers serialise every add to one zone (the
 * registry holds its control mutex); adds are not safe against each other.
 * Return: 0, -EINVAL for an empty or wrapping range or a NULL @kva,
 * -EEXIST when [@gpa, @gpa + @size) overlaps guest RAM of the zone, or
 * root physical memory of a mapped region of the zone (see
 * hvisor_zone_pa_overlaps()), -ENOSPC when the zone already has
 * %HVISOR_ZONE_MAX_REGIONS regions.
 */
int hvisor_zone_add_region(struct hvisor_zone *zone, u64 gpa, u64 size,
			   void *kva, phys_addr_t pa, bool mapped)
{
	struct hvisor_zone_region *r;
	unsigned int i, nr = zone->nr_regions;

	if (!size || !kva || gpa + size < gpa || (u64)pa + size < pa ||
	    (unsigned long)kva + size < (unsigned long)kva)
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		r = &zone->regions[i];
		if (hvisor_zone_overlaps(gpa, size, r->gpa, r->size))
			return -EEXIST;
	}
	if (mapped && hvisor_zone_pa_overlaps(zone, pa, size))
		return -EEXIST;
	if (nr >= HVISOR_ZONE_MAX_REGIONS)
		return -ENOSPC;

	r = &zone->regions[nr];
	r->gpa = gpa;
	r->size = size;
	r->kva = kva;
	r->pa = pa;
	r->mapped = mapped;
	r->dev_pages = mapped ? hvisor_ram_pages(kva, pa, size) : NULL;
	/* Orders the entry written above before the count that publishes it. */
	smp_store_release(&zone->nr_regions, nr + 1);
	return 0;
}

/**
 * hvisor_zone_translate() - translate a guest-physical address
 * @zone: the zone
 * @gpa: guest-physical address
 * @len: bytes wanted from @gpa
 * @kva: set to where root reaches @gpa when the result is not 0
 *
 * Finds the region containing @gpa and tells how many bytes from @gpa are
 * contiguous in root's address space. A range spanning two adjacent regions
 * needs a second call at @gpa + result.
 *
 * Context: any; lockless.
 * Return: bytes reachable at *@kva, at most @len and never past the end of
 * the region; 0 when @len is 0 or no region contains @gpa.
 */
size_t hvisor_zone_translate(const struct hvisor_zone *zone, u64 gpa,
			     u64 len, void **kva)
{
	/* Pairs with the release in hvisor_zone_add_region(). */
	unsigned int i, nr = smp_load_acquire(&zone->nr_regions);
	const struct hvisor_zone_region *r;
	u64 off;

	if (!len)
		return 0;
	for (i = 0; i < nr; i++) {
		r = &zone->regions[i];
		if (gpa < r->gpa)
			continue;
		off = gpa - r->gpa;
		if (off >= r->size)
			continue;
		*kva = r->kva + off;
		/* r->size - off > 0 and nothing is added: no wrap. */
		return min_t(u64, min_t(u64, len, r->size - off), SIZE_MAX);
	}
	return 0;
}

/**
 * hvisor_zone_map_range() - reach a whole guest range in one piece
 * @zone: the zone
 * @gpa: first guest-physical address
 * @len: bytes, > 0
 *
 * For structures that must be contiguous in root's address space, such as
 * the rings of a virtqueue or an indirect descriptor table.
 *
 * Context: any; lockless.
 * Return: the root virtual address of @gpa, or NULL when @len is 0 or
 * [@gpa, @gpa + @len) is not entirely inside one region.
 */
void *hvisor_zone_map_range(const struct hvisor_zone *zone, u64 gpa,
			    u64 len)
{
	void *kva;

	if (!len || hvisor_zone_translate(zone, gpa, len, &kva) != len)
		return NULL;
	return kva;
}

/**
 * hvisor_zone_dev_page() - the ZONE_DEVICE page behind a piece of guest RAM
 * @zone: the zone
 * @kva: root's address of guest RAM, as hvisor_zone_translate() gave it
 * @len: bytes from @kva, > 0
 *
 * For guest RAM outside root's linear map, which virt_addr_valid() does
 * not vouch for on every architecture (arm64 checks memblock): the pages
 * hvisor_ram_map() gave a region of the zone.
 *
 * Context: any; lockless.
 * Return: the page of @kva when [@kva, @kva + @len) lies in one region
 * with struct pages (the following pages are @len's, in order), else NULL.
 */
struct page *hvisor_zone_dev_page(const struct hvisor_zone *zone,
				  const void *kva, size_t len)
{
	/* Pairs with the release in hvisor_zone_add_region(). */
	unsigned int i, nr = smp_load_acquire(&zone->nr_regions);
	const struct hvisor_zone_region *r;
	unsigned long off;

	for (i = 0; i < nr; i++) {
		r = &zone->regions[i];
		if (!r->dev_pages || kva < r->kva)
			continue;
		off = kva - r->kva;
		if (off < r->size && len <= r->size - off)
			return r->dev_pages + (off >> PAGE_SHIFT);
	}
	return NULL;
}
