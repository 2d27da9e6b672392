// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of xldrv_blkfront's shadow table (frontends/blkfront/
 * shadow.c): request ids across rings, and the order requests are
 * replayed in after a reconnect.  First fixed cases, then random runs of
 * requests, answers and lost rings checked against a model.  Then the
 * helpers that size and build indirect requests, the recovery deadline
 * after a reconnect, and the bound on pages a backend may strand.
 */
#include "check.h"
#include "blkfront/shadow.c"
#include "common/strand.h"

#define SIZE 32

static struct xldrv_blkfront_shadow sh;
static struct xldrv_blkfront_shadow_ent ent[SIZE];
static int tags[1000];	/* stand-ins for the block layer's requests */

static int get(u8 op)
{
	int slot = xldrv_blkfront_shadow_get(&sh, &tags[sh.next_seq % 1000]);

	if (slot >= 0) {
		memset(&ent[slot].req, 0, sizeof(ent[slot].req));
		ent[slot].req.operation = op;
	}
	return slot;
}

/* What the driver does when the backend answers @id. */
static int answer(u64 id)
{
	int slot = xldrv_blkfront_shadow_lookup(&sh, id);

	if (slot >= 0)
		xldrv_blkfront_shadow_put(&sh, slot);
	return slot;
}

static void test_fixed(void)
{
	int w0, w1, f2, w3, r4, again;
	u64 id_w0, id_w1, id_f2, id_w3, id_r4, id;

	xldrv_blkfront_shadow_init(&sh, ent, SIZE);
	xldrv_blkfront_shadow_new_ring(&sh);
	w0 = get(BLKIF_OP_WRITE);
	w1 = get(BLKIF_OP_WRITE);
	f2 = get(BLKIF_OP_FLUSH_DISKCACHE);
	w3 = get(BLKIF_OP_WRITE);
	r4 = get(BLKIF_OP_READ);
	CHECK(w0 >= 0 && w1 >= 0 && f2 >= 0 && w3 >= 0 && r4 >= 0);
	CHECK_EQ(sh.nr_busy, 5);
	CHECK_EQ(sh.nr_pending, 5);
	id_w0 = xldrv_blkfront_shadow_issue(&sh, w0);
	id_w1 = xldrv_blkfront_shadow_issue(&sh, w1);
	id_f2 = xldrv_blkfront_shadow_issue(&sh, f2);
	id_w3 = xldrv_blkfront_shadow_issue(&sh, w3);
	id_r4 = xldrv_blkfront_shadow_issue(&sh, r4);
	CHECK_EQ(sh.nr_pending, 0);
	CHECK_EQ(ent[w0].req.u.rw.id, id_w0);
	CHECK_EQ(xldrv_blkfront_shadow_lookup(&sh, id_w3), w3);
	/* Nothing to replay while a ring carries everything. */
	CHECK_EQ(xldrv_blkfront_shadow_replay_next(&sh),
		 XLDRV_BLKFRONT_SHADOW_NONE);

	/* w1 is answered; then the backend dies. */
	CHECK_EQ(answer(id_w1), w1);
	CHECK_EQ(answer(id_w1), XLDRV_BLKFRONT_SHADOW_NONE);	/* twice */
	xldrv_blkfront_shadow_ring_lost(&sh);
	CHECK_EQ(sh.nr_pending, 4);
	/* Answers arriving from the dead ring, and no ring to replay on. */
	CHECK_EQ(answer(id_w0), XLDRV_BLKFRONT_SHADOW_NONE);
	CHECK_EQ(answer(id_r4), XLDRV_BLKFRONT_SHADOW_NONE);
	CHECK_EQ(xldrv_blkfront_shadow_replay_next(&sh),
		 XLDRV_BLKFRONT_SHADOW_NONE);

	/* The new ring: w0 first, and the flush waits for it. */
	xldrv_blkfront_shadow_new_ring(&sh);
	CHECK_EQ(xldrv_blkfront_shadow_replay_next(&sh), w0);
	id = xldrv_blkfront_shadow_issue(&sh, w0);
	CHECK(id != id_w0);
	CHECK_EQ(answer(id_w0), XLDRV_BLKFRONT_SHADOW_NONE);	/* old ring's */
	CHECK_EQ(xldrv_blkfront_shadow_replay_next(&sh),
		 XLDRV_BLKFRONT_SHADOW_WAIT);
	CHECK_EQ(answer(id), w0);
	CHECK_EQ(xldrv_blkfront_shadow_replay_next(&sh), f2);
	xldrv_blkfront_shadow_issue(&sh, f2);
	/* Behind the flush, in order, without waiting for it. */
	CHECK_EQ(xldrv_blkfront_shadow_replay_next(&sh), w3);
	xldrv_blkfront_shadow_issue(&sh, w3);
	CHECK_EQ(xldrv_blkfront_shadow_replay_next(&sh), r4);
	id = xldrv_blkfront_shadow_issue(&sh, r4);
	CHECK_EQ(xldrv_blkfront_shadow_replay_next(&sh),
		 XLDRV_BLKFRONT_SHADOW_NONE);
	CHECK_EQ(answer(id_f2), XLDRV_BLKFRONT_SHADOW_NONE);
	CHECK_EQ(answer(id_w3), XLDRV_BLKFRONT_SHADOW_NONE);

	/* r4 answered; its slot taken by a new read on the same ring: a
	 * late duplicate of r4's answer must not complete it.
	 */
	CHECK_EQ(answer(id), r4);
	again = get(BLKIF_OP_READ);
	CHECK_EQ(again, r4);	/* the free list is LIFO */
	CHECK(xldrv_blkfront_shadow_issue(&sh, again) != id);
	CHECK_EQ(answer(id), XLDRV_BLKFRONT_SHADOW_NONE);

	/* Ids a backend made up. */
	CHECK_EQ(answer(((u64)sh.gen << 32) | SIZE), XLDRV_BLKFRONT_SHADOW_NONE);
	CHECK_EQ(answer(0), XLDRV_BLKFRONT_SHADOW_NONE);
	CHECK_EQ(answer(~0ull), XLDRV_BLKFRONT_SHADOW_NONE);
}

