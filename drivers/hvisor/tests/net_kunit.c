// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the virtio-net backend's pure parts: features, header
 * conversion both ways, building skbs from tx chains and copying skbs into
 * rx chains (kvecs standing for guest buffers); and the delivery of root's
 * packets into a guest rx ring (napi.c) over a fake guest RAM.
 */

#include "../net/pkt.c"
#include "../net/napi.c"
#include "../net/netdev.c"

#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/ip.h>
#include <linux/slab.h>
#include <linux/tcp.h>

#include "../zone.h"

#define NT_HDRS	(ETH_HLEN + sizeof(struct iphdr) + sizeof(struct tcphdr))

/* ---- features ---- */

static void net_test_features(struct kunit *test)
{
	u64 all = hvnet_offered_features(0, 1);
	u64 f;

	KUNIT_EXPECT_TRUE(test, all & BIT_ULL(VIRTIO_NET_F_CSUM));
	KUNIT_EXPECT_TRUE(test, all & BIT_ULL(VIRTIO_NET_F_GUEST_TSO6));
	KUNIT_EXPECT_TRUE(test, all & BIT_ULL(VIRTIO_NET_F_MRG_RXBUF));
	KUNIT_EXPECT_TRUE(test, all & BIT_ULL(VIRTIO_NET_F_STATUS));
	KUNIT_EXPECT_FALSE(test, all & BIT_ULL(VIRTIO_NET_F_MQ));
	KUNIT_EXPECT_FALSE(test, all & BIT_ULL(VIRTIO_NET_F_CTRL_VQ));
	KUNIT_EXPECT_FALSE(test, all & BIT_ULL(VIRTIO_NET_F_CTRL_RX));

	f = hvnet_offered_features(HVISOR_VHOST_NET_OFF_CSUM, 1);
	KUNIT_EXPECT_FALSE(test, f & BIT_ULL(VIRTIO_NET_F_CSUM));
	KUNIT_EXPECT_FALSE(test, f & BIT_ULL(VIRTIO_NET_F_GUEST_CSUM));
	KUNIT_EXPECT_FALSE(test, f & BIT_ULL(VIRTIO_NET_F_HOST_TSO4));
	f = hvnet_offered_features(HVISOR_VHOST_NET_OFF_TSO, 1);
	KUNIT_EXPECT_TRUE(test, f & BIT_ULL(VIRTIO_NET_F_CSUM));
	KUNIT_EXPECT_FALSE(test, f & BIT_ULL(VIRTIO_NET_F_GUEST_TSO4));
	f = hvnet_offered_features(HVISOR_VHOST_NET_OFF_MRG_RXBUF, 4);
	KUNIT_EXPECT_FALSE(test, f & BIT_ULL(VIRTIO_NET_F_MRG_RXBUF));
	KUNIT_EXPECT_TRUE(test, f & BIT_ULL(VIRTIO_NET_F_MQ));
	KUNIT_EXPECT_TRUE(test, f & BIT_ULL(VIRTIO_NET_F_CTRL_VQ));
}

static void net_test_guest_offloads(struct kunit *test)
{
	u64 all = hvnet_offered_features(0, 1);
	u32 o = hvnet_guest_offloads(all);
	netdev_features_t nf = hvnet_allowed_features(o);

	KUNIT_EXPECT_EQ(test, o, (u32)(HVNET_GUEST_CSUM | HVNET_GUEST_TSO4 |
				       HVNET_GUEST_TSO6));
	KUNIT_EXPECT_TRUE(test, nf & NETIF_F_HW_CSUM);
	KUNIT_EXPECT_TRUE(test, nf & NETIF_F_TSO6);
	/* TSO without GUEST_CSUM is meaningless: nothing offloaded. */
	o = hvnet_guest_offloads(BIT_ULL(VIRTIO_NET_F_GUEST_TSO4));
	KUNIT_EXPECT_EQ(test, o, 0U);
	nf = hvnet_allowed_features(0);
	KUNIT_EXPECT_FALSE(test, nf & (NETIF_F_HW_CSUM | NETIF_F_TSO));
	KUNIT_EXPECT_TRUE(test, nf & NETIF_F_SG);
}

