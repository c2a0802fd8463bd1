// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of root's mappings of guest RAM (ram.c): bad ranges are
 * refused, root's own RAM is never given a second set of struct pages, and
 * memory outside root's RAM gets ZONE_DEVICE pages that a zone hands to
 * the block backend, and gives them back when the zone goes.
 */

/* First: ram.c sets pr_fmt before anything includes printk.h. */
#include "../ram.c"

#include <kunit/test.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/sizes.h>

#include "../zone.h"

#define RAM_TEST_SIZE	(2 * SUBSECTION_SIZE)

static void ram_test_bad_ranges(struct kunit *test)
{
	KUNIT_EXPECT_NULL(test, hvisor_ram_map(SZ_1G, 0));
	KUNIT_EXPECT_NULL(test, hvisor_ram_map(PHYS_ADDR_MAX & PAGE_MASK,
					       2 * PAGE_SIZE));
	KUNIT_EXPECT_NULL(test, hvisor_ram_map(iomem_resource.end + 1 -
					       PAGE_SIZE, 2 * PAGE_SIZE));
}

/* Root's RAM: mapped where it already is, and never given pages twice. */
static void ram_test_root_ram(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL);
	void *kva;

	KUNIT_ASSERT_NOT_NULL(test, page);
	kva = hvisor_ram_map(page_to_phys(page), PAGE_SIZE);
	KUNIT_EXPECT_PTR_EQ(test, kva, page_address(page));
	KUNIT_EXPECT_NULL(test, hvisor_ram_pages(kva, page_to_phys(page),
						 PAGE_SIZE));
	if (kva)
		hvisor_ram_unmap(kva, page_to_phys(page));
	__free_page(page);
}

/*
 * A free piece of the physical address space: no resource (RAM, device,
 * bus window) touches it. Nothing is read or written there.
 */
static phys_addr_t ram_test_free_range(void)
{
	static const u64 cand[] = { SZ_4G, 2 * SZ_4G, 4 * SZ_4G, 16 * SZ_4G };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cand); i++)
		if (cand[i] + RAM_TEST_SIZE - 1 <= iomem_resource.end &&
		    region_intersects(cand[i], RAM_TEST_SIZE, IORESOURCE_MEM,
				      IORES_DESC_NONE) == REGION_DISJOINT)
			return cand[i];
	return 0;
}

/* Reserved zone RAM: ZONE_DEVICE pages, found through the zone. */
static void ram_test_zone_device(struct kunit *test)
{
	phys_addr_t pa = ram_test_free_range();
	struct hvisor_zone *zone;
	struct page *page;
	void *kva, *alias;

	if (!pa)
		kunit_skip(test, "no free physical range");
	kva = hvisor_ram_map(pa, RAM_TEST_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, kva);
	page = hvisor_ram_pages(kva, pa, RAM_TEST_SIZE);
	if (!IS_ENABLED(CONFIG_ZONE_DEVICE)) {
		KUNIT_EXPECT_NULL(test, page);
		hvisor_ram_unmap(kva, pa);
		return;
	}
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, page_to_pfn(page), PHYS_PFN(pa));
	KUNIT_EXPECT_TRUE(test, is_zone_device_page(page));
	KUNIT_EXPECT_PTR_EQ(test, kva, __va(pa));
	/* Part of it only, or more than it: not this mapping's pages. */
	KUNIT_EXPECT_NULL(test, hvisor_ram_pages(kva + PAGE_SIZE,
						 pa + PAGE_SIZE, RAM_TEST_SIZE));
	KUNIT_EXPECT_NULL(test, hvisor_ram_pages(kva, pa,
						 RAM_TEST_SIZE + PAGE_SIZE));
	/* A second mapping (another zone's): no pages, and its unmap leaves
	 * the first mapping's alone.
	 */
	alias = hvisor_ram_map(pa, SUBSECTION_SIZE / 2);
	KUNIT_ASSERT_NOT_NULL(test, alias);
	KUNIT_EXPECT_PTR_NE(test, alias, kva);
	KUNIT_EXPECT_NULL(test, hvisor_ram_pages(alias, pa,
						 SUBSECTION_SIZE / 2));
	hvisor_ram_unmap(alias, pa);
	KUNIT_EXPECT_PTR_EQ(test, hvisor_ram_pages(kva, pa, RAM_TEST_SIZE),
			    page);

	zone = hvisor_zone_create(3);
	if (!zone) {
		hvisor_ram_unmap(kva, pa);
		KUNIT_FAIL(test, "out of memory");
		return;
	}
	if (hvisor_zone_add_region(zone, SZ_1G, RAM_TEST_SIZE, kva, pa,
				   true)) {
		hvisor_zone_put(zone);
		hvisor_ram_unmap(kva, pa);
		KUNIT_FAIL(test, "region refused");
		return;
	}
	KUNIT_EXPECT_PTR_EQ(test, hvisor_zone_dev_page(zone, kva + 3 *
						       PAGE_SIZE + 8, 512),
			    page + 3);
	KUNIT_EXPECT_NOT_NULL(test, hvisor_zone_dev_page(zone, kva,
							 RAM_TEST_SIZE));
	/* Past the region's end, or before it. */
	KUNIT_EXPECT_NULL(test, hvisor_zone_dev_page(zone, kva + PAGE_SIZE,
						     RAM_TEST_SIZE));
	KUNIT_EXPECT_NULL(test, hvisor_zone_dev_page(zone, kva - 1, 1));
	/* The last reference unmaps: the pages are gone, and can come back. */
	hvisor_zone_put(zone);
	KUNIT_EXPECT_NULL(test, hvisor_ram_pgmap(kva, pa));
	kva = hvisor_ram_map(pa, RAM_TEST_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, kva);
	KUNIT_EXPECT_NOT_NULL(test, hvisor_ram_pages(kva, pa,
						     RAM_TEST_SIZE));
	hvisor_ram_unmap(kva, pa);
}

/* Not aligned to a memory subsection: mapped, without pages. */
static void ram_test_unaligned(struct kunit *test)
{
	phys_addr_t pa = ram_test_free_range();
	void *kva;

	if (!pa)
		kunit_skip(test, "no free physical range");
	kva = hvisor_ram_map(pa + PAGE_SIZE, SUBSECTION_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, kva);
	KUNIT_EXPECT_NULL(test, hvisor_ram_pages(kva, pa + PAGE_SIZE,
						 SUBSECTION_SIZE));
	hvisor_ram_unmap(kva, pa + PAGE_SIZE);
}

static struct kunit_case ram_test_cases[] = {
	KUNIT_CASE(ram_test_bad_ranges),
	KUNIT_CASE(ram_test_root_ram),
	KUNIT_CASE(ram_test_zone_device),
	KUNIT_CASE(ram_test_unaligned),
	{}
};

static struct kunit_suite ram_test_suite = {
	.name = "hvisor_ram",
	.test_cases = ram_test_cases,
};

kunit_test_suites(&ram_test_suite);
