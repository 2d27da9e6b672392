// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv_netfront: the xenbus side.  As in xldrv_blkfront, the backend we
 * follow is whatever our own "backend" and "backend-id" nodes name now
 * (common/follow.c: xldrvd re-plumbs an interface to a restarted driver
 * domain by rewriting them).
 * Every watch calls xldrv_netfront_update(), in the xenwatch thread,
 * which reads xenstore afresh and moves towards what it finds:
 *
 *  ours:  Initialising --(backend Initialising, Initialised  --> Connected
 *                          or InitWait: rings offered)
 *             ^   ^                                  (backend Connected:
 *             |   |                                   carrier on)
 *             |   +---(backend gone, moved or Closed: rings       |
 *             |        dropped, carrier off)----------------------+
 *             |                                                   |
 *             +---(backend Closed)--- Closed <--(backend Closing, |
 *                                                or Connected to  |
 *                                                rings we dropped)+
 *
 * netif backends connect when the frontend says Connected, not
 * Initialised (xen-netback and xldrv_netmap ignore Initialised), so we
 * say Connected as soon as the rings are published, as xen-netfront
 * does; the carrier waits for the backend's Connected.  As xldrv_blkfront
 * does, the rings go to a backend as soon as its directory is there, not
 * at its InitWait: they need nothing from it, and a backend that finds
 * us Connected when it probes connects at once (netback and netmap both
 * do), the InitWait round trip and our whole offer off the way back
 * from a driver domain restart (xldrvd writes the new backend's
 * directory, Initialising, while the domain boots).  Backend Closing
 * or Closed with online=0 is a detach: we close for good, and the
 * interface stays, without carrier, until the device is removed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/sch_generic.h>
#include <net/tcp.h>
#include <xen/events.h>
#include <xen/page.h>
#include <xen/interface/event_channel.h>
#include <asm/xen/hypercall.h>
#include <xldrv/xenstore.h>

#include "netfront.h"

/* Drop the rings: nothing on them is looked at again.  Repeatable. */
static void xldrv_netfront_ring_down(struct xldrv_netfront *nf)
{
	if (nf->conn == XLDRV_NETFRONT_DOWN)
		return;
	/* That backend's; the next one says its own. */
	nf->have_early = false;
	spin_lock_bh(&nf->tx_lock);
	spin_lock(&nf->rx_lock);
	nf->conn = XLDRV_NETFRONT_DOWN;
	spin_unlock(&nf->rx_lock);
	netif_stop_queue(nf->ndev);
	spin_unlock_bh(&nf->tx_lock);
	/* A pending open_work finds this and does nothing. */
	nf->opening = false;
	netif_carrier_off(nf->ndev);
	/* Nothing arms it again: NAPI sees DOWN under rx_lock. */
	del_timer_sync(&nf->refill_timer);
	/* Closes the event channel, and waits for the handler. */
	unbind_from_irqhandler(nf->irq, nf);
	nf->irq = 0;

	spin_lock_bh(&nf->tx_lock);
	xldrv_netfront_tx_drop_all(nf);
	spin_unlock_bh(&nf->tx_lock);
	spin_lock_bh(&nf->rx_lock);
	xldrv_netfront_rx_drop_all(nf);
	spin_unlock_bh(&nf->rx_lock);
	/* Freed once the backend has unmapped them, if it still does. */
	gnttab_end_foreign_access(nf->tx_ring_ref, nf->tx_ring_page);
	gnttab_end_foreign_access(nf->rx_ring_ref, nf->rx_ring_page);
	nf->tx_ring_page = NULL;
	nf->rx_ring_page = NULL;
	clear_bit(0, &nf->reset);
}

/*
 * Whether the backend we follow stranded more of our pages than we let it
 * (main.c, xldrv_netfront_strand()): then it is refused.
 */
static bool xldrv_netfront_stranded(struct xldrv_netfront *nf)
{
	bool over;

	spin_lock_bh(&nf->tx_lock);
	spin_lock(&nf->rx_lock);
	over = nf->tx_strand.over || nf->rx_strand.over;
	spin_unlock(&nf->rx_lock);
	spin_unlock_bh(&nf->tx_lock);
	return over;
}

