// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv_hostile_netfront: a deliberately hostile netif frontend, for the
 * netmap-hostile lab scenario.  Loaded in a client instead of xen-netfront,
 * it connects each of the client's vifs and plays the case the vif's
 * handle picks:
 *
 *   0  the non-fatal refusals first: a valid frame, a first slot shorter
 *      than an Ethernet header, a 9000-byte frame over an MTU of 1500, a
 *      spoofed source MAC (answered, then dropped by the filter), an event
 *      storm, a full ring of valid frames; last a tx request with a bad
 *      grant reference, which must disable the vif
 *   1  a valid frame, then one packet chained over 40 slots
 *   2  a valid frame, then a producer index 1000 ahead of the ring
 *   3  a valid frame, then rx buffers with bad grant references: the first
 *      frame the backend copies to the client must disable the vif
 *
 * Each case prints one line,
 *   xldrv-hostile-net: vif<h>: case <name>: <got> (want <want>): PASS|FAIL
 * and each vif ends with whether the backend closed it, then
 *   xldrv-hostile-net: vif<h>: done: <n> passed, <m> failed
 * last, so that a reader who sees "done" has every line before it.
 */
#define pr_fmt(fmt) "xldrv-hostile-net: " fmt

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/ipv6.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <linux/workqueue.h>
#include <net/addrconf.h>
#include <net/ip6_checksum.h>
#include <xen/events.h>
#include <xen/grant_table.h>
#include <xen/page.h>
#include <xen/xenbus.h>
#include <xen/interface/io/netif.h>

#define XLDRV_HNET_TX_RING_SIZE __CONST_RING_SIZE(xen_netif_tx, XEN_PAGE_SIZE)
/* Far past any grant table a guest is given: Xen must refuse it. */
#define XLDRV_HNET_BAD_GREF 0xfffffu
/* The 9000-byte frame needs three pages of data. */
#define XLDRV_HNET_DATA_PAGES 3
/* Where the two frames live in the first data page. */
#define XLDRV_HNET_GOOD_OFF 0
#define XLDRV_HNET_SPOOF_OFF 128
#define XLDRV_HNET_CSUM_OFF 256
/* IPv6 destination options that put the UDP checksum at byte 268. */
#define XLDRV_HNET_DSTOPT_LEN 208
#define XLDRV_HNET_CSUM_PAYLOAD 16
#define XLDRV_HNET_CSUM_LEN (ETH_HLEN + sizeof(struct ipv6hdr) + \
			     XLDRV_HNET_DSTOPT_LEN + sizeof(struct udphdr) + \
			     XLDRV_HNET_CSUM_PAYLOAD)
#define XLDRV_HNET_ANSWER_SECS 10

/* The address the ARP probes ask for: TEST-NET-1, nobody's in the lab. */
static const u8 xldrv_hnet_probe_ip[4] = { 192, 0, 2, 250 };

struct xldrv_hnet {
	struct xenbus_device *xdev;
	unsigned int handle;
	u8 mac[ETH_ALEN];

	struct xen_netif_tx_front_ring tx;
	struct xen_netif_rx_front_ring rx;
	struct xen_netif_tx_sring *tx_sring;
	struct xen_netif_rx_sring *rx_sring;
	grant_ref_t tx_ring_ref, rx_ring_ref;
	evtchn_port_t evtchn;
	int irq;
	struct page *data[XLDRV_HNET_DATA_PAGES];
	grant_ref_t data_ref[XLDRV_HNET_DATA_PAGES];

	enum xenbus_state be_state;	/* as last reported by xenbus */
	bool started;
	bool stalled;			/* answers stopped: ring out of step */
	u16 next_id;
	struct work_struct work;
	wait_queue_head_t wq;
	unsigned int passed, failed;
};

static irqreturn_t xldrv_hnet_interrupt(int irq, void *data)
{
	struct xldrv_hnet *h = data;

	wake_up(&h->wq);
	return IRQ_HANDLED;
}

