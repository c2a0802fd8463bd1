// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net backend: the NAPI poll of a queue pair, both directions.
 *
 * Guest -> root: a guest tx kick schedules the pair's NAPI on the root
 * interface. The poll turns up to HVNET_WEIGHT tx chains into skbs received
 * on the root interface (napi_gro_receive) and returns the chains.
 *
 * Root -> guest: root's xmit puts the packet on its queue pair's bounded
 * list and schedules the same NAPI; the poll takes guest rx buffers for
 * up to HVNET_WEIGHT packets (several buffers each with MRG_RXBUF), copies
 * the header and the data, and publishes the buffers of one packet with
 * one used index update. Buffers too few for the next packet are given
 * back and not tried again until the guest posts more (rx_short): the
 * poll waits for the guest's kick instead of spinning on them.
 *
 * A pair that used its budget in either direction is polled again later,
 * so one busy queue shares the CPU with the rest of the softirq work.
 *
 * Bounded memory: at most HVNET_RXQ_LIMIT packets wait per queue. When the
 * list is full root's queue is stopped (back-pressure) while the guest
 * takes packets; when the guest posted no buffer at the last try
 * (starved), packets beyond the limit are dropped and counted instead.
 */

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

#include "net.h"

/* Root -> guest. */

/* Each chain of a packet gets at least this many kvecs of the pool. */
#define HVNET_RX_IOV_PER_CHAIN	2

int hvnet_rx_batch_alloc(struct hvnet_rx_batch *b, u32 queue_size)
{
	b->max_chains = queue_size;
	b->max_iov = queue_size * HVNET_RX_IOV_PER_CHAIN + 32;
	b->reqs = kvcalloc(b->max_chains, sizeof(*b->reqs), GFP_KERNEL);
	b->used = kvcalloc(b->max_chains, sizeof(*b->used), GFP_KERNEL);
	b->iov = kvcalloc(b->max_iov, sizeof(*b->iov), GFP_KERNEL);
	if (!b->reqs || !b->used || !b->iov) {
		hvnet_rx_batch_free(b);
		return -ENOMEM;
	}
	return 0;
}

void hvnet_rx_batch_free(struct hvnet_rx_batch *b)
{
	kvfree(b->reqs);
	kvfree(b->used);
	kvfree(b->iov);
	b->reqs = NULL;
	b->used = NULL;
	b->iov = NULL;
}

/**
 * hvnet_rx_enqueue() - root's xmit: queue a packet for the guest
 * @q: the queue pair
 * @skb: the packet, consumed
 *
 * Context: softirq or process with BH disabled (ndo_start_xmit), under
 * the tx queue's xmit lock.
 * Return: NETDEV_TX_OK.
 */
