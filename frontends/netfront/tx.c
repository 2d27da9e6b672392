// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv_netfront: transmit.  To a trusted backend a packet goes as
 * xen-netfront sends it: the pages of its fragments granted as they are,
 * each such slot holding a reference to the skb until it is answered;
 * only its linear part (the headers, which share their page with other
 * kmalloc memory) is copied into a page of ours.  To an untrusted backend
 * all of it is copied, one page of ours per slot, so that no page of the
 * stack's is ever granted to it.  Either way the skb is freed only when
 * the backend has answered every slot that holds it: freed at xmit, it
 * told TCP small queues the data had left, TCP kept more of it queued on
 * the ring, saw a longer round trip and sent smaller TSO packets
 * (docs/netfront.md).  Completions come back in NAPI.
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

/*
 * End @b's grant, drop the skb reference it held (@sent: the packet went
 * out).  False if the backend still maps the page: ours is then the grant
 * table code's to free, a lent one is kept by a page reference the grant
 * table code drops once the mapping is gone.
 */
static bool xldrv_netfront_tx_release(struct xldrv_netfront *nf,
				      struct xldrv_netfront_txbuf *b,
				      bool sent)
{
	bool ended = true;

	if (b->granted)
		ended = xldrv_netfront_end(nf, &nf->tx_grefs, b->gref,
					   b->gref_pooled);
	if (!ended && b->lent) {
		get_page(b->lent);
		gnttab_end_foreign_access(b->gref, b->lent);
	} else if (!ended) {
		gnttab_end_foreign_access(b->gref, b->page);
		b->page = NULL;
	}
	b->granted = false;
	b->gref_pooled = false;
	b->lent = NULL;
	/* From the softirq, not under our tx_lock: TCP's accounting. */
	if (b->skb && sent)
		dev_consume_skb_irq(b->skb);
	else if (b->skb)
		dev_kfree_skb_irq(b->skb);
	b->skb = NULL;
	return ended;
}

/* A slot set up by xmit, never put on the ring: back to free. */
static void xldrv_netfront_tx_unwind(struct xldrv_netfront *nf, int slot)
{
	xldrv_netfront_tx_release(nf, &nf->txb[slot], false);
	xldrv_netfront_ids_put(&nf->tx_ids, slot);
}

/* One ring slot's worth of a packet. */
struct xldrv_netfront_tx_chunk {
	struct page *lent;	/* of the skb's fragments; NULL: copied */
	unsigned int offset;	/* in that page; copied: in the skb */
	unsigned int len;
};

/*
 * @skb cut into ring slots in @c: with @zerocopy its linear part copied,
 * a page per slot, and each page its fragments touch granted in place;
 * else all of it copied, a page per slot.  Returns how many slots, 0 if
 * that is more than a packet may take (only granted in place: copied
 * whole, any packet fits).
 */
static unsigned int xldrv_netfront_tx_chunks(const struct sk_buff *skb,
					     bool zerocopy,
					     struct xldrv_netfront_tx_chunk *c)
{
	unsigned int copy = zerocopy ? skb_headlen(skb) : skb->len;
	unsigned int i, n = 0, off, len;

	/* A grant is of a Xen page; the stack's pages must be one each. */
	BUILD_BUG_ON(PAGE_SIZE != XEN_PAGE_SIZE);
	BUILD_BUG_ON(DIV_ROUND_UP(XEN_NETIF_MAX_TX_SIZE, XEN_PAGE_SIZE) >
		     XLDRV_NETFRONT_TX_MAX_DATA);
	for (off = 0; off < copy; off += len) {
		if (n == XLDRV_NETFRONT_TX_MAX_DATA)
			return 0;
		len = min_t(unsigned int, copy - off, XEN_PAGE_SIZE);
		c[n++] = (struct xldrv_netfront_tx_chunk){
			.offset = off,
			.len = len,
		};
	}
	if (!zerocopy)
		return n;
	for (i = 0; i < skb_shinfo(skb)->nr_frags; i++) {
		const skb_frag_t *f = &skb_shinfo(skb)->frags[i];
		unsigned int foff = skb_frag_off(f);
		unsigned int left = skb_frag_size(f);

		for (; left; foff += len, left -= len) {
			if (n == XLDRV_NETFRONT_TX_MAX_DATA)
				return 0;
			len = min_t(unsigned int, left,
				    XEN_PAGE_SIZE - offset_in_page(foff));
			c[n++] = (struct xldrv_netfront_tx_chunk){
				.lent = nth_page(skb_frag_page(f),
						 foff >> PAGE_SHIFT),
				.offset = offset_in_page(foff),
				.len = len,
			};
		}
	}
	return n;
}

/*
 * What this backend can take of @skb.  A CHECKSUM_PARTIAL packet the
 * backend cannot finish is finished here; GSO it does not take is a
 * drop (only queued across a reconnect to a lesser backend: the stack
 * stops making it once the features are updated).
 */
