// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv_netfront: transmit.  A packet is copied into our own pages, one
 * ring slot per page: no page of the stack's is ever granted, so a
 * backend that dies holding a mapping holds only pages of ours.  The skb
 * itself is kept until the backend answers the packet's first slot:
 * freed at xmit, it told TCP small queues the data had left, TCP kept
 * more of it queued on the ring, saw a longer round trip and sent
 * smaller TSO packets (docs/netfront.md).  Completions come back in
 * NAPI.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/if_vlan.h>
#include <linux/skbuff.h>
#include <xen/events.h>
#include <xen/page.h>

#include "netfront.h"

static void xldrv_netfront_tx_count(struct xldrv_netfront *nf,
				    u64_stats_t *what, u64 n)
{
	u64_stats_update_begin(&nf->tx_stats.syncp);
	u64_stats_add(what, n);
	u64_stats_update_end(&nf->tx_stats.syncp);
}

/* Room for the largest packet: ring slots, and ids for its data slots. */
static bool xldrv_netfront_tx_room(struct xldrv_netfront *nf,
				   unsigned int slots, unsigned int data)
{
	return RING_FREE_REQUESTS(&nf->tx) >= slots &&
	       nf->tx_ids.size - nf->tx_ids.nr_busy >= data;
}

/* A slot set up by xmit, never put on the ring: back to free. */
static void xldrv_netfront_tx_unwind(struct xldrv_netfront *nf, int slot)
{
	struct xldrv_netfront_txbuf *b = &nf->txb[slot];

	if (b->granted)
		xldrv_netfront_end_grant(b->gref, &b->page);
	b->granted = false;
	xldrv_netfront_ids_put(&nf->tx_ids, slot);
}

/*
 * What this backend can take of @skb.  A CHECKSUM_PARTIAL packet the
 * backend cannot finish is finished here; GSO it does not take is a
 * drop (only queued across a reconnect to a lesser backend: the stack
 * stops making it once the features are updated).
 */
static bool xldrv_netfront_tx_fits(struct xldrv_netfront *nf,
				   struct sk_buff *skb, unsigned int nr)
{
	if (skb->len > XEN_NETIF_MAX_TX_SIZE || (nr > 1 && !nf->be_sg))
		return false;
	if (skb_is_gso(skb)) {
		if (skb_shinfo(skb)->gso_type & SKB_GSO_TCPV6)
			return nf->be_gso_tcpv6;
		return (skb_shinfo(skb)->gso_type & SKB_GSO_TCPV4) &&
		       nf->be_gso_tcpv4;
	}
	if (skb->ip_summed == CHECKSUM_PARTIAL &&
	    vlan_get_protocol(skb) == htons(ETH_P_IPV6) && !nf->be_ipv6_csum)
		return !skb_checksum_help(skb);
	return true;
}

static u16 xldrv_netfront_tx_flags(const struct sk_buff *skb)
{
	if (skb->ip_summed == CHECKSUM_PARTIAL)
		return XEN_NETTXF_csum_blank | XEN_NETTXF_data_validated;
	if (skb->ip_summed == CHECKSUM_UNNECESSARY)
		return XEN_NETTXF_data_validated;
	return 0;
}

/* Under tx_lock: the packet's slots, copied and granted, on the ring. */
static bool xldrv_netfront_tx_queue(struct xldrv_netfront *nf,
				    struct sk_buff *skb, unsigned int nr)
{
	int slots[DIV_ROUND_UP(XEN_NETIF_MAX_TX_SIZE, XEN_PAGE_SIZE)];
	bool gso = skb_is_gso(skb);
	struct xen_netif_tx_request req;
	unsigned int i, off, n;
	RING_IDX idx;
	int ref;

