// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the zone RAM map: adding regions and translating guest
 * addresses with bounds, holes, adjacent regions and overflow.
 */

#include <kunit/test.h>
#include <linux/io.h>
#include <linux/mm.h>

#include "../zone.c"

#define ZT_GPA		0x80000000ULL
#define ZT_SIZE		4096

struct zone_test {
	struct hvisor_zone *zone;
	u8 *ram_a;
	u8 *ram_b;
};

static int zone_test_init(struct kunit *test)
{
	struct zone_test *t;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->ram_a = kunit_kzalloc(test, ZT_SIZE, GFP_KERNEL);
	t->ram_b = kunit_kzalloc(test, ZT_SIZE, GFP_KERNEL);
	t->zone = hvisor_zone_create(7);
	if (!t->ram_a || !t->ram_b || !t->zone)
		return -ENOMEM;
	test->priv = t;
	return 0;
}

static void zone_test_exit(struct kunit *test)
{
	struct zone_test *t = test->priv;

	if (t && t->zone)
		hvisor_zone_put(t->zone);
}

static void zone_test_create(struct kunit *test)
{
	struct zone_test *t = test->priv;

	KUNIT_EXPECT_EQ(test, t->zone->id, 7U);
	KUNIT_EXPECT_EQ(test, t->zone->nr_regions, 0U);
	KUNIT_EXPECT_TRUE(test, xa_empty(&t->zone->devices));
	KUNIT_EXPECT_EQ(test, kref_read(&t->zone->ref), 1U);
	hvisor_zone_get(t->zone);
	KUNIT_EXPECT_EQ(test, kref_read(&t->zone->ref), 2U);
	hvisor_zone_put(t->zone);
	KUNIT_EXPECT_EQ(test, kref_read(&t->zone->ref), 1U);
}

static void zone_test_add_region(struct kunit *test)
{
	struct zone_test *t = test->priv;
	struct hvisor_zone *z = t->zone;
	u8 *a = t->ram_a;

	KUNIT_EXPECT_EQ(test, hvisor_zone_add_region(z, ZT_GPA, 0, a, 0, false),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, hvisor_zone_add_region(z, ZT_GPA, 16, NULL, 0,
						     false), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvisor_zone_add_region(z, U64_MAX - 10, 100, a,
						     0, false), -EINVAL);
	/* Ending exactly at 2^64 wraps to 0 too. */
	KUNIT_EXPECT_EQ(test, hvisor_zone_add_region(z, U64_MAX - 15, 16, a,
						     0, false), -EINVAL);
	KUNIT_EXPECT_EQ(test, z->nr_regions, 0U);

	KUNIT_EXPECT_EQ(test, hvisor_zone_add_region(z, ZT_GPA, ZT_SIZE, a, 0,
						     false), 0);
	KUNIT_EXPECT_EQ(test, z->nr_regions, 1U);
	KUNIT_EXPECT_EQ(test, z->regions[0].gpa, ZT_GPA);
	KUNIT_EXPECT_EQ(test, z->regions[0].size, (u64)ZT_SIZE);
	KUNIT_EXPECT_PTR_EQ(test, z->regions[0].kva, (void *)a);

	/* Overlaps: same, inside, straddling either end, enclosing. */
	KUNIT_EXPECT_EQ(test, hvisor_zone_add_region(z, ZT_GPA, ZT_SIZE,
						     t->ram_b, 0, false),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, hvisor_zone_add_region(z, ZT_GPA + 8, 8,
						     t->ram_b, 0, false),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, hvisor_zone_add_region(z, ZT_GPA - 8, 16,
						     t->ram_b, 0, false),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, hvisor_zone_add_region(z, ZT_GPA + ZT_SIZE - 1,
						     16, t->ram_b, 0, false),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, hvisor_zone_add_region(z, ZT_GPA - 8,
						     ZT_SIZE + 16, t->ram_b, 0,
						     false), -EEXIST);
	KUNIT_EXPECT_EQ(test, z->nr_regions, 1U);

	/* Adjacent on both sides is fine. */
	KUNIT_EXPECT_EQ(test, hvisor_zone_add_region(z, ZT_GPA + ZT_SIZE, 16,
						     t->ram_b, 0, false), 0);
	KUNIT_EXPECT_EQ(test, hvisor_zone_add_region(z, ZT_GPA - 16, 16,
						     t->ram_b + 16, 0, false),
			0);
	KUNIT_EXPECT_EQ(test, z->nr_regions, 3U);
}

