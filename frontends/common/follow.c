// SPDX-License-Identifier: GPL-2.0
/*
 * Following a frontend's backend: see follow.h.  Only xldrv_follow_start()
 * and xldrv_follow_stop() run outside the xenwatch thread.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <xen/events.h>
#include <xen/interface/event_channel.h>
#include <asm/xen/hypercall.h>

#include "../common/follow.h"

/*
 * Every changed() call, from our watches and the core's, comes through
 * here.  This is the xenwatch thread, which every xvd disk's recovery
 * needs: reclaim in changed() must not wait on I/O they hold.
 */
static void xldrv_follow_call(struct xldrv_follow *f, bool recheck)
{
	unsigned int noio = memalloc_noio_save();

	f->changed(f, recheck);
	memalloc_noio_restore(noio);
}

static void xldrv_follow_state_changed(struct xenbus_watch *watch,
				       const char *path, const char *token)
{
	struct xldrv_follow *f = container_of(watch, struct xldrv_follow,
					      state_watch);

	/*
	 * Always the backend we follow: a move unregisters this watch,
	 * which drops its queued events, and the node watch reports it.
	 */
	xldrv_follow_call(f, false);
}

static void xldrv_follow_node_changed(struct xenbus_watch *watch,
				      const char *path, const char *token)
{
	struct xldrv_follow *f = container_of(watch, struct xldrv_follow,
					      node_watch);

	xldrv_follow_call(f, true);
}

/* Watch our backend node: that fires once at once, and starts it all. */
int xldrv_follow_start(struct xldrv_follow *f, struct xenbus_device *xdev,
		       void (*changed)(struct xldrv_follow *f, bool recheck))
{
	f->xdev = xdev;
	f->changed = changed;
	return xenbus_watch_pathfmt(xdev, &f->node_watch, NULL,
				    xldrv_follow_node_changed, "%s/backend",
				    xdev->nodename);
}

/*
 * No changed() call runs after this returns.  The frontend makes
 * changed() a no-op first: a running one could otherwise move the state
 * watch under us.  f->backend stays, for the frontend to free.
 */
void xldrv_follow_stop(struct xldrv_follow *f)
{
	unregister_xenbus_watch(&f->node_watch);
	kfree(f->node_watch.node);
	f->node_watch.node = NULL;
	if (f->state_watch.node) {
		unregister_xenbus_watch(&f->state_watch);
		kfree(f->state_watch.node);
		f->state_watch.node = NULL;
	}
}

/*
 * Read our backend node afresh and follow it.  A backend that moved is
 * lost, whatever its state: its grants were for its domain, and our
 * requests go to the new one (the caller drops them on MOVED).  Only from
 * the xenwatch thread: unregistering a watch from there does not wait for
 * the watch callbacks.
 */
enum xldrv_follow_change xldrv_follow_refresh(struct xldrv_follow *f)
{
	struct xenbus_device *xdev = f->xdev;
	bool had = f->backend;
	unsigned int id;
	char *path;

	path = xenbus_read(XBT_NIL, xdev->nodename, "backend", NULL);
	if (IS_ERR(path))
		path = NULL;
	id = xenbus_read_unsigned(xdev->nodename, "backend-id",
				  DOMID_FIRST_RESERVED);
	if (path && id >= DOMID_FIRST_RESERVED) {
		kfree(path);
		path = NULL;
	}
	if (path && f->backend && !strcmp(path, f->backend) &&
	    id == f->backend_id) {
		kfree(path);
		return XLDRV_FOLLOW_SAME;
	}
	if (!path && !f->backend)
		return XLDRV_FOLLOW_SAME;

	if (f->state_watch.node) {
		unregister_xenbus_watch(&f->state_watch);
		kfree(f->state_watch.node);
		f->state_watch.node = NULL;
	}
	kfree(f->backend);
	f->backend = path;
	f->backend_id = id;
	if (path) {
		pr_info("%s: backend %s (dom%u)\n", xdev->nodename, path, id);
		/* Fires once at once: changed() again, for this backend. */
		xenbus_watch_pathfmt(xdev, &f->state_watch, NULL,
				     xldrv_follow_state_changed, "%s/state",
				     path);
	}
	return had ? XLDRV_FOLLOW_MOVED : XLDRV_FOLLOW_NEW;
}

/*
 * The current backend's state (Unknown: none, or gone) and online node.
 * Online only tells a detach from a restart when the backend closes, so
 * it is read only then: one xenstore round trip fewer on every other
 * change, the Connected of a backend we wait for among them.
 */
enum xenbus_state xldrv_follow_state(struct xldrv_follow *f, bool *online)
{
	enum xenbus_state state;

	*online = true;
	if (!f->backend)
		return XenbusStateUnknown;
	state = xenbus_read_driver_state(f->backend);
	if (state == XenbusStateClosing || state == XenbusStateClosed)
		*online = xenbus_read_unsigned(f->backend, "online", 1);
	return state;
}

/*
 * For the frontend's otherend_changed: the xenbus core's own watch on the
 * backend of probe time.  When that is the backend we follow, our state
 * watch has seen the same write, and a second changed() would only delay
 * the next one.  Otherwise it is one more reason to look (and refresh).
 */
void xldrv_follow_otherend_changed(struct xldrv_follow *f)
{
	if (!f->backend || strcmp(f->backend, f->xdev->otherend))
		xldrv_follow_call(f, true);
}

/*
 * An event channel to the current backend, bound with late EOI (XSA-391):
 * the irq, or an error.  Not xenbus_alloc_evtchn(): that is for
 * dev->otherend_id, the backend of probe time.
 */
int xldrv_follow_bind(struct xldrv_follow *f, irq_handler_t handler,
		      const char *name, void *dev_id, evtchn_port_t *port)
{
	struct evtchn_alloc_unbound alloc = {
		.dom = DOMID_SELF,
		.remote_dom = f->backend_id,
	};
	int err;

	err = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &alloc);
	if (err)
		return err;
	err = bind_evtchn_to_irqhandler_lateeoi(alloc.port, handler, 0, name,
						dev_id);
	if (err < 0) {
		xenbus_free_evtchn(f->xdev, alloc.port);
		return err;
	}
	*port = alloc.port;
	return err;
}
