// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of xldrv_blkmap's request checks (mapper-kmod/blkmap/req.c):
 * one case per rule, then random requests against the invariants.
 */
#include "check.h"
#include "blkmap_invariants.h"
#include "blkmap/req.c"

#define SECTORS (1u << 20) /* a 512 MiB disk */

static struct xldrv_blkmap_limits lim_default(void)
{
	return (struct xldrv_blkmap_limits){
		.sectors = SECTORS, .lbs_sectors = 1, .flush = true,
		.barrier = true, .discard = true,
	};
}

static struct blkif_request rw(u8 op, u64 sector, unsigned int nsegs)
{
	struct blkif_request r;
	unsigned int i;

	memset(&r, 0, sizeof(r));
	r.operation = op;
	r.u.rw.id = 0xfeedf00d;
	r.u.rw.sector_number = sector;
	r.u.rw.nr_segments = nsegs;
	r.u.rw.handle = 51712;
	for (i = 0; i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++) {
		r.u.rw.seg[i].gref = 100 + i;
		r.u.rw.seg[i].first_sect = 0;
		r.u.rw.seg[i].last_sect = 7;
	}
	return r;
}

static enum xldrv_blkmap_verdict parse(const struct blkif_request *r,
				       const struct xldrv_blkmap_limits *lim,
				       struct xldrv_blkmap_req *req)
{
	enum xldrv_blkmap_verdict v = xldrv_blkmap_parse(r, lim, req);

	CHECK_EQ(req->id, r->u.other.id);
	if (v == XLDRV_BLKMAP_OK)
		CHECK(blkmap_invariants(r, lim, req, !req->indirect) == NULL);
	return v;
}

static void test_layout(void)
{
	/* The ABI every frontend uses: 112-byte requests, ids at offset 8. */
	CHECK_EQ(sizeof(struct blkif_request), 112);
	CHECK_EQ(offsetof(struct blkif_request, u.rw.id), 8);
	CHECK_EQ(offsetof(struct blkif_request, u.discard.id), 8);
	CHECK_EQ(offsetof(struct blkif_request, u.indirect.id), 8);
	CHECK_EQ(XLDRV_BLKMAP_SEGS_PER_INDIRECT_PAGE, 512);
	CHECK_EQ(XLDRV_BLKMAP_MAX_INDIRECT_PAGES, 1);
}

static void test_read_write(void)
{
	struct xldrv_blkmap_limits lim = lim_default();
	struct xldrv_blkmap_req req;
	struct blkif_request r;

	r = rw(BLKIF_OP_READ, 0, 1);
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_OK);
	CHECK_EQ(req.nr_sects, 8);
	CHECK_EQ(req.handle, 51712);
	CHECK_EQ(req.segs[0].gref, 100);

	r = rw(BLKIF_OP_WRITE, 16, BLKIF_MAX_SEGMENTS_PER_REQUEST);
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_OK);
	CHECK_EQ(req.nr_sects, 8 * BLKIF_MAX_SEGMENTS_PER_REQUEST);

	r = rw(BLKIF_OP_READ, 0, 0);
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_BAD_NSEGS);
	r = rw(BLKIF_OP_WRITE, 0, BLKIF_MAX_SEGMENTS_PER_REQUEST + 1);
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_BAD_NSEGS);
	r = rw(BLKIF_OP_WRITE, 0, 255);
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_BAD_NSEGS);

	/* Partial pages are fine; pages overrun or reversed are not. */
	r = rw(BLKIF_OP_READ, 0, 2);
	r.u.rw.seg[1].first_sect = 3;
	r.u.rw.seg[1].last_sect = 3;
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_OK);
	CHECK_EQ(req.nr_sects, 9);
	r.u.rw.seg[1].last_sect = 8;
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_BAD_SEG);
	r.u.rw.seg[1].first_sect = 5;
	r.u.rw.seg[1].last_sect = 4;
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_BAD_SEG);
	r.u.rw.seg[1].first_sect = 255;
	r.u.rw.seg[1].last_sect = 255;
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_BAD_SEG);
}

static void test_range(void)
{
	struct xldrv_blkmap_limits lim = lim_default();
	struct xldrv_blkmap_req req;
	struct blkif_request r;

	r = rw(BLKIF_OP_READ, SECTORS - 8, 1);
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_OK);
	r = rw(BLKIF_OP_READ, SECTORS - 7, 1);
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_BAD_RANGE);
	r = rw(BLKIF_OP_WRITE, SECTORS, 1);
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_BAD_RANGE);
	/* Sums that would wrap around 2^64. */
	r = rw(BLKIF_OP_WRITE, UINT64_MAX - 3, 1);
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_BAD_RANGE);
	r = rw(BLKIF_OP_READ, UINT64_MAX, 1);
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_BAD_RANGE);
}

