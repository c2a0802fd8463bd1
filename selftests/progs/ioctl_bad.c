// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl_bad: raw ioctls on /dev/hvisor-vhost that must be refused with a
 * clear error: unknown command numbers, bad user pointers, non-zero
 * reserved fields and unknown flags. Also checks that a good
 * HVISOR_VHOST_GET_STATUS still works afterwards.
 *
 * Usage: ioctl_bad [DEVICE]; exit status 0 when every check passed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/hvisor_vhost.h>

static int failures;

/* Check that ioctl(fd, cmd, arg) failed with errno @want. */
static void expect_err(int fd, unsigned long cmd, void *arg, int want,
		       const char *what)
{
	int ret, err;

	errno = 0;
	ret = ioctl(fd, cmd, arg);
	err = errno;
	if (ret == -1 && err == want) {
		printf("ok: %s: %s\n", what, strerror(err));
		return;
	}
	printf("FAIL: %s: returned %d, errno %d (%s), want %s\n", what, ret,
	       err, strerror(err), strerror(want));
	failures++;
}

static void check_unknown_commands(int fd)
{
	expect_err(fd, _IO(HVISOR_VHOST_IOC_MAGIC, 0x7f), NULL, ENOTTY,
		   "unknown command number");
	expect_err(fd, _IOR(HVISOR_VHOST_IOC_MAGIC + 1, 0x00,
			    struct hvisor_vhost_status), NULL, ENOTTY,
		   "foreign ioctl magic");
	expect_err(fd, _IOR(HVISOR_VHOST_IOC_MAGIC, 0x00, __u32), NULL, ENOTTY,
		   "GET_STATUS number with a wrong size");
}

static void check_bad_pointers(int fd)
{
	expect_err(fd, HVISOR_VHOST_GET_STATUS, NULL, EFAULT,
		   "GET_STATUS to NULL");
	expect_err(fd, HVISOR_VHOST_GET_STATUS, (void *)16, EFAULT,
		   "GET_STATUS to address 16");
	expect_err(fd, HVISOR_VHOST_DEV_ADD, (void *)-4096L, EFAULT,
		   "DEV_ADD from a kernel address");
	expect_err(fd, HVISOR_VHOST_DEV_LIST, (void *)1, EFAULT,
		   "DEV_LIST from address 1");
}

static void check_reserved_fields(int fd)
{
	struct hvisor_vhost_dev_config cfg;
	struct hvisor_vhost_dev_del del;
	struct hvisor_vhost_dev_list list;

	memset(&cfg, 0, sizeof(cfg));
	cfg.type = HVISOR_VHOST_DEV_BLK;
	cfg.backing_fd = -1;
	cfg.reserved[3] = 1;
	expect_err(fd, HVISOR_VHOST_DEV_ADD, &cfg, EINVAL,
		   "DEV_ADD with a non-zero reserved field");

	memset(&del, 0, sizeof(del));
	del.flags = 0x80000000U;
	expect_err(fd, HVISOR_VHOST_DEV_DEL, &del, EINVAL,
		   "DEV_DEL with an unknown flag");

	memset(&list, 0, sizeof(list));
	list.reserved[1] = 7;
	expect_err(fd, HVISOR_VHOST_DEV_LIST, &list, EINVAL,
		   "DEV_LIST with a non-zero reserved field");
}

static void check_status_still_works(int fd)
{
	struct hvisor_vhost_status st;

	memset(&st, 0xff, sizeof(st));
	if (ioctl(fd, HVISOR_VHOST_GET_STATUS, &st) != 0) {
		printf("FAIL: GET_STATUS: %s\n", strerror(errno));
		failures++;
		return;
	}
	if (st.abi_version != HVISOR_VHOST_ABI_VERSION) {
		printf("FAIL: GET_STATUS: abi_version %u, want %u\n",
		       st.abi_version, HVISOR_VHOST_ABI_VERSION);
		failures++;
		return;
	}
	printf("ok: GET_STATUS still works (abi %u)\n", st.abi_version);
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/dev/" HVISOR_VHOST_DEVICE_NAME;
	int fd;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("FAIL: open %s: %s\n", path, strerror(errno));
		return 1;
	}
	check_unknown_commands(fd);
	check_bad_pointers(fd);
	check_reserved_fields(fd);
	check_status_still_works(fd);
	close(fd);
	printf("%s: %d failure(s)\n", argv[0], failures);
	return failures ? 1 : 0;
}
