// SPDX-License-Identifier: GPL-2.0
/*
 * The simulator's zone management: what hvisor does for hvisor-tool's
 * zone hypercalls (start, shutdown, list, configuration version, boot
 * mode, ECAM base, interrupt de-assertion), so that /dev/hvisor and
 * hvisor-tool's ioctl sequence run without hvisor.
 *
 * Zones: 0 is root and zone 1 the simulated guest that runs from module
 * load (hvisorctl's default zone); others run from their ZONE_START to
 * their ZONE_SHUTDOWN. A zone's guest is root's own virtio drivers, as
 * zone 1's is: a device is plugged into root's virtio bus while its zone
 * runs (sim_zone_running()), and its data path reaches all of root's RAM.
 *
 * Memory: a zone's configured RAM regions must lie in memory the
 * simulator reserved for zones at load (zone_mem_kb), guest-physical ==
 * root-physical. That memory is the only thing sim_zone_mem_check()
 * accepts, so LOAD_IMAGE and mmap on /dev/hvisor can never reach the rest
 * of root's memory. It is freed at unload, when hvisor_vhost no longer
 * maps or loads into it (each mapping and load holds this module).
 */

#define pr_fmt(fmt) "hvisor_vhost_sim: " fmt

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <hvisor/hvisor_tool.h>

#include "sim.h"

/* Largest reservation: 4 MiB with 4 KiB pages, a valid order everywhere. */
#define SIM_ZONE_MEM_MAX_ORDER	10

static unsigned int config_magic = HVISOR_TOOL_CONFIG_MAGIC;
module_param(config_magic, uint, 0644);
MODULE_PARM_DESC(config_magic,
		 "zone configuration version CONFIG_CHECK answers (hvisor-tool's is 6; another value makes ZONE_START fail, as a mismatched hvisor would)");

static ulong ecam_base = 0x4010000000UL;
module_param(ecam_base, ulong, 0644);
MODULE_PARM_DESC(ecam_base, "what GET_ECAM_BASE answers");

static unsigned int zone_mem_kb = 4096;
module_param(zone_mem_kb, uint, 0444);
MODULE_PARM_DESC(zone_mem_kb,
		 "memory reserved at load for the RAM of zones started through /dev/hvisor, in KiB (at most 4096 with 4 KiB pages); LOAD_IMAGE and mmap reach only it");

/**
 * struct sim_zone_ram - a RAM region of a running zone
 * @pa: root-physical (== guest-physical) start
 * @size: bytes
 */
struct sim_zone_ram {
	u64 pa;
	u64 size;
};

/**
 * struct sim_zone - a zone as the simulated hvisor keeps it
 * @running: started and not shut down
 * @cpus: its CPUs
 * @name: its name
 * @nr_ram: entries in @ram
 * @ram: its RAM regions, inside the reserved memory
 */
struct sim_zone {
	bool running;
	u64 cpus;
	char name[HVISOR_TOOL_NAME_LEN];
	unsigned int nr_ram;
	struct sim_zone_ram ram[HVISOR_TOOL_MAX_MEM_REGIONS];
};

/**
 * struct sim_zones - the simulated hvisor's zone table
 * @lock: protects @zones; hvisor_vhost calls in with its control mutex
 *	held, the guest side (sim_zone_running()) too, but this keeps the
 *	table consistent on its own
 * @zones: every zone id
 * @mem: the memory reserved for zones (NULL when it could not be had)
 * @mem_pa: its physical address
 * @mem_size: its size
 * @starts: ZONE_START calls that started a zone
 * @shutdowns: ZONE_SHUTDOWN calls that stopped one
 * @boot_modes: SET_BOOT_MODE calls
 * @deasserts: DEASSERT_IRQ calls
 * @debugfs: its debugfs file
 */
static struct sim_zones {
	struct mutex lock;	/* @zones */
	struct sim_zone zones[HVISOR_TOOL_MAX_ZONES];
	struct page *mem;
	u64 mem_pa;
	u64 mem_size;
	atomic64_t starts;
	atomic64_t shutdowns;
	atomic64_t boot_modes;
	atomic64_t deasserts;
	struct dentry *debugfs;
} simz;

/* Root's CPUs, as hvisor lists root's zone; the guests share them. */
static u64 sim_zone_root_cpus(void)
{
	unsigned int cpu;
	u64 mask = 0;

	for_each_online_cpu(cpu)
		if (cpu < 64)
			mask |= 1ULL << cpu;
	return mask;
}

/**
 * sim_zone_running() - does zone @zone_id run
 * @zone_id: the zone
 *
 * Return: true for root, the simulated guest zone, and a zone started
 * and not shut down since.
 */
bool sim_zone_running(u32 zone_id)
{
	bool running;

	if (zone_id >= HVISOR_TOOL_MAX_ZONES)
		return false;
	mutex_lock(&simz.lock);
	running = simz.zones[zone_id].running;
	mutex_unlock(&simz.lock);
	return running;
}

/**
 * sim_zone_config_check() - CONFIG_CHECK
 * @magic: out: the configuration version (module parameter config_magic)
 *
 * Return: 0.
 */
