/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * hvisor-vhost control interface: ioctls on /dev/hvisor-vhost.
 *
 * Every structure has an explicit size and layout (no implicit padding),
 * flags and reserved fields must be zero on input (the kernel answers
 * EINVAL otherwise) and are zero on output, so fields can be added later
 * without a new ioctl number. Userspace checks abi_version from
 * HVISOR_VHOST_GET_STATUS before using anything else.
 */
#ifndef _UAPI_LINUX_HVISOR_VHOST_H
#define _UAPI_LINUX_HVISOR_VHOST_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define HVISOR_VHOST_ABI_VERSION	1
#define HVISOR_VHOST_IOC_MAGIC		0xE7
#define HVISOR_VHOST_DEVICE_NAME	"hvisor-vhost"

/* Device types: the virtio device ids. */
#define HVISOR_VHOST_DEV_NET		1
#define HVISOR_VHOST_DEV_BLK		2
#define HVISOR_VHOST_DEV_CONSOLE	3

/* struct hvisor_vhost_status.flags */
#define HVISOR_VHOST_F_ATTACHED		0x1U /* a hypervisor is attached */
#define HVISOR_VHOST_F_SIMULATOR	0x2U /* ... and it is the simulator */
/* A userspace virtio backend is attached to /dev/hvisor (INIT_VIRTIO). */
#define HVISOR_VHOST_F_UBRIDGE		0x4U

/**
 * struct hvisor_vhost_status - HVISOR_VHOST_GET_STATUS (no capability)
 * @abi_version: HVISOR_VHOST_ABI_VERSION of the running module
 * @flags: HVISOR_VHOST_F_*
 * @hypervisor: name of the attached hypervisor ("hvisor", "simulator"),
 *	NUL-terminated; empty when none is attached
 * @nr_zones: zones with registered memory
 * @nr_devices: devices served
 * @requests: requests consumed from the bridge's request ring
 * @notifies: of which QueueNotify requests (need_interrupt == 1)
 * @interrupts: entries pushed to the result ring
 * @finish_calls: FINISH_REQ hypercalls made
 * @wakeups: wakeup interrupts taken
 * @safety_net: times the periodic re-check found requests nobody woke us for
 * @bad_requests: requests dropped as malformed (bad size, zone, cpu)
 * @irq_deferred: interrupts that found hvisor's result ring full even
 *	after a FINISH_REQ; each was pushed later (when another interrupt
 *	is injected, after a wakeup or by the periodic re-check), none lost
 * @rechecks: times the short re-check after a wakeup (or the poll of a
 *	hypervisor that sends no wakeups) found requests waiting; a wakeup
 *	lost to hvisor's missing barrier is picked up this way within a
 *	fraction of a millisecond instead of by the 100 ms safety net
 * @ub_requests: requests no in-kernel device claimed that were handed to
 *	the userspace backend (the userspace bridge, Documentation/hsm.rst);
 *	this and the ub_* counters below are 32 bits wide and wrap
 * @ub_orphaned: vCPUs that waited for the userspace backend when it went
 *	away (exit, kill, close) and were answered 0 by the module
 * @ub_overflow: requests the userspace bridge could not take (its backlog
 *	full, or a vCPU that waits already): a notify is lost, a vCPU is
 *	answered 0
 * @ub_bad_index: out-of-range req_front or res_rear values the backend
 *	wrote into its bridge page (counted once while the value stays)
 * @ub_bad_answer: cfg_flags changes of the backend for a vCPU that waited
 *	for no answer from it (ignored)
 * @ub_bad_result: result ring entries of the backend refused (a zone the
 *	module does not know)
 */
struct hvisor_vhost_status {
	__u32 abi_version;
	__u32 flags;
	char hypervisor[16];
	__u32 nr_zones;
	__u32 nr_devices;
	__u64 requests;
	__u64 notifies;
	__u64 interrupts;
	__u64 finish_calls;
	__u64 wakeups;
	__u64 safety_net;
	__u64 bad_requests;
	__u64 irq_deferred;
	__u64 rechecks;
	__u32 ub_requests;
	__u32 ub_orphaned;
	__u32 ub_overflow;
	__u32 ub_bad_index;
	__u32 ub_bad_answer;
	__u32 ub_bad_result;
};

