// SPDX-License-Identifier: GPL-2.0
/*
 * lw_check: what a device-mapper log-writes log says was on the disk at
 * a flush (selftests/tests/1F-blk-flush-order.sh).
 *
 *   lw_check LOG MARK OFFSET EXPECTED
 *
 * LOG is the log device of a log-writes target. dm-log-writes logs a
 * write only once it completed and a later FLUSH (or FUA) covered it:
 * every write completed before a FLUSH was submitted comes before that
 * FLUSH's entry, later ones after it. lw_check replays, onto a copy of
 * the byte range [OFFSET, OFFSET + size of EXPECTED) of the disk, every
 * write logged before the last FLUSH entry that precedes the mark MARK
 * (made with "dmsetup message DEV 0 mark MARK"), and compares the result
 * with the file EXPECTED: what the disk held once that FLUSH completed.
 *
 * Exit status 0 when they match, 1 when they do not (with the first
 * differing byte) or the log has no such mark or flush, 2 for bad usage
 * or a log it cannot read. The log format is the kernel's
 * (drivers/md/dm-log-writes.c): a super block at byte 0, then per entry
 * one block with struct log_write_entry (a mark's name after it) and,
 * unless it is a discard, nr_sectors blocks of data; sector and
 * nr_sectors are in units of the super block's sectorsize.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LW_MAGIC	0x6a736677736872ULL
/* Entry flags (LOG_*_FLAG of the kernel). */
#define LW_FLUSH	0x1ULL
#define LW_DISCARD	0x4ULL
#define LW_MARK		0x8ULL
#define LW_MAX_MARK	256

struct lw_super {
	uint64_t magic;
	uint64_t version;
	uint64_t nr_entries;
	uint32_t sectorsize;
} __attribute__((packed));

struct lw_entry {
	uint64_t sector;
	uint64_t nr_sectors;
	uint64_t flags;
	uint64_t data_len;
};

/* One entry of the log, as read. */
struct entry {
	uint64_t sector;	/* in sectorsize units */
	uint64_t nr_sectors;
	uint64_t flags;
	off_t data;		/* where its data starts in the log */
	char mark[LW_MAX_MARK];
};

static int lw_fd;
static uint32_t lw_bs;
static uint64_t lw_nr;

static int read_at(void *buf, size_t len, off_t off)
{
	ssize_t n = pread(lw_fd, buf, len, off);

	if (n != (ssize_t)len) {
		fprintf(stderr, "lw_check: log read of %zu at %lld: %s\n", len,
			(long long)off, n < 0 ? strerror(errno) : "short");
		return -1;
	}
	return 0;
}

static int read_super(void)
{
	struct lw_super s;

	if (read_at(&s, sizeof(s), 0))
		return -1;
	if (le64toh(s.magic) != LW_MAGIC) {
		fprintf(stderr, "lw_check: not a log-writes log\n");
		return -1;
	}
	lw_bs = le32toh(s.sectorsize);
	lw_nr = le64toh(s.nr_entries);
	if (lw_bs < 512 || lw_bs > 65536 || (lw_bs & (lw_bs - 1))) {
		fprintf(stderr, "lw_check: sector size %u\n", lw_bs);
		return -1;
	}
	return 0;
}

/* Entry @*pos into @e; moves @*pos to the next one. */
static int read_entry(off_t *pos, struct entry *e)
{
	char block[65536];
	struct lw_entry le;
	uint64_t len;

	if (read_at(block, lw_bs, *pos))
		return -1;
	memcpy(&le, block, sizeof(le));
	e->sector = le64toh(le.sector);
	e->nr_sectors = le64toh(le.nr_sectors);
	e->flags = le64toh(le.flags);
	e->mark[0] = '\0';
	if (e->flags & LW_MARK) {
		len = le64toh(le.data_len);
		if (len >= sizeof(e->mark) || len > lw_bs - sizeof(le))
			len = 0;
		memcpy(e->mark, block + sizeof(le), len);
		e->mark[len] = '\0';
	}
	*pos += lw_bs;
	e->data = *pos;
	if (!(e->flags & LW_DISCARD))
		*pos += (off_t)(e->nr_sectors * lw_bs);
	return 0;
}

