// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv_netfront: receive.  The rx ring is kept full of our pages, each
 * granted for the backend to copy a packet's slot into (request-rx-copy:
 * nothing is ever mapped or flipped).  NAPI parses what comes back
 * (proto.c), builds skbs off the lock and hands them to GRO.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/skbuff.h>
#include <xen/events.h>
#include <xen/page.h>

#include "netfront.h"

/* Bytes an skb built from pages gets in its head: the headers, for GRO. */
#define XLDRV_NETFRONT_RX_PULL 128u

/*
 * A device's pool of rx pages: a ring's worth kept for reuse.  No DMA, so
 * no device: the pool may outlive the net_device, until the stack has
 * freed the last skb holding one of its pages.
 */
struct page_pool *xldrv_netfront_rx_pool(void)
{
	struct page_pool_params pp = {
		.order = 0,
		.pool_size = XLDRV_NETFRONT_RX_SIZE,
		.nid = NUMA_NO_NODE,
	};

	return page_pool_create(&pp);
}

/* A page for an rx slot: recycled or fresh, as rx_pooled says. */
static struct page *xldrv_netfront_rx_page(struct xldrv_netfront *nf)
{
	gfp_t gfp = GFP_ATOMIC | __GFP_NOWARN | __GFP_ZERO;

	return nf->rx_pooled ? page_pool_alloc_pages(nf->rx_pool, gfp) :
			       alloc_page(gfp);
}

/*
 * End @b's grant.  False if the backend still maps its page: the page
 * leaves the pool then, and is the grant table code's to free once the
 * mapping is gone.
 */
static bool xldrv_netfront_rx_end_grant(struct xldrv_netfront *nf,
					struct xldrv_netfront_rxbuf *b)
{
	bool ended;

	if (!b->granted)
		return true;
	ended = xldrv_netfront_end(nf, &nf->rx_grefs, b->gref,
				   b->gref_pooled);
	b->granted = false;
	b->gref_pooled = false;
	if (ended)
		return true;
	if (nf->rx_pooled)
		page_pool_release_page(nf->rx_pool, b->page);
	gnttab_end_foreign_access(b->gref, b->page);
	b->page = NULL;
	return false;
}

/*
 * Under rx_lock: post a buffer in every free ring position, in order.
 * Out of pages or grants, it stops where it is (the ring has no holes)
 * and the timer tries again.
 */
void xldrv_netfront_rx_refill(struct xldrv_netfront *nf)
{
	RING_IDX idx = nf->rx.req_prod_pvt;
	bool short_of = false;
	int notify, ref;

	while ((RING_IDX)(idx - nf->rx.rsp_cons) < XLDRV_NETFRONT_RX_SIZE) {
		unsigned int slot = idx & (XLDRV_NETFRONT_RX_SIZE - 1);
		struct xldrv_netfront_rxbuf *b = &nf->rxb[slot];
		struct xen_netif_rx_request req;

		if (!b->page)
			b->page = xldrv_netfront_rx_page(nf);
		if (!b->page) {
			short_of = true;
			break;
		}
		ref = xldrv_netfront_grant(nf, &nf->rx_grefs, b->page, false,
					   &b->gref_pooled);
		if (ref < 0) {
			short_of = true;
			break;
		}
		/* Free: the response at this position was consumed. */
		if (WARN_ON(xldrv_netfront_ids_get_at(&nf->rx_ids, slot) < 0)) {
			gnttab_end_foreign_access(ref, b->page);
			b->gref_pooled = false;
			b->page = NULL;
			break;
		}
		b->gref = ref;
		b->granted = true;
		req = (struct xen_netif_rx_request){
			.id = nf->rx_id_ent[slot].id,
			.gref = ref,
		};
		*RING_GET_REQUEST(&nf->rx, idx) = req;
		idx++;
	}
	if (idx != nf->rx.req_prod_pvt) {
		nf->rx.req_prod_pvt = idx;
		RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&nf->rx, notify);
		if (notify)
			notify_remote_via_irq(nf->irq);
	}
	if (short_of)
		mod_timer(&nf->refill_timer, jiffies + HZ / 10);
}

void xldrv_netfront_refill_timer(struct timer_list *t)
{
	struct xldrv_netfront *nf = from_timer(nf, t, refill_timer);

	/* Refilling is NAPI's: it runs under its lock, in its context. */
	if (READ_ONCE(nf->conn) == XLDRV_NETFRONT_UP)
		napi_schedule(&nf->napi);
}

