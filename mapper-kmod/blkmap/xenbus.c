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
 * Closed with online=0 (a detach): our directory is removed, as `xl devd`
 * would, and the xenbus core unregisters the device.  The frontend's
 * directory gone (Unknown): the device is unregistered.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <xen/events.h>
#include <xen/xen.h>
#include <xen/interface/io/protocols.h>

#include "blkmap.h"

static void xldrv_blkmap_disconnect(struct xldrv_blkmap_dev *dev)
{
	if (dev->thread) {
		kthread_stop(dev->thread);
		dev->thread = NULL;
	}
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
 * the device is open.  No transaction: a frontend reads these only after
 * the state write that follows them, and a transaction's start and end
 * would be two more round trips through xenstored on the way back from
 * a driver domain restart.
 */
static int xldrv_blkmap_publish(struct xldrv_blkmap_dev *dev)
{
	const char *node = dev->xdev->nodename;
	int err;

	err = xenbus_printf(XBT_NIL, node, "max-ring-page-order", "%u",
			    xldrv_blkmap_max_ring_order);
	if (!err)
		err = xenbus_printf(XBT_NIL, node, "sectors", "%llu",
				    (unsigned long long)dev->lim.sectors);
	if (!err)
		err = xenbus_printf(XBT_NIL, node, "info", "%u",
				    dev->lim.readonly ? VDISK_READONLY : 0);
	if (!err)
		err = xenbus_printf(XBT_NIL, node, "sector-size", "%u",
				    dev->lim.lbs_sectors << 9);
	if (!err)
		err = xenbus_printf(XBT_NIL, node, "physical-sector-size", "%u",
				    bdev_physical_block_size(dev->bdev));
	if (!err)
		err = xenbus_printf(XBT_NIL, node, "feature-flush-cache", "%d",
				    dev->lim.flush);
	if (!err)
		err = xenbus_printf(XBT_NIL, node, "feature-barrier", "%d",
				    dev->lim.barrier);
	if (!err)
		err = xenbus_printf(XBT_NIL, node,
				    "feature-max-indirect-segments", "%u",
				    XLDRV_BLKMAP_MAX_INDIRECT_SEGS);
	if (!err)
		err = xenbus_printf(XBT_NIL, node, "feature-discard", "%d",
				    dev->lim.discard);
	if (!err && dev->lim.discard)
		err = xenbus_printf(XBT_NIL, node, "discard-granularity", "%u",
				    dev->discard_granularity);
	if (!err && dev->lim.discard)
		err = xenbus_printf(XBT_NIL, node, "discard-alignment", "%u",
				    dev->discard_alignment);
	if (!err && dev->lim.discard)
		err = xenbus_printf(XBT_NIL, node, "discard-secure", "%d",
				    dev->lim.secure_discard);
	if (err)
		xenbus_dev_fatal(dev->xdev, err, "publishing the disk's features");
	return err;
}

/* The frontend's ring-ref (one page) or ring-ref0..N-1 (2^order pages). */
static int xldrv_blkmap_read_ring_refs(struct xldrv_blkmap_dev *dev,
				       grant_ref_t *refs, unsigned int *nr)
{
	struct xenbus_device *xdev = dev->xdev;
	unsigned int order, i;
	char node[16];
	int err;

	order = xenbus_read_unsigned(xdev->otherend, "ring-page-order", 0);
	if (order > xldrv_blkmap_max_ring_order) {
		xenbus_dev_fatal(xdev, -EINVAL,
				 "ring-page-order %u: at most %u is offered",
				 order, xldrv_blkmap_max_ring_order);
		return -EINVAL;
	}
	*nr = 1u << order;
	if (!order) {
		err = xenbus_scanf(XBT_NIL, xdev->otherend, "ring-ref", "%u",
				   &refs[0]);
		if (err != 1) {
			xenbus_dev_fatal(xdev, err < 0 ? err : -EINVAL,
					 "reading %s/ring-ref", xdev->otherend);
			return err < 0 ? err : -EINVAL;
		}
		return 0;
	}
	for (i = 0; i < *nr; i++) {
		snprintf(node, sizeof(node), "ring-ref%u", i);
		err = xenbus_scanf(XBT_NIL, xdev->otherend, node, "%u",
				   &refs[i]);
		if (err != 1) {
			xenbus_dev_fatal(xdev, err < 0 ? err : -EINVAL,
					 "reading %s/%s", xdev->otherend, node);
			return err < 0 ? err : -EINVAL;
		}
	}
	return 0;
}

static int xldrv_blkmap_connect(struct xldrv_blkmap_dev *dev)
{
	struct xenbus_device *xdev = dev->xdev;
	grant_ref_t refs[XENBUS_MAX_RING_GRANTS];
	struct blkif_sring *sring;
	unsigned int evtchn, nr;
	char *protocol;
	int err;

	/* A frontend that would replay onto a removed disk: not again. */
	if (xldrv_blkmap_disk_dead(dev)) {
		xenbus_dev_fatal(xdev, -ENODEV, "the disk is gone");
		return -ENODEV;
	}
	err = xldrv_blkmap_read_ring_refs(dev, refs, &nr);
	if (err)
		return err;
	err = xenbus_scanf(XBT_NIL, xdev->otherend, "event-channel", "%u",
			   &evtchn);
	if (err != 1) {
		err = err < 0 ? err : -EINVAL;
		xenbus_dev_fatal(xdev, err, "reading %s/event-channel",
				 xdev->otherend);
		return err;
	}
	protocol = xenbus_read(XBT_NIL, xdev->otherend, "protocol", NULL);
	if (!IS_ERR(protocol) && strcmp(protocol, XEN_IO_PROTO_ABI_NATIVE)) {
		xenbus_dev_fatal(xdev, -EPROTONOSUPPORT,
				 "frontend protocol %s: only %s is served",
				 protocol, XEN_IO_PROTO_ABI_NATIVE);
		kfree(protocol);
		return -EPROTONOSUPPORT;
	}
	if (!IS_ERR(protocol))
		kfree(protocol);

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
		if (!xenbus_dev_is_online(xdev))
			xldrv_blkmap_remove_backend_dir(xdev);
		device_unregister(&xdev->dev);
		break;
	default:
		xenbus_dev_fatal(xdev, -EINVAL, "frontend in state %d",
				 frontend);
		break;
	}
}

static int xldrv_blkmap_open(struct xldrv_blkmap_dev *dev)
{
	struct xenbus_device *xdev = dev->xdev;
	char *params, *mode;
	int err = 0;

	params = xenbus_read(XBT_NIL, xdev->nodename, "params", NULL);
	if (IS_ERR(params)) {
		xenbus_dev_fatal(xdev, PTR_ERR(params), "reading params");
		return PTR_ERR(params);
	}
	mode = xenbus_read(XBT_NIL, xdev->nodename, "mode", NULL);
	dev->lim.readonly = IS_ERR(mode) || strcmp(mode, "w");
	if (!IS_ERR(mode))
		kfree(mode);

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
	pr_info("dom%u %s: serving %s (%llu sectors, %s)\n", dev->domid,
		xdev->nodename, params, (unsigned long long)dev->lim.sectors,
		dev->lim.readonly ? "read-only" : "read-write");
out:
	kfree(params);
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
	INIT_DELAYED_WORK(&dev->rm_work, xldrv_blkmap_rm_work);
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
	xldrv_blkmap_disconnect(dev);
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
