/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frames for the netmap filter's unit tests and fuzzer, built field by
 * field the way the RFCs lay them out.  vmac is the vif's MAC in every
 * test policy, omac somebody else's.
 */
#ifndef XLDRV_HARNESS_NETMAP_FRAMES_H
#define XLDRV_HARNESS_NETMAP_FRAMES_H
#include <linux/if_arp.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/icmpv6.h>
#include <net/ndisc.h>
#include "netmap/filter.h"

#define NETMAP_NR_SEEDS 16

static const u8 vmac[ETH_ALEN] = { 0x00, 0x16, 0x3e, 0x12, 0x34, 0x56 };
static const u8 omac[ETH_ALEN] = { 0x00, 0x16, 0x3e, 0xaa, 0xbb, 0xcc };
static const u8 bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const u8 mc_allnodes[ETH_ALEN] = { 0x33, 0x33, 0, 0, 0, 1 };
static const u8 mc_mdns4[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0, 0, 0xfb };
/* 802.1D's Bridge Group Address (STP), first of the reserved 16. */
static const u8 stp_group[ETH_ALEN] = { 0x01, 0x80, 0xc2, 0, 0, 0 };
static const u8 ip4_own[4] = { 10, 0, 0, 5 };
static const u8 ip4_own2[4] = { 192, 168, 1, 1 };
static const u8 ip4_other[4] = { 10, 0, 0, 9 };
static const u8 ip4_any[4] = { 0, 0, 0, 0 };
static const u8 ip4_bcast[4] = { 255, 255, 255, 255 };
static const u8 ip6_own[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 5 };
static const u8 ip6_other[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 9 };
static const u8 ip6_any[16];
static const u8 ip6_router[16] = { 0xfe, 0x80, [15] = 1 };
/* fe80::216:3eff:fe12:3456, vmac's EUI-64 link-local address. */
static const u8 ip6_ll[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
			       0x02, 0x16, 0x3e, 0xff, 0xfe, 0x12, 0x34, 0x56 };
static const u8 ip6_allnodes[16] = { 0xff, 0x02, [15] = 1 };

struct frame {
	u8 b[600];
	unsigned int len;
	unsigned int ip;	/* where the IP header starts */
};

static inline u8 *put(struct frame *f, const void *p, unsigned int n)
{
	u8 *at = f->b + f->len;

	if (p)
		memcpy(at, p, n);
	else
		memset(at, 0, n);
	f->len += n;
	return at;
}

static inline void put8(struct frame *f, unsigned int v)
{
	f->b[f->len++] = v;
}

static inline void put16(struct frame *f, unsigned int v)
{
	put8(f, v >> 8);
	put8(f, v & 0xff);
}

static inline struct frame eth(const u8 *dst, const u8 *src,
				unsigned int type)
{
	struct frame f = { .len = 0 };

	put(&f, dst, ETH_ALEN);
	put(&f, src, ETH_ALEN);
	put16(&f, type);
	return f;
}

static inline struct frame ip4(const u8 *src, unsigned int proto,
			unsigned int options)
{
	struct frame f = eth(bcast, vmac, ETH_P_IP);

	f.ip = f.len;
	put8(&f, 0x45 + options / 4);
	put8(&f, 0);
	put16(&f, 20 + options + 8);
	put16(&f, 0x1234);
	put16(&f, 0);			/* flags, fragment offset */
	put8(&f, 64);
	put8(&f, proto);
	put16(&f, 0);
	put(&f, src, 4);
	put(&f, ip4_bcast, 4);
	put(&f, NULL, options);
	return f;
}

static inline struct frame udp4(const u8 *src, unsigned int sport,
			 unsigned int dport)
{
	struct frame f = ip4(src, IPPROTO_UDP, 0);

	put16(&f, sport);
	put16(&f, dport);
	put16(&f, 8);
	put16(&f, 0);
	return f;
}

static inline struct frame arp(unsigned int op, const u8 *sha, const u8 *spa,
			const u8 *tpa)
{
	struct frame f = eth(bcast, vmac, ETH_P_ARP);

	put16(&f, ARPHRD_ETHER);
	put16(&f, ETH_P_IP);
	put8(&f, ETH_ALEN);
	put8(&f, 4);
	put16(&f, op);
	put(&f, sha, ETH_ALEN);
	put(&f, spa, 4);
	put(&f, NULL, ETH_ALEN);
	put(&f, tpa, 4);
	return f;
}

