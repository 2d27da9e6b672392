// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv_blkfront: the block device.  One blk-mq hardware queue, as deep
 * as the shadow table; the disk is made when the first backend connects
 * and stays until the device is removed, whatever happens to backends.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <xen/interface/io/protocols.h>

#include "blkfront.h"

/*
 * Completed requests are ended off blk->lock: ending one runs the
 * bio's completion, which may submit I/O to this very disk.
 */
void xldrv_blkfront_finish(struct xldrv_blkfront *blk, int slot,
			   blk_status_t status, struct list_head *done)
{
	struct request *rq = blk->sh.ent[slot].rq;
	struct xldrv_blkfront_rq *pdu = blk_mq_rq_to_pdu(rq);

	xldrv_blkfront_shadow_put(&blk->sh, slot);
	pdu->status = status;
	list_add_tail(&rq->queuelist, done);
}

void xldrv_blkfront_end_done(struct list_head *done)
{
	struct request *rq, *tmp;

	list_for_each_entry_safe(rq, tmp, done, queuelist) {
		struct xldrv_blkfront_rq *pdu = blk_mq_rq_to_pdu(rq);

		list_del_init(&rq->queuelist);
		blk_mq_end_request(rq, pdu->status);
	}
}

/*
 * The recovery deadline ran out (@deadline), or the device is going:
 * what is held fails (xldrv_blkfront_shadow_expires()).  Without a
 * connected backend that is everything, and so is what comes until one
 * connects.  With one, it is what never went out to it (a replay stuck
 * behind grants an earlier backend still maps): I/O never waits longer
 * than recovery_timeout_s for a backend, connected or not, and the
 * connected one takes new I/O once nothing is held.  Repeatable.
 */
void xldrv_blkfront_fail_all(struct xldrv_blkfront *blk, bool deadline)
{
	unsigned int i, n = 0;
	LIST_HEAD(done);
	bool up;

	spin_lock_irq(&blk->lock);
	up = deadline && blk->conn == XLDRV_BLKFRONT_UP;
	if (!up)
		blk->failed = true;
	for (i = 0; i < blk->sh.size; i++) {
		if (!xldrv_blkfront_shadow_expires(&blk->sh, i, up))
			continue;
		xldrv_blkfront_release_grants(blk, i);
		xldrv_blkfront_finish(blk, i, BLK_STS_IOERR, &done);
		n++;
	}
	/*
	 * What waits in blk-mq comes to queue_rq, to fail there, or (up)
	 * to go out now that nothing is held.
	 */
	if (blk->disk)
		blk_mq_start_stopped_hw_queues(blk->disk->queue, true);
	spin_unlock_irq(&blk->lock);
	xldrv_blkfront_end_done(&done);
	if (n)
		pr_warn("%s: %u requests failed: %s\n", blk->xdev->nodename, n,
			up ? "not replayed to the new backend in time" :
			     "no backend");
}