/* ---- root -> guest header ---- */

/* An Ethernet/IPv4/TCP packet with @payload bytes, checksum partial. */
static struct sk_buff *nt_tcp_skb(struct kunit *test, unsigned int payload)
{
	struct sk_buff *skb = alloc_skb(NT_HDRS + payload + 64, GFP_KERNEL);
	struct ethhdr *eth;
	struct iphdr *ip;
	struct tcphdr *th;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, 32);
	eth = skb_put_zero(skb, ETH_HLEN);
	eth->h_proto = htons(ETH_P_IP);
	ip = skb_put_zero(skb, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->protocol = IPPROTO_TCP;
	ip->tot_len = htons(sizeof(*ip) + sizeof(*th) + payload);
	th = skb_put_zero(skb, sizeof(*th));
	th->doff = 5;
	memset(skb_put(skb, payload), 0xab, payload);
	skb->protocol = htons(ETH_P_IP);
	skb_reset_mac_header(skb);
	skb_set_network_header(skb, ETH_HLEN);
	skb_set_transport_header(skb, ETH_HLEN + sizeof(*ip));
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_transport_header(skb) - skb->head;
	skb->csum_offset = offsetof(struct tcphdr, check);
	return skb;
}

static void net_test_hdr_from_skb(struct kunit *test)
{
	struct virtio_net_hdr_mrg_rxbuf h;
	struct sk_buff *skb = nt_tcp_skb(test, 100);

	KUNIT_EXPECT_EQ(test, hvnet_hdr_from_skb(skb, &h, HVNET_GUEST_CSUM), 0);
	KUNIT_EXPECT_EQ(test, h.hdr.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	KUNIT_EXPECT_EQ(test, h.hdr.gso_type, VIRTIO_NET_HDR_GSO_NONE);
	KUNIT_EXPECT_EQ(test, __virtio16_to_cpu(true, h.hdr.csum_start),
			(u16)(ETH_HLEN + sizeof(struct iphdr)));
	KUNIT_EXPECT_EQ(test, __virtio16_to_cpu(true, h.hdr.csum_offset),
			(u16)offsetof(struct tcphdr, check));
	KUNIT_EXPECT_EQ(test, __virtio16_to_cpu(true, h.num_buffers), 1);
	/* The guest did not negotiate checksum offload. */
	KUNIT_EXPECT_EQ(test, hvnet_hdr_from_skb(skb, &h, 0), -EINVAL);

	/* A TSO packet. */
	skb_shinfo(skb)->gso_size = 1448;
	skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
	KUNIT_EXPECT_EQ(test, hvnet_hdr_from_skb(skb, &h, HVNET_GUEST_CSUM),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, hvnet_hdr_from_skb(skb, &h, HVNET_GUEST_CSUM |
						 HVNET_GUEST_TSO4), 0);
	KUNIT_EXPECT_EQ(test, h.hdr.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	KUNIT_EXPECT_EQ(test, __virtio16_to_cpu(true, h.hdr.gso_size), 1448);

	/* A packet with its checksum done needs nothing. */
	skb_shinfo(skb)->gso_size = 0;
	skb_shinfo(skb)->gso_type = 0;
	skb->ip_summed = CHECKSUM_NONE;
	KUNIT_EXPECT_EQ(test, hvnet_hdr_from_skb(skb, &h, 0), 0);
	KUNIT_EXPECT_EQ(test, h.hdr.flags, 0);
	kfree_skb(skb);
}

/* ---- guest -> root ---- */

struct nt_chain {
	struct virtio_net_hdr_mrg_rxbuf hdr;
	u8 *frame;
	struct kvec iov[4];
	struct hvisor_vq_req req;
};

/*
 * A tx chain: the header alone, then @len bytes of frame split in two
 * buffers, as Linux lays it out (with the frame an IPv4/TCP packet).
 */
static struct nt_chain *nt_tx_chain(struct kunit *test, u32 len)
{
	struct nt_chain *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct ethhdr *eth;
	struct iphdr *ip;
	u32 i, first;

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->frame = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->frame);
	for (i = 0; i < len; i++)
		c->frame[i] = (u8)(i * 7);
	if (len >= NT_HDRS) {
		eth = (struct ethhdr *)c->frame;
		eth_broadcast_addr(eth->h_dest);
		eth->h_proto = htons(ETH_P_IP);
		ip = (struct iphdr *)(c->frame + ETH_HLEN);
		memset(ip, 0, sizeof(*ip));
		ip->version = 4;
		ip->ihl = 5;
		ip->protocol = IPPROTO_TCP;
		ip->tot_len = htons(len - ETH_HLEN);
	}
	first = min_t(u32, len, 60);
	c->iov[0] = (struct kvec){ &c->hdr, HVNET_HDR_LEN };
	c->iov[1] = (struct kvec){ c->frame, first };
	c->iov[2] = (struct kvec){ c->frame + first, len - first };
	c->req = (struct hvisor_vq_req){
		.nr_out = 3, .out_len = HVNET_HDR_LEN + len,
		.iov = c->iov, .max_iov = ARRAY_SIZE(c->iov),
	};
	return c;
}

static void nt_expect_data(struct kunit *test, struct sk_buff *skb,
			   const struct nt_chain *c, u32 len)
{
	u8 *copy = kunit_kzalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, copy);
	KUNIT_ASSERT_EQ(test, skb->len + ETH_HLEN, len);
	/* eth_type_trans() pulled the Ethernet header. */
	KUNIT_ASSERT_EQ(test, skb_copy_bits(skb, -ETH_HLEN, copy, len), 0);
	KUNIT_EXPECT_EQ(test, memcmp(copy, c->frame, len), 0);
}

