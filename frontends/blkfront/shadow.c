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
