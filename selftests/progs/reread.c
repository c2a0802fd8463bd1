// SPDX-License-Identifier: GPL-2.0
/*
 * reread: read a file from offset 0 again and again, for the register
 * round-trip benchmark (selftests/bench/40-ubridge.sh). A virtio device's
 * sysfs "status" attribute reads the device's Status register each time
 * (get_status), so each read here is one trapped register access.
 *
 *   reread FILE N     N preads of FILE at offset 0; prints
 *                     "N MEAN_NS" (mean nanoseconds per read)
 *
 * Exit status 0 on success, 1 when a read fails, 2 for bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long long t0, n, i;
	char buf[256];
	int fd;

	if (argc != 3 || atoll(argv[2]) <= 0) {
		fprintf(stderr, "reread FILE N\n");
		return 2;
	}
	n = atoll(argv[2]);
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "reread: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		if (pread(fd, buf, sizeof(buf), 0) <= 0) {
			fprintf(stderr, "reread: %s: read %lld failed\n", argv[1], i);
			return 1;
		}
	}
	printf("%lld %lld\n", n, (now_ns() - t0) / n);
	close(fd);
	return 0;
}
