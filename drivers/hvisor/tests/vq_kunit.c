// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the split-virtqueue engine. Each test builds a fake guest
 * RAM (one kmalloc'ed buffer, so KASAN catches any access outside it), a
 * zone mapping it at VT_GPA, and writes rings into it as a driver would -
 * or as a hostile one would.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/slab.h>

#include "../vq.c"

#define VT_GPA		0x40000000ULL
#define VT_RAM		0x8000
#define VT_NUM		8
#define VT_NUM_MAX	16
#define VT_DESC		0x0000
#define VT_AVAIL	0x0200
#define VT_USED		0x0400
#define VT_IND		0x0800
#define VT_DATA		0x2000

#define F_NEXT		VRING_DESC_F_NEXT
#define F_WRITE		VRING_DESC_F_WRITE
#define F_IND		VRING_DESC_F_INDIRECT

struct vq_test {
	u8 *ram;
	struct hvisor_zone *zone;
	struct hvisor_vq vq;
	struct kvec iov[8];
	struct hvisor_vq_req req;
	struct hvisor_vring_desc *desc;
	struct hvisor_vring_avail *avail;
	struct hvisor_vring_used *used;
	struct hvisor_vring_desc *ind;
};

static u64 vt_gpa(unsigned int off)
{
	return VT_GPA + off;
}

static int vt_init(struct kunit *test)
{
	struct vq_test *t;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	test->priv = t;
	t->ram = kunit_kzalloc(test, VT_RAM, GFP_KERNEL);
	if (!t->ram)
		return -ENOMEM;
	t->zone = hvisor_zone_create(1);
	if (!t->zone)
		return -ENOMEM;
	if (hvisor_zone_add_region(t->zone, VT_GPA, VT_RAM, t->ram, 0, false))
		return -EINVAL;
	t->desc = (void *)(t->ram + VT_DESC);
	t->avail = (void *)(t->ram + VT_AVAIL);
	t->used = (void *)(t->ram + VT_USED);
	t->ind = (void *)(t->ram + VT_IND);
	hvisor_vq_init(&t->vq, VT_NUM_MAX);
	t->req.iov = t->iov;
	t->req.max_iov = ARRAY_SIZE(t->iov);
	return 0;
}

static void vt_exit(struct kunit *test)
{
	struct vq_test *t = test->priv;

	if (t && t->zone)
		hvisor_zone_put(t->zone);
}

/* QueueReady = 1 with the standard layout, as the mmio layer would. */
static int vt_enable_on(struct vq_test *t, const struct hvisor_zone *zone,
			bool event_idx, bool indirect)
{
	hvisor_vq_reset(&t->vq);
	t->vq.num = VT_NUM;
	t->vq.desc_gpa = vt_gpa(VT_DESC);
	t->vq.avail_gpa = vt_gpa(VT_AVAIL);
	t->vq.used_gpa = vt_gpa(VT_USED);
	return hvisor_vq_enable(&t->vq, zone, event_idx, indirect);
}

static int vt_enable(struct vq_test *t, bool event_idx, bool indirect)
{
	return vt_enable_on(t, t->zone, event_idx, indirect);
}

static void vt_desc(struct hvisor_vring_desc *table, unsigned int i, u64 gpa,
		    u32 len, u16 flags, u16 next)
{
	table[i].addr = cpu_to_le64(gpa);
	table[i].len = cpu_to_le32(len);
	table[i].flags = cpu_to_le16(flags);
	table[i].next = cpu_to_le16(next);
}

/* Make chain @head available, as the driver does. */
static void vt_post(struct vq_test *t, u16 head)
{
	u16 idx = le16_to_cpu(t->avail->idx);

	t->avail->ring[idx & (VT_NUM - 1)] = cpu_to_le16(head);
	t->avail->idx = cpu_to_le16(idx + 1);
}

/*
 * Start an enabled queue at avail index @idx, as if @idx chains had been
 * taken: the driver's index, what we consumed and what we saw agree.
 */
static void vt_start_at(struct vq_test *t, u16 idx)
{
	t->avail->idx = cpu_to_le16(idx);
	t->vq.last_avail_idx = idx;
	t->vq.avail_idx = idx;
}

static int vt_pop(struct vq_test *t)
{
	memset(t->iov, 0, sizeof(t->iov));
	return hvisor_vq_pop(&t->vq, &t->req);
}

static void vt_expect_iov(struct kunit *test, const struct kvec *iov,
			  const void *base, size_t len)
{
	KUNIT_EXPECT_PTR_EQ(test, iov->iov_base, (void *)base);
	KUNIT_EXPECT_EQ(test, iov->iov_len, len);
}

/* The guest broke the rules: error @err now, -EIO from then on. */
static void vt_expect_broken(struct kunit *test, struct vq_test *t, int ret,
			     int err)
{
	KUNIT_EXPECT_EQ(test, ret, err);
	KUNIT_EXPECT_TRUE(test, t->vq.broken);
	KUNIT_EXPECT_EQ(test, vt_pop(t), -EIO);
	KUNIT_EXPECT_FALSE(test, hvisor_vq_has_work(&t->vq));
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->used->idx), 0);
}

/* ---- well-behaved drivers ---- */

static void vq_test_init_reset(struct kunit *test)
{
	struct vq_test *t = test->priv;
	struct hvisor_vq vq;

	hvisor_vq_init(&vq, 4096);
	KUNIT_EXPECT_EQ(test, vq.num_max, (u32)HVISOR_VQ_MAX_SIZE);
	KUNIT_EXPECT_FALSE(test, vq.ready);
	KUNIT_EXPECT_EQ(test, vq.num, 0U);

	KUNIT_ASSERT_EQ(test, vt_enable(t, true, true), 0);
	KUNIT_EXPECT_TRUE(test, t->vq.ready);
	KUNIT_EXPECT_PTR_EQ(test, (void *)t->vq.desc, (void *)t->desc);
	KUNIT_EXPECT_PTR_EQ(test, (void *)t->vq.avail, (void *)t->avail);
	KUNIT_EXPECT_PTR_EQ(test, (void *)t->vq.used, (void *)t->used);
	KUNIT_EXPECT_TRUE(test, t->vq.event_idx);
	KUNIT_EXPECT_TRUE(test, t->vq.indirect);
	/* Enabling twice is refused. */
	KUNIT_EXPECT_EQ(test, hvisor_vq_enable(&t->vq, t->zone, false, false),
			-EINVAL);

	t->vq.last_avail_idx = 5;
	t->vq.avail_idx = 6;
	t->vq.used_idx = 3;
	t->vq.broken = true;
	hvisor_vq_reset(&t->vq);
	KUNIT_EXPECT_FALSE(test, t->vq.ready);
	KUNIT_EXPECT_FALSE(test, t->vq.broken);
	KUNIT_EXPECT_EQ(test, t->vq.num_max, (u32)VT_NUM_MAX);
	KUNIT_EXPECT_EQ(test, t->vq.num, 0U);
	KUNIT_EXPECT_EQ(test, t->vq.desc_gpa, 0ULL);
	KUNIT_EXPECT_EQ(test, t->vq.avail_gpa, 0ULL);
	KUNIT_EXPECT_EQ(test, t->vq.used_gpa, 0ULL);
	KUNIT_EXPECT_EQ(test, t->vq.last_avail_idx, 0);
	KUNIT_EXPECT_EQ(test, t->vq.avail_idx, 0);
	KUNIT_EXPECT_EQ(test, t->vq.used_idx, 0);
	KUNIT_EXPECT_NULL(test, t->vq.desc);
	KUNIT_EXPECT_NULL(test, t->vq.zone);
	/* A reset queue does nothing. */
	KUNIT_EXPECT_EQ(test, vt_pop(t), 0);
	hvisor_vq_push(&t->vq, 0, 0);
	KUNIT_EXPECT_FALSE(test, hvisor_vq_need_irq(&t->vq));
	KUNIT_EXPECT_FALSE(test, hvisor_vq_has_work(&t->vq));
	KUNIT_EXPECT_FALSE(test, hvisor_vq_enable_notify(&t->vq));
	hvisor_vq_disable_notify(&t->vq);
}

