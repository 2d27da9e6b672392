// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of xldrv_netmap's tx request parser (mapper-kmod/netmap/
 * txreq.c): one case per rule, then random slots against the invariants.
 */
#include "check.h"
#include "rnd.h"
#include "netmap_txreq_invariants.h"
#include "netmap/txreq.c"

#define MAX_SLOTS (XLDRV_NETMAP_TX_MAX_PKT_SLOTS + 8)

/*
 * Slots being written, the way a frontend lays them on the ring.  A
 * request's id is 100 + its slot's index and its gref 1000 + that, so a
 * fragment shows which slot it was taken from.
 */
struct ring {
	union xldrv_netmap_tx_slot s[MAX_SLOTS];
	unsigned int n;
};

static struct xldrv_netmap_tx_limits lim_default(void)
{
	return (struct xldrv_netmap_tx_limits){
		.gso_tcpv4 = true, .gso_tcpv6 = true,
	};
}

static struct xen_netif_tx_request *req(struct ring *r, u16 offset, u16 size,
					 u16 flags)
{
	union xldrv_netmap_tx_slot *s = &r->s[r->n++];

	memset(s, 0, sizeof(*s));
	s->req = (struct xen_netif_tx_request){
		.gref = 1000 + r->n - 1, .offset = offset, .flags = flags,
		.id = 100 + r->n - 1, .size = size,
	};
	return &s->req;
}

static struct xen_netif_extra_info *extra(struct ring *r, u8 type, u8 flags)
{
	union xldrv_netmap_tx_slot *s = &r->s[r->n++];

	memset(s, 0xa5, sizeof(*s)); /* the tx padding is not looked at */
	s->extra.type = type;
	s->extra.flags = flags;
	return &s->extra;
}

static void gso(struct ring *r, u8 type, u16 size, u8 flags)
{
	struct xen_netif_extra_info *e = extra(r, XEN_NETIF_EXTRA_TYPE_GSO,
					       flags);

	e->u.gso.type = type;
	e->u.gso.size = size;
	e->u.gso.pad = 0;
	e->u.gso.features = 0;
}

static void mcast(struct ring *r, u8 type, u8 first_octet, u8 flags)
{
	struct xen_netif_extra_info *e = extra(r, type, flags);
	const u8 addr[ETH_ALEN] = { first_octet, 0x00, 0x5e, 0x00, 0x00, 0xfb };

	memcpy(e->u.mcast.addr, addr, ETH_ALEN);
}

/* Parse, check the invariants, and that feeding slot by slot agrees. */
static enum xldrv_netmap_tx_verdict
parse_n(const struct ring *r, unsigned int avail,
	const struct xldrv_netmap_tx_limits *lim,
	struct xldrv_netmap_tx_pkt *pkt)
{
	enum xldrv_netmap_tx_verdict v, w = XLDRV_NETMAP_TX_NEED_MORE;
	struct xldrv_netmap_tx_pkt one;
	const char *why;
	unsigned int i;

	v = xldrv_netmap_tx_parse(r->s, avail, lim, pkt);
	why = netmap_tx_invariants(r->s, avail, lim, v, pkt);
	if (why)
		fprintf(stderr, "invariant: %s\n", why);
	CHECK(why == NULL);

	xldrv_netmap_tx_begin(&one);
	for (i = 0; i < avail && w == XLDRV_NETMAP_TX_NEED_MORE; i++)
		w = xldrv_netmap_tx_add(&one, lim, &r->s[i]);
	CHECK_EQ(w, v);
	CHECK_EQ(one.nr_slots, pkt->nr_slots);
	return v;
}

static enum xldrv_netmap_tx_verdict
parse(const struct ring *r, const struct xldrv_netmap_tx_limits *lim,
	struct xldrv_netmap_tx_pkt *pkt)
{
	return parse_n(r, r->n, lim, pkt);
}

static void test_layout(void)
{
	/* The ABI: 12-byte slots, extras overlaying them in 8 bytes. */
	CHECK_EQ(sizeof(struct xen_netif_tx_request), 12);
	CHECK_EQ(sizeof(struct xen_netif_extra_info), 8);
	CHECK_EQ(sizeof(union xldrv_netmap_tx_slot), 12);
	CHECK_EQ(offsetof(struct xen_netif_tx_request, size), 10);
	CHECK_EQ(XLDRV_NETMAP_TX_MAX_FRAGS, 18);
	CHECK_EQ(XLDRV_NETMAP_TX_MAX_EXTRAS, 5);
	CHECK_EQ(XLDRV_NETMAP_TX_MAX_FRAME, 65535 + 14);
}

