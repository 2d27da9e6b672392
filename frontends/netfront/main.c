// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv_netfront: the restart-aware network frontend of xldrv, loaded in
 * a client domain in place of xen-netfront.  See netfront.h.  This file:
 * the module, the net_device's operations, NAPI and the interrupt.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/module.h>
#include <xen/events.h>
#include <xen/xen.h>
#include <xen/platform_pci.h>

#include "netfront.h"

unsigned int xldrv_netfront_rx_copy_break = 256;
module_param_named(rx_copy_break, xldrv_netfront_rx_copy_break, uint, 0644);
MODULE_PARM_DESC(rx_copy_break,
		 "Received packets up to this many bytes are copied and their buffer reused (default 256)");

bool xldrv_netfront_trusted = true;
module_param_named(trusted, xldrv_netfront_trusted, bool, 0644);
MODULE_PARM_DESC(trusted,
		 "Grant the pages of packets' fragments to backends not marked untrusted by the toolstack, and recycle their rx pages (default 1; 0: copy every packet into pages of our own, a fresh page for every rx buffer)");

/*
 * From NAPI, with a ring's lock held: the backend broke the protocol, so
 * nothing more is taken from the ring, and the reset work drops it and
 * makes the backend start over.
 */
void xldrv_netfront_protocol_error(struct xldrv_netfront *nf,
				   const char *what)
{
	if (test_and_set_bit(0, &nf->reset))
		return;
	atomic64_inc(&nf->xstats.protocol_errors);
	pr_warn_ratelimited("%s: backend %s: %s: reconnecting\n",
			    nf->xdev->nodename, nf->follow.backend, what);
	schedule_work(&nf->reset_work);
}

/*
 * A slot of the ring @s counts for (@size slots) was answered with its
 * page still mapped, which that page's grant end handed to the grant
 * table code; under that ring's lock.  Past the bound the backend is
 * broken: its rings go, and the xenbus side waits for another backend
 * (xenbus.c, reset_work).
 */
void xldrv_netfront_strand(struct xldrv_netfront *nf, struct xldrv_strand *s,
			   unsigned int size)
{
	unsigned int limit = XLDRV_NETFRONT_STRAND_LIMIT(size);

	if (!xldrv_strand_add(s, 1, limit))
		return;
	pr_warn_ratelimited("%s: backend %s answered slots but kept more than %u of our pages mapped: not using it again\n",
			    nf->xdev->nodename, nf->follow.backend, limit);
	/* Already set: the reset work to come sees the strand too. */
	if (test_and_set_bit(0, &nf->reset))
		return;
	atomic64_inc(&nf->xstats.protocol_errors);
	schedule_work(&nf->reset_work);
}

static bool xldrv_netfront_live(struct xldrv_netfront *nf)
{
	return nf->conn == XLDRV_NETFRONT_UP && !test_bit(0, &nf->reset);
}

/*
 * NAPI is done: ask for an event at the next response, and say whether
 * one came meanwhile.  rx asks past what it has seen rather than what it
 * consumed: a packet not yet complete on the ring waits for more
 * responses, not for NAPI to spin on it.
 */
bool xldrv_netfront_rearm(struct xldrv_netfront *nf)
{
	int more = 0;

	spin_lock(&nf->tx_lock);
	if (xldrv_netfront_live(nf))
		RING_FINAL_CHECK_FOR_RESPONSES(&nf->tx, more);
	spin_unlock(&nf->tx_lock);
	if (more)
		return true;

	spin_lock(&nf->rx_lock);
	if (xldrv_netfront_live(nf)) {
		nf->rx.sring->rsp_event = nf->rx_seen + 1;
		virt_mb();	/* the event index is out before rsp_prod is read */
		more = READ_ONCE(nf->rx.sring->rsp_prod) != nf->rx_seen;
	}
	spin_unlock(&nf->rx_lock);
	return more;
}

int xldrv_netfront_poll(struct napi_struct *napi, int budget)
{
	struct xldrv_netfront *nf = container_of(napi, struct xldrv_netfront,
						 napi);
	int done;

	xldrv_netfront_tx_complete(nf);
	done = xldrv_netfront_rx_poll(nf, budget);
	if (done < budget && napi_complete_done(napi, done) &&
	    xldrv_netfront_rearm(nf))
		napi_schedule(napi);
	return done;
}

/*
 * Lateeoi: an event with nothing on either ring is reported spurious, so
 * that a backend flooding us with events gets them throttled.  Unlocked
 * reads: only a hint, NAPI looks again under the locks.  The rings stay
 * mapped while this can run (unbinding waits for it).
 */
irqreturn_t xldrv_netfront_interrupt(int irq, void *data)
{
	struct xldrv_netfront *nf = data;
	unsigned int eoi = XEN_EOI_FLAG_SPURIOUS;

	if (READ_ONCE(nf->conn) == XLDRV_NETFRONT_UP &&
	    (READ_ONCE(nf->tx.sring->rsp_prod) != READ_ONCE(nf->tx.rsp_cons) ||
	     READ_ONCE(nf->rx.sring->rsp_prod) != READ_ONCE(nf->rx_seen))) {
		eoi = 0;
		napi_schedule(&nf->napi);
	}
	xen_irq_lateeoi(irq, eoi);
	return IRQ_HANDLED;
}

