// SPDX-License-Identifier: GPL-2.0
/*
 * hvisor_vhost_fuzz.ko's tame guest: a virtio-blk driver that does
 * everything by the book and checks that its data arrives.
 *
 * The hostile guest (hvisor_fuzz.c) shows that nothing it does hurts
 * root; it cannot show that a good request moves the right bytes. That
 * matters most where the zone's RAM is not root's memory (ram_pa=, given
 * to the zone by "hvisorctl zone mem add"): the blk backend then does
 * direct I/O into the struct pages hvisor_ram_map() made for it
 * (ZONE_DEVICE), a path the simulator's guests, whose RAM is root's,
 * never take.
 *
 *   echo N > /sys/kernel/debug/hvisor_vhost_fuzz/verify   (EIO on a failure)
 *
 * For every blk device of the zone: a reset and a driver's status
 * sequence (VERSION_1, and FLUSH when offered), queue 0, the capacity;
 * then N rounds, each writing a seeded extent of 512 bytes to 64 KiB at a
 * random sector from a buffer that straddles the middle of the zone's RAM
 * (with 4 MiB of RAM at a 2 MiB boundary: the border between two memory
 * subsections, so two struct page ranges meet inside one bio_vec's
 * buffer), in one to three descriptors cut at random 512-byte boundaries;
 * reading it back into another buffer, cut elsewhere, and comparing. A
 * flush every eighth round; last, a read past the end, which must come
 * back VIRTIO_BLK_S_IOERR. Every request must be in the used ring within
 * timeout_ms, with its head and the length the device wrote. One request
 * at a time: this checks data, the random runs check concurrency. The
 * kernel log gets one line per device; the seed is the module's seed
 * parameter (0: a random one), printed there.
 */

#define pr_fmt(fmt) "hvisor_vhost_fuzz: " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/random.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <uapi/linux/virtio_blk.h>
#include <uapi/linux/virtio_config.h>
#include <uapi/linux/virtio_mmio.h>
#include <uapi/linux/virtio_ring.h>
#include <linux/hvisor_vhost.h>

#include "../vq.h"
#include "fuzz.h"

#define FZV_QSIZE	16
#define FZV_MAX_LEN	SZ_64K
#define FZV_MAX_SEGS	3
#define FZV_FLUSH_EVERY	8
#define FZV_POISON	0xa5
#define FZV_SECTOR	512

/**
 * struct fzv - the tame guest's view of one blk device
 * @t: the vCPU it accesses the device with
 * @d: the device, its queue 0 in @d->q[0]
 * @sectors: capacity
 * @flush: VIRTIO_BLK_F_FLUSH negotiated
 * @wbuf: guest address of the write buffer's area (2 * FZV_MAX_LEN)
 * @rbuf: same, read buffer
 * @hdr: guest address of the request header; the status byte follows
 * @writes: extents written and read back
 * @flushes: flushes done
 * @bytes: bytes written (as many read)
 */
struct fzv {
	struct fz_thread *t;
	struct fz_dev *d;
	u64 sectors;
	bool flush;
	u64 wbuf;
	u64 rbuf;
	u64 hdr;
	unsigned int writes;
	unsigned int flushes;
	u64 bytes;
};

/* One descriptor's buffer. */
struct fzv_seg {
	u64 gpa;
	u32 len;
	bool write;
};

static void fzv_status(struct fzv *v, u32 status)
{
	fz_wr(v->t, &v->d->info, VIRTIO_MMIO_STATUS, 4, status);
}

