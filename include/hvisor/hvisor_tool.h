/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvisor-tool's /dev/hvisor ABI: the ioctls of its kernel module hvisor.ko
 * and the zone configuration its "hvisor zone start" hands to hvisor.
 * Our own definitions, laid out byte for byte as hvisor-tool's hvisor.h,
 * zone_config.h and ivc.h (configuration version 0x06) compile on each
 * architecture; the static_asserts at the end pin every size and offset,
 * computed by compiling hvisor-tool's headers with gcc for x86_64, arm64
 * and riscv64 (LoongArch by hand: its arch part is one u64). Not a uapi
 * header: hvisor-tool's binaries carry their own copy; see
 * Documentation/hsm.rst.
 *
 * Implicit padding of hvisor-tool's structures is spelt out as pad
 * fields; it is never checked (hvisor-tool zeroes it, hvisor ignores it).
 */
#ifndef _HVISOR_HVISOR_TOOL_H
#define _HVISOR_HVISOR_TOOL_H

#include <linux/build_bug.h>
#include <linux/ioctl.h>
#include <linux/stddef.h>
#include <linux/types.h>

/* The misc device and its ioctl type. */
#define HVISOR_TOOL_DEVICE_NAME		"hvisor"
#define HVISOR_TOOL_IOC_TYPE		1

/* Version of struct hvisor_tool_zone_config (CONFIG_MAGIC_VERSION). */
#define HVISOR_TOOL_CONFIG_MAGIC	0x06

#define HVISOR_TOOL_MAX_MEM_REGIONS	64
#define HVISOR_TOOL_MAX_INTERRUPTS	1024
#define HVISOR_TOOL_IRQ_BITMAP_WORDS	(HVISOR_TOOL_MAX_INTERRUPTS / 32)
#define HVISOR_TOOL_MAX_IVC		2
#define HVISOR_TOOL_NAME_LEN		32
#define HVISOR_TOOL_MAX_PCI_BUS		4
#define HVISOR_TOOL_MAX_PCI_DEVS	32
/* Zone ids are 0 (root) .. HVISOR_TOOL_MAX_ZONES - 1. */
#define HVISOR_TOOL_MAX_ZONES		32
/* hvisor maps zone memory in pages of this size, whatever root's is. */
#define HVISOR_TOOL_PAGE_SIZE		0x1000ULL

/* struct hvisor_tool_mem_region.type */
#define HVISOR_TOOL_MEM_RAM		0
#define HVISOR_TOOL_MEM_IO		1
#define HVISOR_TOOL_MEM_VIRTIO		2

/* Hypercall codes of zone management (hvisor src/hypercall/mod.rs). */
#define HVISOR_HC_ZONE_START		2
#define HVISOR_HC_ZONE_SHUTDOWN		3
#define HVISOR_HC_ZONE_LIST		4
#define HVISOR_HC_CONFIG_CHECK		6
#define HVISOR_HC_SET_BOOT_MODE		8
#define HVISOR_HC_GET_ECAM_BASE		9
#define HVISOR_HC_CLEAR_INJECT_IRQ	11
/*
 * LoongArch's older hvisor (CONFIG_CHECK magic below 0x06): lowers the
 * virtio interrupt of the guest being served, no arguments.
 */
#define HVISOR_HC_LA_CLEAR_INJECT_OLD	20
/* LoongArch CPUINTC HWI2: root's wakeup line, re-armed with call 11. */
#define HVISOR_LA_WAKEUP_HWI		4
/* First CONFIG_CHECK magic of the LoongArch hvisor with call 11. */
#define HVISOR_LA_MAGIC_LEVEL_IRQ	0x06

/**
 * struct hvisor_tool_mem_region - one memory region of a zone
 * @type: HVISOR_TOOL_MEM_RAM, _IO or _VIRTIO
 * @pad: padding
 * @physical_start: where root (and hvisor) see the region
 * @virtual_start: where the guest sees it (guest-physical)
 * @size: bytes
 */
struct hvisor_tool_mem_region {
	__u32 type;
	__u32 pad;
	__u64 physical_start;
	__u64 virtual_start;
	__u64 size;
};

