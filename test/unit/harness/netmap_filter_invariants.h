/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What must hold of every verdict of xldrv_netmap's filter, whatever the
 * frame.  Shared by the unit tests' random frames and the libFuzzer
 * target.  What a PASS means is worked out here again, independently and
 * more simply (an ND message only right behind the IPv6 header, say), so
 * the filter is checked against something other than itself.  Each
 * returns NULL when all hold, else what broke.
 */
#ifndef XLDRV_HARNESS_NETMAP_FILTER_INVARIANTS_H
#define XLDRV_HARNESS_NETMAP_FILTER_INVARIANTS_H
#include <stdlib.h>
#include "netmap/filter.h"

static inline unsigned int nf_be16(const u8 *p)
{
	return p[0] << 8 | p[1];
}

static inline bool nf_zero(const u8 *p, unsigned int n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

static inline unsigned int nf_nr4(const struct xldrv_netmap_policy *pol)
{
	return pol->nr_ip4 > XLDRV_NETMAP_MAX_IP4 ? XLDRV_NETMAP_MAX_IP4 :
						    pol->nr_ip4;
}

static inline unsigned int nf_nr6(const struct xldrv_netmap_policy *pol)
{
	return pol->nr_ip6 > XLDRV_NETMAP_MAX_IP6 ? XLDRV_NETMAP_MAX_IP6 :
						    pol->nr_ip6;
}

static inline bool nf_own4(const struct xldrv_netmap_policy *pol,
			   const u8 *a)
{
	unsigned int i;

	for (i = 0; i < nf_nr4(pol); i++)
		if (!memcmp(a, pol->ip4[i], 4))
			return true;
	return false;
}

static inline bool nf_own6(const struct xldrv_netmap_policy *pol,
			   const u8 *a)
{
	/* fe80::, then the MAC with ff:fe in the middle, U/L bit flipped. */
	const u8 ll[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
			    pol->mac[0] ^ 2, pol->mac[1], pol->mac[2], 0xff,
			    0xfe, pol->mac[3], pol->mac[4], pol->mac[5] };
	unsigned int i;

	for (i = 0; i < nf_nr6(pol); i++)
		if (!memcmp(a, pol->ip6[i], 16))
			return true;
	return !memcmp(a, ll, 16);
}

static inline bool nf_vlan_or_ctrl(const u8 *f)
{
	unsigned int type = nf_be16(f + 12);
	static const u8 ctrl[5] = { 0x01, 0x80, 0xc2, 0, 0 };

	return type == 0x8100 || type == 0x88a8 || type == 0x9100 ||
	       type == 0x9200 || type == 0x9300 || type == 0x8808 ||
	       (!memcmp(f, ctrl, 5) && f[5] < 0x10);
}

/* A passed ND message at @at, to the IPv6 payload's end. */
static inline const char *
nf_nd_invariants(const struct xldrv_netmap_policy *pol, const u8 *f,
		 unsigned int len, unsigned int at, bool ips)
{
	unsigned int end = 54 + nf_be16(f + 18), o;
	u8 type = f[at];
	unsigned int min = type == 133 ? 8 : type == 134 ? 16 : 24;

	if (end > len)
		return "ND passed without its whole message";
	if (end - at < min)
		return "truncated ND passed";
	if (ips && type == 136 && !nf_own6(pol, f + at + 8))
		return "advertisement for another's address passed";
	if (ips && type == 135 && nf_zero(f + 22, 16) &&
	    !nf_own6(pol, f + at + 8))
		return "DAD for another's address passed";
	for (o = at + min; o + 2 <= end && f[o + 1]; o += f[o + 1] * 8) {
		if ((f[o] == 1 || f[o] == 2) &&
		    (f[o + 1] != 1 || o + 8 > end ||
		     memcmp(f + o + 2, pol->mac, 6)))
			return "ND link-layer address not the vif's passed";
	}
	if (o != end)
		return "ND with bad options passed";
	return NULL;
}

/*
 * A passed IPv6 packet: walk to its upper layer the plain way (extension
 * headers are 8(n+1) bytes, AH 4(n+2), a fragment header 8, and after a
 * later fragment's comes data), then look at its source and, for ND, the
 * message.
 */
static inline const char *
nf_ip6_invariants(const struct xldrv_netmap_policy *pol, const u8 *f,
		  unsigned int len, bool ips)
{
	unsigned int at = 54, nh = f[20], end = 54 + nf_be16(f + 18), hl;
	bool frag = false;
	u8 type = 0;

	while (nh == 0 || nh == 43 || nh == 44 || nh == 51 || nh == 60) {
		if (at + 8 > len || at + 8 > end)
			return "passed IPv6 with its headers unseen or cut";
		if (nh == 44) {
			frag = true;
			if (nf_be16(f + at + 2) >> 3) {
				nh = 256; /* data, no header */
				break;
			}
			nh = f[at];
			at += 8;
		} else {
			hl = nh == 51 ? (f[at + 1] + 2) * 4 :
					(f[at + 1] + 1) * 8;
			nh = f[at];
			at += hl;
		}
		if (at > end)
			return "passed IPv6 with headers past its payload";
	}
	if (nh == 58) {
		if (at + 4 > len || at + 4 > end)
			return "passed ICMPv6 unseen";
		type = f[at];
	}
	if (ips && !nf_own6(pol, f + 22) &&
	    !(nf_zero(f + 22, 16) && nh == 58 &&
	      (type == 135 || type == 131 || type == 143)))
		return "passed IPv6 from another's address";
	if (nh == 58 && type >= 133 && type <= 136) {
		if (frag)
			return "passed fragmented ND";
		return nf_nd_invariants(pol, f, len, at, ips);
	}
	return NULL;
}

static inline const char *
nf_pass_invariants(const struct xldrv_netmap_policy *pol, const u8 *f,
		   unsigned int len)
{
	bool ips = nf_nr4(pol) || nf_nr6(pol);
	unsigned int type, ihl;

	if (len < 14)
		return "passed a frame shorter than its Ethernet header";
	if (memcmp(f + 6, pol->mac, 6))
		return "passed a spoofed source MAC";
	if (nf_vlan_or_ctrl(f))
		return "passed a VLAN or link control frame";
	type = nf_be16(f + 12);
	if (type == 0x0806) {
		if (len < 42 || nf_be16(f + 14) != 1 ||
		    nf_be16(f + 16) != 0x0800 || f[18] != 6 || f[19] != 4)
			return "passed a malformed ARP";
		if (memcmp(f + 22, pol->mac, 6))
			return "passed ARP with another's MAC";
		if (ips && !nf_own4(pol, f + 28) && !nf_zero(f + 28, 4))
			return "passed ARP with another's IP";
		return NULL;
	}
	if (!ips && type != 0x86dd)
		return NULL;
	if (type == 0x0800) {
		if (len < 34 || f[14] >> 4 != 4)
			return "passed a malformed IPv4 header";
		if (nf_own4(pol, f + 26))
			return NULL;
		ihl = (f[14] & 15) * 4;
		if (!nf_zero(f + 26, 4) || f[23] != 17 ||
		    (nf_be16(f + 20) & 0x1fff) ||
		    len < 14 + ihl + 4 || nf_be16(f + 14 + ihl) != 68 ||
		    nf_be16(f + 16 + ihl) != 67)
			return "passed IPv4 from another's address";
		return NULL;
	}
	if (type != 0x86dd)
		return "passed an unchecked ethertype with addresses set";
	if (len < 54 || f[14] >> 4 != 6)
		return "passed a malformed IPv6 header";
	return nf_ip6_invariants(pol, f, len, ips);
}

static inline const char *
netmap_filter_tx_invariants(const struct xldrv_netmap_policy *pol,
			    const u8 *frame, unsigned int len,
			    enum xldrv_netmap_drop v, unsigned int need)
{
	if ((unsigned int)v >= XLDRV_NETMAP_NR_DROPS)
		return "no such verdict";
	if (v == XLDRV_NETMAP_DROP_SHORT)
		return need > len ? NULL : "too short, but wants no more";
	if (need)
		return "wants more bytes, but not too short";
	if (v == XLDRV_NETMAP_DROP_DST_MAC)
		return "an rx verdict on tx";
	if (v == XLDRV_NETMAP_PASS)
		return nf_pass_invariants(pol, frame, len);
	return NULL;
}

static inline const char *
netmap_filter_rx_invariants(const struct xldrv_netmap_policy *pol,
			    const u8 *frame, unsigned int len,
			    enum xldrv_netmap_drop v, unsigned int need)
{
	if (v == XLDRV_NETMAP_DROP_SHORT)
		return need > len ? NULL : "too short, but wants no more";
	if (need)
		return "wants more bytes, but not too short";
	if (v != XLDRV_NETMAP_PASS)
		return v == XLDRV_NETMAP_DROP_DST_MAC ||
		       v == XLDRV_NETMAP_DROP_VLAN ||
		       v == XLDRV_NETMAP_DROP_LINK_CTRL ?
			       NULL :
			       "a tx verdict on rx";
	if (len < 14 || nf_vlan_or_ctrl(frame))
		return "gave a short, VLAN or link control frame";
	if (!(frame[0] & 1) && memcmp(frame, pol->mac, 6))
		return "gave a frame addressed to another";
	return NULL;
}

/*
 * The caller's side of "too short": give the filter what it asks for,
 * starting from @start bytes, until it judges.  Each try sees a heap copy
 * of exactly the bytes given, so a read past them is caught (ASan).  The
 * verdict must be the one on the whole frame, and a frame that has not
 * got what was asked for must be too short whole too.  *@tries counts.
 */
static inline const char *
netmap_filter_tx_converges(const struct xldrv_netmap_policy *pol,
			   const u8 *frame, unsigned int len,
			   unsigned int start, unsigned int *tries)
{
	unsigned int have = start < len ? start : len, need, whole_need;
	enum xldrv_netmap_drop v, whole;
	const char *why = NULL;
	u8 *copy;

	whole = xldrv_netmap_filter_tx(pol, frame, len, &whole_need);
	for (*tries = 1;; ++*tries) {
		copy = malloc(have ? have : 1);
		if (!copy)
			return "out of memory";
		memcpy(copy, frame, have);
		v = xldrv_netmap_filter_tx(pol, copy, have, &need);
		free(copy);
		why = netmap_filter_tx_invariants(pol, frame, have, v, need);
		if (why)
			return why;
		if (v != XLDRV_NETMAP_DROP_SHORT)
			return v == whole ? NULL :
					    "judged otherwise on fewer bytes";
		if (need > len) {
			if (whole != XLDRV_NETMAP_DROP_SHORT ||
			    whole_need != need)
				return "asked for more than the frame has, yet judged it whole";
			return NULL;
		}
		if (*tries > 64)
			return "asks for more without end";
		have = need;
	}
}
#endif
