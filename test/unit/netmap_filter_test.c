// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of xldrv_netmap's security filter (mapper-kmod/netmap/
 * filter.c): one case per rule, each tried with the bytes it needs and
 * with fewer, then random frames against the invariants.
 */
#include "check.h"
#define RND_SEED 0x2545f4914f6cdd1dull
#include "rnd.h"
#include "netmap_filter_invariants.h"
#include "netmap_frames.h"
#include "netmap/filter.c"

enum policy { NONE, V4, V6, BOTH };

static struct xldrv_netmap_policy policy(enum policy which)
{
	struct xldrv_netmap_policy pol = { .nr_ip4 = 0 };

	memcpy(pol.mac, vmac, ETH_ALEN);
	if (which == V4 || which == BOTH) {
		memcpy(pol.ip4[0], ip4_own2, 4);
		memcpy(pol.ip4[1], ip4_own, 4);
		pol.nr_ip4 = 2;
	}
	if (which == V6 || which == BOTH) {
		memcpy(pol.ip6[0], ip6_own, 16);
		pol.nr_ip6 = 1;
	}
	return pol;
}

/*
 * Judge @f under @which: the whole frame, every shorter prefix (which
 * must be too short or judged the same), and the caller's pull-up loop
 * from the 14 bytes of an Ethernet header.  The invariants hold for each.
 */
static enum xldrv_netmap_drop tx(enum policy which, const struct frame *f)
{
	struct xldrv_netmap_policy pol = policy(which);
	enum xldrv_netmap_drop v, w;
	unsigned int need, n, tries;
	const char *why;

	v = xldrv_netmap_filter_tx(&pol, f->b, f->len, &need);
	why = netmap_filter_tx_invariants(&pol, f->b, f->len, v, need);
	if (why)
		fprintf(stderr, "invariant: %s\n", why);
	CHECK(why == NULL);
	for (n = 0; n < f->len; n++) {
		w = xldrv_netmap_filter_tx(&pol, f->b, n, &need);
		if (w != XLDRV_NETMAP_DROP_SHORT)
			CHECK_EQ(w, v);
		else
			CHECK(need > n);
	}
	why = netmap_filter_tx_converges(&pol, f->b, f->len, ETH_HLEN, &tries);
	if (why)
		fprintf(stderr, "pull-up: %s\n", why);
	CHECK(why == NULL);
	return v;
}

static unsigned int need_of(enum policy which, const struct frame *f,
			    unsigned int len)
{
	struct xldrv_netmap_policy pol = policy(which);
	unsigned int need = 12345;

	CHECK_EQ(xldrv_netmap_filter_tx(&pol, f->b, len, &need),
		 XLDRV_NETMAP_DROP_SHORT);
	return need;
}

static void test_names(void)
{
	unsigned int v;
	u8 ll[16];

	for (v = 0; v < XLDRV_NETMAP_NR_DROPS; v++)
		CHECK(xldrv_netmap_drop_name[v] != NULL);
	xldrv_netmap_eui64_ll(vmac, ll);
	CHECK(!memcmp(ll, ip6_ll, 16));
}

static void test_ethernet(void)
{
	struct xldrv_netmap_policy pol = policy(NONE);
	struct frame f = udp4(ip4_other, 1000, 53);
	unsigned int need = 7;

	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_PASS);
	CHECK_EQ(tx(BOTH, &f), XLDRV_NETMAP_DROP_IP4_SRC);
	CHECK_EQ(xldrv_netmap_filter_tx(&pol, f.b, 13, &need),
		 XLDRV_NETMAP_DROP_SHORT);
	CHECK_EQ(need, ETH_HLEN);
	CHECK_EQ(xldrv_netmap_filter_tx(&pol, f.b, 0, NULL),
		 XLDRV_NETMAP_DROP_SHORT);
	xldrv_netmap_filter_tx(&pol, f.b, f.len, &need);
	CHECK_EQ(need, 0);

	/* Source MAC: the vif's, whatever the policy, whatever follows. */
	memcpy(f.b + 6, omac, ETH_ALEN);
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_DROP_SRC_MAC);
	f.b[6] = 0x01;
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_DROP_SRC_MAC);
	f = eth(bcast, omac, 0x1234);
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_DROP_SRC_MAC);

	/* Other ethertypes: with the MAC right, only without addresses. */
	f = eth(omac, vmac, 0x8863); /* PPPoE discovery */
	put(&f, NULL, 46);
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_PASS);
	CHECK_EQ(tx(V4, &f), XLDRV_NETMAP_DROP_ETHERTYPE);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_DROP_ETHERTYPE);
	f = eth(omac, vmac, 46); /* 802.3 length: LLC, SNAP */
	put(&f, NULL, 46);
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_PASS);
	CHECK_EQ(tx(BOTH, &f), XLDRV_NETMAP_DROP_ETHERTYPE);
	f = eth(omac, vmac, 0x88cc); /* LLDP, to a unicast address */
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_PASS);
}