/* An IPv6 header; ip6_end() fills in the payload length. */
static inline struct frame ip6(const u8 *src, const u8 *dst,
				unsigned int nexthdr)
{
	struct frame f = eth(mc_allnodes, vmac, ETH_P_IPV6);

	f.ip = f.len;
	put8(&f, 0x60);
	put(&f, NULL, 3);
	put16(&f, 0);
	put8(&f, nexthdr);
	put8(&f, 255);
	put(&f, src, 16);
	put(&f, dst, 16);
	return f;
}

static inline void ip6_end(struct frame *f)
{
	unsigned int plen = f->len - f->ip - 40;

	f->b[f->ip + 4] = plen >> 8;
	f->b[f->ip + 5] = plen & 0xff;
}

/* An extension header of 8 bytes, options padded. */
static inline void ext(struct frame *f, unsigned int nexthdr)
{
	put8(f, nexthdr);
	put8(f, 0);
	put(f, NULL, 6);
}

static inline void frag_hdr(struct frame *f, unsigned int nexthdr,
		     unsigned int offset, bool more)
{
	put8(f, nexthdr);
	put8(f, 0);
	put16(f, offset << 3 | more);
	put16(f, 0x1234);	/* identification */
	put16(f, 0x5678);
}

/* ICMPv6 type, code 0, checksum (not looked at), then the body. */
static inline void icmp6(struct frame *f, unsigned int type)
{
	put8(f, type);
	put8(f, 0);
	put16(f, 0);
}

/* NS or NA: 4 reserved/flag bytes and the target. */
static inline void nd_target(struct frame *f, unsigned int type,
			     const u8 *target)
{
	icmp6(f, type);
	put(f, NULL, 4);
	put(f, target, 16);
}

static inline void lladdr(struct frame *f, unsigned int opt, const u8 *mac)
{
	put8(f, opt);
	put8(f, 1);
	put(f, mac, ETH_ALEN);
}

static inline struct frame ns(const u8 *src, const u8 *target,
			       const u8 *sllao)
{
	struct frame f = ip6(src, ip6_allnodes, IPPROTO_ICMPV6);

	nd_target(&f, NDISC_NEIGHBOUR_SOLICITATION, target);
	if (sllao)
		lladdr(&f, ND_OPT_SOURCE_LL_ADDR, sllao);
	ip6_end(&f);
	return f;
}

static inline struct frame na(const u8 *src, const u8 *target,
			       const u8 *tllao)
{
	struct frame f = ip6(src, ip6_allnodes, IPPROTO_ICMPV6);

	nd_target(&f, NDISC_NEIGHBOUR_ADVERTISEMENT, target);
	if (tllao)
		lladdr(&f, ND_OPT_TARGET_LL_ADDR, tllao);
	ip6_end(&f);
	return f;
}

/* A frame of each kind the tests use: what the random tests and the
 * fuzzer mutate.  Returns how many, at most NETMAP_NR_SEEDS.
 */
static inline unsigned int netmap_seed_frames(struct frame *seeds)
{
	unsigned int n = 0;
	struct frame f;

	seeds[n++] = udp4(ip4_own, 1000, 53);
	seeds[n++] = udp4(ip4_any, 68, 67);
	seeds[n++] = arp(ARPOP_REQUEST, vmac, ip4_own, ip4_other);
	seeds[n++] = ns(ip6_ll, ip6_router, vmac);
	seeds[n++] = ns(ip6_any, ip6_own, NULL);
	seeds[n++] = na(ip6_own, ip6_own, vmac);
	seeds[n++] = eth(bcast, vmac, 0x8863);
	f = eth(bcast, vmac, ETH_P_8021Q);
	put16(&f, 0);
	put16(&f, ETH_P_IP);
	seeds[n++] = f;
	seeds[n++] = eth(stp_group, vmac, 38);
	f = ip6(ip6_any, ip6_allnodes, IPPROTO_HOPOPTS);
	ext(&f, IPPROTO_ICMPV6);
	icmp6(&f, ICMPV6_MLD2_REPORT);
	put(&f, NULL, 4);
	ip6_end(&f);
	seeds[n++] = f;
	f = ip6(ip6_ll, ip6_allnodes, IPPROTO_DSTOPTS);
	ext(&f, IPPROTO_FRAGMENT);
	frag_hdr(&f, IPPROTO_ICMPV6, 0, false);
	icmp6(&f, NDISC_ROUTER_ADVERTISEMENT);
	put(&f, NULL, 12);
	lladdr(&f, ND_OPT_SOURCE_LL_ADDR, vmac);
	ip6_end(&f);
	seeds[n++] = f;
	return n;
}
#endif