static struct net_device *nt_netdev(struct kunit *test)
{
	struct net_device *nd = alloc_etherdev(0);

	KUNIT_ASSERT_NOT_NULL(test, nd);
	return nd;
}

static void net_test_skb_small(struct kunit *test)
{
	struct net_device *nd = nt_netdev(test);
	struct nt_chain *c = nt_tx_chain(test, 200);
	struct sk_buff *skb;
	int err;

	skb = hvnet_skb_from_chain(nd, &c->req, &err);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, ntohs(skb->protocol), ETH_P_IP);
	KUNIT_EXPECT_EQ(test, (int)skb->pkt_type, PACKET_BROADCAST);
	KUNIT_EXPECT_FALSE(test, skb_is_nonlinear(skb));
	KUNIT_EXPECT_EQ(test, (int)skb->ip_summed, CHECKSUM_NONE);
	nt_expect_data(test, skb, c, 200);
	kfree_skb(skb);
	free_netdev(nd);
}

static void net_test_skb_gso(struct kunit *test)
{
	struct net_device *nd = nt_netdev(test);
	struct nt_chain *c = nt_tx_chain(test, 40000);
	struct sk_buff *skb;
	int err;

	c->hdr.hdr.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	c->hdr.hdr.csum_start = __cpu_to_virtio16(true, ETH_HLEN + 20);
	c->hdr.hdr.csum_offset = __cpu_to_virtio16(true, 16);
	c->hdr.hdr.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	c->hdr.hdr.gso_size = __cpu_to_virtio16(true, 1448);
	c->hdr.hdr.hdr_len = __cpu_to_virtio16(true, NT_HDRS);
	skb = hvnet_skb_from_chain(nd, &c->req, &err);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_TRUE(test, skb_is_nonlinear(skb));
	KUNIT_EXPECT_EQ(test, (int)skb->ip_summed, CHECKSUM_PARTIAL);
	KUNIT_EXPECT_EQ(test, skb_shinfo(skb)->gso_size, 1448);
	KUNIT_EXPECT_TRUE(test, skb_shinfo(skb)->gso_type & SKB_GSO_TCPV4);
	KUNIT_EXPECT_TRUE(test, skb_shinfo(skb)->gso_type & SKB_GSO_DODGY);
	nt_expect_data(test, skb, c, 40000);
	kfree_skb(skb);
	free_netdev(nd);
}