static int vt_try(struct vq_test *t, u32 num, u64 desc, u64 avail, u64 used)
{
	hvisor_vq_reset(&t->vq);
	t->vq.num = num;
	t->vq.desc_gpa = desc;
	t->vq.avail_gpa = avail;
	t->vq.used_gpa = used;
	return hvisor_vq_enable(&t->vq, t->zone, true, true);
}

static void vq_test_enable_validation(struct kunit *test)
{
	struct vq_test *t = test->priv;
	u64 d = vt_gpa(VT_DESC), a = vt_gpa(VT_AVAIL), u = vt_gpa(VT_USED);
	u64 end = vt_gpa(VT_RAM);

	KUNIT_EXPECT_EQ(test, vt_try(t, VT_NUM, d, a, u), 0);
	KUNIT_EXPECT_EQ(test, vt_try(t, 1, d, a, u), 0);
	KUNIT_EXPECT_EQ(test, vt_try(t, VT_NUM_MAX, d, a, u), 0);
	/* QueueNum: 0, not a power of two, above QueueNumMax. */
	KUNIT_EXPECT_EQ(test, vt_try(t, 0, d, a, u), -EINVAL);
	KUNIT_EXPECT_EQ(test, vt_try(t, 6, d, a, u), -EINVAL);
	KUNIT_EXPECT_EQ(test, vt_try(t, 2 * VT_NUM_MAX, d, a, u), -EINVAL);
	/* Alignment. */
	KUNIT_EXPECT_EQ(test, vt_try(t, VT_NUM, d + 8, a, u), -EINVAL);
	KUNIT_EXPECT_EQ(test, vt_try(t, VT_NUM, d, a + 1, u), -EINVAL);
	KUNIT_EXPECT_EQ(test, vt_try(t, VT_NUM, d, a, u + 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, vt_try(t, VT_NUM, d, a + 2, u + 4), 0);
	/* Outside guest RAM, or crossing its end. */
	KUNIT_EXPECT_EQ(test, vt_try(t, VT_NUM, 0, a, u), -EINVAL);
	KUNIT_EXPECT_EQ(test, vt_try(t, VT_NUM, end - 16 * 4, a, u), -EINVAL);
	KUNIT_EXPECT_EQ(test, vt_try(t, VT_NUM, end - 16 * VT_NUM, a, u), 0);
	/* avail: 4 + 2 * 8 + 2 (used_event) = 22 bytes. */
	KUNIT_EXPECT_EQ(test, vt_try(t, VT_NUM, d, end - 20, u), -EINVAL);
	KUNIT_EXPECT_EQ(test, vt_try(t, VT_NUM, d, end - 22, u), 0);
	/* used: 4 + 8 * 8 + 2 (avail_event) = 70 bytes. */
	KUNIT_EXPECT_EQ(test, vt_try(t, VT_NUM, d, a, end - 68), -EINVAL);
	KUNIT_EXPECT_EQ(test, vt_try(t, VT_NUM, d, a, end - 72), 0);
	KUNIT_EXPECT_EQ(test, vt_try(t, VT_NUM, d, a, U64_MAX - 3), -EINVAL);
	KUNIT_EXPECT_EQ(test, vt_try(t, VT_NUM, U64_MAX & ~15ULL, a, u),
			-EINVAL);
	KUNIT_EXPECT_FALSE(test, t->vq.ready);
}

static void vq_test_simple(struct kunit *test)
{
	struct vq_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, vt_enable(t, false, false), 0);
	KUNIT_EXPECT_EQ(test, vt_pop(t), 0);
	KUNIT_EXPECT_FALSE(test, hvisor_vq_has_work(&t->vq));

	vt_desc(t->desc, 3, vt_gpa(VT_DATA), 100, 0, 0);
	vt_post(t, 3);
	KUNIT_EXPECT_TRUE(test, hvisor_vq_has_work(&t->vq));
	KUNIT_ASSERT_EQ(test, vt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, t->req.head, 3);
	KUNIT_EXPECT_EQ(test, t->req.nr_out, 1);
	KUNIT_EXPECT_EQ(test, t->req.nr_in, 0);
	KUNIT_EXPECT_EQ(test, t->req.out_len, 100U);
	KUNIT_EXPECT_EQ(test, t->req.in_len, 0U);
	vt_expect_iov(test, &t->iov[0], t->ram + VT_DATA, 100);
	KUNIT_EXPECT_EQ(test, vt_pop(t), 0);
	KUNIT_EXPECT_FALSE(test, hvisor_vq_has_work(&t->vq));

	hvisor_vq_push(&t->vq, 3, 0);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->used->idx), 1);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(t->used->ring[0].id), 3U);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(t->used->ring[0].len), 0U);
}

