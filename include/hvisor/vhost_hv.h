/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypervisor interface of hvisor_vhost.ko: what stands behind the
 * bridge. The module has one built-in implementation (real hvisor, with
 * hypercalls); the simulator module (hvisor_vhost_sim.ko) registers the
 * other through hvisor_vhost_attach(). Not a uapi header.
 */
#ifndef _HVISOR_VHOST_HV_H
#define _HVISOR_VHOST_HV_H

#include <linux/types.h>

struct hvisor_tool_boot_mode;
struct hvisor_tool_zone_config;
struct hvisor_tool_zone_info;
struct hvisor_virtio_bridge;
struct hvisor_vhost_hv;
struct module;

/**
 * struct hvisor_vhost_hv_dev - a device as the hypervisor side sees it
 * @id: device id (as in HVISOR_VHOST_DEV_LIST)
 * @type: virtio device id (HVISOR_VHOST_DEV_*)
 * @zone_id: guest zone
 * @addr: guest-physical base of its 0x200-byte region
 * @irq: guest interrupt number
 */
struct hvisor_vhost_hv_dev {
	u32 id;
	u32 type;
	u32 zone_id;
	u32 irq;
	u64 addr;
};

/**
 * struct hvisor_vhost_ram - a piece of guest RAM the data path reaches
 * @gpa: guest-physical start
 * @kva: where root's kernel reaches it; valid while the hypervisor is
 *	attached
 * @size: bytes
 */
struct hvisor_vhost_ram {
	u64 gpa;
	void *kva;
	u64 size;
};

/**
 * struct hvisor_vhost_hv_ops - operations of a hypervisor
 * @init_virtio: INIT_VIRTIO: from now on the hypervisor produces requests
 *	into @bridge (physical address @bridge_pa). Process context.
 * @exit_virtio: stop producing requests. hvisor has no such call; the
 *	simulator does. Optional. Process context.
 * @finish_req: FINISH_REQ: drain the result ring and inject the interrupts.
 *	Any context, hard interrupt included; the caller holds the result
 *	ring's producer lock, so it must not call back into hvisor_vhost.
 * @device_added: a device now answers at dev->addr; the simulator plugs its
 *	guest side in. Optional. Process context, may sleep; an error undoes
 *	the add.
 * @device_removing: the device is about to go away; the simulator unplugs
 *	its guest side (the guest driver still talks to the device during the
 *	call). @force: the user asked not to wait for the guest. Optional.
 *	Process context, may sleep.
 * @irq_lowered: the InterruptStatus of device @irq of zone @zone_id became
 *	0 (the driver's InterruptACK cleared the last bit, or the device was
 *	reset): a hypervisor whose virtio interrupts stay asserted until told
 *	(LoongArch's newer hvisor) lowers the line. Optional. Any context,
 *	hard interrupt included; called under the device's lock, so it must
 *	not call back into hvisor_vhost.
 * @irq_status_read: the driver read InterruptStatus of device @irq of zone
 *	@zone_id (LoongArch's older hvisor lowers the line then). Optional.
 *	Any context, hard interrupt included.
 *
 * Zone management, for /dev/hvisor (Documentation/hsm.rst). Each is
 * optional: /dev/hvisor answers EOPNOTSUPP for a missing one. All run in
 * process context with hvisor_ctl_mutex held; buffers are kmalloc()ed
 * (physically contiguous, as hypercalls taking a physical address need).
 * A negative errno or hvisor's own non-zero answer passes through to the
 * caller of the ioctl.
 *
 * @config_check: CONFIG_CHECK: store the zone configuration version the
 *	hypervisor speaks in *@magic.
 * @zone_start: ZONE_START with a configuration hvisor_vhost checked.
 *	Needs @config_check and @zone_mem_check.
 * @zone_shutdown: ZONE_SHUTDOWN of zone @zone_id.
 * @zone_list: ZONE_LIST: fill at most @cnt entries of @zones (zeroed);
 *	return how many, or a negative errno.
 * @set_boot_mode: SET_BOOT_MODE.
 * @get_ecam_base: GET_ECAM_BASE: store root's PCI ECAM base in *@base.
 * @deassert_irq: DEASSERT_IRQ: lower interrupt @irq of zone @zone_id.
 * @zone_mem_check: may [@pa, @pa + @size) of root's physical address
 *	space be zone memory (a started zone's RAM, LOAD_IMAGE, mmap)? 0 or
 *	-EINVAL. Real hvisor: anything but root's own RAM; the simulator:
 *	only the memory it reserved for that.
 * @zone_ram: the guest RAM the data path of a started zone uses when it
 *	is not the configuration's RAM regions (the simulator's guest is
 *	root's own virtio drivers, whose buffers are anywhere in root's RAM):
 *	fill at most @max entries of @ram and return how many, or a negative
 *	errno. Without it, each RAM region of the configuration is mapped and
 *	becomes the zone's guest RAM.
 */
