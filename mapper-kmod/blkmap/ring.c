// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv_blkmap: the data path.  One kernel thread per device consumes the
 * ring, copies write data in, submits bios, and, as bios complete, copies
 * read data out and answers.  Only the thread touches the ring, the free
 * list, the page pool and the copy batch; bio completions hand requests
 * back on the done list.
 *
 * Grant copies are batched: every write taken off the ring in one pass,
 * and every read completed since the last pass, share one hypercall, and
 * the responses of a pass share one notification.  That is what keeps
 * grant copy ahead of blkback's persistent grants (docs/blkmap.md).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/ratelimit.h>
#include <linux/vmalloc.h>
#include <xen/events.h>
#include <xen/page.h>

#include "blkmap.h"

/*
 * Sized to the ring the frontend brought: one pending request per slot,
 * and data pages for every slot's direct segments, within pool_pages but
 * never fewer than the largest indirect request needs.
 */
int xldrv_blkmap_ring_alloc(struct xldrv_blkmap_dev *dev, unsigned int slots)
{
	unsigned int i, pages;

	INIT_LIST_HEAD(&dev->free);
	INIT_LIST_HEAD(&dev->done);
	INIT_LIST_HEAD(&dev->batch);
	spin_lock_init(&dev->done_lock);
	dev->held = NULL;
	dev->barrier_active = false;
	dev->nr_copies = 0;
	dev->inflight = 0;
	dev->eoi_work = 0;

	dev->pending = kvcalloc(slots, sizeof(*dev->pending), GFP_KERNEL);
	if (!dev->pending)
		return -ENOMEM;
	dev->nr_slots = slots;
	for (i = 0; i < slots; i++) {
		dev->pending[i].dev = dev;
		list_add_tail(&dev->pending[i].node, &dev->free);
	}

	pages = min(slots * BLKIF_MAX_SEGMENTS_PER_REQUEST,
		    xldrv_blkmap_pool_pages);
	pages = max(pages, XLDRV_BLKMAP_MAX_SEGS);
	dev->pool = kvcalloc(pages, sizeof(*dev->pool), GFP_KERNEL);
	if (!dev->pool)
		goto err_free;
	while (dev->pool_size < pages) {
		dev->pool[dev->pool_size] = alloc_page(GFP_KERNEL);
		if (!dev->pool[dev->pool_size])
			goto err_free;
		dev->pool_free = ++dev->pool_size;
	}

	for (i = 0; i < XLDRV_BLKMAP_MAX_INDIRECT_PAGES; i++) {
		dev->indirect_pages[i] = alloc_page(GFP_KERNEL);
		if (!dev->indirect_pages[i])
			goto err_free;
	}
	return 0;

err_free:
	xldrv_blkmap_ring_free(dev);
	return -ENOMEM;
}

/* Only once the thread is gone: every page is back in the pool then. */
void xldrv_blkmap_ring_free(struct xldrv_blkmap_dev *dev)
{
	unsigned int i;

	for (i = 0; i < XLDRV_BLKMAP_MAX_INDIRECT_PAGES; i++) {
		if (dev->indirect_pages[i])
			__free_page(dev->indirect_pages[i]);
		dev->indirect_pages[i] = NULL;
	}
	if (dev->pool) {
		WARN_ON(dev->pool_free != dev->pool_size);
		for (i = 0; i < dev->pool_free; i++)
			__free_page(dev->pool[i]);
		kvfree(dev->pool);
	}
	dev->pool = NULL;
	dev->pool_size = dev->pool_free = 0;
	kvfree(dev->pending);
	dev->pending = NULL;
	dev->nr_slots = 0;
}

/*
 * The EOI waits for the thread (see xldrv_blkmap_eoi): until then Xen
 * sends this device no further event, so a frontend that notifies in a
 * loop cannot keep the driver domain in its interrupt handler.
 */
irqreturn_t xldrv_blkmap_interrupt(int irq, void *data)
{
	struct xldrv_blkmap_dev *dev = data;

	atomic_set(&dev->eoi_pending, 1);
	smp_wmb(); /* a thread that sees the kick sees the EOI to send */
	WRITE_ONCE(dev->kick, true);
	wake_up(&dev->wq);
	return IRQ_HANDLED;
}

/*
 * Called once the ring has been looked at: an event that brought no
 * request since the last EOI is spurious, and Xen delays the next one
 * more each time in a row that happens.
 */
