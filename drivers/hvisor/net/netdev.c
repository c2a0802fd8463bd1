// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net backend: the root-side interface of a guest NIC ("hvnet<zone>.
 * <n>"), like Xen's vif. What root sends on it goes to the guest, what the
 * guest sends arrives on it. Administrative state is the guest's link:
 * "ip link set hvnetX up/down" sets VIRTIO_NET_S_LINK_UP and raises a
 * config interrupt. Carrier is on while the guest driver runs.
 */

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/kernel.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>

#include "net.h"

struct hvnet_priv {
	struct hvnet_dev *dev;
};

static struct hvnet_dev *hvnet_from_ndev(struct net_device *ndev)
{
	return ((struct hvnet_priv *)netdev_priv(ndev))->dev;
}

void hvnet_count_rx(struct hvnet_queue *q, unsigned int len)
{
	struct hvisor_vdev_stats *vs = &q->dev->vdev.stats;

	u64_stats_update_begin(&q->stats.syncp);
	u64_stats_inc(&q->stats.rx_packets);
	u64_stats_add(&q->stats.rx_bytes, len);
	u64_stats_update_end(&q->stats.syncp);
	atomic64_inc(&vs->requests);
	atomic64_add(len, &vs->bytes_out);
}

void hvnet_count_tx(struct hvnet_queue *q, unsigned int len)
{
	struct hvisor_vdev_stats *vs = &q->dev->vdev.stats;

	u64_stats_update_begin(&q->stats.syncp);
	u64_stats_inc(&q->stats.tx_packets);
	u64_stats_add(&q->stats.tx_bytes, len);
	u64_stats_update_end(&q->stats.syncp);
	atomic64_inc(&vs->requests);
	atomic64_add(len, &vs->bytes_in);
}

/* One run of the pair's NAPI poll. */
void hvnet_count_poll(struct hvnet_queue *q)
{
	u64_stats_update_begin(&q->stats.syncp);
	u64_stats_inc(&q->stats.napi_polls);
	u64_stats_update_end(&q->stats.syncp);
}

/* A dropped packet: @to_guest tells the direction, @error a bad one. */
void hvnet_count_drop(struct hvnet_queue *q, bool to_guest, bool error)
{
	struct hvisor_vdev_stats *vs = &q->dev->vdev.stats;

	if (to_guest)
		atomic64_inc(&q->stats.tx_dropped);
	else if (error)
		atomic64_inc(&q->stats.rx_errors);
	else
		atomic64_inc(&q->stats.rx_dropped);
	atomic64_inc(&vs->dropped);
	if (error)
		atomic64_inc(&vs->errors);
}

/**
 * hvnet_set_link() - set the link status the guest sees
 * @dev: the device
 * @up: VIRTIO_NET_S_LINK_UP or not
 *
 * Context: any.
 */
void hvnet_set_link(struct hvnet_dev *dev, bool up)
{
	unsigned long flags;
	u16 old, st;

	spin_lock_irqsave(&dev->vdev.lock, flags);
	old = __virtio16_to_cpu(true, dev->config.status);
	st = up ? old | VIRTIO_NET_S_LINK_UP : old & ~VIRTIO_NET_S_LINK_UP;
	dev->config.status = __cpu_to_virtio16(true, st);
	spin_unlock_irqrestore(&dev->vdev.lock, flags);
	if (st != old)
		hvisor_vdev_config_changed(&dev->vdev);
}

static int hvnet_open(struct net_device *ndev)
{
	hvnet_set_link(hvnet_from_ndev(ndev), true);
	return 0;
}

static int hvnet_stop(struct net_device *ndev)
{
	hvnet_set_link(hvnet_from_ndev(ndev), false);
	return 0;
}

static netdev_tx_t hvnet_start_xmit(struct sk_buff *skb,
				    struct net_device *ndev)
{
	struct hvnet_dev *dev = hvnet_from_ndev(ndev);
	u16 qi = skb_get_queue_mapping(skb);

	if (qi >= dev->nr_pairs)
		qi = 0;
	return hvnet_rx_enqueue(&dev->queues[qi], skb);
}

/* Per packet: root uses only the offloads the guest negotiated. */
static netdev_features_t hvnet_features_check(struct sk_buff *skb,
					      struct net_device *ndev,
					      netdev_features_t features)
{
	struct hvnet_dev *dev = hvnet_from_ndev(ndev);

	return features &
	       hvnet_allowed_features(READ_ONCE(dev->guest_offloads));
}

