/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Root's mappings of guest RAM that is not root's own memory (hvisor's
 * reserved zone RAM): with struct pages where the kernel allows it, so the
 * block backend can do direct I/O into it.
 */
#ifndef _HVISOR_RAM_H
#define _HVISOR_RAM_H

#include <linux/types.h>

struct page;

void *hvisor_ram_map(phys_addr_t pa, size_t size);
void hvisor_ram_unmap(void *kva, phys_addr_t pa);
struct page *hvisor_ram_pages(const void *kva, phys_addr_t pa, size_t size);

#endif /* _HVISOR_RAM_H */