static void xldrv_blkmap_eoi(struct xldrv_blkmap_dev *dev)
{
	unsigned int flags = 0;

	if (!atomic_xchg(&dev->eoi_pending, 0))
		return;
	if (!dev->eoi_work) {
		flags = XEN_EOI_FLAG_SPURIOUS;
		atomic64_inc(&dev->stats.spurious_events);
	}
	dev->eoi_work = 0;
	xen_irq_lateeoi(dev->irq, flags);
}

/* Responses become visible to the frontend in xldrv_blkmap_push(). */
static void xldrv_blkmap_respond(struct xldrv_blkmap_dev *dev, u64 id, u8 op,
				 int status)
{
	struct blkif_response *rsp;

	rsp = RING_GET_RESPONSE(&dev->ring, dev->ring.rsp_prod_pvt);
	rsp->id = id;
	rsp->operation = op;
	rsp->status = status;
	dev->ring.rsp_prod_pvt++;
}

static void xldrv_blkmap_push(struct xldrv_blkmap_dev *dev)
{
	int notify;

	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&dev->ring, notify);
	if (notify) {
		atomic64_inc(&dev->stats.notifies);
		notify_remote_via_irq(dev->irq);
	}
}

static void xldrv_blkmap_finish(struct xldrv_blkmap_pending *p)
{
	struct xldrv_blkmap_dev *dev = p->dev;
	unsigned int i;

	if (p->req.op == BLKIF_OP_WRITE_BARRIER)
		dev->barrier_active = false;
	if (p->io_failed && (p->offline || xldrv_blkmap_disk_dead(dev))) {
		/*
		 * Failed because the disk is gone, not because of what the
		 * client asked: left unanswered.  A restart-aware frontend
		 * keeps it and gives it to the next backend (the driver
		 * domain is usually being destroyed: the toolstack takes
		 * the controller away first); an error would be final for
		 * data the client still holds.  The ring thread closes the
		 * device, so nobody waits on it forever.
		 */
		dev->disk_gone = true;
		atomic64_inc(&dev->stats.unanswered);
	} else {
		/* For an indirect request, its inner operation: what
		 * blkfront (and blkback) check and send.
		 */
		xldrv_blkmap_respond(dev, p->req.id, p->req.op, p->status);
	}
	/* Only what reached the disk: a bad grant says nothing of it. */
	if (!dev->disk_gone && (p->io_failed || p->status == BLKIF_RSP_OKAY))
		xldrv_blkmap_io_result(dev, p->io_failed);
	for (i = 0; i < p->req.nr_segs; i++)
		dev->pool[dev->pool_free++] = p->pages[i];
	list_add(&p->node, &dev->free);
	dev->inflight--;
}

static void xldrv_blkmap_end_io(struct bio *bio)
{
	struct xldrv_blkmap_pending *p = bio->bi_private;
	struct xldrv_blkmap_dev *dev = p->dev;
	unsigned long flags;

	if (bio->bi_status == BLK_STS_NOTSUPP) {
		/*
		 * The disk does not do it (a discard, a flush): blkif's
		 * answer for that makes the frontend stop asking, and it
		 * says nothing of a failing disk.
		 */
		if (p->status == BLKIF_RSP_OKAY)
			p->status = BLKIF_RSP_EOPNOTSUPP;
	} else if (bio->bi_status) {
		p->status = BLKIF_RSP_ERROR;
		p->io_failed = true;
		if (bio->bi_status == BLK_STS_OFFLINE)
			p->offline = true;
		atomic64_inc(&dev->stats.io_errors);
	}
	bio_put(bio);
	if (!atomic_dec_and_test(&p->bios))
		return;
	/*
	 * Wake under the lock: once the thread can reap @p it may finish
	 * and the device be freed, so nothing here may touch it after.
	 */
	spin_lock_irqsave(&dev->done_lock, flags);
	list_add_tail(&p->node, &dev->done);
	wake_up(&dev->wq);
	spin_unlock_irqrestore(&dev->done_lock, flags);
}

static struct bio *xldrv_blkmap_bio(struct xldrv_blkmap_pending *p,
				   blk_opf_t opf, unsigned int nr_vecs,
				   sector_t sector)
{
	struct bio *bio = bio_alloc(p->dev->bdev, nr_vecs, opf, GFP_NOIO);

	bio->bi_iter.bi_sector = sector;
	bio->bi_end_io = xldrv_blkmap_end_io;
	bio->bi_private = p;
	return bio;
}

