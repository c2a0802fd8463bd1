// SPDX-License-Identifier: GPL-2.0
/*
 * hvisorctl dev add / dev del.
 *
 * "dev add blk" checks its arguments and opens the image before it opens
 * /dev/hvisor-vhost, so a bad image is reported the same way whether the
 * module is loaded or not.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "ctl.h"
#include "dev.h"
#include "tap.h"

#define REGION_SIZE	0x200u

static const char dev_help[] =
"Usage: hvisorctl dev COMMAND ...\n"
"\n"
"  dev add blk IMAGE [OPTIONS]   serve a disk image or block device\n"
"  dev add net [OPTIONS]         serve a network interface\n"
"  dev add console [OPTIONS]     serve a console\n"
"  dev del ID [--force]          remove a device\n"
"  dev list [--json]             list devices with their counters\n";

static const char dev_add_help[] =
"Usage: hvisorctl dev add {blk IMAGE | net | console} [OPTIONS]\n"
"\n"
"See 'hvisorctl dev add blk --help' and so on for each type's options.\n";

#define COMMON_HELP \
"  --zone N          guest zone (default 0: the hypervisor's default zone,\n" \
"                    zone 1 of the simulator)\n" \
"  --addr A --irq I  guest-physical base of the device's 0x200-byte region\n" \
"                    and its interrupt; both or neither (neither: the next\n" \
"                    free slot, simulator only)\n" \
"  --queue-size N    entries per virtqueue, a power of two (default: the\n" \
"                    device's)\n" \
"  -q, --quiet       print only the new device's id\n"

static const char blk_help[] =
"Usage: hvisorctl dev add blk IMAGE [OPTIONS]\n"
"\n"
"Serve IMAGE (a regular file or a block device) to a zone as a virtio-blk\n"
"disk. hvisorctl opens IMAGE and hands the open file to the kernel.\n"
"\n"
COMMON_HELP
"  --ro              read-only disk (IMAGE is opened read-only)\n"
"  --serial S        disk serial number (VIRTIO_BLK_T_GET_ID), <= 20 bytes\n"
"  --queues Q        request queues (default 1)\n"
"  --cache MODE      none: direct I/O, root's page cache not used (the\n"
"                    default when IMAGE allows direct I/O); writeback:\n"
"                    through root's page cache (the default otherwise)\n";

static const char net_help[] =
"Usage: hvisorctl dev add net [OPTIONS]\n"
"\n"
"Serve a virtio-net interface to a zone, backed by a root-side network\n"
"interface the module creates, or by an existing tap interface.\n"
"\n"
COMMON_HELP
"  --mac M           guest MAC address xx:xx:xx:xx:xx:xx (default: random)\n"
"  --ifname NAME     root-side interface name (default hvnet<zone>.<n>)\n"
"  --tap TAP         attach the existing tap interface TAP instead (made\n"
"                    with 'ip tuntap add TAP mode tap', multi_queue for\n"
"                    several queue pairs)\n"
"  --tap-fd FD[,FD]  with --tap: the tap is open on these descriptors\n"
"                    already, one per queue pair (attached with TUNSETIFF,\n"
"                    IFF_TAP | IFF_NO_PI | IFF_VNET_HDR, 12-byte header)\n"
"  --queues Q        queue pairs (default 1)\n"
"  --mtu M           MTU offered to the guest (default 1500; with --tap the\n"
"                    tap's)\n"
"  --no-csum         offer no checksum offload (and so no TSO)\n"
"  --no-tso          offer no segmentation offload (TSO4/6 both ways)\n"
"  --no-mrg-rxbuf    offer no mergeable receive buffers\n";

static const char console_help[] =
"Usage: hvisorctl dev add console [OPTIONS]\n"
"\n"
"Serve a virtio-console to a zone, backed by a root-side tty.\n"
"\n"
COMMON_HELP
"  --log-size N      bytes of guest output kept while nobody has the tty\n"
"                    open (K, M suffixes allowed; default: the module's)\n";

static const char del_help[] =
"Usage: hvisorctl dev del ID [--force]\n"
"\n"
"Remove device ID (see 'hvisorctl dev list'). Without --force, wait until\n"
"the guest let go of it and its I/O finished.\n"
"\n"
"  --force   return at once: requests in flight fail, the device is freed\n"
"            in the background once its backing lets go (listed as\n"
"            removing until then); also hurries a removal that is stuck\n";

int image_open(const char *path, bool ro)
{
	struct stat st;
	int fd;

	fd = open(path, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;

		if ((err == EROFS || err == EACCES) && !ro)
			hv_err("%s: %s (use --ro for a read-only disk)", path,
			       strerror(err));
		else
			hv_err("%s: %s", path, strerror(err));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		hv_err("%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		hv_err("%s: not a regular file or a block device", path);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

int dev_submit(int ctl, struct hvisor_vhost_dev_config *cfg)
{
	return ctl_ioctl(ctl, HVISOR_VHOST_DEV_ADD, cfg);
}

void dev_print_added(const struct hvisor_vhost_dev_config *cfg,
		     const char *name)
{
	printf("device %u: %s in zone %u at 0x%" PRIx64 " irq %u", cfg->id,
	       dev_type_name(cfg->type), cfg->zone_id, (uint64_t)cfg->addr,
	       cfg->irq);
	if (name && *name)
		printf(" (%s%s)", name,
		       cfg->flags & HVISOR_VHOST_DEV_F_RO ? ", read-only" : "");
	putchar('\n');
}

/* Options of "dev add", each type accepts a subset. */
enum {
	OPT_ZONE = 256, OPT_ADDR, OPT_IRQ, OPT_QSIZE, OPT_QUEUES, OPT_RO,
	OPT_SERIAL, OPT_MAC, OPT_IFNAME, OPT_TAP, OPT_MTU, OPT_LOGSIZE,
	OPT_NO_CSUM, OPT_NO_TSO, OPT_NO_MRG, OPT_CACHE, OPT_TAP_FD,
};