/* An indirect write and read held across a restart, with a flush. */
static void test_indirect_replay(void)
{
	int w0, f1, r2;
	u64 id_w0, id_r2, id;

	xldrv_blkfront_shadow_init(&sh, ent, SIZE);
	xldrv_blkfront_shadow_new_ring(&sh);
	w0 = xldrv_blkfront_shadow_get(&sh, &tags[0]);
	xldrv_blkfront_shadow_rw(&ent[w0].req, BLKIF_OP_WRITE, 3, 0, 32);
	f1 = get(BLKIF_OP_FLUSH_DISKCACHE);
	r2 = xldrv_blkfront_shadow_get(&sh, &tags[2]);
	xldrv_blkfront_shadow_rw(&ent[r2].req, BLKIF_OP_READ, 3, 64, 200);
	id_w0 = xldrv_blkfront_shadow_issue(&sh, w0);
	xldrv_blkfront_shadow_issue(&sh, f1);
	id_r2 = xldrv_blkfront_shadow_issue(&sh, r2);
	/* The id is where a backend looks for it: offset 8 either way. */
	CHECK_EQ(ent[w0].req.u.indirect.id, id_w0);
	CHECK_EQ(ent[r2].req.u.indirect.id, id_r2);
	CHECK_EQ(ent[w0].req.u.indirect.nr_segments, 32);
	CHECK_EQ(ent[r2].req.u.indirect.sector_number, 64);
	CHECK_EQ(xldrv_blkfront_shadow_lookup(&sh, id_r2), r2);

	xldrv_blkfront_shadow_ring_lost(&sh);
	xldrv_blkfront_shadow_new_ring(&sh);
	CHECK_EQ(xldrv_blkfront_shadow_replay_next(&sh), w0);
	id = xldrv_blkfront_shadow_issue(&sh, w0);
	CHECK(id != id_w0);
	CHECK_EQ(ent[w0].req.u.indirect.id, id);
	/* Still what it was: a replay changes the id only. */
	CHECK_EQ(ent[w0].req.operation, BLKIF_OP_INDIRECT);
	CHECK_EQ(xldrv_blkfront_req_op(&ent[w0].req), BLKIF_OP_WRITE);
	CHECK_EQ(ent[w0].req.u.indirect.handle, 3);
	/* The flush waits for the indirect write, as for any write. */
	CHECK_EQ(xldrv_blkfront_shadow_replay_next(&sh),
		 XLDRV_BLKFRONT_SHADOW_WAIT);
	CHECK_EQ(answer(id_w0), XLDRV_BLKFRONT_SHADOW_NONE);
	CHECK_EQ(answer(id), w0);
	CHECK_EQ(xldrv_blkfront_shadow_replay_next(&sh), f1);
	xldrv_blkfront_shadow_issue(&sh, f1);
	CHECK_EQ(xldrv_blkfront_shadow_replay_next(&sh), r2);
	xldrv_blkfront_shadow_issue(&sh, r2);
	CHECK_EQ(answer(id_r2), XLDRV_BLKFRONT_SHADOW_NONE);
	CHECK_EQ(answer(ent[r2].req.u.indirect.id), r2);
}

