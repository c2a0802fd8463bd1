// SPDX-License-Identifier: GPL-2.0
/*
 * Telling hvisor apart from other hypervisors before the first hypercall.
 *
 * x86: hvisor answers CPUID leaf 0x40000000 with ACRN's vendor signature
 * "ACRNACRNACRN" (so that Linux takes ACRN's paravirt paths), and real
 * ACRN gives the same signature. The two differ in the rest of the
 * answer: hvisor (src/arch/x86_64/trap.rs, handle_cpuid) reports
 * 0x40000001 as its highest leaf and answers that leaf with zeros, while
 * ACRN reports 0x40000010 as its highest leaf (it also serves the TSC
 * frequency leaf 0x40000010). A hypercall is only made on hvisor's exact
 * answer: ACRN takes the hypercall number from r8, not rax, so an hvisor
 * call made on ACRN would be an arbitrary ACRN hypercall.
 */

#include <linux/string.h>

#include "hv_ident.h"

#define HVISOR_X86_MAX_LEAF	0x40000001

/**
 * hvisor_x86_identify() - classify the hypervisor CPUID leaves
 * @c: leaves 0x40000000 and 0x40000001 as read with cpuid
 *
 * Return: HVISOR_X86_HVISOR only for hvisor's exact answer.
 */
enum hvisor_x86_verdict hvisor_x86_identify(const struct hvisor_x86_cpuid *c)
{
	static const u32 zero[4];

	if (memcmp(&c->leaf0[1], "ACRNACRNACRN", 12))
		return HVISOR_X86_NONE;
	if (c->leaf0[0] == HVISOR_X86_MAX_LEAF &&
	    !memcmp(c->leaf1, zero, sizeof(zero)))
		return HVISOR_X86_HVISOR;
	return HVISOR_X86_ACRN_SIG;
}