static void test_alignment(void)
{
	struct xldrv_blkmap_limits lim = lim_default();
	struct xldrv_blkmap_req req;
	struct blkif_request r;

	lim.lbs_sectors = 8; /* a 4 KiB-sector disk */
	r = rw(BLKIF_OP_READ, 8, 1);
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_OK);
	r = rw(BLKIF_OP_READ, 1, 1);
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_BAD_ALIGN);
	r = rw(BLKIF_OP_READ, 8, 1);
	r.u.rw.seg[0].last_sect = 3;
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_BAD_ALIGN);
}

static void test_readonly(void)
{
	struct xldrv_blkmap_limits lim = lim_default();
	struct xldrv_blkmap_req req;
	struct blkif_request r;

	lim.readonly = true;
	r = rw(BLKIF_OP_READ, 0, 1);
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_OK);
	r = rw(BLKIF_OP_WRITE, 0, 1);
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_READONLY);
	CHECK_EQ(xldrv_blkmap_status(XLDRV_BLKMAP_READONLY), BLKIF_RSP_ERROR);
	r = rw(BLKIF_OP_FLUSH_DISKCACHE, 0, 0);
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_READONLY);
	r = rw(BLKIF_OP_INDIRECT, 0, 0);
	r.u.indirect.indirect_op = BLKIF_OP_WRITE;
	r.u.indirect.nr_segments = 16;
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_READONLY);
}

static void test_ops(void)
{
	struct xldrv_blkmap_limits lim = lim_default();
	struct xldrv_blkmap_req req;
	struct blkif_request r;
	unsigned int op;

	r = rw(BLKIF_OP_FLUSH_DISKCACHE, 0, 0);
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_OK);
	/* blkfront sends FUA writes as flushes carrying data. */
	r = rw(BLKIF_OP_FLUSH_DISKCACHE, 64, 3);
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_OK);
	CHECK_EQ(req.nr_sects, 24);
	r = rw(BLKIF_OP_WRITE_BARRIER, 0, 0);
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_OK);

	lim.flush = lim.barrier = lim.discard = false;
	r = rw(BLKIF_OP_FLUSH_DISKCACHE, 0, 0);
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_BAD_OP);
	CHECK_EQ(xldrv_blkmap_status(XLDRV_BLKMAP_BAD_OP), BLKIF_RSP_EOPNOTSUPP);
	r = rw(BLKIF_OP_WRITE_BARRIER, 0, 0);
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_BAD_OP);
	r = rw(BLKIF_OP_DISCARD, 0, 0);
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_BAD_OP);
	for (op = 7; op < 256; op++) {
		r = rw(op, 0, 1);
		CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_BAD_OP);
	}
	r = rw(4, 0, 1); /* BLKIF_OP_RESERVED_1 */
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_BAD_OP);
}

static void test_discard(void)
{
	struct xldrv_blkmap_limits lim = lim_default();
	struct xldrv_blkmap_req req;
	struct blkif_request r;

	memset(&r, 0, sizeof(r));
	r.operation = BLKIF_OP_DISCARD;
	r.u.discard.id = 7;
	r.u.discard.sector_number = 1024;
	r.u.discard.nr_sectors = 2048;
	r.u.discard.flag = BLKIF_DISCARD_SECURE;
	/* Not advertised: refused, never done as a plain discard. */
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_BAD_OP);
	r.u.discard.flag = 0;
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_OK);
	CHECK_EQ(req.nr_sects, 2048);
	CHECK(!req.secure);
	r.u.discard.flag = BLKIF_DISCARD_SECURE;
	lim.secure_discard = true;
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_OK);
	CHECK(req.secure);

	r.u.discard.nr_sectors = 0;
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_BAD_RANGE);
	r.u.discard.nr_sectors = UINT64_MAX;
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_BAD_RANGE);
	r.u.discard.sector_number = SECTORS - 10;
	r.u.discard.nr_sectors = 11;
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_BAD_RANGE);
	lim.lbs_sectors = 8;
	r.u.discard.sector_number = 0;
	r.u.discard.nr_sectors = 12;
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_BAD_ALIGN);
}

