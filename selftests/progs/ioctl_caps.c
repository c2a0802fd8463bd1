// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl_caps: the capabilities each ioctl of /dev/hvisor-vhost needs
 * (include/uapi/linux/hvisor_vhost.h), checked against the calling task
 * while it holds a descriptor opened by root:
 *
 *   no capability      GET_STATUS and DEV_LIST work, every change and
 *                      CONSOLE_LOG is EPERM
 *   CAP_SYS_ADMIN      blk devices can be added and removed and the
 *                      console log read; net devices and ZONE_ADD_MEM
 *                      (which also needs CAP_NET_ADMIN, CAP_SYS_RAWIO)
 *                      are EPERM and change nothing
 *   uid nobody         (setuid with the descriptor kept) as without
 *                      capabilities; nobody cannot open the node itself
 *
 * Requests that pass the capability check are aimed at zones and devices
 * that do not exist (ENOENT), so nothing else changes. A bad argument is
 * EINVAL before a missing capability is EPERM.
 *
 * Usage: ioctl_caps IMAGE NET_ID CONSOLE_ID [DEVICE]
 *   IMAGE       a file a blk device can be added on
 *   NET_ID      id of an existing net device
 *   CONSOLE_ID  id of an existing console device
 * Run as root; exit status 0 when every check passed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/hvisor_vhost.h>

#define NO_ZONE		99
#define NO_DEVICE	99999
#define NOBODY		65534

static int failures;

/* ioctl() as 0 or an errno. */
static int call(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

static void expect(const char *phase, const char *what, int got, int want)
{
	if (got == want) {
		printf("ok: %s: %s: %s\n", phase, what,
		       want ? strerror(want) : "allowed");
		return;
	}
	printf("FAIL: %s: %s: %s, want %s\n", phase, what,
	       got ? strerror(got) : "allowed",
	       want ? strerror(want) : "allowed");
	failures++;
}

/* Keep exactly the capabilities in @mask (effective and permitted). */
static int keep_caps(uint64_t mask)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	data[0].effective = (uint32_t)mask;
	data[0].permitted = data[0].effective;
	data[1].effective = (uint32_t)(mask >> 32);
	data[1].permitted = data[1].effective;
	if (syscall(SYS_capset, &hdr, data)) {
		printf("FAIL: capset 0x%llx: %s\n", (unsigned long long)mask,
		       strerror(errno));
		return -1;
	}
	return 0;
}

/* Devices listed, or -1. */
static int nr_devices(int fd)
{
	struct hvisor_vhost_dev_list list;

	memset(&list, 0, sizeof(list));
	if (ioctl(fd, HVISOR_VHOST_DEV_LIST, &list))
		return -1;
	return (int)list.count;
}

static int zone_call(int fd, unsigned long cmd, uint32_t zone)
{
	struct hvisor_vhost_zone z;

	memset(&z, 0, sizeof(z));
	z.zone_id = zone;
	return call(fd, cmd, &z);
}

static int dev_del(int fd, uint32_t id)
{
	struct hvisor_vhost_dev_del del;

	memset(&del, 0, sizeof(del));
	del.id = id;
	return call(fd, HVISOR_VHOST_DEV_DEL, &del);
}

/* DEV_ADD of @type (blk on @img); the new id in *id. */
static int dev_add(int fd, uint32_t type, int img, uint32_t *id)
{
	struct hvisor_vhost_dev_config cfg;
	int ret;

	memset(&cfg, 0, sizeof(cfg));
	cfg.type = type;
	cfg.backing_fd = type == HVISOR_VHOST_DEV_BLK ? img : -1;
	ret = call(fd, HVISOR_VHOST_DEV_ADD, &cfg);
	if (!ret && id)
		*id = cfg.id;
	return ret;
}

static int zone_mem(int fd)
{
	struct hvisor_vhost_zone_mem mem;

	memset(&mem, 0, sizeof(mem));
	mem.zone_id = NO_ZONE;
	mem.zone0_ipa = 0x80000000ULL;
	mem.zonex_ipa = 0x80000000ULL;
	mem.size = 0x100000;
	return call(fd, HVISOR_VHOST_ZONE_ADD_MEM, &mem);
}

static int console_log(int fd, uint32_t id)
{
	struct hvisor_vhost_console_log log;

	memset(&log, 0, sizeof(log));
	log.id = id;
	return call(fd, HVISOR_VHOST_CONSOLE_LOG, &log);
}

/* The read-only queries work whatever the caller's capabilities. */
static void check_queries(const char *phase, int fd)
{
	struct hvisor_vhost_status st;

	memset(&st, 0, sizeof(st));
	expect(phase, "GET_STATUS", call(fd, HVISOR_VHOST_GET_STATUS, &st), 0);
	expect(phase, "DEV_LIST", nr_devices(fd) < 0 ? errno : 0, 0);
}