static void net_test_skb_bad(struct kunit *test)
{
	struct net_device *nd = nt_netdev(test);
	struct nt_chain *c = nt_tx_chain(test, 100);
	int err;

	/* Shorter than an Ethernet header. */
	c->req.out_len = HVNET_HDR_LEN + ETH_HLEN - 1;
	KUNIT_EXPECT_NULL(test, hvnet_skb_from_chain(nd, &c->req, &err));
	KUNIT_EXPECT_EQ(test, err, -EINVAL);
	/* Longer than any frame. */
	c->req.out_len = HVNET_HDR_LEN + HVNET_MAX_FRAME + 1;
	KUNIT_EXPECT_NULL(test, hvnet_skb_from_chain(nd, &c->req, &err));
	KUNIT_EXPECT_EQ(test, err, -EINVAL);
	c->req.out_len = HVNET_HDR_LEN + 100;
	/* A checksum beyond the packet. */
	c->hdr.hdr.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	c->hdr.hdr.csum_start = __cpu_to_virtio16(true, 90);
	c->hdr.hdr.csum_offset = __cpu_to_virtio16(true, 16);
	KUNIT_EXPECT_NULL(test, hvnet_skb_from_chain(nd, &c->req, &err));
	KUNIT_EXPECT_EQ(test, err, -EINVAL);
	/* An unknown GSO type. */
	c->hdr.hdr.flags = 0;
	c->hdr.hdr.gso_type = 0x42;
	c->hdr.hdr.gso_size = __cpu_to_virtio16(true, 1000);
	KUNIT_EXPECT_NULL(test, hvnet_skb_from_chain(nd, &c->req, &err));
	KUNIT_EXPECT_EQ(test, err, -EINVAL);
	free_netdev(nd);
}

/* ---- rx buffers ---- */

static void nt_rx_req(struct hvisor_vq_req *r, struct kvec *v, void *buf,
		      u32 len, u16 head)
{
	v->iov_base = buf;
	v->iov_len = len;
	*r = (struct hvisor_vq_req){
		.head = head, .nr_in = 1, .in_len = len, .iov = v,
		.max_iov = 1,
	};
}

static void net_test_rx_plan(struct kunit *test)
{
	struct hvisor_vq_req r[3];
	struct kvec v[3];
	static u8 buf[3][1500];
	unsigned int i;

	for (i = 0; i < 3; i++)
		nt_rx_req(&r[i], &v[i], buf[i], 1500, i);
	KUNIT_EXPECT_EQ(test, hvnet_rx_plan(r, 0, 100, true), 0);
	KUNIT_EXPECT_EQ(test, hvnet_rx_plan(r, 1, 100, true), 1);
	KUNIT_EXPECT_EQ(test, hvnet_rx_plan(r, 1, 1500, true), 1);
	KUNIT_EXPECT_EQ(test, hvnet_rx_plan(r, 1, 1501, true), 0);
	KUNIT_EXPECT_EQ(test, hvnet_rx_plan(r, 2, 1501, true), 2);
	KUNIT_EXPECT_EQ(test, hvnet_rx_plan(r, 3, 4000, true), 3);
	KUNIT_EXPECT_EQ(test, hvnet_rx_plan(r, 3, 5000, true), 0);
	/* Without MRG_RXBUF one buffer must hold it all. */
	KUNIT_EXPECT_EQ(test, hvnet_rx_plan(r, 1, 1500, false), 1);
	KUNIT_EXPECT_EQ(test, hvnet_rx_plan(r, 1, 1501, false), -EMSGSIZE);
	/* No room for the header, or a readable buffer. */
	r[0].in_len = HVNET_HDR_LEN - 1;
	KUNIT_EXPECT_EQ(test, hvnet_rx_plan(r, 2, 100, true), -EMSGSIZE);
	r[0].in_len = 1500;
	r[1].out_len = 1;
	KUNIT_EXPECT_EQ(test, hvnet_rx_plan(r, 2, 1600, true), -EMSGSIZE);
}

