// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv_blkmap: the xenbus side.  The toolstack writes a vbd backend
 * directory for us in this (driver) domain; its "params" names the block
 * device to serve, which the mapper opens itself: no hotplug script.
 *
 * Backend states, and the only moves set_backend_state() makes:
 *
 *   Initialising -> InitWait -> Connected -> Closing -> Closed
 *                      ^                                  |
 *                      +----------------------------------+
 *
 * InitWait: device open, features published, waiting for the ring (not
 * for long if the frontend offered it already: see probe).
 * Connected: ring mapped, thread running.  Closing/Closed: ring gone.
 * A fatal error (xenbus_dev_fatal) publishes Closing from any state; the
 * device stays so until the frontend closes too.  The ring thread's own
 * go through fatal_work, under state_lock (xldrv_blkmap_fatal()).
 * Closed with online=0 (a detach), or the frontend's directory gone
 * (Unknown) with online=0 (its domain destroyed): our directory is
 * removed, as `xl devd` would, and the xenbus core unregisters the
 * device.  The frontend's directory gone with the device still online:
 * the device is unregistered, the directory left to the toolstack.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <xen/events.h>
#include <xen/xen.h>
#include <xen/interface/io/protocols.h>

#include "blkmap.h"
#include "../common/xsbatch.h"

/*
 * The ring thread found the frontend hostile or the disk gone: Closing,
 * published by fatal_work.  Not from the thread itself: the xenwatch
 * thread starts it in connect() and only then writes Connected, which
 * would overwrite a Closing written in between, leaving a device that
 * serves nothing said Connected.  @why: a literal (it outlives @dev).
 */
void xldrv_blkmap_fatal(struct xldrv_blkmap_dev *dev, int err,
			const char *why)
{
	WRITE_ONCE(dev->fatal_err, err);
	/* The error before the reason: fatal_work reads them the other way. */
	smp_store_release(&dev->fatal_why, why);
	schedule_work(&dev->fatal_work);
}

/*
 * Under state_lock, which set_state() holds from starting the thread
 * until it has written Connected: this Closing comes after that.
 * disconnect() clears fatal_why under the lock, the thread stopped: a
 * work that runs after it publishes nothing, or its Closing could land
 * on the device's next connection.
 */
static void xldrv_blkmap_fatal_work(struct work_struct *work)
{
	struct xldrv_blkmap_dev *dev = container_of(work,
						    struct xldrv_blkmap_dev,
						    fatal_work);
	const char *why;

	mutex_lock(&dev->state_lock);
	/* The reason before the error: the thread wrote them the other way. */
	why = smp_load_acquire(&dev->fatal_why);
	if (why && dev->state == XenbusStateConnected)
		xenbus_dev_fatal(dev->xdev, READ_ONCE(dev->fatal_err), "%s",
				 why);
	WRITE_ONCE(dev->fatal_why, NULL);
	mutex_unlock(&dev->state_lock);
}

/* Under state_lock. */
static void xldrv_blkmap_disconnect(struct xldrv_blkmap_dev *dev)
{
	if (dev->thread) {
		kthread_stop(dev->thread);
		dev->thread = NULL;
	}
	/* No thread to set it again; a pending fatal_work does nothing. */
	WRITE_ONCE(dev->fatal_why, NULL);
	if (dev->irq) {
		unbind_from_irqhandler(dev->irq, dev);
		dev->irq = 0;
	}
	mutex_lock(&dev->ring_lock);
	if (dev->ring_va) {
		xenbus_unmap_ring_vfree(dev->xdev, dev->ring_va);
		dev->ring_va = NULL;
	}
	xldrv_blkmap_ring_free(dev);
	dev->ring_pages = 0;
	mutex_unlock(&dev->ring_lock);
}

/*
 * What a frontend reads of the disk, written once at probe, before our
 * InitWait: a restart-aware frontend reads it while we map its ring, and
 * our Connected is then all it waits for.  Nothing in it changes while
 * the device is open.  No transaction, and all in flight at once
 * (xsbatch.h): a frontend reads these only after the state write that
 * follows them, and on the way back from a driver domain restart each
 * round trip through xenstored is time the client waits.
 */
