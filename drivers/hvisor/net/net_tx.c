// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net backend: guest -> root, and the NAPI poll of a queue pair.
 *
 * A guest tx kick schedules the pair's NAPI on the root interface. The poll
 * turns up to HVNET_WEIGHT tx chains into skbs received on the root
 * interface (napi_gro_receive), returns the chains, and moves up to
 * HVNET_WEIGHT queued packets the other way (net_rx.c). A pair that used
 * its budget in either direction is polled again later, so one busy queue
 * shares the CPU with the rest of the softirq work.
 */

#include <linux/kernel.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>

#include "net.h"

/*
 * Take one tx chain and hand its packet to the stack. Returns 1 when a
 * chain was taken, 0 when the ring is empty, < 0 when it is broken.
 */
static int hvnet_tx_one(struct hvnet_queue *q)
{
	struct hvnet_dev *dev = q->dev;
	struct hvisor_vq_req req = {
		.iov = q->tx_iov,
		.max_iov = HVNET_TX_IOV,
	};
	struct sk_buff *skb;
	int ret, err;

	ret = hvisor_vq_pop(q->txvq, &req);
	if (ret == -EMSGSIZE) {
		hvisor_vq_push(q->txvq, req.head, 0);
		hvnet_count_drop(q, false, true);
		return 1;
	}
	if (ret <= 0)
		return ret;
	if (!netif_running(dev->ndev)) {
		hvisor_vq_push(q->txvq, req.head, 0);
		hvnet_count_drop(q, false, false);
		return 1;
	}
	skb = hvnet_skb_from_chain(dev->ndev, &req, &err);
	/* The data is copied: the chain goes back at once. */
	hvisor_vq_push(q->txvq, req.head, 0);
	if (!skb) {
		hvnet_count_drop(q, false, err == -EINVAL);
		return 1;
	}
	skb_record_rx_queue(skb, q->index);
	hvnet_count_rx(q, skb->len + ETH_HLEN);
	napi_gro_receive(&q->napi, skb);
	return 1;
}

static int hvnet_tx_poll(struct hvnet_queue *q, int budget)
{
	int done = 0, ret = 0;

	while (done < budget) {
		ret = hvnet_tx_one(q);
		if (ret <= 0)
			break;
		done++;
	}
	if (done)
		hvisor_vdev_vq_interrupt(&q->dev->vdev, q->txvq);
	return ret < 0 ? ret : done;
}

/**
 * hvnet_napi_poll() - NAPI poll of a queue pair, both directions
 * @napi: the pair's NAPI
 * @budget: packets per direction
 *
 * Return: work done, at most @budget.
 */
int hvnet_napi_poll(struct napi_struct *napi, int budget)
{
	struct hvnet_queue *q = container_of(napi, struct hvnet_queue, napi);
	struct hvnet_dev *dev = q->dev;
	int tx, rx;

	if (!budget)
		return 0;	/* netpoll: we have no tx completions to reap */
	/* Pairs with the release in hvnet_driver_ok(): negotiated state. */
	if (!smp_load_acquire(&dev->running)) {
		napi_complete(napi);
		return 0;
	}
	hvisor_vq_disable_notify(q->txvq);
	tx = hvnet_tx_poll(q, budget);
	rx = hvnet_rx_poll(q, budget);
	if (tx < 0 || rx < 0) {
		napi_complete(napi);
		hvisor_vdev_fail(&dev->vdev, "net: bad virtqueue");
		return 0;
	}
	if (tx >= budget || rx >= budget)
		return budget;
	if (napi_complete_done(napi, max(tx, rx))) {
		/* Re-arm kicks; poll again when work raced in. */
		if (hvisor_vq_enable_notify(q->txvq) | hvnet_rx_rearm(q))
			napi_schedule(napi);
	}
	return max(tx, rx);
}
