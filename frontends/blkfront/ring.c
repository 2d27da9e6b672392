// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv_blkfront: the data path.  Requests go on the ring from queue_rq
 * (disk.c) and, after a reconnect, from the replay work; responses come
 * back in the interrupt handler.  All of it under blk->lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <xen/events.h>
#include <xen/page.h>

#include "blkfront.h"

void xldrv_blkfront_notify(struct xldrv_blkfront *blk)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&blk->ring, notify);
	if (notify)
		notify_remote_via_irq(blk->irq);
}

/*
 * End @s's grants, as far as the backend lets us: how many it still
 * maps.  A bounce page (and an indirect page) still mapped is handed to
 * the grant table code, which frees it once the mapping is gone; its
 * slot gets a fresh page when it next needs one.  A block layer page
 * cannot be handed over: its grant stays in s->grefs, to be ended later.
 */
static unsigned int xldrv_blkfront_slot_end_grants(struct xldrv_blkfront_slot *s)
{
	unsigned int i, kept = 0, lost = 0;

	for (i = 0; i < s->nr_grants; i++) {
		if (gnttab_try_end_foreign_access(s->grefs[i]))
			continue;
		lost++;
		if (s->bounce) {
			gnttab_end_foreign_access(s->grefs[i], s->pages[i]);
			s->pages[i] = NULL;
		} else {
			s->grefs[kept++] = s->grefs[i];
		}
	}
	s->nr_grants = kept;
	for (i = 0; i < s->nr_ind_grants; i++) {
		if (gnttab_try_end_foreign_access(s->ind_grefs[i]))
			continue;
		lost++;
		gnttab_end_foreign_access(s->ind_grefs[i], s->ind_pages[i]);
		s->ind_pages[i] = NULL;
	}
	s->nr_ind_grants = 0;
	return lost;
}

/* See above; a non-zero s->nr_grants after it means grants linger. */
unsigned int xldrv_blkfront_end_grants(struct xldrv_blkfront *blk, int slot)
{
	return xldrv_blkfront_slot_end_grants(&blk->slots[slot]);
}

/*
 * For a request about to fail for good (no backend came back in time, or
 * the device goes): end every grant now.  One still lingering on a block
 * layer page is ended by the grant table code once the backend lets go,
 * but the page goes back to its owner before that: the trust the
 * toolstack gave that backend, as xen-blkfront extends it when it frees
 * a ring.
 */
void xldrv_blkfront_release_grants(struct xldrv_blkfront *blk, int slot)
{
	struct xldrv_blkfront_slot *s = &blk->slots[slot];
	unsigned int i;

	if (!xldrv_blkfront_slot_end_grants(s) || !s->nr_grants)
		return;
	pr_warn_ratelimited("%s: backend dom%u still maps %u pages of a failed request\n",
			    blk->xdev->nodename, blk->follow.backend_id,
			    s->nr_grants);
	for (i = 0; i < s->nr_grants; i++)
		gnttab_end_foreign_access(s->grefs[i], NULL);
	s->nr_grants = 0;
}

/* @page, or a fresh one in its place if it was given up. */
static struct page *xldrv_blkfront_own_page(struct page **page)
{
	if (!*page)
		*page = alloc_page(GFP_ATOMIC | __GFP_NOWARN | __GFP_ZERO);
	return *page;
}

/*
 * Put @slot's request on the ring, granted afresh to the current backend:
 * its first time (queue_rq filled in the shadow copy) or a replay.  Not
 * while an earlier backend still maps its pages (-EAGAIN): what it might
 * still write there must not land after what the new one reads in.
 * Write data is copied into bounce pages again each time: those of an
 * earlier attempt may have been given up, and the block layer's pages are
 * stable until we complete the request.  An indirect request's segment
 * list is written again too, as the grants in it are new.
 */
