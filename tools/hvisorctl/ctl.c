// SPDX-License-Identifier: GPL-2.0
/*
 * hvisorctl: access to /dev/hvisor-vhost and kernel error texts.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ctl.h"
#include "util.h"

const char *ctl_path(void)
{
	const char *path = getenv("HVISORCTL_DEVICE");

	return path && *path ? path : "/dev/" HVISOR_VHOST_DEVICE_NAME;
}

int ctl_ioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : 0;
}

/* First guess of a list's length, and how often it may grow meanwhile. */
#define LIST_GUESS	16
#define LIST_TRIES	8

/* Both list ioctls take the same header. */
static_assert(sizeof(struct hvisor_vhost_dev_list) ==
	      sizeof(struct hvisor_vhost_zone_list), "list headers differ");
static_assert(offsetof(struct hvisor_vhost_dev_list, entries) ==
	      offsetof(struct hvisor_vhost_zone_list, entries),
	      "list headers differ");

void *ctl_list_fetch(int fd, unsigned long req, size_t entry_size,
		     uint32_t *count, int *err)
{
	struct hvisor_vhost_dev_list list;
	uint32_t room = LIST_GUESS;
	void *info = NULL, *tmp;
	int i;

	*err = 0;
	for (i = 0; i < LIST_TRIES; i++) {
		tmp = realloc(info, (size_t)room * entry_size);
		if (!tmp) {
			*err = -ENOMEM;
			break;
		}
		info = tmp;
		memset(&list, 0, sizeof(list));
		list.count = room;
		list.entries = (uintptr_t)info;
		*err = ctl_ioctl(fd, req, &list);
		if (*err)
			break;
		if (list.count <= room) {
			*count = list.count;
			return info;
		}
		/* More entries than room: grow, with slack for new ones. */
		room = list.count + LIST_GUESS;
	}
	if (!*err)
		*err = -EAGAIN;
	free(info);
	return NULL;
}

void *ctl_list_get(const char *cmd, unsigned long req, size_t entry_size,
		   const char *what, uint32_t *count)
{
	void *info;
	int ctl, err;

	ctl = ctl_open(NULL);
	if (ctl < 0)
		return NULL;
	info = ctl_list_fetch(ctl, req, entry_size, count, &err);
	close(ctl);
	if (err == -EAGAIN)
		hv_err("%s: the %s list keeps changing, try again", cmd, what);
	else if (err)
		hv_err("%s: %s", cmd, ctl_strerror(CTL_DEV_LIST, -err));
	return err ? NULL : info;
}

static void ctl_open_error(const char *path, int err)
{
	switch (err) {
	case ENOENT:
	case ENXIO:
	case ENODEV:
		hv_err("%s: %s: the hvisor_vhost module is not loaded", path,
		       strerror(err));
		hv_err("load it with: modprobe hvisor_vhost");
		hv_err("or, without hvisor, the simulator: insmod hvisor_vhost.ko hypervisor=sim; insmod hvisor_vhost_sim.ko");
		break;
	case EACCES:
	case EPERM:
		hv_err("%s: %s (run hvisorctl as root)", path, strerror(err));
		break;
	default:
		hv_err("%s: %s", path, strerror(err));
	}
}

static int ctl_check_status(int fd, const char *path,
			    struct hvisor_vhost_status *st)
{
	int ret = ctl_ioctl(fd, HVISOR_VHOST_GET_STATUS, st);

	if (ret == -ENOTTY || ret == -EINVAL) {
		hv_err("%s: not an hvisor-vhost control device, or its module does not match this hvisorctl",
		       path);
		return -1;
	}
	if (ret) {
		hv_err("%s: status: %s", path, strerror(-ret));
		return -1;
	}
	if (st->abi_version != HVISOR_VHOST_ABI_VERSION) {
		hv_err("the hvisor_vhost module speaks ABI version %u, this hvisorctl speaks version %u: install matching versions",
		       st->abi_version, HVISOR_VHOST_ABI_VERSION);
		return -1;
	}
	return 0;
}

