// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv_netmap: frames from a client, and the vif's thread.
 *
 * Each packet is taken off the tx ring slot by slot (RING_COPY_REQUEST,
 * then txreq.c's parser), grant-copied into an skb of the mapper's own,
 * answered, and only then checked (filter.c) and switched: what the
 * filter and the switch see is the mapper's copy, which the client can no
 * longer change.  One grant-copy hypercall per pass carries the data of
 * every packet the pass took.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/kthread.h>
#include <xen/events.h>
#include <xen/page.h>

#include "netmap.h"

/*
 * Any of these disables the vif: rate-limited, the frontend drives it.
 * The thread's own, in its context.  The ring work stops here; Closing
 * is published by fatal_work (xenbus.c), under the state lock: written
 * from here it could come before the Connected that the xenwatch thread
 * writes once it has started this thread, and be overwritten by it.
 * @why: a string that outlives the vif (a literal).
 */
void xldrv_netmap_fatal(struct xldrv_netmap_vif *vif, const char *why)
{
	if (vif->broken)
		return;
	WRITE_ONCE(vif->broken, true);
	pr_err_ratelimited("dom%u %s: %s: vif disabled\n", vif->domid,
			   vif->xdev->nodename, why);
	WRITE_ONCE(vif->fatal_why, why);
	/* Orders the store above before the work's read of it. */
	schedule_work(&vif->fatal_work);
}

/*
 * A frame's own skb, laid out by txlayout.c; the copies that fill it
 * from the client's grants go at vif->copy[*nr..].
 */
static struct sk_buff *xldrv_netmap_tx_skb(struct xldrv_netmap_vif *vif,
					   struct xldrv_netmap_tx_pending *p,
					   unsigned int *nr)
{
	const struct xldrv_netmap_tx_pkt *pkt = &p->pkt;
	struct xldrv_netmap_tx_layout l;
	struct sk_buff *skb;
	unsigned int i;

	skb = alloc_skb(NET_SKB_PAD + NET_IP_ALIGN +
			min_t(unsigned int, pkt->len, XLDRV_NETMAP_TX_HEAD),
			GFP_KERNEL | __GFP_NOWARN);
	if (!skb)
		return NULL;
	skb_reserve(skb, NET_SKB_PAD + NET_IP_ALIGN);
	if (xldrv_netmap_tx_layout(pkt, offset_in_page(skb->data), PAGE_SIZE,
				   MAX_SKB_FRAGS, &l))
		goto err_free_skb;
	skb_put(skb, l.head);
	for (i = 0; i < l.nr_frags; i++) {
		struct page *page = alloc_page(GFP_KERNEL | __GFP_NOWARN);

		if (!page)
			goto err_free_skb;
		skb_fill_page_desc(skb, i, page, l.frag[i].off,
				   l.frag[i].size);
	}
	skb->len += pkt->len - l.head;
	skb->data_len = pkt->len - l.head;
	skb->truesize += l.nr_frags * PAGE_SIZE;

	p->copy_first = *nr;
	for (i = 0; i < l.nr_copies; i++) {
		const struct xldrv_netmap_tx_copy *c = &l.copy[i];
		struct gnttab_copy *op = &vif->copy[(*nr)++];
		struct page *page;

		op->flags = GNTCOPY_source_gref;
		op->len = c->len;
		op->source.domid = vif->domid;
		op->source.u.ref = pkt->frags[c->slot].gref;
		op->source.offset = c->src_off;
		op->dest.domid = DOMID_SELF;
		if (c->frag == XLDRV_NETMAP_TX_TO_LINEAR) {
			op->dest.u.gmfn = virt_to_gfn(skb->data + c->dst_off);
			op->dest.offset = offset_in_page(skb->data + c->dst_off);
		} else {
			page = skb_frag_page(&skb_shinfo(skb)->frags[c->frag]);
			op->dest.u.gmfn = xen_page_to_gfn(page);
			op->dest.offset = c->dst_off;
		}
	}
	p->nr_copies = l.nr_copies;
	return skb;

err_free_skb:
	kfree_skb(skb);
	return NULL;
}

static void xldrv_netmap_tx_respond(struct xldrv_netmap_vif *vif,
				    const struct xldrv_netmap_tx_pending *p)
{
	const struct xldrv_netmap_tx_pkt *pkt = &p->pkt;
	struct xen_netif_tx_response *rsp;
	unsigned int i;

	rsp = RING_GET_RESPONSE(&vif->tx, vif->tx.rsp_prod_pvt++);
	rsp->id = pkt->frags[0].id;
	rsp->status = p->status;
	for (i = 0; i < pkt->nr_extras; i++) {
		rsp = RING_GET_RESPONSE(&vif->tx, vif->tx.rsp_prod_pvt++);
		rsp->status = XEN_NETIF_RSP_NULL;
	}
	for (i = 1; i < pkt->nr_frags; i++) {
		rsp = RING_GET_RESPONSE(&vif->tx, vif->tx.rsp_prod_pvt++);
		rsp->id = pkt->frags[i].id;
		rsp->status = p->status;
	}
}

/* The copy checked: its offloads set up, then switched.  Consumes it. */
static void xldrv_netmap_tx_forward(struct xldrv_netmap_vif *vif,
				    const struct xldrv_netmap_tx_pkt *pkt,
				    struct sk_buff *skb)
{
	enum xldrv_netmap_drop why;
	unsigned int need = 0;

	why = xldrv_netmap_filter_tx(&vif->pol, skb->data, skb_headlen(skb),
				     &need);
	if (why == XLDRV_NETMAP_DROP_SHORT && need <= skb->len &&
	    pskb_may_pull(skb, need))
		why = xldrv_netmap_filter_tx(&vif->pol, skb->data,
					     skb_headlen(skb), &need);
	if (why != XLDRV_NETMAP_PASS) {
		atomic64_inc(&vif->stats.tx_dropped[why]);
		if (net_ratelimit())
			pr_info("dom%u %s: frame dropped: %s\n", vif->domid,
				vif->xdev->nodename,
				xldrv_netmap_drop_name[why]);
		kfree_skb(skb);
		return;
	}

	skb_reset_mac_header(skb);
	skb->protocol = eth_hdr(skb)->h_proto;
	__skb_pull(skb, ETH_HLEN);
	skb_reset_network_header(skb);
	/* GSO segmentation, here or in the NIC's xmit path, needs it. */
	skb_reset_mac_len(skb);
	if (pkt->gso_type != XEN_NETIF_GSO_TYPE_NONE) {
		skb_shinfo(skb)->gso_size = pkt->gso_size;
		skb_shinfo(skb)->gso_type =
			(pkt->gso_type == XEN_NETIF_GSO_TYPE_TCPV6 ?
			 SKB_GSO_TCPV6 : SKB_GSO_TCPV4) | SKB_GSO_DODGY;
		skb_shinfo(skb)->gso_segs = 0;
	}
	if (pkt->csum_blank || skb_is_gso(skb)) {
		/* Its pseudo-header sum is only there with csum_blank. */
		if (skb_checksum_setup(skb, !pkt->csum_blank)) {
			atomic64_inc(&vif->stats.other_dropped[XLDRV_NETMAP_DROP_OFFLOAD]);
			kfree_skb(skb);
			return;
		}
	} else if (pkt->data_validated) {
		skb->ip_summed = CHECKSUM_UNNECESSARY;
	}
	__skb_push(skb, ETH_HLEN);
	atomic64_inc(&vif->stats.tx_packets);
	atomic64_add(skb->len, &vif->stats.tx_bytes);
	xldrv_netmap_switch(vif, skb);
}

static void xldrv_netmap_tx_limits(struct xldrv_netmap_vif *vif)
{
	struct net_device *nic;

	rcu_read_lock();
	nic = rcu_dereference(vif->port->nic);
	if (nic)
		vif->tx_lim.max_frame = READ_ONCE(nic->mtu) + ETH_HLEN;
	rcu_read_unlock();
}

/*
 * Packets off the tx ring, a budget's worth at most, their data in one
 * grant-copy hypercall.  Returns how many packets were taken, or -EIO if
 * the frontend is broken (vif->broken set).
 */
int xldrv_netmap_tx_pass(struct xldrv_netmap_vif *vif, bool *notify)
{
	unsigned int nr_pend = 0, nr_copies = 0, pass_bytes = 0, i, c;
	union xldrv_netmap_tx_slot slot;
	enum xldrv_netmap_tx_verdict v;
	RING_IDX prod, cons;
	int more;

	xldrv_netmap_tx_limits(vif);
	while (nr_pend < XLDRV_NETMAP_BUDGET &&
	       XLDRV_NETMAP_BATCH - nr_copies >= XLDRV_NETMAP_TX_PKT_COPIES) {
		struct xldrv_netmap_tx_pending *p;

		prod = READ_ONCE(vif->tx.sring->req_prod);
		/*
		 * Requests up to prod before reading them: pairs with the
		 * frontend's write barrier in RING_PUSH_REQUESTS.
		 */
		virt_rmb();
		cons = vif->tx.req_cons;
		if (!xldrv_netmap_prod_ok(prod, cons, vif->tx.rsp_prod_pvt,
					  XLDRV_NETMAP_TX_RING_SIZE)) {
			xldrv_netmap_fatal(vif, "tx ring producer index out of range");
			goto broken;
		}
		if (!vif->pkt_open) {
			/* Between packets: the NIC has enough of ours. */
			if (prod != cons &&
			    xldrv_netmap_tx_held(vif, pass_bytes))
				break;
			if (prod == cons) {
				RING_FINAL_CHECK_FOR_REQUESTS(&vif->tx, more);
				if (!more)
					break;
				continue;
			}
			xldrv_netmap_tx_begin(&vif->pkt);
			vif->pkt_open = true;
		}
		v = XLDRV_NETMAP_TX_NEED_MORE;
		while (cons + vif->pkt.nr_slots != prod) {
			RING_COPY_REQUEST(&vif->tx, cons + vif->pkt.nr_slots,
					  &slot.req);
			v = xldrv_netmap_tx_add(&vif->pkt, &vif->tx_lim, &slot);
			if (v != XLDRV_NETMAP_TX_NEED_MORE)
				break;
		}
		if (v == XLDRV_NETMAP_TX_NEED_MORE) {
			/* The rest of the packet is not on the ring yet. */
			vif->tx.sring->req_event = cons + vif->pkt.nr_slots + 1;
			/*
			 * req_event visible before req_prod is read again, or
			 * a slot pushed in between goes unnoticed by both
			 * sides: the frontend's push reads req_event after
			 * writing req_prod (RING_PUSH_REQUESTS_AND_CHECK_NOTIFY).
			 */
			virt_mb();
			if (READ_ONCE(vif->tx.sring->req_prod) != prod)
				continue;
			break;
		}
		vif->pkt_open = false;
		if (xldrv_netmap_tx_fatal(v)) {
			atomic64_inc(&vif->stats.tx_refused[v]);
			xldrv_netmap_fatal(vif, xldrv_netmap_tx_verdict_name[v]);
			goto broken;
		}
		vif->tx.req_cons = cons + vif->pkt.nr_slots;
		p = &vif->pend[nr_pend++];
		p->pkt = vif->pkt;
		p->skb = NULL;
		p->nr_copies = 0;
		p->status = xldrv_netmap_tx_status(v);
		if (v != XLDRV_NETMAP_TX_OK) {
			atomic64_inc(&vif->stats.tx_refused[v]);
			continue;
		}
		if (!p->pkt.len)	/* a multicast-list request: no frame */
			continue;
		p->skb = xldrv_netmap_tx_skb(vif, p, &nr_copies);
		if (!p->skb) {
			atomic64_inc(&vif->stats.other_dropped[XLDRV_NETMAP_DROP_NOMEM]);
			p->status = XEN_NETIF_RSP_DROPPED;
			continue;
		}
		pass_bytes += p->skb->truesize;
	}
	if (!nr_pend)
		return 0;

	if (nr_copies) {
		gnttab_batch_copy(vif->copy, nr_copies);
		atomic64_add(nr_copies, &vif->stats.grant_copies);
		atomic64_inc(&vif->stats.grant_hypercalls);
	}
	for (i = 0; i < nr_pend; i++) {
		struct xldrv_netmap_tx_pending *p = &vif->pend[i];

		for (c = p->copy_first; p->skb &&
		     c < p->copy_first + p->nr_copies; c++) {
			if (vif->copy[c].status == GNTST_okay)
				continue;
			atomic64_inc(&vif->stats.grant_errors);
			xldrv_netmap_fatal(vif, "bad grant in a tx request");
			goto broken;
		}
		xldrv_netmap_tx_respond(vif, p);
	}
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&vif->tx, more);
	*notify |= more;
	for (i = 0; i < nr_pend; i++)
		if (vif->pend[i].skb)
			xldrv_netmap_tx_forward(vif, &vif->pend[i].pkt,
						vif->pend[i].skb);
	return nr_pend;

broken:
	for (i = 0; i < nr_pend; i++) {
		kfree_skb(vif->pend[i].skb);
		vif->pend[i].skb = NULL;
	}
	return -EIO;
}

