/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for the kernel's <net/ndisc.h>, which has no uapi
 * counterpart: the ND message types and option types (RFC 4861) the
 * netmap filter uses, with the kernel's names and values.
 */
#ifndef XLDRV_HARNESS_NET_NDISC_H
#define XLDRV_HARNESS_NET_NDISC_H

#define NDISC_ROUTER_SOLICITATION	133
#define NDISC_ROUTER_ADVERTISEMENT	134
#define NDISC_NEIGHBOUR_SOLICITATION	135
#define NDISC_NEIGHBOUR_ADVERTISEMENT	136
#define NDISC_REDIRECT			137

enum {
	ND_OPT_SOURCE_LL_ADDR = 1,
	ND_OPT_TARGET_LL_ADDR = 2,
};
#endif
