// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv_netmap: ports, the physical interfaces vifs are attached to, and
 * the switch between them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "netmap.h"

/* Ports and their vif lists change under this; frames go by RCU. */
static DEFINE_MUTEX(xldrv_netmap_lock);
static LIST_HEAD(xldrv_netmap_ports);

/* The connected vif with @mac on @port, or NULL.  Under rcu_read_lock(). */
static struct xldrv_netmap_vif *
xldrv_netmap_lookup(struct xldrv_netmap_port *port, const u8 *mac)
{
	struct xldrv_netmap_vif *vif;

	list_for_each_entry_rcu(vif, &port->vifs, port_node)
		if (ether_addr_equal(vif->pol.mac, mac))
			return vif;
	return NULL;
}

/* Every connected vif of @port but @except gets a copy.  Under RCU. */
static void xldrv_netmap_flood(struct xldrv_netmap_port *port,
			       struct xldrv_netmap_vif *except,
			       struct sk_buff *skb)
{
	struct xldrv_netmap_vif *vif;
	struct sk_buff *copy;

	list_for_each_entry_rcu(vif, &port->vifs, port_node) {
		if (vif == except)
			continue;
		copy = skb_clone(skb, GFP_ATOMIC);
		if (!copy) {
			atomic64_inc(&vif->stats.other_dropped[XLDRV_NETMAP_DROP_NOMEM]);
			continue;
		}
		xldrv_netmap_deliver(vif, copy);
	}
}

static rx_handler_result_t xldrv_netmap_handle_frame(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct xldrv_netmap_port *port;
	struct xldrv_netmap_vif *vif;
	const u8 *dst;

	if (unlikely(skb->pkt_type == PACKET_LOOPBACK))
		return RX_HANDLER_PASS;
	port = rcu_dereference(skb->dev->rx_handler_data);
	dst = eth_hdr(skb)->h_dest;
	if (is_multicast_ether_addr(dst)) {
		xldrv_netmap_flood(port, NULL, skb);
		return RX_HANDLER_PASS;
	}
	vif = xldrv_netmap_lookup(port, dst);
	if (!vif)
		return RX_HANDLER_PASS;
	skb = skb_share_check(skb, GFP_ATOMIC);
	if (skb)
		xldrv_netmap_deliver(vif, skb);
	return RX_HANDLER_CONSUMED;
}

/*
 * A client's frames in the NIC (its qdisc, its ring) are bounded, by
 * their truesize, to tx_nic_bytes per vif, as TCP Small Queues bounds a
 * socket's: without it one client sending 64 KiB GSO frames as fast as
 * its ring turns fills the NIC's queue, and every other client of the
 * NIC waits behind it (or is dropped by the qdisc).  Over the bound, the
 * vif's thread takes no more requests off its ring (tx_held()) until
 * the NIC frees enough of them, whose destructor wakes it.
 *
 * Frames to another client are not counted: they wait in that client's
 * rx queue, bounded there (rx_queue_len, rx_queue_bytes), and counted
 * here they would let a client that posts no rx buffers stop every
 * other client's tx, the NIC's included.
 *
 * What a frame was charged rides with it in a ticket, in its shared
 * info's destructor_arg (unused by the stack but for zerocopy frames,
 * which ours are not), since its truesize may change before it is freed
 * (a driver's skb_cow_head).  A clone the stack makes (a packet tap) has
 * no destructor and is not charged; a copy or the segments of a GSO
 * frame the stack makes replace it, and it is uncharged when freed
 * after: the bound holds the frames the stack took, not every buffer it
 * made of them.  The ticket holds a reference on the vif: a frame may be
 * freed after the vif's device is removed (xenbus.c).
 */
struct xldrv_netmap_nic_ticket {
	struct xldrv_netmap_vif *vif;
	unsigned int charge;
};