static void test_vlan_and_control(void)
{
	static const unsigned int tags[] = { ETH_P_8021Q, ETH_P_8021AD,
					     ETH_P_QINQ1, ETH_P_QINQ2,
					     ETH_P_QINQ3 };
	struct frame f;
	unsigned int i;

	/* Tagged, even priority-only (VLAN 0), under any policy. */
	for (i = 0; i < 5; i++) {
		f = eth(bcast, vmac, tags[i]);
		put16(&f, 0);
		put16(&f, ETH_P_IP);
		CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_DROP_VLAN);
		CHECK_EQ(tx(BOTH, &f), XLDRV_NETMAP_DROP_VLAN);
	}
	/* STP, pause, LACP, 802.1X, LLDP addresses; MAC control type. */
	for (i = 0; i < 16; i++) {
		f = eth(stp_group, vmac, 0x0026);
		f.b[5] = i;
		CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_DROP_LINK_CTRL);
	}
	f.b[5] = 0x10;
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_PASS);
	f = eth(omac, vmac, ETH_P_PAUSE);
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_DROP_LINK_CTRL);
}

static void test_ipv4(void)
{
	struct frame f;

	f = udp4(ip4_own, 1000, 53);
	CHECK_EQ(tx(V4, &f), XLDRV_NETMAP_PASS);
	CHECK_EQ(tx(BOTH, &f), XLDRV_NETMAP_PASS);
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_PASS);
	/* Only IPv6 addresses listed: IPv4 has none of its own. */
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_DROP_IP4_SRC);
	f = udp4(ip4_own2, 1000, 53);
	CHECK_EQ(tx(V4, &f), XLDRV_NETMAP_PASS);
	f = udp4(ip4_other, 1000, 53);
	CHECK_EQ(tx(V4, &f), XLDRV_NETMAP_DROP_IP4_SRC);
	f = udp4(ip4_bcast, 1000, 53);
	CHECK_EQ(tx(V4, &f), XLDRV_NETMAP_DROP_IP4_SRC);

	/* 0.0.0.0: a DHCP client's discover and request, nothing else. */
	f = udp4(ip4_any, 68, 67);
	CHECK_EQ(tx(V4, &f), XLDRV_NETMAP_PASS);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_PASS);
	CHECK_EQ(need_of(V4, &f, 14 + 20), 14 + 20 + 4);
	f = udp4(ip4_any, 67, 68);
	CHECK_EQ(tx(V4, &f), XLDRV_NETMAP_DROP_IP4_SRC);
	f = udp4(ip4_any, 68, 53);
	CHECK_EQ(tx(V4, &f), XLDRV_NETMAP_DROP_IP4_SRC);
	f = ip4(ip4_any, IPPROTO_TCP, 0);
	put16(&f, 68);
	put16(&f, 67);
	CHECK_EQ(tx(V4, &f), XLDRV_NETMAP_DROP_IP4_SRC);
	/* A later fragment: what sits where the ports would be is data. */
	f = udp4(ip4_any, 68, 67);
	f.b[f.ip + 7] = 1;
	CHECK_EQ(tx(V4, &f), XLDRV_NETMAP_DROP_IP4_SRC);
	f.b[f.ip + 7] = 0;
	f.b[f.ip + 6] = 0x20; /* more fragments, offset 0: ports here */
	CHECK_EQ(tx(V4, &f), XLDRV_NETMAP_PASS);
	/* Ports after IP options. */
	f = ip4(ip4_any, IPPROTO_UDP, 8);
	put16(&f, 68);
	put16(&f, 67);
	CHECK_EQ(tx(V4, &f), XLDRV_NETMAP_PASS);
	f.b[f.ip] = 0x45; /* the ports are taken from the options */
	CHECK_EQ(tx(V4, &f), XLDRV_NETMAP_DROP_IP4_SRC);

	/* Malformed, when addresses are checked. */
	f = udp4(ip4_own, 1000, 53);
	f.b[f.ip] = 0x65;
	CHECK_EQ(tx(V4, &f), XLDRV_NETMAP_DROP_BAD_IP4);
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_PASS);
	f.b[f.ip] = 0x44;
	CHECK_EQ(tx(V4, &f), XLDRV_NETMAP_DROP_BAD_IP4);
	f = udp4(ip4_own, 1000, 53);
	CHECK_EQ(need_of(V4, &f, 14 + 19), 14 + 20);
}