/* What the interface shows and uses: only what the guest can take. */
static netdev_features_t hvnet_fix_features(struct net_device *ndev,
					    netdev_features_t features)
{
	struct hvnet_dev *dev = hvnet_from_ndev(ndev);
	netdev_features_t offl = NETIF_F_HW_CSUM | NETIF_F_TSO | NETIF_F_TSO6;

	return features & (~offl |
			   hvnet_allowed_features(READ_ONCE(dev->guest_offloads)));
}

/**
 * hvnet_features_work() - apply the guest's offloads to root's interface
 * @work: dev->features_work
 *
 * Context: process; takes rtnl.
 */
void hvnet_features_work(struct work_struct *work)
{
	struct hvnet_dev *dev = container_of(work, struct hvnet_dev,
					     features_work);

	rtnl_lock();
	netdev_update_features(dev->ndev);
	rtnl_unlock();
}

/* Spread root's packets over the pairs the guest uses. */
static u16 hvnet_select_queue(struct net_device *ndev, struct sk_buff *skb,
			      struct net_device *sb_dev)
{
	struct hvnet_dev *dev = hvnet_from_ndev(ndev);
	u32 n = READ_ONCE(dev->curr_pairs);
	u16 qi = netdev_pick_tx(ndev, skb, sb_dev);

	return n ? qi % n : 0;
}

/* A consistent copy of a pair's counters. */
struct hvnet_qsnap {
	u64 rx_packets, rx_bytes, rx_dropped, rx_errors;
	u64 tx_packets, tx_bytes, tx_dropped;
	u64 napi_polls;
};

static void hvnet_qstats_read(const struct hvnet_queue *q,
			      struct hvnet_qsnap *s)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&q->stats.syncp);
		s->rx_packets = u64_stats_read(&q->stats.rx_packets);
		s->rx_bytes = u64_stats_read(&q->stats.rx_bytes);
		s->tx_packets = u64_stats_read(&q->stats.tx_packets);
		s->tx_bytes = u64_stats_read(&q->stats.tx_bytes);
		s->napi_polls = u64_stats_read(&q->stats.napi_polls);
	} while (u64_stats_fetch_retry(&q->stats.syncp, start));
	s->rx_dropped = atomic64_read(&q->stats.rx_dropped);
	s->rx_errors = atomic64_read(&q->stats.rx_errors);
	s->tx_dropped = atomic64_read(&q->stats.tx_dropped);
}

static void hvnet_get_stats64(struct net_device *ndev,
			      struct rtnl_link_stats64 *st)
{
	struct hvnet_dev *dev = hvnet_from_ndev(ndev);
	struct hvnet_qsnap s;
	unsigned int i;

	for (i = 0; i < dev->nr_pairs; i++) {
		hvnet_qstats_read(&dev->queues[i], &s);
		st->rx_packets += s.rx_packets;
		st->rx_bytes += s.rx_bytes;
		st->rx_dropped += s.rx_dropped;
		st->rx_errors += s.rx_errors;
		st->tx_packets += s.tx_packets;
		st->tx_bytes += s.tx_bytes;
		st->tx_dropped += s.tx_dropped;
	}
}

static const struct net_device_ops hvnet_netdev_ops = {
	.ndo_open = hvnet_open,
	.ndo_stop = hvnet_stop,
	.ndo_start_xmit = hvnet_start_xmit,
	.ndo_features_check = hvnet_features_check,
	.ndo_fix_features = hvnet_fix_features,
	.ndo_select_queue = hvnet_select_queue,
	.ndo_get_stats64 = hvnet_get_stats64,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

/* ---- ethtool ---- */

static const char hvnet_qstat_names[][16] = {
	"rx_packets", "rx_bytes", "rx_dropped", "rx_errors",
	"tx_packets", "tx_bytes", "tx_dropped", "tx_queued",
	"napi_polls",
};

#define HVNET_NR_QSTATS	ARRAY_SIZE(hvnet_qstat_names)

static int hvnet_get_sset_count(struct net_device *ndev, int sset)
{
	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return hvnet_from_ndev(ndev)->nr_pairs * HVNET_NR_QSTATS;
}

static void hvnet_get_strings(struct net_device *ndev, u32 sset, u8 *data)
{
	struct hvnet_dev *dev = hvnet_from_ndev(ndev);
	unsigned int i, j;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < dev->nr_pairs; i++)
		for (j = 0; j < HVNET_NR_QSTATS; j++) {
			snprintf(data, ETH_GSTRING_LEN, "q%u_%.15s", i,
				 hvnet_qstat_names[j]);
			data += ETH_GSTRING_LEN;
		}
}

static void hvnet_get_ethtool_stats(struct net_device *ndev,
				    struct ethtool_stats *stats, u64 *data)
{
	struct hvnet_dev *dev = hvnet_from_ndev(ndev);
	struct hvnet_qsnap s;
	unsigned int i;