/* Called when the NIC is done with a frame; softirq or process context. */
static void xldrv_netmap_nic_destructor(struct sk_buff *skb)
{
	struct xldrv_netmap_nic_ticket *t = skb_shinfo(skb)->destructor_arg;
	struct xldrv_netmap_vif *vif = t->vif;
	unsigned int bound = READ_ONCE(xldrv_netmap_tx_nic_bytes);
	unsigned int left;

	/* The module's exit waits for this (xldrv_netmap_xenbus_exit()). */
	rcu_read_lock();
	left = atomic_sub_return(t->charge, &vif->nic_bytes);
	kfree(t);
	/*
	 * atomic_sub_return() is a full barrier, as the thread's set_bit()
	 * and smp_mb__after_atomic() in tx_held(): either its second read
	 * finds what is left here, or this finds its F_NIC_FULL, and a
	 * thread that stopped is woken.
	 */
	if ((!bound || left < bound) &&
	    test_and_clear_bit(XLDRV_NETMAP_F_NIC_FULL, &vif->flags))
		xldrv_netmap_kick(vif);
	xldrv_netmap_vif_put(vif);
	rcu_read_unlock();
}

/* @skb to the NIC, charged to @from.  Consumes @skb. */
static void xldrv_netmap_nic_xmit(struct xldrv_netmap_vif *from,
				  struct sk_buff *skb)
{
	struct xldrv_netmap_nic_ticket *t;

	/* Ours, fresh from the tx path: nothing owns it yet. */
	if (WARN_ON_ONCE(skb->destructor || skb_zcopy(skb))) {
		kfree_skb(skb);
		return;
	}
	t = kmalloc(sizeof(*t), GFP_ATOMIC | __GFP_NOWARN);
	if (!t) {
		atomic64_inc(&from->stats.other_dropped[XLDRV_NETMAP_DROP_NOMEM]);
		kfree_skb(skb);
		return;
	}
	t->vif = from;
	t->charge = skb->truesize;
	refcount_inc(&from->refs);
	atomic_add(t->charge, &from->nic_bytes);
	skb_shinfo(skb)->destructor_arg = t;
	skb->destructor = xldrv_netmap_nic_destructor;
	dev_queue_xmit(skb);
}

/*
 * True: @vif has its bound's worth in the NIC, @pass_bytes counting the
 * frames its thread took in this pass and not yet switched; take no more
 * requests.  The thread's, between packets.
 */
bool xldrv_netmap_tx_held(struct xldrv_netmap_vif *vif,
			  unsigned int pass_bytes)
{
	unsigned int bound = READ_ONCE(xldrv_netmap_tx_nic_bytes);
	bool again;

	if (!bound ||
	    (unsigned int)atomic_read(&vif->nic_bytes) + pass_bytes < bound)
		return false;
	if (pass_bytes) {
		/*
		 * This pass's own frames may go to other clients and never
		 * reach the NIC, to free nothing there: the next pass looks
		 * again, with them switched.
		 */
		set_bit(XLDRV_NETMAP_F_KICK, &vif->flags);
		return true;
	}
	/* Woken by the frontend meanwhile: still the same stop. */
	again = test_bit(XLDRV_NETMAP_F_NIC_FULL, &vif->flags);
	set_bit(XLDRV_NETMAP_F_NIC_FULL, &vif->flags);
	/* Pairs with the destructor's atomic_sub_return(). */
	smp_mb__after_atomic();
	if ((unsigned int)atomic_read(&vif->nic_bytes) < bound) {
		clear_bit(XLDRV_NETMAP_F_NIC_FULL, &vif->flags);
		return false;
	}
	if (!again)
		atomic64_inc(&vif->stats.nic_full);
	return true;
}

/*
 * Frames for the wire while the NIC cannot send them (no link yet, its
 * qdisc still noop, which would drop them) wait, a few per vif, and go
 * when the link comes.  A vif goes Connected without waiting for the
 * link: after a driver domain restart its client reconnects while the
 * NIC negotiates (seconds, on some), and its gratuitous ARP, which is
 * what tells the network where the client is, must not be lost to the
 * wait.  The oldest frames are kept, not the newest: that announcement
 * is the first.  Held longer than the age below, a frame says something
 * stale and is dropped instead.
 */
