/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xldrv_netmap: parsing netif tx requests from an untrusted frontend.
 *
 * A packet on the tx ring is
 *
 *	first xen_netif_tx_request	size = whole frame, flags XEN_NETTXF_*
 *	[xen_netif_extra_info ...]	if XEN_NETTXF_extra_info, chained by
 *					XEN_NETIF_EXTRA_FLAG_MORE
 *	[xen_netif_tx_request ...]	while the previous data slot has
 *					XEN_NETTXF_more_data
 *
 * The parser only ever sees private copies of slots: the caller takes each
 * one off the shared ring with RING_COPY_REQUEST (into the .req member of
 * union xldrv_netmap_tx_slot, extra-info slots included: they overlay a
 * request) and hands it over, so a frontend rewriting the ring changes
 * nothing once a slot has been looked at.  Two ways to drive it:
 *
 *	xldrv_netmap_tx_begin(&pkt);
 *	do {
 *		if (nothing more on the ring)
 *			wait, keeping pkt;	(NEED_MORE)
 *		RING_COPY_REQUEST(&ring, cons + pkt.nr_slots, &slot.req);
 *		v = xldrv_netmap_tx_add(&pkt, &lim, &slot);
 *	} while (v == XLDRV_NETMAP_TX_NEED_MORE);
 *
 * or copy several slots into an array and call xldrv_netmap_tx_parse().
 * Either way nr_slots says how many slots the packet took; the parser
 * never looks past the slot that ends the packet (or the one that proves
 * the frontend hostile).  No slot count needs checking by the caller, but
 * the caller must itself refuse a producer index more than a ring ahead of
 * its consumer index, as netback does.
 *
 * Answers: a packet that is not fatal is answered slot by slot, ring order:
 * frags[0].id with the status, then XEN_NETIF_RSP_NULL for each of the
 * nr_extras extra slots, then frags[1..nr_frags) by id.  Dropped packets
 * are answered XEN_NETIF_RSP_ERROR (xldrv_netmap_tx_status()); all their
 * data slots are in frags[], so every id can be answered.
 *
 * The checks follow what Linux's xen-netback does with the same protocol
 * (drivers/net/xen-netback/netback.c), and what stock xen-netfront sends.
 * The code is plain C over netif's structures: the module builds it, and
 * so do the unit tests and the fuzzer, in userspace (test/unit/harness).
 */
#ifndef XLDRV_NETMAP_TXREQ_H
#define XLDRV_NETMAP_TXREQ_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <xen/interface/io/netif.h>

/* Grants are of Xen pages, whatever the kernel's page size. */
#define XLDRV_NETMAP_GRANT_SIZE 4096u

/*
 * Data slots (the first request and its fragments, extras not counted) a
 * packet may use.  netif.h's XEN_NETIF_NR_SLOTS_MIN (18) is what every
 * frontend may count on, and what xen-netfront never exceeds (it
 * linearizes a bigger skb: MAX_XEN_SKB_FRAGS + 1).  The limits can only
 * lower it.
 */
#define XLDRV_NETMAP_TX_MAX_FRAGS XEN_NETIF_NR_SLOTS_MIN
/* At most one extra of each type: see XLDRV_NETMAP_TX_BAD_EXTRA. */
#define XLDRV_NETMAP_TX_MAX_EXTRAS (XEN_NETIF_EXTRA_TYPE_MAX - 1)
/* The most ring slots any packet the parser does not call fatal takes. */
#define XLDRV_NETMAP_TX_MAX_PKT_SLOTS \
	(XLDRV_NETMAP_TX_MAX_FRAGS + XLDRV_NETMAP_TX_MAX_EXTRAS)
/* A frame's size field is 16 bits: this is never reached, only a limit. */
#define XLDRV_NETMAP_TX_MAX_FRAME (ETH_MAX_MTU + ETH_HLEN)
#define XLDRV_NETMAP_TX_GSO_MIN 48

/*
 * What became of a packet: one counter each, and the log line's words
 * (xldrv_netmap_tx_verdict_name).  Three kinds:
 *
 * NEED_MORE: the packet goes on past the slots available.  Not an error:
 * wait for more and go on.  (netback calls it fatal, since xen-netfront
 * publishes whole packets only; a frontend that stops halfway through
 * stalls its own tx ring and nothing else.)
 *
 * Drop (below XLDRV_NETMAP_TX_FIRST_FATAL): the packet is consumed and
 * answered XEN_NETIF_RSP_ERROR, the vif goes on.  These are packets a
 * buggy but honest frontend can send, or ones the slots still frame
 * unambiguously, so the ring stays in step.
 *
 * Fatal (XLDRV_NETMAP_TX_FIRST_FATAL and up): the frontend is hostile or
 * broken beyond trusting its ring; netback disables the vif for each of
 * these, and so should the mapper (stop taking its requests, report
 * xenbus_dev_fatal).  No answers are owed.
 */
enum xldrv_netmap_tx_verdict {
	XLDRV_NETMAP_TX_OK = 0,
	XLDRV_NETMAP_TX_NEED_MORE,
	/* Drop the packet. */
	/* First slot < an Ethernet header: netfront bounces such skbs. */
	XLDRV_NETMAP_TX_TOO_SHORT,
	/* Fragments larger than the frame: a frame of 64 KiB or more wraps
	 * the 16-bit size, and some frontends send them.
	 */
	XLDRV_NETMAP_TX_SIZE_MISMATCH,
	XLDRV_NETMAP_TX_OVERSIZE,	/* non-GSO frame over max_frame */
	XLDRV_NETMAP_TX_EMPTY_FRAG,	/* a fragment of no bytes */
	/* GSO of a type not advertised: like an unsupported operation. */
	XLDRV_NETMAP_TX_GSO_UNOFFERED,
	/*
	 * A GSO segment size below TCP's own floor (TCP_MIN_SND_MSS): 64 KiB
	 * in 1-byte segments is some 65000 frames from one request, made
	 * here (for a client without GSO) or by the NIC.
	 */
	XLDRV_NETMAP_TX_GSO_TINY,
	/* Multicast-list request with data, GSO, both add and del, or an
	 * address without the group bit.
	 */
	XLDRV_NETMAP_TX_BAD_MCAST,

