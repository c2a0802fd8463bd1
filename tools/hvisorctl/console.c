// SPDX-License-Identifier: GPL-2.0
/*
 * hvisorctl console: attach to a guest console's root tty, or print the
 * output it kept while nobody was attached (HVISOR_VHOST_CONSOLE_LOG).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "console.h"
#include "ctl.h"

#define CONSOLE_BUF		4096
/* After stdin ends (pipe mode), wait this long for the guest to answer. */
#define CONSOLE_DRAIN_MS	500
#define LIST_ROOM		256

static const char console_help[] =
"Usage: hvisorctl console DEV [--log [--clear] | --clear]\n"
"\n"
"Attach to console device DEV (its id, as 'hvisorctl dev list' shows):\n"
"the terminal is put in raw mode and bytes are copied both ways until\n"
"Ctrl-] (the escape key) is typed, the device is removed or its tty hung\n"
"up. Output the guest wrote while nobody was attached comes first.\n"
"When stdin is not a terminal, it is copied to the guest until it ends,\n"
"then the guest's output is shown until it is quiet for 0.5 s.\n"
"\n"
"  --log      print the device's log (recent guest output) and exit\n"
"  --clear    empty the log (after printing it, with --log)\n";

/* Fill *name with the root tty of console device id. 0 or exit code. */
static int console_tty_name(int ctl, uint32_t id, char *name, size_t size)
{
	struct hvisor_vhost_dev_info *info;
	struct hvisor_vhost_dev_list list = { .count = LIST_ROOM };
	uint32_t i;
	int ret;

	info = calloc(LIST_ROOM, sizeof(*info));
	if (!info) {
		hv_err("out of memory");
		return EXIT_FAIL;
	}
	list.entries = (uintptr_t)info;
	ret = ctl_ioctl(ctl, HVISOR_VHOST_DEV_LIST, &list);
	if (ret) {
		hv_err("listing devices: %s", ctl_strerror(CTL_DEV_LIST, -ret));
		free(info);
		return EXIT_FAIL;
	}
	ret = EXIT_FAIL;
	for (i = 0; i < list.count && i < LIST_ROOM; i++) {
		if (info[i].id != id)
			continue;
		if (info[i].type != HVISOR_VHOST_DEV_CONSOLE) {
			hv_err("device %u is not a console", id);
			break;
		}
		snprintf(name, size, "%.*s", (int)sizeof(info[i].name),
			 info[i].name);
		ret = 0;
		break;
	}
	if (i == list.count || i == LIST_ROOM)
		hv_err("no device %u", id);
	free(info);
	return ret;
}

/* --log / --clear: the log through the ioctl. */
static int console_log(int ctl, uint32_t id, bool print, bool clear)
{
	struct hvisor_vhost_console_log log = { .id = id };
	char *buf = NULL;
	int ret;

	/* First the size, then the bytes (the log may grow meanwhile). */
	ret = ctl_ioctl(ctl, HVISOR_VHOST_CONSOLE_LOG, &log);
	if (!ret && print) {
		buf = malloc(log.size ? log.size : 1);
		if (!buf) {
			hv_err("out of memory");
			return EXIT_FAIL;
		}
		log = (struct hvisor_vhost_console_log){ .id = id,
			.buf = (uintptr_t)buf, .len = log.size };
	}
	if (!ret && (print || clear)) {
		log.flags = clear ? HVISOR_VHOST_CONSOLE_LOG_F_CLEAR : 0;
		ret = ctl_ioctl(ctl, HVISOR_VHOST_CONSOLE_LOG, &log);
	}
	if (ret) {
		free(buf);
		hv_err("console %u: %s", id, ret == -ENOENT ? "no such device" :
		       ret == -EINVAL ? "not a console device" :
		       ctl_strerror(CTL_CONSOLE_LOG, -ret));
		return EXIT_FAIL;
	}
	if (print && log.len && fwrite(buf, 1, log.len, stdout) != log.len) {
		free(buf);
		hv_err("writing the log: %s", strerror(errno));
		return EXIT_FAIL;
	}
	free(buf);
	if (print && log.lost)
		fprintf(stderr, "hvisorctl: console %u: %" PRIu64
			" bytes lost (the log was full)\n", id,
			(uint64_t)log.lost);
	return 0;
}

/* Set by a signal: leave the loop and restore the terminal. */
static atomic_bool console_stop;

static void console_on_signal(int sig)
{
	(void)sig;
	atomic_store(&console_stop, true);
}

