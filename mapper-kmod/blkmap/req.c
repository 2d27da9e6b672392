// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv_blkmap: checking blkif requests (see req.h).
 */
#include "req.h"

const char *const xldrv_blkmap_verdict_name[XLDRV_BLKMAP_NR_VERDICTS] = {
	[XLDRV_BLKMAP_OK] = "ok",
	[XLDRV_BLKMAP_BAD_OP] = "unsupported operation",
	[XLDRV_BLKMAP_BAD_NSEGS] = "bad segment count",
	[XLDRV_BLKMAP_BAD_SEG] = "bad segment",
	[XLDRV_BLKMAP_BAD_RANGE] = "sectors beyond the device",
	[XLDRV_BLKMAP_BAD_ALIGN] = "not aligned to the logical block size",
	[XLDRV_BLKMAP_READONLY] = "write to a read-only device",
	[XLDRV_BLKMAP_BAD_GRANT] = "indirect segment page not granted",
};

static bool xldrv_blkmap_aligned(const struct xldrv_blkmap_limits *lim,
				 u64 sectors)
{
	return (sectors & (lim->lbs_sectors - 1)) == 0;
}

/*
 * Segments are checked one by one as they are copied: a segment must stay
 * inside its granted page and, since each one becomes a bio vector of its
 * own, cover whole logical blocks.
 */
static enum xldrv_blkmap_verdict
xldrv_blkmap_take_seg(struct blkif_request_segment from,
		      const struct xldrv_blkmap_limits *lim,
		      struct xldrv_blkmap_req *req, unsigned int i)
{
	struct xldrv_blkmap_seg *seg = &req->segs[i];

	/* By value: the ring's layout is packed, pointers into it are not
	 * known to be aligned.
	 */
	seg->gref = from.gref;
	seg->first_sect = from.first_sect;
	seg->last_sect = from.last_sect;
	if (seg->first_sect > seg->last_sect ||
	    seg->last_sect >= XLDRV_BLKMAP_SECTORS_PER_GRANT)
		return XLDRV_BLKMAP_BAD_SEG;
	if (!xldrv_blkmap_aligned(lim, seg->first_sect) ||
	    !xldrv_blkmap_aligned(lim, seg->last_sect + 1u))
		return XLDRV_BLKMAP_BAD_ALIGN;
	req->nr_sects += seg->last_sect - seg->first_sect + 1u;
	return XLDRV_BLKMAP_OK;
}

enum xldrv_blkmap_verdict
xldrv_blkmap_check_range(const struct xldrv_blkmap_limits *lim,
			 const struct xldrv_blkmap_req *req)
{
	if (!xldrv_blkmap_aligned(lim, req->sector))
		return XLDRV_BLKMAP_BAD_ALIGN;
	/* Written so that no sum can wrap around. */
	if (req->sector > lim->sectors ||
	    req->nr_sects > lim->sectors - req->sector)
		return XLDRV_BLKMAP_BAD_RANGE;
	return XLDRV_BLKMAP_OK;
}

static enum xldrv_blkmap_verdict
xldrv_blkmap_parse_direct(const struct blkif_request *r,
			  const struct xldrv_blkmap_limits *lim,
			  struct xldrv_blkmap_req *req, bool data_optional)
{
	enum xldrv_blkmap_verdict v;
	unsigned int i;

	req->id = r->u.rw.id;
	req->sector = r->u.rw.sector_number;
	req->handle = r->u.rw.handle;
	req->nr_segs = r->u.rw.nr_segments;
	if (req->nr_segs > BLKIF_MAX_SEGMENTS_PER_REQUEST ||
	    (req->nr_segs == 0 && !data_optional))
		return XLDRV_BLKMAP_BAD_NSEGS;
	for (i = 0; i < req->nr_segs; i++) {
		v = xldrv_blkmap_take_seg(r->u.rw.seg[i], lim, req, i);
		if (v)
			return v;
	}
	return req->nr_segs ? xldrv_blkmap_check_range(lim, req) :
			      XLDRV_BLKMAP_OK;
}

static enum xldrv_blkmap_verdict
xldrv_blkmap_parse_discard(const struct blkif_request *r,
			   const struct xldrv_blkmap_limits *lim,
			   struct xldrv_blkmap_req *req)
{
	req->id = r->u.discard.id;
	req->sector = r->u.discard.sector_number;
	req->nr_sects = r->u.discard.nr_sectors;
	req->secure = r->u.discard.flag & BLKIF_DISCARD_SECURE;
	/* A secure erase must not quietly become a plain discard. */
	if (req->secure && !lim->secure_discard)
		return XLDRV_BLKMAP_BAD_OP;
	if (!req->nr_sects || !xldrv_blkmap_aligned(lim, req->nr_sects))
		return req->nr_sects ? XLDRV_BLKMAP_BAD_ALIGN :
				       XLDRV_BLKMAP_BAD_RANGE;
	return xldrv_blkmap_check_range(lim, req);
}

