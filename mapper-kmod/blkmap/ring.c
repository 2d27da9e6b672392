// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv_blkmap: the data path.  One kernel thread per device consumes the
 * ring, copies write data in, submits bios, and, as bios complete, copies
 * read data out and answers.  Only the thread touches the ring and the
 * free list; bio completions hand requests back on the done list.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/ratelimit.h>
#include <xen/events.h>
#include <xen/page.h>

#include "blkmap.h"

int xldrv_blkmap_ring_alloc(struct xldrv_blkmap_dev *dev)
{
	unsigned int i, j;

	INIT_LIST_HEAD(&dev->free);
	INIT_LIST_HEAD(&dev->done);
	spin_lock_init(&dev->done_lock);
	for (i = 0; i < XLDRV_BLKMAP_RING_SIZE; i++) {
		struct xldrv_blkmap_pending *p = &dev->pending[i];

		p->dev = dev;
		for (j = 0; j < BLKIF_MAX_SEGMENTS_PER_REQUEST; j++) {
			p->pages[j] = alloc_page(GFP_KERNEL);
			if (!p->pages[j])
				goto err_free_pages;
		}
		list_add_tail(&p->node, &dev->free);
	}
	return 0;

err_free_pages:
	xldrv_blkmap_ring_free(dev);
	return -ENOMEM;
}

void xldrv_blkmap_ring_free(struct xldrv_blkmap_dev *dev)
{
	unsigned int i, j;

	for (i = 0; i < XLDRV_BLKMAP_RING_SIZE; i++)
		for (j = 0; j < BLKIF_MAX_SEGMENTS_PER_REQUEST; j++)
			if (dev->pending[i].pages[j]) {
				__free_page(dev->pending[i].pages[j]);
				dev->pending[i].pages[j] = NULL;
			}
}

irqreturn_t xldrv_blkmap_interrupt(int irq, void *data)
{
	struct xldrv_blkmap_dev *dev = data;

	WRITE_ONCE(dev->kick, true);
	wake_up(&dev->wq);
	xen_irq_lateeoi(irq, 0);
	return IRQ_HANDLED;
}

static void xldrv_blkmap_respond(struct xldrv_blkmap_dev *dev,
				 const struct xldrv_blkmap_req *req, u8 op,
				 int status)
{
	struct blkif_response *rsp;
	int notify;

	rsp = RING_GET_RESPONSE(&dev->ring, dev->ring.rsp_prod_pvt);
	rsp->id = req->id;
	rsp->operation = op;
	rsp->status = status;
	dev->ring.rsp_prod_pvt++;
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&dev->ring, notify);
	if (notify) {
		atomic64_inc(&dev->stats.notifies);
		notify_remote_via_irq(dev->irq);
	}
}

/*
 * Copy between the client's granted pages and the request's own pages:
 * in for writes, out for reads.  A grant the client does not own, or one
 * it granted read-only for a read, fails that request only.
 */
static int xldrv_blkmap_copy(struct xldrv_blkmap_pending *p, bool to_client)
{
	struct xldrv_blkmap_dev *dev = p->dev;
	unsigned int i;

	for (i = 0; i < p->req.nr_segs; i++) {
		const struct xldrv_blkmap_seg *seg = &p->req.segs[i];
		struct gnttab_copy *op = &p->copy[i];
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
	gnttab_batch_copy(p->copy, p->req.nr_segs);
	atomic64_add(p->req.nr_segs, &dev->stats.grant_copies);
	for (i = 0; i < p->req.nr_segs; i++) {
		if (p->copy[i].status != GNTST_okay) {
			atomic64_inc(&dev->stats.grant_errors);
			pr_warn_ratelimited("dom%u %s: grant copy of ref %u failed: %d\n",
					    dev->domid, dev->xdev->nodename,
					    p->req.segs[i].gref,
					    p->copy[i].status);
			return -EFAULT;
		}
	}
	return 0;
}

static void xldrv_blkmap_end_io(struct bio *bio)
{
	struct xldrv_blkmap_pending *p = bio->bi_private;
	struct xldrv_blkmap_dev *dev = p->dev;
	unsigned long flags;

	if (bio->bi_status) {
		p->status = BLKIF_RSP_ERROR;
		atomic64_inc(&dev->stats.io_errors);
	}
	bio_put(bio);
	if (!atomic_dec_and_test(&p->bios))
		return;
	spin_lock_irqsave(&dev->done_lock, flags);
	list_add_tail(&p->node, &dev->done);
	spin_unlock_irqrestore(&dev->done_lock, flags);
	wake_up(&dev->wq);
}

static struct bio *xldrv_blkmap_bio(struct xldrv_blkmap_pending *p,
				   blk_opf_t opf, unsigned int nr_vecs,
				   sector_t sector)
{
	struct bio *bio = bio_alloc(p->dev->bdev, nr_vecs, opf, GFP_KERNEL);

	bio->bi_iter.bi_sector = sector;
	bio->bi_end_io = xldrv_blkmap_end_io;
	bio->bi_private = p;
	return bio;
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
		opf = REQ_OP_WRITE | REQ_SYNC;
		break;
	default: /* BLKIF_OP_FLUSH_DISKCACHE, with or without data */
		opf = REQ_OP_WRITE | REQ_SYNC | REQ_PREFLUSH |
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
						       req->nr_segs - i, sector);
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

static void xldrv_blkmap_finish(struct xldrv_blkmap_pending *p, u8 op)
{
	struct xldrv_blkmap_dev *dev = p->dev;

	xldrv_blkmap_respond(dev, &p->req, op, p->status);
	list_add(&p->node, &dev->free);
	dev->inflight--;
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
		if (p->req.op == BLKIF_OP_READ && p->status == BLKIF_RSP_OKAY) {
			if (xldrv_blkmap_copy(p, true))
				p->status = BLKIF_RSP_ERROR;
			else
				atomic64_add(p->req.nr_sects << 9,
					     &dev->stats.read_bytes);
		}
		xldrv_blkmap_finish(p, p->req.indirect ? BLKIF_OP_INDIRECT :
							  p->req.op);
	}
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
	xldrv_blkmap_respond(dev, req, copy->operation,
			     xldrv_blkmap_status(v));
}