int ctl_open(struct hvisor_vhost_status *st)
{
	const char *path = ctl_path();
	struct hvisor_vhost_status tmp;
	int fd;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ctl_open_error(path, errno);
		return -1;
	}
	if (ctl_check_status(fd, path, st ? st : &tmp)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Messages too long to share a line with code, kept whole so that a user
 * can grep for them.
 */
enum ctl_long_msg {
	MSG_DEV_NOSPC, MSG_DEV_INVAL, MSG_ZONE_MEM_INVAL, MSG_PERM_MEM,
	MSG_PERM_DEV, MSG_DEL_BUSY,
};

static const char *const ctl_long_msgs[] = {
	[MSG_DEV_NOSPC] =
		"no room for another device (automatic slots used up, or the zone's device limit reached; see dmesg)",
	[MSG_DEV_INVAL] =
		"invalid device configuration (addr a non-zero multiple of 0x200 with a non-zero irq, or neither outside the simulator; queue size a power of two; see dmesg)",
	[MSG_ZONE_MEM_INVAL] =
		"invalid region: addresses and size must be page aligned and the memory must be reserved for the zone, not root's RAM (see dmesg)",
	[MSG_PERM_MEM] =
		"permission denied (needs CAP_SYS_ADMIN and CAP_SYS_RAWIO: run hvisorctl as root)",
	[MSG_PERM_DEV] =
		"permission denied (needs CAP_SYS_ADMIN, and CAP_NET_ADMIN for a net device: run hvisorctl as root)",
	[MSG_DEL_BUSY] =
		"the device is being removed already (--force fails its requests in flight and returns at once)",
};

static const char *ctl_strerror_dev_add(int err)
{
	switch (err) {
	case EEXIST:
		return "address already in use";
	case ENOENT:
	case ENXIO:
		return "unknown zone (register its memory first: hvisorctl zone mem add)";
	case EOPNOTSUPP:
		return "device type not supported by this hvisor_vhost module";
	case EROFS:
		return "the backing storage is read-only (add it with --ro)";
	case EBADF:
		return "the image cannot back a disk (a regular file or a block device is needed)";
	case ENOSPC:
		return ctl_long_msgs[MSG_DEV_NOSPC];
	case EBUSY:
		return "the backing storage is busy";
	case EINVAL:
		return ctl_long_msgs[MSG_DEV_INVAL];
	}
	return NULL;
}

static const char *ctl_strerror_zone(enum ctl_op op, int err)
{
	switch (err) {
	case ENOENT:
	case ENXIO:
		return "unknown zone";
	case EBUSY:
		if (op != CTL_ZONE_DEL)
			return "the zone is busy";
		return "the zone has devices or runs (hvisorctl dev del; shut it down)";
	case EEXIST:
		return "the region overlaps one already registered";
	case EINVAL:
		return op == CTL_ZONE_MEM ?
		       ctl_long_msgs[MSG_ZONE_MEM_INVAL] :
		       "invalid zone (guest zones start at 1)";
	}
	return NULL;
}

/* The capabilities each request needs (include/uapi/linux/hvisor_vhost.h). */
static const char *ctl_strerror_perm(enum ctl_op op)
{
	switch (op) {
	case CTL_STATUS:
	case CTL_DEV_LIST:
		return "permission denied";
	case CTL_ZONE_MEM:
		return ctl_long_msgs[MSG_PERM_MEM];
	case CTL_DEV_ADD:
	case CTL_DEV_DEL:
		return ctl_long_msgs[MSG_PERM_DEV];
	default:
		return "permission denied (needs CAP_SYS_ADMIN: run hvisorctl as root)";
	}
}

const char *ctl_strerror(enum ctl_op op, int err)
{
	const char *s = NULL;

	switch (err) {
	case ENODEV:
		return "no hypervisor attached";
	case EPERM:
	case EACCES:
		return ctl_strerror_perm(op);
	case ENOTTY:
		return "request not supported by this hvisor_vhost module";
	case ENOMEM:
		return "the kernel is out of memory";
	}
	switch (op) {
	case CTL_DEV_ADD:
		s = ctl_strerror_dev_add(err);
		break;
	case CTL_DEV_DEL:
		if (err == ENOENT)
			s = "no such device";
		else if (err == EBUSY)
			s = ctl_long_msgs[MSG_DEL_BUSY];
		else if (err == ETIMEDOUT)
			s = "the guest did not release the device (retry with --force)";
		break;
	case CTL_ZONE_MEM:
	case CTL_ZONE_RESET:
	case CTL_ZONE_DEL:
		s = ctl_strerror_zone(op, err);
		break;
	default:
		break;
	}
	return s ? s : strerror(err);
}
