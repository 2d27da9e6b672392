/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What must hold of every layout xldrv_netmap_tx_layout() gives for an
 * accepted packet: the copies move the frame's bytes in order, each from
 * inside one granted page into one page of the skb; the skb holds the
 * frame exactly (linear part, then its fragments, each filled); and, not
 * packed, every fragment takes a single copy.  Shared by the unit tests
 * and the tx parser's libFuzzer target.  Returns NULL when all hold,
 * else what broke.
 */
#ifndef XLDRV_HARNESS_NETMAP_TXLAYOUT_INVARIANTS_H
#define XLDRV_HARNESS_NETMAP_TXLAYOUT_INVARIANTS_H
#include "netmap/txlayout.h"

static inline const char *
netmap_tx_layout_invariants(const struct xldrv_netmap_tx_pkt *pkt,
			    unsigned int data_off, unsigned int page_size,
			    unsigned int max_frags, int rc,
			    const struct xldrv_netmap_tx_layout *l)
{
	unsigned int i, slot = 0, src = pkt->frags[0].offset, src_left;
	unsigned int pos = 0, frag = 0, frag_pos = 0, frag_copies = 0;
	unsigned int head = pkt->len < XLDRV_NETMAP_TX_HEAD ?
			    pkt->len : XLDRV_NETMAP_TX_HEAD;
	unsigned int pages = (pkt->len - head + page_size - 1) / page_size;
	unsigned int pieces = 0, end = 0;

	if (max_frags > XLDRV_NETMAP_TX_MAX_FRAGS)
		max_frags = XLDRV_NETMAP_TX_MAX_FRAGS;
	for (i = 0; i < pkt->nr_frags; i++) {
		end += pkt->frags[i].size;
		pieces += end > head;
	}
	if (rc)
		return rc == -E2BIG && pieces > max_frags &&
		       pages > max_frags ? NULL : "refused a frame that fits";
	if (l->packed != (pieces > max_frags))
		return l->packed ? "packed, though a fragment per piece fits" :
				   "a fragment per piece, past the limit";
	if (l->head != head)
		return "linear part not the frame's first bytes";
	if (l->nr_frags > max_frags)
		return "more fragments than allowed";
	if (l->nr_copies > XLDRV_NETMAP_TX_PKT_COPIES)
		return "more copies than the bound";
	for (i = 0; i < l->nr_frags; i++) {
		if (!l->frag[i].size ||
		    l->frag[i].off + l->frag[i].size > page_size)
			return "fragment empty or past its page";
		if (l->packed && (l->frag[i].off ||
				  (i + 1 < l->nr_frags &&
				   l->frag[i].size != page_size)))
			return "packed fragment not a whole page";
	}

	src_left = pkt->frags[0].size;
	for (i = 0; i < l->nr_copies; i++) {
		const struct xldrv_netmap_tx_copy *c = &l->copy[i];

		if (!c->len)
			return "empty copy";
		/* The source: where the previous copy left off. */
		while (!src_left && slot + 1 < pkt->nr_frags) {
			slot++;
			src = pkt->frags[slot].offset;
			src_left = pkt->frags[slot].size;
		}
		if (c->slot != slot || c->src_off != src || c->len > src_left)
			return "copy source out of order";
		if (c->src_off + c->len > XLDRV_NETMAP_GRANT_SIZE)
			return "copy source crosses its grant";
		/* The destination: likewise, linear part first. */
		if (pos < head) {
			if (c->frag != XLDRV_NETMAP_TX_TO_LINEAR ||
			    c->dst_off != pos || pos + c->len > head)
				return "linear part not filled in order";
			if ((data_off + pos) / page_size !=
			    (data_off + pos + c->len - 1) / page_size)
				return "copy into the linear part crosses a page";
		} else {
			if (frag_pos == l->frag[frag].size) {
				frag++;
				frag_pos = 0;
			}
			if (frag >= l->nr_frags || c->frag != frag ||
			    c->dst_off != l->frag[frag].off + frag_pos ||
			    frag_pos + c->len > l->frag[frag].size)
				return "fragments not filled in order";
			if (!frag_pos)
				frag_copies++;
			else if (!l->packed)
				return "unpacked fragment takes two copies";
			frag_pos += c->len;
		}
		src += c->len;
		src_left -= c->len;
		pos += c->len;
	}
	if (pos != pkt->len || src_left || slot + 1 != pkt->nr_frags)
		return "copies do not move the whole frame";
	if (l->nr_frags &&
	    (frag + 1 != l->nr_frags || frag_pos != l->frag[frag].size))
		return "a fragment not filled";
	if (frag_copies != l->nr_frags)
		return "fragment never copied into";
	if (!l->packed && l->nr_frags != pieces)
		return "not a fragment per piece";
	return NULL;
}
#endif
