// SPDX-License-Identifier: GPL-2.0
/*
 * Zones and devices of hvisor_vhost: creation, lookup from the data path,
 * removal. Everything runs in process context with hvisor_ctl_mutex held,
 * but the two *_rcu lookups and the three calls that wait for devices
 * (dev_del, zone_reset, remove_all), which take the mutex themselves and
 * drop it while they wait, so that a device whose backing hangs blocks
 * nothing but the call waiting for it.
 *
 * Lifetime of a device: created with one reference (struct
 * hvisor_vdev.refs) owned by the registry; zone resets and removal
 * requests take one more while they use it without the mutex. A removal
 * marks it (vdev->removing), then, without the mutex: the guest side lets
 * go, the device leaves the data path (unpublished from its zone's
 * xarray, a grace period: the dispatcher finds devices under RCU), is
 * reset and drained, leaves the list under the mutex and the registry's
 * reference is dropped. The last reference frees it; module unload waits
 * until every device is freed. A zone lives while it is listed or a
 * device holds it (struct hvisor_zone.ref).
 */

#define pr_fmt(fmt) "hvisor_vhost: " fmt

#include <linux/capability.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include <linux/hvisor_vhost.h>
#include <hvisor/vhost_hv.h>
#include <hvisor/virtio_bridge.h>

#include "compat.h"
#include "core.h"
#include "ram.h"
#include "vdev.h"
#include "zone.h"

static unsigned int max_devs_per_zone = 7;
module_param(max_devs_per_zone, uint, 0644);
MODULE_PARM_DESC(max_devs_per_zone,
		 "Devices per zone with real hvisor (its pending-IRQ list holds 8; default 7)");

/* Zones by id. Written under hvisor_ctl_mutex, read under RCU. */
static DEFINE_XARRAY(hvisor_zones);
/* Devices by id. Under hvisor_ctl_mutex. */
static DEFINE_XARRAY_ALLOC(hvisor_devices);
static unsigned int hvisor_nr_zones;
/* Devices listed, those being removed included. Under hvisor_ctl_mutex. */
static unsigned int hvisor_nr_devices;
/* Devices created and not freed yet; module unload waits for none. */
static atomic_t hvisor_nr_alive = ATOMIC_INIT(0);
/* remove_all() started: no zone memory, no device may be added. */
static bool hvisor_registry_closed;

static const struct hvisor_dev_type *const hvisor_dev_types[] = {
	&hvisor_blk_type,
	&hvisor_console_type,
	&hvisor_net_type,
};

static const struct hvisor_dev_type *hvisor_dev_type_find(u32 type)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hvisor_dev_types); i++)
		if (hvisor_dev_types[i]->type == type)
			return hvisor_dev_types[i];
	return NULL;
}

/**
 * hvisor_registry_type_capable() - may the caller add or remove this type?
 * @type: HVISOR_VHOST_DEV_* (unknown types need nothing here: DEV_ADD
 *	refuses them later with EINVAL)
 *
 * The capability a device type needs beyond CAP_SYS_ADMIN, which the
 * control device checks for every change: a net device creates, takes
 * over or removes a root network interface, which needs CAP_NET_ADMIN.
 *
 * Return: true when the calling task has it.
 */
bool hvisor_registry_type_capable(u32 type)
{
	if (type == HVISOR_VHOST_DEV_NET)
		return capable(CAP_NET_ADMIN);
	return true;
}

/**
 * hvisor_registry_types_init() - run every device type's init hook
 *
 * Module load, before the control device exists. Return: 0 or the first
 * hook's error, with the hooks that ran undone.
 */
int hvisor_registry_types_init(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(hvisor_dev_types); i++) {
		if (!hvisor_dev_types[i]->init)
			continue;
		ret = hvisor_dev_types[i]->init();
		if (ret)
			goto err_undo;
	}
	return 0;

err_undo:
	while (i--)
		if (hvisor_dev_types[i]->exit)
			hvisor_dev_types[i]->exit();
	return ret;
}

/* Module unload, after every device is gone. */
void hvisor_registry_types_exit(void)
{
	unsigned int i = ARRAY_SIZE(hvisor_dev_types);

	while (i--)
		if (hvisor_dev_types[i]->exit)
			hvisor_dev_types[i]->exit();
}

unsigned int hvisor_registry_nr_zones(void)
{
	return hvisor_nr_zones;
}

unsigned int hvisor_registry_nr_devices(void)
{
	return hvisor_nr_devices;
}