/**
 * struct hvisor_vhost_zone_mem - HVISOR_VHOST_ZONE_ADD_MEM (CAP_SYS_ADMIN and
 *	CAP_SYS_RAWIO)
 * @zone_id: guest zone, >= 1
 * @flags: zero
 * @zone0_ipa: where root sees the region (physical address in root)
 * @zonex_ipa: where the guest sees it (guest-physical address)
 * @size: bytes, page aligned like both addresses
 * @reserved: zero
 */
struct hvisor_vhost_zone_mem {
	__u32 zone_id;
	__u32 flags;
	__u64 zone0_ipa;
	__u64 zonex_ipa;
	__u64 size;
	__u64 reserved[4];
};

/**
 * struct hvisor_vhost_zone - HVISOR_VHOST_ZONE_RESET, HVISOR_VHOST_ZONE_DEL
 *	(CAP_SYS_ADMIN)
 * @zone_id: guest zone, >= 1
 * @flags: zero
 * @reserved: zero
 */
struct hvisor_vhost_zone {
	__u32 zone_id;
	__u32 flags;
	__u64 reserved[3];
};

/* struct hvisor_vhost_dev_config.flags and struct hvisor_vhost_dev_info.flags */
#define HVISOR_VHOST_DEV_F_RO		0x1U /* blk: read-only disk */
/* struct hvisor_vhost_dev_info.flags only: its removal is under way */
#define HVISOR_VHOST_DEV_F_REMOVING	0x2U
/*
 * struct hvisor_vhost_dev_info.flags only, blk: CACHE_NONE, guest I/O goes
 * to the backing with direct I/O (cache mode none), else through root's
 * page cache (writeback); BUFFERED, some requests of a cache-mode-none
 * disk were served through the page cache all the same (guest buffers not
 * aligned for direct I/O, or guest RAM without struct pages).
 */
#define HVISOR_VHOST_DEV_F_CACHE_NONE	0x4U
#define HVISOR_VHOST_DEV_F_BUFFERED	0x8U

/*
 * struct hvisor_vhost_blk_config.cache: DEFAULT is none when the backing
 * can do direct I/O, else writeback; NONE, direct I/O between the guest's
 * buffers and the backing (root's page cache not used; dev add fails with
 * EINVAL when the backing cannot); WRITEBACK, buffered I/O through root's
 * page cache. Every mode honours VIRTIO_BLK_T_FLUSH (fsync of the backing).
 */
#define HVISOR_VHOST_BLK_CACHE_DEFAULT		0
#define HVISOR_VHOST_BLK_CACHE_NONE		1
#define HVISOR_VHOST_BLK_CACHE_WRITEBACK	2

/**
 * struct hvisor_vhost_blk_config - blk part of struct hvisor_vhost_dev_config
 * @serial: VIRTIO_BLK_T_GET_ID answer; NUL padded, need not be terminated
 * @cache: HVISOR_VHOST_BLK_CACHE_*; 0 (what older callers pass) is the
 *	default
 * @reserved: zero
 */
struct hvisor_vhost_blk_config {
	char serial[20];
	__u32 cache;
	__u32 reserved[10];
};

/* struct hvisor_vhost_net_config.offloads_off: offloads not offered */
#define HVISOR_VHOST_NET_OFF_CSUM	0x1	/* CSUM, GUEST_CSUM (and so TSO) */
#define HVISOR_VHOST_NET_OFF_TSO	0x2	/* HOST_TSO4/6, GUEST_TSO4/6 */
#define HVISOR_VHOST_NET_OFF_MRG_RXBUF	0x4	/* MRG_RXBUF */

/*
 * struct hvisor_vhost_net_config.flags. HVISOR_VHOST_NET_F_TAP: no root
 * interface is created; the guest NIC is attached to the existing tap
 * interface @tap through the files @tap_fds (see below).
 */
#define HVISOR_VHOST_NET_F_TAP		0x1U