static void vq_test_out_in(struct kunit *test)
{
	struct vq_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, vt_enable(t, false, false), 0);
	/* A virtio-blk read: header out, data in, status in. */
	vt_desc(t->desc, 0, vt_gpa(VT_DATA), 16, F_NEXT, 5);
	vt_desc(t->desc, 5, vt_gpa(VT_DATA + 0x100), 512, F_NEXT | F_WRITE, 2);
	vt_desc(t->desc, 2, vt_gpa(VT_DATA + 0x400), 1, F_WRITE, 7);
	vt_post(t, 0);
	KUNIT_ASSERT_EQ(test, vt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, t->req.head, 0);
	KUNIT_EXPECT_EQ(test, t->req.nr_out, 1);
	KUNIT_EXPECT_EQ(test, t->req.nr_in, 2);
	KUNIT_EXPECT_EQ(test, t->req.out_len, 16U);
	KUNIT_EXPECT_EQ(test, t->req.in_len, 513U);
	vt_expect_iov(test, &t->iov[0], t->ram + VT_DATA, 16);
	vt_expect_iov(test, &t->iov[1], t->ram + VT_DATA + 0x100, 512);
	vt_expect_iov(test, &t->iov[2], t->ram + VT_DATA + 0x400, 1);

	/* Only writable buffers. */
	vt_desc(t->desc, 1, vt_gpa(VT_DATA), 64, F_WRITE, 0);
	vt_post(t, 1);
	KUNIT_ASSERT_EQ(test, vt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, t->req.nr_out, 0);
	KUNIT_EXPECT_EQ(test, t->req.nr_in, 1);
	KUNIT_EXPECT_EQ(test, t->req.in_len, 64U);
	KUNIT_EXPECT_EQ(test, t->req.out_len, 0U);

	hvisor_vq_push(&t->vq, 0, 513);
	hvisor_vq_push(&t->vq, 1, 64);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->used->idx), 2);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(t->used->ring[0].len), 513U);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(t->used->ring[1].id), 1U);
}

static void vq_test_zero_len(struct kunit *test)
{
	struct vq_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, vt_enable(t, false, false), 0);
	/* Zero-length buffers need no kvec, even at an address outside RAM. */
	vt_desc(t->desc, 0, vt_gpa(VT_DATA), 0, F_NEXT, 1);
	vt_desc(t->desc, 1, 0, 0, F_NEXT | F_WRITE, 2);
	vt_desc(t->desc, 2, vt_gpa(VT_DATA), 8, F_WRITE, 0);
	vt_post(t, 0);
	KUNIT_ASSERT_EQ(test, vt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, t->req.nr_out, 0);
	KUNIT_EXPECT_EQ(test, t->req.nr_in, 1);
	KUNIT_EXPECT_EQ(test, t->req.in_len, 8U);
	vt_expect_iov(test, &t->iov[0], t->ram + VT_DATA, 8);
}

/* A chain of exactly num descriptors, and of a full indirect table. */
static void vq_test_longest_chains(struct kunit *test)
{
	struct vq_test *t = test->priv;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, vt_enable(t, false, true), 0);
	for (i = 0; i < VT_NUM; i++)
		vt_desc(t->desc, i, vt_gpa(VT_DATA + 4 * i), 4,
			i < VT_NUM - 1 ? F_NEXT : 0, i + 1);
	vt_post(t, 0);
	KUNIT_ASSERT_EQ(test, vt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, t->req.nr_out, VT_NUM);
	KUNIT_EXPECT_EQ(test, t->req.out_len, 4U * VT_NUM);

	/* 1024 entries at VT_IND (overlapping the data: never read). */
	for (i = 0; i < HVISOR_VQ_MAX_SIZE; i++)
		vt_desc(t->ind, i, vt_gpa(VT_DATA), 1,
			i < HVISOR_VQ_MAX_SIZE - 1 ? F_NEXT | F_WRITE : F_WRITE,
			i + 1);
	vt_desc(t->desc, 0, vt_gpa(VT_IND), 16 * HVISOR_VQ_MAX_SIZE, F_IND, 0);
	vt_post(t, 0);
	KUNIT_EXPECT_EQ(test, vt_pop(t), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, t->req.in_len, (u32)HVISOR_VQ_MAX_SIZE);
	KUNIT_EXPECT_FALSE(test, t->vq.broken);
	/* One more link makes a loop. */
	vt_desc(t->ind, HVISOR_VQ_MAX_SIZE - 1, vt_gpa(VT_DATA), 1,
		F_NEXT | F_WRITE, 0);
	vt_post(t, 0);
	vt_expect_broken(test, t, vt_pop(t), -ELOOP);
}

/* The u16 indices wrap around on both rings. */
static void vq_test_index_wrap(struct kunit *test)
{
	struct vq_test *t = test->priv;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, vt_enable(t, false, false), 0);
	for (i = 0; i < VT_NUM; i++)
		vt_desc(t->desc, i, vt_gpa(VT_DATA + 16 * i), 16, 0, 0);
	vt_start_at(t, 0xfffe);
	vt_post(t, 6);
	vt_post(t, 7);
	vt_post(t, 1);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->avail->idx), 1);
	for (i = 0; i < 3; i++) {
		KUNIT_ASSERT_EQ(test, vt_pop(t), 1);
		KUNIT_EXPECT_EQ(test, t->req.head, i == 2 ? 1 : 6 + i);
	}
	KUNIT_EXPECT_EQ(test, vt_pop(t), 0);
	KUNIT_EXPECT_EQ(test, t->vq.last_avail_idx, 1);

	t->vq.used_idx = 0xffff;
	hvisor_vq_push(&t->vq, 6, 1);
	hvisor_vq_push(&t->vq, 7, 2);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->used->idx), 1);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(t->used->ring[7].id), 6U);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(t->used->ring[0].id), 7U);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(t->used->ring[0].len), 2U);
}

static void vq_test_indirect(struct kunit *test)
{
	struct vq_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, vt_enable(t, false, true), 0);
	vt_desc(t->ind, 0, vt_gpa(VT_DATA), 16, F_NEXT, 2);
	vt_desc(t->ind, 2, vt_gpa(VT_DATA + 0x100), 32, F_NEXT | F_WRITE, 1);
	vt_desc(t->ind, 1, vt_gpa(VT_DATA + 0x200), 1, F_WRITE, 0);
	/* The WRITE flag of the indirect descriptor itself is ignored. */
	vt_desc(t->desc, 4, vt_gpa(VT_IND), 3 * 16, F_IND | F_WRITE, 0);
	vt_post(t, 4);
	KUNIT_ASSERT_EQ(test, vt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, t->req.head, 4);
	KUNIT_EXPECT_EQ(test, t->req.nr_out, 1);
	KUNIT_EXPECT_EQ(test, t->req.nr_in, 2);
	KUNIT_EXPECT_EQ(test, t->req.out_len, 16U);
	KUNIT_EXPECT_EQ(test, t->req.in_len, 33U);
	vt_expect_iov(test, &t->iov[0], t->ram + VT_DATA, 16);
	vt_expect_iov(test, &t->iov[1], t->ram + VT_DATA + 0x100, 32);
	vt_expect_iov(test, &t->iov[2], t->ram + VT_DATA + 0x200, 1);

	/* Direct descriptors first, an indirect table last. */
	vt_desc(t->ind, 4, vt_gpa(VT_DATA + 0x100), 32, F_NEXT | F_WRITE, 1);
	vt_desc(t->ind, 5, vt_gpa(VT_DATA + 0x200), 1, F_WRITE, 0);
	vt_desc(t->desc, 0, vt_gpa(VT_DATA + 0x300), 8, F_NEXT, 1);
	vt_desc(t->desc, 1, vt_gpa(VT_IND + 4 * 16), 2 * 16, F_IND, 0);
	vt_post(t, 0);
	KUNIT_ASSERT_EQ(test, vt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, t->req.head, 0);
	KUNIT_EXPECT_EQ(test, t->req.nr_out, 1);
	KUNIT_EXPECT_EQ(test, t->req.nr_in, 2);
	KUNIT_EXPECT_EQ(test, t->req.out_len, 8U);
	KUNIT_EXPECT_EQ(test, t->req.in_len, 33U);
	vt_expect_iov(test, &t->iov[0], t->ram + VT_DATA + 0x300, 8);
	vt_expect_iov(test, &t->iov[1], t->ram + VT_DATA + 0x100, 32);
	vt_expect_iov(test, &t->iov[2], t->ram + VT_DATA + 0x200, 1);

	/* A misaligned table is read all the same. */
	memmove(t->ram + VT_IND + 0x208, t->ind, 3 * 16);
	vt_desc(t->desc, 2, vt_gpa(VT_IND + 0x208), 3 * 16, F_IND, 0);
	vt_post(t, 2);
	KUNIT_ASSERT_EQ(test, vt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, t->req.in_len, 33U);
	vt_expect_iov(test, &t->iov[1], t->ram + VT_DATA + 0x100, 32);
}