/**
 * hvisor_registry_zone_rcu() - find a zone from the data path
 * @zone_id: zone id
 *
 * Context: rcu_read_lock() held; the zone stays valid until it is dropped.
 * Return: the zone or NULL.
 */
struct hvisor_zone *hvisor_registry_zone_rcu(u32 zone_id)
{
	return xa_load(&hvisor_zones, zone_id);
}

/**
 * hvisor_registry_dev_rcu() - find the device owning a guest address
 * @zone_id: zone of the access
 * @addr: guest-physical address inside the device's 0x200-byte region
 *
 * Context: rcu_read_lock() held; the device stays valid until it is dropped.
 * Return: the device or NULL.
 */
struct hvisor_vdev *hvisor_registry_dev_rcu(u32 zone_id, u64 addr)
{
	struct hvisor_zone *zone = xa_load(&hvisor_zones, zone_id);

	if (!zone)
		return NULL;
	return xa_load(&zone->devices, addr / HVISOR_VIRTIO_REGION_SIZE);
}

/*
 * A new zone with its first region. It is published only once the region
 * is in, so a failed add leaves nothing behind (no empty zone).
 */
static int hvisor_registry_zone_new(u32 zone_id, u64 gpa, void *kva,
				    phys_addr_t pa, u64 size, bool mapped)
{
	struct hvisor_zone *zone;
	int ret;

	/* The slot, so that publishing below cannot fail. */
	ret = xa_reserve(&hvisor_zones, zone_id, GFP_KERNEL);
	if (ret)
		return ret;
	zone = hvisor_zone_create(zone_id);
	if (!zone) {
		ret = -ENOMEM;
		goto err_release;
	}
	ret = hvisor_zone_add_region(zone, gpa, size, kva, pa, mapped);
	if (ret) {
		hvisor_zone_put(zone);
		goto err_release;
	}
	xa_store(&hvisor_zones, zone_id, zone, GFP_KERNEL);
	hvisor_nr_zones++;
	return 0;

err_release:
	xa_release(&hvisor_zones, zone_id);
	return ret;
}

/**
 * hvisor_registry_add_ram() - add a guest RAM region, creating the zone
 * @zone_id: zone, >= 1
 * @gpa: guest-physical start
 * @kva: root kernel address of @gpa
 * @pa: root physical address (0 if not known)
 * @size: bytes
 * @mapped: @kva comes from hvisor_ram_map() and is unmapped with the zone
 *
 * Return: 0 or a negative errno (see hvisor_zone_add_region()); on error
 * nothing was kept: no region and no new zone.
 */
int hvisor_registry_add_ram(u32 zone_id, u64 gpa, void *kva, phys_addr_t pa,
			    u64 size, bool mapped)
{
	struct hvisor_zone *zone;

	lockdep_assert_held(&hvisor_ctl_mutex);
	if (!zone_id)
		return -EINVAL;
	if (hvisor_registry_closed)
		return -ENODEV;
	zone = xa_load(&hvisor_zones, zone_id);
	if (!zone)
		return hvisor_registry_zone_new(zone_id, gpa, kva, pa, size,
						mapped);
	return hvisor_zone_add_region(zone, gpa, size, kva, pa, mapped);
}

/**
 * hvisor_registry_add_hv_ram() - guest RAM the hypervisor driver declares
 * @zone_id: zone, >= 1
 * @gpa: guest-physical start
 * @kva: root kernel address of @gpa
 * @pa: root physical address (0 if not known)
 * @size: bytes
 *
 * As hvisor_registry_add_ram(); the zone then stays until the driver
 * detaches: userspace cannot delete it (and re-create it without this
 * RAM) under the feet of the guest that runs in it.
 *
 * Return: 0 or a negative errno.
 */
int hvisor_registry_add_hv_ram(u32 zone_id, u64 gpa, void *kva,
			       phys_addr_t pa, u64 size)
{
	struct hvisor_zone *zone;
	int ret;

	lockdep_assert_held(&hvisor_ctl_mutex);
	ret = hvisor_registry_add_ram(zone_id, gpa, kva, pa, size, false);
	if (ret)
		return ret;
	zone = xa_load(&hvisor_zones, zone_id);
	zone->hv_ram = true;
	return 0;
}

/* Does another zone's reserved memory overlap [pa, pa + size)? */
static bool hvisor_registry_pa_used(u32 zone_id, phys_addr_t pa, u64 size)
{
	struct hvisor_zone *zone;
	unsigned long index;

	xa_for_each(&hvisor_zones, index, zone) {
		if (zone->id != zone_id &&
		    hvisor_zone_pa_overlaps(zone, pa, size)) {
			pr_err("zone %u: 0x%llx+0x%llx overlaps memory of zone %u\n",
			       zone_id, (u64)pa, size, zone->id);
			return true;
		}
	}
	return false;
}