static int xldrv_blkmap_publish(struct xldrv_blkmap_dev *dev)
{
	const char *node = dev->xdev->nodename;
	/* One per node below: 9, and 3 more with discard. */
	struct xldrv_xs_req rq[12];
	unsigned int n = 0;
	int err;

	xldrv_xs_set(&rq[n++], node, "max-ring-page-order", "%u",
		     xldrv_blkmap_max_ring_order);
	xldrv_xs_set(&rq[n++], node, "sectors", "%llu",
		     (unsigned long long)dev->lim.sectors);
	xldrv_xs_set(&rq[n++], node, "info", "%u",
		     dev->lim.readonly ? VDISK_READONLY : 0);
	xldrv_xs_set(&rq[n++], node, "sector-size", "%u",
		     dev->lim.lbs_sectors << 9);
	xldrv_xs_set(&rq[n++], node, "physical-sector-size", "%u",
		     bdev_physical_block_size(dev->bdev));
	xldrv_xs_set(&rq[n++], node, "feature-flush-cache", "%d",
		     dev->lim.flush);
	xldrv_xs_set(&rq[n++], node, "feature-barrier", "%d",
		     dev->lim.barrier);
	xldrv_xs_set(&rq[n++], node, "feature-max-indirect-segments", "%u",
		     XLDRV_BLKMAP_MAX_INDIRECT_SEGS);
	xldrv_xs_set(&rq[n++], node, "feature-discard", "%d",
		     dev->lim.discard);
	if (dev->lim.discard) {
		xldrv_xs_set(&rq[n++], node, "discard-granularity", "%u",
			     dev->discard_granularity);
		xldrv_xs_set(&rq[n++], node, "discard-alignment", "%u",
			     dev->discard_alignment);
		xldrv_xs_set(&rq[n++], node, "discard-secure", "%d",
			     dev->lim.secure_discard);
	}
	err = xldrv_xs_batch(rq, n);
	if (err)
		xenbus_dev_fatal(dev->xdev, err, "publishing the disk's features");
	return err;
}

/*
 * A number the frontend wrote: its read's error, or -EINVAL for one that
 * is not a number.  Either is fatal for the device.
 */
static int xldrv_blkmap_fe_uint(struct xldrv_blkmap_dev *dev,
				const struct xldrv_xs_req *r, unsigned int *v)
{
	int err = r->err;

	if (!err && kstrtouint(r->val, 10, v))
		err = -EINVAL;
	if (err)
		xenbus_dev_fatal(dev->xdev, err, "reading %s/%s", r->dir,
				 r->node);
	return err;
}

/*
 * What the frontend offers: ring-ref (one page) or ring-ref0..N-1 (2^order
 * pages), its event channel and protocol.  Read together (see
 * xsbatch.h), and the N refs of a multi-page ring together after.
 */