static bool xldrv_netfront_tx_fits(struct xldrv_netfront *nf,
				   struct sk_buff *skb)
{
	if (!skb->len || skb->len > XEN_NETIF_MAX_TX_SIZE)
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

/* Under tx_lock: the packet's slots, copied or lent, granted, on the ring. */
static bool xldrv_netfront_tx_queue(struct xldrv_netfront *nf,
				    struct sk_buff *skb,
				    const struct xldrv_netfront_tx_chunk *c,
				    unsigned int nr)
{
	int slots[XLDRV_NETFRONT_TX_MAX_DATA];
	bool gso = skb_is_gso(skb);
	struct xen_netif_tx_request req;
	struct page *page;
	unsigned int i;
	RING_IDX idx;
	int ref;

	for (i = 0; i < nr; i++) {
		struct xldrv_netfront_txbuf *b;

		/* Cannot fail: tx_room() said there are ids enough. */
		slots[i] = xldrv_netfront_ids_get(&nf->tx_ids);
		b = &nf->txb[slots[i]];
		if (c[i].lent) {
			page = c[i].lent;
			b->lent = page;
			b->skb = skb_get(skb);
		} else {
			/* Zeroed: the backend may read all of it, not only ours. */
			if (!b->page)
				b->page = alloc_page(GFP_ATOMIC | __GFP_NOWARN |
						     __GFP_ZERO);
			page = b->page;
			if (!page ||
			    skb_copy_bits(skb, c[i].offset, page_address(page),
					  c[i].len))
				goto err_unwind;
		}
		ref = xldrv_netfront_grant(nf, &nf->tx_grefs, page, true,
					   &b->gref_pooled);
		if (ref < 0)
			goto err_unwind;
		b->gref = ref;
		b->granted = true;
		b->head = !i;
		b->len = skb->len;
	}

	/* The caller's reference, ours now; the first slot is never lent. */
	nf->txb[slots[0]].skb = skb;
	idx = nf->tx.req_prod_pvt;
	for (i = 0; i < nr; i++) {
		/* Built here, then written whole: the ring is shared memory. */
		req = (struct xen_netif_tx_request){
			.gref = nf->txb[slots[i]].gref,
			.offset = c[i].lent ? c[i].offset : 0,
			.id = nf->tx_id_ent[slots[i]].id,
			/* The first slot says how long the whole packet is. */
			.size = i ? c[i].len : skb->len,
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
	struct xldrv_netfront_tx_chunk c[XLDRV_NETFRONT_TX_MAX_DATA];
	bool granted = false;
	unsigned int nr = 0;
	int notify;

	spin_lock(&nf->tx_lock);
	/* tx_fits may finish a checksum, and so change the skb: first. */
	if (nf->conn != XLDRV_NETFRONT_UP || test_bit(0, &nf->reset) ||
	    !xldrv_netfront_tx_fits(nf, skb))
		goto drop;
	/*
	 * Granted in place needs multi-slot packets (a slot per piece) and
	 * a first slot a backend takes: the Ethernet header in it.
	 */
	if (nf->tx_zerocopy && nf->be_sg && skb_headlen(skb) >= ETH_HLEN &&
	    !skb_has_frag_list(skb) && skb_shinfo(skb)->nr_frags)
		nr = xldrv_netfront_tx_chunks(skb, true, c);
	granted = nr > 0;
	if (!nr)
		nr = xldrv_netfront_tx_chunks(skb, false, c);
	if (nr > 1 && !nf->be_sg)
		goto drop;
	if (!xldrv_netfront_tx_room(nf, nr + (skb_is_gso(skb) ? 1 : 0), nr)) {
		/* Stopped below before it gets this full: a race, retried. */
		netif_stop_queue(ndev);
		spin_unlock(&nf->tx_lock);
		return NETDEV_TX_BUSY;
	}
	if (!xldrv_netfront_tx_queue(nf, skb, c, nr))
		goto drop;
	atomic64_inc(granted ? &nf->xstats.tx_granted : &nf->xstats.tx_copied);
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&nf->tx, notify);
	if (notify)
		notify_remote_via_irq(nf->irq);
	if (!xldrv_netfront_tx_room(nf, XLDRV_NETFRONT_TX_MAX_SLOTS,
				    XLDRV_NETFRONT_TX_MAX_DATA))
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
	if (!xldrv_netfront_tx_release(nf, b, status == XEN_NETIF_RSP_OKAY)) {
		pr_warn_ratelimited("%s: backend answered tx id %#x but still maps its page\n",
				    nf->xdev->nodename, nf->tx_id_ent[slot].id);
		xldrv_netfront_strand(nf, &nf->tx_strand,
				      XLDRV_NETFRONT_TX_SIZE);
	}
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
				   XLDRV_NETFRONT_TX_MAX_DATA))
		netif_wake_queue(nf->ndev);
out:
	spin_unlock(&nf->tx_lock);
}

/*
 * The ring is gone (conn is DOWN, the event channel unbound): what was
 * in flight is dropped, its pages given up if still mapped.  Our own
 * pages all go too, not kept for the next ring: they hold what went
 * through this backend, and the next one may be another domain, which
 * must read nothing but zeros and what it is sent itself.
 */
void xldrv_netfront_tx_drop_all(struct xldrv_netfront *nf)
{
	unsigned int i, lost = 0;

	for (i = 0; i < XLDRV_NETFRONT_TX_SIZE; i++) {
		struct xldrv_netfront_txbuf *b = &nf->txb[i];

		if (nf->tx_id_ent[i].busy) {
			/*
			 * The table's silent end: a backend going away may
			 * still map what it was sent.
			 */
			b->gref_pooled = false;
			xldrv_netfront_tx_release(nf, b, false);
			lost += b->head;
			b->head = false;
		}
		/* Still mapped, it is the grant table code's: NULL here. */
		if (b->page)
			__free_page(b->page);
		b->page = NULL;
	}
	xldrv_netfront_ids_reset(&nf->tx_ids);
	xldrv_netfront_grefs_give_back(&nf->tx_grefs);
	xldrv_netfront_tx_count(nf, &nf->tx_stats.dropped, lost);
	atomic64_add(lost, &nf->xstats.tx_lost);
}
