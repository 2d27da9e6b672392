/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What must hold of every verdict xldrv_netmap_tx_parse() gives on @avail
 * slots, whatever a frontend put in them.  Shared by the unit tests'
 * random packets and the libFuzzer target.  The framing is worked out
 * here again, independently and naively (flags only), so the parser's
 * slot counting is checked against something other than itself.  Returns
 * NULL when all hold, else what broke.
 */
#ifndef XLDRV_HARNESS_NETMAP_TXREQ_INVARIANTS_H
#define XLDRV_HARNESS_NETMAP_TXREQ_INVARIANTS_H
#include "netmap/txreq.h"

/*
 * Slots the packet at slots[0] spans, following only the flags; @avail + 1
 * if it goes on past @avail.  *@extras: extra slots in it.
 */
static inline unsigned int
netmap_tx_frame(const union xldrv_netmap_tx_slot *slots, unsigned int avail,
		unsigned int *extras)
{
	unsigned int n = 1;
	bool more;

	*extras = 0;
	if (!avail)
		return avail + 1;
	if (slots[0].req.flags & XEN_NETTXF_extra_info) {
		do {
			if (n >= avail)
				return avail + 1;
			more = slots[n++].extra.flags &
			       XEN_NETIF_EXTRA_FLAG_MORE;
			++*extras;
		} while (more);
	}
	more = slots[0].req.flags & XEN_NETTXF_more_data;
	while (more) {
		if (n >= avail)
			return avail + 1;
		more = slots[n++].req.flags & XEN_NETTXF_more_data;
	}
	return n;
}

static inline unsigned int
netmap_tx_max_slots(const struct xldrv_netmap_tx_limits *lim)
{
	if (!lim->max_slots || lim->max_slots > XLDRV_NETMAP_TX_MAX_FRAGS)
		return XLDRV_NETMAP_TX_MAX_FRAGS;
	return lim->max_slots;
}

/* The ring slot frags[i] came from. */
static inline const struct xen_netif_tx_request *
netmap_tx_frag_slot(const union xldrv_netmap_tx_slot *slots,
		    const struct xldrv_netmap_tx_pkt *pkt, unsigned int i)
{
	return &slots[i ? pkt->nr_extras + i : 0].req;
}

static inline const char *
netmap_tx_ok_invariants(const union xldrv_netmap_tx_slot *slots,
			const struct xldrv_netmap_tx_limits *lim,
			const struct xldrv_netmap_tx_pkt *pkt)
{
	unsigned int i, seen = 0, max_frame;
	u32 sum = 0;

	for (i = 1; i <= pkt->nr_extras; i++) {
		u8 type = slots[i].extra.type;

		if (!type || type >= XEN_NETIF_EXTRA_TYPE_MAX)
			return "unknown extra type accepted";
		if (seen & (1u << type))
			return "repeated extra type accepted";
		seen |= 1u << type;
	}
	if (pkt->csum_blank != !!(slots[0].req.flags & XEN_NETTXF_csum_blank) ||
	    pkt->data_validated !=
		    !!(slots[0].req.flags & XEN_NETTXF_data_validated))
		return "checksum flags not the first slot's";
	if (pkt->mcast_op) {
		if (pkt->mcast_op != XEN_NETIF_EXTRA_TYPE_MCAST_ADD &&
		    pkt->mcast_op != XEN_NETIF_EXTRA_TYPE_MCAST_DEL)
			return "bad multicast operation";
		if (!(seen & (1u << pkt->mcast_op)))
			return "multicast operation without its extra";
		if (pkt->nr_frags != 1 || pkt->len ||
		    pkt->gso_type != XEN_NETIF_GSO_TYPE_NONE)
			return "multicast request carries a frame";
		if (!(pkt->mcast_addr[0] & 1))
			return "multicast request for a unicast address";
		return NULL;
	}
	for (i = 0; i < pkt->nr_frags; i++) {
		const struct xldrv_netmap_tx_frag *f = &pkt->frags[i];

		if (!f->size)
			return "empty fragment accepted";
		if (f->offset + f->size > XLDRV_NETMAP_GRANT_SIZE)
			return "fragment outside its page";
		sum += f->size;
	}
	if (sum != pkt->len || pkt->len != slots[0].req.size)
		return "fragments do not add up to the frame";
	if (pkt->frags[0].size < ETH_HLEN)
		return "Ethernet header not in the first slot";
	max_frame = lim->max_frame ? lim->max_frame : XLDRV_NETMAP_TX_MAX_FRAME;
	if (pkt->gso_type == XEN_NETIF_GSO_TYPE_NONE) {
		if (pkt->len > max_frame)
			return "oversized frame accepted";
		if (seen & (1u << XEN_NETIF_EXTRA_TYPE_GSO))
			return "GSO extra lost";
	} else {
		if (!(seen & (1u << XEN_NETIF_EXTRA_TYPE_GSO)))
			return "GSO without its extra";
		if (!pkt->gso_size)
			return "GSO size 0 accepted";
		if (!(pkt->gso_type == XEN_NETIF_GSO_TYPE_TCPV4 &&
		      lim->gso_tcpv4) &&
		    !(pkt->gso_type == XEN_NETIF_GSO_TYPE_TCPV6 &&
		      lim->gso_tcpv6))
			return "GSO type not offered accepted";
	}
	return NULL;
}

