// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/hvisor-vhost: the control plane (include/uapi/linux/hvisor_vhost.h).
 *
 * One handler per ioctl, each in the same order: copy the argument in,
 * check its flags and reserved fields (EINVAL), check the caller's
 * capabilities (EPERM), then hand it to the registry. Capabilities are
 * those of the task making the call, not of the one that opened the node,
 * so a privileged process can hand an open descriptor to a less
 * privileged one for the read-only queries (status, device list) only:
 *
 *   GET_STATUS, DEV_LIST      none beyond opening the node
 *   ZONE_ADD_MEM              CAP_SYS_ADMIN and CAP_SYS_RAWIO
 *   ZONE_RESET, ZONE_DEL      CAP_SYS_ADMIN
 *   DEV_ADD, DEV_DEL          CAP_SYS_ADMIN; net devices also CAP_NET_ADMIN
 *   CONSOLE_LOG               CAP_SYS_ADMIN (a guest's private output)
 */

#define pr_fmt(fmt) "hvisor_vhost: " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/hvisor_vhost.h>

#include "console/console.h"
#include "core.h"

static_assert(sizeof(struct hvisor_vhost_status) == 128);
static_assert(sizeof(struct hvisor_vhost_zone_mem) == 64);
static_assert(sizeof(struct hvisor_vhost_zone) == 32);
static_assert(sizeof(struct hvisor_vhost_dev_config) == 136);
static_assert(sizeof(struct hvisor_vhost_dev_del) == 32);
static_assert(sizeof(struct hvisor_vhost_dev_info) == 208);
static_assert(sizeof(struct hvisor_vhost_dev_list) == 32);
static_assert(sizeof(struct hvisor_vhost_console_log) == 64);
static_assert(sizeof(struct hvisor_vhost_zone_info) == 96);
static_assert(sizeof(struct hvisor_vhost_zone_list) == 32);

static bool hvisor_ctl_zeroed(const u64 *reserved, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (reserved[i])
			return false;
	return true;
}

/* Capability check of a handler: 0 or -EPERM. */
static long hvisor_ctl_capable(int cap)
{
	return capable(cap) ? 0 : -EPERM;
}

static long hvisor_ctl_status(void __user *arg)
{
	struct hvisor_vhost_status st = {};

	/* Read-only: whoever could open the node may ask. */
	hvisor_core_get_status(&st);
	return copy_to_user(arg, &st, sizeof(st)) ? -EFAULT : 0;
}

static long hvisor_ctl_zone_mem(void __user *arg)
{
	struct hvisor_vhost_zone_mem mem;
	long ret;

	if (copy_from_user(&mem, arg, sizeof(mem)))
		return -EFAULT;
	if (mem.flags || !hvisor_ctl_zeroed(mem.reserved,
					    ARRAY_SIZE(mem.reserved)))
		return -EINVAL;
	/* It maps physical memory, as /dev/mem would. */
	ret = hvisor_ctl_capable(CAP_SYS_ADMIN);
	if (!ret)
		ret = hvisor_ctl_capable(CAP_SYS_RAWIO);
	if (ret)
		return ret;
	mutex_lock(&hvisor_ctl_mutex);
	ret = hvisor_registry_zone_mem(&mem);
	mutex_unlock(&hvisor_ctl_mutex);
	return ret;
}

static long hvisor_ctl_zone(unsigned int cmd, void __user *arg)
{
	struct hvisor_vhost_zone zone;
	long ret;

	if (copy_from_user(&zone, arg, sizeof(zone)))
		return -EFAULT;
	if (zone.flags || !zone.zone_id ||
	    !hvisor_ctl_zeroed(zone.reserved, ARRAY_SIZE(zone.reserved)))
		return -EINVAL;
	ret = hvisor_ctl_capable(CAP_SYS_ADMIN);
	if (ret)
		return ret;
	/* Waits for the devices' I/O: takes the mutex only to find them. */
	if (cmd == HVISOR_VHOST_ZONE_RESET)
		return hvisor_registry_zone_reset(zone.zone_id);
	mutex_lock(&hvisor_ctl_mutex);
	ret = hvisor_registry_zone_del(zone.zone_id);
	mutex_unlock(&hvisor_ctl_mutex);
	return ret;
}

static long hvisor_ctl_dev_add(void __user *arg)
{
	struct hvisor_vhost_dev_config cfg;
	long ret;

	if (copy_from_user(&cfg, arg, sizeof(cfg)))
		return -EFAULT;
	if (cfg.flags & ~HVISOR_VHOST_DEV_F_RO || cfg.id ||
	    !hvisor_ctl_zeroed(cfg.reserved, ARRAY_SIZE(cfg.reserved)))
		return -EINVAL;
	ret = hvisor_ctl_capable(CAP_SYS_ADMIN);
	if (ret)
		return ret;
	/* A net device creates (or takes over) a root network interface. */
	if (!hvisor_registry_type_capable(cfg.type))
		return -EPERM;
	mutex_lock(&hvisor_ctl_mutex);
	ret = hvisor_registry_dev_add(&cfg);
	mutex_unlock(&hvisor_ctl_mutex);
	if (ret)
		return ret;
	/* The device stays if the caller gave a bad pointer to answer into. */
	return copy_to_user(arg, &cfg, sizeof(cfg)) ? -EFAULT : 0;
}

static long hvisor_ctl_dev_del(void __user *arg)
{
	struct hvisor_vhost_dev_del del;
	long ret;

	if (copy_from_user(&del, arg, sizeof(del)))
		return -EFAULT;
	if (del.flags & ~HVISOR_VHOST_DEL_F_FORCE ||
	    !hvisor_ctl_zeroed(del.reserved, ARRAY_SIZE(del.reserved)))
		return -EINVAL;
	/* The type's own capability is checked once the device is found. */
	ret = hvisor_ctl_capable(CAP_SYS_ADMIN);
	if (ret)
		return ret;
	/* May wait for the guest and the backing: takes the mutex itself. */
	return hvisor_registry_dev_del(del.id, del.flags);
}

static long hvisor_ctl_dev_list(void __user *arg)
{
	struct hvisor_vhost_dev_list list;
	u32 count = 0;
	long ret;

	if (copy_from_user(&list, arg, sizeof(list)))
		return -EFAULT;
	if (list.flags ||
	    !hvisor_ctl_zeroed(list.reserved, ARRAY_SIZE(list.reserved)))
		return -EINVAL;
	/* Read-only: whoever could open the node may ask. */
	mutex_lock(&hvisor_ctl_mutex);
	ret = hvisor_registry_dev_list(u64_to_user_ptr(list.entries),
				       list.count, &count);
	mutex_unlock(&hvisor_ctl_mutex);
	if (ret)
		return ret;
	list.count = count;
	return copy_to_user(arg, &list, sizeof(list)) ? -EFAULT : 0;
}

/*
 * Copy a console's log into a kernel buffer under hvisor_ctl_mutex (the
 * device cannot go away meanwhile); the caller copies it to user space
 * without locks. Returns bytes copied or a negative errno.
 */
static int hvisor_ctl_log_fetch(struct hvisor_vhost_console_log *log,
				void **bufp)
{
	struct hvisor_vdev *vdev;
	bool clear = log->flags & HVISOR_VHOST_CONSOLE_LOG_F_CLEAR;
	void *buf = NULL;
	u32 room;
	int ret;

	mutex_lock(&hvisor_ctl_mutex);
	vdev = hvisor_registry_dev_find(log->id);
	if (!vdev) {
		ret = -ENOENT;
		goto unlock;
	}
	room = min(log->len, hvisor_console_log_size(vdev));
	if (room) {
		buf = kvmalloc(room, GFP_KERNEL);
		if (!buf) {
			ret = -ENOMEM;
			goto unlock;
		}
	}
	ret = hvisor_console_log_copy(vdev, buf, room, clear, &log->size,
				      &log->lost);
unlock:
	mutex_unlock(&hvisor_ctl_mutex);
	if (ret < 0)
		kvfree(buf);
	else
		*bufp = buf;
	return ret;
}

static long hvisor_ctl_console_log(void __user *arg)
{
	struct hvisor_vhost_console_log log;
	void *buf = NULL;
	long ret;
	int n;

	if (copy_from_user(&log, arg, sizeof(log)))
		return -EFAULT;
	if (log.flags & ~HVISOR_VHOST_CONSOLE_LOG_F_CLEAR ||
	    !hvisor_ctl_zeroed(log.reserved, ARRAY_SIZE(log.reserved)))
		return -EINVAL;
	/* What a guest printed may be private (passwords echoed, keys). */
	ret = hvisor_ctl_capable(CAP_SYS_ADMIN);
	if (ret)
		return ret;
	n = hvisor_ctl_log_fetch(&log, &buf);
	if (n < 0)
		return n;
	ret = 0;
	if (n && copy_to_user(u64_to_user_ptr(log.buf), buf, n))
		ret = -EFAULT;
	kvfree(buf);
	log.len = n;
	if (!ret && copy_to_user(arg, &log, sizeof(log)))
		ret = -EFAULT;
	return ret;
}

static long hvisor_ctl_ioctl(struct file *file, unsigned int cmd,
			     unsigned long uarg)
{
	void __user *arg = (void __user *)uarg;

	switch (cmd) {
	case HVISOR_VHOST_GET_STATUS:
		return hvisor_ctl_status(arg);
	case HVISOR_VHOST_ZONE_ADD_MEM:
		return hvisor_ctl_zone_mem(arg);
	case HVISOR_VHOST_ZONE_RESET:
	case HVISOR_VHOST_ZONE_DEL:
		return hvisor_ctl_zone(cmd, arg);
	case HVISOR_VHOST_ZONE_LIST:
		return hvisor_hsm_vhost_zone_list(arg);
	case HVISOR_VHOST_DEV_ADD:
		return hvisor_ctl_dev_add(arg);
	case HVISOR_VHOST_DEV_DEL:
		return hvisor_ctl_dev_del(arg);
	case HVISOR_VHOST_DEV_LIST:
		return hvisor_ctl_dev_list(arg);
	case HVISOR_VHOST_CONSOLE_LOG:
		return hvisor_ctl_console_log(arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations hvisor_ctl_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = hvisor_ctl_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice hvisor_ctl_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = HVISOR_VHOST_DEVICE_NAME,
	.fops = &hvisor_ctl_fops,
	.mode = 0600,
};

int hvisor_ctl_init(void)
{
	return misc_register(&hvisor_ctl_misc);
}

void hvisor_ctl_exit(void)
{
	misc_deregister(&hvisor_ctl_misc);
}

/* The device of /dev/hvisor-vhost, once hvisor_ctl_init() succeeded. */
struct device *hvisor_ctl_device(void)
{
	return hvisor_ctl_misc.this_device;
}
