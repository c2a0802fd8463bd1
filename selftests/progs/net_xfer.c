// SPDX-License-Identifier: GPL-2.0
/*
 * net_xfer: TCP transfers with a checksum, and request/response latency,
 * for the net selftests and benchmarks (busybox has no tool for either).
 *
 *   net_xfer recv PORT              accept one connection, read to EOF,
 *                                   print "BYTES SHA256"
 *   net_xfer send HOST PORT BYTES   connect (retrying for 10 s), send BYTES
 *                                   of pseudo-random data, print "BYTES SHA256"
 *   net_xfer sum                    read stdin to EOF, print "BYTES SHA256"
 *                                   (to check against sha256sum)
 *   net_xfer rr-server PORT         accept one connection, echo every byte
 *   net_xfer rr-client HOST PORT N  N one-byte round trips; print the mean,
 *                                   p99, p99.9 and longest round trip in
 *                                   microseconds
 *   net_xfer udp HOST PORT N SIZE   send N IPv4 datagrams of SIZE bytes as
 *                                   fast as possible (a flood)
 *
 * SHA-256 covers every byte in order, so equal lines on both sides mean
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

/* SHA-256 (FIPS 180-4), so that "intact" means what sha256sum means. */
struct sha256 {
	uint32_t h[8];
	uint64_t bytes;
	unsigned char buf[64];
	size_t nbuf;
};

static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t ror32(uint32_t x, unsigned int n)
{
	return x >> n | x << (32 - n);
}

static void sha256_init(struct sha256 *s)
{
	static const uint32_t h0[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memset(s, 0, sizeof(*s));
	memcpy(s->h, h0, sizeof(h0));
}

static void sha256_block(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, k, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (; i < 64; i++)
		w[i] = w[i - 16] + w[i - 7] +
		       (ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3)) +
		       (ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10));
	a = h[0], b = h[1], c = h[2], d = h[3];
	e = h[4], f = h[5], g = h[6], k = h[7];
	for (i = 0; i < 64; i++) {
		t1 = k + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) +
		     ((e & f) ^ (~e & g)) + sha256_k[i] + w[i];
		t2 = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) +
		     ((a & b) ^ (a & c) ^ (b & c));
		k = g, g = f, f = e, e = d + t1;
		d = c, c = b, b = a, a = t1 + t2;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d;
	h[4] += e, h[5] += f, h[6] += g, h[7] += k;
}

static void sha256_add(struct sha256 *s, const unsigned char *p, size_t n)
{
	size_t k;

	s->bytes += n;
	if (s->nbuf) {
		k = 64 - s->nbuf < n ? 64 - s->nbuf : n;
		memcpy(s->buf + s->nbuf, p, k);
		s->nbuf += k;
		p += k;
		n -= k;
		if (s->nbuf < 64)
			return;
		sha256_block(s->h, s->buf);
		s->nbuf = 0;
	}
	for (; n >= 64; p += 64, n -= 64)
		sha256_block(s->h, p);
	memcpy(s->buf, p, n);
	s->nbuf = n;
}

/* Print "BYTES SHA256" as the tools' result line. */
static void sha256_print(struct sha256 *s)
{
	uint64_t bits = s->bytes * 8;
	unsigned char pad[72] = { 0x80 };
	size_t padlen = (s->nbuf < 56 ? 56 : 120) - s->nbuf;
	uint64_t bytes = s->bytes;
	int i;

	for (i = 0; i < 8; i++)
		pad[padlen + i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_add(s, pad, padlen + 8);
	printf("%llu ", (unsigned long long)bytes);
	for (i = 0; i < 8; i++)
		printf("%08x", s->h[i]);
	printf("\n");
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

/* Read @fd to EOF; print "BYTES SHA256". */
static int sum_fd(int fd)
{
	static unsigned char buf[BUF_SIZE];
	struct sha256 s;
	ssize_t n;

	sha256_init(&s);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sha256_add(&s, buf, (size_t)n);
	if (n < 0)
		return die("read");
	sha256_print(&s);
	return 0;
}

static int do_recv(const char *port)
{
	int fd = listen_accept(port), ret;

	if (fd < 0)
		return die("accept");
	ret = sum_fd(fd);
	close(fd);
	return ret;
}

static int do_send(const char *host, const char *port, const char *count)
{
	static unsigned char buf[BUF_SIZE];
	struct sha256 s;
	uint64_t left = strtoull(count, NULL, 0), x = 0x9e3779b97f4a7c15ULL;
	int fd = connect_to(host, port);
	size_t i, n, off;
	ssize_t w;

	if (fd < 0)
		return die("connect");
	sha256_init(&s);
	while (left) {
		for (i = 0; i < BUF_SIZE; i += 8) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			memcpy(buf + i, &x, 8);
		}
		n = left < BUF_SIZE ? left : BUF_SIZE;
		sha256_add(&s, buf, n);
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
	sha256_print(&s);
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

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The value below which a fraction @p of the @n sorted samples lie. */
static double percentile(const double *sorted, long n, double p)
{
	long i = (long)(p * (double)n);

	return sorted[i < n ? i : n - 1];
}

static int do_rr_client(const char *host, const char *port, const char *count)
{
	long i, n = atol(count);
	int fd = connect_to(host, port), one = 1;
	double t0, t, *rtt;
	char c = 'x';

	if (fd < 0 || n <= 0)
		return die("connect");
	rtt = malloc((size_t)n * sizeof(*rtt));
	if (!rtt)
		return die("malloc");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	t0 = now_us();
	t = t0;
	for (i = 0; i < n; i++) {
		if (write(fd, &c, 1) != 1 || read(fd, &c, 1) != 1) {
			free(rtt);
			return die("round trip");
		}
		rtt[i] = now_us() - t;
		t += rtt[i];
	}
	qsort(rtt, (size_t)n, sizeof(*rtt), cmp_double);
	printf("%.1f %.1f %.1f %.1f\n", (t - t0) / (double)n,
	       percentile(rtt, n, 0.99), percentile(rtt, n, 0.999), rtt[n - 1]);
	free(rtt);
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
	if (argc == 2 && !strcmp(argv[1], "sum"))
		return sum_fd(0);
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
	fprintf(stderr, "usage: net_xfer recv PORT | send HOST PORT BYTES | sum |\n"
		"       rr-server PORT | rr-client HOST PORT N |\n"
		"       udp HOST PORT N SIZE\n");
	return 2;
}
