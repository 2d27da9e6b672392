// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: xldrv_netmap's security filter against whatever frame
 * a hostile client sends, or the wire brings.  Input: a byte choosing the
 * vif's policy, a byte for how much of the frame the caller copied first,
 * a byte choosing a template frame (test/unit/harness/netmap_frames.h:
 * ARP, DHCP, ND behind extension headers...) or none, a byte to cut the
 * frame short (0: not), then bytes XORed over the template (or the frame
 * itself, with none): deep paths are there from the start, and any byte
 * can still be anything.  Every verdict must meet the invariants (test/
 * unit/harness/netmap_filter_invariants.h), and the caller's pull-up loop
 * on "too short" must end in the verdict on the whole frame, no byte past
 * those given ever read (each try sees an exact heap copy: ASan).
 */
#include <stdlib.h>
#include <stdio.h>
#include "fuzz.h"
#include "netmap_filter_invariants.h"
#include "netmap_frames.h"
#include "netmap/filter.c"

#define HDR 4

static const u8 macs[2][ETH_ALEN] = {
	{ 0x00, 0x16, 0x3e, 0x12, 0x34, 0x56 },	/* the templates' vmac */
	{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 },	/* locally assigned */
};

static struct frame seeds[NETMAP_NR_SEEDS];
static unsigned int nr_seeds;

static struct xldrv_netmap_policy policy(u8 flags)
{
	struct xldrv_netmap_policy pol = {
		.nr_ip4 = flags & 3,
		.nr_ip6 = (flags >> 2) & 3,
		.ip4 = { { 192, 168, 1, 1 }, { 10, 0, 0, 5 }, { 0, 0, 0, 1 } },
		.ip6 = { { 0xfe, 0x80, [15] = 1 },
			 { 0x20, 0x01, 0x0d, 0xb8, [15] = 5 },
			 { 0xff, 0x02, [15] = 1 } },
	};

	memcpy(pol.mac, macs[(flags >> 4) & 1], ETH_ALEN);
	/* Now and then more addresses claimed than there is room for. */
	if (flags & 0x80)
		pol.nr_ip4 = pol.nr_ip6 = 0xff;
	return pol;
}

/* The frame an input stands for, in a heap block of exactly *@len bytes. */
static u8 *fuzz_frame(const uint8_t *data, size_t size, unsigned int *len)
{
	const struct frame *seed = NULL;
	unsigned int i, n;
	u8 *frame;

	if (!nr_seeds)
		nr_seeds = netmap_seed_frames(seeds);
	if (data[2] < nr_seeds)
		seed = &seeds[data[2]];
	n = size - HDR;
	if (seed && n < seed->len)
		n = seed->len;
	if (data[3] && data[3] - 1u < n)
		n = data[3] - 1u;
	frame = malloc(n ? n : 1);
	if (!frame)
		abort();
	for (i = 0; i < n; i++)
		frame[i] = (seed && i < seed->len ? seed->b[i] : 0) ^
			   (i < size - HDR ? data[HDR + i] : 0);
	*len = n;
	return frame;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xldrv_netmap_policy pol;
	unsigned int len, need, tries;
	enum xldrv_netmap_drop v;
	const char *why;
	u8 *frame;

	if (size < HDR)
		return 0;
	pol = policy(data[0]);
	frame = fuzz_frame(data, size, &len);

	why = netmap_filter_tx_converges(&pol, frame, len, data[1], &tries);
	if (why) {
		fprintf(stderr, "tx filter: %s\n", why);
		abort();
	}
	v = xldrv_netmap_filter_rx(&pol, frame, len, &need);
	why = netmap_filter_rx_invariants(&pol, frame, len, v, need);
	if (why) {
		fprintf(stderr, "rx filter: %s\n", why);
		abort();
	}
	free(frame);
	return 0;
}
