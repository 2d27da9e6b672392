// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv_netmap: a tx frame's layout in the mapper's skb (see txlayout.h).
 */
#include "txlayout.h"

/* Slots with bytes past the linear part: a fragment each, unpacked. */
static unsigned int xldrv_netmap_tx_pieces(const struct xldrv_netmap_tx_pkt *pkt,
					   unsigned int head)
{
	unsigned int i, end = 0, n = 0;

	for (i = 0; i < pkt->nr_frags; i++) {
		end += pkt->frags[i].size;
		n += end > head;
	}
	return n;
}

int xldrv_netmap_tx_layout(const struct xldrv_netmap_tx_pkt *pkt,
			   unsigned int data_off, unsigned int page_size,
			   unsigned int max_frags,
			   struct xldrv_netmap_tx_layout *l)
{
	unsigned int head = pkt->len < XLDRV_NETMAP_TX_HEAD ?
			    pkt->len : XLDRV_NETMAP_TX_HEAD;
	unsigned int rest = pkt->len - head, pos = 0, nc = 0, nf = 0, i;

	if (max_frags > XLDRV_NETMAP_TX_MAX_FRAGS)
		max_frags = XLDRV_NETMAP_TX_MAX_FRAGS;
	l->head = head;
	l->nr_frags = xldrv_netmap_tx_pieces(pkt, head);
	l->packed = l->nr_frags > max_frags;
	if (l->packed) {
		l->nr_frags = (rest + page_size - 1) / page_size;
		if (l->nr_frags > max_frags)
			return -E2BIG;
		for (i = 0; i < l->nr_frags; i++) {
			l->frag[i].off = 0;
			l->frag[i].size = rest - i * page_size < page_size ?
					  rest - i * page_size : page_size;
		}
	}

	for (i = 0; i < pkt->nr_frags; i++) {
		const struct xldrv_netmap_tx_frag *f = &pkt->frags[i];
		unsigned int src = f->offset, left = f->size;

		while (left) {
			struct xldrv_netmap_tx_copy *c;
			unsigned int room;

			/* Never, by the bound's reckoning: but not past it. */
			if (nc == XLDRV_NETMAP_TX_PKT_COPIES)
				return -E2BIG;
			c = &l->copy[nc++];
			c->slot = i;
			c->src_off = src;
			if (pos < head) {
				/* The linear part may cross a page edge. */
				room = page_size - (data_off + pos) % page_size;
				if (room > head - pos)
					room = head - pos;
				c->frag = XLDRV_NETMAP_TX_TO_LINEAR;
				c->dst_off = pos;
			} else if (l->packed) {
				room = page_size - (pos - head) % page_size;
				c->frag = (pos - head) / page_size;
				c->dst_off = (pos - head) % page_size;
			} else {
				/* The rest of the slot, where it sits in its page. */
				room = left;
				l->frag[nf].off = src;
				l->frag[nf].size = left;
				c->frag = nf++;
				c->dst_off = src;
			}
			c->len = left < room ? left : room;
			src += c->len;
			pos += c->len;
			left -= c->len;
		}
	}
	l->nr_copies = nc;
	return 0;
}
