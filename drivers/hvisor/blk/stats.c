// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk backend: the per-request latency breakdown. While the module
 * parameter blk_latency is set, every request that reaches the backing is
 * stamped where the module learns of its QueueNotify, where the poller
 * takes it from the avail ring, where it is (last) submitted to the
 * backing, where its result is posted, where its answer is published in
 * the used ring and where the injection of the interrupt returns; the
 * five differences are summed per queue.
 * /sys/kernel/debug/hvisor_vhost_blk/latency shows them per device (the
 * queues summed); a write there resets them. Documentation/blk.rst,
 * section "Latency breakdown", describes the stages and the format.
 *
 * The switch is a module parameter, not a debugfs file, so it can be set
 * at load time and without debugfs; it flips a static key, so while it
 * is off (the default) the data path runs no extra instruction.
 */

#define pr_fmt(fmt) "hvisor_vhost: blk: " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/jump_label.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/math64.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>

#include "blk.h"

DEFINE_STATIC_KEY_FALSE(hvblk_lat_key);

/*
 * Bumped (under hvblk_lat_mutex) each time the breakdown is switched on,
 * before the static key is: a request stamped in an earlier period is
 * not counted (struct hvblk_req_lat.seq). Read with READ_ONCE().
 */
unsigned long hvblk_lat_seq;

/*
 * hvblk_lat_mutex protects: the list of devices (hvblk_lat_devs), the
 * parameter's value, the state of the static key, and hvblk_lat_ready.
 * Taken before a queue's kick_mutex (debugfs reads and resets).
 */
static DEFINE_MUTEX(hvblk_lat_mutex);
static LIST_HEAD(hvblk_lat_devs);
static bool hvblk_lat_on;
/* The module is initialised: the static key may be switched. */
static bool hvblk_lat_ready;
static struct dentry *hvblk_lat_dir;

static const char *const hvblk_lat_names[HVBLK_LAT_STAGES] = {
	[HVBLK_LAT_NOTIFY] = "notify_to_pop",
	[HVBLK_LAT_DISPATCH] = "pop_to_submit",
	[HVBLK_LAT_BACKEND] = "backend",
	[HVBLK_LAT_ANSWER] = "done_to_used",
	[HVBLK_LAT_INJECT] = "inject",
};

/*
 * Forget the notifies stamped before the breakdown was last switched off
 * (nothing stamps them while it is off). Under hvblk_lat_mutex.
 */
static void hvblk_lat_forget_notifies(void)
{
	struct hvblk_dev *dev;
	unsigned int i;

	list_for_each_entry(dev, &hvblk_lat_devs, lat_node)
		for (i = 0; i < dev->nr_queues; i++)
			atomic64_set(&dev->queues[i].lat_notify, 0);
}

/* Switch the static key to @on. Under hvblk_lat_mutex. */
static void hvblk_lat_apply(bool on)
{
	lockdep_assert_held(&hvblk_lat_mutex);
	if (on == static_key_enabled(&hvblk_lat_key))
		return;
	if (on) {
		/* Before the key: no stamp of the new period has the old. */
		WRITE_ONCE(hvblk_lat_seq, hvblk_lat_seq + 1);
		hvblk_lat_forget_notifies();
		static_branch_enable(&hvblk_lat_key);
	} else {
		static_branch_disable(&hvblk_lat_key);
	}
}

static int hvblk_lat_param_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int ret;

	ret = kstrtobool(val, &on);
	if (ret)
		return ret;
	mutex_lock(&hvblk_lat_mutex);
	hvblk_lat_on = on;
	/* At load time the key is switched by hvblk_lat_init(). */
	if (hvblk_lat_ready)
		hvblk_lat_apply(on);
	mutex_unlock(&hvblk_lat_mutex);
	return 0;
}

static const struct kernel_param_ops hvblk_lat_param_ops = {
	.set = hvblk_lat_param_set,
	.get = param_get_bool,
};

module_param_cb(blk_latency, &hvblk_lat_param_ops, &hvblk_lat_on, 0644);
MODULE_PARM_DESC(blk_latency,
		 "count the per-request latency breakdown of blk devices (debugfs hvisor_vhost_blk/latency; default off)");

