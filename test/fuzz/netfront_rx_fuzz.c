// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: xldrv_netfront's rx response parser against whatever
 * a hostile backend can write on the rx ring.  The frontend has posted
 * every one of the ring's 256 positions; the backend has answered some of
 * them.  Input: one byte placing the first response (the ring's indices
 * run across the end of the ring and across 2^32), then 8-byte responses,
 * as many as there are (at most 256).  A response's id is XORed with the
 * id posted at its position, so zero bytes there make it the right one.
 *
 * Packets are taken one after another, as the module's rx poll does, and
 * each result is checked against a naive reading of the same slots done
 * here (flags only, in ring order), besides: the parser must not judge a
 * packet before its last slot is on the ring, must give the same packet
 * from exactly its own slots, and must not read any slot outside the
 * responses it is given (those are poisoned for ASan while it runs).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sanitizer/asan_interface.h>
#include "fuzz.h"
#include "netfront/proto.c"

#define RXS 256u

static union {
	struct xen_netif_rx_sring s;
	unsigned char page[4096];
} shared __attribute__((aligned(4096)));
static struct xen_netif_rx_front_ring ring;
static struct xldrv_netfront_ids ids;
static struct xldrv_netfront_id ent[RXS];

static void fail(const char *what, RING_IDX cons)
{
	fprintf(stderr, "rx parser, packet at %#x: %s\n", cons, what);
	abort();
}

static const union xldrv_netfront_rx_slot *slot_at(RING_IDX idx)
{
	return (const void *)RING_GET_RESPONSE(&ring, idx);
}

/* Only the responses in [cons, prod) readable while the parser runs. */
static int parse_window(RING_IDX cons, RING_IDX prod,
			struct xldrv_netfront_rx_pkt *pkt)
{
	unsigned int i;
	int n;

	for (i = 0; i < RXS; i++)
		if ((RING_IDX)(i - cons) % RXS >= prod - cons)
			ASAN_POISON_MEMORY_REGION(&shared.s.ring[i],
						  sizeof(shared.s.ring[i]));
	n = xldrv_netfront_rx_parse(&ring, cons, prod, &ids, pkt);
	ASAN_UNPOISON_MEMORY_REGION(shared.s.ring, sizeof(shared.s.ring[0]) * RXS);
	return n;
}

/* What the packet at @cons is, read naively; see check_packet(). */
struct naive {
	unsigned int slots;	/* RXS + 1: runs past prod */
	unsigned int extras, data;
	bool out_of_step;	/* a data slot with another id */
	bool too_many_extras;
	enum xldrv_netfront_rx_err err;
	unsigned int len;
	u16 gso_size;
	u8 gso_type;
};

static void naive_fail(struct naive *nv, enum xldrv_netfront_rx_err err)
{
	if (nv->err == XLDRV_NETFRONT_RX_OK)
		nv->err = err;
}

/* Unknown types are skipped; a GSO one must be TCP with a size. */
static void naive_extra(const struct xen_netif_extra_info *x,
			struct naive *nv)
{
	if (x->type == XEN_NETIF_EXTRA_TYPE_NONE ||
	    x->type >= XEN_NETIF_EXTRA_TYPE_MAX) {
		naive_fail(nv, XLDRV_NETFRONT_RX_BAD_EXTRA);
		return;
	}
	if (x->type != XEN_NETIF_EXTRA_TYPE_GSO)
		return;
	if (!x->u.gso.size || (x->u.gso.type != XEN_NETIF_GSO_TYPE_TCPV4 &&
			       x->u.gso.type != XEN_NETIF_GSO_TYPE_TCPV6)) {
		naive_fail(nv, XLDRV_NETFRONT_RX_BAD_EXTRA);
		return;
	}
	nv->gso_size = x->u.gso.size;
	nv->gso_type = x->u.gso.type;
}

static void naive_read(RING_IDX cons, RING_IDX prod, struct naive *nv)
{
	const struct xen_netif_extra_info *x;
	const struct xen_netif_rx_response *r;
	RING_IDX idx = cons;
	bool more = true;

	memset(nv, 0, sizeof(*nv));
	while (more) {
		if (idx == prod)
			goto past;
		r = &slot_at(idx)->rsp;
		if (r->id != ent[idx % RXS].id) {
			nv->out_of_step = true;
			return;
		}
		more = r->flags & XEN_NETRXF_more_data;
		idx++;
		if (++nv->data == XLDRV_NETFRONT_RX_MAX_FRAGS + 1)
			naive_fail(nv, XLDRV_NETFRONT_RX_TOO_MANY);
		if (nv->data > 1 || !(r->flags & XEN_NETRXF_extra_info))
			continue;
		do {
			if (idx == prod)
				goto past;
			if (++nv->extras > XEN_NETIF_EXTRA_TYPE_MAX - 1) {
				nv->too_many_extras = true;
				return;
			}
			x = &slot_at(idx)->extra;
			idx++;
			naive_extra(x, nv);
		} while (x->flags & XEN_NETIF_EXTRA_FLAG_MORE);
	}
	nv->slots = idx - cons;
	return;
past:
	nv->slots = RXS + 1;
}

/* Data slot @i of the packet at @cons, where the module takes it from. */
static const struct xen_netif_rx_response *
data_slot(RING_IDX cons, unsigned int extras, unsigned int i)
{
	return &slot_at(cons + (i ? extras + i : 0))->rsp;
}