#define XLDRV_NETMAP_LINK_WAIT_FRAMES 32
#define XLDRV_NETMAP_LINK_WAIT_AGE (5 * HZ)

struct xldrv_netmap_link_wait_cb {
	struct xldrv_netmap_vif *from;	/* held under RTNL while sent */
	unsigned long since;		/* jiffies */
};

static struct xldrv_netmap_link_wait_cb *
xldrv_netmap_link_wait_cb(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct xldrv_netmap_link_wait_cb) >
		     sizeof(skb->cb));
	return (struct xldrv_netmap_link_wait_cb *)skb->cb;
}

/* True: @skb, for the NIC, is held (or dropped) until it has a link. */
static bool xldrv_netmap_link_wait(struct xldrv_netmap_port *port,
				   struct xldrv_netmap_vif *from,
				   struct sk_buff *skb)
{
	struct xldrv_netmap_link_wait_cb *cb;
	bool taken = false;

	if (likely(READ_ONCE(port->linked)))
		return false;
	spin_lock_bh(&port->hold_lock);
	if (port->linked)
		goto out;
	taken = true;
	if (skb_queue_len(&from->link_wait) >= XLDRV_NETMAP_LINK_WAIT_FRAMES) {
		atomic64_inc(&from->stats.other_dropped[XLDRV_NETMAP_DROP_NO_LINK_FULL]);
		kfree_skb(skb);
		goto out;
	}
	cb = xldrv_netmap_link_wait_cb(skb);
	cb->from = from;
	cb->since = jiffies;
	__skb_queue_tail(&from->link_wait, skb);
	atomic64_inc(&from->stats.link_held);
out:
	spin_unlock_bh(&port->hold_lock);
	return taken;
}

/*
 * The NIC's link as linkwatch has just applied it (@up: it sends).
 * Under RTNL, which keeps every vif on the port while its frames go.
 * The held frames are taken in one move with the flag, so none is left
 * behind and none sent after the flag overtakes them by more than this
 * function's own run.
 */
static void xldrv_netmap_port_set_link(struct xldrv_netmap_port *port,
				       bool up)
{
	struct xldrv_netmap_link_wait_cb *cb;
	struct xldrv_netmap_vif *vif;
	struct sk_buff_head out;
	unsigned int sent = 0, stale = 0;
	struct sk_buff *skb;

	ASSERT_RTNL();
	__skb_queue_head_init(&out);
	spin_lock_bh(&port->hold_lock);
	WRITE_ONCE(port->linked, up);
	if (up)
		list_for_each_entry(vif, &port->vifs, port_node)
			skb_queue_splice_tail_init(&vif->link_wait, &out);
	spin_unlock_bh(&port->hold_lock);

	while ((skb = __skb_dequeue(&out))) {
		cb = xldrv_netmap_link_wait_cb(skb);
		vif = cb->from;
		if (time_after(jiffies, cb->since + XLDRV_NETMAP_LINK_WAIT_AGE)) {
			atomic64_inc(&vif->stats.other_dropped[XLDRV_NETMAP_DROP_NO_LINK_STALE]);
			kfree_skb(skb);
			stale++;
			continue;
		}
		memset(skb->cb, 0, sizeof(skb->cb));
		atomic64_inc(&vif->stats.link_sent);
		xldrv_netmap_nic_xmit(vif, skb);
		sent++;
	}
	/*
	 * Once per link event, not per frame: says in dmesg why clients'
	 * first frames after a restart left late, or not at all.
	 */
	if (sent || stale)
		pr_info("%s: link up: sent %u frame(s) clients queued while it was down, dropped %u older than %u s\n",
			port->name, sent, stale,
			XLDRV_NETMAP_LINK_WAIT_AGE / HZ);
}


