// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net backend, tap mode: a guest NIC attached to an existing tap
 * interface, as hvisor-tool's "tap" and QEMU's -netdev tap do, the way
 * vhost-net moves packets: hvisorctl opens /dev/net/tun and attaches to
 * the tap (TUNSETIFF), the module takes the file and its socket
 * (tun_get_socket()) and moves packets with the socket's sendmsg and
 * recvmsg over the guest's buffers. The virtio_net_hdr goes through as
 * the tap's vnet header (12 bytes, TUNSETVNETHDRSZ); the module copies it
 * out of the guest's reach, checks it against what the guest negotiated
 * and sets the tap's offloads (TUNSETOFFLOAD) to what the guest can take.
 *
 * Each queue pair has one tap file (several: IFF_MULTI_QUEUE) and one
 * work item serving both of its rings in process context: the tap's
 * sendmsg allocates with GFP_KERNEL. The work runs when the guest kicks,
 * when the tap has packets (EPOLLIN on the socket's wait queue, raised by
 * the tap's xmit), when there is room again after the tap refused a guest
 * packet (EPOLLOUT), and again by itself after HVNET_WEIGHT packets in
 * either direction. What waits is left where it is: guest packets in the
 * guest's tx ring while the tap pushes back, root packets in the tap's
 * own bounded queue (the tap drops beyond it) while the guest has no
 * buffers. Nothing polls.
 *
 * Documentation/net.rst tells how to set a tap up.
 */

#define pr_fmt(fmt) "hvisor_vhost: net: " fmt

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/if_arp.h>
#include <linux/if_tun.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <linux/nsproxy.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/virtio_net.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

#include "net.h"

/* ---- Set-up ---- */

/**
 * hvnet_tap_check() - check the tap part of a net config
 * @c: the net config, HVISOR_VHOST_NET_F_TAP set
 * @mtu: out: the tap's MTU
 *
 * The tap must exist in the caller's network namespace and be a tap
 * (Ethernet) interface of the tun driver. Whether the files handed in are
 * attached to that very interface cannot be told from here: they are the
 * caller's word, as the files of vhost-net are QEMU's.
 *
 * Context: process (the caller's namespace).
 * Return: 0, -EOPNOTSUPP without tun, -EINVAL bad fields or not a tap,
 * -ENODEV no such interface.
 */
int hvnet_tap_check(const struct hvisor_vhost_net_config *c, u32 *mtu)
{
	struct net_device *ndev;
	int ret = 0;

	if (!IS_ENABLED(CONFIG_TUN))
		return -EOPNOTSUPP;
	if (c->ifname[0] || !c->tap_fds || !dev_valid_name(c->tap))
		return -EINVAL;
	ndev = dev_get_by_name(current->nsproxy->net_ns, c->tap);
	if (!ndev)
		return -ENODEV;
	if (!ndev->rtnl_link_ops || strcmp(ndev->rtnl_link_ops->kind, "tun") ||
	    ndev->type != ARPHRD_ETHER)
		ret = -EINVAL;
	*mtu = READ_ONCE(ndev->mtu);
	dev_put(ndev);
	return ret;
}

/* Set the tap's offloads to what the guest takes (HVNET_GUEST_*). */
static long hvnet_tap_set_offload(struct hvnet_dev *dev, u32 guest_offloads)
{
	struct file *file = dev->queues[0].tap.file;
	unsigned long arg = 0;

	if (guest_offloads & HVNET_GUEST_CSUM)
		arg |= TUN_F_CSUM;
	if (guest_offloads & HVNET_GUEST_TSO4)
		arg |= TUN_F_TSO4;
	if (guest_offloads & HVNET_GUEST_TSO6)
		arg |= TUN_F_TSO6;
	/* A value argument: no user memory is involved. Takes rtnl. */
	return file->f_op->unlocked_ioctl(file, TUNSETOFFLOAD, arg);
}

/**
 * hvnet_tap_offload_work() - apply the guest's offloads to the tap
 * @work: dev->features_work
 *
 * The state is read when the work runs, so the last change wins.
 *
 * Context: process; the tap takes rtnl.
 */
void hvnet_tap_offload_work(struct work_struct *work)
{
	struct hvnet_dev *dev = container_of(work, struct hvnet_dev,
					     features_work);
	long ret;

	ret = hvnet_tap_set_offload(dev, READ_ONCE(dev->guest_offloads));
	if (ret)
		pr_warn_ratelimited("%s: cannot set the tap's offloads: %ld\n",
				    dev->tap_name, ret);
}

/*
 * The socket's wait queue woke us: the tap has packets (EPOLLIN), room
 * again (EPOLLOUT), or it goes away (EPOLLERR, or no key).
 *
 * Context: any (the tap's xmit, softirq), the wait queue's lock held.
 */
static int hvnet_tap_wake(struct wait_queue_entry *wait, unsigned int mode,
			  int sync, void *key)
{
	struct hvnet_tapq *t = container_of(wait, struct hvnet_tapq, wait);
	__poll_t mask = key_to_poll(key);

	if (mask && !(mask & (EPOLLIN | EPOLLOUT | EPOLLERR)))
		return 0;
	queue_work(system_unbound_wq, &t->work);
	return 0;
}

static void hvnet_tap_queue_proc(struct file *file, wait_queue_head_t *wqh,
				 poll_table *pt)
{
	struct hvnet_tapq *t = container_of(pt, struct hvnet_tapq, pt);

	if (t->wqh)
		return;	/* tun's poll waits on one queue: cannot happen */
	t->wqh = wqh;
	add_wait_queue(wqh, &t->wait);
}

/* Take the file of @fd for one pair; -ENOTSOCK when it is not a tun's. */
static int hvnet_tapq_open(struct hvnet_tapq *t, int fd, unsigned int max_kv)
{
	struct socket *sock;

	t->file = fget(fd);
	if (!t->file)
		return -EBADF;
	sock = tun_get_socket(t->file);
	if (IS_ERR(sock))
		return PTR_ERR(sock) == -EINVAL ? -ENOTSOCK : PTR_ERR(sock);
	t->sock = sock;
	t->kv = kvcalloc(max_kv, sizeof(*t->kv), GFP_KERNEL);
	if (!t->kv)
		return -ENOMEM;
	t->max_kv = max_kv;
	return 0;
}

/* Wait on the socket's queue; -EBADFD when the file is not attached. */
static int hvnet_tapq_poll_start(struct hvnet_tapq *t)
{
	init_waitqueue_func_entry(&t->wait, hvnet_tap_wake);
	init_poll_funcptr(&t->pt, hvnet_tap_queue_proc);
	vfs_poll(t->file, &t->pt);
	return t->wqh ? 0 : -EBADFD;
}

static void hvnet_tap_work(struct work_struct *work);

/* The files of @cfg's fds; -EINVAL when one is given twice. */
static int hvnet_tap_open_all(struct hvnet_dev *dev,
			      const struct hvisor_vhost_dev_config *cfg)
{
	unsigned int max_kv = max_t(unsigned int,
				    dev->queues[0].batch.max_iov,
				    HVNET_TX_IOV) + 1;
	s32 fds[HVNET_MAX_PAIRS];
	unsigned int i, j;
	int ret;

	if (copy_from_user(fds, u64_to_user_ptr(cfg->net.tap_fds),
			   dev->nr_pairs * sizeof(fds[0])))
		return -EFAULT;
	for (i = 0; i < dev->nr_pairs; i++) {
		ret = hvnet_tapq_open(&dev->queues[i].tap, fds[i], max_kv);
		if (ret)
			return ret;
		for (j = 0; j < i; j++)
			if (dev->queues[j].tap.file == dev->queues[i].tap.file)
				return -EINVAL;
	}
	return 0;
}

/**
 * hvnet_tap_attach() - take the tap files of a new device
 * @dev: the device, its queues allocated, not yet visible to anyone
 * @cfg: the request, checked by hvnet_tap_check()
 *
 * Sets the tap's offloads to none (the guest has negotiated nothing yet),
 * which also tells whether the files are attached to an interface.
 *
 * Context: process, in the caller's file table (the ioctl).
 * Return: 0, or a negative errno with everything undone.
 */
int hvnet_tap_attach(struct hvnet_dev *dev,
		     const struct hvisor_vhost_dev_config *cfg)
{
	unsigned int i;
	long ret;

	for (i = 0; i < dev->nr_pairs; i++)
		INIT_WORK(&dev->queues[i].tap.work, hvnet_tap_work);
	INIT_WORK(&dev->features_work, hvnet_tap_offload_work);
	strscpy(dev->tap_name, cfg->net.tap, sizeof(dev->tap_name));
	dev->tap = true;
	ret = hvnet_tap_open_all(dev, cfg);
	if (ret)
		goto err;
	ret = hvnet_tap_set_offload(dev, 0);
	if (ret)
		goto err;
	for (i = 0; i < dev->nr_pairs; i++) {
		ret = hvnet_tapq_poll_start(&dev->queues[i].tap);
		if (ret)
			goto err;
	}
	return 0;
err:
	hvnet_tap_detach(dev);
	return ret;
}

/**
 * hvnet_tap_detach() - let go of the tap files
 * @dev: the device, not running
 *
 * Context: process.
 */
void hvnet_tap_detach(struct hvnet_dev *dev)
{
	unsigned int i;

	/* After this no wakeup can queue a work: removal takes the lock. */
	for (i = 0; i < dev->nr_pairs; i++) {
		struct hvnet_tapq *t = &dev->queues[i].tap;

		if (t->wqh)
			remove_wait_queue(t->wqh, &t->wait);
		t->wqh = NULL;
	}
	cancel_work_sync(&dev->features_work);
	for (i = 0; i < dev->nr_pairs; i++) {
		struct hvnet_tapq *t = &dev->queues[i].tap;

		cancel_work_sync(&t->work);
		if (t->file)
			fput(t->file);
		t->file = NULL;
		t->sock = NULL;
		kvfree(t->kv);
		t->kv = NULL;
	}
}

/**
 * hvnet_tap_kick() - serve a queue pair soon
 * @q: the pair
 *
 * Context: any.
 */
void hvnet_tap_kick(struct hvnet_queue *q)
{
	queue_work(system_unbound_wq, &q->tap.work);
}

/**
 * hvnet_tap_start() - the guest set DRIVER_OK: serve every pair
 * @dev: the device, running
 *
 * Context: any.
 */
void hvnet_tap_start(struct hvnet_dev *dev)
{
	unsigned int i;

	schedule_work(&dev->features_work);
	for (i = 0; i < dev->nr_pairs; i++)
		hvnet_tap_kick(&dev->queues[i]);
}

/**
 * hvnet_tap_stop() - reset: wait until no work touches the rings
 * @dev: the device, running cleared
 *
 * A work queued afterwards sees the device not running and does nothing.
 *
 * Context: process.
 */
void hvnet_tap_stop(struct hvnet_dev *dev)
{
	unsigned int i;

	for (i = 0; i < dev->nr_pairs; i++) {
		struct hvnet_queue *q = &dev->queues[i];

		cancel_work_sync(&q->tap.work);
		q->tap.tx_blocked = false;
		q->rx_short = false;
	}
	schedule_work(&dev->features_work);
}

/* ---- Guest -> tap ---- */

/* Hand one guest packet to the tap: 0, or the tap's error. */
static int hvnet_tap_send(struct hvnet_queue *q,
			  const struct hvisor_vq_req *req)
{
	struct hvnet_tapq *t = &q->tap;
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	size_t skip = HVNET_HDR_LEN;
	u32 len = req->out_len;
	struct iov_iter it;
	int n;

	if (len < HVNET_HDR_LEN + ETH_HLEN ||
	    len - HVNET_HDR_LEN > HVNET_MAX_FRAME)
		return -EINVAL;
	/* The header as we check it is the header the tap gets. */
	iov_iter_kvec(&it, ITER_SOURCE, req->iov, req->nr_out, len);
	if (copy_from_iter(&t->hdr, HVNET_HDR_LEN, &it) != HVNET_HDR_LEN)
		return -EINVAL;
	t->hdr.num_buffers = 0;
	if (hvnet_tap_hdr_from_guest(&t->hdr.hdr,
				     READ_ONCE(q->dev->host_offloads)))
		return -EINVAL;
	t->kv[0].iov_base = &t->hdr;
	t->kv[0].iov_len = HVNET_HDR_LEN;
	n = hvnet_kv_append(t->kv, t->max_kv, 1, req->iov, req->nr_out, &skip);
	if (n < 0)
		return -EINVAL;
	iov_iter_kvec(&msg.msg_iter, ITER_SOURCE, t->kv, n, len);
	n = t->sock->ops->sendmsg(t->sock, &msg, len);
	return n < 0 ? n : 0;
}

/*
 * Take one tx chain and send its packet. Returns 1 when a chain was
 * taken, 0 when the ring is empty or the tap pushes back, < 0 when the
 * ring is broken.
 */
static int hvnet_tap_tx_one(struct hvnet_queue *q)
{
	struct hvisor_vq_req req = {
		.iov = q->tx_iov,
		.max_iov = HVNET_TX_IOV,
	};
	int ret;

	ret = hvisor_vq_pop(q->txvq, &req);
	if (ret == -EMSGSIZE) {
		hvnet_tx_done(q, req.head);
		hvnet_count_drop(q, false, true);
		return 1;
	}
	if (ret <= 0)
		return ret;
	ret = hvnet_tap_send(q, &req);
	if (ret == -EAGAIN) {
		/* Full: the chain waits in the ring for EPOLLOUT. */
		hvisor_vq_unpop(q->txvq, 1);
		q->tap.tx_blocked = true;
		return 0;
	}
	/* The tap copied the data: the chain goes back at once. */
	hvnet_tx_done(q, req.head);
	if (ret)
		hvnet_count_drop(q, false, ret == -EINVAL);
	else
		hvnet_count_rx(q, req.out_len - HVNET_HDR_LEN);
	return 1;
}

static int hvnet_tap_tx(struct hvnet_queue *q, int budget)
{
	q->tap.tx_blocked = false;
	hvisor_vq_disable_notify(q->txvq);
	return hvnet_tx_batch(q, budget, hvnet_tap_tx_one);
}

/* ---- Tap -> guest ---- */

/* Throw the tap's next packet away (it cannot fit the guest's buffers). */
static void hvnet_tap_rx_discard(struct hvnet_queue *q)
{
	struct socket *sock = q->tap.sock;
	struct kvec kv = { .iov_base = &q->tap.hdr, .iov_len = HVNET_HDR_LEN };
	struct msghdr msg = { };

	iov_iter_kvec(&msg.msg_iter, ITER_DEST, &kv, 1, HVNET_HDR_LEN);
	sock->ops->recvmsg(sock, &msg, HVNET_HDR_LEN, MSG_DONTWAIT | MSG_TRUNC);
	hvnet_count_drop(q, true, false);
}

/*
 * Used entries for @len bytes (header included) written over the batch's
 * first @nr chains; returns how many chains hold some.
 */
static unsigned int hvnet_tap_rx_used(struct hvnet_rx_batch *b,
				      unsigned int nr, u32 len)
{
	unsigned int i;

	for (i = 0; i < nr && len; i++) {
		u32 n = min(len, b->reqs[i].in_len);

		b->used[i].head = b->reqs[i].head;
		b->used[i].len = n;
		len -= n;
	}
	return i;
}

/*
 * The guest-visible header: into the first chain, after the checks. False
 * when it does not fit (hvnet_rx_plan() made sure it does).
 */
static bool hvnet_tap_rx_hdr(struct hvnet_tapq *t,
			     const struct hvisor_vq_req *r, unsigned int nr)
{
	struct iov_iter it;

	t->hdr.num_buffers = __cpu_to_virtio16(true, nr);
	iov_iter_kvec(&it, ITER_DEST, r->iov + r->nr_out, r->nr_in, r->in_len);
	return copy_to_iter(&t->hdr, HVNET_HDR_LEN, &it) == HVNET_HDR_LEN;
}

/* The iov for recvmsg: our header, then the chains past their header. */
static int hvnet_tap_rx_iov(struct hvnet_queue *q, unsigned int nr,
			    size_t *room)
{
	struct hvnet_rx_batch *b = &q->batch;
	struct hvnet_tapq *t = &q->tap;
	size_t skip = HVNET_HDR_LEN;
	unsigned int i;
	int n = 1;

	t->kv[0].iov_base = &t->hdr;
	t->kv[0].iov_len = HVNET_HDR_LEN;
	*room = 0;
	for (i = 0; i < nr && n > 0; i++) {
		const struct hvisor_vq_req *r = &b->reqs[i];

		n = hvnet_kv_append(t->kv, t->max_kv, n, r->iov + r->nr_out,
				    r->nr_in, &skip);
		*room += r->in_len;
	}
	return n;
}

/*
 * Read the tap's next packet into the @nr chains taken for it. Returns 1
 * when it was delivered or dropped, 0 when the tap has none after all.
 */
static int hvnet_tap_rx_deliver(struct hvnet_queue *q, unsigned int nr)
{
	struct socket *sock = q->tap.sock;
	struct hvnet_rx_batch *b = &q->batch;
	struct hvnet_tapq *t = &q->tap;
	struct msghdr msg = { };
	unsigned int used;
	size_t room;
	int n, ret;

	n = hvnet_tap_rx_iov(q, nr, &room);
	if (n < 0) {
		hvisor_vq_unpop(q->rxvq, nr);
		hvnet_tap_rx_discard(q);
		return 1;
	}
	iov_iter_kvec(&msg.msg_iter, ITER_DEST, t->kv, n, room);
	ret = sock->ops->recvmsg(sock, &msg, room, MSG_DONTWAIT | MSG_TRUNC);
	if (ret == -EAGAIN || ret == -EBADFD) {
		/* Nothing after all, or the tap went away. */
		hvisor_vq_unpop(q->rxvq, nr);
		return 0;
	}
	used = ret > 0 ? hvnet_tap_rx_used(b, nr, ret) : 0;
	/*
	 * A bad packet leaves what was read of it in the buffers, which the
	 * guest gets back as unused.
	 */
	if (ret < 0 || ret > room || ret < HVNET_HDR_LEN + ETH_HLEN ||
	    hvnet_tap_hdr_to_guest(&t->hdr.hdr,
				   READ_ONCE(q->dev->guest_offloads)) ||
	    !hvnet_tap_rx_hdr(t, &b->reqs[0], used)) {
		hvisor_vq_unpop(q->rxvq, nr);
		hvnet_count_drop(q, true, false);
		return 1;
	}
	if (used < nr)
		hvisor_vq_unpop(q->rxvq, nr - used);
	hvisor_vq_push_batch(q->rxvq, b->used, used);
	hvnet_count_tx(q, ret - HVNET_HDR_LEN);
	return 1;
}

/*
 * Deliver the tap's next packet. Returns 1 when one was delivered or
 * dropped, 0 when the tap has none or the guest too few buffers (rx_short
 * is then set), < 0 on ring error.
 */
static int hvnet_tap_rx_one(struct hvnet_queue *q)
{
	struct socket *sock = q->tap.sock;
	int len, nr;

	/* We are the only reader of this file: the packet stays the next. */
	len = sock->ops->peek_len(sock);
	if (len <= 0) {
		q->rx_short = false;
		return 0;
	}
	nr = hvnet_rx_take(q, HVNET_HDR_LEN + len);
	q->rx_short = !nr;
	if (nr == -EMSGSIZE) {
		hvnet_tap_rx_discard(q);
		return 1;
	}
	if (nr <= 0)
		return nr;
	return hvnet_tap_rx_deliver(q, nr);
}

static int hvnet_tap_rx(struct hvnet_queue *q, int budget)
{
	int done = 0, ret = 0;

	/* Buffers found too few and given back are not tried again. */
	if (q->rx_short && !hvisor_vq_has_new(q->rxvq))
		return 0;
	while (done < budget) {
		ret = hvnet_tap_rx_one(q);
		if (ret <= 0)
			break;
		done++;
	}
	if (done)
		hvisor_vdev_vq_interrupt(&q->dev->vdev, q->rxvq);
	return ret < 0 ? ret : done;
}

/*
 * Before the work ends: ask for the guest's kicks it waits for. Returns
 * true when work raced in (the work must run again).
 */
static bool hvnet_tap_rearm(struct hvnet_queue *q)
{
	bool again = false;

	/* Blocked: EPOLLOUT runs the work, a kick would change nothing. */
	if (!q->tap.tx_blocked)
		again |= hvisor_vq_enable_notify(q->txvq);
	/* Empty tap: EPOLLIN runs the work. */
	if (q->rx_short)
		again |= hvisor_vq_enable_notify(q->rxvq);
	return again;
}

/*
 * The work of a queue pair: both directions, at most HVNET_WEIGHT
 * packets each, then again later if there is more.
 */
static void hvnet_tap_work(struct work_struct *work)
{
	struct hvnet_queue *q = container_of(work, struct hvnet_queue,
					     tap.work);
	struct hvnet_dev *dev = q->dev;
	int tx, rx;

	/* Pairs with the release in hvnet_driver_ok(): negotiated state. */
	if (!smp_load_acquire(&dev->running))
		return;
	hvnet_count_poll(q);
	tx = hvnet_tap_tx(q, HVNET_WEIGHT);
	rx = hvnet_tap_rx(q, HVNET_WEIGHT);
	if (tx < 0 || rx < 0) {
		hvisor_vdev_fail(&dev->vdev, "net: bad virtqueue");
		return;
	}
	if (tx >= HVNET_WEIGHT || rx >= HVNET_WEIGHT || hvnet_tap_rearm(q))
		hvnet_tap_kick(q);
}
