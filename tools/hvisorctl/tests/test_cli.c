// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the hvisorctl binary's argument handling, run without the
 * kernel module: HVISORCTL_DEVICE points at a missing file, at /dev/null
 * (an fd on which every ioctl fails with ENOTTY) or, when the fake device
 * library is given, at a device emulated by tests/fakedev.c through
 * LD_PRELOAD.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../json.h"
#include "test.h"

#define MAX_ARGS	24
#define OUT_SIZE	65536

struct run {
	int status;		/* exit code, or 128 + signal */
	char out[OUT_SIZE];
	char err[OUT_SIZE];
};

static char bin[PATH_MAX];
static char fakelib[PATH_MAX];
#define DIR_TEMPLATE	"/tmp/hvisorctl-test.XXXXXX"
/* The test directory: DIR_TEMPLATE as completed by mkdtemp(). */
static char dir[sizeof(DIR_TEMPLATE)];

/* Environment of the next run: "K=V" strings, NULL terminated. */
static const char *run_env[8];

static void slurp(FILE *f, char *buf)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, OUT_SIZE - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void child(FILE *out, FILE *err, char **argv)
{
	size_t i;

	if (chdir(dir) || dup2(fileno(out), 1) < 0 || dup2(fileno(err), 2) < 0)
		_exit(126);
	unsetenv("LD_PRELOAD");
	setenv("HVISORCTL_DEVICE", "/nonexistent/hvisor-vhost", 1);
	for (i = 0; run_env[i]; i++)
		putenv((char *)run_env[i]);
	execv(bin, argv);
	_exit(127);
}

/* Run hvisorctl with the arguments (NULL terminated) in dir. */
static struct run *run(const char *arg, ...)
{
	static struct run r;
	char *argv[MAX_ARGS] = { bin };
	FILE *out = tmpfile(), *err = tmpfile();
	int n = 1, status;
	va_list ap;
	pid_t pid;

	va_start(ap, arg);
	for (; arg && n < MAX_ARGS - 1; arg = va_arg(ap, const char *))
		argv[n++] = (char *)arg;
	va_end(ap);
	memset(&r, 0, sizeof(r));
	r.status = -1;
	if (!out || !err)
		return &r;
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		child(out, err, argv);
	if (pid > 0 && waitpid(pid, &status, 0) == pid)
		r.status = WIFEXITED(status) ? WEXITSTATUS(status) :
			   128 + WTERMSIG(status);
	slurp(out, r.out);
	slurp(err, r.err);
	return &r;
}

