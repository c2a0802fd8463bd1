// SPDX-License-Identifier: GPL-2.0
/*
 * The real hvisor behind the bridge: detection, hypercalls per
 * architecture and the wakeup interrupt (Documentation/hvisor-abi.rst).
 *
 * A hypercall instruction with no hvisor behind it is an undefined
 * instruction (an oops in kernel mode) or another hypervisor's call, so
 * nothing is called before hvisor is detected: the /hvisor_virtio_device
 * device-tree node, or on x86 hvisor's exact CPUID answer (hv_ident.c:
 * the signature alone is also real ACRN's) followed by a GET_VIRTIO_IRQ
 * call that must return a sane answer.
 *
 * LoongArch has two hvisor generations, told apart only by CONFIG_CHECK's
 * magic (unknown hypercalls return 0, so probing a call proves nothing):
 *  - magic >= 0x06: the wakeup line (HWI2) and the guests' virtio
 *    interrupts stay asserted until lowered with hypercall 11: (0, HWI2)
 *    after each wakeup, (zone, irq) when a device's InterruptStatus
 *    becomes 0 (InterruptACK, reset);
 *  - older: no wakeup interrupt at all (the core polls the request ring,
 *    at most loongarch_poll_us apart) and hypercall 20 lowers the guest's
 *    interrupt when the driver reads InterruptStatus.
 */

#define pr_fmt(fmt) "hvisor_vhost: " fmt

#include <linux/interrupt.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_irq.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <hvisor/hvisor_tool.h>
#include <hvisor/vhost_hv.h>
#include <hvisor/virtio_bridge.h>

#ifdef CONFIG_X86
#include <asm/cpufeature.h>
#include <asm/processor.h>
#endif

#include "core.h"
#include "hv_ident.h"

#define HVISOR_DT_PATH		"/hvisor_virtio_device"
#define HVISOR_RISCV_SBI_EXT	0x114514

/**
 * hvisor_call() - make an hvisor hypercall
 * @code: hypercall code
 * @arg0: first argument
 * @arg1: second argument
 *
 * Only call once hvisor has been detected. Unknown codes are logged by
 * hvisor and return 0.
 *
 * Return: hvisor's return value.
 */
static unsigned long hvisor_call(unsigned long code, unsigned long arg0,
				 unsigned long arg1)
{
#if defined(CONFIG_ARM64)
	register unsigned long x0 asm("x0") = code;
	register unsigned long x1 asm("x1") = arg0;
	register unsigned long x2 asm("x2") = arg1;

	asm volatile("hvc #0x4856" : "+r"(x0) : "r"(x1), "r"(x2) : "memory");
	return x0;
#elif defined(CONFIG_RISCV)
	register unsigned long a0 asm("a0") = code;
	register unsigned long a1 asm("a1") = arg0;
	register unsigned long a2 asm("a2") = arg1;
	register unsigned long a6 asm("a6") = 0;
	register unsigned long a7 asm("a7") = HVISOR_RISCV_SBI_EXT;

	/* SBI: a0 returns the error, a1 hvisor's value. */
	asm volatile("ecall" : "+r"(a0), "+r"(a1)
		     : "r"(a2), "r"(a6), "r"(a7) : "memory");
	return a0 ? (unsigned long)-EIO : a1;
#elif defined(CONFIG_LOONGARCH)
	register unsigned long a0 asm("a0") = code;
	register unsigned long a1 asm("a1") = arg0;
	register unsigned long a2 asm("a2") = arg1;

	/* hvcl 0, spelt as a word for assemblers that lack it. */
	asm volatile(".word 0x002b8000" : "+r"(a0) : "r"(a1), "r"(a2)
		     : "memory");
	return a0;
#elif defined(CONFIG_X86_64)
	/*
	 * hvisor takes the code from rax. r8 is ACRN's hypercall number:
	 * zero is none, so a call that reached ACRN after all would fail.
	 */
	register unsigned long r8 asm("r8") = 0;
	unsigned long ret;

	asm volatile("vmcall" : "=a"(ret)
		     : "a"(code), "D"(arg0), "S"(arg1), "r"(r8) : "memory");
	return ret;
#else
	return (unsigned long)-ENODEV;
#endif
}