/*
 * Events are EOIed by the thread once it has looked at the rings: until
 * then Xen holds back the next one, so a frontend notifying in a loop
 * cannot keep the driver domain in its interrupt handler.  An event is
 * spurious, and lateeoi delays the next one more each time in a row (up
 * to a second), only if the frontend posted nothing on either ring since
 * the last EOI: not merely if a pass the event did not cause (a frame
 * for the client, say) took its requests first, nor if it came while a
 * pass that had already read the rings was running.
 */
irqreturn_t xldrv_netmap_interrupt(int irq, void *data)
{
	struct xldrv_netmap_vif *vif = data;

	set_bit(XLDRV_NETMAP_F_EOI, &vif->flags);
	xldrv_netmap_kick(vif);
	return IRQ_HANDLED;
}

int xldrv_netmap_thread(void *data)
{
	struct xldrv_netmap_vif *vif = data;

	while (!kthread_should_stop()) {
		bool notify = false, eoi, spurious;
		RING_IDX tx_prod, rx_prod;
		int tx, rx = 0;

		wait_event_interruptible(vif->wq,
					 test_bit(XLDRV_NETMAP_F_KICK,
						  &vif->flags) ||
					 kthread_should_stop());
		if (!test_and_clear_bit(XLDRV_NETMAP_F_KICK, &vif->flags))
			continue;
		/*
		 * A broken frontend gets no EOI: its events stay masked
		 * until the toolstack takes the vif down.
		 */
		if (vif->broken) {
			xldrv_netmap_rxq_purge(vif);
			continue;
		}
		/* Taken before the rings are read: a later event waits. */
		eoi = test_and_clear_bit(XLDRV_NETMAP_F_EOI, &vif->flags);
		tx_prod = READ_ONCE(vif->tx.sring->req_prod);
		rx_prod = READ_ONCE(vif->rx.sring->req_prod);
		tx = xldrv_netmap_tx_pass(vif, &notify);
		if (tx >= 0)
			rx = xldrv_netmap_rx_pass(vif, &notify);
		if (tx < 0 || rx < 0)
			continue;
		if (notify) {
			notify_remote_via_irq(vif->irq);
			atomic64_inc(&vif->stats.notifies);
		}
		if (tx == XLDRV_NETMAP_BUDGET || rx == XLDRV_NETMAP_BUDGET)
			set_bit(XLDRV_NETMAP_F_KICK, &vif->flags);
		if (eoi) {
			spurious = tx_prod == vif->tx_eoi_prod &&
				   rx_prod == vif->rx_eoi_prod;
			vif->tx_eoi_prod = tx_prod;
			vif->rx_eoi_prod = rx_prod;
			if (spurious)
				atomic64_inc(&vif->stats.spurious_events);
			xen_irq_lateeoi(vif->irq,
					spurious ? XEN_EOI_FLAG_SPURIOUS : 0);
		}
		cond_resched();
	}
	return 0;
}
