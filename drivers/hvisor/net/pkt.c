// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net backend: the pure parts. Feature sets, the virtio_net_hdr
 * conversions (through the kernel's own helpers in <linux/virtio_net.h>),
 * building an skb from a guest tx chain and copying an skb into guest rx
 * chains. No ring access, no device state: KUnit tests them over kvecs.
 */

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/skbuff.h>
#include <linux/uio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>

#include "net.h"

/* Linear part of a guest packet: small ones whole, big ones their headers. */
#define HVNET_COPYBREAK		1536
#define HVNET_LINEAR		256

/**
 * hvnet_offered_features() - virtio-net features the device offers
 * @offloads_off: HVISOR_VHOST_NET_OFF_* not to offer
 * @nr_pairs: queue pairs; more than one offers MQ and the control queue
 *
 * Return: the feature bits (VERSION_1 is added by the transport).
 */
u64 hvnet_offered_features(u32 offloads_off, u32 nr_pairs)
{
	u64 f = BIT_ULL(VIRTIO_F_VERSION_1) |
		BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC) |
		BIT_ULL(VIRTIO_RING_F_EVENT_IDX) |
		BIT_ULL(VIRTIO_NET_F_MAC) | BIT_ULL(VIRTIO_NET_F_STATUS) |
		BIT_ULL(VIRTIO_NET_F_MTU);

	if (!(offloads_off & HVISOR_VHOST_NET_OFF_CSUM)) {
		f |= BIT_ULL(VIRTIO_NET_F_CSUM) | BIT_ULL(VIRTIO_NET_F_GUEST_CSUM);
		/* Segmentation offload needs checksum offload. */
		if (!(offloads_off & HVISOR_VHOST_NET_OFF_TSO))
			f |= BIT_ULL(VIRTIO_NET_F_HOST_TSO4) |
			     BIT_ULL(VIRTIO_NET_F_HOST_TSO6) |
			     BIT_ULL(VIRTIO_NET_F_GUEST_TSO4) |
			     BIT_ULL(VIRTIO_NET_F_GUEST_TSO6);
	}
	if (!(offloads_off & HVISOR_VHOST_NET_OFF_MRG_RXBUF))
		f |= BIT_ULL(VIRTIO_NET_F_MRG_RXBUF);
	if (nr_pairs > 1)
		f |= BIT_ULL(VIRTIO_NET_F_CTRL_VQ) | BIT_ULL(VIRTIO_NET_F_MQ);
	return f;
}

/**
 * hvnet_guest_offloads() - what root may hand the guest
 * @features: features the guest accepted
 *
 * Return: HVNET_GUEST_* bits.
 */
u32 hvnet_guest_offloads(u64 features)
{
	u32 o = 0;

	if (!(features & BIT_ULL(VIRTIO_NET_F_GUEST_CSUM)))
		return 0;
	o |= HVNET_GUEST_CSUM;
	if (features & BIT_ULL(VIRTIO_NET_F_GUEST_TSO4))
		o |= HVNET_GUEST_TSO4;
	if (features & BIT_ULL(VIRTIO_NET_F_GUEST_TSO6))
		o |= HVNET_GUEST_TSO6;
	return o;
}

/**
 * hvnet_host_offloads() - what the guest may hand root
 * @features: features the guest accepted
 *
 * Return: HVNET_HOST_* bits.
 */
u32 hvnet_host_offloads(u64 features)
{
	u32 o = 0;

	if (!(features & BIT_ULL(VIRTIO_NET_F_CSUM)))
		return 0;
	o |= HVNET_HOST_CSUM;
	if (features & BIT_ULL(VIRTIO_NET_F_HOST_TSO4))
		o |= HVNET_HOST_TSO4;
	if (features & BIT_ULL(VIRTIO_NET_F_HOST_TSO6))
		o |= HVNET_HOST_TSO6;
	return o;
}

