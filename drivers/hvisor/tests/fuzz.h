/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvisor_vhost_fuzz.ko's state, shared by the hostile guest
 * (hvisor_fuzz.c: the hypervisor's side, the zone's RAM, random runs) and
 * the tame one (fuzz_verify.c: a blk driver that checks its data).
 */
#ifndef _HVISOR_TESTS_FUZZ_H
#define _HVISOR_TESTS_FUZZ_H

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/completion.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <hvisor/virtio_bridge.h>

struct dentry;

/* A virtio-blk request header, little-endian (VIRTIO_F_VERSION_1). */
struct fz_blk_hdr {
	__le32 type;
	__le32 ioprio;
	__le64 sector;
};

#define FZ_ZONE			1
#define FZ_SLOT_BASE		0xa000000ULL
#define FZ_IRQ_BASE		32
#define FZ_NR_SLOTS		64
/* Guest-physical base of the zone's RAM (anything not 0). */
#define FZ_GPA			0x40000000ULL
#define FZ_GUARD		(4 * PAGE_SIZE)
#define FZ_POISON		0x5a
#define FZ_MAX_DEVS		16
#define FZ_MAX_Q		8
#define FZ_MAX_THREADS		16
#define FZ_ROUND_OPS		1024
#define FZ_RING_MASK		(HVISOR_BRIDGE_MAX_REQ - 1)
/* Per device: FZ_MAX_Q ring areas of FZ_QAREA bytes (queues up to 256). */
#define FZ_QAREA		0x2000
#define FZ_DEV_AREA		(FZ_MAX_Q * FZ_QAREA)
#define FZ_MAX_CHAIN		8

/**
 * struct fz_devinfo - a device of the zone, as device_added told us
 * @id: device id
 * @type: HVISOR_VHOST_DEV_*
 * @irq: its interrupt
 * @addr: base of its register region
 */
struct fz_devinfo {
	u32 id;
	u32 type;
	u32 irq;
	u64 addr;
};

/**
 * struct fz_result - counters of one run
 * @ops: operations done (register accesses, ring and memory writes)
 * @accesses: bridge requests queued
 * @interrupts: result ring entries drained
 * @stray_irqs: interrupts for no device of the zone
 * @guard_hits: guard checks that found a change
 * @hangs: accesses not answered in time
 * @bad_answers: answers that cannot be right (identity registers,
 *	answers nobody waited for or given twice)
 * @resets: Status = 0 writes
 * @chains: descriptor chains published
 */
struct fz_result {
	atomic64_t ops;
	atomic64_t accesses;
	atomic64_t interrupts;
	atomic64_t stray_irqs;
	atomic64_t guard_hits;
	atomic64_t hangs;
	atomic64_t bad_answers;
	atomic64_t resets;
	atomic64_t chains;
};

/**
 * struct fz_queue - a guest driver's view of one of its queues
 * @num: QueueNum written
 * @desc: guest-physical address of the descriptor table written
 * @avail: same, avail ring
 * @used: same, used ring
 * @ready: QueueReady = 1 was written after a plausible setup
 * @avail_idx: next avail index the driver publishes
 * @next_desc: next descriptor slot the driver fills
 */
struct fz_queue {
	u32 num;
	u64 desc;
	u64 avail;
	u64 used;
	bool ready;
	u16 avail_idx;
	u16 next_desc;
};

/**
 * struct fz_dev - the guest driver of one device (owned by one thread)
 * @info: the device
 * @nq: its queues (QueueNumMax != 0), at most FZ_MAX_Q
 * @qmax: QueueNumMax of each
 * @features: DeviceFeatures
 * @area: guest-physical base of this device's ring areas
 * @q: the queues
 * @event_idx: VIRTIO_RING_F_EVENT_IDX written
 */
struct fz_dev {
	struct fz_devinfo info;
	u32 nq;
	u32 qmax[FZ_MAX_Q];
	u64 features;
	u64 area;
	struct fz_queue q[FZ_MAX_Q];
	bool event_idx;
};

/**
 * struct fz_thread - one simulated vCPU
 * @idx: thread number, also its cfg_flags slot (src_cpu)
 * @rng: splitmix64 state
 * @seen: cfg_flags[@idx] after the last answer
 * @devs: the devices this thread drives structurally
 * @nr_devs: entries in @devs
 * @all: every device of the zone (raw accesses go to any)
 * @nr_all: entries in @all
 * @ops: operations done by this thread
 * @deadline: end of the run (ns, monotonic), unless min_ops is not done
 * @cap: end of the run whatever min_ops says
 * @failed: stop: a hang or a guard hit
 * @done: signalled when the thread ends
 */
struct fz_thread {
	unsigned int idx;
	u64 rng;
	u64 seen;
	struct fz_dev devs[FZ_MAX_DEVS];
	unsigned int nr_devs;
	struct fz_devinfo all[FZ_MAX_DEVS];
	unsigned int nr_all;
	u64 ops;
	u64 deadline;
	u64 cap;
	bool failed;
	struct completion done;
};

/**
 * struct fz - the module's state
 * @bridge: the bridge page from INIT_VIRTIO (NULL outside)
 * @prod_lock: request ring producers (req_rear, the entry at req_rear)
 * @buf: guard, RAM, guard (vmalloc, or memremap of ram_pa)
 * @ram: the zone's RAM inside @buf
 * @ram_size: its size
 * @dev_lock: @devs and @nr_devs
 * @devs: devices of the zone
 * @nr_devs: entries in @devs
 * @irqs: interrupts of the devices in @devs (bit n: FZ_IRQ_BASE + n)
 * @run_lock: one run at a time; a device's removal waits for the run
 * @running: a run is in progress (stray interrupts count)
 * @res: counters of the last run
 * @last_seed: seed of the last run
 * @last_ns: its duration
 * @last_rc: its verdict (0 or -EIO)
 * @ran: a run has finished
 * @dir: debugfs directory
 */
struct fz {
	struct hvisor_virtio_bridge *bridge;
	spinlock_t prod_lock;	/* request ring producers */
	u8 *buf;
	u8 *ram;
	u64 ram_size;
	struct mutex dev_lock;	/* devs, nr_devs */
	struct fz_devinfo devs[FZ_MAX_DEVS];
	unsigned int nr_devs;
	unsigned long irqs[BITS_TO_LONGS(FZ_NR_SLOTS)];
	struct mutex run_lock;	/* one run; removals wait for it */
	bool running;
	struct fz_result res;
	u64 last_seed;
	u64 last_ns;
	int last_rc;
	bool ran;
	struct dentry *dir;
};

extern struct fz fz;

u64 fz_rand(struct fz_thread *t);
u32 fz_below(struct fz_thread *t, u32 n);
void *fz_ram_ptr(u64 gpa, u64 len);
void fz_ram_write(u64 gpa, const void *src, u64 len);
u64 fz_timeout_ns(void);
u64 fz_seed(void);
void fz_guard_poison(void);
bool fz_guard_ok(void);
u64 fz_rd(struct fz_thread *t, struct fz_devinfo *d, u32 off, u32 size);
void fz_wr(struct fz_thread *t, struct fz_devinfo *d, u32 off, u32 size,
	   u64 val);
void fz_probe(struct fz_thread *t, struct fz_dev *d);

/* fuzz_verify.c: the debugfs file "verify" in @dir. */
void fz_verify_init(struct dentry *dir);

#endif /* _HVISOR_TESTS_FUZZ_H */
