// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv_netmap: parsing netif tx requests (see txreq.h).
 */
#include <linux/string.h>
#include "txreq.h"

const char *const
xldrv_netmap_tx_verdict_name[XLDRV_NETMAP_TX_NR_VERDICTS] = {
	[XLDRV_NETMAP_TX_OK] = "ok",
	[XLDRV_NETMAP_TX_NEED_MORE] = "packet not complete yet",
	[XLDRV_NETMAP_TX_TOO_SHORT] = "first slot shorter than an Ethernet header",
	[XLDRV_NETMAP_TX_SIZE_MISMATCH] = "fragments larger than the frame",
	[XLDRV_NETMAP_TX_OVERSIZE] = "frame larger than the MTU",
	[XLDRV_NETMAP_TX_EMPTY_FRAG] = "empty fragment",
	[XLDRV_NETMAP_TX_GSO_UNOFFERED] = "GSO type not advertised",
	[XLDRV_NETMAP_TX_GSO_TINY] = "GSO segment size below 48",
	[XLDRV_NETMAP_TX_BAD_MCAST] = "bad multicast-list request",
	[XLDRV_NETMAP_TX_TOO_MANY_SLOTS] = "too many slots",
	[XLDRV_NETMAP_TX_CROSS_PAGE] = "slot crosses its granted page",
	[XLDRV_NETMAP_TX_BAD_EXTRA] = "bad extra info",
	[XLDRV_NETMAP_TX_BAD_GSO] = "bad GSO extra info",
};

enum {
	XLDRV_NETMAP_TX_FIRST,	/* waiting for the first request */
	XLDRV_NETMAP_TX_EXTRA,	/* an extra info comes next */
	XLDRV_NETMAP_TX_FRAG,	/* a fragment comes next */
	XLDRV_NETMAP_TX_DONE,	/* verdict given */
};

void xldrv_netmap_tx_begin(struct xldrv_netmap_tx_pkt *pkt)
{
	*pkt = (struct xldrv_netmap_tx_pkt){
		.state = XLDRV_NETMAP_TX_FIRST,
		.verdict = XLDRV_NETMAP_TX_OK,
		.gso_type = XEN_NETIF_GSO_TYPE_NONE,
	};
}

static unsigned int
xldrv_netmap_tx_max_slots(const struct xldrv_netmap_tx_limits *lim)
{
	if (!lim->max_slots || lim->max_slots > XLDRV_NETMAP_TX_MAX_FRAGS)
		return XLDRV_NETMAP_TX_MAX_FRAGS;
	return lim->max_slots;
}

/* Remember the first reason to drop; the packet's slots still count. */
static void xldrv_netmap_tx_drop(struct xldrv_netmap_tx_pkt *pkt,
				 enum xldrv_netmap_tx_verdict v)
{
	if (pkt->verdict == XLDRV_NETMAP_TX_OK)
		pkt->verdict = v;
}

static enum xldrv_netmap_tx_verdict
xldrv_netmap_tx_end(struct xldrv_netmap_tx_pkt *pkt,
		    enum xldrv_netmap_tx_verdict v)
{
	pkt->state = XLDRV_NETMAP_TX_DONE;
	pkt->verdict = v;
	return v;
}

/* A multicast-list request: netback answers it and sends no frame. */
static enum xldrv_netmap_tx_verdict
xldrv_netmap_tx_finish_mcast(struct xldrv_netmap_tx_pkt *pkt)
{
	pkt->len = 0;
	pkt->frags[0].size = 0;
	if (pkt->nr_frags > 1 ||
	    pkt->gso_type != XEN_NETIF_GSO_TYPE_NONE ||
	    (pkt->extras_seen & (1u << XEN_NETIF_EXTRA_TYPE_MCAST_ADD) &&
	     pkt->extras_seen & (1u << XEN_NETIF_EXTRA_TYPE_MCAST_DEL)) ||
	    !(pkt->mcast_addr[0] & 1))
		xldrv_netmap_tx_drop(pkt, XLDRV_NETMAP_TX_BAD_MCAST);
	return xldrv_netmap_tx_end(pkt, pkt->verdict);
}

/*
 * The last slot is in: only now is the first fragment's own size known
 * (the frame less the others), and with it whether the first slot stays
 * inside its page.  Fatal outranks a drop found earlier: netback too
 * disables the vif for a slot past its page whatever else was wrong.
 */