static int xldrv_netfront_open(struct net_device *ndev)
{
	struct xldrv_netfront *nf = netdev_priv(ndev);

	napi_enable(&nf->napi);
	spin_lock_bh(&nf->tx_lock);
	netif_start_queue(ndev);
	/* Held until a backend is connected: xenbus.c wakes it then. */
	if (nf->conn != XLDRV_NETFRONT_UP)
		netif_stop_queue(ndev);
	spin_unlock_bh(&nf->tx_lock);
	/* What came while we were down. */
	napi_schedule(&nf->napi);
	return 0;
}

static int xldrv_netfront_stop(struct net_device *ndev)
{
	struct xldrv_netfront *nf = netdev_priv(ndev);

	netif_stop_queue(ndev);
	napi_disable(&nf->napi);
	return 0;
}

static void xldrv_netfront_read_stats(const struct xldrv_netfront_stats *s,
				      u64 *packets, u64 *bytes, u64 *dropped,
				      u64 *errors)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&s->syncp);
		*packets = u64_stats_read(&s->packets);
		*bytes = u64_stats_read(&s->bytes);
		*dropped = u64_stats_read(&s->dropped);
		*errors = u64_stats_read(&s->errors);
	} while (u64_stats_fetch_retry(&s->syncp, start));
}

static void xldrv_netfront_get_stats64(struct net_device *ndev,
				       struct rtnl_link_stats64 *st)
{
	struct xldrv_netfront *nf = netdev_priv(ndev);

	xldrv_netfront_read_stats(&nf->tx_stats, &st->tx_packets,
				  &st->tx_bytes, &st->tx_dropped,
				  &st->tx_errors);
	xldrv_netfront_read_stats(&nf->rx_stats, &st->rx_packets,
				  &st->rx_bytes, &st->rx_dropped,
				  &st->rx_errors);
}

/* Offloads the current backend takes; kept as they were while there is none. */
static netdev_features_t xldrv_netfront_fix_features(struct net_device *ndev,
						     netdev_features_t features)
{
	struct xldrv_netfront *nf = netdev_priv(ndev);

	if (!nf->be_ipv6_csum)
		features &= ~NETIF_F_IPV6_CSUM;
	if (!nf->be_sg || !nf->be_gso_tcpv4)
		features &= ~NETIF_F_TSO;
	if (!nf->be_sg || !nf->be_gso_tcpv6 || !nf->be_ipv6_csum)
		features &= ~NETIF_F_TSO6;
	return features;
}

const struct net_device_ops xldrv_netfront_netdev_ops = {
	.ndo_open = xldrv_netfront_open,
	.ndo_stop = xldrv_netfront_stop,
	.ndo_start_xmit = xldrv_netfront_start_xmit,
	.ndo_get_stats64 = xldrv_netfront_get_stats64,
	.ndo_fix_features = xldrv_netfront_fix_features,
	.ndo_validate_addr = eth_validate_addr,
};

static const char xldrv_netfront_xstat_names[][ETH_GSTRING_LEN] = {
	"connects", "lost", "protocol_errors", "tx_lost", "rx_bad",
	"tx_granted", "tx_copied",
};

static int xldrv_netfront_get_sset_count(struct net_device *ndev, int sset)
{
	return sset == ETH_SS_STATS ? ARRAY_SIZE(xldrv_netfront_xstat_names) :
				      -EOPNOTSUPP;
}

static void xldrv_netfront_get_strings(struct net_device *ndev, u32 sset,
				       u8 *data)
{
	if (sset == ETH_SS_STATS)
		memcpy(data, xldrv_netfront_xstat_names,
		       sizeof(xldrv_netfront_xstat_names));
}

static void xldrv_netfront_get_ethtool_stats(struct net_device *ndev,
					     struct ethtool_stats *stats,
					     u64 *data)
{
	struct xldrv_netfront *nf = netdev_priv(ndev);
	const struct xldrv_netfront_xstats *x = &nf->xstats;

	BUILD_BUG_ON(ARRAY_SIZE(xldrv_netfront_xstat_names) != 7);
	data[0] = atomic64_read(&x->connects);
	data[1] = atomic64_read(&x->lost);
	data[2] = atomic64_read(&x->protocol_errors);
	data[3] = atomic64_read(&x->tx_lost);
	data[4] = atomic64_read(&x->rx_bad);
	data[5] = atomic64_read(&x->tx_granted);
	data[6] = atomic64_read(&x->tx_copied);
}

static void xldrv_netfront_get_drvinfo(struct net_device *ndev,
				       struct ethtool_drvinfo *info)
{
	struct xldrv_netfront *nf = netdev_priv(ndev);

	strscpy(info->driver, KBUILD_MODNAME, sizeof(info->driver));
	strscpy(info->bus_info, dev_name(&nf->xdev->dev),
		sizeof(info->bus_info));
}

const struct ethtool_ops xldrv_netfront_ethtool_ops = {
	.get_drvinfo = xldrv_netfront_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_sset_count = xldrv_netfront_get_sset_count,
	.get_strings = xldrv_netfront_get_strings,
	.get_ethtool_stats = xldrv_netfront_get_ethtool_stats,
};

static int __init xldrv_netfront_init(void)
{
	if (!xen_domain() || !xen_has_pv_nic_devices())
		return -ENODEV;
	return xldrv_netfront_xenbus_init();
}

static void __exit xldrv_netfront_exit(void)
{
	xldrv_netfront_xenbus_exit();
}

module_init(xldrv_netfront_init);
module_exit(xldrv_netfront_exit);
MODULE_DESCRIPTION("xldrv network frontend: netif interfaces that survive their backend's restart");
MODULE_LICENSE("GPL");