int xldrv_blkfront_issue(struct xldrv_blkfront *blk, int slot)
{
	struct xldrv_blkfront_shadow_ent *e = &blk->sh.ent[slot];
	struct xldrv_blkfront_slot *s = &blk->slots[slot];
	struct blkif_request_segment *ind[XLDRV_BLKFRONT_MAX_IND_PAGES];
	bool write = xldrv_blkfront_req_op(&e->req) != BLKIF_OP_READ;
	unsigned int i, nr_ind = 0;
	struct blkif_request *req;
	struct scatterlist *sg;
	struct page *page;
	int ref;

	if (RING_FULL(&blk->ring))
		return -EBUSY;
	if (s->nr_grants) {
		xldrv_blkfront_slot_end_grants(s);
		if (s->nr_grants)
			return -EAGAIN;
	}
	s->bounce = blk->bounce;
	if (e->req.operation == BLKIF_OP_INDIRECT)
		nr_ind = xldrv_blkfront_nr_ind_pages(s->nr_sg);
	for (i = 0; i < nr_ind; i++) {
		if (!xldrv_blkfront_own_page(&s->ind_pages[i]))
			return -ENOMEM;
		ind[i] = page_address(s->ind_pages[i]);
	}
	for_each_sg(s->sg, sg, s->nr_sg, i) {
		page = sg_page(sg);
		if (s->bounce) {
			page = xldrv_blkfront_own_page(&s->pages[i]);
			if (!page)
				goto err_release;
			if (write)
				memcpy_from_page(page_address(page) +
						 sg->offset, sg_page(sg),
						 sg->offset, sg->length);
		}
		ref = gnttab_grant_foreign_access(blk->follow.backend_id,
						  xen_page_to_gfn(page), write);
		if (ref < 0)
			goto err_release;
		s->grefs[i] = ref;
		s->nr_grants = i + 1;
		xldrv_blkfront_set_seg(&e->req, ind, i, ref, sg->offset,
				       sg->length);
	}
	/* The backend only reads the segment list. */
	for (i = 0; i < nr_ind; i++) {
		ref = gnttab_grant_foreign_access(blk->follow.backend_id,
						  xen_page_to_gfn(s->ind_pages[i]),
						  1);
		if (ref < 0)
			goto err_release;
		s->ind_grefs[i] = ref;
		s->nr_ind_grants = i + 1;
		e->req.u.indirect.indirect_grefs[i] = ref;
	}
	xldrv_blkfront_shadow_issue(&blk->sh, slot);
	req = RING_GET_REQUEST(&blk->ring, blk->ring.req_prod_pvt);
	*req = e->req;
	blk->ring.req_prod_pvt++;
	return 0;

err_release:
	/* Never on the ring: the backend cannot have mapped these. */
	xldrv_blkfront_release_grants(blk, slot);
	return -ENOMEM;
}

/* Replay as far as the shadow table lets us; true once all is out. */
static bool xldrv_blkfront_replay(struct xldrv_blkfront *blk)
{
	int slot;

	while ((slot = xldrv_blkfront_shadow_replay_next(&blk->sh)) >= 0) {
		if (xldrv_blkfront_issue(blk, slot)) {
			/*
			 * Out of pages or grants, or the last backend still
			 * maps this one's pages: try again shortly.
			 */
			schedule_delayed_work(&blk->replay_work, HZ / 10);
			break;
		}
	}
	xldrv_blkfront_notify(blk);
	return xldrv_blkfront_shadow_replayed(&blk->sh);
}

/*
 * After a reconnect (scheduled by xenbus.c), and whenever a completion
 * may let a waiting flush go: the hardware queues start again only
 * once everything held has been replayed, so new I/O goes behind it.
 */
void xldrv_blkfront_replay_work(struct work_struct *work)
{
	struct xldrv_blkfront *blk = container_of(to_delayed_work(work),
						  struct xldrv_blkfront,
						  replay_work);

	/* Under the lock, as queue_rq stops them: no start is missed. */
	spin_lock_irq(&blk->lock);
	if (blk->conn == XLDRV_BLKFRONT_UP && xldrv_blkfront_replay(blk)) {
		/*
		 * Nothing held any more: the recovery deadline is over.
		 * Under the lock, which a loss takes to go DOWN before it
		 * arms the next one: this cannot cancel that.
		 */
		cancel_delayed_work(&blk->recovery_work);
		if (blk->disk)
			blk_mq_start_stopped_hw_queues(blk->disk->queue, true);
	}
	spin_unlock_irq(&blk->lock);
}

static blk_status_t xldrv_blkfront_status(const struct blkif_response *rsp)
{
	switch (rsp->status) {
	case BLKIF_RSP_OKAY:
		return BLK_STS_OK;
	case BLKIF_RSP_EOPNOTSUPP:
		return BLK_STS_NOTSUPP;
	default:
		return BLK_STS_IOERR;
	}
}

static void xldrv_blkfront_response(struct xldrv_blkfront *blk,
				    const struct blkif_response *rsp,
				    struct list_head *done)
{
	struct xldrv_blkfront_slot *s;
	blk_status_t status;
	struct scatterlist *sg;
	unsigned int limit = xldrv_blkfront_strand_limit(blk->sh.size,
							 blk->segs);
	unsigned int i, lost;
	bool read;
	int slot;
	u8 op;

