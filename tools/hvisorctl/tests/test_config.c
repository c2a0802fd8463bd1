// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of config.c: hvisor-tool's virtio_cfg.json.
 */
#include <stdio.h>
#include <string.h>

#include "../config.h"
#include "test.h"

/* hvisor-tool's own example (qemu-aarch64), plus a net device. */
static const char example[] =
"{\n"
"    \"zones\": [\n"
"        {\n"
"            \"id\": 1,\n"
"            \"memory_region\": [\n"
"                {\n"
"                    \"zone0_ipa\": \"0x50000000\",\n"
"                    \"zonex_ipa\": \"0x50000000\",\n"
"                    \"size\": \"0x30000000\"\n"
"                }\n"
"            ],\n"
"            \"devices\": [\n"
"                {\n"
"                    \"type\": \"blk\",\n"
"                    \"addr\": \"0xa003c00\",\n"
"                    \"len\": \"0x200\",\n"
"                    \"irq\": 78,\n"
"                    \"img\": \"rootfs2.ext4\",\n"
"                    \"status\": \"enable\"\n"
"                },\n"
"                {\n"
"                    \"type\": \"console\",\n"
"                    \"addr\": \"0xa003800\",\n"
"                    \"len\": \"0x200\",\n"
"                    \"irq\": 76,\n"
"                    \"status\": \"enable\"\n"
"                },\n"
"                {\n"
"                    \"type\": \"net\", \"addr\": \"0xa003600\", \"len\": \"0x200\",\n"
"                    \"irq\": \"75\", \"tap\": \"tap0\",\n"
"                    \"mac\": [\"0x00\", \"0x16\", \"0x3e\", \"0x10\", \"0x10\", 16],\n"
"                    \"status\": \"disable\"\n"
"                },\n"
"                {\"type\": \"gpu\", \"addr\": \"0xa003400\", \"irq\": 74, \"status\": \"enable\", \"width\": 800}\n"
"            ]\n"
"        },\n"
"        {\"id\": \"0x2\", \"memory_region\": [{\"zone0_ipa\": 2147483648, \"zonex_ipa\": \"0\", \"size\": \"010000\"}]}\n"
"    ]\n"
"}\n";

static int parse(const char *text, struct cfg *cfg, char *err, size_t len)
{
	return cfg_parse(text, strlen(text), cfg, err, len);
}

static void test_example(void)
{
	struct hvisor_vhost_dev_config dc;
	const struct cfg_zone *z;
	const struct cfg_dev *d;
	struct cfg cfg;
	char err[256];

	if (!CHECK(parse(example, &cfg, err, sizeof(err)) == 0)) {
		printf("     %s\n", err);
		return;
	}
	CHECK_U64(cfg.nr_zones, 2);
	z = &cfg.zones[0];
	CHECK_U64(z->id, 1);
	CHECK_U64(z->nr_mems, 1);
	CHECK_U64(z->mems[0].zone0_ipa, 0x50000000);
	CHECK_U64(z->mems[0].zonex_ipa, 0x50000000);
	CHECK_U64(z->mems[0].size, 0x30000000);
	CHECK_U64(z->nr_devs, 4);
	d = &z->devs[0];
	CHECK(d->type == HVISOR_VHOST_DEV_BLK && d->enabled);
	CHECK_U64(d->addr, 0xa003c00);
	CHECK_U64(d->irq, 78);
	CHECK_U64(d->len, 0x200);
	CHECK_STR(d->img, "rootfs2.ext4");
	CHECK_U64(d->line, 13);
	d = &z->devs[1];
	CHECK(d->type == HVISOR_VHOST_DEV_CONSOLE && d->enabled);
	CHECK_U64(d->irq, 76);
	d = &z->devs[2];
	CHECK(d->type == HVISOR_VHOST_DEV_NET && !d->enabled);
	CHECK_U64(d->irq, 75);
	CHECK_STR(d->tap, "tap0");
	CHECK(d->has_mac && !memcmp(d->mac, "\x00\x16\x3e\x10\x10\x10", 6));
	cfg_dev_fill(d, 1, &dc);
	CHECK(dc.type == HVISOR_VHOST_DEV_NET && dc.zone_id == 1 &&
	      dc.addr == 0xa003600 && dc.irq == 75 && dc.backing_fd == -1 &&
	      !strcmp(dc.net.tap, "tap0") && dc.net.mac[1] == 0x16);
	d = &z->devs[3];
	CHECK(d->type == 0 && d->enabled);
	CHECK_STR(d->type_name, "gpu");
	z = &cfg.zones[1];
	CHECK_U64(z->id, 2);
	CHECK_U64(z->mems[0].zone0_ipa, 0x80000000);
	CHECK_U64(z->mems[0].zonex_ipa, 0);
	CHECK_U64(z->mems[0].size, 010000);
	CHECK_U64(z->nr_devs, 0);
	cfg_free(&cfg);
	CHECK(cfg.nr_zones == 0 && !cfg.zones);
}