struct hvisor_vhost_hv_ops {
	int (*init_virtio)(struct hvisor_vhost_hv *hv,
			   struct hvisor_virtio_bridge *bridge,
			   phys_addr_t bridge_pa);
	void (*exit_virtio)(struct hvisor_vhost_hv *hv);
	void (*finish_req)(struct hvisor_vhost_hv *hv);
	int (*device_added)(struct hvisor_vhost_hv *hv,
			    const struct hvisor_vhost_hv_dev *dev);
	void (*device_removing)(struct hvisor_vhost_hv *hv,
				const struct hvisor_vhost_hv_dev *dev,
				bool force);
	void (*irq_lowered)(struct hvisor_vhost_hv *hv, u32 zone_id, u32 irq);
	void (*irq_status_read)(struct hvisor_vhost_hv *hv, u32 zone_id,
				u32 irq);
	int (*config_check)(struct hvisor_vhost_hv *hv, u64 *magic);
	int (*zone_start)(struct hvisor_vhost_hv *hv,
			  const struct hvisor_tool_zone_config *cfg);
	int (*zone_shutdown)(struct hvisor_vhost_hv *hv, u32 zone_id);
	int (*zone_list)(struct hvisor_vhost_hv *hv,
			 struct hvisor_tool_zone_info *zones, u32 cnt);
	int (*set_boot_mode)(struct hvisor_vhost_hv *hv,
			     const struct hvisor_tool_boot_mode *mode);
	int (*get_ecam_base)(struct hvisor_vhost_hv *hv, u64 *base);
	int (*deassert_irq)(struct hvisor_vhost_hv *hv, u32 zone_id, u32 irq);
	int (*zone_mem_check)(struct hvisor_vhost_hv *hv, u64 pa, u64 size);
	int (*zone_ram)(struct hvisor_vhost_hv *hv, u32 zone_id,
			struct hvisor_vhost_ram *ram, unsigned int max);
};

/**
 * struct hvisor_vhost_hv - a hypervisor behind the bridge
 * @name: short name shown by "hvisorctl status" (at most 15 characters)
 * @ops: its operations
 * @owner: module providing @ops; pinned while attached
 * @simulated: true for the simulator (reported in the status flags)
 * @poll_us: 0 when the hypervisor sends a wakeup interrupt for requests
 *	it queues while need_wakeup is set; otherwise it sends none (older
 *	LoongArch hvisor) and the core polls the request ring at least every
 *	@poll_us microseconds, so no request waits longer than that.
 * @default_zone: zone for devices added with zone 0; 0 if there is none
 * @slot_base: with @nr_slots, where devices go when added with address 0:
 *	slot n is at @slot_base + n * 0x200 with interrupt @irq_base + n.
 *	@nr_slots == 0: addresses and interrupts must always be given.
 * @irq_base: see @slot_base
 * @nr_slots: see @slot_base
 * @priv: the implementation's data
 */
struct hvisor_vhost_hv {
	const char *name;
	const struct hvisor_vhost_hv_ops *ops;
	struct module *owner;
	bool simulated;
	u32 poll_us;
	u32 default_zone;
	u64 slot_base;
	u32 irq_base;
	u32 nr_slots;
	void *priv;
};

int hvisor_vhost_attach(struct hvisor_vhost_hv *hv);
void hvisor_vhost_detach(struct hvisor_vhost_hv *hv);
void hvisor_vhost_wakeup(void);
void hvisor_vhost_sim_poll(u32 zone_id, u64 addr, u32 qidx);
int hvisor_vhost_zone_add_ram(u32 zone_id, u64 gpa, void *kva, u64 size);
int hvisor_vhost_zone_add_ram_pa(u32 zone_id, u64 gpa, void *kva,
				 phys_addr_t pa, u64 size);

#endif /* _HVISOR_VHOST_HV_H */
