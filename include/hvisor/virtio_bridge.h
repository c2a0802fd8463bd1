/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hvisor virtio bridge: the page shared between the hvisor hypervisor
 * and root Linux through which trapped virtio-mmio accesses reach root and
 * interrupt requests go back. This is hvisor's ABI, bit for bit
 * (hvisor src/device/virtio_trampoline.rs, hvisor-tool include/hvisor.h);
 * see Documentation/hvisor-abi.rst. Do not change a byte of it.
 */
#ifndef _HVISOR_VIRTIO_BRIDGE_H
#define _HVISOR_VIRTIO_BRIDGE_H

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>

/* Entries in each ring; a power of two. At most MAX_REQ - 1 are in flight. */
#define HVISOR_BRIDGE_MAX_REQ		32
/* Physical CPUs hvisor can trap on: the size of cfg_flags/cfg_values. */
#define HVISOR_BRIDGE_MAX_CPUS		32
/* Size of the (unused) mmio_addrs array. */
#define HVISOR_BRIDGE_MAX_DEVS		8

/* Hypercall codes used for virtio (hvisor src/hypercall/mod.rs). */
#define HVISOR_HC_INIT_VIRTIO		0
#define HVISOR_HC_FINISH_REQ		1
#define HVISOR_HC_GET_VIRTIO_IRQ	86

/**
 * struct hvisor_device_req - one trapped guest access (hvisor -> root)
 * @src_cpu: physical CPU of the trapped vCPU; indexes cfg_flags/cfg_values
 * @address: absolute guest-physical address of the access
 * @size: access size in bytes: 1, 2, 4 or 8
 * @value: data of a store; 0 for a load
 * @src_zone: zone id of the guest that made the access
 * @is_write: 1 for a store, 0 for a load
 * @need_interrupt: 1 when the vCPU did not wait (a QueueNotify store at
 *	offset 0x50 of its region); 0 when the vCPU spins until root answers
 *	through cfg_values/cfg_flags
 * @padding: unused
 */
struct hvisor_device_req {
	__u64 src_cpu;
	__u64 address;
	__u64 size;
	__u64 value;
	__u32 src_zone;
	__u8 is_write;
	__u8 need_interrupt;
	__u16 padding;
};

/**
 * struct hvisor_device_res - one interrupt to inject (root -> hvisor)
 * @target_zone: zone to inject into
 * @irq_id: the guest's interrupt number (GIC INTID, PLIC source, IOAPIC pin)
 */
struct hvisor_device_res {
	__u32 target_zone;
	__u32 irq_id;
};

/**
 * struct hvisor_virtio_bridge - the shared page
 * @req_front: request ring consumer index (root), 0..MAX_REQ-1
 * @req_rear: request ring producer index (hvisor), 0..MAX_REQ-1
 * @res_front: result ring consumer index (hvisor)
 * @res_rear: result ring producer index (root)
 * @req_list: request ring entries, written by hvisor
 * @res_list: result ring entries, written by root
 * @cfg_flags: per-CPU answer counters; root increments after writing the
 *	matching cfg_values entry, the spinning vCPU waits for the change
 * @cfg_values: per-CPU answer values, truncated to the access size
 * @mmio_addrs: unused by hvisor
 * @mmio_avail: unused by hvisor
 * @need_wakeup: root sets it to 1 before sleeping; hvisor then sends the
 *	wakeup interrupt after queueing a request. hvisor never clears it.
 */
struct hvisor_virtio_bridge {
	__u32 req_front;
	__u32 req_rear;
	__u32 res_front;
	__u32 res_rear;
	struct hvisor_device_req req_list[HVISOR_BRIDGE_MAX_REQ];
	struct hvisor_device_res res_list[HVISOR_BRIDGE_MAX_REQ];
	__u64 cfg_flags[HVISOR_BRIDGE_MAX_CPUS];
	__u64 cfg_values[HVISOR_BRIDGE_MAX_CPUS];
	__u64 mmio_addrs[HVISOR_BRIDGE_MAX_DEVS];
	__u8 mmio_avail;
	__u8 need_wakeup;
};

/* The layout hvisor was built with (gcc, x86_64 and the 64-bit RISC archs). */
static_assert(sizeof(struct hvisor_device_req) == 40);
static_assert(offsetof(struct hvisor_device_req, src_cpu) == 0);
static_assert(offsetof(struct hvisor_device_req, address) == 8);
static_assert(offsetof(struct hvisor_device_req, size) == 16);
static_assert(offsetof(struct hvisor_device_req, value) == 24);
static_assert(offsetof(struct hvisor_device_req, src_zone) == 32);
static_assert(offsetof(struct hvisor_device_req, is_write) == 36);
static_assert(offsetof(struct hvisor_device_req, need_interrupt) == 37);
static_assert(offsetof(struct hvisor_device_req, padding) == 38);
static_assert(sizeof(struct hvisor_device_res) == 8);
static_assert(offsetof(struct hvisor_device_res, target_zone) == 0);
static_assert(offsetof(struct hvisor_device_res, irq_id) == 4);
static_assert(offsetof(struct hvisor_virtio_bridge, req_front) == 0);
static_assert(offsetof(struct hvisor_virtio_bridge, req_rear) == 4);
static_assert(offsetof(struct hvisor_virtio_bridge, res_front) == 8);
static_assert(offsetof(struct hvisor_virtio_bridge, res_rear) == 12);
static_assert(offsetof(struct hvisor_virtio_bridge, req_list) == 16);
static_assert(offsetof(struct hvisor_virtio_bridge, res_list) == 1296);
static_assert(offsetof(struct hvisor_virtio_bridge, cfg_flags) == 1552);
static_assert(offsetof(struct hvisor_virtio_bridge, cfg_values) == 1808);
static_assert(offsetof(struct hvisor_virtio_bridge, mmio_addrs) == 2064);
static_assert(offsetof(struct hvisor_virtio_bridge, mmio_avail) == 2128);
static_assert(offsetof(struct hvisor_virtio_bridge, need_wakeup) == 2129);
static_assert(sizeof(struct hvisor_virtio_bridge) == 2136);
static_assert((HVISOR_BRIDGE_MAX_REQ & (HVISOR_BRIDGE_MAX_REQ - 1)) == 0);

/* hvisor decides need_interrupt from this offset inside a device's region. */
#define HVISOR_VIRTIO_NOTIFY_OFFSET	0x50
/* Size of one device's region in the guest-physical map. */
#define HVISOR_VIRTIO_REGION_SIZE	0x200

#endif /* _HVISOR_VIRTIO_BRIDGE_H */