static int xldrv_blkmap_read_ring(struct xldrv_blkmap_dev *dev,
				  grant_ref_t *refs, unsigned int *nr,
				  unsigned int *evtchn)
{
	const char *fe = dev->xdev->otherend;
	struct xldrv_xs_req rq[XENBUS_MAX_RING_GRANTS];
	char names[XENBUS_MAX_RING_GRANTS][16];
	unsigned int order = 0, i, v;
	int err;

	BUILD_BUG_ON(XENBUS_MAX_RING_GRANTS < 4);
	xldrv_xs_get(&rq[0], fe, "ring-page-order");
	xldrv_xs_get(&rq[1], fe, "ring-ref");
	xldrv_xs_get(&rq[2], fe, "event-channel");
	xldrv_xs_get(&rq[3], fe, "protocol");
	xldrv_xs_batch(rq, 4);

	/* No order: a one-page ring. */
	if (!rq[0].err) {
		err = xldrv_blkmap_fe_uint(dev, &rq[0], &order);
		if (err)
			goto out;
	}
	if (order > xldrv_blkmap_max_ring_order) {
		err = -EINVAL;
		xenbus_dev_fatal(dev->xdev, err,
				 "ring-page-order %u: at most %u is offered",
				 order, xldrv_blkmap_max_ring_order);
		goto out;
	}
	err = xldrv_blkmap_fe_uint(dev, &rq[2], evtchn);
	if (err)
		goto out;
	if (!rq[3].err && strcmp(rq[3].val, XEN_IO_PROTO_ABI_NATIVE)) {
		err = -EPROTONOSUPPORT;
		/* Escaped and cut: it is the frontend's text. */
		xenbus_dev_fatal(dev->xdev, err,
				 "frontend protocol %*pE: only %s is served",
				 (int)min_t(size_t, strlen(rq[3].val), 32),
				 rq[3].val, XEN_IO_PROTO_ABI_NATIVE);
		goto out;
	}
	*nr = 1u << order;
	if (!order) {
		err = xldrv_blkmap_fe_uint(dev, &rq[1], &v);
		refs[0] = v;
		goto out;
	}

	xldrv_xs_free(rq, 4);
	for (i = 0; i < *nr; i++) {
		snprintf(names[i], sizeof(names[i]), "ring-ref%u", i);
		xldrv_xs_get(&rq[i], fe, names[i]);
	}
	xldrv_xs_batch(rq, *nr);
	for (i = 0; i < *nr; i++) {
		err = xldrv_blkmap_fe_uint(dev, &rq[i], &v);
		if (err)
			break;
		refs[i] = v;
	}
	xldrv_xs_free(rq, *nr);
	return err;
out:
	xldrv_xs_free(rq, 4);
	return err;
}

static int xldrv_blkmap_connect(struct xldrv_blkmap_dev *dev)
{
	struct xenbus_device *xdev = dev->xdev;
	grant_ref_t refs[XENBUS_MAX_RING_GRANTS];
	struct blkif_sring *sring;
	unsigned int evtchn, nr;
	int err;

	/* A frontend that would replay onto a removed disk: not again. */
	if (xldrv_blkmap_disk_dead(dev)) {
		xenbus_dev_fatal(xdev, -ENODEV, "the disk is gone");
		return -ENODEV;
	}
	err = xldrv_blkmap_read_ring(dev, refs, &nr, &evtchn);
	if (err)
		return err;

	mutex_lock(&dev->ring_lock);
	err = xenbus_map_ring_valloc(xdev, refs, nr, &dev->ring_va);
	if (err) {
		mutex_unlock(&dev->ring_lock);
		xenbus_dev_fatal(xdev, err, "mapping the %u ring pages", nr);
		return err;
	}
	sring = dev->ring_va;
	BACK_RING_INIT(&dev->ring, sring, XEN_PAGE_SIZE * nr);
	dev->ring_pages = nr;
	err = xldrv_blkmap_ring_alloc(dev, RING_SIZE(&dev->ring));
	mutex_unlock(&dev->ring_lock);
	if (err) {
		xenbus_dev_fatal(xdev, err, "allocating for %u requests",
				 RING_SIZE(&dev->ring));
		goto err_unmap;
	}

	/* Before the bind: an event may come at once, and must stay seen. */
	atomic_set(&dev->eoi_pending, 0);
	dev->kick = false;
	dev->broken = false;
	/*
	 * A disk that went offline may be back (a SCSI device set running
	 * again): the new ring finds out afresh.  One that was removed was
	 * refused above (xldrv_blkmap_disk_dead()).
	 */
	dev->disk_gone = false;
	err = bind_interdomain_evtchn_to_irqhandler_lateeoi(xdev, evtchn,
							    xldrv_blkmap_interrupt,
							    0, "xldrv-blkmap",
							    dev);
	if (err < 0) {
		xenbus_dev_fatal(xdev, err, "binding event channel %u", evtchn);
		goto err_free_ring;
	}
	dev->irq = err;

	dev->thread = kthread_run(xldrv_blkmap_ring_thread, dev,
				  "xldrv-blkmap.%u.%s", dev->domid,
				  strrchr(xdev->nodename, '/') + 1);
	if (IS_ERR(dev->thread)) {
		err = PTR_ERR(dev->thread);
		dev->thread = NULL;
		xenbus_dev_fatal(xdev, err, "starting the ring thread");
		goto err_unbind;
	}
	/* A frontend can reconnect at will: rate-limited. */
	pr_info_ratelimited("dom%u %s: connected: %u ring page%s, event channel %u\n",
			    dev->domid, xdev->nodename, nr, nr == 1 ? "" : "s",
			    evtchn);
	return 0;

err_unbind:
	unbind_from_irqhandler(dev->irq, dev);
	dev->irq = 0;
err_free_ring:
	xldrv_blkmap_ring_free(dev);
err_unmap:
	mutex_lock(&dev->ring_lock);
	xenbus_unmap_ring_vfree(xdev, dev->ring_va);
	dev->ring_va = NULL;
	dev->ring_pages = 0;
	mutex_unlock(&dev->ring_lock);
	return err;
}