/**
 * struct hvisor_vhost_net_config - net part of struct hvisor_vhost_dev_config
 * @mac: guest MAC address; all zero picks a random local one
 * @mtu: MTU offered to the guest (VIRTIO_NET_F_MTU); 0: 1500
 * @ifname: root interface name; empty: "hvnet<zone>.<n>". Empty with
 *	HVISOR_VHOST_NET_F_TAP.
 * @tap: with HVISOR_VHOST_NET_F_TAP, the name of the tap interface
 *	(NUL-terminated): it must exist in the caller's network namespace
 *	and be a tap (not a tun) interface; "dev list" shows it. Empty
 *	otherwise.
 * @offloads_off: HVISOR_VHOST_NET_OFF_* features not to offer
 * @flags: HVISOR_VHOST_NET_F_*
 * @tap_fds: with HVISOR_VHOST_NET_F_TAP, a user pointer to an array of
 *	num_queues (0 counts as 1) __s32 file descriptors, one per queue
 *	pair: each an open /dev/net/tun attached (TUNSETIFF) to @tap with
 *	IFF_TAP | IFF_NO_PI | IFF_VNET_HDR (and IFF_MULTI_QUEUE for several
 *	pairs), TUNSETVNETHDRSZ 12 and little-endian headers (TUNSETVNETLE
 *	on big-endian hosts). The kernel takes a reference to each file
 *	for the device's life; the caller may close its descriptors after
 *	the call. The kernel sets the tap's offloads (TUNSETOFFLOAD) to
 *	those the guest negotiated. Zero otherwise. Errors: EBADF a closed
 *	descriptor, ENOTSOCK a file that is not /dev/net/tun, EBADFD one
 *	not attached to an interface, ENODEV no interface @tap, EINVAL
 *	@tap not a tap interface, EOPNOTSUPP a kernel without tun.
 * @reserved: zero
 *
 * Before HVISOR_VHOST_NET_F_TAP existed, @flags and @tap_fds were
 * reserved (zero), so requests of older programs mean what they meant.
 */
struct hvisor_vhost_net_config {
	__u8 mac[6];
	__u16 mtu;
	char ifname[16];
	char tap[16];
	__u32 offloads_off;
	__u32 flags;
	__u64 tap_fds;
	__u32 reserved[2];
};

/**
 * struct hvisor_vhost_console_config - console part of the device config
 * @log_size: bytes of guest output kept while no one has the tty open;
 *	0: default
 * @reserved: zero
 */
struct hvisor_vhost_console_config {
	__u32 log_size;
	__u32 reserved[15];
};

/**
 * struct hvisor_vhost_dev_config - HVISOR_VHOST_DEV_ADD (CAP_SYS_ADMIN; net
 *	also CAP_NET_ADMIN)
 * @type: HVISOR_VHOST_DEV_*
 * @zone_id: guest zone; 0: the simulator's zone
 * @addr: guest-physical base of the device's 0x200-byte region, 0x200
 *	aligned; 0: next free slot (simulator only)
 * @irq: guest interrupt number; 0: next free (simulator only)
 * @flags: HVISOR_VHOST_DEV_F_*
 * @num_queues: request queues (blk) or queue pairs (net); 0: 1
 * @queue_size: entries per virtqueue, a power of two; 0: device default
 * @backing_fd: blk: an open regular file or block device, opened for
 *	writing unless HVISOR_VHOST_DEV_F_RO; others: -1
 * @id: out: the new device's id
 * @blk: blk options
 * @net: net options
 * @console: console options
 * @reserved: zero
 */
struct hvisor_vhost_dev_config {
	__u32 type;
	__u32 zone_id;
	__u64 addr;
	__u32 irq;
	__u32 flags;
	__u32 num_queues;
	__u32 queue_size;
	__s32 backing_fd;
	__u32 id;
	union {
		struct hvisor_vhost_blk_config blk;
		struct hvisor_vhost_net_config net;
		struct hvisor_vhost_console_config console;
	};
	__u64 reserved[4];
};

/*
 * struct hvisor_vhost_dev_del.flags. HVISOR_VHOST_DEL_F_FORCE: return at
 * once; the requests in flight fail (blk: VIRTIO_BLK_S_IOERR) and so does
 * every later one, without waiting for the backing; the device is freed
 * in the background once its backing lets go (a hung NFS server, a dead
 * disk), meanwhile listed with HVISOR_VHOST_DEV_F_REMOVING. Also hurries
 * a plain removal of the same device that is stuck.
 */
