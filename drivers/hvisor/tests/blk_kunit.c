// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the virtio-blk backend: request parsing (pure, over
 * hand-built kvec chains standing for guest buffers) and the execution of
 * parsed requests against a tmpfs file.
 */

/* First, so that their pr_fmt is the one in force. */
#include "../blk/blk.c"
#include "../blk/parse.c"
#include "../blk/io.c"
#include "../blk/queue.c"
#include "../blk/poll.c"
#include "../blk/stats.c"

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "../zone.h"
#include "kunit_stubs.h"

#define BT_CAPACITY	128	/* sectors */
#define BT_MAX_IOV	8

/* One request as a guest would lay it out, with the chain pointing at it. */
struct blk_test_req {
	struct virtio_blk_outhdr hdr;
	struct virtio_blk_discard_write_zeroes segs[HVBLK_MAX_DWZ_SEG + 1];
	u8 data[4096];
	u8 status;
	struct kvec iov[BT_MAX_IOV];
	struct hvisor_vq_req vqr;
	struct hvblk_cmd cmd;
};

static struct hvblk_limits bt_limits(void)
{
	return (struct hvblk_limits) {
		.capacity = BT_CAPACITY,
		.max_data = HVBLK_MAX_DATA,
		.max_discard_sectors = 16,
		.max_wz_sectors = 32,
		.max_dwz_seg = 4,
		.discard = true,
		.write_zeroes = true,
	};
}

static struct blk_test_req *bt_new(struct kunit *test, u32 type, u64 sector)
{
	struct blk_test_req *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->hdr.type = __cpu_to_virtio32(true, type);
	r->hdr.sector = __cpu_to_virtio64(true, sector);
	r->status = 0xff;
	r->vqr.iov = r->iov;
	r->vqr.max_iov = BT_MAX_IOV;
	return r;
}

/* Append a buffer: readable ones must all come before writable ones. */
static void bt_add(struct blk_test_req *r, void *p, size_t len, bool in)
{
	struct hvisor_vq_req *v = &r->vqr;
	struct kvec *k = &r->iov[v->nr_out + v->nr_in];

	k->iov_base = p;
	k->iov_len = len;
	if (in) {
		v->nr_in++;
		v->in_len += len;
	} else {
		v->nr_out++;
		v->out_len += len;
	}
}

/* Header, then @len bytes of data (readable for OUT, writable for IN). */
static struct blk_test_req *bt_rw(struct kunit *test, u32 type, u64 sector,
				  size_t len)
{
	struct blk_test_req *r = bt_new(test, type, sector);
	bool in = type != VIRTIO_BLK_T_OUT;

	bt_add(r, &r->hdr, sizeof(r->hdr), false);
	if (len)
		bt_add(r, r->data, len, in);
	bt_add(r, &r->status, 1, true);
	return r;
}

static int bt_parse(struct blk_test_req *r, const struct hvblk_limits *lim)
{
	return hvblk_parse(lim, &r->vqr, &r->cmd);
}

static void blk_parse_read(struct kunit *test)
{
	struct hvblk_limits lim = bt_limits();
	struct blk_test_req *r = bt_rw(test, VIRTIO_BLK_T_IN, 3, 1024);

	KUNIT_EXPECT_EQ(test, bt_parse(r, &lim), VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, r->cmd.type, (u32)VIRTIO_BLK_T_IN);
	KUNIT_EXPECT_EQ(test, r->cmd.pos, (loff_t)3 * 512);
	KUNIT_EXPECT_EQ(test, r->cmd.len, 1024U);
	KUNIT_EXPECT_PTR_EQ(test, r->cmd.status, &r->status);
	/* Parsing writes nothing to the guest. */
	KUNIT_EXPECT_EQ(test, r->status, 0xff);
}

/* The 16-byte header may come in pieces, data in the same buffer. */
static void blk_parse_split_header(struct kunit *test)
{
	struct hvblk_limits lim = bt_limits();
	struct blk_test_req *r = bt_new(test, VIRTIO_BLK_T_OUT, 7);
	u8 *raw = kunit_kzalloc(test, 16 + 512, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, raw);
	memcpy(raw, &r->hdr, sizeof(r->hdr));
	bt_add(r, raw, 3, false);
	bt_add(r, raw + 3, 6, false);
	bt_add(r, raw + 9, 7 + 512, false);	/* header tail and data */
	bt_add(r, &r->status, 1, true);
	KUNIT_EXPECT_EQ(test, bt_parse(r, &lim), VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, r->cmd.type, (u32)VIRTIO_BLK_T_OUT);
	KUNIT_EXPECT_EQ(test, r->cmd.pos, (loff_t)7 * 512);
	KUNIT_EXPECT_EQ(test, r->cmd.len, 512U);
}

static void blk_parse_short_header(struct kunit *test)
{
	struct hvblk_limits lim = bt_limits();
	struct blk_test_req *r = bt_new(test, VIRTIO_BLK_T_IN, 0);

	bt_add(r, &r->hdr, 15, false);
	bt_add(r, &r->status, 1, true);
	KUNIT_EXPECT_EQ(test, bt_parse(r, &lim), VIRTIO_BLK_S_IOERR);
	KUNIT_EXPECT_PTR_EQ(test, r->cmd.status, &r->status);
}

static void blk_parse_write(struct kunit *test)
{
	struct hvblk_limits lim = bt_limits();
	struct blk_test_req *r = bt_rw(test, VIRTIO_BLK_T_OUT, 0, 2048);

	KUNIT_EXPECT_EQ(test, bt_parse(r, &lim), VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, r->cmd.len, 2048U);
	lim.ro = true;
	KUNIT_EXPECT_EQ(test, bt_parse(r, &lim), VIRTIO_BLK_S_IOERR);
	/* Reads of a read-only disk are fine. */
	r = bt_rw(test, VIRTIO_BLK_T_IN, 0, 512);
	KUNIT_EXPECT_EQ(test, bt_parse(r, &lim), VIRTIO_BLK_S_OK);
}

static void blk_parse_bad_length(struct kunit *test)
{
	struct hvblk_limits lim = bt_limits();

	KUNIT_EXPECT_EQ(test, bt_parse(bt_rw(test, VIRTIO_BLK_T_IN, 0, 513),
				       &lim), VIRTIO_BLK_S_IOERR);
	KUNIT_EXPECT_EQ(test, bt_parse(bt_rw(test, VIRTIO_BLK_T_OUT, 0, 100),
				       &lim), VIRTIO_BLK_S_IOERR);
	lim.max_data = 1024;
	KUNIT_EXPECT_EQ(test, bt_parse(bt_rw(test, VIRTIO_BLK_T_IN, 0, 1536),
				       &lim), VIRTIO_BLK_S_IOERR);
	KUNIT_EXPECT_EQ(test, bt_parse(bt_rw(test, VIRTIO_BLK_T_IN, 0, 1024),
				       &lim), VIRTIO_BLK_S_OK);
}

static void blk_parse_capacity(struct kunit *test)
{
	struct hvblk_limits lim = bt_limits();

	/* The last sector is readable, one more is not. */
	KUNIT_EXPECT_EQ(test, bt_parse(bt_rw(test, VIRTIO_BLK_T_IN,
					     BT_CAPACITY - 1, 512), &lim),
			VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, bt_parse(bt_rw(test, VIRTIO_BLK_T_IN,
					     BT_CAPACITY - 1, 1024), &lim),
			VIRTIO_BLK_S_IOERR);
	KUNIT_EXPECT_EQ(test, bt_parse(bt_rw(test, VIRTIO_BLK_T_OUT,
					     BT_CAPACITY, 512), &lim),
			VIRTIO_BLK_S_IOERR);
	/* sector + length would wrap around. */
	KUNIT_EXPECT_EQ(test, bt_parse(bt_rw(test, VIRTIO_BLK_T_IN,
					     U64_MAX, 512), &lim),
			VIRTIO_BLK_S_IOERR);
	KUNIT_EXPECT_EQ(test, bt_parse(bt_rw(test, VIRTIO_BLK_T_IN,
					     U64_MAX >> 9, 512), &lim),
			VIRTIO_BLK_S_IOERR);
}