/**
 * struct hvisor_tool_ivc - an inter-VM communication channel of a zone
 * @ivc_id: channel id
 * @peer_id: this zone's id on the channel
 * @control_table_ipa: guest-physical address of the control table
 * @shared_mem_ipa: guest-physical address of the shared memory
 * @rw_sec_size: bytes of the read-write section
 * @out_sec_size: bytes of each output section
 * @interrupt_num: interrupt raised on the peer
 * @max_peers: peers on the channel
 */
struct hvisor_tool_ivc {
	__u32 ivc_id;
	__u32 peer_id;
	__u64 control_table_ipa;
	__u64 shared_mem_ipa;
	__u32 rw_sec_size;
	__u32 out_sec_size;
	__u32 interrupt_num;
	__u32 max_peers;
};

/**
 * struct hvisor_tool_pci_bus - a PCI host bridge given to a zone
 * @ecam_base: ECAM window, root physical
 * @ecam_size: its size
 * @io_base: I/O window, CPU address
 * @io_size: its size
 * @pci_io_base: I/O window, bus address
 * @mem32_base: 32-bit memory window, CPU address
 * @mem32_size: its size
 * @pci_mem32_base: 32-bit memory window, bus address
 * @mem64_base: 64-bit memory window, CPU address
 * @mem64_size: its size
 * @pci_mem64_base: 64-bit memory window, bus address
 * @bus_range_begin: first bus number
 * @bus_range_end: last bus number
 * @domain: PCI domain
 * @pad: padding
 */
struct hvisor_tool_pci_bus {
	__u64 ecam_base;
	__u64 ecam_size;
	__u64 io_base;
	__u64 io_size;
	__u64 pci_io_base;
	__u64 mem32_base;
	__u64 mem32_size;
	__u64 pci_mem32_base;
	__u64 mem64_base;
	__u64 mem64_size;
	__u64 pci_mem64_base;
	__u32 bus_range_begin;
	__u32 bus_range_end;
	__u8 domain;
	__u8 pad[7];
};

/**
 * struct hvisor_tool_pci_dev - a PCI function given to a zone
 * @domain: physical domain
 * @bus: physical bus
 * @device: physical device
 * @function: physical function
 * @v_bus: bus the guest sees
 * @v_device: device the guest sees
 * @v_function: function the guest sees
 * @pad: padding
 * @dev_type: hvisor's device type
 */
struct hvisor_tool_pci_dev {
	__u8 domain;
	__u8 bus;
	__u8 device;
	__u8 function;
	__u8 v_bus;
	__u8 v_device;
	__u8 v_function;
	__u8 pad;
	__u32 dev_type;
};

/**
 * struct hvisor_tool_arch_arm64 - arch_config of an arm64 zone
 * @is_aarch32: the guest runs in AArch32
 * @pad: padding
 * @gic_version_tag: 0: @gic.v2 is valid, 1: @gic.v3 is
 * @gic: GIC regions (hvisor-tool's union GicConfig without its tag)
 * @gic.v2: GICv2: distributor, CPU interface, hypervisor and virtual CPU
 *	interface (base, size) and the CPU interface offset
 * @gic.v3: GICv3: distributor, redistributors, ITS (base, size)
 * @uefi_tag: non-zero when @uefi is valid (hvisor-tool's UefiConfig)
 * @uefi: memory map and system table of a UEFI guest
 */
struct hvisor_tool_arch_arm64 {
	__u8 is_aarch32;
	__u8 pad[7];
	__u64 gic_version_tag;
	union {
		struct {
			__u64 gicd_base, gicd_size;
			__u64 gicc_base, gicc_size, gicc_offset;
			__u64 gich_base, gich_size;
			__u64 gicv_base, gicv_size;
		} v2;
		struct {
			__u64 gicd_base, gicd_size;
			__u64 gicr_base, gicr_size;
			__u64 gits_base, gits_size;
		} v3;
	} gic;
	__u64 uefi_tag;
	struct {
		__u64 memory_map_addr;
		__u64 memory_map_size;
		__u64 sys_map_addr;
	} uefi;
};