static void xldrv_blkmap_submit_discard(struct xldrv_blkmap_pending *p)
{
	struct xldrv_blkmap_dev *dev = p->dev;
	struct bio *bio = NULL;
	int err;

	atomic64_inc(&dev->stats.discards);
	err = __blkdev_issue_discard(dev->bdev, p->req.sector, p->req.nr_sects,
				     GFP_NOIO, &bio);
	if (err || !bio) {
		/* Nothing the device could discard is not an error. */
		if (err) {
			p->status = err == -EOPNOTSUPP ? BLKIF_RSP_EOPNOTSUPP :
							 BLKIF_RSP_ERROR;
			atomic64_inc(&dev->stats.io_errors);
		}
		xldrv_blkmap_finish(p);
		return;
	}
	/* The bios are chained: the last one ends when all have. */
	bio->bi_end_io = xldrv_blkmap_end_io;
	bio->bi_private = p;
	atomic_set(&p->bios, 1);
	submit_bio(bio);
}

/*
 * Turn a checked request into bios on the mapper's pages.  The bios are
 * all built before any is submitted, so the request's count of bios in
 * flight cannot reach zero early.
 */
static void xldrv_blkmap_submit(struct xldrv_blkmap_pending *p)
{
	struct xldrv_blkmap_req *req = &p->req;
	struct bio_list bios;
	struct bio *bio = NULL;
	sector_t sector = req->sector;
	blk_opf_t opf;
	unsigned int i;

	switch (req->op) {
	case BLKIF_OP_READ:
		opf = REQ_OP_READ;
		break;
	case BLKIF_OP_WRITE:
		/*
		 * As O_DIRECT writes (and blkback) are: without REQ_IDLE,
		 * writeback throttling takes these for background writeback
		 * and holds the queue depth down, which cost random writes
		 * a fifth of their IOPS in the lab.
		 */
		opf = REQ_OP_WRITE | REQ_SYNC | REQ_IDLE;
		break;
	case BLKIF_OP_DISCARD:
		xldrv_blkmap_submit_discard(p);
		return;
	default: /* flush or barrier, with or without data */
		opf = REQ_OP_WRITE | REQ_SYNC | REQ_IDLE | REQ_PREFLUSH |
		      (req->nr_segs ? REQ_FUA : 0);
		atomic64_inc(&p->dev->stats.flushes);
		break;
	}

	bio_list_init(&bios);
	if (!req->nr_segs) {
		bio_list_add(&bios, xldrv_blkmap_bio(p, opf, 0, 0));
	} else {
		for (i = 0; i < req->nr_segs; i++) {
			const struct xldrv_blkmap_seg *seg = &req->segs[i];
			unsigned int len = (seg->last_sect - seg->first_sect + 1) << 9;

			if (!bio || !bio_add_page(bio, p->pages[i], len,
						  seg->first_sect << 9)) {
				bio = xldrv_blkmap_bio(p, opf,
						       min_t(unsigned int,
							     req->nr_segs - i,
							     BIO_MAX_VECS),
						       sector);
				bio_list_add(&bios, bio);
				bio_add_page(bio, p->pages[i], len,
					     seg->first_sect << 9);
			}
			sector += len >> 9;
		}
	}
	atomic_set(&p->bios, bio_list_size(&bios));
	while ((bio = bio_list_pop(&bios)))
		submit_bio(bio);
}

/*
 * Hand the queued grant copies to Xen in one hypercall, then move each
 * request on: a write to the disk, a read to its response.  A grant the
 * client does not own, or one it granted read-only for a read, fails
 * that request only.
 */
