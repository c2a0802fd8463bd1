// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-console backend of hvisor_vhost, the root side: one tty driver
 * ("hvcon", /dev/hvcon<N>) for every console device, a tty_port per
 * device. The port has its own lifetime: a tty may stay open after its
 * device is removed (it is hung up), so the port outlives the device and
 * its line number is reused only once the port is freed.
 *
 * Termios starts raw (no echo, no line editing, no output processing):
 * the guest's own tty does that, and echoing guest output back to the
 * guest would loop.
 */

#define pr_fmt(fmt) "hvisor_vhost: console: " fmt

#include <linux/idr.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/tty.h>
#include <linux/tty_driver.h>
#include <linux/tty_flip.h>
#include <linux/tty_port.h>

#include "../compat.h"
#include "console.h"

#define HVCON_MAX_LINES		64

/**
 * struct hvcon_port - the root tty of one console device
 * @port: the tty port; must stay first (container_of, kfree)
 * @lock: protects @dev and @open; taken irqsave
 * @dev: the device, NULL once it is being removed
 * @open: a tty has the port open (between activate and shutdown)
 * @index: line number: /dev/hvcon<index>
 */
struct hvcon_port {
	struct tty_port port;
	spinlock_t lock;	/* @dev and @open */
	struct hvcon_dev *dev;
	bool open;
	unsigned int index;
};

static struct tty_driver *hvcon_driver;
/* Line numbers in use: freed when the port is freed. */
static DEFINE_IDA(hvcon_ida);
/* Protects hvcon_ports[]: the ports the tty layer can open. */
static DEFINE_MUTEX(hvcon_ports_mutex);
static struct hvcon_port *hvcon_ports[HVCON_MAX_LINES];

static struct hvcon_port *to_hvcon_port(struct tty_port *port)
{
	return container_of(port, struct hvcon_port, port);
}

/* ---- Data ---- */

/**
 * hvcon_tty_feed() - pass pending guest output to the tty's reader
 * @dev: the device
 *
 * Any context. Return: false when the tty's buffer is full and output is
 * still pending (try again later), true otherwise.
 */
bool hvcon_tty_feed(struct hvcon_dev *dev)
{
	struct hvcon_port *hp = dev->port;
	unsigned long flags;
	bool full = false;
	size_t total = 0;
	const u8 *p;
	size_t done;
	u32 n;

	if (!hvcon_tty_is_open(dev))
		return true;
	/* The flip buffer has one producer at a time: log_lock's holder. */
	spin_lock_irqsave(&dev->log_lock, flags);
	while ((n = hvcon_log_peek(&dev->log, &p))) {
		done = tty_insert_flip_string(&hp->port, p, n);
		hvcon_log_consume(&dev->log, done);
		total += done;
		if (done < n) {
			full = true;
			break;
		}
	}
	spin_unlock_irqrestore(&dev->log_lock, flags);
	if (total)
		tty_flip_buffer_push(&hp->port);
	return !full;
}

/**
 * hvcon_tty_is_open() - whether a reader has the tty open
 * @dev: the device
 *
 * Any context; a hint (the tty may close right after).
 */
bool hvcon_tty_is_open(struct hvcon_dev *dev)
{
	return READ_ONCE(dev->port->open);
}

/**
 * hvcon_tty_wakeup() - the guest posted receive buffers: wake writers
 * @dev: the device
 *
 * Process context.
 */
void hvcon_tty_wakeup(struct hvcon_dev *dev)
{
	tty_port_tty_wakeup(&dev->port->port);
}

/* ---- tty_port operations ---- */

static int hvcon_port_activate(struct tty_port *port, struct tty_struct *tty)
{
	struct hvcon_port *hp = to_hvcon_port(port);
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&hp->lock, flags);
	if (hp->dev) {
		hp->open = true;
		/* Replay what the guest wrote while nobody was here. */
		hvcon_kick_tx(hp->dev, 0);
	} else {
		ret = -ENODEV;
	}
	spin_unlock_irqrestore(&hp->lock, flags);
	return ret;
}

static void hvcon_port_shutdown(struct tty_port *port)
{
	struct hvcon_port *hp = to_hvcon_port(port);
	unsigned long flags;

	spin_lock_irqsave(&hp->lock, flags);
	hp->open = false;
	spin_unlock_irqrestore(&hp->lock, flags);
}

