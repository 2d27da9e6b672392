// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv_blkfront: the shadow table (see shadow.h).
 *
 * A request id is the ring's generation (bits 63-32), how many times the
 * entry has been put on a ring (31-16) and the slot (15-0).  A new ring
 * gets a new generation, so nothing a backend answers on an old ring, or
 * with an id it kept from one, matches an entry; the issue count keeps a
 * late duplicate answer for a slot's previous request from completing
 * the request that has the slot now.
 */
#include "shadow.h"

#define XLDRV_BLKFRONT_ID(gen, issues, slot) \
	(((u64)(gen) << 32) | ((u64)(issues) << 16) | (u64)(slot))

void xldrv_blkfront_shadow_init(struct xldrv_blkfront_shadow *sh,
				struct xldrv_blkfront_shadow_ent *ent,
				unsigned int size)
{
	unsigned int i;

	/* By assignment: no <string.h>, which the harness and the kernel
	 * spell differently.
	 */
	*sh = (struct xldrv_blkfront_shadow){ .ent = ent, .size = size };
	for (i = 0; i < size; i++)
		ent[i] = (struct xldrv_blkfront_shadow_ent){
			.next_free = i + 1 < size ? (int)i + 1 :
						    XLDRV_BLKFRONT_SHADOW_NONE,
		};
	sh->free_head = size ? 0 : XLDRV_BLKFRONT_SHADOW_NONE;
}

/* A slot for @rq, PENDING: the caller issues it or puts it back. */
int xldrv_blkfront_shadow_get(struct xldrv_blkfront_shadow *sh, void *rq)
{
	struct xldrv_blkfront_shadow_ent *e;
	int slot = sh->free_head;

	if (slot < 0)
		return XLDRV_BLKFRONT_SHADOW_NONE;
	e = &sh->ent[slot];
	sh->free_head = e->next_free;
	e->next_free = XLDRV_BLKFRONT_SHADOW_NONE;
	e->rq = rq;
	e->seq = sh->next_seq++;
	e->id = 0;
	e->state = XLDRV_BLKFRONT_SHADOW_PENDING;
	sh->nr_busy++;
	sh->nr_pending++;
	return slot;
}

void xldrv_blkfront_shadow_put(struct xldrv_blkfront_shadow *sh, int slot)
{
	struct xldrv_blkfront_shadow_ent *e = &sh->ent[slot];

	if (e->state == XLDRV_BLKFRONT_SHADOW_FREE)
		return;
	if (e->state == XLDRV_BLKFRONT_SHADOW_PENDING)
		sh->nr_pending--;
	sh->nr_busy--;
	e->state = XLDRV_BLKFRONT_SHADOW_FREE;
	e->rq = NULL;
	e->id = 0;
	e->next_free = sh->free_head;
	sh->free_head = slot;
}

/*
 * @slot goes on the current ring: returns its new id, also written into
 * the entry's copy of the request, which the caller then puts on the
 * ring.
 */
u64 xldrv_blkfront_shadow_issue(struct xldrv_blkfront_shadow *sh, int slot)
{
	struct xldrv_blkfront_shadow_ent *e = &sh->ent[slot];

	if (e->state == XLDRV_BLKFRONT_SHADOW_PENDING)
		sh->nr_pending--;
	e->state = XLDRV_BLKFRONT_SHADOW_ISSUED;
	e->issues++;
	e->id = XLDRV_BLKFRONT_ID(sh->gen, e->issues, slot);
	if (e->req.operation == BLKIF_OP_INDIRECT)
		e->req.u.indirect.id = e->id;
	else
		e->req.u.rw.id = e->id;
	return e->id;
}

/*
 * The slot a response's @id answers, or NONE: the id comes from the
 * backend, and is taken only if it is exactly what the entry was last
 * issued with, on this ring.
 */
int xldrv_blkfront_shadow_lookup(const struct xldrv_blkfront_shadow *sh,
				 u64 id)
{
	unsigned int slot = id & 0xffff;
	const struct xldrv_blkfront_shadow_ent *e;

	if (!sh->gen || (u32)(id >> 32) != sh->gen || slot >= sh->size)
		return XLDRV_BLKFRONT_SHADOW_NONE;
	e = &sh->ent[slot];
	if (e->state != XLDRV_BLKFRONT_SHADOW_ISSUED || e->id != id)
		return XLDRV_BLKFRONT_SHADOW_NONE;
	return (int)slot;
}

