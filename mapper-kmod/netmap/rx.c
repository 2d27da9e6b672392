// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv_netmap: frames to a client.  deliver() checks a frame against the
 * client's identity and shapes it for what its frontend takes (GSO types,
 * checksum offload) before queueing it; the vif's thread grant-copies
 * queued frames into the buffers the frontend posted on its rx ring.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <xen/events.h>
#include <xen/page.h>

#include "netmap.h"

static bool xldrv_netmap_fe_takes_gso(struct xldrv_netmap_vif *vif,
				      struct sk_buff *skb)
{
	unsigned int type = skb_shinfo(skb)->gso_type;

	if (!vif->fe.sg)
		return false;
	if (type & SKB_GSO_TCPV4)
		return vif->fe.gso_tcpv4 && !(type & ~(SKB_GSO_TCPV4 |
						       SKB_GSO_DODGY));
	if (type & SKB_GSO_TCPV6)
		return vif->fe.gso_tcpv6 && !(type & ~(SKB_GSO_TCPV6 |
						       SKB_GSO_DODGY));
	return false;
}

/*
 * Pieces of @skb's data the thread's scatterlist takes (rx_copies()): its
 * head and fragments, and those of the skbs GRO chained on its frag_list
 * once it had MAX_SKB_FRAGS.  UINT_MAX for a chain deeper than GRO makes.
 */
static unsigned int xldrv_netmap_rx_pieces(const struct sk_buff *skb)
{
	unsigned int n = !!skb_headlen(skb) + skb_shinfo(skb)->nr_frags;
	const struct sk_buff *it;

	skb_walk_frags(skb, it) {
		if (skb_has_frag_list(it))
			return UINT_MAX;
		n += !!skb_headlen(it) + skb_shinfo(it)->nr_frags;
	}
	return n;
}

static void xldrv_netmap_enqueue(struct xldrv_netmap_vif *vif,
				 struct sk_buff *skb)
{
	unsigned long flags;
	bool full;

	/*
	 * A frontend without feature-sg takes a frame in one page.  Here,
	 * where every frame goes: the segments deliver() makes of a GSO
	 * frame for that frontend are longer than a page with a jumbo MTU
	 * (GRO from the NIC), or with the GSO size another client chose
	 * (only the wire limits it), and were not checked before.
	 */
	if (!vif->fe.sg && skb->len > XEN_PAGE_SIZE) {
		atomic64_inc(&vif->stats.other_dropped[XLDRV_NETMAP_DROP_NO_SG]);
		if (net_ratelimit())
			pr_info("dom%u %s: frame of %u bytes dropped: more than a page, and the frontend has no feature-sg\n",
				vif->domid, vif->xdev->nodename, skb->len);
		kfree_skb(skb);
		return;
	}
	spin_lock_irqsave(&vif->rxq.lock, flags);
	full = skb_queue_len(&vif->rxq) >=
	       READ_ONCE(xldrv_netmap_rx_queue_len) ||
	       vif->rxq_bytes + skb->truesize >
	       READ_ONCE(xldrv_netmap_rx_queue_bytes);
	if (!full) {
		__skb_queue_tail(&vif->rxq, skb);
		vif->rxq_bytes += skb->truesize;
	}
	spin_unlock_irqrestore(&vif->rxq.lock, flags);
	if (full) {
		atomic64_inc(&vif->stats.other_dropped[XLDRV_NETMAP_DROP_RXQ_FULL]);
		kfree_skb(skb);
		return;
	}
	xldrv_netmap_kick(vif);
}

static struct sk_buff *xldrv_netmap_rxq_dequeue(struct xldrv_netmap_vif *vif)
{
	struct sk_buff *skb;
	unsigned long flags;

	spin_lock_irqsave(&vif->rxq.lock, flags);
	skb = __skb_dequeue(&vif->rxq);
	if (skb)
		vif->rxq_bytes -= skb->truesize;
	spin_unlock_irqrestore(&vif->rxq.lock, flags);
	return skb;
}

/* Everything queued for the client goes (its frontend broke, or left). */
void xldrv_netmap_rxq_purge(struct xldrv_netmap_vif *vif)
{
	struct sk_buff_head gone;
	unsigned long flags;

	__skb_queue_head_init(&gone);
	spin_lock_irqsave(&vif->rxq.lock, flags);
	skb_queue_splice_init(&vif->rxq, &gone);
	vif->rxq_bytes = 0;
	spin_unlock_irqrestore(&vif->rxq.lock, flags);
	__skb_queue_purge(&gone);
}

