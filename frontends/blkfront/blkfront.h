/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xldrv_blkfront: a blkif frontend that survives its backend.  When the
 * driver domain serving a disk dies or is restarted, the disk stays: I/O
 * in flight is kept in the shadow table (shadow.h), new I/O waits in
 * blk-mq, and everything is replayed on the ring of the next backend,
 * whichever domain that is.  Only after recovery_timeout_s without a
 * backend does the I/O fail.
 *
 * Data: with a trusted backend (our `trusted` parameter and the
 * toolstack's "trusted" node, as xen-blkfront reads them) the block
 * layer's own pages are granted, as xen-blkfront does; with an untrusted
 * one it goes through pages of our own (bounce pages), so that the
 * backend sees nothing else of a page a sector shares with other data.
 * A granted page is only ever given back or reused once its grant is
 * over: a dead or hung backend domain may still map it.  A bounce page
 * it still maps is handed to the grant table code to free when it is
 * not, and the slot gets another.  A block layer page cannot be handed
 * over: its grant stays with the request ("lingers"), which is neither
 * completed nor replayed until the grant ends (ring.c).  The pages of an
 * indirect request's segment list are ours, and treated as bounce pages.
 *
 * A disk's segments per request (blk->segs) are fixed when it is made,
 * from its first backend's feature-max-indirect-segments and our
 * max_indirect_segments parameter: the queue's limits, and the requests
 * held across a restart, are built on them.  A later backend that takes
 * fewer is refused, as one with another sector size is: held I/O waits
 * for a backend that fits, or for the recovery timeout.
 */
#ifndef XLDRV_BLKFRONT_H
#define XLDRV_BLKFRONT_H

#include <linux/blk-mq.h>
#include <linux/interrupt.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <xen/grant_table.h>
#include <xen/xenbus.h>
#include <xen/interface/io/blkif.h>

#include "../common/follow.h"
#include "../common/strand.h"
#include "shadow.h"

/* Linux's xvd major: held by xen-blkfront or by us, never both. */
#define XLDRV_BLKFRONT_MAJOR 202

extern unsigned int xldrv_blkfront_recovery_timeout_s;
extern unsigned int xldrv_blkfront_max_indirect_segments;
extern bool xldrv_blkfront_trusted;

enum xldrv_blkfront_conn {
	XLDRV_BLKFRONT_DOWN,	/* no ring: I/O is held (or failed, after the timeout) */
	XLDRV_BLKFRONT_RING,	/* ring offered, backend not yet Connected */
	XLDRV_BLKFRONT_UP,	/* connected */
};

/*
 * Per shadow slot: what its request holds besides the shadow entry.  The
 * arrays have the disk's blk->segs entries, made with the disk.
 */
struct xldrv_blkfront_slot {
	struct scatterlist *sg;
	unsigned int nr_sg;
	struct page **pages;		/* bounce pages, ours, as needed */
	bool bounce;			/* its data went through them */
	/*
	 * Data grants not ended yet: to the current backend, or (block
	 * layer pages) lingering from an earlier one that still maps them.
	 */
	grant_ref_t *grefs;
	unsigned int nr_grants;
	/* An indirect request's segment list: ours too, granted read-only. */
	struct page *ind_pages[XLDRV_BLKFRONT_MAX_IND_PAGES];
	grant_ref_t ind_grefs[XLDRV_BLKFRONT_MAX_IND_PAGES];
	unsigned int nr_ind_grants;
};

/* blk-mq's per-request data: how it ends, once off the lock. */
struct xldrv_blkfront_rq {
	blk_status_t status;
};

struct xldrv_blkfront {
	struct xenbus_device *xdev;
	/* Serialises the xenbus side: update(), the reset work, remove. */
	struct mutex mutex;
	/* The ring, the shadow table, conn and failed: shared with the
	 * interrupt handler and queue_rq.
	 */
	spinlock_t lock;

	/* The backend we follow: what our "backend" node names now. */
	struct xldrv_follow follow;
	bool removing;
	/* This backend's disk does not fit ours, or it broke it (strand). */
	bool refused;

	u16 handle;
	unsigned int vdevice;

	/*
	 * What the backend we offered the ring to says of its disk, read
	 * as soon as it has it (xldrv_blkmap: before its InitWait), so
	 * that its Connected finds nothing left to read; and what the
	 * toolstack says of that backend, read with the ring.
	 */
	struct xldrv_blkfront_params {
		u64 sectors;
		unsigned int sector_size;
		unsigned int segs;	/* xldrv_blkfront_backend_segs() */
		bool flush;
		bool readonly;
	} params;
	bool have_params;
	bool next_bounce;

	enum xldrv_blkfront_conn conn;
	bool failed;		/* recovery timed out: I/O fails at once */
	bool reset;		/* the ring is broken: make the backend let go */
	/*
	 * Bounce and indirect pages the backend answered and kept mapped,
	 * which only the grant table code frees (common/strand.h); reset
	 * with each backend we follow.
	 */
	struct xldrv_strand strand;

	struct page *ring_page;
	grant_ref_t ring_ref;
	struct blkif_front_ring ring;
	evtchn_port_t evtchn;
	int irq;

	struct xldrv_blkfront_shadow sh;
	struct xldrv_blkfront_shadow_ent *ent;
	struct xldrv_blkfront_slot *slots;

	struct blk_mq_tag_set tag_set;
	struct gendisk *disk;
	u64 sectors;
	unsigned int sector_size;
	unsigned int segs;	/* per request, fixed with the disk */
	bool flush;		/* feature-flush-cache */
	bool readonly;
	bool bounce;		/* backend untrusted: data via our own pages */

	/*
	 * The recovery deadline: armed when a backend is lost, and over only
	 * once everything held has gone out to a connected one (replay_work).
	 */
	struct delayed_work recovery_work;
	struct delayed_work replay_work;
	struct work_struct reset_work;
	struct work_struct scan_work;	/* the first partition scan */
};

/* ring.c */
int xldrv_blkfront_issue(struct xldrv_blkfront *blk, int slot);
unsigned int xldrv_blkfront_end_grants(struct xldrv_blkfront *blk, int slot);
void xldrv_blkfront_release_grants(struct xldrv_blkfront *blk, int slot);
void xldrv_blkfront_replay_work(struct work_struct *work);
irqreturn_t xldrv_blkfront_interrupt(int irq, void *data);
void xldrv_blkfront_notify(struct xldrv_blkfront *blk);

/* disk.c */
int xldrv_blkfront_disk_add(struct xldrv_blkfront *blk);
void xldrv_blkfront_disk_del(struct xldrv_blkfront *blk);
void xldrv_blkfront_scan_work(struct work_struct *work);
void xldrv_blkfront_finish(struct xldrv_blkfront *blk, int slot,
			   blk_status_t status, struct list_head *done);
void xldrv_blkfront_end_done(struct list_head *done);
void xldrv_blkfront_fail_all(struct xldrv_blkfront *blk, bool deadline);

/* xenbus.c */
int xldrv_blkfront_xenbus_init(void);
void xldrv_blkfront_xenbus_exit(void);

#endif /* XLDRV_BLKFRONT_H */
