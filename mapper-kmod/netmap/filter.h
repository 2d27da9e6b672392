/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xldrv_netmap: the security filter between a client's vif and the rest
 * of the switch (the physical NIC and the other clients).
 *
 * tx: what a client sends must carry its own identity.  The source MAC is
 * the vif's; ARP and neighbour discovery may only bind the vif's MAC, and
 * when xl's `ip=` listed addresses, only to those.  IPv4 and IPv6 sources
 * must be listed ones, with the few exceptions a host needs before it has
 * an address (DHCP from 0.0.0.0, DAD and MLD from ::) and the vif's own
 * EUI-64 link-local address.  A vif with no address listed gets no IP
 * check, but its MAC is checked everywhere, ARP and ND included.
 *
 * rx: a client is given only what is addressed to it: its MAC, broadcast
 * or multicast.
 *
 * Whatever the policy, a client may not send VLAN-tagged frames (802.1Q,
 * 802.1ad, the old QinQ types: the mapper does not trunk VLANs, and a tag
 * passed on to the NIC would put the frame on a VLAN the client was never
 * given) nor 802.1D link-local control frames (01:80:c2:00:00:0x: STP,
 * pause, LACP, 802.1X, LLDP; a bridge never forwards them, and a client's
 * BPDU or pause frame would reach the physical switch), and is not given
 * them either.  With an address listed, ethertypes other than IPv4, ARP
 * and IPv6 are refused: their addresses cannot be checked, and some carry
 * IP inside (PPPoE, MPLS, 802.2 SNAP).  With none listed, any ethertype
 * with the right source MAC passes.
 *
 * Neighbour solicitations: a solicitation's target is the address being
 * looked up, normally somebody else's, so it is checked only in DAD (from
 * ::), where the client claims the target for itself.  A solicitation's
 * source link-layer option binds its source address, which is checked.
 * Advertisements' targets are always the client's own.  Fragmented ND is
 * refused (RFC 6980).  Redirects are not looked into: their target
 * link-layer address is another router's by design.
 *
 * The filter reads a copy of the frame's first bytes, in the mapper's own
 * memory; it allocates nothing and keeps no state.  Headers it needs past
 * the bytes given make a frame "too short to judge", dropped, with *need
 * set to how many leading bytes would let it go on: a caller that can make
 * that much of the frame linear may call it again.  For ND the whole
 * message is read (the IPv6 payload length), options and all.
 *
 * The code is plain C over byte buffers: the module builds it, and so do
 * the unit tests and the fuzzer, in userspace (test/unit/harness).
 */
#ifndef XLDRV_NETMAP_FILTER_H
#define XLDRV_NETMAP_FILTER_H

#include <linux/types.h>
#include <linux/if_ether.h>

#define XLDRV_NETMAP_MAX_IP4 8
#define XLDRV_NETMAP_MAX_IP6 8

/* A vif's identity, from its xenstore backend directory (mac, ip). */
struct xldrv_netmap_policy {
	u8 mac[ETH_ALEN];
	/* Addresses listed: none of either family means no IP check.  At
	 * most XLDRV_NETMAP_MAX_IP4/6; the filter ignores any count above.
	 */
	u8 nr_ip4;
	u8 nr_ip6;
	u8 ip4[XLDRV_NETMAP_MAX_IP4][4];	/* network byte order */
	u8 ip6[XLDRV_NETMAP_MAX_IP6][16];
};

/* Why a frame was dropped: one counter each, and the log line's words. */
enum xldrv_netmap_drop {
	XLDRV_NETMAP_PASS = 0,
	XLDRV_NETMAP_DROP_SHORT,	/* headers past the bytes given */
	XLDRV_NETMAP_DROP_SRC_MAC,	/* source MAC not the vif's */
	XLDRV_NETMAP_DROP_VLAN,		/* VLAN-tagged */
	XLDRV_NETMAP_DROP_LINK_CTRL,	/* 802.1D reserved group / MAC control */
	XLDRV_NETMAP_DROP_ETHERTYPE,	/* not IPv4/ARP/IPv6, addresses listed */
	XLDRV_NETMAP_DROP_BAD_IP4,	/* IPv4 header malformed */
	XLDRV_NETMAP_DROP_IP4_SRC,	/* IPv4 source not the vif's */
	XLDRV_NETMAP_DROP_BAD_ARP,	/* not Ethernet/IPv4 ARP */
	XLDRV_NETMAP_DROP_ARP_MAC,	/* ARP sender MAC not the vif's */
	XLDRV_NETMAP_DROP_ARP_IP,	/* ARP sender IP not the vif's */
	XLDRV_NETMAP_DROP_BAD_IP6,	/* IPv6 or extension headers malformed */
	XLDRV_NETMAP_DROP_IP6_SRC,	/* IPv6 source not the vif's */
	XLDRV_NETMAP_DROP_BAD_ND,	/* ND malformed, or fragmented */
	XLDRV_NETMAP_DROP_ND_TARGET,	/* ND target not the vif's */
	XLDRV_NETMAP_DROP_ND_LLADDR,	/* ND link-layer option not the vif's */
	XLDRV_NETMAP_DROP_DST_MAC,	/* rx: not addressed to the vif */
	XLDRV_NETMAP_NR_DROPS,
};

extern const char *const xldrv_netmap_drop_name[XLDRV_NETMAP_NR_DROPS];

enum xldrv_netmap_drop
xldrv_netmap_filter_tx(const struct xldrv_netmap_policy *pol,
		       const u8 *frame, unsigned int len, unsigned int *need);

enum xldrv_netmap_drop
xldrv_netmap_filter_rx(const struct xldrv_netmap_policy *pol,
		       const u8 *frame, unsigned int len, unsigned int *need);

/* The vif's EUI-64 link-local address, fe80::/64 from its MAC. */
void xldrv_netmap_eui64_ll(const u8 *mac, u8 *addr);

#endif /* XLDRV_NETMAP_FILTER_H */
