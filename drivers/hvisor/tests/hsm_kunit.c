// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the checks a zone configuration passes before ZONE_START
 * uses it (hsm_config.c): every count within its array, every memory
 * region sane, the name terminated, the loaded images inside RAM, and the
 * range helpers the memory checks of LOAD_IMAGE and mmap build on.
 */

#include <kunit/test.h>
#include <linux/string.h>

#include "../hsm_config.c"

#define HT_RAM		0x50000000ULL
#define HT_RAM_SIZE	0x30000000ULL
#define HT_VIRTIO	0x0a000000ULL

struct hsm_test {
	struct hvisor_tool_zone_config *cfg;
	char why[HVISOR_HSM_WHY_LEN];
};

/* hvisor's QEMU aarch64 example zone1_linux.json, as hvisor-tool fills it. */
static void hsm_test_example(struct hvisor_tool_zone_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->zone_id = 1;
	cfg->cpus = 0xc;
	cfg->num_memory_regions = 2;
	cfg->memory_regions[0] = (struct hvisor_tool_mem_region) {
		.type = HVISOR_TOOL_MEM_RAM,
		.physical_start = HT_RAM,
		.virtual_start = HT_RAM,
		.size = HT_RAM_SIZE,
	};
	cfg->memory_regions[1] = (struct hvisor_tool_mem_region) {
		.type = HVISOR_TOOL_MEM_VIRTIO,
		.physical_start = HT_VIRTIO,
		.virtual_start = HT_VIRTIO,
		.size = 0x4000,
	};
	cfg->interrupts_bitmap[76 / 32] = BIT(76 % 32) | BIT(78 % 32);
	cfg->entry_point = 0x50400000;
	cfg->kernel_load_paddr = 0x50400000;
	cfg->kernel_size = 0x2000000;
	cfg->dtb_load_paddr = 0x50000000;
	cfg->dtb_size = 0x2000;
	strscpy(cfg->name, "linux2", sizeof(cfg->name));
}

static int hsm_test_init(struct kunit *test)
{
	struct hsm_test *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	if (!t)
		return -ENOMEM;
	t->cfg = kunit_kzalloc(test, sizeof(*t->cfg), GFP_KERNEL);
	if (!t->cfg)
		return -ENOMEM;
	hsm_test_example(t->cfg);
	test->priv = t;
	return 0;
}

static int hsm_test_check(struct hsm_test *t)
{
	t->why[0] = '\0';
	return hvisor_hsm_config_check(t->cfg, t->why, sizeof(t->why));
}

/* The check fails with -EINVAL and a reason containing @part. */
static void hsm_expect_refused(struct kunit *test, const char *part)
{
	struct hsm_test *t = test->priv;

	KUNIT_EXPECT_EQ(test, hsm_test_check(t), -EINVAL);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(t->why, part),
				  "reason '%s' lacks '%s'", t->why, part);
}

static void hsm_accepts_example_config(struct kunit *test)
{
	struct hsm_test *t = test->priv;

	KUNIT_EXPECT_EQ(test, hsm_test_check(t), 0);
	KUNIT_EXPECT_STREQ(test, t->why, "");
}

static void hsm_rejects_root_and_too_big_zone_id(struct kunit *test)
{
	struct hsm_test *t = test->priv;

	t->cfg->zone_id = 0;
	hsm_expect_refused(test, "zone id 0");
	t->cfg->zone_id = HVISOR_TOOL_MAX_ZONES;
	hsm_expect_refused(test, "zone id 32");
	t->cfg->zone_id = HVISOR_TOOL_MAX_ZONES - 1;
	KUNIT_EXPECT_EQ(test, hsm_test_check(t), 0);
}

static void hsm_rejects_zone_without_cpu(struct kunit *test)
{
	struct hsm_test *t = test->priv;

	t->cfg->cpus = 0;
	hsm_expect_refused(test, "no CPU");
}

static void hsm_rejects_unterminated_name(struct kunit *test)
{
	struct hsm_test *t = test->priv;

	memset(t->cfg->name, 'a', sizeof(t->cfg->name));
	hsm_expect_refused(test, "name not NUL-terminated");
	/* 31 characters and the NUL fit. */
	t->cfg->name[sizeof(t->cfg->name) - 1] = '\0';
	KUNIT_EXPECT_EQ(test, hsm_test_check(t), 0);
}

static void hsm_rejects_region_count_out_of_bounds(struct kunit *test)
{
	struct hsm_test *t = test->priv;

	t->cfg->num_memory_regions = 0;
	hsm_expect_refused(test, "0 memory regions");
	t->cfg->num_memory_regions = HVISOR_TOOL_MAX_MEM_REGIONS + 1;
	hsm_expect_refused(test, "65 memory regions");
	t->cfg->num_memory_regions = U32_MAX;
	hsm_expect_refused(test, "memory regions");
}