/**
 * hvisor_registry_zone_mem() - HVISOR_VHOST_ZONE_ADD_MEM
 * @mem: the checked-for-reserved-fields request
 *
 * Maps reserved (no-map) memory given to a zone. Root's own RAM is refused:
 * a guest would then write over root; so is memory another region (of any
 * zone) already covers, in root's physical space or the zone's.
 *
 * Return: 0, -EINVAL for bad addresses or root's RAM, -ENODEV without a
 * hypervisor, -EEXIST for an overlap, -ENOMEM, -ENOSPC when the zone has
 * no room for a region.
 */
int hvisor_registry_zone_mem(const struct hvisor_vhost_zone_mem *mem)
{
	void *kva;
	int ret;

	lockdep_assert_held(&hvisor_ctl_mutex);
	if (!mem->zone_id || !mem->size ||
	    !PAGE_ALIGNED(mem->zone0_ipa) || !PAGE_ALIGNED(mem->zonex_ipa) ||
	    !PAGE_ALIGNED(mem->size) ||
	    !hvisor_pa_range_ok(mem->zone0_ipa, mem->size) ||
	    mem->zonex_ipa + mem->size < mem->zonex_ipa)
		return -EINVAL;
	if (region_intersects(mem->zone0_ipa, mem->size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		pr_err("zone %u: 0x%llx+0x%llx is root's RAM, not reserved zone memory\n",
		       mem->zone_id, mem->zone0_ipa, mem->size);
		return -EINVAL;
	}
	/* Not mapped (struct pages and all) only to be given back. */
	if (hvisor_registry_closed)
		return -ENODEV;
	/* The zone's own regions are checked when the region is added. */
	if (hvisor_registry_pa_used(mem->zone_id, mem->zone0_ipa, mem->size))
		return -EEXIST;
	kva = hvisor_ram_map(mem->zone0_ipa, mem->size);
	if (!kva)
		return -ENOMEM;
	ret = hvisor_registry_add_ram(mem->zone_id, mem->zonex_ipa, kva,
				      mem->zone0_ipa, mem->size, true);
	if (ret)
		hvisor_ram_unmap(kva, mem->zone0_ipa);
	return ret;
}

/* Pick the first free simulator slot of @zone; 0 on success. */
static int hvisor_registry_pick_slot(struct hvisor_vhost_hv *hv,
				     struct hvisor_zone *zone,
				     struct hvisor_vhost_dev_config *cfg)
{
	unsigned long index;
	struct hvisor_vdev *vdev;
	u32 n;

	for (n = 0; n < hv->nr_slots; n++) {
		u64 addr = hv->slot_base + (u64)n * HVISOR_VIRTIO_REGION_SIZE;
		bool irq_used = false;

		if (xa_load(&zone->devices, addr / HVISOR_VIRTIO_REGION_SIZE))
			continue;
		xa_for_each(&zone->devices, index, vdev)
			irq_used |= vdev->irq == hv->irq_base + n;
		if (irq_used)
			continue;
		cfg->addr = addr;
		cfg->irq = hv->irq_base + n;
		return 0;
	}
	return -ENOSPC;
}

static int hvisor_registry_place(struct hvisor_vhost_hv *hv,
				 struct hvisor_zone *zone,
				 struct hvisor_vhost_dev_config *cfg)
{
	if (!cfg->addr && !cfg->irq) {
		if (!hv->nr_slots)
			return -EINVAL;
		return hvisor_registry_pick_slot(hv, zone, cfg);
	}
	if (!cfg->addr || !cfg->irq ||
	    cfg->addr % HVISOR_VIRTIO_REGION_SIZE)
		return -EINVAL;
	if (xa_load(&zone->devices, cfg->addr / HVISOR_VIRTIO_REGION_SIZE))
		return -EEXIST;
	if (!hv->simulated && zone->nr_devices >= max_devs_per_zone) {
		pr_err("zone %u: more than %u devices would overflow hvisor's pending-IRQ list\n",
		       zone->id, max_devs_per_zone);
		return -ENOSPC;
	}
	return 0;
}

static struct hvisor_vhost_hv_dev hvisor_registry_hv_dev(struct hvisor_vdev *vdev)
{
	return (struct hvisor_vhost_hv_dev) {
		.id = vdev->id,
		.type = vdev->device_id,
		.zone_id = vdev->zone->id,
		.irq = vdev->irq,
		.addr = vdev->addr,
	};
}

/* Make a created device reachable: listed and on the data path. */
static int hvisor_registry_publish(struct hvisor_vdev *vdev)
{
	struct hvisor_zone *zone = vdev->zone;
	int ret;

	ret = xa_alloc(&hvisor_devices, &vdev->id, vdev, xa_limit_31b,
		       GFP_KERNEL);
	if (ret)
		return ret;
	ret = xa_insert(&zone->devices, vdev->addr / HVISOR_VIRTIO_REGION_SIZE,
			vdev, GFP_KERNEL);
	if (ret) {
		xa_erase(&hvisor_devices, vdev->id);
		return ret;
	}
	zone->nr_devices++;
	hvisor_nr_devices++;
	return 0;
}

/*
 * Drop a control-plane reference (struct hvisor_vdev.refs). The last one
 * frees the device and its hold on the zone. Process context.
 */
static void hvisor_registry_put(struct hvisor_vdev *vdev)
{
	struct hvisor_zone *zone = vdev->zone;

	if (!refcount_dec_and_test(&vdev->refs))
		return;
	vdev->ops->release(vdev);
	hvisor_zone_put(zone);
	/* Fully ordered; pairs with wait_var_event() in remove_all(). */
	if (atomic_dec_and_test(&hvisor_nr_alive))
		wake_up_var(&hvisor_nr_alive);
}

/* Take the device off the data path; no dispatcher holds it afterwards. */
static void hvisor_registry_hide(struct hvisor_vdev *vdev)
{
	unsigned long flags;

	xa_erase(&vdev->zone->devices, vdev->addr / HVISOR_VIRTIO_REGION_SIZE);
	spin_lock_irqsave(&vdev->lock, flags);
	vdev->dead = true;
	spin_unlock_irqrestore(&vdev->lock, flags);
	synchronize_rcu();
}

/* Reset it, with whatever it still runs; no lock held. */
static void hvisor_registry_quiesce(struct hvisor_vdev *vdev)
{
	hvisor_vdev_reset_sync(vdev);
	/* Reset: nothing of the device injects any more. */
	hvisor_core_inject_cancel(vdev);
	if (vdev->ops->drain)
		vdev->ops->drain(vdev);
}

/* No longer listed; the registry's reference goes. Under the mutex. */
static void hvisor_registry_unlist(struct hvisor_vdev *vdev)
{
	lockdep_assert_held(&hvisor_ctl_mutex);
	xa_erase(&hvisor_devices, vdev->id);
	vdev->zone->nr_devices--;
	hvisor_nr_devices--;
}

/*
 * A removal, once started (vdev->removing): the guest side lets go while
 * the device still answers (the simulator unbinds its driver), then the
 * device leaves the data path, is reset and drained, and leaves the list.
 * Runs without hvisor_ctl_mutex, so a backing that hangs blocks only this
 * removal: the rest of the control plane goes on meanwhile.
 */
static void hvisor_registry_teardown(struct hvisor_vdev *vdev, bool force)
{
	struct hvisor_vhost_hv *hv = hvisor_core_hv();
	struct hvisor_vhost_hv_dev hv_dev = hvisor_registry_hv_dev(vdev);

	/* Attached until every removal is over: see remove_all(). */
	if (hv && hv->ops->device_removing)
		hv->ops->device_removing(hv, &hv_dev, force);
	hvisor_registry_hide(vdev);
	hvisor_registry_quiesce(vdev);
	mutex_lock(&hvisor_ctl_mutex);
	hvisor_registry_unlist(vdev);
	mutex_unlock(&hvisor_ctl_mutex);
	pr_info("device %u removed\n", hv_dev.id);
	hvisor_registry_put(vdev);
}

/* A removal nobody waits for: forced, or every device at detach. */
static void hvisor_registry_remove_work(struct work_struct *work)
{
	struct hvisor_vdev *vdev = container_of(work, struct hvisor_vdev,
						remove_work);

	/* remove_force was written before queue_work(), which orders it. */
	hvisor_registry_teardown(vdev, vdev->remove_force);
}

/* Undo a publish at once, under the mutex: the device never served. */
static void hvisor_registry_discard(struct hvisor_vdev *vdev)
{
	lockdep_assert_held(&hvisor_ctl_mutex);
	hvisor_registry_hide(vdev);
	hvisor_registry_quiesce(vdev);
	hvisor_registry_unlist(vdev);
	hvisor_registry_put(vdev);
}

static int hvisor_registry_create(const struct hvisor_dev_type *type,
				  struct hvisor_zone *zone,
				  struct hvisor_vhost_dev_config *cfg,
				  struct hvisor_vdev **out)
{
	struct hvisor_vdev *vdev;
	int ret;

	vdev = type->create(cfg);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);
	hvisor_zone_get(zone);
	vdev->zone = zone;
	vdev->addr = cfg->addr;
	vdev->irq = cfg->irq;
	vdev->flags = cfg->flags;
	refcount_set(&vdev->refs, 1);
	vdev->removing = false;
	vdev->remove_force = false;
	INIT_WORK(&vdev->remove_work, hvisor_registry_remove_work);
	atomic_inc(&hvisor_nr_alive);
	ret = hvisor_registry_publish(vdev);
	if (ret) {
		hvisor_registry_put(vdev);
		return ret;
	}
	*out = vdev;
	return 0;
}

