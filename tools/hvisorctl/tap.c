// SPDX-License-Identifier: GPL-2.0
/*
 * hvisorctl: the tap of a net device in tap mode.
 *
 * As QEMU does for vhost-net: open /dev/net/tun once per queue pair,
 * attach each to the tap (TUNSETIFF), set the vnet header the device uses
 * (struct virtio_net_hdr_mrg_rxbuf, 12 bytes, little endian) and hand the
 * files to the kernel, which sets the tap's offloads to those the guest
 * negotiates. The tap must exist: TUNSETIFF would create a missing one,
 * so hvisorctl looks first.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/if_tun.h>

#include "tap.h"
#include "util.h"

#define TUN_PATH	"/dev/net/tun"
#define VNET_HDR_LEN	12	/* struct virtio_net_hdr_mrg_rxbuf */

/*
 * The tap's tun flags from sysfs: 0, -ENOENT when NAME has no tun_flags
 * (not a tun/tap), -EAGAIN when sysfs does not show NAME (another
 * network namespace: the kernel checks then).
 */
static int tap_flags(const char *name, unsigned int *flags)
{
	char path[64], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/net/%s", name);
	if (access(path, F_OK))
		return -EAGAIN;
	snprintf(path, sizeof(path), "/sys/class/net/%s/tun_flags", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -ENOENT;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -ENOENT;
	buf[n] = '\0';
	*flags = (unsigned int)strtoul(buf, NULL, 16);
	return 0;
}

int tap_check(const char *name, uint32_t pairs)
{
	unsigned int flags = 0;
	int ret;

	if (pairs > TAP_MAX_PAIRS) {
		hv_err("--queues: at most %d queue pairs", TAP_MAX_PAIRS);
		return -1;
	}
	if (!if_nametoindex(name)) {
		hv_err("tap %s: no such network interface (create it first: ip tuntap add %s mode tap)",
		       name, name);
		return -1;
	}
	ret = tap_flags(name, &flags);
	if (ret == -EAGAIN)
		return 0;
	if (ret || (flags & (IFF_TUN | IFF_TAP)) != IFF_TAP) {
		hv_err("tap %s: not a tap interface", name);
		return -1;
	}
	if (pairs > 1 && !(flags & IFF_MULTI_QUEUE)) {
		hv_err("tap %s: %u queue pairs need a multi-queue tap (ip tuntap add %s mode tap multi_queue)",
		       name, pairs, name);
		return -1;
	}
	return 0;
}

/* Attach one file to the tap; the fd, or -1 after printing why. */
static int tap_attach(const char *name, bool mq)
{
	struct ifreq ifr;
	int fd, err;

	fd = open(TUN_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		hv_err("%s: %s", TUN_PATH, strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR |
			(mq ? IFF_MULTI_QUEUE : 0);
	if (!ioctl(fd, TUNSETIFF, &ifr))
		return fd;
	err = errno;
	close(fd);
	if (err == EBUSY)
		hv_err("tap %s: in use (a tap without multi_queue serves one program)",
		       name);
	else if (err == EINVAL)
		hv_err("tap %s: not a tap interface, or its multi_queue setting does not match",
		       name);
	else if (err == EPERM)
		hv_err("tap %s: %s (needs CAP_NET_ADMIN or the tap's owner)",
		       name, strerror(err));
	else
		hv_err("tap %s: TUNSETIFF: %s", name, strerror(err));
	return -1;
}

/* Header size and byte order: per tap, set through any of its files. */
static int tap_setup(const char *name, int fd)
{
	int sz = VNET_HDR_LEN, le = 1;

	if (ioctl(fd, TUNSETVNETHDRSZ, &sz) || ioctl(fd, TUNSETVNETLE, &le)) {
		hv_err("tap %s: cannot set its virtio-net header: %s", name,
		       strerror(errno));
		return -1;
	}
	return 0;
}

/* Offloads the tap does not take, as HVISOR_VHOST_NET_OFF_*. */
static uint32_t tap_probe_offloads(int fd)
{
	uint32_t off = 0;

	if (ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6)) {
		off |= HVISOR_VHOST_NET_OFF_TSO;
		if (ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM))
			off |= HVISOR_VHOST_NET_OFF_CSUM;
	}
	/* None until the guest negotiated (the kernel sets them then). */
	ioctl(fd, TUNSETOFFLOAD, 0);
	return off;
}

int tap_open(const char *name, uint32_t pairs, struct tap_files *t)
{
	unsigned int flags = 0;
	bool mq;

	memset(t, 0, sizeof(*t));
	t->ours = true;
	if (!pairs)
		pairs = 1;
	if (tap_check(name, pairs))
		return -1;
	mq = pairs > 1 ||
	     (!tap_flags(name, &flags) && (flags & IFF_MULTI_QUEUE));
	for (t->nr = 0; t->nr < pairs; t->nr++) {
		t->fd[t->nr] = tap_attach(name, mq);
		if (t->fd[t->nr] < 0)
			goto fail;
	}
	if (tap_setup(name, t->fd[0]))
		goto fail;
	t->offloads_off = tap_probe_offloads(t->fd[0]);
	return 0;
fail:
	tap_close(t);
	return -1;
}

int tap_parse_fds(const char *val, struct tap_files *t)
{
	const char *p = val;
	uint32_t fd;
	char num[16];

	memset(t, 0, sizeof(*t));
	while (*p) {
		size_t n = strcspn(p, ",");

		if (t->nr == TAP_MAX_PAIRS || !n || n >= sizeof(num))
			goto bad;
		memcpy(num, p, n);
		num[n] = '\0';
		if (parse_u32(num, &fd) || fd > INT_MAX)
			goto bad;
		t->fd[t->nr++] = (int32_t)fd;
		p += n;
		if (*p == ',' && !*++p)
			goto bad;
	}
	if (t->nr)
		return 0;
bad:
	hv_err("--tap-fd: '%s' is not a list of at most %d file descriptors (3 or 3,4)",
	       val, TAP_MAX_PAIRS);
	return -1;
}

void tap_close(struct tap_files *t)
{
	uint32_t i;

	if (t->ours)
		for (i = 0; i < t->nr; i++)
			if (t->fd[i] >= 0)
				close(t->fd[i]);
	t->nr = 0;
}

void tap_fill(const struct tap_files *t,
	      struct hvisor_vhost_dev_config *cfg)
{
	cfg->net.flags |= HVISOR_VHOST_NET_F_TAP;
	cfg->net.tap_fds = (uintptr_t)t->fd;
	cfg->net.offloads_off |= t->offloads_off;
}

const char *tap_strerror(int err)
{
	switch (err) {
	case EBADF:
		return "a tap file descriptor is not open";
	case ENOTSOCK:
		return "a tap file descriptor is not /dev/net/tun";
	case EBADFD:
		return "a tap file descriptor is not attached to an interface (TUNSETIFF)";
	case ENODEV:
		return "no such tap interface";
	case EOPNOTSUPP:
		return "this hvisor_vhost module or kernel has no tap support (CONFIG_TUN)";
	case EINVAL:
		return "not a tap interface, or an invalid configuration (see dmesg)";
	}
	return NULL;
}