/* Queue one tx slot; returns its id. */
static u16 xldrv_hnet_tx(struct xldrv_hnet *h, grant_ref_t gref, u16 offset,
			 u16 size, u16 flags)
{
	struct xen_netif_tx_request *req;
	u16 id = h->next_id++;

	req = RING_GET_REQUEST(&h->tx, h->tx.req_prod_pvt);
	h->tx.req_prod_pvt++;
	req->gref = gref;
	req->offset = offset;
	req->size = size;
	req->flags = flags;
	req->id = id;
	return id;
}

/* A valid frame: the ARP probe at the start of the first data page. */
static u16 xldrv_hnet_tx_good(struct xldrv_hnet *h)
{
	return xldrv_hnet_tx(h, h->data_ref[0], XLDRV_HNET_GOOD_OFF, ETH_ZLEN, 0);
}

/* Always notify: a hostile frontend does not care for req_event. */
static void xldrv_hnet_push(struct xldrv_hnet *h)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&h->tx, notify);
	notify_remote_via_irq(h->irq);
}

static int xldrv_hnet_tx_answer(struct xldrv_hnet *h,
				struct xen_netif_tx_response *rsp)
{
	int more;

	/* Asks the backend for an event when the next answer comes. */
	RING_FINAL_CHECK_FOR_RESPONSES(&h->tx, more);
	if (!more && !wait_event_timeout(h->wq,
					 RING_HAS_UNCONSUMED_RESPONSES(&h->tx),
					 XLDRV_HNET_ANSWER_SECS * HZ))
		return -ETIMEDOUT;
	virt_rmb();	/* the answer is read after rsp_prod said it is there */
	*rsp = *RING_GET_RESPONSE(&h->tx, h->tx.rsp_cons);
	h->tx.rsp_cons++;
	return 0;
}

static const char *xldrv_hnet_status(int status)
{
	switch (status) {
	case XEN_NETIF_RSP_OKAY:
		return "OKAY";
	case XEN_NETIF_RSP_ERROR:
		return "ERROR";
	case XEN_NETIF_RSP_DROPPED:
		return "DROPPED";
	case XEN_NETIF_RSP_NULL:
		return "NULL";
	}
	return "unknown status";
}

/*
 * Take the answers to @nr slots queued with consecutive ids from @id (the
 * backend answers in ring order).  Returns how many came with the right
 * id and status @want; the first that did not is described in @why.
 * With no answer in time, the ring is out of step for good: stalled.
 */
static unsigned int xldrv_hnet_answers(struct xldrv_hnet *h, u16 id,
				       unsigned int nr, int want, char *why,
				       size_t len)
{
	struct xen_netif_tx_response rsp;
	unsigned int i, good = 0;

	why[0] = '\0';
	for (i = 0; i < nr; i++, id++) {
		if (xldrv_hnet_tx_answer(h, &rsp)) {
			snprintf(why, len, "no answer to slot %u of %u", i, nr);
			h->stalled = true;
			break;
		}
		if (rsp.id == id && rsp.status == want)
			good++;
		else if (!why[0] && rsp.id != id)
			snprintf(why, len, "id %u for %u", rsp.id, id);
		else if (!why[0])
			snprintf(why, len, "%s (%d)", xldrv_hnet_status(rsp.status),
				 rsp.status);
	}
	return good;
}

static void xldrv_hnet_result(struct xldrv_hnet *h, const char *name,
			      const char *got, const char *want, bool pass)
{
	if (pass)
		h->passed++;
	else
		h->failed++;
	pr_info("vif%u: case %s: %s (want %s): %s\n", h->handle, name, got,
		want, pass ? "PASS" : "FAIL");
}

