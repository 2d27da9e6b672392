// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of xldrv_netmap's tx frame layout (mapper-kmod/netmap/
 * txlayout.c): the frames Linux's frontends send, the edges, then random
 * accepted packets against the invariants.
 */
#include "check.h"
#include "rnd.h"
#include "netmap_txlayout_invariants.h"
#include "netmap/txreq.c"
#include "netmap/txlayout.c"

#define PAGE 4096u
#define SKB_FRAGS 17u	/* MAX_SKB_FRAGS with 4 KiB pages */

/* An accepted packet of @n slots, each (offset, size), as the parser leaves it. */
static struct xldrv_netmap_tx_pkt pkt_of(const u16 (*slot)[2], unsigned int n)
{
	struct xldrv_netmap_tx_pkt pkt;
	unsigned int i;

	xldrv_netmap_tx_begin(&pkt);
	for (i = 0; i < n; i++) {
		pkt.frags[i] = (struct xldrv_netmap_tx_frag){
			.gref = 1000 + i, .offset = slot[i][0],
			.size = slot[i][1], .id = i,
		};
		pkt.len += slot[i][1];
	}
	pkt.nr_frags = n;
	pkt.nr_slots = n;
	return pkt;
}

static void layout_ok(const struct xldrv_netmap_tx_pkt *pkt,
		      unsigned int data_off, unsigned int max_frags,
		      struct xldrv_netmap_tx_layout *l)
{
	int rc = xldrv_netmap_tx_layout(pkt, data_off, PAGE, max_frags, l);
	const char *why = netmap_tx_layout_invariants(pkt, data_off, PAGE,
						      max_frags, rc, l);

	if (why)
		fprintf(stderr, "layout: %s\n", why);
	CHECK(why == NULL);
	CHECK_EQ(rc, 0);
}

/*
 * A TSO packet as xen-netfront and xldrv_netfront send it: the headers in
 * a slot of their own, then the stack's page fragments, starting
 * mid-page.  One copy per slot, one more for the slot the linear part
 * ends in: packed, nearly two per slot.
 */
static void test_tso(void)
{
	u16 s[18][2] = { { 2112, 66 }, { 1000, 3096 } };
	struct xldrv_netmap_tx_layout l;
	struct xldrv_netmap_tx_pkt pkt;
	unsigned int i;

	for (i = 2; i < 17; i++) {
		s[i][0] = 0;
		s[i][1] = PAGE;
	}
	s[17][0] = 0;
	s[17][1] = 900;
	pkt = pkt_of(s, 18);
	CHECK_EQ(pkt.len, 66 + 3096 + 15 * PAGE + 900);
	layout_ok(&pkt, 64, SKB_FRAGS, &l);
	CHECK(!l.packed);
	CHECK_EQ(l.head, XLDRV_NETMAP_TX_HEAD);
	CHECK_EQ(l.nr_frags, 17);
	CHECK_EQ(l.nr_copies, 19);
	/* The piece past the linear part keeps its place in its page. */
	CHECK_EQ(l.frag[0].off, 1000 + XLDRV_NETMAP_TX_HEAD - 66);
	CHECK_EQ(l.frag[0].size, 3096 - (XLDRV_NETMAP_TX_HEAD - 66));
	CHECK_EQ(l.copy[2].frag, 0);
	CHECK_EQ(l.copy[2].dst_off, l.frag[0].off);

	/* Allowed fewer fragments than pieces: packed, as before. */
	layout_ok(&pkt, 64, 16, &l);
	CHECK(l.packed);
	CHECK_EQ(l.nr_frags, 16);
	CHECK(l.nr_copies > 30);
}

/* Short frames live in the linear part, split only at its page edge. */
static void test_short(void)
{
	static const u16 one[1][2] = { { 100, 60 } };
	static const u16 two[2][2] = { { 0, 14 }, { 4000, 96 } };
	static const u16 whole[2][2] = { { 0, 128 }, { 0, 128 } };
	struct xldrv_netmap_tx_layout l;
	struct xldrv_netmap_tx_pkt pkt;

	pkt = pkt_of(one, 1);
	layout_ok(&pkt, 0, SKB_FRAGS, &l);
	CHECK_EQ(l.head, 60);
	CHECK_EQ(l.nr_frags, 0);
	CHECK_EQ(l.nr_copies, 1);
	layout_ok(&pkt, PAGE - 30, SKB_FRAGS, &l);
	CHECK_EQ(l.nr_copies, 2);
	CHECK_EQ(l.copy[0].len, 30);
	CHECK_EQ(l.copy[1].dst_off, 30);
	CHECK_EQ(l.copy[1].src_off, 130);

	pkt = pkt_of(two, 2);
	layout_ok(&pkt, 0, SKB_FRAGS, &l);
	CHECK_EQ(l.nr_frags, 0);
	CHECK_EQ(l.nr_copies, 2);

	/* Exactly the linear part: no fragment. */
	pkt = pkt_of(whole, 2);
	layout_ok(&pkt, 0, SKB_FRAGS, &l);
	CHECK_EQ(l.head, XLDRV_NETMAP_TX_HEAD);
	CHECK_EQ(l.nr_frags, 0);
}