static void test_full(void)
{
	int i, slot;

	xldrv_blkfront_shadow_init(&sh, ent, SIZE);
	xldrv_blkfront_shadow_new_ring(&sh);
	for (i = 0; i < SIZE; i++)
		CHECK(get(BLKIF_OP_READ) >= 0);
	CHECK_EQ(get(BLKIF_OP_READ), XLDRV_BLKFRONT_SHADOW_NONE);
	xldrv_blkfront_shadow_put(&sh, 7);
	slot = get(BLKIF_OP_READ);
	CHECK_EQ(slot, 7);
	CHECK_EQ(sh.nr_busy, SIZE);
}

/* The model: every id ever issued, and which generation issued it. */
struct issued {
	u64 id;
	u32 gen;
	int slot;
	bool answered;
};
static struct issued log_[100000];
static unsigned int nlog;

static unsigned int rnd_state = 12345;
static unsigned int rnd(unsigned int n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) % n;
}

static void issue_logged(int slot)
{
	u64 id = xldrv_blkfront_shadow_issue(&sh, slot);

	/* In the request, where its form has it. */
	CHECK_EQ(ent[slot].req.operation == BLKIF_OP_INDIRECT ?
		 ent[slot].req.u.indirect.id : ent[slot].req.u.rw.id, id);

	if (nlog < ARRAY_SIZE(log_))
		log_[nlog++] = (struct issued){ .id = id, .gen = sh.gen,
						.slot = slot };
}

/*
 * Replay everything pending, checking it comes out oldest first and
 * that no flush goes out while an older request is unanswered; answers
 * the older ones (in random order) where a flush waits.
 */
static void replay_all(void)
{
	u64 last_seq = 0;
	bool first = true;
	int slot;
	unsigned int i;

	for (;;) {
		slot = xldrv_blkfront_shadow_replay_next(&sh);
		if (slot == XLDRV_BLKFRONT_SHADOW_NONE)
			break;
		if (slot == XLDRV_BLKFRONT_SHADOW_WAIT) {
			/* Answer one issued request of this ring. */
			for (i = 0; i < sh.size; i++)
				if (ent[i].state == XLDRV_BLKFRONT_SHADOW_ISSUED)
					break;
			CHECK(i < sh.size);
			if (i == sh.size)
				return;
			CHECK_EQ(answer(ent[i].id), (int)i);
			continue;
		}
		CHECK(first || ent[slot].seq > last_seq);
		if (ent[slot].req.operation == BLKIF_OP_FLUSH_DISKCACHE)
			for (i = 0; i < sh.size; i++)
				CHECK(ent[i].state != XLDRV_BLKFRONT_SHADOW_ISSUED ||
				      ent[i].seq > ent[slot].seq);
		last_seq = ent[slot].seq;
		first = false;
		issue_logged(slot);
	}
	CHECK_EQ(sh.nr_pending, 0);
}