/* Every change is refused, and a bad argument is still EINVAL first. */
static void check_unprivileged(const char *phase, int fd, int img,
			       uint32_t net, uint32_t con)
{
	struct hvisor_vhost_dev_del del;
	int before = nr_devices(fd);

	check_queries(phase, fd);
	expect(phase, "ZONE_ADD_MEM", zone_mem(fd), EPERM);
	expect(phase, "ZONE_RESET", zone_call(fd, HVISOR_VHOST_ZONE_RESET,
					      NO_ZONE), EPERM);
	expect(phase, "ZONE_DEL", zone_call(fd, HVISOR_VHOST_ZONE_DEL,
					    NO_ZONE), EPERM);
	expect(phase, "DEV_ADD blk", dev_add(fd, HVISOR_VHOST_DEV_BLK, img,
					     NULL), EPERM);
	expect(phase, "DEV_ADD net", dev_add(fd, HVISOR_VHOST_DEV_NET, img,
					     NULL), EPERM);
	expect(phase, "DEV_DEL net", dev_del(fd, net), EPERM);
	expect(phase, "DEV_DEL console", dev_del(fd, con), EPERM);
	expect(phase, "DEV_DEL unknown id", dev_del(fd, NO_DEVICE), EPERM);
	expect(phase, "CONSOLE_LOG", console_log(fd, con), EPERM);
	memset(&del, 0, sizeof(del));
	del.id = net;
	del.reserved[0] = 1;
	expect(phase, "DEV_DEL with a reserved field set",
	       call(fd, HVISOR_VHOST_DEV_DEL, &del), EINVAL);
	expect(phase, "devices unchanged", nr_devices(fd) == before ? 0 : EIO,
	       0);
}

/* CAP_SYS_ADMIN alone: blk and console yes, net and memory no. */
static void check_sys_admin(int fd, int img, uint32_t net, uint32_t con)
{
	const char *phase = "CAP_SYS_ADMIN only";
	int before = nr_devices(fd);
	uint32_t id = 0;

	check_queries(phase, fd);
	expect(phase, "ZONE_ADD_MEM (needs CAP_SYS_RAWIO too)", zone_mem(fd),
	       EPERM);
	expect(phase, "DEV_ADD net (needs CAP_NET_ADMIN too)",
	       dev_add(fd, HVISOR_VHOST_DEV_NET, img, NULL), EPERM);
	expect(phase, "DEV_DEL net (needs CAP_NET_ADMIN too)",
	       dev_del(fd, net), EPERM);
	expect(phase, "no device added or removed",
	       nr_devices(fd) == before ? 0 : EIO, 0);
	expect(phase, "ZONE_RESET of an unknown zone",
	       zone_call(fd, HVISOR_VHOST_ZONE_RESET, NO_ZONE), ENOENT);
	expect(phase, "ZONE_DEL of an unknown zone",
	       zone_call(fd, HVISOR_VHOST_ZONE_DEL, NO_ZONE), ENOENT);
	expect(phase, "DEV_DEL of an unknown id", dev_del(fd, NO_DEVICE),
	       ENOENT);
	expect(phase, "CONSOLE_LOG", console_log(fd, con), 0);
	expect(phase, "DEV_ADD blk", dev_add(fd, HVISOR_VHOST_DEV_BLK, img,
					     &id), 0);
	expect(phase, "one blk device more",
	       nr_devices(fd) == before + 1 ? 0 : EIO, 0);
	expect(phase, "DEV_DEL blk", dev_del(fd, id), 0);
	expect(phase, "blk device gone", nr_devices(fd) == before ? 0 : EIO,
	       0);
}

/* A child as uid nobody, with the descriptor root opened. */
static void check_nobody(const char *path, int fd, int img, uint32_t net,
			 uint32_t con)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("FAIL: fork: %s\n", strerror(errno));
		failures++;
		return;
	}
	if (!pid) {
		if (setgid(NOBODY) || setuid(NOBODY)) {
			printf("FAIL: setuid nobody: %s\n", strerror(errno));
			exit(1);
		}
		expect("uid nobody", "open the node itself",
		       open(path, O_RDWR) < 0 ? errno : 0, EACCES);
		check_unprivileged("uid nobody", fd, img, net, con);
		fflush(stdout);
		exit(failures ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		printf("FAIL: the uid nobody checks failed\n");
		failures++;
	}
}

int main(int argc, char **argv)
{
	const char *path = argc > 4 ? argv[4] : "/dev/" HVISOR_VHOST_DEVICE_NAME;
	uint32_t net, con;
	int fd, img;

	if (argc < 4) {
		fprintf(stderr, "usage: %s IMAGE NET_ID CONSOLE_ID [DEVICE]\n",
			argv[0]);
		return 2;
	}
	net = (uint32_t)strtoul(argv[2], NULL, 0);
	con = (uint32_t)strtoul(argv[3], NULL, 0);
	fd = open(path, O_RDWR | O_CLOEXEC);
	img = open(argv[1], O_RDWR | O_CLOEXEC);
	if (fd < 0 || img < 0) {
		printf("FAIL: open %s, %s: %s\n", path, argv[1],
		       strerror(errno));
		return 1;
	}
	check_nobody(path, fd, img, net, con);
	if (keep_caps(1ULL << CAP_SYS_ADMIN))
		return 1;
	check_sys_admin(fd, img, net, con);
	if (keep_caps(0))
		return 1;
	check_unprivileged("no capability", fd, img, net, con);
	close(img);
	close(fd);
	printf("%s: %d failure(s)\n", argv[0], failures);
	return failures ? 1 : 0;
}
