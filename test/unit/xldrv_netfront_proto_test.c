// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of xldrv_netfront's protocol logic (frontends/netfront/
 * proto.c): the id tables across reuse and rings, the response count
 * check, tx responses, and rx packets parsed off a real netif ring as a
 * backend, honest or not, lays them out.  Fixed cases, then random
 * packets checked against what was sent.
 */
#include "check.h"
#include "netfront/proto.c"
#include "common/strand.h"

#define RXS 256u

static struct xldrv_netfront_ids ids;
static struct xldrv_netfront_id ent[XLDRV_NETFRONT_IDS_MAX];

static void test_tx_ids(void)
{
	int s[64], a, b, i;
	u16 old;

	xldrv_netfront_ids_init(&ids, ent, 64, false);
	for (i = 0; i < 64; i++) {
		s[i] = xldrv_netfront_ids_get(&ids);
		CHECK(s[i] >= 0 && s[i] < 64);
	}
	CHECK_EQ(xldrv_netfront_ids_get(&ids), XLDRV_NETFRONT_NONE);
	CHECK_EQ(ids.nr_busy, 64);
	CHECK_EQ(xldrv_netfront_ids_get_at(&ids, 3), XLDRV_NETFRONT_NONE);

	a = s[10];
	old = ent[a].id;
	CHECK_EQ(xldrv_netfront_ids_lookup(&ids, old), a);
	/* Out of range: slot 64 of a 64-slot table; and a wrong tag. */
	CHECK_EQ(xldrv_netfront_ids_lookup(&ids, (u16)(old & 0xff00) | 64),
		 XLDRV_NETFRONT_NONE);
	CHECK_EQ(xldrv_netfront_ids_lookup(&ids, (u16)(old + 0x100)),
		 XLDRV_NETFRONT_NONE);
	xldrv_netfront_ids_put(&ids, a);
	CHECK_EQ(xldrv_netfront_ids_lookup(&ids, old), XLDRV_NETFRONT_NONE);
	xldrv_netfront_ids_put(&ids, a);	/* twice: no effect */
	CHECK_EQ(ids.nr_busy, 63);
	b = xldrv_netfront_ids_get(&ids);
	CHECK_EQ(b, a);
	/* The slot again, but a late answer to its last use is refused. */
	CHECK(ent[b].id != old);
	CHECK_EQ(xldrv_netfront_ids_lookup(&ids, old), XLDRV_NETFRONT_NONE);
	CHECK_EQ(xldrv_netfront_ids_lookup(&ids, ent[b].id), b);

	/* A new ring: nothing issued before is taken, even once reissued. */
	old = ent[s[5]].id;
	xldrv_netfront_ids_reset(&ids);
	CHECK_EQ(ids.nr_busy, 0);
	CHECK_EQ(xldrv_netfront_ids_lookup(&ids, old), XLDRV_NETFRONT_NONE);
	for (i = 0; i < 64; i++)
		CHECK(xldrv_netfront_ids_get(&ids) >= 0);
	CHECK_EQ(xldrv_netfront_ids_get(&ids), XLDRV_NETFRONT_NONE);
	CHECK_EQ(xldrv_netfront_ids_lookup(&ids, old), XLDRV_NETFRONT_NONE);
}

static void test_rx_ids(void)
{
	xldrv_netfront_ids_init(&ids, ent, RXS, true);
	CHECK_EQ(xldrv_netfront_ids_get(&ids), XLDRV_NETFRONT_NONE);
	CHECK_EQ(xldrv_netfront_ids_get_at(&ids, 7), 7);
	CHECK_EQ(xldrv_netfront_ids_get_at(&ids, 7), XLDRV_NETFRONT_NONE);
	CHECK_EQ(xldrv_netfront_ids_get_at(&ids, RXS), XLDRV_NETFRONT_NONE);
	CHECK_EQ(xldrv_netfront_ids_lookup(&ids, ent[7].id), 7);
	xldrv_netfront_ids_put(&ids, 7);
	CHECK_EQ(ids.nr_busy, 0);
	CHECK_EQ(ids.free_head, XLDRV_NETFRONT_NONE);
}

