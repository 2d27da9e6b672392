// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv_blkfront: the xenbus side.  The backend we follow is whatever our
 * own "backend" and "backend-id" nodes name now (common/follow.c: xldrvd
 * re-plumbs a disk to a restarted driver domain by rewriting them).
 *
 * Every watch calls xldrv_blkfront_update(), always in the xenwatch
 * thread, which reads xenstore afresh and moves us towards what it finds:
 *
 *  ours:  Initialising --(backend Initialising or InitWait:  Initialised
 *                          ring offered)------------------------^
 *             ^   ^                                             |
 *             |   |                             (backend Connected:
 *             |   |                              disk made, or kept
 *             |   |                              and held I/O replayed)
 *             |   |                                             v
 *             |   +---(backend gone, moved or Closed: ring   Connected
 *             |        dropped, I/O held, timer armed)-----------+
 *             |                                                  |
 *             +---(backend Closed)--- Closed <--(backend Closing,|
 *                                               or Connected to a ring
 *                                               we dropped)------+
 *
 * The ring goes to a backend as soon as its directory is there, not at
 * its InitWait: a one-page ring needs nothing from the backend, and one
 * that finds us Initialised when it probes connects at once (blkback and
 * blkmap both do), one xenstore round trip between two domains fewer on
 * the way back from a driver domain restart (xldrvd writes the new
 * backend's directory, Initialising, while the domain boots).
 *
 * "Gone" is the backend's state node missing (its directory removed,
 * its domain dead) or unreadable; "moved" is our backend node naming
 * another directory.  Backend Closing or Closed with online=0 is a
 * detach, not a restart: held I/O fails and we close for good.  Every
 * step checks where we are first, so a repeated event does nothing new.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <xen/events.h>
#include <xen/page.h>
#include <xen/interface/event_channel.h>
#include <xen/interface/io/protocols.h>
#include <asm/xen/hypercall.h>
#include <xldrv/xenstore.h>

#include "blkfront.h"

/*
 * Drop the ring: nothing on it is looked at again.  Repeatable.  Grants
 * the backend still maps on block layer pages linger with their requests
 * (see blkfront.h).
 */
static void xldrv_blkfront_ring_down(struct xldrv_blkfront *blk)
{
	unsigned int i, lingering = 0;

	if (blk->conn == XLDRV_BLKFRONT_DOWN)
		return;
	/* They were that backend's; the next one says its own. */
	blk->have_params = false;
	spin_lock_irq(&blk->lock);
	blk->conn = XLDRV_BLKFRONT_DOWN;
	xldrv_blkfront_shadow_ring_lost(&blk->sh);
	for (i = 0; i < blk->sh.size; i++) {
		xldrv_blkfront_end_grants(blk, i);
		lingering += blk->slots[i].nr_grants;
	}
	if (blk->disk)
		blk_mq_stop_hw_queues(blk->disk->queue);
	spin_unlock_irq(&blk->lock);
	if (lingering)
		pr_info_ratelimited("%s: backend dom%u still maps %u pages of requests in flight: they wait for it to let go\n",
				    blk->xdev->nodename,
				    blk->follow.backend_id, lingering);

	/* Closes the event channel as well. */
	unbind_from_irqhandler(blk->irq, blk);
	blk->irq = 0;
	/* Freed once the backend has unmapped it, if it still does. */
	gnttab_end_foreign_access(blk->ring_ref, blk->ring_page);
	blk->ring_page = NULL;
}

/*
 * Whether the backend we follow stranded more of our pages than we let it
 * (ring.c): then it is refused, as one whose disk does not fit.
 */
static bool xldrv_blkfront_stranded(struct xldrv_blkfront *blk)
{
	bool over;

	spin_lock_irq(&blk->lock);
	over = blk->strand.over;
	spin_unlock_irq(&blk->lock);
	return over;
}

