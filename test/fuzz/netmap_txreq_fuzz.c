// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: xldrv_netmap's tx request parser against whatever a
 * hostile frontend can put on the tx ring.  Input: one byte of vif limits,
 * then ring slots, 12 bytes each, consumed packet after packet as the
 * mapper would.  Each verdict must meet the invariants (test/unit/harness/
 * netmap_txreq_invariants.h); besides, the parser must give the same
 * verdict fed slot by slot, must not look at a slot past the packet (any
 * shorter run of slots is "need more"), and must not read past the slots
 * it is given (each parse sees a heap copy of exactly those: ASan).
 * Every accepted frame is then laid out as the mapper's skb would hold
 * it (txlayout.c), its linear part at a page's start, across a page's
 * edge and at its last byte, against that layout's invariants.
 */
#include <stdlib.h>
#include <stdio.h>
#include "fuzz.h"
#include "netmap_txreq_invariants.h"
#include "netmap_txlayout_invariants.h"
#include "netmap/txreq.c"
#include "netmap/txlayout.c"

#define MAX_AVAIL 64

static void fail(const char *what, unsigned int cons)
{
	fprintf(stderr, "tx parser at slot %u: %s\n", cons, what);
	abort();
}

/* MAX_SKB_FRAGS with 4 KiB pages. */
#define SKB_FRAGS 17

static void check_layout(const struct xldrv_netmap_tx_pkt *pkt,
			 unsigned int cons)
{
	static const unsigned int data_off[] = { 0, 3900, 4095 };
	struct xldrv_netmap_tx_layout l;
	const char *why;
	unsigned int i;
	int rc;

	for (i = 0; i < 3; i++) {
		rc = xldrv_netmap_tx_layout(pkt, data_off[i], 4096, SKB_FRAGS,
					    &l);
		why = netmap_tx_layout_invariants(pkt, data_off[i], 4096,
						  SKB_FRAGS, rc, &l);
		if (why)
			fail(why, cons);
		if (rc)
			fail("an accepted frame not laid out", cons);
	}
}

static enum xldrv_netmap_tx_verdict
parse_exact(const union xldrv_netmap_tx_slot *slots, unsigned int n,
	    const struct xldrv_netmap_tx_limits *lim,
	    struct xldrv_netmap_tx_pkt *pkt)
{
	union xldrv_netmap_tx_slot *copy = malloc(n ? n * sizeof(*copy) : 1);
	enum xldrv_netmap_tx_verdict v;

	if (!copy)
		abort();
	memcpy(copy, slots, n * sizeof(*copy));
	v = xldrv_netmap_tx_parse(copy, n, lim, pkt);
	free(copy);
	return v;
}

static void check_packet(const union xldrv_netmap_tx_slot *slots,
			 unsigned int avail,
			 const struct xldrv_netmap_tx_limits *lim,
			 unsigned int cons, enum xldrv_netmap_tx_verdict v,
			 const struct xldrv_netmap_tx_pkt *pkt)
{
	enum xldrv_netmap_tx_verdict w = XLDRV_NETMAP_TX_NEED_MORE;
	struct xldrv_netmap_tx_pkt one, part;
	const char *why;
	unsigned int i;

	why = netmap_tx_invariants(slots, avail, lim, v, pkt);
	if (why)
		fail(why, cons);

	xldrv_netmap_tx_begin(&one);
	for (i = 0; i < avail && w == XLDRV_NETMAP_TX_NEED_MORE; i++)
		w = xldrv_netmap_tx_add(&one, lim, &slots[i]);
	if (w != v || one.nr_slots != pkt->nr_slots)
		fail("slot by slot, another verdict", cons);
	if (v != XLDRV_NETMAP_TX_NEED_MORE &&
	    xldrv_netmap_tx_add(&one, lim, &slots[0]) != v)
		fail("verdict changed by a slot after it", cons);

	for (i = 0; i < pkt->nr_slots; i++) {
		if (parse_exact(slots, i, lim, &part) !=
			    XLDRV_NETMAP_TX_NEED_MORE ||
		    part.nr_slots != i)
			fail("judged before its last slot", cons);
	}
	if (v != XLDRV_NETMAP_TX_NEED_MORE &&
	    (parse_exact(slots, pkt->nr_slots, lim, &part) != v ||
	     part.nr_slots != pkt->nr_slots))
		fail("needs a slot past its end", cons);
	if (v == XLDRV_NETMAP_TX_OK && pkt->len)
		check_layout(pkt, cons);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	union xldrv_netmap_tx_slot slots[MAX_AVAIL];
	struct xldrv_netmap_tx_limits lim;
	struct xldrv_netmap_tx_pkt pkt;
	enum xldrv_netmap_tx_verdict v;
	unsigned int avail, cons = 0;
	u8 flags;

	if (size < 1)
		return 0;
	flags = data[0];
	lim = (struct xldrv_netmap_tx_limits){
		.max_slots = (flags & 3) == 3 ? (flags >> 4) : 0,
		.max_frame = (flags & 4) ? 1514 : 0,
		.gso_tcpv4 = flags & 8,
		.gso_tcpv6 = !(flags & 1),
	};
	avail = (size - 1) / sizeof(slots[0]);
	if (avail > MAX_AVAIL)
		avail = MAX_AVAIL;
	memcpy(slots, data + 1, avail * sizeof(slots[0]));

	/* Packet after packet, as the mapper consumes its ring. */
	do {
		v = parse_exact(slots + cons, avail - cons, &lim, &pkt);
		check_packet(slots + cons, avail - cons, &lim, cons, v, &pkt);
		cons += pkt.nr_slots;
	} while (v != XLDRV_NETMAP_TX_NEED_MORE && !xldrv_netmap_tx_fatal(v));
	if (cons > avail)
		fail("consumed past the ring", cons);
	return 0;
}