static void test_prod(void)
{
	CHECK(xldrv_netfront_rsp_prod_ok(10, 10, 10));
	CHECK(xldrv_netfront_rsp_prod_ok(10, 15, 20));
	CHECK(xldrv_netfront_rsp_prod_ok(10, 20, 20));
	CHECK(!xldrv_netfront_rsp_prod_ok(10, 21, 20));
	CHECK(!xldrv_netfront_rsp_prod_ok(10, 9, 20));	/* backwards */
	/* Across the index wrapping. */
	CHECK(xldrv_netfront_rsp_prod_ok(0xfffffff0u, 5, 10));
	CHECK(!xldrv_netfront_rsp_prod_ok(0xfffffff0u, 11, 10));
}

static void test_tx_rsp(void)
{
	struct xen_netif_tx_response rsp;
	int a;

	xldrv_netfront_ids_init(&ids, ent, 256, false);
	a = xldrv_netfront_ids_get(&ids);
	rsp = (struct xen_netif_tx_response){ .id = 0xdead,
					      .status = XEN_NETIF_RSP_NULL };
	CHECK_EQ(xldrv_netfront_tx_rsp(&ids, &rsp), XLDRV_NETFRONT_TX_NULL);
	rsp = (struct xen_netif_tx_response){ .id = ent[a].id,
					      .status = XEN_NETIF_RSP_OKAY };
	CHECK_EQ(xldrv_netfront_tx_rsp(&ids, &rsp), a);
	xldrv_netfront_ids_put(&ids, a);
	CHECK_EQ(xldrv_netfront_tx_rsp(&ids, &rsp), XLDRV_NETFRONT_EPROTO);
	rsp.id = ent[a].id + 1;		/* another slot, not in flight */
	rsp.status = XEN_NETIF_RSP_ERROR;
	CHECK_EQ(xldrv_netfront_tx_rsp(&ids, &rsp), XLDRV_NETFRONT_EPROTO);
}

/* An rx ring with every position posted, and a backend writing to it. */
static union {
	struct xen_netif_rx_sring s;
	unsigned char page[4096];
} shared;
static struct xen_netif_rx_front_ring ring;
static RING_IDX prod;	/* the backend's next response */

static void rx_setup(void)
{
	unsigned int i;

	SHARED_RING_INIT(&shared.s);
	FRONT_RING_INIT(&ring, &shared.s, 4096);
	CHECK_EQ(RING_SIZE(&ring), RXS);
	xldrv_netfront_ids_init(&ids, ent, RXS, true);
	for (i = 0; i < RXS; i++)
		xldrv_netfront_ids_get_at(&ids, i);
	ring.req_prod_pvt = RXS;
	prod = 0;
}

/* The front end's side after a packet: its slots posted again. */
static void rx_consume(unsigned int n)
{
	unsigned int i, slot;

	for (i = 0; i < n; i++) {
		slot = (ring.rsp_cons + i) & (RXS - 1);
		xldrv_netfront_ids_put(&ids, slot);
		xldrv_netfront_ids_get_at(&ids, slot);
	}
	ring.rsp_cons += n;
	ring.req_prod_pvt += n;
}

static void put_data(u16 offset, s16 status, u16 flags)
{
	struct xen_netif_rx_response *r = RING_GET_RESPONSE(&ring, prod);

	*r = (struct xen_netif_rx_response){
		.id = ent[prod & (RXS - 1)].id, .offset = offset,
		.status = status, .flags = flags,
	};
	prod++;
}

static void put_extra(u8 type, u16 gso_size, u8 gso_type, bool more)
{
	struct xen_netif_extra_info *e =
		(struct xen_netif_extra_info *)RING_GET_RESPONSE(&ring, prod);

	*e = (struct xen_netif_extra_info){
		.type = type, .flags = more ? XEN_NETIF_EXTRA_FLAG_MORE : 0,
	};
	e->u.gso.size = gso_size;
	e->u.gso.type = gso_type;
	prod++;
}

static int parse(struct xldrv_netfront_rx_pkt *pkt)
{
	return xldrv_netfront_rx_parse(&ring, ring.rsp_cons, prod, &ids, pkt);
}

