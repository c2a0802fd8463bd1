// SPDX-License-Identifier: GPL-2.0
/*
 * Zones started through /dev/hvisor: what hvisor-tool's "hvisor zone
 * start|shutdown|list" ask, passed to the hypervisor, and what
 * hvisor_vhost keeps of each zone (Documentation/hsm.rst).
 *
 * ZONE_START copies and checks the configuration (hsm_config.c), checks
 * that the hypervisor speaks the same configuration version, makes the
 * zone's RAM the guest memory its devices reach (the registry's zone),
 * starts the zone and records it. ZONE_SHUTDOWN stops it and resets its
 * devices, which stay for its next start.
 *
 * Lifetime of a record (struct hsm_zone): created by the first ZONE_START
 * of a zone that succeeds, kept while the zone is shut down (its RAM
 * regions are where a restart loads its images), freed by
 * hvisor_hsm_zone_forget() when the registry drops the zone (hvisorctl
 * zone del, the hypervisor detaching, module unload). A record exists
 * only while the registry's zone of the same id does.
 *
 * Locking: hvisor_ctl_mutex serialises every change. mmap() reads the
 * records with mmap_lock held, and hvisor_ctl_mutex is held elsewhere
 * across copy_to_user() (which takes mmap_lock), so mmap() must not take
 * it: writers of hsm_zones[] take hsm_lock as well, and mmap() only that.
 * hsm_lock is innermost: nothing else is taken under it.
 */

#define pr_fmt(fmt) "hvisor_vhost: " fmt

#include <linux/capability.h>
#include <linux/io.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/hvisor_vhost.h>
#include <hvisor/hvisor_tool.h>
#include <hvisor/vhost_hv.h>

#include "compat.h"
#include "core.h"
#include "hsm.h"
#include "ram.h"
#include "zone.h"

/**
 * struct hsm_ram - a RAM region of a zone's configuration
 * @pa: where root sees it
 * @gpa: where the guest sees it
 * @size: bytes
 */
struct hsm_ram {
	u64 pa;
	u64 gpa;
	u64 size;
};

/**
 * struct hsm_zone - a zone started through /dev/hvisor
 * @id: zone id
 * @running: started and not shut down since
 * @cpus: its CPUs, from its configuration
 * @name: its name, NUL-terminated
 * @owner: module of the hypervisor that started it; pinned while a
 *	mapping or a LOAD_IMAGE of its memory exists
 * @nr_ram: entries in @ram
 * @ram: its configuration's RAM regions
 */
struct hsm_zone {
	u32 id;
	bool running;
	u64 cpus;
	char name[HVISOR_TOOL_NAME_LEN];
	struct module *owner;
	unsigned int nr_ram;
	struct hsm_ram ram[HVISOR_TOOL_MAX_MEM_REGIONS];
};

/* See the locking rules at the top. */
static DEFINE_MUTEX(hsm_lock);
static struct hsm_zone *hsm_zones[HVISOR_TOOL_MAX_ZONES];

static struct hsm_zone *hsm_zone_get(u32 id)
{
	return id < HVISOR_TOOL_MAX_ZONES ? hsm_zones[id] : NULL;
}

/* Replace the record of @z->id by @z (NULL: remove it of zone @id). */
static void hsm_zone_set(u32 id, struct hsm_zone *z)
{
	struct hsm_zone *old;

	lockdep_assert_held(&hvisor_ctl_mutex);
	mutex_lock(&hsm_lock);
	old = hsm_zones[id];
	hsm_zones[id] = z;
	mutex_unlock(&hsm_lock);
	kfree(old);
}

static bool hsm_admin(void)
{
	return capable(CAP_SYS_ADMIN);
}

/* The attached hypervisor, or NULL; hvisor_ctl_mutex held. */
static struct hvisor_vhost_hv *hsm_hv(void)
{
	lockdep_assert_held(&hvisor_ctl_mutex);
	return hvisor_core_hv();
}