static void zone_test_max_regions(struct kunit *test)
{
	struct zone_test *t = test->priv;
	unsigned int i;

	for (i = 0; i < HVISOR_ZONE_MAX_REGIONS; i++)
		KUNIT_ASSERT_EQ(test,
				hvisor_zone_add_region(t->zone, i * 0x1000ULL,
						       16, t->ram_a + 16 * i, 0,
						       false), 0);
	KUNIT_EXPECT_EQ(test, hvisor_zone_add_region(t->zone, 0x100000, 16,
						     t->ram_b, 0, false),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, t->zone->nr_regions, HVISOR_ZONE_MAX_REGIONS);
}

static void zone_test_translate(struct kunit *test)
{
	struct zone_test *t = test->priv;
	struct hvisor_zone *z = t->zone;
	void *kva = NULL;

	KUNIT_EXPECT_EQ(test, hvisor_zone_translate(z, ZT_GPA, 1, &kva), 0UL);
	KUNIT_ASSERT_EQ(test, hvisor_zone_add_region(z, ZT_GPA, ZT_SIZE,
						     t->ram_a, 0, false), 0);

	KUNIT_EXPECT_EQ(test, hvisor_zone_translate(z, ZT_GPA, 100, &kva),
			100UL);
	KUNIT_EXPECT_PTR_EQ(test, kva, (void *)t->ram_a);
	KUNIT_EXPECT_EQ(test, hvisor_zone_translate(z, ZT_GPA + 100, 10, &kva),
			10UL);
	KUNIT_EXPECT_PTR_EQ(test, kva, (void *)(t->ram_a + 100));
	/* Capped at the region's end. */
	KUNIT_EXPECT_EQ(test, hvisor_zone_translate(z, ZT_GPA + ZT_SIZE - 4,
						    100, &kva), 4UL);
	KUNIT_EXPECT_PTR_EQ(test, kva, (void *)(t->ram_a + ZT_SIZE - 4));
	KUNIT_EXPECT_EQ(test, hvisor_zone_translate(z, ZT_GPA, U64_MAX, &kva),
			(size_t)ZT_SIZE);
	/* Just outside on both sides, empty, and at the top of the space. */
	KUNIT_EXPECT_EQ(test, hvisor_zone_translate(z, ZT_GPA - 1, 2, &kva),
			0UL);
	KUNIT_EXPECT_EQ(test, hvisor_zone_translate(z, ZT_GPA + ZT_SIZE, 1,
						    &kva), 0UL);
	KUNIT_EXPECT_EQ(test, hvisor_zone_translate(z, ZT_GPA, 0, &kva), 0UL);
	KUNIT_EXPECT_EQ(test, hvisor_zone_translate(z, U64_MAX, U64_MAX, &kva),
			0UL);
	KUNIT_EXPECT_EQ(test, hvisor_zone_translate(z, 0, U64_MAX, &kva), 0UL);
}

static void zone_test_top_of_space(struct kunit *test)
{
	struct zone_test *t = test->priv;
	u64 gpa = U64_MAX - ZT_SIZE;	/* the last byte is U64_MAX - 1 */
	void *kva = NULL;

	KUNIT_ASSERT_EQ(test, hvisor_zone_add_region(t->zone, gpa, ZT_SIZE,
						     t->ram_a, 0, false), 0);
	KUNIT_EXPECT_EQ(test, hvisor_zone_translate(t->zone, U64_MAX - 1,
						    U64_MAX, &kva), 1UL);
	KUNIT_EXPECT_PTR_EQ(test, kva, (void *)(t->ram_a + ZT_SIZE - 1));
	KUNIT_EXPECT_EQ(test, hvisor_zone_translate(t->zone, U64_MAX, 1, &kva),
			0UL);
	kva = hvisor_zone_map_range(t->zone, U64_MAX - 1, 2);
	KUNIT_EXPECT_NULL(test, kva);
	kva = hvisor_zone_map_range(t->zone, U64_MAX - 1, U64_MAX);
	KUNIT_EXPECT_NULL(test, kva);
	KUNIT_EXPECT_PTR_EQ(test, hvisor_zone_map_range(t->zone, gpa, ZT_SIZE),
			    (void *)t->ram_a);
}