	for (i = 0; i < dev->nr_pairs; i++) {
		hvnet_qstats_read(&dev->queues[i], &s);
		*data++ = s.rx_packets;
		*data++ = s.rx_bytes;
		*data++ = s.rx_dropped;
		*data++ = s.rx_errors;
		*data++ = s.tx_packets;
		*data++ = s.tx_bytes;
		*data++ = s.tx_dropped;
		*data++ = skb_queue_len(&dev->queues[i].skbs);
		*data++ = s.napi_polls;
	}
}

static void hvnet_get_drvinfo(struct net_device *ndev,
			      struct ethtool_drvinfo *info)
{
	strscpy(info->driver, "hvisor_vhost", sizeof(info->driver));
	snprintf(info->bus_info, sizeof(info->bus_info), "hvisor-vdev-%u",
		 hvnet_from_ndev(ndev)->vdev.id);
}

static const struct ethtool_ops hvnet_ethtool_ops = {
	.get_drvinfo = hvnet_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_sset_count = hvnet_get_sset_count,
	.get_strings = hvnet_get_strings,
	.get_ethtool_stats = hvnet_get_ethtool_stats,
};

/* ---- creation ---- */

static void hvnet_netdev_setup(struct net_device *ndev,
			       const struct hvisor_vhost_net_config *c,
			       struct hvnet_dev *dev)
{
	netdev_features_t f = NETIF_F_SG | NETIF_F_HIGHDMA;

	if (!(dev->offloads_off & HVISOR_VHOST_NET_OFF_CSUM)) {
		f |= NETIF_F_HW_CSUM;
		if (!(dev->offloads_off & HVISOR_VHOST_NET_OFF_TSO))
			f |= NETIF_F_TSO | NETIF_F_TSO6;
	}
	ndev->netdev_ops = &hvnet_netdev_ops;
	ndev->ethtool_ops = &hvnet_ethtool_ops;
	ndev->hw_features = f;
	ndev->features = f | NETIF_F_RXCSUM;
	ndev->hw_features |= NETIF_F_RXCSUM;
	ndev->min_mtu = HVNET_MIN_MTU;
	ndev->max_mtu = dev->mtu;
	ndev->mtu = dev->mtu;
	ndev->priv_flags |= IFF_LIVE_ADDR_CHANGE;
	eth_hw_addr_random(ndev);
}

/**
 * hvnet_netdev_create() - create and register the root interface
 * @dev: the device, whose queues are set up
 * @c: the net config (ifname)
 * @zone_id: the guest's zone, for the default name
 *
 * Context: process; takes rtnl (the caller holds hvisor_ctl_mutex).
 * Return: the interface or an ERR_PTR.
 */
struct net_device *hvnet_netdev_create(struct hvnet_dev *dev,
				       const struct hvisor_vhost_net_config *c,
				       u32 zone_id)
{
	struct net_device *ndev;
	struct hvnet_priv *p;
	unsigned int i;
	int ret;

	ndev = alloc_etherdev_mqs(sizeof(*p), dev->nr_pairs, dev->nr_pairs);
	if (!ndev)
		return ERR_PTR(-ENOMEM);
	p = netdev_priv(ndev);
	p->dev = dev;
	dev->ndev = ndev;
	if (c->ifname[0])
		strscpy(ndev->name, c->ifname, sizeof(ndev->name));
	else
		snprintf(ndev->name, sizeof(ndev->name), "hvnet%u.%%d",
			 zone_id);
	hvnet_netdev_setup(ndev, c, dev);
	for (i = 0; i < dev->nr_pairs; i++) {
		netif_napi_add_weight(ndev, &dev->queues[i].napi,
				      hvnet_napi_poll, HVNET_WEIGHT);
		napi_enable(&dev->queues[i].napi);
	}
	netif_carrier_off(ndev);
	ret = register_netdev(ndev);
	if (ret) {
		hvnet_netdev_destroy(dev);
		return ERR_PTR(ret);
	}
	return ndev;
}

/**
 * hvnet_netdev_destroy() - unregister and free the root interface
 * @dev: the device, reset: its polls do not touch the rings any more
 *
 * Context: process; takes rtnl.
 */
void hvnet_netdev_destroy(struct hvnet_dev *dev)
{
	struct net_device *ndev = dev->ndev;
	unsigned int i;

	if (!ndev)
		return;
	if (ndev->reg_state == NETREG_REGISTERED)
		unregister_netdev(ndev);
	for (i = 0; i < dev->nr_pairs; i++) {
		napi_disable(&dev->queues[i].napi);
		netif_napi_del(&dev->queues[i].napi);
		skb_queue_purge(&dev->queues[i].skbs);
	}
	free_netdev(ndev);
	dev->ndev = NULL;
}
