// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net backend of hvisor_vhost: every guest NIC gets a network
 * interface in root ("hvnet<zone>.<n>", or the name asked for), which root
 * bridges, routes or moves to a namespace with the usual tools; or, in tap
 * mode, it is attached to an existing tap interface (tap.c).
 *
 * Queues: pair i is vqs[2i] (guest rx) and vqs[2i + 1] (guest tx); with
 * more than one pair the control queue follows. Each pair is served by one
 * NAPI instance of the root interface (napi.c). This file is the device:
 * config checks, features, config space, the transport callbacks and the
 * control queue. Documentation/net.rst tells what the guest and root see.
 */

#define pr_fmt(fmt) "hvisor_vhost: net: " fmt

#include <linux/etherdevice.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/netdevice.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <linux/workqueue.h>
#include <linux/hvisor_vhost.h>

#include "../core.h"
#include "net.h"

/* The net part of the request keeps its size and layout (uapi). */
static_assert(sizeof(struct hvisor_vhost_net_config) == 64);
static_assert(offsetof(struct hvisor_vhost_net_config, tap_fds) == 48);

static bool hvnet_is_ctrl(const struct hvnet_dev *dev, unsigned int qidx)
{
	return dev->nr_pairs > 1 && qidx == 2 * dev->nr_pairs;
}

/*
 * Called by the core's request dispatcher (as hvnet_driver_ok()), in any
 * context with interrupts disabled: the NET_RX softirq napi_schedule()
 * raises runs on the way out of an interrupt, or at the dispatcher's
 * local_bh_enable() in process context (hvisor_core_poll_work()), not
 * here, where local_bh_enable() must not be called.
 */
static void hvnet_notify(struct hvisor_vdev *vdev, unsigned int qidx)
{
	struct hvnet_dev *dev = to_hvnet(vdev);

	if (hvnet_is_ctrl(dev, qidx))
		hvnet_ctrl_serve(dev);
	else if (qidx >= 2 * dev->nr_pairs)
		return;
	else if (dev->tap)
		hvnet_tap_kick(&dev->queues[qidx / 2]);
	else
		napi_schedule(&dev->queues[qidx / 2].napi);
}

static void hvnet_driver_ok(struct hvisor_vdev *vdev)
{
	struct hvnet_dev *dev = to_hvnet(vdev);
	u64 f = READ_ONCE(vdev->driver_features);
	unsigned int i;

	WRITE_ONCE(dev->guest_offloads, hvnet_guest_offloads(f));
	WRITE_ONCE(dev->host_offloads, hvnet_host_offloads(f));
	dev->mrg_rxbuf = f & BIT_ULL(VIRTIO_NET_F_MRG_RXBUF);
	WRITE_ONCE(dev->curr_pairs, 1);
	/* Orders the fields above before running, read by the polls. */
	smp_store_release(&dev->running, true);
	if (dev->tap) {
		hvnet_tap_start(dev);
		return;
	}
	netif_carrier_on(dev->ndev);
	schedule_work(&dev->features_work);
	for (i = 0; i < dev->nr_pairs; i++)
		napi_schedule(&dev->queues[i].napi);
}

/*
 * Stop the polls and the control work; drop what waits for the guest.
 * Afterwards nothing of this device touches guest memory until the next
 * DRIVER_OK. Root's interface stays registered, carrier off.
 */
static void hvnet_reset(struct hvisor_vdev *vdev)
{
	struct hvnet_dev *dev = to_hvnet(vdev);
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&dev->ctrl_lock, flags);
	WRITE_ONCE(dev->running, false);
	spin_unlock_irqrestore(&dev->ctrl_lock, flags);
	WRITE_ONCE(dev->guest_offloads, 0);
	WRITE_ONCE(dev->host_offloads, 0);
	if (dev->tap) {
		hvnet_tap_stop(dev);
		return;
	}
	for (i = 0; i < dev->nr_pairs; i++) {
		struct hvnet_queue *q = &dev->queues[i];

		/* Waits for a running poll; it then sees !running. */
		napi_disable(&q->napi);
		skb_queue_purge(&q->skbs);
		WRITE_ONCE(q->starved, false);
		q->rx_short = false;
		napi_enable(&q->napi);
	}
	schedule_work(&dev->features_work);
	netif_carrier_off(dev->ndev);
	netif_tx_wake_all_queues(dev->ndev);
	/* A packet queued after the purge waits for the next purge. */
}

static void hvnet_free(struct hvnet_dev *dev)
{
	unsigned int i;

	for (i = 0; i < dev->nr_pairs; i++) {
		skb_queue_purge(&dev->queues[i].skbs);
		hvnet_rx_batch_free(&dev->queues[i].batch);
	}
	kfree(dev);
}