int sim_zone_config_check(u64 *magic)
{
	*magic = READ_ONCE(config_magic);
	return 0;
}

/**
 * sim_zone_mem_check() - may [pa, pa + size) be zone memory
 * @pa: root physical address
 * @size: bytes
 *
 * Return: 0 when the range lies in the memory reserved for zones, else
 * -EINVAL.
 */
int sim_zone_mem_check(u64 pa, u64 size)
{
	if (!simz.mem) {
		pr_err_ratelimited("no memory reserved for zones (zone_mem_kb)\n");
		return -EINVAL;
	}
	if (!size || pa < simz.mem_pa || pa - simz.mem_pa >= simz.mem_size ||
	    size > simz.mem_size - (pa - simz.mem_pa))
		return -EINVAL;
	return 0;
}

/* Does [pa, pa + size) overlap RAM of a running zone other than @id? */
static bool sim_zone_ram_taken(u32 id, u64 pa, u64 size)
{
	const struct sim_zone *z;
	unsigned int i, j;

	for (i = 0; i < HVISOR_TOOL_MAX_ZONES; i++) {
		z = &simz.zones[i];
		if (i == id || !z->running)
			continue;
		for (j = 0; j < z->nr_ram; j++)
			if (pa < z->ram[j].pa + z->ram[j].size &&
			    z->ram[j].pa < pa + size)
				return true;
	}
	return false;
}

/* RAM regions: identity mapped, reserved for zones, nobody else's. */
static int sim_zone_check_ram(const struct hvisor_tool_zone_config *cfg)
{
	const struct hvisor_tool_mem_region *r;
	unsigned int i;

	for (i = 0; i < cfg->num_memory_regions; i++) {
		r = &cfg->memory_regions[i];
		if (r->type != HVISOR_TOOL_MEM_RAM)
			continue;
		if (r->virtual_start != r->physical_start) {
			pr_err("zone %u: RAM region %u: guest-physical 0x%llx != physical 0x%llx, the simulator's guests see root's addresses\n",
			       cfg->zone_id, i, r->virtual_start,
			       r->physical_start);
			return -EINVAL;
		}
		if (sim_zone_mem_check(r->physical_start, r->size) ||
		    sim_zone_ram_taken(cfg->zone_id, r->physical_start,
				       r->size)) {
			pr_err("zone %u: RAM region %u at 0x%llx + 0x%llx is not free memory reserved for zones\n",
			       cfg->zone_id, i, r->physical_start, r->size);
			return -EINVAL;
		}
	}
	return 0;
}

static void sim_zone_record(struct sim_zone *z,
			    const struct hvisor_tool_zone_config *cfg)
{
	const struct hvisor_tool_mem_region *r;
	unsigned int i;

	z->running = true;
	z->cpus = cfg->cpus;
	strscpy(z->name, cfg->name, sizeof(z->name));
	z->nr_ram = 0;
	for (i = 0; i < cfg->num_memory_regions; i++) {
		r = &cfg->memory_regions[i];
		if (r->type == HVISOR_TOOL_MEM_RAM)
			z->ram[z->nr_ram++] = (struct sim_zone_ram) {
				.pa = r->physical_start,
				.size = r->size,
			};
	}
}

/**
 * sim_zone_start() - ZONE_START
 * @cfg: the configuration, checked by hvisor_vhost
 *
 * Return: 0, -EINVAL (bad id or memory), -EEXIST (the zone runs).
 */
int sim_zone_start(const struct hvisor_tool_zone_config *cfg)
{
	u32 id = cfg->zone_id;
	int ret;

	/* hvisor checks what it is given, whoever checked it before. */
	if (!id || id >= HVISOR_TOOL_MAX_ZONES ||
	    cfg->num_memory_regions > HVISOR_TOOL_MAX_MEM_REGIONS)
		return -EINVAL;
	mutex_lock(&simz.lock);
	if (simz.zones[id].running) {
		pr_err("zone %u exists already\n", id);
		ret = -EEXIST;
	} else {
		ret = sim_zone_check_ram(cfg);
	}
	if (!ret) {
		sim_zone_record(&simz.zones[id], cfg);
		atomic64_inc(&simz.starts);
		pr_info("zone %u (%s) started\n", id, simz.zones[id].name);
	}
	mutex_unlock(&simz.lock);
	return ret;
}

/**
 * sim_zone_shutdown() - ZONE_SHUTDOWN
 * @zone_id: the zone
 *
 * Return: 0, -EPERM for root, -ENOENT when the zone does not run.
 */
int sim_zone_shutdown(u32 zone_id)
{
	int ret = 0;

	if (!zone_id)
		return -EPERM;
	if (zone_id >= HVISOR_TOOL_MAX_ZONES)
		return -ENOENT;
	mutex_lock(&simz.lock);
	if (!simz.zones[zone_id].running) {
		ret = -ENOENT;
	} else {
		simz.zones[zone_id].running = false;
		simz.zones[zone_id].nr_ram = 0;
		atomic64_inc(&simz.shutdowns);
		pr_info("zone %u shut down\n", zone_id);
	}
	mutex_unlock(&simz.lock);
	return ret;
}