/**
 * struct hvisor_tool_arch_riscv - arch_config of a riscv64 zone
 * @plic_base: PLIC, guest-physical
 * @plic_size: its size
 * @aplic_base: APLIC, guest-physical
 * @aplic_size: its size
 */
struct hvisor_tool_arch_riscv {
	__u64 plic_base;
	__u64 plic_size;
	__u64 aplic_base;
	__u64 aplic_size;
};

/**
 * struct hvisor_tool_arch_loongarch - arch_config of a LoongArch zone
 * @dummy: unused
 */
struct hvisor_tool_arch_loongarch {
	__u64 dummy;
};

/**
 * struct hvisor_tool_arch_x86 - arch_config of an x86_64 zone
 * @ioapic_base: IOAPIC, guest-physical
 * @ioapic_size: its size
 * @kernel_entry_gpa: guest kernel entry
 * @cmdline_load_gpa: where the command line is
 * @setup_load_gpa: where the setup header is
 * @initrd_load_gpa: where the initrd is
 * @initrd_size: its size
 * @rsdp_memory_region_id: index of the region holding the RSDP
 * @acpi_memory_region_id: index of the region holding the ACPI tables
 * @uefi_memory_region_id: index of the region holding UEFI
 * @screen_base: frame buffer
 */
struct hvisor_tool_arch_x86 {
	__u64 ioapic_base;
	__u64 ioapic_size;
	__u64 kernel_entry_gpa;
	__u64 cmdline_load_gpa;
	__u64 setup_load_gpa;
	__u64 initrd_load_gpa;
	__u64 initrd_size;
	__u64 rsdp_memory_region_id;
	__u64 acpi_memory_region_id;
	__u64 uefi_memory_region_id;
	__u64 screen_base;
};

/* The arch_config of this kernel's architecture. */
#if defined(CONFIG_ARM64)
#define hvisor_tool_arch		hvisor_tool_arch_arm64
#define HVISOR_TOOL_CONFIG_SIZE		3296
#elif defined(CONFIG_RISCV)
#define hvisor_tool_arch		hvisor_tool_arch_riscv
#define HVISOR_TOOL_CONFIG_SIZE		3208
#elif defined(CONFIG_LOONGARCH)
#define hvisor_tool_arch		hvisor_tool_arch_loongarch
#define HVISOR_TOOL_CONFIG_SIZE		3184
#else
#define hvisor_tool_arch		hvisor_tool_arch_x86
#define HVISOR_TOOL_CONFIG_SIZE		3264
#endif

/**
 * struct hvisor_tool_zone_config - ZONE_START's argument (zone_config_t)
 * @zone_id: zone to start, 1 .. HVISOR_TOOL_MAX_ZONES - 1
 * @pad0: padding
 * @cpus: physical CPUs of the zone, one bit each
 * @num_memory_regions: entries used in @memory_regions
 * @pad1: padding
 * @memory_regions: RAM, I/O and virtio regions
 * @interrupts_bitmap: interrupts passed through, one bit each
 * @num_ivc_configs: entries used in @ivc_configs
 * @pad2: padding
 * @ivc_configs: inter-VM channels
 * @entry_point: guest-physical entry of the kernel
 * @kernel_load_paddr: root-physical address the kernel was loaded at
 * @kernel_size: its size
 * @dtb_load_paddr: root-physical address the device tree was loaded at
 * @dtb_size: its size
 * @name: zone name, NUL-terminated (hvisor_vhost refuses a full field)
 * @arch_config: this architecture's part
 * @num_pci_bus: entries used in @pci_config
 * @pci_config: PCI host bridges
 * @num_pci_devs: entries used in @alloc_pci_devs
 * @alloc_pci_devs: PCI functions
 * @pad3: padding at the end (arm64, x86)
 */
