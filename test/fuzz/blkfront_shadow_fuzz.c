// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: xldrv_blkfront's shadow table driven as the module
 * drives it, by a block layer, a backend that answers whatever ids it
 * likes (the current ones, ones from earlier rings or earlier uses of a
 * slot, ones a bit off, or any 64 bits) and backends that come and go.
 * Input: one byte for the table's size (1 to 32), then one byte per step,
 * some followed by one to eight bytes of argument.
 *
 * A model kept here, of requests rather than of the table, checks what
 * issue 6 asks of a restart: an answer completes a request only if it
 * carries the id the request went on the current ring with, so nothing
 * answered by an old backend, and nothing answered twice, completes
 * anything; every id ever issued is new; after a reconnect the held
 * requests go out oldest first, and a flush only once everything older
 * has been answered; each request ends exactly once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "blkfront/shadow.c"

#define SIZE_MAX_FUZZ 32u
#define IDS_CAP 16384u	/* a power of two, above the steps an input has */

enum step {
	STEP_QUEUE,	/* the block layer gives a request */
	STEP_ANSWER,	/* the backend answers an id */
	STEP_LOST,	/* the backend goes: the ring is torn down */
	STEP_RING,	/* a backend connects: a new ring, then the replay */
	STEP_REPLAY,	/* the replay work runs again (after a completion) */
	STEP_FAIL,	/* the recovery deadline: what is held fails */
	STEP_MAX,
};

static const u8 ops[] = {
	BLKIF_OP_READ, BLKIF_OP_WRITE, BLKIF_OP_FLUSH_DISKCACHE,
	BLKIF_OP_INDIRECT,
};

static struct xldrv_blkfront_shadow sh;
static struct xldrv_blkfront_shadow_ent ent[SIZE_MAX_FUZZ];

/* The model: what each slot holds, from what was done to it. */
static struct {
	u8 state;
	u64 seq, id;
	bool flush;
	unsigned int token;	/* which request */
} m[SIZE_MAX_FUZZ];
static unsigned int ended[IDS_CAP];	/* per token */
static unsigned int tokens;
static u64 seq;

static u64 issued[IDS_CAP];	/* every id ever issued, a hash set */
static u64 hist[IDS_CAP];	/* the same, in order */
static unsigned int nr_hist;

static void fail(const char *what, unsigned int step)
{
	fprintf(stderr, "shadow table, step %u: %s\n", step, what);
	abort();
}

/* False if @id was issued before. */
static bool remember(u64 id)
{
	unsigned int h = (unsigned int)((id * 0x9e3779b97f4a7c15ull) >> 50);

	for (;; h = (h + 1) % IDS_CAP) {
		if (issued[h] == id)
			return false;
		if (!issued[h])
			break;
	}
	issued[h] = id;
	hist[nr_hist++] = id;
	return true;
}

static void issue(int slot, unsigned int step)
{
	u64 id = xldrv_blkfront_shadow_issue(&sh, slot);
	u64 in_req = ent[slot].req.operation == BLKIF_OP_INDIRECT ?
		     ent[slot].req.u.indirect.id : ent[slot].req.u.rw.id;

	if (!id || !remember(id))
		fail("an id issued before", step);
	if (in_req != id)
		fail("the request copy carries another id", step);
	if (xldrv_blkfront_shadow_lookup(&sh, id) != slot)
		fail("its own id does not find it", step);
	m[slot].state = XLDRV_BLKFRONT_SHADOW_ISSUED;
	m[slot].id = id;
}

static void end(int slot, unsigned int step)
{
	if (++ended[m[slot].token] != 1)
		fail("a request ended twice", step);
	xldrv_blkfront_shadow_put(&sh, slot);
	m[slot].state = XLDRV_BLKFRONT_SHADOW_FREE;
}

/* What replay_next() must say, from the model. */
static int expected_next(void)
{
	int oldest = XLDRV_BLKFRONT_SHADOW_NONE;
	unsigned int i;

	if (!sh.gen)
		return XLDRV_BLKFRONT_SHADOW_NONE;
	for (i = 0; i < sh.size; i++)
		if (m[i].state == XLDRV_BLKFRONT_SHADOW_PENDING &&
		    (oldest < 0 || m[i].seq < m[oldest].seq))
			oldest = (int)i;
	if (oldest < 0 || !m[oldest].flush)
		return oldest;
	for (i = 0; i < sh.size; i++)
		if (m[i].state == XLDRV_BLKFRONT_SHADOW_ISSUED &&
		    m[i].seq < m[oldest].seq)
			return XLDRV_BLKFRONT_SHADOW_WAIT;
	return oldest;
}

static void replay(unsigned int step)
{
	int slot;

	do {
		slot = xldrv_blkfront_shadow_replay_next(&sh);
		if (slot != expected_next())
			fail("replay out of order", step);
		if (slot >= 0)
			issue(slot, step);
	} while (slot >= 0);
}