static void write_file(const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void check_help(const char *a, const char *b, const char *c,
		       const char *d, const char *e)
{
	struct run *r = run(a, b, c, d, e, NULL, NULL);

	CHECK_U64(r->status, 0);
	CHECK_HAS(r->out, "Usage: hvisorctl");
	CHECK_STR(r->err, "");
}

static void test_help(void)
{
	struct run *r;

	r = run(NULL);
	CHECK_U64(r->status, 2);
	CHECK_HAS(r->err, "Usage: hvisorctl COMMAND");
	check_help("--help", NULL, NULL, NULL, NULL);
	check_help("help", NULL, NULL, NULL, NULL);
	check_help("status", "--help", NULL, NULL, NULL);
	check_help("dev", "--help", NULL, NULL, NULL);
	check_help("dev", "add", "--help", NULL, NULL);
	check_help("dev", "add", "blk", "--help", NULL);
	check_help("dev", "add", "blk", "-h", NULL);
	check_help("dev", "add", "net", "--help", NULL);
	check_help("dev", "add", "console", "--help", NULL);
	check_help("dev", "del", "--help", NULL, NULL);
	check_help("dev", "list", "--help", NULL, NULL);
	check_help("zone", "--help", NULL, NULL, NULL);
	check_help("zone", "list", "--help", NULL, NULL);
	check_help("zone", "mem", "--help", NULL, NULL);
	check_help("zone", "mem", "add", "--help", NULL);
	check_help("zone", "reset", "--help", NULL, NULL);
	check_help("zone", "del", "--help", NULL, NULL);
	check_help("config", "--help", NULL, NULL, NULL);
	check_help("config", "load", "--help", NULL, NULL);
	check_help("version", "--help", NULL, NULL, NULL);
	/* --help wins over missing or bad arguments. */
	check_help("dev", "add", "blk", "--zone=x", "--help");
	check_help("zone", "del", "0", "--help", NULL);

	r = run("version", NULL);
	CHECK_U64(r->status, 0);
	CHECK_HAS(r->out, "hvisorctl ");
	CHECK_HAS(r->out, "ABI 1");
	r = run("--version", NULL);
	CHECK_U64(r->status, 0);
	r = run("frob", NULL);
	CHECK_U64(r->status, 2);
	CHECK_STR(r->err, "hvisorctl: unknown command 'frob'\nTry 'hvisorctl --help'.\n");
	r = run("dev", "frob", NULL);
	CHECK_U64(r->status, 2);
	CHECK_HAS(r->err, "hvisorctl: dev: unknown command 'frob'");
	r = run("dev", "add", "scsi", NULL);
	CHECK_U64(r->status, 2);
	CHECK_HAS(r->err, "hvisorctl: dev add: unknown command 'scsi'");
	r = run("status", "--frob", NULL);
	CHECK_U64(r->status, 2);
	CHECK_HAS(r->err, "hvisorctl: status: unknown option '--frob'");
	r = run("status", "extra", NULL);
	CHECK_U64(r->status, 2);
	CHECK_HAS(r->err, "unexpected argument 'extra'");
	r = run("zone", "list", "1", NULL);
	CHECK_U64(r->status, 2);
	CHECK_HAS(r->err, "unexpected argument '1'");
}

/* No module: clear hint, and the device is only opened when needed. */
static void test_no_module(void)
{
	static const char *const cmds[][8] = {
		{ "status" }, { "dev", "list" }, { "dev", "del", "3" },
		{ "zone", "list" }, { "zone", "list", "--json" },
		{ "zone", "reset", "1" }, { "zone", "del", "1" },
		{ "dev", "add", "net" }, { "dev", "add", "console" },
		{ "dev", "add", "blk", "disk.img" },
		{ "zone", "mem", "add", "1", "0x50000000", "0x50000000", "768M" },
	};
	struct run *r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		r = run(cmds[i][0], cmds[i][1], cmds[i][2], cmds[i][3],
			cmds[i][4], cmds[i][5], cmds[i][6], NULL);
		CHECK_U64(r->status, 1);
		CHECK_HAS(r->err,
			  "hvisorctl: /nonexistent/hvisor-vhost: No such file or directory: the hvisor_vhost module is not loaded");
		CHECK_HAS(r->err, "modprobe hvisor_vhost");
		CHECK_HAS(r->err,
			  "insmod hvisor_vhost.ko hypervisor=sim; insmod hvisor_vhost_sim.ko");
	}
	run_env[0] = "HVISORCTL_DEVICE=/dev/null";
	r = run("status", NULL);
	CHECK_U64(r->status, 1);
	CHECK_STR(r->err,
		  "hvisorctl: /dev/null: not an hvisor-vhost control device, or its module does not match this hvisorctl\n");
	r = run("dev", "add", "blk", "missing.img", NULL);
	CHECK_U64(r->status, 1);
	/* The image is checked before the control device is opened. */
	CHECK_STR(r->err, "hvisorctl: missing.img: No such file or directory\n");
	r = run("dev", "add", "blk", ".", NULL);
	CHECK_U64(r->status, 1);
	CHECK_STR(r->err, "hvisorctl: .: Is a directory\n");
	r = run("dev", "add", "blk", "--ro", ".", NULL);
	CHECK_U64(r->status, 1);
	CHECK_STR(r->err, "hvisorctl: .: not a regular file or a block device\n");
	if (geteuid()) {
		r = run("dev", "add", "blk", "readonly.img", NULL);
		CHECK_U64(r->status, 1);
		CHECK_STR(r->err,
			  "hvisorctl: readonly.img: Permission denied (use --ro for a read-only disk)\n");
	}
	run_env[0] = NULL;
}

/* An argument error: exit 2 and err contains want. */
#define NO_TAP9 "hvisorctl: tap nosuchtap9: no such network interface " \
	"(create it first: ip tuntap add nosuchtap9 mode tap)"

static void check_usage(const char *want, const char *a, const char *b,
			const char *c, const char *d, const char *e,
			const char *f)
{
	struct run *r = run("dev", "add", a, b, c, d, e, f, NULL);

	CHECK_U64(r->status, 2);
	CHECK_HAS(r->err, want);
	CHECK_STR(r->out, "");
}

