// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net backend: the control queue, offered with multiqueue. Only
 * VIRTIO_NET_CTRL_MQ / VQ_PAIRS_SET is served (the only command Linux
 * sends without CTRL_RX, CTRL_VLAN, CTRL_MAC_ADDR and friends, which are
 * not offered); everything else is answered VIRTIO_NET_ERR.
 */

#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/uio.h>
#include <linux/virtio_net.h>
#include <linux/workqueue.h>

#include "net.h"

/* Commands handled per run of the work before it yields. */
#define HVNET_CTRL_BUDGET	16

/**
 * hvnet_ctrl_exec() - execute one control command
 * @dev: the device
 * @req: the chain: class, command, data; then the ack byte
 *
 * Return: VIRTIO_NET_OK or VIRTIO_NET_ERR.
 */
static u8 hvnet_ctrl_exec(struct hvnet_dev *dev,
			  const struct hvisor_vq_req *req)
{
	struct virtio_net_ctrl_hdr hdr;
	struct virtio_net_ctrl_mq mq;
	struct iov_iter it;
	u16 pairs;

	iov_iter_kvec(&it, ITER_SOURCE, req->iov, req->nr_out, req->out_len);
	if (copy_from_iter(&hdr, sizeof(hdr), &it) != sizeof(hdr))
		return VIRTIO_NET_ERR;
	if (hdr.class != VIRTIO_NET_CTRL_MQ ||
	    hdr.cmd != VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET ||
	    copy_from_iter(&mq, sizeof(mq), &it) != sizeof(mq))
		return VIRTIO_NET_ERR;
	pairs = __virtio16_to_cpu(true, mq.virtqueue_pairs);
	if (pairs < VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN || pairs > dev->nr_pairs)
		return VIRTIO_NET_ERR;
	WRITE_ONCE(dev->curr_pairs, pairs);
	return VIRTIO_NET_OK;
}

/* The ack: the last writable byte of the chain, if any. */
static u32 hvnet_ctrl_ack(const struct hvisor_vq_req *req, u8 ack)
{
	unsigned int i = req->nr_out + req->nr_in;

	while (i > req->nr_out) {
		const struct kvec *v = &req->iov[--i];

		if (v->iov_len) {
			WRITE_ONCE(*((u8 *)v->iov_base + v->iov_len - 1), ack);
			return 1;
		}
	}
	return 0;
}

static void hvnet_ctrl_ring(struct hvnet_dev *dev, struct hvisor_vq *vq)
{
	struct hvisor_vq_req req = {
		.iov = dev->ctrl_iov,
		.max_iov = ARRAY_SIZE(dev->ctrl_iov),
	};
	unsigned int budget = HVNET_CTRL_BUDGET;
	int ret;

	hvisor_vq_disable_notify(vq);
	for (;;) {
		ret = hvisor_vq_pop(vq, &req);
		if (ret < 0 && ret != -EMSGSIZE) {
			hvisor_vdev_fail(&dev->vdev, "net: bad control queue");
			return;
		}
		if (ret > 0) {
			u8 ack = hvnet_ctrl_exec(dev, &req);

			hvisor_vq_push(vq, req.head, hvnet_ctrl_ack(&req, ack));
		} else if (ret == -EMSGSIZE) {
			hvisor_vq_push(vq, req.head, 0);
		}
		if (ret) {
			hvisor_vdev_vq_interrupt(&dev->vdev, vq);
			if (--budget)
				continue;
			schedule_work(&dev->ctrl_work);
			return;
		}
		if (!hvisor_vq_enable_notify(vq))
			return;
		hvisor_vq_disable_notify(vq);
	}
}

/**
 * hvnet_ctrl_work() - serve the control queue
 * @work: dev->ctrl_work
 *
 * Context: process; the queue's single consumer.
 */
void hvnet_ctrl_work(struct work_struct *work)
{
	struct hvnet_dev *dev = container_of(work, struct hvnet_dev,
					     ctrl_work);
	struct hvisor_vq *vq = &dev->vdev.vqs[2 * dev->nr_pairs];

	mutex_lock(&dev->ctrl_mutex);
	if (READ_ONCE(dev->running))
		hvnet_ctrl_ring(dev, vq);
	mutex_unlock(&dev->ctrl_mutex);
}