static void test_arp(void)
{
	struct frame f;

	f = arp(ARPOP_REQUEST, vmac, ip4_other, ip4_own);
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_PASS);
	CHECK_EQ(tx(V4, &f), XLDRV_NETMAP_DROP_ARP_IP);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_DROP_ARP_IP);
	CHECK_EQ(need_of(NONE, &f, 41), 42);
	f = arp(ARPOP_REQUEST, vmac, ip4_own, ip4_other);
	CHECK_EQ(tx(V4, &f), XLDRV_NETMAP_PASS);
	/* Probe (RFC 5227) and gratuitous reply. */
	f = arp(ARPOP_REQUEST, vmac, ip4_any, ip4_own);
	CHECK_EQ(tx(V4, &f), XLDRV_NETMAP_PASS);
	f = arp(ARPOP_REPLY, vmac, ip4_own, ip4_own);
	CHECK_EQ(tx(BOTH, &f), XLDRV_NETMAP_PASS);

	/* The sender MAC is checked whatever the policy. */
	f = arp(ARPOP_REPLY, omac, ip4_own, ip4_other);
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_DROP_ARP_MAC);
	CHECK_EQ(tx(V4, &f), XLDRV_NETMAP_DROP_ARP_MAC);

	/* Any other layout, ARPHRD_IEEE802 (which Linux takes) included. */
	f = arp(ARPOP_REQUEST, vmac, ip4_own, ip4_other);
	f.b[15] = 6;
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_DROP_BAD_ARP);
	f.b[15] = 1;
	f.b[16] = 0x86;
	f.b[17] = 0xdd;
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_DROP_BAD_ARP);
	f.b[16] = 0x08;
	f.b[17] = 0x00;
	f.b[18] = 8;
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_DROP_BAD_ARP);
	f.b[18] = 6;
	f.b[19] = 16;
	CHECK_EQ(tx(V4, &f), XLDRV_NETMAP_DROP_BAD_ARP);
}