/**
 * hvblk_lat_account() - count one answered request
 * @lat: its queue's counters
 * @t: its stamps
 * @used: when its answer was published in the used ring (ns)
 * @injected: when the injection of the interrupt returned (ns)
 *
 * Pure: the caller serialises @lat. A request missing a stamp (it did not
 * reach the backing, or the breakdown was switched during it) is not
 * counted. A stage that would be negative (stamps from two CPUs' clocks)
 * counts as 0, so every stage is counted for every request.
 *
 * Return: true when counted.
 */
bool hvblk_lat_account(struct hvblk_lat *lat, const struct hvblk_req_lat *t,
		       u64 used, u64 injected)
{
	const u64 at[HVBLK_LAT_STAGES + 1] = {
		t->notify, t->pop, t->submit, t->done, used, injected,
	};
	unsigned int i;
	u64 d;

	for (i = 0; i < ARRAY_SIZE(at); i++)
		if (!at[i])
			return false;
	lat->count++;
	if (t->polled)
		lat->polled++;
	for (i = 0; i < HVBLK_LAT_STAGES; i++) {
		d = at[i + 1] > at[i] ? at[i + 1] - at[i] : 0;
		lat->sum[i] += d;
		lat->max[i] = max(lat->max[i], d);
	}
	return true;
}

/**
 * __hvblk_lat_notify() - the module learned of a QueueNotify of @q
 * @q: the queue
 *
 * Any context (hvblk_notify()). Only the first notify since the poller
 * last took a chain is kept: the wait of a chain starts there.
 */
void __hvblk_lat_notify(struct hvblk_queue *q)
{
	atomic64_cmpxchg(&q->lat_notify, 0, ktime_get_ns());
}

/**
 * __hvblk_lat_pop() - @req was just taken from @q's avail ring
 * @q: the queue; kick_mutex held
 * @req: the request
 *
 * Takes the pending notify's time (first, so that a notify stamped after
 * this take is left for the next chain), then stamps the take.
 */
void __hvblk_lat_pop(struct hvblk_queue *q, struct hvblk_req *req)
{
	struct hvblk_req_lat *t = &req->lat;
	u64 notify = atomic64_xchg(&q->lat_notify, 0);

	lockdep_assert_held(&q->kick_mutex);
	t->seq = READ_ONCE(hvblk_lat_seq);
	t->pop = ktime_get_ns();
	t->polled = !notify;
	t->notify = notify ? notify : t->pop;
	t->submit = 0;
	t->done = 0;
}

/**
 * __hvblk_lat_answered() - count the requests of a published batch
 * @q: their queue; kick_mutex held
 * @reqs: the requests, answered by one used-ring update and interrupt
 * @n: entries in @reqs
 * @used: when the used-ring update was published
 */
void __hvblk_lat_answered(struct hvblk_queue *q, struct hvblk_req **reqs,
			  unsigned int n, u64 used)
{
	unsigned long seq = READ_ONCE(hvblk_lat_seq);
	u64 now = ktime_get_ns();
	unsigned int i;

	lockdep_assert_held(&q->kick_mutex);
	for (i = 0; i < n; i++)
		if (reqs[i]->lat.seq == seq)
			hvblk_lat_account(&q->lat, &reqs[i]->lat, used, now);
}

/**
 * hvblk_lat_add_dev() - list a new device in debugfs' latency file
 * @dev: the device, fully set up
 */
void hvblk_lat_add_dev(struct hvblk_dev *dev)
{
	mutex_lock(&hvblk_lat_mutex);
	list_add_tail(&dev->lat_node, &hvblk_lat_devs);
	mutex_unlock(&hvblk_lat_mutex);
}

/**
 * hvblk_lat_del_dev() - unlist a device before it is freed
 * @dev: the device (listed or not: lat_node initialised empty)
 *
 * A reader of the latency file holds hvblk_lat_mutex while it looks at a
 * device, so once this returns none does.
 */
void hvblk_lat_del_dev(struct hvblk_dev *dev)
{
	mutex_lock(&hvblk_lat_mutex);
	list_del_init(&dev->lat_node);
	mutex_unlock(&hvblk_lat_mutex);
}