static void zone_test_adjacent_and_hole(struct kunit *test)
{
	struct zone_test *t = test->priv;
	struct hvisor_zone *z = t->zone;
	void *kva = NULL;

	/* A at ZT_GPA, B right after it (elsewhere in root), C after a hole. */
	KUNIT_ASSERT_EQ(test, hvisor_zone_add_region(z, ZT_GPA, ZT_SIZE / 2,
						     t->ram_a, 0, false), 0);
	KUNIT_ASSERT_EQ(test, hvisor_zone_add_region(z, ZT_GPA + ZT_SIZE / 2,
						     ZT_SIZE / 2, t->ram_b, 0,
						     false), 0);
	KUNIT_ASSERT_EQ(test, hvisor_zone_add_region(z, ZT_GPA + 2 * ZT_SIZE,
						     ZT_SIZE / 2,
						     t->ram_a + ZT_SIZE / 2, 0,
						     false), 0);

	KUNIT_EXPECT_EQ(test, hvisor_zone_translate(z, ZT_GPA + ZT_SIZE / 2 - 8,
						    16, &kva), 8UL);
	KUNIT_EXPECT_PTR_EQ(test, kva, (void *)(t->ram_a + ZT_SIZE / 2 - 8));
	KUNIT_EXPECT_EQ(test, hvisor_zone_translate(z, ZT_GPA + ZT_SIZE / 2, 8,
						    &kva), 8UL);
	KUNIT_EXPECT_PTR_EQ(test, kva, (void *)t->ram_b);
	/* One region or nothing for map_range. */
	kva = hvisor_zone_map_range(z, ZT_GPA + ZT_SIZE / 2 - 8, 16);
	KUNIT_EXPECT_NULL(test, kva);
	KUNIT_EXPECT_PTR_EQ(test, hvisor_zone_map_range(z, ZT_GPA + ZT_SIZE / 2,
							ZT_SIZE / 2),
			    (void *)t->ram_b);
	KUNIT_EXPECT_NULL(test, hvisor_zone_map_range(z, ZT_GPA, 0));
	/* The hole. */
	KUNIT_EXPECT_EQ(test, hvisor_zone_translate(z, ZT_GPA + ZT_SIZE, 1,
						    &kva), 0UL);
	KUNIT_EXPECT_EQ(test, hvisor_zone_translate(z, ZT_GPA + 2 * ZT_SIZE - 1,
						    1, &kva), 0UL);
	KUNIT_EXPECT_EQ(test, hvisor_zone_translate(z, ZT_GPA + 2 * ZT_SIZE,
						    ZT_SIZE, &kva),
			(size_t)ZT_SIZE / 2);
	KUNIT_EXPECT_PTR_EQ(test, kva, (void *)(t->ram_a + ZT_SIZE / 2));
	kva = hvisor_zone_map_range(z, ZT_GPA + ZT_SIZE - 4, 8);
	KUNIT_EXPECT_NULL(test, kva);
}

#define ZT_PA		0x1000000ULL
static_assert(ZT_SIZE == 4096);

