// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv_hostile_blkfront: a deliberately hostile blkif frontend, for the
 * blkmap-hostile lab scenario.  Loaded in a client instead of xen-blkfront,
 * it connects to each of the client's vbds and sends what a malicious or
 * broken guest could: bad grant references, sectors past the end, too
 * many segments, segments outside their page, unknown operations, writes to
 * a read-only disk, indirect requests with bad segment pages, an unasked-for
 * secure discard, a storm of events with no requests, a flood, and last, a
 * producer index far ahead of what the ring can hold.  Each case prints one line,
 *   xldrv-hostile: <vbd>: case <name>: status <s> (want <w>): PASS|FAIL
 * and the run ends with
 *   xldrv-hostile: <vbd>: done: <n> passed, <m> failed
 * then, after the index game, whether the backend closed the device.
 *
 * The vbd named by bad_ring_ref gets none of that: its ring-ref node is
 * written with a letter after the number, which a backend must refuse
 * rather than read as the number before it (a sscanf("%u") would).
 */
#define pr_fmt(fmt) "xldrv-hostile: " fmt

#include <linux/delay.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <xen/events.h>
#include <xen/grant_table.h>
#include <xen/page.h>
#include <xen/xenbus.h>
#include <xen/interface/io/blkif.h>
#include <xen/interface/io/protocols.h>

static unsigned int bad_ring_ref;
module_param(bad_ring_ref, uint, 0444);
MODULE_PARM_DESC(bad_ring_ref,
		 "device id of the vbd whose ring-ref is not a number (0: none)");

struct xldrv_hostile {
	struct xenbus_device *xdev;
	struct blkif_front_ring ring;
	struct blkif_sring *sring;
	grant_ref_t ring_ref;
	evtchn_port_t evtchn;
	int irq;
	struct page *data;
	grant_ref_t data_ref;
	struct page *ind;		/* an indirect segment page */
	grant_ref_t ind_ref;
	u64 sectors;
	bool readonly;
	struct work_struct work;
	wait_queue_head_t wq;
	unsigned int passed, failed;
};

static irqreturn_t xldrv_hostile_interrupt(int irq, void *data)
{
	struct xldrv_hostile *h = data;

	wake_up(&h->wq);
	return IRQ_HANDLED;
}

static struct blkif_request *xldrv_hostile_next(struct xldrv_hostile *h)
{
	struct blkif_request *req;

	req = RING_GET_REQUEST(&h->ring, h->ring.req_prod_pvt);
	memset(req, 0, sizeof(*req));
	h->ring.req_prod_pvt++;
	return req;
}

static void xldrv_hostile_push(struct xldrv_hostile *h)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&h->ring, notify);
	notify_remote_via_irq(h->irq);
}

/*
 * Wait for the next response: its status if its id is @id (or @id is 0:
 * any, as when many are in flight and complete in any order), -EBADMSG
 * for another id, -ETIMEDOUT if none comes.
 */
static int xldrv_hostile_wait(struct xldrv_hostile *h, u64 id)
{
	struct blkif_response *rsp;
	int status, more;

	/* Asks the backend for an event when the next response comes. */
	RING_FINAL_CHECK_FOR_RESPONSES(&h->ring, more);
	if (!more && !wait_event_timeout(h->wq,
					 RING_HAS_UNCONSUMED_RESPONSES(&h->ring),
					 10 * HZ))
		return -ETIMEDOUT;
	virt_rmb();	/* the response's body after the producer index */
	rsp = RING_GET_RESPONSE(&h->ring, h->ring.rsp_cons);
	status = (!id || rsp->id == id) ? rsp->status : -EBADMSG;
	h->ring.rsp_cons++;
	return status;
}

static void xldrv_hostile_rw(struct blkif_request *req, u8 op, u64 id,
			     u64 sector, grant_ref_t gref)
{
	req->operation = op;
	req->u.rw.id = id;
	req->u.rw.sector_number = sector;
	req->u.rw.nr_segments = 1;
	req->u.rw.seg[0].gref = gref;
	req->u.rw.seg[0].first_sect = 0;
	req->u.rw.seg[0].last_sect = 7;
}