/*
 * Where the NIC writes the checksum of a frame it offloads.  e1000's
 * descriptors (as other NICs') hold the checksum's start and place, and
 * a TSO frame's header length, in 8 bits each, and its driver does not
 * check them (no ndo_features_check): a longer offset is taken modulo
 * 256, and the NIC would write a sum the client chose into the headers
 * the filter passed (the source MAC, the ethertype).  A client reaches
 * such offsets with long IPv6 extension headers.  Such a frame gets its
 * sum in software; a GSO frame with such headers is dropped.  Data at
 * the Ethernet header.
 */
#define XLDRV_NETMAP_OFFLOAD_MAX	255
#define XLDRV_NETMAP_TCP_HDR_MAX	60

static bool xldrv_netmap_offload_fits(struct sk_buff *skb)
{
	unsigned int start;

	if (skb->ip_summed != CHECKSUM_PARTIAL)
		return true;
	start = skb_checksum_start_offset(skb);
	if (skb_is_gso(skb))
		return start + XLDRV_NETMAP_TCP_HDR_MAX <=
		       XLDRV_NETMAP_OFFLOAD_MAX;
	if (start + skb->csum_offset <= XLDRV_NETMAP_OFFLOAD_MAX)
		return true;
	return !skb_checksum_help(skb);
}

/*
 * A frame from @from, checked, with skb->data at its Ethernet header:
 * to the client it is addressed to, or every client and the NIC, or the
 * NIC.  Consumes @skb.
 */
void xldrv_netmap_switch(struct xldrv_netmap_vif *from, struct sk_buff *skb)
{
	struct xldrv_netmap_port *port = from->port;
	const u8 *dst = skb->data;
	struct xldrv_netmap_vif *to;
	struct net_device *nic;

	rcu_read_lock();
	if (is_multicast_ether_addr(dst)) {
		xldrv_netmap_flood(port, from, skb);
	} else {
		to = xldrv_netmap_lookup(port, dst);
		if (to == from) {
			atomic64_inc(&from->stats.other_dropped[XLDRV_NETMAP_DROP_HAIRPIN]);
			kfree_skb(skb);
			goto out;
		}
		if (to) {
			xldrv_netmap_deliver(to, skb);
			goto out;
		}
	}
	nic = rcu_dereference(port->nic);
	if (!nic) {
		atomic64_inc(&from->stats.other_dropped[XLDRV_NETMAP_DROP_NO_NIC]);
		kfree_skb(skb);
		goto out;
	}
	if (!xldrv_netmap_offload_fits(skb)) {
		atomic64_inc(&from->stats.other_dropped[XLDRV_NETMAP_DROP_OFFLOAD]);
		kfree_skb(skb);
		goto out;
	}
	/* A client's GSO size is its own business, unless it hits the wire. */
	if (skb_is_gso(skb) &&
	    !skb_gso_validate_network_len(skb, READ_ONCE(nic->mtu))) {
		atomic64_inc(&from->stats.other_dropped[XLDRV_NETMAP_DROP_OFFLOAD]);
		kfree_skb(skb);
		goto out;
	}
	skb->dev = nic;
	if (!xldrv_netmap_link_wait(port, from, skb))
		xldrv_netmap_nic_xmit(from, skb);
out:
	rcu_read_unlock();
}

/*
 * Take the NIC for the mapper: its rx_handler, promiscuous, and up, in
 * that order.  Promiscuous, as a bridge's ports are: the rx_handler sorts
 * frames by destination MAC itself, so the NIC's filter never changes for
 * a client coming or going.  Some NICs stop receiving for a while after
 * each filter change (QEMU's e1000: 1 s), which after a driver domain
 * restart fell right on the clients' first frames.  Set before the NIC
 * is brought up, the filter is programmed once, by its open.
 * It cannot be a bridge's or a bond's port at the same time.
 */
