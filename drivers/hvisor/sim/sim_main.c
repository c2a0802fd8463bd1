// SPDX-License-Identifier: GPL-2.0
/*
 * hvisor_vhost_sim.ko: plays the hvisor hypervisor and guest zone 1 inside
 * this kernel, for tests and demos. Never load it on a real hvisor system.
 *
 *   insmod hvisor_vhost.ko hypervisor=sim
 *   insmod hvisor_vhost_sim.ko [wakeup=remote|local|direct]
 *   hvisorctl dev add ...       (Linux's virtio drivers bind to the device)
 *
 * Zone 1's RAM is every System RAM range of this kernel, guest-physical ==
 * physical, reached through the direct map; so is the RAM of every zone
 * started through /dev/hvisor (sim_zone.c).
 */

#define pr_fmt(fmt) "hvisor_vhost_sim: " fmt

#include <linux/debugfs.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <hvisor/hvisor_tool.h>
#include <hvisor/vhost_hv.h>
#include <hvisor/virtio_bridge.h>

#include "../compat.h"
#include "sim.h"

static bool user_ram;
module_param(user_ram, bool, 0444);
MODULE_PARM_DESC(user_ram,
		 "zone 1's RAM (all of root's RAM) may be mapped through /dev/hvisor, as a userspace virtio backend maps its zone's RAM (tests of the userspace bridge only)");

/* At most this many merged System RAM ranges (the core's zone limit). */
#define SIM_MAX_RAM_RANGES	32

/**
 * struct sim_ram - System RAM ranges, adjacent ones merged
 * @start: first byte of each range
 * @end: last byte of each range
 * @nr: ranges in use
 * @dropped: ranges that did not fit
 */
struct sim_ram {
	u64 start[SIM_MAX_RAM_RANGES];
	u64 end[SIM_MAX_RAM_RANGES];
	unsigned int nr;
	unsigned int dropped;
};

static int sim_init_virtio(struct hvisor_vhost_hv *hv,
			   struct hvisor_virtio_bridge *bridge,
			   phys_addr_t bridge_pa)
{
	return sim_hv_init_virtio(bridge);
}

static void sim_exit_virtio(struct hvisor_vhost_hv *hv)
{
	sim_hv_exit_virtio();
}

static void sim_finish_req(struct hvisor_vhost_hv *hv)
{
	sim_hv_finish_req();
}

/* A device of a zone that does not run reaches its guest when it starts. */
static int sim_device_added(struct hvisor_vhost_hv *hv,
			    const struct hvisor_vhost_hv_dev *dev)
{
	return sim_transport_add(dev);
}

static void sim_device_removing(struct hvisor_vhost_hv *hv,
				const struct hvisor_vhost_hv_dev *dev,
				bool force)
{
	sim_transport_remove(dev, force);
}

static int sim_config_check(struct hvisor_vhost_hv *hv, u64 *magic)
{
	return sim_zone_config_check(magic);
}

static int sim_zone_start_op(struct hvisor_vhost_hv *hv,
			     const struct hvisor_tool_zone_config *cfg)
{
	return sim_zone_start(cfg);
}

static int sim_zone_shutdown_op(struct hvisor_vhost_hv *hv, u32 zone_id)
{
	return sim_zone_shutdown(zone_id);
}

static int sim_zone_list_op(struct hvisor_vhost_hv *hv,
			    struct hvisor_tool_zone_info *zones, u32 cnt)
{
	return sim_zone_list(zones, cnt);
}

static int sim_set_boot_mode(struct hvisor_vhost_hv *hv,
			     const struct hvisor_tool_boot_mode *mode)
{
	return sim_zone_boot_mode(mode);
}

static int sim_get_ecam_base(struct hvisor_vhost_hv *hv, u64 *base)
{
	return sim_zone_ecam_base(base);
}

static int sim_deassert_irq(struct hvisor_vhost_hv *hv, u32 zone_id, u32 irq)
{
	return sim_zone_deassert_irq(zone_id, irq);
}

static void sim_irq_lowered(struct hvisor_vhost_hv *hv, u32 zone_id, u32 irq)
{
	sim_transport_irq_lower(zone_id, irq);
}