/* Move to @target along the diagram above, one legal step at a time. */
static void xldrv_blkmap_set_state(struct xldrv_blkmap_dev *dev,
				   enum xenbus_state target)
{
	while (dev->state != target) {
		enum xenbus_state next;

		switch (dev->state) {
		case XenbusStateInitWait:
			next = target == XenbusStateConnected ?
				XenbusStateConnected : XenbusStateClosing;
			if (next == XenbusStateConnected &&
			    xldrv_blkmap_connect(dev))
				return;
			break;
		case XenbusStateConnected:
			next = XenbusStateClosing;
			xldrv_blkmap_disconnect(dev);
			break;
		case XenbusStateClosing:
			next = XenbusStateClosed;
			break;
		case XenbusStateClosed:
			next = XenbusStateInitWait;
			break;
		default:
			next = XenbusStateInitWait;
			break;
		}
		xenbus_switch_state(dev->xdev, next);
		dev->state = next;
	}
}

static void xldrv_blkmap_remove_backend_dir(struct xenbus_device *xdev)
{
	int err = xenbus_rm(XBT_NIL, xdev->nodename, "");

	if (err && err != -ENOENT)
		pr_warn("%s: removing the backend directory: %d\n",
			xdev->nodename, err);
}

/*
 * On a detach libxl waits first to read the backend state Closed, then for
 * our directory to go.  Gone before that read, it fails the detach ("state
 * removed"); `xl devd` has a hotplug script's run in between.  Two seconds
 * is far more than dom0 takes to read a node, even under emulation.
 */
#define XLDRV_BLKMAP_RM_DELAY (2 * HZ)

static void xldrv_blkmap_rm_work(struct work_struct *work)
{
	struct xldrv_blkmap_dev *dev = container_of(to_delayed_work(work),
					     struct xldrv_blkmap_dev, rm_work);
	struct xenbus_device *xdev = dev->xdev;

	/* Still what it was when scheduled: Closed and offline. */
	if (xenbus_read_driver_state(xdev->nodename) == XenbusStateClosed &&
	    !xenbus_dev_is_online(xdev))
		xldrv_blkmap_remove_backend_dir(xdev);
}

static void xldrv_blkmap_frontend_changed(struct xenbus_device *xdev,
					  enum xenbus_state frontend)
{
	struct xldrv_blkmap_dev *dev = dev_get_drvdata(&xdev->dev);