/* Guest RAM in two pieces, adjacent in guest space but not in root's. */
static void vq_test_two_regions(struct kunit *test)
{
	struct vq_test *t = test->priv;
	struct hvisor_zone *z = hvisor_zone_create(2);
	u8 *ram2 = kunit_kzalloc(test, 0x1000, GFP_KERNEL);
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, z);
	if (!ram2 || hvisor_zone_add_region(z, VT_GPA, VT_RAM, t->ram, 0,
					    false) ||
	    hvisor_zone_add_region(z, VT_GPA + VT_RAM, 0x1000, ram2, 0,
				   false)) {
		hvisor_zone_put(z);
		KUNIT_FAIL(test, "setup");
		return;
	}
	ret = vt_enable_on(t, z, false, false);
	KUNIT_EXPECT_EQ(test, ret, 0);
	vt_desc(t->desc, 0, vt_gpa(VT_RAM - 8), 24, 0, 0);
	vt_post(t, 0);
	KUNIT_EXPECT_EQ(test, vt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, t->req.nr_out, 2);
	KUNIT_EXPECT_EQ(test, t->req.out_len, 24U);
	vt_expect_iov(test, &t->iov[0], t->ram + VT_RAM - 8, 8);
	vt_expect_iov(test, &t->iov[1], ram2, 16);

	/* Past the second region: a hole. */
	vt_desc(t->desc, 1, vt_gpa(VT_RAM + 0x1000 - 8), 16, 0, 0);
	vt_post(t, 1);
	ret = vt_pop(t);
	vt_expect_broken(test, t, ret, -EFAULT);
	hvisor_vq_reset(&t->vq);
	hvisor_zone_put(z);
}

static void vq_test_emsgsize(struct kunit *test)
{
	struct vq_test *t = test->priv;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, vt_enable(t, false, true), 0);
	t->req.max_iov = 2;
	for (i = 0; i < 3; i++)
		vt_desc(t->desc, i, vt_gpa(VT_DATA + 16 * i), 16,
			i < 2 ? F_NEXT : F_WRITE, i + 1);
	vt_post(t, 0);
	vt_desc(t->desc, 5, vt_gpa(VT_DATA), 16, 0, 0);
	vt_post(t, 5);
	KUNIT_EXPECT_EQ(test, vt_pop(t), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, t->req.head, 0);
	KUNIT_EXPECT_EQ(test, t->req.nr_out, 0);
	KUNIT_EXPECT_EQ(test, t->req.nr_in, 0);
	KUNIT_EXPECT_FALSE(test, t->vq.broken);
	/* Nothing was written past max_iov. */
	KUNIT_EXPECT_NULL(test, t->iov[2].iov_base);
	/* The queue goes on. */
	KUNIT_ASSERT_EQ(test, vt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, t->req.head, 5);
	KUNIT_EXPECT_EQ(test, t->req.nr_out, 1);
	hvisor_vq_push(&t->vq, 0, 0);
	hvisor_vq_push(&t->vq, 5, 0);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->used->idx), 2);

	/* Same through an indirect table, and with max_iov 0. */
	vt_desc(t->ind, 0, vt_gpa(VT_DATA), 16, 0, 0);
	vt_desc(t->desc, 6, vt_gpa(VT_IND), 16, F_IND, 0);
	vt_post(t, 6);
	t->req.max_iov = 0;
	KUNIT_EXPECT_EQ(test, vt_pop(t), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, t->req.head, 6);
	KUNIT_EXPECT_FALSE(test, t->vq.broken);
	KUNIT_EXPECT_EQ(test, vt_pop(t), 0);
}

static void vq_test_need_irq_flags(struct kunit *test)
{
	struct vq_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, vt_enable(t, false, false), 0);
	hvisor_vq_push(&t->vq, 0, 0);
	KUNIT_EXPECT_TRUE(test, hvisor_vq_need_irq(&t->vq));
	t->avail->flags = cpu_to_le16(VRING_AVAIL_F_NO_INTERRUPT);
	hvisor_vq_push(&t->vq, 1, 0);
	KUNIT_EXPECT_FALSE(test, hvisor_vq_need_irq(&t->vq));
	t->avail->flags = 0;
	KUNIT_EXPECT_TRUE(test, hvisor_vq_need_irq(&t->vq));
	/* used_event means nothing without EVENT_IDX. */
	t->avail->ring[VT_NUM] = cpu_to_le16(100);
	KUNIT_EXPECT_TRUE(test, hvisor_vq_need_irq(&t->vq));
}

static void vt_set_used_event(struct vq_test *t, u16 event)
{
	t->avail->ring[VT_NUM] = cpu_to_le16(event);
}