/*
 * Take what the frontend produced, as far as free request slots go: when
 * they run out, completions wake the thread, which comes back here.
 */
static void xldrv_blkmap_consume(struct xldrv_blkmap_dev *dev)
{
	struct blkif_back_ring *ring = &dev->ring;
	struct blkif_request copy;
	struct xldrv_blkmap_pending *p;
	enum xldrv_blkmap_verdict v;
	RING_IDX rc, rp;

	rc = ring->req_cons;
	rp = READ_ONCE(ring->sring->req_prod);
	virt_rmb(); /* requests up to rp are visible once rp is read */
	if (RING_REQUEST_PROD_OVERFLOW(ring, rp)) {
		pr_warn_ratelimited("dom%u %s: frontend claims %u requests on a ring of %u: closing the device\n",
				    dev->domid, dev->xdev->nodename,
				    rp - rc, RING_SIZE(ring));
		WRITE_ONCE(dev->broken, true);
		return;
	}
	while (rc != rp && !list_empty(&dev->free)) {
		if (RING_REQUEST_CONS_OVERFLOW(ring, rc))
			break;
		p = list_first_entry(&dev->free, struct xldrv_blkmap_pending,
				     node);
		RING_COPY_REQUEST(ring, rc, &copy);
		ring->req_cons = ++rc;
		atomic64_inc(&dev->stats.requests);

		v = xldrv_blkmap_parse(&copy, &dev->lim, &p->req);
		/* Not advertised yet: feature-max-indirect-segments is 0. */
		if (!v && p->req.indirect)
			v = XLDRV_BLKMAP_BAD_OP;
		if (v) {
			xldrv_blkmap_refuse(dev, &copy, &p->req, v);
			continue;
		}
		list_del(&p->node);
		dev->inflight++;
		p->status = BLKIF_RSP_OKAY;
		if (p->req.op != BLKIF_OP_READ && p->req.nr_segs) {
			if (xldrv_blkmap_copy(p, false)) {
				p->status = BLKIF_RSP_ERROR;
				xldrv_blkmap_finish(p, p->req.op);
				continue;
			}
			atomic64_add(p->req.nr_sects << 9,
				     &dev->stats.write_bytes);
		}
		xldrv_blkmap_submit(p);
	}
}

int xldrv_blkmap_ring_thread(void *data)
{
	struct xldrv_blkmap_dev *dev = data;
	bool more = false, reported = false;
	int work;

	while (!kthread_should_stop()) {
		wait_event_interruptible(dev->wq,
					 more || READ_ONCE(dev->kick) ||
					 !list_empty_careful(&dev->done) ||
					 kthread_should_stop());
		WRITE_ONCE(dev->kick, false);
		more = false;
		cond_resched();
		xldrv_blkmap_reap(dev);
		if (!READ_ONCE(dev->broken))
			xldrv_blkmap_consume(dev);
		if (READ_ONCE(dev->broken)) {
			/* Once: the device is closed, the domain carries on. */
			if (!reported)
				xenbus_dev_fatal(dev->xdev, -EPROTO,
						 "bad ring indices from the frontend");
			reported = true;
			continue;
		}
		if (!list_empty(&dev->free)) {
			/* Asks for a notification for what comes next. */
			RING_FINAL_CHECK_FOR_REQUESTS(&dev->ring, work);
			more = work;
		}
	}
	/* Let what the device still holds complete before the ring goes. */
	while (dev->inflight) {
		wait_event(dev->wq, !list_empty_careful(&dev->done));
		xldrv_blkmap_reap(dev);
	}
	return 0;
}