/**
 * hvnet_allowed_features() - root interface offloads the guest can take
 * @guest_offloads: HVNET_GUEST_* bits
 *
 * Return: the netdev features root may use for packets to the guest; the
 * stack does in software what is not in there.
 */
netdev_features_t hvnet_allowed_features(u32 guest_offloads)
{
	netdev_features_t f = NETIF_F_SG | NETIF_F_HIGHDMA;

	if (guest_offloads & HVNET_GUEST_CSUM)
		f |= NETIF_F_HW_CSUM;
	if (guest_offloads & HVNET_GUEST_TSO4)
		f |= NETIF_F_TSO;
	if (guest_offloads & HVNET_GUEST_TSO6)
		f |= NETIF_F_TSO6;
	return f;
}

/**
 * hvnet_hdr_from_skb() - the virtio_net_hdr of a packet for the guest
 * @skb: the packet
 * @hdr: out: the header, num_buffers left at 1
 * @guest_offloads: what the guest negotiated
 *
 * Return: 0, or -EINVAL when the packet needs an offload the guest did not
 * negotiate (the caller fixes it in software or drops it).
 */
int hvnet_hdr_from_skb(const struct sk_buff *skb,
		       struct virtio_net_hdr_mrg_rxbuf *hdr, u32 guest_offloads)
{
	unsigned int gso_type = skb_shinfo(skb)->gso_type;

	memset(hdr, 0, sizeof(*hdr));
	if (skb->ip_summed == CHECKSUM_PARTIAL &&
	    !(guest_offloads & HVNET_GUEST_CSUM))
		return -EINVAL;
	if (skb_is_gso(skb) &&
	    ((gso_type & SKB_GSO_TCPV4 && !(guest_offloads & HVNET_GUEST_TSO4)) ||
	     (gso_type & SKB_GSO_TCPV6 && !(guest_offloads & HVNET_GUEST_TSO6))))
		return -EINVAL;
	if (virtio_net_hdr_from_skb(skb, &hdr->hdr, true, false, 0))
		return -EINVAL;
	hdr->num_buffers = __cpu_to_virtio16(true, 1);
	return 0;
}

/* How much of a guest packet goes in the skb's linear part. */
static u32 hvnet_linear_len(const struct virtio_net_hdr *h, u32 len)
{
	u32 lin = len <= HVNET_COPYBREAK ? len : HVNET_LINEAR;
	u32 csum_end;

	if (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		csum_end = (u32)__virtio16_to_cpu(true, h->csum_start) +
			   __virtio16_to_cpu(true, h->csum_offset) +
			   sizeof(__sum16);
		lin = max(lin, csum_end);
	}
	return min(lin, len);
}

/**
 * hvnet_skb_from_chain() - build an skb from a guest tx chain
 * @ndev: the root interface the packet arrives on
 * @req: the chain: a virtio_net_hdr_mrg_rxbuf, then the frame
 * @err: out: the reason when NULL is returned (-EINVAL malformed,
 *	-ENOMEM no memory)
 *
 * The header and the frame are copied once; the header is applied with
 * virtio_net_hdr_to_skb(), which checks it. skb->protocol is set.
 *
 * Context: any (GFP_ATOMIC).
 * Return: the skb or NULL.
 */