static void test_ipv6_source(void)
{
	struct frame f;

	f = ip6(ip6_own, ip6_other, IPPROTO_UDP);
	put(&f, NULL, 8);
	ip6_end(&f);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_PASS);
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_PASS);
	CHECK_EQ(tx(V4, &f), XLDRV_NETMAP_DROP_IP6_SRC);
	CHECK_EQ(need_of(V6, &f, 53), 54);
	memcpy(f.b + f.ip + 8, ip6_ll, 16);
	CHECK_EQ(tx(V4, &f), XLDRV_NETMAP_PASS);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_PASS);
	memcpy(f.b + f.ip + 8, ip6_router, 16);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_DROP_IP6_SRC);
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_PASS);
	memcpy(f.b + f.ip + 8, ip6_other, 16);
	CHECK_EQ(tx(BOTH, &f), XLDRV_NETMAP_DROP_IP6_SRC);
	/* :: is for DAD and MLD only. */
	memcpy(f.b + f.ip + 8, ip6_any, 16);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_DROP_IP6_SRC);
	f.b[f.ip] = 0x40;
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_DROP_BAD_IP6);
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_DROP_BAD_IP6);

	f = ip6(ip6_any, ip6_allnodes, IPPROTO_ICMPV6);
	icmp6(&f, ICMPV6_ECHO_REQUEST);
	ip6_end(&f);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_DROP_IP6_SRC);
	/* MLD reports, behind their hop-by-hop header (router alert). */
	f = ip6(ip6_any, ip6_allnodes, IPPROTO_HOPOPTS);
	ext(&f, IPPROTO_ICMPV6);
	icmp6(&f, ICMPV6_MLD2_REPORT);
	put(&f, NULL, 4);
	ip6_end(&f);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_PASS);
	f.b[f.ip + 48] = ICMPV6_MGM_REPORT;
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_PASS);
	f.b[f.ip + 48] = ICMPV6_MGM_QUERY;
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_DROP_IP6_SRC);
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_PASS);
	f.b[f.ip + 48] = NDISC_NEIGHBOUR_ADVERTISEMENT;
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_DROP_IP6_SRC);
}

static void test_ipv6_headers(void)
{
	struct frame f;
	unsigned int i;

	/* Extension headers walked, within the payload and a bound. */
	f = ip6(ip6_own, ip6_other, IPPROTO_DSTOPTS);
	for (i = 0; i < 7; i++)
		ext(&f, IPPROTO_DSTOPTS);
	ext(&f, IPPROTO_TCP);
	put(&f, NULL, 20);
	ip6_end(&f);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_PASS);
	f.b[f.ip + 40 + 7 * 8] = IPPROTO_DSTOPTS;
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_DROP_BAD_IP6);
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_DROP_BAD_IP6);

	f = ip6(ip6_own, ip6_other, IPPROTO_ROUTING);
	ext(&f, IPPROTO_TCP);
	f.b[f.len - 7] = 1; /* 16 bytes long, but the payload ends first */
	ip6_end(&f);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_DROP_BAD_IP6);
	put(&f, NULL, 8);
	ip6_end(&f);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_PASS);
	/* AH counts its length in 4-byte words. */
	f = ip6(ip6_own, ip6_other, IPPROTO_AH);
	put8(&f, IPPROTO_ICMPV6);
	put8(&f, 1);
	put(&f, NULL, 10);
	nd_target(&f, NDISC_NEIGHBOUR_ADVERTISEMENT, ip6_other);
	ip6_end(&f);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_DROP_ND_TARGET);
	/* Past the bytes given: asked for. */
	f = ip6(ip6_own, ip6_other, IPPROTO_HOPOPTS);
	ext(&f, IPPROTO_UDP);
	put(&f, NULL, 8);
	ip6_end(&f);
	CHECK_EQ(need_of(V6, &f, 54), 62);
	/* ICMPv6 too short for its header. */
	f = ip6(ip6_own, ip6_other, IPPROTO_ICMPV6);
	put(&f, NULL, 3);
	ip6_end(&f);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_DROP_BAD_IP6);
}

