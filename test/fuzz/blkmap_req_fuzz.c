// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: xldrv_blkmap's request checks against whatever a
 * hostile frontend can put on the ring and in indirect pages.  Input: one
 * ring slot (struct blkif_request), one byte of device limits, then the
 * indirect page's segments.  Any accepted request that breaks an invariant
 * (test/unit/harness/blkmap_invariants.h) aborts.
 */
#include <stdlib.h>
#include <stdio.h>
#include "fuzz.h"
#include "blkmap_invariants.h"
#include "blkmap/req.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct blkif_request_segment page[XLDRV_BLKMAP_SEGS_PER_INDIRECT_PAGE];
	struct xldrv_blkmap_limits lim;
	struct xldrv_blkmap_req req;
	struct blkif_request r;
	const char *why;
	size_t rest;
	u8 flags;

	if (size < sizeof(r) + 1)
		return 0;
	memcpy(&r, data, sizeof(r));
	flags = data[sizeof(r)];
	lim = (struct xldrv_blkmap_limits){
		.sectors = (flags & 1) ? (1u << 20) : UINT64_MAX - 7,
		.lbs_sectors = (flags & 2) ? 8 : 1,
		.readonly = flags & 4,
		.flush = flags & 8,
		.barrier = flags & 16,
		.discard = flags & 32,
		.secure_discard = flags & 64,
	};
	if (xldrv_blkmap_parse(&r, &lim, &req) != XLDRV_BLKMAP_OK)
		return 0;
	if (req.indirect) {
		rest = size - sizeof(r) - 1;
		memset(page, 0, sizeof(page));
		memcpy(page, data + sizeof(r) + 1,
		       rest < sizeof(page) ? rest : sizeof(page));
		if (xldrv_blkmap_parse_indirect(page, 0, req.nr_segs, &lim,
						&req) != XLDRV_BLKMAP_OK ||
		    xldrv_blkmap_check_range(&lim, &req) != XLDRV_BLKMAP_OK)
			return 0;
	}
	why = blkmap_invariants(&r, &lim, &req, true);
	if (why) {
		fprintf(stderr, "accepted a bad request: %s\n", why);
		abort();
	}
	return 0;
}
