// SPDX-License-Identifier: GPL-2.0
/*
 * console_bench: throughput of a tty path, for selftests/bench/30-console.sh.
 *
 *   console_bench WRITE_TTY READ_TTY BYTES   write into one tty, read
 *                                            from the other
 *   console_bench pty BYTES                  the same over a fresh pty pair
 *                                            (master -> slave)
 *
 * Both ttys are put in raw mode. A child writes BYTES of a pattern, the
 * parent reads them back, checks the pattern and prints
 * "BYTES SECONDS MBPS". Exit status 1 on a short or wrong transfer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define CHUNK	4096

static int open_raw(const char *path, int flags)
{
	struct termios t;
	int fd = open(path, flags | O_NOCTTY);

	if (fd < 0) {
		perror(path);
		exit(1);
	}
	if (!tcgetattr(fd, &t)) {
		cfmakeraw(&t);
		tcsetattr(fd, TCSANOW, &t);
	}
	return fd;
}

static void make_raw(int fd)
{
	struct termios t;

	if (!tcgetattr(fd, &t)) {
		cfmakeraw(&t);
		tcsetattr(fd, TCSANOW, &t);
	}
}

static void writer(int fd, long bytes)
{
	char buf[CHUNK];
	long done = 0, i;
	ssize_t n;

	while (done < bytes) {
		for (i = 0; i < CHUNK; i++)
			buf[i] = (char)((done + i) * 7);
		n = write(fd, buf, bytes - done < CHUNK ? bytes - done : CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			perror("write");
			_exit(1);
		}
		done += n;
	}
	_exit(0);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int reader(int fd, long bytes, pid_t child)
{
	char buf[CHUNK];
	long done = 0, i, bad = 0;
	double t0 = now(), dt;
	int status;
	ssize_t n;

	while (done < bytes) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (i = 0; i < n; i++)
			bad += buf[i] != (char)((done + i) * 7);
		done += n;
	}
	dt = now() - t0;
	waitpid(child, &status, 0);
	printf("%ld %.3f %.2f\n", done, dt, dt > 0 ? done / dt / 1e6 : 0.0);
	if (done != bytes || bad) {
		fprintf(stderr, "console_bench: got %ld of %ld bytes, %ld wrong\n",
			done, bytes, bad);
		return 1;
	}
	return !WIFEXITED(status) || WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	int wfd, rfd;
	long bytes;
	pid_t pid;

	if (argc == 3 && !strcmp(argv[1], "pty")) {
		bytes = atol(argv[2]);
		wfd = posix_openpt(O_RDWR | O_NOCTTY);
		if (wfd < 0 || grantpt(wfd) || unlockpt(wfd)) {
			perror("pty");
			return 1;
		}
		make_raw(wfd);
		rfd = open_raw(ptsname(wfd), O_RDWR);
	} else if (argc == 4) {
		bytes = atol(argv[3]);
		rfd = open_raw(argv[2], O_RDWR);
		wfd = open_raw(argv[1], O_RDWR);
	} else {
		fprintf(stderr, "usage: console_bench WRITE_TTY READ_TTY BYTES | pty BYTES\n");
		return 2;
	}
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (!pid) {
		close(rfd);
		writer(wfd, bytes);
	}
	return reader(rfd, bytes, pid);
}
