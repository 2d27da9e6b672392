/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xldrv_netfront: what the backend tells us, checked.  The id tables of
 * the two rings and the parsing of rx responses into packets: plain C
 * over netif's structures, built by the module and, in userspace, by the
 * unit test (test/unit/xldrv_netfront_proto_test.c).
 *
 * Nothing the backend writes is trusted.  A response is copied off the
 * shared ring once, and only the copy is looked at; an id is taken only
 * if it is exactly what we issued for a slot that is still in use.
 */
#ifndef XLDRV_NETFRONT_PROTO_H
#define XLDRV_NETFRONT_PROTO_H

#include <linux/types.h>
#include <xen/interface/io/netif.h>

/* A slot is the low byte of an id; the high byte is the slot's tag. */
#define XLDRV_NETFRONT_IDS_MAX 256u
#define XLDRV_NETFRONT_NONE (-1)

/* Data slots in one rx packet: each becomes an skb fragment. */
#define XLDRV_NETFRONT_RX_MAX_FRAGS 17u
/* Extra info slots in one rx packet: at most one of each type. */
#define XLDRV_NETFRONT_RX_MAX_EXTRAS (XEN_NETIF_EXTRA_TYPE_MAX - 1)
#define XLDRV_NETFRONT_ETH_HLEN 14u
/* netif's pages are Xen's, whatever the kernel's page size. */
#define XLDRV_NETFRONT_XEN_PAGE 4096u

/*
 * Pages a backend may strand on our side (common/strand.h) on a ring of
 * @size slots, a page each, before we stop using it: twice what a backend
 * breaking down with the ring full could leave.
 */
#define XLDRV_NETFRONT_STRAND_LIMIT(size) (2u * (size))

struct xldrv_netfront_id {
	u16 id;		/* as last issued */
	u8 tag;		/* times issued, wrapping: the id's high byte */
	bool busy;
	s16 next_free;
};

/*
 * One ring's ids.  The tx table hands out free slots (get); the rx table
 * is indexed by ring position (get_at), as rx responses answer requests
 * in ring order.  Tags are kept across reset(): a slot's first id on a
 * new ring differs from its last one on the old.
 */
struct xldrv_netfront_ids {
	struct xldrv_netfront_id *ent;	/* the caller's array */
	unsigned int size;		/* a power of two, at most IDS_MAX */
	bool by_pos;			/* rx: get_at() only */
	int free_head;			/* tx: get() only */
	unsigned int nr_busy;
};

void xldrv_netfront_ids_init(struct xldrv_netfront_ids *ids,
			     struct xldrv_netfront_id *ent, unsigned int size,
			     bool by_pos);
void xldrv_netfront_ids_reset(struct xldrv_netfront_ids *ids);
int xldrv_netfront_ids_get(struct xldrv_netfront_ids *ids);
int xldrv_netfront_ids_get_at(struct xldrv_netfront_ids *ids,
			      unsigned int slot);
int xldrv_netfront_ids_lookup(const struct xldrv_netfront_ids *ids, u16 id);
void xldrv_netfront_ids_put(struct xldrv_netfront_ids *ids, int slot);

bool xldrv_netfront_rsp_prod_ok(RING_IDX rsp_cons, RING_IDX rsp_prod,
				RING_IDX req_prod);

/* What xldrv_netfront_tx_rsp() returns besides a slot. */
#define XLDRV_NETFRONT_TX_NULL (-2)	/* the answer to an extra info slot */
#define XLDRV_NETFRONT_EPROTO (-3)	/* the backend broke the protocol */

int xldrv_netfront_tx_rsp(const struct xldrv_netfront_ids *ids,
			  const struct xen_netif_tx_response *rsp);

enum xldrv_netfront_rx_err {
	XLDRV_NETFRONT_RX_OK,
	XLDRV_NETFRONT_RX_STATUS,	/* the backend says it failed */
	XLDRV_NETFRONT_RX_BAD_SLOT,	/* data outside the page */
	XLDRV_NETFRONT_RX_TOO_MANY,	/* more fragments than an skb has */
	XLDRV_NETFRONT_RX_BAD_EXTRA,	/* an extra info we cannot take */
	XLDRV_NETFRONT_RX_SHORT,	/* less than an Ethernet header */
};

struct xldrv_netfront_rx_pkt {
	/* Copies of the data slots' responses, in order. */
	struct xen_netif_rx_response rsp[XLDRV_NETFRONT_RX_MAX_FRAGS];
	unsigned int nr_data;	/* data slots stored in rsp[] */
	unsigned int slots;	/* ring slots it took: data and extras */
	unsigned int extras;	/* of which extra info, right after the first */
	unsigned int len;	/* bytes, when err is OK */
	u16 flags;		/* the first slot's */
	u16 gso_size;		/* 0: not GSO */
	u8 gso_type;		/* XEN_NETIF_GSO_TYPE_* */
	enum xldrv_netfront_rx_err err;	/* OK, or why it is dropped */
};

/* What xldrv_netfront_rx_parse() returns besides a slot count. */
#define XLDRV_NETFRONT_RX_INCOMPLETE 0

int xldrv_netfront_rx_parse(const struct xen_netif_rx_front_ring *ring,
			    RING_IDX cons, RING_IDX prod,
			    const struct xldrv_netfront_ids *ids,
			    struct xldrv_netfront_rx_pkt *pkt);

#endif /* XLDRV_NETFRONT_PROTO_H */