static void blk_parse_status_byte(struct kunit *test)
{
	struct hvblk_limits lim = bt_limits();
	struct blk_test_req *r;
	u8 tail[4];

	/* No writable buffer at all. */
	r = bt_new(test, VIRTIO_BLK_T_IN, 0);
	bt_add(r, &r->hdr, sizeof(r->hdr), false);
	KUNIT_EXPECT_EQ(test, bt_parse(r, &lim), HVBLK_NO_STATUS);
	KUNIT_EXPECT_NULL(test, r->cmd.status);

	/* Only an empty writable buffer. */
	r = bt_new(test, VIRTIO_BLK_T_FLUSH, 0);
	bt_add(r, &r->hdr, sizeof(r->hdr), false);
	bt_add(r, &r->status, 0, true);
	KUNIT_EXPECT_EQ(test, bt_parse(r, &lim), HVBLK_NO_STATUS);

	/* The status is the last byte of the writable part. */
	r = bt_new(test, VIRTIO_BLK_T_FLUSH, 0);
	bt_add(r, &r->hdr, sizeof(r->hdr), false);
	bt_add(r, tail, sizeof(tail), true);
	bt_add(r, &r->status, 0, true);
	KUNIT_EXPECT_EQ(test, bt_parse(r, &lim), VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_PTR_EQ(test, r->cmd.status, &tail[3]);
}

static void blk_parse_flush_get_id(struct kunit *test)
{
	struct hvblk_limits lim = bt_limits();
	struct blk_test_req *r;

	r = bt_rw(test, VIRTIO_BLK_T_FLUSH, 0, 0);
	KUNIT_EXPECT_EQ(test, bt_parse(r, &lim), VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, r->cmd.type, (u32)VIRTIO_BLK_T_FLUSH);

	r = bt_rw(test, VIRTIO_BLK_T_GET_ID, 0, VIRTIO_BLK_ID_BYTES);
	KUNIT_EXPECT_EQ(test, bt_parse(r, &lim), VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, r->cmd.len, (u32)VIRTIO_BLK_ID_BYTES);

	/* A shorter buffer gets a truncated id, a longer one 20 bytes. */
	r = bt_rw(test, VIRTIO_BLK_T_GET_ID, 0, 5);
	KUNIT_EXPECT_EQ(test, bt_parse(r, &lim), VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, r->cmd.len, 5U);
	r = bt_rw(test, VIRTIO_BLK_T_GET_ID, 0, 64);
	KUNIT_EXPECT_EQ(test, bt_parse(r, &lim), VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, r->cmd.len, (u32)VIRTIO_BLK_ID_BYTES);
}

static void blk_parse_unknown(struct kunit *test)
{
	struct hvblk_limits lim = bt_limits();
	static const u32 types[] = { 2, 3, 10, 14, 99, 0x80000000 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(types); i++)
		KUNIT_EXPECT_EQ(test, bt_parse(bt_rw(test, types[i], 0, 512),
					       &lim), VIRTIO_BLK_S_UNSUPP);
}

/* A discard or write-zeroes request with @n segments (flags given). */
static struct blk_test_req *bt_dwz(struct kunit *test, u32 type,
				   unsigned int n, u64 sector, u32 nr,
				   u32 flags)
{
	struct blk_test_req *r = bt_new(test, type, 0);
	unsigned int i;

	for (i = 0; i < n; i++) {
		r->segs[i].sector = cpu_to_le64(sector + i * nr);
		r->segs[i].num_sectors = cpu_to_le32(nr);
		r->segs[i].flags = cpu_to_le32(flags);
	}
	bt_add(r, &r->hdr, sizeof(r->hdr), false);
	if (n)
		bt_add(r, r->segs, n * sizeof(r->segs[0]), false);
	bt_add(r, &r->status, 1, true);
	return r;
}

static void blk_parse_discard(struct kunit *test)
{
	struct hvblk_limits lim = bt_limits();
	const u32 d = VIRTIO_BLK_T_DISCARD;
	struct blk_test_req *r;

	r = bt_dwz(test, d, 3, 10, 8, 0);
	KUNIT_EXPECT_EQ(test, bt_parse(r, &lim), VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, r->cmd.nr_segs, 3U);
	KUNIT_EXPECT_EQ(test, r->cmd.segs[2].sector, 26ULL);
	KUNIT_EXPECT_EQ(test, r->cmd.segs[2].nr_sectors, 8U);

	/* Unmap is for write zeroes only; other flags are reserved. */
	KUNIT_EXPECT_EQ(test, bt_parse(bt_dwz(test, d, 1, 0, 8,
					      VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP),
				       &lim), VIRTIO_BLK_S_UNSUPP);
	KUNIT_EXPECT_EQ(test, bt_parse(bt_dwz(test, d, 1, 0, 8, 2), &lim),
			VIRTIO_BLK_S_UNSUPP);
	/* Too many sectors, beyond the end, wrapping around. */
	KUNIT_EXPECT_EQ(test, bt_parse(bt_dwz(test, d, 1, 0, 17, 0), &lim),
			VIRTIO_BLK_S_IOERR);
	KUNIT_EXPECT_EQ(test, bt_parse(bt_dwz(test, d, 1, BT_CAPACITY - 4, 8, 0),
				       &lim), VIRTIO_BLK_S_IOERR);
	KUNIT_EXPECT_EQ(test, bt_parse(bt_dwz(test, d, 1, U64_MAX - 2, 8, 0),
				       &lim), VIRTIO_BLK_S_IOERR);
	/* No segment, too many segments, a partial segment. */
	KUNIT_EXPECT_EQ(test, bt_parse(bt_dwz(test, d, 0, 0, 8, 0), &lim),
			VIRTIO_BLK_S_IOERR);
	KUNIT_EXPECT_EQ(test, bt_parse(bt_dwz(test, d, 5, 0, 8, 0), &lim),
			VIRTIO_BLK_S_IOERR);
	r = bt_dwz(test, d, 1, 0, 8, 0);
	r->iov[1].iov_len--;
	r->vqr.out_len--;
	KUNIT_EXPECT_EQ(test, bt_parse(r, &lim), VIRTIO_BLK_S_IOERR);
	/* Not offered, or a read-only disk. */
	lim.discard = false;
	KUNIT_EXPECT_EQ(test, bt_parse(bt_dwz(test, d, 1, 0, 8, 0), &lim),
			VIRTIO_BLK_S_UNSUPP);
	lim.discard = true;
	lim.ro = true;
	KUNIT_EXPECT_EQ(test, bt_parse(bt_dwz(test, d, 1, 0, 8, 0), &lim),
			VIRTIO_BLK_S_IOERR);
}

static void blk_parse_write_zeroes(struct kunit *test)
{
	struct hvblk_limits lim = bt_limits();
	const u32 wz = VIRTIO_BLK_T_WRITE_ZEROES;
	struct blk_test_req *r;

	r = bt_dwz(test, wz, 1, 4, 32, VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP);
	KUNIT_EXPECT_EQ(test, bt_parse(r, &lim), VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, r->cmd.segs[0].flags,
			(u32)VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP);
	KUNIT_EXPECT_EQ(test, bt_parse(bt_dwz(test, wz, 1, 0, 33, 0), &lim),
			VIRTIO_BLK_S_IOERR);
	KUNIT_EXPECT_EQ(test, bt_parse(bt_dwz(test, wz, 1, 0, 8, 0x80), &lim),
			VIRTIO_BLK_S_UNSUPP);
	lim.write_zeroes = false;
	KUNIT_EXPECT_EQ(test, bt_parse(bt_dwz(test, wz, 1, 0, 8, 0), &lim),
			VIRTIO_BLK_S_UNSUPP);
}

/* ---- Execution against a tmpfs file ---- */

/* Devices built by a test, freed by blk_exec_exit(). */
struct blk_test_ctx {
	struct hvblk_dev *dev[2];
	struct hvblk_req *req[2];
	unsigned int n;
	struct hvisor_zone *zone;
};

static int blk_exec_init(struct kunit *test)
{
	struct blk_test_ctx *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	/* The devices' zone: no RAM of its own (the buffers are kmalloc()ed). */
	ctx->zone = hvisor_zone_create(1);
	if (!ctx->zone)
		return -ENOMEM;
	test->priv = ctx;
	return 0;
}

static void blk_exec_exit(struct kunit *test)
{
	struct blk_test_ctx *ctx = test->priv;
	unsigned int i;

	for (i = 0; ctx && i < ctx->n; i++) {
		if (ctx->dev[i] && !IS_ERR_OR_NULL(ctx->dev[i]->file))
			fput(ctx->dev[i]->file);
		kfree(ctx->dev[i]);
		kfree(ctx->req[i]);
	}
	if (ctx)
		hvisor_zone_put(ctx->zone);
}

/* A device on a fresh tmpfs file of @size bytes, with one request slot. */
static struct hvblk_dev *bt_dev(struct kunit *test, loff_t size)
{
	struct blk_test_ctx *ctx = test->priv;
	struct hvblk_dev *dev;
	unsigned int n = ctx->n;

	KUNIT_ASSERT_LT(test, n, ARRAY_SIZE(ctx->dev));
	ctx->n++;
	ctx->dev[n] = kzalloc(struct_size(dev, queues, 1), GFP_KERNEL);
	ctx->req[n] = kzalloc(sizeof(*ctx->req[n]), GFP_KERNEL);
	dev = ctx->dev[n];
	KUNIT_ASSERT_NOT_NULL(test, dev);
	KUNIT_ASSERT_NOT_NULL(test, ctx->req[n]);
	dev->file = shmem_file_setup("hvblk-kunit", size, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dev->file));
	dev->vdev.zone = ctx->zone;
	dev->nr_queues = 1;
	dev->queues[0].pool = ctx->req[n];
	memcpy(dev->serial, "hvblk-kunit-serial-0", VIRTIO_BLK_ID_BYTES);
	return dev;
}