static void test_nd(void)
{
	struct frame f;

	/* Resolving the router: its address is the target, fine. */
	f = ns(ip6_ll, ip6_router, vmac);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_PASS);
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_PASS);
	f = ns(ip6_own, ip6_router, NULL);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_PASS);
	/* Binding another MAC: refused whatever the policy. */
	f = ns(ip6_ll, ip6_router, omac);
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_DROP_ND_LLADDR);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_DROP_ND_LLADDR);
	/* Whole message or nothing. */
	CHECK_EQ(need_of(NONE, &f, 14 + 40 + 24), f.len);

	/* DAD: the target is claimed, so it must be the vif's. */
	f = ns(ip6_any, ip6_own, NULL);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_PASS);
	f = ns(ip6_any, ip6_ll, NULL);
	CHECK_EQ(tx(V4, &f), XLDRV_NETMAP_PASS);
	f = ns(ip6_any, ip6_other, NULL);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_DROP_ND_TARGET);
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_PASS);

	/* Advertisements are for the vif's own addresses. */
	f = na(ip6_own, ip6_own, vmac);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_PASS);
	f = na(ip6_ll, ip6_ll, vmac);
	CHECK_EQ(tx(V4, &f), XLDRV_NETMAP_PASS);
	f = na(ip6_own, ip6_other, vmac);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_DROP_ND_TARGET);
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_PASS);
	f = na(ip6_own, ip6_router, NULL);
	CHECK_EQ(tx(BOTH, &f), XLDRV_NETMAP_DROP_ND_TARGET);
	f = na(ip6_own, ip6_own, omac);
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_DROP_ND_LLADDR);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_DROP_ND_LLADDR);

	/* Options: the right one after others; bad lengths. */
	f = ip6(ip6_own, ip6_allnodes, IPPROTO_ICMPV6);
	nd_target(&f, NDISC_NEIGHBOUR_ADVERTISEMENT, ip6_own);
	put8(&f, 14); /* a nonce, RFC 3971 */
	put8(&f, 1);
	put(&f, NULL, 6);
	lladdr(&f, ND_OPT_TARGET_LL_ADDR, vmac);
	ip6_end(&f);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_PASS);
	lladdr(&f, ND_OPT_SOURCE_LL_ADDR, omac);
	ip6_end(&f);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_DROP_ND_LLADDR);
	f.b[f.len - 7] = 0;
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_DROP_BAD_ND);
	f.b[f.len - 7] = 2;
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_DROP_BAD_ND);
	put(&f, NULL, 8);
	ip6_end(&f);
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_DROP_BAD_ND);
	f.len -= 9;
	ip6_end(&f);
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_DROP_BAD_ND);

	/* Too short for what it is. */
	f = ip6(ip6_own, ip6_allnodes, IPPROTO_ICMPV6);
	nd_target(&f, NDISC_NEIGHBOUR_SOLICITATION, ip6_router);
	f.len--;
	ip6_end(&f);
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_DROP_BAD_ND);

	/* Router solicitation and advertisement carry a source option. */
	f = ip6(ip6_ll, ip6_allnodes, IPPROTO_ICMPV6);
	icmp6(&f, NDISC_ROUTER_SOLICITATION);
	put(&f, NULL, 4);
	lladdr(&f, ND_OPT_SOURCE_LL_ADDR, omac);
	ip6_end(&f);
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_DROP_ND_LLADDR);
	f = ip6(ip6_ll, ip6_allnodes, IPPROTO_ICMPV6);
	icmp6(&f, NDISC_ROUTER_ADVERTISEMENT);
	put(&f, NULL, 12);
	lladdr(&f, ND_OPT_SOURCE_LL_ADDR, vmac);
	ip6_end(&f);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_PASS);
	memcpy(f.b + f.len - 6, omac, 6);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_DROP_ND_LLADDR);
	/* Redirects are not looked into: the target is another router. */
	f = ip6(ip6_ll, ip6_allnodes, IPPROTO_ICMPV6);
	icmp6(&f, NDISC_REDIRECT);
	put(&f, NULL, 36);
	lladdr(&f, ND_OPT_TARGET_LL_ADDR, omac);
	ip6_end(&f);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_PASS);
}