/* The options of every type; dev_add_type() puts a type's own after them. */
static const struct option common_opts[] = {
	{ "zone", required_argument, NULL, OPT_ZONE },
	{ "addr", required_argument, NULL, OPT_ADDR },
	{ "irq", required_argument, NULL, OPT_IRQ },
	{ "queue-size", required_argument, NULL, OPT_QSIZE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
};

#define MAX_OPTS 32
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct option blk_opts[] = {
	{ "ro", no_argument, NULL, OPT_RO },
	{ "serial", required_argument, NULL, OPT_SERIAL },
	{ "queues", required_argument, NULL, OPT_QUEUES },
	{ "cache", required_argument, NULL, OPT_CACHE },
	{ NULL, 0, NULL, 0 },
};

static const struct option net_opts[] = {
	{ "mac", required_argument, NULL, OPT_MAC },
	{ "ifname", required_argument, NULL, OPT_IFNAME },
	{ "tap", required_argument, NULL, OPT_TAP },
	{ "tap-fd", required_argument, NULL, OPT_TAP_FD },
	{ "queues", required_argument, NULL, OPT_QUEUES },
	{ "mtu", required_argument, NULL, OPT_MTU },
	{ "no-csum", no_argument, NULL, OPT_NO_CSUM },
	{ "no-tso", no_argument, NULL, OPT_NO_TSO },
	{ "no-mrg-rxbuf", no_argument, NULL, OPT_NO_MRG },
	{ NULL, 0, NULL, 0 },
};

static const struct option console_opts[] = {
	{ "log-size", required_argument, NULL, OPT_LOGSIZE },
	{ NULL, 0, NULL, 0 },
};

struct add_args {
	struct hvisor_vhost_dev_config cfg;
	struct tap_files tap;
	bool has_addr;
	bool has_irq;
	bool has_tap_fd;
	bool quiet;
};

static int opt_name(const char *opt, const char *val, char *dst, size_t size,
		    bool term)
{
	if (!copy_field(dst, size, val, term))
		return 0;
	hv_err("--%s: '%s' is longer than %zu bytes", opt, val,
	       term ? size - 1 : size);
	return -1;
}

static int opt_mac(const char *val, uint8_t mac[6])
{
	if (parse_mac(val, mac)) {
		hv_err("--mac: '%s' is not a MAC address (xx:xx:xx:xx:xx:xx)",
		       val);
		return -1;
	}
	if (mac_is_multicast(mac)) {
		hv_err("--mac: %s is a multicast address (first byte odd)",
		       val);
		return -1;
	}
	return 0;
}

static int opt_addr(const char *val, struct add_args *a)
{
	uint64_t addr;

	if (arg_u64("--addr", val, &addr))
		return -1;
	if (!addr || addr % REGION_SIZE) {
		hv_err("--addr: %s is not a non-zero multiple of 0x200", val);
		return -1;
	}
	a->cfg.addr = addr;
	a->has_addr = true;
	return 0;
}

static int opt_irq(const char *val, struct add_args *a)
{
	if (arg_u32("--irq", val, &a->cfg.irq))
		return -1;
	if (!a->cfg.irq) {
		hv_err("--irq: interrupt 0 is not allowed");
		return -1;
	}
	a->has_irq = true;
	return 0;
}

static int opt_mtu(const char *val, struct add_args *a)
{
	uint32_t mtu;

	if (arg_u32("--mtu", val, &mtu))
		return -1;
	if (mtu > UINT16_MAX) {
		hv_err("--mtu: %s is too big (at most 65535)", val);
		return -1;
	}
	a->cfg.net.mtu = (uint16_t)mtu;
	return 0;
}

static int opt_queue_size(const char *val, struct add_args *a)
{
	if (arg_u32("--queue-size", val, &a->cfg.queue_size))
		return -1;
	if (a->cfg.queue_size && !is_pow2(a->cfg.queue_size)) {
		hv_err("--queue-size: %s is not a power of two", val);
		return -1;
	}
	return 0;
}

/* One option of "dev add": 0, or -1 after printing why. */
/* --cache none|writeback */
static int opt_cache(const char *val, struct hvisor_vhost_dev_config *cfg)
{
	if (!strcmp(val, "none")) {
		cfg->blk.cache = HVISOR_VHOST_BLK_CACHE_NONE;
		return 0;
	}
	if (!strcmp(val, "writeback")) {
		cfg->blk.cache = HVISOR_VHOST_BLK_CACHE_WRITEBACK;
		return 0;
	}
	hv_err("--cache: '%s' is not none or writeback", val);
	return -1;
}

static int add_option(int c, const char *val, struct add_args *a)
{
	struct hvisor_vhost_dev_config *cfg = &a->cfg;

	switch (c) {
	case OPT_ZONE:
		return arg_u32("--zone", val, &cfg->zone_id);
	case OPT_ADDR:
		return opt_addr(val, a);
	case OPT_IRQ:
		return opt_irq(val, a);
	case OPT_QSIZE:
		return opt_queue_size(val, a);
	case OPT_QUEUES:
		return arg_u32("--queues", val, &cfg->num_queues);
	case OPT_RO:
		cfg->flags |= HVISOR_VHOST_DEV_F_RO;
		return 0;
	case OPT_SERIAL:
		return opt_name("serial", val, cfg->blk.serial,
				sizeof(cfg->blk.serial), false);
	case OPT_CACHE:
		return opt_cache(val, cfg);
	case OPT_MAC:
		return opt_mac(val, cfg->net.mac);
	case OPT_IFNAME:
		return opt_name("ifname", val, cfg->net.ifname,
				sizeof(cfg->net.ifname), true);
	case OPT_TAP:
		return opt_name("tap", val, cfg->net.tap,
				sizeof(cfg->net.tap), true);
	case OPT_TAP_FD:
		a->has_tap_fd = true;
		return tap_parse_fds(val, &a->tap);
	case OPT_MTU:
		return opt_mtu(val, a);
	case OPT_LOGSIZE:
		return arg_size32("--log-size", val, &cfg->console.log_size);
	case OPT_NO_CSUM:
		cfg->net.offloads_off |= HVISOR_VHOST_NET_OFF_CSUM;
		return 0;
	case OPT_NO_TSO:
		cfg->net.offloads_off |= HVISOR_VHOST_NET_OFF_TSO;
		return 0;
	case OPT_NO_MRG:
		cfg->net.offloads_off |= HVISOR_VHOST_NET_OFF_MRG_RXBUF;
		return 0;
	case 'q':
		a->quiet = true;
		return 0;
	}
	return -1;
}

static const char *add_name(const struct hvisor_vhost_dev_config *cfg,
			    const char *image)
{
	if (cfg->type == HVISOR_VHOST_DEV_BLK)
		return image;
	if (cfg->type == HVISOR_VHOST_DEV_NET)
		return cfg->net.tap[0] ? cfg->net.tap : cfg->net.ifname;
	return NULL;
}

/* Devices looked at to find the root-side name of a new net device. */
#define NAME_LOOKUP_ROOM	64

/*
 * The root-side name the kernel gave a new device (a net device without
 * --ifname: "hvnet1.0"), into @name; left empty when it cannot be found.
 */
static void added_kernel_name(int ctl, uint32_t id, char *name, size_t size)
{
	struct hvisor_vhost_dev_info *info;
	struct hvisor_vhost_dev_list list = { .count = NAME_LOOKUP_ROOM };
	uint32_t i;

	info = calloc(NAME_LOOKUP_ROOM, sizeof(*info));
	if (!info)
		return;
	list.entries = (uintptr_t)info;
	if (!ctl_ioctl(ctl, HVISOR_VHOST_DEV_LIST, &list)) {
		for (i = 0; i < list.count && i < NAME_LOOKUP_ROOM; i++)
			if (info[i].id == id)
				copy_field(name, size, info[i].name, true);
	}
	free(info);
}

/* Open the control device and add the device; the image fd is consumed. */
static int add_submit(const char *cmd, struct add_args *a, const char *image)
{
	int ctl, ret;

	ctl = ctl_open(NULL);
	if (ctl < 0)
		goto fail;
	ret = dev_submit(ctl, &a->cfg);
	if (!ret && a->cfg.type == HVISOR_VHOST_DEV_NET && !a->quiet &&
	    !a->cfg.net.ifname[0] && !a->cfg.net.tap[0])
		added_kernel_name(ctl, a->cfg.id, a->cfg.net.ifname,
				  sizeof(a->cfg.net.ifname));
	close(ctl);
	if (ret) {
		const char *why = NULL;

		if (a->cfg.net.flags & HVISOR_VHOST_NET_F_TAP)
			why = tap_strerror(-ret);
		hv_err("%s: %s", cmd, why ? why : ctl_strerror(CTL_DEV_ADD, -ret));
		goto fail;
	}
	tap_close(&a->tap);
	if (a->cfg.backing_fd >= 0)
		close(a->cfg.backing_fd);
	if (a->quiet)
		printf("%u\n", a->cfg.id);
	else
		dev_print_added(&a->cfg, add_name(&a->cfg, image));
	return 0;
fail:
	tap_close(&a->tap);
	if (a->cfg.backing_fd >= 0)
		close(a->cfg.backing_fd);
	return EXIT_FAIL;
}

/* --tap: the tap's files, opened here or given; EXIT_* or 0. */
static int add_tap(char *cmd, struct add_args *a)
{
	struct hvisor_vhost_dev_config *cfg = &a->cfg;
	uint32_t pairs = cfg->num_queues ? cfg->num_queues : 1;

	if (!cfg->net.tap[0]) {
		if (a->has_tap_fd)
			return usage_error(cmd, "--tap-fd goes with --tap NAME");
		return 0;
	}
	if (cfg->net.ifname[0])
		return usage_error(cmd,
				   "--tap and --ifname exclude each other (a tap has its own name)");
	if (a->has_tap_fd && a->tap.nr != pairs) {
		hv_err("--tap-fd: %u descriptor(s) for %u queue pair(s)",
		       a->tap.nr, pairs);
		return EXIT_USAGE;
	}
	if (!a->has_tap_fd && tap_open(cfg->net.tap, pairs, &a->tap))
		return EXIT_FAIL;
	tap_fill(&a->tap, cfg);
	return 0;
}

/* @opts: common_opts, then @own up to its { NULL } entry. */
static void join_opts(struct option *opts, const struct option *own)
{
	size_t n = ARRAY_SIZE(common_opts), i;

	memcpy(opts, common_opts, sizeof(common_opts));
	for (i = 0; own[i].name && n + i < MAX_OPTS - 1; i++)
		opts[n + i] = own[i];
	opts[n + i] = (struct option){ NULL, 0, NULL, 0 };
}

static int dev_add_type(int argc, char **argv, uint32_t type,
			const struct option *own, const char *help)
{
	bool blk = type == HVISOR_VHOST_DEV_BLK;
	struct add_args a = { .cfg = { .type = type, .backing_fd = -1 } };
	struct option opts[MAX_OPTS];
	const char *image = NULL;
	int c;

	join_opts(opts, own);
	while ((c = cli_getopt(argc, argv, "qh", opts)) != -1) {
		if (c == 'h')
			return print_help(help);
		if (c == '?' || add_option(c, optarg, &a))
			return EXIT_USAGE;
	}
	if (!want_args(argc, argv, blk ? 1 : 0, "IMAGE"))
		return EXIT_USAGE;
	if (a.has_addr != a.has_irq)
		return usage_error(argv[0],
				   "--addr and --irq go together (give both, or neither for automatic placement)");
	if (type == HVISOR_VHOST_DEV_NET) {
		int ret = add_tap(argv[0], &a);

		if (ret)
			return ret;
	}
	if (blk) {
		image = argv[optind];
		a.cfg.backing_fd = image_open(image,
					      a.cfg.flags & HVISOR_VHOST_DEV_F_RO);
		if (a.cfg.backing_fd < 0)
			return EXIT_FAIL;
	}
	return add_submit(argv[0], &a, image);
}

static int dev_add_blk(int argc, char **argv)
{
	return dev_add_type(argc, argv, HVISOR_VHOST_DEV_BLK, blk_opts,
			    blk_help);
}

static int dev_add_net(int argc, char **argv)
{
	return dev_add_type(argc, argv, HVISOR_VHOST_DEV_NET, net_opts,
			    net_help);
}

static int dev_add_console(int argc, char **argv)
{
	return dev_add_type(argc, argv, HVISOR_VHOST_DEV_CONSOLE,
			    console_opts, console_help);
}

static int dev_add(int argc, char **argv)
{
	static const struct subcmd types[] = {
		{ "blk", dev_add_blk },
		{ "net", dev_add_net },
		{ "console", dev_add_console },
		{ NULL, NULL },
	};

	return run_subcmd(argc, argv, types, dev_add_help);
}

static int dev_del(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hvisor_vhost_dev_del del = { 0 };
	int c, ctl, ret;

	while ((c = cli_getopt(argc, argv, "fh", opts)) != -1) {
		if (c == 'h')
			return print_help(del_help);
		if (c != 'f')
			return EXIT_USAGE;
		del.flags |= HVISOR_VHOST_DEL_F_FORCE;
	}
	if (!want_args(argc, argv, 1, "ID"))
		return EXIT_USAGE;
	if (arg_u32("ID", argv[optind], &del.id))
		return EXIT_USAGE;
	ctl = ctl_open(NULL);
	if (ctl < 0)
		return EXIT_FAIL;
	ret = ctl_ioctl(ctl, HVISOR_VHOST_DEV_DEL, &del);
	close(ctl);
	if (ret) {
		hv_err("%s %u: %s", argv[0], del.id,
		       ctl_strerror(CTL_DEV_DEL, -ret));
		return EXIT_FAIL;
	}
	if (del.flags & HVISOR_VHOST_DEL_F_FORCE)
		printf("device %u removed (forced: freed once its I/O is over)\n",
		       del.id);
	else
		printf("device %u removed\n", del.id);
	return 0;
}

int cmd_dev(int argc, char **argv)
{
	static const struct subcmd subs[] = {
		{ "add", dev_add },
		{ "del", dev_del },
		{ "list", cmd_dev_list },
		{ NULL, NULL },
	};

	return run_subcmd(argc, argv, subs, dev_help);
}