/* Parse and execute @r on @dev; returns the status, *in the bytes read. */
static int bt_run(struct kunit *test, struct hvblk_dev *dev,
		  struct blk_test_req *r, u32 *in)
{
	struct hvblk_req *req = dev->queues[0].pool;
	u32 out;
	int ret;

	memcpy(req->iov, r->iov, sizeof(r->iov));
	req->vqr = r->vqr;
	req->vqr.iov = req->iov;
	ret = hvblk_parse(&dev->lim, &req->vqr, &req->cmd);
	if (ret != VIRTIO_BLK_S_OK)
		return ret;
	return hvblk_execute(dev, req, in, &out);
}

static void blk_exec_file(struct kunit *test)
{
	struct hvblk_dev *dev = bt_dev(test, BT_CAPACITY * 512 + 100);
	struct blk_test_req *w, *rd;
	unsigned int i;
	u32 in;

	KUNIT_ASSERT_EQ(test, hvblk_check_file(dev, dev->file, false), 0);
	/* 64 KiB + 100 bytes: the partial sector is not part of the disk. */
	KUNIT_EXPECT_EQ(test, dev->lim.capacity, (u64)BT_CAPACITY);
	KUNIT_EXPECT_NULL(test, dev->bdev);
	hvblk_setup_limits(dev);
	KUNIT_EXPECT_TRUE(test, dev->lim.discard);
	KUNIT_EXPECT_TRUE(test, dev->lim.write_zeroes);
	/* Every read or write the config space allows is served. */
	KUNIT_EXPECT_GE(test, (u64)dev->lim.max_data,
			(u64)__virtio32_to_cpu(true, dev->config.seg_max) *
			__virtio32_to_cpu(true, dev->config.size_max));

	w = bt_rw(test, VIRTIO_BLK_T_OUT, 5, 2048);
	for (i = 0; i < 2048; i++)
		w->data[i] = i * 7 + 1;
	KUNIT_EXPECT_EQ(test, bt_run(test, dev, w, &in), VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, in, 0U);

	rd = bt_rw(test, VIRTIO_BLK_T_IN, 5, 2048);
	KUNIT_EXPECT_EQ(test, bt_run(test, dev, rd, &in), VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, in, 2048U);
	KUNIT_EXPECT_EQ(test, memcmp(rd->data, w->data, 2048), 0);

	KUNIT_EXPECT_EQ(test, bt_run(test, dev, bt_rw(test, VIRTIO_BLK_T_FLUSH,
						      0, 0), &in),
			VIRTIO_BLK_S_OK);

	/* Zero sectors 6..7, with and without unmap. */
	KUNIT_EXPECT_EQ(test, bt_run(test, dev,
				     bt_dwz(test, VIRTIO_BLK_T_WRITE_ZEROES,
					    1, 6, 1, 0), &in),
			VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, bt_run(test, dev,
				     bt_dwz(test, VIRTIO_BLK_T_WRITE_ZEROES,
					    1, 7, 1,
					    VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP),
				     &in), VIRTIO_BLK_S_OK);
	rd = bt_rw(test, VIRTIO_BLK_T_IN, 5, 2048);
	KUNIT_EXPECT_EQ(test, bt_run(test, dev, rd, &in), VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, memcmp(rd->data, w->data, 512), 0);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(rd->data + 512, 0, 1024));
	KUNIT_EXPECT_EQ(test, memcmp(rd->data + 1536, w->data + 1536, 512), 0);

	KUNIT_EXPECT_EQ(test, bt_run(test, dev,
				     bt_dwz(test, VIRTIO_BLK_T_DISCARD,
					    2, 0, 8, 0), &in),
			VIRTIO_BLK_S_OK);
}

/* Parse @r into @dev's slot and describe it for direct I/O. */
static bool bt_map(struct kunit *test, struct hvblk_dev *dev,
		   struct blk_test_req *r)
{
	struct hvblk_req *req = dev->queues[0].pool;

	memcpy(req->iov, r->iov, sizeof(r->iov));
	req->vqr = r->vqr;
	req->vqr.iov = req->iov;
	KUNIT_EXPECT_EQ(test, hvblk_parse(&dev->lim, &req->vqr, &req->cmd),
			VIRTIO_BLK_S_OK);
	return hvblk_map_bvec(dev, req);
}

/*
 * Direct I/O takes the data buffers as they are (one bio_vec each, header
 * and status byte left out) when they are aligned as the backing wants and
 * in root's linear map; anything else is for the buffered path.
 */