/* CONFIG_CHECK must give the version our structures have. */
static int hsm_check_version(struct hvisor_vhost_hv *hv, u32 id)
{
	u64 magic = 0;
	int ret;

	ret = hv->ops->config_check(hv, &magic);
	if (ret) {
		pr_err("zone %u: CONFIG_CHECK failed: %d\n", id, ret);
		return ret;
	}
	if (magic != HVISOR_TOOL_CONFIG_MAGIC) {
		pr_err("zone %u not started: %s speaks zone configuration version 0x%llx, hvisor_vhost (like hvisor-tool) version 0x%x\n",
		       id, hv->name, magic, HVISOR_TOOL_CONFIG_MAGIC);
		return -EPROTO;
	}
	return 0;
}

/* Does RAM region @r of zone @id overlap another zone's recorded RAM? */
static u32 hsm_ram_claimed(u32 id, const struct hvisor_tool_mem_region *r)
{
	struct hsm_zone *z;
	unsigned int i, j;

	for (i = 1; i < HVISOR_TOOL_MAX_ZONES; i++) {
		z = hsm_zones[i];
		if (!z || i == id)
			continue;
		for (j = 0; j < z->nr_ram; j++)
			if (hvisor_hsm_ranges_overlap(r->physical_start, r->size,
						      z->ram[j].pa,
						      z->ram[j].size))
				return i;
	}
	return 0;
}