static int xldrv_netmap_port_open(struct xldrv_netmap_port *port)
{
	struct net_device *nic;
	int err;

	rtnl_lock();
	nic = __dev_get_by_name(&init_net, port->name);
	if (!nic) {
		err = -ENODEV;
		goto out_unlock;
	}
	if (nic->type != ARPHRD_ETHER || nic->addr_len != ETH_ALEN ||
	    (nic->flags & IFF_LOOPBACK)) {
		err = -EPROTOTYPE;
		goto out_unlock;
	}
	err = netdev_rx_handler_register(nic, xldrv_netmap_handle_frame, port);
	if (err)
		goto out_unlock;
	err = dev_set_promiscuity(nic, 1);
	if (err)
		goto err_unregister;
	if (!(nic->flags & IFF_UP)) {
		err = dev_change_flags(nic, nic->flags | IFF_UP, NULL);
		if (err)
			goto err_promisc;
		pr_info("%s: brought up for its clients\n", port->name);
	}
	dev_hold(nic);
	port->linked = netif_running(nic) && netif_oper_up(nic);
	rcu_assign_pointer(port->nic, nic);
	rtnl_unlock();
	return 0;

err_promisc:
	dev_set_promiscuity(nic, -1);
err_unregister:
	netdev_rx_handler_unregister(nic);
out_unlock:
	rtnl_unlock();
	return err;
}

/* Under RTNL. */
static void xldrv_netmap_port_release_nic(struct xldrv_netmap_port *port)
{
	struct net_device *nic = rtnl_dereference(port->nic);
	struct xldrv_netmap_vif *vif;
	struct sk_buff_head gone;

	if (!nic)
		return;
	__skb_queue_head_init(&gone);
	netdev_rx_handler_unregister(nic);
	dev_set_promiscuity(nic, -1);
	RCU_INIT_POINTER(port->nic, NULL);
	synchronize_net();
	/* Held frames name the NIC, which holds no reference for them. */
	list_for_each_entry(vif, &port->vifs, port_node) {
		spin_lock_bh(&port->hold_lock);
		skb_queue_splice_init(&vif->link_wait, &gone);
		spin_unlock_bh(&port->hold_lock);
		atomic64_add(skb_queue_len(&gone),
			     &vif->stats.other_dropped[XLDRV_NETMAP_DROP_NO_NIC]);
		__skb_queue_purge(&gone);
	}
	dev_put(nic);
}

/*
 * The port for interface @name, opened on first use.  Errors: -ENODEV
 * (no such interface), -EPROTOTYPE (not Ethernet), -EBUSY (another
 * rx_handler, a bridge or a bond, has it).
 */
int xldrv_netmap_port_get(const char *name, struct xldrv_netmap_port **out)
{
	struct xldrv_netmap_port *port;
	int err;

	if (!*name || strlen(name) >= IFNAMSIZ)
		return -EINVAL;
	mutex_lock(&xldrv_netmap_lock);
	list_for_each_entry(port, &xldrv_netmap_ports, node) {
		if (!strcmp(port->name, name) &&
		    rcu_access_pointer(port->nic)) {
			port->users++;
			*out = port;
			err = 0;
			goto out;
		}
	}
	port = kzalloc(sizeof(*port), GFP_KERNEL);
	if (!port) {
		err = -ENOMEM;
		goto out;
	}
	strscpy(port->name, name, sizeof(port->name));
	INIT_LIST_HEAD(&port->vifs);
	spin_lock_init(&port->hold_lock);
	err = xldrv_netmap_port_open(port);
	if (err) {
		kfree(port);
		goto out;
	}
	port->users = 1;
	list_add(&port->node, &xldrv_netmap_ports);
	*out = port;
out:
	mutex_unlock(&xldrv_netmap_lock);
	return err;
}

void xldrv_netmap_port_put(struct xldrv_netmap_port *port)
{
	mutex_lock(&xldrv_netmap_lock);
	if (--port->users) {
		mutex_unlock(&xldrv_netmap_lock);
		return;
	}
	list_del(&port->node);
	rtnl_lock();
	xldrv_netmap_port_release_nic(port);
	rtnl_unlock();
	mutex_unlock(&xldrv_netmap_lock);
	kfree(port);
}