	/* Fatal for the vif. */
	XLDRV_NETMAP_TX_FIRST_FATAL,
	/* More data slots than max_slots: netback's "malicious frontend". */
	XLDRV_NETMAP_TX_TOO_MANY_SLOTS = XLDRV_NETMAP_TX_FIRST_FATAL,
	/* offset + size past the granted page: a grant copy out of bounds. */
	XLDRV_NETMAP_TX_CROSS_PAGE,
	/* Extra info of type 0 or unknown (as netback), or repeated: never
	 * sent honestly, and refusing it bounds the chain.
	 */
	XLDRV_NETMAP_TX_BAD_EXTRA,
	XLDRV_NETMAP_TX_BAD_GSO,	/* gso size 0 or unknown gso type */
	XLDRV_NETMAP_TX_NR_VERDICTS,
};

extern const char *const
xldrv_netmap_tx_verdict_name[XLDRV_NETMAP_TX_NR_VERDICTS];

/* What the vif accepts: fixed while it is connected. */
struct xldrv_netmap_tx_limits {
	/* Data slots per packet: 0 means XLDRV_NETMAP_TX_MAX_FRAGS, and
	 * more is taken as that.
	 */
	unsigned int max_slots;
	/* Largest non-GSO frame in bytes (MTU + ETH_HLEN); 0 means
	 * XLDRV_NETMAP_TX_MAX_FRAME.
	 */
	unsigned int max_frame;
	bool gso_tcpv4;		/* feature-gso-tcpv4 advertised */
	bool gso_tcpv6;		/* feature-gso-tcpv6 advertised */
};

/* One ring slot, copied: a request, or an extra info overlaying one. */
union xldrv_netmap_tx_slot {
	struct xen_netif_tx_request req;
	struct xen_netif_extra_info extra;
};

struct xldrv_netmap_tx_frag {
	grant_ref_t gref;
	u16 offset;
	u16 size;	/* for frags[0]: the frame less the other fragments */
	u16 id;		/* echoed in the slot's response */
};

/* A parsed packet, in the mapper's own memory. */
struct xldrv_netmap_tx_pkt {
	unsigned int nr_slots;	/* ring slots taken, extras included */
	unsigned int nr_frags;	/* data slots: frags[0..nr_frags) */
	unsigned int nr_extras;	/* extra slots, right after frags[0] */
	/* Frame bytes, the frags' sizes added up (0: multicast request). */
	u32 len;
	bool csum_blank;	/* XEN_NETTXF_csum_blank: checksum to fill */
	bool data_validated;	/* XEN_NETTXF_data_validated */
	/* XEN_NETIF_GSO_TYPE_* (NONE: not GSO) and the MSS.  The stack
	 * must still treat such a packet as SKB_GSO_DODGY.
	 */
	u8 gso_type;
	u16 gso_size;
	/* XEN_NETIF_EXTRA_TYPE_MCAST_{ADD,DEL}: a request to change the
	 * vif's multicast list, no frame; or 0.
	 */
	u8 mcast_op;
	u8 mcast_addr[ETH_ALEN];
	bool hash_valid;	/* XEN_NETIF_EXTRA_TYPE_HASH came */
	u8 hash_type;		/* _XEN_NETIF_CTRL_HASH_TYPE_* */
	u32 hash;
	struct xldrv_netmap_tx_frag frags[XLDRV_NETMAP_TX_MAX_FRAGS];

	/* The parser's own state between slots. */
	u8 state;
	u8 extras_seen;		/* bit per extra type */
	/* The final verdict; or while slots still come, the first reason
	 * to drop found.
	 */
	u8 verdict;
	u16 first_flags;
	u32 rest;		/* bytes in frags[1..] */
};

void xldrv_netmap_tx_begin(struct xldrv_netmap_tx_pkt *pkt);

enum xldrv_netmap_tx_verdict
xldrv_netmap_tx_add(struct xldrv_netmap_tx_pkt *pkt,
		    const struct xldrv_netmap_tx_limits *lim,
		    const union xldrv_netmap_tx_slot *slot);

enum xldrv_netmap_tx_verdict
xldrv_netmap_tx_parse(const union xldrv_netmap_tx_slot *slots,
		      unsigned int avail,
		      const struct xldrv_netmap_tx_limits *lim,
		      struct xldrv_netmap_tx_pkt *pkt);

static inline bool xldrv_netmap_tx_fatal(enum xldrv_netmap_tx_verdict v)
{
	return v >= XLDRV_NETMAP_TX_FIRST_FATAL;
}

/* The status a packet's slots are answered with (not for fatal ones). */
static inline int xldrv_netmap_tx_status(enum xldrv_netmap_tx_verdict v)
{
	return v == XLDRV_NETMAP_TX_OK ? XEN_NETIF_RSP_OKAY :
					 XEN_NETIF_RSP_ERROR;
}

#endif /* XLDRV_NETMAP_TXREQ_H */