/* An indirect request whose @n segments all read sectors 0-7 of the data page. */
static void xldrv_hostile_indirect(struct xldrv_hostile *h,
				   struct blkif_request *req, u8 op, u64 id,
				   unsigned int n)
{
	struct blkif_request_segment *seg = page_address(h->ind);
	unsigned int i;

	for (i = 0; i < n && i < XEN_PAGE_SIZE / sizeof(*seg); i++) {
		seg[i].gref = h->data_ref;
		seg[i].first_sect = 0;
		seg[i].last_sect = 7;
	}
	req->operation = BLKIF_OP_INDIRECT;
	req->u.indirect.indirect_op = op;
	req->u.indirect.id = id;
	req->u.indirect.nr_segments = n;
	req->u.indirect.sector_number = 0;
	req->u.indirect.indirect_grefs[0] = h->ind_ref;
}

static void xldrv_hostile_check(struct xldrv_hostile *h, const char *name,
				u64 id, int want)
{
	int status;

	xldrv_hostile_push(h);
	status = xldrv_hostile_wait(h, id);
	if (status == want)
		h->passed++;
	else
		h->failed++;
	pr_info("%s: case %s: status %d (want %d): %s\n", h->xdev->nodename,
		name, status, want, status == want ? "PASS" : "FAIL");
}

static void xldrv_hostile_run(struct work_struct *work)
{
	struct xldrv_hostile *h = container_of(work, struct xldrv_hostile, work);
	struct blkif_request *req;
	unsigned int i, n;
	u64 id = 1000;

	req = xldrv_hostile_next(h);
	xldrv_hostile_rw(req, BLKIF_OP_READ, ++id, 0, h->data_ref);
	xldrv_hostile_check(h, "good-read", id, BLKIF_RSP_OKAY);

	req = xldrv_hostile_next(h);
	xldrv_hostile_rw(req, BLKIF_OP_READ, ++id, 0, 0x7ffffff0);
	xldrv_hostile_check(h, "bad-grant-ref", id, BLKIF_RSP_ERROR);

	req = xldrv_hostile_next(h);
	xldrv_hostile_rw(req, BLKIF_OP_READ, ++id, h->sectors - 4, h->data_ref);
	xldrv_hostile_check(h, "past-the-end", id, BLKIF_RSP_ERROR);

	req = xldrv_hostile_next(h);
	xldrv_hostile_rw(req, BLKIF_OP_READ, ++id, U64_MAX - 3, h->data_ref);
	xldrv_hostile_check(h, "sector-wraps", id, BLKIF_RSP_ERROR);

	req = xldrv_hostile_next(h);
	xldrv_hostile_rw(req, BLKIF_OP_READ, ++id, 0, h->data_ref);
	req->u.rw.nr_segments = BLKIF_MAX_SEGMENTS_PER_REQUEST + 1;
	xldrv_hostile_check(h, "too-many-segments", id, BLKIF_RSP_ERROR);

	req = xldrv_hostile_next(h);
	xldrv_hostile_rw(req, BLKIF_OP_READ, ++id, 0, h->data_ref);
	req->u.rw.seg[0].last_sect = 8;
	xldrv_hostile_check(h, "segment-past-page", id, BLKIF_RSP_ERROR);

	req = xldrv_hostile_next(h);
	xldrv_hostile_rw(req, 200, ++id, 0, h->data_ref);
	xldrv_hostile_check(h, "unknown-op", id, BLKIF_RSP_EOPNOTSUPP);

	req = xldrv_hostile_next(h);
	xldrv_hostile_rw(req, BLKIF_OP_WRITE, ++id, 0, h->data_ref);
	xldrv_hostile_check(h, h->readonly ? "write-read-only" : "good-write",
			    id, h->readonly ? BLKIF_RSP_ERROR : BLKIF_RSP_OKAY);

	req = xldrv_hostile_next(h);
	xldrv_hostile_indirect(h, req, BLKIF_OP_READ, ++id, 2);
	xldrv_hostile_check(h, "indirect-read", id, BLKIF_RSP_OKAY);

	req = xldrv_hostile_next(h);
	xldrv_hostile_indirect(h, req, BLKIF_OP_READ, ++id, 2);
	req->u.indirect.indirect_grefs[0] = 0x7ffffff0;
	xldrv_hostile_check(h, "indirect-bad-page-ref", id, BLKIF_RSP_ERROR);

	req = xldrv_hostile_next(h);
	xldrv_hostile_indirect(h, req, BLKIF_OP_READ, ++id, 4096);
	xldrv_hostile_check(h, "indirect-too-many-segments", id,
			    BLKIF_RSP_ERROR);

	req = xldrv_hostile_next(h);
	xldrv_hostile_indirect(h, req, BLKIF_OP_READ, ++id, 3);
	((struct blkif_request_segment *)page_address(h->ind))[2].last_sect = 8;
	xldrv_hostile_check(h, "indirect-segment-past-page", id,
			    BLKIF_RSP_ERROR);

	req = xldrv_hostile_next(h);
	xldrv_hostile_indirect(h, req, BLKIF_OP_WRITE_BARRIER, ++id, 1);
	xldrv_hostile_check(h, "indirect-barrier", id, BLKIF_RSP_EOPNOTSUPP);

	req = xldrv_hostile_next(h);
	xldrv_hostile_rw(req, BLKIF_OP_WRITE_BARRIER, ++id, 8, h->data_ref);
	xldrv_hostile_check(h, h->readonly ? "barrier-read-only" : "barrier",
			    id, h->readonly ? BLKIF_RSP_ERROR : BLKIF_RSP_OKAY);

	req = xldrv_hostile_next(h);
	req->operation = BLKIF_OP_DISCARD;
	req->u.discard.id = ++id;
	req->u.discard.sector_number = 0;
	req->u.discard.nr_sectors = 8;
	req->u.discard.flag = BLKIF_DISCARD_SECURE;
	xldrv_hostile_check(h, "secure-discard-not-offered", id,
			    BLKIF_RSP_EOPNOTSUPP);

	/* Events with no request behind them: late EOIs slow them down. */
	for (i = 0; i < 20000; i++)
		notify_remote_via_irq(h->irq);
	req = xldrv_hostile_next(h);
	xldrv_hostile_rw(req, BLKIF_OP_READ, ++id, 0, h->data_ref);
	xldrv_hostile_check(h, "read-after-event-storm", id, BLKIF_RSP_OKAY);

	/* A flood: the ring full of valid reads, ten times over. */
	for (n = 0; n < 10; n++) {
		for (i = 0; i < RING_SIZE(&h->ring); i++) {
			req = xldrv_hostile_next(h);
			xldrv_hostile_rw(req, BLKIF_OP_READ, ++id,
					 (u64)i * 8 % (h->sectors - 8),
					 h->data_ref);
		}
		xldrv_hostile_push(h);
		for (i = 0; i < RING_SIZE(&h->ring); i++)
			if (xldrv_hostile_wait(h, 0) != BLKIF_RSP_OKAY)
				break;
		if (i < RING_SIZE(&h->ring))
			break;
	}
	if (n == 10)
		h->passed++;
	else
		h->failed++;
	pr_info("%s: case flood: %u full rings answered: %s\n",
		h->xdev->nodename, n, n == 10 ? "PASS" : "FAIL");
	pr_info("%s: done: %u passed, %u failed\n", h->xdev->nodename,
		h->passed, h->failed);

	/* Last: claim far more requests than the ring holds. */
	h->sring->req_prod = h->ring.req_prod_pvt + 1000;
	wmb();	/* the bogus index visible before the event that points at it */
	notify_remote_via_irq(h->irq);
	pr_info("%s: index game sent\n", h->xdev->nodename);
}