static void blk_direct_map(struct kunit *test)
{
	struct hvblk_dev *dev = bt_dev(test, 64 * 512);
	struct hvblk_req *req = dev->queues[0].pool;
	u8 *buf = kunit_kzalloc(test, 2 * PAGE_SIZE, GFP_KERNEL);
	struct blk_test_req *r;
	u8 *vbuf;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	dev->lim.capacity = 64;
	dev->lim.max_data = HVBLK_MAX_DATA;
	dev->mem_mask = 511;
	dev->off_mask = 511;

	/* A read into two aligned buffers, the status byte after data. */
	r = bt_new(test, VIRTIO_BLK_T_IN, 8);
	bt_add(r, &r->hdr, sizeof(r->hdr), false);
	bt_add(r, buf, 1024, true);
	bt_add(r, buf + PAGE_SIZE, 512 + 1, true);
	KUNIT_EXPECT_TRUE(test, bt_map(test, dev, r));
	KUNIT_EXPECT_EQ(test, req->nr_bvec, 2U);
	KUNIT_EXPECT_PTR_EQ(test, req->bvec[1].bv_page,
			    virt_to_page(buf + PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, req->bvec[1].bv_offset,
			(unsigned int)offset_in_page(buf + PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, req->bvec[1].bv_len, 512U);

	/* A write whose header shares the first buffer: data after it. */
	r = bt_new(test, VIRTIO_BLK_T_OUT, 0);
	memcpy(buf + 512 - 16, &r->hdr, 16);
	bt_add(r, buf + 512 - 16, 16 + 512, false);
	bt_add(r, &r->status, 1, true);
	KUNIT_EXPECT_TRUE(test, bt_map(test, dev, r));
	KUNIT_EXPECT_EQ(test, req->nr_bvec, 1U);
	KUNIT_EXPECT_PTR_EQ(test, page_address(req->bvec[0].bv_page) +
			    req->bvec[0].bv_offset, (void *)(buf + 512));

	/* A buffer address off the memory alignment. */
	r = bt_new(test, VIRTIO_BLK_T_IN, 0);
	bt_add(r, &r->hdr, sizeof(r->hdr), false);
	bt_add(r, buf + 8, 512, true);
	bt_add(r, &r->status, 1, true);
	KUNIT_EXPECT_FALSE(test, bt_map(test, dev, r));

	/* Offset and lengths must be whole logical blocks of the backing. */
	dev->off_mask = 4095;
	r = bt_new(test, VIRTIO_BLK_T_IN, 8);
	bt_add(r, &r->hdr, sizeof(r->hdr), false);
	bt_add(r, buf, 2048, true);
	bt_add(r, buf + PAGE_SIZE, 2048, true);
	bt_add(r, &r->status, 1, true);
	KUNIT_EXPECT_FALSE(test, bt_map(test, dev, r));
	r = bt_new(test, VIRTIO_BLK_T_IN, 1);
	bt_add(r, &r->hdr, sizeof(r->hdr), false);
	bt_add(r, buf, 4096, true);
	bt_add(r, &r->status, 1, true);
	KUNIT_EXPECT_FALSE(test, bt_map(test, dev, r));
	r->hdr.sector = __cpu_to_virtio64(true, 8);
	KUNIT_EXPECT_TRUE(test, bt_map(test, dev, r));

	/* Memory without struct pages (here: vmalloc) is never mapped. */
	dev->off_mask = 511;
	vbuf = vzalloc(PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, vbuf);
	r = bt_new(test, VIRTIO_BLK_T_IN, 0);
	bt_add(r, &r->hdr, sizeof(r->hdr), false);
	bt_add(r, vbuf, 512, true);
	bt_add(r, &r->status, 1, true);
	KUNIT_EXPECT_FALSE(test, dev->no_pages);
	KUNIT_EXPECT_FALSE(test, bt_map(test, dev, r));
	KUNIT_EXPECT_TRUE(test, dev->no_pages);
	vfree(vbuf);
}

static void blk_exec_get_id(struct kunit *test)
{
	struct hvblk_dev *dev = bt_dev(test, 4096);
	struct blk_test_req *r = bt_rw(test, VIRTIO_BLK_T_GET_ID, 0, 20);
	u32 in;

	KUNIT_ASSERT_EQ(test, hvblk_check_file(dev, dev->file, true), 0);
	dev->lim.ro = true;
	hvblk_setup_limits(dev);
	KUNIT_EXPECT_FALSE(test, dev->lim.discard);
	KUNIT_EXPECT_FALSE(test, dev->lim.write_zeroes);
	KUNIT_EXPECT_EQ(test, bt_run(test, dev, r, &in), VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, in, 20U);
	KUNIT_EXPECT_EQ(test, memcmp(r->data, "hvblk-kunit-serial-0", 20), 0);
	/* Read-only: a write never reaches the file. */
	KUNIT_EXPECT_EQ(test, bt_run(test, dev, bt_rw(test, VIRTIO_BLK_T_OUT,
						      0, 512), &in),
			VIRTIO_BLK_S_IOERR);
}

static void blk_check_file(struct kunit *test)
{
	struct hvblk_dev *dev = bt_dev(test, 511);

	/* Less than one sector: no disk. */
	KUNIT_EXPECT_EQ(test, hvblk_check_file(dev, dev->file, false), -EINVAL);
	dev = bt_dev(test, 1024);
	KUNIT_EXPECT_EQ(test, hvblk_check_file(dev, dev->file, false), 0);
	KUNIT_EXPECT_EQ(test, dev->lim.capacity, 2ULL);
	/* As if opened read-only (restored: fput() looks at f_mode). */
	dev->file->f_mode &= ~FMODE_WRITE;
	KUNIT_EXPECT_EQ(test, hvblk_check_file(dev, dev->file, false), -EBADF);
	KUNIT_EXPECT_EQ(test, hvblk_check_file(dev, dev->file, true), 0);
	dev->file->f_mode |= FMODE_WRITE;
	/* Appending or direct I/O descriptors are refused. */
	dev->file->f_flags |= O_APPEND;
	KUNIT_EXPECT_EQ(test, hvblk_check_file(dev, dev->file, false), -EINVAL);
	dev->file->f_flags &= ~O_APPEND;
	dev->file->f_flags |= O_DIRECT;
	KUNIT_EXPECT_EQ(test, hvblk_check_file(dev, dev->file, false), -EINVAL);
	dev->file->f_flags &= ~O_DIRECT;
}

static void blk_check_config(struct kunit *test)
{
	struct hvisor_vhost_dev_config cfg = { .type = HVISOR_VHOST_DEV_BLK };
	u32 nq, qs;

	KUNIT_EXPECT_EQ(test, hvblk_check_config(&cfg, &nq, &qs), 0);
	KUNIT_EXPECT_EQ(test, nq, 1U);
	KUNIT_EXPECT_EQ(test, qs, (u32)HVBLK_DEF_QUEUE_SIZE);
	cfg.queue_size = 100;
	KUNIT_EXPECT_EQ(test, hvblk_check_config(&cfg, &nq, &qs), -EINVAL);
	cfg.queue_size = HVISOR_VQ_MAX_SIZE * 2;
	KUNIT_EXPECT_EQ(test, hvblk_check_config(&cfg, &nq, &qs), -EINVAL);
	cfg.queue_size = 64;
	cfg.num_queues = HVBLK_MAX_QUEUES + 1;
	KUNIT_EXPECT_EQ(test, hvblk_check_config(&cfg, &nq, &qs), -EINVAL);
	cfg.num_queues = 4;
	KUNIT_EXPECT_EQ(test, hvblk_check_config(&cfg, &nq, &qs), 0);
	KUNIT_EXPECT_EQ(test, nq, 4U);
	KUNIT_EXPECT_EQ(test, qs, 64U);
	cfg.blk.cache = HVISOR_VHOST_BLK_CACHE_WRITEBACK;
	KUNIT_EXPECT_EQ(test, hvblk_check_config(&cfg, &nq, &qs), 0);
	cfg.blk.cache = HVISOR_VHOST_BLK_CACHE_WRITEBACK + 1;
	KUNIT_EXPECT_EQ(test, hvblk_check_config(&cfg, &nq, &qs), -EINVAL);
	cfg.blk.cache = 0;
	cfg.blk.reserved[ARRAY_SIZE(cfg.blk.reserved) - 1] = 1;
	KUNIT_EXPECT_EQ(test, hvblk_check_config(&cfg, &nq, &qs), -EINVAL);
}

/* ---- The whole path: ring -> kick -> workers -> used ring, and reset ---- */

#define RT_GPA		0x40000000ULL
#define RT_RAM		0x10000
#define RT_NUM		16
#define RT_DESC		0x0000
#define RT_AVAIL	0x0400
#define RT_USED		0x0800
#define RT_HDR		0x1000	/* 0x40 per request: header, status at +0x20 */
#define RT_DATA		0x4000	/* 0x400 per request */
#define RT_REQS		5

struct blk_ring_test {
	u8 *ram;
	struct hvisor_zone *zone;
	struct hvblk_dev *dev;
	struct hvisor_vq *vq;
	struct hvisor_vring_desc *desc;
	struct hvisor_vring_avail *avail;
	struct hvisor_vring_used *used;
};

static int blk_ring_init(struct kunit *test)
{
	struct hvisor_vhost_dev_config cfg = { .type = HVISOR_VHOST_DEV_BLK };
	struct blk_ring_test *t;
	struct hvisor_vq *vq;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	test->priv = t;
	t->ram = kunit_kzalloc(test, RT_RAM, GFP_KERNEL);
	t->zone = hvisor_zone_create(1);
	if (!t->ram || !t->zone ||
	    hvisor_zone_add_region(t->zone, RT_GPA, RT_RAM, t->ram, 0, false))
		return -ENOMEM;
	t->desc = (void *)(t->ram + RT_DESC);
	t->avail = (void *)(t->ram + RT_AVAIL);
	t->used = (void *)(t->ram + RT_USED);

	/* hvblk_create() without a file descriptor. */
	t->dev = hvblk_alloc(1, RT_NUM);
	if (!t->dev)
		return -ENOMEM;
	t->dev->file = shmem_file_setup("hvblk-ring", 64 * 512, 0);
	if (IS_ERR(t->dev->file)) {
		t->dev->file = NULL;
		return -ENOMEM;
	}
	memcpy(cfg.blk.serial, "ring", 4);
	if (hvblk_setup(t->dev, &cfg) || hvblk_init_transport(t->dev, RT_NUM))
		return -EINVAL;
	t->dev->vdev.zone = t->zone;

	/* What the transport does on QueueReady and DRIVER_OK. */
	vq = &t->dev->vdev.vqs[0];
	t->vq = vq;
	vq->num = RT_NUM;
	vq->desc_gpa = RT_GPA + RT_DESC;
	vq->avail_gpa = RT_GPA + RT_AVAIL;
	vq->used_gpa = RT_GPA + RT_USED;
	if (hvisor_vq_enable(vq, t->zone, true, true))
		return -EINVAL;
	t->dev->vdev.status = VIRTIO_CONFIG_S_ACKNOWLEDGE |
		VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK |
		VIRTIO_CONFIG_S_DRIVER_OK;
	hvisor_stub_reset();
	hvblk_driver_ok(&t->dev->vdev);
	return 0;
}

static void blk_ring_exit(struct kunit *test)
{
	struct blk_ring_test *t = test->priv;

	if (t && t->dev) {
		if (t->dev->vdev.vqs) {
			hvblk_reset(&t->dev->vdev);
			hvisor_vq_reset(&t->dev->vdev.vqs[0]);
			hvblk_release(&t->dev->vdev);
		} else {
			hvblk_free(t->dev);
		}
	}
	if (t && t->zone)
		hvisor_zone_put(t->zone);
}

static void rt_desc(struct blk_ring_test *t, unsigned int i, u32 off,
		    u32 len, u16 flags)
{
	t->desc[i].addr = cpu_to_le64(RT_GPA + off);
	t->desc[i].len = cpu_to_le32(len);
	t->desc[i].flags = cpu_to_le16(flags);
	t->desc[i].next = cpu_to_le16(i + 1);
}

/* Request @n: header, 512 bytes of data at sector @n, status. */
static void rt_post(struct blk_ring_test *t, unsigned int n, u32 type)
{
	struct virtio_blk_outhdr *hdr = (void *)(t->ram + RT_HDR + n * 0x40);
	u16 idx = le16_to_cpu(t->avail->idx);
	u16 data_flags = VRING_DESC_F_NEXT;

	hdr->type = __cpu_to_virtio32(true, type);
	hdr->sector = __cpu_to_virtio64(true, n);
	t->ram[RT_HDR + n * 0x40 + 0x20] = 0xff;
	if (type != VIRTIO_BLK_T_OUT)
		data_flags |= VRING_DESC_F_WRITE;
	rt_desc(t, 3 * n, RT_HDR + n * 0x40, sizeof(*hdr), VRING_DESC_F_NEXT);
	rt_desc(t, 3 * n + 1, RT_DATA + n * 0x400, 512, data_flags);
	rt_desc(t, 3 * n + 2, RT_HDR + n * 0x40 + 0x20, 1, VRING_DESC_F_WRITE);
	t->avail->ring[idx % RT_NUM] = cpu_to_le16(3 * n);
	/* The driver's barrier between the ring entry and the index. */
	smp_wmb();
	t->avail->idx = cpu_to_le16(idx + 1);
}

static u8 rt_status(struct blk_ring_test *t, unsigned int n)
{
	return t->ram[RT_HDR + n * 0x40 + 0x20];
}

/*
 * Flush the device's workqueue until no request is in flight: a request
 * may go poller -> worker -> poller, each hop queued by the one before.
 */
static void rt_wait_idle(struct blk_ring_test *t)
{
	unsigned int i;

	for (i = 0; i < 100; i++) {
		flush_workqueue(t->dev->wq);
		if (!atomic64_read(&t->dev->vdev.stats.in_flight))
			break;
	}
	/* The poller that answered the last one has finished its batch. */
	flush_workqueue(t->dev->wq);
}

static void rt_kick_and_wait(struct blk_ring_test *t)
{
	hvblk_notify(&t->dev->vdev, 0);
	rt_wait_idle(t);
}

static void blk_ring_write_read(struct kunit *test)
{
	struct blk_ring_test *t = test->priv;
	unsigned int n;

	for (n = 0; n < RT_REQS; n++) {
		memset(t->ram + RT_DATA + n * 0x400, 'a' + n, 512);
		rt_post(t, n, VIRTIO_BLK_T_OUT);
	}
	rt_kick_and_wait(t);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->used->idx), RT_REQS);
	for (n = 0; n < RT_REQS; n++)
		KUNIT_EXPECT_EQ(test, rt_status(t, n), VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_GE(test, hvisor_stub_injections(&t->dev->vdev), 1U);

	/* Read them back into fresh buffers. */
	memset(t->ram + RT_DATA, 0, RT_REQS * 0x400);
	for (n = 0; n < RT_REQS; n++)
		rt_post(t, n, VIRTIO_BLK_T_IN);
	rt_kick_and_wait(t);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->used->idx), 2 * RT_REQS);
	for (n = 0; n < RT_REQS; n++) {
		KUNIT_EXPECT_EQ(test, rt_status(t, n), VIRTIO_BLK_S_OK);
		KUNIT_EXPECT_TRUE(test, !memchr_inv(t->ram + RT_DATA + n * 0x400,
						    'a' + n, 512));
	}
	/* Every used length: reads 512 + 1, writes 1. */
	KUNIT_EXPECT_EQ(test, le32_to_cpu(t->used->ring[0].len), 1U);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(t->used->ring[RT_REQS].len), 513U);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->dev->vdev.stats.requests),
			2LL * RT_REQS);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->dev->vdev.stats.bytes_in),
			512LL * RT_REQS);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->dev->vdev.stats.in_flight), 0LL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->dev->vdev.stats.errors), 0LL);
}