static void test_dev_args(void)
{
	struct run *r;

	check_usage("dev add blk: missing IMAGE", "blk", NULL, NULL, NULL, NULL, NULL);
	check_usage("unexpected argument 'b.img'", "blk", "disk.img", "b.img", NULL, NULL, NULL);
	check_usage("--addr and --irq go together",
		    "blk", "disk.img", "--addr", "0xa003c00", NULL, NULL);
	check_usage("--addr and --irq go together", "blk", "disk.img", "--irq", "78", NULL, NULL);
	check_usage("hvisorctl: --addr: 0xa003c01 is not a non-zero multiple of 0x200",
		    "blk", "disk.img", "--addr", "0xa003c01", "--irq", "78");
	check_usage("--addr: 0 is not", "blk", "disk.img", "--addr", "0", "--irq", "78");
	check_usage("hvisorctl: --irq: interrupt 0",
		    "blk", "disk.img", "--addr", "0x200", "--irq", "0");
	check_usage("hvisorctl: --zone: '0x' is not a number (decimal, 0x hex or 0 octal)",
		    "blk", "disk.img", "--zone", "0x", NULL, NULL);
	check_usage("--zone: '08' is not a number", "blk", "disk.img", "--zone", "08", NULL, NULL);
	check_usage("--zone: '-1' is not a number", "blk", "disk.img", "--zone", "-1", NULL, NULL);
	check_usage("--zone: 4294967296 is too big (at most 4294967295)",
		    "blk", "disk.img", "--zone", "4294967296", NULL, NULL);
	check_usage("--zone: '1x' is not a number",
		    "blk", "disk.img", "--zone=1x", NULL, NULL, NULL);
	check_usage("option '--zone' needs a value", "blk", "disk.img", "--zone", NULL, NULL, NULL);
	check_usage("hvisorctl: --serial: '123456789012345678901' is longer than 20 bytes",
		    "blk", "disk.img", "--serial", "123456789012345678901", NULL, NULL);
	check_usage("--queue-size: 100 is not a power of two",
		    "blk", "disk.img", "--queue-size", "100", NULL, NULL);
	check_usage("--queues: 'two' is not a number",
		    "blk", "disk.img", "--queues", "two", NULL, NULL);
	check_usage("dev add blk: unknown option '--mac'",
		    "blk", "disk.img", "--mac", "02:00:00:00:00:01", NULL, NULL);
	check_usage("hvisorctl: --mac: '02:00:00:00:01' is not a MAC address",
		    "net", "--mac", "02:00:00:00:01", NULL, NULL, NULL);
	check_usage("--mac: 01:00:5e:00:00:01 is a multicast address",
		    "net", "--mac", "01:00:5e:00:00:01", NULL, NULL, NULL);
	check_usage("--ifname: 'sixteen-chars-xx' is longer than 15 bytes",
		    "net", "--ifname", "sixteen-chars-xx", NULL, NULL, NULL);
	check_usage("--tap: 'sixteen-chars-xx' is longer than 15 bytes",
		    "net", "--tap", "sixteen-chars-xx", NULL, NULL, NULL);
	check_usage("--tap and --ifname exclude each other",
		    "net", "--tap", "tap0", "--ifname", "x", NULL);
	check_usage("--tap-fd goes with --tap NAME", "net", "--tap-fd", "3", NULL, NULL, NULL);
	check_usage("--tap-fd: '3,,4' is not a list of at most 8 file descriptors",
		    "net", "--tap", "tap0", "--tap-fd", "3,,4", NULL);
	check_usage("--tap-fd: '3,' is not a list",
		    "net", "--tap", "tap0", "--tap-fd", "3,", NULL);
	check_usage("--tap-fd: 'x' is not a list",
		    "net", "--tap", "tap0", "--tap-fd", "x", NULL);
	check_usage("--tap-fd: '1,2,3,4,5,6,7,8,9' is not a list",
		    "net", "--tap", "tap0", "--tap-fd", "1,2,3,4,5,6,7,8,9", NULL);
	check_usage("--tap-fd: 2 descriptor(s) for 1 queue pair(s)",
		    "net", "--tap", "tap0", "--tap-fd", "3,4", NULL);
	check_usage("--mtu: 65536 is too big (at most 65535)",
		    "net", "--mtu", "65536", NULL, NULL, NULL);
	check_usage("unexpected argument 'disk.img'", "net", "disk.img", NULL, NULL, NULL, NULL);
	check_usage("dev add blk: unknown option '--no-csum'",
		    "blk", "disk.img", "--no-csum", NULL, NULL, NULL);
	check_usage("dev add net: unknown option '--no-checksum'",
		    "net", "--no-checksum", NULL, NULL, NULL, NULL);
	check_usage("--log-size: '1X' is not a size",
		    "console", "--log-size", "1X", NULL, NULL, NULL);
	check_usage("--log-size: 4G is too big", "console", "--log-size", "4G", NULL, NULL, NULL);
	check_usage("dev add console: unknown option '--queues'",
		    "console", "--queues", "2", NULL, NULL, NULL);

	/* Good arguments get as far as the (missing) control device. */
	r = run("dev", "add", "blk", "disk.img", "--zone", "0x1", "--addr",
		"0xa003c00", "--irq", "0116", "--ro", "--serial",
		"12345678901234567890", "--queues", "2", "--queue-size", "256",
		NULL);
	CHECK_U64(r->status, 1);
	CHECK_HAS(r->err, "module is not loaded");
	r = run("dev", "add", "net", "--mac", "02:00:00:00:00:01", "--ifname",
		"fifteen-chars-x", "--mtu", "9000", NULL);
	CHECK_U64(r->status, 1);
	CHECK_HAS(r->err, "module is not loaded");
	/* Given descriptors are not checked here: the kernel does. */
	r = run("dev", "add", "net", "--tap", "tap0", "--tap-fd", "7,8",
		"--queues", "2", NULL);
	CHECK_U64(r->status, 1);
	CHECK_HAS(r->err, "module is not loaded");
	/* A tap is looked for before the control device, as an image. */
	r = run("dev", "add", "net", "--tap", "nosuchtap9", NULL);
	CHECK_U64(r->status, 1);
	CHECK_STR(r->err, NO_TAP9 "\n");
	r = run("dev", "add", "net", "--tap", "lo", NULL);
	CHECK_U64(r->status, 1);
	CHECK_STR(r->err, "hvisorctl: tap lo: not a tap interface\n");
	r = run("dev", "add", "net", "--help", NULL);
	CHECK_U64(r->status, 0);
	CHECK_HAS(r->out, "--no-csum");
	CHECK_HAS(r->out, "--no-tso");
	CHECK_HAS(r->out, "--no-mrg-rxbuf");
	r = run("dev", "add", "net", "--no-csum", "--no-tso", "--no-mrg-rxbuf",
		"--queues", "4", NULL);
	CHECK_U64(r->status, 1);
	CHECK_HAS(r->err, "module is not loaded");
	r = run("dev", "add", "console", "--log-size", "64K", "-q", NULL);
	CHECK_U64(r->status, 1);
	CHECK_HAS(r->err, "module is not loaded");

	r = run("dev", "del", NULL);
	CHECK_U64(r->status, 2);
	CHECK_HAS(r->err, "dev del: missing ID");
	r = run("dev", "del", "x", NULL);
	CHECK_U64(r->status, 2);
	CHECK_HAS(r->err, "ID: 'x' is not a number");
	r = run("zone", "mem", "add", "1", "0x50000000", "0x50000000", NULL);
	CHECK_U64(r->status, 2);
	CHECK_HAS(r->err, "missing arguments: expected ZONE ZONE0_IPA ZONEX_IPA SIZE");
	r = run("zone", "mem", "add", "1", "0x50000000", "0x50000000", "1.5G", NULL);
	CHECK_U64(r->status, 2);
	CHECK_HAS(r->err, "SIZE: '1.5G' is not a size");
	r = run("zone", "mem", "add", "1", "0x50000000", "0x50000000", "0", NULL);
	CHECK_U64(r->status, 2);
	CHECK_HAS(r->err, "SIZE: must not be 0");
	r = run("zone", "reset", "0", NULL);
	CHECK_U64(r->status, 2);
	CHECK_HAS(r->err, "zone 0 is root");
	r = run("zone", "del", NULL);
	CHECK_U64(r->status, 2);
	CHECK_HAS(r->err, "zone del: missing ZONE");
}