/* Push one packet of @nr slots, ids from @id: each slot answered @want. */
static void xldrv_hnet_check(struct xldrv_hnet *h, const char *name, u16 id,
			     unsigned int nr, int want)
{
	char why[40];
	bool pass;

	xldrv_hnet_push(h);
	pass = xldrv_hnet_answers(h, id, nr, want, why, sizeof(why)) == nr;
	xldrv_hnet_result(h, name, pass ? xldrv_hnet_status(want) : why,
			  xldrv_hnet_status(want), pass);
}

static bool xldrv_hnet_be_closed(enum xenbus_state state)
{
	return state == XenbusStateClosing || state == XenbusStateClosed;
}

/*
 * The last case of every vif: the backend must give up on it, which
 * xenbus_dev_fatal() shows as its state going to Closing.
 */
static void xldrv_hnet_check_closed(struct xldrv_hnet *h, const char *name,
				    unsigned int secs)
{
	enum xenbus_state state;
	char got[32];

	wait_event_timeout(h->wq, xldrv_hnet_be_closed(READ_ONCE(h->be_state)),
			   secs * HZ);
	/* The node itself, not what the watch last said. */
	state = xenbus_read_driver_state(h->xdev->otherend);
	snprintf(got, sizeof(got), "backend %s", xenbus_strstate(state));
	xldrv_hnet_result(h, name, got, "backend Closing or Closed",
			  xldrv_hnet_be_closed(state));
}

/* A broadcast ARP probe (RFC 5227: sender IP 0.0.0.0) from @src. */
static void xldrv_hnet_arp_probe(u8 *p, const u8 *src)
{
	struct ethhdr *eth = (struct ethhdr *)p;
	struct arphdr *arp = (struct arphdr *)(eth + 1);
	u8 *addrs = (u8 *)(arp + 1);	/* sha, spa, tha, tpa */

	memset(p, 0, ETH_ZLEN);
	eth_broadcast_addr(eth->h_dest);
	memcpy(eth->h_source, src, ETH_ALEN);
	eth->h_proto = htons(ETH_P_ARP);
	arp->ar_hrd = htons(ARPHRD_ETHER);
	arp->ar_pro = htons(ETH_P_IP);
	arp->ar_hln = ETH_ALEN;
	arp->ar_pln = 4;
	arp->ar_op = htons(ARPOP_REQUEST);
	memcpy(addrs, src, ETH_ALEN);
	memcpy(addrs + 2 * ETH_ALEN + 4, xldrv_hnet_probe_ip, 4);
}

/*
 * A UDP frame over IPv6 whose checksum is left to offload, with 208 bytes
 * of destination options before the UDP header: the checksum starts at
 * byte 262 of the frame and sits at byte 268.  A NIC whose descriptors
 * hold those offsets in 8 bits (e1000) would write it at 268 % 256 = 12,
 * the ethertype, which the filter had passed.  The peer must get the
 * frame as IPv6 with a good UDP checksum.
 */
static void xldrv_hnet_csum_frame(u8 *p, const u8 *src)
{
	struct ethhdr *eth = (struct ethhdr *)p;
	struct ipv6hdr *ip6 = (struct ipv6hdr *)(eth + 1);
	u8 *opt = (u8 *)(ip6 + 1);
	struct udphdr *udp = (struct udphdr *)(opt + XLDRV_HNET_DSTOPT_LEN);
	unsigned int ulen = sizeof(*udp) + XLDRV_HNET_CSUM_PAYLOAD;

	memset(p, 0, XLDRV_HNET_CSUM_LEN);
	eth_broadcast_addr(eth->h_dest);
	memcpy(eth->h_source, src, ETH_ALEN);
	eth->h_proto = htons(ETH_P_IPV6);
	ip6->version = 6;
	ip6->payload_len = htons(XLDRV_HNET_DSTOPT_LEN + ulen);
	ip6->nexthdr = NEXTHDR_DEST;
	ip6->hop_limit = 1;
	/* fe80::216:3eff:fe58:120 and so on, to all nodes. */
	ip6->saddr.s6_addr[0] = 0xfe;
	ip6->saddr.s6_addr[1] = 0x80;
	addrconf_addr_eui48(&ip6->saddr.s6_addr[8], src);
	ip6->daddr.s6_addr[0] = 0xff;
	ip6->daddr.s6_addr[1] = 0x02;
	ip6->daddr.s6_addr[15] = 1;
	opt[0] = IPPROTO_UDP;
	opt[1] = XLDRV_HNET_DSTOPT_LEN / 8 - 1;
	opt[2] = IPV6_TLV_PADN;
	opt[3] = XLDRV_HNET_DSTOPT_LEN - 4;
	udp->source = htons(9);
	udp->dest = htons(9);
	udp->len = htons(ulen);
	memset(udp + 1, 0x5a, XLDRV_HNET_CSUM_PAYLOAD);
	/* Offload's convention: the pseudo-header's sum, to be completed. */
	udp->check = ~csum_ipv6_magic(&ip6->saddr, &ip6->daddr, ulen,
				      IPPROTO_UDP, 0);
}