/* Reset and the status sequence up to FEATURES_OK; false if refused. */
static bool fzv_negotiate(struct fzv *v)
{
	u64 drv = BIT_ULL(VIRTIO_F_VERSION_1);
	u32 st = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER;

	fz_probe(v->t, v->d);
	if (!(v->d->features & drv) || !v->d->nq)
		return false;
	v->flush = v->d->features & BIT_ULL(VIRTIO_BLK_F_FLUSH);
	if (v->flush)
		drv |= BIT_ULL(VIRTIO_BLK_F_FLUSH);
	fzv_status(v, 0);
	fzv_status(v, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	fzv_status(v, st);
	fz_wr(v->t, &v->d->info, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 4, 0);
	fz_wr(v->t, &v->d->info, VIRTIO_MMIO_DRIVER_FEATURES, 4,
	      lower_32_bits(drv));
	fz_wr(v->t, &v->d->info, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 4, 1);
	fz_wr(v->t, &v->d->info, VIRTIO_MMIO_DRIVER_FEATURES, 4,
	      upper_32_bits(drv));
	fzv_status(v, st | VIRTIO_CONFIG_S_FEATURES_OK);
	return fz_rd(v->t, &v->d->info, VIRTIO_MMIO_STATUS, 4) &
	       VIRTIO_CONFIG_S_FEATURES_OK;
}

/* Queue 0 in the device's ring area, zeroed, then DRIVER_OK. */
static bool fzv_setup(struct fzv *v)
{
	struct fz_queue *q = &v->d->q[0];
	struct fz_devinfo *di = &v->d->info;

	memset(q, 0, sizeof(*q));
	q->num = min_t(u32, FZV_QSIZE, v->d->qmax[0]);
	q->desc = v->d->area;
	q->avail = q->desc + 16 * FZV_QSIZE;
	q->used = ALIGN(q->avail + 6 + 2 * FZV_QSIZE, 4);
	memset(fz_ram_ptr(v->d->area, FZ_QAREA), 0, FZ_QAREA);
	fz_wr(v->t, di, VIRTIO_MMIO_QUEUE_SEL, 4, 0);
	fz_wr(v->t, di, VIRTIO_MMIO_QUEUE_NUM, 4, q->num);
	fz_wr(v->t, di, VIRTIO_MMIO_QUEUE_DESC_LOW, 4, lower_32_bits(q->desc));
	fz_wr(v->t, di, VIRTIO_MMIO_QUEUE_DESC_HIGH, 4, upper_32_bits(q->desc));
	fz_wr(v->t, di, VIRTIO_MMIO_QUEUE_AVAIL_LOW, 4,
	      lower_32_bits(q->avail));
	fz_wr(v->t, di, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, 4,
	      upper_32_bits(q->avail));
	fz_wr(v->t, di, VIRTIO_MMIO_QUEUE_USED_LOW, 4, lower_32_bits(q->used));
	fz_wr(v->t, di, VIRTIO_MMIO_QUEUE_USED_HIGH, 4, upper_32_bits(q->used));
	fz_wr(v->t, di, VIRTIO_MMIO_QUEUE_READY, 4, 1);
	fzv_status(v, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		   VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
	v->sectors = fz_rd(v->t, di, VIRTIO_MMIO_CONFIG, 4) |
		     fz_rd(v->t, di, VIRTIO_MMIO_CONFIG + 4, 4) << 32;
	q->ready = fz_rd(v->t, di, VIRTIO_MMIO_QUEUE_READY, 4) == 1;
	return q->ready && !v->t->failed;
}

/* Wait until the used ring holds @q->avail_idx entries; its last's len. */
static int fzv_wait_used(struct fzv *v, u16 head, u32 *len)
{
	struct fz_queue *q = &v->d->q[0];
	const __le16 *idx = fz_ram_ptr(q->used + 2, 2);
	u64 end = ktime_get_ns() + fz_timeout_ns();
	struct hvisor_vring_used_elem elem;
	u16 slot = (q->avail_idx - 1) % q->num;

	while (le16_to_cpu(READ_ONCE(*idx)) != q->avail_idx) {
		if (ktime_get_ns() > end) {
			pr_err("verify: device %u: request %u not answered in %llu ms\n",
			       v->d->info.id, head,
			       fz_timeout_ns() / NSEC_PER_MSEC);
			return -ETIMEDOUT;
		}
		usleep_range(20, 100);
	}
	/* The element after the index; pairs with the device's barrier. */
	smp_rmb();
	memcpy(&elem, fz_ram_ptr(q->used + 4 + 8 * slot, sizeof(elem)),
	       sizeof(elem));
	if (le32_to_cpu(elem.id) != head) {
		pr_err("verify: device %u: used head %u, want %u\n",
		       v->d->info.id, le32_to_cpu(elem.id), head);
		return -EIO;
	}
	*len = le32_to_cpu(elem.len);
	return 0;
}

/*
 * One request: header, @segs, status byte; @status gets the status, the
 * return value is 0 or a failure of the device to answer as it must
 * (@want_len: what the used element must say it wrote).
 */
static int fzv_request(struct fzv *v, u32 type, u64 sector,
		       const struct fzv_seg *segs, unsigned int n,
		       u32 want_len, u8 *status)
{
	struct fz_queue *q = &v->d->q[0];
	struct fz_blk_hdr h = {
		.type = cpu_to_le32(type),
		.sector = cpu_to_le64(sector),
	};
	struct hvisor_vring_desc desc[FZV_MAX_SEGS + 2];
	u16 head = 0, i;
	__le16 ring_idx;
	u32 len;
	int ret;

	fz_ram_write(v->hdr, &h, sizeof(h));
	*(u8 *)fz_ram_ptr(v->hdr + sizeof(h), 1) = 0xff;
	desc[0] = (struct hvisor_vring_desc) {
		.addr = cpu_to_le64(v->hdr), .len = cpu_to_le32(sizeof(h)),
	};
	for (i = 0; i < n; i++)
		desc[i + 1] = (struct hvisor_vring_desc) {
			.addr = cpu_to_le64(segs[i].gpa),
			.len = cpu_to_le32(segs[i].len),
			.flags = cpu_to_le16(segs[i].write ?
					     VRING_DESC_F_WRITE : 0),
		};
	desc[n + 1] = (struct hvisor_vring_desc) {
		.addr = cpu_to_le64(v->hdr + sizeof(h)), .len = cpu_to_le32(1),
		.flags = cpu_to_le16(VRING_DESC_F_WRITE),
	};
	for (i = 0; i <= n; i++) {
		desc[i].flags |= cpu_to_le16(VRING_DESC_F_NEXT);
		desc[i].next = cpu_to_le16(i + 1);
	}
	fz_ram_write(q->desc, desc, (n + 2) * sizeof(desc[0]));
	ring_idx = cpu_to_le16(head);
	fz_ram_write(q->avail + 4 + 2 * (q->avail_idx % q->num), &ring_idx, 2);
	q->avail_idx++;
	/* Table and ring entry before the index; pairs with the device's. */
	smp_wmb();
	ring_idx = cpu_to_le16(q->avail_idx);
	fz_ram_write(q->avail + 2, &ring_idx, 2);
	fz_wr(v->t, &v->d->info, VIRTIO_MMIO_QUEUE_NOTIFY, 4, 0);
	if (v->t->failed)
		return -ETIMEDOUT;
	ret = fzv_wait_used(v, head, &len);
	if (ret)
		return ret;
	*status = *(u8 *)fz_ram_ptr(v->hdr + sizeof(h), 1);
	if (len != want_len) {
		pr_err("verify: device %u: type %u at sector %llu: used length %u, want %u\n",
		       v->d->info.id, type, sector, len, want_len);
		return -EIO;
	}
	return 0;
}

/* Cut [@gpa, @gpa + @len) into 1..FZV_MAX_SEGS pieces at 512-byte marks. */
static unsigned int fzv_cut(struct fz_thread *t, u64 gpa, u32 len,
			    bool write, struct fzv_seg *segs)
{
	unsigned int n = 1 + fz_below(t, FZV_MAX_SEGS), i;
	u32 left = len, piece;

	n = min_t(unsigned int, n, len / FZV_SECTOR);
	for (i = 0; i < n; i++) {
		piece = i + 1 < n ? FZV_SECTOR *
			(1 + fz_below(t, left / FZV_SECTOR - (n - i - 1))) :
			left;
		segs[i] = (struct fzv_seg) { gpa, piece, write };
		gpa += piece;
		left -= piece;
	}
	return n;
}

static int fzv_expect_ok(struct fzv *v, const char *what, u64 sector,
			 u8 status)
{
	if (status == VIRTIO_BLK_S_OK)
		return 0;
	pr_err("verify: device %u: %s at sector %llu: status %u\n",
	       v->d->info.id, what, sector, status);
	return -EIO;
}

/* Write a seeded extent, read it back elsewhere, compare. */
static int fzv_round(struct fzv *v)
{
	struct fz_thread *t = v->t;
	u32 len = FZV_SECTOR * (1 + fz_below(t, FZV_MAX_LEN / FZV_SECTOR));
	u64 sector = fz_below(t, min_t(u64, v->sectors - len / FZV_SECTOR + 1,
				       U32_MAX));
	u64 woff = FZV_SECTOR * fz_below(t, FZV_MAX_LEN / FZV_SECTOR + 1);
	u64 roff = FZV_SECTOR * fz_below(t, FZV_MAX_LEN / FZV_SECTOR + 1);
	struct fzv_seg segs[FZV_MAX_SEGS];
	u8 *w = fz_ram_ptr(v->wbuf + woff, len);
	u8 *r = fz_ram_ptr(v->rbuf + roff, len);
	unsigned int n, i;
	u8 status;
	u64 x;
	int ret;

	for (i = 0; i < len; i += sizeof(x)) {
		x = fz_rand(t);
		memcpy(w + i, &x, sizeof(x));
	}
	n = fzv_cut(t, v->wbuf + woff, len, false, segs);
	ret = fzv_request(v, VIRTIO_BLK_T_OUT, sector, segs, n, 1, &status);
	if (ret || fzv_expect_ok(v, "write", sector, status))
		return ret ?: -EIO;
	memset(r, FZV_POISON, len);
	n = fzv_cut(t, v->rbuf + roff, len, true, segs);
	ret = fzv_request(v, VIRTIO_BLK_T_IN, sector, segs, n, len + 1,
			  &status);
	if (ret || fzv_expect_ok(v, "read", sector, status))
		return ret ?: -EIO;
	if (memcmp(w, r, len)) {
		for (i = 0; w[i] == r[i]; i++)
			;
		pr_err("verify: device %u: %u bytes at sector %llu: byte %u read back 0x%02x, written 0x%02x\n",
		       v->d->info.id, len, sector, i, r[i], w[i]);
		return -EIO;
	}
	v->writes++;
	v->bytes += len;
	return 0;
}

static int fzv_flush(struct fzv *v)
{
	u8 status;
	int ret;

	ret = fzv_request(v, VIRTIO_BLK_T_FLUSH, 0, NULL, 0, 1, &status);
	if (ret || fzv_expect_ok(v, "flush", 0, status))
		return ret ?: -EIO;
	v->flushes++;
	return 0;
}

/* A read of the sector after the last: IOERR, nothing written. */
static int fzv_past_end(struct fzv *v)
{
	struct fzv_seg seg = { v->rbuf, FZV_SECTOR, true };
	u8 status;
	int ret;

	ret = fzv_request(v, VIRTIO_BLK_T_IN, v->sectors, &seg, 1, 1, &status);
	if (ret)
		return ret;
	if (status == VIRTIO_BLK_S_IOERR)
		return 0;
	pr_err("verify: device %u: read past the end (sector %llu): status %u, want %u\n",
	       v->d->info.id, v->sectors, status, VIRTIO_BLK_S_IOERR);
	return -EIO;
}

static int fzv_device(struct fzv *v, unsigned int rounds)
{
	unsigned int i;
	int ret;

	if (!fzv_negotiate(v) || !fzv_setup(v)) {
		pr_err("verify: device %u: the driver's set-up failed\n",
		       v->d->info.id);
		return -EIO;
	}
	if (v->sectors < FZV_MAX_LEN / FZV_SECTOR) {
		pr_err("verify: device %u: %llu sectors, too small\n",
		       v->d->info.id, v->sectors);
		return -EINVAL;
	}
	for (i = 0; i < rounds; i++) {
		ret = fzv_round(v);
		if (!ret && v->flush && i % FZV_FLUSH_EVERY == 0)
			ret = fzv_flush(v);
		if (ret)
			return ret;
	}
	return fzv_past_end(v);
}

/* Buffers of the zone's @i-th device: after the ring areas, mid-RAM. */
static int fzv_place(struct fzv *v, unsigned int i)
{
	u64 mid = FZ_GPA + fz.ram_size / 2;
	u64 hdr = mid + 2 * FZV_MAX_LEN + 3 * FZV_MAX_LEN;

	v->wbuf = mid - FZV_MAX_LEN;
	v->rbuf = mid + 2 * FZV_MAX_LEN;
	v->hdr = hdr + 64 * i;
	v->d->area = FZ_GPA + (u64)i * FZ_DEV_AREA;
	if (v->wbuf < FZ_GPA + FZ_MAX_DEVS * FZ_DEV_AREA ||
	    !fz_ram_ptr(v->hdr, 64))
		return -ENOSPC;
	return 0;
}

static int fzv_run(unsigned int rounds)
{
	u64 seed = fz_seed() ?: get_random_u64(), bad;
	struct fz_devinfo devs[FZ_MAX_DEVS];
	unsigned int i, nr_devs, done = 0;
	struct fz_thread *t;
	struct fz_dev *d;
	struct fzv v;
	int ret = 0;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!t || !d) {
		ret = -ENOMEM;
		goto out_free;
	}
	/* No random run meanwhile, and no device goes away. */
	mutex_lock(&fz.run_lock);
	if (!fz.bridge) {
		ret = -ENODEV;
		goto out;
	}
	mutex_lock(&fz.dev_lock);
	nr_devs = fz.nr_devs;
	memcpy(devs, fz.devs, sizeof(devs));
	mutex_unlock(&fz.dev_lock);
	t->rng = seed;
	t->seen = READ_ONCE(fz.bridge->cfg_flags[0]);
	bad = atomic64_read(&fz.res.bad_answers);
	fz_guard_poison();
	for (i = 0; i < nr_devs && !ret; i++) {
		if (devs[i].type != HVISOR_VHOST_DEV_BLK)
			continue;
		memset(d, 0, sizeof(*d));
		d->info = devs[i];
		v = (struct fzv) { .t = t, .d = d };
		ret = fzv_place(&v, i) ?: fzv_device(&v, rounds);
		pr_info("verify: seed=0x%llx device %u: %u extents (%llu KiB) written and read back, %u flushes, a read past the end: %s\n",
			seed, d->info.id, v.writes, v.bytes / SZ_1K,
			v.flushes, ret ? "FAILED" : "ok");
		done++;
	}
	if (!ret && (!fz_guard_ok() ||
		     atomic64_read(&fz.res.bad_answers) != bad))
		ret = -EIO;
	if (!ret && !done)
		ret = -ENODEV;
out:
	mutex_unlock(&fz.run_lock);
out_free:
	kfree(d);
	kfree(t);
	return ret;
}

static ssize_t fzv_write(struct file *file, const char __user *buf,
			 size_t len, loff_t *ppos)
{
	unsigned int rounds;
	int ret;

	ret = kstrtouint_from_user(buf, len, 0, &rounds);
	if (ret)
		return ret;
	if (!rounds || rounds > 100000)
		return -EINVAL;
	ret = fzv_run(rounds);
	return ret ? ret : len;
}

static const struct file_operations fzv_fops = {
	.owner = THIS_MODULE,
	.write = fzv_write,
	.llseek = noop_llseek,
};

void fz_verify_init(struct dentry *dir)
{
	debugfs_create_file("verify", 0200, dir, NULL, &fzv_fops);
}