/* The backend is lost to us, for now: carrier off until one connects. */
static void xldrv_netfront_lose(struct xldrv_netfront *nf, const char *why)
{
	bool was_up = nf->conn == XLDRV_NETFRONT_UP;

	xldrv_netfront_ring_down(nf);
	if (!was_up)
		return;
	atomic64_inc(&nf->xstats.lost);
	pr_warn_ratelimited("%s: %s: %s has no carrier until a backend connects\n",
			    nf->xdev->nodename, why, nf->ndev->name);
}

static int xldrv_netfront_bind(struct xldrv_netfront *nf)
{
	int irq = xldrv_follow_bind(&nf->follow, xldrv_netfront_interrupt,
				    nf->ndev->name, nf, &nf->evtchn);

	if (irq < 0)
		return irq;
	nf->irq = irq;
	return 0;
}

static int xldrv_netfront_publish(struct xldrv_netfront *nf)
{
	/* What we can take on rx: the backend may use all of it. */
	static const char *const on[] = {
		"request-rx-copy", "feature-rx-notify", "feature-sg",
		"feature-gso-tcpv4", "feature-gso-tcpv6",
		"feature-ipv6-csum-offload",
		/* So that xldrvd moves the backend instead of replugging us. */
		XLDRV_XS_FE_RECONNECT,
	};
	const char *node = nf->xdev->nodename;
	struct xenbus_transaction xbt;
	unsigned int i;
	int err;

again:
	err = xenbus_transaction_start(&xbt);
	if (err)
		return err;
	err = xenbus_printf(xbt, node, "tx-ring-ref", "%u", nf->tx_ring_ref);
	if (!err)
		err = xenbus_printf(xbt, node, "rx-ring-ref", "%u",
				    nf->rx_ring_ref);
	if (!err)
		err = xenbus_printf(xbt, node, "event-channel", "%u",
				    nf->evtchn);
	for (i = 0; i < ARRAY_SIZE(on) && !err; i++)
		err = xenbus_printf(xbt, node, on[i], "%u", 1);
	if (err) {
		xenbus_transaction_end(xbt, 1);
		return err;
	}
	err = xenbus_transaction_end(xbt, 0);
	if (err == -EAGAIN)
		goto again;
	return err;
}

/*
 * The toolstack's word on this device's backend (its "trusted" node, as
 * xen-netfront reads it), and ours (the module parameter): read at each
 * ring and connect, as the next backend may be another.
 */
static bool xldrv_netfront_backend_trusted(struct xldrv_netfront *nf)
{
	return READ_ONCE(xldrv_netfront_trusted) &&
	       xenbus_read_unsigned(nf->xdev->nodename, "trusted", 1);
}

/* A zeroed page for a shared ring, granted to the current backend. */
static void *xldrv_netfront_ring_page(struct xldrv_netfront *nf,
				      struct page **page, grant_ref_t *ref)
{
	int r;

	*page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!*page)
		return NULL;
	r = gnttab_grant_foreign_access(nf->follow.backend_id,
					xen_page_to_gfn(*page), 0);
	if (r < 0) {
		__free_page(*page);
		*page = NULL;
		return NULL;
	}
	*ref = r;
	return page_address(*page);
}

/* Fresh rings and event channel for the current backend, published. */
static int xldrv_netfront_ring_up(struct xldrv_netfront *nf)
{
	struct xen_netif_tx_sring *txs;
	struct xen_netif_rx_sring *rxs;
	int err = -ENOMEM;
	bool trusted;

	txs = xldrv_netfront_ring_page(nf, &nf->tx_ring_page, &nf->tx_ring_ref);
	if (!txs)
		return err;
	rxs = xldrv_netfront_ring_page(nf, &nf->rx_ring_page, &nf->rx_ring_ref);
	if (!rxs)
		goto err_end_tx_ring;
	SHARED_RING_INIT(txs);
	FRONT_RING_INIT(&nf->tx, txs, XEN_PAGE_SIZE);
	SHARED_RING_INIT(rxs);
	FRONT_RING_INIT(&nf->rx, rxs, XEN_PAGE_SIZE);
	nf->rx_seen = 0;
	err = xldrv_netfront_bind(nf);
	if (err)
		goto err_end_rx_ring;

	/* Buffers before the backend connects: nothing it sends is lost. */
	trusted = xldrv_netfront_backend_trusted(nf);
	spin_lock_bh(&nf->rx_lock);
	nf->rx_pooled = trusted;
	xldrv_netfront_grefs_take(&nf->rx_grefs, XLDRV_NETFRONT_RX_SIZE);
	xldrv_netfront_rx_refill(nf);
	spin_unlock_bh(&nf->rx_lock);
	err = xldrv_netfront_publish(nf);
	if (err)
		goto err_drop_rx;

	spin_lock_bh(&nf->tx_lock);
	/* Nothing fails after this: tx_drop_all() gives them back. */
	xldrv_netfront_grefs_take(&nf->tx_grefs, XLDRV_NETFRONT_TX_SIZE);
	spin_lock(&nf->rx_lock);
	nf->conn = XLDRV_NETFRONT_RING;
	spin_unlock(&nf->rx_lock);
	spin_unlock_bh(&nf->tx_lock);
	return 0;

err_drop_rx:
	del_timer_sync(&nf->refill_timer);
	spin_lock_bh(&nf->rx_lock);
	xldrv_netfront_rx_drop_all(nf);
	spin_unlock_bh(&nf->rx_lock);
	unbind_from_irqhandler(nf->irq, nf);
	nf->irq = 0;
err_end_rx_ring:
	gnttab_end_foreign_access(nf->rx_ring_ref, nf->rx_ring_page);
	nf->rx_ring_page = NULL;
err_end_tx_ring:
	gnttab_end_foreign_access(nf->tx_ring_ref, nf->tx_ring_page);
	nf->tx_ring_page = NULL;
	return err;
}