static void test_extensions(void)
{
	static const char text[] =
		"{\"zones\": [{\"id\": 3, \"devices\": [\n"
		"{\"type\": \"blk\", \"img\": \"/dev/sdb\", \"status\": \"enable\",\n"
		" \"ro\": true, \"serial\": \"12345678901234567890\", \"queues\": 4,\n"
		" \"queue_size\": \"0x100\"},\n"
		"{\"type\": \"net\", \"status\": \"enable\", \"mac\": \"02:00:00:00:00:01\",\n"
		" \"ifname\": \"guest0\", \"mtu\": 9000},\n"
		"{\"type\": \"console\", \"status\": \"enable\", \"log_size\": 65536}]}]}";
	struct hvisor_vhost_dev_config dc;
	const struct cfg_dev *d;
	struct cfg cfg;
	char err[256];

	if (!CHECK(parse(text, &cfg, err, sizeof(err)) == 0)) {
		printf("     %s\n", err);
		return;
	}
	d = &cfg.zones[0].devs[0];
	CHECK(d->ro && d->queues == 4 && d->queue_size == 256);
	CHECK(d->addr == 0 && d->irq == 0);	/* automatic placement */
	cfg_dev_fill(d, 3, &dc);
	CHECK(dc.flags == HVISOR_VHOST_DEV_F_RO && dc.num_queues == 4 &&
	      dc.queue_size == 256 && dc.zone_id == 3);
	CHECK(!memcmp(dc.blk.serial, "12345678901234567890", 20));
	d = &cfg.zones[0].devs[1];
	CHECK(d->has_mac && d->mac[5] == 1 && d->mtu == 9000);
	CHECK_STR(d->ifname, "guest0");
	d = &cfg.zones[0].devs[2];
	cfg_dev_fill(d, 3, &dc);
	CHECK(dc.console.log_size == 65536 && dc.type == HVISOR_VHOST_DEV_CONSOLE);
	cfg_free(&cfg);

	CHECK(parse("{\"zones\": []}", &cfg, err, sizeof(err)) == 0 &&
	      cfg.nr_zones == 0);
	cfg_free(&cfg);
}

static void check_bad(const char *text, const char *want)
{
	struct cfg cfg;
	char err[256];

	if (CHECK(parse(text, &cfg, err, sizeof(err)) != 0)) {
		CHECK_HAS(err, want);
		CHECK(cfg.nr_zones == 0 && !cfg.zones);
	} else {
		printf("     (%s)\n", text);
		cfg_free(&cfg);
	}
}

#define Z(devs)	"{\"zones\": [{\"id\": 1, \"devices\": [" devs "]}]}"
/* Zone 1 with the memory region REGION (the members of one object). */
#define MR(region) \
	"{\"zones\": [{\"id\": 1, \"memory_region\": [{" region "}]}]}"
/* The last page of the 64-bit address space, as a JSON string. */
#define LAST_PAGE	"\"0xfffffffffffff000\""
#define BLK	"\"type\": \"blk\", \"img\": \"x\", \"status\": \"enable\""