struct sk_buff *hvnet_skb_from_chain(struct net_device *ndev,
				     const struct hvisor_vq_req *req, int *err)
{
	struct virtio_net_hdr_mrg_rxbuf hdr;
	struct sk_buff *skb;
	struct iov_iter it;
	u32 len, lin;

	*err = -EINVAL;
	if (req->out_len < HVNET_HDR_LEN + ETH_HLEN ||
	    req->out_len - HVNET_HDR_LEN > HVNET_MAX_FRAME)
		return NULL;
	len = req->out_len - HVNET_HDR_LEN;
	iov_iter_kvec(&it, ITER_SOURCE, req->iov, req->nr_out, req->out_len);
	if (copy_from_iter(&hdr, HVNET_HDR_LEN, &it) != HVNET_HDR_LEN)
		return NULL;
	lin = hvnet_linear_len(&hdr.hdr, len);
	*err = -ENOMEM;
	skb = alloc_skb_with_frags(NET_IP_ALIGN + lin, len - lin,
				   PAGE_ALLOC_COSTLY_ORDER, err, GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reserve(skb, NET_IP_ALIGN);
	skb_put(skb, lin);
	skb->data_len = len - lin;
	skb->len += len - lin;
	*err = -EINVAL;
	if (skb_copy_datagram_from_iter(skb, 0, &it, len))
		goto drop;
	if (virtio_net_hdr_to_skb(skb, &hdr.hdr, true))
		goto drop;
	skb->protocol = eth_type_trans(skb, ndev);
	*err = 0;
	return skb;
drop:
	kfree_skb(skb);
	return NULL;
}

/**
 * hvnet_rx_plan() - how many of the popped rx chains a packet needs
 * @reqs: chains popped so far
 * @nr: chains in @reqs
 * @total: header plus frame bytes to place
 * @mrg: VIRTIO_NET_F_MRG_RXBUF: the packet may span chains
 *
 * Return: the number of chains that hold @total (<= @nr), 0 when more
 * chains are needed, or -EMSGSIZE when the packet can never fit (without
 * MRG_RXBUF the first chain is too small, or a first chain has no room
 * for the header).
 */
int hvnet_rx_plan(const struct hvisor_vq_req *reqs, unsigned int nr,
		  u32 total, bool mrg)
{
	u64 room = 0;
	unsigned int i;

	if (!nr)
		return 0;
	if (reqs[0].in_len < HVNET_HDR_LEN || reqs[0].out_len)
		return -EMSGSIZE;
	if (!mrg)
		return reqs[0].in_len >= total ? 1 : -EMSGSIZE;
	for (i = 0; i < nr; i++) {
		if (reqs[i].out_len)
			return -EMSGSIZE;
		room += reqs[i].in_len;
		if (room >= total)
			return i + 1;
	}
	return 0;
}

/**
 * hvnet_copy_to_chains() - write a packet into guest rx chains
 * @skb: the packet
 * @hdr: its header; num_buffers is set to @nr here
 * @reqs: the chains (writable parts), enough for the header and @skb
 *	(hvnet_rx_plan())
 * @nr: chains to use
 * @used: out: the used entry of each chain
 *
 * Return: 0, or -EFAULT when a copy fell short (cannot happen with chains
 * checked by hvnet_rx_plan(); the entries are then still valid).
 */
int hvnet_copy_to_chains(const struct sk_buff *skb,
			 const struct virtio_net_hdr_mrg_rxbuf *hdr,
			 const struct hvisor_vq_req *reqs, unsigned int nr,
			 struct hvisor_vq_used *used)
{
	struct virtio_net_hdr_mrg_rxbuf h = *hdr;
	u32 off = 0, n, room;
	struct iov_iter it;
	unsigned int i;
	int ret = 0;

	h.num_buffers = __cpu_to_virtio16(true, nr);
	for (i = 0; i < nr; i++) {
		const struct hvisor_vq_req *r = &reqs[i];

		iov_iter_kvec(&it, ITER_DEST, r->iov + r->nr_out, r->nr_in,
			      r->in_len);
		room = r->in_len;
		used[i].head = r->head;
		used[i].len = 0;
		if (!i) {
			if (copy_to_iter(&h, HVNET_HDR_LEN, &it) != HVNET_HDR_LEN)
				return -EFAULT;
			room -= HVNET_HDR_LEN;
			used[i].len = HVNET_HDR_LEN;
		}
		n = min(room, skb->len - off);
		if (n && skb_copy_datagram_iter(skb, off, &it, n))
			ret = -EFAULT;
		off += n;
		used[i].len += n;
	}
	if (off != skb->len)
		ret = -EFAULT;
	return ret;
}

/**
 * hvnet_kv_append() - append buffers to an iov, skipping leading bytes
 * @dst: the iov
 * @max: room in @dst
 * @n: entries of @dst in use
 * @src: buffers to append
 * @nr: entries of @src
 * @skip: in: bytes at the start of @src to leave out; out: what is left
 *	to skip when @src was shorter
 *
 * Return: the entries of @dst in use after appending, or -EMSGSIZE when
 * they do not fit in @max.
 */
int hvnet_kv_append(struct kvec *dst, unsigned int max, unsigned int n,
		    const struct kvec *src, unsigned int nr, size_t *skip)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		size_t len = src[i].iov_len;

		if (*skip >= len) {
			*skip -= len;
			continue;
		}
		if (n == max)
			return -EMSGSIZE;
		dst[n].iov_base = (u8 *)src[i].iov_base + *skip;
		dst[n].iov_len = len - *skip;
		*skip = 0;
		n++;
	}
	return n;
}