static void test_rx_fixed(void)
{
	struct xldrv_netfront_rx_pkt pkt;
	unsigned int i;

	rx_setup();
	CHECK_EQ(parse(&pkt), XLDRV_NETFRONT_RX_INCOMPLETE);

	/* One slot, checksum blank. */
	put_data(0, 60, XEN_NETRXF_csum_blank | XEN_NETRXF_data_validated);
	CHECK_EQ(parse(&pkt), 1);
	CHECK_EQ(pkt.err, XLDRV_NETFRONT_RX_OK);
	CHECK_EQ(pkt.len, 60);
	CHECK_EQ(pkt.nr_data, 1);
	CHECK(pkt.flags & XEN_NETRXF_csum_blank);
	rx_consume(1);

	/* GSO: data, extra, data, data; as xen-netback and netmap lay it. */
	put_data(0, 4096, XEN_NETRXF_more_data | XEN_NETRXF_extra_info |
			  XEN_NETRXF_csum_blank);
	CHECK_EQ(parse(&pkt), XLDRV_NETFRONT_RX_INCOMPLETE);
	put_extra(XEN_NETIF_EXTRA_TYPE_GSO, 1448, XEN_NETIF_GSO_TYPE_TCPV6,
		  false);
	put_data(0, 4096, XEN_NETRXF_more_data);
	CHECK_EQ(parse(&pkt), XLDRV_NETFRONT_RX_INCOMPLETE);
	put_data(100, 1000, 0);
	CHECK_EQ(parse(&pkt), 4);
	CHECK_EQ(pkt.err, XLDRV_NETFRONT_RX_OK);
	CHECK_EQ(pkt.nr_data, 3);
	CHECK_EQ(pkt.extras, 1);
	CHECK_EQ(pkt.len, 4096 + 4096 + 1000);
	CHECK_EQ(pkt.gso_size, 1448);
	CHECK_EQ(pkt.gso_type, XEN_NETIF_GSO_TYPE_TCPV6);
	CHECK_EQ(pkt.rsp[2].offset, 100);
	rx_consume(4);

	/* Bad slots: dropped, but their slots consumed. */
	put_data(4000, 97, 0);
	CHECK_EQ(parse(&pkt), 1);
	CHECK_EQ(pkt.err, XLDRV_NETFRONT_RX_BAD_SLOT);
	rx_consume(1);
	put_data(4097, 0, 0);
	CHECK_EQ(parse(&pkt), 1);
	CHECK_EQ(pkt.err, XLDRV_NETFRONT_RX_BAD_SLOT);
	rx_consume(1);
	put_data(0, XEN_NETIF_RSP_ERROR, 0);
	CHECK_EQ(parse(&pkt), 1);
	CHECK_EQ(pkt.err, XLDRV_NETFRONT_RX_STATUS);
	rx_consume(1);
	put_data(0, 13, 0);
	CHECK_EQ(parse(&pkt), 1);
	CHECK_EQ(pkt.err, XLDRV_NETFRONT_RX_SHORT);
	rx_consume(1);
	put_data(0, 100, XEN_NETRXF_extra_info);
	put_extra(0, 0, 0, false);
	CHECK_EQ(parse(&pkt), 2);
	CHECK_EQ(pkt.err, XLDRV_NETFRONT_RX_BAD_EXTRA);
	rx_consume(2);
	put_data(0, 100, XEN_NETRXF_extra_info);
	put_extra(XEN_NETIF_EXTRA_TYPE_GSO, 0, XEN_NETIF_GSO_TYPE_TCPV4, false);
	CHECK_EQ(parse(&pkt), 2);
	CHECK_EQ(pkt.err, XLDRV_NETFRONT_RX_BAD_EXTRA);
	rx_consume(2);
	/* An extra type we did not ask for is skipped, not an error. */
	put_data(0, 100, XEN_NETRXF_extra_info);
	put_extra(XEN_NETIF_EXTRA_TYPE_HASH, 0, 0, false);
	CHECK_EQ(parse(&pkt), 2);
	CHECK_EQ(pkt.err, XLDRV_NETFRONT_RX_OK);
	CHECK_EQ(pkt.gso_size, 0);
	rx_consume(2);

	/* More fragments than an skb holds. */
	for (i = 0; i < XLDRV_NETFRONT_RX_MAX_FRAGS + 3; i++)
		put_data(0, 100, i + 1 < XLDRV_NETFRONT_RX_MAX_FRAGS + 3 ?
				 XEN_NETRXF_more_data : 0);
	CHECK_EQ(parse(&pkt), XLDRV_NETFRONT_RX_MAX_FRAGS + 3);
	CHECK_EQ(pkt.err, XLDRV_NETFRONT_RX_TOO_MANY);
	CHECK_EQ(pkt.nr_data, XLDRV_NETFRONT_RX_MAX_FRAGS);
	rx_consume(XLDRV_NETFRONT_RX_MAX_FRAGS + 3);

	/* An endless chain of extras is the ring out of step. */
	put_data(0, 100, XEN_NETRXF_extra_info);
	for (i = 0; i < XLDRV_NETFRONT_RX_MAX_EXTRAS + 1; i++)
		put_extra(XEN_NETIF_EXTRA_TYPE_HASH, 0, 0, true);
	CHECK_EQ(parse(&pkt), XLDRV_NETFRONT_EPROTO);
	ring.rsp_cons = prod;	/* as after a reconnect */
	rx_setup();

	/* Ids: another position's, a made-up one, one from the last ring. */
	put_data(0, 60, 0);
	RING_GET_RESPONSE(&ring, 0)->id = ent[1].id;
	CHECK_EQ(parse(&pkt), XLDRV_NETFRONT_EPROTO);
	RING_GET_RESPONSE(&ring, 0)->id = 0xffff;
	CHECK_EQ(parse(&pkt), XLDRV_NETFRONT_EPROTO);
	RING_GET_RESPONSE(&ring, 0)->id = ent[0].id;
	CHECK_EQ(parse(&pkt), 1);
	{
		u16 before = ent[0].id;

		xldrv_netfront_ids_reset(&ids);
		xldrv_netfront_ids_get_at(&ids, 0);
		CHECK_EQ(parse(&pkt), XLDRV_NETFRONT_EPROTO);
		RING_GET_RESPONSE(&ring, 0)->id = ent[0].id;
		CHECK(ent[0].id != before);
		CHECK_EQ(parse(&pkt), 1);
	}
	/* A packet's later data slot with a wrong id. */
	rx_setup();
	put_data(0, 100, XEN_NETRXF_more_data);
	put_data(0, 100, 0);
	RING_GET_RESPONSE(&ring, 1)->id ^= 0x100;
	CHECK_EQ(parse(&pkt), XLDRV_NETFRONT_EPROTO);
}