/* The backend is lost to us, for now: hold I/O until the timeout. */
static void xldrv_blkfront_lose(struct xldrv_blkfront *blk, const char *why)
{
	bool was_up = blk->conn != XLDRV_BLKFRONT_DOWN;

	xldrv_blkfront_ring_down(blk);
	if (!blk->disk || blk->failed)
		return;
	/* Armed once per loss: a repeated event keeps the first deadline. */
	if (schedule_delayed_work(&blk->recovery_work,
				  READ_ONCE(xldrv_blkfront_recovery_timeout_s) * HZ) ||
	    was_up)
		pr_warn_ratelimited("%s: %s: holding %u requests for up to %u s\n",
				    blk->xdev->nodename, why, blk->sh.nr_busy,
				    READ_ONCE(xldrv_blkfront_recovery_timeout_s));
}

static void xldrv_blkfront_recovery_work(struct work_struct *work)
{
	struct xldrv_blkfront *blk = container_of(to_delayed_work(work),
						  struct xldrv_blkfront,
						  recovery_work);

	xldrv_blkfront_fail_all(blk, true);
}

static int xldrv_blkfront_bind(struct xldrv_blkfront *blk)
{
	int irq = xldrv_follow_bind(&blk->follow, xldrv_blkfront_interrupt,
				    "xldrv-blkfront", blk, &blk->evtchn);

	if (irq < 0)
		return irq;
	blk->irq = irq;
	return 0;
}

static int xldrv_blkfront_publish(struct xldrv_blkfront *blk, grant_ref_t ref)
{
	const char *node = blk->xdev->nodename;
	struct xenbus_transaction xbt;
	int err;

again:
	err = xenbus_transaction_start(&xbt);
	if (err)
		return err;
	err = xenbus_printf(xbt, node, "ring-ref", "%u", ref);
	if (!err)
		err = xenbus_printf(xbt, node, "event-channel", "%u",
				    blk->evtchn);
	if (!err)
		err = xenbus_printf(xbt, node, "protocol", "%s",
				    XEN_IO_PROTO_ABI_NATIVE);
	/* So that xldrvd moves the backend instead of replugging us. */
	if (!err)
		err = xenbus_printf(xbt, node, XLDRV_XS_FE_RECONNECT, "1");
	if (err) {
		xenbus_transaction_end(xbt, 1);
		return err;
	}
	err = xenbus_transaction_end(xbt, 0);
	if (err == -EAGAIN)
		goto again;
	return err;
}

/* A fresh ring and event channel for the current backend. */
static int xldrv_blkfront_ring_up(struct xldrv_blkfront *blk)
{
	struct blkif_sring *sring;
	struct page *page;
	int ref, err;

	/* The toolstack's word on this device's backend ("untrusted"). */
	blk->next_bounce = !READ_ONCE(xldrv_blkfront_trusted) ||
			   !xenbus_read_unsigned(blk->xdev->nodename, "trusted",
						 1);

	page = alloc_page(GFP_NOIO | __GFP_ZERO);
	if (!page)
		return -ENOMEM;
	sring = page_address(page);
	SHARED_RING_INIT(sring);
	FRONT_RING_INIT(&blk->ring, sring, XEN_PAGE_SIZE);
	ref = gnttab_grant_foreign_access(blk->follow.backend_id,
					  xen_page_to_gfn(page), 0);
	if (ref < 0) {
		err = ref;
		goto err_free_page;
	}
	err = xldrv_blkfront_bind(blk);
	if (err)
		goto err_end_grant;
	err = xldrv_blkfront_publish(blk, ref);
	if (err)
		goto err_unbind;

	spin_lock_irq(&blk->lock);
	blk->ring_page = page;
	blk->ring_ref = ref;
	xldrv_blkfront_shadow_new_ring(&blk->sh);
	blk->conn = XLDRV_BLKFRONT_RING;
	spin_unlock_irq(&blk->lock);
	return 0;

err_unbind:
	unbind_from_irqhandler(blk->irq, blk);
	blk->irq = 0;
err_end_grant:
	gnttab_end_foreign_access(ref, page);
	return err;
err_free_page:
	__free_page(page);
	return err;
}