/* The queues of @dev summed, each read at one instant. */
static void hvblk_lat_sum_dev(struct hvblk_dev *dev, struct hvblk_lat *sum)
{
	unsigned int i, s;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < dev->nr_queues; i++) {
		struct hvblk_queue *q = &dev->queues[i];

		mutex_lock(&q->kick_mutex);
		sum->count += q->lat.count;
		sum->polled += q->lat.polled;
		for (s = 0; s < HVBLK_LAT_STAGES; s++) {
			sum->sum[s] += q->lat.sum[s];
			sum->max[s] = max(sum->max[s], q->lat.max[s]);
		}
		mutex_unlock(&q->kick_mutex);
	}
}

static void hvblk_lat_show_dev(struct seq_file *m, struct hvblk_dev *dev)
{
	u32 id = READ_ONCE(dev->vdev.id);
	struct hvblk_lat l;
	unsigned int s;

	hvblk_lat_sum_dev(dev, &l);
	seq_printf(m, "dev %u queues %u requests %llu polled %llu\n", id,
		   dev->nr_queues, l.count, l.polled);
	for (s = 0; s < HVBLK_LAT_STAGES; s++)
		seq_printf(m, "dev %u stage %s count %llu sum_ns %llu max_ns %llu mean_ns %llu\n",
			   id, hvblk_lat_names[s], l.count, l.sum[s], l.max[s],
			   l.count ? div64_u64(l.sum[s], l.count) : 0);
}

static int hvblk_lat_show(struct seq_file *m, void *unused)
{
	struct hvblk_dev *dev;

	mutex_lock(&hvblk_lat_mutex);
	seq_printf(m, "enabled %d\n", static_key_enabled(&hvblk_lat_key));
	list_for_each_entry(dev, &hvblk_lat_devs, lat_node)
		hvblk_lat_show_dev(m, dev);
	mutex_unlock(&hvblk_lat_mutex);
	return 0;
}

static int hvblk_lat_open(struct inode *inode, struct file *file)
{
	return single_open(file, hvblk_lat_show, inode->i_private);
}

/* Any write resets the counters of every device. */
static ssize_t hvblk_lat_write(struct file *file, const char __user *buf,
			       size_t len, loff_t *ppos)
{
	struct hvblk_dev *dev;
	unsigned int i;

	mutex_lock(&hvblk_lat_mutex);
	list_for_each_entry(dev, &hvblk_lat_devs, lat_node) {
		for (i = 0; i < dev->nr_queues; i++) {
			struct hvblk_queue *q = &dev->queues[i];

			mutex_lock(&q->kick_mutex);
			memset(&q->lat, 0, sizeof(q->lat));
			mutex_unlock(&q->kick_mutex);
		}
	}
	mutex_unlock(&hvblk_lat_mutex);
	return len;
}

static const struct file_operations hvblk_lat_fops = {
	.owner = THIS_MODULE,
	.open = hvblk_lat_open,
	.read = seq_read,
	.write = hvblk_lat_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/**
 * hvblk_lat_init() - module load: debugfs, and the parameter's setting
 *
 * Return: 0 (debugfs is optional).
 */
int hvblk_lat_init(void)
{
	hvblk_lat_dir = debugfs_create_dir("hvisor_vhost_blk", NULL);
	debugfs_create_file("latency", 0644, hvblk_lat_dir, NULL,
			    &hvblk_lat_fops);
	mutex_lock(&hvblk_lat_mutex);
	hvblk_lat_ready = true;
	hvblk_lat_apply(hvblk_lat_on);
	mutex_unlock(&hvblk_lat_mutex);
	return 0;
}

/**
 * hvblk_lat_exit() - module unload, every device gone
 */
void hvblk_lat_exit(void)
{
	debugfs_remove_recursive(hvblk_lat_dir);
	hvblk_lat_dir = NULL;
	mutex_lock(&hvblk_lat_mutex);
	hvblk_lat_ready = false;
	hvblk_lat_apply(false);
	mutex_unlock(&hvblk_lat_mutex);
}