static const char cfg_good[] =
"{\"zones\": [{\"id\": 1,\n"
"  \"memory_region\": [{\"zone0_ipa\": \"0x50000000\", \"zonex_ipa\": \"0x50000000\", \"size\": \"0x30000000\"}],\n"
"  \"devices\": [\n"
"    {\"type\": \"blk\", \"addr\": \"0xa003c00\", \"len\": \"0x200\", \"irq\": 78, \"img\": \"disk.img\", \"status\": \"enable\"},\n"
"    {\"type\": \"console\", \"addr\": \"0xa003800\", \"len\": \"0x200\", \"irq\": 76, \"status\": \"enable\"},\n"
"    {\"type\": \"net\", \"addr\": \"0xa003600\", \"irq\": 75, \"tap\": \"tap0\", \"status\": \"disable\"},\n"
"    {\"type\": \"gpu\", \"addr\": \"0xa003400\", \"irq\": 74, \"status\": \"enable\"}]}]}\n";

static void test_config_load(void)
{
	struct run *r;

	write_file("good.json", cfg_good);
	write_file("bad.json", "{\"zones\": [\n  {\"id\": 1,\n   \"devices\": [}]}\n");
	write_file("noimg.json", "{\"zones\": [{\"id\": 1, \"devices\": [\n"
		   "{\"type\": \"blk\", \"img\": \"nope.img\", \"status\": \"enable\"}]}]}");
	write_file("notap.json", "{\"zones\": [{\"id\": 1, \"devices\": [\n"
		   "{\"type\": \"net\", \"tap\": \"nosuchtap9\", \"status\": \"enable\"}]}]}");

	r = run("config", "load", "--dry-run", "good.json", NULL);
	CHECK_U64(r->status, 0);
	CHECK_HAS(r->out,
		  "zone 1: would add memory 0x30000000 bytes at 0x50000000 (root 0x50000000)");
	CHECK_HAS(r->out, "zone 1: would add blk at 0xa003c00 irq 78, disk.img");
	CHECK_HAS(r->out, "zone 1: would add console at 0xa003800 irq 76\n");
	CHECK_HAS(r->out, "zone 1: device 2 (net) is not enabled, skipped");
	CHECK_HAS(r->out, "dry run: 2 device(s) would be added, 2 skipped");
	CHECK_HAS(r->err,
		  "hvisorctl: warning: good.json: line 7: zone 1 device 3: type \"gpu\" is not served by hvisor_vhost, skipped");

	r = run("config", "load", "bad.json", NULL);
	CHECK_U64(r->status, 1);
	CHECK_STR(r->err, "hvisorctl: bad.json: line 3: unexpected '}', expected a value\n");
	r = run("config", "load", "missing.json", NULL);
	CHECK_U64(r->status, 1);
	CHECK_STR(r->err, "hvisorctl: missing.json: No such file or directory\n");
	/* Images are opened before the control device. */
	r = run("config", "load", "noimg.json", NULL);
	CHECK_U64(r->status, 1);
	CHECK_STR(r->err, "hvisorctl: nope.img: No such file or directory\n"
		  "hvisorctl: noimg.json: line 2: zone 1 device 0 (blk) cannot be served\n");
	/* A net device's tap is looked for before anything happens. */
	r = run("config", "load", "--dry-run", "notap.json", NULL);
	CHECK_U64(r->status, 1);
	CHECK_STR(r->err, NO_TAP9 "\n"
		  "hvisorctl: notap.json: line 2: zone 1 device 0 (net) cannot be served\n");
	r = run("config", "load", NULL);
	CHECK_U64(r->status, 2);
	CHECK_HAS(r->err, "config load: missing FILE");
	r = run("config", "load", "good.json", NULL);
	CHECK_U64(r->status, 1);
	CHECK_HAS(r->err, "module is not loaded");
}