static void xldrv_netfront_rx_count(struct xldrv_netfront *nf,
				    u64_stats_t *what)
{
	u64_stats_update_begin(&nf->rx_stats.syncp);
	u64_stats_inc(what);
	u64_stats_update_end(&nf->rx_stats.syncp);
}

/*
 * The packet at @cons: every slot's grant ended and its id put back;
 * with an skb made of the data slots if the packet is good.  Small
 * packets are copied and their pages stay for the next requests; large
 * ones take the pages as fragments.  Under rx_lock.
 */
static struct sk_buff *xldrv_netfront_rx_take(struct xldrv_netfront *nf,
					      RING_IDX cons,
					      const struct xldrv_netfront_rx_pkt *pkt)
{
	unsigned int mask = XLDRV_NETFRONT_RX_SIZE - 1, i, slot;
	bool copy = pkt->len <= READ_ONCE(xldrv_netfront_rx_copy_break);
	bool ok = pkt->err == XLDRV_NETFRONT_RX_OK;
	struct sk_buff *skb = NULL;

	for (i = 0; i < pkt->slots; i++) {
		struct xldrv_netfront_rxbuf *b = &nf->rxb[(cons + i) & mask];

		if (!xldrv_netfront_rx_end_grant(nf, b)) {
			pr_warn_ratelimited("%s: backend answered an rx request but still maps its page\n",
					    nf->xdev->nodename);
			xldrv_netfront_strand(nf, &nf->rx_strand,
					      XLDRV_NETFRONT_RX_SIZE);
			ok = false;
		}
		xldrv_netfront_ids_put(&nf->rx_ids, (cons + i) & mask);
	}
	if (!ok)
		return NULL;

	skb = napi_alloc_skb(&nf->napi, copy ? pkt->len :
						XLDRV_NETFRONT_RX_PULL);
	if (!skb)
		return NULL;
	/* Its pages go back to the pool when the stack frees it. */
	if (nf->rx_pooled)
		skb_mark_for_recycle(skb);
	for (i = 0; i < pkt->nr_data; i++) {
		const struct xen_netif_rx_response *r = &pkt->rsp[i];
		struct xldrv_netfront_rxbuf *b;

		/* Data slots: the first, then those after the extras. */
		slot = (cons + (i ? pkt->extras + i : 0)) & mask;
		b = &nf->rxb[slot];
		if (!r->status)
			continue;
		if (copy) {
			skb_put_data(skb, page_address(b->page) + r->offset,
				     r->status);
			continue;
		}
		skb_add_rx_frag(skb, skb_shinfo(skb)->nr_frags, b->page,
				r->offset, r->status, PAGE_SIZE);
		b->page = NULL;
	}
	if (!copy && !__pskb_pull_tail(skb, min(pkt->len,
						XLDRV_NETFRONT_RX_PULL))) {
		kfree_skb(skb);
		return NULL;
	}
	return skb;
}

/* Offloads as the backend describes them; false: drop it. */
static bool xldrv_netfront_rx_offload(struct xldrv_netfront *nf,
				      struct sk_buff *skb,
				      const struct xldrv_netfront_rx_pkt *pkt)
{
	bool blank = pkt->flags & XEN_NETRXF_csum_blank;

	skb->protocol = eth_type_trans(skb, nf->ndev);
	skb_reset_network_header(skb);
	if (pkt->gso_size) {
		skb_shinfo(skb)->gso_size = pkt->gso_size;
		skb_shinfo(skb)->gso_type =
			(pkt->gso_type == XEN_NETIF_GSO_TYPE_TCPV6 ?
			 SKB_GSO_TCPV6 : SKB_GSO_TCPV4) | SKB_GSO_DODGY;
		/* Counted by the stack: the backend's word is not taken. */
		skb_shinfo(skb)->gso_segs = 0;
	}
	/*
	 * A blank checksum has its pseudo-header sum in place: only where
	 * it is needs finding.  A GSO packet that is not blank gets one
	 * computed, as segmenting it needs it partial.
	 */
	if (blank || pkt->gso_size)
		return !skb_checksum_setup(skb, !blank);
	if (pkt->flags & XEN_NETRXF_data_validated)
		skb->ip_summed = CHECKSUM_UNNECESSARY;
	return true;
}

static const char *const xldrv_netfront_rx_why[] = {
	[XLDRV_NETFRONT_RX_OK] = "ok",
	[XLDRV_NETFRONT_RX_STATUS] = "backend error",
	[XLDRV_NETFRONT_RX_BAD_SLOT] = "data outside its page",
	[XLDRV_NETFRONT_RX_TOO_MANY] = "too many slots",
	[XLDRV_NETFRONT_RX_BAD_EXTRA] = "bad extra info",
	[XLDRV_NETFRONT_RX_SHORT] = "shorter than a header",
};

