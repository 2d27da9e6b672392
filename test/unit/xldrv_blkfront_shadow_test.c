// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of xldrv_blkfront's shadow table (frontends/blkfront/
 * shadow.c): request ids across rings, and the order requests are
 * replayed in after a reconnect.  First fixed cases, then random runs of
 * requests, answers and lost rings checked against a model.
 */
#include "check.h"
#include "blkfront/shadow.c"

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

	if (nlog < sizeof(log_) / sizeof(log_[0]))
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
			slot = get(ops[rnd(4)]);
			if (slot >= 0)
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

int main(void)
{
	test_fixed();
	test_full();
	test_random();
	return check_done("xldrv_blkfront_shadow");
}