static void test_fake(void);

void test_cli(const char *path, const char *preload)
{
	char *tmp = NULL;

	memcpy(dir, DIR_TEMPLATE, sizeof(dir));
	if (!realpath(path, bin) || !mkdtemp(dir)) {
		CHECK(!"cannot find hvisorctl or make a temporary directory");
		return;
	}
	write_file("disk.img", "0123456789");
	write_file("readonly.img", "0123456789");
	if (asprintf(&tmp, "%s/readonly.img", dir) > 0)
		chmod(tmp, 0444);
	free(tmp);
	test_help();
	test_no_module();
	test_dev_args();
	test_config_load();
	if (preload && realpath(preload, fakelib))
		test_fake();
	if (asprintf(&tmp, "rm -rf '%s'", dir) > 0 && system(tmp))
		printf("warning: could not remove %s\n", dir);
	free(tmp);
}

/* Environment for a run against the fake device, plus up to 4 knobs. */
static void fake_env(const char *a, const char *b, const char *c,
		     const char *d)
{
	static char preload[PATH_MAX + 16];

	snprintf(preload, sizeof(preload), "LD_PRELOAD=%s", fakelib);
	run_env[0] = preload;
	run_env[1] = "HVISORCTL_DEVICE=/fake/hvisor-vhost";
	run_env[2] = a;
	run_env[3] = a ? b : NULL;
	run_env[4] = a && b ? c : NULL;
	run_env[5] = a && b && c ? d : NULL;
	run_env[6] = NULL;
}