static void xldrv_blkmap_batch_flush(struct xldrv_blkmap_dev *dev)
{
	struct xldrv_blkmap_pending *p, *tmp;
	unsigned int i;

	if (dev->nr_copies) {
		gnttab_batch_copy(dev->copy, dev->nr_copies);
		atomic64_add(dev->nr_copies, &dev->stats.grant_copies);
		atomic64_inc(&dev->stats.grant_hypercalls);
	}
	list_for_each_entry_safe(p, tmp, &dev->batch, node) {
		bool read = p->req.op == BLKIF_OP_READ;

		list_del(&p->node);
		for (i = 0; i < p->req.nr_segs; i++) {
			const struct gnttab_copy *op = &dev->copy[p->copy_first + i];

			if (op->status == GNTST_okay)
				continue;
			atomic64_inc(&dev->stats.grant_errors);
			pr_warn_ratelimited("dom%u %s: grant copy of ref %u failed: %d\n",
					    dev->domid, dev->xdev->nodename,
					    p->req.segs[i].gref, op->status);
			p->status = BLKIF_RSP_ERROR;
			break;
		}
		if (p->status == BLKIF_RSP_OKAY)
			atomic64_add(p->req.nr_sects << 9,
				     read ? &dev->stats.read_bytes :
					    &dev->stats.write_bytes);
		if (read || p->status != BLKIF_RSP_OKAY)
			xldrv_blkmap_finish(p);
		else
			xldrv_blkmap_submit(p);
	}
	dev->nr_copies = 0;
}

/* Queue the copies of @p's data: in for writes, out for reads. */
static void xldrv_blkmap_batch_add(struct xldrv_blkmap_dev *dev,
				   struct xldrv_blkmap_pending *p)
{
	bool to_client = p->req.op == BLKIF_OP_READ;
	unsigned int i;

	if (dev->nr_copies + p->req.nr_segs > XLDRV_BLKMAP_BATCH)
		xldrv_blkmap_batch_flush(dev);
	p->copy_first = dev->nr_copies;
	for (i = 0; i < p->req.nr_segs; i++) {
		const struct xldrv_blkmap_seg *seg = &p->req.segs[i];
		struct gnttab_copy *op = &dev->copy[dev->nr_copies++];
		struct gnttab_copy_ptr *guest, *mine;

		memset(op, 0, sizeof(*op));
		guest = to_client ? &op->dest : &op->source;
		mine = to_client ? &op->source : &op->dest;
		guest->u.ref = seg->gref;
		guest->domid = dev->domid;
		guest->offset = seg->first_sect << 9;
		mine->u.gmfn = xen_page_to_gfn(p->pages[i]);
		mine->domid = DOMID_SELF;
		mine->offset = seg->first_sect << 9;
		op->len = (seg->last_sect - seg->first_sect + 1) << 9;
		op->flags = to_client ? GNTCOPY_dest_gref : GNTCOPY_source_gref;
	}
	list_add_tail(&p->node, &dev->batch);
}

static void xldrv_blkmap_reap(struct xldrv_blkmap_dev *dev)
{
	struct xldrv_blkmap_pending *p, *tmp;
	LIST_HEAD(done);

	spin_lock_irq(&dev->done_lock);
	list_splice_init(&dev->done, &done);
	spin_unlock_irq(&dev->done_lock);

	list_for_each_entry_safe(p, tmp, &done, node) {
		list_del(&p->node);
		if (p->req.op == BLKIF_OP_READ && p->status == BLKIF_RSP_OKAY)
			xldrv_blkmap_batch_add(dev, p);
		else
			xldrv_blkmap_finish(p);
	}
	xldrv_blkmap_batch_flush(dev);
}

/*
 * An indirect request's segment lists live in pages the client granted:
 * copy them into the mapper's own pages, then check them there, where
 * the client cannot change them any more.
 */
static enum xldrv_blkmap_verdict
xldrv_blkmap_read_indirect(struct xldrv_blkmap_dev *dev,
			   struct xldrv_blkmap_req *req)
{
	struct gnttab_copy op[XLDRV_BLKMAP_MAX_INDIRECT_PAGES];
	enum xldrv_blkmap_verdict v;
	unsigned int i, first, n;

	for (i = 0; i < req->nr_indirect_pages; i++) {
		first = i * XLDRV_BLKMAP_SEGS_PER_INDIRECT_PAGE;
		n = min(req->nr_segs - first,
			XLDRV_BLKMAP_SEGS_PER_INDIRECT_PAGE);
		memset(&op[i], 0, sizeof(op[i]));
		op[i].source.u.ref = req->indirect_grefs[i];
		op[i].source.domid = dev->domid;
		op[i].dest.u.gmfn = xen_page_to_gfn(dev->indirect_pages[i]);
		op[i].dest.domid = DOMID_SELF;
		op[i].len = n * sizeof(struct blkif_request_segment);
		op[i].flags = GNTCOPY_source_gref;
	}
	gnttab_batch_copy(op, req->nr_indirect_pages);
	atomic64_add(req->nr_indirect_pages, &dev->stats.grant_copies);
	atomic64_inc(&dev->stats.grant_hypercalls);