static void test_random(void)
{
	static const u8 ops[] = { BLKIF_OP_READ, BLKIF_OP_WRITE,
				  BLKIF_OP_WRITE, BLKIF_OP_FLUSH_DISKCACHE };
	unsigned int step, i, stale_checked = 0;
	int slot;

	xldrv_blkfront_shadow_init(&sh, ent, SIZE);
	xldrv_blkfront_shadow_new_ring(&sh);
	nlog = 0;
	for (step = 0; step < 20000; step++) {
		unsigned int what = rnd(100);

		if (what < 45) {
			/* The block layer: only while no replay is due. */
			if (sh.nr_pending)
				continue;
			u8 op = ops[rnd(4)];

			slot = xldrv_blkfront_shadow_get(&sh, &tags[0]);
			if (slot < 0)
				continue;
			/* Up to 32 segments: direct and indirect. */
			xldrv_blkfront_shadow_rw(&ent[slot].req, op, 1, step,
						 op == BLKIF_OP_FLUSH_DISKCACHE ?
						 0 : 1 + rnd(32));
			issue_logged(slot);
		} else if (what < 90 && nlog) {
			/* The backend answers some id it was given. */
			struct issued *is = &log_[rnd(nlog)];
			bool live = is->gen == sh.gen && !is->answered &&
				    ent[is->slot].id == is->id &&
				    ent[is->slot].state ==
					    XLDRV_BLKFRONT_SHADOW_ISSUED;

			slot = answer(is->id);
			CHECK_EQ(slot, live ? is->slot :
					      XLDRV_BLKFRONT_SHADOW_NONE);
			if (!live && is->gen != sh.gen)
				stale_checked++;
			if (live)
				is->answered = true;
		} else if (what < 95) {
			/* The backend goes, a new one comes. */
			xldrv_blkfront_shadow_ring_lost(&sh);
			for (i = 0; i < nlog && check_failures <= 20; i++)
				CHECK_EQ(xldrv_blkfront_shadow_lookup(&sh,
							log_[i].id),
					 XLDRV_BLKFRONT_SHADOW_NONE);
			xldrv_blkfront_shadow_new_ring(&sh);
			replay_all();
		}
		CHECK(sh.nr_busy <= SIZE);
		if (check_failures > 20)
			break;	/* it is broken: enough said */
	}
	/* The run must have exercised what it checks. */
	CHECK(stale_checked > 100);
	printf("random: %u ids issued, %u stale answers refused\n", nlog,
	       stale_checked);
}