/* The ring is gone: everything it carried must go on the next one. */
void xldrv_blkfront_shadow_ring_lost(struct xldrv_blkfront_shadow *sh)
{
	unsigned int i;

	for (i = 0; i < sh->size; i++) {
		struct xldrv_blkfront_shadow_ent *e = &sh->ent[i];

		if (e->state != XLDRV_BLKFRONT_SHADOW_ISSUED)
			continue;
		e->state = XLDRV_BLKFRONT_SHADOW_PENDING;
		e->id = 0;
		sh->nr_pending++;
	}
	sh->gen = 0;
}

void xldrv_blkfront_shadow_new_ring(struct xldrv_blkfront_shadow *sh)
{
	xldrv_blkfront_shadow_ring_lost(sh);
	/* Never 0, which no ring has: ids of "no ring" never match. */
	if (!++sh->last_gen)
		++sh->last_gen;
	sh->gen = sh->last_gen;
}

static bool xldrv_blkfront_is_flush(const struct blkif_request *req)
{
	return req->operation == BLKIF_OP_FLUSH_DISKCACHE ||
	       req->operation == BLKIF_OP_WRITE_BARRIER;
}

/*
 * The next entry to put on the ring after a reconnect: the oldest one
 * pending, so requests reach the new backend in the order the block
 * layer gave them to us.  A flush covers the writes completed before
 * it; a write that was in flight with it is completed by the new
 * backend first, so the flush waits (WAIT) for everything older than it
 * to be answered, and everything after it waits behind it.
 */
int xldrv_blkfront_shadow_replay_next(const struct xldrv_blkfront_shadow *sh)
{
	const struct xldrv_blkfront_shadow_ent *e;
	int best = XLDRV_BLKFRONT_SHADOW_NONE;
	unsigned int i;

	if (!sh->gen)
		return XLDRV_BLKFRONT_SHADOW_NONE;
	for (i = 0; i < sh->size; i++) {
		e = &sh->ent[i];
		if (e->state == XLDRV_BLKFRONT_SHADOW_PENDING &&
		    (best < 0 || e->seq < sh->ent[best].seq))
			best = (int)i;
	}
	if (best < 0 || !xldrv_blkfront_is_flush(&sh->ent[best].req))
		return best;
	for (i = 0; i < sh->size; i++) {
		e = &sh->ent[i];
		if (e->state == XLDRV_BLKFRONT_SHADOW_ISSUED &&
		    e->seq < sh->ent[best].seq)
			return XLDRV_BLKFRONT_SHADOW_WAIT;
	}
	return best;
}

/*
 * Whether everything held has gone out on the current ring: until then,
 * the recovery deadline set when the last backend was lost still runs,
 * connected or not.
 */
bool xldrv_blkfront_shadow_replayed(const struct xldrv_blkfront_shadow *sh)
{
	return sh->gen && !sh->nr_pending;
}

/*
 * Whether @slot fails when the recovery deadline runs out (@up: a backend
 * is connected).  Without one, everything held does.  With one, what has
 * not gone out to it yet: a replay stuck behind grants an earlier backend
 * still maps, and whatever waits behind that.  What the connected backend
 * has is its to answer.
 */
bool xldrv_blkfront_shadow_expires(const struct xldrv_blkfront_shadow *sh,
				   int slot, bool up)
{
	u8 state = sh->ent[slot].state;

	if (state == XLDRV_BLKFRONT_SHADOW_FREE)
		return false;
	return !up || state == XLDRV_BLKFRONT_SHADOW_PENDING;
}

/*
 * Segments per request a backend takes, from its
 * feature-max-indirect-segments (0 if it has none): indirect requests
 * only pay off above the 11 a direct one carries, and blkif has room
 * for no more than 8 pages of segments.
 */
unsigned int xldrv_blkfront_backend_segs(unsigned int feature)
{
	const unsigned int proto_max = BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST *
				       XLDRV_BLKFRONT_SEGS_PER_IND_PAGE;

	if (feature <= XLDRV_BLKFRONT_DIRECT_SEGS)
		return XLDRV_BLKFRONT_DIRECT_SEGS;
	return feature < proto_max ? feature : proto_max;
}