static void test_nd_hidden(void)
{
	struct frame f;

	/* Behind a destination options header: still looked at. */
	f = ip6(ip6_ll, ip6_allnodes, IPPROTO_DSTOPTS);
	ext(&f, IPPROTO_ICMPV6);
	nd_target(&f, NDISC_NEIGHBOUR_ADVERTISEMENT, ip6_ll);
	lladdr(&f, ND_OPT_TARGET_LL_ADDR, omac);
	ip6_end(&f);
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_DROP_ND_LLADDR);
	memcpy(f.b + f.len - 6, vmac, 6);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_PASS);
	/* And a DAD probe for another's address behind hop-by-hop. */
	f = ip6(ip6_any, ip6_allnodes, IPPROTO_HOPOPTS);
	ext(&f, IPPROTO_ICMPV6);
	nd_target(&f, NDISC_NEIGHBOUR_SOLICITATION, ip6_other);
	ip6_end(&f);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_DROP_ND_TARGET);

	/* Fragmented ND (RFC 6980), even an atomic fragment. */
	f = ip6(ip6_ll, ip6_allnodes, IPPROTO_FRAGMENT);
	frag_hdr(&f, IPPROTO_ICMPV6, 0, true);
	nd_target(&f, NDISC_NEIGHBOUR_ADVERTISEMENT, ip6_ll);
	ip6_end(&f);
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_DROP_BAD_ND);
	f.b[f.ip + 43] = 0;
	CHECK_EQ(tx(NONE, &f), XLDRV_NETMAP_DROP_BAD_ND);
	/* Later fragments of ICMPv6 are data: from the vif's address, they
	 * pass; from ::, no DAD or MLD is ever fragmented.
	 */
	f = ip6(ip6_own, ip6_other, IPPROTO_FRAGMENT);
	frag_hdr(&f, IPPROTO_ICMPV6, 100, true);
	nd_target(&f, NDISC_NEIGHBOUR_ADVERTISEMENT, ip6_other);
	lladdr(&f, ND_OPT_TARGET_LL_ADDR, omac);
	ip6_end(&f);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_PASS);
	memcpy(f.b + f.ip + 8, ip6_any, 16);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_DROP_IP6_SRC);
	/* An echo request too big for one frame: first fragment passes. */
	f = ip6(ip6_own, ip6_other, IPPROTO_FRAGMENT);
	frag_hdr(&f, IPPROTO_ICMPV6, 0, true);
	icmp6(&f, ICMPV6_ECHO_REQUEST);
	put(&f, NULL, 100);
	ip6_end(&f);
	CHECK_EQ(tx(V6, &f), XLDRV_NETMAP_PASS);
}

static void test_rx(void)
{
	struct xldrv_netmap_policy pol = policy(NONE);
	unsigned int need = 99, i;
	struct frame f;

	f = eth(vmac, omac, ETH_P_IP);
	CHECK_EQ(xldrv_netmap_filter_rx(&pol, f.b, f.len, &need),
		 XLDRV_NETMAP_PASS);
	CHECK_EQ(need, 0);
	CHECK_EQ(xldrv_netmap_filter_rx(&pol, f.b, 13, &need),
		 XLDRV_NETMAP_DROP_SHORT);
	CHECK_EQ(need, ETH_HLEN);
	CHECK_EQ(xldrv_netmap_filter_rx(&pol, f.b, 0, NULL),
		 XLDRV_NETMAP_DROP_SHORT);
	f = eth(omac, vmac, ETH_P_IP);
	CHECK_EQ(xldrv_netmap_filter_rx(&pol, f.b, f.len, &need),
		 XLDRV_NETMAP_DROP_DST_MAC);
	/* One bit away from the vif's, in each byte. */
	for (i = 0; i < ETH_ALEN; i++) {
		f = eth(vmac, omac, ETH_P_IP);
		f.b[i] ^= i ? 0x01 : 0x80;
		CHECK_EQ(xldrv_netmap_filter_rx(&pol, f.b, f.len, NULL),
			 XLDRV_NETMAP_DROP_DST_MAC);
	}
	f = eth(bcast, omac, ETH_P_ARP);
	CHECK_EQ(xldrv_netmap_filter_rx(&pol, f.b, f.len, NULL),
		 XLDRV_NETMAP_PASS);
	f = eth(mc_allnodes, omac, ETH_P_IPV6);
	CHECK_EQ(xldrv_netmap_filter_rx(&pol, f.b, f.len, NULL),
		 XLDRV_NETMAP_PASS);
	f = eth(mc_mdns4, omac, ETH_P_IP);
	CHECK_EQ(xldrv_netmap_filter_rx(&pol, f.b, f.len, NULL),
		 XLDRV_NETMAP_PASS);
	f = eth(stp_group, omac, 0x0026);
	CHECK_EQ(xldrv_netmap_filter_rx(&pol, f.b, f.len, NULL),
		 XLDRV_NETMAP_DROP_LINK_CTRL);
	f = eth(vmac, omac, ETH_P_8021Q);
	CHECK_EQ(xldrv_netmap_filter_rx(&pol, f.b, f.len, NULL),
		 XLDRV_NETMAP_DROP_VLAN);
	f = eth(bcast, omac, ETH_P_PAUSE);
	CHECK_EQ(xldrv_netmap_filter_rx(&pol, f.b, f.len, NULL),
		 XLDRV_NETMAP_DROP_LINK_CTRL);
}