/* What the backend offers; all absent (none offered) before its probe. */
static void xldrv_netfront_read_features(struct xldrv_netfront *nf,
					 struct xldrv_netfront_be_features *f)
{
	const char *be = nf->follow.backend;

	f->sg = xenbus_read_unsigned(be, "feature-sg", 0);
	f->gso_tcpv4 = xenbus_read_unsigned(be, "feature-gso-tcpv4", 0);
	f->gso_tcpv6 = xenbus_read_unsigned(be, "feature-gso-tcpv6", 0);
	f->ipv6_csum = xenbus_read_unsigned(be, "feature-ipv6-csum-offload",
					    0);
}

/*
 * The backend is Connected to the rings we offered: carrier on, and the
 * rings open once the stack has taken the carrier up (open_work).
 * Opening at once lost the first packets after every restart: until
 * linkwatch has activated the queueing discipline, what the stack sends
 * goes to noop_qdisc and is dropped.  Our gratuitous ARP was one of them,
 * and never reached the peer (docs/benchmarks.md, restart).
 */
static void xldrv_netfront_connect(struct xldrv_netfront *nf)
{
	struct net_device *ndev = nf->ndev;
	struct xldrv_netfront_be_features be;
	bool trusted;

	if (nf->opening)
		return;
	if (nf->have_early)
		be = nf->early;
	else
		xldrv_netfront_read_features(nf, &be);
	/* Each slot in flight keeps the way it was sent. */
	trusted = xldrv_netfront_backend_trusted(nf);
	spin_lock_bh(&nf->tx_lock);
	nf->tx_zerocopy = trusted;
	spin_unlock_bh(&nf->tx_lock);
	rtnl_lock();
	nf->be_sg = be.sg;
	nf->be_gso_tcpv4 = be.gso_tcpv4;
	nf->be_gso_tcpv6 = be.gso_tcpv6;
	nf->be_ipv6_csum = be.ipv6_csum;
	netdev_update_features(ndev);
	rtnl_unlock();

	nf->opening = true;
	nf->open_waits = 0;
	netif_carrier_on(ndev);
	schedule_delayed_work(&nf->open_work, 0);
}

/* Waits for linkwatch at most this long (in steps of 10 ms), then opens. */
#define XLDRV_NETFRONT_OPEN_WAITS 100