static blk_status_t xldrv_blkfront_queue_rq(struct blk_mq_hw_ctx *hctx,
					    const struct blk_mq_queue_data *bd)
{
	struct xldrv_blkfront *blk = hctx->queue->queuedata;
	struct request *rq = bd->rq;
	struct xldrv_blkfront_shadow_ent *e;
	struct xldrv_blkfront_slot *s;
	struct scatterlist *sg;
	unsigned long flags;
	unsigned int i;
	int slot;
	u8 op;

	switch (req_op(rq)) {
	case REQ_OP_READ:
		op = BLKIF_OP_READ;
		break;
	case REQ_OP_WRITE:
		op = BLKIF_OP_WRITE;
		break;
	case REQ_OP_FLUSH:
		/* Only with feature-flush-cache: see disk_add. */
		op = BLKIF_OP_FLUSH_DISKCACHE;
		break;
	default:
		return BLK_STS_NOTSUPP;
	}
	blk_mq_start_request(rq);

	spin_lock_irqsave(&blk->lock, flags);
	if (blk->failed) {
		spin_unlock_irqrestore(&blk->lock, flags);
		return BLK_STS_IOERR;
	}
	/* No backend, or one still being given what was held: wait. */
	if (blk->conn != XLDRV_BLKFRONT_UP || blk->sh.nr_pending) {
		/* Under the lock: the replay work starts it under it. */
		blk_mq_stop_hw_queue(hctx);
		spin_unlock_irqrestore(&blk->lock, flags);
		return BLK_STS_RESOURCE;
	}
	slot = xldrv_blkfront_shadow_get(&blk->sh, rq);
	if (slot < 0)
		goto busy;
	e = &blk->sh.ent[slot];
	s = &blk->slots[slot];
	s->nr_sg = 0;
	if (op != BLKIF_OP_FLUSH_DISKCACHE) {
		sg_init_table(s->sg, blk->segs);
		s->nr_sg = blk_rq_map_sg(rq->q, rq, s->sg);
	}
	for_each_sg(s->sg, sg, s->nr_sg, i) {
		/* The queue limits promise this; a grant cannot do more. */
		if (WARN_ON_ONCE(!xldrv_blkfront_seg_ok(sg->offset,
							sg->length))) {
			xldrv_blkfront_shadow_put(&blk->sh, slot);
			spin_unlock_irqrestore(&blk->lock, flags);
			return BLK_STS_IOERR;
		}
	}
	/* The segments themselves go in at each issue, with their grants. */
	xldrv_blkfront_shadow_rw(&e->req, op, blk->handle, blk_rq_pos(rq),
				 s->nr_sg);
	if (xldrv_blkfront_issue(blk, slot)) {
		xldrv_blkfront_shadow_put(&blk->sh, slot);
		goto busy;
	}
	if (bd->last)
		xldrv_blkfront_notify(blk);
	spin_unlock_irqrestore(&blk->lock, flags);
	return BLK_STS_OK;

busy:
	xldrv_blkfront_notify(blk);
	spin_unlock_irqrestore(&blk->lock, flags);
	return BLK_STS_RESOURCE;
}

static void xldrv_blkfront_commit_rqs(struct blk_mq_hw_ctx *hctx)
{
	struct xldrv_blkfront *blk = hctx->queue->queuedata;
	unsigned long flags;

	spin_lock_irqsave(&blk->lock, flags);
	if (blk->conn == XLDRV_BLKFRONT_UP)
		xldrv_blkfront_notify(blk);
	spin_unlock_irqrestore(&blk->lock, flags);
}

/*
 * Requests held through a backend's restart outlive blk-mq's timer; the
 * recovery timeout, not this, decides when they fail.
 */
static enum blk_eh_timer_return xldrv_blkfront_timeout(struct request *rq)
{
	return BLK_EH_RESET_TIMER;
}

static const struct blk_mq_ops xldrv_blkfront_mq_ops = {
	.queue_rq = xldrv_blkfront_queue_rq,
	.commit_rqs = xldrv_blkfront_commit_rqs,
	.timeout = xldrv_blkfront_timeout,
};

static const struct block_device_operations xldrv_blkfront_fops = {
	.owner = THIS_MODULE,
};

/* xvda ... xvdz, xvdaa ...: as Linux's blkfront names them. */
static void xldrv_blkfront_disk_name(char *buf, size_t len,
				     unsigned int index)
{
	char tmp[8];
	unsigned int n = 0;

	do {
		tmp[n++] = 'a' + index % 26;
		index = index / 26;
	} while (index-- && n < sizeof(tmp));
	snprintf(buf, len, "xvd");
	while (n && strlen(buf) + 1 < len)
		strncat(buf, &tmp[--n], 1);
}

/* Major 202 (xvd) numbering only; emulated hd/sd numbers are refused. */
static int xldrv_blkfront_minors(unsigned int vdevice, unsigned int *first,
				 unsigned int *nr, unsigned int *index)
{
	if (vdevice & (1u << 28)) {
		*first = vdevice & ((1u << 28) - 1);
		*nr = 256;
		*index = *first >> 8;
	} else if ((vdevice >> 8) == XLDRV_BLKFRONT_MAJOR) {
		*first = vdevice & 0xff;
		*nr = 16;
		*index = *first >> 4;
	} else {
		return -ENODEV;
	}
	/* A whole disk, not a partition. */
	return *first & (*nr - 1) ? -ENODEV : 0;
}

/*
 * Give back what xldrv_blkfront_slots_alloc() got.  Nothing is on a ring
 * any more; a grant still open is ended first, and its page handed over.
 */