/*
 * @skb (ours, data at the network header or at the Ethernet header) for
 * @vif's client: dropped unless addressed to it, then segmented or
 * checksummed as its frontend needs, and queued.  Any context; consumes
 * @skb.
 */
void xldrv_netmap_deliver(struct xldrv_netmap_vif *vif, struct sk_buff *skb)
{
	struct sk_buff *segs, *next;
	enum xldrv_netmap_drop why;
	unsigned int need = 0;

	/* A disabled vif takes nothing more, floods included. */
	if (READ_ONCE(vif->broken)) {
		atomic64_inc(&vif->stats.other_dropped[XLDRV_NETMAP_DROP_DISABLED]);
		goto drop;
	}
	if (skb->data != skb_mac_header(skb))
		skb_push(skb, skb->data - skb_mac_header(skb));
	if (skb_vlan_tag_present(skb)) {
		atomic64_inc(&vif->stats.other_dropped[XLDRV_NETMAP_DROP_VLAN_RX]);
		goto drop;
	}
	why = xldrv_netmap_filter_rx(&vif->pol, skb->data, skb_headlen(skb),
				     &need);
	if (why == XLDRV_NETMAP_DROP_SHORT && need <= skb->len &&
	    pskb_may_pull(skb, need))
		why = xldrv_netmap_filter_rx(&vif->pol, skb->data,
					     skb_headlen(skb), &need);
	if (why != XLDRV_NETMAP_PASS) {
		atomic64_inc(&vif->stats.rx_dropped[why]);
		goto drop;
	}

	/*
	 * A GRO frame of 64 KB in 1448-byte segments is some 46 pieces,
	 * more than the copy path takes: it goes as segments, as to a
	 * frontend without GSO, rather than not at all.
	 */
	if (skb_is_gso(skb) && (!xldrv_netmap_fe_takes_gso(vif, skb) ||
				xldrv_netmap_rx_pieces(skb) > XLDRV_NETMAP_RX_SG)) {
		/* No features: every segment checksummed in software. */
		segs = skb_gso_segment(skb, 0);
		if (IS_ERR_OR_NULL(segs)) {
			atomic64_inc(&vif->stats.other_dropped[XLDRV_NETMAP_DROP_OFFLOAD]);
			goto drop;
		}
		consume_skb(skb);
		skb_list_walk_safe(segs, skb, next) {
			skb_mark_not_on_list(skb);
			xldrv_netmap_enqueue(vif, skb);
		}
		return;
	}
	if (skb->ip_summed == CHECKSUM_PARTIAL && !skb_is_gso(skb) &&
	    (!vif->fe.csum ||
	     (skb->protocol == htons(ETH_P_IPV6) && !vif->fe.ipv6_csum))) {
		if (skb_checksum_help(skb)) {
			atomic64_inc(&vif->stats.other_dropped[XLDRV_NETMAP_DROP_OFFLOAD]);
			goto drop;
		}
	}
	xldrv_netmap_enqueue(vif, skb);
	return;
drop:
	kfree_skb(skb);
}

/* Slots @skb takes on the rx ring: its data, and the GSO extra. */
static unsigned int xldrv_netmap_rx_slots(struct sk_buff *skb)
{
	return DIV_ROUND_UP(skb->len, XEN_PAGE_SIZE) + !!skb_is_gso(skb);
}

/*
 * Grant copies for @skb into the buffers of meta[first..], one per
 * XEN_PAGE_SIZE of frame; a GSO frame's second slot holds the extra info
 * instead.  The copies go at vif->copy[*nr..], *nr moves past them.
 * -ENOSPC: the batch is full; other errors: the frame cannot be mapped.
 */