static void test_segs(void)
{
	/* The backend's offer: direct unless indirect gives more. */
	CHECK_EQ(xldrv_blkfront_backend_segs(0), 11);
	CHECK_EQ(xldrv_blkfront_backend_segs(8), 11);
	CHECK_EQ(xldrv_blkfront_backend_segs(11), 11);
	CHECK_EQ(xldrv_blkfront_backend_segs(12), 12);
	CHECK_EQ(xldrv_blkfront_backend_segs(256), 256);
	CHECK_EQ(xldrv_blkfront_backend_segs(4096), 4096);
	CHECK_EQ(xldrv_blkfront_backend_segs(5000), 4096);
	CHECK_EQ(xldrv_blkfront_backend_segs(~0u), 4096);

	/* A new disk's: the least of offer, parameter and cap, at least 11. */
	CHECK_EQ(xldrv_blkfront_disk_segs(11, 32), 11);
	CHECK_EQ(xldrv_blkfront_disk_segs(256, 32), 32);
	CHECK_EQ(xldrv_blkfront_disk_segs(16, 32), 16);
	CHECK_EQ(xldrv_blkfront_disk_segs(256, 1000), 256);
	CHECK_EQ(xldrv_blkfront_disk_segs(4096, 300), 256);
	CHECK_EQ(xldrv_blkfront_disk_segs(4096, ~0u), XLDRV_BLKFRONT_MAX_SEGS);
	CHECK_EQ(xldrv_blkfront_disk_segs(256, 0), 11);
	CHECK_EQ(xldrv_blkfront_disk_segs(256, 11), 11);
	CHECK_EQ(xldrv_blkfront_disk_segs(256, 12), 12);

	CHECK_EQ(XLDRV_BLKFRONT_SEGS_PER_IND_PAGE, 512);
	CHECK_EQ(xldrv_blkfront_nr_ind_pages(0), 0);
	CHECK_EQ(xldrv_blkfront_nr_ind_pages(11), 0);
	CHECK_EQ(xldrv_blkfront_nr_ind_pages(12), 1);
	CHECK_EQ(xldrv_blkfront_nr_ind_pages(512), 1);
	CHECK_EQ(xldrv_blkfront_nr_ind_pages(513), 2);
	CHECK_EQ(xldrv_blkfront_nr_ind_pages(4096), 8);
	CHECK_EQ(xldrv_blkfront_nr_ind_pages(XLDRV_BLKFRONT_MAX_SEGS),
		 XLDRV_BLKFRONT_MAX_IND_PAGES);
	CHECK(XLDRV_BLKFRONT_MAX_IND_PAGES <=
	      BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST);

	CHECK(xldrv_blkfront_seg_ok(0, 4096));
	CHECK(xldrv_blkfront_seg_ok(512, 512));
	CHECK(xldrv_blkfront_seg_ok(3584, 512));
	CHECK(!xldrv_blkfront_seg_ok(0, 0));
	CHECK(!xldrv_blkfront_seg_ok(3584, 1024));
	CHECK(!xldrv_blkfront_seg_ok(4096, 512));
	CHECK(!xldrv_blkfront_seg_ok(256, 512));
	CHECK(!xldrv_blkfront_seg_ok(0, 100));
	CHECK(!xldrv_blkfront_seg_ok(512, ~0u - 511));
}