static void vq_test_need_irq_event_idx(struct kunit *test)
{
	struct vq_test *t = test->priv;
	struct hvisor_vq *vq = &t->vq;

	KUNIT_ASSERT_EQ(test, vt_enable(t, true, false), 0);
	/* The driver's flags are ignored with EVENT_IDX. */
	t->avail->flags = cpu_to_le16(VRING_AVAIL_F_NO_INTERRUPT);
	vt_set_used_event(t, 0x1234);
	/* The first interrupt after enable is always sent. */
	hvisor_vq_push(vq, 0, 0);
	KUNIT_EXPECT_TRUE(test, hvisor_vq_need_irq(vq));
	/* Nothing new since then. */
	KUNIT_EXPECT_FALSE(test, hvisor_vq_need_irq(vq));

	/* used 1 -> 2; the driver wants one once entry 0 is used: done. */
	hvisor_vq_push(vq, 1, 0);
	vt_set_used_event(t, 0);
	KUNIT_EXPECT_FALSE(test, hvisor_vq_need_irq(vq));
	/* used 2 -> 3 crosses used_event 2. */
	hvisor_vq_push(vq, 2, 0);
	vt_set_used_event(t, 2);
	KUNIT_EXPECT_TRUE(test, hvisor_vq_need_irq(vq));
	/* used 3 -> 5 with used_event 5: not reached yet, then 5 -> 6. */
	hvisor_vq_push(vq, 3, 0);
	hvisor_vq_push(vq, 4, 0);
	vt_set_used_event(t, 5);
	KUNIT_EXPECT_FALSE(test, hvisor_vq_need_irq(vq));
	hvisor_vq_push(vq, 5, 0);
	KUNIT_EXPECT_TRUE(test, hvisor_vq_need_irq(vq));

	/* Around the u16 wrap: used 0xfffe -> 1. */
	vq->used_idx = 0xfffe;
	vq->signalled_used = 0xfffe;
	hvisor_vq_push(vq, 0, 0);
	hvisor_vq_push(vq, 1, 0);
	hvisor_vq_push(vq, 2, 0);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->used->idx), 1);
	vt_set_used_event(t, 0xffff);
	KUNIT_EXPECT_TRUE(test, hvisor_vq_need_irq(vq));

	vq->signalled_used = 0xfffe;
	vt_set_used_event(t, 0xfffe);
	KUNIT_EXPECT_TRUE(test, hvisor_vq_need_irq(vq));

	vq->signalled_used = 0xfffe;
	vt_set_used_event(t, 0);
	KUNIT_EXPECT_TRUE(test, hvisor_vq_need_irq(vq));

	vq->signalled_used = 0xfffe;
	vt_set_used_event(t, 1);	/* wants one when entry 1 is used */
	KUNIT_EXPECT_FALSE(test, hvisor_vq_need_irq(vq));

	vq->signalled_used = 0xfffe;
	vt_set_used_event(t, 0xfffd);	/* already signalled */
	KUNIT_EXPECT_FALSE(test, hvisor_vq_need_irq(vq));
	KUNIT_EXPECT_EQ(test, vq->signalled_used, 1);

	/* Re-enabling forgets what was signalled. */
	KUNIT_ASSERT_EQ(test, vt_enable(t, true, false), 0);
	vt_set_used_event(t, 0x1234);
	hvisor_vq_push(vq, 0, 0);
	KUNIT_EXPECT_TRUE(test, hvisor_vq_need_irq(vq));
}

static void vq_test_notify(struct kunit *test)
{
	struct vq_test *t = test->priv;
	__le16 *avail_event = (__le16 *)&t->used->ring[VT_NUM];

	KUNIT_ASSERT_EQ(test, vt_enable(t, false, false), 0);
	hvisor_vq_disable_notify(&t->vq);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->used->flags),
			VRING_USED_F_NO_NOTIFY);
	KUNIT_EXPECT_FALSE(test, hvisor_vq_enable_notify(&t->vq));
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->used->flags), 0);
	hvisor_vq_disable_notify(&t->vq);
	vt_desc(t->desc, 0, vt_gpa(VT_DATA), 4, 0, 0);
	vt_post(t, 0);
	KUNIT_EXPECT_TRUE(test, hvisor_vq_enable_notify(&t->vq));
	KUNIT_EXPECT_TRUE(test, hvisor_vq_has_work(&t->vq));
	KUNIT_ASSERT_EQ(test, vt_pop(t), 1);
	KUNIT_EXPECT_FALSE(test, hvisor_vq_enable_notify(&t->vq));

	/*
	 * EVENT_IDX: avail_event is the index seen last, so the driver kicks
	 * for the entry after it; flags stay 0.
	 */
	memset(t->ram, 0, VT_DATA);
	KUNIT_ASSERT_EQ(test, vt_enable(t, true, false), 0);
	hvisor_vq_disable_notify(&t->vq);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->used->flags), 0);
	KUNIT_EXPECT_FALSE(test, hvisor_vq_enable_notify(&t->vq));
	KUNIT_EXPECT_EQ(test, le16_to_cpu(*avail_event), 0);
	vt_desc(t->desc, 0, vt_gpa(VT_DATA), 4, 0, 0);
	vt_post(t, 0);
	/* Posted after avail_event 0 was published: the driver kicks. */
	KUNIT_EXPECT_TRUE(test, vring_need_event(0, 1, 0));
	KUNIT_EXPECT_TRUE(test, hvisor_vq_enable_notify(&t->vq));
	vt_post(t, 0);
	KUNIT_ASSERT_EQ(test, vt_pop(t), 1);
	KUNIT_ASSERT_EQ(test, vt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, vt_pop(t), 0);
	KUNIT_EXPECT_FALSE(test, hvisor_vq_enable_notify(&t->vq));
	KUNIT_EXPECT_EQ(test, le16_to_cpu(*avail_event), 2);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->used->flags), 0);
}

/*
 * Chains given back are not new work: after unpop, enable_notify() and
 * has_new() report nothing until the driver posts more, while pop() still
 * hands the given-back chains out again. What a NAPI poll that found the
 * guest's buffers too small relies on not to be rescheduled forever.
 */
static void vq_unpop_is_not_new_work(struct kunit *test)
{
	struct vq_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, vt_enable(t, false, false), 0);
	vt_desc(t->desc, 0, vt_gpa(VT_DATA), 64, F_WRITE, 0);
	vt_desc(t->desc, 1, vt_gpa(VT_DATA + 64), 64, F_WRITE, 0);
	vt_desc(t->desc, 2, vt_gpa(VT_DATA + 128), 64, F_WRITE, 0);
	vt_post(t, 0);
	vt_post(t, 1);
	KUNIT_ASSERT_EQ(test, vt_pop(t), 1);
	KUNIT_ASSERT_EQ(test, vt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, vt_pop(t), 0);
	hvisor_vq_unpop(&t->vq, 2);
	hvisor_vq_disable_notify(&t->vq);
	KUNIT_EXPECT_FALSE(test, hvisor_vq_enable_notify(&t->vq));
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->used->flags), 0);
	KUNIT_EXPECT_FALSE(test, hvisor_vq_has_new(&t->vq));
	KUNIT_EXPECT_FALSE(test, hvisor_vq_enable_notify(&t->vq));
	/* Still there to take, in order. */
	KUNIT_EXPECT_TRUE(test, hvisor_vq_has_work(&t->vq));
	KUNIT_ASSERT_EQ(test, vt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, t->req.head, 0);
	hvisor_vq_unpop(&t->vq, 1);
	KUNIT_EXPECT_FALSE(test, hvisor_vq_enable_notify(&t->vq));

	/* The driver posts one more: that is new. */
	vt_post(t, 2);
	KUNIT_EXPECT_TRUE(test, hvisor_vq_has_new(&t->vq));
	KUNIT_EXPECT_TRUE(test, hvisor_vq_enable_notify(&t->vq));
	KUNIT_ASSERT_EQ(test, vt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, t->req.head, 0);
	KUNIT_ASSERT_EQ(test, vt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, t->req.head, 1);
	KUNIT_ASSERT_EQ(test, vt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, t->req.head, 2);
	KUNIT_EXPECT_FALSE(test, hvisor_vq_has_new(&t->vq));
	KUNIT_EXPECT_EQ(test, vt_pop(t), 0);
}