/* From NAPI: up to @budget packets, given to GRO once off the lock. */
int xldrv_netfront_rx_poll(struct xldrv_netfront *nf, int budget)
{
	struct xldrv_netfront_rx_pkt pkt;
	struct sk_buff_head q;
	struct sk_buff *skb;
	RING_IDX cons, rp;
	int n, done = 0;

	__skb_queue_head_init(&q);
	spin_lock(&nf->rx_lock);
	if (nf->conn != XLDRV_NETFRONT_UP || test_bit(0, &nf->reset))
		goto out;
	rp = READ_ONCE(nf->rx.sring->rsp_prod);
	virt_rmb(); /* responses up to rp are visible once rp is read */
	if (!xldrv_netfront_rsp_prod_ok(nf->rx.rsp_cons, rp,
					nf->rx.req_prod_pvt)) {
		xldrv_netfront_protocol_error(nf, "more rx responses than requests");
		goto out;
	}
	nf->rx_seen = rp;
	for (cons = nf->rx.rsp_cons; cons != rp && done < budget;
	     cons = nf->rx.rsp_cons) {
		n = xldrv_netfront_rx_parse(&nf->rx, cons, rp, &nf->rx_ids,
					    &pkt);
		if (n == XLDRV_NETFRONT_EPROTO) {
			xldrv_netfront_protocol_error(nf, "rx response out of step with the requests");
			goto out;
		}
		if (n == XLDRV_NETFRONT_RX_INCOMPLETE) {
			/* A whole ring of it, still not done: it never will be. */
			if (rp - cons >= XLDRV_NETFRONT_RX_SIZE) {
				xldrv_netfront_protocol_error(nf, "rx packet without an end");
				goto out;
			}
			break;
		}
		done++;
		skb = xldrv_netfront_rx_take(nf, cons, &pkt);
		nf->rx.rsp_cons = cons + n;
		if (pkt.err != XLDRV_NETFRONT_RX_OK) {
			if (pkt.err != XLDRV_NETFRONT_RX_STATUS) {
				atomic64_inc(&nf->xstats.rx_bad);
				pr_warn_ratelimited("%s: rx packet dropped: %s\n",
						    nf->xdev->nodename,
						    xldrv_netfront_rx_why[pkt.err]);
			}
			xldrv_netfront_rx_count(nf, &nf->rx_stats.errors);
			continue;
		}
		if (!skb) {
			xldrv_netfront_rx_count(nf, &nf->rx_stats.dropped);
			continue;
		}
		if (!xldrv_netfront_rx_offload(nf, skb, &pkt)) {
			atomic64_inc(&nf->xstats.rx_bad);
			xldrv_netfront_rx_count(nf, &nf->rx_stats.errors);
			kfree_skb(skb);
			continue;
		}
		u64_stats_update_begin(&nf->rx_stats.syncp);
		u64_stats_inc(&nf->rx_stats.packets);
		u64_stats_add(&nf->rx_stats.bytes, pkt.len);
		u64_stats_update_end(&nf->rx_stats.syncp);
		__skb_queue_tail(&q, skb);
	}
	xldrv_netfront_rx_refill(nf);
out:
	spin_unlock(&nf->rx_lock);
	while ((skb = __skb_dequeue(&q)))
		napi_gro_receive(&nf->napi, skb);
	return done;
}

/*
 * The ring is gone: every posted buffer's grant ends, and its page goes:
 * the next ring's backend may be trusted otherwise, and gets pages of
 * the kind it should.
 */
void xldrv_netfront_rx_drop_all(struct xldrv_netfront *nf)
{
	unsigned int i;

	for (i = 0; i < XLDRV_NETFRONT_RX_SIZE; i++) {
		struct xldrv_netfront_rxbuf *b = &nf->rxb[i];

		/* The table's silent end: a backend going away may map it. */
		b->gref_pooled = false;
		if (!xldrv_netfront_rx_end_grant(nf, b) || !b->page)
			continue;
		if (nf->rx_pooled)
			page_pool_put_full_page(nf->rx_pool, b->page, false);
		else
			__free_page(b->page);
		b->page = NULL;
	}
	xldrv_netfront_ids_reset(&nf->rx_ids);
	xldrv_netfront_grefs_give_back(&nf->rx_grefs);
}