static void xldrv_netfront_open_work(struct work_struct *work)
{
	struct xldrv_netfront *nf = container_of(to_delayed_work(work),
						 struct xldrv_netfront,
						 open_work);
	struct net_device *ndev = nf->ndev;
	bool ready;

	mutex_lock(&nf->mutex);
	if (nf->removing || !nf->opening || nf->conn != XLDRV_NETFRONT_RING)
		goto out;
	/* An interface that is down keeps noop_qdisc until it is opened. */
	ready = !netif_running(ndev) || !qdisc_tx_is_noop(ndev);
	if (!ready && ++nf->open_waits < XLDRV_NETFRONT_OPEN_WAITS) {
		schedule_delayed_work(&nf->open_work, msecs_to_jiffies(10));
		goto out;
	}
	nf->opening = false;

	spin_lock_bh(&nf->tx_lock);
	spin_lock(&nf->rx_lock);
	nf->conn = XLDRV_NETFRONT_UP;
	spin_unlock(&nf->rx_lock);
	if (netif_running(ndev))
		netif_wake_queue(ndev);
	spin_unlock_bh(&nf->tx_lock);
	/* Rate-limited: a backend may make us reconnect in a loop. */
	if (atomic64_inc_return(&nf->xstats.connects) > 1)
		pr_info_ratelimited("%s: %s reconnected to %s (dom%u), open after %u ms%s\n",
				    nf->xdev->nodename, ndev->name,
				    nf->follow.backend, nf->follow.backend_id,
				    nf->open_waits * 10,
				    nf->tx_zerocopy ? "" :
				    ", untrusted: tx copied");
	else
		pr_info("%s: %s connected to %s (dom%u), tx %s\n",
			nf->xdev->nodename, ndev->name, nf->follow.backend,
			nf->follow.backend_id,
			nf->tx_zerocopy ? "fragments granted" :
			"copied (untrusted backend)");
	/* The buffers posted before it connected, and what it sent since. */
	notify_remote_via_irq(nf->irq);
	local_bh_disable();
	napi_schedule(&nf->napi);
	local_bh_enable();
	/* A new backend's switch has to learn where we are. */
	netdev_notify_peers(ndev);
out:
	mutex_unlock(&nf->mutex);
}

/* A detach by the toolstack: nobody comes back for this device. */
static void xldrv_netfront_detach(struct xldrv_netfront *nf)
{
	xldrv_netfront_ring_down(nf);
	if (nf->xdev->state != XenbusStateClosed)
		pr_info("%s: detached\n", nf->xdev->nodename);
	xenbus_frontend_closed(nf->xdev);
}

/* The one place our xenbus state changes: see the diagram above. */
static void xldrv_netfront_update(struct xldrv_follow *f, bool recheck)
{
	struct xldrv_netfront *nf = container_of(f, struct xldrv_netfront,
						 follow);
	struct xenbus_device *xdev = nf->xdev;
	enum xenbus_state be;
	bool online;
	int err;

	/* memalloc_noio is set: see xldrv_follow_call(). */
	mutex_lock(&nf->mutex);
	if (nf->removing)
		goto out;
	switch (recheck ? xldrv_follow_refresh(f) : XLDRV_FOLLOW_SAME) {
	case XLDRV_FOLLOW_MOVED:
		xldrv_netfront_lose(nf, "backend moved");
		fallthrough;
	case XLDRV_FOLLOW_NEW:
		/* A backend we have not judged yet; no rings (DOWN). */
		nf->refused = false;
		spin_lock_bh(&nf->tx_lock);
		spin_lock(&nf->rx_lock);
		xldrv_strand_reset(&nf->tx_strand);
		xldrv_strand_reset(&nf->rx_strand);
		spin_unlock(&nf->rx_lock);
		spin_unlock_bh(&nf->tx_lock);
		break;
	case XLDRV_FOLLOW_SAME:
		break;
	}
	be = xldrv_follow_state(f, &online);

	switch (be) {
	case XenbusStateInitialising:
	case XenbusStateInitialised:
	case XenbusStateInitWait:
		/* A backend (re)starting: offer it rings (see above). */
		if (nf->conn == XLDRV_NETFRONT_UP || nf->opening)
			xldrv_netfront_lose(nf, "backend restarted");
		/* Even if the reset work has not run yet: never again. */
		if (xldrv_netfront_stranded(nf))
			nf->refused = true;
		if (nf->refused) {
			/* Not this one again, only another (reset_work). */
			if (be != XenbusStateInitWait)
				xenbus_switch_state(xdev,
						    XenbusStateInitialising);
			break;
		}
		if (nf->conn == XLDRV_NETFRONT_DOWN) {
			/*
			 * Still Connected from the rings we dropped: the
			 * backend must see us go through Initialising, or
			 * our next Connected is no change to it.
			 */
			xenbus_switch_state(xdev, XenbusStateInitialising);
			err = xldrv_netfront_ring_up(nf);
			if (err) {
				pr_warn_ratelimited("%s: offering rings to %s: %d\n",
						    xdev->nodename,
						    nf->follow.backend, err);
				break;
			}
		}
		xenbus_switch_state(xdev, XenbusStateConnected);
		/* While the backend maps our rings (see the struct). */
		if (be == XenbusStateInitWait && nf->conn == XLDRV_NETFRONT_RING &&
		    !nf->have_early) {
			xldrv_netfront_read_features(nf, &nf->early);
			nf->have_early = true;
		}
		break;
	case XenbusStateConnected:
		if (nf->conn == XLDRV_NETFRONT_RING)
			xldrv_netfront_connect(nf);
		else if (nf->conn == XLDRV_NETFRONT_DOWN)
			/* On rings we dropped: make it let go, and start over. */
			xenbus_switch_state(xdev, XenbusStateClosed);
		break;
	case XenbusStateClosing:
		if (!online) {
			xldrv_netfront_detach(nf);
			break;
		}
		xldrv_netfront_lose(nf, "backend closing");
		/* Backends finish closing when the frontend is Closed. */
		xenbus_switch_state(xdev, XenbusStateClosed);
		break;
	case XenbusStateClosed:
		if (!online) {
			xldrv_netfront_detach(nf);
			break;
		}
		xldrv_netfront_lose(nf, "backend closed");
		/* What makes a closed backend go to InitWait again. */
		xenbus_switch_state(xdev, XenbusStateInitialising);
		break;
	default:
		xldrv_netfront_lose(nf, "backend gone");
		xenbus_switch_state(xdev, XenbusStateInitialising);
		break;
	}
out:
	mutex_unlock(&nf->mutex);
}

