/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvisorctl: the tap interface of a net device in tap mode ("dev add net
 * --tap", a "tap" entry of config load).
 */
#ifndef HVISORCTL_TAP_H
#define HVISORCTL_TAP_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/hvisor_vhost.h>

/* Queue pairs of one net device (the module's limit). */
#define TAP_MAX_PAIRS	8

/* The files of one tap, one per queue pair, for the kernel to take. */
struct tap_files {
	int32_t fd[TAP_MAX_PAIRS];
	uint32_t nr;
	uint32_t offloads_off;	/* HVISOR_VHOST_NET_OFF_* the tap lacks */
	bool ours;		/* opened here (closed by tap_close) */
};

/*
 * Check that tap interface NAME exists and can serve PAIRS queue pairs;
 * -1 after printing why.
 */
int tap_check(const char *name, uint32_t pairs);

/*
 * Attach to the existing tap NAME once per queue pair (TUNSETIFF with
 * IFF_TAP | IFF_NO_PI | IFF_VNET_HDR, IFF_MULTI_QUEUE when the tap has
 * it), set the 12-byte little-endian vnet header and find the offloads
 * the tap takes. Never creates an interface. 0, or -1 after printing why.
 */
int tap_open(const char *name, uint32_t pairs, struct tap_files *t);

/*
 * "--tap-fd 3,4": files the caller attached already; 0, or -1 after
 * printing why.
 */
int tap_parse_fds(const char *val, struct tap_files *t);

/* Close what tap_open() opened. */
void tap_close(struct tap_files *t);

/*
 * Fill the tap part of a request whose net.tap holds the name; t's files
 * must stay open until it is sent.
 */
void tap_fill(const struct tap_files *t,
	      struct hvisor_vhost_dev_config *cfg);

/* What an errno of DEV_ADD means for a device in tap mode, or NULL. */
const char *tap_strerror(int err);

#endif /* HVISORCTL_TAP_H */