static enum xldrv_netmap_tx_verdict
xldrv_netmap_tx_finish(struct xldrv_netmap_tx_pkt *pkt,
		       const struct xldrv_netmap_tx_limits *lim)
{
	struct xldrv_netmap_tx_frag *first = &pkt->frags[0];
	unsigned int max_frame = lim->max_frame ?: XLDRV_NETMAP_TX_MAX_FRAME;

	if (pkt->mcast_op)
		return xldrv_netmap_tx_finish_mcast(pkt);
	if (pkt->rest > pkt->len) {
		first->size = 0;
		xldrv_netmap_tx_drop(pkt, XLDRV_NETMAP_TX_SIZE_MISMATCH);
		return xldrv_netmap_tx_end(pkt, pkt->verdict);
	}
	first->size = pkt->len - pkt->rest;
	if (first->offset + first->size > XLDRV_NETMAP_GRANT_SIZE)
		return xldrv_netmap_tx_end(pkt, XLDRV_NETMAP_TX_CROSS_PAGE);
	/* The whole Ethernet header must be in the first slot, as netback
	 * wants: the mapper reads it from there.
	 */
	if (first->size < ETH_HLEN)
		xldrv_netmap_tx_drop(pkt, XLDRV_NETMAP_TX_TOO_SHORT);
	if (pkt->gso_type == XEN_NETIF_GSO_TYPE_NONE && pkt->len > max_frame)
		xldrv_netmap_tx_drop(pkt, XLDRV_NETMAP_TX_OVERSIZE);
	return xldrv_netmap_tx_end(pkt, pkt->verdict);
}

/* After the first request and its extras: fragments, or the end. */
static enum xldrv_netmap_tx_verdict
xldrv_netmap_tx_next_data(struct xldrv_netmap_tx_pkt *pkt,
			  const struct xldrv_netmap_tx_limits *lim,
			  u16 flags)
{
	if (!(flags & XEN_NETTXF_more_data))
		return xldrv_netmap_tx_finish(pkt, lim);
	/* Said as soon as the slot promising one more is seen: nothing
	 * after it need be copied to know.
	 */
	if (pkt->nr_frags >= xldrv_netmap_tx_max_slots(lim))
		return xldrv_netmap_tx_end(pkt, XLDRV_NETMAP_TX_TOO_MANY_SLOTS);
	pkt->state = XLDRV_NETMAP_TX_FRAG;
	return XLDRV_NETMAP_TX_NEED_MORE;
}

static void xldrv_netmap_tx_first(struct xldrv_netmap_tx_pkt *pkt,
				  const struct xen_netif_tx_request *req)
{
	struct xldrv_netmap_tx_frag *first = &pkt->frags[0];

	first->gref = req->gref;
	first->offset = req->offset;
	first->id = req->id;
	pkt->len = req->size;
	pkt->first_flags = req->flags;
	pkt->csum_blank = req->flags & XEN_NETTXF_csum_blank;
	pkt->data_validated = req->flags & XEN_NETTXF_data_validated;
	pkt->nr_frags = 1;
}

static enum xldrv_netmap_tx_verdict
xldrv_netmap_tx_extra(struct xldrv_netmap_tx_pkt *pkt,
		      const struct xldrv_netmap_tx_limits *lim,
		      const struct xen_netif_extra_info *extra)
{
	const u8 type = extra->type;

	pkt->nr_extras++;
	if (!type || type >= XEN_NETIF_EXTRA_TYPE_MAX ||
	    pkt->extras_seen & (1u << type))
		return xldrv_netmap_tx_end(pkt, XLDRV_NETMAP_TX_BAD_EXTRA);
	pkt->extras_seen |= 1u << type;

	switch (type) {
	case XEN_NETIF_EXTRA_TYPE_GSO:
		if (!extra->u.gso.size)
			return xldrv_netmap_tx_end(pkt, XLDRV_NETMAP_TX_BAD_GSO);
		if (extra->u.gso.size < XLDRV_NETMAP_TX_GSO_MIN)
			xldrv_netmap_tx_drop(pkt, XLDRV_NETMAP_TX_GSO_TINY);
		if (extra->u.gso.type == XEN_NETIF_GSO_TYPE_TCPV4) {
			if (!lim->gso_tcpv4)
				xldrv_netmap_tx_drop(pkt,
						     XLDRV_NETMAP_TX_GSO_UNOFFERED);
		} else if (extra->u.gso.type == XEN_NETIF_GSO_TYPE_TCPV6) {
			if (!lim->gso_tcpv6)
				xldrv_netmap_tx_drop(pkt,
						     XLDRV_NETMAP_TX_GSO_UNOFFERED);
		} else {
			return xldrv_netmap_tx_end(pkt, XLDRV_NETMAP_TX_BAD_GSO);
		}
		pkt->gso_type = extra->u.gso.type;
		pkt->gso_size = extra->u.gso.size;
		break;
	case XEN_NETIF_EXTRA_TYPE_MCAST_ADD:
	case XEN_NETIF_EXTRA_TYPE_MCAST_DEL:
		pkt->mcast_op = type;
		memcpy(pkt->mcast_addr, extra->u.mcast.addr, ETH_ALEN);
		break;
	case XEN_NETIF_EXTRA_TYPE_HASH:
		pkt->hash_valid = true;
		pkt->hash_type = extra->u.hash.type;
		/* netif.h: least significant byte first. */
		pkt->hash = extra->u.hash.value[0] |
			    extra->u.hash.value[1] << 8 |
			    extra->u.hash.value[2] << 16 |
			    (u32)extra->u.hash.value[3] << 24;
		break;
	default:
		/* XDP headroom is an rx matter; netback ignores it on tx. */
		break;
	}

	if (extra->flags & XEN_NETIF_EXTRA_FLAG_MORE)
		return XLDRV_NETMAP_TX_NEED_MORE;
	return xldrv_netmap_tx_next_data(pkt, lim, pkt->first_flags);
}