/* Connected all along: a resize, if anything. */
static void xldrv_blkfront_recheck(struct xldrv_blkfront *blk)
{
	unsigned long long sectors;

	if (!blk->disk ||
	    xenbus_scanf(XBT_NIL, blk->follow.backend, "sectors", "%llu",
			 &sectors) != 1 ||
	    sectors == blk->sectors)
		return;
	blk->sectors = sectors;
	set_capacity_and_notify(blk->disk, sectors);
}

/*
 * The backend's word on its disk: false if it has not written it yet
 * (xen-blkback writes it only as it connects).
 */
static bool xldrv_blkfront_read_params(struct xldrv_blkfront *blk,
				       struct xldrv_blkfront_params *p)
{
	const char *be = blk->follow.backend;

	if (xenbus_scanf(XBT_NIL, be, "sectors", "%llu", &p->sectors) != 1)
		return false;
	p->sector_size = xenbus_read_unsigned(be, "sector-size", 512);
	p->flush = xenbus_read_unsigned(be, "feature-flush-cache", 0);
	p->readonly = xenbus_read_unsigned(be, "info", 0) & VDISK_READONLY;
	p->segs = xldrv_blkfront_backend_segs(xenbus_read_unsigned(be,
					"feature-max-indirect-segments", 0));
	return true;
}

/* The backend is Connected to the ring we offered: use it. */
static void xldrv_blkfront_connect(struct xldrv_blkfront *blk)
{
	struct xenbus_device *xdev = blk->xdev;
	const char *be = blk->follow.backend;
	struct xldrv_blkfront_params *p = &blk->params;
	bool early = blk->have_params;
	unsigned int held;
	int err;

	if (!early && !xldrv_blkfront_read_params(blk, p)) {
		pr_warn_ratelimited("%s: backend %s has no sectors node\n",
				    xdev->nodename, be);
		return;
	}
	if (p->sector_size < 512 || p->sector_size > PAGE_SIZE ||
	    !is_power_of_2(p->sector_size) ||
	    (blk->disk && p->sector_size != blk->sector_size)) {
		pr_warn_ratelimited("%s: backend %s has sector-size %u (was %u): not connecting\n",
				    xdev->nodename, be, p->sector_size,
				    blk->sector_size);
		xenbus_dev_error(xdev, -EINVAL,
				 "backend %s has sector-size %u (was %u)",
				 be, p->sector_size, blk->sector_size);
		goto refuse;
	}
	if (blk->disk && p->segs < blk->segs) {
		pr_warn_ratelimited("%s: backend %s takes %u segments per request, the disk needs %u: not connecting\n",
				    xdev->nodename, be, p->segs, blk->segs);
		xenbus_dev_error(xdev, -EINVAL,
				 "backend %s takes %u segments per request, the disk needs %u",
				 be, p->segs, blk->segs);
		goto refuse;
	}

	/*
	 * The recovery deadline, if one runs, goes on until everything held
	 * is out on this ring: the replay work ends it.
	 */
	spin_lock_irq(&blk->lock);
	blk->conn = XLDRV_BLKFRONT_UP;
	blk->failed = false;
	blk->bounce = blk->next_bounce;
	spin_unlock_irq(&blk->lock);

	if (!blk->disk) {
		xenbus_switch_state(xdev, XenbusStateConnected);
		blk->sectors = p->sectors;
		blk->sector_size = p->sector_size;
		blk->segs = xldrv_blkfront_disk_segs(p->segs,
						     xldrv_blkfront_max_indirect_segments);
		blk->flush = p->flush;
		blk->readonly = p->readonly;
		err = xldrv_blkfront_disk_add(blk);
		if (err)
			xenbus_dev_fatal(xdev, err, "adding the disk");
		return;
	}
	if (p->sectors != blk->sectors) {
		blk->sectors = p->sectors;
		set_capacity_and_notify(blk->disk, p->sectors);
	}
	if (p->flush != blk->flush) {
		blk->flush = p->flush;
		blk_queue_write_cache(blk->disk->queue, p->flush, false);
	}
	if (p->readonly != blk->readonly) {
		blk->readonly = p->readonly;
		set_disk_ro(blk->disk, p->readonly);
	}
	/*
	 * Held I/O goes out first: the backend serves the ring from its
	 * Connected on, and our own Connected is news only to the
	 * toolstack.  It starts the hardware queues once all held I/O is
	 * out again.
	 */
	held = blk->sh.nr_pending;
	schedule_delayed_work(&blk->replay_work, 0);
	/* Rate-limited: a backend may make us reconnect in a loop. */
	pr_info_ratelimited("%s: reconnected to %s (dom%u%s), replaying %u requests\n",
			    xdev->nodename, be, blk->follow.backend_id,
			    blk->bounce ? ", untrusted: bounce pages" : "",
			    held);
	xenbus_switch_state(xdev, XenbusStateConnected);
	/* Resized between its InitWait and now? */
	if (early)
		xldrv_blkfront_recheck(blk);
	return;

refuse:
	/*
	 * A queue's block size and segment limits cannot change under its
	 * users, nor can held requests be split.  Not this backend again
	 * (it would loop), only another one; held I/O waits for that, or
	 * for the recovery timeout.
	 */
	blk->refused = true;
	xldrv_blkfront_lose(blk, "unusable backend");
	xenbus_switch_state(xdev, XenbusStateClosed);
}

