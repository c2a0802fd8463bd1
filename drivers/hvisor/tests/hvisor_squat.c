// SPDX-License-Identifier: GPL-2.0
/*
 * hvisor_vhost_squat.ko, for the selftests only: a stand-in for
 * hvisor-tool's hvisor.ko that registers the misc device name "hvisor"
 * and nothing else, so that hvisor_vhost.ko finds the name taken.
 * Built out of tree only (drivers/hvisor/Kbuild).
 */

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

static const struct file_operations hvisor_squat_fops = {
	.owner = THIS_MODULE,
};

static struct miscdevice hvisor_squat_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "hvisor",
	.fops = &hvisor_squat_fops,
	.mode = 0600,
};
module_misc_device(hvisor_squat_misc);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test stand-in for hvisor-tool's hvisor.ko: takes the misc name \"hvisor\"");