static void net_test_copy_to_chains(struct kunit *test)
{
	struct sk_buff *skb = nt_tcp_skb(test, 3000);
	struct virtio_net_hdr_mrg_rxbuf hdr, got;
	struct hvisor_vq_used used[3];
	struct hvisor_vq_req r[3];
	struct kvec v[3];
	u8 *buf, *flat;
	u32 total = HVNET_HDR_LEN + skb->len;
	unsigned int i;

	buf = kunit_kzalloc(test, 3 * 1500, GFP_KERNEL);
	flat = kunit_kzalloc(test, skb->len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, flat);
	for (i = 0; i < 3; i++)
		nt_rx_req(&r[i], &v[i], buf + i * 1500, 1500, 10 + i);
	KUNIT_ASSERT_EQ(test, hvnet_rx_plan(r, 3, total, true), 3);
	KUNIT_ASSERT_EQ(test, hvnet_hdr_from_skb(skb, &hdr, HVNET_GUEST_CSUM), 0);
	KUNIT_EXPECT_EQ(test, hvnet_copy_to_chains(skb, &hdr, r, 3, used), 0);
	memcpy(&got, buf, sizeof(got));
	KUNIT_EXPECT_EQ(test, __virtio16_to_cpu(true, got.num_buffers), 3);
	KUNIT_EXPECT_EQ(test, got.hdr.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	KUNIT_EXPECT_EQ(test, used[0].head, 10);
	KUNIT_EXPECT_EQ(test, used[0].len, 1500U);
	KUNIT_EXPECT_EQ(test, used[1].len, 1500U);
	KUNIT_EXPECT_EQ(test, used[2].len, total - 3000);
	KUNIT_EXPECT_EQ(test, used[2].head, 12);
	KUNIT_ASSERT_EQ(test, skb_copy_bits(skb, 0, flat, skb->len), 0);
	KUNIT_EXPECT_EQ(test, memcmp(buf + HVNET_HDR_LEN, flat, skb->len), 0);
	kfree_skb(skb);
}

/* Tap mode: the iov of a bounce header and guest buffers past theirs. */
static void net_test_kv_append(struct kunit *test)
{
	static u8 a[8], b[10], c[4];
	const struct kvec src[] = {
		{ .iov_base = a, .iov_len = sizeof(a) },
		{ .iov_base = b, .iov_len = sizeof(b) },
		{ .iov_base = c, .iov_len = 0 },
		{ .iov_base = c, .iov_len = sizeof(c) },
	};
	struct kvec dst[4];
	size_t skip = HVNET_HDR_LEN;	/* spans a and part of b */

	KUNIT_ASSERT_EQ(test, hvnet_kv_append(dst, 4, 1, src, 4, &skip), 3);
	KUNIT_EXPECT_EQ(test, skip, (size_t)0);
	KUNIT_EXPECT_PTR_EQ(test, dst[1].iov_base, (void *)(b + 4));
	KUNIT_EXPECT_EQ(test, dst[1].iov_len, (size_t)6);
	KUNIT_EXPECT_PTR_EQ(test, dst[2].iov_base, (void *)c);
	KUNIT_EXPECT_EQ(test, dst[2].iov_len, (size_t)4);
	/* No room: refused, never written past max. */
	skip = 0;
	KUNIT_EXPECT_EQ(test, hvnet_kv_append(dst, 2, 1, src, 4, &skip),
			-EMSGSIZE);
	/* Buffers shorter than the skip: what is left to skip comes back. */
	skip = 20;
	KUNIT_EXPECT_EQ(test, hvnet_kv_append(dst, 4, 1, src, 2, &skip), 1);
	KUNIT_EXPECT_EQ(test, skip, (size_t)2);
}

/* Tap mode: headers checked against what the guest negotiated. */
static void net_test_tap_hdr(struct kunit *test)
{
	u32 all = HVNET_GUEST_CSUM | HVNET_GUEST_TSO4 | HVNET_GUEST_TSO6;
	struct virtio_net_hdr h = { };

	/* To the guest. */
	h.flags = VIRTIO_NET_HDR_F_DATA_VALID;
	KUNIT_EXPECT_EQ(test, hvnet_tap_hdr_to_guest(&h, 0), 0);
	KUNIT_EXPECT_EQ(test, h.flags, (u8)0);	/* no GUEST_CSUM: cleared */
	h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	KUNIT_EXPECT_EQ(test, hvnet_tap_hdr_to_guest(&h, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvnet_tap_hdr_to_guest(&h, HVNET_GUEST_CSUM), 0);
	h.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	KUNIT_EXPECT_EQ(test, hvnet_tap_hdr_to_guest(&h, HVNET_GUEST_CSUM),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, hvnet_tap_hdr_to_guest(&h, all), 0);
	h.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
	KUNIT_EXPECT_EQ(test, hvnet_tap_hdr_to_guest(&h, all & ~HVNET_GUEST_TSO6),
			-EINVAL);
	h.gso_type = VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_ECN;
	KUNIT_EXPECT_EQ(test, hvnet_tap_hdr_to_guest(&h, all), -EINVAL);
	h.gso_type = VIRTIO_NET_HDR_GSO_UDP;
	KUNIT_EXPECT_EQ(test, hvnet_tap_hdr_to_guest(&h, all), -EINVAL);
	h.gso_type = 0;
	h.flags = 0x80;
	KUNIT_EXPECT_EQ(test, hvnet_tap_hdr_to_guest(&h, all), -EINVAL);

	/* From the guest: unknown flags cleared, offloads as negotiated. */
	h.flags = VIRTIO_NET_HDR_F_DATA_VALID;
	KUNIT_EXPECT_EQ(test, hvnet_tap_hdr_from_guest(&h, 0), 0);
	KUNIT_EXPECT_EQ(test, h.flags, (u8)0);
	h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	KUNIT_EXPECT_EQ(test, hvnet_tap_hdr_from_guest(&h, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvnet_tap_hdr_from_guest(&h, HVNET_HOST_CSUM), 0);
	h.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
	KUNIT_EXPECT_EQ(test, hvnet_tap_hdr_from_guest(&h, HVNET_HOST_CSUM |
						       HVNET_HOST_TSO4), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvnet_tap_hdr_from_guest(&h, HVNET_HOST_CSUM |
						       HVNET_HOST_TSO6), 0);
	/* TSO without CSUM means nothing. */
	KUNIT_EXPECT_EQ(test, hvnet_host_offloads(BIT_ULL(VIRTIO_NET_F_HOST_TSO4)),
			0U);
}

/* ---- delivery into a guest rx ring (napi.c) ---- */

#define NR_GPA		0x40000000ULL
#define NR_RAM		0x4000
#define NR_NUM		8
#define NR_DESC		0x0000
#define NR_AVAIL	0x0200
#define NR_USED		0x0400
#define NR_DATA		0x1000
#define NR_BUF		1024

/* One queue pair of a device whose guest rx ring lives in @ram. */
struct net_rx_test {
	u8 *ram;
	struct hvisor_zone *zone;
	struct hvnet_dev *dev;
	struct hvnet_queue *q;
	struct hvisor_vq vq;
	struct hvisor_vring_desc *desc;
	struct hvisor_vring_avail *avail;
	struct hvisor_vring_used *used;
};

static int nr_init(struct kunit *test)
{
	struct net_rx_test *t;
	struct hvisor_vq *vq;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	test->priv = t;
	t->ram = kunit_kzalloc(test, NR_RAM, GFP_KERNEL);
	t->dev = kunit_kzalloc(test, struct_size(t->dev, queues, 1),
			       GFP_KERNEL);
	if (!t->ram || !t->dev)
		return -ENOMEM;
	t->zone = hvisor_zone_create(1);
	if (!t->zone)
		return -ENOMEM;
	if (hvisor_zone_add_region(t->zone, NR_GPA, NR_RAM, t->ram, 0, false))
		return -EINVAL;
	t->desc = (void *)(t->ram + NR_DESC);
	t->avail = (void *)(t->ram + NR_AVAIL);
	t->used = (void *)(t->ram + NR_USED);
	vq = &t->vq;
	hvisor_vq_init(vq, NR_NUM);
	vq->num = NR_NUM;
	vq->desc_gpa = NR_GPA + NR_DESC;
	vq->avail_gpa = NR_GPA + NR_AVAIL;
	vq->used_gpa = NR_GPA + NR_USED;
	if (hvisor_vq_enable(vq, t->zone, false, false))
		return -EINVAL;
	t->dev->nr_pairs = 1;
	t->dev->mrg_rxbuf = true;
	t->dev->running = true;
	t->q = &t->dev->queues[0];
	t->q->dev = t->dev;
	t->q->rxvq = vq;
	skb_queue_head_init(&t->q->skbs);
	u64_stats_init(&t->q->stats.syncp);
	return hvnet_rx_batch_alloc(&t->q->batch, NR_NUM);
}

static void nr_exit(struct kunit *test)
{
	struct net_rx_test *t = test->priv;

	if (!t)
		return;
	if (t->dev) {
		skb_queue_purge(&t->q->skbs);
		hvnet_rx_batch_free(&t->q->batch);
	}
	if (t->zone)
		hvisor_zone_put(t->zone);
}

/* The guest posts writable buffer @i (NR_BUF bytes) as a one-entry chain. */
static void nr_post(struct net_rx_test *t, u16 i)
{
	u16 idx = le16_to_cpu(t->avail->idx);

	t->desc[i].addr = cpu_to_le64(NR_GPA + NR_DATA + i * NR_BUF);
	t->desc[i].len = cpu_to_le32(NR_BUF);
	t->desc[i].flags = cpu_to_le16(VRING_DESC_F_WRITE);
	t->desc[i].next = 0;
	t->avail->ring[idx % NR_NUM] = cpu_to_le16(i);
	t->avail->idx = cpu_to_le16(idx + 1);
}

/* Chains taken from the avail ring and not in the used ring: lost. */
static u16 nr_held(struct net_rx_test *t)
{
	return (u16)(t->vq.last_avail_idx - le16_to_cpu(t->used->idx));
}

static void nr_expect_used(struct kunit *test, struct net_rx_test *t,
			   u16 n, u16 head, u32 len)
{
	const struct hvisor_vring_used_elem *e = &t->used->ring[n % NR_NUM];

	KUNIT_EXPECT_EQ(test, le32_to_cpu(e->id), (u32)head);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(e->len), len);
}

/*
 * A packet the guest cannot take (a GSO packet queued before the guest
 * renegotiated without TSO) is dropped without taking a guest buffer:
 * the buffers stay the guest's, and the next packet goes into the first.
 */
static void net_test_rx_drop_keeps_buffers(struct kunit *test)
{
	struct net_rx_test *t = test->priv;
	struct sk_buff *gso = nt_tcp_skb(test, 100);
	struct sk_buff *ok = nt_tcp_skb(test, 100);
	u32 len = HVNET_HDR_LEN + ok->len;

	skb_shinfo(gso)->gso_size = 60;
	skb_shinfo(gso)->gso_type = SKB_GSO_TCPV4;
	t->dev->guest_offloads = HVNET_GUEST_CSUM;
	nr_post(t, 0);
	nr_post(t, 1);
	skb_queue_tail(&t->q->skbs, gso);
	skb_queue_tail(&t->q->skbs, ok);

	KUNIT_EXPECT_EQ(test, hvnet_rx_one(t->q), 1);	/* dropped */
	KUNIT_EXPECT_EQ(test, nr_held(t), 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->q->stats.tx_dropped), 1LL);
	KUNIT_EXPECT_EQ(test, hvnet_rx_one(t->q), 1);	/* delivered */
	KUNIT_EXPECT_EQ(test, hvnet_rx_one(t->q), 0);	/* list empty */
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->used->idx), 1);
	nr_expect_used(test, t, 0, 0, len);
	KUNIT_EXPECT_EQ(test, nr_held(t), 0);
	KUNIT_EXPECT_EQ(test, t->vq.last_avail_idx, 1);
	KUNIT_EXPECT_EQ(test, u64_stats_read(&t->q->stats.tx_packets), 1ULL);

	/* The second buffer is still there for the next packet. */
	skb_queue_tail(&t->q->skbs, nt_tcp_skb(test, 200));
	KUNIT_EXPECT_EQ(test, hvnet_rx_one(t->q), 1);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->used->idx), 2);
	nr_expect_used(test, t, 1, 1, len + 100);
	KUNIT_EXPECT_EQ(test, nr_held(t), 0);
	KUNIT_EXPECT_FALSE(test, t->q->rx_short);
}

