// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of util.c: numbers in any C base, sizes, MAC addresses.
 */
#include <errno.h>
#include <string.h>

#include "../util.h"
#include "test.h"

static void test_u64_ok(const char *s, uint64_t want)
{
	uint64_t v = 0xdead;

	if (CHECK(parse_u64(s, &v) == 0))
		CHECK_U64(v, want);
}

static void test_u64_bad(const char *s, int err)
{
	uint64_t v = 0xdead;

	CHECK(parse_u64(s, &v) == err);
	CHECK_U64(v, 0xdead);	/* untouched on error */
}

static void test_numbers(void)
{
	uint32_t v32;
	uint64_t v;

	test_u64_ok("0", 0);
	test_u64_ok("10", 10);
	test_u64_ok("0x10", 16);
	test_u64_ok("0X1f", 31);
	test_u64_ok("0xABCdef", 0xabcdef);
	test_u64_ok("010", 8);
	test_u64_ok("00", 0);
	test_u64_ok("0x0", 0);
	test_u64_ok("18446744073709551615", UINT64_MAX);
	test_u64_ok("0xffffffffffffffff", UINT64_MAX);
	test_u64_ok("01777777777777777777777", UINT64_MAX);
	test_u64_ok("0x00000000000000000001", 1);

	test_u64_bad(NULL, -EINVAL);
	test_u64_bad("", -EINVAL);
	test_u64_bad("0x", -EINVAL);
	test_u64_bad("0X", -EINVAL);
	test_u64_bad("0xg", -EINVAL);
	test_u64_bad("08", -EINVAL);
	test_u64_bad("09", -EINVAL);
	test_u64_bad("-1", -EINVAL);
	test_u64_bad("+1", -EINVAL);
	test_u64_bad(" 1", -EINVAL);
	test_u64_bad("1 ", -EINVAL);
	test_u64_bad("\t1", -EINVAL);
	test_u64_bad("1a", -EINVAL);
	test_u64_bad("1.0", -EINVAL);
	test_u64_bad("1e3", -EINVAL);
	test_u64_bad("x10", -EINVAL);
	test_u64_bad("0b101", -EINVAL);
	test_u64_bad("1K", -EINVAL);
	test_u64_bad("18446744073709551616", -ERANGE);
	test_u64_bad("0x10000000000000000", -ERANGE);
	test_u64_bad("99999999999999999999999", -ERANGE);

	CHECK(parse_u32("4294967295", &v32) == 0 && v32 == UINT32_MAX);
	CHECK(parse_u32("0xffffffff", &v32) == 0 && v32 == UINT32_MAX);
	CHECK(parse_u32("4294967296", &v32) == -ERANGE);
	CHECK(parse_u32("0x100000000", &v32) == -ERANGE);
	CHECK(parse_u32("0x", &v32) == -EINVAL);

	CHECK(parse_size("4096", &v) == 0 && v == 4096);
	CHECK(parse_size("4K", &v) == 0 && v == 4096);
	CHECK(parse_size("4k", &v) == 0 && v == 4096);
	CHECK(parse_size("768M", &v) == 0 && v == 768ull << 20);
	CHECK(parse_size("0x10K", &v) == 0 && v == 16384);
	CHECK(parse_size("2G", &v) == 0 && v == 2ull << 30);
	CHECK(parse_size("1T", &v) == 0 && v == 1ull << 40);
	CHECK(parse_size("16777215T", &v) == 0 && v == 16777215ull << 40);
	CHECK(parse_size("16777216T", &v) == -ERANGE);
	CHECK(parse_size("1KB", &v) == -EINVAL);
	CHECK(parse_size("1P", &v) == -EINVAL);
	CHECK(parse_size("K", &v) == -EINVAL);
	CHECK(parse_size("1.5M", &v) == -EINVAL);
	CHECK(parse_size("-1K", &v) == -EINVAL);
	CHECK(parse_size32("4G", &v32) == -ERANGE);
	CHECK(parse_size32("4095M", &v32) == 0 && v32 == 4095u << 20);

	CHECK(is_pow2(1) && is_pow2(256) && is_pow2(1ull << 63));
	CHECK(!is_pow2(0) && !is_pow2(3) && !is_pow2(100));
}