	for (i = 0, off = 0; i < nr; i++, off += n) {
		struct xldrv_netfront_txbuf *b;

		/* Cannot fail: tx_room() said there are ids enough. */
		slots[i] = xldrv_netfront_ids_get(&nf->tx_ids);
		b = &nf->txb[slots[i]];
		n = min_t(unsigned int, skb->len - off, XEN_PAGE_SIZE);
		if (!b->page)
			b->page = alloc_page(GFP_ATOMIC | __GFP_NOWARN);
		if (!b->page ||
		    skb_copy_bits(skb, off, page_address(b->page), n))
			goto err_unwind;
		ref = gnttab_grant_foreign_access(nf->follow.backend_id,
						  xen_page_to_gfn(b->page), 1);
		if (ref < 0)
			goto err_unwind;
		b->gref = ref;
		b->granted = true;
		b->head = !i;
		b->len = skb->len;
	}

	/* Ours now, until the first slot is answered or dropped. */
	nf->txb[slots[0]].skb = skb;
	idx = nf->tx.req_prod_pvt;
	for (i = 0, off = 0; i < nr; i++, off += n) {
		n = min_t(unsigned int, skb->len - off, XEN_PAGE_SIZE);
		/* Built here, then written whole: the ring is shared memory. */
		req = (struct xen_netif_tx_request){
			.gref = nf->txb[slots[i]].gref,
			.id = nf->tx_id_ent[slots[i]].id,
			/* The first slot says how long the whole packet is. */
			.size = i ? n : skb->len,
			.flags = i + 1 < nr ? XEN_NETTXF_more_data : 0,
		};
		if (!i)
			req.flags |= xldrv_netfront_tx_flags(skb) |
				     (gso ? XEN_NETTXF_extra_info : 0);
		*RING_GET_REQUEST(&nf->tx, idx) = req;
		idx++;
		if (!i && gso) {
			struct xen_netif_extra_info extra = {
				.type = XEN_NETIF_EXTRA_TYPE_GSO,
				.u.gso.size = skb_shinfo(skb)->gso_size,
				.u.gso.type = skb_shinfo(skb)->gso_type &
					      SKB_GSO_TCPV6 ?
					      XEN_NETIF_GSO_TYPE_TCPV6 :
					      XEN_NETIF_GSO_TYPE_TCPV4,
			};

			*(struct xen_netif_extra_info *)
				RING_GET_REQUEST(&nf->tx, idx) = extra;
			idx++;
		}
	}
	nf->tx.req_prod_pvt = idx;
	return true;

err_unwind:
	do
		xldrv_netfront_tx_unwind(nf, slots[i]);
	while (i--);
	return false;
}

netdev_tx_t xldrv_netfront_start_xmit(struct sk_buff *skb,
				      struct net_device *ndev)
{
	struct xldrv_netfront *nf = netdev_priv(ndev);
	unsigned int nr = DIV_ROUND_UP(skb->len, XEN_PAGE_SIZE);
	unsigned int slots = nr + (skb_is_gso(skb) ? 1 : 0);
	int notify;

	spin_lock(&nf->tx_lock);
	if (nf->conn != XLDRV_NETFRONT_UP || test_bit(0, &nf->reset) ||
	    !nr || !xldrv_netfront_tx_fits(nf, skb, nr))
		goto drop;
	if (!xldrv_netfront_tx_room(nf, slots, nr)) {
		/* Stopped below before it gets this full: a race, retried. */
		netif_stop_queue(ndev);
		spin_unlock(&nf->tx_lock);
		return NETDEV_TX_BUSY;
	}
	if (!xldrv_netfront_tx_queue(nf, skb, nr))
		goto drop;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&nf->tx, notify);
	if (notify)
		notify_remote_via_irq(nf->irq);
	if (!xldrv_netfront_tx_room(nf, XLDRV_NETFRONT_TX_MAX_SLOTS,
				    XLDRV_NETFRONT_TX_MAX_SLOTS - 1))
		netif_stop_queue(ndev);
	spin_unlock(&nf->tx_lock);
	return NETDEV_TX_OK;

drop:
	xldrv_netfront_tx_count(nf, &nf->tx_stats.dropped, 1);
	spin_unlock(&nf->tx_lock);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