static int xldrv_hostile_setup(struct xldrv_hostile *h)
{
	struct xenbus_device *xdev = h->xdev;
	unsigned int id;
	int err;

	err = xenbus_setup_ring(xdev, GFP_KERNEL, (void **)&h->sring, 1,
				&h->ring_ref);
	if (err)
		return err;
	FRONT_RING_INIT(&h->ring, h->sring, XEN_PAGE_SIZE);
	err = xenbus_alloc_evtchn(xdev, &h->evtchn);
	if (err)
		goto err_ring;
	err = bind_evtchn_to_irqhandler(h->evtchn, xldrv_hostile_interrupt, 0,
					"xldrv-hostile", h);
	if (err < 0)
		goto err_evtchn;
	h->irq = err;
	h->data = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!h->data) {
		err = -ENOMEM;
		goto err_irq;
	}
	err = gnttab_grant_foreign_access(xdev->otherend_id,
					  xen_page_to_gfn(h->data), 0);
	if (err < 0)
		goto err_page;
	h->data_ref = err;
	h->ind = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!h->ind) {
		err = -ENOMEM;
		goto err_grant;
	}
	err = gnttab_grant_foreign_access(xdev->otherend_id,
					  xen_page_to_gfn(h->ind), 1);
	if (err < 0)
		goto err_ind_page;
	h->ind_ref = err;

	if (bad_ring_ref &&
	    sscanf(xdev->nodename, "device/vbd/%u", &id) == 1 &&
	    id == bad_ring_ref) {
		pr_info("%s: case bad-ring-ref: ring-ref written as \"%ux\"\n",
			xdev->nodename, h->ring_ref);
		err = xenbus_printf(XBT_NIL, xdev->nodename, "ring-ref",
				    "%ux", h->ring_ref);
	} else {
		err = xenbus_printf(XBT_NIL, xdev->nodename, "ring-ref", "%u",
				    h->ring_ref);
	}
	if (!err)
		err = xenbus_printf(XBT_NIL, xdev->nodename, "event-channel",
				    "%u", h->evtchn);
	if (!err)
		err = xenbus_printf(XBT_NIL, xdev->nodename, "protocol", "%s",
				    XEN_IO_PROTO_ABI_NATIVE);
	if (err)
		goto err_ind_grant;
	return xenbus_switch_state(xdev, XenbusStateInitialised);