/**
 * hvisor_registry_dev_add() - HVISOR_VHOST_DEV_ADD
 * @cfg: the request, its flags and reserved fields checked by the caller;
 *	zone_id, addr, irq and id are filled in on success
 *
 * Return: 0 or a negative errno: ENODEV no hypervisor (or it is being
 * detached), ENOENT unknown zone, EEXIST address in use, EOPNOTSUPP device
 * type not served, EINVAL bad arguments, or the device type's error.
 */
int hvisor_registry_dev_add(struct hvisor_vhost_dev_config *cfg)
{
	struct hvisor_vhost_hv *hv = hvisor_core_hv();
	const struct hvisor_dev_type *type;
	struct hvisor_vhost_hv_dev hv_dev;
	struct hvisor_zone *zone;
	struct hvisor_vdev *vdev;
	int ret;

	lockdep_assert_held(&hvisor_ctl_mutex);
	type = hvisor_dev_type_find(cfg->type);
	if (!type)
		return -EINVAL;
	if (!hv || hvisor_registry_closed)
		return -ENODEV;
	if (!cfg->zone_id)
		cfg->zone_id = hv->default_zone;
	zone = xa_load(&hvisor_zones, cfg->zone_id);
	if (!zone)
		return -ENOENT;
	ret = hvisor_registry_place(hv, zone, cfg);
	if (ret)
		return ret;
	ret = hvisor_registry_create(type, zone, cfg, &vdev);
	if (ret)
		return ret;
	cfg->id = vdev->id;
	hv_dev = hvisor_registry_hv_dev(vdev);
	if (hv->ops->device_added) {
		ret = hv->ops->device_added(hv, &hv_dev);
		if (ret) {
			hvisor_registry_discard(vdev);
			cfg->id = 0;
			return ret;
		}
	}
	pr_info("device %u: %s in zone %u at 0x%llx irq %u\n", cfg->id,
		type->name, cfg->zone_id, cfg->addr, cfg->irq);
	return 0;
}