static bool xldrv_hnet_nonfatal(struct xldrv_hnet *h)
{
	const unsigned int ring = XLDRV_HNET_TX_RING_SIZE;
	char why[40], got[80], want[32];
	unsigned int i, n;
	u16 id;

	id = xldrv_hnet_tx_good(h);
	xldrv_hnet_check(h, "good-frame", id, 1, XEN_NETIF_RSP_OKAY);
	if (h->stalled)
		return false;

	/* 60 bytes, only 13 in the first slot: the header is split. */
	id = xldrv_hnet_tx(h, h->data_ref[0], XLDRV_HNET_GOOD_OFF, ETH_ZLEN,
			   XEN_NETTXF_more_data);
	xldrv_hnet_tx(h, h->data_ref[0], XLDRV_HNET_GOOD_OFF + 13,
		      ETH_ZLEN - 13, 0);
	xldrv_hnet_check(h, "first-slot-too-short", id, 2, XEN_NETIF_RSP_ERROR);
	if (h->stalled)
		return false;

	/* Not GSO, so bound by the MTU: 4096 + 4096 + 808 bytes. */
	id = xldrv_hnet_tx(h, h->data_ref[0], 0, 9000, XEN_NETTXF_more_data);
	xldrv_hnet_tx(h, h->data_ref[1], 0, XEN_PAGE_SIZE,
		      XEN_NETTXF_more_data);
	xldrv_hnet_tx(h, h->data_ref[2], 0, 9000 - 2 * XEN_PAGE_SIZE, 0);
	xldrv_hnet_check(h, "oversize-frame", id, 3, XEN_NETIF_RSP_ERROR);
	if (h->stalled)
		return false;

	/* Goes to the wire, its checksum not where an 8-bit field says. */
	id = xldrv_hnet_tx(h, h->data_ref[0], XLDRV_HNET_CSUM_OFF,
			   XLDRV_HNET_CSUM_LEN,
			   XEN_NETTXF_csum_blank | XEN_NETTXF_data_validated);
	xldrv_hnet_check(h, "checksum-past-byte-255", id, 1,
			 XEN_NETIF_RSP_OKAY);
	if (h->stalled)
		return false;

	/* The slots are fine, so answered OKAY; the filter drops the frame. */
	id = xldrv_hnet_tx(h, h->data_ref[0], XLDRV_HNET_SPOOF_OFF, ETH_ZLEN, 0);
	xldrv_hnet_check(h, "spoofed-source-mac", id, 1, XEN_NETIF_RSP_OKAY);
	if (h->stalled)
		return false;

	/* Events with no request behind them: the backend's late EOIs
	 * slow them down; a frame after them must still be served.
	 */
	for (i = 0; i < 20000; i++) {
		notify_remote_via_irq(h->irq);
		if (!(i % 1000))
			cond_resched();
	}
	id = xldrv_hnet_tx_good(h);
	xldrv_hnet_check(h, "frame-after-event-storm", id, 1,
			 XEN_NETIF_RSP_OKAY);
	if (h->stalled)
		return false;

	/* Every slot of the ring at once, more than one backend pass takes. */
	id = h->next_id;
	for (i = 0; i < ring; i++)
		xldrv_hnet_tx_good(h);
	xldrv_hnet_push(h);
	n = xldrv_hnet_answers(h, id, ring, XEN_NETIF_RSP_OKAY, why,
			       sizeof(why));
	snprintf(got, sizeof(got), "%u of %u OKAY%s%s", n, ring,
		 why[0] ? ", first not: " : "", why);
	snprintf(want, sizeof(want), "%u of %u OKAY", ring, ring);
	xldrv_hnet_result(h, "full-ring", got, want, n == ring);
	return !h->stalled;
}

