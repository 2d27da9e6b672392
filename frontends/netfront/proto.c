// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv_netfront: id tables and rx response parsing (see proto.h).
 *
 * An id is the slot (bits 7-0) and the slot's tag (bits 15-8), bumped
 * each time the slot is issued.  Answers from a ring we dropped never
 * reach us (the new ring is a new page), and the tag keeps a late or
 * repeated answer for a slot's previous request from being taken for
 * its current one.
 */
#include "proto.h"

/* A copied rx slot: a data response, or an extra info in its place. */
union xldrv_netfront_rx_slot {
	struct xen_netif_rx_response rsp;
	struct xen_netif_extra_info extra;
};

_Static_assert(sizeof(struct xen_netif_extra_info) ==
	       sizeof(struct xen_netif_rx_response),
	       "an extra info takes exactly one rx slot");

#define XLDRV_NETFRONT_ID(tag, slot) ((u16)(((tag) << 8) | (slot)))

void xldrv_netfront_ids_init(struct xldrv_netfront_ids *ids,
			     struct xldrv_netfront_id *ent, unsigned int size,
			     bool by_pos)
{
	unsigned int i;

	*ids = (struct xldrv_netfront_ids){
		.ent = ent, .size = size, .by_pos = by_pos,
	};
	for (i = 0; i < size; i++)
		ent[i] = (struct xldrv_netfront_id){ 0 };
	xldrv_netfront_ids_reset(ids);
}

/* Everything free, as for a new ring; tags stay as they are. */
void xldrv_netfront_ids_reset(struct xldrv_netfront_ids *ids)
{
	unsigned int i;

	for (i = 0; i < ids->size; i++) {
		ids->ent[i].busy = false;
		ids->ent[i].next_free = i + 1 < ids->size && !ids->by_pos ?
					(s16)(i + 1) : XLDRV_NETFRONT_NONE;
	}
	ids->free_head = ids->size && !ids->by_pos ? 0 : XLDRV_NETFRONT_NONE;
	ids->nr_busy = 0;
}

static void xldrv_netfront_ids_issue(struct xldrv_netfront_ids *ids,
				     unsigned int slot)
{
	struct xldrv_netfront_id *e = &ids->ent[slot];

	e->tag++;
	e->id = XLDRV_NETFRONT_ID(e->tag, slot);
	e->busy = true;
	ids->nr_busy++;
}

/* tx: any free slot, issued (its id in ent[slot].id), or NONE. */
int xldrv_netfront_ids_get(struct xldrv_netfront_ids *ids)
{
	int slot = ids->free_head;

	if (slot < 0 || ids->by_pos)
		return XLDRV_NETFRONT_NONE;
	ids->free_head = ids->ent[slot].next_free;
	ids->ent[slot].next_free = XLDRV_NETFRONT_NONE;
	xldrv_netfront_ids_issue(ids, slot);
	return slot;
}

/* rx: the slot of a ring position, issued, or NONE if it is in use. */
int xldrv_netfront_ids_get_at(struct xldrv_netfront_ids *ids,
			      unsigned int slot)
{
	if (!ids->by_pos || slot >= ids->size || ids->ent[slot].busy)
		return XLDRV_NETFRONT_NONE;
	xldrv_netfront_ids_issue(ids, slot);
	return (int)slot;
}

/* The slot @id names if it is in use with exactly that id, or NONE. */
int xldrv_netfront_ids_lookup(const struct xldrv_netfront_ids *ids, u16 id)
{
	unsigned int slot = id & 0xff;

	if (slot >= ids->size || !ids->ent[slot].busy ||
	    ids->ent[slot].id != id)
		return XLDRV_NETFRONT_NONE;
	return (int)slot;
}

void xldrv_netfront_ids_put(struct xldrv_netfront_ids *ids, int slot)
{
	struct xldrv_netfront_id *e = &ids->ent[slot];

	if (!e->busy)
		return;
	e->busy = false;
	ids->nr_busy--;
	if (ids->by_pos)
		return;
	e->next_free = (s16)ids->free_head;
	ids->free_head = slot;
}

/*
 * The backend may not answer more than we asked: @req_prod is what we
 * pushed (our own copy, never the shared ring's), so every response
 * between rsp_cons and @rsp_prod must answer a request we made.
 */
bool xldrv_netfront_rsp_prod_ok(RING_IDX rsp_cons, RING_IDX rsp_prod,
				RING_IDX req_prod)
{
	return (RING_IDX)(rsp_prod - rsp_cons) <=
	       (RING_IDX)(req_prod - rsp_cons);
}

/*
 * The tx slot a (copied) response answers, TX_NULL for the answer to an
 * extra info slot (it has no id of ours), or EPROTO for an id we did not
 * issue or that was answered already.
 */
int xldrv_netfront_tx_rsp(const struct xldrv_netfront_ids *ids,
			  const struct xen_netif_tx_response *rsp)
{
	int slot;

	if (rsp->status == XEN_NETIF_RSP_NULL)
		return XLDRV_NETFRONT_TX_NULL;
	slot = xldrv_netfront_ids_lookup(ids, rsp->id);
	return slot < 0 ? XLDRV_NETFRONT_EPROTO : slot;
}