/* A detach by the toolstack: nobody comes back for this device. */
static void xldrv_blkfront_detach(struct xldrv_blkfront *blk)
{
	xldrv_blkfront_ring_down(blk);
	cancel_delayed_work(&blk->recovery_work);
	if (blk->disk && blk->xdev->state != XenbusStateClosed)
		pr_info("%s: detached\n", blk->xdev->nodename);
	xldrv_blkfront_fail_all(blk, false);
	xenbus_frontend_closed(blk->xdev);
}

/* The one place our xenbus state changes: see the diagram above. */
static void xldrv_blkfront_update(struct xldrv_follow *f, bool recheck)
{
	struct xldrv_blkfront *blk = container_of(f, struct xldrv_blkfront,
						  follow);
	struct xenbus_device *xdev = blk->xdev;
	enum xenbus_state be;
	bool online;

	/* memalloc_noio is set: see xldrv_follow_call(). */
	mutex_lock(&blk->mutex);
	if (blk->removing)
		goto out;
	switch (recheck ? xldrv_follow_refresh(f) : XLDRV_FOLLOW_SAME) {
	case XLDRV_FOLLOW_MOVED:
		xldrv_blkfront_lose(blk, "backend moved");
		fallthrough;
	case XLDRV_FOLLOW_NEW:
		/* A backend we have not judged yet; no ring (DOWN). */
		blk->refused = false;
		spin_lock_irq(&blk->lock);
		xldrv_strand_reset(&blk->strand);
		spin_unlock_irq(&blk->lock);
		break;
	case XLDRV_FOLLOW_SAME:
		break;
	}
	be = xldrv_follow_state(f, &online);

	switch (be) {
	case XenbusStateInitialising:
	case XenbusStateInitialised:
	case XenbusStateInitWait:
		/* A backend (re)starting: offer it a ring (see above). */
		if (blk->conn == XLDRV_BLKFRONT_UP)
			xldrv_blkfront_lose(blk, "backend restarted");
		/* Even if the reset work has not run yet: never again. */
		if (xldrv_blkfront_stranded(blk))
			blk->refused = true;
		if (blk->refused) {
			if (be != XenbusStateInitWait)
				xenbus_switch_state(xdev,
						    XenbusStateInitialising);
			break;
		}
		if (blk->conn == XLDRV_BLKFRONT_DOWN) {
			int err;

			/*
			 * Our state may still say Initialised, of a ring we
			 * dropped (the backend moved before it connected),
			 * while the new backend reads Initialising: through
			 * Initialising, or our Initialised is no change and
			 * is never written.
			 */
			xenbus_switch_state(xdev, XenbusStateInitialising);
			err = xldrv_blkfront_ring_up(blk);

			if (err) {
				pr_warn_ratelimited("%s: offering a ring to %s: %d\n",
						    xdev->nodename,
						    blk->follow.backend, err);
				break;
			}
		}
		xenbus_switch_state(xdev, XenbusStateInitialised);
		/*
		 * While the backend maps our ring: what it says of its disk,
		 * if it says it yet, so that its Connected is all we wait for.
		 */
		if (be == XenbusStateInitWait && !blk->have_params)
			blk->have_params = xldrv_blkfront_read_params(blk,
								      &blk->params);
		break;
	case XenbusStateConnected:
		if (blk->conn == XLDRV_BLKFRONT_RING)
			xldrv_blkfront_connect(blk);
		else if (blk->conn == XLDRV_BLKFRONT_UP)
			xldrv_blkfront_recheck(blk);
		else
			/* On a ring we dropped: make it let go, and start over. */
			xenbus_switch_state(xdev, XenbusStateClosed);
		break;
	case XenbusStateClosing:
		if (!online) {
			xldrv_blkfront_detach(blk);
			break;
		}
		xldrv_blkfront_lose(blk, "backend closing");
		/* Backends finish closing when the frontend is Closed. */
		xenbus_switch_state(xdev, XenbusStateClosed);
		break;
	case XenbusStateClosed:
		if (!online) {
			xldrv_blkfront_detach(blk);
			break;
		}
		xldrv_blkfront_lose(blk, "backend closed");
		/* What makes a closed backend go to InitWait again. */
		xenbus_switch_state(xdev, XenbusStateInitialising);
		break;
	default:
		xldrv_blkfront_lose(blk, "backend gone");
		xenbus_switch_state(xdev, XenbusStateInitialising);
		break;
	}
out:
	mutex_unlock(&blk->mutex);
}

