/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xldrv_netmap: share the driver domain's NIC, driven by Linux's unmodified
 * driver, among client domains over netif rings.  No bridge, no netback.
 *
 *	client A (netfront)   client B (netfront)
 *	   tx |  ^ rx            tx |  ^ rx
 *	      v  |                  v  |
 *	   [vif A] ---- switch ---- [vif B]	xldrv_netmap_vif: rings,
 *	      |  ^                  |  ^	its thread, its rx queue
 *	      v  |                  v  |
 *	   [port: the NIC (e.g. eth0), its rx_handler]	xldrv_netmap_port
 *
 * A port is one physical interface, named by the vif's `bridge=` key.  It
 * takes the frames the NIC receives, promiscuously, through an
 * rx_handler: those for a client's MAC go to that client only, broadcast
 * and multicast to every client and to the driver domain's own stack,
 * everything else to that stack as before.
 *
 * A client's frames are copied out of its granted pages into the mapper's
 * own skbs (grant copy), checked against the vif's identity (filter.c),
 * then switched: to another client of the same port by destination MAC,
 * to every other client and the NIC if broadcast or multicast, else to
 * the NIC.  Frames for a client are grant-copied from the mapper's skbs
 * into the buffers its frontend posted.  Clients never see each other's
 * memory, nor the driver's: only copies.
 *
 * The driver domain's own stack is not on the clients' network: a client
 * frame addressed to the NIC's MAC leaves on the wire like any other.
 */
#ifndef XLDRV_NETMAP_H
#define XLDRV_NETMAP_H

#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/skbuff.h>
#include <linux/scatterlist.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <xen/xenbus.h>
#include <xen/grant_table.h>
#include <xen/page.h>
#include <xen/interface/io/netif.h>

#include "filter.h"
#include "ringidx.h"
#include "txlayout.h"

/* netif rings are one page each. */
#define XLDRV_NETMAP_TX_RING_SIZE __CONST_RING_SIZE(xen_netif_tx, XEN_PAGE_SIZE)
#define XLDRV_NETMAP_RX_RING_SIZE __CONST_RING_SIZE(xen_netif_rx, XEN_PAGE_SIZE)

/* Grant copies handed to Xen in one hypercall, at most. */
#define XLDRV_NETMAP_BATCH 256
/* Packets / frames one pass takes from each ring before the other. */
#define XLDRV_NETMAP_BUDGET 64
/* rx slots a frame may fill: 64 KiB of data, plus the GSO extra. */
#define XLDRV_NETMAP_RX_MAX_SLOTS (DIV_ROUND_UP(GSO_LEGACY_MAX_SIZE + ETH_HLEN, \
						XEN_PAGE_SIZE) + 1)
#define XLDRV_NETMAP_RX_SG (2 * MAX_SKB_FRAGS + 8)

extern unsigned int xldrv_netmap_rx_queue_len;
extern unsigned int xldrv_netmap_rx_queue_bytes;
extern unsigned int xldrv_netmap_tx_nic_bytes;

/* Why frames went nowhere, besides the filter's and the tx parser's. */
enum xldrv_netmap_other_drop {
	XLDRV_NETMAP_DROP_RXQ_FULL,	/* the client does not take them */
	XLDRV_NETMAP_DROP_NO_NIC,	/* the NIC went away */
	XLDRV_NETMAP_DROP_OFFLOAD,	/* checksum/GSO headers not usable */
	XLDRV_NETMAP_DROP_VLAN_RX,	/* a VLAN tag the NIC stripped */
	XLDRV_NETMAP_DROP_HAIRPIN,	/* to its own MAC */
	XLDRV_NETMAP_DROP_NOMEM,
	XLDRV_NETMAP_DROP_DISABLED,	/* for a vif disabled as hostile */
	XLDRV_NETMAP_DROP_NO_LINK_FULL,	/* held for the link: no room */
	XLDRV_NETMAP_DROP_NO_LINK_STALE, /* held for the link: too long */
	XLDRV_NETMAP_DROP_NO_SG,	/* over a page, frontend without sg */
	XLDRV_NETMAP_NR_OTHER_DROPS,
};

