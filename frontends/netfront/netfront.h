/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xldrv_netfront: a netif frontend that survives its backend.  The
 * net_device lives as long as the xenbus device: when the driver domain
 * serving it dies or moves, the carrier goes off, what was in flight is
 * dropped (the network may drop; TCP retransmits), and once a backend
 * (the same one back, or the one our own "backend" node names now)
 * offers itself, new rings are made for it and the carrier comes back.
 *
 * tx data: to a trusted backend (our `trusted` parameter and the
 * toolstack's "trusted" node, as xen-netfront reads them) the pages of a
 * packet's fragments are granted as they are, each such slot holding a
 * reference to the skb until the backend answers it, as xen-netfront
 * does; the linear part, and to an untrusted backend the whole packet,
 * is copied into pages of our own, freed with each ring (the next
 * backend may be another domain).  rx buffers are pages we allocate:
 * for a trusted backend from a page_pool, recycled once the stack is done
 * with them, as xen-netfront does (a fresh page costs its zeroing, some
 * 2% of the client's CPU under a TCP receive in the lab); for an
 * untrusted one each a fresh zeroed page, so that it never gets a page
 * that held anything before (the stack may have written in a received
 * page: IPsec decrypts in place).  A page of ours the backend may still
 * map when we end its grant is handed to the grant table code, which
 * frees it once the mapping is gone; a page of the stack's is kept, by a
 * reference the grant table code drops then.
 */
#ifndef XLDRV_NETFRONT_H
#define XLDRV_NETFRONT_H

#include <linux/interrupt.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <net/page_pool.h>
#include <xen/grant_table.h>
#include <xen/xenbus.h>
#include <xen/interface/io/netif.h>

#include "../common/follow.h"
#include "../common/strand.h"
#include "proto.h"

#define XLDRV_NETFRONT_TX_SIZE __CONST_RING_SIZE(xen_netif_tx, XEN_PAGE_SIZE)
#define XLDRV_NETFRONT_RX_SIZE __CONST_RING_SIZE(xen_netif_rx, XEN_PAGE_SIZE)
/*
 * Data slots a tx packet may take: what every backend must accept.  A
 * packet copied whole takes a page per slot, so always fits; one granted
 * in place may touch more pages than that, and is then copied.
 */
#define XLDRV_NETFRONT_TX_MAX_DATA XEN_NETIF_NR_SLOTS_MIN
/* ... and with the GSO extra info. */
#define XLDRV_NETFRONT_TX_MAX_SLOTS (XLDRV_NETFRONT_TX_MAX_DATA + 1)

extern unsigned int xldrv_netfront_rx_copy_break;
extern bool xldrv_netfront_trusted;

enum xldrv_netfront_conn {
	XLDRV_NETFRONT_DOWN,	/* no rings: carrier off */
	XLDRV_NETFRONT_RING,	/* rings offered, backend not yet Connected */
	XLDRV_NETFRONT_UP,	/* connected: carrier on */
};

/*
 * A tx slot, granted read-only while in flight: one of our pages, the
 * data copied into it, or (@lent) a page of the skb's fragments.
 */
struct xldrv_netfront_txbuf {
	struct page *page;
	struct page *lent;
	/*
	 * A reference to the packet's skb, on its first slot and on each
	 * lent one, dropped when that slot is answered: the skb is freed
	 * once the backend is done with all of it, not at xmit, so that
	 * TCP small queues see how much is still on its way.
	 */
	struct sk_buff *skb;
	grant_ref_t gref;
	bool granted;
	bool gref_pooled;	/* gref is of the ring's grefs (grant.c) */
	bool head;		/* first slot of a packet: its len counts */
	unsigned int len;	/* the packet's, on the head slot */
};

/*
 * An rx slot: one of our pages, granted to the backend to copy into; of
 * rx_pool if the ring's rx_pooled says so (every page of a ring is).
 */
struct xldrv_netfront_rxbuf {
	struct page *page;
	grant_ref_t gref;
	bool granted;
	bool gref_pooled;	/* gref is of the ring's grefs (grant.c) */
};

/* A ring's grant references for its data slots (grant.c). */
struct xldrv_netfront_grefs {
	grant_ref_t head;	/* those no slot holds */
	bool have;		/* taken from the table with the ring */
};

/* Counters beyond rtnl_link_stats64, for ethtool -S. */
struct xldrv_netfront_xstats {
	atomic64_t connects;	/* backends connected (the first included) */
	atomic64_t lost;	/* connections lost */
	atomic64_t protocol_errors;	/* rings dropped: protocol broken */
	atomic64_t tx_lost;	/* tx packets in flight when a ring went */
	atomic64_t rx_bad;	/* rx packets dropped as malformed */
	atomic64_t tx_granted;	/* tx packets: fragments' pages granted */
	atomic64_t tx_copied;	/* tx packets: copied whole */
};

struct xldrv_netfront_stats {
	u64_stats_t packets, bytes, dropped, errors;
	struct u64_stats_sync syncp;
};

struct xldrv_netfront {
	struct xenbus_device *xdev;
	struct net_device *ndev;
	struct napi_struct napi;

	/* Serialises the xenbus side: update(), the reset work, remove. */
	struct mutex mutex;
	/*
	 * tx_lock: the tx ring, its ids and buffers, and conn and reset
	 * (written under both locks); rx_lock: the rx ring, ids, buffers.
	 * Both are taken from softirq context (xmit, NAPI): _bh elsewhere.
	 */
	spinlock_t tx_lock;
	spinlock_t rx_lock;

	/* The backend we follow: what our "backend" node names now. */
	struct xldrv_follow follow;
	bool removing;
	/* This backend stranded too many of our pages: wait for another. */
	bool refused;

	enum xldrv_netfront_conn conn;
	/* Bit 0: the ring is broken, the reset work makes the backend let go. */
	unsigned long reset;

	/* What the current backend takes from us (xenbus.c). */
	bool be_sg, be_gso_tcpv4, be_gso_tcpv6, be_ipv6_csum;
	/* Trusted: fragments' pages are granted, not copied (tx.c). */
	bool tx_zerocopy;
	/*
	 * The backend's features as read at its InitWait (xldrv_netmap
	 * writes them before), so that its Connected finds nothing left
	 * to read; taken over at connect, under RTNL.
	 */
	struct xldrv_netfront_be_features {
		bool sg, gso_tcpv4, gso_tcpv6, ipv6_csum;
	} early;
	bool have_early;

	evtchn_port_t evtchn;
	int irq;

	struct xen_netif_tx_front_ring tx;
	struct page *tx_ring_page;
	grant_ref_t tx_ring_ref;
	struct xldrv_netfront_ids tx_ids;
	struct xldrv_netfront_id tx_id_ent[XLDRV_NETFRONT_TX_SIZE];
	struct xldrv_netfront_txbuf txb[XLDRV_NETFRONT_TX_SIZE];
	struct xldrv_netfront_grefs tx_grefs;	/* under tx_lock */
	/* tx pages this backend answered and kept mapped (common/strand.h) */
	struct xldrv_strand tx_strand;	/* under tx_lock */

	struct xen_netif_rx_front_ring rx;
	struct page *rx_ring_page;
	grant_ref_t rx_ring_ref;
	struct xldrv_netfront_ids rx_ids;
	struct xldrv_netfront_id rx_id_ent[XLDRV_NETFRONT_RX_SIZE];
	struct xldrv_netfront_rxbuf rxb[XLDRV_NETFRONT_RX_SIZE];
	struct xldrv_netfront_grefs rx_grefs;	/* under rx_lock */
	struct xldrv_strand rx_strand;	/* under rx_lock: as tx_strand */
	/*
	 * A backend answered a slot whose page it still maps: no pool of
	 * grant references from then on, for the device's life (grant.c).
	 */
	bool grefs_off;
	RING_IDX rx_seen;	/* responses looked at: for the event index */
	struct page_pool *rx_pool;	/* the device's, from probe to remove */
	bool rx_pooled;		/* this ring's rx pages: rx_pool's (trusted) */
	struct timer_list refill_timer;	/* rx pages ran out: try later */

	struct xldrv_netfront_stats tx_stats;	/* under tx_lock */
	struct xldrv_netfront_stats rx_stats;	/* under rx_lock */
	struct xldrv_netfront_xstats xstats;

	struct work_struct reset_work;
	/* Carrier on, waiting for the stack to take it up: xenbus.c. */
	struct delayed_work open_work;
	bool opening;
	unsigned int open_waits;
};

/* grant.c */
void xldrv_netfront_grefs_take(struct xldrv_netfront_grefs *g, u16 count);
void xldrv_netfront_grefs_give_back(struct xldrv_netfront_grefs *g);
int xldrv_netfront_grant(struct xldrv_netfront *nf,
			 struct xldrv_netfront_grefs *g, struct page *page,
			 bool readonly, bool *pooled);
bool xldrv_netfront_end(struct xldrv_netfront *nf,
			struct xldrv_netfront_grefs *g, grant_ref_t ref,
			bool pooled);

/* tx.c */
netdev_tx_t xldrv_netfront_start_xmit(struct sk_buff *skb,
				      struct net_device *ndev);
void xldrv_netfront_tx_complete(struct xldrv_netfront *nf);
void xldrv_netfront_tx_drop_all(struct xldrv_netfront *nf);

/* rx.c */
int xldrv_netfront_rx_poll(struct xldrv_netfront *nf, int budget);
void xldrv_netfront_rx_refill(struct xldrv_netfront *nf);
void xldrv_netfront_rx_drop_all(struct xldrv_netfront *nf);
struct page_pool *xldrv_netfront_rx_pool(void);
void xldrv_netfront_refill_timer(struct timer_list *t);

/* main.c */
extern const struct net_device_ops xldrv_netfront_netdev_ops;
extern const struct ethtool_ops xldrv_netfront_ethtool_ops;
int xldrv_netfront_poll(struct napi_struct *napi, int budget);
irqreturn_t xldrv_netfront_interrupt(int irq, void *data);
void xldrv_netfront_protocol_error(struct xldrv_netfront *nf,
				   const char *what);
void xldrv_netfront_strand(struct xldrv_netfront *nf, struct xldrv_strand *s,
			   unsigned int size);
bool xldrv_netfront_rearm(struct xldrv_netfront *nf);

/* xenbus.c */
int xldrv_netfront_xenbus_init(void);
void xldrv_netfront_xenbus_exit(void);

#endif /* XLDRV_NETFRONT_H */