struct hvisor_tool_zone_config {
	__u32 zone_id;
	__u32 pad0;
	__u64 cpus;
	__u32 num_memory_regions;
	__u32 pad1;
	struct hvisor_tool_mem_region memory_regions[HVISOR_TOOL_MAX_MEM_REGIONS];
	__u32 interrupts_bitmap[HVISOR_TOOL_IRQ_BITMAP_WORDS];
	__u32 num_ivc_configs;
	__u32 pad2;
	struct hvisor_tool_ivc ivc_configs[HVISOR_TOOL_MAX_IVC];
	__u64 entry_point;
	__u64 kernel_load_paddr;
	__u64 kernel_size;
	__u64 dtb_load_paddr;
	__u64 dtb_size;
	char name[HVISOR_TOOL_NAME_LEN];
	struct hvisor_tool_arch arch_config;
	__u64 num_pci_bus;
	struct hvisor_tool_pci_bus pci_config[HVISOR_TOOL_MAX_PCI_BUS];
	__u64 num_pci_devs;
	struct hvisor_tool_pci_dev alloc_pci_devs[HVISOR_TOOL_MAX_PCI_DEVS];
};

/**
 * struct hvisor_tool_zone_info - one zone in ZONE_LIST's answer
 * @zone_id: zone id
 * @pad0: padding
 * @cpus: its CPUs, one bit each
 * @name: its name (NUL-terminated as hvisor writes it)
 * @is_err: hvisor saw the zone fail
 * @pad1: padding
 */
struct hvisor_tool_zone_info {
	__u32 zone_id;
	__u32 pad0;
	__u64 cpus;
	char name[HVISOR_TOOL_NAME_LEN];
	__u8 is_err;
	__u8 pad1[7];
};

/**
 * struct hvisor_tool_zone_list_args - ZONE_LIST's argument
 * @cnt: room in @zones
 * @zones: user pointer to @cnt struct hvisor_tool_zone_info
 */
struct hvisor_tool_zone_list_args {
	__u64 cnt;
	__u64 zones;
};

/**
 * struct hvisor_tool_load_image_args - LOAD_IMAGE's argument
 * @user_buffer: user pointer to the image
 * @size: its size in bytes
 * @load_paddr: root-physical address to copy it to
 */
struct hvisor_tool_load_image_args {
	__u64 user_buffer;
	__u64 size;
	__u64 load_paddr;
};

/**
 * struct hvisor_tool_boot_mode - SET_BOOT_MODE's argument
 * @zone_id: zone
 * @multiboot_enabled: boot it with multiboot2 (x86)
 * @multiboot_info_paddr: root-physical address of the multiboot2 info
 */
struct hvisor_tool_boot_mode {
	__u32 zone_id;
	__u32 multiboot_enabled;
	__u64 multiboot_info_paddr;
};

/**
 * struct hvisor_tool_irq_line - DEASSERT_IRQ's argument (LoongArch)
 * @zone_id: zone
 * @irq_id: its interrupt to de-assert
 */
struct hvisor_tool_irq_line {
	__u32 zone_id;
	__u32 irq_id;
};

/* SCMI subcommands (struct hvisor_tool_scmi_*.subcmd). */
#define HVISOR_TOOL_SCMI_CLOCK_GET_COUNT	0x01
#define HVISOR_TOOL_SCMI_CLOCK_GET_ATTRIBUTES	0x02
#define HVISOR_TOOL_SCMI_CLOCK_DESCRIBE_RATES	0x03
#define HVISOR_TOOL_SCMI_CLOCK_RATE_GET		0x04
#define HVISOR_TOOL_SCMI_CLOCK_RATE_SET		0x05
#define HVISOR_TOOL_SCMI_CLOCK_CONFIG_GET	0x06
#define HVISOR_TOOL_SCMI_CLOCK_CONFIG_SET	0x07
#define HVISOR_TOOL_SCMI_CLOCK_NAME_GET		0x08
#define HVISOR_TOOL_SCMI_RESET_GET_COUNT	0x01
#define HVISOR_TOOL_SCMI_RESET_RESET		0x02
#define HVISOR_TOOL_SCMI_POWER_GET_COUNT	0x01
#define HVISOR_TOOL_SCMI_POWER_GET_ATTRIBUTES	0x02
#define HVISOR_TOOL_SCMI_POWER_STATE_SET	0x03
#define HVISOR_TOOL_SCMI_POWER_STATE_GET	0x04
/* SCMI power states; reset flags (SCMI's RESET message). */
#define HVISOR_TOOL_SCMI_POWER_ON		0x00000000U
#define HVISOR_TOOL_SCMI_POWER_OFF		0x40000000U
#define HVISOR_TOOL_SCMI_RESET_AUTONOMOUS	0x1U
#define HVISOR_TOOL_SCMI_RESET_EXPLICIT_ASSERT	0x2U
#define HVISOR_TOOL_SCMI_NAME_LEN		64

