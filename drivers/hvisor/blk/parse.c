// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk request parsing: pure, no side effect, KUnit tested. Every
 * guest value is copied once and checked before any I/O (blk.h).
 */

#define pr_fmt(fmt) "hvisor_vhost: blk: " fmt

#include <linux/kernel.h>
#include <linux/uio.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_byteorder.h>

#include "blk.h"

static bool hvblk_range_ok(const struct hvblk_limits *lim, u64 sector,
			   u64 nr_sectors)
{
	return sector <= lim->capacity && nr_sectors <= lim->capacity - sector;
}

/* The status byte: the last byte of the writable part, or NULL. */
static u8 *hvblk_find_status(const struct hvisor_vq_req *vqr)
{
	unsigned int i = vqr->nr_out + vqr->nr_in;

	if (!vqr->in_len)
		return NULL;
	while (i > vqr->nr_out) {
		const struct kvec *v = &vqr->iov[--i];

		if (v->iov_len)
			return (u8 *)v->iov_base + v->iov_len - 1;
	}
	return NULL;
}

static int hvblk_parse_rw(const struct hvblk_limits *lim,
			  const struct hvisor_vq_req *vqr, u64 sector,
			  struct hvblk_cmd *cmd)
{
	u32 len;

	if (cmd->type == VIRTIO_BLK_T_IN) {
		len = vqr->in_len - 1;
	} else {
		if (lim->ro)
			return VIRTIO_BLK_S_IOERR;
		len = vqr->out_len - sizeof(struct virtio_blk_outhdr);
	}
	if (len % HVBLK_SECTOR_SIZE || len > lim->max_data ||
	    !hvblk_range_ok(lim, sector, len >> HVBLK_SECTOR_SHIFT))
		return VIRTIO_BLK_S_IOERR;
	cmd->pos = (loff_t)(sector << HVBLK_SECTOR_SHIFT);
	cmd->len = len;
	return VIRTIO_BLK_S_OK;
}

static int hvblk_check_seg(const struct hvblk_limits *lim, u32 type,
			   const struct hvblk_seg *seg)
{
	bool discard = type == VIRTIO_BLK_T_DISCARD;
	u32 max = discard ? lim->max_discard_sectors : lim->max_wz_sectors;

	if (seg->flags & ~VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP ||
	    (discard && seg->flags))
		return VIRTIO_BLK_S_UNSUPP;
	if (seg->nr_sectors > max ||
	    !hvblk_range_ok(lim, seg->sector, seg->nr_sectors))
		return VIRTIO_BLK_S_IOERR;
	return VIRTIO_BLK_S_OK;
}

/* @it is positioned after the header. */
static int hvblk_parse_dwz(const struct hvblk_limits *lim,
			   const struct hvisor_vq_req *vqr,
			   struct iov_iter *it, struct hvblk_cmd *cmd)
{
	u32 bytes = vqr->out_len - sizeof(struct virtio_blk_outhdr);
	struct virtio_blk_discard_write_zeroes raw;
	unsigned int i;
	int ret;

	if ((cmd->type == VIRTIO_BLK_T_DISCARD && !lim->discard) ||
	    (cmd->type == VIRTIO_BLK_T_WRITE_ZEROES && !lim->write_zeroes))
		return VIRTIO_BLK_S_UNSUPP;
	if (lim->ro)
		return VIRTIO_BLK_S_IOERR;
	if (!bytes || bytes % sizeof(raw) ||
	    bytes / sizeof(raw) > lim->max_dwz_seg)
		return VIRTIO_BLK_S_IOERR;
	cmd->nr_segs = bytes / sizeof(raw);
	for (i = 0; i < cmd->nr_segs; i++) {
		struct hvblk_seg *seg = &cmd->segs[i];

		if (copy_from_iter(&raw, sizeof(raw), it) != sizeof(raw))
			return VIRTIO_BLK_S_IOERR;
		seg->sector = le64_to_cpu(raw.sector);
		seg->nr_sectors = le32_to_cpu(raw.num_sectors);
		seg->flags = le32_to_cpu(raw.flags);
		ret = hvblk_check_seg(lim, cmd->type, seg);
		if (ret != VIRTIO_BLK_S_OK)
			return ret;
	}
	return VIRTIO_BLK_S_OK;
}

/**
 * hvblk_parse() - check a descriptor chain and turn it into a command
 * @lim: the device's limits
 * @vqr: the chain: readable buffers then writable ones
 * @cmd: out: the command; cmd->status is set whenever a status byte exists
 *
 * Reads (copies once) the request header and, for discard and write
 * zeroes, the segments from guest memory; writes nothing.
 *
 * Return: VIRTIO_BLK_S_OK when @cmd is to be executed, VIRTIO_BLK_S_IOERR
 * or VIRTIO_BLK_S_UNSUPP when the request is to be completed with that
 * status at once, HVBLK_NO_STATUS when there is no status byte to write.
 */
int hvblk_parse(const struct hvblk_limits *lim,
		const struct hvisor_vq_req *vqr, struct hvblk_cmd *cmd)
{
	struct virtio_blk_outhdr hdr;
	struct iov_iter it;
	u64 sector;

	memset(cmd, 0, offsetof(struct hvblk_cmd, segs));
	cmd->status = hvblk_find_status(vqr);
	if (!cmd->status)
		return HVBLK_NO_STATUS;
	if (vqr->out_len < sizeof(hdr))
		return VIRTIO_BLK_S_IOERR;
	iov_iter_kvec(&it, ITER_SOURCE, vqr->iov, vqr->nr_out, vqr->out_len);
	if (copy_from_iter(&hdr, sizeof(hdr), &it) != sizeof(hdr))
		return VIRTIO_BLK_S_IOERR;
	cmd->type = __virtio32_to_cpu(true, hdr.type);
	sector = __virtio64_to_cpu(true, hdr.sector);

	switch (cmd->type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		return hvblk_parse_rw(lim, vqr, sector, cmd);
	case VIRTIO_BLK_T_FLUSH:
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID:
		cmd->len = min_t(u32, vqr->in_len - 1, VIRTIO_BLK_ID_BYTES);
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		return hvblk_parse_dwz(lim, vqr, &it, cmd);
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}