static int xldrv_netmap_rx_copies(struct xldrv_netmap_vif *vif,
				  struct sk_buff *skb, RING_IDX first,
				  unsigned int *nr)
{
	RING_IDX slot = first;
	unsigned int fill = 0, i;
	bool gso = skb_is_gso(skb);
	int nsg;

	sg_init_table(vif->sg, XLDRV_NETMAP_RX_SG);
	nsg = skb_to_sgvec(skb, vif->sg, 0, skb->len);
	if (nsg < 0)
		return nsg;
	for (i = 0; i < nsg; i++) {
		struct scatterlist *sg = &vif->sg[i];
		struct page *page = sg_page(sg);
		unsigned int off = sg->offset, len = sg->length;

		page += off >> PAGE_SHIFT;
		off &= ~PAGE_MASK;
		while (len) {
			struct gnttab_copy *op;
			unsigned int chunk;

			if (fill == XEN_PAGE_SIZE) {
				vif->meta[slot % XLDRV_NETMAP_RX_RING_SIZE].size = fill;
				slot++;
				fill = 0;
			}
			if (gso && slot == first + 1)
				slot++;
			if (*nr == XLDRV_NETMAP_BATCH)
				return -ENOSPC;
			chunk = min3(len, (unsigned int)XEN_PAGE_SIZE - fill,
				     (unsigned int)PAGE_SIZE - off);
			op = &vif->copy[(*nr)++];
			op->flags = GNTCOPY_dest_gref;
			op->len = chunk;
			op->source.domid = DOMID_SELF;
			op->source.u.gmfn = xen_page_to_gfn(page);
			op->source.offset = off;
			op->dest.domid = vif->domid;
			op->dest.u.ref =
				vif->meta[slot % XLDRV_NETMAP_RX_RING_SIZE].gref;
			op->dest.offset = fill;
			fill += chunk;
			off += chunk;
			len -= chunk;
			if (off == PAGE_SIZE) {
				page++;
				off = 0;
			}
		}
	}
	vif->meta[slot % XLDRV_NETMAP_RX_RING_SIZE].size = fill;
	return 0;
}

/* Only the thread takes frames off: what it peeks stays until it does. */
static struct sk_buff *xldrv_netmap_rxq_peek(struct xldrv_netmap_vif *vif)
{
	struct sk_buff *skb;

	spin_lock_irq(&vif->rxq.lock);
	skb = skb_peek(&vif->rxq);
	spin_unlock_irq(&vif->rxq.lock);
	return skb;
}

struct xldrv_netmap_rx_frame {
	struct sk_buff *skb;
	RING_IDX first;
	unsigned int slots;
	unsigned int copy_first, nr_copies;
};

static void xldrv_netmap_rx_respond(struct xldrv_netmap_vif *vif,
				    struct xldrv_netmap_rx_frame *f)
{
	struct sk_buff *skb = f->skb;
	bool gso = skb_is_gso(skb);
	/* The extra info is the second slot, not a data slot. */
	unsigned int last_data = gso && f->slots == 2 ? 0 : f->slots - 1;
	unsigned int i;

	for (i = 0; i < f->slots; i++) {
		RING_IDX idx = f->first + i;
		struct xldrv_netmap_rx_meta *m =
			&vif->meta[idx % XLDRV_NETMAP_RX_RING_SIZE];
		struct xen_netif_rx_response *rsp =
			RING_GET_RESPONSE(&vif->rx, idx);

		if (gso && i == 1) {
			struct xen_netif_extra_info *extra = (void *)rsp;

			memset(extra, 0, sizeof(*extra));
			extra->type = XEN_NETIF_EXTRA_TYPE_GSO;
			extra->u.gso.size = skb_shinfo(skb)->gso_size;
			extra->u.gso.type =
				skb_shinfo(skb)->gso_type & SKB_GSO_TCPV6 ?
				XEN_NETIF_GSO_TYPE_TCPV6 :
				XEN_NETIF_GSO_TYPE_TCPV4;
			continue;
		}
		rsp->id = m->id;
		rsp->offset = 0;
		rsp->status = m->size;
		rsp->flags = i < last_data ? XEN_NETRXF_more_data : 0;
		if (i)
			continue;
		if (skb->ip_summed == CHECKSUM_PARTIAL)
			rsp->flags |= XEN_NETRXF_csum_blank |
				      XEN_NETRXF_data_validated;
		else if (skb->ip_summed == CHECKSUM_UNNECESSARY)
			rsp->flags |= XEN_NETRXF_data_validated;
		if (gso)
			rsp->flags |= XEN_NETRXF_extra_info;
	}
	vif->rx.rsp_prod_pvt = f->first + f->slots;
}

/*
 * Queued frames into the client's posted buffers, as many as there are
 * buffers for, one grant-copy hypercall for the lot.  Returns how many
 * frames went, or -EIO if the frontend is broken (vif->broken set).
 */