static enum xldrv_blkmap_verdict
xldrv_blkmap_parse_indirect_head(const struct blkif_request *r,
				 struct xldrv_blkmap_req *req)
{
	unsigned int i;

	req->indirect = true;
	req->op = r->u.indirect.indirect_op;
	req->id = r->u.indirect.id;
	req->sector = r->u.indirect.sector_number;
	req->handle = r->u.indirect.handle;
	req->nr_segs = r->u.indirect.nr_segments;
	if (req->op != BLKIF_OP_READ && req->op != BLKIF_OP_WRITE)
		return XLDRV_BLKMAP_BAD_OP;
	if (req->nr_segs == 0 || req->nr_segs > XLDRV_BLKMAP_MAX_INDIRECT_SEGS)
		return XLDRV_BLKMAP_BAD_NSEGS;
	req->nr_indirect_pages = (req->nr_segs +
				  XLDRV_BLKMAP_SEGS_PER_INDIRECT_PAGE - 1) /
				 XLDRV_BLKMAP_SEGS_PER_INDIRECT_PAGE;
	for (i = 0; i < req->nr_indirect_pages; i++)
		req->indirect_grefs[i] = r->u.indirect.indirect_grefs[i];
	return XLDRV_BLKMAP_OK;
}

/*
 * Check a request copied off the ring and translate it into @req.  For an
 * indirect request only the header is checked here: the caller maps the
 * indirect pages and hands a copy of each to xldrv_blkmap_parse_indirect(),
 * then calls xldrv_blkmap_check_range().  @req->id is valid whenever an
 * answer can be given, refused or not.
 */
enum xldrv_blkmap_verdict
xldrv_blkmap_parse(const struct blkif_request *r,
		   const struct xldrv_blkmap_limits *lim,
		   struct xldrv_blkmap_req *req)
{
	enum xldrv_blkmap_verdict v;
	bool writes;

	*req = (struct xldrv_blkmap_req){ .op = r->operation };
	/* The id sits at the same offset in every layout. */
	req->id = r->u.other.id;

	switch (r->operation) {
	case BLKIF_OP_READ:
	case BLKIF_OP_WRITE:
		v = xldrv_blkmap_parse_direct(r, lim, req, false);
		break;
	case BLKIF_OP_FLUSH_DISKCACHE:
		v = lim->flush ? xldrv_blkmap_parse_direct(r, lim, req, true) :
				 XLDRV_BLKMAP_BAD_OP;
		break;
	case BLKIF_OP_WRITE_BARRIER:
		v = lim->barrier ? xldrv_blkmap_parse_direct(r, lim, req, true) :
				   XLDRV_BLKMAP_BAD_OP;
		break;
	case BLKIF_OP_DISCARD:
		v = lim->discard ? xldrv_blkmap_parse_discard(r, lim, req) :
				   XLDRV_BLKMAP_BAD_OP;
		break;
	case BLKIF_OP_INDIRECT:
		v = xldrv_blkmap_parse_indirect_head(r, req);
		break;
	default:
		v = XLDRV_BLKMAP_BAD_OP;
		break;
	}
	if (v)
		return v;
	writes = req->op != BLKIF_OP_READ;
	if (writes && lim->readonly)
		return XLDRV_BLKMAP_READONLY;
	return XLDRV_BLKMAP_OK;
}

/*
 * Take @n segments, starting with segment @first of the request, from a
 * private copy of one indirect page.
 */
enum xldrv_blkmap_verdict
xldrv_blkmap_parse_indirect(const struct blkif_request_segment *page_copy,
			    unsigned int first, unsigned int n,
			    const struct xldrv_blkmap_limits *lim,
			    struct xldrv_blkmap_req *req)
{
	enum xldrv_blkmap_verdict v;
	unsigned int i;

	if (!req->indirect || first > req->nr_segs ||
	    n > req->nr_segs - first ||
	    n > XLDRV_BLKMAP_SEGS_PER_INDIRECT_PAGE)
		return XLDRV_BLKMAP_BAD_NSEGS;
	for (i = 0; i < n; i++) {
		v = xldrv_blkmap_take_seg(page_copy[i], lim, req, first + i);
		if (v)
			return v;
	}
	return XLDRV_BLKMAP_OK;
}
