// SPDX-License-Identifier: GPL-2.0
/*
 * net_xfer: TCP transfers with a checksum, and request/response latency,
 * for the net selftests and benchmarks (busybox has no tool for either).
 *
 *   net_xfer recv PORT              accept one connection, read to EOF,
 *                                   print "BYTES HASH"
 *   net_xfer send HOST PORT BYTES   connect (retrying for 10 s), send BYTES
 *                                   of pseudo-random data, print "BYTES HASH"
 *   net_xfer rr-server PORT         accept one connection, echo every byte
 *   net_xfer rr-client HOST PORT N  N one-byte round trips; print the mean
 *                                   round trip in microseconds
 *   net_xfer udp HOST PORT N SIZE   send N IPv4 datagrams of SIZE bytes as
 *                                   fast as possible (a flood)
 *
 * The hash covers every byte in order, so equal lines on both sides mean
 * the data arrived intact. Exit status 0 on success.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BUF_SIZE	65536

struct hash {
	uint64_t h;
	uint64_t bytes;
	unsigned char carry[8];
	unsigned int ncarry;
};

static void hash_word(struct hash *s, uint64_t w)
{
	s->h ^= w;
	s->h *= 0x100000001b3ULL;
	s->h ^= s->h >> 29;
}

static void hash_add(struct hash *s, const unsigned char *p, size_t n)
{
	uint64_t w;

	s->bytes += n;
	while (n && s->ncarry) {
		s->carry[s->ncarry++] = *p++;
		n--;
		if (s->ncarry == 8) {
			memcpy(&w, s->carry, 8);
			hash_word(s, w);
			s->ncarry = 0;
		}
	}
	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		hash_word(s, w);
	}
	while (n--)
		s->carry[s->ncarry++] = *p++;
}

static uint64_t hash_end(struct hash *s)
{
	uint64_t w = 0;

	memcpy(&w, s->carry, s->ncarry);
	hash_word(s, w ^ s->ncarry);
	return s->h;
}

static int die(const char *what)
{
	fprintf(stderr, "net_xfer: %s: %s\n", what, strerror(errno));
	return 1;
}

static int listen_accept(const char *port)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6 };
	int one = 1, l, c;

	a.sin6_port = htons((uint16_t)atoi(port));
	a.sin6_addr = in6addr_any;
	l = socket(AF_INET6, SOCK_STREAM, 0);
	if (l < 0)
		return -1;
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1)) {
		close(l);
		return -1;
	}
	c = accept(l, NULL, NULL);
	close(l);
	return c;
}

static int connect_to(const char *host, const char *port)
{
	struct sockaddr_in a4 = { .sin_family = AF_INET };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
	struct sockaddr *sa;
	socklen_t len;
	int fd, i;

	if (inet_pton(AF_INET, host, &a4.sin_addr) == 1) {
		a4.sin_port = htons((uint16_t)atoi(port));
		sa = (struct sockaddr *)&a4;
		len = sizeof(a4);
	} else if (inet_pton(AF_INET6, host, &a6.sin6_addr) == 1) {
		a6.sin6_port = htons((uint16_t)atoi(port));
		sa = (struct sockaddr *)&a6;
		len = sizeof(a6);
	} else {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < 100; i++) {
		fd = socket(sa->sa_family, SOCK_STREAM, 0);
		if (fd < 0)
			return -1;
		if (!connect(fd, sa, len))
			return fd;
		close(fd);
		usleep(100000);
	}
	return -1;
}

static int do_recv(const char *port)
{
	static unsigned char buf[BUF_SIZE];
	struct hash s = { .h = 0xcbf29ce484222325ULL };
	ssize_t n;
	int fd = listen_accept(port);

	if (fd < 0)
		return die("accept");
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		hash_add(&s, buf, (size_t)n);
	if (n < 0)
		return die("read");
	close(fd);
	printf("%llu %016llx\n", (unsigned long long)s.bytes,
	       (unsigned long long)hash_end(&s));
	return 0;
}

static int do_send(const char *host, const char *port, const char *count)
{
	static unsigned char buf[BUF_SIZE];
	struct hash s = { .h = 0xcbf29ce484222325ULL };
	uint64_t left = strtoull(count, NULL, 0), x = 0x9e3779b97f4a7c15ULL;
	int fd = connect_to(host, port);
	size_t i, n, off;
	ssize_t w;

	if (fd < 0)
		return die("connect");
	while (left) {
		for (i = 0; i < BUF_SIZE; i += 8) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			memcpy(buf + i, &x, 8);
		}
		n = left < BUF_SIZE ? left : BUF_SIZE;
		hash_add(&s, buf, n);
		for (off = 0; off < n; off += (size_t)w) {
			w = write(fd, buf + off, n - off);
			if (w <= 0)
				return die("write");
		}
		left -= n;
	}
	shutdown(fd, SHUT_WR);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
	printf("%llu %016llx\n", (unsigned long long)s.bytes,
	       (unsigned long long)hash_end(&s));
	return 0;
}

static int do_rr_server(const char *port)
{
	int fd = listen_accept(port), one = 1;
	char c;

	if (fd < 0)
		return die("accept");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	while (read(fd, &c, 1) == 1)
		if (write(fd, &c, 1) != 1)
			return die("write");
	close(fd);
	return 0;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int do_rr_client(const char *host, const char *port, const char *count)
{
	long i, n = atol(count);
	int fd = connect_to(host, port), one = 1;
	double t0;
	char c = 'x';

	if (fd < 0 || n <= 0)
		return die("connect");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	t0 = now_us();
	for (i = 0; i < n; i++)
		if (write(fd, &c, 1) != 1 || read(fd, &c, 1) != 1)
			return die("round trip");
	printf("%.1f\n", (now_us() - t0) / (double)n);
	close(fd);
	return 0;
}

static int do_udp(const char *host, const char *port, const char *count,
		  const char *size)
{
	static char buf[BUF_SIZE];
	struct sockaddr_in a = { .sin_family = AF_INET };
	long i, n = atol(count);
	size_t len = (size_t)atol(size);
	int fd;

	a.sin_port = htons((uint16_t)atoi(port));
	if (inet_pton(AF_INET, host, &a.sin_addr) != 1 || len > BUF_SIZE) {
		errno = EINVAL;
		return die("udp");
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return die("socket");
	for (i = 0; i < n; i++)
		sendto(fd, buf, len, 0, (struct sockaddr *)&a, sizeof(a));
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "recv"))
		return do_recv(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "send"))
		return do_send(argv[2], argv[3], argv[4]);
	if (argc == 3 && !strcmp(argv[1], "rr-server"))
		return do_rr_server(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "rr-client"))
		return do_rr_client(argv[2], argv[3], argv[4]);
	if (argc == 6 && !strcmp(argv[1], "udp"))
		return do_udp(argv[2], argv[3], argv[4], argv[5]);
	fprintf(stderr, "usage: net_xfer recv PORT | send HOST PORT BYTES |\n"
		"       rr-server PORT | rr-client HOST PORT N |\n"
		"       udp HOST PORT N SIZE\n");
	return 2;
}