/*
 * EVENT_IDX after unpop: avail_event is the index seen, not the one
 * consumed. An avail_event behind the driver's index makes the driver
 * never kick again (vring_need_event() is false for every later post
 * until the index wraps): the lost kick.
 */
static void vq_unpop_avail_event_is_seen_index(struct kunit *test)
{
	struct vq_test *t = test->priv;
	__le16 *avail_event = (__le16 *)&t->used->ring[VT_NUM];
	unsigned int i;
	u16 event;

	KUNIT_ASSERT_EQ(test, vt_enable(t, true, false), 0);
	vt_start_at(t, 0xfffe);		/* and across the wrap */
	for (i = 0; i < 3; i++) {
		vt_desc(t->desc, i, vt_gpa(VT_DATA + 64 * i), 64, F_WRITE, 0);
		vt_post(t, i);
	}
	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_EQ(test, vt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, vt_pop(t), 0);
	hvisor_vq_unpop(&t->vq, 2);
	KUNIT_EXPECT_FALSE(test, hvisor_vq_enable_notify(&t->vq));
	event = le16_to_cpu(*avail_event);
	KUNIT_EXPECT_EQ(test, event, 1);
	/* The driver's next post (index 1 -> 2) asks for a kick. */
	KUNIT_EXPECT_TRUE(test, vring_need_event(event, 2, 1));
	vt_desc(t->desc, 3, vt_gpa(VT_DATA + 64 * 3), 64, F_WRITE, 0);
	vt_post(t, 3);
	KUNIT_EXPECT_TRUE(test, hvisor_vq_enable_notify(&t->vq));
	KUNIT_EXPECT_EQ(test, le16_to_cpu(*avail_event), 1);
	for (i = 1; i < 4; i++) {
		KUNIT_ASSERT_EQ(test, vt_pop(t), 1);
		KUNIT_EXPECT_EQ(test, t->req.head, i);
	}
	KUNIT_EXPECT_EQ(test, vt_pop(t), 0);
	KUNIT_EXPECT_FALSE(test, hvisor_vq_enable_notify(&t->vq));
	KUNIT_EXPECT_EQ(test, le16_to_cpu(*avail_event), 2);
}

/* unpop gives chains back: the next pops take them again, in order. */
static void vq_test_unpop(struct kunit *test)
{
	struct vq_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, vt_enable(t, false, false), 0);
	vt_desc(t->desc, 0, vt_gpa(VT_DATA), 64, F_WRITE, 0);
	vt_desc(t->desc, 1, vt_gpa(VT_DATA + 64), 64, F_WRITE, 0);
	vt_post(t, 0);
	vt_post(t, 1);
	KUNIT_EXPECT_EQ(test, vt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, t->req.head, 0);
	KUNIT_EXPECT_EQ(test, vt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, t->req.head, 1);
	KUNIT_EXPECT_EQ(test, vt_pop(t), 0);
	hvisor_vq_unpop(&t->vq, 2);
	KUNIT_EXPECT_TRUE(test, hvisor_vq_has_work(&t->vq));
	KUNIT_EXPECT_EQ(test, vt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, t->req.head, 0);
	KUNIT_EXPECT_EQ(test, t->req.in_len, 64U);
	hvisor_vq_unpop(&t->vq, 1);
	KUNIT_EXPECT_EQ(test, vt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, t->req.head, 0);
	KUNIT_EXPECT_EQ(test, vt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, t->req.head, 1);
	/* Across the 16-bit wrap of the avail index. */
	hvisor_vq_reset(&t->vq);
	t->avail->idx = cpu_to_le16(0);
	KUNIT_ASSERT_EQ(test, vt_enable(t, false, false), 0);
	vt_start_at(t, 0xffff);
	vt_post(t, 1);
	KUNIT_EXPECT_EQ(test, vt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, t->vq.last_avail_idx, 0);
	hvisor_vq_unpop(&t->vq, 1);
	KUNIT_EXPECT_EQ(test, t->vq.last_avail_idx, 0xffff);
	KUNIT_EXPECT_EQ(test, vt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, t->req.head, 1);
}

/* A batch lands with one used->idx update, wrapping the used ring. */
static void vq_test_push_batch(struct kunit *test)
{
	struct vq_test *t = test->priv;
	struct hvisor_vq_used e[3] = {
		{ .head = 5, .len = 100 },
		{ .head = 6, .len = 200 },
		{ .head = 7, .len = 0 },
	};
	unsigned int i;

	KUNIT_ASSERT_EQ(test, vt_enable(t, false, false), 0);
	for (i = 0; i < 6; i++)
		hvisor_vq_push(&t->vq, 0, 0);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->used->idx), 6);
	hvisor_vq_push_batch(&t->vq, e, ARRAY_SIZE(e));
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->used->idx), 9);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(t->used->ring[6].id), 5U);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(t->used->ring[6].len), 100U);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(t->used->ring[7].id), 6U);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(t->used->ring[0].id), 7U);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(t->used->ring[0].len), 0U);
	/* Empty, oversized and after-reset batches do nothing. */
	hvisor_vq_push_batch(&t->vq, e, 0);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->used->idx), 9);
	hvisor_vq_reset(&t->vq);
	hvisor_vq_push_batch(&t->vq, e, ARRAY_SIZE(e));
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->used->idx), 9);
}