#define HVISOR_VHOST_DEL_F_FORCE	0x1U

/**
 * struct hvisor_vhost_dev_del - HVISOR_VHOST_DEV_DEL (CAP_SYS_ADMIN; net also
 *	CAP_NET_ADMIN)
 * @id: device id from HVISOR_VHOST_DEV_ADD or HVISOR_VHOST_DEV_LIST
 * @flags: HVISOR_VHOST_DEL_F_*
 * @reserved: zero
 *
 * Without HVISOR_VHOST_DEL_F_FORCE the call returns once the device is
 * gone (the guest let go, its I/O finished), EBUSY when its removal is
 * under way already. Other requests are served meanwhile either way.
 */
struct hvisor_vhost_dev_del {
	__u32 id;
	__u32 flags;
	__u64 reserved[3];
};

/**
 * struct hvisor_vhost_dev_info - one device in HVISOR_VHOST_DEV_LIST
 * @id: device id
 * @type: HVISOR_VHOST_DEV_*
 * @zone_id: guest zone
 * @irq: guest interrupt number
 * @addr: guest-physical base
 * @flags: HVISOR_VHOST_DEV_F_*
 * @status: virtio device status byte the guest last wrote
 * @num_queues: virtqueues
 * @queue_size: maximum entries per virtqueue
 * @features: features the guest accepted
 * @name: root-side name: backing file, interface or tty; NUL-terminated
 * @requests: requests completed (blk requests, packets, console buffers)
 * @bytes_in: bytes the guest received
 * @bytes_out: bytes the guest sent
 * @errors: requests failed (I/O errors, unsupported requests)
 * @dropped: buffers dropped (no guest buffer, ring errors)
 * @notifies: QueueNotify writes
 * @interrupts: interrupts raised
 * @in_flight: requests taken from the ring and not completed yet
 * @zone_name: name of the zone from its ZONE_START on /dev/hvisor,
 *	NUL-terminated; empty when the zone was not started that way
 */
struct hvisor_vhost_dev_info {
	__u32 id;
	__u32 type;
	__u32 zone_id;
	__u32 irq;
	__u64 addr;
	__u32 flags;
	__u32 status;
	__u32 num_queues;
	__u32 queue_size;
	__u64 features;
	char name[64];
	__u64 requests;
	__u64 bytes_in;
	__u64 bytes_out;
	__u64 errors;
	__u64 dropped;
	__u64 notifies;
	__u64 interrupts;
	__u64 in_flight;
	char zone_name[32];
};

/**
 * struct hvisor_vhost_dev_list - HVISOR_VHOST_DEV_LIST (no capability)
 * @count: in: room in @entries; out: number of devices (may exceed room:
 *	call again with a larger array)
 * @flags: zero
 * @entries: user pointer to an array of struct hvisor_vhost_dev_info
 * @reserved: zero
 */
struct hvisor_vhost_dev_list {
	__u32 count;
	__u32 flags;
	__u64 entries;
	__u64 reserved[2];
};

/* struct hvisor_vhost_console_log.flags */
#define HVISOR_VHOST_CONSOLE_LOG_F_CLEAR	0x1	/* empty the log after copying */

/**
 * struct hvisor_vhost_console_log - HVISOR_VHOST_CONSOLE_LOG (CAP_SYS_ADMIN)
 * @id: console device id
 * @flags: HVISOR_VHOST_CONSOLE_LOG_F_*
 * @buf: user pointer to @len bytes
 * @len: in: room in @buf; out: bytes copied (the newest output when the
 *	log holds more than fits)
 * @size: out: bytes the log holds
 * @lost: out: bytes of guest output overwritten since the device was
 *	created because the log was full
 * @reserved: zero
 */
struct hvisor_vhost_console_log {
	__u32 id;
	__u32 flags;
	__u64 buf;
	__u32 len;
	__u32 size;
	__u64 lost;
	__u64 reserved[4];
};

/* struct hvisor_vhost_zone_info.flags */
#define HVISOR_VHOST_ZONE_F_CONFIG	0x1U /* started once through /dev/hvisor */
#define HVISOR_VHOST_ZONE_F_RUNNING	0x2U /* ... and not shut down since */

