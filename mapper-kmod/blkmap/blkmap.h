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
#include <linux/wait.h>
#include <xen/xenbus.h>
#include <xen/grant_table.h>
#include <xen/interface/io/blkif.h>

#include "req.h"

#define XLDRV_BLKMAP_RING_SIZE __CONST_RING_SIZE(blkif, XEN_PAGE_SIZE)

/* One request between the ring and its response. */
struct xldrv_blkmap_pending {
	struct list_head node;		/* free list, or done list */
	struct xldrv_blkmap_dev *dev;
	struct xldrv_blkmap_req req;
	struct page *pages[BLKIF_MAX_SEGMENTS_PER_REQUEST];
	struct gnttab_copy copy[BLKIF_MAX_SEGMENTS_PER_REQUEST];
	atomic_t bios;			/* bios still in flight */
	int status;			/* BLKIF_RSP_* */
};

struct xldrv_blkmap_stats {
	atomic64_t requests;
	atomic64_t read_bytes;
	atomic64_t write_bytes;
	atomic64_t flushes;
	atomic64_t io_errors;
	atomic64_t grant_errors;
	atomic64_t grant_copies;
	atomic64_t notifies;
	atomic64_t refused[XLDRV_BLKMAP_NR_VERDICTS];
};

struct xldrv_blkmap_dev {
	struct xenbus_device *xdev;
	domid_t domid;			/* the client */
	enum xenbus_state state;	/* the backend's, as last set */

	struct block_device *bdev;
	fmode_t fmode;
	struct xldrv_blkmap_limits lim;

	/* Set while connected. */
	struct blkif_back_ring ring;
	void *ring_va;
	int irq;
	struct task_struct *thread;
	wait_queue_head_t wq;
	bool kick;			/* the frontend notified */
	bool broken;			/* hostile frontend: stop serving */

	struct xldrv_blkmap_pending pending[XLDRV_BLKMAP_RING_SIZE];
	struct list_head free;		/* thread only */
	spinlock_t done_lock;
	struct list_head done;		/* completed I/O, for the thread */
	unsigned int inflight;		/* thread only */

	struct xldrv_blkmap_stats stats;
};

int xldrv_blkmap_xenbus_init(void);
void xldrv_blkmap_xenbus_exit(void);

int xldrv_blkmap_ring_alloc(struct xldrv_blkmap_dev *dev);
void xldrv_blkmap_ring_free(struct xldrv_blkmap_dev *dev);
int xldrv_blkmap_ring_thread(void *data);
irqreturn_t xldrv_blkmap_interrupt(int irq, void *data);

int xldrv_blkmap_sysfs_add(struct xldrv_blkmap_dev *dev);
void xldrv_blkmap_sysfs_del(struct xldrv_blkmap_dev *dev);

#endif /* XLDRV_BLKMAP_H */
