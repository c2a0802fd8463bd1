// SPDX-License-Identifier: GPL-2.0
/*
 * hvisor_vhost: in-kernel virtio backends for the hvisor hypervisor.
 *
 * Module load: find the hypervisor (real hvisor, or wait for the simulator
 * with hypervisor=sim), then open /dev/hvisor-vhost for hvisorctl.
 */

#define pr_fmt(fmt) "hvisor_vhost: " fmt

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/string.h>

#include "core.h"

static char *hypervisor = "auto";
module_param(hypervisor, charp, 0444);
MODULE_PARM_DESC(hypervisor,
		 "auto: real hvisor, refuse to load without it; sim: wait for hvisor_vhost_sim.ko");

static bool hvisor_main_sim(void)
{
	return !strcmp(hypervisor, "sim");
}

static int hvisor_main_find_hv(void)
{
	int ret;

	if (hvisor_main_sim()) {
		pr_info("waiting for the simulator (hvisor_vhost_sim.ko)\n");
		return 0;
	}
	if (strcmp(hypervisor, "auto")) {
		pr_err("hypervisor=%s: use auto or sim\n", hypervisor);
		return -EINVAL;
	}
	ret = hvisor_hvisor_probe();
	if (ret == -ENODEV)
		pr_err("no hvisor hypervisor found (no %s node, no hvisor CPUID signature); to try without hvisor: insmod hvisor_vhost.ko hypervisor=sim && insmod hvisor_vhost_sim.ko\n",
		       "/hvisor_virtio_device");
	else if (ret)
		pr_err("hvisor cannot be used (%d, see above); to try without hvisor: insmod hvisor_vhost.ko hypervisor=sim && insmod hvisor_vhost_sim.ko\n",
		       ret);
	return ret;
}

static int __init hvisor_main_init(void)
{
	int ret;

	ret = hvisor_core_init();
	if (ret)
		return ret;
	ret = hvisor_registry_types_init();
	if (ret)
		goto err_core;
	ret = hvisor_main_find_hv();
	if (ret)
		goto err_types;
	ret = hvisor_ctl_init();
	if (ret)
		goto err_hv;
	/* /dev/hvisor for hvisor-tool; the module works without it. */
	hvisor_hsm_init(hvisor_ctl_device());
	return 0;

err_hv:
	hvisor_hvisor_remove();
err_types:
	hvisor_registry_types_exit();
err_core:
	hvisor_core_exit();
	return ret;
}

static void __exit hvisor_main_exit(void)
{
	hvisor_hsm_exit();
	hvisor_ctl_exit();
	hvisor_hvisor_remove();
	/* Waits for every device, those of forced removals included. */
	hvisor_registry_remove_all();
	hvisor_hsm_exit_zones();
	hvisor_registry_types_exit();
	hvisor_core_exit();
}

module_init(hvisor_main_init);
module_exit(hvisor_main_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("In-kernel virtio backends (blk, net, console) for the hvisor hypervisor");
MODULE_AUTHOR("hvisor-vhost developers");
