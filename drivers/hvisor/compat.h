/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernel versions this tree builds against
 * (Debian's 6.1 and 6.12, and what lies between). Every version test of
 * the project lives here, so the rest of the code reads as mainline code.
 */
#ifndef _HVISOR_COMPAT_H
#define _HVISOR_COMPAT_H

#include <linux/bits.h>
#include <linux/eventfd.h>
#include <linux/fs.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/minmax.h>
#include <linux/mmzone.h>
#include <linux/uio.h>
#include <linux/version.h>

/*
 * The symbol namespace of what hvisor_vhost.ko exports for the simulator
 * (include/hvisor/vhost_hv.h): only a module that imports it can link
 * against those functions. 6.13 spells namespaces as string literals.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define HVISOR_VHOST_SIM_NS	"HVISOR_VHOST_SIM"
#else
#define HVISOR_VHOST_SIM_NS	HVISOR_VHOST_SIM
#endif

/* 6.11 passes find_vqs() a struct virtqueue_info array. */
#define HVISOR_HAVE_VIRTQUEUE_INFO \
	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0))

/* 6.6 passes tty_operations.write() a size_t count, returning ssize_t. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define HVISOR_TTY_WRITE_RET	ssize_t
#define HVISOR_TTY_WRITE_COUNT	size_t
#else
#define HVISOR_TTY_WRITE_RET	int
#define HVISOR_TTY_WRITE_COUNT	int
#endif

/**
 * hvisor_vfs_iter_write() - vfs_iter_write() with freeze protection
 * @file: file to write
 * @it: data
 * @pos: position, advanced by what was written
 *
 * Before 6.8 the callers of vfs_iter_write() take freeze protection;
 * from 6.8 on it does so itself.
 *
 * Return: bytes written or a negative errno.
 */
static inline ssize_t hvisor_vfs_iter_write(struct file *file,
					    struct iov_iter *it, loff_t *pos)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 8, 0)
	ssize_t n;

	file_start_write(file);
	n = vfs_iter_write(file, it, pos, 0);
	file_end_write(file);
	return n;
#else
	return vfs_iter_write(file, it, pos, 0);
#endif
}

/**
 * hvisor_call_read_iter() - start a read on a kiocb
 * @file: the file
 * @iocb: the kiocb, for @file
 * @it: where the data goes
 *
 * call_read_iter() and call_write_iter() are gone since 6.10, whose
 * callers call the file's method themselves.
 *
 * Return: bytes read, -EIOCBQUEUED (ki_complete comes later) or -errno.
 */
static inline ssize_t hvisor_call_read_iter(struct file *file,
					    struct kiocb *iocb,
					    struct iov_iter *it)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 10, 0)
	return call_read_iter(file, iocb, it);
#else
	return file->f_op->read_iter(iocb, it);
#endif
}

/**
 * hvisor_call_write_iter() - start a write on a kiocb
 * @file: the file
 * @iocb: the kiocb, for @file; the caller holds freeze protection
 * @it: the data
 *
 * Return: bytes written, -EIOCBQUEUED (ki_complete comes later) or -errno.
 */
static inline ssize_t hvisor_call_write_iter(struct file *file,
					     struct kiocb *iocb,
					     struct iov_iter *it)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 10, 0)
	return call_write_iter(file, iocb, it);
#else
	return file->f_op->write_iter(iocb, it);
#endif
}

/**
 * hvisor_pa_range_ok() - is a range inside the physical address space?
 * @pa: root physical address
 * @size: bytes
 *
 * x86 ends iomem_resource at its CPU's physical address bits; arm64, riscv
 * and LoongArch leave it at ~0, so the memory model's limit
 * (MAX_PHYSMEM_BITS, the most the kernel can map) bounds the range there.
 * The address comes from user space (ZONE_ADD_MEM, a zone's
 * configuration, LOAD_IMAGE): beyond the limit x86's ioremap() warns and
 * other architectures fail deep in their page table code.
 *
 * Return: true when @size > 0 and [@pa, @pa + @size) neither wraps nor
 * leaves the physical address space.
 */
static inline bool hvisor_pa_range_ok(u64 pa, u64 size)
{
	u64 end = iomem_resource.end;

#ifdef MAX_PHYSMEM_BITS
	end = min_t(u64, end, BIT_ULL(MAX_PHYSMEM_BITS) - 1);
#endif
	return size && pa + size - 1 >= pa && pa + size - 1 <= end;
}

/**
 * hvisor_memremap_guest_ram() - map guest RAM that is not root's System RAM
 * @pa: root physical address, page aligned
 * @size: bytes, page aligned
 *
 * The guest maps its RAM as normal cacheable memory, so root must too, or
 * it reads stale rings and data (mismatched attributes). memremap(WB)
 * does that on arm64, x86 and LoongArch (ioremap_cache()). A riscv kernel
 * whose asm/io.h does not define arch_memremap_wb() (older releases; the
 * Debian 6.1.192 and 6.12 trees here do define it) falls back to plain
 * ioremap(), which with Svpbmt is an uncached I/O mapping: map with
 * PAGE_KERNEL's attributes there explicitly. memunmap() undoes either
 * mapping (it iounmap()s ioremap addresses). A range outside the physical
 * address space (hvisor_pa_range_ok()) is refused first.
 *
 * Return: the kernel address, or NULL.
 */
static inline void *hvisor_memremap_guest_ram(phys_addr_t pa, size_t size)
{
	if (!hvisor_pa_range_ok(pa, size))
		return NULL;
#if defined(CONFIG_RISCV) && !defined(arch_memremap_wb)
	return (__force void *)ioremap_prot(pa, size, _PAGE_KERNEL);
#else
	return memremap(pa, size, MEMREMAP_WB);
#endif
}

/**
 * hvisor_eventfd_signal() - add 1 to an eventfd's counter
 * @ctx: the eventfd
 *
 * 6.8 dropped eventfd_signal()'s count argument. Any context.
 */
static inline void hvisor_eventfd_signal(struct eventfd_ctx *ctx)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 8, 0)
	eventfd_signal(ctx, 1);
#else
	eventfd_signal(ctx);
#endif
}

#endif /* _HVISOR_COMPAT_H */
