/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvisorctl: access to /dev/hvisor-vhost and kernel error texts.
 */
#ifndef HVISORCTL_CTL_H
#define HVISORCTL_CTL_H

#include <linux/hvisor_vhost.h>

/* Which request an errno answers: the same errno means different things. */
enum ctl_op {
	CTL_STATUS,
	CTL_ZONE_MEM,
	CTL_ZONE_RESET,
	CTL_ZONE_DEL,
	CTL_DEV_ADD,
	CTL_DEV_DEL,
	CTL_DEV_LIST,
	CTL_CONSOLE_LOG,
};

/* $HVISORCTL_DEVICE if set (for tests), else /dev/hvisor-vhost. */
const char *ctl_path(void);

/*
 * Open the control device, read its status into *st (may be NULL) and
 * check the ABI version. Return the fd, or -1 after printing why.
 */
int ctl_open(struct hvisor_vhost_status *st);

/* ioctl() retried on EINTR: 0 or -errno. */
int ctl_ioctl(int fd, unsigned long req, void *arg);

/*
 * A list ioctl (HVISOR_VHOST_DEV_LIST, HVISOR_VHOST_ZONE_LIST): the array
 * of entry_size-byte entries, grown until everything fits (*count
 * entries), or NULL with -errno in *err. Free it with free().
 */
void *ctl_list_fetch(int fd, unsigned long req, size_t entry_size,
		     uint32_t *count, int *err);

/*
 * For "dev list" and "zone list" (cmd: argv[0]; what: "device" or
 * "zone"): open the control device, fetch the list with ctl_list_fetch()
 * and close it again. Return the array, or NULL after printing why.
 */
void *ctl_list_get(const char *cmd, unsigned long req, size_t entry_size,
		   const char *what, uint32_t *count);

/* A helpful text for errno err (positive) answered to op. */
const char *ctl_strerror(enum ctl_op op, int err);

#endif /* HVISORCTL_CTL_H */
