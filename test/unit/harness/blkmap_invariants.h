/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What must hold of every request xldrv_blkmap_parse() accepts, whatever a
 * frontend put on the ring.  Shared by the unit tests' random requests and
 * the libFuzzer target.  @segs_known: the segments have been taken (for
 * an indirect request, from its pages).  Returns NULL when all hold, else
 * what broke.
 */
#ifndef XLDRV_HARNESS_BLKMAP_INVARIANTS_H
#define XLDRV_HARNESS_BLKMAP_INVARIANTS_H
#include "blkmap/req.h"

static inline const char *
blkmap_invariants(const struct blkif_request *r,
		  const struct xldrv_blkmap_limits *lim,
		  const struct xldrv_blkmap_req *req, bool segs_known)
{
	unsigned int i;
	u64 sects = 0;

	if (req->id != r->u.other.id)
		return "id not echoed";
	if (lim->readonly && req->op != BLKIF_OP_READ)
		return "write accepted on a read-only device";
	if (req->op == BLKIF_OP_DISCARD) {
		if (!lim->discard)
			return "discard accepted but not advertised";
		if (req->secure && !lim->secure_discard)
			return "secure discard not advertised";
		sects = req->nr_sects;
	} else {
		if (req->nr_segs > (req->indirect ?
				    XLDRV_BLKMAP_MAX_INDIRECT_SEGS :
				    BLKIF_MAX_SEGMENTS_PER_REQUEST))
			return "too many segments";
		if (req->indirect &&
		    req->nr_indirect_pages > XLDRV_BLKMAP_MAX_INDIRECT_PAGES)
			return "too many indirect pages";
		for (i = 0; i < req->nr_segs && segs_known; i++) {
			const struct xldrv_blkmap_seg *s = &req->segs[i];

			if (s->first_sect > s->last_sect ||
			    s->last_sect >= XLDRV_BLKMAP_SECTORS_PER_GRANT)
				return "segment outside its page";
			if (s->first_sect % lim->lbs_sectors ||
			    (s->last_sect + 1u) % lim->lbs_sectors)
				return "segment not in logical blocks";
			sects += s->last_sect - s->first_sect + 1u;
		}
		if (segs_known && sects != req->nr_sects)
			return "sector count does not match the segments";
		if (req->op == BLKIF_OP_FLUSH_DISKCACHE && !lim->flush)
			return "flush accepted but not advertised";
		if (req->op == BLKIF_OP_WRITE_BARRIER && !lim->barrier)
			return "barrier accepted but not advertised";
		if (req->op > BLKIF_OP_DISCARD || req->op == 4)
			return "unknown operation accepted";
	}
	if (segs_known && sects) {
		if (req->sector > lim->sectors ||
		    req->sector + sects > lim->sectors ||
		    req->sector + sects < req->sector)
			return "sectors beyond the device";
		if (req->sector % lim->lbs_sectors)
			return "start not in logical blocks";
	}
	return NULL;
}
#endif