static void hsm_rejects_other_counts_out_of_bounds(struct kunit *test)
{
	struct hsm_test *t = test->priv;

	t->cfg->num_ivc_configs = HVISOR_TOOL_MAX_IVC + 1;
	hsm_expect_refused(test, "IVC");
	t->cfg->num_ivc_configs = HVISOR_TOOL_MAX_IVC;
	t->cfg->num_pci_bus = HVISOR_TOOL_MAX_PCI_BUS + 1;
	hsm_expect_refused(test, "PCI buses");
	t->cfg->num_pci_bus = HVISOR_TOOL_MAX_PCI_BUS;
	t->cfg->num_pci_devs = 1ULL << 40;
	hsm_expect_refused(test, "PCI devices");
	t->cfg->num_pci_devs = HVISOR_TOOL_MAX_PCI_DEVS;
	KUNIT_EXPECT_EQ(test, hsm_test_check(t), 0);
}

static void hsm_rejects_unknown_region_type(struct kunit *test)
{
	struct hsm_test *t = test->priv;

	t->cfg->memory_regions[1].type = 3;
	hsm_expect_refused(test, "memory region 1: unknown type 3");
}

static void hsm_rejects_empty_region(struct kunit *test)
{
	struct hsm_test *t = test->priv;

	t->cfg->memory_regions[1].size = 0;
	hsm_expect_refused(test, "memory region 1: size 0");
}

static void hsm_rejects_wrapping_region(struct kunit *test)
{
	struct hsm_test *t = test->priv;
	struct hvisor_tool_mem_region *v = &t->cfg->memory_regions[1];

	v->physical_start = U64_MAX - 0xfff;
	hsm_expect_refused(test, "wraps around");
	/* Ending exactly at 2^64 wraps too. */
	v->physical_start = 0;
	v->virtual_start = 0ULL - v->size;
	hsm_expect_refused(test, "wraps around");
	v->virtual_start = 0ULL - v->size - 1;
	KUNIT_EXPECT_EQ(test, hsm_test_check(t), 0);
}

static void hsm_rejects_ram_not_in_whole_pages(struct kunit *test)
{
	struct hsm_test *t = test->priv;
	struct hvisor_tool_mem_region *r = &t->cfg->memory_regions[0];

	r->physical_start += 0x800;
	hsm_expect_refused(test, "RAM region 0");
	r->physical_start -= 0x800;
	r->virtual_start += 0x10;
	hsm_expect_refused(test, "4 KiB pages");
	r->virtual_start -= 0x10;
	r->size -= 1;
	hsm_expect_refused(test, "4 KiB pages");
}

static void hsm_accepts_virtio_region_not_in_pages(struct kunit *test)
{
	struct hsm_test *t = test->priv;

	t->cfg->memory_regions[1].physical_start = HT_VIRTIO + 0x3c00;
	t->cfg->memory_regions[1].virtual_start = HT_VIRTIO + 0x3c00;
	t->cfg->memory_regions[1].size = 0x200;
	KUNIT_EXPECT_EQ(test, hsm_test_check(t), 0);
}

static void hsm_rejects_overlapping_ram(struct kunit *test)
{
	struct hsm_test *t = test->priv;
	struct hvisor_tool_mem_region *r = &t->cfg->memory_regions[2];

	t->cfg->num_memory_regions = 3;
	*r = t->cfg->memory_regions[0];
	/* Root-side overlap by one page at the end. */
	r->physical_start = HT_RAM + HT_RAM_SIZE - 0x1000;
	r->virtual_start = 0x90000000;
	r->size = 0x2000;
	hsm_expect_refused(test, "RAM regions 0 and 2 overlap");
	/* Guest-side overlap. */
	r->physical_start = 0x90000000;
	r->virtual_start = HT_RAM;
	hsm_expect_refused(test, "RAM regions 0 and 2 overlap");
	/* Adjacent on both sides is fine. */
	r->physical_start = HT_RAM + HT_RAM_SIZE;
	r->virtual_start = HT_RAM + HT_RAM_SIZE;
	KUNIT_EXPECT_EQ(test, hsm_test_check(t), 0);
}

static void hsm_rejects_config_without_ram(struct kunit *test)
{
	struct hsm_test *t = test->priv;

	t->cfg->memory_regions[0].type = HVISOR_TOOL_MEM_IO;
	t->cfg->kernel_size = 0;
	t->cfg->dtb_size = 0;
	hsm_expect_refused(test, "no RAM region");
}