int xldrv_netmap_rx_pass(struct xldrv_netmap_vif *vif, bool *notify)
{
	struct xldrv_netmap_rx_frame frames[XLDRV_NETMAP_BUDGET];
	unsigned int nr_frames = 0, nr_copies = 0, first_copy, i;
	RING_IDX prod, cons = vif->rx.req_cons;
	struct sk_buff *skb;
	int more, err;

	prod = READ_ONCE(vif->rx.sring->req_prod);
	/*
	 * Posted buffers up to prod before reading them: pairs with the
	 * frontend's write barrier in RING_PUSH_REQUESTS.
	 */
	virt_rmb();
	if (!xldrv_netmap_prod_ok(prod, cons, vif->rx.rsp_prod_pvt,
				  XLDRV_NETMAP_RX_RING_SIZE)) {
		xldrv_netmap_fatal(vif, "rx ring producer index out of range");
		return -EIO;
	}
	while (nr_frames < XLDRV_NETMAP_BUDGET &&
	       (skb = xldrv_netmap_rxq_peek(vif))) {
		unsigned int slots = xldrv_netmap_rx_slots(skb), j;
		struct xldrv_netmap_rx_frame *f;

		if (slots > XLDRV_NETMAP_RX_MAX_SLOTS) {
			skb = xldrv_netmap_rxq_dequeue(vif);
			atomic64_inc(&vif->stats.other_dropped[XLDRV_NETMAP_DROP_OFFLOAD]);
			kfree_skb(skb);
			continue;
		}
		if (prod - cons < slots) {
			/* Tell us when there are enough. */
			vif->rx.sring->req_event = cons + slots;
			/*
			 * As in the tx pass: req_event out before req_prod
			 * is read again.
			 */
			virt_mb();
			prod = READ_ONCE(vif->rx.sring->req_prod);
			/* And the buffers read after it. */
			virt_rmb();
			if (!xldrv_netmap_prod_ok(prod, cons,
						  vif->rx.rsp_prod_pvt,
						  XLDRV_NETMAP_RX_RING_SIZE)) {
				xldrv_netmap_fatal(vif,
						   "rx ring producer index out of range");
				return -EIO;
			}
			if (prod - cons < slots)
				break;
		}
		/* Copied, not yet taken: taken once its copies fit. */
		for (j = 0; j < slots; j++) {
			struct xen_netif_rx_request req;

			RING_COPY_REQUEST(&vif->rx, cons + j, &req);
			vif->meta[(cons + j) % XLDRV_NETMAP_RX_RING_SIZE] =
				(struct xldrv_netmap_rx_meta){
					.id = req.id, .gref = req.gref,
				};
		}
		first_copy = nr_copies;
		err = xldrv_netmap_rx_copies(vif, skb, cons, &nr_copies);
		if (err) {
			nr_copies = first_copy;
			if (err == -ENOSPC && nr_frames)
				break;
			skb = xldrv_netmap_rxq_dequeue(vif);
			atomic64_inc(&vif->stats.other_dropped[XLDRV_NETMAP_DROP_OFFLOAD]);
			kfree_skb(skb);
			continue;
		}
		f = &frames[nr_frames++];
		f->skb = xldrv_netmap_rxq_dequeue(vif);
		f->first = cons;
		f->slots = slots;
		f->copy_first = first_copy;
		f->nr_copies = nr_copies - first_copy;
		cons += slots;
	}
	vif->rx.req_cons = cons;
	if (!nr_frames)
		return 0;

	if (nr_copies) {
		gnttab_batch_copy(vif->copy, nr_copies);
		atomic64_add(nr_copies, &vif->stats.grant_copies);
		atomic64_inc(&vif->stats.grant_hypercalls);
	}
	for (i = 0; i < nr_frames; i++) {
		struct xldrv_netmap_rx_frame *f = &frames[i];
		unsigned int c;

		for (c = f->copy_first; c < f->copy_first + f->nr_copies; c++)
			if (vif->copy[c].status != GNTST_okay)
				break;
		if (c < f->copy_first + f->nr_copies) {
			atomic64_inc(&vif->stats.grant_errors);
			xldrv_netmap_fatal(vif, "bad grant in an rx buffer");
			for (; i < nr_frames; i++)
				kfree_skb(frames[i].skb);
			return -EIO;
		}
		xldrv_netmap_rx_respond(vif, f);
		atomic64_inc(&vif->stats.rx_packets);
		atomic64_add(f->skb->len, &vif->stats.rx_bytes);
		consume_skb(f->skb);
	}
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&vif->rx, more);
	*notify |= more;
	return nr_frames;
}