	mutex_lock(&dev->state_lock);
	switch (frontend) {
	case XenbusStateInitialising:
		/*
		 * A frontend starting again after Closed; not onto a disk
		 * that is gone, which would only close it again.
		 */
		if (dev->state == XenbusStateClosed &&
		    !xldrv_blkmap_disk_dead(dev))
			xldrv_blkmap_set_state(dev, XenbusStateInitWait);
		break;
	case XenbusStateInitialised:
	case XenbusStateConnected:
		/*
		 * Not again after a fatal error (xenbus_dev_fatal leaves the
		 * device Closing) until the frontend has closed and started
		 * over: each attempt logs an error, and a frontend could
		 * rewrite its state as often as it likes.
		 */
		if (xdev->state == XenbusStateClosing)
			break;
		if (dev->state != XenbusStateConnected)
			xldrv_blkmap_set_state(dev, XenbusStateConnected);
		break;
	case XenbusStateClosing:
		xldrv_blkmap_set_state(dev, XenbusStateClosing);
		break;
	case XenbusStateClosed:
		xldrv_blkmap_set_state(dev, XenbusStateClosed);
		/*
		 * A detach (online=0): libxl waits for our directory to go
		 * before it removes the frontend's; `xl devd` would remove it,
		 * and there is none.  The xenbus core then unregisters the
		 * device.
		 */
		if (!xenbus_dev_is_online(xdev))
			schedule_delayed_work(&dev->rm_work, XLDRV_BLKMAP_RM_DELAY);
		break;
	case XenbusStateUnknown:
		/* The frontend's directory is gone: its domain is, too. */
		xldrv_blkmap_set_state(dev, XenbusStateClosed);
		/*
		 * A domain's destruction: libxl removes the frontend's
		 * directory, sets online=0 and waits, as on a detach, to read
		 * Closed and then for our directory to go; the xenbus core
		 * unregisters the device when it has.
		 */
		if (!xenbus_dev_is_online(xdev)) {
			schedule_delayed_work(&dev->rm_work,
					      XLDRV_BLKMAP_RM_DELAY);
			break;
		}
		/* remove() runs from here, and takes state_lock. */
		mutex_unlock(&dev->state_lock);
		device_unregister(&xdev->dev);
		return;
	default:
		/*
		 * Once: the device closes, and a frontend writing bad states
		 * in a loop must not fill the driver domain's log.
		 */
		if (xdev->state != XenbusStateClosing &&
		    xdev->state != XenbusStateClosed)
			xenbus_dev_fatal(xdev, -EINVAL, "frontend in state %d",
					 frontend);
		break;
	}
	mutex_unlock(&dev->state_lock);
}

static int xldrv_blkmap_open(struct xldrv_blkmap_dev *dev)
{
	struct xenbus_device *xdev = dev->xdev;
	struct xldrv_xs_req rq[2];
	const char *params;
	int err = 0;

	xldrv_xs_get(&rq[0], xdev->nodename, "params");
	xldrv_xs_get(&rq[1], xdev->nodename, "mode");
	xldrv_xs_batch(rq, 2);
	if (rq[0].err) {
		err = rq[0].err;
		xenbus_dev_fatal(xdev, err, "reading params");
		goto out;
	}
	params = rq[0].val;
	dev->lim.readonly = rq[1].err || strcmp(rq[1].val, "w");

	dev->fmode = FMODE_READ | (dev->lim.readonly ? 0 : FMODE_WRITE);
	if (params[0] != '/') {
		err = -EINVAL;
		xenbus_dev_fatal(xdev, err, "params %s is not a path", params);
		goto out;
	}
	dev->bdev = blkdev_get_by_path(params, dev->fmode, dev);
	if (IS_ERR(dev->bdev)) {
		err = PTR_ERR(dev->bdev);
		dev->bdev = NULL;
		xenbus_dev_fatal(xdev, err, err == -ENOTBLK ?
				 "opening %s: not a block device (serve a file through a loop device)" :
				 "opening %s", params);
		goto out;
	}
	dev->lim.sectors = bdev_nr_sectors(dev->bdev);
	dev->lim.lbs_sectors = bdev_logical_block_size(dev->bdev) >> 9;
	dev->lim.flush = true;
	dev->lim.barrier = true;
	/* Discards only where the reused driver has them. */
	if (!dev->lim.readonly && bdev_max_discard_sectors(dev->bdev)) {
		dev->lim.discard = true;
		dev->discard_granularity = bdev_discard_granularity(dev->bdev);
		dev->discard_alignment = bdev_discard_alignment(dev->bdev);
	}
	/* Rate-limited: a frontend may reconnect in a loop. */
	pr_info_ratelimited("dom%u %s: serving %s (%llu sectors, %s)\n",
			    dev->domid, xdev->nodename, params,
			    (unsigned long long)dev->lim.sectors,
			    dev->lim.readonly ? "read-only" : "read-write");
out:
	xldrv_xs_free(rq, 2);
	return err;
}

