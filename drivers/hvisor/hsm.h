/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The HSM side of hvisor_vhost.ko: /dev/hvisor with hvisor-tool's ABI
 * (include/hvisor/hvisor_tool.h) and the zones started through it.
 *
 * hsm.c         the misc device: ioctl dispatch, LOAD_IMAGE, mmap
 * hsm_zone.c    zones started through ZONE_START: records, start,
 *               shutdown, list, which memory may be loaded or mapped
 * hsm_config.c  checks of a zone configuration (pure, KUnit-tested)
 * hsm_scmi.c    SCMI clock, reset and power requests, from the device tree
 *
 * What the rest of the module calls is declared in core.h.
 */
#ifndef _HVISOR_HSM_H
#define _HVISOR_HSM_H

#include <linux/types.h>

struct hvisor_tool_zone_config;
struct module;

/* Room for the reason hvisor_hsm_config_check() gives. */
#define HVISOR_HSM_WHY_LEN	128

/* hsm_config.c */
int hvisor_hsm_config_check(const struct hvisor_tool_zone_config *cfg,
			    char *why, size_t len);
bool hvisor_hsm_range_inside(u64 start, u64 size, u64 outer, u64 outer_size);
bool hvisor_hsm_ranges_overlap(u64 a, u64 alen, u64 b, u64 blen);

/* hsm_zone.c: the ioctls, each taking its checked argument. */
long hvisor_hsm_zone_start(const void __user *arg);
long hvisor_hsm_zone_shutdown(u64 zone_id);
long hvisor_hsm_zone_list(void __user *arg);
long hvisor_hsm_config_version(u64 __user *arg);
long hvisor_hsm_ecam_base(u64 __user *arg);
long hvisor_hsm_boot_mode(const void __user *arg);
long hvisor_hsm_deassert_irq(const void __user *arg);
/*
 * Memory a user may reach through /dev/hvisor: 0 and a module to
 * module_put() when done (may be NULL), or a negative errno.
 */
int hvisor_hsm_load_target(u64 pa, u64 size, struct module **pin);
int hvisor_hsm_map_target(u64 pa, u64 size, struct module **pin);

/* hsm_scmi.c */
long hvisor_hsm_scmi(unsigned int cmd, void __user *arg);
void hvisor_hsm_scmi_exit(void);

#endif /* _HVISOR_HSM_H */