/**
 * hvisor_registry_dev_find() - a device by id, for the control plane
 * @id: device id
 *
 * Devices being removed are found too, until they leave the list.
 *
 * Context: hvisor_ctl_mutex held; the device stays while it is.
 * Return: the device or NULL.
 */
struct hvisor_vdev *hvisor_registry_dev_find(u32 id)
{
	lockdep_assert_held(&hvisor_ctl_mutex);
	return xa_load(&hvisor_devices, id);
}

/*
 * Start the removal of @vdev, or force one already running: under the
 * mutex. Returns 1 when the caller runs a new removal, 0 when there is
 * nothing more to start, -EBUSY for a plain removal of a device already
 * being removed.
 */
static int hvisor_registry_start_removal(struct hvisor_vdev *vdev, bool force)
{
	bool started = vdev->removing;

	lockdep_assert_held(&hvisor_ctl_mutex);
	if (started && !force)
		return -EBUSY;
	vdev->removing = true;
	vdev->remove_force |= force;
	/* Ours while we use it without the mutex. */
	refcount_inc(&vdev->refs);
	return !started;
}

/**
 * hvisor_registry_dev_del() - HVISOR_VHOST_DEV_DEL
 * @id: device id
 * @flags: HVISOR_VHOST_DEL_F_*, checked by the caller
 *
 * Takes hvisor_ctl_mutex itself, and only for bookkeeping. A plain removal
 * returns once the device is gone, which takes as long as the guest and
 * the backing do; the rest of the control plane works meanwhile. A forced
 * removal fails the requests in flight (the device type's abort), lets a
 * work item finish the removal and returns at once; it also hurries a
 * plain removal of the same device that is stuck. The device stays
 * listed, as being removed, until it is freed.
 *
 * Context: process, hvisor_ctl_mutex not held.
 * Return: 0, -ENOENT for an unknown id, -EPERM when the caller lacks the
 * device type's capability, -EBUSY when a plain removal of it runs.
 */