/**
 * struct hvisor_tool_scmi_clock - SCMI_CLOCK (hvisor_scmi_clock_args)
 * @subcmd: HVISOR_TOOL_SCMI_CLOCK_*
 * @data_len: unused
 * @u: per subcommand: @u.count (GET_COUNT), @u.attr (GET_ATTRIBUTES:
 *	enabled, parent_id (always ~0), name, is_valid), @u.rates
 *	(DESCRIBE_RATES: nothing is returned, as with hvisor.ko), @u.rate
 *	(RATE_GET, RATE_SET: Hz), @u.config (CONFIG_GET, CONFIG_SET: bit 0
 *	is "enabled"), @u.name (NAME_GET); each starts with the clock id,
 *	the index of the clock in the "clocks" property of root's
 *	/hvisor_virtio_device node
 */
struct hvisor_tool_scmi_clock {
	__u32 subcmd;
	__u32 data_len;
	union {
		__u32 count;
		struct {
			__u32 clock_id;
			__u32 enabled;
			__u32 parent_id;
			char name[HVISOR_TOOL_SCMI_NAME_LEN];
			__u32 is_valid;
		} attr;
		struct {
			__u32 clock_id;
			__u32 rate_index;
			__u32 num_rates;
			__u32 remaining;
			__u64 rates[8];
		} rates;
		struct {
			__u32 clock_id;
			__u64 rate;
		} rate;
		struct {
			__u32 clock_id;
			__u32 flags;
			__u64 rate;
		} rate_set;
		struct {
			__u32 clock_id;
			__u32 flags;
			__u32 config;
			__u32 extended_config_val;
		} config;
		struct {
			__u32 clock_id;
			char name[HVISOR_TOOL_SCMI_NAME_LEN];
		} name;
	} u;
};

/**
 * struct hvisor_tool_scmi_reset - SCMI_RESET (hvisor_scmi_reset_args)
 * @subcmd: HVISOR_TOOL_SCMI_RESET_*
 * @data_len: unused
 * @u: @u.count (GET_COUNT) or @u.reset (RESET: domain_id, the index in
 *	the node's "resets" property; flags, HVISOR_TOOL_SCMI_RESET_*;
 *	reset_state, unused)
 */
struct hvisor_tool_scmi_reset {
	__u32 subcmd;
	__u32 data_len;
	union {
		__u32 count;
		struct {
			__u32 domain_id;
			__u32 flags;
			__u32 reset_state;
		} reset;
	} u;
};

/**
 * struct hvisor_tool_scmi_power - SCMI_POWER (hvisor_scmi_power_args)
 * @subcmd: HVISOR_TOOL_SCMI_POWER_*
 * @data_len: unused
 * @u: @u.count (GET_COUNT), @u.attr (GET_ATTRIBUTES: flags 0, the
 *	domain's name) or @u.state (STATE_SET, STATE_GET:
 *	HVISOR_TOOL_SCMI_POWER_ON or _OFF); domain_id is the index in the
 *	node's "power-domains" property
 */
struct hvisor_tool_scmi_power {
	__u32 subcmd;
	__u32 data_len;
	union {
		__u32 count;
		struct {
			__u32 domain_id;
			__u32 flags;
			char name[HVISOR_TOOL_SCMI_NAME_LEN];
		} attr;
		struct {
			__u32 domain_id;
			__u32 power_state;
		} state;
	} u;
};

/*
 * The ioctls. hvisor-tool declares several with a pointer type, so their
 * size field is a pointer's (8).
 */