static void test_names(void)
{
	unsigned int v;

	for (v = 0; v < XLDRV_NETMAP_TX_NR_VERDICTS; v++)
		CHECK(xldrv_netmap_tx_verdict_name[v] != NULL);
	CHECK(!xldrv_netmap_tx_fatal(XLDRV_NETMAP_TX_OK));
	CHECK(!xldrv_netmap_tx_fatal(XLDRV_NETMAP_TX_NEED_MORE));
	CHECK(!xldrv_netmap_tx_fatal(XLDRV_NETMAP_TX_SIZE_MISMATCH));
	CHECK(!xldrv_netmap_tx_fatal(XLDRV_NETMAP_TX_BAD_MCAST));
	CHECK(xldrv_netmap_tx_fatal(XLDRV_NETMAP_TX_TOO_MANY_SLOTS));
	CHECK(xldrv_netmap_tx_fatal(XLDRV_NETMAP_TX_CROSS_PAGE));
	CHECK(xldrv_netmap_tx_fatal(XLDRV_NETMAP_TX_BAD_EXTRA));
	CHECK(xldrv_netmap_tx_fatal(XLDRV_NETMAP_TX_BAD_GSO));
	CHECK_EQ(xldrv_netmap_tx_status(XLDRV_NETMAP_TX_OK),
		 XEN_NETIF_RSP_OKAY);
	CHECK_EQ(xldrv_netmap_tx_status(XLDRV_NETMAP_TX_TOO_SHORT),
		 XEN_NETIF_RSP_ERROR);
}

static void test_single(void)
{
	struct xldrv_netmap_tx_limits lim = lim_default();
	struct xldrv_netmap_tx_pkt pkt;
	struct ring r = { .n = 0 };

	req(&r, 100, 60, XEN_NETTXF_csum_blank | XEN_NETTXF_data_validated);
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_OK);
	CHECK_EQ(pkt.nr_slots, 1);
	CHECK_EQ(pkt.nr_frags, 1);
	CHECK_EQ(pkt.nr_extras, 0);
	CHECK_EQ(pkt.len, 60);
	CHECK_EQ(pkt.frags[0].size, 60);
	CHECK_EQ(pkt.frags[0].offset, 100);
	CHECK_EQ(pkt.frags[0].gref, 1000);
	CHECK_EQ(pkt.frags[0].id, 100);
	CHECK(pkt.csum_blank);
	CHECK(pkt.data_validated);
	CHECK_EQ(pkt.gso_type, XEN_NETIF_GSO_TYPE_NONE);
	CHECK_EQ(pkt.mcast_op, 0);

	/* Exactly to the end of the page; an Ethernet header exactly. */
	r.n = 0;
	req(&r, 4096 - 1514, 1514, 0);
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_OK);
	CHECK(!pkt.csum_blank);
	r.n = 0;
	req(&r, 0, ETH_HLEN, 0);
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_OK);
}

static void test_frags(void)
{
	struct xldrv_netmap_tx_limits lim = lim_default();
	struct xldrv_netmap_tx_pkt pkt;
	struct ring r = { .n = 0 };

	/* netfront's layout: the first slot holds the linear part up to
	 * its page's end, and says the size of the whole frame.
	 */
	req(&r, 3096, 3000, XEN_NETTXF_more_data);
	req(&r, 0, 1500, XEN_NETTXF_more_data);
	req(&r, 2000, 500, 0);
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_OK);
	CHECK_EQ(pkt.nr_slots, 3);
	CHECK_EQ(pkt.nr_frags, 3);
	CHECK_EQ(pkt.len, 3000);
	CHECK_EQ(pkt.frags[0].size, 1000);
	CHECK_EQ(pkt.frags[1].size, 1500);
	CHECK_EQ(pkt.frags[2].size, 500);
	CHECK_EQ(pkt.frags[2].offset, 2000);
	CHECK_EQ(pkt.frags[2].id, 102);
	CHECK_EQ(pkt.frags[2].gref, 1002);

	/* The next packet right behind: parsing stops where this one ends. */
	req(&r, 0, 64, 0);
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_OK);
	CHECK_EQ(pkt.nr_slots, 3);
	CHECK_EQ(xldrv_netmap_tx_parse(r.s + 3, 1, &lim, &pkt),
		 XLDRV_NETMAP_TX_OK);
	CHECK_EQ(pkt.len, 64);
	CHECK_EQ(pkt.frags[0].id, 103);
}