err_ind_grant:
	gnttab_end_foreign_access(h->ind_ref, NULL);
err_ind_page:
	__free_page(h->ind);
err_grant:
	gnttab_end_foreign_access(h->data_ref, NULL);
err_page:
	__free_page(h->data);
err_irq:
	unbind_from_irqhandler(h->irq, h);
err_evtchn:
	xenbus_free_evtchn(xdev, h->evtchn);
err_ring:
	xenbus_teardown_ring((void **)&h->sring, 1, &h->ring_ref);
	return err;
}

static int xldrv_hostile_probe(struct xenbus_device *xdev,
			       const struct xenbus_device_id *id)
{
	struct xldrv_hostile *h;
	int err;

	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->xdev = xdev;
	init_waitqueue_head(&h->wq);
	INIT_WORK(&h->work, xldrv_hostile_run);
	dev_set_drvdata(&xdev->dev, h);
	err = xldrv_hostile_setup(h);
	if (err) {
		kfree(h);
		dev_set_drvdata(&xdev->dev, NULL);
	}
	return err;
}

static void xldrv_hostile_backend_changed(struct xenbus_device *xdev,
					  enum xenbus_state state)
{
	struct xldrv_hostile *h = dev_get_drvdata(&xdev->dev);
	unsigned int info = 0;
	unsigned long long sectors = 0;

	pr_info("%s: backend is %s\n", xdev->nodename, xenbus_strstate(state));
	if (state != XenbusStateConnected || xdev->state == XenbusStateConnected)
		return;
	if (xenbus_gather(XBT_NIL, xdev->otherend, "sectors", "%llu", &sectors,
			  "info", "%u", &info, NULL) || sectors < 64) {
		pr_info("%s: backend published no usable size\n",
			xdev->nodename);
		return;
	}
	h->sectors = sectors;
	h->readonly = info & VDISK_READONLY;
	xenbus_switch_state(xdev, XenbusStateConnected);
	schedule_work(&h->work);
}

/*
 * Grants and the ring stay as they are: the backend may have the ring
 * mapped when it is being shut down, and this module is only for tests.
 */
static void xldrv_hostile_remove(struct xenbus_device *xdev)
{
	struct xldrv_hostile *h = dev_get_drvdata(&xdev->dev);

	if (h) {
		cancel_work_sync(&h->work);
		unbind_from_irqhandler(h->irq, h);
	}
}

static const struct xenbus_device_id xldrv_hostile_ids[] = {
	{ "vbd" },
	{ "" }
};

static struct xenbus_driver xldrv_hostile_driver = {
	.ids = xldrv_hostile_ids,
	.probe = xldrv_hostile_probe,
	.remove = xldrv_hostile_remove,
	.otherend_changed = xldrv_hostile_backend_changed,
};

static int __init xldrv_hostile_init(void)
{
	return xenbus_register_frontend(&xldrv_hostile_driver);
}

static void __exit xldrv_hostile_exit(void)
{
	xenbus_unregister_driver(&xldrv_hostile_driver);
}

module_init(xldrv_hostile_init);
module_exit(xldrv_hostile_exit);
MODULE_DESCRIPTION("xldrv test: a hostile blkif frontend");
MODULE_LICENSE("GPL");