#define HVISOR_TOOL_INIT_VIRTIO		_IO(HVISOR_TOOL_IOC_TYPE, 0)
#define HVISOR_TOOL_GET_TASK		_IO(HVISOR_TOOL_IOC_TYPE, 1)
#define HVISOR_TOOL_FINISH_REQ		_IO(HVISOR_TOOL_IOC_TYPE, 2)
#define HVISOR_TOOL_ZONE_START \
	_IOW(HVISOR_TOOL_IOC_TYPE, 3, struct hvisor_tool_zone_config *)
#define HVISOR_TOOL_ZONE_SHUTDOWN	_IOW(HVISOR_TOOL_IOC_TYPE, 4, __u64)
#define HVISOR_TOOL_ZONE_LIST \
	_IOR(HVISOR_TOOL_IOC_TYPE, 5, struct hvisor_tool_zone_list_args *)
#define HVISOR_TOOL_CONFIG_CHECK	_IOR(HVISOR_TOOL_IOC_TYPE, 6, __u64 *)
#define HVISOR_TOOL_SET_EVENTFD		_IOW(HVISOR_TOOL_IOC_TYPE, 7, int)
#define HVISOR_TOOL_LOAD_IMAGE \
	_IOW(HVISOR_TOOL_IOC_TYPE, 8, struct hvisor_tool_load_image_args)
#define HVISOR_TOOL_SET_BOOT_MODE \
	_IOW(HVISOR_TOOL_IOC_TYPE, 9, struct hvisor_tool_boot_mode *)
#define HVISOR_TOOL_GET_ECAM_BASE	_IOR(HVISOR_TOOL_IOC_TYPE, 10, __u64 *)
#define HVISOR_TOOL_DEASSERT_IRQ \
	_IOW(HVISOR_TOOL_IOC_TYPE, 11, struct hvisor_tool_irq_line)
#define HVISOR_TOOL_SCMI_CLOCK \
	_IOWR(HVISOR_TOOL_IOC_TYPE, 32, struct hvisor_tool_scmi_clock)
#define HVISOR_TOOL_SCMI_RESET \
	_IOWR(HVISOR_TOOL_IOC_TYPE, 33, struct hvisor_tool_scmi_reset)
#define HVISOR_TOOL_SCMI_POWER \
	_IOWR(HVISOR_TOOL_IOC_TYPE, 34, struct hvisor_tool_scmi_power)

/* Layouts, as gcc lays out hvisor-tool's headers (64-bit targets). */
static_assert(sizeof(struct hvisor_tool_mem_region) == 32);
static_assert(offsetof(struct hvisor_tool_mem_region, physical_start) == 8);
static_assert(offsetof(struct hvisor_tool_mem_region, virtual_start) == 16);
static_assert(offsetof(struct hvisor_tool_mem_region, size) == 24);
static_assert(sizeof(struct hvisor_tool_ivc) == 40);
static_assert(offsetof(struct hvisor_tool_ivc, control_table_ipa) == 8);
static_assert(offsetof(struct hvisor_tool_ivc, rw_sec_size) == 24);
static_assert(offsetof(struct hvisor_tool_ivc, max_peers) == 36);
static_assert(sizeof(struct hvisor_tool_pci_bus) == 104);
static_assert(offsetof(struct hvisor_tool_pci_bus, bus_range_begin) == 88);
static_assert(offsetof(struct hvisor_tool_pci_bus, domain) == 96);
static_assert(sizeof(struct hvisor_tool_pci_dev) == 12);
static_assert(offsetof(struct hvisor_tool_pci_dev, v_function) == 6);
static_assert(offsetof(struct hvisor_tool_pci_dev, dev_type) == 8);
static_assert(sizeof(struct hvisor_tool_arch_arm64) == 120);
static_assert(offsetof(struct hvisor_tool_arch_arm64, gic_version_tag) == 8);
static_assert(offsetof(struct hvisor_tool_arch_arm64, gic) == 16);
static_assert(offsetof(struct hvisor_tool_arch_arm64, uefi_tag) == 88);
static_assert(offsetof(struct hvisor_tool_arch_arm64, uefi) == 96);
static_assert(sizeof(struct hvisor_tool_arch_riscv) == 32);
static_assert(sizeof(struct hvisor_tool_arch_loongarch) == 8);
static_assert(sizeof(struct hvisor_tool_arch_x86) == 88);
static_assert(offsetof(struct hvisor_tool_zone_config, cpus) == 8);
static_assert(offsetof(struct hvisor_tool_zone_config, num_memory_regions) == 16);
static_assert(offsetof(struct hvisor_tool_zone_config, memory_regions) == 24);
static_assert(offsetof(struct hvisor_tool_zone_config, interrupts_bitmap) == 2072);
static_assert(offsetof(struct hvisor_tool_zone_config, num_ivc_configs) == 2200);
static_assert(offsetof(struct hvisor_tool_zone_config, ivc_configs) == 2208);
static_assert(offsetof(struct hvisor_tool_zone_config, entry_point) == 2288);
static_assert(offsetof(struct hvisor_tool_zone_config, kernel_load_paddr) == 2296);
static_assert(offsetof(struct hvisor_tool_zone_config, kernel_size) == 2304);
static_assert(offsetof(struct hvisor_tool_zone_config, dtb_load_paddr) == 2312);
static_assert(offsetof(struct hvisor_tool_zone_config, dtb_size) == 2320);
static_assert(offsetof(struct hvisor_tool_zone_config, name) == 2328);
static_assert(offsetof(struct hvisor_tool_zone_config, arch_config) == 2360);
/*
 * After arch_config everything moves with its size: arm64 120, riscv 32,
 * LoongArch 8, x86 88.
 */