static void hvcon_port_destruct(struct tty_port *port)
{
	struct hvcon_port *hp = to_hvcon_port(port);

	ida_free(&hvcon_ida, hp->index);
	kfree(hp);
}

static const struct tty_port_operations hvcon_port_ops = {
	.activate = hvcon_port_activate,
	.shutdown = hvcon_port_shutdown,
	.destruct = hvcon_port_destruct,
};

/* ---- tty operations ---- */

static int hvcon_install(struct tty_driver *driver, struct tty_struct *tty)
{
	struct hvcon_port *hp = NULL;
	int ret;

	mutex_lock(&hvcon_ports_mutex);
	if (tty->index < HVCON_MAX_LINES)
		hp = hvcon_ports[tty->index];
	if (hp)
		tty_port_get(&hp->port);
	mutex_unlock(&hvcon_ports_mutex);
	if (!hp)
		return -ENODEV;
	ret = tty_port_install(&hp->port, driver, tty);
	if (ret) {
		tty_port_put(&hp->port);
		return ret;
	}
	tty->driver_data = hp;
	return 0;
}

static void hvcon_cleanup(struct tty_struct *tty)
{
	struct hvcon_port *hp = tty->driver_data;

	tty->driver_data = NULL;
	tty_port_put(&hp->port);
}

static int hvcon_open(struct tty_struct *tty, struct file *filp)
{
	struct hvcon_port *hp = tty->driver_data;

	return tty_port_open(&hp->port, tty, filp);
}

static void hvcon_close(struct tty_struct *tty, struct file *filp)
{
	struct hvcon_port *hp = tty->driver_data;

	tty_port_close(&hp->port, tty, filp);
}

static void hvcon_hangup(struct tty_struct *tty)
{
	struct hvcon_port *hp = tty->driver_data;

	tty_port_hangup(&hp->port);
}

/* May be called in atomic context: nothing here sleeps. */
static HVISOR_TTY_WRITE_RET hvcon_write(struct tty_struct *tty, const u8 *buf,
					HVISOR_TTY_WRITE_COUNT count)
{
	struct hvcon_port *hp = tty->driver_data;
	unsigned long flags;
	size_t done = 0;

	if (!count)
		return 0;
	spin_lock_irqsave(&hp->lock, flags);
	if (hp->dev)
		done = hvcon_rx_write(hp->dev, buf, count);
	spin_unlock_irqrestore(&hp->lock, flags);
	return done;
}

static unsigned int hvcon_write_room(struct tty_struct *tty)
{
	struct hvcon_port *hp = tty->driver_data;
	unsigned int room = 0;
	unsigned long flags;

	spin_lock_irqsave(&hp->lock, flags);
	if (hp->dev)
		room = hvcon_rx_room(hp->dev);
	spin_unlock_irqrestore(&hp->lock, flags);
	return room;
}

/* TIOCSWINSZ: the guest learns the new size through its config space. */
static int hvcon_resize(struct tty_struct *tty, struct winsize *ws)
{
	struct hvcon_port *hp = tty->driver_data;
	unsigned long flags;
	int ret;

	ret = tty_do_resize(tty, ws);
	if (ret)
		return ret;
	spin_lock_irqsave(&hp->lock, flags);
	if (hp->dev)
		hvcon_set_winsize(hp->dev, ws->ws_col, ws->ws_row);
	spin_unlock_irqrestore(&hp->lock, flags);
	return 0;
}

static const struct tty_operations hvcon_tty_ops = {
	.install = hvcon_install,
	.cleanup = hvcon_cleanup,
	.open = hvcon_open,
	.close = hvcon_close,
	.hangup = hvcon_hangup,
	.write = hvcon_write,
	.write_room = hvcon_write_room,
	.resize = hvcon_resize,
};

/* ---- Devices ---- */

/**
 * hvcon_tty_add() - create the root tty of a new device
 * @dev: the device; dev->port is set on success
 *
 * Process context. Return: 0, -ENOSPC (every line in use) or -ENOMEM.
 */