	slot = xldrv_blkfront_shadow_lookup(&blk->sh, rsp->id);
	if (slot < 0) {
		/*
		 * No request of this ring has that id: the backend broke
		 * the protocol, and may have used up the slot of a request
		 * it will then never answer.  It goes; what it held is
		 * replayed to the next ring.
		 */
		pr_warn_ratelimited("%s: response with unknown or stale id %#llx: reconnecting\n",
				    blk->xdev->nodename, rsp->id);
		blk->reset = true;
		schedule_work(&blk->reset_work);
		return;
	}
	s = &blk->slots[slot];
	op = xldrv_blkfront_req_op(&blk->sh.ent[slot].req);
	read = op == BLKIF_OP_READ;
	status = xldrv_blkfront_status(rsp);
	if (status == BLK_STS_NOTSUPP)
		pr_warn_ratelimited("%s: backend refused operation %u%s\n",
				    blk->xdev->nodename, op,
				    blk->sh.ent[slot].req.operation ==
				    BLKIF_OP_INDIRECT ? " (indirect)" : "");
	/* Grants end before the data is read: it cannot change after. */
	lost = xldrv_blkfront_slot_end_grants(s);
	if (lost) {
		pr_warn_ratelimited("%s: backend answered id %#llx but still maps its pages%s\n",
				    blk->xdev->nodename, rsp->id,
				    s->nr_grants ? ": reconnecting" : "");
		status = BLK_STS_IOERR;
		/*
		 * Those we handed to the grant table code (not the block
		 * layer's, which stay with the request) are ours no more
		 * until it lets go: past the bound, this backend goes for
		 * good (xenbus.c), after this request.
		 */
		if (xldrv_strand_add(&blk->strand, lost - s->nr_grants,
				     limit)) {
			pr_warn_ratelimited("%s: backend dom%u answered requests but kept more than %u of our pages mapped: not using it again\n",
					    blk->xdev->nodename,
					    blk->follow.backend_id, limit);
			blk->reset = true;
			schedule_work(&blk->reset_work);
		}
		/*
		 * The block layer's pages cannot be given back while mapped:
		 * the request stays, to go to the next ring once they are
		 * not, and this backend, which broke the protocol, goes.
		 */
		if (s->nr_grants) {
			blk->reset = true;
			schedule_work(&blk->reset_work);
			return;
		}
	}
	if (read && status == BLK_STS_OK && s->bounce)
		for_each_sg(s->sg, sg, s->nr_sg, i)
			memcpy_to_page(sg_page(sg), sg->offset,
				       page_address(s->pages[i]) + sg->offset,
				       sg->length);
	xldrv_blkfront_finish(blk, slot, status, done);
}

/*
 * Only responses of the current ring, while connected: once the ring is
 * torn down (xenbus.c) nothing on it is looked at again, and its
 * requests are answered only by the next backend.
 */
irqreturn_t xldrv_blkfront_interrupt(int irq, void *data)
{
	struct xldrv_blkfront *blk = data;
	unsigned int eoi = XEN_EOI_FLAG_SPURIOUS;
	struct blkif_response rsp;
	unsigned long flags;
	bool replay = false;
	LIST_HEAD(done);
	RING_IDX rc, rp;
	int more;

	spin_lock_irqsave(&blk->lock, flags);
	if (blk->conn != XLDRV_BLKFRONT_UP || blk->reset)
		goto out;
	do {
		rc = blk->ring.rsp_cons;
		rp = READ_ONCE(blk->ring.sring->rsp_prod);
		virt_rmb(); /* responses up to rp are visible once rp is read */
		/* More answers than requests out: not a blkif backend. */
		if (rp - rc > blk->ring.req_prod_pvt - rc) {
			pr_warn_ratelimited("%s: backend claims %u responses on a ring of %u: reconnecting\n",
					    blk->xdev->nodename, rp - rc,
					    RING_SIZE(&blk->ring));
			blk->reset = true;
			schedule_work(&blk->reset_work);
			goto out;
		}
		if (rc != rp)
			eoi = 0;
		/* Nothing more from a backend being reset (see response). */
		for (; rc != rp && !blk->reset; rc++) {
			RING_COPY_RESPONSE(&blk->ring, rc, &rsp);
			xldrv_blkfront_response(blk, &rsp, &done);
		}
		blk->ring.rsp_cons = rc;
		if (blk->reset)
			goto out;
		RING_FINAL_CHECK_FOR_RESPONSES(&blk->ring, more);
	} while (more);
	replay = blk->sh.nr_pending;
out:
	spin_unlock_irqrestore(&blk->lock, flags);
	/*
	 * Late EOI (XSA-391): Xen delays the next event of a backend that
	 * keeps notifying with nothing on the ring, so a hostile one cannot
	 * keep this vCPU in the handler.
	 */
	xen_irq_lateeoi(irq, eoi);
	xldrv_blkfront_end_done(&done);
	if (replay)
		schedule_delayed_work(&blk->replay_work, 0);
	return IRQ_HANDLED;
}