static int sim_zone_mem_check_op(struct hvisor_vhost_hv *hv, u64 pa, u64 size)
{
	return sim_zone_mem_check(pa, size);
}

/* Every started zone's guest is root's own drivers: all of root's RAM. */
static int sim_zone_ram(struct hvisor_vhost_hv *hv, u32 zone_id,
			struct hvisor_vhost_ram *ram, unsigned int max)
{
	return sim_ram_ranges(ram, max);
}

static const struct hvisor_vhost_hv_ops sim_ops = {
	.init_virtio = sim_init_virtio,
	.exit_virtio = sim_exit_virtio,
	.finish_req = sim_finish_req,
	.device_added = sim_device_added,
	.device_removing = sim_device_removing,
	.config_check = sim_config_check,
	.zone_start = sim_zone_start_op,
	.zone_shutdown = sim_zone_shutdown_op,
	.zone_list = sim_zone_list_op,
	.set_boot_mode = sim_set_boot_mode,
	.get_ecam_base = sim_get_ecam_base,
	.deassert_irq = sim_deassert_irq,
	.irq_lowered = sim_irq_lowered,
	.zone_mem_check = sim_zone_mem_check_op,
	.zone_ram = sim_zone_ram,
};

static struct hvisor_vhost_hv sim_hv = {
	.name = "simulator",
	.ops = &sim_ops,
	.owner = THIS_MODULE,
	.simulated = true,
	.default_zone = SIM_ZONE,
	.slot_base = SIM_SLOT_BASE,
	.irq_base = SIM_IRQ_BASE,
	.nr_slots = SIM_NR_SLOTS,
};

/* walk_iomem_res_desc() callback: one top-level System RAM resource. */
static int sim_ram_collect(struct resource *res, void *arg)
{
	struct sim_ram *ram = arg;

	if (ram->nr && res->start == ram->end[ram->nr - 1] + 1) {
		ram->end[ram->nr - 1] = res->end;
		return 0;
	}
	if (ram->nr == SIM_MAX_RAM_RANGES) {
		ram->dropped++;
		return 0;
	}
	ram->start[ram->nr] = res->start;
	ram->end[ram->nr] = res->end;
	ram->nr++;
	return 0;
}

/**
 * sim_ram_ranges() - the guest RAM of a simulated zone: root's own
 * @ram: where to put the ranges
 * @max: room in @ram
 *
 * Every System RAM range, guest-physical == physical, at its direct-map
 * address. walk_system_ram_range() is not exported to modules; this is
 * the same walk.
 *
 * Return: ranges filled in (> 0), or a negative errno.
 */
int sim_ram_ranges(struct hvisor_vhost_ram *ram, unsigned int max)
{
	struct sim_ram *sr;
	unsigned int i;
	int n;

	sr = kzalloc(sizeof(*sr), GFP_KERNEL);
	if (!sr)
		return -ENOMEM;
	walk_iomem_res_desc(IORES_DESC_NONE,
			    IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, 0, U64_MAX,
			    sr, sim_ram_collect);
	if (sr->dropped || sr->nr > max)
		pr_warn_once("System RAM ranges beyond the first %u are not guest RAM\n",
			     min_t(unsigned int, SIM_MAX_RAM_RANGES, max));
	n = min(sr->nr, max);
	for (i = 0; i < n; i++)
		ram[i] = (struct hvisor_vhost_ram) {
			.gpa = sr->start[i],
			.kva = phys_to_virt(sr->start[i]),
			.size = sr->end[i] - sr->start[i] + 1,
		};
	kfree(sr);
	return n ? n : -ENOMEM;
}