	for (i = 0; i < req->nr_indirect_pages; i++) {
		if (op[i].status != GNTST_okay) {
			atomic64_inc(&dev->stats.grant_errors);
			return XLDRV_BLKMAP_BAD_GRANT;
		}
		first = i * XLDRV_BLKMAP_SEGS_PER_INDIRECT_PAGE;
		n = min(req->nr_segs - first,
			XLDRV_BLKMAP_SEGS_PER_INDIRECT_PAGE);
		v = xldrv_blkmap_parse_indirect(page_address(dev->indirect_pages[i]),
						first, n, &dev->lim, req);
		if (v)
			return v;
	}
	atomic64_inc(&dev->stats.indirect);
	return xldrv_blkmap_check_range(&dev->lim, req);
}

/*
 * Start @p if it may start now: a barrier only once everything before it
 * has completed, any request only when the pool has its pages.  False
 * leaves @p to the caller to hold.
 */
static bool xldrv_blkmap_start(struct xldrv_blkmap_dev *dev,
			       struct xldrv_blkmap_pending *p)
{
	unsigned int i;

	if (p->req.op == BLKIF_OP_WRITE_BARRIER && dev->inflight)
		return false;
	if (p->req.nr_segs > dev->pool_free)
		return false;

	for (i = 0; i < p->req.nr_segs; i++)
		p->pages[i] = dev->pool[--dev->pool_free];
	dev->inflight++;
	p->status = BLKIF_RSP_OKAY;
	p->io_failed = false;
	p->offline = false;

	switch (p->req.op) {
	case BLKIF_OP_READ:
		xldrv_blkmap_submit(p);
		break;
	case BLKIF_OP_WRITE_BARRIER:
		atomic64_inc(&dev->stats.barriers);
		dev->barrier_active = true;
		fallthrough;
	case BLKIF_OP_WRITE:
	case BLKIF_OP_FLUSH_DISKCACHE:
		if (p->req.nr_segs) {
			xldrv_blkmap_batch_add(dev, p);
			break;
		}
		fallthrough;
	default: /* no data: flush, barrier or discard */
		/* After the writes taken before it, not ahead of them. */
		xldrv_blkmap_batch_flush(dev);
		xldrv_blkmap_submit(p);
		break;
	}
	return true;
}

static void xldrv_blkmap_refuse(struct xldrv_blkmap_dev *dev,
				const struct blkif_request *copy,
				struct xldrv_blkmap_req *req,
				enum xldrv_blkmap_verdict v)
{
	atomic64_inc(&dev->stats.refused[v]);
	pr_info_ratelimited("dom%u %s: request %llu (op %u) refused: %s\n",
			    dev->domid, dev->xdev->nodename, req->id,
			    copy->operation, xldrv_blkmap_verdict_name[v]);
	xldrv_blkmap_respond(dev, req->id, req->op, xldrv_blkmap_status(v));
}

/*
 * Take what the frontend produced, as far as free request slots go: when
 * they run out, or a request must wait, completions wake the thread,
 * which comes back here.
 */