/*
 * The cache-mode-none path: reads and writes as kiocbs over bio_vecs of
 * the guest's pages, with freeze protection, results reaped by the poller.
 * A tmpfs file stands in for the O_DIRECT one (tmpfs serves such kiocbs
 * through its page cache). A request not aligned for the backing is
 * served buffered, and succeeds.
 */
static void blk_ring_kiocb_path(struct kunit *test)
{
	struct blk_ring_test *t = test->priv;
	struct hvblk_dev *dev = t->dev;
	unsigned int n;

	if (!dev->dfile)
		dev->dfile = get_file(dev->file);
	dev->mem_mask = 511;
	dev->off_mask = 511;
	for (n = 0; n < RT_REQS; n++) {
		memset(t->ram + RT_DATA + n * 0x400, 'A' + n, 512);
		rt_post(t, n, VIRTIO_BLK_T_OUT);
	}
	rt_kick_and_wait(t);
	KUNIT_ASSERT_EQ(test, le16_to_cpu(t->used->idx), RT_REQS);
	memset(t->ram + RT_DATA, 0, RT_REQS * 0x400);
	for (n = 0; n < RT_REQS; n++)
		rt_post(t, n, VIRTIO_BLK_T_IN);
	rt_kick_and_wait(t);
	KUNIT_ASSERT_EQ(test, le16_to_cpu(t->used->idx), 2 * RT_REQS);
	for (n = 0; n < RT_REQS; n++) {
		KUNIT_EXPECT_EQ(test, rt_status(t, n), VIRTIO_BLK_S_OK);
		KUNIT_EXPECT_TRUE(test, !memchr_inv(t->ram + RT_DATA + n * 0x400,
						    'A' + n, 512));
	}
	KUNIT_EXPECT_EQ(test, le32_to_cpu(t->used->ring[RT_REQS].len), 513U);
	KUNIT_EXPECT_EQ(test, atomic64_read(&dev->fallbacks), 0LL);

	/* 4 KiB blocks wanted: the 512-byte read at sector 3 goes buffered. */
	dev->off_mask = 4095;
	memset(t->ram + RT_DATA + 3 * 0x400, 0, 512);
	rt_post(t, 3, VIRTIO_BLK_T_IN);
	rt_kick_and_wait(t);
	KUNIT_ASSERT_EQ(test, le16_to_cpu(t->used->idx), 2 * RT_REQS + 1);
	KUNIT_EXPECT_EQ(test, rt_status(t, 3), VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(t->ram + RT_DATA + 3 * 0x400, 'D',
					    512));
	KUNIT_EXPECT_EQ(test, atomic64_read(&dev->fallbacks), 1LL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&dev->vdev.stats.errors), 0LL);
	KUNIT_EXPECT_EQ(test, atomic_read(&dev->busy), 0);
}

static void blk_ring_errors(struct kunit *test)
{
	struct blk_ring_test *t = test->priv;

	rt_post(t, 0, 99);			/* unknown type */
	rt_post(t, 1, VIRTIO_BLK_T_IN);
	t->desc[4].len = cpu_to_le32(100);	/* not a whole sector */
	rt_kick_and_wait(t);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->used->idx), 2);
	KUNIT_EXPECT_EQ(test, rt_status(t, 0), VIRTIO_BLK_S_UNSUPP);
	KUNIT_EXPECT_EQ(test, rt_status(t, 1), VIRTIO_BLK_S_IOERR);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->dev->vdev.stats.errors), 2LL);
	KUNIT_EXPECT_FALSE(test, t->dev->vdev.status &
			   VIRTIO_CONFIG_S_NEEDS_RESET);

	/* A broken ring (head out of range) fails the device. */
	t->avail->ring[le16_to_cpu(t->avail->idx) % RT_NUM] = cpu_to_le16(999);
	t->avail->idx = cpu_to_le16(le16_to_cpu(t->avail->idx) + 1);
	rt_kick_and_wait(t);
	KUNIT_EXPECT_TRUE(test, t->dev->vdev.status &
			  VIRTIO_CONFIG_S_NEEDS_RESET);
}