static void test_need_more(void)
{
	struct xldrv_netmap_tx_limits lim = lim_default();
	struct xldrv_netmap_tx_pkt pkt;
	struct ring r = { .n = 0 };
	unsigned int i;

	CHECK_EQ(parse_n(&r, 0, &lim, &pkt), XLDRV_NETMAP_TX_NEED_MORE);
	CHECK_EQ(pkt.nr_slots, 0);

	req(&r, 0, 3000, XEN_NETTXF_more_data | XEN_NETTXF_extra_info);
	gso(&r, XEN_NETIF_GSO_TYPE_TCPV4, 1448, XEN_NETIF_EXTRA_FLAG_MORE);
	extra(&r, XEN_NETIF_EXTRA_TYPE_HASH, 0);
	req(&r, 0, 1000, XEN_NETTXF_more_data);
	req(&r, 0, 1000, 0);
	/* Every prefix is "not yet", never an error, and uses it all. */
	for (i = 1; i < r.n; i++) {
		CHECK_EQ(parse_n(&r, i, &lim, &pkt), XLDRV_NETMAP_TX_NEED_MORE);
		CHECK_EQ(pkt.nr_slots, i);
	}
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_OK);
	CHECK_EQ(pkt.nr_slots, 5);
	CHECK_EQ(pkt.nr_extras, 2);
	CHECK_EQ(pkt.frags[1].id, 103);
	CHECK_EQ(pkt.frags[2].id, 104);

	/* Fed one at a time, the state carries over; a slot offered after
	 * the verdict is not taken.
	 */
	xldrv_netmap_tx_begin(&pkt);
	for (i = 0; i < 4; i++)
		CHECK_EQ(xldrv_netmap_tx_add(&pkt, &lim, &r.s[i]),
			 XLDRV_NETMAP_TX_NEED_MORE);
	CHECK_EQ(xldrv_netmap_tx_add(&pkt, &lim, &r.s[4]), XLDRV_NETMAP_TX_OK);
	CHECK_EQ(xldrv_netmap_tx_add(&pkt, &lim, &r.s[0]), XLDRV_NETMAP_TX_OK);
	CHECK_EQ(pkt.nr_slots, 5);
	CHECK_EQ(pkt.len, 3000);
}

static void test_slot_count(void)
{
	struct xldrv_netmap_tx_limits lim = lim_default();
	struct xldrv_netmap_tx_pkt pkt;
	struct ring r = { .n = 0 };
	unsigned int i;

	/* 18 data slots (and extras, which do not count) are fine. */
	req(&r, 0, 18 * 100, XEN_NETTXF_more_data | XEN_NETTXF_extra_info);
	gso(&r, XEN_NETIF_GSO_TYPE_TCPV6, 1440, 0);
	for (i = 1; i < 18; i++)
		req(&r, 0, 100, i < 17 ? XEN_NETTXF_more_data : 0);
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_OK);
	CHECK_EQ(pkt.nr_frags, 18);
	CHECK_EQ(pkt.nr_slots, 19);
	CHECK_EQ(pkt.frags[0].size, 100);

	/* A 19th is promised: fatal at once, without waiting for it. */
	r.s[r.n - 1].req.flags = XEN_NETTXF_more_data;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_TOO_MANY_SLOTS);
	CHECK_EQ(pkt.nr_slots, 19);
	req(&r, 0, 100, 0);
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_TOO_MANY_SLOTS);
	CHECK_EQ(pkt.nr_slots, 19);

	/* Lower limits are the vif's; higher ones and 0 mean 18. */
	r.n = 0;
	for (i = 0; i < 4; i++)
		req(&r, 0, i ? 100 : 400, i < 3 ? XEN_NETTXF_more_data : 0);
	lim.max_slots = 4;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_OK);
	lim.max_slots = 3;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_TOO_MANY_SLOTS);
	CHECK_EQ(pkt.nr_slots, 3);
	lim.max_slots = 1;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_TOO_MANY_SLOTS);
	CHECK_EQ(pkt.nr_slots, 1);
	r.n = 0;
	req(&r, 0, 19 * 64, XEN_NETTXF_more_data);
	for (i = 1; i < 19; i++)
		req(&r, 0, 64, i < 18 ? XEN_NETTXF_more_data : 0);
	lim.max_slots = 0;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_TOO_MANY_SLOTS);
	lim.max_slots = 1000;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_TOO_MANY_SLOTS);
	CHECK_EQ(pkt.nr_frags, 18);
}