static void test_build(void)
{
	static struct blkif_request_segment pages[2][512];
	struct blkif_request_segment *ind[2] = { pages[0], pages[1] };
	struct blkif_request req;
	unsigned int i;

	CHECK_EQ(offsetof(struct blkif_request, u.rw.id),
		 offsetof(struct blkif_request, u.indirect.id));

	/* 11 segments go direct, with the segments in the request. */
	memset(&req, 0xff, sizeof(req));
	xldrv_blkfront_shadow_rw(&req, BLKIF_OP_WRITE, 7, 1234, 11);
	CHECK_EQ(req.operation, BLKIF_OP_WRITE);
	CHECK_EQ(xldrv_blkfront_req_op(&req), BLKIF_OP_WRITE);
	CHECK_EQ(req.u.rw.nr_segments, 11);
	CHECK_EQ(req.u.rw.handle, 7);
	CHECK_EQ(req.u.rw.sector_number, 1234);
	CHECK_EQ(req.u.rw.seg[10].gref, 0);
	for (i = 0; i < 11; i++)
		xldrv_blkfront_set_seg(&req, NULL, i, 100 + i, 512 * (i % 8),
				       512);
	CHECK_EQ(req.u.rw.seg[0].gref, 100);
	CHECK_EQ(req.u.rw.seg[3].first_sect, 3);
	CHECK_EQ(req.u.rw.seg[3].last_sect, 3);
	CHECK_EQ(req.u.rw.seg[10].gref, 110);

	/* 12: indirect, the segments in the pages, the request untouched. */
	xldrv_blkfront_shadow_rw(&req, BLKIF_OP_READ, 7, 99, 12);
	CHECK_EQ(req.operation, BLKIF_OP_INDIRECT);
	CHECK_EQ(req.u.indirect.indirect_op, BLKIF_OP_READ);
	CHECK_EQ(xldrv_blkfront_req_op(&req), BLKIF_OP_READ);
	CHECK_EQ(req.u.indirect.nr_segments, 12);
	CHECK_EQ(req.u.indirect.handle, 7);
	CHECK_EQ(req.u.indirect.sector_number, 99);
	CHECK_EQ(req.u.indirect.indirect_grefs[0], 0);
	xldrv_blkfront_set_seg(&req, ind, 0, 5, 0, 4096);
	xldrv_blkfront_set_seg(&req, ind, 11, 6, 1024, 2048);
	CHECK_EQ(pages[0][0].gref, 5);
	CHECK_EQ(pages[0][0].first_sect, 0);
	CHECK_EQ(pages[0][0].last_sect, 7);
	CHECK_EQ(pages[0][11].gref, 6);
	CHECK_EQ(pages[0][11].first_sect, 2);
	CHECK_EQ(pages[0][11].last_sect, 5);
	CHECK_EQ(req.u.indirect.indirect_grefs[0], 0);

	/* Past a page's 512 segments, the next page. */
	xldrv_blkfront_shadow_rw(&req, BLKIF_OP_WRITE, 7, 0, 600);
	for (i = 0; i < 600; i++)
		xldrv_blkfront_set_seg(&req, ind, i, 1000 + i, 0, 4096);
	CHECK_EQ(req.u.indirect.nr_segments, 600);
	CHECK_EQ(pages[0][511].gref, 1511);
	CHECK_EQ(pages[1][0].gref, 1512);
	CHECK_EQ(pages[1][87].gref, 1599);

	/* Never wrapped: a flush, and anything but a read or write. */
	xldrv_blkfront_shadow_rw(&req, BLKIF_OP_FLUSH_DISKCACHE, 7, 0, 0);
	CHECK_EQ(req.operation, BLKIF_OP_FLUSH_DISKCACHE);
	CHECK_EQ(req.u.rw.nr_segments, 0);
	CHECK_EQ(req.u.rw.seg[0].gref, 0);
	xldrv_blkfront_shadow_rw(&req, BLKIF_OP_DISCARD, 7, 0, 32);
	CHECK_EQ(req.operation, BLKIF_OP_DISCARD);
	CHECK_EQ(xldrv_blkfront_req_op(&req), BLKIF_OP_DISCARD);
}

/* What fail_all() does at the recovery deadline: how many failed. */
static int expire(bool up)
{
	int i, n = 0;

	for (i = 0; i < SIZE; i++) {
		if (!xldrv_blkfront_shadow_expires(&sh, i, up))
			continue;
		xldrv_blkfront_shadow_put(&sh, i);
		n++;
	}
	return n;
}

/*
 * The recovery deadline across a reconnect: it is over only once all
 * that was held has gone out to the new backend, and if it runs out
 * first, what is still held fails, and only that.
 */