static void test_fake_status(void)
{
	struct json_value *v;
	struct run *r;
	char err[128];

	fake_env(NULL, NULL, NULL, NULL);
	r = run("status", NULL);
	CHECK_U64(r->status, 0);
	CHECK_HAS(r->out, "abi version   1\nhypervisor    simulator\n"
		  "flags         0x3 (attached,simulator)\nzones         1\n"
		  "devices       0\nrequests      123456789012\n");
	CHECK_HAS(r->out, "bad requests  1\nirq deferred  3\n");
	CHECK_HAS(r->out, "ub requests   7\nub orphaned   0\n");
	CHECK_HAS(r->out, "ub bad answer 5\nub bad result 4294967295\n");
	r = run("status", "--json", NULL);
	CHECK_U64(r->status, 0);
	v = json_parse(r->out, strlen(r->out), err, sizeof(err));
	CHECK(v && v->type == JSON_OBJECT);
	CHECK(json_get(v, "requests", NULL) &&
	      !strcmp(json_get(v, "requests", NULL)->str, "123456789012"));
	CHECK(json_get(v, "hypervisor", NULL) &&
	      !strcmp(json_get(v, "hypervisor", NULL)->str, "simulator"));
	CHECK(json_get(v, "irq_deferred", NULL) &&
	      !strcmp(json_get(v, "irq_deferred", NULL)->str, "3"));
	CHECK(json_get(v, "rechecks", NULL) &&
	      !strcmp(json_get(v, "rechecks", NULL)->str, "4"));
	CHECK(json_get(v, "ub_bad_answer", NULL) &&
	      !strcmp(json_get(v, "ub_bad_answer", NULL)->str, "5"));
	CHECK(json_get(v, "ubridge", NULL) &&
	      json_get(v, "ubridge", NULL)->type == JSON_BOOL &&
	      !json_get(v, "ubridge", NULL)->boolean);
	json_free(v);

	fake_env("FAKE_UBRIDGE=1", NULL, NULL, NULL);
	r = run("status", NULL);
	CHECK_HAS(r->out, "flags         0x7 (attached,simulator,ubridge)\n");

	fake_env("FAKE_NOHV=1", NULL, NULL, NULL);
	r = run("status", NULL);
	CHECK_HAS(r->out, "hypervisor    none attached\nflags         0x0 (none)\n");
	r = run("dev", "add", "blk", "disk.img", NULL);
	CHECK_U64(r->status, 1);
	CHECK_STR(r->err, "hvisorctl: dev add blk: no hypervisor attached\n");

	fake_env("FAKE_ABI=2", NULL, NULL, NULL);
	r = run("dev", "list", NULL);
	CHECK_U64(r->status, 1);
	CHECK_STR(r->err,
		  "hvisorctl: the hvisor_vhost module speaks ABI version 2, this hvisorctl speaks version 1: install matching versions\n");
	CHECK_STR(r->out, "");
}