/* After reset no kick consumes the ring until DRIVER_OK again. */
static void blk_ring_reset(struct kunit *test)
{
	struct blk_ring_test *t = test->priv;

	rt_post(t, 0, VIRTIO_BLK_T_OUT);
	hvblk_notify(&t->dev->vdev, 0);
	hvblk_reset(&t->dev->vdev);
	/* Whatever was taken before the reset is complete now. */
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->dev->vdev.stats.in_flight), 0LL);
	rt_post(t, 1, VIRTIO_BLK_T_OUT);
	rt_kick_and_wait(t);
	KUNIT_EXPECT_LE(test, le16_to_cpu(t->used->idx), 1);
	KUNIT_EXPECT_EQ(test, rt_status(t, 1), 0xff);
	hvblk_driver_ok(&t->dev->vdev);
	rt_wait_idle(t);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->used->idx), 2);
	KUNIT_EXPECT_EQ(test, rt_status(t, 1), VIRTIO_BLK_S_OK);
}

#define RT_TABLE	0x8000	/* indirect tables, 0x1100 each */
#define RT_LONG		0xb000	/* data of long requests, 0x1000 each */
#define RT_PIECE	16

/*
 * Request @k (0 or 1) through an indirect table at head @k: the header,
 * @n data buffers of 16 bytes (more than a request slot's iov holds when
 * @n > HVBLK_MAX_IOV) and the status byte.
 */
static void rt_post_long(struct blk_ring_test *t, unsigned int k,
			 unsigned int n, u32 type)
{
	struct hvisor_vring_desc *tbl = (void *)(t->ram + RT_TABLE + k * 0x1100);
	struct virtio_blk_outhdr *hdr = (void *)(t->ram + RT_HDR + k * 0x40);
	u16 flags = VRING_DESC_F_NEXT, idx = le16_to_cpu(t->avail->idx);
	unsigned int i;

	if (type != VIRTIO_BLK_T_OUT)
		flags |= VRING_DESC_F_WRITE;
	hdr->type = __cpu_to_virtio32(true, type);
	hdr->sector = __cpu_to_virtio64(true, 8 * k);
	t->ram[RT_HDR + k * 0x40 + 0x20] = 0xff;
	for (i = 0; i < n + 2; i++) {
		tbl[i].addr = cpu_to_le64(RT_GPA + RT_LONG + k * 0x1000 +
					  (i - 1) * RT_PIECE);
		tbl[i].len = cpu_to_le32(RT_PIECE);
		tbl[i].flags = cpu_to_le16(flags);
		tbl[i].next = cpu_to_le16(i + 1);
	}
	tbl[0].addr = cpu_to_le64(RT_GPA + RT_HDR + k * 0x40);
	tbl[0].flags = cpu_to_le16(VRING_DESC_F_NEXT);
	tbl[n + 1].addr = cpu_to_le64(RT_GPA + RT_HDR + k * 0x40 + 0x20);
	tbl[n + 1].len = cpu_to_le32(1);
	tbl[n + 1].flags = cpu_to_le16(VRING_DESC_F_WRITE);
	t->desc[k].addr = cpu_to_le64(RT_GPA + RT_TABLE + k * 0x1100);
	t->desc[k].len = cpu_to_le32((n + 2) * sizeof(*tbl));
	t->desc[k].flags = cpu_to_le16(VRING_DESC_F_INDIRECT);
	t->avail->ring[idx % RT_NUM] = cpu_to_le16(k);
	/* The driver's barrier between the ring entry and the index. */
	smp_wmb();
	t->avail->idx = cpu_to_le16(idx + 1);
}

/* Kick, then flush until @want chains are used (requeued kicks too). */
static void rt_kick_until(struct blk_ring_test *t, u16 want)
{
	unsigned int i;

	hvblk_notify(&t->dev->vdev, 0);
	for (i = 0; i < 100 && le16_to_cpu(t->used->idx) != want; i++)
		flush_workqueue(t->dev->wq);
}

/* A chain longer than a slot's iov is served through the big iov. */
static void blk_ring_long_chain(struct kunit *test)
{
	struct blk_ring_test *t = test->priv;
	unsigned int n = 4096 / RT_PIECE, i;
	u8 *data = t->ram + RT_LONG;

	KUNIT_ASSERT_GT(test, n + 2, (unsigned int)HVBLK_MAX_IOV);
	for (i = 0; i < 4096; i++)
		data[i] = i * 3 + 1;
	rt_post_long(t, 0, n, VIRTIO_BLK_T_OUT);
	rt_kick_until(t, 1);
	KUNIT_ASSERT_EQ(test, le16_to_cpu(t->used->idx), 1);
	KUNIT_EXPECT_EQ(test, rt_status(t, 0), VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(t->used->ring[0].len), 1U);

	memset(data, 0, 4096);
	rt_post_long(t, 0, n, VIRTIO_BLK_T_IN);
	rt_kick_until(t, 2);
	KUNIT_ASSERT_EQ(test, le16_to_cpu(t->used->idx), 2);
	KUNIT_EXPECT_EQ(test, rt_status(t, 0), VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(t->used->ring[1].len), 4097U);
	for (i = 0; i < 4096; i++)
		if (data[i] != (u8)(i * 3 + 1))
			break;
	KUNIT_EXPECT_EQ(test, i, 4096U);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->dev->vdev.stats.errors), 0LL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->dev->vdev.stats.dropped), 0LL);
	KUNIT_EXPECT_FALSE(test, t->dev->queues[0].big_busy);
}

/* A long chain that is a bad request still gets its status. */
static void blk_ring_long_chain_error(struct kunit *test)
{
	struct blk_ring_test *t = test->priv;

	/* 200 x 16 bytes: not a whole number of sectors. */
	rt_post_long(t, 0, 200, VIRTIO_BLK_T_IN);
	rt_kick_until(t, 1);
	KUNIT_ASSERT_EQ(test, le16_to_cpu(t->used->idx), 1);
	KUNIT_EXPECT_EQ(test, rt_status(t, 0), VIRTIO_BLK_S_IOERR);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(t->used->ring[0].len), 1U);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->dev->vdev.stats.errors), 1LL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->dev->vdev.stats.dropped), 0LL);
}

/* Two long chains: the second waits for the big iov, then is served. */
static void blk_ring_two_long_chains(struct kunit *test)
{
	struct blk_ring_test *t = test->priv;
	unsigned int n = 4096 / RT_PIECE;

	memset(t->ram + RT_LONG, 'a', 4096);
	memset(t->ram + RT_LONG + 0x1000, 'b', 4096);
	rt_post_long(t, 0, n, VIRTIO_BLK_T_OUT);
	rt_post_long(t, 1, n, VIRTIO_BLK_T_OUT);
	rt_kick_until(t, 2);
	KUNIT_ASSERT_EQ(test, le16_to_cpu(t->used->idx), 2);
	KUNIT_EXPECT_EQ(test, rt_status(t, 0), VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, rt_status(t, 1), VIRTIO_BLK_S_OK);

	memset(t->ram + RT_LONG, 0, 0x2000);
	rt_post_long(t, 0, n, VIRTIO_BLK_T_IN);
	rt_post_long(t, 1, n, VIRTIO_BLK_T_IN);
	rt_kick_until(t, 4);
	KUNIT_ASSERT_EQ(test, le16_to_cpu(t->used->idx), 4);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(t->ram + RT_LONG, 'a', 4096));
	KUNIT_EXPECT_TRUE(test, !memchr_inv(t->ram + RT_LONG + 0x1000, 'b',
					    4096));
	KUNIT_EXPECT_FALSE(test, t->dev->queues[0].big_wait);
}

static unsigned int rt_free_slots(struct hvblk_queue *q)
{
	struct hvblk_req *req;
	unsigned int n = 0;

	spin_lock(&q->free_lock);
	for (req = q->free; req; req = req->next_free)
		n++;
	spin_unlock(&q->free_lock);
	return n;
}

/*
 * A forced removal (hvblk_abort()) answers a request stuck in the backing
 * at once and every later one without the backing; the stuck work keeps
 * the guest's pages held until it returns, then only gives its slot back.
 */