netdev_tx_t hvnet_rx_enqueue(struct hvnet_queue *q, struct sk_buff *skb)
{
	struct hvnet_dev *dev = q->dev;
	struct netdev_queue *txq = netdev_get_tx_queue(dev->ndev, q->index);

	if (!READ_ONCE(dev->running) ||
	    (skb_queue_len(&q->skbs) >= HVNET_RXQ_LIMIT &&
	     READ_ONCE(q->starved))) {
		hvnet_count_drop(q, true, false);
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	/*
	 * The packet may wait for the guest indefinitely: free its sender's
	 * socket memory now (a blocked sender would never see the drops),
	 * and its conntrack reference and user pages.
	 */
	if (skb_orphan_frags_rx(skb, GFP_ATOMIC)) {
		hvnet_count_drop(q, true, false);
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	skb_tx_timestamp(skb);
	skb_orphan(skb);
	nf_reset_ct(skb);
	skb_queue_tail(&q->skbs, skb);
	if (skb_queue_len(&q->skbs) >= HVNET_RXQ_LIMIT) {
		netif_tx_stop_queue(txq);
		/*
		 * Orders the stop before the re-check of the length: either
		 * the poll sees the queue stopped after it dequeued, or we
		 * see the shorter list here. Pairs with the barrier in
		 * hvnet_rx_maybe_wake().
		 */
		smp_mb__after_atomic();
		if (skb_queue_len(&q->skbs) < HVNET_RXQ_LIMIT / 2)
			netif_tx_wake_queue(txq);
	}
	napi_schedule(&q->napi);
	return NETDEV_TX_OK;
}

static void hvnet_rx_maybe_wake(struct hvnet_queue *q)
{
	struct netdev_queue *txq = netdev_get_tx_queue(q->dev->ndev, q->index);

	/* Orders our dequeues before the check; see hvnet_rx_enqueue(). */
	smp_mb();
	if (netif_tx_queue_stopped(txq) &&
	    (skb_queue_len(&q->skbs) < HVNET_RXQ_LIMIT / 2 ||
	     READ_ONCE(q->starved)))
		netif_tx_wake_queue(txq);
}

/* Give the first @nr chains of the batch back to the guest unused. */
void hvnet_rx_return_empty(struct hvnet_queue *q, unsigned int nr)
{
	struct hvnet_rx_batch *b = &q->batch;
	unsigned int i;

	for (i = 0; i < nr; i++) {
		b->used[i].head = b->reqs[i].head;
		b->used[i].len = 0;
	}
	hvisor_vq_push_batch(q->rxvq, b->used, nr);
}

/**
 * hvnet_rx_take() - take guest rx buffers for a packet
 * @q: the queue pair, whose rx ring's only consumer the caller is
 * @total: header plus frame bytes
 *
 * Pops chains into @q->batch until @total bytes fit.
 *
 * Return: the chains to use (> 0), 0 when the ring ran out (the chains
 * were given back), -EMSGSIZE when the packet cannot fit (given back
 * too), or a ring error.
 */
int hvnet_rx_take(struct hvnet_queue *q, u32 total)
{
	struct hvnet_rx_batch *b = &q->batch;
	unsigned int nr = 0, iov_used = 0;
	int ret, plan;

	for (;;) {
		struct hvisor_vq_req *r = &b->reqs[nr];

		if (nr == b->max_chains || iov_used >= b->max_iov) {
			plan = -EMSGSIZE;
			break;
		}
		r->iov = b->iov + iov_used;
		r->max_iov = b->max_iov - iov_used;
		ret = hvisor_vq_pop(q->rxvq, r);
		if (ret == -EMSGSIZE) {
			/*
			 * A chain too scattered to use (only a hostile or
			 * broken driver makes one): return it and those
			 * before it empty, so that the ring moves on.
			 */
			hvnet_rx_return_empty(q, nr + 1);
			return ret;
		}
		if (ret < 0)
			return ret;
		if (!ret) {
			plan = 0;
			break;
		}
		iov_used += r->nr_out + r->nr_in;
		nr++;
		plan = hvnet_rx_plan(b->reqs, nr, total, q->dev->mrg_rxbuf);
		/* Holding every entry of the ring, and still not enough. */
		if (!plan && nr == q->rxvq->num)
			plan = -EMSGSIZE;
		if (plan)
			break;
	}
	if (plan > 0 && plan == nr)
		return plan;
	hvisor_vq_unpop(q->rxvq, nr);
	return plan ? plan : 0;
}

/*
 * Software fallbacks for what the guest cannot take; false: drop. The
 * packet stays where it is (it may be the head of @q->skbs): what is done
 * here changes its data, not the skb.
 */
static bool hvnet_rx_fixup(struct hvnet_queue *q, struct sk_buff *skb,
			   struct virtio_net_hdr_mrg_rxbuf *hdr)
{
	u32 offl = READ_ONCE(q->dev->guest_offloads);

	if (!hvnet_hdr_from_skb(skb, hdr, offl))
		return true;
	/*
	 * A GSO packet the guest cannot take: xmit checked it against
	 * the offloads of the moment (ndo_features_check), and a reset
	 * and a renegotiation with fewer came between.
	 */
	if (skb_is_gso(skb))
		return false;
	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		return false;
	return !hvnet_hdr_from_skb(skb, hdr, offl);
}

/* Drop the packet at the head of the list; no guest buffer is held. */
static int hvnet_rx_drop(struct hvnet_queue *q)
{
	/* The buffers found too few were for this packet. */
	q->rx_short = false;
	hvnet_count_drop(q, true, false);
	dev_kfree_skb_any(skb_dequeue(&q->skbs));
	return 1;
}

/*
 * Deliver the packet at the head of the list. Returns 1 when it was
 * delivered or dropped, 0 when the guest has not enough buffers for it
 * (rx_short is then set), < 0 on ring error.
 *
 * The packet is made fit for the guest before any buffer is taken: a
 * packet dropped after hvnet_rx_take() would leave its chains neither
 * used nor available, lost to the guest for good.
 */
static int hvnet_rx_one(struct hvnet_queue *q)
{
	struct hvnet_rx_batch *b = &q->batch;
	struct virtio_net_hdr_mrg_rxbuf hdr;
	struct sk_buff *skb = skb_peek(&q->skbs);
	int nr;

	if (!skb)
		return 0;
	if (!hvnet_rx_fixup(q, skb, &hdr))
		return hvnet_rx_drop(q);
	nr = hvnet_rx_take(q, HVNET_HDR_LEN + skb->len);
	/* Cannot fit in the buffers the guest posts: they were given back. */
	if (nr == -EMSGSIZE)
		return hvnet_rx_drop(q);
	q->rx_short = !nr;
	if (nr <= 0)
		return nr;
	skb = skb_dequeue(&q->skbs);
	hvnet_copy_to_chains(skb, &hdr, b->reqs, nr, b->used);
	hvisor_vq_push_batch(q->rxvq, b->used, nr);
	hvnet_count_tx(q, skb->len);
	dev_consume_skb_any(skb);
	return 1;
}

/**
 * hvnet_rx_poll() - move queued packets into guest buffers
 * @q: the queue pair
 * @budget: most packets to handle
 *
 * Context: the pair's NAPI poll.
 * Return: packets handled, or a negative errno when the ring is broken.
 */
static int hvnet_rx_poll(struct hvnet_queue *q, int budget)
{
	int done = 0, ret = 0;
	bool wait;

	/*
	 * The buffers the guest posted were too few for the packet at the
	 * head last time, and were given back: trying them again changes
	 * nothing until the guest posts more.
	 */
	wait = q->rx_short && !hvisor_vq_has_new(q->rxvq);
	while (!wait && done < budget) {
		ret = hvnet_rx_one(q);
		if (ret <= 0)
			break;
		done++;
	}
	if (ret < 0)
		return ret;
	/* Starved: packets wait and the guest has no buffer for them. */
	WRITE_ONCE(q->starved, done < budget && !skb_queue_empty(&q->skbs));
	if (done)
		hvisor_vdev_vq_interrupt(&q->dev->vdev, q->rxvq);
	hvnet_rx_maybe_wake(q);
	return done;
}

/**
 * hvnet_rx_rearm() - before the poll stops: ask for a kick if needed
 * @q: the queue pair
 *
 * Buffers the poll found too few and gave back do not count: only new
 * ones make the poll run again, else a guest that posts too little (or
 * pauses) would keep this CPU polling.
 *
 * Return: true when the poll must run again (buffers raced in while
 * packets wait).
 */
static bool hvnet_rx_rearm(struct hvnet_queue *q)
{
	if (skb_queue_empty(&q->skbs))
		return false;
	return hvisor_vq_enable_notify(q->rxvq);
}

/* Guest -> root, and the poll itself. */

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
		hvnet_tx_done(q, req.head);
		hvnet_count_drop(q, false, true);
		return 1;
	}
	if (ret <= 0)
		return ret;
	if (!netif_running(dev->ndev)) {
		hvnet_tx_done(q, req.head);
		hvnet_count_drop(q, false, false);
		return 1;
	}
	skb = hvnet_skb_from_chain(dev->ndev, &req, &err);
	/* The data is copied: the chain goes back at once. */
	hvnet_tx_done(q, req.head);
	if (!skb) {
		hvnet_count_drop(q, false, err == -EINVAL);
		return 1;
	}
	skb_record_rx_queue(skb, q->index);
	hvnet_count_rx(q, skb->len + ETH_HLEN);
	napi_gro_receive(&q->napi, skb);
	return 1;
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
	hvnet_count_poll(q);
	/* Pairs with the release in hvnet_driver_ok(): negotiated state. */
	if (!smp_load_acquire(&dev->running)) {
		napi_complete(napi);
		return 0;
	}
	hvisor_vq_disable_notify(q->txvq);
	tx = hvnet_tx_batch(q, budget, hvnet_tx_one);
	rx = hvnet_rx_poll(q, budget);
	if (tx < 0 || rx < 0) {
		napi_complete(napi);
		hvisor_vdev_fail(&dev->vdev, "net: bad virtqueue");
		return 0;
	}
	if (tx >= budget || rx >= budget)
		return budget;
	if (napi_complete_done(napi, max(tx, rx))) {
		/* Re-arm both kicks; poll again when work raced in. */
		bool tx_more = hvisor_vq_enable_notify(q->txvq);
		bool rx_more = hvnet_rx_rearm(q);

		if (tx_more || rx_more)
			napi_schedule(napi);
	}
	return max(tx, rx);
}
