/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvisor_vhost_sim.ko: a simulator playing the hvisor hypervisor and a
 * guest zone inside one Linux kernel, so that Linux's own virtio drivers
 * are the frontends of hvisor_vhost.ko. Never loaded on production systems.
 * See Documentation/simulator.rst.
 *
 * sim_hv.c        the hypervisor side: produces trapped accesses into the
 *                 bridge's request ring, waits for answers, delivers the
 *                 wakeup interrupt, drains the result ring (FINISH_REQ)
 * sim_transport.c the guest side: a virtio transport (virtio-mmio, version
 *                 2) whose register accesses are trapped accesses
 * sim_zone.c      hvisor's zone management: start, shutdown, list, the
 *                 configuration version, the memory zones may use
 * sim_main.c      module glue: hypervisor ops, guest RAM, load and unload
 */
#ifndef _HVISOR_SIM_H
#define _HVISOR_SIM_H

#include <linux/types.h>

struct dentry;
struct hvisor_tool_boot_mode;
struct hvisor_tool_zone_config;
struct hvisor_tool_zone_info;
struct hvisor_virtio_bridge;
struct hvisor_vhost_hv_dev;
struct hvisor_vhost_ram;

#define SIM_PR_PREFIX "hvisor_vhost_sim: "

/* The zone the simulated guest is; its guest-physical == root physical. */
#define SIM_ZONE		1
/* Where devices added without an address go, and their interrupts. */
#define SIM_SLOT_BASE		0xa000000ULL
#define SIM_IRQ_BASE		32
#define SIM_NR_SLOTS		64

/* sim_hv.c: the hypervisor side. */
int sim_hv_init(void);
void sim_hv_exit(void);
int sim_hv_init_virtio(struct hvisor_virtio_bridge *bridge);
void sim_hv_exit_virtio(void);
void sim_hv_finish_req(void);
bool sim_hv_access(u32 zone, u64 addr, u32 size, u64 *value, bool is_write);
void sim_hv_count_guest_irq(bool delivered);
void sim_hv_count_irq_held(void);
void sim_hv_count_irq_lowered(void);
u32 sim_hv_poll_us(void);

/*
 * The simulator's side of the latency breakdown (module parameter
 * "latency", debugfs hvisor_vhost_sim/latency, Documentation/simulator.rst).
 */
enum {
	SIM_LAT_NOTIFY,		/* QueueNotify store -> queued, wakeup sent */
	SIM_LAT_WAKEUP,		/* wakeup sent -> root's consumer called */
	SIM_LAT_ACCESS,		/* a waiting trapped access -> answered */
	SIM_LAT_IRQ,		/* guest interrupt raised -> its handler runs */
	SIM_LAT_HANDLER,	/* the guest's handler, its accesses included */
	SIM_LAT_STAGES,
};

u64 sim_lat_start(void);
void sim_lat_end(unsigned int stage, u64 start);
void sim_lat_since(unsigned int stage, u64 from, u64 now);

struct dentry *sim_hv_debugfs(void);

/* sim_zone.c: hvisor's zone management. */
int sim_zone_init(void);
void sim_zone_exit(void);
bool sim_zone_running(u32 zone_id);
int sim_zone_config_check(u64 *magic);
int sim_zone_start(const struct hvisor_tool_zone_config *cfg);
int sim_zone_shutdown(u32 zone_id);
int sim_zone_list(struct hvisor_tool_zone_info *zones, u32 cnt);
int sim_zone_boot_mode(const struct hvisor_tool_boot_mode *mode);
int sim_zone_ecam_base(u64 *base);
int sim_zone_deassert_irq(u32 zone_id, u32 irq);
int sim_zone_mem_check(u64 pa, u64 size);

/* sim_main.c */
int sim_ram_ranges(struct hvisor_vhost_ram *ram, unsigned int max);

/* sim_transport.c: the guest side. */
int sim_transport_init(void);
void sim_transport_exit(void);
void sim_transport_user_exit(void);
int sim_transport_add(const struct hvisor_vhost_hv_dev *dev);
void sim_transport_remove(const struct hvisor_vhost_hv_dev *dev, bool force);
bool sim_transport_irq(u32 zone, u32 irq);
void sim_transport_irq_lower(u32 zone, u32 irq);

#endif /* _HVISOR_SIM_H */
