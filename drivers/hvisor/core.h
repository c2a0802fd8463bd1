/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Core of hvisor_vhost.ko: the attached hypervisor, the bridge dispatcher,
 * zones and the device registry. Device types and the transport reach the
 * rest of the module only through the functions declared here.
 */
#ifndef _HVISOR_CORE_H
#define _HVISOR_CORE_H

#include <linux/types.h>

struct hvisor_vdev;
struct hvisor_zone;
struct hvisor_vhost_dev_config;
struct hvisor_vhost_dev_info;
struct hvisor_vhost_hv;
struct hvisor_vhost_status;
struct hvisor_vhost_zone_info;
struct hvisor_vhost_zone_mem;
struct device;
struct mutex;
struct workqueue_struct;

#define HVISOR_PR_PREFIX "hvisor_vhost: "

/**
 * struct hvisor_dev_type - a kind of device (blk, net, console)
 * @type: virtio device id (HVISOR_VHOST_DEV_*)
 * @name: "blk", "net", "console"
 * @create: build a device from a checked config (flags and reserved
 *	fields already validated by the core; type-specific fields are the
 *	type's to validate). Allocate the type's structure with an embedded
 *	struct hvisor_vdev, fill device_id, device_features, config,
 *	config_len and ops, call hvisor_vdev_init() and return the vdev, or
 *	an ERR_PTR with a clear errno. The core fills id, zone, addr, irq and
 *	flags before the device is published. Process context.
 * @fill_info: fill info->name (root-side name) and anything type specific;
 *	the core fills the rest. Optional.
 * @init: set up what the type shares between its devices (a tty driver,
 *	say) at module load, before any device exists. Optional.
 * @exit: undo @init at module unload, after every device is gone.
 *	Optional.
 */
struct hvisor_dev_type {
	u32 type;
	const char *name;
	int (*init)(void);
	void (*exit)(void);
	struct hvisor_vdev *(*create)(const struct hvisor_vhost_dev_config *cfg);
	void (*fill_info)(struct hvisor_vdev *vdev,
			  struct hvisor_vhost_dev_info *info);
};

extern const struct hvisor_dev_type hvisor_blk_type;
extern const struct hvisor_dev_type hvisor_net_type;
extern const struct hvisor_dev_type hvisor_console_type;

/* Injection of a device's interrupt: result ring entry plus FINISH_REQ. */
void hvisor_core_inject(struct hvisor_vdev *vdev);
/* Forget a removed device's interrupt still waiting for room. */
void hvisor_core_inject_cancel(struct hvisor_vdev *vdev);
void hvisor_core_irq_lowered(struct hvisor_vdev *vdev);
void hvisor_core_irq_status_read(struct hvisor_vdev *vdev);
/* A userspace backend's result ring entry (ubridge.c). */
int hvisor_core_relay_irq(u32 zone, u32 irq);
/* Answer a vCPU whose access was deferred (HVISOR_MMIO_DEFERRED). */
void hvisor_core_answer(u32 cpu, u64 value, u64 size);
/* Workqueue for deferred device work (resets). */
struct workqueue_struct *hvisor_core_wq(void);
/* Workqueue for device removals nobody waits for (registry.c). */
struct workqueue_struct *hvisor_core_rm_wq(void);

/*
 * Control plane. hvisor_ctl_mutex serialises every change of the control
 * state: attaching and detaching the hypervisor, adding and removing zones,
 * zone memory and devices. The data path (dispatcher, workers) never takes
 * it: it finds zones and devices under RCU.
 */
extern struct mutex hvisor_ctl_mutex;

struct hvisor_vhost_hv *hvisor_core_hv(void);
void hvisor_core_get_status(struct hvisor_vhost_status *st);
int hvisor_core_init(void);
void hvisor_core_exit(void);
int hvisor_hvisor_probe(void);
void hvisor_hvisor_remove(void);
int hvisor_ctl_init(void);
void hvisor_ctl_exit(void);
struct device *hvisor_ctl_device(void);
/* FINISH_REQ asked by user space (/dev/hvisor). */
int hvisor_core_finish_req(void);

/*
 * registry.c: zones and devices; callers hold hvisor_ctl_mutex, but for
 * dev_del, zone_reset and remove_all, which take it themselves.
 */
struct hvisor_zone *hvisor_registry_zone_rcu(u32 zone_id);
struct hvisor_vdev *hvisor_registry_dev_rcu(u32 zone_id, u64 addr);
int hvisor_registry_add_ram(u32 zone_id, u64 gpa, void *kva, phys_addr_t pa,
			    u64 size, bool mapped);
int hvisor_registry_zone_mem(const struct hvisor_vhost_zone_mem *mem);
int hvisor_registry_zone_reset(u32 zone_id);
int hvisor_registry_add_hv_ram(u32 zone_id, u64 gpa, void *kva,
			       phys_addr_t pa, u64 size);
int hvisor_registry_zone_del(u32 zone_id);
bool hvisor_registry_type_capable(u32 type);
int hvisor_registry_dev_add(struct hvisor_vhost_dev_config *cfg);
struct hvisor_vdev *hvisor_registry_dev_find(u32 id);
int hvisor_registry_dev_del(u32 id, u32 flags);
int hvisor_registry_dev_list(struct hvisor_vhost_dev_info __user *entries,
			     u32 room, u32 *count);
void hvisor_registry_remove_all(void);
void hvisor_registry_open(void);
int hvisor_registry_types_init(void);
void hvisor_registry_types_exit(void);
unsigned int hvisor_registry_nr_zones(void);
unsigned int hvisor_registry_nr_devices(void);
/* registry.c, for zones started through /dev/hvisor (hsm_zone.c). */
unsigned int hvisor_registry_zone_stop(u32 zone_id);
void hvisor_registry_zone_announce(u32 zone_id);
void hvisor_registry_zone_list(struct hvisor_vhost_zone_info *infos,
			       u32 room, u32 *count);
bool hvisor_registry_ram_known(u64 pa, u64 size);

/* hsm.c, hsm_zone.c: /dev/hvisor (hvisor-tool's ABI) and its zones. */
void hvisor_hsm_init(struct device *sibling);
void hvisor_hsm_exit(void);
void hvisor_hsm_exit_zones(void);
long hvisor_hsm_vhost_zone_list(void __user *arg);
void hvisor_hsm_zone_forget(u32 zone_id);
bool hvisor_hsm_zone_running(u32 zone_id);
void hvisor_hsm_zone_name(u32 zone_id, char *buf, size_t len);
void hvisor_hsm_zone_fill_info(struct hvisor_vhost_zone_info *info);

#endif /* _HVISOR_CORE_H */
