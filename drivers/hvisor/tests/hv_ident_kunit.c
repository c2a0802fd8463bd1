// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of hypervisor identification: a hypercall is only made on
 * hvisor's exact CPUID answer, never on ACRN's (same signature) or any
 * other hypervisor's.
 */

#include <kunit/test.h>
#include <linux/string.h>

#include "../hv_ident.c"

/* Leaves as cpuid() fills them: the signature in ebx, ecx, edx. */
static void ident_set(struct hvisor_x86_cpuid *c, u32 max_leaf,
		      const char sig[12], u32 features)
{
	memset(c, 0, sizeof(*c));
	c->leaf0[0] = max_leaf;
	memcpy(&c->leaf0[1], sig, 12);
	c->leaf1[0] = features;
}

/* hvisor's handle_cpuid(): max leaf 0x40000001, that leaf all zeros. */
static void ident_hvisor_answer_is_hvisor(struct kunit *test)
{
	struct hvisor_x86_cpuid c;

	ident_set(&c, 0x40000001, "ACRNACRNACRN", 0);
	KUNIT_EXPECT_EQ(test, hvisor_x86_identify(&c), HVISOR_X86_HVISOR);
}

/* ACRN: max leaf 0x40000010, privileged-VM feature bit in the service VM. */
static void ident_acrn_is_not_hvisor(struct kunit *test)
{
	struct hvisor_x86_cpuid c;

	ident_set(&c, 0x40000010, "ACRNACRNACRN", BIT(0));
	KUNIT_EXPECT_EQ(test, hvisor_x86_identify(&c), HVISOR_X86_ACRN_SIG);
	ident_set(&c, 0x40000010, "ACRNACRNACRN", 0);
	KUNIT_EXPECT_EQ(test, hvisor_x86_identify(&c), HVISOR_X86_ACRN_SIG);
}

/* Any non-zero feature word means it is not hvisor's answer. */
static void ident_features_must_be_zero(struct kunit *test)
{
	struct hvisor_x86_cpuid c;
	int i;

	for (i = 0; i < 4; i++) {
		ident_set(&c, 0x40000001, "ACRNACRNACRN", 0);
		c.leaf1[i] = 1;
		KUNIT_EXPECT_EQ(test, hvisor_x86_identify(&c),
				HVISOR_X86_ACRN_SIG);
	}
}

static void ident_other_hypervisors_are_none(struct kunit *test)
{
	struct hvisor_x86_cpuid c;

	ident_set(&c, 0x40000001, "KVMKVMKVM\0\0\0", 0);
	KUNIT_EXPECT_EQ(test, hvisor_x86_identify(&c), HVISOR_X86_NONE);
	ident_set(&c, 0x40000001, "ACRNACRNACRM", 0);
	KUNIT_EXPECT_EQ(test, hvisor_x86_identify(&c), HVISOR_X86_NONE);
	ident_set(&c, 0, "\0\0\0\0\0\0\0\0\0\0\0\0", 0);
	KUNIT_EXPECT_EQ(test, hvisor_x86_identify(&c), HVISOR_X86_NONE);
}

static struct kunit_case ident_test_cases[] = {
	KUNIT_CASE(ident_hvisor_answer_is_hvisor),
	KUNIT_CASE(ident_acrn_is_not_hvisor),
	KUNIT_CASE(ident_features_must_be_zero),
	KUNIT_CASE(ident_other_hypervisors_are_none),
	{}
};

static struct kunit_suite ident_test_suite = {
	.name = "hvisor_hv_ident",
	.test_cases = ident_test_cases,
};

kunit_test_suites(&ident_test_suite);