int hvisor_registry_dev_del(u32 id, u32 flags)
{
	bool force = flags & HVISOR_VHOST_DEL_F_FORCE;
	struct hvisor_vdev *vdev;
	int ret;

	mutex_lock(&hvisor_ctl_mutex);
	vdev = xa_load(&hvisor_devices, id);
	if (!vdev)
		ret = -ENOENT;
	else if (!hvisor_registry_type_capable(vdev->device_id))
		ret = -EPERM;
	else
		ret = hvisor_registry_start_removal(vdev, force);
	mutex_unlock(&hvisor_ctl_mutex);
	if (ret < 0)
		return ret;
	if (force && vdev->ops->abort)
		vdev->ops->abort(vdev);
	if (ret && force)
		queue_work(hvisor_core_rm_wq(), &vdev->remove_work);
	else if (ret)
		hvisor_registry_teardown(vdev, false);
	hvisor_registry_put(vdev);
	return 0;
}

static void hvisor_registry_fill_info(struct hvisor_vdev *vdev,
				      struct hvisor_vhost_dev_info *info)
{
	const struct hvisor_dev_type *type = hvisor_dev_type_find(vdev->device_id);
	struct hvisor_vdev_stats *st = &vdev->stats;
	unsigned long flags;

	info->id = vdev->id;
	info->type = vdev->device_id;
	info->zone_id = vdev->zone->id;
	info->irq = vdev->irq;
	info->addr = vdev->addr;
	info->flags = vdev->flags;
	info->num_queues = vdev->nr_vqs;
	info->queue_size = vdev->nr_vqs ? vdev->vqs[0].num_max : 0;
	spin_lock_irqsave(&vdev->lock, flags);
	info->status = vdev->status;
	info->features = vdev->driver_features;
	spin_unlock_irqrestore(&vdev->lock, flags);
	info->requests = atomic64_read(&st->requests);
	info->bytes_in = atomic64_read(&st->bytes_in);
	info->bytes_out = atomic64_read(&st->bytes_out);
	info->errors = atomic64_read(&st->errors);
	info->dropped = atomic64_read(&st->dropped);
	info->notifies = atomic64_read(&st->notifies);
	info->interrupts = atomic64_read(&st->interrupts);
	info->in_flight = atomic64_read(&st->in_flight);
	if (type && type->fill_info)
		type->fill_info(vdev, info);
	if (vdev->removing)
		info->flags |= HVISOR_VHOST_DEV_F_REMOVING;
	info->name[sizeof(info->name) - 1] = '\0';
	hvisor_hsm_zone_name(vdev->zone->id, info->zone_name,
			     sizeof(info->zone_name));
}

/**
 * hvisor_registry_dev_list() - HVISOR_VHOST_DEV_LIST
 * @entries: user array
 * @room: entries in @entries
 * @count: out: number of devices (may exceed @room)
 *
 * Return: 0, -ENOMEM or -EFAULT.
 */
int hvisor_registry_dev_list(struct hvisor_vhost_dev_info __user *entries,
			     u32 room, u32 *count)
{
	struct hvisor_vhost_dev_info *infos;
	struct hvisor_vdev *vdev;
	unsigned long index;
	u32 n = 0, fill;
	int ret = 0;

	lockdep_assert_held(&hvisor_ctl_mutex);
	fill = min(room, hvisor_nr_devices);
	infos = fill ? kvcalloc(fill, sizeof(*infos), GFP_KERNEL) : NULL;
	if (fill && !infos)
		return -ENOMEM;
	xa_for_each(&hvisor_devices, index, vdev) {
		if (n < fill)
			hvisor_registry_fill_info(vdev, &infos[n]);
		n++;
	}
	if (fill && copy_to_user(entries, infos, fill * sizeof(*infos)))
		ret = -EFAULT;
	kvfree(infos);
	*count = n;
	return ret;
}

/*
 * The zone's devices not being removed, each with a reference for the
 * caller, in a kcalloc()ed array of *nr; NULL when out of memory.
 */
static struct hvisor_vdev **hvisor_registry_zone_devs(struct hvisor_zone *zone,
						      unsigned int *nr)
{
	struct hvisor_vdev **devs, *vdev;
	unsigned long index;
	unsigned int n = 0;

	lockdep_assert_held(&hvisor_ctl_mutex);
	/* Every device in zone->devices is counted in nr_devices. */
	devs = kcalloc(max(zone->nr_devices, 1U), sizeof(*devs), GFP_KERNEL);
	if (!devs)
		return NULL;
	xa_for_each(&zone->devices, index, vdev) {
		if (vdev->removing || n == zone->nr_devices)
			continue;
		refcount_inc(&vdev->refs);
		devs[n++] = vdev;
	}
	*nr = n;
	return devs;
}