/* Only what we offered: TCP over IPv4 or IPv6, with a segment size. */
static enum xldrv_netfront_rx_err
xldrv_netfront_rx_extra(const struct xen_netif_extra_info *extra,
			struct xldrv_netfront_rx_pkt *pkt)
{
	if (extra->type == XEN_NETIF_EXTRA_TYPE_NONE ||
	    extra->type >= XEN_NETIF_EXTRA_TYPE_MAX)
		return XLDRV_NETFRONT_RX_BAD_EXTRA;
	if (extra->type != XEN_NETIF_EXTRA_TYPE_GSO)
		return XLDRV_NETFRONT_RX_OK;	/* nothing we asked for: ignored */
	if (!extra->u.gso.size ||
	    (extra->u.gso.type != XEN_NETIF_GSO_TYPE_TCPV4 &&
	     extra->u.gso.type != XEN_NETIF_GSO_TYPE_TCPV6))
		return XLDRV_NETFRONT_RX_BAD_EXTRA;
	pkt->gso_size = extra->u.gso.size;
	pkt->gso_type = extra->u.gso.type;
	return XLDRV_NETFRONT_RX_OK;
}

static void xldrv_netfront_rx_fail(struct xldrv_netfront_rx_pkt *pkt,
				   enum xldrv_netfront_rx_err err)
{
	if (pkt->err == XLDRV_NETFRONT_RX_OK)
		pkt->err = err;
}

/*
 * The packet whose first slot is at @cons, from the responses up to
 * @prod (which the caller checked with xldrv_netfront_rsp_prod_ok()).
 * Returns the ring slots it takes, with @pkt filled in: its data slots
 * and offloads, or in pkt->err why it is to be dropped (its slots are
 * consumed all the same).  Returns RX_INCOMPLETE if the backend has not
 * put all of it on the ring yet, and EPROTO if a data slot's id is not
 * the one we posted at that ring position: the rings are out of step.
 *
 * The first response carries the packet's flags; extra info slots, if
 * its extra_info flag says so, come right after it, chained by their
 * MORE flag; then more data slots while the previous one has more_data.
 */
int xldrv_netfront_rx_parse(const struct xen_netif_rx_front_ring *ring,
			    RING_IDX cons, RING_IDX prod,
			    const struct xldrv_netfront_ids *ids,
			    struct xldrv_netfront_rx_pkt *pkt)
{
	unsigned int mask = ids->size - 1, i;
	union xldrv_netfront_rx_slot s;
	RING_IDX idx = cons;
	bool more;

	*pkt = (struct xldrv_netfront_rx_pkt){ .err = XLDRV_NETFRONT_RX_OK };
	do {
		if (idx == prod)
			return XLDRV_NETFRONT_RX_INCOMPLETE;
		RING_COPY_RESPONSE(ring, idx, &s.rsp);
		if (xldrv_netfront_ids_lookup(ids, s.rsp.id) !=
		    (int)(idx & mask))
			return XLDRV_NETFRONT_EPROTO;
		if (pkt->nr_data < XLDRV_NETFRONT_RX_MAX_FRAGS)
			pkt->rsp[pkt->nr_data] = s.rsp;
		else
			xldrv_netfront_rx_fail(pkt, XLDRV_NETFRONT_RX_TOO_MANY);
		more = s.rsp.flags & XEN_NETRXF_more_data;
		idx++;
		if (!pkt->nr_data++) {
			pkt->flags = s.rsp.flags;
			if (!(s.rsp.flags & XEN_NETRXF_extra_info))
				continue;
			/* The extras, right after the first slot. */
			do {
				if (idx == prod)
					return XLDRV_NETFRONT_RX_INCOMPLETE;
				if (++pkt->extras > XLDRV_NETFRONT_RX_MAX_EXTRAS)
					return XLDRV_NETFRONT_EPROTO;
				RING_COPY_RESPONSE(ring, idx, &s.rsp);
				xldrv_netfront_rx_fail(pkt,
					xldrv_netfront_rx_extra(&s.extra, pkt));
				idx++;
			} while (s.extra.flags & XEN_NETIF_EXTRA_FLAG_MORE);
		}
	} while (more);

	for (i = 0; i < pkt->nr_data && i < XLDRV_NETFRONT_RX_MAX_FRAGS; i++) {
		const struct xen_netif_rx_response *r = &pkt->rsp[i];

		if (r->status < 0) {
			xldrv_netfront_rx_fail(pkt, XLDRV_NETFRONT_RX_STATUS);
			continue;
		}
		if (r->offset > XLDRV_NETFRONT_XEN_PAGE ||
		    (unsigned int)r->status > XLDRV_NETFRONT_XEN_PAGE - r->offset) {
			xldrv_netfront_rx_fail(pkt, XLDRV_NETFRONT_RX_BAD_SLOT);
			continue;
		}
		pkt->len += r->status;
	}
	if (pkt->len < XLDRV_NETFRONT_ETH_HLEN)
		xldrv_netfront_rx_fail(pkt, XLDRV_NETFRONT_RX_SHORT);
	if (pkt->nr_data > XLDRV_NETFRONT_RX_MAX_FRAGS)
		pkt->nr_data = XLDRV_NETFRONT_RX_MAX_FRAGS;
	pkt->slots = idx - cons;
	return (int)pkt->slots;
}
