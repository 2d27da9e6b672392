/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Following a frontend's backend across driver-domain restarts, for both
 * xldrv_blkfront and xldrv_netfront (built into each).  The backend is
 * whatever the frontend's own "backend" and "backend-id" nodes name now:
 * xldrvd re-plumbs a device to a restarted driver domain by rewriting
 * them.  The xenbus core keeps watching the backend it found at probe
 * (dev->otherend); this watches the backend node and the current
 * backend's state instead, and leaves the core's fields alone.
 *
 * Every watch calls the frontend's changed() callback, always in the
 * xenwatch thread and with memalloc_noio set (follow.c); it calls
 * xldrv_follow_refresh() first when told to recheck (the backend node
 * may have changed), then reads the backend's state afresh and acts on
 * it.  Each xenstore read is a round trip
 * between domains (some 10 ms under the lab's emulation) on the way
 * back from a driver domain restart: none is made twice.
 */
#ifndef XLDRV_FOLLOW_H
#define XLDRV_FOLLOW_H

#include <linux/interrupt.h>
#include <xen/xenbus.h>

struct xldrv_follow {
	struct xenbus_device *xdev;
	char *backend;			/* NULL: none named (yet) */
	domid_t backend_id;
	struct xenbus_watch node_watch;		/* our backend node */
	struct xenbus_watch state_watch;	/* <backend>/state */
	void (*changed)(struct xldrv_follow *f, bool recheck);
};

enum xldrv_follow_change {
	XLDRV_FOLLOW_SAME,
	XLDRV_FOLLOW_NEW,	/* a backend named where there was none */
	XLDRV_FOLLOW_MOVED,	/* the backend we had is not ours any more */
};

int xldrv_follow_start(struct xldrv_follow *f, struct xenbus_device *xdev,
		       void (*changed)(struct xldrv_follow *f, bool recheck));
void xldrv_follow_stop(struct xldrv_follow *f);
enum xldrv_follow_change xldrv_follow_refresh(struct xldrv_follow *f);
enum xenbus_state xldrv_follow_state(struct xldrv_follow *f, bool *online);
void xldrv_follow_otherend_changed(struct xldrv_follow *f);
int xldrv_follow_bind(struct xldrv_follow *f, irq_handler_t handler,
		      const char *name, void *dev_id, evtchn_port_t *port);

#endif /* XLDRV_FOLLOW_H */