/* Regions the zone maps itself must not share root memory. */
static void zone_test_pa_overlap(struct kunit *test)
{
	struct zone_test *t = test->priv;
	struct hvisor_zone *z = t->zone;
	unsigned int i;

	/* Not a region's memory before it is added. */
	KUNIT_EXPECT_FALSE(test, hvisor_zone_pa_overlaps(z, ZT_PA, ZT_SIZE));
	/* "Mapped" so that its root address counts (see the end). */
	KUNIT_ASSERT_EQ(test, hvisor_zone_add_region(z, ZT_GPA, ZT_SIZE,
						     t->ram_a, ZT_PA, true), 0);
	KUNIT_EXPECT_TRUE(test, hvisor_zone_pa_overlaps(z, ZT_PA, 1));
	KUNIT_EXPECT_TRUE(test, hvisor_zone_pa_overlaps(z, ZT_PA + 4095, 1));
	KUNIT_EXPECT_TRUE(test, hvisor_zone_pa_overlaps(z, ZT_PA - 16, 8192));
	KUNIT_EXPECT_FALSE(test, hvisor_zone_pa_overlaps(z, ZT_PA - 16, 16));
	KUNIT_EXPECT_FALSE(test, hvisor_zone_pa_overlaps(z, ZT_PA + 4096, 16));

	/* The same root memory at another guest address: refused. */
	KUNIT_EXPECT_EQ(test, hvisor_zone_add_region(z, 2 * ZT_GPA, ZT_SIZE,
						     t->ram_b, ZT_PA, true),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, hvisor_zone_add_region(z, 2 * ZT_GPA, ZT_SIZE,
						     t->ram_b,
						     ZT_PA + ZT_SIZE / 2, true),
			-EEXIST);
	/* Root memory that wraps around: refused. */
	KUNIT_EXPECT_EQ(test, hvisor_zone_add_region(z, 2 * ZT_GPA, ZT_SIZE,
						     t->ram_b, U64_MAX - 16,
						     true), -EINVAL);
	KUNIT_EXPECT_EQ(test, z->nr_regions, 1U);
	/* Right after it, or a region whose root address is not known. */
	KUNIT_EXPECT_EQ(test, hvisor_zone_add_region(z, 2 * ZT_GPA, ZT_SIZE,
						     t->ram_b, ZT_PA + ZT_SIZE,
						     true), 0);
	KUNIT_EXPECT_EQ(test, hvisor_zone_add_region(z, 3 * ZT_GPA, 16,
						     t->ram_a, 0, false), 0);
	KUNIT_EXPECT_FALSE(test, hvisor_zone_pa_overlaps(z, 0, 16));
	KUNIT_EXPECT_EQ(test, z->nr_regions, 3U);

	/* The buffers are kzalloc()ed, not memremap()ed: nothing to unmap. */
	for (i = 0; i < z->nr_regions; i++)
		z->regions[i].mapped = false;
}

/* A memremap()ed region is memunmap()ed by the last put. */
static void zone_test_release_mapped(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL);
	struct hvisor_zone *z;
	void *kva;

	KUNIT_ASSERT_NOT_NULL(test, page);
	kva = memremap(page_to_phys(page), PAGE_SIZE, MEMREMAP_WB);
	z = hvisor_zone_create(9);
	if (!kva || !z) {
		if (z)
			hvisor_zone_put(z);
		if (kva)
			memunmap(kva);
		__free_page(page);
		KUNIT_FAIL(test, "out of memory");
		return;
	}
	KUNIT_EXPECT_EQ(test, hvisor_zone_add_region(z, 0, PAGE_SIZE, kva,
						     page_to_phys(page), true),
			0);
	KUNIT_EXPECT_TRUE(test, z->regions[0].mapped);
	hvisor_zone_put(z);
	__free_page(page);
}

static struct kunit_case zone_test_cases[] = {
	KUNIT_CASE(zone_test_create),
	KUNIT_CASE(zone_test_add_region),
	KUNIT_CASE(zone_test_max_regions),
	KUNIT_CASE(zone_test_translate),
	KUNIT_CASE(zone_test_top_of_space),
	KUNIT_CASE(zone_test_adjacent_and_hole),
	KUNIT_CASE(zone_test_pa_overlap),
	KUNIT_CASE(zone_test_release_mapped),
	{}
};

static struct kunit_suite zone_test_suite = {
	.name = "hvisor_zone",
	.init = zone_test_init,
	.exit = zone_test_exit,
	.test_cases = zone_test_cases,
};

kunit_test_suites(&zone_test_suite);