/**
 * sim_zone_list() - ZONE_LIST
 * @zones: zeroed entries to fill
 * @cnt: room in @zones
 *
 * Return: entries filled: the running zones by id, at most @cnt.
 */
int sim_zone_list(struct hvisor_tool_zone_info *zones, u32 cnt)
{
	const struct sim_zone *z;
	unsigned int i;
	u32 n = 0;

	mutex_lock(&simz.lock);
	for (i = 0; i < HVISOR_TOOL_MAX_ZONES && n < cnt; i++) {
		z = &simz.zones[i];
		if (!z->running)
			continue;
		zones[n].zone_id = i;
		zones[n].cpus = z->cpus;
		memcpy(zones[n].name, z->name, sizeof(zones[n].name));
		n++;
	}
	mutex_unlock(&simz.lock);
	return n;
}

/**
 * sim_zone_boot_mode() - SET_BOOT_MODE: counted, nothing boots here
 * @mode: the request
 *
 * Return: 0 or -EINVAL for a bad zone id.
 */
int sim_zone_boot_mode(const struct hvisor_tool_boot_mode *mode)
{
	if (!mode->zone_id || mode->zone_id >= HVISOR_TOOL_MAX_ZONES)
		return -EINVAL;
	atomic64_inc(&simz.boot_modes);
	return 0;
}

/**
 * sim_zone_ecam_base() - GET_ECAM_BASE
 * @base: out: the module parameter ecam_base
 *
 * Return: 0.
 */
int sim_zone_ecam_base(u64 *base)
{
	*base = READ_ONCE(ecam_base);
	return 0;
}

/**
 * sim_zone_deassert_irq() - DEASSERT_IRQ: counted
 * @zone_id: the zone
 * @irq: its interrupt
 *
 * Return: 0, or -ENOENT when the zone does not run.
 */
int sim_zone_deassert_irq(u32 zone_id, u32 irq)
{
	if (!sim_zone_running(zone_id))
		return -ENOENT;
	atomic64_inc(&simz.deasserts);
	return 0;
}

static int sim_zone_show(struct seq_file *m, void *unused)
{
	unsigned int i;

	seq_printf(m, "%-12s 0x%llx\n", "mem_base", simz.mem_pa);
	seq_printf(m, "%-12s 0x%llx\n", "mem_size", simz.mem_size);
	seq_printf(m, "%-12s %lld\n", "starts",
		   (long long)atomic64_read(&simz.starts));
	seq_printf(m, "%-12s %lld\n", "shutdowns",
		   (long long)atomic64_read(&simz.shutdowns));
	seq_printf(m, "%-12s %lld\n", "boot_modes",
		   (long long)atomic64_read(&simz.boot_modes));
	seq_printf(m, "%-12s %lld\n", "deasserts",
		   (long long)atomic64_read(&simz.deasserts));
	mutex_lock(&simz.lock);
	for (i = 0; i < HVISOR_TOOL_MAX_ZONES; i++)
		if (simz.zones[i].running)
			seq_printf(m, "zone %u running %s\n", i,
				   simz.zones[i].name);
	mutex_unlock(&simz.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sim_zone);

/* Memory for zones' RAM: physically contiguous, zeroed. */
static void sim_zone_reserve(void)
{
	unsigned int order = get_order((u64)zone_mem_kb * SZ_1K);

	if (!zone_mem_kb)
		return;
	order = min(order, SIM_ZONE_MEM_MAX_ORDER);
	simz.mem = alloc_pages(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN, order);
	if (!simz.mem) {
		pr_warn("cannot reserve %lu KiB for zones: ZONE_START will refuse every zone\n",
			(PAGE_SIZE << order) / SZ_1K);
		return;
	}
	simz.mem_pa = page_to_phys(simz.mem);
	simz.mem_size = PAGE_SIZE << order;
}

/**
 * sim_zone_init() - module load: root and the simulated guest run, and
 *	memory is reserved for other zones
 *
 * Return: 0.
 */
int sim_zone_init(void)
{
	mutex_init(&simz.lock);
	simz.zones[0] = (struct sim_zone) {
		.running = true,
		.cpus = sim_zone_root_cpus(),
		.name = "root-linux",
	};
	simz.zones[SIM_ZONE] = (struct sim_zone) {
		.running = true,
		.cpus = sim_zone_root_cpus(),
		.name = "sim-guest",
	};
	sim_zone_reserve();
	simz.debugfs = debugfs_create_file("zones", 0444, sim_hv_debugfs(),
					   NULL, &sim_zone_fops);
	return 0;
}

/**
 * sim_zone_exit() - module unload, after hvisor_vhost let go of the zones
 */
void sim_zone_exit(void)
{
	debugfs_remove(simz.debugfs);
	if (simz.mem)
		__free_pages(simz.mem, get_order(simz.mem_size));
	simz.mem = NULL;
}