/* The core's watch on the backend of probe time (see follow.c). */
static void xldrv_netfront_otherend_changed(struct xenbus_device *xdev,
					    enum xenbus_state state)
{
	struct xldrv_netfront *nf = dev_get_drvdata(&xdev->dev);

	if (nf)
		xldrv_follow_otherend_changed(&nf->follow);
}

/* NAPI saw the protocol broken: drop the rings, make the backend close. */
static void xldrv_netfront_reset_work(struct work_struct *work)
{
	struct xldrv_netfront *nf = container_of(work, struct xldrv_netfront,
						 reset_work);
	bool stranded;

	mutex_lock(&nf->mutex);
	stranded = xldrv_netfront_stranded(nf);
	if (!nf->removing && test_bit(0, &nf->reset)) {
		/*
		 * Stranding our pages is no accident a reconnect mends: wait
		 * for another backend.
		 */
		if (stranded)
			nf->refused = true;
		xldrv_netfront_lose(nf, stranded ? "backend keeps our pages" :
						   "ring protocol broken");
		xenbus_switch_state(nf->xdev, XenbusStateClosed);
	}
	clear_bit(0, &nf->reset);
	mutex_unlock(&nf->mutex);
}

static int xldrv_netfront_read_mac(struct xenbus_device *xdev, u8 *mac)
{
	char *s = xenbus_read(XBT_NIL, xdev->nodename, "mac", NULL);
	bool ok;

	if (IS_ERR(s))
		return PTR_ERR(s);
	ok = strlen(s) == 17 && mac_pton(s, mac) && is_valid_ether_addr(mac);
	kfree(s);
	return ok ? 0 : -EINVAL;
}