static void test_policy_bounds(void)
{
	struct xldrv_netmap_policy pol = policy(BOTH);
	struct frame f = udp4(ip4_other, 1000, 53), g;

	/* Counts past the arrays are taken as full arrays, never read past
	 * (an address matching nothing makes the filter look at them all).
	 */
	memcpy(pol.ip4[XLDRV_NETMAP_MAX_IP4 - 1], ip4_other, 4);
	memcpy(pol.ip6[XLDRV_NETMAP_MAX_IP6 - 1], ip6_other, 16);
	pol.nr_ip4 = 255;
	pol.nr_ip6 = 255;
	CHECK_EQ(xldrv_netmap_filter_tx(&pol, f.b, f.len, NULL),
		 XLDRV_NETMAP_PASS);
	f = udp4(ip4_other, 1000, 53);
	f.b[f.ip + 15] = 99;
	CHECK_EQ(xldrv_netmap_filter_tx(&pol, f.b, f.len, NULL),
		 XLDRV_NETMAP_DROP_IP4_SRC);
	g = ns(ip6_other, ip6_router, NULL);
	CHECK_EQ(xldrv_netmap_filter_tx(&pol, g.b, g.len, NULL),
		 XLDRV_NETMAP_PASS);
	g = ns(ip6_router, ip6_router, NULL);
	CHECK_EQ(xldrv_netmap_filter_tx(&pol, g.b, g.len, NULL),
		 XLDRV_NETMAP_DROP_IP6_SRC);
	pol.nr_ip4 = XLDRV_NETMAP_MAX_IP4 - 1;
	f = udp4(ip4_other, 1000, 53);
	CHECK_EQ(xldrv_netmap_filter_tx(&pol, f.b, f.len, NULL),
		 XLDRV_NETMAP_DROP_IP4_SRC);
}

/* Frames from the cases above, each with a few bytes changed. */
static void test_random(void)
{
	struct frame seeds[NETMAP_NR_SEEDS];
	unsigned int nr_seeds;
	unsigned int i, j, n, tries, verdicts[XLDRV_NETMAP_NR_DROPS] = { 0 };
	struct xldrv_netmap_policy pol;
	const char *why;
	struct frame f;

	nr_seeds = netmap_seed_frames(seeds);
	for (i = 0; i < 100000; i++) {
		f = seeds[rnd() % nr_seeds];
		pol = policy(rnd() % 4);
		n = rnd() % 4;
		for (j = 0; j < n; j++) {
			unsigned int at = rnd() % f.len;

			f.b[at] = rnd() % 2 ? f.b[at] ^ (1u << (rnd() % 8)) :
					      (u8)rnd();
		}
		if (!(rnd() % 8))
			f.len = rnd() % (f.len + 1);
		why = netmap_filter_tx_converges(&pol, f.b, f.len, rnd() % 80,
						 &tries);
		if (why) {
			fprintf(stderr, "random frame %u: %s\n", i, why);
			CHECK(why == NULL);
			break;
		}
		verdicts[xldrv_netmap_filter_tx(&pol, f.b, f.len, NULL)]++;
	}
	/* Every tx reason reached, or this proves little. */
	for (j = 0; j < XLDRV_NETMAP_NR_DROPS; j++) {
		printf("random: %-45s %u\n", xldrv_netmap_drop_name[j],
		       verdicts[j]);
		if (j != XLDRV_NETMAP_DROP_DST_MAC)
			CHECK(verdicts[j] > 10);
	}
}

int main(void)
{
	test_names();
	test_ethernet();
	test_vlan_and_control();
	test_ipv4();
	test_arp();
	test_ipv6_source();
	test_ipv6_headers();
	test_nd();
	test_nd_hidden();
	test_rx();
	test_policy_bounds();
	test_random();
	return check_done("netmap_filter");
}
