/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernel versions this tree builds against
 * (Debian's 6.1 and 6.12, and what lies between). Every version test of
 * the project lives here, so the rest of the code reads as mainline code.
 */
#ifndef _HVISOR_COMPAT_H
#define _HVISOR_COMPAT_H

#include <linux/fs.h>
#include <linux/uio.h>
#include <linux/version.h>

/*
 * The symbol namespace of what hvisor_vhost.ko exports for the simulator
 * (include/hvisor/vhost_hv.h): only a module that imports it can link
 * against those functions. 6.13 spells namespaces as string literals.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define HVISOR_VHOST_SIM_NS	"HVISOR_VHOST_SIM"
#else
#define HVISOR_VHOST_SIM_NS	HVISOR_VHOST_SIM
#endif

/* 6.11 passes find_vqs() a struct virtqueue_info array. */
#define HVISOR_HAVE_VIRTQUEUE_INFO \
	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0))

/* 6.6 passes tty_operations.write() a size_t count, returning ssize_t. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define HVISOR_TTY_WRITE_RET	ssize_t
#define HVISOR_TTY_WRITE_COUNT	size_t
#else
#define HVISOR_TTY_WRITE_RET	int
#define HVISOR_TTY_WRITE_COUNT	int
#endif

/**
 * hvisor_vfs_iter_write() - vfs_iter_write() with freeze protection
 * @file: file to write
 * @it: data
 * @pos: position, advanced by what was written
 *
 * Before 6.8 the callers of vfs_iter_write() take freeze protection;
 * from 6.8 on it does so itself.
 *
 * Return: bytes written or a negative errno.
 */
static inline ssize_t hvisor_vfs_iter_write(struct file *file,
					    struct iov_iter *it, loff_t *pos)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 8, 0)
	ssize_t n;

	file_start_write(file);
	n = vfs_iter_write(file, it, pos, 0);
	file_end_write(file);
	return n;
#else
	return vfs_iter_write(file, it, pos, 0);
#endif
}

#endif /* _HVISOR_COMPAT_H */
