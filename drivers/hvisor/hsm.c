// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/hvisor: hvisor-tool's kernel interface (its hvisor.ko's ioctls and
 * mmap), so that hvisor-tool's unmodified "hvisor" command works on top of
 * hvisor_vhost.ko (Documentation/hsm.rst, include/hvisor/hvisor_tool.h).
 *
 * The ioctl switch only dispatches; each operation copies its argument
 * in, checks it and the caller's capability, then does the work. Zones
 * live in hsm_zone.c. The userspace bridge (INIT_VIRTIO, SET_EVENTFD,
 * FINISH_REQ and mmap of offset 0, for hvisor-tool's virtio daemon) lives
 * in ubridge.c.
 *
 * When the name "hvisor" is taken (hvisor-tool's hvisor.ko is loaded),
 * the module works without /dev/hvisor and says so once.
 */

#define pr_fmt(fmt) "hvisor_vhost: " fmt

#include <linux/capability.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/io.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <asm/cacheflush.h>
#include <hvisor/hvisor_tool.h>

#include "compat.h"
#include "core.h"
#include "hsm.h"
#include "ubridge.h"

/* ------------------------------------------------------------------ */
/* Requests to the hypervisor.                                         */

/*
 * From the attached virtio daemon: relay its result ring to hvisor's.
 * From anyone else: the FINISH_REQ hypercall, as hvisor.ko does.
 */
static long hsm_finish_req(struct file *file)
{
	long ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	ret = hvisor_ubridge_finish_req(file);
	if (ret != -ENOENT)
		return ret;
	return hvisor_core_finish_req();
}

/* ------------------------------------------------------------------ */
/* LOAD_IMAGE                                                          */

#ifdef CONFIG_ARM64
/*
 * The guest may start with its MMU and caches off: what was written
 * through root's cacheable mapping must reach the point of coherency.
 * Clean and invalidate by address to PoC, as hvisor.ko does; the kernel
 * exports no helper for it to modules. The line size is the smallest
 * of all CPUs (CTR_EL0.DminLine, sanitised).
 */
static void hsm_flush_to_poc(void *addr, size_t size)
{
	u64 ctr = read_sanitised_ftr_reg(SYS_CTR_EL0);
	/* CTR_EL0.DminLine, bits 19:16: log2 of the line in words. */
	unsigned long line = 4UL << ((ctr >> 16) & 0xf);
	unsigned long p = (unsigned long)addr & ~(line - 1);
	unsigned long end = (unsigned long)addr + size;

	for (; p < end; p += line)
		asm volatile("dc civac, %0" : : "r"(p) : "memory");
	/* The maintenance above completes before the guest may start. */
	dsb(sy);
}
#else
/* Coherent (x86, LoongArch) or left as hvisor.ko leaves it (riscv). */
static void hsm_flush_to_poc(void *addr, size_t size)
{
}
#endif

/* Copy @args' image into the mapped target, then make it visible. */
static int hsm_load_copy(const struct hvisor_tool_load_image_args *args)
{
	phys_addr_t base = args->load_paddr & PAGE_MASK;
	size_t offset = args->load_paddr - base;
	size_t len = PAGE_ALIGN(offset + args->size);
	void *map, *dst;
	int ret = 0;

	map = hvisor_memremap_guest_ram(base, len);
	if (!map)
		return -ENOMEM;
	dst = map + offset;
	if (copy_from_user(dst, u64_to_user_ptr(args->user_buffer),
			   args->size))
		ret = -EFAULT;
	if (!ret) {
		hsm_flush_to_poc(dst, args->size);
		flush_icache_range((unsigned long)dst,
				   (unsigned long)dst + args->size);
	}
	memunmap(map);
	return ret;
}

static long hsm_load_image(const void __user *arg)
{
	struct hvisor_tool_load_image_args args;
	struct module *pin;
	long ret;

	if (!capable(CAP_SYS_ADMIN) || !capable(CAP_SYS_RAWIO))
		return -EPERM;
	if (copy_from_user(&args, arg, sizeof(args)))
		return -EFAULT;
	if (!args.user_buffer || !args.size ||
	    args.load_paddr + args.size <= args.load_paddr ||
	    args.size > SIZE_MAX - PAGE_SIZE)
		return -EINVAL;
	ret = hvisor_hsm_load_target(args.load_paddr, args.size, &pin);
	if (ret)
		return ret;
	ret = hsm_load_copy(&args);
	module_put(pin);
	return ret;
}

/* ------------------------------------------------------------------ */
/* mmap of zone RAM                                                    */

/* Each mapping of a zone's RAM pins that zone's hypervisor module. */
static void hsm_vm_open(struct vm_area_struct *vma)
{
	__module_get(vma->vm_private_data);
}

static void hsm_vm_close(struct vm_area_struct *vma)
{
	module_put(vma->vm_private_data);
}

static const struct vm_operations_struct hsm_vm_ops = {
	.open = hsm_vm_open,
	.close = hsm_vm_close,
};

/*
 * Offset 0 is the virtio bridge; any other offset is a root physical
 * address (pgoff = page frame number) of zone RAM, as with hvisor.ko,
 * but only RAM of a zone this module knows is mapped.
 */
static int hsm_mmap(struct file *file, struct vm_area_struct *vma)
{
	u64 size = vma->vm_end - vma->vm_start;
	struct module *pin;
	u64 pa;
	int ret;

	if (!vma->vm_pgoff)
		return hvisor_ubridge_mmap(file, vma);
	if (!capable(CAP_SYS_ADMIN) || !capable(CAP_SYS_RAWIO))
		return -EPERM;
	pa = (u64)vma->vm_pgoff << PAGE_SHIFT;
	if (pa >> PAGE_SHIFT != vma->vm_pgoff || pa + size <= pa)
		return -EINVAL;
	ret = hvisor_hsm_map_target(pa, size, &pin);
	if (ret) {
		pr_err_ratelimited("/dev/hvisor: mmap of 0x%llx + 0x%llx refused: not RAM of a zone hvisor_vhost knows\n",
				   pa, size);
		return ret;
	}
	ret = remap_pfn_range(vma, vma->vm_start, vma->vm_pgoff, size,
			      vma->vm_page_prot);
	if (ret) {
		/* The core calls no close for a mapping that failed. */
		module_put(pin);
		return ret;
	}
	vma->vm_private_data = pin;
	vma->vm_ops = &hsm_vm_ops;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The device                                                          */

static long hsm_ioctl(struct file *file, unsigned int cmd, unsigned long uarg)
{
	void __user *arg = (void __user *)uarg;

	switch (cmd) {
	case HVISOR_TOOL_INIT_VIRTIO:
		return hvisor_ubridge_init_virtio(file);
	case HVISOR_TOOL_SET_EVENTFD:
		return hvisor_ubridge_set_eventfd(file, (int)uarg);
	case HVISOR_TOOL_FINISH_REQ:
		return hsm_finish_req(file);
	case HVISOR_TOOL_ZONE_START:
		return hvisor_hsm_zone_start(arg);
	case HVISOR_TOOL_ZONE_SHUTDOWN:
		return hvisor_hsm_zone_shutdown(uarg);
	case HVISOR_TOOL_ZONE_LIST:
		return hvisor_hsm_zone_list(arg);
	case HVISOR_TOOL_CONFIG_CHECK:
		return hvisor_hsm_config_version(arg);
	case HVISOR_TOOL_LOAD_IMAGE:
		return hsm_load_image(arg);
	case HVISOR_TOOL_SET_BOOT_MODE:
		return hvisor_hsm_boot_mode(arg);
	case HVISOR_TOOL_GET_ECAM_BASE:
		return hvisor_hsm_ecam_base(arg);
	case HVISOR_TOOL_DEASSERT_IRQ:
		return hvisor_hsm_deassert_irq(arg);
	case HVISOR_TOOL_SCMI_CLOCK:
	case HVISOR_TOOL_SCMI_RESET:
	case HVISOR_TOOL_SCMI_POWER:
		return hvisor_hsm_scmi(cmd, arg);
	case HVISOR_TOOL_GET_TASK:
		/* Defined by hvisor-tool, never served by hvisor.ko either. */
		return -EINVAL;
	default:
		return -ENOTTY;
	}
}

/* The virtio daemon's file: closing it detaches the daemon. */
static int hsm_release(struct inode *inode, struct file *file)
{
	hvisor_ubridge_release(file);
	return 0;
}

/*
 * No compat_ioctl: hvisor-tool is 64-bit only, and its pointer-typed
 * ioctl numbers and structures differ for 32-bit callers.
 */
static const struct file_operations hsm_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = hsm_ioctl,
	.mmap = hsm_mmap,
	.release = hsm_release,
	.llseek = noop_llseek,
};

static struct miscdevice hsm_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = HVISOR_TOOL_DEVICE_NAME,
	.fops = &hsm_fops,
	.mode = 0600,
};

static bool hsm_registered;

/* Is a misc device "hvisor" there already (hvisor-tool's hvisor.ko)? */
static bool hsm_name_taken(struct device *sibling)
{
	struct device *dev;

	if (!sibling || !sibling->class)
		return false;
	dev = class_find_device_by_name(sibling->class,
					HVISOR_TOOL_DEVICE_NAME);
	if (!dev)
		return false;
	put_device(dev);
	return true;
}

/**
 * hvisor_hsm_init() - create /dev/hvisor
 * @sibling: another misc device of ours (/dev/hvisor-vhost), whose class
 *	is searched for the name
 *
 * Never fails: without /dev/hvisor the module still serves its devices.
 */
void hvisor_hsm_init(struct device *sibling)
{
	int ret;

	if (hsm_name_taken(sibling)) {
		pr_warn("/dev/%s belongs to another module (hvisor-tool's hvisor.ko?): serving /dev/hvisor-vhost only; to use hvisor-tool's commands with hvisor_vhost, unload that module and reload this one\n",
			HVISOR_TOOL_DEVICE_NAME);
		return;
	}
	ret = misc_register(&hsm_misc);
	if (ret) {
		pr_warn("cannot create /dev/%s (%d): serving /dev/hvisor-vhost only\n",
			HVISOR_TOOL_DEVICE_NAME, ret);
		return;
	}
	hsm_registered = true;
}

/**
 * hvisor_hsm_exit() - remove /dev/hvisor
 *
 * Module unload: no file of it is open any more (nor mapped).
 */
void hvisor_hsm_exit(void)
{
	if (hsm_registered)
		misc_deregister(&hsm_misc);
	hsm_registered = false;
	hvisor_hsm_scmi_exit();
}