static void xldrv_hnet_run(struct work_struct *work)
{
	struct xldrv_hnet *h = container_of(work, struct xldrv_hnet, work);
	enum xenbus_state state;
	unsigned int i;
	u16 id;

	/* First a frame that works: whatever follows, the ring was sound. */
	if (h->handle == 0) {
		if (!xldrv_hnet_nonfatal(h))
			goto out;
	} else if (h->handle <= 3) {
		id = xldrv_hnet_tx_good(h);
		xldrv_hnet_check(h, "good-frame", id, 1, XEN_NETIF_RSP_OKAY);
		if (h->stalled)
			goto out;
	}

	switch (h->handle) {
	case 0:
		xldrv_hnet_tx(h, XLDRV_HNET_BAD_GREF, 0, ETH_ZLEN, 0);
		xldrv_hnet_push(h);
		xldrv_hnet_check_closed(h, "bad-grant", 10);
		break;
	case 1:
		/* A whole packet, well formed but for its length: 40 * 60. */
		xldrv_hnet_tx(h, h->data_ref[0], 0, 40 * ETH_ZLEN,
			      XEN_NETTXF_more_data);
		for (i = 1; i < 40; i++)
			xldrv_hnet_tx(h, h->data_ref[0], 0, ETH_ZLEN,
				      i < 39 ? XEN_NETTXF_more_data : 0);
		xldrv_hnet_push(h);
		xldrv_hnet_check_closed(h, "too-many-slots", 10);
		break;
	case 2:
		/* 1000 requests claimed, none written: the ring holds 256. */
		h->tx.sring->req_prod = h->tx.req_prod_pvt + 1000;
		notify_remote_via_irq(h->irq);
		xldrv_hnet_check_closed(h, "index-game", 10);
		break;
	case 3:
		/* Frames come from the peer's broadcasts, and other clients'. */
		for (i = 0; i < 64; i++) {
			struct xen_netif_rx_request *req;

			req = RING_GET_REQUEST(&h->rx, h->rx.req_prod_pvt);
			h->rx.req_prod_pvt++;
			req->id = i;
			req->gref = XLDRV_HNET_BAD_GREF - i;
		}
		RING_PUSH_REQUESTS(&h->rx);
		notify_remote_via_irq(h->irq);
		xldrv_hnet_check_closed(h, "rx-bad-grant", 30);
		break;
	default:
		pr_info("vif%u: no case for this handle\n", h->handle);
		return;
	}
out:
	if (h->stalled)
		pr_info("vif%u: the backend stopped answering: cases left skipped\n",
			h->handle);
	state = xenbus_read_driver_state(h->xdev->otherend);
	pr_info("vif%u: backend closed the vif: %s\n", h->handle,
		xldrv_hnet_be_closed(state) ? "yes" : "no");
	pr_info("vif%u: done: %u passed, %u failed\n", h->handle, h->passed,
		h->failed);
}

