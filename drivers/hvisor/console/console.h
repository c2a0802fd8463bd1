/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-console backend of hvisor_vhost: a guest console served as a
 * tty of root Linux (/dev/hvcon<N>). console.c is the virtio side (queues,
 * config space), console_tty.c the root tty, console_log.c the ring that
 * keeps guest output nobody read yet. Documentation/console.rst.
 */
#ifndef _HVISOR_CONSOLE_H
#define _HVISOR_CONSOLE_H

#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uio.h>
#include <linux/virtio_console.h>
#include <linux/workqueue.h>

#include "log.h"
#include "../vdev.h"
#include "../vq.h"

/* Queues: receiveq (root -> guest) and transmitq (guest -> root). */
#define HVCON_RXQ		0
#define HVCON_TXQ		1
#define HVCON_NR_QUEUES		2
/* Buffers one guest chain may use (split over two RAM regions). */
#define HVCON_MAX_IOV		16

struct hvcon_port;

/**
 * struct hvcon_dev - a virtio-console device
 * @vdev: the transport; must stay first (container_of)
 * @config: the config space the guest reads
 * @cols: window columns root set (the guest cannot change them)
 * @rows: window rows root set
 * @port: the root tty; its own lifetime (it may outlive the device)
 * @tx_work: consumes the transmitq and feeds the tty from @log
 * @tx_lock: makes its holder the transmitq's single consumer (@tx_work,
 *	or a simulated vCPU through the poll callback, any context) and
 *	protects @tx_enabled and @tx_iov: once reset cleared @tx_enabled
 *	under it nothing touches that ring, and the used buffer interrupt is
 *	raised before it is dropped; taken irqsave, before @log_lock and the
 *	vq's and the device's locks
 * @tx_enabled: DRIVER_OK and no reset since
 * @tx_iov: buffers of the chain being taken
 * @log_lock: protects @log and serialises the producers of the tty's
 *	flip buffer (@tx_work, emergency writes); taken irqsave
 * @log: guest output not yet delivered, and history
 * @rx_lock: protects @rx_enabled, @rx_held, @rx_req and @rx_iov and makes
 *	the tty's writers the receiveq's single consumer; the used buffer
 *	interrupt is raised before it is dropped; taken irqsave (tty writes
 *	may come from atomic context), before the vq's and the device's locks
 * @rx_enabled: DRIVER_OK and no reset since
 * @rx_held: @rx_req is a chain taken from the receiveq, empty, kept to
 *	report write room; returned by the next write
 * @rx_req: that chain
 * @rx_iov: its buffers
 * @rx_wake: wakes the tty's writers when the guest posts buffers
 */
struct hvcon_dev {
	struct hvisor_vdev vdev;
	struct virtio_console_config config;
	u16 cols;
	u16 rows;
	struct hvcon_port *port;

	struct delayed_work tx_work;
	spinlock_t tx_lock;		/* transmitq consumer, see above */
	bool tx_enabled;
	struct kvec tx_iov[HVCON_MAX_IOV];

	spinlock_t log_lock;		/* @log and the flip buffer */
	struct hvcon_log log;

	spinlock_t rx_lock;		/* receiveq consumer, see above */
	bool rx_enabled;
	bool rx_held;
	struct hvisor_vq_req rx_req;
	struct kvec rx_iov[HVCON_MAX_IOV];
	struct work_struct rx_wake;
};

/* console.c, for the tty side */
unsigned int hvcon_rx_room(struct hvcon_dev *dev);
size_t hvcon_rx_write(struct hvcon_dev *dev, const u8 *buf, size_t count);
void hvcon_set_winsize(struct hvcon_dev *dev, u16 cols, u16 rows);
void hvcon_kick_tx(struct hvcon_dev *dev, unsigned long delay);

/* console_tty.c: /dev/hvcon<N> */
#define HVCON_TTY_NAME		"hvcon"
int hvcon_tty_init(void);
void hvcon_tty_exit(void);
int hvcon_tty_add(struct hvcon_dev *dev);
void hvcon_tty_detach(struct hvcon_dev *dev);
void hvcon_tty_put(struct hvcon_dev *dev);
unsigned int hvcon_tty_index(const struct hvcon_dev *dev);
bool hvcon_tty_feed(struct hvcon_dev *dev);
bool hvcon_tty_is_open(struct hvcon_dev *dev);
void hvcon_tty_wakeup(struct hvcon_dev *dev);

/* For HVISOR_VHOST_CONSOLE_LOG (ctl.c), under hvisor_ctl_mutex. */
u32 hvisor_console_log_size(struct hvisor_vdev *vdev);
int hvisor_console_log_copy(struct hvisor_vdev *vdev, void *buf, u32 len,
			    bool clear, u32 *used, u64 *lost);

#endif /* _HVISOR_CONSOLE_H */