static unsigned int rnd_state = 4321;
static unsigned int rnd(unsigned int n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) % n;
}

/*
 * Random packets from an honest backend (random slot counts, offsets,
 * sizes, GSO) come out as they went in; then with one field of one slot
 * made up, whatever parse says must still be safe: nothing taken beyond
 * what was produced, and no data outside a page in a packet it passes.
 */
static void test_rx_random(void)
{
	struct xldrv_netfront_rx_pkt pkt;
	unsigned int round, i, nd, len, ok = 0, bad = 0;
	u16 off[XLDRV_NETFRONT_RX_MAX_FRAGS];
	s16 sz[XLDRV_NETFRONT_RX_MAX_FRAGS];
	bool gso;
	int n;

	rx_setup();
	for (round = 0; round < 20000 && check_failures <= 20; round++) {
		RING_IDX first = prod;
		bool corrupt = rnd(4) == 0;

		nd = 1 + rnd(XLDRV_NETFRONT_RX_MAX_FRAGS);
		gso = nd > 1 && rnd(2);
		len = 0;
		for (i = 0; i < nd; i++) {
			off[i] = rnd(2) ? 0 : rnd(4096);
			sz[i] = rnd(4096 - off[i] + 1);
			if (!i && sz[i] < 14)
				sz[i] = 4096 - off[i] < 14 ? 0 : 14;
			if (!i && sz[i] < 14)
				off[i] = 0, sz[i] = 14;
			len += sz[i];
		}
		for (i = 0; i < nd; i++) {
			u16 fl = i + 1 < nd ? XEN_NETRXF_more_data : 0;

			if (!i && gso)
				fl |= XEN_NETRXF_extra_info |
				      XEN_NETRXF_csum_blank;
			put_data(off[i], sz[i], fl);
			if (!i && gso)
				put_extra(XEN_NETIF_EXTRA_TYPE_GSO, 1400,
					  XEN_NETIF_GSO_TYPE_TCPV4, false);
		}
		if (corrupt) {
			struct xen_netif_rx_response *r = RING_GET_RESPONSE(
				&ring, first + rnd(prod - first));
			unsigned int v = rnd(65536);

			switch (rnd(4)) {
			case 0:
				r->id = v;
				break;
			case 1:
				r->offset = v;
				break;
			case 2:
				r->flags = v;
				break;
			default:
				r->status = (s16)v;
				break;
			}
		}
		n = parse(&pkt);
		if (!corrupt) {
			CHECK_EQ(n, (int)(prod - first));
			CHECK_EQ(pkt.err, XLDRV_NETFRONT_RX_OK);
			CHECK_EQ(pkt.nr_data, nd);
			CHECK_EQ(pkt.len, len);
			CHECK_EQ(pkt.gso_size, gso ? 1400 : 0);
			for (i = 0; i < nd && i < pkt.nr_data; i++) {
				CHECK_EQ(pkt.rsp[i].offset, off[i]);
				CHECK_EQ(pkt.rsp[i].status, sz[i]);
			}
			ok++;
		} else {
			CHECK(n == XLDRV_NETFRONT_EPROTO ||
			      n == XLDRV_NETFRONT_RX_INCOMPLETE ||
			      (n > 0 && (RING_IDX)n <= prod - first));
			if (n > 0 && pkt.err == XLDRV_NETFRONT_RX_OK) {
				CHECK(pkt.nr_data <= XLDRV_NETFRONT_RX_MAX_FRAGS);
				for (i = 0; i < pkt.nr_data; i++)
					CHECK(pkt.rsp[i].status >= 0 &&
					      pkt.rsp[i].offset +
					      pkt.rsp[i].status <= 4096);
				CHECK(pkt.len >= 14);
			}
			bad++;
		}
		/* The front end moves past what was sent, as after a reset. */
		rx_consume(prod - first);
	}
	CHECK(ok > 1000 && bad > 1000);
	printf("random: %u honest packets, %u with a made-up field\n", ok,
	       bad);
}