static enum xldrv_netmap_tx_verdict
xldrv_netmap_tx_frag(struct xldrv_netmap_tx_pkt *pkt,
		     const struct xldrv_netmap_tx_limits *lim,
		     const struct xen_netif_tx_request *req)
{
	struct xldrv_netmap_tx_frag *frag = &pkt->frags[pkt->nr_frags++];

	frag->gref = req->gref;
	frag->offset = req->offset;
	frag->size = req->size;
	frag->id = req->id;
	if (frag->offset + frag->size > XLDRV_NETMAP_GRANT_SIZE)
		return xldrv_netmap_tx_end(pkt, XLDRV_NETMAP_TX_CROSS_PAGE);
	if (!frag->size)
		xldrv_netmap_tx_drop(pkt, XLDRV_NETMAP_TX_EMPTY_FRAG);
	/* At most 17 * 64 KiB: no wrap-around. */
	pkt->rest += frag->size;
	return xldrv_netmap_tx_next_data(pkt, lim, req->flags);
}

/*
 * Take the packet's next slot, copied off the ring.  Returns NEED_MORE
 * while the packet goes on, then its verdict; pkt->nr_slots counts the
 * slots taken.  Once a verdict is given, further slots are not looked at.
 */
enum xldrv_netmap_tx_verdict
xldrv_netmap_tx_add(struct xldrv_netmap_tx_pkt *pkt,
		    const struct xldrv_netmap_tx_limits *lim,
		    const union xldrv_netmap_tx_slot *slot)
{
	switch (pkt->state) {
	case XLDRV_NETMAP_TX_FIRST:
		pkt->nr_slots = 1;
		xldrv_netmap_tx_first(pkt, &slot->req);
		if (slot->req.flags & XEN_NETTXF_extra_info) {
			pkt->state = XLDRV_NETMAP_TX_EXTRA;
			return XLDRV_NETMAP_TX_NEED_MORE;
		}
		return xldrv_netmap_tx_next_data(pkt, lim, slot->req.flags);
	case XLDRV_NETMAP_TX_EXTRA:
		pkt->nr_slots++;
		return xldrv_netmap_tx_extra(pkt, lim, &slot->extra);
	case XLDRV_NETMAP_TX_FRAG:
		pkt->nr_slots++;
		return xldrv_netmap_tx_frag(pkt, lim, &slot->req);
	default:
		return pkt->verdict;
	}
}

/*
 * Parse the packet at the start of @avail slots copied off the ring.
 * NEED_MORE if it goes on past them (pkt->nr_slots == @avail then).
 */
enum xldrv_netmap_tx_verdict
xldrv_netmap_tx_parse(const union xldrv_netmap_tx_slot *slots,
		      unsigned int avail,
		      const struct xldrv_netmap_tx_limits *lim,
		      struct xldrv_netmap_tx_pkt *pkt)
{
	enum xldrv_netmap_tx_verdict v = XLDRV_NETMAP_TX_NEED_MORE;
	unsigned int i;

	xldrv_netmap_tx_begin(pkt);
	for (i = 0; i < avail && v == XLDRV_NETMAP_TX_NEED_MORE; i++)
		v = xldrv_netmap_tx_add(pkt, lim, &slots[i]);
	return v;
}