static void test_mac(void)
{
	uint8_t mac[6], want[6] = { 0x00, 0x16, 0x3e, 0x10, 0x10, 0x10 };
	char buf[18];

	CHECK(parse_mac("00:16:3e:10:10:10", mac) == 0 &&
	      !memcmp(mac, want, 6));
	CHECK(parse_mac("00:16:3E:10:10:10", mac) == 0 &&
	      !memcmp(mac, want, 6));
	CHECK(parse_mac("0:16:3e:10:10:10", mac) == 0 &&
	      !memcmp(mac, want, 6));
	CHECK(parse_mac("ff:ff:ff:ff:ff:ff", mac) == 0 && mac[5] == 0xff);
	memset(mac, 0xaa, sizeof(mac));
	CHECK(parse_mac("00:16:3e:10:10", mac) == -EINVAL);
	CHECK(mac[0] == 0xaa);	/* untouched on error */
	CHECK(parse_mac("00:16:3e:10:10:10:10", mac) == -EINVAL);
	CHECK(parse_mac("00:16:3e:10:10:1g", mac) == -EINVAL);
	CHECK(parse_mac("000:16:3e:10:10:10", mac) == -EINVAL);
	CHECK(parse_mac("00-16-3e-10-10-10", mac) == -EINVAL);
	CHECK(parse_mac("00:16:3e:10:10:", mac) == -EINVAL);
	CHECK(parse_mac(":16:3e:10:10:10", mac) == -EINVAL);
	CHECK(parse_mac("00:16:3e:10:10:10 ", mac) == -EINVAL);
	CHECK(parse_mac("", mac) == -EINVAL);
	CHECK(parse_mac(NULL, mac) == -EINVAL);
	CHECK(parse_mac("0x0:16:3e:10:10:10", mac) == -EINVAL);

	CHECK(!mac_is_multicast(want));
	CHECK(parse_mac("01:00:5e:00:00:01", mac) == 0 && mac_is_multicast(mac));
	CHECK(parse_mac("03:00:00:00:00:00", mac) == 0 && mac_is_multicast(mac));
	format_mac(want, buf);
	CHECK_STR(buf, "00:16:3e:10:10:10");
}

static void test_misc(void)
{
	char field[4], buf[16];

	memset(field, 'x', sizeof(field));
	CHECK(copy_field(field, 4, "ab", true) == 0 &&
	      !memcmp(field, "ab\0\0", 4));
	CHECK(copy_field(field, 4, "abc", true) == 0);
	CHECK(copy_field(field, 4, "abcd", true) == -ENAMETOOLONG);
	CHECK(copy_field(field, 4, "abcd", false) == 0 &&
	      !memcmp(field, "abcd", 4));
	CHECK(copy_field(field, 4, "abcde", false) == -ENAMETOOLONG);

	format_bytes(0, buf, sizeof(buf));
	CHECK_STR(buf, "0");
	format_bytes(1023, buf, sizeof(buf));
	CHECK_STR(buf, "1023");
	format_bytes(1024, buf, sizeof(buf));
	CHECK_STR(buf, "1.0K");
	format_bytes(1536, buf, sizeof(buf));
	CHECK_STR(buf, "1.5K");
	format_bytes(1048575, buf, sizeof(buf));
	CHECK_STR(buf, "1.0M");
	format_bytes(5ull << 30, buf, sizeof(buf));
	CHECK_STR(buf, "5.0G");
	format_bytes(UINT64_MAX, buf, sizeof(buf));
	CHECK_STR(buf, "16.0E");
}

void test_util(void)
{
	test_numbers();
	test_mac();
	test_misc();
}