/* Checksum offload not negotiated: root's partial checksum is completed. */
static void net_test_rx_csum_fallback(struct kunit *test)
{
	struct net_rx_test *t = test->priv;
	struct virtio_net_hdr_mrg_rxbuf got;

	t->dev->guest_offloads = 0;
	nr_post(t, 0);
	skb_queue_tail(&t->q->skbs, nt_tcp_skb(test, 100));
	KUNIT_EXPECT_EQ(test, hvnet_rx_one(t->q), 1);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->used->idx), 1);
	memcpy(&got, t->ram + NR_DATA, sizeof(got));
	KUNIT_EXPECT_EQ(test, got.hdr.flags, 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->q->stats.tx_dropped), 0LL);
}

static struct kunit_case net_test_cases[] = {
	KUNIT_CASE(net_test_features),
	KUNIT_CASE(net_test_guest_offloads),
	KUNIT_CASE(net_test_hdr_from_skb),
	KUNIT_CASE(net_test_skb_small),
	KUNIT_CASE(net_test_skb_gso),
	KUNIT_CASE(net_test_skb_bad),
	KUNIT_CASE(net_test_rx_plan),
	KUNIT_CASE(net_test_copy_to_chains),
	KUNIT_CASE(net_test_kv_append),
	KUNIT_CASE(net_test_tap_hdr),
	{}
};

static struct kunit_suite hvisor_net_suite = {
	.name = "hvisor_vhost_net",
	.test_cases = net_test_cases,
};

static struct kunit_case net_rx_test_cases[] = {
	KUNIT_CASE(net_test_rx_drop_keeps_buffers),
	KUNIT_CASE(net_test_rx_csum_fallback),
	{}
};

static struct kunit_suite hvisor_net_rx_suite = {
	.name = "hvisor_vhost_net_rx",
	.init = nr_init,
	.exit = nr_exit,
	.test_cases = net_rx_test_cases,
};

kunit_test_suites(&hvisor_net_suite, &hvisor_net_rx_suite);
