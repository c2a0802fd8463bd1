// SPDX-License-Identifier: GPL-2.0
/*
 * failnth: one DEV_ADD or DEV_DEL ioctl of /dev/hvisor-vhost with the
 * N-th fault-injection point of the call failing (the calling thread's
 * /proc/thread-self/fail-nth, CONFIG_FAULT_INJECTION: every failslab or
 * fail_page_alloc check the thread passes counts, see
 * Documentation/fault-injection/fault-injection.rst). Running it with
 * N = 1, 2, ... makes each allocation of the call fail in turn; once the
 * call makes fewer than N checks, nothing is injected and every site was
 * covered.
 *
 * Usage: failnth N add IMAGE     a blk device on IMAGE (opened read-write)
 *        failnth N del ID        remove device ID
 * Prints one line:
 *   injected=0|1 result=ok id=ID
 *   injected=0|1 result=err errno=E (strerror)
 * Exit status 0 when the line was printed (whatever the ioctl did), 2 on
 * a usage or setup error. The descriptors are all opened before the
 * counter is armed, so that only the ioctl's own checks count.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/hvisor_vhost.h>

#define FAIL_NTH "/proc/thread-self/fail-nth"

static int bad_usage(void)
{
	fprintf(stderr, "usage: failnth N add IMAGE | failnth N del ID\n");
	return 2;
}

/* Arm (n > 0) or disarm (n == 0) the counter on the open @fd. */
static int arm(int fd, unsigned long n)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%lu", n);

	return pwrite(fd, buf, len, 0) == len ? 0 : -1;
}

/* What is left of the counter: 0 once the failure was injected. */
static long left(int fd)
{
	char buf[32];
	ssize_t n;

	/* Touched first: no page fault (an allocation) inside pread(). */
	memset(buf, 0, sizeof(buf));
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

int main(int argc, char **argv)
{
	struct hvisor_vhost_dev_config cfg;
	struct hvisor_vhost_dev_del del;
	unsigned long n, cmd;
	int ctl, nth, img = -1, ret, err;
	long rest;
	void *arg;

	if (argc != 4)
		return bad_usage();
	n = strtoul(argv[1], NULL, 0);
	memset(&cfg, 0, sizeof(cfg));
	memset(&del, 0, sizeof(del));
	if (!strcmp(argv[2], "add")) {
		img = open(argv[3], O_RDWR | O_CLOEXEC);
		if (img < 0) {
			perror(argv[3]);
			return 2;
		}
		cfg.type = HVISOR_VHOST_DEV_BLK;
		cfg.backing_fd = img;
		cmd = HVISOR_VHOST_DEV_ADD;
		arg = &cfg;
	} else if (!strcmp(argv[2], "del")) {
		del.id = strtoul(argv[3], NULL, 0);
		cmd = HVISOR_VHOST_DEV_DEL;
		arg = &del;
	} else {
		return bad_usage();
	}
	ctl = open("/dev/" HVISOR_VHOST_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	nth = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	if (ctl < 0 || nth < 0) {
		perror(ctl < 0 ? "/dev/" HVISOR_VHOST_DEVICE_NAME : FAIL_NTH);
		return 2;
	}
	if (arm(nth, n)) {
		perror("arming " FAIL_NTH);
		return 2;
	}
	ret = ioctl(ctl, cmd, arg);
	err = errno;
	rest = left(nth);
	if (arm(nth, 0) || rest < 0) {
		perror("disarming " FAIL_NTH);
		return 2;
	}
	if (ret)
		printf("injected=%d result=err errno=%d (%s)\n", rest == 0,
		       err, strerror(err));
	else if (cmd == HVISOR_VHOST_DEV_ADD)
		printf("injected=%d result=ok id=%u\n", rest == 0, cfg.id);
	else
		printf("injected=%d result=ok\n", rest == 0);
	close(nth);
	close(ctl);
	if (img >= 0)
		close(img);
	return 0;
}