/**
 * hvnet_tap_hdr_to_guest() - check a tap's header for the guest
 * @h: the header the tap wrote (little endian), fixed up in place
 * @guest_offloads: HVNET_GUEST_* the guest negotiated
 *
 * The tap's offloads follow the guest's (TUNSETOFFLOAD), but only from the
 * moment they are set: a packet queued before may carry more. DATA_VALID
 * is dropped when the guest has no GUEST_CSUM.
 *
 * Return: 0, or -EINVAL when the guest cannot take the packet.
 */
int hvnet_tap_hdr_to_guest(struct virtio_net_hdr *h, u32 guest_offloads)
{
	u8 gso = h->gso_type;

	if (!(guest_offloads & HVNET_GUEST_CSUM))
		h->flags &= ~VIRTIO_NET_HDR_F_DATA_VALID;
	if (h->flags & ~(VIRTIO_NET_HDR_F_NEEDS_CSUM |
			 VIRTIO_NET_HDR_F_DATA_VALID))
		return -EINVAL;
	if (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM &&
	    !(guest_offloads & HVNET_GUEST_CSUM))
		return -EINVAL;
	switch (gso) {
	case VIRTIO_NET_HDR_GSO_NONE:
		return 0;
	case VIRTIO_NET_HDR_GSO_TCPV4:
		return guest_offloads & HVNET_GUEST_TSO4 ? 0 : -EINVAL;
	case VIRTIO_NET_HDR_GSO_TCPV6:
		return guest_offloads & HVNET_GUEST_TSO6 ? 0 : -EINVAL;
	}
	return -EINVAL;	/* ECN, UDP: never negotiated */
}

/**
 * hvnet_tap_hdr_from_guest() - check a guest's tx header for the tap
 * @h: a copy of the guest's header, fixed up in place
 * @host_offloads: HVNET_HOST_* the guest negotiated
 *
 * Flags the driver must not send are cleared; the tap checks the rest of
 * the header itself (virtio_net_hdr_to_skb()).
 *
 * Return: 0, or -EINVAL when the guest uses an offload it did not
 * negotiate.
 */
int hvnet_tap_hdr_from_guest(struct virtio_net_hdr *h, u32 host_offloads)
{
	h->flags &= VIRTIO_NET_HDR_F_NEEDS_CSUM;
	if (h->flags && !(host_offloads & HVNET_HOST_CSUM))
		return -EINVAL;
	switch (h->gso_type) {
	case VIRTIO_NET_HDR_GSO_NONE:
		return 0;
	case VIRTIO_NET_HDR_GSO_TCPV4:
		return host_offloads & HVNET_HOST_TSO4 ? 0 : -EINVAL;
	case VIRTIO_NET_HDR_GSO_TCPV6:
		return host_offloads & HVNET_HOST_TSO6 ? 0 : -EINVAL;
	}
	return -EINVAL;
}