static void test_cross_page(void)
{
	struct xldrv_netmap_tx_limits lim = lim_default();
	struct xldrv_netmap_tx_pkt pkt;
	struct ring r = { .n = 0 };

	req(&r, 4096 - 59, 60, 0);
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_CROSS_PAGE);
	r.n = 0;
	req(&r, 0xffff, 60, 0);
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_CROSS_PAGE);

	/* A fragment's own page. */
	r.n = 0;
	req(&r, 0, 300, XEN_NETTXF_more_data);
	req(&r, 4000, 200, 0);
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_CROSS_PAGE);
	CHECK_EQ(pkt.nr_slots, 2);
	r.s[1].req.offset = 3896;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_OK);
	r.s[1].req.offset = 5000;
	r.s[1].req.size = 0;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_CROSS_PAGE);

	/* The first slot's own part: the frame less the others.  Its total
	 * alone may well run past the page.
	 */
	r.n = 0;
	req(&r, 4000, 1000, XEN_NETTXF_more_data);
	req(&r, 0, 904, 0);
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_OK);
	CHECK_EQ(pkt.frags[0].size, 96);
	r.s[1].req.size = 903;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_CROSS_PAGE);

	/* Fatal outranks a drop already found. */
	r.n = 0;
	req(&r, 0, 300, XEN_NETTXF_more_data);
	req(&r, 0, 0, XEN_NETTXF_more_data);
	req(&r, 4095, 2, 0);
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_CROSS_PAGE);
	r.s[2].req.offset = 0;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_EMPTY_FRAG);
	CHECK_EQ(pkt.nr_slots, 3);
}

static void test_sizes(void)
{
	struct xldrv_netmap_tx_limits lim = lim_default();
	struct xldrv_netmap_tx_pkt pkt;
	struct ring r = { .n = 0 };

	/* A frame of 64 KiB and more: its size wrapped. Dropped, and every
	 * slot taken and answerable.
	 */
	req(&r, 0, 100, XEN_NETTXF_more_data);
	req(&r, 0, 4096, XEN_NETTXF_more_data);
	req(&r, 0, 50, 0);
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_SIZE_MISMATCH);
	CHECK_EQ(pkt.nr_slots, 3);
	CHECK_EQ(pkt.nr_frags, 3);
	CHECK_EQ(pkt.frags[2].id, 102);
	CHECK(!xldrv_netmap_tx_fatal(XLDRV_NETMAP_TX_SIZE_MISMATCH));
	/* Equal is fine as far as sizes go, but leaves the first empty. */
	r.s[0].req.size = 4146;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_TOO_SHORT);
	r.s[0].req.size = 4146 + ETH_HLEN;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_OK);

	r.n = 0;
	req(&r, 0, ETH_HLEN - 1, 0);
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_TOO_SHORT);
	r.s[0].req.size = 0;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_TOO_SHORT);

	/* The frame may be long enough, its header must still be whole in
	 * the first slot.
	 */
	r.n = 0;
	req(&r, 0, 100, XEN_NETTXF_more_data);
	req(&r, 0, 100 - ETH_HLEN + 1, 0);
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_TOO_SHORT);
	r.s[1].req.size--;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_OK);

	r.n = 0;
	req(&r, 0, 300, XEN_NETTXF_more_data);
	req(&r, 0, 0, XEN_NETTXF_more_data);
	req(&r, 0, 100, 0);
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_EMPTY_FRAG);
	CHECK_EQ(pkt.nr_slots, 3);
}