static void xldrv_blkmap_consume(struct xldrv_blkmap_dev *dev)
{
	struct blkif_back_ring *ring = &dev->ring;
	struct blkif_request copy;
	struct xldrv_blkmap_pending *p;
	enum xldrv_blkmap_verdict v;
	struct blk_plug plug;
	RING_IDX rc, rp;

	/* What it takes is failed by the disk, and left unanswered. */
	if (dev->disk_gone)
		return;
	if (dev->held) {
		if (dev->barrier_active || !xldrv_blkmap_start(dev, dev->held))
			return;
		dev->held = NULL;
	}

	rc = ring->req_cons;
	rp = READ_ONCE(ring->sring->req_prod);
	virt_rmb(); /* requests up to rp are visible once rp is read */
	if (RING_REQUEST_PROD_OVERFLOW(ring, rp)) {
		pr_warn_ratelimited("dom%u %s: frontend claims %u requests on a ring of %u: closing the device\n",
				    dev->domid, dev->xdev->nodename,
				    rp - rc, RING_SIZE(ring));
		WRITE_ONCE(dev->broken, true);
		/*
		 * The held request started above is counted in flight: its
		 * copies and bio must go to the disk, or the drain at close
		 * would wait for it for ever, in the xenwatch thread.
		 */
		xldrv_blkmap_batch_flush(dev);
		return;
	}
	/* The bios of one pass reach the disk's queue together. */
	blk_start_plug(&plug);
	while (rc != rp && !list_empty(&dev->free) && !dev->barrier_active) {
		if (RING_REQUEST_CONS_OVERFLOW(ring, rc))
			break;
		p = list_first_entry(&dev->free, struct xldrv_blkmap_pending,
				     node);
		RING_COPY_REQUEST(ring, rc, &copy);
		ring->req_cons = ++rc;
		dev->eoi_work++;
		atomic64_inc(&dev->stats.requests);

		v = xldrv_blkmap_parse(&copy, &dev->lim, &p->req);
		if (!v && p->req.indirect)
			v = xldrv_blkmap_read_indirect(dev, &p->req);
		if (v) {
			xldrv_blkmap_refuse(dev, &copy, &p->req, v);
			continue;
		}
		list_del(&p->node);
		if (!xldrv_blkmap_start(dev, p)) {
			dev->held = p;
			break;
		}
	}
	xldrv_blkmap_batch_flush(dev);
	blk_finish_plug(&plug);
	xldrv_blkmap_eoi(dev);
}

/* What the thread does each time it wakes (and what the unit tests run). */
static void xldrv_blkmap_pass(struct xldrv_blkmap_dev *dev)
{
	xldrv_blkmap_reap(dev);
	/* Answers first: consuming may wait for the disk's tags. */
	xldrv_blkmap_push(dev);
	if (!READ_ONCE(dev->broken))
		xldrv_blkmap_consume(dev);
	xldrv_blkmap_push(dev);
}

int xldrv_blkmap_ring_thread(void *data)
{
	struct xldrv_blkmap_dev *dev = data;
	/* First look without waiting: the frontend may have started. */
	bool more = true, reported = false, reported_gone = false;
	int work;

	while (!kthread_should_stop()) {
		wait_event_interruptible(dev->wq,
					 more || READ_ONCE(dev->kick) ||
					 !list_empty_careful(&dev->done) ||
					 kthread_should_stop());
		WRITE_ONCE(dev->kick, false);
		smp_mb(); /* clear the kick before looking at the ring */
		more = false;
		cond_resched();
		xldrv_blkmap_pass(dev);
		if (dev->disk_gone && !READ_ONCE(dev->broken)) {
			/* Closing: frontends hold what is unanswered. */
			if (!reported_gone) {
				pr_warn("dom%u %s: %pg is gone: its failed requests are left unanswered, the device closed\n",
					dev->domid, dev->xdev->nodename,
					dev->bdev);
				xldrv_blkmap_fatal(dev, -ENODEV,
						   "the disk is gone");
			}
			reported_gone = true;
			if (atomic_xchg(&dev->eoi_pending, 0))
				xen_irq_lateeoi(dev->irq, XEN_EOI_FLAG_SPURIOUS);
			continue;
		}
		if (READ_ONCE(dev->broken)) {
			/* Once: the device is closed, the domain carries on. */
			if (!reported)
				xldrv_blkmap_fatal(dev, -EPROTO,
						   "bad ring indices from the frontend");
			reported = true;
			/* No more events from this frontend. */
			if (atomic_xchg(&dev->eoi_pending, 0))
				xen_irq_lateeoi(dev->irq, XEN_EOI_FLAG_SPURIOUS);
			continue;
		}
		if (!list_empty(&dev->free) && !dev->held &&
		    !dev->barrier_active) {
			/* Asks for a notification for what comes next. */
			RING_FINAL_CHECK_FOR_REQUESTS(&dev->ring, work);
			more = work;
		}
	}
	/*
	 * Let what the device still holds complete before the ring goes.
	 * Anything started but not yet submitted goes first: it would
	 * never complete otherwise.
	 */
	xldrv_blkmap_batch_flush(dev);
	while (dev->inflight) {
		xldrv_blkmap_reap(dev);
		if (dev->inflight)
			wait_event(dev->wq, !list_empty_careful(&dev->done));
	}
	xldrv_blkmap_push(dev);
	if (dev->held) {
		list_add(&dev->held->node, &dev->free);
		dev->held = NULL;
	}
	return 0;
}