static void blk_ring_abort_stuck(struct kunit *test)
{
	struct blk_ring_test *t = test->priv;
	struct hvblk_queue *q = &t->dev->queues[0];
	struct inode *inode = file_inode(t->dev->file);
	struct folio *folio = page_folio(virt_to_page(t->ram + RT_DATA));
	int refs = folio_ref_count(folio);
	unsigned int i;

	/*
	 * A write to the file waits for its lock: a backing that hangs. (No
	 * flush of the device's workqueue while holding it: lockdep would
	 * see the request work, which takes it, behind that flush.)
	 */
	inode_lock(inode);
	rt_post(t, 0, VIRTIO_BLK_T_OUT);
	hvblk_notify(&t->dev->vdev, 0);
	/* Until its work is in the backing, waiting for the lock. */
	for (i = 0; i < 5000 && !rwsem_is_contended(&inode->i_rwsem); i++)
		usleep_range(1000, 2000);
	KUNIT_EXPECT_TRUE(test, rwsem_is_contended(&inode->i_rwsem));
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->dev->vdev.stats.in_flight), 1LL);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->used->idx), 0);

	hvblk_abort(&t->dev->vdev);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->used->idx), 1);
	KUNIT_EXPECT_EQ(test, rt_status(t, 0), VIRTIO_BLK_S_IOERR);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(t->used->ring[0].len), 1U);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->dev->vdev.stats.in_flight), 0LL);
	KUNIT_EXPECT_GT(test, folio_ref_count(folio), refs);

	/* Later requests are answered at once, without the backing. */
	rt_post(t, 1, VIRTIO_BLK_T_IN);
	hvblk_notify(&t->dev->vdev, 0);
	for (i = 0; i < 5000 && le16_to_cpu(READ_ONCE(t->used->idx)) != 2; i++)
		usleep_range(1000, 2000);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->used->idx), 2);
	KUNIT_EXPECT_EQ(test, rt_status(t, 1), VIRTIO_BLK_S_IOERR);

	/* The reset does not wait for the stuck write; the slot stays taken. */
	hvblk_reset(&t->dev->vdev);
	KUNIT_EXPECT_EQ(test, rt_free_slots(q), q->pool_size - 1);
	inode_unlock(inode);
	hvblk_drain(&t->dev->vdev);
	/* It answered nothing more, gave the slot and the pages back. */
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->used->idx), 2);
	KUNIT_EXPECT_EQ(test, rt_free_slots(q), q->pool_size);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), refs);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->dev->vdev.stats.errors), 2LL);
}

/* An abort with nothing stuck: the work that answered first wins. */
static void blk_ring_abort_idle(struct kunit *test)
{
	struct blk_ring_test *t = test->priv;
	struct hvblk_queue *q = &t->dev->queues[0];

	rt_post(t, 0, VIRTIO_BLK_T_OUT);
	rt_kick_and_wait(t);
	KUNIT_EXPECT_EQ(test, rt_status(t, 0), VIRTIO_BLK_S_OK);
	hvblk_abort(&t->dev->vdev);
	hvblk_abort(&t->dev->vdev);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->used->idx), 1);
	KUNIT_EXPECT_EQ(test, rt_status(t, 0), VIRTIO_BLK_S_OK);
	hvblk_drain(&t->dev->vdev);
	KUNIT_EXPECT_EQ(test, rt_free_slots(q), q->pool_size);
}

/* More requests than slots: the pool runs dry and the kick resumes. */
static void blk_ring_starve(struct kunit *test)
{
	struct blk_ring_test *t = test->priv;
	struct hvblk_queue *q = &t->dev->queues[0];
	unsigned int n, round, i;

	/* Leave a single free slot (the pool itself is freed as a whole). */
	q->free->next_free = NULL;
	for (round = 1; round <= 3; round++) {
		for (n = 0; n < RT_REQS; n++)
			rt_post(t, n, VIRTIO_BLK_T_FLUSH);
		hvblk_notify(&t->dev->vdev, 0);
		for (i = 0; i < 100; i++) {
			flush_workqueue(t->dev->wq);
			if (le16_to_cpu(t->used->idx) == round * RT_REQS)
				break;
		}
		KUNIT_ASSERT_EQ(test, le16_to_cpu(t->used->idx),
				round * RT_REQS);
	}
	for (n = 0; n < RT_REQS; n++)
		KUNIT_EXPECT_EQ(test, rt_status(t, n), VIRTIO_BLK_S_OK);
}

/* ---- Looking at the ring while requests flow (poll.c) ---- */

/* The avail_event the device publishes, after used->ring[num]. */
static __le16 *rt_avail_event(struct blk_ring_test *t)
{
	return (__le16 *)&t->used->ring[RT_NUM];
}

/* Whether a ring index (used->idx, avail_event) reaches @want within 5 s. */
static bool rt_wait_idx(const __le16 *idx, u16 want)
{
	unsigned int i;

	for (i = 0; i < 2500; i++) {
		if (le16_to_cpu(READ_ONCE(*idx)) == want)
			return true;
		usleep_range(1000, 2000);
	}
	return false;
}

/*
 * What a poller that found its ring empty decides: look again while
 * requests flow (two chains taken, or one still in the backing, or a
 * completion's run while others are), notifications on otherwise.
 */
static void blk_poll_decide(struct kunit *test)
{
	struct blk_ring_test *t = test->priv;
	struct hvblk_queue *q = &t->dev->queues[0];
	unsigned int saved = blk_poll_us;

	rt_wait_idle(t);
	mutex_lock(&q->kick_mutex);
	KUNIT_ASSERT_EQ(test, q->nr_taken, 0U);
	blk_poll_us = 0;
	KUNIT_EXPECT_FALSE(test, hvblk_poll_linger(q, 5, false));
	blk_poll_us = HVBLK_POLL_MAX_US;
	KUNIT_EXPECT_TRUE(test, hvblk_poll_linger(q, 2, false));
	/* One chain, answered in this run's batch: the ring went quiet. */
	KUNIT_EXPECT_FALSE(test, hvblk_poll_linger(q, 1, false));
	KUNIT_EXPECT_FALSE(test, hrtimer_is_queued(&q->poll_timer));
	KUNIT_EXPECT_FALSE(test, hvblk_poll_linger(q, 0, false));

	/* One request in the backing. */
	q->nr_taken = 1;
	KUNIT_EXPECT_TRUE(test, hvblk_poll_linger(q, 1, false));
	KUNIT_EXPECT_TRUE(test, hvblk_poll_linger(q, 0, false));
	/* The timer's look found nothing: a slow backing, stop looking. */
	KUNIT_EXPECT_FALSE(test, hvblk_poll_linger(q, 0, true));
	KUNIT_EXPECT_FALSE(test, hrtimer_is_queued(&q->poll_timer));
	/* Its answer waits in the batch: nothing is in the backing. */
	q->nr_batch = 1;
	KUNIT_EXPECT_FALSE(test, hvblk_poll_linger(q, 1, false));
	q->nr_batch = 0;
	q->nr_taken = 0;
	blk_poll_us = saved;
	mutex_unlock(&q->kick_mutex);
}

/*
 * While a queue lingers the interrupt for its answers may wait, but not
 * longer than about blk_poll_us after the first answer held.
 */
static void blk_poll_hold(struct kunit *test)
{
	struct blk_ring_test *t = test->priv;
	struct hvblk_queue *q = &t->dev->queues[0];
	unsigned int saved = blk_poll_us;
	bool saved_hold = blk_irq_hold;

	rt_wait_idle(t);
	mutex_lock(&q->kick_mutex);
	blk_poll_us = HVBLK_POLL_MAX_US;
	blk_irq_hold = true;
	KUNIT_EXPECT_FALSE(test, hvblk_poll_hold_irq(q, false));
	KUNIT_EXPECT_EQ(test, q->irq_held, 0ULL);
	KUNIT_EXPECT_TRUE(test, hvblk_poll_hold_irq(q, true));
	KUNIT_EXPECT_NE(test, q->irq_held, 0ULL);
	KUNIT_EXPECT_TRUE(test, hvblk_poll_hold_irq(q, true));
	/* Held for longer than a period: now it goes. */
	q->irq_held -= 2ULL * HVBLK_POLL_MAX_US * NSEC_PER_USEC;
	KUNIT_EXPECT_FALSE(test, hvblk_poll_hold_irq(q, true));
	q->irq_held = 0;
	blk_irq_hold = false;
	KUNIT_EXPECT_FALSE(test, hvblk_poll_hold_irq(q, true));
	blk_irq_hold = true;
	blk_poll_us = 0;
	/* Not polled: never lingering, but nothing is held either way. */
	KUNIT_EXPECT_FALSE(test, hvblk_poll_linger(q, 2, false));
	blk_irq_hold = saved_hold;
	blk_poll_us = saved;
	mutex_unlock(&q->kick_mutex);
}