static void test_indirect(void)
{
	struct xldrv_blkmap_limits lim = lim_default();
	struct blkif_request_segment page[XLDRV_BLKMAP_SEGS_PER_INDIRECT_PAGE];
	struct xldrv_blkmap_req req;
	struct blkif_request r;
	unsigned int i;

	memset(&r, 0, sizeof(r));
	r.operation = BLKIF_OP_INDIRECT;
	r.u.indirect.indirect_op = BLKIF_OP_READ;
	r.u.indirect.id = 99;
	r.u.indirect.sector_number = 4096;
	r.u.indirect.nr_segments = XLDRV_BLKMAP_MAX_INDIRECT_SEGS;
	r.u.indirect.indirect_grefs[0] = 555;
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_OK);
	CHECK(req.indirect);
	CHECK_EQ(req.op, BLKIF_OP_READ);
	CHECK_EQ(req.nr_indirect_pages, 1);
	CHECK_EQ(req.indirect_grefs[0], 555);

	for (i = 0; i < XLDRV_BLKMAP_SEGS_PER_INDIRECT_PAGE; i++)
		page[i] = (struct blkif_request_segment){ .gref = i,
							  .first_sect = 0,
							  .last_sect = 7 };
	CHECK_EQ(xldrv_blkmap_parse_indirect(page, 0, req.nr_segs, &lim, &req),
		 XLDRV_BLKMAP_OK);
	CHECK_EQ(req.nr_sects, 8 * XLDRV_BLKMAP_MAX_INDIRECT_SEGS);
	CHECK_EQ(xldrv_blkmap_check_range(&lim, &req), XLDRV_BLKMAP_OK);
	/* More segments than the request said, or past its end. */
	CHECK_EQ(xldrv_blkmap_parse_indirect(page, 1, req.nr_segs, &lim, &req),
		 XLDRV_BLKMAP_BAD_NSEGS);
	CHECK_EQ(xldrv_blkmap_parse_indirect(page, req.nr_segs + 1, 0, &lim,
					     &req),
		 XLDRV_BLKMAP_BAD_NSEGS);
	page[3].last_sect = 9;
	CHECK_EQ(xldrv_blkmap_parse_indirect(page, 0, 4, &lim, &req),
		 XLDRV_BLKMAP_BAD_SEG);

	r.u.indirect.sector_number = SECTORS - 8;
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_OK);
	page[3].last_sect = 7;
	CHECK_EQ(xldrv_blkmap_parse_indirect(page, 0, req.nr_segs, &lim, &req),
		 XLDRV_BLKMAP_OK);
	CHECK_EQ(xldrv_blkmap_check_range(&lim, &req), XLDRV_BLKMAP_BAD_RANGE);

	r.u.indirect.nr_segments = 0;
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_BAD_NSEGS);
	r.u.indirect.nr_segments = XLDRV_BLKMAP_MAX_INDIRECT_SEGS + 1;
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_BAD_NSEGS);
	r.u.indirect.nr_segments = 0xffff;
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_BAD_NSEGS);
	r.u.indirect.nr_segments = 8;
	r.u.indirect.indirect_op = BLKIF_OP_FLUSH_DISKCACHE;
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_BAD_OP);
	r.u.indirect.indirect_op = BLKIF_OP_INDIRECT;
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_BAD_OP);
	/* A direct request's segments cannot be fed as indirect ones. */
	r = rw(BLKIF_OP_READ, 0, 1);
	CHECK_EQ(parse(&r, &lim, &req), XLDRV_BLKMAP_OK);
	CHECK_EQ(xldrv_blkmap_parse_indirect(page, 0, 1, &lim, &req),
		 XLDRV_BLKMAP_BAD_NSEGS);
}

/* Random bytes biased towards the boundaries, against the invariants. */
static void test_random(void)
{
	struct xldrv_blkmap_limits lim = lim_default();
	struct xldrv_blkmap_req req;
	struct blkif_request r;
	unsigned int i, j, accepted = 0;
	u64 x = 0x9e3779b97f4a7c15ull;

	for (i = 0; i < 200000; i++) {
		u8 *b = (u8 *)&r;

		for (j = 0; j < sizeof(r); j++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			b[j] = (x & 3) ? (u8)(x >> 8) & 0x0f : (u8)(x >> 16);
		}
		r.operation %= 8;
		lim.readonly = x & 0x100000;
		lim.lbs_sectors = (x & 0x200000) ? 8 : 1;
		lim.sectors = (x & 0x400000) ? SECTORS : 0x0f0f0f0f0f0f0f0full;
		if (xldrv_blkmap_parse(&r, &lim, &req) == XLDRV_BLKMAP_OK) {
			const char *why = blkmap_invariants(&r, &lim, &req,
							    !req.indirect);

			accepted++;
			if (why) {
				fprintf(stderr, "random request %u: %s\n", i,
					why);
				CHECK(why == NULL);
				break;
			}
		}
	}
	/* The generator must reach the accepting paths, or this proves nothing. */
	CHECK(accepted > 1000);
	printf("random: %u of %u requests accepted\n", accepted, i);
}

int main(void)
{
	test_layout();
	test_read_write();
	test_range();
	test_alignment();
	test_readonly();
	test_ops();
	test_discard();
	test_indirect();
	test_random();
	return check_done("blkmap_req");
}