static inline const char *
netmap_tx_invariants(const union xldrv_netmap_tx_slot *slots,
		     unsigned int avail,
		     const struct xldrv_netmap_tx_limits *lim,
		     enum xldrv_netmap_tx_verdict v,
		     const struct xldrv_netmap_tx_pkt *pkt)
{
	unsigned int extras, span = netmap_tx_frame(slots, avail, &extras);
	unsigned int i;
	u32 rest = 0;

	if ((unsigned int)v >= XLDRV_NETMAP_TX_NR_VERDICTS)
		return "no such verdict";
	if (pkt->nr_slots > avail)
		return "consumed more slots than available";
	if (v == XLDRV_NETMAP_TX_NEED_MORE) {
		if (span <= avail)
			return "asked for more with a whole packet there";
		if (pkt->nr_slots != avail)
			return "asked for more without using every slot";
		return NULL;
	}
	if (!pkt->nr_slots || !pkt->nr_frags)
		return "a verdict without a slot";
	if (pkt->nr_frags > netmap_tx_max_slots(lim) ||
	    pkt->nr_extras > XLDRV_NETMAP_TX_MAX_EXTRAS)
		return "more slots than the limits";
	if (pkt->nr_frags + pkt->nr_extras != pkt->nr_slots)
		return "slots not all accounted for";
	if (xldrv_netmap_tx_fatal(v)) {
		if (pkt->nr_slots > span)
			return "fatal verdict after the packet's end";
		if (v == XLDRV_NETMAP_TX_TOO_MANY_SLOTS &&
		    pkt->nr_frags != netmap_tx_max_slots(lim))
			return "too many slots, but fewer than the limit";
		if (v == XLDRV_NETMAP_TX_CROSS_PAGE) {
			for (i = 1; i < pkt->nr_frags; i++) {
				rest += pkt->frags[i].size;
				if (pkt->frags[i].offset + pkt->frags[i].size >
				    XLDRV_NETMAP_GRANT_SIZE)
					return NULL;
			}
			/* Only the first slot crosses: its own part, the
			 * frame less the others, must be real too.
			 */
			if (rest > slots[0].req.size ||
			    pkt->frags[0].size != slots[0].req.size - rest)
				return "first slot judged by a size it has not";
			if (pkt->frags[0].offset + pkt->frags[0].size <=
			    XLDRV_NETMAP_GRANT_SIZE)
				return "crosses a page, but no fragment does";
		}
		return NULL;
	}
	/* Answered, so framed exactly as the flags say: the ring stays in
	 * step, and every id is there to answer.
	 */
	if (span > avail || pkt->nr_slots != span || pkt->nr_extras != extras)
		return "packet framed unlike its flags";
	for (i = 0; i < pkt->nr_frags; i++) {
		const struct xen_netif_tx_request *r =
			netmap_tx_frag_slot(slots, pkt, i);

		if (pkt->frags[i].id != r->id ||
		    pkt->frags[i].gref != r->gref ||
		    pkt->frags[i].offset != r->offset)
			return "fragment not its slot's";
		if (i && pkt->frags[i].size != r->size)
			return "fragment size not its slot's";
	}
	if (v == XLDRV_NETMAP_TX_OK)
		return netmap_tx_ok_invariants(slots, lim, pkt);
	return NULL;
}
#endif