/*
 * The pages a backend may strand on one ring before we stop using it,
 * counted a slot at a time as rx.c and tx.c do.  The lab's hostile
 * backend (frontend-hostile-backend) holds 8 rx pages twice: far below.
 */
static void test_strand(void)
{
	unsigned int limit = XLDRV_NETFRONT_STRAND_LIMIT(256);
	struct xldrv_strand st;
	unsigned int i, said = 0;

	CHECK_EQ(limit, 512);
	xldrv_strand_reset(&st);
	for (i = 0; i < 16; i++)
		said += xldrv_strand_add(&st, 1, limit);
	CHECK_EQ(said, 0);
	CHECK(!st.over);
	/* Every slot of two rings, then one more: broken, said once. */
	for (; i < limit; i++)
		said += xldrv_strand_add(&st, 1, limit);
	CHECK_EQ(said, 0);
	for (; i < 4 * limit; i++)
		said += xldrv_strand_add(&st, 1, limit);
	CHECK_EQ(said, 1);
	CHECK(st.over);
	/* The next backend starts from nothing. */
	xldrv_strand_reset(&st);
	CHECK(!st.over);
	CHECK_EQ(st.pages, 0);
	CHECK(!xldrv_strand_add(&st, 1, limit));
}

int main(void)
{
	test_tx_ids();
	test_rx_ids();
	test_prod();
	test_tx_rsp();
	test_rx_fixed();
	test_rx_random();
	test_strand();
	return check_done("xldrv_netfront_proto");
}