/**
 * struct hvisor_vhost_zone_info - one zone in HVISOR_VHOST_ZONE_LIST
 * @zone_id: zone id
 * @flags: HVISOR_VHOST_ZONE_F_*
 * @cpus: its CPUs, one bit each, from its configuration (0 without
 *	HVISOR_VHOST_ZONE_F_CONFIG)
 * @name: its name from its configuration, NUL-terminated; empty without
 *	HVISOR_VHOST_ZONE_F_CONFIG
 * @nr_devices: devices served to it
 * @nr_ram: pieces of guest RAM the devices reach
 * @ram_bytes: their total size
 * @nr_config_ram: RAM regions of its configuration
 * @reserved0: zero
 * @reserved: zero
 */
struct hvisor_vhost_zone_info {
	__u32 zone_id;
	__u32 flags;
	__u64 cpus;
	char name[32];
	__u32 nr_devices;
	__u32 nr_ram;
	__u64 ram_bytes;
	__u32 nr_config_ram;
	__u32 reserved0;
	__u64 reserved[3];
};

/**
 * struct hvisor_vhost_zone_list - HVISOR_VHOST_ZONE_LIST
 * @count: in: room in @entries; out: number of zones (may exceed room:
 *	call again with a larger array)
 * @flags: zero
 * @entries: user pointer to an array of struct hvisor_vhost_zone_info
 * @reserved: zero
 */
struct hvisor_vhost_zone_list {
	__u32 count;
	__u32 flags;
	__u64 entries;
	__u64 reserved[2];
};

/*
 * The ioctls, each with the capabilities it needs. They are checked
 * against the task making the call (not the one that opened the node),
 * after the argument was read and its flags and reserved fields checked:
 * a bad argument is EINVAL (or EFAULT) before a missing capability is
 * EPERM. The node itself is root's only (mode 0600).
 */

/* Read-only: no capability beyond access to the node. */
#define HVISOR_VHOST_GET_STATUS \
	_IOR(HVISOR_VHOST_IOC_MAGIC, 0x00, struct hvisor_vhost_status)
/* CAP_SYS_ADMIN and CAP_SYS_RAWIO: maps physical memory into the kernel. */
#define HVISOR_VHOST_ZONE_ADD_MEM \
	_IOW(HVISOR_VHOST_IOC_MAGIC, 0x10, struct hvisor_vhost_zone_mem)
/* CAP_SYS_ADMIN. */
#define HVISOR_VHOST_ZONE_RESET \
	_IOW(HVISOR_VHOST_IOC_MAGIC, 0x11, struct hvisor_vhost_zone)
/* CAP_SYS_ADMIN. */
#define HVISOR_VHOST_ZONE_DEL \
	_IOW(HVISOR_VHOST_IOC_MAGIC, 0x12, struct hvisor_vhost_zone)
/* Read-only: no capability beyond access to the node. */
#define HVISOR_VHOST_ZONE_LIST \
	_IOWR(HVISOR_VHOST_IOC_MAGIC, 0x13, struct hvisor_vhost_zone_list)
/* CAP_SYS_ADMIN; a net device also CAP_NET_ADMIN (a root interface). */
#define HVISOR_VHOST_DEV_ADD \
	_IOWR(HVISOR_VHOST_IOC_MAGIC, 0x20, struct hvisor_vhost_dev_config)
/* CAP_SYS_ADMIN; a net device also CAP_NET_ADMIN. */
#define HVISOR_VHOST_DEV_DEL \
	_IOW(HVISOR_VHOST_IOC_MAGIC, 0x21, struct hvisor_vhost_dev_del)
/* Read-only: no capability beyond access to the node. */
#define HVISOR_VHOST_DEV_LIST \
	_IOWR(HVISOR_VHOST_IOC_MAGIC, 0x22, struct hvisor_vhost_dev_list)
/* CAP_SYS_ADMIN: a guest's console output may be private. */
#define HVISOR_VHOST_CONSOLE_LOG \
	_IOWR(HVISOR_VHOST_IOC_MAGIC, 0x30, struct hvisor_vhost_console_log)

#endif /* _UAPI_LINUX_HVISOR_VHOST_H */
