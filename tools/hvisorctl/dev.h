/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvisorctl: device helpers shared by "dev add" and "config load".
 */
#ifndef HVISORCTL_DEV_H
#define HVISORCTL_DEV_H

#include <stdbool.h>

#include <linux/hvisor_vhost.h>

/*
 * Open a disk image (a regular file or a block device) read-write, or
 * read-only with ro, close-on-exec. Return the fd, or -1 after printing
 * "hvisorctl: <path>: <why>".
 */
int image_open(const char *path, bool ro);

/* HVISOR_VHOST_DEV_ADD: 0 or -errno; cfg->id etc. filled in on success. */
int dev_submit(int ctl, struct hvisor_vhost_dev_config *cfg);

/* "device 3: blk in zone 1 at 0xa003c00 irq 78 (disk.img, read-only)" */
void dev_print_added(const struct hvisor_vhost_dev_config *cfg,
		     const char *name);

int cmd_dev_list(int argc, char **argv);

#endif /* HVISORCTL_DEV_H */