/**
 * struct hvisor_real - state of the real-hvisor backend
 * @hv: what the core sees
 * @irq: Linux interrupt of hvisor's wakeup; 0 when not requested
 * @level_irqs: LoongArch hvisor with hypercall 11: lines stay asserted
 *	until lowered (set once at probe, before any request)
 */
static struct hvisor_real {
	struct hvisor_vhost_hv hv;
	unsigned int irq;
	bool level_irqs;
} hvisor_real;

static irqreturn_t hvisor_real_wakeup(int irq, void *data)
{
	hvisor_vhost_wakeup();
	/*
	 * After the ring was consumed and need_wakeup set again: a request
	 * queued from now on raises the line anew.
	 */
	if (IS_ENABLED(CONFIG_LOONGARCH) && hvisor_real.level_irqs)
		hvisor_call(HVISOR_HC_CLEAR_INJECT_IRQ, 0, HVISOR_LA_WAKEUP_HWI);
	/* The line may be shared: hvisor gives no way to tell it was us. */
	return IRQ_HANDLED;
}

static int hvisor_real_init_virtio(struct hvisor_vhost_hv *hv,
				   struct hvisor_virtio_bridge *bridge,
				   phys_addr_t bridge_pa)
{
	long ret = hvisor_call(HVISOR_HC_INIT_VIRTIO, bridge_pa, 0);

	if (ret) {
		pr_err("INIT_VIRTIO failed: %ld\n", ret);
		return -EIO;
	}
	return 0;
}

static void hvisor_real_finish_req(struct hvisor_vhost_hv *hv)
{
	hvisor_call(HVISOR_HC_FINISH_REQ, 0, 0);
}

/*
 * Zone management (hypercalls 2, 3, 4, 6, 8, 9, 11), as hvisor-tool's
 * hvisor.ko makes them: buffers by physical address, hvisor's answer
 * passed through (a negative errno, or a count for ZONE_LIST).
 */

/* hvisor writes a u64 answer at a physical address: a kmalloc()ed one. */
static int hvisor_real_query_u64(unsigned long code, u64 *value)
{
	u64 *buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	long ret;

	if (!buf)
		return -ENOMEM;
	ret = hvisor_call(code, virt_to_phys(buf), 0);
	*value = READ_ONCE(*buf);
	kfree(buf);
	return ret;
}

static int hvisor_real_config_check(struct hvisor_vhost_hv *hv, u64 *magic)
{
	return hvisor_real_query_u64(HVISOR_HC_CONFIG_CHECK, magic);
}

static int hvisor_real_get_ecam_base(struct hvisor_vhost_hv *hv, u64 *base)
{
	return hvisor_real_query_u64(HVISOR_HC_GET_ECAM_BASE, base);
}

static int hvisor_real_zone_start(struct hvisor_vhost_hv *hv,
				  const struct hvisor_tool_zone_config *cfg)
{
	return (long)hvisor_call(HVISOR_HC_ZONE_START, virt_to_phys((void *)cfg),
				 sizeof(*cfg));
}

static int hvisor_real_zone_shutdown(struct hvisor_vhost_hv *hv, u32 zone_id)
{
	return (long)hvisor_call(HVISOR_HC_ZONE_SHUTDOWN, zone_id, 0);
}

static int hvisor_real_zone_list(struct hvisor_vhost_hv *hv,
				 struct hvisor_tool_zone_info *zones, u32 cnt)
{
	return (long)hvisor_call(HVISOR_HC_ZONE_LIST, virt_to_phys(zones), cnt);
}

static int hvisor_real_set_boot_mode(struct hvisor_vhost_hv *hv,
				     const struct hvisor_tool_boot_mode *mode)
{
	return (long)hvisor_call(HVISOR_HC_SET_BOOT_MODE, virt_to_phys((void *)mode),
				 sizeof(*mode));
}

#ifdef CONFIG_LOONGARCH
static int hvisor_real_deassert_irq(struct hvisor_vhost_hv *hv, u32 zone_id,
				    u32 irq)
{
	return (long)hvisor_call(HVISOR_HC_CLEAR_INJECT_IRQ, zone_id, irq);
}

