/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xldrv_blkmap: serve blkif rings from a driver domain, on top of the
 * block devices of the reused (unmodified) Linux driver.
 *
 * Data moves by grant copy: the mapper never maps a client's memory, it
 * copies between the client's granted pages and pages of its own, and
 * the block layer only ever sees the mapper's pages.  So nothing a client
 * does to its pages after a request was checked can reach the disk, and a
 * client's grants are never in use by the driver.
 */
#ifndef XLDRV_BLKMAP_H
#define XLDRV_BLKMAP_H

#include <linux/blkdev.h>
#include <linux/interrupt.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <xen/xenbus.h>
#include <xen/grant_table.h>
#include <xen/interface/io/blkif.h>

#include "req.h"

/*
 * Rings of up to 2^max_ring_page_order pages (a module parameter, no more
 * than xenbus can map).  Pending requests and the data pages behind them
 * are allocated when a frontend connects, sized to the ring it brings.
 */
#define XLDRV_BLKMAP_MAX_RING_ORDER XENBUS_MAX_RING_GRANT_ORDER
/* Grant copies handed to Xen in one hypercall, at most. */
#define XLDRV_BLKMAP_BATCH (2 * XLDRV_BLKMAP_MAX_SEGS)

extern unsigned int xldrv_blkmap_max_ring_order;
extern unsigned int xldrv_blkmap_pool_pages;

/* One request between the ring and its response. */
struct xldrv_blkmap_pending {
	struct list_head node;		/* free, batch or done list */
	struct xldrv_blkmap_dev *dev;
	struct xldrv_blkmap_req req;
	struct page *pages[XLDRV_BLKMAP_MAX_SEGS];	/* from the pool */
	unsigned int copy_first;	/* its grant copies in dev->copy */
	atomic_t bios;			/* bios still in flight */
	int status;			/* BLKIF_RSP_* */
	bool io_failed;			/* the disk failed a bio of it */
	bool offline;			/* ... saying it is offline */
};

struct xldrv_blkmap_stats {
	atomic64_t requests;
	atomic64_t read_bytes;
	atomic64_t write_bytes;
	atomic64_t flushes;
	atomic64_t barriers;
	atomic64_t discards;
	atomic64_t indirect;
	atomic64_t io_errors;
	atomic64_t grant_errors;
	atomic64_t grant_copies;
	atomic64_t grant_hypercalls;
	atomic64_t notifies;
	atomic64_t spurious_events;
	atomic64_t unanswered;		/* failed by a disk that went */
	atomic64_t refused[XLDRV_BLKMAP_NR_VERDICTS];
};

struct xldrv_blkmap_dev {
	struct xenbus_device *xdev;
	struct delayed_work rm_work;	/* our directory, after a detach */
	domid_t domid;			/* the client */
	enum xenbus_state state;	/* the backend's, as last set */
	struct mutex state_lock;	/* state moves */
	/*
	 * The ring thread's fatal error, for fatal_work to publish under
	 * state_lock (xldrv_blkmap_fatal()); NULL once published or
	 * disconnected.
	 */
	struct work_struct fatal_work;
	const char *fatal_why;
	int fatal_err;

	struct block_device *bdev;
	fmode_t fmode;
	struct xldrv_blkmap_limits lim;
	unsigned int discard_granularity, discard_alignment;

	/* Set while connected; ring_lock keeps sysfs readers off a ring
	 * being mapped or unmapped.
	 */
	struct mutex ring_lock;
	struct blkif_back_ring ring;
	void *ring_va;
	unsigned int ring_pages;
	unsigned int nr_slots;		/* requests the ring holds */
	int irq;
	struct task_struct *thread;
	wait_queue_head_t wq;
	bool kick;			/* the frontend notified */
	atomic_t eoi_pending;		/* its event awaits a late EOI */
	bool broken;			/* hostile frontend: stop serving */
	bool disk_gone;			/* the disk went: stop answering */

	/* The ring thread's own, while connected. */
	struct xldrv_blkmap_pending *pending;	/* nr_slots of them */
	struct list_head free;
	unsigned int inflight;		/* read by sysfs too */
	struct page **pool;		/* data pages not in use */
	unsigned int pool_size, pool_free;
	struct page *indirect_pages[XLDRV_BLKMAP_MAX_INDIRECT_PAGES];
	/* Checked, taken off the ring, but waiting: a barrier for the
	 * requests before it, or any request for enough free pages.
	 */
	struct xldrv_blkmap_pending *held;
	bool barrier_active;		/* nothing starts until it is done */
	unsigned int eoi_work;		/* requests taken since the last EOI */
	struct gnttab_copy copy[XLDRV_BLKMAP_BATCH];
	unsigned int nr_copies;
	struct list_head batch;		/* requests whose copies are queued */

	spinlock_t done_lock;		/* done: bio completions add to it */
	struct list_head done;		/* completed I/O, for the thread */

	struct xldrv_blkmap_stats stats;
};

int xldrv_blkmap_xenbus_init(void);
void xldrv_blkmap_fatal(struct xldrv_blkmap_dev *dev, int err,
			const char *why);
void xldrv_blkmap_xenbus_exit(void);

int xldrv_blkmap_ring_alloc(struct xldrv_blkmap_dev *dev, unsigned int slots);
void xldrv_blkmap_ring_free(struct xldrv_blkmap_dev *dev);
int xldrv_blkmap_ring_thread(void *data);
irqreturn_t xldrv_blkmap_interrupt(int irq, void *data);

int xldrv_blkmap_sysfs_add(struct xldrv_blkmap_dev *dev);
void xldrv_blkmap_sysfs_del(struct xldrv_blkmap_dev *dev);

/*
 * The disk was removed under us: the toolstack taking the controller
 * away (`xl destroy` and `xl pci-detach` unplug it from the running
 * driver domain first), or the controller's driver giving it up.
 */
static inline bool xldrv_blkmap_disk_dead(struct xldrv_blkmap_dev *dev)
{
	struct gendisk *disk = dev->bdev->bd_disk;

	return !disk_live(disk) || test_bit(GD_DEAD, &disk->state);
}

/* health.c: a disk that fails request after request is reported dead. */
void xldrv_blkmap_io_result(struct xldrv_blkmap_dev *dev, bool failed);

#endif /* XLDRV_BLKMAP_H */