static void xldrv_blkfront_slots_free(struct xldrv_blkfront *blk)
{
	unsigned int i, j;

	for (i = 0; i < blk->sh.size; i++) {
		struct xldrv_blkfront_slot *s = &blk->slots[i];

		xldrv_blkfront_release_grants(blk, i);
		for (j = 0; s->pages && j < blk->segs; j++)
			if (s->pages[j])
				__free_page(s->pages[j]);
		for (j = 0; j < XLDRV_BLKFRONT_MAX_IND_PAGES; j++)
			if (s->ind_pages[j])
				__free_page(s->ind_pages[j]);
		kvfree(s->pages);
		kvfree(s->grefs);
		kvfree(s->sg);
		*s = (struct xldrv_blkfront_slot){};
	}
}

/*
 * Each ring slot's grant references and scatterlist for blk->segs
 * segments, its bounce pages if the first backend is untrusted (a later
 * one that is gets them as requests need them), and its indirect pages
 * if requests go indirect.  GFP_NOIO: this runs in the xenwatch thread,
 * which the recovery of every other xvd disk needs; reclaim must not
 * wait on their held I/O.
 */
static int xldrv_blkfront_slots_alloc(struct xldrv_blkfront *blk)
{
	unsigned int nr_ind = xldrv_blkfront_nr_ind_pages(blk->segs);
	unsigned int i, j;

	for (i = 0; i < blk->sh.size; i++) {
		struct xldrv_blkfront_slot *s = &blk->slots[i];

		s->sg = kvcalloc(blk->segs, sizeof(*s->sg), GFP_NOIO);
		s->pages = kvcalloc(blk->segs, sizeof(*s->pages), GFP_NOIO);
		s->grefs = kvcalloc(blk->segs, sizeof(*s->grefs), GFP_NOIO);
		if (!s->sg || !s->pages || !s->grefs)
			goto err_free_slots;
		/* Zeroed: what a segment leaves of its page is granted too. */
		for (j = 0; blk->bounce && j < blk->segs; j++) {
			s->pages[j] = alloc_page(GFP_NOIO | __GFP_ZERO);
			if (!s->pages[j])
				goto err_free_slots;
		}
		for (j = 0; j < nr_ind; j++) {
			s->ind_pages[j] = alloc_page(GFP_NOIO | __GFP_ZERO);
			if (!s->ind_pages[j])
				goto err_free_slots;
		}
	}
	return 0;

err_free_slots:
	xldrv_blkfront_slots_free(blk);
	return -ENOMEM;
}