static int xldrv_netfront_probe(struct xenbus_device *xdev,
				const struct xenbus_device_id *id)
{
	struct xldrv_netfront *nf;
	struct net_device *ndev;
	u8 mac[ETH_ALEN];
	int err;

	BUILD_BUG_ON(XLDRV_NETFRONT_TX_SIZE > XLDRV_NETFRONT_IDS_MAX);
	BUILD_BUG_ON(XLDRV_NETFRONT_RX_SIZE > XLDRV_NETFRONT_IDS_MAX);
	BUILD_BUG_ON(XLDRV_NETFRONT_RX_MAX_FRAGS > MAX_SKB_FRAGS);
	BUILD_BUG_ON(XLDRV_NETFRONT_XEN_PAGE != XEN_PAGE_SIZE);

	err = xldrv_netfront_read_mac(xdev, mac);
	if (err) {
		xenbus_dev_fatal(xdev, err, "reading mac");
		return err;
	}
	ndev = alloc_etherdev(sizeof(*nf));
	if (!ndev)
		return -ENOMEM;
	nf = netdev_priv(ndev);
	nf->xdev = xdev;
	nf->ndev = ndev;
	mutex_init(&nf->mutex);
	spin_lock_init(&nf->tx_lock);
	spin_lock_init(&nf->rx_lock);
	u64_stats_init(&nf->tx_stats.syncp);
	u64_stats_init(&nf->rx_stats.syncp);
	INIT_WORK(&nf->reset_work, xldrv_netfront_reset_work);
	INIT_DELAYED_WORK(&nf->open_work, xldrv_netfront_open_work);
	timer_setup(&nf->refill_timer, xldrv_netfront_refill_timer, 0);
	xldrv_netfront_ids_init(&nf->tx_ids, nf->tx_id_ent,
				XLDRV_NETFRONT_TX_SIZE, false);
	xldrv_netfront_ids_init(&nf->rx_ids, nf->rx_id_ent,
				XLDRV_NETFRONT_RX_SIZE, true);

	eth_hw_addr_set(ndev, mac);
	ndev->netdev_ops = &xldrv_netfront_netdev_ops;
	ndev->ethtool_ops = &xldrv_netfront_ethtool_ops;
	ndev->hw_features = NETIF_F_SG | NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM |
			    NETIF_F_TSO | NETIF_F_TSO6 | NETIF_F_RXCSUM;
	ndev->features = ndev->hw_features;
	/* The first slot's size is the packet's: 16 bits. */
	netif_set_tso_max_size(ndev, XEN_NETIF_MAX_TX_SIZE - MAX_TCP_HEADER);
	ndev->min_mtu = ETH_MIN_MTU;
	ndev->max_mtu = ETH_DATA_LEN;
	netif_napi_add(ndev, &nf->napi, xldrv_netfront_poll);
	SET_NETDEV_DEV(ndev, &xdev->dev);
	netif_carrier_off(ndev);
	dev_set_drvdata(&xdev->dev, nf);
	nf->rx_pool = xldrv_netfront_rx_pool();
	if (IS_ERR(nf->rx_pool)) {
		err = PTR_ERR(nf->rx_pool);
		goto err_free_netdev;
	}

	err = register_netdev(ndev);
	if (err)
		goto err_destroy_pool;
	/* Fires once at once, and that first update() starts everything. */
	err = xldrv_follow_start(&nf->follow, xdev, xldrv_netfront_update);
	if (err)
		goto err_unregister_netdev;
	netdev_info(ndev, "%s, MAC %pM\n", xdev->nodename, mac);
	return 0;

err_unregister_netdev:
	unregister_netdev(ndev);
err_destroy_pool:
	page_pool_destroy(nf->rx_pool);
err_free_netdev:
	dev_set_drvdata(&xdev->dev, NULL);
	netif_napi_del(&nf->napi);
	free_netdev(ndev);
	return err;
}

static void xldrv_netfront_remove(struct xenbus_device *xdev)
{
	struct xldrv_netfront *nf = dev_get_drvdata(&xdev->dev);

	if (!nf)
		return;
	/* No more update(): then the watches can go without the mutex. */
	mutex_lock(&nf->mutex);
	nf->removing = true;
	mutex_unlock(&nf->mutex);
	xldrv_follow_stop(&nf->follow);

	mutex_lock(&nf->mutex);
	xldrv_netfront_ring_down(nf);
	mutex_unlock(&nf->mutex);
	/* Nothing schedules them once the rings are down. */
	cancel_work_sync(&nf->reset_work);
	cancel_delayed_work_sync(&nf->open_work);
	unregister_netdev(nf->ndev);
	netif_napi_del(&nf->napi);
	dev_set_drvdata(&xdev->dev, NULL);
	/* Lives on, by itself, until the stack has given back every page. */
	page_pool_destroy(nf->rx_pool);
	kfree(nf->follow.backend);
	free_netdev(nf->ndev);
}

static const struct xenbus_device_id xldrv_netfront_ids[] = {
	{ "vif" },
	{ "" }
};

static struct xenbus_driver xldrv_netfront_driver = {
	.ids = xldrv_netfront_ids,
	.probe = xldrv_netfront_probe,
	.remove = xldrv_netfront_remove,
	.otherend_changed = xldrv_netfront_otherend_changed,
};

int xldrv_netfront_xenbus_init(void)
{
	return xenbus_register_frontend(&xldrv_netfront_driver);
}

void xldrv_netfront_xenbus_exit(void)
{
	xenbus_unregister_driver(&xldrv_netfront_driver);
}