static int xldrv_hnet_read_mac(struct xldrv_hnet *h)
{
	char *mac;
	int err = 0;

	mac = xenbus_read(XBT_NIL, h->xdev->otherend, "mac", NULL);
	if (IS_ERR(mac))
		return PTR_ERR(mac);
	if (!mac_pton(mac, h->mac))
		err = -EINVAL;
	kfree(mac);
	return err;
}

/* Safe on a half-built @h: the probe's error path uses it too. */
static void xldrv_hnet_teardown(struct xldrv_hnet *h)
{
	unsigned int i;

	if (h->irq >= 0)
		unbind_from_irqhandler(h->irq, h);	/* closes the port */
	else if (h->evtchn)
		xenbus_free_evtchn(h->xdev, h->evtchn);
	for (i = 0; i < XLDRV_HNET_DATA_PAGES; i++) {
		/* The page is freed once the backend has let go of it. */
		if (h->data_ref[i] != INVALID_GRANT_REF)
			gnttab_end_foreign_access(h->data_ref[i], h->data[i]);
		else if (h->data[i])
			__free_page(h->data[i]);
	}
	xenbus_teardown_ring((void **)&h->rx_sring, 1, &h->rx_ring_ref);
	xenbus_teardown_ring((void **)&h->tx_sring, 1, &h->tx_ring_ref);
}

static int xldrv_hnet_setup(struct xldrv_hnet *h)
{
	struct xenbus_device *xdev = h->xdev;
	u8 spoof[ETH_ALEN], *va;
	unsigned int i;
	int err;

	err = xenbus_setup_ring(xdev, GFP_KERNEL, (void **)&h->tx_sring, 1,
				&h->tx_ring_ref);
	if (err)
		return err;
	XEN_FRONT_RING_INIT(&h->tx, h->tx_sring, XEN_PAGE_SIZE);
	err = xenbus_setup_ring(xdev, GFP_KERNEL, (void **)&h->rx_sring, 1,
				&h->rx_ring_ref);
	if (err)
		return err;
	XEN_FRONT_RING_INIT(&h->rx, h->rx_sring, XEN_PAGE_SIZE);

	err = xenbus_alloc_evtchn(xdev, &h->evtchn);
	if (err)
		return err;
	err = bind_evtchn_to_irqhandler(h->evtchn, xldrv_hnet_interrupt, 0,
					"xldrv-hostile-net", h);
	if (err < 0)
		return err;
	h->irq = err;

	/* tx data only: the backend reads it, so read-only grants. */
	for (i = 0; i < XLDRV_HNET_DATA_PAGES; i++) {
		h->data[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!h->data[i])
			return -ENOMEM;
		va = page_address(h->data[i]);
		err = gnttab_grant_foreign_access(xdev->otherend_id,
						  virt_to_gfn(va), 1);
		if (err < 0)
			return err;
		h->data_ref[i] = err;
	}
	va = page_address(h->data[0]);
	xldrv_hnet_arp_probe(va + XLDRV_HNET_GOOD_OFF, h->mac);
	/* Another MAC of the same vendor block, nobody's in the lab. */
	memcpy(spoof, h->mac, ETH_ALEN);
	spoof[5] ^= 0x80;
	xldrv_hnet_arp_probe(va + XLDRV_HNET_SPOOF_OFF, spoof);
	xldrv_hnet_csum_frame(va + XLDRV_HNET_CSUM_OFF, h->mac);

	err = xenbus_printf(XBT_NIL, xdev->nodename, "tx-ring-ref", "%u",
			    h->tx_ring_ref);
	if (!err)
		err = xenbus_printf(XBT_NIL, xdev->nodename, "rx-ring-ref", "%u",
				    h->rx_ring_ref);
	if (!err)
		err = xenbus_printf(XBT_NIL, xdev->nodename, "event-channel",
				    "%u", h->evtchn);
	if (!err)
		err = xenbus_printf(XBT_NIL, xdev->nodename, "request-rx-copy",
				    "%u", 1);
	if (!err)
		err = xenbus_printf(XBT_NIL, xdev->nodename,
				    "feature-rx-notify", "%d", 1);
	if (!err)
		err = xenbus_printf(XBT_NIL, xdev->nodename, "feature-sg",
				    "%d", 1);
	return err;
}