extern const char *const
xldrv_netmap_other_drop_name[XLDRV_NETMAP_NR_OTHER_DROPS];

struct xldrv_netmap_stats {
	atomic64_t tx_packets;		/* from the client, forwarded */
	atomic64_t tx_bytes;
	atomic64_t rx_packets;		/* to the client, delivered */
	atomic64_t rx_bytes;
	atomic64_t grant_copies;
	atomic64_t grant_hypercalls;
	atomic64_t grant_errors;
	atomic64_t notifies;
	atomic64_t spurious_events;
	atomic64_t tx_refused[XLDRV_NETMAP_TX_NR_VERDICTS];
	atomic64_t tx_dropped[XLDRV_NETMAP_NR_DROPS];
	atomic64_t rx_dropped[XLDRV_NETMAP_NR_DROPS];
	atomic64_t other_dropped[XLDRV_NETMAP_NR_OTHER_DROPS];
	atomic64_t link_held;		/* for the wire, before the NIC's link */
	atomic64_t link_sent;		/* of those, sent when it came */
	atomic64_t nic_full;		/* tx held for tx_nic_bytes */
};

/* One physical interface shared by the vifs that name it. */
struct xldrv_netmap_port {
	struct list_head node;		/* xldrv_netmap_ports */
	char name[IFNAMSIZ];
	/* NULL once the interface is unregistered. */
	struct net_device __rcu *nic;
	/* Connected vifs: RCU readers, writers under xldrv_netmap_lock. */
	struct list_head vifs;
	unsigned int users;		/* vifs probed on it */
	/*
	 * Whether the NIC transmits (up, carrier, its qdisc active), as
	 * its last NETDEV_UP/CHANGE said; until it does, frames for the
	 * wire wait in their vif's link_wait.  Written under hold_lock.
	 */
	bool linked;
	spinlock_t hold_lock;		/* linked, and every vif's link_wait */
};

/* What a frame to the client needs of its frontend. */
struct xldrv_netmap_fe_features {
	bool sg;
	bool gso_tcpv4;
	bool gso_tcpv6;
	bool csum;		/* not feature-no-csum-offload */
	bool ipv6_csum;
};

/* A tx packet between its requests and its responses. */
struct xldrv_netmap_tx_pending {
	struct xldrv_netmap_tx_pkt pkt;
	struct sk_buff *skb;		/* NULL: answer only */
	unsigned int copy_first, nr_copies;
	int status;
};

/* An rx slot taken: the request's id, and what the response says. */
struct xldrv_netmap_rx_meta {
	u16 id;
	u16 size;
	grant_ref_t gref;
};

struct xldrv_netmap_vif {
	struct xenbus_device *xdev;
	struct delayed_work rm_work;	/* our directory, after a detach */
	struct mutex state_lock;	/* state moves */
	domid_t domid;
	enum xenbus_state state;
	/*
	 * The thread's fatal error, for fatal_work to publish under
	 * state_lock (xldrv_netmap_fatal()); NULL once published or
	 * disconnected.
	 */
	struct work_struct fatal_work;
	const char *fatal_why;
	/*
	 * The device's, and one for each of its frames the NIC has not
	 * freed yet (port.c): those frames' destructor wakes the thread
	 * and may come after remove().
	 */
	refcount_t refs;
	struct rcu_head rcu;
	/* Truesize of its frames handed to the NIC and not yet freed. */
	atomic_t nic_bytes;

	struct xldrv_netmap_policy pol;
	struct xldrv_netmap_port *port;
	struct list_head port_node;	/* port->vifs, while connected */
	bool on_port;
	/* Its frames for the wire while the NIC has no link (port.c). */
	struct sk_buff_head link_wait;

