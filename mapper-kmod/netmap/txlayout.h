/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xldrv_netmap: where a client's tx frame goes in the mapper's own skb,
 * and the grant copies that put it there.
 *
 * The first XLDRV_NETMAP_TX_HEAD bytes go to the skb's linear part, where
 * the filter and the header code read them.  Past them, each slot's piece
 * gets a page of its own, at the offset it has in the client's granted
 * page: a piece never crosses its page (the parser refuses a slot that
 * does), so one copy moves it.  Packed into whole pages instead, a piece
 * that starts mid-page crosses a page of ours and takes two copies: some
 * 2.2 per 4 KiB of a TSO packet from either Linux frontend, whose
 * fragments start wherever the stack's page fragments do.  Only a frame
 * in more pieces than an skb takes fragments is packed.
 *
 * Plain C over the parser's packet: the module builds it, and so do the
 * unit tests and the fuzzer, in userspace.
 */
#ifndef XLDRV_NETMAP_TXLAYOUT_H
#define XLDRV_NETMAP_TXLAYOUT_H

#include <linux/errno.h>
#include "txreq.h"

/* Frame bytes copied into a tx skb's linear part: headers, usually. */
#define XLDRV_NETMAP_TX_HEAD 256u
/*
 * Copies one packet takes, at most: a copy per slot, one more for the
 * slot the linear part ends in, one more if the linear part crosses a
 * page; packed, a split at each page edge, both sides.
 */
#define XLDRV_NETMAP_TX_PKT_COPIES (2 * XLDRV_NETMAP_TX_MAX_FRAGS + 2)
/* A copy's destination is the linear part, not a fragment. */
#define XLDRV_NETMAP_TX_TO_LINEAR 0xffu

struct xldrv_netmap_tx_copy {
	u16 src_off;	/* in pkt->frags[slot]'s granted page */
	u16 dst_off;	/* from the linear part's start, or in frag's page */
	u16 len;
	u8 slot;	/* pkt->frags[] */
	u8 frag;	/* the skb's fragment, or XLDRV_NETMAP_TX_TO_LINEAR */
};

struct xldrv_netmap_tx_layout {
	unsigned int head;	/* bytes in the linear part */
	unsigned int nr_frags;	/* each a page of its own */
	unsigned int nr_copies;
	bool packed;
	struct {
		u16 off, size;
	} frag[XLDRV_NETMAP_TX_MAX_FRAGS];
	struct xldrv_netmap_tx_copy copy[XLDRV_NETMAP_TX_PKT_COPIES];
};

/*
 * The layout of @pkt (verdict XLDRV_NETMAP_TX_OK, with a frame) in an skb
 * whose linear part starts @data_off bytes into a page of @page_size
 * bytes (at least a grant's), with at most @max_frags fragments.  Returns
 * 0, or -E2BIG if even packed it needs more fragments.
 */
int xldrv_netmap_tx_layout(const struct xldrv_netmap_tx_pkt *pkt,
			   unsigned int data_off, unsigned int page_size,
			   unsigned int max_frags,
			   struct xldrv_netmap_tx_layout *l);

#endif