static_assert(offsetof(struct hvisor_tool_zone_config, num_pci_bus) ==
	      2360 + sizeof(struct hvisor_tool_arch));
static_assert(offsetof(struct hvisor_tool_zone_config, pci_config) ==
	      2368 + sizeof(struct hvisor_tool_arch));
static_assert(offsetof(struct hvisor_tool_zone_config, num_pci_devs) ==
	      2784 + sizeof(struct hvisor_tool_arch));
static_assert(offsetof(struct hvisor_tool_zone_config, alloc_pci_devs) ==
	      2792 + sizeof(struct hvisor_tool_arch));
static_assert(sizeof(struct hvisor_tool_zone_config) == HVISOR_TOOL_CONFIG_SIZE);
static_assert(sizeof(struct hvisor_tool_zone_info) == 56);
static_assert(offsetof(struct hvisor_tool_zone_info, cpus) == 8);
static_assert(offsetof(struct hvisor_tool_zone_info, name) == 16);
static_assert(offsetof(struct hvisor_tool_zone_info, is_err) == 48);
static_assert(sizeof(struct hvisor_tool_zone_list_args) == 16);
static_assert(sizeof(struct hvisor_tool_load_image_args) == 24);
static_assert(sizeof(struct hvisor_tool_boot_mode) == 16);
static_assert(offsetof(struct hvisor_tool_boot_mode, multiboot_info_paddr) == 8);
static_assert(sizeof(struct hvisor_tool_irq_line) == 8);
/* The numbers hvisor-tool's binaries use (gcc, x86_64 and arm64 alike). */
static_assert(HVISOR_TOOL_ZONE_START == 0x40080103);
static_assert(HVISOR_TOOL_ZONE_LIST == 0x80080105);
static_assert(HVISOR_TOOL_LOAD_IMAGE == 0x40180108);
static_assert(HVISOR_TOOL_SCMI_CLOCK == 0xc0580120);
static_assert(sizeof(struct hvisor_tool_scmi_clock) == 88);
static_assert(sizeof(struct hvisor_tool_scmi_reset) == 20);
static_assert(sizeof(struct hvisor_tool_scmi_power) == 80);
static_assert(offsetof(struct hvisor_tool_scmi_clock, u.rate.rate) == 16);
static_assert(offsetof(struct hvisor_tool_scmi_clock, u.attr.is_valid) == 84);

#endif /* _HVISOR_HVISOR_TOOL_H */