static void hvnet_release(struct hvisor_vdev *vdev)
{
	struct hvnet_dev *dev = to_hvnet(vdev);

	WRITE_ONCE(dev->running, false);
	cancel_work_sync(&dev->features_work);
	if (dev->tap)
		hvnet_tap_detach(dev);
	else
		hvnet_netdev_destroy(dev);
	cancel_work_sync(&dev->ctrl_work);
	hvisor_vdev_cleanup(vdev);
	hvnet_free(dev);
}

static const struct hvisor_vdev_ops hvnet_ops = {
	.notify = hvnet_notify,
	.driver_ok = hvnet_driver_ok,
	.reset = hvnet_reset,
	.release = hvnet_release,
};

/* ---- Creation ---- */

static bool hvnet_str_ok(const char *s, size_t size)
{
	return strnlen(s, size) < size;
}

/* The fields of the two modes; the tap's MTU into @mtu. */
static int hvnet_check_mode(const struct hvisor_vhost_net_config *c, u32 *mtu)
{
	if (c->flags & HVISOR_VHOST_NET_F_TAP)
		return hvnet_tap_check(c, mtu);
	/* A tap by name alone: the request of an older hvisorctl. */
	if (c->tap[0])
		return -EOPNOTSUPP;
	if (c->tap_fds || (c->ifname[0] && !dev_valid_name(c->ifname)))
		return -EINVAL;
	*mtu = HVNET_DEF_MTU;
	return 0;
}

static int hvnet_check_config(const struct hvisor_vhost_dev_config *cfg,
			      u32 *nr_pairs, u32 *queue_size, u32 *mtu)
{
	const struct hvisor_vhost_net_config *c = &cfg->net;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(c->reserved); i++)
		if (c->reserved[i])
			return -EINVAL;
	if (c->offloads_off & ~(HVISOR_VHOST_NET_OFF_CSUM |
				HVISOR_VHOST_NET_OFF_TSO |
				HVISOR_VHOST_NET_OFF_MRG_RXBUF) ||
	    c->flags & ~HVISOR_VHOST_NET_F_TAP)
		return -EINVAL;
	if (!hvnet_str_ok(c->ifname, sizeof(c->ifname)) ||
	    !hvnet_str_ok(c->tap, sizeof(c->tap)))
		return -EINVAL;
	if (is_multicast_ether_addr(c->mac))
		return -EINVAL;
	ret = hvnet_check_mode(c, mtu);
	if (ret)
		return ret;
	*nr_pairs = cfg->num_queues ? cfg->num_queues : 1;
	*queue_size = cfg->queue_size ? cfg->queue_size : HVNET_DEF_QUEUE_SIZE;
	if (c->mtu)
		*mtu = c->mtu;
	if (*nr_pairs > HVNET_MAX_PAIRS || *queue_size < 2 ||
	    *queue_size > HVISOR_VQ_MAX_SIZE || !is_power_of_2(*queue_size) ||
	    *mtu < HVNET_MIN_MTU || *mtu > HVNET_MAX_FRAME - VLAN_ETH_HLEN)
		return -EINVAL;
	return 0;
}

static void hvnet_setup_config(struct hvnet_dev *dev,
			       const struct hvisor_vhost_net_config *c)
{
	struct virtio_net_config *vc = &dev->config;

	if (is_zero_ether_addr(c->mac))
		eth_random_addr(vc->mac);
	else
		ether_addr_copy(vc->mac, c->mac);
	/* A tap's link is always up; root's interface sets it when up. */
	vc->status = __cpu_to_virtio16(true, (c->flags & HVISOR_VHOST_NET_F_TAP) ?
				       VIRTIO_NET_S_LINK_UP : 0);
	vc->max_virtqueue_pairs = __cpu_to_virtio16(true, dev->nr_pairs);
	vc->mtu = __cpu_to_virtio16(true, dev->mtu);
	dev->vdev.device_id = HVISOR_VHOST_DEV_NET;
	dev->vdev.device_features =
		hvnet_offered_features(dev->offloads_off, dev->nr_pairs);
	dev->vdev.config = vc;
	dev->vdev.config_len = offsetofend(struct virtio_net_config, mtu);
	dev->vdev.ops = &hvnet_ops;
	dev->vdev.priv = dev;
}

static struct hvnet_dev *hvnet_alloc(u32 nr_pairs, u32 queue_size)
{
	struct hvnet_dev *dev;
	unsigned int i;

	dev = kzalloc(struct_size(dev, queues, nr_pairs), GFP_KERNEL);
	if (!dev)
		return NULL;
	dev->nr_pairs = nr_pairs;
	dev->curr_pairs = 1;
	INIT_WORK(&dev->features_work, hvnet_features_work);
	INIT_WORK(&dev->ctrl_work, hvnet_ctrl_work);
	spin_lock_init(&dev->ctrl_lock);
	for (i = 0; i < nr_pairs; i++) {
		struct hvnet_queue *q = &dev->queues[i];

		q->dev = dev;
		q->index = i;
		skb_queue_head_init(&q->skbs);
		u64_stats_init(&q->stats.syncp);
	}
	for (i = 0; i < nr_pairs; i++) {
		if (hvnet_rx_batch_alloc(&dev->queues[i].batch, queue_size)) {
			hvnet_free(dev);
			return NULL;
		}
	}
	return dev;
}