static void test_deadline(void)
{
	int r0, w1, f2, w3, w;
	u64 id_r0;

	xldrv_blkfront_shadow_init(&sh, ent, SIZE);
	xldrv_blkfront_shadow_new_ring(&sh);
	r0 = get(BLKIF_OP_READ);
	w1 = get(BLKIF_OP_WRITE);
	f2 = get(BLKIF_OP_FLUSH_DISKCACHE);
	w3 = get(BLKIF_OP_WRITE);
	CHECK(!xldrv_blkfront_shadow_replayed(&sh));
	xldrv_blkfront_shadow_issue(&sh, r0);
	xldrv_blkfront_shadow_issue(&sh, w1);
	xldrv_blkfront_shadow_issue(&sh, f2);
	xldrv_blkfront_shadow_issue(&sh, w3);
	CHECK(xldrv_blkfront_shadow_replayed(&sh));

	/* The backend goes: nothing is out on a ring. */
	xldrv_blkfront_shadow_ring_lost(&sh);
	CHECK(!xldrv_blkfront_shadow_replayed(&sh));
	/*
	 * A new one connects.  r0 goes out to it; w1's pages are still
	 * mapped by the old backend (hung, not dead), so the replay stops
	 * there, and the flush and w3 wait behind it.
	 */
	xldrv_blkfront_shadow_new_ring(&sh);
	CHECK(!xldrv_blkfront_shadow_replayed(&sh));
	CHECK_EQ(xldrv_blkfront_shadow_replay_next(&sh), r0);
	id_r0 = xldrv_blkfront_shadow_issue(&sh, r0);
	CHECK_EQ(xldrv_blkfront_shadow_replay_next(&sh), w1);
	CHECK(!xldrv_blkfront_shadow_replayed(&sh));

	/*
	 * The deadline runs out, connected: what never went out fails;
	 * r0 is the new backend's to answer.
	 */
	CHECK(!xldrv_blkfront_shadow_expires(&sh, r0, true));
	CHECK(xldrv_blkfront_shadow_expires(&sh, w1, true));
	CHECK(xldrv_blkfront_shadow_expires(&sh, f2, true));
	CHECK(xldrv_blkfront_shadow_expires(&sh, w3, true));
	CHECK_EQ(expire(true), 3);
	CHECK(xldrv_blkfront_shadow_replayed(&sh));
	CHECK_EQ(xldrv_blkfront_shadow_replay_next(&sh),
		 XLDRV_BLKFRONT_SHADOW_NONE);
	/* Repeated (the timer and the replay work race): nothing more. */
	CHECK_EQ(expire(true), 0);
	CHECK_EQ(answer(id_r0), r0);
	CHECK_EQ(sh.nr_busy, 0);

	/* Without a backend, everything held fails, on a ring or not. */
	w = get(BLKIF_OP_WRITE);
	xldrv_blkfront_shadow_issue(&sh, w);
	CHECK(xldrv_blkfront_shadow_expires(&sh, w, false));
	xldrv_blkfront_shadow_ring_lost(&sh);
	CHECK_EQ(expire(false), 1);
	CHECK_EQ(sh.nr_busy, 0);
	CHECK_EQ(expire(false), 0);
}

/* The pages a backend may strand before we stop using it. */
static void test_strand(void)
{
	unsigned int limit = xldrv_blkfront_strand_limit(SIZE, 32);
	struct xldrv_strand st;
	unsigned int i;

	/* Two rings' worth: data pages and the segment list's. */
	CHECK_EQ(limit, 2 * SIZE * (32 + 1));
	CHECK_EQ(xldrv_blkfront_strand_limit(SIZE, 11), 2 * SIZE * 11);
	CHECK_EQ(xldrv_blkfront_strand_limit(SIZE, 256), 2 * SIZE * (256 + 1));

	/* Every request of two rings answered with its 33 pages mapped. */
	xldrv_strand_reset(&st);
	for (i = 0; i < 2 * SIZE; i++)
		CHECK(!xldrv_strand_add(&st, 32 + 1, limit));
	CHECK(!st.over);
	/* One page more: broken, said once. */
	CHECK(xldrv_strand_add(&st, 1, limit));
	CHECK(st.over);
	CHECK(!xldrv_strand_add(&st, 1, limit));
	CHECK(!xldrv_strand_add(&st, 33, limit));
	CHECK(st.over);
	/* A new backend starts from nothing. */
	xldrv_strand_reset(&st);
	CHECK(!st.over);
	CHECK(!xldrv_strand_add(&st, 0, limit));
	CHECK(!xldrv_strand_add(&st, limit, limit));
	CHECK(xldrv_strand_add(&st, 1, limit));
	/* No wrap-around, whatever the count. */
	xldrv_strand_reset(&st);
	CHECK(!xldrv_strand_add(&st, 1, limit));
	CHECK(xldrv_strand_add(&st, ~0u, limit));
	/* A disk not made yet has no requests, and a limit of 0. */
	xldrv_strand_reset(&st);
	CHECK(xldrv_strand_add(&st, 1, xldrv_blkfront_strand_limit(SIZE, 0)));
}

int main(void)
{
	test_fixed();
	test_indirect_replay();
	test_full();
	test_random();
	test_segs();
	test_build();
	test_deadline();
	test_strand();
	return check_done("xldrv_blkfront_shadow");
}