static int xldrv_hnet_probe(struct xenbus_device *xdev,
			    const struct xenbus_device_id *id)
{
	struct xldrv_hnet *h;
	unsigned int i;
	int err;

	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->xdev = xdev;
	h->irq = -1;
	h->tx_ring_ref = INVALID_GRANT_REF;
	h->rx_ring_ref = INVALID_GRANT_REF;
	for (i = 0; i < XLDRV_HNET_DATA_PAGES; i++)
		h->data_ref[i] = INVALID_GRANT_REF;
	h->be_state = XenbusStateUnknown;
	init_waitqueue_head(&h->wq);
	INIT_WORK(&h->work, xldrv_hnet_run);

	err = kstrtouint(strrchr(xdev->nodename, '/') + 1, 10, &h->handle);
	if (!err)
		err = xldrv_hnet_read_mac(h);
	if (err) {
		xenbus_dev_fatal(xdev, err, "reading handle and %s/mac",
				 xdev->otherend);
		kfree(h);
		return err;
	}
	err = xldrv_hnet_setup(h);
	if (err) {
		xenbus_dev_fatal(xdev, err, "setting up rings and grants");
		xldrv_hnet_teardown(h);
		kfree(h);
		return err;
	}
	dev_set_drvdata(&xdev->dev, h);
	pr_info("vif%u: %s as %pM\n", h->handle, xdev->nodename, h->mac);
	return 0;
}

static void xldrv_hnet_backend_changed(struct xenbus_device *xdev,
				       enum xenbus_state state)
{
	struct xldrv_hnet *h = dev_get_drvdata(&xdev->dev);

	if (!h)
		return;
	WRITE_ONCE(h->be_state, state);
	wake_up(&h->wq);
	pr_info("vif%u: backend is %s\n", h->handle, xenbus_strstate(state));

	switch (state) {
	case XenbusStateInitWait:
	case XenbusStateConnected:
		/* Everything the backend reads is written: go. */
		if (xdev->state == XenbusStateInitialising)
			xenbus_switch_state(xdev, XenbusStateConnected);
		if (state == XenbusStateConnected &&
		    xdev->state == XenbusStateConnected && !h->started) {
			h->started = true;
			queue_work(system_long_wq, &h->work);
		}
		break;
	default:
		/* Closing included: a hostile frontend leaves it be. */
		break;
	}
}

static void xldrv_hnet_remove(struct xenbus_device *xdev)
{
	struct xldrv_hnet *h = dev_get_drvdata(&xdev->dev);

	if (!h)
		return;
	cancel_work_sync(&h->work);
	xldrv_hnet_teardown(h);
	dev_set_drvdata(&xdev->dev, NULL);
	kfree(h);
}

static const struct xenbus_device_id xldrv_hnet_ids[] = {
	{ "vif" },
	{ "" }
};

static struct xenbus_driver xldrv_hnet_driver = {
	.name = "xldrv-hostile-net",
	.ids = xldrv_hnet_ids,
	.probe = xldrv_hnet_probe,
	.remove = xldrv_hnet_remove,
	.otherend_changed = xldrv_hnet_backend_changed,
};

static int __init xldrv_hnet_init(void)
{
	return xenbus_register_frontend(&xldrv_hnet_driver);
}

static void __exit xldrv_hnet_exit(void)
{
	xenbus_unregister_driver(&xldrv_hnet_driver);
}

module_init(xldrv_hnet_init);
module_exit(xldrv_hnet_exit);
MODULE_DESCRIPTION("xldrv test: a hostile netif frontend");
MODULE_LICENSE("GPL");
