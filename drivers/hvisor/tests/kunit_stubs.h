/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fakes of the core's services for hvisor_vhost_kunit.ko: the units under
 * test call hvisor_core_inject(), hvisor_core_answer(),
 * hvisor_core_relay_irq() and hvisor_core_wq()
 * as in the real module; the fakes record what they were asked to do and
 * the tests read it back through the accessors below.
 */
#ifndef _HVISOR_TESTS_KUNIT_STUBS_H
#define _HVISOR_TESTS_KUNIT_STUBS_H

#include <linux/types.h>

struct hvisor_vdev;

/* Forget every recorded injection and answer. */
void hvisor_stub_reset(void);
/* Interrupts injected for @vdev since the last hvisor_stub_reset(). */
unsigned int hvisor_stub_injections(const struct hvisor_vdev *vdev);
unsigned int hvisor_stub_lowered_count(void);
/* Answers given to @cpu (deferred accesses) since hvisor_stub_reset(). */
unsigned int hvisor_stub_answers(u32 cpu);
/* Value and size of the last answer given to @cpu. */
u64 hvisor_stub_answer_value(u32 cpu);
u64 hvisor_stub_answer_size(u32 cpu);
/* hvisor_core_relay_irq() refuses entries (-ENOSPC) while @full. */
void hvisor_stub_relay_full(bool full);
/* Entries relayed since hvisor_stub_reset(), the first @max copied out. */
unsigned int hvisor_stub_relays(u32 *zone, u32 *irq, unsigned int max);

#endif /* _HVISOR_TESTS_KUNIT_STUBS_H */
