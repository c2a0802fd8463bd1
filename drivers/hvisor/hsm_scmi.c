// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/hvisor's SCMI ioctls: hvisor-tool's virtio-scmi device (in its
 * daemon) lets a zone drive clocks, resets and power domains that root
 * owns. As with hvisor.ko they are served from root's device tree: the
 * "clocks", "resets" and "power-domains" properties of the
 * /hvisor_virtio_device node list what zones may use, and an id is an
 * index into the property. The kernel's clk, reset and genpd APIs do the
 * work.
 *
 * What the zones switched on is undone when the module unloads: every
 * clock enable not yet matched by a disable, every power domain left on.
 * hvisor-tool's ABI does not say which zone asks, so nothing is undone
 * per zone.
 *
 * Without a device tree, or without the node, every SCMI ioctl answers
 * ENODEV and the first one logs why; an id beyond the property, ENOENT.
 */

#define pr_fmt(fmt) "hvisor_vhost: " fmt

#include <linux/capability.h>
#include <linux/clk.h>
#include <linux/clk-provider.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/pm_domain.h>
#include <linux/pm_runtime.h>
#include <linux/reset.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <hvisor/hvisor_tool.h>

#include "hsm.h"

#define HSM_SCMI_NODE	"/hvisor_virtio_device"

/**
 * struct hsm_scmi_clk - a clock of the node
 * @clk: from of_clk_get(); NULL until first used
 * @enables: clk_prepare_enable() calls not yet undone
 */
struct hsm_scmi_clk {
	struct clk *clk;
	unsigned int enables;
};

/**
 * struct hsm_scmi_pd - a power domain of the node
 * @dev: virtual device attached to the domain; NULL until first used
 * @on: we hold a runtime PM reference (the zone asked for ON)
 */
struct hsm_scmi_pd {
	struct device *dev;
	bool on;
};

/**
 * struct hsm_scmi - state of the SCMI server
 * @lock: serialises every SCMI ioctl and the module's unload; all of the
 *	fields below are under it. The clk, reset and genpd calls sleep.
 * @probed: the node was looked for
 * @np: the node; NULL when there is none
 * @clks: @nr_clks entries, one per "clocks" phandle
 * @nr_clks: see @clks
 * @resets: @nr_resets entries, one per "resets" phandle, each NULL until
 *	first used
 * @nr_resets: see @resets
 * @pds: @nr_pds entries, one per "power-domains" phandle
 * @nr_pds: see @pds
 * @pd_parent: platform device carrying @np, for genpd to attach to
 */
static struct hsm_scmi {
	struct mutex lock;	/* see above */
	bool probed;
	struct device_node *np;
	struct hsm_scmi_clk *clks;
	unsigned int nr_clks;
	struct reset_control **resets;
	unsigned int nr_resets;
	struct hsm_scmi_pd *pds;
	unsigned int nr_pds;
	struct platform_device *pd_parent;
} scmi = {
	.lock = __MUTEX_INITIALIZER(scmi.lock),
};

static unsigned int hsm_scmi_count(const char *list, const char *cells)
{
	int n = of_count_phandle_with_args(scmi.np, list, cells);

	return n > 0 ? n : 0;
}