static void console_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = console_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The state of one attach. */
struct console_io {
	int tty;
	bool interactive;
	char in[CONSOLE_BUF];	/* from stdin, for the tty */
	size_t in_off, in_len;
	bool in_eof;		/* stdin ended */
	bool detach;		/* escape typed: stop once in[] is written */
	bool gone;		/* the tty hung up */
};

/* tty -> stdout. */
static int console_from_tty(struct console_io *io)
{
	char buf[CONSOLE_BUF];
	ssize_t n = read(io->tty, buf, sizeof(buf));

	if (n > 0)
		return write_all(STDOUT_FILENO, buf, (size_t)n);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	io->gone = true;
	return 0;
}

/* stdin -> in[]. */
static void console_from_stdin(struct console_io *io)
{
	ssize_t n = read(STDIN_FILENO, io->in, sizeof(io->in));
	size_t esc;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		io->in_eof = true;
		return;
	}
	io->in_off = 0;
	io->in_len = (size_t)n;
	if (!io->interactive)
		return;
	esc = console_find_escape(io->in, io->in_len);
	if (esc < io->in_len) {
		io->in_len = esc;
		io->detach = true;
	}
}

/* in[] -> tty, as much as it takes now. */
static int console_to_tty(struct console_io *io)
{
	ssize_t n = write(io->tty, io->in + io->in_off, io->in_len);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	io->in_off += (size_t)n;
	io->in_len -= (size_t)n;
	return 0;
}

static int console_loop(struct console_io *io)
{
	struct pollfd pfd[2];
	int n, timeout;

	while (!atomic_load(&console_stop) && !io->gone) {
		if (io->detach && !io->in_len)
			return 0;
		pfd[0].fd = io->in_eof || io->in_len || io->detach ?
			    -1 : STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[1].fd = io->tty;
		pfd[1].events = POLLIN | (io->in_len ? POLLOUT : 0);
		timeout = io->in_eof && !io->in_len ? CONSOLE_DRAIN_MS : -1;
		n = poll(pfd, 2, timeout);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (!n)
			return 0;	/* pipe mode: input sent, guest quiet */
		if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR) &&
		    console_from_tty(io))
			return -1;
		if (pfd[1].revents & POLLOUT && console_to_tty(io))
			return -1;
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))
			console_from_stdin(io);
	}
	return 0;
}

int console_attach(const char *path, bool interactive)
{
	struct console_io io = { .interactive = interactive };
	struct termios saved, raw;
	int ret;

	io.tty = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK);
	if (io.tty < 0) {
		hv_err("%s: %s", path, strerror(errno));
		return EXIT_FAIL;
	}
	if (!tcgetattr(io.tty, &raw)) {
		cfmakeraw(&raw);
		tcsetattr(io.tty, TCSANOW, &raw);
	}
	console_signals();
	if (interactive && !tcgetattr(STDIN_FILENO, &saved)) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
		fprintf(stderr, "Connected to %s. Ctrl-] detaches.\r\n", path);
	} else {
		interactive = false;
		io.interactive = false;
	}
	ret = console_loop(&io);
	if (interactive) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
		fprintf(stderr, "\nDetached from %s%s.\n", path,
			io.gone ? " (the device went away)" : "");
	} else if (io.gone) {
		fprintf(stderr, "hvisorctl: %s: the device went away\n", path);
	}
	close(io.tty);
	if (ret)
		hv_err("%s: %s", path, strerror(errno));
	return ret ? EXIT_FAIL : 0;
}

int cmd_console(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "log", no_argument, NULL, 'l' },
		{ "clear", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool log = false, clear = false;
	char name[128];
	uint32_t id;
	int c, ctl, ret;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'l':
			log = true;
			break;
		case 'c':
			clear = true;
			break;
		case 'h':
			return print_help(console_help);
		default:
			return EXIT_USAGE;
		}
	}
	if (!want_args(argc, argv, 1, "DEV"))
		return EXIT_USAGE;
	if (arg_u32("DEV", argv[optind], &id))
		return EXIT_USAGE;
	ctl = ctl_open(NULL);
	if (ctl < 0)
		return EXIT_FAIL;
	if (log || clear) {
		ret = console_log(ctl, id, log, clear);
		close(ctl);
		return ret;
	}
	ret = console_tty_name(ctl, id, name, sizeof(name));
	close(ctl);
	if (ret)
		return ret;
	return console_attach(name, isatty(STDIN_FILENO));
}