int hvcon_tty_add(struct hvcon_dev *dev)
{
	struct hvcon_port *hp;
	struct device *tdev;
	int idx;

	hp = kzalloc(sizeof(*hp), GFP_KERNEL);
	if (!hp)
		return -ENOMEM;
	idx = ida_alloc_max(&hvcon_ida, HVCON_MAX_LINES - 1, GFP_KERNEL);
	if (idx < 0) {
		kfree(hp);
		return idx;
	}
	tty_port_init(&hp->port);
	hp->port.ops = &hvcon_port_ops;
	spin_lock_init(&hp->lock);
	hp->dev = dev;
	hp->index = idx;
	dev->port = hp;
	mutex_lock(&hvcon_ports_mutex);
	hvcon_ports[idx] = hp;
	mutex_unlock(&hvcon_ports_mutex);
	tdev = tty_port_register_device(&hp->port, hvcon_driver, idx, NULL);
	if (IS_ERR(tdev)) {
		mutex_lock(&hvcon_ports_mutex);
		hvcon_ports[idx] = NULL;
		mutex_unlock(&hvcon_ports_mutex);
		dev->port = NULL;
		/* Frees hp and its line (hvcon_port_destruct). */
		tty_port_put(&hp->port);
		return PTR_ERR(tdev);
	}
	return 0;
}

/**
 * hvcon_tty_detach() - the device is going: cut the tty off it
 * @dev: the device
 *
 * The tty can no longer be opened, an open one is hung up, and no tty
 * operation uses @dev after this returns. The port stays allocated until
 * hvcon_tty_put(). Process context.
 */
void hvcon_tty_detach(struct hvcon_dev *dev)
{
	struct hvcon_port *hp = dev->port;
	unsigned long flags;

	mutex_lock(&hvcon_ports_mutex);
	hvcon_ports[hp->index] = NULL;
	mutex_unlock(&hvcon_ports_mutex);
	spin_lock_irqsave(&hp->lock, flags);
	hp->dev = NULL;
	spin_unlock_irqrestore(&hp->lock, flags);
	tty_port_tty_hangup(&hp->port, false);
	tty_port_unregister_device(&hp->port, hvcon_driver, hp->index);
}

/**
 * hvcon_tty_put() - drop the device's reference to its port
 * @dev: the device, after hvcon_tty_detach()
 */
void hvcon_tty_put(struct hvcon_dev *dev)
{
	tty_port_put(&dev->port->port);
	dev->port = NULL;
}

/**
 * hvcon_tty_index() - the device's line number
 * @dev: the device
 *
 * Return: N of /dev/hvcon<N>.
 */
unsigned int hvcon_tty_index(const struct hvcon_dev *dev)
{
	return dev->port->index;
}

/* ---- The driver ---- */

/**
 * hvcon_tty_init() - register the "hvcon" tty driver
 *
 * Module load. Return: 0 or a negative errno.
 */
int hvcon_tty_init(void)
{
	struct tty_driver *drv;
	int ret;

	drv = tty_alloc_driver(HVCON_MAX_LINES, TTY_DRIVER_REAL_RAW |
			       TTY_DRIVER_DYNAMIC_DEV |
			       TTY_DRIVER_RESET_TERMIOS);
	if (IS_ERR(drv))
		return PTR_ERR(drv);
	drv->driver_name = "hvisor_console";
	drv->name = HVCON_TTY_NAME;
	drv->major = 0;
	drv->minor_start = 0;
	drv->type = TTY_DRIVER_TYPE_SERIAL;
	drv->subtype = SERIAL_TYPE_NORMAL;
	drv->init_termios = tty_std_termios;
	/* Raw, as cfmakeraw(): see the top of the file. */
	drv->init_termios.c_iflag = 0;
	drv->init_termios.c_oflag = 0;
	drv->init_termios.c_lflag = 0;
	drv->init_termios.c_cflag = B115200 | CS8 | CREAD | CLOCAL;
	drv->init_termios.c_ispeed = 115200;
	drv->init_termios.c_ospeed = 115200;
	tty_set_operations(drv, &hvcon_tty_ops);
	ret = tty_register_driver(drv);
	if (ret) {
		tty_driver_kref_put(drv);
		return ret;
	}
	hvcon_driver = drv;
	return 0;
}

/**
 * hvcon_tty_exit() - unregister the tty driver
 *
 * Module unload, after every device is gone.
 */
void hvcon_tty_exit(void)
{
	tty_unregister_driver(hvcon_driver);
	tty_driver_kref_put(hvcon_driver);
	hvcon_driver = NULL;
}
