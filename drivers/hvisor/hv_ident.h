/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Telling hvisor apart from other hypervisors before the first hypercall
 * (pure functions, KUnit tested in tests/hv_ident_kunit.c).
 */
#ifndef _HVISOR_HV_IDENT_H
#define _HVISOR_HV_IDENT_H

#include <linux/types.h>

/**
 * struct hvisor_x86_cpuid - the hypervisor CPUID leaves of an x86 CPU
 * @leaf0: eax, ebx, ecx, edx of leaf 0x40000000 (max leaf, vendor)
 * @leaf1: eax, ebx, ecx, edx of leaf 0x40000001 (vendor features)
 */
struct hvisor_x86_cpuid {
	u32 leaf0[4];
	u32 leaf1[4];
};

/**
 * enum hvisor_x86_verdict - what the hypervisor CPUID leaves say
 * @HVISOR_X86_NONE: no ACRN signature: neither hvisor nor ACRN
 * @HVISOR_X86_HVISOR: hvisor's exact answer
 * @HVISOR_X86_ACRN_SIG: ACRN's signature, but not hvisor's answer: real
 *	ACRN, or an hvisor whose CPUID changed; no hypercall is safe
 */
enum hvisor_x86_verdict {
	HVISOR_X86_NONE,
	HVISOR_X86_HVISOR,
	HVISOR_X86_ACRN_SIG,
};

enum hvisor_x86_verdict hvisor_x86_identify(const struct hvisor_x86_cpuid *c);

#endif /* _HVISOR_HV_IDENT_H */
