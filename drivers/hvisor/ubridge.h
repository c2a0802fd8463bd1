/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The userspace bridge: trapped accesses that no in-kernel device claims
 * go to a userspace backend (hvisor-tool's virtio daemon, unmodified)
 * through a bridge page of its own, with hvisor's layout, mapped at offset
 * 0 of /dev/hvisor. To the daemon the module plays hvisor: it produces
 * requests, signals the SET_EVENTFD eventfd when need_wakeup asks for it,
 * watches cfg_flags for answers and drains the daemon's result ring on
 * FINISH_REQ. See Documentation/hsm.rst, "The userspace bridge".
 */
#ifndef _HVISOR_UBRIDGE_H
#define _HVISOR_UBRIDGE_H

#include <linux/types.h>

struct file;
struct hvisor_device_req;
struct hvisor_vhost_status;
struct vm_area_struct;

/* core.c: a dispatched request nobody in the kernel claims. */
bool hvisor_ubridge_forward(const struct hvisor_device_req *req);
/* core.c: a wakeup; a cheap look for answers when some are outstanding. */
void hvisor_ubridge_poke(void);
/* core.c: the hypervisor detached; its vCPUs wait for nothing any more. */
void hvisor_ubridge_hv_gone(void);
void hvisor_ubridge_get_status(struct hvisor_vhost_status *st);
void hvisor_ubridge_setup(void);

/* hsm.c: /dev/hvisor entry points, process context. */
long hvisor_ubridge_init_virtio(struct file *file);
long hvisor_ubridge_set_eventfd(struct file *file, int fd);
int hvisor_ubridge_mmap(struct file *file, struct vm_area_struct *vma);
/* -ENOENT when @file is not the attached daemon's. */
long hvisor_ubridge_finish_req(struct file *file);
void hvisor_ubridge_release(struct file *file);

#endif /* _HVISOR_UBRIDGE_H */