/*
 * While the queue lingers, the timer's look takes a request made without
 * a QueueNotify, and notifications are re-armed once the ring stays
 * empty; with blk_poll_us=0 nothing looks. A reset stops the timer.
 */
static void blk_poll_look(struct kunit *test)
{
	struct blk_ring_test *t = test->priv;
	struct hvblk_queue *q = &t->dev->queues[0];
	unsigned int saved = blk_poll_us;

	rt_wait_idle(t);
	blk_poll_us = 1000;
	/* As after a run that took two chains. */
	mutex_lock(&q->kick_mutex);
	KUNIT_EXPECT_TRUE(test, hvblk_poll_linger(q, 2, false));
	rt_post(t, 0, VIRTIO_BLK_T_FLUSH);
	mutex_unlock(&q->kick_mutex);
	KUNIT_EXPECT_TRUE(test, rt_wait_idx(&t->used->idx, 1));
	KUNIT_EXPECT_EQ(test, rt_status(t, 0), VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_TRUE(test, rt_wait_idx(rt_avail_event(t), 1));

	/* Quiet: no look is due or queued any more. */
	blk_poll_us = 0;
	hvblk_poll_stop(q);
	flush_workqueue(t->dev->wq);
	rt_post(t, 1, VIRTIO_BLK_T_FLUSH);
	usleep_range(20000, 30000);
	flush_workqueue(t->dev->wq);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->used->idx), 1);
	hvblk_notify(&t->dev->vdev, 0);
	KUNIT_EXPECT_TRUE(test, rt_wait_idx(&t->used->idx, 2));
	KUNIT_EXPECT_EQ(test, rt_status(t, 1), VIRTIO_BLK_S_OK);

	blk_poll_us = HVBLK_POLL_MAX_US;
	mutex_lock(&q->kick_mutex);
	KUNIT_EXPECT_TRUE(test, hvblk_poll_linger(q, 2, false));
	mutex_unlock(&q->kick_mutex);
	hvblk_reset(&t->dev->vdev);
	KUNIT_EXPECT_FALSE(test, hrtimer_active(&q->poll_timer));
	blk_poll_us = saved;
}

/* ---- The latency breakdown's accounting (stats.c) ---- */

/* Each stage's difference is summed, the maximum kept, polled counted. */
static void blk_lat_account_stages(struct kunit *test)
{
	struct hvblk_req_lat t = {
		.notify = 1000, .pop = 1100, .submit = 1300, .done = 1700,
	};
	struct hvblk_lat lat = {};

	KUNIT_EXPECT_TRUE(test, hvblk_lat_account(&lat, &t, 2500, 2600));
	t.polled = true;
	t.notify = t.pop;
	KUNIT_EXPECT_TRUE(test, hvblk_lat_account(&lat, &t, 1800, 1830));
	KUNIT_EXPECT_EQ(test, lat.count, 2ULL);
	KUNIT_EXPECT_EQ(test, lat.polled, 1ULL);
	KUNIT_EXPECT_EQ(test, lat.sum[HVBLK_LAT_NOTIFY], 100ULL);
	KUNIT_EXPECT_EQ(test, lat.sum[HVBLK_LAT_DISPATCH], 400ULL);
	KUNIT_EXPECT_EQ(test, lat.sum[HVBLK_LAT_BACKEND], 800ULL);
	KUNIT_EXPECT_EQ(test, lat.sum[HVBLK_LAT_ANSWER], 900ULL);
	KUNIT_EXPECT_EQ(test, lat.max[HVBLK_LAT_NOTIFY], 100ULL);
	KUNIT_EXPECT_EQ(test, lat.max[HVBLK_LAT_ANSWER], 800ULL);
	KUNIT_EXPECT_EQ(test, lat.sum[HVBLK_LAT_INJECT], 130ULL);
	KUNIT_EXPECT_EQ(test, lat.max[HVBLK_LAT_INJECT], 100ULL);
}

/*
 * A request missing a stamp (never reached the backing, or the switch
 * flipped during it) is not counted at all; a stage that runs backwards
 * (two CPUs' clocks) counts as 0 and the request is still counted whole.
 */
static void blk_lat_account_partial(struct kunit *test)
{
	struct hvblk_req_lat t = {
		.notify = 1000, .pop = 1100, .submit = 0, .done = 1700,
	};
	struct hvblk_lat lat = {};

	KUNIT_EXPECT_FALSE(test, hvblk_lat_account(&lat, &t, 2000, 2100));
	t.submit = 1200;
	KUNIT_EXPECT_FALSE(test, hvblk_lat_account(&lat, &t, 0, 2100));
	KUNIT_EXPECT_EQ(test, lat.count, 0ULL);
	KUNIT_EXPECT_EQ(test, lat.sum[HVBLK_LAT_BACKEND], 0ULL);
	t.done = 1150;
	KUNIT_EXPECT_TRUE(test, hvblk_lat_account(&lat, &t, 2000, 2100));
	KUNIT_EXPECT_EQ(test, lat.count, 1ULL);
	KUNIT_EXPECT_EQ(test, lat.sum[HVBLK_LAT_BACKEND], 0ULL);
	KUNIT_EXPECT_EQ(test, lat.sum[HVBLK_LAT_ANSWER], 850ULL);
}

static struct kunit_case hvisor_blk_ring_cases[] = {
	KUNIT_CASE(blk_ring_write_read),
	KUNIT_CASE(blk_ring_kiocb_path),
	KUNIT_CASE(blk_ring_errors),
	KUNIT_CASE(blk_ring_reset),
	KUNIT_CASE(blk_ring_starve),
	KUNIT_CASE(blk_ring_long_chain),
	KUNIT_CASE(blk_ring_long_chain_error),
	KUNIT_CASE(blk_ring_two_long_chains),
	KUNIT_CASE(blk_ring_abort_stuck),
	KUNIT_CASE(blk_ring_abort_idle),
	KUNIT_CASE(blk_poll_decide),
	KUNIT_CASE(blk_poll_hold),
	KUNIT_CASE(blk_poll_look),
	{}
};

static struct kunit_case hvisor_blk_parse_cases[] = {
	KUNIT_CASE(blk_parse_read),
	KUNIT_CASE(blk_parse_split_header),
	KUNIT_CASE(blk_parse_short_header),
	KUNIT_CASE(blk_parse_write),
	KUNIT_CASE(blk_parse_bad_length),
	KUNIT_CASE(blk_parse_capacity),
	KUNIT_CASE(blk_parse_status_byte),
	KUNIT_CASE(blk_parse_flush_get_id),
	KUNIT_CASE(blk_parse_unknown),
	KUNIT_CASE(blk_parse_discard),
	KUNIT_CASE(blk_parse_write_zeroes),
	KUNIT_CASE(blk_check_config),
	KUNIT_CASE(blk_lat_account_stages),
	KUNIT_CASE(blk_lat_account_partial),
	{}
};

static struct kunit_case hvisor_blk_exec_cases[] = {
	KUNIT_CASE(blk_exec_file),
	KUNIT_CASE(blk_exec_get_id),
	KUNIT_CASE(blk_direct_map),
	KUNIT_CASE(blk_check_file),
	{}
};

static struct kunit_suite hvisor_blk_parse_suite = {
	.name = "hvisor_blk_parse",
	.test_cases = hvisor_blk_parse_cases,
};

static struct kunit_suite hvisor_blk_exec_suite = {
	.name = "hvisor_blk_exec",
	.init = blk_exec_init,
	.exit = blk_exec_exit,
	.test_cases = hvisor_blk_exec_cases,
};

static struct kunit_suite hvisor_blk_ring_suite = {
	.name = "hvisor_blk_ring",
	.init = blk_ring_init,
	.exit = blk_ring_exit,
	.test_cases = hvisor_blk_ring_cases,
};

kunit_test_suites(&hvisor_blk_parse_suite, &hvisor_blk_exec_suite,
		  &hvisor_blk_ring_suite);