static void test_fake_dev_add(void)
{
	char want[PATH_MAX + 64];
	struct run *r;

	fake_env("FAKE_TRACE=1", NULL, NULL, NULL);
	r = run("dev", "add", "blk", "disk.img", NULL);
	CHECK_U64(r->status, 0);
	CHECK_STR(r->out, "device 0: blk in zone 1 at 0x10000000 irq 32 (disk.img)\n");
	snprintf(want, sizeof(want), "fake: backing %s/disk.img mode=rw", dir);
	CHECK_HAS(r->err, want);
	r = run("dev", "add", "blk", "--ro", "--serial", "SN-42", "--zone", "1",
		"--addr", "0xa003c00", "--irq", "0x4e", "--queues", "4",
		"--queue-size", "0x100", "readonly.img", NULL);
	CHECK_U64(r->status, 0);
	CHECK_STR(r->out,
		  "device 0: blk in zone 1 at 0xa003c00 irq 78 (readonly.img, read-only)\n");
	CHECK_HAS(r->err,
		  "DEV_ADD type=2 zone=1 addr=0xa003c00 irq=78 flags=1 queues=4 qsize=256 serial=SN-42\n");
	CHECK_HAS(r->err, "mode=ro");
	r = run("dev", "add", "blk", "-q", "disk.img", NULL);
	CHECK_STR(r->out, "0\n");

	fake_env("FAKE_DEVICES=1", NULL, NULL, NULL);
	r = run("dev", "add", "blk", "disk.img", "--addr", "0x10000000", "--irq", "40", NULL);
	CHECK_U64(r->status, 1);
	CHECK_STR(r->err, "hvisorctl: dev add blk: address already in use\n");
	r = run("dev", "add", "blk", "disk.img", "--zone", "7", NULL);
	CHECK_U64(r->status, 1);
	CHECK_STR(r->err,
		  "hvisorctl: dev add blk: unknown zone (register its memory first: hvisorctl zone mem add)\n");
	r = run("dev", "add", "net", "--mac", "02:00:00:00:00:01", NULL);
	CHECK_U64(r->status, 1);
	CHECK_STR(r->err,
		  "hvisorctl: dev add net: device type not supported by this hvisor_vhost module\n");
	r = run("dev", "add", "console", NULL);
	CHECK_U64(r->status, 1);
	CHECK_STR(r->err,
		  "hvisorctl: dev add console: device type not supported by this hvisor_vhost module\n");

	fake_env("FAKE_ALL_TYPES=1", "FAKE_TRACE=1", NULL, NULL);
	r = run("dev", "add", "net", "--ifname", "guest0", NULL);
	CHECK_U64(r->status, 0);
	CHECK_STR(r->out, "device 0: net in zone 1 at 0x10000000 irq 32 (guest0)\n");
	CHECK_HAS(r->err, "DEV_ADD type=1 ");
	/* Without --ifname the kernel's name is looked up in the list. */
	r = run("dev", "add", "net", "--no-tso", NULL);
	CHECK_U64(r->status, 0);
	CHECK_STR(r->out, "device 0: net in zone 1 at 0x10000000 irq 32\n");
	CHECK_HAS(r->err, "DEV_LIST room=64");
	r = run("dev", "add", "console", NULL);
	CHECK_STR(r->out, "device 0: console in zone 1 at 0x10000000 irq 32\n");

	fake_env("FAKE_FAIL=DEV_ADD:30:1", NULL, NULL, NULL);
	r = run("dev", "add", "blk", "disk.img", NULL);
	CHECK_STR(r->err,
		  "hvisorctl: dev add blk: the backing storage is read-only (add it with --ro)\n");
	fake_env("FAKE_FAIL=DEV_ADD:22:1", NULL, NULL, NULL);
	r = run("dev", "add", "blk", "disk.img", NULL);
	CHECK_HAS(r->err, "hvisorctl: dev add blk: invalid device configuration");
}

static void test_fake_list(void)
{
	struct json_value *v;
	struct run *r;
	char err[128];

	fake_env(NULL, NULL, NULL, NULL);
	r = run("dev", "list", NULL);
	CHECK_U64(r->status, 0);
	CHECK_STR(r->out,
		  "ID   TYPE    ZONE ADDR         IRQ  STATUS      Q         REQS      IN     OUT   ERR  DROP INFLIGHT NAME\n");
	r = run("dev", "list", "--json", NULL);
	CHECK_STR(r->out, "[]\n");

	/* More devices than the first guess: the list is fetched again. */
	fake_env("FAKE_DEVICES=40", "FAKE_TRACE=1", NULL, NULL);
	r = run("dev", "list", NULL);
	CHECK_U64(r->status, 0);
	CHECK_HAS(r->err, "fake: DEV_LIST room=16\nfake: DEV_LIST room=56\n");
	CHECK_HAS(r->out,
		  "\n0    blk     1    0x10000000   32   live        1         1000    1.5K       0     0     0        0 /srv/disk0.img [cache=writeback]\n");
	CHECK_HAS(r->out, "\n39   blk     1    0x10004e00   71   live        1         1039 ");
	CHECK_HAS(r->out, "/srv/disk39.img [cache=writeback]\n");
	r = run("dev", "list", "--json", NULL);
	CHECK_HAS(r->out, "\"cache\": \"writeback\"");
	v = json_parse(r->out, strlen(r->out), err, sizeof(err));
	CHECK(v && v->type == JSON_ARRAY && v->arr.count == 40);
	if (v && v->arr.count == 40) {
		const struct json_value *d = v->arr.items[39];

		CHECK(json_get(d, "name", NULL) &&
		      !strcmp(json_get(d, "name", NULL)->str, "/srv/disk39.img"));
		CHECK(json_get(d, "addr", NULL) &&
		      !strcmp(json_get(d, "addr", NULL)->str, "268455424"));
		CHECK(json_get(d, "status_text", NULL) &&
		      !strcmp(json_get(d, "status_text", NULL)->str, "live"));
		CHECK(json_get(d, "in_flight", NULL) && json_get(d, "features", NULL));
	}
	json_free(v);

	fake_env("FAKE_FAIL=DEV_LIST:12:1", NULL, NULL, NULL);
	r = run("dev", "list", NULL);
	CHECK_U64(r->status, 1);
	CHECK_STR(r->err, "hvisorctl: dev list: the kernel is out of memory\n");
}