/* Look the node up and size the tables, once. Under the lock. */
static int hsm_scmi_probe(void)
{
	if (scmi.probed)
		return scmi.np ? 0 : -ENODEV;
	scmi.probed = true;
	scmi.np = of_find_node_by_path(HSM_SCMI_NODE);
	if (!scmi.np) {
		pr_info("/dev/hvisor: SCMI: no %s node in the device tree: no clocks, resets or power domains to serve (ENODEV)\n",
			HSM_SCMI_NODE);
		return -ENODEV;
	}
	scmi.nr_clks = hsm_scmi_count("clocks", "#clock-cells");
	scmi.nr_resets = hsm_scmi_count("resets", "#reset-cells");
	scmi.nr_pds = hsm_scmi_count("power-domains", "#power-domain-cells");
	scmi.clks = kcalloc(scmi.nr_clks, sizeof(*scmi.clks), GFP_KERNEL);
	scmi.resets = kcalloc(scmi.nr_resets, sizeof(*scmi.resets),
			      GFP_KERNEL);
	scmi.pds = kcalloc(scmi.nr_pds, sizeof(*scmi.pds), GFP_KERNEL);
	if ((scmi.nr_clks && !scmi.clks) || (scmi.nr_resets && !scmi.resets) ||
	    (scmi.nr_pds && !scmi.pds)) {
		/* Probed again next time. */
		hvisor_hsm_scmi_exit();
		return -ENOMEM;
	}
	pr_info("/dev/hvisor: SCMI: %u clocks, %u resets, %u power domains from %s\n",
		scmi.nr_clks, scmi.nr_resets, scmi.nr_pds, HSM_SCMI_NODE);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Clocks                                                              */

static struct clk *hsm_scmi_clk(u32 id)
{
	struct clk *clk;

	if (id >= scmi.nr_clks)
		return ERR_PTR(-ENOENT);
	if (scmi.clks[id].clk)
		return scmi.clks[id].clk;
	clk = of_clk_get(scmi.np, id);
	if (!IS_ERR(clk))
		scmi.clks[id].clk = clk;
	return clk;
}

/* The provider's view, where the common clock framework gives one. */
static bool hsm_scmi_clk_enabled(u32 id, struct clk *clk)
{
	if (IS_ENABLED(CONFIG_COMMON_CLK))
		return __clk_is_enabled(clk);
	return scmi.clks[id].enables;
}

static void hsm_scmi_clk_name(struct clk *clk, u32 id, char *name)
{
	const char *n = NULL;

	if (IS_ENABLED(CONFIG_COMMON_CLK))
		n = __clk_get_name(clk);
	if (n)
		strscpy(name, n, HVISOR_TOOL_SCMI_NAME_LEN);
	else
		snprintf(name, HVISOR_TOOL_SCMI_NAME_LEN, "clock%u", id);
}

/* bit 0 of config: enabled. Only what we enabled is disabled again. */
static int hsm_scmi_clk_config(u32 id, struct clk *clk, u32 config)
{
	struct hsm_scmi_clk *c = &scmi.clks[id];
	int ret;

	if (config & 1) {
		ret = clk_prepare_enable(clk);
		if (!ret)
			c->enables++;
		return ret;
	}
	if (!c->enables)
		return 0;
	clk_disable_unprepare(clk);
	c->enables--;
	return 0;
}

static long hsm_scmi_clock_op(struct hvisor_tool_scmi_clock *a)
{
	struct clk *clk;

	if (a->subcmd < HVISOR_TOOL_SCMI_CLOCK_GET_COUNT ||
	    a->subcmd > HVISOR_TOOL_SCMI_CLOCK_NAME_GET)
		return -EINVAL;
	if (a->subcmd == HVISOR_TOOL_SCMI_CLOCK_GET_COUNT) {
		a->u.count = scmi.nr_clks;
		return 0;
	}
	/* Every other subcommand starts with the clock id. */
	clk = hsm_scmi_clk(a->u.rate.clock_id);
	if (IS_ERR(clk))
		return PTR_ERR(clk);
	switch (a->subcmd) {
	case HVISOR_TOOL_SCMI_CLOCK_GET_ATTRIBUTES:
		a->u.attr.enabled = hsm_scmi_clk_enabled(a->u.attr.clock_id, clk);
		a->u.attr.parent_id = ~0U;
		a->u.attr.is_valid = 1;
		hsm_scmi_clk_name(clk, a->u.attr.clock_id, a->u.attr.name);
		return 0;
	case HVISOR_TOOL_SCMI_CLOCK_DESCRIBE_RATES:
		/* Nothing, as with hvisor.ko: the daemon reports no list. */
		return 0;
	case HVISOR_TOOL_SCMI_CLOCK_RATE_GET:
		a->u.rate.rate = clk_get_rate(clk);
		return 0;
	case HVISOR_TOOL_SCMI_CLOCK_RATE_SET:
		if (a->u.rate_set.rate != (unsigned long)a->u.rate_set.rate)
			return -EINVAL;
		return clk_set_rate(clk, a->u.rate_set.rate);
	case HVISOR_TOOL_SCMI_CLOCK_CONFIG_GET:
		a->u.config.config =
			hsm_scmi_clk_enabled(a->u.config.clock_id, clk);
		a->u.config.extended_config_val = 0;
		return 0;
	case HVISOR_TOOL_SCMI_CLOCK_CONFIG_SET:
		return hsm_scmi_clk_config(a->u.config.clock_id, clk,
					   a->u.config.config);
	case HVISOR_TOOL_SCMI_CLOCK_NAME_GET:
		hsm_scmi_clk_name(clk, a->u.name.clock_id, a->u.name.name);
		return 0;
	default:
		return -EINVAL;
	}
}

/* ------------------------------------------------------------------ */
/* Resets                                                              */

static struct reset_control *hsm_scmi_rst(u32 id)
{
	struct reset_control *rst;

	if (id >= scmi.nr_resets)
		return ERR_PTR(-ENOENT);
	if (scmi.resets[id])
		return scmi.resets[id];
	rst = of_reset_control_get_exclusive_by_index(scmi.np, id);
	if (!IS_ERR_OR_NULL(rst))
		scmi.resets[id] = rst;
	return rst ?: ERR_PTR(-ENOENT);
}

/* SCMI's RESET flags: autonomous reset, else explicit assert/deassert. */
static int hsm_scmi_reset_do(struct reset_control *rst, u32 flags)
{
	int ret;

	if (!(flags & HVISOR_TOOL_SCMI_RESET_AUTONOMOUS)) {
		if (flags & HVISOR_TOOL_SCMI_RESET_EXPLICIT_ASSERT)
			return reset_control_assert(rst);
		return reset_control_deassert(rst);
	}
	ret = reset_control_reset(rst);
	if (ret != -ENOTSUPP)
		return ret;
	/* The controller has no self-timed reset: pulse the line. */
	ret = reset_control_assert(rst);
	if (ret)
		return ret;
	udelay(1);
	return reset_control_deassert(rst);
}

static long hsm_scmi_reset_op(struct hvisor_tool_scmi_reset *a)
{
	struct reset_control *rst;

	switch (a->subcmd) {
	case HVISOR_TOOL_SCMI_RESET_GET_COUNT:
		a->u.count = scmi.nr_resets;
		return 0;
	case HVISOR_TOOL_SCMI_RESET_RESET:
		rst = hsm_scmi_rst(a->u.reset.domain_id);
		if (IS_ERR(rst))
			return PTR_ERR(rst);
		return hsm_scmi_reset_do(rst, a->u.reset.flags);
	default:
		return -EINVAL;
	}
}

/* ------------------------------------------------------------------ */
/* Power domains                                                       */

static struct device *hsm_scmi_pd(u32 id)
{
	struct platform_device *pdev;
	struct device *dev;

	if (id >= scmi.nr_pds)
		return ERR_PTR(-ENOENT);
	if (scmi.pds[id].dev)
		return scmi.pds[id].dev;
	if (!scmi.pd_parent) {
		pdev = platform_device_alloc("hvisor-scmi-power",
					     PLATFORM_DEVID_NONE);
		if (!pdev)
			return ERR_PTR(-ENOMEM);
		/* genpd reads "power-domains" from the device's node. */
		pdev->dev.of_node = of_node_get(scmi.np);
		if (platform_device_add(pdev)) {
			platform_device_put(pdev);
			return ERR_PTR(-ENODEV);
		}
		scmi.pd_parent = pdev;
	}
	dev = dev_pm_domain_attach_by_id(&scmi.pd_parent->dev, id);
	if (IS_ERR(dev))
		return dev;
	if (!dev)
		return ERR_PTR(-ENOENT);
	scmi.pds[id].dev = dev;
	return dev;
}

static int hsm_scmi_pd_set(struct hsm_scmi_pd *pd, u32 state)
{
	int ret;

	if (state == HVISOR_TOOL_SCMI_POWER_ON) {
		if (pd->on)
			return 0;
		ret = pm_runtime_resume_and_get(pd->dev);
		pd->on = !ret;
		return ret;
	}
	if (state != HVISOR_TOOL_SCMI_POWER_OFF)
		return -EINVAL;
	if (!pd->on)
		return 0;
	pd->on = false;
	ret = pm_runtime_put_sync(pd->dev);
	return ret < 0 ? ret : 0;
}

static long hsm_scmi_power_op(struct hvisor_tool_scmi_power *a)
{
	struct device *dev;
	u32 id;

	if (a->subcmd < HVISOR_TOOL_SCMI_POWER_GET_COUNT ||
	    a->subcmd > HVISOR_TOOL_SCMI_POWER_STATE_GET)
		return -EINVAL;
	if (a->subcmd == HVISOR_TOOL_SCMI_POWER_GET_COUNT) {
		a->u.count = scmi.nr_pds;
		return 0;
	}
	id = a->u.state.domain_id;
	dev = hsm_scmi_pd(id);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	switch (a->subcmd) {
	case HVISOR_TOOL_SCMI_POWER_GET_ATTRIBUTES:
		a->u.attr.flags = 0;
		strscpy(a->u.attr.name, dev_name(dev),
			sizeof(a->u.attr.name));
		return 0;
	case HVISOR_TOOL_SCMI_POWER_STATE_SET:
		return hsm_scmi_pd_set(&scmi.pds[id], a->u.state.power_state);
	case HVISOR_TOOL_SCMI_POWER_STATE_GET:
		a->u.state.power_state = pm_runtime_active(dev) ?
			HVISOR_TOOL_SCMI_POWER_ON : HVISOR_TOOL_SCMI_POWER_OFF;
		return 0;
	default:
		return -EINVAL;
	}
}

/* ------------------------------------------------------------------ */
/* The ioctls                                                          */

/**
 * hvisor_hsm_scmi() - SCMI_CLOCK, SCMI_RESET or SCMI_POWER
 * @cmd: the ioctl
 * @arg: its argument, copied in whole and, on success, back out whole
 *
 * Context: process; CAP_SYS_ADMIN (a zone's clocks and resets are root's
 * hardware).
 * Return: 0, -EPERM, -EFAULT, -ENODEV (no node), -ENOENT (no such id),
 * -EINVAL (unknown subcommand or state), or the clk/reset/genpd error.
 */
long hvisor_hsm_scmi(unsigned int cmd, void __user *arg)
{
	union {
		struct hvisor_tool_scmi_clock clock;
		struct hvisor_tool_scmi_reset reset;
		struct hvisor_tool_scmi_power power;
	} a;
	size_t size = _IOC_SIZE(cmd);
	long ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (copy_from_user(&a, arg, size))
		return -EFAULT;
	mutex_lock(&scmi.lock);
	ret = hsm_scmi_probe();
	if (ret)
		goto unlock;
	if (cmd == HVISOR_TOOL_SCMI_CLOCK)
		ret = hsm_scmi_clock_op(&a.clock);
	else if (cmd == HVISOR_TOOL_SCMI_RESET)
		ret = hsm_scmi_reset_op(&a.reset);
	else
		ret = hsm_scmi_power_op(&a.power);
unlock:
	mutex_unlock(&scmi.lock);
	if (!ret && copy_to_user(arg, &a, size))
		ret = -EFAULT;
	return ret;
}

static void hsm_scmi_release_clks(void)
{
	unsigned int i;

	for (i = 0; i < scmi.nr_clks && scmi.clks; i++) {
		if (!scmi.clks[i].clk)
			continue;
		for (; scmi.clks[i].enables; scmi.clks[i].enables--)
			clk_disable_unprepare(scmi.clks[i].clk);
		clk_put(scmi.clks[i].clk);
	}
	kfree(scmi.clks);
	scmi.clks = NULL;
}

static void hsm_scmi_release_pds(void)
{
	unsigned int i;

	for (i = 0; i < scmi.nr_pds && scmi.pds; i++) {
		if (!scmi.pds[i].dev)
			continue;
		if (scmi.pds[i].on)
			pm_runtime_put_sync(scmi.pds[i].dev);
		dev_pm_domain_detach(scmi.pds[i].dev, false);
	}
	kfree(scmi.pds);
	scmi.pds = NULL;
	if (scmi.pd_parent)
		platform_device_unregister(scmi.pd_parent);
	scmi.pd_parent = NULL;
}

/**
 * hvisor_hsm_scmi_exit() - undo what the zones switched on, drop the node
 *
 * Module unload (no /dev/hvisor file is open), or a failed probe under
 * the lock.
 */
void hvisor_hsm_scmi_exit(void)
{
	unsigned int i;

	hsm_scmi_release_clks();
	for (i = 0; i < scmi.nr_resets && scmi.resets; i++)
		reset_control_put(scmi.resets[i]);
	kfree(scmi.resets);
	scmi.resets = NULL;
	hsm_scmi_release_pds();
	of_node_put(scmi.np);
	scmi.np = NULL;
	scmi.nr_clks = 0;
	scmi.nr_resets = 0;
	scmi.nr_pds = 0;
	scmi.probed = false;
}