static void test_oversize(void)
{
	struct xldrv_netmap_tx_limits lim = lim_default();
	struct xldrv_netmap_tx_pkt pkt;
	struct ring r = { .n = 0 };
	unsigned int i;

	lim.max_frame = 1514;
	req(&r, 0, 1514, 0);
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_OK);
	r.s[0].req.size = 1515;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_OVERSIZE);

	/* 64 KiB less one, the most the size field says: oversize only
	 * for a smaller MTU, and never for GSO.
	 */
	r.n = 0;
	req(&r, 0, 0xffff, XEN_NETTXF_more_data | XEN_NETTXF_extra_info);
	gso(&r, XEN_NETIF_GSO_TYPE_TCPV4, 1448, 0);
	for (i = 0; i < 15; i++)
		req(&r, 0, 4096, i < 14 ? XEN_NETTXF_more_data : 0);
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_OK);
	CHECK_EQ(pkt.frags[0].size, 0xffff - 15 * 4096);
	CHECK_EQ(pkt.len, 0xffff);
	r.s[0].req.flags &= ~XEN_NETTXF_extra_info;
	memmove(&r.s[1], &r.s[2], 15 * sizeof(r.s[0]));
	r.n--;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_OVERSIZE);
	lim.max_frame = 0;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_OK);
}

static void test_gso(void)
{
	struct xldrv_netmap_tx_limits lim = lim_default();
	struct xldrv_netmap_tx_pkt pkt;
	struct ring r = { .n = 0 };

	req(&r, 0, 3000, XEN_NETTXF_extra_info | XEN_NETTXF_more_data);
	gso(&r, XEN_NETIF_GSO_TYPE_TCPV4, 1448, 0);
	req(&r, 0, 2000, 0);
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_OK);
	CHECK_EQ(pkt.gso_type, XEN_NETIF_GSO_TYPE_TCPV4);
	CHECK_EQ(pkt.gso_size, 1448);
	CHECK_EQ(pkt.nr_extras, 1);
	CHECK_EQ(pkt.frags[1].id, 102);
	r.s[1].extra.u.gso.type = XEN_NETIF_GSO_TYPE_TCPV6;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_OK);
	CHECK_EQ(pkt.gso_type, XEN_NETIF_GSO_TYPE_TCPV6);

	/* Not advertised: dropped, whole. */
	lim.gso_tcpv6 = false;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_GSO_UNOFFERED);
	CHECK_EQ(pkt.nr_slots, 3);
	r.s[1].extra.u.gso.type = XEN_NETIF_GSO_TYPE_TCPV4;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_OK);
	lim.gso_tcpv4 = false;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_GSO_UNOFFERED);
	lim = lim_default();

	/* Segments below TCP's floor: dropped, whole; the floor itself not. */
	r.s[1].extra.u.gso.size = 47;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_GSO_TINY);
	CHECK_EQ(pkt.nr_slots, 3);
	r.s[1].extra.u.gso.size = 48;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_OK);
	r.s[1].extra.u.gso.size = 1448;

	/* What netback calls fatal. */
	r.s[1].extra.u.gso.size = 0;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_BAD_GSO);
	CHECK_EQ(pkt.nr_slots, 2);
	r.s[1].extra.u.gso.size = 1448;
	r.s[1].extra.u.gso.type = XEN_NETIF_GSO_TYPE_NONE;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_BAD_GSO);
	r.s[1].extra.u.gso.type = 3;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_BAD_GSO);
	r.s[1].extra.u.gso.type = 0xff;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_BAD_GSO);
}

