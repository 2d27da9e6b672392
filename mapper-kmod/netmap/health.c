// SPDX-License-Identifier: GPL-2.0
/*
 * A NIC that no longer transmits is dead to its clients.  Two signs,
 * both with no packet sent meanwhile:
 *  - a transmit queue stays stopped (the ring full, or the driver having
 *    stopped it on a hang it detected, as e1000's "Detected Tx Unit
 *    Hang" does) for XLDRV_NETMAP_STALL while the link is up: a working
 *    NIC drains its ring in milliseconds;
 *  - the kernel's watchdog (dev_watchdog) counts XLDRV_NETMAP_DEAD_TIMEOUTS
 *    transmit timeouts, each followed by a driver reset that did not help.
 * Then the mapper reports the NIC to dom0's xldrvd (data/xldrv/error),
 * which restarts the domain and with it the driver.  A controller that
 * lost its bus mastering shows the first sign (in the lab, e1000 detects
 * the hang every 2 s and stops its queue, and the watchdog never fired).
 *
 * Only the NICs the mapper serves clients from are watched, each on its
 * own, so that a healthy one cannot hide a dead one.  An idle NIC's queue
 * never stops, and a NIC without carrier is not checked: neither is
 * reported.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/netdevice.h>
#include <linux/workqueue.h>

#include "netmap.h"
#include "../common/heartbeat.h"

#define XLDRV_NETMAP_DEAD_TIMEOUTS	3	/* with no packet sent */
#define XLDRV_NETMAP_STALL		(15 * HZ)
#define XLDRV_NETMAP_HEALTH_PERIOD	(2 * HZ)
#define XLDRV_NETMAP_HEALTH_NICS	8

struct xldrv_netmap_nic_health {
	int ifindex;			/* 0: a free slot */
	unsigned long timeouts;		/* the tx queues' sum, last seen */
	u64 tx_packets;			/* ... and the NIC's packets sent */
	unsigned long bad;		/* timeouts since a packet was sent */
	unsigned long stalled_since;	/* jiffies; 0: not stalled */
	bool seen;			/* in this pass */
};

static struct xldrv_netmap_nic_health xldrv_netmap_health[XLDRV_NETMAP_HEALTH_NICS];
static bool xldrv_netmap_health_reported;

static void xldrv_netmap_health_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(xldrv_netmap_health_work,
			    xldrv_netmap_health_work_fn);

static struct xldrv_netmap_nic_health *
xldrv_netmap_health_slot(int ifindex, bool *fresh)
{
	struct xldrv_netmap_nic_health *h, *free = NULL;

	for (h = xldrv_netmap_health;
	     h < xldrv_netmap_health + XLDRV_NETMAP_HEALTH_NICS; h++) {
		if (h->ifindex == ifindex)
			return h;
		if (!h->ifindex && !free)
			free = h;
	}
	if (free) {
		memset(free, 0, sizeof(*free));
		free->ifindex = ifindex;
		*fresh = true;
	}
	return free;
}

/* Under RTNL (xldrv_netmap_ports_each_nic). */
static void xldrv_netmap_health_check(struct net_device *nic, void *arg)
{
	struct xldrv_netmap_nic_health *h;
	struct rtnl_link_stats64 st;
	unsigned long timeouts = 0;
	bool fresh = false, stopped = false, sent;
	unsigned int q;

	h = xldrv_netmap_health_slot(nic->ifindex, &fresh);
	if (!h)
		return;		/* more NICs than slots: those go unwatched */
	h->seen = true;
	for (q = 0; q < nic->num_tx_queues; q++) {
		struct netdev_queue *txq = netdev_get_tx_queue(nic, q);

		timeouts += atomic_long_read(&txq->trans_timeout);
		stopped |= netif_xmit_stopped(txq);
	}
	dev_get_stats(nic, &st);
	sent = fresh || st.tx_packets != h->tx_packets;
	if (sent)
		h->bad = 0;
	else if (timeouts > h->timeouts)
		h->bad += timeouts - h->timeouts;
	if (sent || !stopped || !netif_running(nic) || !netif_carrier_ok(nic))
		h->stalled_since = 0;
	else if (!h->stalled_since)
		h->stalled_since = jiffies ?: 1;
	h->timeouts = timeouts;
	h->tx_packets = st.tx_packets;
	if (xldrv_netmap_health_reported)
		return;
	if (h->bad >= XLDRV_NETMAP_DEAD_TIMEOUTS) {
		pr_err("%s: %lu transmit timeouts and no packet sent since the first: reporting the NIC dead\n",
		       nic->name, h->bad);
		xldrv_report_device_error(nic->name,
					  "transmit timeouts do not clear");
	} else if (h->stalled_since &&
		   time_after(jiffies, h->stalled_since + XLDRV_NETMAP_STALL)) {
		pr_err("%s: transmit queue stopped and no packet sent for %u s with the link up: reporting the NIC dead\n",
		       nic->name, XLDRV_NETMAP_STALL / HZ);
		xldrv_report_device_error(nic->name, "transmit stalled");
	} else {
		return;
	}
	xldrv_netmap_health_reported = true;
}

static void xldrv_netmap_health_work_fn(struct work_struct *work)
{
	struct xldrv_netmap_nic_health *h;

	for (h = xldrv_netmap_health;
	     h < xldrv_netmap_health + XLDRV_NETMAP_HEALTH_NICS; h++)
		h->seen = false;
	xldrv_netmap_ports_each_nic(xldrv_netmap_health_check, NULL);
	/* A NIC no longer served (or gone) starts afresh if it comes back. */
	for (h = xldrv_netmap_health;
	     h < xldrv_netmap_health + XLDRV_NETMAP_HEALTH_NICS; h++)
		if (!h->seen)
			h->ifindex = 0;
	schedule_delayed_work(&xldrv_netmap_health_work,
			      XLDRV_NETMAP_HEALTH_PERIOD);
}

void xldrv_netmap_health_start(void)
{
	schedule_delayed_work(&xldrv_netmap_health_work,
			      XLDRV_NETMAP_HEALTH_PERIOD);
}

void xldrv_netmap_health_stop(void)
{
	cancel_delayed_work_sync(&xldrv_netmap_health_work);
}
