/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvisorctl console: attaching to a console's root tty.
 */
#ifndef HVISORCTL_CONSOLE_H
#define HVISORCTL_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

/* The detach key: Ctrl-]. */
#define CONSOLE_ESCAPE	0x1d

/*
 * Copy between the tty at path and stdin/stdout. interactive: stdin is a
 * terminal: put it in raw mode (restored on return) and stop at
 * CONSOLE_ESCAPE; otherwise stop when stdin ends and the tty has been
 * quiet for a while. Returns an exit code.
 */
int console_attach(const char *path, bool interactive);

/*
 * Where the escape key is in buf[0, len): its index, or len when absent.
 */
static inline size_t console_find_escape(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] == CONSOLE_ESCAPE)
			break;
	return i;
}

#endif /* HVISORCTL_CONSOLE_H */