static void hsm_rejects_images_outside_ram(struct kunit *test)
{
	struct hsm_test *t = test->priv;

	t->cfg->kernel_load_paddr = HT_RAM + HT_RAM_SIZE - 0x1000;
	hsm_expect_refused(test, "kernel at 0x7ffff000");
	t->cfg->kernel_load_paddr = U64_MAX - 0x100;
	hsm_expect_refused(test, "kernel");
	t->cfg->kernel_load_paddr = HT_RAM;
	t->cfg->dtb_load_paddr = HT_VIRTIO;
	hsm_expect_refused(test, "device tree");
	/* Nothing loaded (x86 has no device tree): anywhere goes. */
	t->cfg->dtb_size = 0;
	KUNIT_EXPECT_EQ(test, hsm_test_check(t), 0);
}

static void hsm_ignores_entries_beyond_counts(struct kunit *test)
{
	struct hsm_test *t = test->priv;

	memset(&t->cfg->memory_regions[2], 0xff,
	       sizeof(t->cfg->memory_regions[2]));
	memset(&t->cfg->pci_config[0], 0xff, sizeof(t->cfg->pci_config[0]));
	KUNIT_EXPECT_EQ(test, hsm_test_check(t), 0);
}

static void hsm_range_inside_edges(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, hvisor_hsm_range_inside(0x1000, 0x1000,
							0x1000, 0x1000));
	KUNIT_EXPECT_TRUE(test, hvisor_hsm_range_inside(0x1fff, 1, 0x1000,
							0x1000));
	KUNIT_EXPECT_FALSE(test, hvisor_hsm_range_inside(0x1fff, 2, 0x1000,
							 0x1000));
	KUNIT_EXPECT_FALSE(test, hvisor_hsm_range_inside(0xfff, 1, 0x1000,
							 0x1000));
	KUNIT_EXPECT_FALSE(test, hvisor_hsm_range_inside(0x2000, 1, 0x1000,
							 0x1000));
	KUNIT_EXPECT_FALSE(test, hvisor_hsm_range_inside(0x1000, 0, 0x1000,
							 0x1000));
	/* A huge size must not wrap into "inside". */
	KUNIT_EXPECT_FALSE(test, hvisor_hsm_range_inside(0x1800, U64_MAX,
							 0x1000, 0x1000));
	KUNIT_EXPECT_TRUE(test, hvisor_hsm_range_inside(U64_MAX - 1, 1,
							U64_MAX - 1, 1));
}

static void hsm_ranges_overlap_edges(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, hvisor_hsm_ranges_overlap(0x1000, 0x1000,
							  0x1fff, 1));
	KUNIT_EXPECT_FALSE(test, hvisor_hsm_ranges_overlap(0x1000, 0x1000,
							   0x2000, 1));
	KUNIT_EXPECT_FALSE(test, hvisor_hsm_ranges_overlap(0x2000, 1,
							   0x1000, 0x1000));
	KUNIT_EXPECT_TRUE(test, hvisor_hsm_ranges_overlap(0x1000, 0x3000,
							  0x2000, 1));
	KUNIT_EXPECT_FALSE(test, hvisor_hsm_ranges_overlap(0x1000, 0, 0x1000,
							   0x1000));
}

static struct kunit_case hsm_test_cases[] = {
	KUNIT_CASE(hsm_accepts_example_config),
	KUNIT_CASE(hsm_rejects_root_and_too_big_zone_id),
	KUNIT_CASE(hsm_rejects_zone_without_cpu),
	KUNIT_CASE(hsm_rejects_unterminated_name),
	KUNIT_CASE(hsm_rejects_region_count_out_of_bounds),
	KUNIT_CASE(hsm_rejects_other_counts_out_of_bounds),
	KUNIT_CASE(hsm_rejects_unknown_region_type),
	KUNIT_CASE(hsm_rejects_empty_region),
	KUNIT_CASE(hsm_rejects_wrapping_region),
	KUNIT_CASE(hsm_rejects_ram_not_in_whole_pages),
	KUNIT_CASE(hsm_accepts_virtio_region_not_in_pages),
	KUNIT_CASE(hsm_rejects_overlapping_ram),
	KUNIT_CASE(hsm_rejects_config_without_ram),
	KUNIT_CASE(hsm_rejects_images_outside_ram),
	KUNIT_CASE(hsm_ignores_entries_beyond_counts),
	KUNIT_CASE(hsm_range_inside_edges),
	KUNIT_CASE(hsm_ranges_overlap_edges),
	{}
};

static struct kunit_suite hsm_test_suite = {
	.name = "hvisor_hsm_config",
	.init = hsm_test_init,
	.test_cases = hsm_test_cases,
};

kunit_test_suites(&hsm_test_suite);