/* The core's watch on the backend of probe time (see follow.c). */
static void xldrv_blkfront_otherend_changed(struct xenbus_device *xdev,
					    enum xenbus_state state)
{
	struct xldrv_blkfront *blk = dev_get_drvdata(&xdev->dev);

	if (blk)
		xldrv_follow_otherend_changed(&blk->follow);
}

/*
 * The backend broke the ring protocol (the interrupt handler saw it):
 * drop the ring and make the backend close, which starts a reconnect,
 * or, if it stranded too many of our pages, the wait for another.
 */
static void xldrv_blkfront_reset_work(struct work_struct *work)
{
	struct xldrv_blkfront *blk = container_of(work, struct xldrv_blkfront,
						  reset_work);
	bool stranded;

	mutex_lock(&blk->mutex);
	stranded = xldrv_blkfront_stranded(blk);
	if (!blk->removing && blk->reset) {
		/*
		 * Stranding our pages is no accident a reconnect mends: wait
		 * for another backend, as for one whose disk does not fit.
		 */
		if (stranded)
			blk->refused = true;
		xldrv_blkfront_lose(blk, stranded ? "backend keeps our pages" :
						    "ring protocol broken");
		xenbus_switch_state(blk->xdev, XenbusStateClosed);
	}
	spin_lock_irq(&blk->lock);
	blk->reset = false;
	spin_unlock_irq(&blk->lock);
	mutex_unlock(&blk->mutex);
}

/* The slots' pages went with the disk (xldrv_blkfront_disk_del()). */
static void xldrv_blkfront_free(struct xldrv_blkfront *blk)
{
	kfree(blk->slots);
	kfree(blk->ent);
	kfree(blk->follow.backend);
	kfree(blk);
}

