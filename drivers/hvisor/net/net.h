/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-net backend of hvisor_vhost: shared definitions of its parts.
 *
 *   device.c    the device: creation, features, config, transport callbacks,
 *               the control queue (VIRTIO_NET_CTRL_MQ)
 *   netdev.c    the root-side net_device: open/stop, xmit, stats, ethtool
 *   napi.c      the NAPI poll of a queue pair: guest tx chains turned into
 *               skbs, queued root skbs copied into guest rx buffers
 *   pkt.c       pure packet helpers (header conversion, copies), KUnit tested
 *   tap.c       tap mode: the pairs served by an existing tap interface's
 *               files instead of a root net_device (vhost-net's way)
 */
#ifndef _HVISOR_NET_H
#define _HVISOR_NET_H

#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/poll.h>
#include <linux/u64_stats_sync.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/virtio_net.h>
#include <linux/hvisor_vhost.h>

#include "../vdev.h"
#include "../vq.h"

#define HVNET_MAX_PAIRS		8
#define HVNET_DEF_QUEUE_SIZE	256
/* Packets root may queue for one guest rx queue before it must wait. */
#define HVNET_RXQ_LIMIT		256
/* Packets per queue and direction handled in one NAPI poll. */
#define HVNET_WEIGHT		64
/* Buffers of one tx chain (header, linear part, frags, region splits). */
#define HVNET_TX_IOV		64
/* tx chains published to the used ring at once (NAPI's weight). */
#define HVNET_TX_BATCH		NAPI_POLL_WEIGHT
/* Largest frame either way (a 64 KiB GSO packet and its headers). */
#define HVNET_MAX_FRAME		(65535 + VLAN_ETH_HLEN)
#define HVNET_MIN_MTU		68
#define HVNET_DEF_MTU		1500
/* The header is always the 12-byte one: VIRTIO_F_VERSION_1 is required. */
#define HVNET_HDR_LEN		sizeof(struct virtio_net_hdr_mrg_rxbuf)

/* Guest offloads root may use when it sends to the guest. */
#define HVNET_GUEST_CSUM	BIT(0)
#define HVNET_GUEST_TSO4	BIT(1)
#define HVNET_GUEST_TSO6	BIT(2)

/* Offloads the guest may use in the packets it sends (tap mode checks). */
#define HVNET_HOST_CSUM		BIT(0)
#define HVNET_HOST_TSO4		BIT(1)
#define HVNET_HOST_TSO6		BIT(2)

/**
 * struct hvnet_qstats - counters of one queue pair, root's point of view
 * @syncp: 64-bit counter consistency on 32-bit machines
 * @rx_packets: packets root received (the guest sent)
 * @rx_bytes: their bytes
 * @tx_packets: packets delivered into guest buffers
 * @tx_bytes: their bytes
 * @rx_dropped: guest packets dropped (root interface down, no memory)
 * @rx_errors: malformed guest packets
 * @tx_dropped: packets for the guest dropped (no guest buffer, queue
 *	full, guest not running, does not fit)
 * @napi_polls: runs of the pair's NAPI poll. Each is caused by a kick, a
 *	packet from root or a budget used up: while none of these happens
 *	it stays put (a poll rescheduling itself with nothing to do is a
 *	spin, and the tests watch for it).
 *
 * Packets, bytes and polls are counted by the pair's NAPI poll only; drops
 * also by root's xmit on any CPU, hence atomics.
 */
struct hvnet_qstats {
	struct u64_stats_sync syncp;
	u64_stats_t rx_packets;
	u64_stats_t rx_bytes;
	u64_stats_t tx_packets;
	u64_stats_t tx_bytes;
	u64_stats_t napi_polls;
	atomic64_t rx_dropped;
	atomic64_t rx_errors;
	atomic64_t tx_dropped;
};

struct hvnet_dev;

/**
 * struct hvnet_rx_batch - guest rx buffers taken for one packet
 * @reqs: the chains
 * @used: their used entries
 * @iov: the chains' buffers, shared: chain i uses reqs[i].iov
 * @max_chains: room in @reqs and @used (the queue size)
 * @max_iov: room in @iov
 */
struct hvnet_rx_batch {
	struct hvisor_vq_req *reqs;
	struct hvisor_vq_used *used;
	struct kvec *iov;
	unsigned int max_chains;
	unsigned int max_iov;
};

/**
 * struct hvnet_tapq - a queue pair's tap file (tap mode, tap.c)
 * @file: the /dev/net/tun file attached to the tap, referenced from
 *	creation to release
 * @sock: its socket (tun_get_socket()), valid as long as @file
 * @work: serves both rings of the pair in process context (the tap's
 *	sendmsg allocates with GFP_KERNEL); one instance runs at a time
 * @wait: our entry on the socket's wait queue from creation to release:
 *	EPOLLIN (the tap has packets for the guest) and EPOLLOUT (room again
 *	after -EAGAIN) queue @work
 * @wqh: the wait queue @wait is on (the socket's, lives with @file)
 * @pt: the poll table that found @wqh
 * @tx_blocked: the tap refused the last guest packet with -EAGAIN: tx
 *	waits for EPOLLOUT instead of the guest's kick (used by @work only,
 *	and by reset with @work cancelled)
 * @hdr: the virtio-net header of the packet in flight, out of the
 *	guest's reach while it is checked (used by @work only)
 * @kv: @hdr, then the guest buffers of the packet past their header
 *	(used by @work only)
 * @max_kv: room in @kv
 */
struct hvnet_tapq {
	struct file *file;
	struct socket *sock;
	struct work_struct work;
	wait_queue_entry_t wait;
	wait_queue_head_t *wqh;
	poll_table pt;
	bool tx_blocked;
	struct virtio_net_hdr_mrg_rxbuf hdr;
	struct kvec *kv;
	unsigned int max_kv;
};

/**
 * struct hvnet_queue - one queue pair
 * @dev: owning device
 * @index: pair number
 * @rxvq: guest rx ring (root -> guest), vdev.vqs[2 * index]
 * @txvq: guest tx ring (guest -> root), vdev.vqs[2 * index + 1]
 * @napi: polls both rings; the only consumer of both (root-netdev mode)
 * @skbs: packets root sent, waiting for guest rx buffers; bounded by
 *	%HVNET_RXQ_LIMIT (its own lock protects it)
 * @starved: the guest had no rx buffer at the last try: root drops
 *	instead of waiting (written by @napi, read by xmit)
 * @rx_short: the guest's rx buffers were too few for the packet at the
 *	head of @skbs at the last try (they were given back): they are not
 *	tried again until the guest posts more (used by @napi only, and by
 *	reset with @napi stopped)
 * @batch: rx buffers of the packet being delivered (used by @napi only)
 * @tx_iov: buffers of the tx chain being read (used by @napi only)
 * @tx_done: tx chains served and not yet in the used ring: they are
 *	published together, one used->idx store per batch (by the ring's
 *	consumer only, @napi or the tap's work; empty between batches)
 * @nr_tx_done: entries in @tx_done
 * @stats: counters
 * @tap: tap mode: the pair's tap file; its work is then the only
 *	consumer of both rings and @napi and @skbs are unused
 */
struct hvnet_queue {
	struct hvnet_dev *dev;
	unsigned int index;
	struct hvisor_vq *rxvq;
	struct hvisor_vq *txvq;
	struct napi_struct napi;
	struct sk_buff_head skbs;
	bool starved;
	bool rx_short;
	struct hvnet_rx_batch batch;
	struct kvec tx_iov[HVNET_TX_IOV];
	struct hvisor_vq_used tx_done[HVNET_TX_BATCH];
	unsigned int nr_tx_done;
	struct hvnet_qstats stats;
	struct hvnet_tapq tap;
};

/**
 * struct hvnet_dev - a virtio-net device and its root interface
 * @vdev: the transport; must stay first (container_of)
 * @ndev: root's interface; its priv points back here. NULL in tap mode.
 * @tap: tap mode: the pairs go to the tap interface @tap_name
 * @tap_name: the tap interface's name (for "dev list")
 * @running: the guest set DRIVER_OK and no reset happened since: the NAPI
 *	polls may touch the rings (written under @vdev.lock or with the
 *	polls stopped)
 * @guest_offloads: HVNET_GUEST_* the guest negotiated (read by xmit)
 * @host_offloads: HVNET_HOST_* the guest negotiated (read by tap.c)
 * @mrg_rxbuf: VIRTIO_NET_F_MRG_RXBUF negotiated
 * @nr_pairs: queue pairs offered
 * @curr_pairs: queue pairs the guest uses (VQ_PAIRS_SET)
 * @offloads_off: HVISOR_VHOST_NET_OFF_* from the config
 * @mtu: MTU offered
 * @config: the config space the guest reads; the status field changes
 *	under @vdev.lock
 * @features_work: re-evaluates root's interface features (rtnl) after
 *	the guest negotiated or reset; in tap mode sets the tap's offloads
 * @ctrl_work: continues the control queue after a notify's budget ran
 *	out (process context, unbound)
 * @ctrl_lock: held while the control ring is consumed (notify, @ctrl_work)
 *	and by reset; taken with interrupts disabled
 * @ctrl_iov: buffers of one control chain (under @ctrl_lock)
 * @queues: the queue pairs
 */
struct hvnet_dev {
	struct hvisor_vdev vdev;
	struct net_device *ndev;
	bool tap;
	char tap_name[IFNAMSIZ];
	bool running;
	u32 guest_offloads;
	u32 host_offloads;
	bool mrg_rxbuf;
	u32 nr_pairs;
	u32 curr_pairs;
	u32 offloads_off;
	u32 mtu;
	struct virtio_net_config config;
	struct work_struct features_work;
	struct work_struct ctrl_work;
	spinlock_t ctrl_lock;		/* control ring consumer vs reset */
	struct kvec ctrl_iov[16];
	struct hvnet_queue queues[];
};

static inline struct hvnet_dev *to_hvnet(struct hvisor_vdev *vdev)
{
	return container_of(vdev, struct hvnet_dev, vdev);
}

/* Publish the served tx chains in one used-ring update. */
static inline void hvnet_tx_flush(struct hvnet_queue *q)
{
	if (!q->nr_tx_done)
		return;
	hvisor_vq_push_batch(q->txvq, q->tx_done, q->nr_tx_done);
	q->nr_tx_done = 0;
}

/*
 * A tx chain is served (its data copied): queue its used entry. A batch
 * never holds more than the ring (a guest that re-posts heads it has
 * not got back could make us take more chains than that in one poll).
 */
static inline void hvnet_tx_done(struct hvnet_queue *q, u16 head)
{
	q->tx_done[q->nr_tx_done].head = head;
	q->tx_done[q->nr_tx_done].len = 0;
	if (++q->nr_tx_done == ARRAY_SIZE(q->tx_done) ||
	    q->nr_tx_done >= q->txvq->num)
		hvnet_tx_flush(q);
}

/**
 * hvnet_tx_batch() - serve a queue's transmit chains, one interrupt after
 * @q: the queue pair
 * @budget: at most this many chains
 * @one: serves one chain and hands it to hvnet_tx_done(): 1 served, 0
 *	nothing (more) to do, < 0 error
 *
 * The loop of the NAPI (napi.c) and of the tap (tap.c) transmit paths:
 * the served chains reach the used ring in one update and the guest gets
 * one interrupt. Inlined, so @one is a direct call.
 *
 * Return: chains served, or @one's error.
 */
static __always_inline int hvnet_tx_batch(struct hvnet_queue *q, int budget,
					  int (*one)(struct hvnet_queue *q))
{
	int done = 0, ret = 0;

	while (done < budget) {
		ret = one(q);
		if (ret <= 0)
			break;
		done++;
	}
	hvnet_tx_flush(q);
	if (done)
		hvisor_vdev_vq_interrupt(&q->dev->vdev, q->txvq);
	return ret < 0 ? ret : done;
}

/* pkt.c: pure helpers */
u64 hvnet_offered_features(u32 offloads_off, u32 nr_pairs);
u32 hvnet_guest_offloads(u64 features);
u32 hvnet_host_offloads(u64 features);
netdev_features_t hvnet_allowed_features(u32 guest_offloads);
int hvnet_hdr_from_skb(const struct sk_buff *skb,
		       struct virtio_net_hdr_mrg_rxbuf *hdr, u32 guest_offloads);
struct sk_buff *hvnet_skb_from_chain(struct net_device *ndev,
				     const struct hvisor_vq_req *req,
				     int *err);
int hvnet_rx_plan(const struct hvisor_vq_req *reqs, unsigned int nr,
		  u32 total, bool mrg);
int hvnet_copy_to_chains(const struct sk_buff *skb,
			 const struct virtio_net_hdr_mrg_rxbuf *hdr,
			 const struct hvisor_vq_req *reqs, unsigned int nr,
			 struct hvisor_vq_used *used);
int hvnet_kv_append(struct kvec *dst, unsigned int max, unsigned int n,
		    const struct kvec *src, unsigned int nr, size_t *skip);
int hvnet_tap_hdr_to_guest(struct virtio_net_hdr *h, u32 guest_offloads);
int hvnet_tap_hdr_from_guest(struct virtio_net_hdr *h, u32 host_offloads);

/* netdev.c */
struct net_device *hvnet_netdev_create(struct hvnet_dev *dev,
				       const struct hvisor_vhost_net_config *c,
				       u32 zone_id);
void hvnet_netdev_destroy(struct hvnet_dev *dev);
void hvnet_set_link(struct hvnet_dev *dev, bool up);
void hvnet_features_work(struct work_struct *work);

/* napi.c */
netdev_tx_t hvnet_rx_enqueue(struct hvnet_queue *q, struct sk_buff *skb);
int hvnet_rx_batch_alloc(struct hvnet_rx_batch *b, u32 queue_size);
void hvnet_rx_batch_free(struct hvnet_rx_batch *b);
int hvnet_napi_poll(struct napi_struct *napi, int budget);
int hvnet_rx_take(struct hvnet_queue *q, u32 total);
void hvnet_rx_return_empty(struct hvnet_queue *q, unsigned int nr);

/* tap.c */
int hvnet_tap_check(const struct hvisor_vhost_net_config *c, u32 *mtu);
int hvnet_tap_attach(struct hvnet_dev *dev,
		     const struct hvisor_vhost_dev_config *cfg);
void hvnet_tap_detach(struct hvnet_dev *dev);
void hvnet_tap_start(struct hvnet_dev *dev);
void hvnet_tap_stop(struct hvnet_dev *dev);
void hvnet_tap_kick(struct hvnet_queue *q);
void hvnet_tap_offload_work(struct work_struct *work);

/* device.c */
void hvnet_ctrl_serve(struct hvnet_dev *dev);
void hvnet_ctrl_work(struct work_struct *work);

/* counters */
void hvnet_count_rx(struct hvnet_queue *q, unsigned int len);
void hvnet_count_tx(struct hvnet_queue *q, unsigned int len);
void hvnet_count_drop(struct hvnet_queue *q, bool to_guest, bool error);
void hvnet_count_poll(struct hvnet_queue *q);

#endif /* _HVISOR_NET_H */