static void hvisor_real_irq_lowered(struct hvisor_vhost_hv *hv, u32 zone_id,
				    u32 irq)
{
	if (hvisor_real.level_irqs)
		hvisor_call(HVISOR_HC_CLEAR_INJECT_IRQ, zone_id, irq);
}

static void hvisor_real_irq_status_read(struct hvisor_vhost_hv *hv,
					u32 zone_id, u32 irq)
{
	if (!hvisor_real.level_irqs)
		hvisor_call(HVISOR_HC_LA_CLEAR_INJECT_OLD, 0, 0);
}

static unsigned int loongarch_poll_us = 200;
module_param(loongarch_poll_us, uint, 0444);
MODULE_PARM_DESC(loongarch_poll_us,
		 "LoongArch hvisor older than CONFIG_CHECK magic 0x06 sends no wakeup interrupt: poll the request ring at least this often (microseconds, 10..100000)");

/*
 * Which generation is behind the bridge (see the top of this file). Before
 * the bridge is handed over, so no request sees a half-set-up backend.
 */
static int hvisor_real_la_setup(void)
{
	u64 magic = 0;
	int ret;

	ret = hvisor_real_config_check(&hvisor_real.hv, &magic);
	if (ret) {
		pr_err("LoongArch: CONFIG_CHECK failed (%d): cannot tell the hvisor generation\n",
		       ret);
		return -EIO;
	}
	hvisor_real.level_irqs = magic >= HVISOR_LA_MAGIC_LEVEL_IRQ;
	if (hvisor_real.level_irqs) {
		pr_info("LoongArch hvisor, config magic %#llx: wakeup interrupt, lines lowered with hypercall 11\n",
			magic);
		return 0;
	}
	if (loongarch_poll_us < 10 || loongarch_poll_us > 100000) {
		pr_err("loongarch_poll_us=%u: use 10..100000\n",
		       loongarch_poll_us);
		return -EINVAL;
	}
	hvisor_real.hv.poll_us = loongarch_poll_us;
	pr_info("LoongArch hvisor, config magic %#llx: no wakeup interrupt, polling at most %u us apart\n",
		magic, loongarch_poll_us);
	return 0;
}
#else
/* Only LoongArch's hvisor has these calls. */
#define hvisor_real_deassert_irq NULL
#define hvisor_real_irq_lowered NULL
#define hvisor_real_irq_status_read NULL

static int hvisor_real_la_setup(void)
{
	return 0;
}
#endif