static struct hvisor_vdev *hvnet_create(const struct hvisor_vhost_dev_config *cfg)
{
	struct net_device *ndev;
	struct hvnet_dev *dev;
	u32 nr_pairs, queue_size, mtu;
	unsigned int i;
	int ret;

	ret = hvnet_check_config(cfg, &nr_pairs, &queue_size, &mtu);
	if (ret)
		return ERR_PTR(ret);
	dev = hvnet_alloc(nr_pairs, queue_size);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	dev->mtu = mtu;
	dev->offloads_off = cfg->net.offloads_off;
	hvnet_setup_config(dev, &cfg->net);
	ret = hvisor_vdev_init(&dev->vdev, 2 * nr_pairs + (nr_pairs > 1),
			       queue_size);
	if (ret)
		goto err_free;
	for (i = 0; i < nr_pairs; i++) {
		dev->queues[i].rxvq = &dev->vdev.vqs[2 * i];
		dev->queues[i].txvq = &dev->vdev.vqs[2 * i + 1];
	}
	if (cfg->net.flags & HVISOR_VHOST_NET_F_TAP) {
		ret = hvnet_tap_attach(dev, cfg);
		if (ret)
			goto err_cleanup;
		pr_info("tap %s: guest MAC %pM, %u queue pair(s), MTU %u\n",
			dev->tap_name, dev->config.mac, nr_pairs, mtu);
		return &dev->vdev;
	}
	ndev = hvnet_netdev_create(dev, &cfg->net, cfg->zone_id);
	if (IS_ERR(ndev)) {
		ret = PTR_ERR(ndev);
		goto err_cleanup;
	}
	pr_info("%s: guest MAC %pM, %u queue pair(s), MTU %u\n", ndev->name,
		dev->config.mac, nr_pairs, mtu);
	return &dev->vdev;
err_cleanup:
	hvisor_vdev_cleanup(&dev->vdev);
err_free:
	hvnet_free(dev);
	return ERR_PTR(ret);
}

/* Root-side name: the interface. */
static void hvnet_fill_info(struct hvisor_vdev *vdev,
			    struct hvisor_vhost_dev_info *info)
{
	struct hvnet_dev *dev = to_hvnet(vdev);

	if (dev->tap)
		strscpy(info->name, dev->tap_name, sizeof(info->name));
	else if (dev->ndev)
		strscpy(info->name, dev->ndev->name, sizeof(info->name));
}

const struct hvisor_dev_type hvisor_net_type = {
	.type = HVISOR_VHOST_DEV_NET,
	.name = "net",
	.create = hvnet_create,
	.fill_info = hvnet_fill_info,
};

/*
 * virtio-net backend: the control queue, offered with multiqueue. Only
 * VIRTIO_NET_CTRL_MQ / VQ_PAIRS_SET is served (the only command Linux
 * sends without CTRL_RX, CTRL_VLAN, CTRL_MAC_ADDR and friends, which are
 * not offered); everything else is answered VIRTIO_NET_ERR.
 */

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
			queue_work(system_unbound_wq, &dev->ctrl_work);
			return;
		}
		if (!hvisor_vq_enable_notify(vq))
			return;
		hvisor_vq_disable_notify(vq);
	}
}

/**
 * hvnet_ctrl_serve() - answer what waits on the control queue, now
 * @dev: the device
 *
 * Called on QueueNotify of the control queue, in the dispatcher's context
 * (any context, interrupts disabled), and by @ctrl_work. The commands are
 * a few bytes each and at most HVNET_CTRL_BUDGET are taken per call; the
 * rest goes to @ctrl_work on an unbound worker.
 *
 * Not a worker for every command: Linux's virtio_net spins for the answer
 * after its kick (on 6.1 without yielding the CPU). In the simulator that
 * guest runs on root's CPUs, and a worker bound to the spinning CPU (where
 * the re-check timer or an irq_work may have consumed the notify) never
 * ran: the probe inside DEV_ADD locked the CPU up. Answering here, before
 * the notify is even done, also spares real hvisor's vCPU a round trip.
 */
void hvnet_ctrl_serve(struct hvnet_dev *dev)
{
	struct hvisor_vq *vq = &dev->vdev.vqs[2 * dev->nr_pairs];
	unsigned long flags;

	spin_lock_irqsave(&dev->ctrl_lock, flags);
	if (READ_ONCE(dev->running))
		hvnet_ctrl_ring(dev, vq);
	spin_unlock_irqrestore(&dev->ctrl_lock, flags);
}

/**
 * hvnet_ctrl_work() - continue the control queue
 * @work: dev->ctrl_work
 *
 * Context: process (system_unbound_wq).
 */
void hvnet_ctrl_work(struct work_struct *work)
{
	hvnet_ctrl_serve(container_of(work, struct hvnet_dev, ctrl_work));
}