/*
 * Segments per request for a new disk: what its first backend @offered
 * (xldrv_blkfront_backend_segs()), no more than the module parameter
 * @param and our cap, and never fewer than a direct request's 11.
 */
unsigned int xldrv_blkfront_disk_segs(unsigned int offered,
				      unsigned int param)
{
	unsigned int segs = offered;

	if (segs > param)
		segs = param;
	if (segs > XLDRV_BLKFRONT_MAX_SEGS)
		segs = XLDRV_BLKFRONT_MAX_SEGS;
	return segs > XLDRV_BLKFRONT_DIRECT_SEGS ? segs :
						   XLDRV_BLKFRONT_DIRECT_SEGS;
}

/* Indirect pages a read or write of @nr_segs needs: 0 if it goes direct. */
unsigned int xldrv_blkfront_nr_ind_pages(unsigned int nr_segs)
{
	if (nr_segs <= XLDRV_BLKFRONT_DIRECT_SEGS)
		return 0;
	return (nr_segs + XLDRV_BLKFRONT_SEGS_PER_IND_PAGE - 1) /
	       XLDRV_BLKFRONT_SEGS_PER_IND_PAGE;
}

/*
 * Pages a backend may strand on our side (common/strand.h), for a ring of
 * @size requests of @segs segments: data pages and indirect pages alike.
 */
unsigned int xldrv_blkfront_strand_limit(unsigned int size,
					 unsigned int segs)
{
	return XLDRV_BLKFRONT_STRAND_RINGS * size *
	       (segs + xldrv_blkfront_nr_ind_pages(segs));
}

/*
 * The ring request for a read, write or flush of @nr_segs segments,
 * without them (xldrv_blkfront_set_seg() adds them at each issue).  A
 * read or write of more than 11 segments becomes BLKIF_OP_INDIRECT,
 * which wraps those two operations only.
 */
void xldrv_blkfront_shadow_rw(struct blkif_request *req, u8 op, u16 handle,
			      u64 sector, unsigned int nr_segs)
{
	if ((op == BLKIF_OP_READ || op == BLKIF_OP_WRITE) &&
	    xldrv_blkfront_nr_ind_pages(nr_segs)) {
		*req = (struct blkif_request){ .operation = BLKIF_OP_INDIRECT };
		req->u.indirect.indirect_op = op;
		req->u.indirect.nr_segments = nr_segs;
		req->u.indirect.handle = handle;
		req->u.indirect.sector_number = sector;
		return;
	}
	*req = (struct blkif_request){ .operation = op };
	req->u.rw.nr_segments = nr_segs;
	req->u.rw.handle = handle;
	req->u.rw.sector_number = sector;
}

/* What @req does: an indirect request's own operation. */
u8 xldrv_blkfront_req_op(const struct blkif_request *req)
{
	if (req->operation == BLKIF_OP_INDIRECT)
		return req->u.indirect.indirect_op;
	return req->operation;
}

/* Whether a segment is whole sectors within one grant (a Xen page). */
bool xldrv_blkfront_seg_ok(unsigned int offset, unsigned int len)
{
	return len && offset < 4096u && len <= 4096u - offset &&
	       !((offset | len) & 511);
}

/*
 * Segment @i of @req: @len bytes at @offset in the page granted as
 * @gref, in the request itself, or for an indirect one in its segment
 * list, whose pages @ind maps.
 */
void xldrv_blkfront_set_seg(struct blkif_request *req,
			    struct blkif_request_segment *const *ind,
			    unsigned int i, grant_ref_t gref,
			    unsigned int offset, unsigned int len)
{
	struct blkif_request_segment seg = {
		.gref = gref,
		.first_sect = offset >> 9,
		.last_sect = (offset + len - 1) >> 9,
	};

	if (req->operation == BLKIF_OP_INDIRECT)
		ind[i / XLDRV_BLKFRONT_SEGS_PER_IND_PAGE]
		   [i % XLDRV_BLKFRONT_SEGS_PER_IND_PAGE] = seg;
	else
		req->u.rw.seg[i] = seg;
}