static struct kunit_case vq_test_cases[] = {
	KUNIT_CASE(vq_test_unpop),
	KUNIT_CASE(vq_unpop_is_not_new_work),
	KUNIT_CASE(vq_unpop_avail_event_is_seen_index),
	KUNIT_CASE(vq_test_push_batch),
	KUNIT_CASE(vq_test_init_reset),
	KUNIT_CASE(vq_test_enable_validation),
	KUNIT_CASE(vq_test_simple),
	KUNIT_CASE(vq_test_out_in),
	KUNIT_CASE(vq_test_zero_len),
	KUNIT_CASE(vq_test_longest_chains),
	KUNIT_CASE(vq_test_index_wrap),
	KUNIT_CASE(vq_test_indirect),
	KUNIT_CASE(vq_test_two_regions),
	KUNIT_CASE(vq_test_emsgsize),
	KUNIT_CASE(vq_test_need_irq_flags),
	KUNIT_CASE(vq_test_need_irq_event_idx),
	KUNIT_CASE(vq_test_notify),
	{}
};

static struct kunit_suite vq_test_suite = {
	.name = "hvisor_vq",
	.init = vt_init,
	.exit = vt_exit,
	.test_cases = vq_test_cases,
};

/* ---- hostile drivers ---- */

static void vq_hostile_head(struct kunit *test)
{
	struct vq_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, vt_enable(t, false, false), 0);
	vt_post(t, VT_NUM);
	vt_expect_broken(test, t, vt_pop(t), -EINVAL);
}

static void vq_hostile_head_big(struct kunit *test)
{
	struct vq_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, vt_enable(t, false, false), 0);
	vt_post(t, 0xffff);
	vt_expect_broken(test, t, vt_pop(t), -EINVAL);
}

static void vq_hostile_next(struct kunit *test)
{
	struct vq_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, vt_enable(t, false, false), 0);
	vt_desc(t->desc, 0, vt_gpa(VT_DATA), 16, F_NEXT, VT_NUM);
	vt_post(t, 0);
	vt_expect_broken(test, t, vt_pop(t), -EINVAL);
}

static void vq_hostile_loop(struct kunit *test)
{
	struct vq_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, vt_enable(t, false, false), 0);
	vt_desc(t->desc, 0, vt_gpa(VT_DATA), 16, F_NEXT, 1);
	vt_desc(t->desc, 1, vt_gpa(VT_DATA), 16, F_NEXT, 0);
	vt_post(t, 0);
	vt_expect_broken(test, t, vt_pop(t), -ELOOP);
}

static void vq_hostile_self_loop(struct kunit *test)
{
	struct vq_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, vt_enable(t, false, false), 0);
	vt_desc(t->desc, 3, vt_gpa(VT_DATA), 0, F_NEXT | F_WRITE, 3);
	vt_post(t, 3);
	vt_expect_broken(test, t, vt_pop(t), -ELOOP);
}

static void vq_hostile_indirect_loop(struct kunit *test)
{
	struct vq_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, vt_enable(t, false, true), 0);
	vt_desc(t->ind, 0, vt_gpa(VT_DATA), 16, F_NEXT, 1);
	vt_desc(t->ind, 1, vt_gpa(VT_DATA), 16, F_NEXT, 0);
	vt_desc(t->desc, 0, vt_gpa(VT_IND), 2 * 16, F_IND, 0);
	vt_post(t, 0);
	vt_expect_broken(test, t, vt_pop(t), -ELOOP);
}

static void vq_hostile_indirect_next(struct kunit *test)
{
	struct vq_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, vt_enable(t, false, true), 0);
	vt_desc(t->ind, 0, vt_gpa(VT_DATA), 16, F_NEXT, 2);
	vt_desc(t->desc, 0, vt_gpa(VT_IND), 2 * 16, F_IND, 0);
	vt_post(t, 0);
	vt_expect_broken(test, t, vt_pop(t), -EINVAL);
}

static void vq_hostile_avail_jump(struct kunit *test)
{
	struct vq_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, vt_enable(t, false, false), 0);
	t->avail->idx = cpu_to_le16(VT_NUM + 1);
	vt_expect_broken(test, t, vt_pop(t), -EINVAL);
}

static void vq_hostile_avail_back(struct kunit *test)
{
	struct vq_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, vt_enable(t, false, false), 0);
	vt_desc(t->desc, 0, vt_gpa(VT_DATA), 16, 0, 0);
	vt_post(t, 0);
	KUNIT_ASSERT_EQ(test, vt_pop(t), 1);
	/* Moving the index back looks like a jump of 0xffff entries. */
	t->avail->idx = 0;
	vt_expect_broken(test, t, vt_pop(t), -EINVAL);
}

/*
 * The index is checked when it is read: chains seen are handed out (and
 * given back and handed out again) first, then the bad index breaks the
 * queue.
 */
static void vq_hostile_avail_jump_after_unpop(struct kunit *test)
{
	struct vq_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, vt_enable(t, false, false), 0);
	vt_desc(t->desc, 0, vt_gpa(VT_DATA), 16, F_WRITE, 0);
	vt_post(t, 0);
	KUNIT_ASSERT_EQ(test, vt_pop(t), 1);
	hvisor_vq_unpop(&t->vq, 1);
	/* 1 + VT_NUM would be a full ring: one more is too many. */
	t->avail->idx = cpu_to_le16(VT_NUM + 2);
	KUNIT_EXPECT_TRUE(test, hvisor_vq_has_new(&t->vq));
	KUNIT_ASSERT_EQ(test, vt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, t->req.head, 0);
	vt_expect_broken(test, t, vt_pop(t), -EINVAL);
	KUNIT_EXPECT_FALSE(test, hvisor_vq_has_new(&t->vq));
	KUNIT_EXPECT_FALSE(test, hvisor_vq_enable_notify(&t->vq));
}

static void vq_hostile_read_after_write(struct kunit *test)
{
	struct vq_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, vt_enable(t, false, false), 0);
	vt_desc(t->desc, 0, vt_gpa(VT_DATA), 16, F_NEXT | F_WRITE, 1);
	vt_desc(t->desc, 1, vt_gpa(VT_DATA), 16, 0, 0);
	vt_post(t, 0);
	vt_expect_broken(test, t, vt_pop(t), -EINVAL);
}

static void vq_hostile_indirect_not_negotiated(struct kunit *test)
{
	struct vq_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, vt_enable(t, false, false), 0);
	vt_desc(t->ind, 0, vt_gpa(VT_DATA), 16, 0, 0);
	vt_desc(t->desc, 0, vt_gpa(VT_IND), 16, F_IND, 0);
	vt_post(t, 0);
	vt_expect_broken(test, t, vt_pop(t), -EINVAL);
}

static void vq_hostile_indirect_nested(struct kunit *test)
{
	struct vq_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, vt_enable(t, false, true), 0);
	vt_desc(t->ind, 0, vt_gpa(VT_IND), 16, F_IND, 0);
	vt_desc(t->desc, 0, vt_gpa(VT_IND), 16, F_IND, 0);
	vt_post(t, 0);
	vt_expect_broken(test, t, vt_pop(t), -EINVAL);
}