static void queue(u8 arg, unsigned int step)
{
	unsigned int token = tokens;
	int slot;

	/* queue_rq holds new I/O while there is no ring or a replay. */
	if (!sh.gen || sh.nr_pending || tokens == IDS_CAP)
		return;
	slot = xldrv_blkfront_shadow_get(&sh, &ended[token]);
	if (slot < 0) {
		for (slot = 0; slot < (int)sh.size; slot++)
			if (m[slot].state == XLDRV_BLKFRONT_SHADOW_FREE)
				fail("full with a slot free", step);
		return;
	}
	if (m[slot].state != XLDRV_BLKFRONT_SHADOW_FREE ||
	    ent[slot].rq != &ended[token])
		fail("handed out a slot in use", step);
	tokens++;
	ent[slot].req = (struct blkif_request){
		.operation = ops[arg % sizeof(ops)],
	};
	m[slot] = (typeof(m[0])){
		.state = XLDRV_BLKFRONT_SHADOW_PENDING, .seq = seq++,
		.flush = ops[arg % sizeof(ops)] == BLKIF_OP_FLUSH_DISKCACHE,
		.token = token,
	};
	issue(slot, step);
}

static void answer(u64 id, unsigned int step)
{
	int want = XLDRV_BLKFRONT_SHADOW_NONE, slot;
	unsigned int i;

	for (i = 0; i < sh.size; i++)
		if (m[i].state == XLDRV_BLKFRONT_SHADOW_ISSUED && m[i].id == id)
			want = (int)i;
	slot = xldrv_blkfront_shadow_lookup(&sh, id);
	if (slot != want)
		fail(want < 0 ? "an id not in flight on this ring taken" :
				"a current id refused", step);
	if (slot >= 0)
		end(slot, step);
}

static void ring_lost(void)
{
	unsigned int i;

	xldrv_blkfront_shadow_ring_lost(&sh);
	for (i = 0; i < sh.size; i++)
		if (m[i].state == XLDRV_BLKFRONT_SHADOW_ISSUED)
			m[i].state = XLDRV_BLKFRONT_SHADOW_PENDING;
}

static void check_counts(unsigned int step)
{
	unsigned int i, busy = 0, pending = 0;

	for (i = 0; i < sh.size; i++) {
		if (ent[i].state != m[i].state)
			fail("an entry in another state", step);
		busy += m[i].state != XLDRV_BLKFRONT_SHADOW_FREE;
		pending += m[i].state == XLDRV_BLKFRONT_SHADOW_PENDING;
	}
	if (sh.nr_busy != busy || sh.nr_pending != pending)
		fail("counts off", step);
}

/* The id the backend answers with, chosen by the input. */
static u64 pick_id(const uint8_t *data, size_t size, size_t *pos)
{
	u8 sel = *pos < size ? data[(*pos)++] : 0;
	u64 id = 0;

	switch (sel & 3) {
	case 0:		/* what a slot holds now, or held last */
		return m[(sel >> 2) % sh.size].id;
	case 1:		/* any id issued so far */
		return nr_hist ? hist[(sel >> 2) % nr_hist] : 0;
	case 2:		/* a slot's, one bit off */
		return m[(sel >> 2) % sh.size].id ^
		       (1ull << ((*pos < size ? data[(*pos)++] : 0) % 64));
	default:
		if (size - *pos >= sizeof(id)) {
			memcpy(&id, data + *pos, sizeof(id));
			*pos += sizeof(id);
		}
		return id;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int step = 0, i;
	size_t pos = 1;
	u8 b;

	if (size < 1)
		return 0;
	memset(m, 0, sizeof(m));
	memset(ended, 0, sizeof(ended));
	memset(issued, 0, sizeof(issued));
	tokens = nr_hist = 0;
	seq = 0;
	xldrv_blkfront_shadow_init(&sh, ent, data[0] % SIZE_MAX_FUZZ + 1);
	xldrv_blkfront_shadow_new_ring(&sh);

	while (pos < size && nr_hist < IDS_CAP - SIZE_MAX_FUZZ) {
		b = data[pos++];
		step++;
		switch (b % STEP_MAX) {
		case STEP_QUEUE:
			queue(b / STEP_MAX, step);
			break;
		case STEP_ANSWER:
			answer(pick_id(data, size, &pos), step);
			break;
		case STEP_LOST:
			ring_lost();
			break;
		case STEP_RING:
			xldrv_blkfront_shadow_new_ring(&sh);
			for (i = 0; i < sh.size; i++)
				if (m[i].state == XLDRV_BLKFRONT_SHADOW_ISSUED)
					m[i].state = XLDRV_BLKFRONT_SHADOW_PENDING;
			replay(step);
			break;
		case STEP_REPLAY:
			replay(step);
			break;
		case STEP_FAIL:
			/*
			 * Without a ring, everything held fails; with one
			 * (taken as connected), what never went out on it:
			 * a replay stuck behind an old backend's grants.
			 */
			for (i = 0; i < sh.size; i++) {
				bool want = sh.gen ?
					m[i].state == XLDRV_BLKFRONT_SHADOW_PENDING :
					m[i].state != XLDRV_BLKFRONT_SHADOW_FREE;

				if (xldrv_blkfront_shadow_expires(&sh, (int)i,
								  sh.gen) != want)
					fail("the deadline fails the wrong requests",
					     step);
				if (want)
					end((int)i, step);
			}
			if (sh.gen && !xldrv_blkfront_shadow_replayed(&sh))
				fail("held requests left after the deadline",
				     step);
			break;
		}
		check_counts(step);
	}
	return 0;
}