/* Zone memory is whatever is not root's own RAM. */
static int hvisor_real_zone_mem_check(struct hvisor_vhost_hv *hv, u64 pa,
				      u64 size)
{
	if (!size || pa + size <= pa)
		return -EINVAL;
	if (region_intersects(pa, size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT)
		return -EINVAL;
	return 0;
}

static const struct hvisor_vhost_hv_ops hvisor_real_ops = {
	.init_virtio = hvisor_real_init_virtio,
	.finish_req = hvisor_real_finish_req,
	.config_check = hvisor_real_config_check,
	.zone_start = hvisor_real_zone_start,
	.zone_shutdown = hvisor_real_zone_shutdown,
	.zone_list = hvisor_real_zone_list,
	.set_boot_mode = hvisor_real_set_boot_mode,
	.get_ecam_base = hvisor_real_get_ecam_base,
	.deassert_irq = hvisor_real_deassert_irq,
	.irq_lowered = hvisor_real_irq_lowered,
	.irq_status_read = hvisor_real_irq_status_read,
	.zone_mem_check = hvisor_real_zone_mem_check,
};

#ifdef CONFIG_X86
static bool x86_acrn_signature_is_hvisor;
module_param(x86_acrn_signature_is_hvisor, bool, 0444);
MODULE_PARM_DESC(x86_acrn_signature_is_hvisor,
		 "x86: make hvisor hypercalls although CPUID shows ACRN's signature without hvisor's exact answer (only when the hypervisor is known to be hvisor: on ACRN they would be arbitrary ACRN hypercalls)");

/* True only when a vmcall is known to reach hvisor (hv_ident.c). */
static bool hvisor_x86_detected(void)
{
	struct hvisor_x86_cpuid c;

	if (!boot_cpu_has(X86_FEATURE_HYPERVISOR))
		return false;
	cpuid(0x40000000, &c.leaf0[0], &c.leaf0[1], &c.leaf0[2], &c.leaf0[3]);
	cpuid(0x40000001, &c.leaf1[0], &c.leaf1[1], &c.leaf1[2], &c.leaf1[3]);
	switch (hvisor_x86_identify(&c)) {
	case HVISOR_X86_HVISOR:
		return true;
	case HVISOR_X86_ACRN_SIG:
		if (x86_acrn_signature_is_hvisor) {
			pr_warn("CPUID is ACRN's, not hvisor's (max leaf %#x); trusting x86_acrn_signature_is_hvisor=1\n",
				c.leaf0[0]);
			return true;
		}
		pr_info("CPUID shows ACRN's signature but not hvisor's answer (max leaf %#x): no hypercall made; if this is hvisor, load with x86_acrn_signature_is_hvisor=1\n",
			c.leaf0[0]);
		return false;
	default:
		return false;
	}
}

static int hvisor_find_irq(void)
{
	u32 *irq;
	long ret;
	int virq;

	if (!hvisor_x86_detected())
		return -ENODEV;
	irq = kzalloc(sizeof(*irq), GFP_KERNEL);
	if (!irq)
		return -ENOMEM;
	ret = hvisor_call(HVISOR_HC_GET_VIRTIO_IRQ, virt_to_phys(irq), 0);
	virq = *irq;
	kfree(irq);
	if (ret || virq <= 0 || virq >= NR_IRQS) {
		pr_info("CPUID says ACRN/hvisor but GET_VIRTIO_IRQ gave %ld/%d: not hvisor\n",
			ret, virq);
		return -ENODEV;
	}
	return virq;
}
#elif defined(CONFIG_OF)
static int hvisor_find_irq(void)
{
	struct device_node *np = of_find_node_by_path(HVISOR_DT_PATH);
	int virq;

	if (!np)
		return -ENODEV;
	virq = irq_of_parse_and_map(np, 0);
	of_node_put(np);
	if (!virq) {
		pr_err("%s has no usable interrupt\n", HVISOR_DT_PATH);
		return -EINVAL;
	}
	return virq;
}
#else
static int hvisor_find_irq(void)
{
	return -ENODEV;
}
#endif

/**
 * hvisor_hvisor_probe() - detect hvisor and attach it to the bridge
 *
 * Return: 0 when attached, -ENODEV when there is no hvisor, another
 * negative errno when it is there but could not be set up.
 */
int hvisor_hvisor_probe(void)
{
	int virq, ret;

	virq = hvisor_find_irq();
	if (virq < 0)
		return virq;
	hvisor_real.hv = (struct hvisor_vhost_hv) {
		.name = "hvisor",
		.ops = &hvisor_real_ops,
		.owner = THIS_MODULE,
	};
	ret = hvisor_real_la_setup();
	if (ret)
		return ret;
	/* The bridge must exist before the first request can be answered. */
	ret = hvisor_vhost_attach(&hvisor_real.hv);
	if (ret)
		return ret;
	ret = request_irq(virq, hvisor_real_wakeup, IRQF_SHARED, "hvisor_vhost",
			  &hvisor_real);
	if (ret) {
		pr_err("cannot request wakeup interrupt %d: %d\n", virq, ret);
		hvisor_vhost_detach(&hvisor_real.hv);
		return ret;
	}
	hvisor_real.irq = virq;
	/*
	 * hvisor keeps the bridge page for good: once attached the module
	 * stays (rmmod answers "in use") so no guest access goes unanswered.
	 */
	__module_get(THIS_MODULE);
	/* Requests queued before the interrupt was ours. */
	hvisor_vhost_wakeup();
	return 0;
}

/**
 * hvisor_hvisor_remove() - undo hvisor_hvisor_probe()
 */
void hvisor_hvisor_remove(void)
{
	if (!hvisor_real.irq)
		return;
	free_irq(hvisor_real.irq, &hvisor_real);
	hvisor_real.irq = 0;
	hvisor_vhost_detach(&hvisor_real.hv);
}