/* Give zone 1 every System RAM range (sim_ram_ranges()). */
static int sim_add_ram(void)
{
	struct hvisor_vhost_ram *ram;
	int i, n, ret = 0;

	ram = kcalloc(SIM_MAX_RAM_RANGES, sizeof(*ram), GFP_KERNEL);
	if (!ram)
		return -ENOMEM;
	n = sim_ram_ranges(ram, SIM_MAX_RAM_RANGES);
	if (n < 0)
		ret = n;
	for (i = 0; i < n && !ret; i++) {
		/* Guest-physical == root physical. */
		ret = user_ram ?
		      hvisor_vhost_zone_add_ram_pa(SIM_ZONE, ram[i].gpa,
						   ram[i].kva, ram[i].gpa,
						   ram[i].size) :
		      hvisor_vhost_zone_add_ram(SIM_ZONE, ram[i].gpa,
						ram[i].kva, ram[i].size);
		if (ret)
			pr_err("zone %u: adding RAM 0x%llx+0x%llx: %d\n",
			       SIM_ZONE, ram[i].gpa, ram[i].size, ret);
	}
	if (!ret)
		pr_info("zone %u: %d RAM ranges, guest-physical == physical\n",
			SIM_ZONE, n);
	kfree(ram);
	return ret;
}

/*
 * debugfs "ram": zone 1's RAM as a userspace backend maps it through
 * /dev/hvisor (with user_ram=1), one "ROOT_PA:GUEST_PA:SIZE" line per
 * range, whole pages only (virtio_cfg.json's zone0_ipa, zonex_ipa, size).
 */
static int sim_ram_show(struct seq_file *m, void *v)
{
	struct hvisor_vhost_ram *ram;
	u64 start, end;
	int i, n;

	ram = kcalloc(SIM_MAX_RAM_RANGES, sizeof(*ram), GFP_KERNEL);
	if (!ram)
		return -ENOMEM;
	n = sim_ram_ranges(ram, SIM_MAX_RAM_RANGES);
	for (i = 0; i < n; i++) {
		start = PAGE_ALIGN(ram[i].gpa);
		end = (ram[i].gpa + ram[i].size) & PAGE_MASK;
		if (start < end)
			seq_printf(m, "0x%llx:0x%llx:0x%llx\n", start, start,
				   end - start);
	}
	kfree(ram);
	return n < 0 ? n : 0;
}
DEFINE_SHOW_ATTRIBUTE(sim_ram);

/*
 * Attach before declaring the RAM: if another hypervisor (real hvisor) is
 * attached, the attach fails and root's own RAM is never handed to a real
 * zone 1. Until the RAM is declared zone 1 does not exist, so no device can
 * be added in between.
 */
static int __init sim_init(void)
{
	int ret;

	ret = sim_hv_init();
	if (ret)
		return ret;
	ret = sim_zone_init();
	if (ret)
		goto err_hv;
	ret = sim_transport_init();
	if (ret)
		goto err_zone;
	sim_hv.poll_us = sim_hv_poll_us();
	ret = hvisor_vhost_attach(&sim_hv);
	if (ret) {
		pr_err("cannot attach to hvisor_vhost (load it with hypervisor=sim): %d\n",
		       ret);
		goto err_transport;
	}
	ret = sim_add_ram();
	if (ret)
		goto err_detach;
	debugfs_create_file("ram", 0444, sim_hv_debugfs(), NULL,
			    &sim_ram_fops);
	pr_info("simulating hvisor and zone %u\n", SIM_ZONE);
	return 0;

err_detach:
	sim_transport_user_exit();
	hvisor_vhost_detach(&sim_hv);
err_transport:
	sim_transport_user_exit();
	sim_transport_exit();
err_zone:
	sim_zone_exit();
err_hv:
	sim_hv_exit();
	return ret;
}

/*
 * The core removes every device (unplugging its guest side) and forgets
 * every zone first; nothing maps or loads into the zones' memory any more
 * (each of those holds a reference on this module).
 */
static void __exit sim_exit(void)
{
	/* Userspace devices' transports are the core's to know nothing of. */
	sim_transport_user_exit();
	hvisor_vhost_detach(&sim_hv);
	sim_transport_exit();
	sim_zone_exit();
	sim_hv_exit();
}

module_init(sim_init);
module_exit(sim_exit);

MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(HVISOR_VHOST_SIM_NS);
MODULE_DESCRIPTION("hvisor and guest simulator for hvisor_vhost (tests and demos only)");
MODULE_AUTHOR("hvisor-vhost developers");
