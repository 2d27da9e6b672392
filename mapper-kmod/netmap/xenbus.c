// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv_netmap: the xenbus side.  The toolstack writes a vif backend
 * directory for us in this (driver) domain: `mac` is the client's
 * identity, `bridge` names the physical interface to attach to (there is
 * no bridge: the key keeps xl's vif syntax), `ip` the addresses the client
 * may use.  No hotplug script runs; the mapper attaches the vif itself and
 * says so in `hotplug-status`, as vif-bridge would.
 *
 * Backend states, and the only moves set_backend_state() makes:
 *
 *   Initialising -> InitWait -> Connected -> Closing -> Closed
 *                      ^                                  |
 *                      +----------------------------------+
 *
 * InitWait: identity read, port open, features published.  Connected:
 * rings mapped, thread running, frames switched.  Closing/Closed: off the
 * port, rings gone.  Closed with online=0 (a detach), or the frontend's
 * directory gone (Unknown) with online=0 (its domain destroyed): our
 * directory is removed (libxl waits for that; no `xl devd` here does it)
 * and the xenbus core unregisters the device.  The frontend's directory
 * gone with the vif still online: the device is unregistered, the
 * directory left to the toolstack.  A fatal error (xenbus_dev_fatal)
 * publishes Closing from any state; the vif stays so until the frontend
 * closes too.
 *
 * Connected does not wait for the NIC's link: frames for the wire wait
 * for it instead, a few per vif (port.c).  After a driver domain restart
 * the frontend reconnects while the NIC negotiates, and what it sends
 * first, its gratuitous ARP, goes out the moment the link is there.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/inet.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <xen/events.h>
#include <xen/xen.h>

#include "netmap.h"

/* Vifs not yet freed: the module's exit waits for their last frame. */
static atomic_t xldrv_netmap_nr_vifs = ATOMIC_INIT(0);

/*
 * The last reference goes with the device's remove() or with the last of
 * its frames the NIC frees (port.c), in softirq context maybe: freed
 * after a grace period, which kvfree_rcu() waits for anywhere.
 */
void xldrv_netmap_vif_put(struct xldrv_netmap_vif *vif)
{
	if (!refcount_dec_and_test(&vif->refs))
		return;
	kvfree_rcu(vif, rcu);
	if (atomic_dec_and_test(&xldrv_netmap_nr_vifs))
		wake_up_var(&xldrv_netmap_nr_vifs);
}

/*
 * The thread's fatal error (xldrv_netmap_fatal()) published: Closing.
 * Under state_lock, which set_state() holds from starting the thread in
 * connect() until it has written Connected: this Closing comes after
 * that, whenever the thread failed, and stays until the frontend closes
 * (frontend_changed()).  disconnect() clears fatal_why under the lock,
 * with the thread stopped: a work that runs after it publishes nothing,
 * or its Closing could land on the vif's next connection.
 */
static void xldrv_netmap_fatal_work(struct work_struct *work)
{
	struct xldrv_netmap_vif *vif = container_of(work,
						    struct xldrv_netmap_vif,
						    fatal_work);
	const char *why;

	mutex_lock(&vif->state_lock);
	why = READ_ONCE(vif->fatal_why);
	if (why && vif->state == XenbusStateConnected)
		xenbus_dev_fatal(vif->xdev, -EPROTO, "%s", why);
	WRITE_ONCE(vif->fatal_why, NULL);
	mutex_unlock(&vif->state_lock);
}

/* Under state_lock. */
static void xldrv_netmap_disconnect(struct xldrv_netmap_vif *vif)
{
	if (vif->on_port)
		xldrv_netmap_port_detach(vif);
	if (vif->thread) {
		kthread_stop(vif->thread);
		vif->thread = NULL;
	}
	/* No thread to set it again; a pending fatal_work does nothing. */
	WRITE_ONCE(vif->fatal_why, NULL);
	if (vif->irq) {
		unbind_from_irqhandler(vif->irq, vif);
		vif->irq = 0;
	}
	xldrv_netmap_rxq_purge(vif);
	/* Off the port and its thread gone: nothing adds to it now. */
	skb_queue_purge(&vif->link_wait);
	if (vif->tx_va) {
		xenbus_unmap_ring_vfree(vif->xdev, vif->tx_va);
		vif->tx_va = NULL;
	}
	if (vif->rx_va) {
		xenbus_unmap_ring_vfree(vif->xdev, vif->rx_va);
		vif->rx_va = NULL;
	}
}

static bool xldrv_netmap_fe_flag(struct xldrv_netmap_vif *vif,
				 const char *node, bool def)
{
	return xenbus_read_unsigned(vif->xdev->otherend, node, def);
}

static int xldrv_netmap_connect(struct xldrv_netmap_vif *vif)
{
	struct xenbus_device *xdev = vif->xdev;
	unsigned int tx_ref, rx_ref, evtchn;
	int err;

	if (xenbus_read_unsigned(xdev->otherend, "multi-queue-num-queues",
				 1) != 1) {
		xenbus_dev_fatal(xdev, -EINVAL,
				 "multi-queue-num-queues: one queue is offered");
		return -EINVAL;
	}
	err = xenbus_gather(XBT_NIL, xdev->otherend,
			    "tx-ring-ref", "%u", &tx_ref,
			    "rx-ring-ref", "%u", &rx_ref,
			    "event-channel", "%u", &evtchn, NULL);
	if (err) {
		xenbus_dev_fatal(xdev, err,
				 "reading %s/{tx,rx}-ring-ref, event-channel",
				 xdev->otherend);
		return err;
	}
	if (!xldrv_netmap_fe_flag(vif, "request-rx-copy", false)) {
		xenbus_dev_fatal(xdev, -EOPNOTSUPP,
				 "request-rx-copy: only rx copy is served");
		return -EOPNOTSUPP;
	}
	if (!xldrv_netmap_fe_flag(vif, "feature-rx-notify", false)) {
		xenbus_dev_fatal(xdev, -EOPNOTSUPP,
				 "feature-rx-notify: the frontend must have it");
		return -EOPNOTSUPP;
	}
	vif->fe.sg = xldrv_netmap_fe_flag(vif, "feature-sg", false);
	vif->fe.gso_tcpv4 = xldrv_netmap_fe_flag(vif, "feature-gso-tcpv4",
						 false);
	vif->fe.gso_tcpv6 = xldrv_netmap_fe_flag(vif, "feature-gso-tcpv6",
						 false);
	vif->fe.csum = !xldrv_netmap_fe_flag(vif, "feature-no-csum-offload",
					     false);
	vif->fe.ipv6_csum = xldrv_netmap_fe_flag(vif,
						 "feature-ipv6-csum-offload",
						 false);
	vif->tx_lim = (struct xldrv_netmap_tx_limits){
		.gso_tcpv4 = true,
		.gso_tcpv6 = true,
	};

	err = xenbus_map_ring_valloc(xdev, &tx_ref, 1, &vif->tx_va);
	if (err) {
		xenbus_dev_fatal(xdev, err, "mapping the tx ring");
		return err;
	}
	BACK_RING_INIT(&vif->tx, (struct xen_netif_tx_sring *)vif->tx_va,
		       XEN_PAGE_SIZE);
	err = xenbus_map_ring_valloc(xdev, &rx_ref, 1, &vif->rx_va);
	if (err) {
		xenbus_dev_fatal(xdev, err, "mapping the rx ring");
		goto err_unmap_tx;
	}
	BACK_RING_INIT(&vif->rx, (struct xen_netif_rx_sring *)vif->rx_va,
		       XEN_PAGE_SIZE);
	vif->tx_eoi_prod = vif->tx.sring->req_prod;
	vif->rx_eoi_prod = vif->rx.sring->req_prod;

	/*
	 * Not flags = 0: the destructor of a frame of the last connection
	 * may be setting KICK in it; that frame still counts in nic_bytes.
	 */
	clear_bit(XLDRV_NETMAP_F_KICK, &vif->flags);
	clear_bit(XLDRV_NETMAP_F_EOI, &vif->flags);
	clear_bit(XLDRV_NETMAP_F_NIC_FULL, &vif->flags);
	vif->broken = false;
	vif->pkt_open = false;
	err = bind_interdomain_evtchn_to_irqhandler_lateeoi(xdev, evtchn,
							    xldrv_netmap_interrupt,
							    0, "xldrv-netmap",
							    vif);
	if (err < 0) {
		xenbus_dev_fatal(xdev, err, "binding event channel %u", evtchn);
		goto err_unmap_rx;
	}
	vif->irq = err;

	/*
	 * On the port before the thread takes anything off the ring: the
	 * attach may still refuse the vif's MAC (another vif's, or the
	 * NIC's), and no frame of its may go out before.  Frames for it
	 * meanwhile wait in its queue for the thread.
	 */
	err = xldrv_netmap_port_attach(vif);
	if (err) {
		xenbus_dev_fatal(xdev, err, err == -EADDRINUSE ?
				 "mac %pM is taken on %s" :
				 "attaching to %s", vif->pol.mac,
				 vif->port->name);
		goto err_unbind;
	}
	vif->thread = kthread_run(xldrv_netmap_thread, vif,
				  "xldrv-netmap.%u.%s", vif->domid,
				  strrchr(xdev->nodename, '/') + 1);
	if (IS_ERR(vif->thread)) {
		err = PTR_ERR(vif->thread);
		vif->thread = NULL;
		xenbus_dev_fatal(xdev, err, "starting the vif thread");
		goto err_detach;
	}
	/* Frames the frontend queued before we looked. */
	xldrv_netmap_kick(vif);
	/* Rate-limited: a frontend may reconnect in a loop. */
	pr_info_ratelimited("dom%u %s: connected to %s as %pM (sg %d, gso %d/%d, csum %d)\n",
		vif->domid, xdev->nodename, vif->port->name, vif->pol.mac,
		vif->fe.sg, vif->fe.gso_tcpv4, vif->fe.gso_tcpv6, vif->fe.csum);
	return 0;

err_detach:
	xldrv_netmap_port_detach(vif);
	xldrv_netmap_rxq_purge(vif);
err_unbind:
	unbind_from_irqhandler(vif->irq, vif);
	vif->irq = 0;
err_unmap_rx:
	xenbus_unmap_ring_vfree(xdev, vif->rx_va);
	vif->rx_va = NULL;
err_unmap_tx:
	xenbus_unmap_ring_vfree(xdev, vif->tx_va);
	vif->tx_va = NULL;
	return err;
}

/* Move to @target along the diagram above, one legal step at a time. */
static void xldrv_netmap_set_state(struct xldrv_netmap_vif *vif,
				   enum xenbus_state target)
{
	while (vif->state != target) {
		enum xenbus_state next;

		switch (vif->state) {
		case XenbusStateInitWait:
			next = target == XenbusStateConnected ?
				XenbusStateConnected : XenbusStateClosing;
			if (next == XenbusStateConnected &&
			    xldrv_netmap_connect(vif))
				return;
			break;
		case XenbusStateConnected:
			next = XenbusStateClosing;
			xldrv_netmap_disconnect(vif);
			break;
		case XenbusStateClosing:
			next = XenbusStateClosed;
			break;
		case XenbusStateClosed:
		default:
			next = XenbusStateInitWait;
			break;
		}
		xenbus_switch_state(vif->xdev, next);
		vif->state = next;
	}
}

static void xldrv_netmap_remove_backend_dir(struct xenbus_device *xdev)
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
#define XLDRV_NETMAP_RM_DELAY (2 * HZ)

static void xldrv_netmap_rm_work(struct work_struct *work)
{
	struct xldrv_netmap_vif *vif = container_of(to_delayed_work(work),
					     struct xldrv_netmap_vif, rm_work);
	struct xenbus_device *xdev = vif->xdev;

	/* Still what it was when scheduled: Closed and offline. */
	if (xenbus_read_driver_state(xdev->nodename) == XenbusStateClosed &&
	    !xenbus_dev_is_online(xdev))
		xldrv_netmap_remove_backend_dir(xdev);
}

static void xldrv_netmap_frontend_changed(struct xenbus_device *xdev,
					  enum xenbus_state frontend)
{
	struct xldrv_netmap_vif *vif = dev_get_drvdata(&xdev->dev);

	mutex_lock(&vif->state_lock);
	switch (frontend) {
	case XenbusStateInitialising:
		if (vif->state == XenbusStateClosed)
			xldrv_netmap_set_state(vif, XenbusStateInitWait);
		break;
	case XenbusStateInitialised:
		break;
	case XenbusStateConnected:
		/*
		 * Not again after a fatal error (xenbus_dev_fatal leaves the
		 * vif Closing) until the frontend has closed and started
		 * over: each attempt logs an error, and a frontend could
		 * rewrite its state as often as it likes.
		 */
		if (xdev->state == XenbusStateClosing)
			break;
		if (vif->state != XenbusStateConnected)
			xldrv_netmap_set_state(vif, XenbusStateConnected);
		break;
	case XenbusStateClosing:
		xldrv_netmap_set_state(vif, XenbusStateClosing);
		break;
	case XenbusStateClosed:
		xldrv_netmap_set_state(vif, XenbusStateClosed);
		/*
		 * A detach (online=0): libxl waits for our directory to go
		 * before it removes the frontend's; `xl devd` would remove it,
		 * and there is none.  The xenbus core then unregisters the
		 * device.
		 */
		if (!xenbus_dev_is_online(xdev))
			schedule_delayed_work(&vif->rm_work, XLDRV_NETMAP_RM_DELAY);
		break;
	case XenbusStateUnknown:
		xldrv_netmap_set_state(vif, XenbusStateClosed);
		/*
		 * A domain's destruction: libxl removes the frontend's
		 * directory, sets online=0 and waits, as on a detach, to read
		 * Closed and then for our directory to go; the xenbus core
		 * unregisters the device when it has.
		 */
		if (!xenbus_dev_is_online(xdev)) {
			schedule_delayed_work(&vif->rm_work,
					      XLDRV_NETMAP_RM_DELAY);
			break;
		}
		/* remove() runs from here, and takes state_lock. */
		mutex_unlock(&vif->state_lock);
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
	mutex_unlock(&vif->state_lock);
}

/* xl's ip= value: addresses separated by spaces, IPv4 or IPv6. */
static int xldrv_netmap_parse_ips(struct xldrv_netmap_vif *vif,
				  const char *list)
{
	struct xldrv_netmap_policy *pol = &vif->pol;
	const char *p = list, *end;

	for (;;) {
		while (*p == ' ')
			p++;
		if (!*p)
			return 0;
		end = strchrnul(p, ' ');
		if (memchr(p, ':', end - p)) {
			if (pol->nr_ip6 == XLDRV_NETMAP_MAX_IP6 ||
			    !in6_pton(p, end - p, pol->ip6[pol->nr_ip6], -1,
				      NULL))
				goto bad;
			pol->nr_ip6++;
		} else {
			if (pol->nr_ip4 == XLDRV_NETMAP_MAX_IP4 ||
			    !in4_pton(p, end - p, pol->ip4[pol->nr_ip4], -1,
				      NULL))
				goto bad;
			pol->nr_ip4++;
		}
		p = end;
	}
bad:
	xenbus_dev_fatal(vif->xdev, -EINVAL,
			 "ip: '%.*s' is not an address, or one more than %u IPv4 / %u IPv6",
			 (int)(end - p), p, XLDRV_NETMAP_MAX_IP4,
			 XLDRV_NETMAP_MAX_IP6);
	return -EINVAL;
}

/* Identity and port, from what the toolstack wrote. */
static int xldrv_netmap_read_config(struct xldrv_netmap_vif *vif)
{
	struct xenbus_device *xdev = vif->xdev;
	char *mac, *nic, *ips;
	int err;

	mac = xenbus_read(XBT_NIL, xdev->nodename, "mac", NULL);
	if (IS_ERR(mac)) {
		xenbus_dev_fatal(xdev, PTR_ERR(mac), "reading mac");
		return PTR_ERR(mac);
	}
	err = mac_pton(mac, vif->pol.mac) && strlen(mac) == 17 &&
	      is_valid_ether_addr(vif->pol.mac) ? 0 : -EINVAL;
	if (err)
		xenbus_dev_fatal(xdev, err, "mac %s: not a unicast MAC", mac);
	kfree(mac);
	if (err)
		return err;

	ips = xenbus_read(XBT_NIL, xdev->nodename, "ip", NULL);
	if (!IS_ERR(ips)) {
		err = xldrv_netmap_parse_ips(vif, ips);
		kfree(ips);
		if (err)
			return err;
	}

	nic = xenbus_read(XBT_NIL, xdev->nodename, "bridge", NULL);
	if (IS_ERR(nic)) {
		xenbus_dev_fatal(xdev, PTR_ERR(nic),
				 "reading bridge (bridge= names the interface to attach to)");
		return PTR_ERR(nic);
	}
	err = xldrv_netmap_port_get(nic, &vif->port);
	if (err)
		xenbus_dev_fatal(xdev, err, "bridge=%s: %s", nic,
				 err == -ENODEV ? "no such interface here" :
				 err == -EBUSY ? "in a bridge or bond: the mapper needs it to itself" :
				 err == -EPROTOTYPE ? "not an Ethernet interface" :
				 "cannot attach");
	kfree(nic);
	return err;
}

/*
 * Before our InitWait.  No transaction: a frontend reads these only
 * after the state write that follows them, and each node is one round
 * trip through xenstored on the way back from a driver domain restart,
 * a transaction's start and end two more.
 */
static int xldrv_netmap_publish(struct xldrv_netmap_vif *vif)
{
	static const char *const on[] = {
		"feature-sg", "feature-gso-tcpv4", "feature-gso-tcpv6",
		"feature-ipv6-csum-offload", "feature-rx-copy",
	};
	const char *node = vif->xdev->nodename;
	unsigned int i;
	int err = 0;

	for (i = 0; !err && i < ARRAY_SIZE(on); i++)
		err = xenbus_printf(XBT_NIL, node, on[i], "%d", 1);
	if (!err)
		err = xenbus_printf(XBT_NIL, node, "feature-rx-flip", "%d", 0);
	/* What vif-bridge writes once the vif is plugged in. */
	if (!err)
		err = xenbus_printf(XBT_NIL, node, "hotplug-status",
				    "connected");
	return err;
}

static int xldrv_netmap_probe(struct xenbus_device *xdev,
			      const struct xenbus_device_id *id)
{
	struct xldrv_netmap_vif *vif;
	int err;

	vif = kvzalloc(sizeof(*vif), GFP_KERNEL);
	if (!vif)
		return -ENOMEM;
	vif->xdev = xdev;
	vif->domid = xdev->otherend_id;
	vif->state = XenbusStateInitialising;
	init_waitqueue_head(&vif->wq);
	skb_queue_head_init(&vif->rxq);
	skb_queue_head_init(&vif->link_wait);
	INIT_LIST_HEAD(&vif->port_node);
	INIT_DELAYED_WORK(&vif->rm_work, xldrv_netmap_rm_work);
	INIT_WORK(&vif->fatal_work, xldrv_netmap_fatal_work);
	mutex_init(&vif->state_lock);
	refcount_set(&vif->refs, 1);
	dev_set_drvdata(&xdev->dev, vif);

	err = xldrv_netmap_read_config(vif);
	if (err)
		goto err_free_vif;
	err = xldrv_netmap_publish(vif);
	if (err) {
		xenbus_dev_fatal(xdev, err, "publishing features");
		goto err_put_port;
	}
	err = xldrv_netmap_sysfs_add(vif);
	if (err)
		goto err_put_port;
	/* From here the vif goes by xldrv_netmap_vif_put(). */
	atomic_inc(&xldrv_netmap_nr_vifs);
	mutex_lock(&vif->state_lock);
	xldrv_netmap_set_state(vif, XenbusStateInitWait);
	/*
	 * A restart-aware frontend offers its rings before we are here
	 * (xldrvd wrote our directory while this domain booted): connect
	 * now, not once the core's watch on it is set up and has fired,
	 * the same read and a few round trips later.  What that fires then
	 * finds us Connected.
	 */
	if (xenbus_read_driver_state(xdev->otherend) == XenbusStateConnected)
		xldrv_netmap_set_state(vif, XenbusStateConnected);
	mutex_unlock(&vif->state_lock);
	return 0;

err_put_port:
	xldrv_netmap_port_put(vif->port);
err_free_vif:
	dev_set_drvdata(&xdev->dev, NULL);
	kvfree(vif);
	return err;
}

static void xldrv_netmap_remove(struct xenbus_device *xdev)
{
	struct xldrv_netmap_vif *vif = dev_get_drvdata(&xdev->dev);

	if (!vif)
		return;
	cancel_delayed_work_sync(&vif->rm_work);
	mutex_lock(&vif->state_lock);
	xldrv_netmap_disconnect(vif);
	mutex_unlock(&vif->state_lock);
	/*
	 * After the disconnect, not before: its thread, stopped there, is
	 * what queues the work.  The work takes state_lock.
	 */
	cancel_work_sync(&vif->fatal_work);
	xldrv_netmap_sysfs_del(vif);
	xldrv_netmap_port_put(vif->port);
	dev_set_drvdata(&xdev->dev, NULL);
	/* Frames of its still in the NIC hold it; they touch no more. */
	vif->port = NULL;
	xldrv_netmap_vif_put(vif);
}

static const struct xenbus_device_id xldrv_netmap_ids[] = {
	{ "vif" },
	{ "" }
};

static struct xenbus_driver xldrv_netmap_driver = {
	.ids = xldrv_netmap_ids,
	.probe = xldrv_netmap_probe,
	.remove = xldrv_netmap_remove,
	.otherend_changed = xldrv_netmap_frontend_changed,
};

int xldrv_netmap_xenbus_init(void)
{
	return xenbus_register_backend(&xldrv_netmap_driver);
}

void xldrv_netmap_xenbus_exit(void)
{
	xenbus_unregister_driver(&xldrv_netmap_driver);
	/*
	 * Every vif removed; frames of theirs the NIC still holds run our
	 * destructor (port.c) when it frees them.  Their last put is in
	 * an RCU read section there: once the count is zero, one grace
	 * period and no destructor is running our code.
	 */
	while (!wait_var_event_timeout(&xldrv_netmap_nr_vifs,
				       !atomic_read(&xldrv_netmap_nr_vifs),
				       10 * HZ))
		pr_warn("unloading: %d vif(s) wait for frames their NIC has not freed\n",
			atomic_read(&xldrv_netmap_nr_vifs));
	synchronize_rcu();
}