/* Lengths and status, in data slot order, after what the walk found. */
static void naive_data(RING_IDX cons, struct naive *nv)
{
	const struct xen_netif_rx_response *r;
	unsigned int i;

	for (i = 0; i < nv->data && i < XLDRV_NETFRONT_RX_MAX_FRAGS; i++) {
		r = data_slot(cons, nv->extras, i);
		if (r->status < 0)
			naive_fail(nv, XLDRV_NETFRONT_RX_STATUS);
		else if (r->offset + (unsigned int)r->status > 4096)
			naive_fail(nv, XLDRV_NETFRONT_RX_BAD_SLOT);
		else
			nv->len += r->status;
	}
	if (nv->len < XLDRV_NETFRONT_ETH_HLEN)
		naive_fail(nv, XLDRV_NETFRONT_RX_SHORT);
}

/* Field by field: a struct assignment need not copy padding. */
static bool same_packet(const struct xldrv_netfront_rx_pkt *a,
			const struct xldrv_netfront_rx_pkt *b)
{
	return a->nr_data == b->nr_data && a->slots == b->slots &&
	       a->extras == b->extras && a->len == b->len &&
	       a->flags == b->flags && a->gso_size == b->gso_size &&
	       a->gso_type == b->gso_type && a->err == b->err &&
	       !memcmp(a->rsp, b->rsp, a->nr_data * sizeof(a->rsp[0]));
}

static void check_packet(RING_IDX cons, RING_IDX prod, int n,
			 const struct xldrv_netfront_rx_pkt *pkt)
{
	struct xldrv_netfront_rx_pkt again;
	struct naive nv;
	unsigned int i;

	naive_read(cons, prod, &nv);
	if (n == XLDRV_NETFRONT_EPROTO) {
		if (!nv.out_of_step && !nv.too_many_extras)
			fail("out of step, but every id is right", cons);
		return;
	}
	if (nv.out_of_step || nv.too_many_extras)
		fail("taken, but out of step", cons);
	if (n == XLDRV_NETFRONT_RX_INCOMPLETE) {
		if (nv.slots <= prod - cons)
			fail("incomplete, but its last slot is there", cons);
		return;
	}
	if (n < 0 || (unsigned int)n != nv.slots || pkt->slots != nv.slots)
		fail("another slot count", cons);
	if (pkt->extras != nv.extras)
		fail("another extra count", cons);
	if (pkt->nr_data != (nv.data < XLDRV_NETFRONT_RX_MAX_FRAGS ?
			     nv.data : XLDRV_NETFRONT_RX_MAX_FRAGS))
		fail("another data count", cons);
	for (i = 0; i < pkt->nr_data; i++)
		if (memcmp(&pkt->rsp[i], data_slot(cons, nv.extras, i),
			   sizeof(pkt->rsp[i])))
			fail("a data slot other than the one the module takes",
			     cons);
	if (pkt->flags != data_slot(cons, 0, 0)->flags)
		fail("not the first slot's flags", cons);

	naive_data(cons, &nv);
	if (pkt->err != nv.err)
		fail("another verdict", cons);
	if (pkt->err == XLDRV_NETFRONT_RX_OK &&
	    (pkt->len != nv.len || pkt->gso_size != nv.gso_size ||
	     pkt->gso_type != nv.gso_type))
		fail("another length or offload", cons);

	for (i = 0; i < (unsigned int)n; i++)
		if (parse_window(cons, cons + i, &again) !=
		    XLDRV_NETFRONT_RX_INCOMPLETE)
			fail("judged before its last slot", cons);
	if (parse_window(cons, cons + n, &again) != n ||
	    !same_packet(&again, pkt))
		fail("needs a slot past its end", cons);
}

/* The module's side after a packet: its positions posted again. */
static void consume(RING_IDX cons, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		xldrv_netfront_ids_put(&ids, (cons + i) % RXS);
		if (xldrv_netfront_ids_get_at(&ids, (cons + i) % RXS) < 0)
			fail("a consumed position cannot be posted again",
			     cons);
	}
	ring.req_prod_pvt += n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xldrv_netfront_rx_pkt pkt;
	struct xen_netif_rx_response r;
	RING_IDX start, cons, prod;
	unsigned int i, nr;
	int n;

	if (size < 1)
		return 0;
	start = 0xffffff80u + data[0];
	nr = (size - 1) / sizeof(r);
	if (nr > RXS)
		nr = RXS;

	memset(&shared, 0, sizeof(shared));
	SHARED_RING_INIT(&shared.s);
	FRONT_RING_INIT(&ring, &shared.s, sizeof(shared));
	if (RING_SIZE(&ring) != RXS)
		fail("not a one-page ring of 256", 0);
	ring.rsp_cons = start;
	ring.req_prod_pvt = start + RXS;
	xldrv_netfront_ids_init(&ids, ent, RXS, true);
	for (i = 0; i < RXS; i++)
		xldrv_netfront_ids_get_at(&ids, (start + i) % RXS);
	for (i = 0; i < nr; i++) {
		memcpy(&r, data + 1 + i * sizeof(r), sizeof(r));
		r.id ^= ent[(start + i) % RXS].id;
		*RING_GET_RESPONSE(&ring, start + i) = r;
	}
	prod = start + nr;
	if (!xldrv_netfront_rsp_prod_ok(start, prod, ring.req_prod_pvt) ||
	    xldrv_netfront_rsp_prod_ok(start, prod + 1, start + nr))
		fail("response count check", start);

	for (cons = start; cons != prod; cons += n) {
		n = parse_window(cons, prod, &pkt);
		check_packet(cons, prod, n, &pkt);
		if (n <= 0)
			break;
		consume(cons, n);
	}
	return 0;
}
