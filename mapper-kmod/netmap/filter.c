// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv_netmap: the security filter (see filter.h).
 *
 * Fields are read byte by byte, big-endian, at offsets from the RFCs:
 * the frame copy need not be aligned, so no header struct is laid on it.
 */
#include <linux/string.h>
#include <linux/if_arp.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/icmpv6.h>
#include <net/ndisc.h>
#include "filter.h"

const char *const xldrv_netmap_drop_name[XLDRV_NETMAP_NR_DROPS] = {
	[XLDRV_NETMAP_PASS] = "pass",
	[XLDRV_NETMAP_DROP_SHORT] = "too short to judge",
	[XLDRV_NETMAP_DROP_SRC_MAC] = "source MAC not the vif's",
	[XLDRV_NETMAP_DROP_VLAN] = "VLAN-tagged",
	[XLDRV_NETMAP_DROP_LINK_CTRL] = "link-local control frame",
	[XLDRV_NETMAP_DROP_ETHERTYPE] = "ethertype not allowed with addresses set",
	[XLDRV_NETMAP_DROP_BAD_IP4] = "malformed IPv4 header",
	[XLDRV_NETMAP_DROP_IP4_SRC] = "IPv4 source not the vif's",
	[XLDRV_NETMAP_DROP_BAD_ARP] = "not an Ethernet/IPv4 ARP",
	[XLDRV_NETMAP_DROP_ARP_MAC] = "ARP sender MAC not the vif's",
	[XLDRV_NETMAP_DROP_ARP_IP] = "ARP sender IP not the vif's",
	[XLDRV_NETMAP_DROP_BAD_IP6] = "malformed IPv6 header",
	[XLDRV_NETMAP_DROP_IP6_SRC] = "IPv6 source not the vif's",
	[XLDRV_NETMAP_DROP_BAD_ND] = "malformed or fragmented ND",
	[XLDRV_NETMAP_DROP_ND_TARGET] = "ND target not the vif's",
	[XLDRV_NETMAP_DROP_ND_LLADDR] = "ND link-layer address not the vif's",
	[XLDRV_NETMAP_DROP_DST_MAC] = "not addressed to the vif",
};

#define XLDRV_NETMAP_ETH_TYPE_OFF 12
#define XLDRV_NETMAP_IP4_MIN_HLEN 20
#define XLDRV_NETMAP_IP4_FRAG_OFF 0x1fff	/* the fragment offset bits */
#define XLDRV_NETMAP_ARP_LEN 28			/* Ethernet/IPv4 ARP */
#define XLDRV_NETMAP_IP6_HLEN 40
#define XLDRV_NETMAP_IP6_EXT_MIN 8		/* extension headers: 8n */
#define XLDRV_NETMAP_IP6_FRAG_OFF 0xfff8	/* fragment header: offset bits */
/* Longer chains are refused, not walked: nothing honest sends them. */
#define XLDRV_NETMAP_IP6_MAX_EXTS 8
#define XLDRV_NETMAP_ICMP6_HLEN 4
#define XLDRV_NETMAP_ND_TARGET_OFF 8		/* in NS and NA */
#define XLDRV_NETMAP_ND_LLOPT_LEN 8		/* Ethernet link-layer option */
#define XLDRV_NETMAP_DHCP_SERVER 67
#define XLDRV_NETMAP_DHCP_CLIENT 68

/* The frame being judged, and the bytes it would take to go further. */
struct xldrv_netmap_frame {
	const struct xldrv_netmap_policy *pol;
	const u8 *p;
	unsigned int len;
	unsigned int need;
};

static unsigned int xldrv_netmap_be16(const u8 *p)
{
	return p[0] << 8 | p[1];
}

/* Are the frame's first @end bytes there?  If not, say they are wanted. */
static bool xldrv_netmap_have(struct xldrv_netmap_frame *f, unsigned int end)
{
	if (end <= f->len)
		return true;
	f->need = end;
	return false;
}