static void test_extras(void)
{
	struct xldrv_netmap_tx_limits lim = lim_default();
	struct xldrv_netmap_tx_pkt pkt;
	struct xen_netif_extra_info *e;
	struct ring r = { .n = 0 };

	/* Every type a tx packet may carry, once each. */
	req(&r, 0, 60, XEN_NETTXF_extra_info);
	gso(&r, XEN_NETIF_GSO_TYPE_TCPV4, 1448, XEN_NETIF_EXTRA_FLAG_MORE);
	e = extra(&r, XEN_NETIF_EXTRA_TYPE_HASH, XEN_NETIF_EXTRA_FLAG_MORE);
	e->u.hash.type = _XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP;
	e->u.hash.value[0] = 0x78;
	e->u.hash.value[1] = 0x56;
	e->u.hash.value[2] = 0x34;
	e->u.hash.value[3] = 0x12;
	extra(&r, XEN_NETIF_EXTRA_TYPE_XDP, 0);
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_OK);
	CHECK_EQ(pkt.nr_extras, 3);
	CHECK_EQ(pkt.nr_slots, 4);
	CHECK(pkt.hash_valid);
	CHECK_EQ(pkt.hash_type, _XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP);
	CHECK_EQ(pkt.hash, 0x12345678);

	/* Unknown types, as netback; a type twice, which it overwrites. */
	r.s[3].extra.type = XEN_NETIF_EXTRA_TYPE_NONE;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_BAD_EXTRA);
	CHECK_EQ(pkt.nr_slots, 4);
	r.s[3].extra.type = XEN_NETIF_EXTRA_TYPE_MAX;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_BAD_EXTRA);
	r.s[3].extra.type = 0xff;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_BAD_EXTRA);
	r.s[3].extra.type = XEN_NETIF_EXTRA_TYPE_HASH;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_BAD_EXTRA);
	CHECK_EQ(pkt.nr_slots, 4);

	/* An endless chain ends at the first repeat, found without waiting
	 * for the rest.
	 */
	r.n = 0;
	req(&r, 0, 60, XEN_NETTXF_extra_info);
	extra(&r, XEN_NETIF_EXTRA_TYPE_XDP, XEN_NETIF_EXTRA_FLAG_MORE);
	extra(&r, XEN_NETIF_EXTRA_TYPE_XDP, XEN_NETIF_EXTRA_FLAG_MORE);
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_BAD_EXTRA);
	CHECK_EQ(pkt.nr_slots, 3);
	/* An extra is not a request: its bytes where a request has flags
	 * (here, XDP padding) do not make the packet go on.
	 */
	r.n = 0;
	req(&r, 0, 60, XEN_NETTXF_extra_info);
	extra(&r, XEN_NETIF_EXTRA_TYPE_XDP, 0);
	r.s[1].req.flags = XEN_NETTXF_more_data;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_OK);
	CHECK_EQ(pkt.nr_slots, 2);
}

static void test_mcast(void)
{
	struct xldrv_netmap_tx_limits lim = lim_default();
	struct xldrv_netmap_tx_pkt pkt;
	struct ring r = { .n = 0 };

	/* A dummy request: its data fields mean nothing, not even checked. */
	req(&r, 5000, 0, XEN_NETTXF_extra_info);
	mcast(&r, XEN_NETIF_EXTRA_TYPE_MCAST_ADD, 0x01, 0);
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_OK);
	CHECK_EQ(pkt.mcast_op, XEN_NETIF_EXTRA_TYPE_MCAST_ADD);
	CHECK_EQ(pkt.mcast_addr[0], 0x01);
	CHECK_EQ(pkt.mcast_addr[5], 0xfb);
	CHECK_EQ(pkt.len, 0);
	CHECK_EQ(pkt.nr_slots, 2);
	CHECK_EQ(pkt.frags[0].id, 100);
	r.s[1].extra.type = XEN_NETIF_EXTRA_TYPE_MCAST_DEL;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_OK);
	CHECK_EQ(pkt.mcast_op, XEN_NETIF_EXTRA_TYPE_MCAST_DEL);

	/* Not a group address. */
	r.s[1].extra.u.mcast.addr[0] = 0x02;
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_BAD_MCAST);
	CHECK(!xldrv_netmap_tx_fatal(XLDRV_NETMAP_TX_BAD_MCAST));

	/* With data: dropped, fragments taken with it. */
	r.n = 0;
	req(&r, 0, 200, XEN_NETTXF_extra_info | XEN_NETTXF_more_data);
	mcast(&r, XEN_NETIF_EXTRA_TYPE_MCAST_ADD, 0x33, 0);
	req(&r, 0, 100, 0);
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_BAD_MCAST);
	CHECK_EQ(pkt.nr_slots, 3);
	CHECK_EQ(pkt.frags[1].id, 102);

	/* With GSO; add and delete at once. */
	r.n = 0;
	req(&r, 0, 200, XEN_NETTXF_extra_info);
	mcast(&r, XEN_NETIF_EXTRA_TYPE_MCAST_ADD, 0x33,
	      XEN_NETIF_EXTRA_FLAG_MORE);
	gso(&r, XEN_NETIF_GSO_TYPE_TCPV4, 1448, 0);
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_BAD_MCAST);
	r.n = 0;
	req(&r, 0, 200, XEN_NETTXF_extra_info);
	mcast(&r, XEN_NETIF_EXTRA_TYPE_MCAST_ADD, 0x33,
	      XEN_NETIF_EXTRA_FLAG_MORE);
	mcast(&r, XEN_NETIF_EXTRA_TYPE_MCAST_DEL, 0x33, 0);
	CHECK_EQ(parse(&r, &lim, &pkt), XLDRV_NETMAP_TX_BAD_MCAST);
	CHECK_EQ(pkt.nr_slots, 3);
}