/* @fn on the NIC of every port in use, under RTNL (health.c). */
void xldrv_netmap_ports_each_nic(void (*fn)(struct net_device *nic,
					    void *arg), void *arg)
{
	struct xldrv_netmap_port *port;
	struct net_device *nic;

	mutex_lock(&xldrv_netmap_lock);
	rtnl_lock();
	list_for_each_entry(port, &xldrv_netmap_ports, node) {
		nic = rtnl_dereference(port->nic);
		if (nic)
			fn(nic, arg);
	}
	rtnl_unlock();
	mutex_unlock(&xldrv_netmap_lock);
}

/* The vif starts getting frames. */
int xldrv_netmap_port_attach(struct xldrv_netmap_vif *vif)
{
	struct xldrv_netmap_port *port = vif->port;
	struct net_device *nic;
	int err = 0;

	mutex_lock(&xldrv_netmap_lock);
	rtnl_lock();
	nic = rtnl_dereference(port->nic);
	if (!nic) {
		err = -ENODEV;
		goto out;
	}
	if (xldrv_netmap_lookup(port, vif->pol.mac)) {
		err = -EADDRINUSE;
		goto out;
	}
	/* A client with the NIC's own MAC would take the domain's frames. */
	if (ether_addr_equal(nic->dev_addr, vif->pol.mac)) {
		err = -EADDRINUSE;
		goto out;
	}
	list_add_tail_rcu(&vif->port_node, &port->vifs);
	vif->on_port = true;
out:
	rtnl_unlock();
	mutex_unlock(&xldrv_netmap_lock);
	return err;
}

/* No frame reaches the vif once this returns. */
void xldrv_netmap_port_detach(struct xldrv_netmap_vif *vif)
{
	mutex_lock(&xldrv_netmap_lock);
	rtnl_lock();
	if (vif->on_port) {
		list_del_rcu(&vif->port_node);
		vif->on_port = false;
	}
	rtnl_unlock();
	mutex_unlock(&xldrv_netmap_lock);
	synchronize_net();
}

/*
 * The NIC is going away (its driver unbound, say): let go of it, or its
 * unregistration waits for us forever.  Its vifs stay, with nowhere to
 * send; a new probe names a new port.
 */
static int xldrv_netmap_netdev_event(struct notifier_block *nb,
				     unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct xldrv_netmap_port *port;

	if (dev->rx_handler != xldrv_netmap_handle_frame)
		return NOTIFY_DONE;
	port = rtnl_dereference(dev->rx_handler_data);
	/*
	 * linkwatch sends CHANGE once it has applied a carrier change, the
	 * qdisc included; an open with the carrier already on, UP.
	 */
	if (event == NETDEV_CHANGE || event == NETDEV_UP ||
	    event == NETDEV_GOING_DOWN) {
		xldrv_netmap_port_set_link(port, event != NETDEV_GOING_DOWN &&
					   netif_running(dev) &&
					   netif_oper_up(dev));
		return NOTIFY_DONE;
	}
	if (event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	pr_warn("%s: unregistered under its clients; they are cut off\n",
		port->name);
	/*
	 * Not reported to xldrvd as a dead device: the toolstack takes
	 * the NIC away the same way (xl destroy, xl pci-detach), and that
	 * is no failure of the driver.
	 */
	xldrv_netmap_port_release_nic(port);
	return NOTIFY_DONE;
}

static struct notifier_block xldrv_netmap_notifier = {
	.notifier_call = xldrv_netmap_netdev_event,
};

int xldrv_netmap_port_init(void)
{
	return register_netdevice_notifier(&xldrv_netmap_notifier);
}

void xldrv_netmap_port_exit(void)
{
	unregister_netdevice_notifier(&xldrv_netmap_notifier);
}