static int xldrv_blkfront_probe(struct xenbus_device *xdev,
				const struct xenbus_device_id *id)
{
	unsigned int size = __CONST_RING_SIZE(blkif, XEN_PAGE_SIZE);
	struct xldrv_blkfront *blk;
	unsigned int handle;
	int err;

	BUILD_BUG_ON(__CONST_RING_SIZE(blkif, XEN_PAGE_SIZE) >
		     XLDRV_BLKFRONT_SHADOW_MAX);
	blk = kzalloc(sizeof(*blk), GFP_KERNEL);
	if (!blk)
		return -ENOMEM;
	blk->xdev = xdev;
	mutex_init(&blk->mutex);
	spin_lock_init(&blk->lock);
	INIT_DELAYED_WORK(&blk->recovery_work, xldrv_blkfront_recovery_work);
	INIT_DELAYED_WORK(&blk->replay_work, xldrv_blkfront_replay_work);
	INIT_WORK(&blk->reset_work, xldrv_blkfront_reset_work);
	INIT_WORK(&blk->scan_work, xldrv_blkfront_scan_work);

	err = xenbus_scanf(XBT_NIL, xdev->nodename, "virtual-device", "%u",
			   &blk->vdevice);
	if (err != 1)
		err = xenbus_scanf(XBT_NIL, xdev->nodename,
				   "virtual-device-ext", "%u", &blk->vdevice);
	if (err != 1 ||
	    kstrtouint(strrchr(xdev->nodename, '/') + 1, 10, &handle) ||
	    handle > U16_MAX) {
		err = -EINVAL;
		xenbus_dev_fatal(xdev, err, "reading virtual-device");
		goto err_free;
	}
	blk->handle = handle;

	err = -ENOMEM;
	blk->ent = kcalloc(size, sizeof(*blk->ent), GFP_KERNEL);
	blk->slots = kcalloc(size, sizeof(*blk->slots), GFP_KERNEL);
	if (!blk->ent || !blk->slots)
		goto err_free;
	xldrv_blkfront_shadow_init(&blk->sh, blk->ent, size);
	/* Their pages come with the disk, sized for its segments. */
	dev_set_drvdata(&xdev->dev, blk);

	/* Fires once at once, and that first update() starts everything. */
	err = xldrv_follow_start(&blk->follow, xdev, xldrv_blkfront_update);
	if (err)
		goto err_clear_drvdata;
	return 0;

err_clear_drvdata:
	dev_set_drvdata(&xdev->dev, NULL);
err_free:
	xldrv_blkfront_free(blk);
	return err;
}

static void xldrv_blkfront_remove(struct xenbus_device *xdev)
{
	struct xldrv_blkfront *blk = dev_get_drvdata(&xdev->dev);

	if (!blk)
		return;
	/* No more update(): then the watches can go without the mutex. */
	mutex_lock(&blk->mutex);
	blk->removing = true;
	mutex_unlock(&blk->mutex);
	xldrv_follow_stop(&blk->follow);

	mutex_lock(&blk->mutex);
	xldrv_blkfront_ring_down(blk);
	mutex_unlock(&blk->mutex);
	/* Nothing schedules these once the ring is down. */
	cancel_work_sync(&blk->reset_work);
	cancel_delayed_work_sync(&blk->replay_work);
	cancel_delayed_work_sync(&blk->recovery_work);
	xldrv_blkfront_fail_all(blk, false);
	xldrv_blkfront_disk_del(blk);
	dev_set_drvdata(&xdev->dev, NULL);
	xldrv_blkfront_free(blk);
}

static const struct xenbus_device_id xldrv_blkfront_ids[] = {
	{ "vbd" },
	{ "" }
};

static struct xenbus_driver xldrv_blkfront_driver = {
	.ids = xldrv_blkfront_ids,
	.probe = xldrv_blkfront_probe,
	.remove = xldrv_blkfront_remove,
	.otherend_changed = xldrv_blkfront_otherend_changed,
};

int xldrv_blkfront_xenbus_init(void)
{
	return xenbus_register_frontend(&xldrv_blkfront_driver);
}

void xldrv_blkfront_xenbus_exit(void)
{
	xenbus_unregister_driver(&xldrv_blkfront_driver);
}