/* The first backend connected: blk->segs and the rest are its. */
int xldrv_blkfront_disk_add(struct xldrv_blkfront *blk)
{
	unsigned int first, nr, index;
	struct gendisk *disk;
	struct request_queue *q;
	int err;

	err = xldrv_blkfront_minors(blk->vdevice, &first, &nr, &index);
	if (err) {
		xenbus_dev_fatal(blk->xdev, err,
				 "virtual-device %#x: only xvd disks are served",
				 blk->vdevice);
		return err;
	}

	BUILD_BUG_ON(XLDRV_BLKFRONT_SEGS_PER_IND_PAGE !=
		     XEN_PAGE_SIZE / sizeof(struct blkif_request_segment));
	BUILD_BUG_ON(XLDRV_BLKFRONT_MAX_IND_PAGES >
		     BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST);
	err = xldrv_blkfront_slots_alloc(blk);
	if (err)
		return err;

	memset(&blk->tag_set, 0, sizeof(blk->tag_set));
	blk->tag_set.ops = &xldrv_blkfront_mq_ops;
	blk->tag_set.nr_hw_queues = 1;
	blk->tag_set.queue_depth = blk->sh.size;
	blk->tag_set.numa_node = NUMA_NO_NODE;
	/*
	 * No I/O scheduler unless the administrator picks one: the disk
	 * behind the backend has its own, which sees every client's I/O,
	 * and one here only costs this domain's CPU per request (in the
	 * lab, mq-deadline cut random 4 KiB reads at depth 32 by a third,
	 * with either frontend).  Requests still merge in blk-mq's plug.
	 */
	blk->tag_set.flags = BLK_MQ_F_SHOULD_MERGE |
			     BLK_MQ_F_NO_SCHED_BY_DEFAULT;
	blk->tag_set.cmd_size = sizeof(struct xldrv_blkfront_rq);
	blk->tag_set.driver_data = blk;
	err = blk_mq_alloc_tag_set(&blk->tag_set);
	if (err)
		goto err_free_slots;

	disk = blk_mq_alloc_disk(&blk->tag_set, blk);
	if (IS_ERR(disk)) {
		err = PTR_ERR(disk);
		goto err_free_tag_set;
	}
	q = disk->queue;
	blk_queue_logical_block_size(q, blk->sector_size);
	blk_queue_physical_block_size(q, blk->sector_size);
	/*
	 * One page per segment, each one grant, blk->segs to a request: for
	 * good, as requests held across a restart are built on it.
	 */
	blk_queue_max_segments(q, blk->segs);
	blk_queue_max_segment_size(q, XEN_PAGE_SIZE);
	blk_queue_segment_boundary(q, XEN_PAGE_SIZE - 1);
	blk_queue_max_hw_sectors(q, blk->segs * (XEN_PAGE_SIZE >> 9));
	blk_queue_dma_alignment(q, 511);
	/*
	 * As blkfront with feature-flush-cache: a volatile cache, no FUA;
	 * the block layer turns FUA into a flush after the write.
	 */
	blk_queue_write_cache(q, blk->flush, false);
	blk_queue_flag_set(QUEUE_FLAG_VIRT, q);

	disk->major = XLDRV_BLKFRONT_MAJOR;
	disk->first_minor = first;
	disk->minors = nr;
	disk->fops = &xldrv_blkfront_fops;
	disk->private_data = blk;
	xldrv_blkfront_disk_name(disk->disk_name, sizeof(disk->disk_name),
				 index);
	set_capacity(disk, blk->sectors);
	set_disk_ro(disk, blk->readonly);
	/* Scanned by scan_work, not in the xenwatch thread: see there. */
	set_bit(GD_SUPPRESS_PART_SCAN, &disk->state);
	blk->disk = disk;

	err = device_add_disk(&blk->xdev->dev, disk, NULL);
	if (err)
		goto err_put_disk;
	queue_work(system_long_wq, &blk->scan_work);
	pr_info("%s: %s, %llu sectors of %u bytes, %u segments per request%s%s%s\n",
		blk->xdev->nodename, disk->disk_name,
		(unsigned long long)blk->sectors, blk->sector_size, blk->segs,
		xldrv_blkfront_nr_ind_pages(blk->segs) ? " (indirect)" : "",
		blk->flush ? ", flush" : "",
		blk->bounce ? ", untrusted backend: bounce pages" : "");
	return 0;

err_put_disk:
	blk->disk = NULL;
	put_disk(disk);
err_free_tag_set:
	blk_mq_free_tag_set(&blk->tag_set);
err_free_slots:
	xldrv_blkfront_slots_free(blk);
	return err;
}

/*
 * The first partition scan, which device_add_disk() would do in the
 * xenwatch thread: a backend lost, or silent, during the scan would hold
 * that thread for good, and with it every xenbus device of the domain,
 * this one's recovery included (the loss is noticed in that thread).
 * Here the scan's reads are held and replayed, or failed after
 * recovery_timeout_s, like any other I/O.
 */
void xldrv_blkfront_scan_work(struct work_struct *work)
{
	struct xldrv_blkfront *blk = container_of(work, struct xldrv_blkfront,
						  scan_work);
	struct gendisk *disk = blk->disk;
	int err;

	mutex_lock(&disk->open_mutex);
	clear_bit(GD_SUPPRESS_PART_SCAN, &disk->state);
	err = bdev_disk_changed(disk, false);
	mutex_unlock(&disk->open_mutex);
	if (err)
		pr_warn("%s: %s: reading the partition table: %d\n",
			blk->xdev->nodename, disk->disk_name, err);
}

void xldrv_blkfront_disk_del(struct xldrv_blkfront *blk)
{
	if (!blk->disk)
		return;
	/* The caller failed all I/O: a scan waiting on it ends. */
	cancel_work_sync(&blk->scan_work);
	del_gendisk(blk->disk);
	put_disk(blk->disk);
	blk->disk = NULL;
	blk_mq_free_tag_set(&blk->tag_set);
	xldrv_blkfront_slots_free(blk);
}