/*
 * Eighteen pieces, one more than an skb's fragments: packed into whole
 * pages.  And a frame that does not fit even packed is refused.
 */
static void test_limits(void)
{
	u16 s[18][2] = { { 0, 300 } };
	struct xldrv_netmap_tx_layout l;
	struct xldrv_netmap_tx_pkt pkt;
	unsigned int i;
	int rc;

	for (i = 1; i < 18; i++) {
		s[i][0] = 3000;
		s[i][1] = 100;
	}
	pkt = pkt_of(s, 18);
	layout_ok(&pkt, 0, SKB_FRAGS, &l);
	CHECK(l.packed);
	CHECK_EQ(l.nr_frags, 1);
	CHECK_EQ(l.frag[0].size, 300 - XLDRV_NETMAP_TX_HEAD + 1700);
	CHECK_EQ(l.nr_copies, 19);
	/* Allowed all eighteen, it gets them. */
	layout_ok(&pkt, 0, 18, &l);
	CHECK(!l.packed);
	CHECK_EQ(l.nr_frags, 18);

	for (i = 1; i < 16; i++) {
		s[i][0] = 0;
		s[i][1] = PAGE;
	}
	pkt = pkt_of(s, 16);
	rc = xldrv_netmap_tx_layout(&pkt, 0, PAGE, 3, &l);
	CHECK_EQ(rc, -E2BIG);
	CHECK(netmap_tx_layout_invariants(&pkt, 0, PAGE, 3, rc, &l) == NULL);
}

/* Random accepted packets, sizes near the edges, any linear offset. */
static void test_random(void)
{
	static const u16 sizes[] = { 1, 14, 66, 100, 190, 256, 1448, 2048,
				     4000, 4095, 4096 };
	unsigned int i, j, packed = 0, unpacked = 0, refused = 0;
	struct xldrv_netmap_tx_layout l;
	struct xldrv_netmap_tx_pkt pkt;

	for (i = 0; i < 300000; i++) {
		unsigned int n = 1 + rnd() % XLDRV_NETMAP_TX_MAX_FRAGS;
		unsigned int page = rnd() % 8 ? PAGE : 4 * PAGE;
		unsigned int max_frags = rnd() % 4 ? SKB_FRAGS :
					 rnd() % (XLDRV_NETMAP_TX_MAX_FRAGS + 3);
		unsigned int data_off = rnd() % 2 ? rnd() % page :
					page - 1 - rnd() % 300;
		const char *why;
		u32 len = 0;
		int rc;

		xldrv_netmap_tx_begin(&pkt);
		for (j = 0; j < n; j++) {
			u16 size = rnd() % 3 ? sizes[rnd() % 11] :
					       1 + rnd() % PAGE;

			if (!j && size < ETH_HLEN)
				size = ETH_HLEN;
			if (len + size > 0xffff)
				break;
			pkt.frags[j] = (struct xldrv_netmap_tx_frag){
				.gref = rnd(), .size = size,
				.offset = rnd() % 2 ? 0 :
					  rnd() % (PAGE - size + 1),
				.id = j,
			};
			len += size;
		}
		pkt.nr_frags = j;
		pkt.nr_slots = j;
		pkt.len = len;
		memset(&l, 0xa5, sizeof(l));
		rc = xldrv_netmap_tx_layout(&pkt, data_off, page, max_frags,
					    &l);
		why = netmap_tx_layout_invariants(&pkt, data_off, page,
						  max_frags, rc, &l);
		if (why) {
			fprintf(stderr, "random packet %u: %s\n", i, why);
			CHECK(why == NULL);
			break;
		}
		if (rc)
			refused++;
		else if (l.packed)
			packed++;
		else
			unpacked++;
	}
	printf("random: %u a fragment per piece, %u packed, %u refused\n",
	       unpacked, packed, refused);
	/* The generator must reach every outcome, or this proves little. */
	CHECK(unpacked > 1000);
	CHECK(packed > 1000);
	CHECK(refused > 1000);
}

int main(void)
{
	test_tso();
	test_short();
	test_limits();
	test_random();
	return check_done("netmap_txlayout");
}