static void test_malformed(void)
{
	/* JSON syntax errors carry their line. */
	check_bad("{\"zones\": [\n{\"id\": 1,}\n]}", "line 2: unexpected '}'");
	check_bad("{\"zones\": [\n\n", "line 3: unexpected end of file");
	check_bad("", "line 1: unexpected end of file");
	check_bad("[]", "the top level must be an object, not an array");
	check_bad("{}", "missing \"zones\"");
	check_bad("{\"zones\": {}}", "\"zones\" must be an array");
	check_bad("{\"zones\": [1]}", "a zone must be an object");
	check_bad("{\"zones\": [{}]}", "zone #0: missing \"id\"");
	check_bad("{\"zones\": [{\"id\": 0}]}", "zone id 0 is root");
	check_bad("{\"zones\": [{\"id\": -1}]}", "\"id\": -1 is negative");
	check_bad("{\"zones\": [{\"id\": 1.5}]}", "\"id\": 1.5 is not an integer");
	check_bad("{\"zones\": [{\"id\": 4294967296}]}", "too big (at most 4294967295)");
	check_bad("{\"zones\": [{\"id\": \"08\"}]}", "\"08\" is not a number");
	check_bad("{\"zones\": [{\"id\": true}]}",
		  "must be a number or a numeric string, not a boolean");
	check_bad("{\"zones\": [{\"id\": 1, \"id\": 2}]}", "duplicate key \"id\"");
	check_bad("{\"zones\": [{\"id\": 1},\n{\"id\": \"0x1\"}]}",
		  "line 2: zone #1: zone 1 is already described on line 1");
	check_bad("{\"zones\": [{\"id\": 1, \"devices\": {}}]}", "\"devices\" must be an array");
	/* memory regions */
	check_bad(MR("\"zone0_ipa\": 0, \"zonex_ipa\": 0"),
		  "zone 1 memory_region 0: missing \"size\"");
	check_bad(MR("\"zone0_ipa\": 0, \"zonex_ipa\": 0, \"size\": 0"),
		  "\"size\" is 0");
	check_bad(MR("\"zone0_ipa\": \"0x1234\", \"zonex_ipa\": 0, \"size\": \"0x1000\""),
		  "page (4 KiB) aligned");
	check_bad(MR("\"zone0_ipa\": " LAST_PAGE ", \"zonex_ipa\": 0, \"size\": \"0x2000\""),
		  "wraps around");
	check_bad(MR("\"zone0_ipa\": \"0x10000000000000000\", \"zonex_ipa\": 0, \"size\": 4096"),
		  "too big");
	/* devices */
	check_bad(Z("{\"addr\": \"0x200\", \"irq\": 1}"), "zone 1 device 0: missing \"type\"");
	check_bad(Z("{\"type\": 2}"), "\"type\" must be a string, not a number");
	check_bad(Z("{" BLK ", \"status\": \"on\"}"), "duplicate key \"status\"");
	check_bad(Z("{\"type\": \"blk\", \"img\": \"x\", \"status\": \"on\"}"),
		  "\"status\": \"on\" is neither");
	check_bad(Z("{\"type\": \"blk\", \"status\": \"enable\"}"),
		  "zone 1 device 0 (blk): missing \"img\"");
	check_bad(Z("{\"type\": \"blk\", \"img\": \"\", \"status\": \"enable\"}"),
		  "\"img\" is empty");
	check_bad(Z("{\"type\": \"blk\", \"img\": 5, \"status\": \"enable\"}"),
		  "\"img\" must be a string");
	check_bad(Z("{" BLK ", \"addr\": \"0xa003c00\"}"), "\"addr\" and \"irq\" go together");
	check_bad(Z("{" BLK ", \"irq\": 5}"), "\"addr\" and \"irq\" go together");
	check_bad(Z("{" BLK ", \"addr\": \"0xa003c01\", \"irq\": 5}"),
		  "not a non-zero multiple of 0x200");
	check_bad(Z("{" BLK ", \"addr\": 0, \"irq\": 5}"), "not a non-zero multiple of 0x200");
	check_bad(Z("{" BLK ", \"addr\": 512, \"irq\": \"0\"}"), "\"irq\" must not be 0");
	check_bad(Z("{" BLK ", \"addr\": 512, \"irq\": \"0x\"}"),
		  "\"irq\": \"0x\" is not a number");
	check_bad(Z("{" BLK ", \"addr\": 512, \"irq\": \" 5\"}"),
		  "\"irq\": \" 5\" is not a number");
	check_bad(Z("{" BLK ", \"serial\": \"123456789012345678901\"}"), "longer than 20 bytes");
	check_bad(Z("{" BLK ", \"queue_size\": 100}"), "\"queue_size\": 100 is not a power of two");
	check_bad(Z("{" BLK ", \"ro\": \"yes\"}"), "\"ro\" must be true or false");
	check_bad(Z("{\"type\": \"net\", \"mac\": [1, 2, 3]}"),
		  "\"mac\" must be an array of 6 bytes");
	check_bad(Z("{\"type\": \"net\", \"mac\": [\"0x00\", 2, 3, 4, 5, 256]}"),
		  "\"mac\": 256 is too big (at most 255)");
	check_bad(Z("{\"type\": \"net\", \"mac\": [\"0x01\", 2, 3, 4, 5, 6]}"), "multicast");
	check_bad(Z("{\"type\": \"net\", \"mac\": \"00:11:22\"}"), "is not xx:xx:xx:xx:xx:xx");
	check_bad(Z("{\"type\": \"net\", \"tap\": \"0123456789abcdef\"}"),
		  "\"tap\": \"0123456789abcdef\" is longer than 15 bytes");
	check_bad(Z("{\"type\": \"net\", \"mtu\": 65536}"),
		  "\"mtu\": 65536 is too big (at most 65535)");
	/* The line of the failing value, not of its object. */
	check_bad(Z("{\n\"type\": \"net\",\n\n\"irq\": \"x\", \"addr\": 512}"),
		  "line 4: zone 1 device 0 (net): \"irq\": \"x\"");
}

void test_config(void)
{
	test_example();
	test_extensions();
	test_malformed();
}