/* A tx slot is answered: its grant ends, its packet is counted. */
static void xldrv_netfront_tx_done(struct xldrv_netfront *nf, int slot,
				   s16 status)
{
	struct xldrv_netfront_txbuf *b = &nf->txb[slot];

	if (!xldrv_netfront_end_grant(b->gref, &b->page))
		pr_warn_ratelimited("%s: backend answered tx id %#x but still maps its page\n",
				    nf->xdev->nodename, nf->tx_id_ent[slot].id);
	b->granted = false;
	if (b->head) {
		u64_stats_update_begin(&nf->tx_stats.syncp);
		if (status == XEN_NETIF_RSP_OKAY) {
			u64_stats_inc(&nf->tx_stats.packets);
			u64_stats_add(&nf->tx_stats.bytes, b->len);
		} else if (status == XEN_NETIF_RSP_DROPPED) {
			u64_stats_inc(&nf->tx_stats.dropped);
		} else {
			u64_stats_inc(&nf->tx_stats.errors);
		}
		u64_stats_update_end(&nf->tx_stats.syncp);
	}
	/* From the softirq, not under our tx_lock: TCP's accounting. */
	if (b->skb && status == XEN_NETIF_RSP_OKAY)
		dev_consume_skb_irq(b->skb);
	else if (b->skb)
		dev_kfree_skb_irq(b->skb);
	b->skb = NULL;
	b->head = false;
	xldrv_netfront_ids_put(&nf->tx_ids, slot);
}

/* From NAPI: the backend's answers, each copied off the ring first. */
void xldrv_netfront_tx_complete(struct xldrv_netfront *nf)
{
	struct xen_netif_tx_response rsp;
	RING_IDX rc, rp;
	int slot;

	spin_lock(&nf->tx_lock);
	if (nf->conn != XLDRV_NETFRONT_UP || test_bit(0, &nf->reset))
		goto out;
	rp = READ_ONCE(nf->tx.sring->rsp_prod);
	virt_rmb(); /* responses up to rp are visible once rp is read */
	/* req_prod_pvt: pushed whenever tx_lock is let go. */
	if (!xldrv_netfront_rsp_prod_ok(nf->tx.rsp_cons, rp,
					nf->tx.req_prod_pvt)) {
		xldrv_netfront_protocol_error(nf, "more tx responses than requests");
		goto out;
	}
	for (rc = nf->tx.rsp_cons; rc != rp; rc++) {
		RING_COPY_RESPONSE(&nf->tx, rc, &rsp);
		slot = xldrv_netfront_tx_rsp(&nf->tx_ids, &rsp);
		if (slot == XLDRV_NETFRONT_TX_NULL)
			continue;
		if (slot < 0) {
			xldrv_netfront_protocol_error(nf, "tx response with an id not in flight");
			break;
		}
		xldrv_netfront_tx_done(nf, slot, rsp.status);
	}
	nf->tx.rsp_cons = rc;
	if (netif_queue_stopped(nf->ndev) && !test_bit(0, &nf->reset) &&
	    xldrv_netfront_tx_room(nf, XLDRV_NETFRONT_TX_MAX_SLOTS,
				   XLDRV_NETFRONT_TX_MAX_SLOTS - 1))
		netif_wake_queue(nf->ndev);
out:
	spin_unlock(&nf->tx_lock);
}

/*
 * The ring is gone (conn is DOWN, the event channel unbound): what was
 * in flight is dropped, its pages given up if still mapped.
 */
void xldrv_netfront_tx_drop_all(struct xldrv_netfront *nf)
{
	unsigned int i, lost = 0;

	for (i = 0; i < nf->tx_ids.size; i++) {
		struct xldrv_netfront_txbuf *b = &nf->txb[i];

		if (!nf->tx_id_ent[i].busy)
			continue;
		if (b->granted)
			xldrv_netfront_end_grant(b->gref, &b->page);
		b->granted = false;
		lost += b->head;
		b->head = false;
		if (b->skb)
			dev_kfree_skb_irq(b->skb);
		b->skb = NULL;
	}
	xldrv_netfront_ids_reset(&nf->tx_ids);
	xldrv_netfront_tx_count(nf, &nf->tx_stats.dropped, lost);
	atomic64_add(lost, &nf->xstats.tx_lost);
}