/**
 * hvisor_registry_zone_reset() - HVISOR_VHOST_ZONE_RESET
 * @zone_id: zone whose devices are reset (its guest restarted)
 *
 * The resets wait for each device's I/O, without hvisor_ctl_mutex: a
 * device whose backing hangs keeps this call waiting, not the others.
 * Devices being removed are left to their removal.
 *
 * Context: process, hvisor_ctl_mutex not held.
 * Return: 0, -ENOENT for an unknown zone or -ENOMEM.
 */
int hvisor_registry_zone_reset(u32 zone_id)
{
	struct hvisor_vdev **devs = NULL;
	struct hvisor_zone *zone;
	unsigned int i, n = 0;
	int ret = 0;

	mutex_lock(&hvisor_ctl_mutex);
	zone = xa_load(&hvisor_zones, zone_id);
	if (!zone)
		ret = -ENOENT;
	else
		devs = hvisor_registry_zone_devs(zone, &n);
	if (zone && !devs)
		ret = -ENOMEM;
	mutex_unlock(&hvisor_ctl_mutex);
	for (i = 0; i < n; i++) {
		hvisor_vdev_reset_sync(devs[i]);
		hvisor_registry_put(devs[i]);
	}
	kfree(devs);
	return ret;
}

static void hvisor_registry_zone_drop(struct hvisor_zone *zone)
{
	hvisor_hsm_zone_forget(zone->id);
	xa_erase(&hvisor_zones, zone->id);
	hvisor_nr_zones--;
	/* The dispatcher may still be looking at the zone. */
	synchronize_rcu();
	hvisor_zone_put(zone);
}

/**
 * hvisor_registry_zone_del() - HVISOR_VHOST_ZONE_DEL
 * @zone_id: zone to forget, with its memory
 *
 * Return: 0, -ENOENT for an unknown zone, -EBUSY while it has devices
 * or runs (started through /dev/hvisor and not shut down, or the
 * hypervisor driver's own, see hvisor_registry_add_hv_ram()).
 */
int hvisor_registry_zone_del(u32 zone_id)
{
	struct hvisor_zone *zone;

	lockdep_assert_held(&hvisor_ctl_mutex);
	zone = xa_load(&hvisor_zones, zone_id);
	if (!zone)
		return -ENOENT;
	if (zone->nr_devices || zone->hv_ram ||
	    hvisor_hsm_zone_running(zone_id))
		return -EBUSY;
	hvisor_registry_zone_drop(zone);
	return 0;
}

/**
 * hvisor_registry_remove_all() - remove every device and zone
 *
 * Used when the hypervisor detaches and when the module goes away. From
 * now on no zone memory and no device can be added (until
 * hvisor_registry_open()). Every device's removal runs at once, and this
 * waits until every device is freed, those of earlier forced removals
 * still stuck in their backing included.
 *
 * Context: process, hvisor_ctl_mutex not held.
 */
void hvisor_registry_remove_all(void)
{
	struct hvisor_zone *zone;
	struct hvisor_vdev *vdev;
	unsigned long index;

	mutex_lock(&hvisor_ctl_mutex);
	hvisor_registry_closed = true;
	xa_for_each(&hvisor_devices, index, vdev) {
		if (vdev->removing)
			continue;
		vdev->removing = true;
		queue_work(hvisor_core_rm_wq(), &vdev->remove_work);
	}
	mutex_unlock(&hvisor_ctl_mutex);
	wait_var_event(&hvisor_nr_alive, !atomic_read(&hvisor_nr_alive));
	mutex_lock(&hvisor_ctl_mutex);
	xa_for_each(&hvisor_zones, index, zone)
		hvisor_registry_zone_drop(zone);
	mutex_unlock(&hvisor_ctl_mutex);
}

/**
 * hvisor_registry_open() - accept zones and devices again
 *
 * A hypervisor attached after hvisor_registry_remove_all().
 *
 * Context: hvisor_ctl_mutex held.
 */
void hvisor_registry_open(void)
{
	lockdep_assert_held(&hvisor_ctl_mutex);
	hvisor_registry_closed = false;
}

/*
 * The lifecycle of zones started through /dev/hvisor (hsm_zone.c): their
 * devices disappear from the guest when it stops and reappear when it
 * starts again, and the zone list of /dev/hvisor-vhost.
 */