/* Every RAM region is zone memory, and no other zone's. */
static int hsm_check_memory(struct hvisor_vhost_hv *hv,
			    const struct hvisor_tool_zone_config *cfg)
{
	const struct hvisor_tool_mem_region *r;
	unsigned int i;
	u32 other;

	for (i = 0; i < cfg->num_memory_regions; i++) {
		r = &cfg->memory_regions[i];
		if (r->type != HVISOR_TOOL_MEM_RAM)
			continue;
		if (hv->ops->zone_mem_check(hv, r->physical_start, r->size)) {
			pr_err("zone %u: RAM region %u at 0x%llx + 0x%llx cannot be zone memory on %s (root's own RAM?)\n",
			       cfg->zone_id, i, r->physical_start, r->size,
			       hv->name);
			return -EINVAL;
		}
		other = hsm_ram_claimed(cfg->zone_id, r);
		if (other) {
			pr_err("zone %u: RAM region %u at 0x%llx + 0x%llx overlaps zone %u's RAM\n",
			       cfg->zone_id, i, r->physical_start, r->size,
			       other);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Has zone @id this piece of guest RAM already, mapped the same way
 * (same root physical address when @pa, else same kernel address)?
 */
static bool hsm_has_ram(u32 id, u64 gpa, u64 size, u64 pa, void *kva)
{
	struct hvisor_zone *zone = hvisor_registry_zone_rcu(id);
	const struct hvisor_zone_region *r;
	unsigned int i;

	if (!zone)
		return false;
	for (i = 0; i < zone->nr_regions; i++) {
		r = &zone->regions[i];
		if (r->gpa == gpa && r->size == size &&
		    (pa ? r->pa == pa : r->kva == kva))
			return true;
	}
	return false;
}

/* Real hvisor: each RAM region of the configuration, mapped. */
static int hsm_add_config_ram(const struct hvisor_tool_zone_config *cfg)
{
	const struct hvisor_tool_mem_region *r;
	unsigned int i;
	void *kva;
	int ret;

	for (i = 0; i < cfg->num_memory_regions; i++) {
		r = &cfg->memory_regions[i];
		if (r->type != HVISOR_TOOL_MEM_RAM ||
		    hsm_has_ram(cfg->zone_id, r->virtual_start, r->size,
				r->physical_start, NULL))
			continue;
		kva = hvisor_ram_map(r->physical_start, r->size);
		if (!kva)
			return -ENOMEM;
		ret = hvisor_registry_add_ram(cfg->zone_id, r->virtual_start,
					      kva, r->physical_start, r->size,
					      true);
		if (ret) {
			hvisor_ram_unmap(kva, r->physical_start);
			pr_err("zone %u: RAM region %u (guest 0x%llx + 0x%llx) clashes with the zone's memory registered before: %d\n",
			       cfg->zone_id, i, r->virtual_start, r->size, ret);
			return ret;
		}
	}
	return 0;
}

/* The simulator: the guest RAM it says the zone's data path reaches. */
static int hsm_add_hv_ram(struct hvisor_vhost_hv *hv, u32 id)
{
	struct hvisor_vhost_ram *ram;
	int i, n, ret = 0;

	ram = kcalloc(HVISOR_ZONE_MAX_REGIONS, sizeof(*ram), GFP_KERNEL);
	if (!ram)
		return -ENOMEM;
	n = hv->ops->zone_ram(hv, id, ram, HVISOR_ZONE_MAX_REGIONS);
	if (n <= 0)
		ret = n ? n : -ENOMEM;
	for (i = 0; i < n && !ret; i++) {
		if (hsm_has_ram(id, ram[i].gpa, ram[i].size, 0, ram[i].kva))
			continue;
		ret = hvisor_registry_add_ram(id, ram[i].gpa, ram[i].kva, 0,
					      ram[i].size, false);
		if (ret)
			pr_err("zone %u: guest RAM 0x%llx + 0x%llx: %d\n", id,
			       ram[i].gpa, ram[i].size, ret);
	}
	kfree(ram);
	return ret;
}

static void hsm_fill_record(struct hsm_zone *z,
			    const struct hvisor_tool_zone_config *cfg,
			    struct hvisor_vhost_hv *hv)
{
	const struct hvisor_tool_mem_region *r;
	unsigned int i;

	z->id = cfg->zone_id;
	z->running = true;
	z->cpus = cfg->cpus;
	/* NUL-terminated: hvisor_hsm_config_check() made sure. */
	strscpy(z->name, cfg->name, sizeof(z->name));
	z->owner = hv->owner;
	z->nr_ram = 0;
	for (i = 0; i < cfg->num_memory_regions; i++) {
		r = &cfg->memory_regions[i];
		if (r->type != HVISOR_TOOL_MEM_RAM)
			continue;
		z->ram[z->nr_ram++] = (struct hsm_ram) {
			.pa = r->physical_start,
			.gpa = r->virtual_start,
			.size = r->size,
		};
	}
}

/* Guest RAM for the data path, then the hypercall. */
static int hsm_start_zone(struct hvisor_vhost_hv *hv,
			  const struct hvisor_tool_zone_config *cfg)
{
	u32 id = cfg->zone_id;
	bool created = !hvisor_registry_zone_rcu(id);
	int ret;

	if (hv->ops->zone_ram)
		ret = hsm_add_hv_ram(hv, id);
	else
		ret = hsm_add_config_ram(cfg);
	if (!ret) {
		ret = hv->ops->zone_start(hv, cfg);
		if (ret)
			pr_err("zone %u: %s did not start it: %d\n", id,
			       hv->name, ret);
	}
	/* Memory already registered before stays, as ZONE_ADD_MEM's would. */
	if (ret && created)
		hvisor_registry_zone_del(id);
	return ret;
}

static int hsm_zone_start_locked(const struct hvisor_tool_zone_config *cfg,
				 struct hsm_zone *fresh)
{
	struct hvisor_vhost_hv *hv = hsm_hv();
	struct hsm_zone *old = hsm_zone_get(cfg->zone_id);
	int ret;

	if (!hv)
		return -ENODEV;
	if (!hv->ops->zone_start || !hv->ops->config_check ||
	    !hv->ops->zone_mem_check)
		return -EOPNOTSUPP;
	if (old && old->running) {
		pr_err("zone %u (%s) is running: shut it down first\n",
		       old->id, old->name);
		return -EEXIST;
	}
	ret = hsm_check_version(hv, cfg->zone_id);
	if (!ret)
		ret = hsm_check_memory(hv, cfg);
	if (!ret)
		ret = hsm_start_zone(hv, cfg);
	if (ret)
		return ret;
	hsm_fill_record(fresh, cfg, hv);
	hsm_zone_set(cfg->zone_id, fresh);
	/* Its devices appear to the new guest (the simulator plugs them). */
	hvisor_registry_zone_announce(cfg->zone_id);
	pr_info("zone %u (%s) started, %u RAM region(s)\n", cfg->zone_id,
		fresh->name, fresh->nr_ram);
	return 0;
}

/**
 * hvisor_hsm_zone_start() - ZONE_START
 * @arg: user pointer to a struct hvisor_tool_zone_config
 *
 * Capability: CAP_SYS_ADMIN.
 * Return: 0 or a negative errno: EINVAL bad configuration (the reason is
 * logged), EPROTO the hypervisor speaks another configuration version,
 * EEXIST the zone runs, ENODEV no hypervisor, EOPNOTSUPP it has no zone
 * management, or the hypervisor's own answer.
 */
long hvisor_hsm_zone_start(const void __user *arg)
{
	struct hvisor_tool_zone_config *cfg;
	char why[HVISOR_HSM_WHY_LEN];
	struct hsm_zone *fresh;
	long ret;

	if (!hsm_admin())
		return -EPERM;
	/* kmalloc: the hypervisor reads the copy by physical address. */
	cfg = kmalloc(sizeof(*cfg), GFP_KERNEL);
	fresh = kzalloc(sizeof(*fresh), GFP_KERNEL);
	if (!cfg || !fresh) {
		ret = -ENOMEM;
		goto out;
	}
	if (copy_from_user(cfg, arg, sizeof(*cfg))) {
		ret = -EFAULT;
		goto out;
	}
	ret = hvisor_hsm_config_check(cfg, why, sizeof(why));
	if (ret) {
		pr_err("zone start refused: %s\n", why);
		goto out;
	}
	mutex_lock(&hvisor_ctl_mutex);
	ret = hsm_zone_start_locked(cfg, fresh);
	mutex_unlock(&hvisor_ctl_mutex);
	if (!ret)
		fresh = NULL;
out:
	kfree(fresh);
	kfree(cfg);
	return ret;
}

/**
 * hvisor_hsm_zone_shutdown() - ZONE_SHUTDOWN
 * @zone_id: the zone, by value
 *
 * Once the hypervisor stopped the zone, every device of the zone is reset
 * (what it had in flight completes or fails first) and kept, so that the
 * zone's next start finds them.
 *
 * Capability: CAP_SYS_ADMIN.
 * Return: 0 or a negative errno (EINVAL for root or a bad id, ENODEV,
 * EOPNOTSUPP, or the hypervisor's answer).
 */
long hvisor_hsm_zone_shutdown(u64 zone_id)
{
	struct hvisor_vhost_hv *hv;
	struct hsm_zone *z;
	unsigned int n;
	long ret;

	if (!hsm_admin())
		return -EPERM;
	if (!zone_id || zone_id >= HVISOR_TOOL_MAX_ZONES) {
		pr_err("zone shutdown %llu: guest zones are 1 .. %u\n",
		       zone_id, HVISOR_TOOL_MAX_ZONES - 1);
		return -EINVAL;
	}
	mutex_lock(&hvisor_ctl_mutex);
	hv = hsm_hv();
	ret = !hv ? -ENODEV : !hv->ops->zone_shutdown ? -EOPNOTSUPP :
	      hv->ops->zone_shutdown(hv, zone_id);
	if (!ret) {
		n = hvisor_registry_zone_stop(zone_id);
		z = hsm_zone_get(zone_id);
		if (z) {
			mutex_lock(&hsm_lock);
			z->running = false;
			mutex_unlock(&hsm_lock);
		}
		pr_info("zone %llu shut down; its %u device(s) were reset and stay for its next start\n",
			zone_id, n);
	} else if (hv) {
		pr_err("zone %llu: %s did not shut it down: %ld\n", zone_id,
		       hv->name, ret);
	}
	mutex_unlock(&hvisor_ctl_mutex);
	return ret;
}

/**
 * hvisor_hsm_zone_list() - ZONE_LIST, passed through to the hypervisor
 * @arg: user pointer to a struct hvisor_tool_zone_list_args
 *
 * Return: the number of zones written to the user's array (at most its
 * cnt and HVISOR_TOOL_MAX_ZONES), or a negative errno.
 */
long hvisor_hsm_zone_list(void __user *arg)
{
	struct hvisor_tool_zone_list_args args;
	struct hvisor_tool_zone_info *zones;
	struct hvisor_vhost_hv *hv;
	u32 cnt;
	long ret;

	if (copy_from_user(&args, arg, sizeof(args)))
		return -EFAULT;
	cnt = min_t(u64, args.cnt, HVISOR_TOOL_MAX_ZONES);
	if (!cnt)
		return 0;
	zones = kcalloc(cnt, sizeof(*zones), GFP_KERNEL);
	if (!zones)
		return -ENOMEM;
	mutex_lock(&hvisor_ctl_mutex);
	hv = hsm_hv();
	ret = !hv ? -ENODEV : !hv->ops->zone_list ? -EOPNOTSUPP :
	      hv->ops->zone_list(hv, zones, cnt);
	mutex_unlock(&hvisor_ctl_mutex);
	if (ret > cnt)
		ret = cnt;
	if (ret > 0 && copy_to_user(u64_to_user_ptr(args.zones), zones,
				    ret * sizeof(*zones)))
		ret = -EFAULT;
	kfree(zones);
	return ret;
}

/* CONFIG_CHECK or GET_ECAM_BASE: a read-only query answering a u64. */
static long hsm_query_u64(u64 __user *arg, bool ecam)
{
	int (*op)(struct hvisor_vhost_hv *hv, u64 *v) = NULL;
	struct hvisor_vhost_hv *hv;
	u64 value = 0;
	long ret;

	mutex_lock(&hvisor_ctl_mutex);
	hv = hsm_hv();
	if (hv)
		op = ecam ? hv->ops->get_ecam_base : hv->ops->config_check;
	ret = !hv ? -ENODEV : !op ? -EOPNOTSUPP : op(hv, &value);
	mutex_unlock(&hvisor_ctl_mutex);
	if (!ret && put_user(value, arg))
		ret = -EFAULT;
	return ret;
}

/**
 * hvisor_hsm_config_version() - CONFIG_CHECK
 * @arg: user pointer to a u64 that receives the hypervisor's version
 *
 * Return: 0 or a negative errno.
 */
long hvisor_hsm_config_version(u64 __user *arg)
{
	return hsm_query_u64(arg, false);
}

/**
 * hvisor_hsm_ecam_base() - GET_ECAM_BASE
 * @arg: user pointer to a u64 that receives root's PCI ECAM base
 *
 * Return: 0 or a negative errno.
 */
long hvisor_hsm_ecam_base(u64 __user *arg)
{
	return hsm_query_u64(arg, true);
}

/**
 * hvisor_hsm_boot_mode() - SET_BOOT_MODE
 * @arg: user pointer to a struct hvisor_tool_boot_mode
 *
 * Capability: CAP_SYS_ADMIN.
 * Return: 0 or a negative errno.
 */
long hvisor_hsm_boot_mode(const void __user *arg)
{
	struct hvisor_tool_boot_mode *mode;
	struct hvisor_vhost_hv *hv;
	long ret;

	if (!hsm_admin())
		return -EPERM;
	/* kmalloc: the hypervisor reads it by physical address. */
	mode = memdup_user(arg, sizeof(*mode));
	if (IS_ERR(mode))
		return PTR_ERR(mode);
	if (!mode->zone_id || mode->zone_id >= HVISOR_TOOL_MAX_ZONES) {
		kfree(mode);
		return -EINVAL;
	}
	mutex_lock(&hvisor_ctl_mutex);
	hv = hsm_hv();
	ret = !hv ? -ENODEV : !hv->ops->set_boot_mode ? -EOPNOTSUPP :
	      hv->ops->set_boot_mode(hv, mode);
	mutex_unlock(&hvisor_ctl_mutex);
	kfree(mode);
	return ret;
}

/**
 * hvisor_hsm_deassert_irq() - DEASSERT_IRQ (LoongArch's hvisor)
 * @arg: user pointer to a struct hvisor_tool_irq_line
 *
 * Capability: CAP_SYS_ADMIN.
 * Return: 0 or a negative errno (EOPNOTSUPP where the hypervisor has no
 * such call).
 */
long hvisor_hsm_deassert_irq(const void __user *arg)
{
	struct hvisor_tool_irq_line line;
	struct hvisor_vhost_hv *hv;
	long ret;

	if (!hsm_admin())
		return -EPERM;
	if (copy_from_user(&line, arg, sizeof(line)))
		return -EFAULT;
	if (line.zone_id >= HVISOR_TOOL_MAX_ZONES)
		return -EINVAL;
	mutex_lock(&hvisor_ctl_mutex);
	hv = hsm_hv();
	ret = !hv ? -ENODEV : !hv->ops->deassert_irq ? -EOPNOTSUPP :
	      hv->ops->deassert_irq(hv, line.zone_id, line.irq_id);
	mutex_unlock(&hvisor_ctl_mutex);
	return ret;
}

/*
 * A load either lies in one RAM region of a zone started here, or touches
 * none (a zone about to start: hvisor-tool loads before ZONE_START).
 * hsm_lock or hvisor_ctl_mutex held.
 */
static int hsm_load_fits(u64 pa, u64 size)
{
	struct hsm_zone *z;
	unsigned int i, j;

	for (i = 1; i < HVISOR_TOOL_MAX_ZONES; i++) {
		z = hsm_zones[i];
		for (j = 0; z && j < z->nr_ram; j++) {
			if (!hvisor_hsm_ranges_overlap(pa, size, z->ram[j].pa,
						       z->ram[j].size))
				continue;
			if (hvisor_hsm_range_inside(pa, size, z->ram[j].pa,
						    z->ram[j].size))
				return 0;
			pr_err("LOAD_IMAGE 0x%llx + 0x%llx straddles zone %u's RAM region 0x%llx + 0x%llx\n",
			       pa, size, i, z->ram[j].pa, z->ram[j].size);
			return -EINVAL;
		}
	}
	return 0;
}

/**
 * hvisor_hsm_load_target() - may LOAD_IMAGE write [pa, pa + size)
 * @pa: root physical address
 * @size: bytes, > 0, pa + size does not wrap
 * @pin: out: module to module_put() once the copy is done
 *
 * The range must be zone memory for the hypervisor (never root's own RAM;
 * the simulator's reserved memory only), and lie inside one RAM region of
 * a zone started here or outside all of them (a zone about to start).
 * The hypervisor's module stays while the copy runs.
 *
 * Context: process, may sleep; no lock held.
 * Return: 0 or a negative errno (EINVAL when refused).
 */
int hvisor_hsm_load_target(u64 pa, u64 size, struct module **pin)
{
	struct hvisor_vhost_hv *hv;
	int ret;

	mutex_lock(&hvisor_ctl_mutex);
	hv = hsm_hv();
	if (!hv) {
		ret = -ENODEV;
	} else if (!hv->ops->zone_mem_check) {
		ret = -EOPNOTSUPP;
	} else if (hv->ops->zone_mem_check(hv, pa, size)) {
		pr_err("LOAD_IMAGE 0x%llx + 0x%llx refused: not zone memory on %s\n",
		       pa, size, hv->name);
		ret = -EINVAL;
	} else {
		ret = hsm_load_fits(pa, size);
	}
	if (!ret) {
		if (try_module_get(hv->owner))
			*pin = hv->owner;
		else
			ret = -ENODEV;
	}
	mutex_unlock(&hvisor_ctl_mutex);
	return ret;
}

/**
 * hvisor_hsm_map_target() - may a user map [pa, pa + size)
 * @pa: root physical address, page aligned
 * @size: bytes, > 0, pa + size does not wrap
 * @pin: out: module to module_put() when the mapping goes (may be NULL)
 *
 * Only RAM of a zone the module knows: a RAM region of a zone started
 * here (its hypervisor's module is pinned), or zone memory registered
 * with HVISOR_VHOST_ZONE_ADD_MEM.
 *
 * Context: mmap(), mmap_lock held: takes hsm_lock only.
 * Return: 0 or -EINVAL (not a known zone's RAM), -ENODEV (its hypervisor
 * is going away).
 */
int hvisor_hsm_map_target(u64 pa, u64 size, struct module **pin)
{
	struct module *owner = NULL;
	bool found = false;
	struct hsm_zone *z;
	unsigned int i, j;
	int ret = 0;

	mutex_lock(&hsm_lock);
	for (i = 1; i < HVISOR_TOOL_MAX_ZONES && !found; i++) {
		z = hsm_zones[i];
		for (j = 0; z && j < z->nr_ram && !found; j++)
			found = hvisor_hsm_range_inside(pa, size, z->ram[j].pa,
							z->ram[j].size);
		if (found)
			owner = z->owner;
	}
	if (found && !try_module_get(owner))
		ret = -ENODEV;
	mutex_unlock(&hsm_lock);
	if (found) {
		*pin = owner;
		return ret;
	}
	*pin = NULL;
	return hvisor_registry_ram_known(pa, size) ? 0 : -EINVAL;
}

/**
 * hvisor_hsm_zone_forget() - the registry drops zone @zone_id
 * @zone_id: the zone
 *
 * Context: hvisor_ctl_mutex held.
 */
void hvisor_hsm_zone_forget(u32 zone_id)
{
	if (hsm_zone_get(zone_id))
		hsm_zone_set(zone_id, NULL);
}

/**
 * hvisor_hsm_zone_running() - was zone @zone_id started here and not
 *	shut down since
 * @zone_id: the zone
 *
 * Context: hvisor_ctl_mutex held.
 * Return: true if so.
 */
bool hvisor_hsm_zone_running(u32 zone_id)
{
	struct hsm_zone *z = hsm_zone_get(zone_id);

	lockdep_assert_held(&hvisor_ctl_mutex);
	return z && z->running;
}

/**
 * hvisor_hsm_zone_name() - the name of a zone started here
 * @zone_id: the zone
 * @buf: where to copy it, NUL-terminated; empty for another zone
 * @len: room in @buf
 *
 * Context: hvisor_ctl_mutex held.
 */
void hvisor_hsm_zone_name(u32 zone_id, char *buf, size_t len)
{
	struct hsm_zone *z = hsm_zone_get(zone_id);

	lockdep_assert_held(&hvisor_ctl_mutex);
	strscpy(buf, z ? z->name : "", len);
}

/**
 * hvisor_hsm_zone_fill_info() - what the HSM knows of a listed zone
 * @info: entry of HVISOR_VHOST_ZONE_LIST with zone_id filled in
 *
 * Context: hvisor_ctl_mutex held.
 */
void hvisor_hsm_zone_fill_info(struct hvisor_vhost_zone_info *info)
{
	struct hsm_zone *z = hsm_zone_get(info->zone_id);

	lockdep_assert_held(&hvisor_ctl_mutex);
	if (!z)
		return;
	info->flags |= HVISOR_VHOST_ZONE_F_CONFIG;
	if (z->running)
		info->flags |= HVISOR_VHOST_ZONE_F_RUNNING;
	info->cpus = z->cpus;
	strscpy(info->name, z->name, sizeof(info->name));
	info->nr_config_ram = z->nr_ram;
}

/**
 * hvisor_hsm_vhost_zone_list() - HVISOR_VHOST_ZONE_LIST of /dev/hvisor-vhost
 * @arg: user pointer to a struct hvisor_vhost_zone_list
 *
 * Every zone the module knows: its devices and guest RAM (registry.c)
 * and, for a zone started through /dev/hvisor, its name, CPUs and state.
 *
 * Return: 0, -EINVAL (flags or reserved fields set), -ENOMEM or -EFAULT.
 */
long hvisor_hsm_vhost_zone_list(void __user *arg)
{
	struct hvisor_vhost_zone_info *infos = NULL;
	struct hvisor_vhost_zone_list list;
	u32 room, count = 0, i;
	long ret = 0;

	if (copy_from_user(&list, arg, sizeof(list)))
		return -EFAULT;
	if (list.flags || list.reserved[0] || list.reserved[1])
		return -EINVAL;
	mutex_lock(&hvisor_ctl_mutex);
	room = min(list.count, hvisor_registry_nr_zones());
	if (room) {
		infos = kcalloc(room, sizeof(*infos), GFP_KERNEL);
		if (!infos) {
			mutex_unlock(&hvisor_ctl_mutex);
			return -ENOMEM;
		}
	}
	hvisor_registry_zone_list(infos, room, &count);
	for (i = 0; i < min(room, count); i++)
		hvisor_hsm_zone_fill_info(&infos[i]);
	mutex_unlock(&hvisor_ctl_mutex);
	if (room && copy_to_user(u64_to_user_ptr(list.entries), infos,
				 min(room, count) * sizeof(*infos)))
		ret = -EFAULT;
	kfree(infos);
	list.count = count;
	if (!ret && copy_to_user(arg, &list, sizeof(list)))
		ret = -EFAULT;
	return ret;
}

/**
 * hvisor_hsm_exit_zones() - module unload: every zone was dropped already
 */
void hvisor_hsm_exit_zones(void)
{
	unsigned int i;

	for (i = 0; i < HVISOR_TOOL_MAX_ZONES; i++)
		WARN_ON(hsm_zones[i]);
}