	/* Connected: fixed until disconnect. */
	struct xldrv_netmap_fe_features fe;
	struct xldrv_netmap_tx_limits tx_lim;
	struct xen_netif_tx_back_ring tx;
	struct xen_netif_rx_back_ring rx;
	void *tx_va, *rx_va;
	unsigned int irq;
	struct task_struct *thread;

	wait_queue_head_t wq;
	unsigned long flags;		/* XLDRV_NETMAP_F_* */
	bool broken;			/* fatal: no more ring work */
	/* Each ring's req_prod when the last event was EOIed. */
	RING_IDX tx_eoi_prod, rx_eoi_prod;

	/* Frames for the client, checked and shaped for its frontend. */
	struct sk_buff_head rxq;
	unsigned int rxq_bytes;		/* their truesize, under rxq.lock */

	/* The thread's own. */
	struct xldrv_netmap_tx_pkt pkt;	/* being parsed, slots still due */
	bool pkt_open;
	struct xldrv_netmap_tx_pending pend[XLDRV_NETMAP_BUDGET];
	struct gnttab_copy copy[XLDRV_NETMAP_BATCH];
	struct xldrv_netmap_rx_meta meta[XLDRV_NETMAP_RX_RING_SIZE];
	struct scatterlist sg[XLDRV_NETMAP_RX_SG];

	struct xldrv_netmap_stats stats;
};

#define XLDRV_NETMAP_F_KICK 0		/* ring work may be there */
#define XLDRV_NETMAP_F_EOI 1		/* an event waits for its EOI */
#define XLDRV_NETMAP_F_NIC_FULL 2	/* tx held until nic_bytes drops */

/* port.c */
int xldrv_netmap_port_get(const char *name, struct xldrv_netmap_port **out);
void xldrv_netmap_port_put(struct xldrv_netmap_port *port);
int xldrv_netmap_port_attach(struct xldrv_netmap_vif *vif);
void xldrv_netmap_port_detach(struct xldrv_netmap_vif *vif);
void xldrv_netmap_switch(struct xldrv_netmap_vif *from, struct sk_buff *skb);
bool xldrv_netmap_tx_held(struct xldrv_netmap_vif *vif,
			  unsigned int pass_bytes);
int xldrv_netmap_port_init(void);
void xldrv_netmap_port_exit(void);
void xldrv_netmap_ports_each_nic(void (*fn)(struct net_device *nic,
					    void *arg), void *arg);

/* health.c: NICs whose transmit timeouts do not clear, reported. */
void xldrv_netmap_health_start(void);
void xldrv_netmap_health_stop(void);

/* rx.c: towards the client */
void xldrv_netmap_deliver(struct xldrv_netmap_vif *vif, struct sk_buff *skb);
int xldrv_netmap_rx_pass(struct xldrv_netmap_vif *vif, bool *notify);
void xldrv_netmap_rxq_purge(struct xldrv_netmap_vif *vif);

/* tx.c: from the client */
int xldrv_netmap_tx_pass(struct xldrv_netmap_vif *vif, bool *notify);
irqreturn_t xldrv_netmap_interrupt(int irq, void *data);
int xldrv_netmap_thread(void *data);
void xldrv_netmap_fatal(struct xldrv_netmap_vif *vif, const char *why);

/* xenbus.c */
void xldrv_netmap_vif_put(struct xldrv_netmap_vif *vif);
int xldrv_netmap_xenbus_init(void);
void xldrv_netmap_xenbus_exit(void);

/* stats.c */
int xldrv_netmap_sysfs_add(struct xldrv_netmap_vif *vif);
void xldrv_netmap_sysfs_del(struct xldrv_netmap_vif *vif);

static inline void xldrv_netmap_kick(struct xldrv_netmap_vif *vif)
{
	set_bit(XLDRV_NETMAP_F_KICK, &vif->flags);
	wake_up(&vif->wq);
}

#endif /* XLDRV_NETMAP_H */
