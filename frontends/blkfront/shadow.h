/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xldrv_blkfront: the shadow table.  One entry per request the block
 * layer gave us and has not had back: a copy of the blkif request as it
 * last went on a ring, and the block layer's request it stands for.
 * Entries outlive rings: when the backend goes, the ring goes, and the
 * entries wait to be replayed on the next one.
 *
 * Plain C over blkif's structures: the module builds it, and so does the
 * unit test (test/unit/xldrv_blkfront_shadow_test.c), in userspace.
 */
#ifndef XLDRV_BLKFRONT_SHADOW_H
#define XLDRV_BLKFRONT_SHADOW_H

#include <linux/types.h>
#include <xen/interface/io/blkif.h>

/* A slot number must fit in the low 16 bits of a request id. */
#define XLDRV_BLKFRONT_SHADOW_MAX 256u

/*
 * Segments per request.  Up to 11 go in the ring request itself; more
 * go as an indirect request, whose segment list fills pages of its own
 * (granted like the data), 512 to a page: a grant is a 4 KiB Xen page
 * whatever the kernel's page size.  Our cap keeps a disk's bounce pages
 * (segments times 32 ring slots) within reason: 256 is 32 MiB.
 */
#define XLDRV_BLKFRONT_DIRECT_SEGS BLKIF_MAX_SEGMENTS_PER_REQUEST
#define XLDRV_BLKFRONT_MAX_SEGS 256u
#define XLDRV_BLKFRONT_SEGS_PER_IND_PAGE \
	(4096u / sizeof(struct blkif_request_segment))
#define XLDRV_BLKFRONT_MAX_IND_PAGES \
	((XLDRV_BLKFRONT_MAX_SEGS + XLDRV_BLKFRONT_SEGS_PER_IND_PAGE - 1) / \
	 XLDRV_BLKFRONT_SEGS_PER_IND_PAGE)

/*
 * Rings' worth of pages a backend may strand (common/strand.h) before we
 * stop using it: one ring's worth is what a backend that breaks down
 * with every request out could leave, and twice that is already no
 * accident.
 */
#define XLDRV_BLKFRONT_STRAND_RINGS 2u

/* What xldrv_blkfront_shadow_get()/_replay_next() return instead of a slot. */
#define XLDRV_BLKFRONT_SHADOW_NONE (-1)	/* nothing (left) to hand out */
#define XLDRV_BLKFRONT_SHADOW_WAIT (-2)	/* a flush waits for earlier I/O */

enum xldrv_blkfront_shadow_state {
	XLDRV_BLKFRONT_SHADOW_FREE,
	XLDRV_BLKFRONT_SHADOW_PENDING,	/* needs to go on the current ring */
	XLDRV_BLKFRONT_SHADOW_ISSUED,	/* on the current ring, unanswered */
};

struct xldrv_blkfront_shadow_ent {
	/*
	 * As last put on a ring.  For an indirect request the segments are
	 * not in it but in the slot's indirect pages, written afresh (with
	 * the new grants) each time it goes on a ring.
	 */
	struct blkif_request req;
	void *rq;			/* the block layer's request */
	u64 seq;			/* order the block layer gave it to us */
	u64 id;				/* its id on the current ring */
	u16 issues;			/* times put on a ring: part of the id */
	u8 state;
	int next_free;
};

struct xldrv_blkfront_shadow {
	struct xldrv_blkfront_shadow_ent *ent;	/* the caller's array */
	unsigned int size;
	int free_head;
	unsigned int nr_busy;		/* not FREE */
	unsigned int nr_pending;	/* PENDING */
	u64 next_seq;
	u32 gen;			/* of the current ring; 0: none */
	u32 last_gen;
};

void xldrv_blkfront_shadow_init(struct xldrv_blkfront_shadow *sh,
				struct xldrv_blkfront_shadow_ent *ent,
				unsigned int size);
int xldrv_blkfront_shadow_get(struct xldrv_blkfront_shadow *sh, void *rq);
void xldrv_blkfront_shadow_put(struct xldrv_blkfront_shadow *sh, int slot);
u64 xldrv_blkfront_shadow_issue(struct xldrv_blkfront_shadow *sh, int slot);
int xldrv_blkfront_shadow_lookup(const struct xldrv_blkfront_shadow *sh,
				 u64 id);
void xldrv_blkfront_shadow_ring_lost(struct xldrv_blkfront_shadow *sh);
void xldrv_blkfront_shadow_new_ring(struct xldrv_blkfront_shadow *sh);
int xldrv_blkfront_shadow_replay_next(const struct xldrv_blkfront_shadow *sh);
bool xldrv_blkfront_shadow_replayed(const struct xldrv_blkfront_shadow *sh);
bool xldrv_blkfront_shadow_expires(const struct xldrv_blkfront_shadow *sh,
				   int slot, bool up);

unsigned int xldrv_blkfront_backend_segs(unsigned int feature);
unsigned int xldrv_blkfront_disk_segs(unsigned int offered,
				      unsigned int param);
unsigned int xldrv_blkfront_nr_ind_pages(unsigned int nr_segs);
unsigned int xldrv_blkfront_strand_limit(unsigned int size,
					 unsigned int segs);
void xldrv_blkfront_shadow_rw(struct blkif_request *req, u8 op, u16 handle,
			      u64 sector, unsigned int nr_segs);
u8 xldrv_blkfront_req_op(const struct blkif_request *req);
bool xldrv_blkfront_seg_ok(unsigned int offset, unsigned int len);
void xldrv_blkfront_set_seg(struct blkif_request *req,
			    struct blkif_request_segment *const *ind,
			    unsigned int i, grant_ref_t gref,
			    unsigned int offset, unsigned int len);

#endif /* XLDRV_BLKFRONT_SHADOW_H */