/**
 * hvisor_registry_zone_stop() - the guest of zone @zone_id has stopped
 * @zone_id: the zone
 *
 * Each device of the zone leaves the guest (device_removing: the simulator
 * unplugs its guest side) and is reset, which waits for what it had in
 * flight; the devices stay, for the zone's next start.
 *
 * Return: the number of devices reset.
 */
unsigned int hvisor_registry_zone_stop(u32 zone_id)
{
	struct hvisor_vhost_hv *hv = hvisor_core_hv();
	struct hvisor_vhost_hv_dev hv_dev;
	struct hvisor_zone *zone;
	struct hvisor_vdev *vdev;
	unsigned long index;
	unsigned int n = 0;

	lockdep_assert_held(&hvisor_ctl_mutex);
	zone = xa_load(&hvisor_zones, zone_id);
	if (!zone)
		return 0;
	xa_for_each(&zone->devices, index, vdev) {
		hv_dev = hvisor_registry_hv_dev(vdev);
		if (hv && hv->ops->device_removing)
			hv->ops->device_removing(hv, &hv_dev, false);
		hvisor_vdev_reset_sync(vdev);
		n++;
	}
	return n;
}

/**
 * hvisor_registry_zone_announce() - the guest of zone @zone_id has started
 * @zone_id: the zone
 *
 * Each device of the zone is offered to the new guest again
 * (device_added: the simulator plugs its guest side in). A device the
 * hypervisor refuses stays served and is reported.
 */
void hvisor_registry_zone_announce(u32 zone_id)
{
	struct hvisor_vhost_hv *hv = hvisor_core_hv();
	struct hvisor_vhost_hv_dev hv_dev;
	struct hvisor_zone *zone;
	struct hvisor_vdev *vdev;
	unsigned long index;
	int ret;

	lockdep_assert_held(&hvisor_ctl_mutex);
	zone = xa_load(&hvisor_zones, zone_id);
	if (!zone || !hv || !hv->ops->device_added)
		return;
	xa_for_each(&zone->devices, index, vdev) {
		hv_dev = hvisor_registry_hv_dev(vdev);
		ret = hv->ops->device_added(hv, &hv_dev);
		if (ret)
			pr_err("zone %u: device %u not offered to the new guest: %d\n",
			       zone_id, vdev->id, ret);
	}
}

/**
 * hvisor_registry_zone_list() - the zones, for HVISOR_VHOST_ZONE_LIST
 * @infos: zeroed array to fill: zone id, devices, guest RAM
 * @room: entries in @infos
 * @count: out: number of zones (may exceed @room)
 */
void hvisor_registry_zone_list(struct hvisor_vhost_zone_info *infos,
			       u32 room, u32 *count)
{
	struct hvisor_zone_region *r;
	struct hvisor_zone *zone;
	unsigned long index;
	unsigned int i;
	u32 n = 0;

	lockdep_assert_held(&hvisor_ctl_mutex);
	xa_for_each(&hvisor_zones, index, zone) {
		if (n < room) {
			infos[n].zone_id = zone->id;
			infos[n].nr_devices = zone->nr_devices;
			infos[n].nr_ram = zone->nr_regions;
			for (i = 0; i < zone->nr_regions; i++) {
				r = &zone->regions[i];
				infos[n].ram_bytes += r->size;
			}
		}
		n++;
	}
	*count = n;
}

/**
 * hvisor_registry_ram_known() - is a root physical range zone RAM
 * @pa: root physical address
 * @size: bytes, > 0, pa + size does not wrap
 *
 * True when the range lies inside one piece of some zone's guest RAM
 * whose root physical address is known (memory given with
 * HVISOR_VHOST_ZONE_ADD_MEM or a zone's configuration, never root's own).
 *
 * Context: any; takes no lock (RCU).
 * Return: true if so.
 */
bool hvisor_registry_ram_known(u64 pa, u64 size)
{
	const struct hvisor_zone_region *r;
	struct hvisor_zone *zone;
	unsigned long index;
	unsigned int i, nr;
	bool found = false;

	rcu_read_lock();
	xa_for_each(&hvisor_zones, index, zone) {
		/* Pairs with the release in hvisor_zone_add_region(). */
		nr = smp_load_acquire(&zone->nr_regions);
		for (i = 0; i < nr && !found; i++) {
			r = &zone->regions[i];
			found = r->pa && pa >= r->pa && pa - r->pa < r->size &&
				size <= r->size - (pa - r->pa);
		}
		if (found)
			break;
	}
	rcu_read_unlock();
	return found;
}