static void test_fake_del_zone(void)
{
	struct run *r;

	fake_env("FAKE_DEVICES=1", "FAKE_TRACE=1", NULL, NULL);
	r = run("dev", "del", "0", "--force", NULL);
	CHECK_U64(r->status, 0);
	CHECK_STR(r->out,
		  "device 0 removed (forced: freed once its I/O is over)\n");
	CHECK_HAS(r->err, "fake: DEV_DEL id=0 flags=1");
	r = run("dev", "del", "0x5", NULL);
	CHECK_U64(r->status, 1);
	CHECK_HAS(r->err, "hvisorctl: dev del 5: no such device\n");
	r = run("zone", "del", "1", NULL);
	CHECK_U64(r->status, 1);
	CHECK_HAS(r->err,
		  "hvisorctl: zone del 1: the zone has devices or runs (hvisorctl dev del; shut it down)\n");
	r = run("zone", "reset", "1", NULL);
	CHECK_U64(r->status, 0);
	CHECK_STR(r->out, "zone 1 reset\n");
	r = run("zone", "reset", "9", NULL);
	CHECK_U64(r->status, 1);
	CHECK_HAS(r->err, "hvisorctl: zone reset 9: unknown zone\n");
	r = run("zone", "mem", "add", "2", "0x50000000", "0x40000000", "768M", NULL);
	CHECK_U64(r->status, 0);
	CHECK_STR(r->out, "zone 2: 0x30000000 bytes at 0x40000000 (root 0x50000000)\n");
	CHECK_HAS(r->err,
		  "fake: ZONE_MEM zone=2 zone0=0x50000000 zonex=0x40000000 size=0x30000000");
	fake_env(NULL, NULL, NULL, NULL);
	r = run("zone", "del", "1", NULL);
	CHECK_U64(r->status, 0);
	CHECK_STR(r->out, "zone 1 deleted\n");
	fake_env("FAKE_FAIL=ZONE_MEM:22:1", NULL, NULL, NULL);
	r = run("zone", "mem", "add", "2", "0x50000000", "0x40000000", "768M", NULL);
	CHECK_U64(r->status, 1);
	CHECK_HAS(r->err, "hvisorctl: zone mem add 2: invalid region");
}

static void test_fake_config(void)
{
	struct run *r;

	fake_env("FAKE_TRACE=1", NULL, NULL, NULL);
	r = run("config", "load", "good.json", NULL);
	CHECK_U64(r->status, 0);
	CHECK_HAS(r->err,
		  "fake: ZONE_MEM zone=1 zone0=0x50000000 zonex=0x50000000 size=0x30000000\n");
	CHECK_HAS(r->out, "zone 1: memory 0x30000000 bytes at 0x50000000 (root 0x50000000)\n"
		  "device 0: blk in zone 1 at 0xa003c00 irq 78 (disk.img)\n");
	CHECK_HAS(r->err,
		  "hvisorctl: warning: good.json: line 5: zone 1 device 1 (console): device type not supported by this hvisor_vhost module, skipped\n");
	CHECK_HAS(r->out, "1 device(s) added, 3 skipped\n");

	/* The second device fails: the first is removed again. */
	fake_env("FAKE_TRACE=1", "FAKE_ALL_TYPES=1", "FAKE_FAIL=DEV_ADD:17:2", NULL);
	r = run("config", "load", "good.json", NULL);
	CHECK_U64(r->status, 1);
	CHECK_HAS(r->err,
		  "hvisorctl: good.json: line 5: zone 1 device 1 (console): address already in use\n");
	CHECK_HAS(r->err, "fake: DEV_DEL id=0 flags=1\n");
	CHECK_HAS(r->out, "device 0 removed again\n");
	CHECK_HAS(r->err, "nothing added stays");

	fake_env("FAKE_FAIL=ZONE_MEM:22:1", NULL, NULL, NULL);
	r = run("config", "load", "good.json", NULL);
	CHECK_U64(r->status, 1);
	CHECK_HAS(r->err, "hvisorctl: good.json: line 2: zone 1 memory_region: invalid region");
}

static void test_fake(void)
{
	struct run *r;

	fake_env(NULL, NULL, NULL, NULL);
	r = run("status", NULL);
	if (strstr(r->err, "not loaded")) {
		/* A static hvisorctl ignores LD_PRELOAD. */
		printf("note: %s ignores LD_PRELOAD (static?): fake device tests skipped\n",
		       bin);
		run_env[0] = NULL;
		return;
	}
	test_fake_status();
	test_fake_dev_add();
	test_fake_list();
	test_fake_del_zone();
	test_fake_config();
	run_env[0] = NULL;
}