static u16 rnd_pick(const u16 *v, unsigned int n)
{
	return rnd() % 4 ? v[rnd() % n] : (u16)rnd();
}

/* Random slots, near the boundaries and mostly well framed. */
static void test_random(void)
{
	static const u16 sizes[] = { 0, 1, 13, 14, 60, 100, 1514, 1515,
				     4000, 4096, 4097, 0xffff };
	static const u16 offsets[] = { 0, 0, 0, 100, 2048, 4000, 4082, 4096 };
	unsigned int i, j, n, verdicts[XLDRV_NETMAP_TX_NR_VERDICTS] = { 0 };
	struct xldrv_netmap_tx_limits lim;
	struct xldrv_netmap_tx_pkt pkt;
	struct ring r;

	memset(&r, 0, sizeof(r));
	for (i = 0; i < 200000; i++) {
		enum xldrv_netmap_tx_verdict v;
		const char *why;
		u32 total = 0;

		n = 1 + rnd() % MAX_SLOTS;
		lim = (struct xldrv_netmap_tx_limits){
			.max_slots = rnd() % 4 ? 0 : rnd() % 20,
			.max_frame = rnd() % 2 ? 0 : 1514,
			.gso_tcpv4 = rnd() % 2, .gso_tcpv6 = rnd() % 2,
		};
		for (j = 0; j < n; j++) {
			struct xen_netif_tx_request *t = &r.s[j].req;

			t->gref = rnd();
			t->id = j;
			t->size = rnd_pick(sizes, 12);
			t->offset = rnd_pick(offsets, 8);
			/* Mostly inside the page. */
			if (rnd() % 8 && t->size <= 4096 &&
			    t->offset > 4096 - t->size)
				t->offset = 4096 - t->size;
			t->flags = rnd() % 3 ? XEN_NETTXF_more_data : 0;
			if (!(rnd() % 8))
				t->flags |= rnd() & 0xf;
			if (j)
				total += t->size;
		}
		/* Mostly a first size that covers the fragments. */
		if (rnd() % 4)
			r.s[0].req.size =
				(u16)(total + rnd_pick(sizes, 12) % 2000);
		if (!(rnd() % 4)) {
			/* Extras after the first slot. */
			r.s[0].req.flags |= XEN_NETTXF_extra_info;
			for (j = 1; j < n && j < 4; j++) {
				r.s[j].extra.type = rnd() % 7;
				r.s[j].extra.flags = rnd() % 2;
				/*
				 * Also a multicast address's first octets, and
				 * now and then a size under TCP's floor.
				 */
				switch (rnd() % 6) {
				case 0:
				case 1:
					r.s[j].extra.u.gso.size = 0;
					break;
				case 2:
				case 3:
					r.s[j].extra.u.gso.size = 1448;
					break;
				case 4:
					r.s[j].extra.u.gso.size = 0x0133;
					break;
				default:
					r.s[j].extra.u.gso.size = 1 + rnd() % 47;
					break;
				}
				r.s[j].extra.u.gso.type = rnd() % 4;
			}
		}
		r.n = n;
		v = xldrv_netmap_tx_parse(r.s, n, &lim, &pkt);
		verdicts[v]++;
		why = netmap_tx_invariants(r.s, n, &lim, v, &pkt);
		if (why) {
			fprintf(stderr, "random packet %u: %s\n", i, why);
			CHECK(why == NULL);
			break;
		}
	}
	/* The generator must reach every verdict, or this proves little. */
	for (j = 0; j < XLDRV_NETMAP_TX_NR_VERDICTS; j++) {
		printf("random: %-45s %u\n", xldrv_netmap_tx_verdict_name[j],
		       verdicts[j]);
		CHECK(verdicts[j] > 100);
	}
}

int main(void)
{
	test_layout();
	test_names();
	test_single();
	test_frags();
	test_need_more();
	test_slot_count();
	test_cross_page();
	test_sizes();
	test_oversize();
	test_gso();
	test_extras();
	test_mcast();
	test_random();
	return check_done("netmap_txreq");
}