static int xldrv_blkmap_probe(struct xenbus_device *xdev,
			      const struct xenbus_device_id *id)
{
	struct xldrv_blkmap_dev *dev;
	enum xenbus_state fe;
	int err;

	dev = kvzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	dev->xdev = xdev;
	dev->domid = xdev->otherend_id;
	dev->state = XenbusStateInitialising;
	init_waitqueue_head(&dev->wq);
	mutex_init(&dev->ring_lock);
	mutex_init(&dev->state_lock);
	INIT_DELAYED_WORK(&dev->rm_work, xldrv_blkmap_rm_work);
	INIT_WORK(&dev->fatal_work, xldrv_blkmap_fatal_work);
	dev_set_drvdata(&xdev->dev, dev);

	err = xldrv_blkmap_open(dev);
	if (err)
		goto err_free_dev;
	err = xldrv_blkmap_publish(dev);
	if (err)
		goto err_close;
	err = xldrv_blkmap_sysfs_add(dev);
	if (err)
		goto err_close;
	mutex_lock(&dev->state_lock);
	xldrv_blkmap_set_state(dev, XenbusStateInitWait);
	/*
	 * A restart-aware frontend offers its ring before we are here
	 * (xldrvd wrote our directory while this domain booted): connect
	 * now, not after the core's watch on it has been set up and has
	 * fired, the same read and a few round trips later.  What it
	 * fires then finds us Connected.
	 */
	fe = xenbus_read_driver_state(xdev->otherend);
	if (fe == XenbusStateInitialised || fe == XenbusStateConnected)
		xldrv_blkmap_set_state(dev, XenbusStateConnected);
	mutex_unlock(&dev->state_lock);
	return 0;

err_close:
	blkdev_put(dev->bdev, dev->fmode);
err_free_dev:
	dev_set_drvdata(&xdev->dev, NULL);
	kvfree(dev);
	return err;
}

static void xldrv_blkmap_remove(struct xenbus_device *xdev)
{
	struct xldrv_blkmap_dev *dev = dev_get_drvdata(&xdev->dev);

	if (!dev)
		return;
	cancel_delayed_work_sync(&dev->rm_work);
	mutex_lock(&dev->state_lock);
	xldrv_blkmap_disconnect(dev);
	mutex_unlock(&dev->state_lock);
	/*
	 * After the disconnect: its thread, stopped there, is what queues
	 * the work.  Not under the lock, which the work takes.
	 */
	cancel_work_sync(&dev->fatal_work);
	xldrv_blkmap_sysfs_del(dev);
	blkdev_put(dev->bdev, dev->fmode);
	dev_set_drvdata(&xdev->dev, NULL);
	kvfree(dev);
}

static const struct xenbus_device_id xldrv_blkmap_ids[] = {
	{ "vbd" },
	{ "" }
};

static struct xenbus_driver xldrv_blkmap_driver = {
	.ids = xldrv_blkmap_ids,
	.probe = xldrv_blkmap_probe,
	.remove = xldrv_blkmap_remove,
	.otherend_changed = xldrv_blkmap_frontend_changed,
};

int xldrv_blkmap_xenbus_init(void)
{
	return xenbus_register_backend(&xldrv_blkmap_driver);
}

void xldrv_blkmap_xenbus_exit(void)
{
	xenbus_unregister_driver(&xldrv_blkmap_driver);
}