static void vq_hostile_indirect_with_next(struct kunit *test)
{
	struct vq_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, vt_enable(t, false, true), 0);
	vt_desc(t->ind, 0, vt_gpa(VT_DATA), 16, 0, 0);
	vt_desc(t->desc, 0, vt_gpa(VT_IND), 16, F_IND | F_NEXT, 1);
	vt_desc(t->desc, 1, vt_gpa(VT_DATA), 16, 0, 0);
	vt_post(t, 0);
	vt_expect_broken(test, t, vt_pop(t), -EINVAL);
}

static void vt_hostile_indirect_len(struct kunit *test, u64 gpa, u32 len)
{
	struct vq_test *t = test->priv;

	memset(t->ram, 0, VT_DATA);	/* fresh rings for each case */
	KUNIT_ASSERT_EQ(test, vt_enable(t, false, true), 0);
	vt_desc(t->desc, 0, gpa, len, F_IND, 0);
	vt_post(t, 0);
	vt_expect_broken(test, t, vt_pop(t), -EINVAL);
}

static void vq_hostile_indirect_bad_len(struct kunit *test)
{
	vt_hostile_indirect_len(test, vt_gpa(VT_IND), 0);
	vt_hostile_indirect_len(test, vt_gpa(VT_IND), 24);
	vt_hostile_indirect_len(test, vt_gpa(VT_IND), 15);
	vt_hostile_indirect_len(test, vt_gpa(VT_IND),
				16 * (HVISOR_VQ_MAX_SIZE + 1));
	vt_hostile_indirect_len(test, vt_gpa(VT_IND), U32_MAX & ~15U);
	/* The table must be in guest RAM, in one piece. */
	vt_hostile_indirect_len(test, vt_gpa(VT_RAM - 16), 32);
	vt_hostile_indirect_len(test, vt_gpa(VT_RAM), 16);
	vt_hostile_indirect_len(test, U64_MAX - 15, 32);
}

static void vt_hostile_buf(struct kunit *test, u64 gpa, u32 len)
{
	struct vq_test *t = test->priv;

	memset(t->ram, 0, VT_DATA);	/* fresh rings for each case */
	KUNIT_ASSERT_EQ(test, vt_enable(t, false, false), 0);
	vt_desc(t->desc, 0, vt_gpa(VT_DATA), 16, F_NEXT, 1);
	vt_desc(t->desc, 1, gpa, len, F_WRITE, 0);
	vt_post(t, 0);
	vt_expect_broken(test, t, vt_pop(t), -EFAULT);
}

static void vq_hostile_buffer_outside(struct kunit *test)
{
	/* Crossing the end of RAM, just before it, entirely outside. */
	vt_hostile_buf(test, vt_gpa(VT_RAM - 10), 20);
	vt_hostile_buf(test, VT_GPA - 1, 2);
	vt_hostile_buf(test, VT_GPA - 0x1000, 16);
	vt_hostile_buf(test, vt_gpa(VT_RAM), 1);
	vt_hostile_buf(test, 0, 16);
	vt_hostile_buf(test, vt_gpa(0), U32_MAX);
}

static void vq_hostile_addr_overflow(struct kunit *test)
{
	vt_hostile_buf(test, U64_MAX - 5, 100);
	vt_hostile_buf(test, U64_MAX, 1);
	vt_hostile_buf(test, U64_MAX - VT_RAM + 1, VT_RAM);
}

/*
 * Lengths adding up past 4 GiB need that much guest RAM: a zone whose
 * region claims 8 GiB at the fake RAM. Only the rings at its start are
 * real; pop() never touches the buffers, so nothing past the fake RAM is
 * accessed.
 */
static void vq_hostile_len_overflow(struct kunit *test)
{
	struct vq_test *t = test->priv;
	struct hvisor_zone *z = hvisor_zone_create(3);
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, z);
	if (hvisor_zone_add_region(z, VT_GPA, 8ULL << 30, t->ram, 0, false)) {
		hvisor_zone_put(z);
		KUNIT_FAIL(test, "setup");
		return;
	}
	ret = vt_enable_on(t, z, false, false);
	KUNIT_EXPECT_EQ(test, ret, 0);
	vt_desc(t->desc, 0, vt_gpa(0x10000000), 0x80000000U, F_WRITE | F_NEXT,
		1);
	vt_desc(t->desc, 1, vt_gpa(0x90000000), 0x7fffffffU, F_WRITE | F_NEXT,
		2);
	vt_desc(t->desc, 2, vt_gpa(0x10000000), 1, F_WRITE, 0);
	vt_post(t, 0);
	ret = vt_pop(t);
	vt_expect_broken(test, t, ret, -EOVERFLOW);
	hvisor_vq_reset(&t->vq);
	hvisor_zone_put(z);
}

/* A broken queue comes back after a reset. */
static void vq_hostile_reset_recovers(struct kunit *test)
{
	struct vq_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, vt_enable(t, false, false), 0);
	vt_post(t, 100);
	vt_expect_broken(test, t, vt_pop(t), -EINVAL);
	memset(t->ram, 0, VT_DATA);
	KUNIT_ASSERT_EQ(test, vt_enable(t, false, false), 0);
	vt_desc(t->desc, 0, vt_gpa(VT_DATA), 16, 0, 0);
	vt_post(t, 0);
	KUNIT_EXPECT_EQ(test, vt_pop(t), 1);
}

static struct kunit_case vq_hostile_cases[] = {
	KUNIT_CASE(vq_hostile_head),
	KUNIT_CASE(vq_hostile_head_big),
	KUNIT_CASE(vq_hostile_next),
	KUNIT_CASE(vq_hostile_loop),
	KUNIT_CASE(vq_hostile_self_loop),
	KUNIT_CASE(vq_hostile_indirect_loop),
	KUNIT_CASE(vq_hostile_indirect_next),
	KUNIT_CASE(vq_hostile_avail_jump),
	KUNIT_CASE(vq_hostile_avail_back),
	KUNIT_CASE(vq_hostile_avail_jump_after_unpop),
	KUNIT_CASE(vq_hostile_read_after_write),
	KUNIT_CASE(vq_hostile_indirect_not_negotiated),
	KUNIT_CASE(vq_hostile_indirect_nested),
	KUNIT_CASE(vq_hostile_indirect_with_next),
	KUNIT_CASE(vq_hostile_indirect_bad_len),
	KUNIT_CASE(vq_hostile_buffer_outside),
	KUNIT_CASE(vq_hostile_addr_overflow),
	KUNIT_CASE(vq_hostile_len_overflow),
	KUNIT_CASE(vq_hostile_reset_recovers),
	{}
};

static struct kunit_suite vq_hostile_suite = {
	.name = "hvisor_vq_hostile",
	.init = vt_init,
	.exit = vt_exit,
	.test_cases = vq_hostile_cases,
};

kunit_test_suites(&vq_test_suite, &vq_hostile_suite);