/* Index of the last FLUSH entry before mark @name, or -1. */
static long long find_flush(const char *name)
{
	long long flush = -1, last_flush = -1;
	off_t pos = lw_bs;
	struct entry e;
	uint64_t i;

	for (i = 0; i < lw_nr; i++) {
		if (read_entry(&pos, &e))
			return -1;
		if (e.flags & LW_FLUSH)
			last_flush = (long long)i;
		if ((e.flags & LW_MARK) && !strcmp(e.mark, name)) {
			flush = last_flush;
			break;
		}
	}
	if (i == lw_nr)
		fprintf(stderr, "lw_check: no mark \"%s\" in %llu entries\n",
			name, (unsigned long long)lw_nr);
	else if (flush < 0)
		fprintf(stderr, "lw_check: no FLUSH before mark \"%s\"\n", name);
	return flush;
}

/* Apply write @e to @img, the disk's bytes [@off, @off + @len). */
static int replay(const struct entry *e, unsigned char *img, uint64_t off,
		  uint64_t len)
{
	uint64_t start = e->sector * lw_bs, end = start + e->nr_sectors * lw_bs;
	uint64_t lo = start > off ? start : off;
	uint64_t hi = end < off + len ? end : off + len;

	if (e->flags & (LW_DISCARD | LW_MARK) || lo >= hi)
		return 0;
	return read_at(img + (lo - off), hi - lo, e->data + (off_t)(lo - start));
}

static int check(const char *name, uint64_t off, const unsigned char *want,
		 uint64_t len)
{
	unsigned char *img = calloc(1, len);
	long long flush, i;
	off_t pos = lw_bs;
	struct entry e;
	uint64_t b;
	int ret = 1;

	if (!img)
		return 2;
	flush = find_flush(name);
	for (i = 0; i < flush; i++)
		if (read_entry(&pos, &e) || replay(&e, img, off, len))
			goto out;
	for (b = 0; b < len && img[b] == want[b]; b++)
		;
	if (b == len) {
		printf("lw_check: %llu bytes at %llu as expected at the flush\n",
		       (unsigned long long)len, (unsigned long long)off);
		printf("lw_check: (log entry %lld of %llu)\n", flush,
		       (unsigned long long)lw_nr);
		ret = 0;
	} else if (flush >= 0) {
		printf("lw_check: at the flush (entry %lld), byte %llu is 0x%02x, not 0x%02x\n",
		       flush, (unsigned long long)(off + b), img[b], want[b]);
	}
out:
	free(img);
	return ret;
}

int main(int argc, char **argv)
{
	unsigned long long off;
	unsigned char *want;
	char *end;
	long len;
	FILE *f;
	int ret;

	if (argc != 5) {
		fprintf(stderr, "usage: lw_check LOG MARK OFFSET EXPECTED\n");
		return 2;
	}
	off = strtoull(argv[3], &end, 0);
	if (*end)
		return 2;
	f = fopen(argv[4], "rb");
	if (!f || fseek(f, 0, SEEK_END)) {
		perror(argv[4]);
		return 2;
	}
	len = ftell(f);
	if (len <= 0 || fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "lw_check: %s: empty or unreadable\n", argv[4]);
		return 2;
	}
	want = malloc(len);
	if (!want || fread(want, 1, len, f) != (size_t)len) {
		perror(argv[4]);
		return 2;
	}
	fclose(f);
	lw_fd = open(argv[1], O_RDONLY);
	if (lw_fd < 0) {
		perror(argv[1]);
		return 2;
	}
	if (read_super())
		return 2;
	ret = check(argv[2], off, want, len);
	free(want);
	close(lw_fd);
	return ret;
}