static bool xldrv_netmap_zero(const u8 *p, unsigned int n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

static unsigned int xldrv_netmap_nr_ip4(const struct xldrv_netmap_policy *pol)
{
	return pol->nr_ip4 < XLDRV_NETMAP_MAX_IP4 ? pol->nr_ip4 :
						    XLDRV_NETMAP_MAX_IP4;
}

static unsigned int xldrv_netmap_nr_ip6(const struct xldrv_netmap_policy *pol)
{
	return pol->nr_ip6 < XLDRV_NETMAP_MAX_IP6 ? pol->nr_ip6 :
						    XLDRV_NETMAP_MAX_IP6;
}

static bool xldrv_netmap_has_ips(const struct xldrv_netmap_policy *pol)
{
	return xldrv_netmap_nr_ip4(pol) || xldrv_netmap_nr_ip6(pol);
}

static bool xldrv_netmap_ip4_own(const struct xldrv_netmap_policy *pol,
				 const u8 *addr)
{
	unsigned int i;

	for (i = 0; i < xldrv_netmap_nr_ip4(pol); i++)
		if (!memcmp(addr, pol->ip4[i], 4))
			return true;
	return false;
}

void xldrv_netmap_eui64_ll(const u8 *mac, u8 *addr)
{
	memset(addr, 0, 16);
	addr[0] = 0xfe;
	addr[1] = 0x80;
	addr[8] = mac[0] ^ 0x02;	/* the universal/local bit, inverted */
	addr[9] = mac[1];
	addr[10] = mac[2];
	addr[11] = 0xff;
	addr[12] = 0xfe;
	addr[13] = mac[3];
	addr[14] = mac[4];
	addr[15] = mac[5];
}

/* Listed, or the link-local address IPv6 derives from the vif's MAC. */
static bool xldrv_netmap_ip6_own(const struct xldrv_netmap_policy *pol,
				 const u8 *addr)
{
	u8 ll[16];
	unsigned int i;

	for (i = 0; i < xldrv_netmap_nr_ip6(pol); i++)
		if (!memcmp(addr, pol->ip6[i], 16))
			return true;
	xldrv_netmap_eui64_ll(pol->mac, ll);
	return !memcmp(addr, ll, 16);
}

/* 01:80:c2:00:00:00 to 0f, which 802.1D bridges never forward. */
static bool xldrv_netmap_link_ctrl(const u8 *dst)
{
	return dst[0] == 0x01 && dst[1] == 0x80 && dst[2] == 0xc2 &&
	       !dst[3] && !dst[4] && !(dst[5] & 0xf0);
}

static bool xldrv_netmap_vlan(unsigned int type)
{
	return type == ETH_P_8021Q || type == ETH_P_8021AD ||
	       type == ETH_P_QINQ1 || type == ETH_P_QINQ2 ||
	       type == ETH_P_QINQ3;
}

static enum xldrv_netmap_drop
xldrv_netmap_tx_ip4(struct xldrv_netmap_frame *f)
{
	const u8 *ip = f->p + ETH_HLEN;
	unsigned int hlen, l4;

	if (!xldrv_netmap_has_ips(f->pol))
		return XLDRV_NETMAP_PASS;
	if (!xldrv_netmap_have(f, ETH_HLEN + XLDRV_NETMAP_IP4_MIN_HLEN))
		return XLDRV_NETMAP_DROP_SHORT;
	hlen = (ip[0] & 0x0f) * 4;
	if (ip[0] >> 4 != 4 || hlen < XLDRV_NETMAP_IP4_MIN_HLEN)
		return XLDRV_NETMAP_DROP_BAD_IP4;
	if (xldrv_netmap_ip4_own(f->pol, ip + 12))
		return XLDRV_NETMAP_PASS;
	/*
	 * 0.0.0.0 is a DHCP client without an address yet, and nothing
	 * else: UDP from port 68 to 67, in an unfragmented (or first)
	 * datagram, where the ports are.
	 */
	if (!xldrv_netmap_zero(ip + 12, 4) || ip[9] != IPPROTO_UDP ||
	    xldrv_netmap_be16(ip + 6) & XLDRV_NETMAP_IP4_FRAG_OFF)
		return XLDRV_NETMAP_DROP_IP4_SRC;
	l4 = ETH_HLEN + hlen;
	if (!xldrv_netmap_have(f, l4 + 4))
		return XLDRV_NETMAP_DROP_SHORT;
	if (xldrv_netmap_be16(f->p + l4) != XLDRV_NETMAP_DHCP_CLIENT ||
	    xldrv_netmap_be16(f->p + l4 + 2) != XLDRV_NETMAP_DHCP_SERVER)
		return XLDRV_NETMAP_DROP_IP4_SRC;
	return XLDRV_NETMAP_PASS;
}

static enum xldrv_netmap_drop
xldrv_netmap_tx_arp(struct xldrv_netmap_frame *f)
{
	const u8 *arp = f->p + ETH_HLEN;
	const u8 *sha = arp + 8, *spa = arp + 14;

	if (!xldrv_netmap_have(f, ETH_HLEN + XLDRV_NETMAP_ARP_LEN))
		return XLDRV_NETMAP_DROP_SHORT;
	/*
	 * Only the one layout the sender fields are checked in: Linux also
	 * takes ARPHRD_IEEE802 on Ethernet, so "any other" cannot pass.
	 */
	if (xldrv_netmap_be16(arp) != ARPHRD_ETHER ||
	    xldrv_netmap_be16(arp + 2) != ETH_P_IP ||
	    arp[4] != ETH_ALEN || arp[5] != 4)
		return XLDRV_NETMAP_DROP_BAD_ARP;
	if (memcmp(sha, f->pol->mac, ETH_ALEN))
		return XLDRV_NETMAP_DROP_ARP_MAC;
	/* 0.0.0.0: an ARP probe (RFC 5227), which claims nothing. */
	if (xldrv_netmap_has_ips(f->pol) && !xldrv_netmap_ip4_own(f->pol, spa) &&
	    !xldrv_netmap_zero(spa, 4))
		return XLDRV_NETMAP_DROP_ARP_IP;
	return XLDRV_NETMAP_PASS;
}

static bool xldrv_netmap_ip6_ext(unsigned int nexthdr)
{
	return nexthdr == IPPROTO_HOPOPTS || nexthdr == IPPROTO_ROUTING ||
	       nexthdr == IPPROTO_FRAGMENT || nexthdr == IPPROTO_DSTOPTS ||
	       nexthdr == IPPROTO_AH;
}

/*
 * A neighbour discovery message at @pos, running to @end (the IPv6
 * payload's end): its target, for an advertisement or DAD, and every
 * link-layer address option in it.
 */
static enum xldrv_netmap_drop
xldrv_netmap_tx_nd(struct xldrv_netmap_frame *f, unsigned int pos,
		   unsigned int end, bool fragmented, bool dad)
{
	const u8 type = f->p[pos];
	unsigned int min, o, olen;

	/* RFC 6980; and the options could hide in a later fragment. */
	if (fragmented)
		return XLDRV_NETMAP_DROP_BAD_ND;
	switch (type) {
	case NDISC_ROUTER_SOLICITATION:
		min = 8;
		break;
	case NDISC_ROUTER_ADVERTISEMENT:
		min = 16;
		break;
	default:
		min = 24;
		break;
	}
	if (end - pos < min)
		return XLDRV_NETMAP_DROP_BAD_ND;
	if (!xldrv_netmap_have(f, end))
		return XLDRV_NETMAP_DROP_SHORT;
	if (xldrv_netmap_has_ips(f->pol) &&
	    (type == NDISC_NEIGHBOUR_ADVERTISEMENT ||
	     (type == NDISC_NEIGHBOUR_SOLICITATION && dad)) &&
	    !xldrv_netmap_ip6_own(f->pol, f->p + pos + XLDRV_NETMAP_ND_TARGET_OFF))
		return XLDRV_NETMAP_DROP_ND_TARGET;
	for (o = pos + min; o < end; o += olen) {
		/* Receivers drop a message with a bad option: so do we. */
		if (end - o < 2)
			return XLDRV_NETMAP_DROP_BAD_ND;
		olen = f->p[o + 1] * 8;
		if (!olen || olen > end - o)
			return XLDRV_NETMAP_DROP_BAD_ND;
		if (f->p[o] != ND_OPT_SOURCE_LL_ADDR &&
		    f->p[o] != ND_OPT_TARGET_LL_ADDR)
			continue;
		if (olen != XLDRV_NETMAP_ND_LLOPT_LEN)
			return XLDRV_NETMAP_DROP_BAD_ND;
		if (memcmp(f->p + o + 2, f->pol->mac, ETH_ALEN))
			return XLDRV_NETMAP_DROP_ND_LLADDR;
	}
	return XLDRV_NETMAP_PASS;
}

static enum xldrv_netmap_drop
xldrv_netmap_tx_ip6(struct xldrv_netmap_frame *f)
{
	const u8 *ip = f->p + ETH_HLEN, *src = ip + 8, *x;
	unsigned int pos = ETH_HLEN + XLDRV_NETMAP_IP6_HLEN, end, hlen, n;
	unsigned int nexthdr;
	bool fragmented = false, icmp = false, dad;
	u8 type = 0;

	if (!xldrv_netmap_have(f, pos))
		return XLDRV_NETMAP_DROP_SHORT;
	if (ip[0] >> 4 != 6)
		return XLDRV_NETMAP_DROP_BAD_IP6;
	nexthdr = ip[6];
	end = pos + xldrv_netmap_be16(ip + 4);

	/*
	 * Walk the extension headers to the upper layer: an ND message or a
	 * DAD probe must not slip by behind a destination options header.
	 * Each header stays inside the payload, so pos <= end throughout.
	 */
	for (n = 0; xldrv_netmap_ip6_ext(nexthdr); n++) {
		if (n == XLDRV_NETMAP_IP6_MAX_EXTS ||
		    end - pos < XLDRV_NETMAP_IP6_EXT_MIN)
			return XLDRV_NETMAP_DROP_BAD_IP6;
		if (!xldrv_netmap_have(f, pos + XLDRV_NETMAP_IP6_EXT_MIN))
			return XLDRV_NETMAP_DROP_SHORT;
		x = f->p + pos;
		if (nexthdr == IPPROTO_FRAGMENT) {
			fragmented = true;
			/* A later fragment: no header follows, only data. */
			if (xldrv_netmap_be16(x + 2) & XLDRV_NETMAP_IP6_FRAG_OFF)
				break;
			hlen = XLDRV_NETMAP_IP6_EXT_MIN;
		} else if (nexthdr == IPPROTO_AH) {
			hlen = (x[1] + 2) * 4;
		} else {
			hlen = (x[1] + 1) * 8;
		}
		if (hlen > end - pos)
			return XLDRV_NETMAP_DROP_BAD_IP6;
		nexthdr = x[0];
		pos += hlen;
	}
	if (nexthdr == IPPROTO_ICMPV6) {
		if (end - pos < XLDRV_NETMAP_ICMP6_HLEN)
			return XLDRV_NETMAP_DROP_BAD_IP6;
		if (!xldrv_netmap_have(f, pos + XLDRV_NETMAP_ICMP6_HLEN))
			return XLDRV_NETMAP_DROP_SHORT;
		icmp = true;
		type = f->p[pos];
	}
	dad = xldrv_netmap_zero(src, 16);

	/*
	 * :: is a host with no address yet: a DAD solicitation, or the MLD
	 * report it may send before its link-local address is ready.
	 */
	if (xldrv_netmap_has_ips(f->pol) && !xldrv_netmap_ip6_own(f->pol, src) &&
	    !(dad && icmp &&
	      (type == NDISC_NEIGHBOUR_SOLICITATION ||
	       type == ICMPV6_MGM_REPORT || type == ICMPV6_MLD2_REPORT)))
		return XLDRV_NETMAP_DROP_IP6_SRC;
	if (icmp && type >= NDISC_ROUTER_SOLICITATION &&
	    type <= NDISC_NEIGHBOUR_ADVERTISEMENT)
		return xldrv_netmap_tx_nd(f, pos, end, fragmented, dad);
	return XLDRV_NETMAP_PASS;
}

static enum xldrv_netmap_drop
xldrv_netmap_tx_eth(struct xldrv_netmap_frame *f)
{
	unsigned int type;

	if (!xldrv_netmap_have(f, ETH_HLEN))
		return XLDRV_NETMAP_DROP_SHORT;
	if (memcmp(f->p + ETH_ALEN, f->pol->mac, ETH_ALEN))
		return XLDRV_NETMAP_DROP_SRC_MAC;
	if (xldrv_netmap_link_ctrl(f->p))
		return XLDRV_NETMAP_DROP_LINK_CTRL;

	type = xldrv_netmap_be16(f->p + XLDRV_NETMAP_ETH_TYPE_OFF);
	if (xldrv_netmap_vlan(type))
		return XLDRV_NETMAP_DROP_VLAN;

	switch (type) {
	case ETH_P_PAUSE:	/* MAC control: pause, PFC */
		return XLDRV_NETMAP_DROP_LINK_CTRL;
	case ETH_P_IP:
		return xldrv_netmap_tx_ip4(f);
	case ETH_P_ARP:
		return xldrv_netmap_tx_arp(f);
	case ETH_P_IPV6:
		return xldrv_netmap_tx_ip6(f);
	default:
		return xldrv_netmap_has_ips(f->pol) ?
			       XLDRV_NETMAP_DROP_ETHERTYPE :
			       XLDRV_NETMAP_PASS;
	}
}

/*
 * Judge a frame a client sends, from its first @len bytes.  *@need (if
 * @need is not NULL) is 0, or with XLDRV_NETMAP_DROP_SHORT the number of
 * leading bytes that would let the filter get further: always more than
 * @len.
 */
enum xldrv_netmap_drop
xldrv_netmap_filter_tx(const struct xldrv_netmap_policy *pol,
		       const u8 *frame, unsigned int len, unsigned int *need)
{
	struct xldrv_netmap_frame f = { .pol = pol, .p = frame, .len = len };
	enum xldrv_netmap_drop v = xldrv_netmap_tx_eth(&f);

	if (need)
		*need = v == XLDRV_NETMAP_DROP_SHORT ? f.need : 0;
	return v;
}

/* Judge a frame about to be given to the client; *@need as above. */
enum xldrv_netmap_drop
xldrv_netmap_filter_rx(const struct xldrv_netmap_policy *pol,
		       const u8 *frame, unsigned int len, unsigned int *need)
{
	unsigned int type;

	if (need)
		*need = 0;
	if (len < ETH_HLEN) {
		if (need)
			*need = ETH_HLEN;
		return XLDRV_NETMAP_DROP_SHORT;
	}
	if (xldrv_netmap_link_ctrl(frame))
		return XLDRV_NETMAP_DROP_LINK_CTRL;
	type = xldrv_netmap_be16(frame + XLDRV_NETMAP_ETH_TYPE_OFF);
	if (xldrv_netmap_vlan(type))
		return XLDRV_NETMAP_DROP_VLAN;
	if (type == ETH_P_PAUSE)
		return XLDRV_NETMAP_DROP_LINK_CTRL;
	/* The group bit: multicast, broadcast among them. */
	if (frame[0] & 1 || !memcmp(frame, pol->mac, ETH_ALEN))
		return XLDRV_NETMAP_PASS;
	return XLDRV_NETMAP_DROP_DST_MAC;
}
