// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of "hvisorctl console": the escape-key scan, argument handling,
 * --log against the fake device, and a pipe-mode attach to a pty that
 * stands for the console's root tty.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../console.h"
#include "test.h"

void test_console(const char *bin, const char *preload);

#define OUT_SIZE	4096

struct crun {
	int status;
	char out[OUT_SIZE];
	char err[OUT_SIZE];
};

static void slurp_fd(int fd, char *buf)
{
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	n = read(fd, buf, OUT_SIZE - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
}

/* Run hvisorctl with env (NULL-terminated "K=V") and stdin from input. */
static void crun(struct crun *r, const char *bin, const char *const *env,
		 const char *input, char *const argv[])
{
	FILE *in = tmpfile(), *out = tmpfile(), *err = tmpfile();
	int status, i;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	r->status = -1;
	if (!in || !out || !err)
		return;
	fputs(input, in);
	fflush(in);
	rewind(in);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(fileno(in), 0);
		dup2(fileno(out), 1);
		dup2(fileno(err), 2);
		setenv("HVISORCTL_DEVICE", "/fake/hvisor-vhost", 1);
		for (i = 0; env[i]; i++)
			putenv((char *)env[i]);
		execv(bin, argv);
		_exit(127);
	}
	if (pid > 0 && waitpid(pid, &status, 0) == pid)
		r->status = WIFEXITED(status) ? WEXITSTATUS(status) :
			    128 + WTERMSIG(status);
	fclose(in);
	slurp_fd(dup(fileno(out)), r->out);
	slurp_fd(dup(fileno(err)), r->err);
	fclose(out);
	fclose(err);
}

static void test_escape(void)
{
	CHECK_U64(console_find_escape("abc", 3), 3);
	CHECK_U64(console_find_escape("a\035c", 3), 1);
	CHECK_U64(console_find_escape("\x1d", 1), 0);
	CHECK_U64(console_find_escape("", 0), 0);
}

static void test_args(const char *bin)
{
	const char *env[1];
	struct crun r;

	env[0] = NULL;

	crun(&r, bin, env, "", (char *[]){ (char *)bin, "console", "--help", NULL });
	CHECK_U64(r.status, 0);
	CHECK_HAS(r.out, "Usage: hvisorctl console DEV");
	crun(&r, bin, env, "", (char *[]){ (char *)bin, "console", NULL });
	CHECK_U64(r.status, 2);
	crun(&r, bin, env, "", (char *[]){ (char *)bin, "console", "x1", NULL });
	CHECK_U64(r.status, 2);
	crun(&r, bin, env, "", (char *[]){ (char *)bin, "console", "1", "--bogus", NULL });
	CHECK_U64(r.status, 2);
}

static void test_log(const char *bin, const char *preload)
{
	const char *env[5];
	struct crun r;

	env[0] = preload;
	env[1] = "FAKE_DEVICES=1";
	env[2] = "FAKE_CONSOLES=1";
	env[3] = "FAKE_CONSOLE_LOST=5";
	env[4] = NULL;

	crun(&r, bin, env, "", (char *[]){ (char *)bin, "console", "1", "--log", NULL });
	CHECK_U64(r.status, 0);
	CHECK_STR(r.out, "fake guest output\n");
	CHECK_HAS(r.err, "5 bytes lost");
	crun(&r, bin, env, "", (char *[]){ (char *)bin, "console", "1", "--clear", NULL });
	CHECK_U64(r.status, 0);
	CHECK_STR(r.out, "");
	crun(&r, bin, env, "", (char *[]){ (char *)bin, "console", "0", "--log", NULL });
	CHECK_U64(r.status, 1);
	CHECK_HAS(r.err, "not a console");
	crun(&r, bin, env, "", (char *[]){ (char *)bin, "console", "7", "--log", NULL });
	CHECK_U64(r.status, 1);
	CHECK_HAS(r.err, "no such device");
	crun(&r, bin, env, "", (char *[]){ (char *)bin, "console", "7", NULL });
	CHECK_U64(r.status, 1);
	CHECK_HAS(r.err, "no device 7");
}

/* Pipe mode on a pty: stdin goes to the tty, the tty's output to stdout. */
static void test_attach(const char *bin, const char *preload)
{
	char ttyenv[PATH_MAX + 32], got[64] = "";
	const char *env[4];
	struct crun r;
	ssize_t n;
	int m;

	env[0] = preload;
	env[1] = "FAKE_CONSOLES=1";
	env[2] = ttyenv;
	env[3] = NULL;

	m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) || unlockpt(m)) {
		printf("note: no pty: console attach test skipped\n");
		return;
	}
	snprintf(ttyenv, sizeof(ttyenv), "FAKE_CONSOLE_TTY=%s", ptsname(m));
	/* Waits in the pty for hvisorctl to read it. */
	CHECK(write(m, "from-guest\n", 11) == 11);
	crun(&r, bin, env, "from-root\n",
	     (char *[]){ (char *)bin, "console", "0", NULL });
	CHECK_U64(r.status, 0);
	CHECK_HAS(r.out, "from-guest");
	fcntl(m, F_SETFL, O_NONBLOCK);
	n = read(m, got, sizeof(got) - 1);
	got[n > 0 ? n : 0] = '\0';
	CHECK_HAS(got, "from-root");
	close(m);
}

void test_console(const char *bin, const char *preload)
{
	char env[PATH_MAX + 16];

	test_escape();
	if (!bin)
		return;
	test_args(bin);
	if (!preload || !realpath(preload, env + 11))
		return;
	memcpy(env, "LD_PRELOAD=", 11);
	test_log(bin, env);
	test_attach(bin, env);
}
