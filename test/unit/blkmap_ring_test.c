// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of xldrv_blkmap's data path (mapper-kmod/blkmap/ring.c), run
 * in userspace on the fake kernel of harness/kfake.h.  The test is the
 * frontend (a front ring on the same shared page), Xen (grant copies) and
 * the disk (bios completed by hand); it calls the thread's own pass,
 * xldrv_blkmap_pass(), where the thread would wake.
 */
#include "check.h"
#include "kfake.c"

unsigned int xldrv_blkmap_max_ring_order = 2;
unsigned int xldrv_blkmap_pool_pages = 1024;

#include "blkmap/req.c"
#include "blkmap/ring.c"

#define CLIENT 7
#define OTHER 8

/* xenbus.c's, which this test does not build: what its work ends in. */
void xldrv_blkmap_fatal(struct xldrv_blkmap_dev *d, int err, const char *why)
{
	xenbus_dev_fatal(d->xdev, err, "%s", why);
}

/* health.c's entry point: what the ring told it of the disk. */
static unsigned int io_ok_calls, io_failed_calls;

void xldrv_blkmap_io_result(struct xldrv_blkmap_dev *d, bool failed)
{
	(void)d;
	if (failed)
		io_failed_calls++;
	else
		io_ok_calls++;
}

static struct xldrv_blkmap_dev *dev;
static struct blkif_sring *sring;
static struct blkif_front_ring front;
static struct xenbus_device xdev = { .nodename = "backend/vbd/7/51712" };
static struct gendisk disk;
static struct block_device bdev = { .bd_disk = &disk };

/* Client page @ref, granted to the mapper's domain (any: Xen is fake). */
static struct page *grant(grant_ref_t ref, bool readonly, domid_t owner)
{
	struct kfake_grant *g = &kfake_grant[ref];
	unsigned int i;

	if (!g->page)
		g->page = calloc(1, sizeof(*g->page));
	for (i = 0; i < XEN_PAGE_SIZE; i++)
		g->page->data[i] = (unsigned char)(ref * 31 + i * 7);
	g->domid = owner;
	g->readonly = readonly;
	return g->page;
}

static void setup(bool readonly)
{
	unsigned int i;

	io_ok_calls = 0;
	io_failed_calls = 0;

	for (i = 0; i < KFAKE_NR_GRANTS; i++) {
		free(kfake_grant[i].page);
		kfake_grant[i] = (struct kfake_grant){ 0 };
	}
	memset(kfake_disk, 0, sizeof(kfake_disk));
	kfake_copy_calls = kfake_copy_ops = kfake_notifies = kfake_eois = 0;
	kfake_submitted = 0;
	xdev.fatal = 0;
	disk = (struct gendisk){ 0 };

	dev = calloc(1, sizeof(*dev));
	dev->xdev = &xdev;
	dev->domid = CLIENT;
	dev->bdev = &bdev;
	dev->irq = 5;
	dev->lim = (struct xldrv_blkmap_limits){
		.sectors = KFAKE_DISK_SECTORS, .lbs_sectors = 1,
		.readonly = readonly, .flush = true, .barrier = true,
		.discard = !readonly,
	};
	init_waitqueue_head(&dev->wq);
	sring = aligned_alloc(XEN_PAGE_SIZE, XEN_PAGE_SIZE);
	SHARED_RING_INIT(sring);
	FRONT_RING_INIT(&front, sring, XEN_PAGE_SIZE);
	BACK_RING_INIT(&dev->ring, sring, XEN_PAGE_SIZE);
	dev->ring_pages = 1;
	CHECK_EQ(xldrv_blkmap_ring_alloc(dev, RING_SIZE(&dev->ring)), 0);
}

static void teardown(void)
{
	kfake_complete_all();
	xldrv_blkmap_pass(dev);
	CHECK_EQ(dev->inflight, 0);
	CHECK(!dev->held);
	CHECK_EQ(dev->pool_free, dev->pool_size);
	xldrv_blkmap_ring_free(dev);
	CHECK_EQ(kfake_pages, 0);
	CHECK_EQ(kfake_warnings, 0);
	free(sring);
	free(dev);
}

static struct blkif_request *fput(u8 op, u64 id, u64 sector)
{
	struct blkif_request *r = RING_GET_REQUEST(&front, front.req_prod_pvt);

	front.req_prod_pvt++;
	memset(r, 0, sizeof(*r));
	r->operation = op;
	r->u.rw.id = id;
	r->u.rw.sector_number = sector;
	r->u.rw.handle = 51712;
	return r;
}

static void fseg(struct blkif_request *r, grant_ref_t gref, u8 first,
		 u8 last)
{
	/* By value: the ring's structures are packed. */
	r->u.rw.seg[r->u.rw.nr_segments++] = (struct blkif_request_segment){
		.gref = gref, .first_sect = first, .last_sect = last };
}

static void fpush(void)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&front, notify);
	(void)notify;
}

/* The next response, or false; asks for an event for the one after. */
static bool fget(struct blkif_response *out)
{
	int more;

	RING_FINAL_CHECK_FOR_RESPONSES(&front, more);
	if (!more)
		return false;
	*out = *RING_GET_RESPONSE(&front, front.rsp_cons);
	front.rsp_cons++;
	return true;
}

static void expect_rsp(u64 id, u8 op, s16 status)
{
	struct blkif_response rsp;

	if (!fget(&rsp)) {
		CHECK(!"a response");
		return;
	}
	CHECK_EQ(rsp.id, id);
	CHECK_EQ(rsp.operation, op);
	CHECK_EQ(rsp.status, status);
}

static void expect_no_rsp(void)
{
	struct blkif_response rsp;

	CHECK(!fget(&rsp));
}

static const unsigned char *disk_at(u64 sector)
{
	return kfake_disk + sector * 512;
}

static unsigned int nr_bios(void)
{
	return bio_list_size(&kfake_bios);
}

/* Writes land on the disk from the granted pages; reads come back. */
static void test_write_read(void)
{
	struct blkif_request *r;
	struct page *a, *b;

	setup(false);
	a = grant(10, true, CLIENT);
	b = grant(11, true, CLIENT);
	r = fput(BLKIF_OP_WRITE, 1, 100);
	fseg(r, 10, 2, 5);	/* 4 sectors from byte 1024 of page a */
	fseg(r, 11, 0, 7);	/* all of page b */
	fpush();
	xldrv_blkmap_pass(dev);
	CHECK_EQ(kfake_copy_calls, 1);
	CHECK_EQ(kfake_copy_ops, 2);
	CHECK_EQ(nr_bios(), 1);
	expect_no_rsp();	/* not before the disk has it */
	kfake_complete_all();
	xldrv_blkmap_pass(dev);
	expect_rsp(1, BLKIF_OP_WRITE, BLKIF_RSP_OKAY);
	CHECK(!memcmp(disk_at(100), a->data + 1024, 4 * 512));
	CHECK(!memcmp(disk_at(104), b->data, 4096));
	CHECK_EQ(atomic64_read(&dev->stats.write_bytes), 12 * 512);

	/* Read it back into two other pages, split differently. */
	grant(20, false, CLIENT);
	grant(21, false, CLIENT);
	r = fput(BLKIF_OP_READ, 2, 100);
	fseg(r, 20, 0, 3);
	fseg(r, 21, 0, 7);
	fpush();
	xldrv_blkmap_pass(dev);
	CHECK_EQ(kfake_copy_calls, 1);	/* reads copy after the disk */
	kfake_complete_all();
	xldrv_blkmap_pass(dev);
	CHECK_EQ(kfake_copy_calls, 2);
	expect_rsp(2, BLKIF_OP_READ, BLKIF_RSP_OKAY);
	CHECK(!memcmp(kfake_grant[20].page->data, a->data + 1024, 2048));
	CHECK(!memcmp(kfake_grant[21].page->data, b->data, 4096));
	teardown();
}

/* A pass's copies share one hypercall and its responses one event. */
static void test_batching(void)
{
	unsigned int i, notifies;

	setup(false);
	for (i = 0; i < 8; i++) {
		grant(30 + i, false, CLIENT);
		fseg(fput(BLKIF_OP_WRITE, 100 + i, i * 8), 30 + i, 0, 7);
	}
	fpush();
	xldrv_blkmap_pass(dev);
	CHECK_EQ(kfake_copy_calls, 1);
	CHECK_EQ(kfake_copy_ops, 8);
	CHECK_EQ(nr_bios(), 8);
	kfake_complete_all();
	notifies = kfake_notifies;
	xldrv_blkmap_pass(dev);
	CHECK_EQ(kfake_notifies, notifies + 1);
	for (i = 0; i < 8; i++)
		expect_rsp(100 + i, BLKIF_OP_WRITE, BLKIF_RSP_OKAY);
	expect_no_rsp();	/* asks for an event for the next ones */

	for (i = 0; i < 8; i++)
		fseg(fput(BLKIF_OP_READ, 200 + i, i * 8), 30 + i, 0, 7);
	fpush();
	xldrv_blkmap_pass(dev);
	kfake_complete_all();
	notifies = kfake_notifies;
	xldrv_blkmap_pass(dev);
	CHECK_EQ(kfake_copy_calls, 2);
	CHECK_EQ(kfake_copy_ops, 16);
	CHECK_EQ(kfake_notifies, notifies + 1);
	for (i = 0; i < 8; i++)
		expect_rsp(200 + i, BLKIF_OP_READ, BLKIF_RSP_OKAY);
	CHECK_EQ(atomic64_read(&dev->stats.grant_hypercalls), 2);
	teardown();
}

static struct blkif_request *fput_indirect(u8 op, u64 id, u64 sector,
					   unsigned int nsegs,
					   grant_ref_t page_ref,
					   grant_ref_t data_ref)
{
	struct blkif_request *r = RING_GET_REQUEST(&front, front.req_prod_pvt);
	struct blkif_request_segment *segs;
	unsigned int i;

	front.req_prod_pvt++;
	memset(r, 0, sizeof(*r));
	r->operation = BLKIF_OP_INDIRECT;
	r->u.indirect.indirect_op = op;
	r->u.indirect.id = id;
	r->u.indirect.sector_number = sector;
	r->u.indirect.nr_segments = nsegs;
	r->u.indirect.indirect_grefs[0] = page_ref;
	segs = (void *)grant(page_ref, true, CLIENT)->data;
	for (i = 0; i < nsegs; i++)
		segs[i] = (struct blkif_request_segment){
			.gref = data_ref + (i % 4), .first_sect = 0,
			.last_sect = 7 };
	return r;
}

/*
 * Indirect requests: the segment page is copied in and checked there,
 * and the answer carries the inner operation, as blkfront checks.
 */
static void test_indirect(void)
{
	unsigned int i;

	setup(false);
	for (i = 0; i < 4; i++)
		grant(50 + i, false, CLIENT);
	fput_indirect(BLKIF_OP_WRITE, 9, 0, 20, 40, 50);
	fpush();
	xldrv_blkmap_pass(dev);
	kfake_complete_all();
	xldrv_blkmap_pass(dev);
	expect_rsp(9, BLKIF_OP_WRITE, BLKIF_RSP_OKAY);
	for (i = 0; i < 20; i++)
		CHECK(!memcmp(disk_at(i * 8), kfake_grant[50 + i % 4].page->data,
			      4096));
	CHECK_EQ(atomic64_read(&dev->stats.indirect), 1);

	/* An indirect page the client did not grant: refused, not read. */
	fput_indirect(BLKIF_OP_READ, 10, 0, 4, 41, 50);
	kfake_grant[41].domid = OTHER;
	fpush();
	xldrv_blkmap_pass(dev);
	CHECK_EQ(nr_bios(), 0);
	expect_rsp(10, BLKIF_OP_READ, BLKIF_RSP_ERROR);
	CHECK_EQ(atomic64_read(&dev->stats.refused[XLDRV_BLKMAP_BAD_GRANT]), 1);

	/* A bad segment inside the page. */
	fput_indirect(BLKIF_OP_READ, 11, 0, 4, 42, 50);
	((struct blkif_request_segment *)kfake_grant[42].page->data)[3]
		.last_sect = 8;
	fpush();
	xldrv_blkmap_pass(dev);
	expect_rsp(11, BLKIF_OP_READ, BLKIF_RSP_ERROR);
	teardown();
}

/* A grant that is not the client's fails that request, nothing else. */
static void test_bad_grants(void)
{
	struct blkif_request *r;

	setup(false);
	grant(60, false, CLIENT);
	grant(61, false, OTHER);	/* another domain's grant */
	grant(62, true, CLIENT);	/* read-only: no reads into it */
	r = fput(BLKIF_OP_WRITE, 1, 0);
	fseg(r, 60, 0, 7);
	fseg(r, 61, 0, 7);
	fseg(fput(BLKIF_OP_WRITE, 2, 8), 60, 0, 7);
	fpush();
	xldrv_blkmap_pass(dev);
	CHECK_EQ(nr_bios(), 1);		/* only request 2 */
	expect_rsp(1, BLKIF_OP_WRITE, BLKIF_RSP_ERROR);
	kfake_complete_all();
	xldrv_blkmap_pass(dev);
	expect_rsp(2, BLKIF_OP_WRITE, BLKIF_RSP_OKAY);

	fseg(fput(BLKIF_OP_READ, 3, 0), 62, 0, 7);
	fpush();
	xldrv_blkmap_pass(dev);
	kfake_complete_all();
	xldrv_blkmap_pass(dev);
	expect_rsp(3, BLKIF_OP_READ, BLKIF_RSP_ERROR);
	CHECK_EQ(atomic64_read(&dev->stats.grant_errors), 2);
	/* The client's bad grants say nothing of the disk: one good write. */
	CHECK_EQ(io_failed_calls, 0);
	CHECK_EQ(io_ok_calls, 1);
	teardown();
}

static void test_readonly(void)
{
	unsigned int submitted;

	setup(true);
	grant(70, false, CLIENT);
	fseg(fput(BLKIF_OP_WRITE, 1, 0), 70, 0, 7);
	fseg(fput(BLKIF_OP_FLUSH_DISKCACHE, 2, 0), 70, 0, 7);
	fput(BLKIF_OP_DISCARD, 3, 0)->u.discard.nr_sectors = 8;
	fpush();
	submitted = kfake_submitted;
	xldrv_blkmap_pass(dev);
	CHECK_EQ(kfake_submitted, submitted);
	CHECK_EQ(kfake_copy_calls, 0);
	expect_rsp(1, BLKIF_OP_WRITE, BLKIF_RSP_ERROR);
	expect_rsp(2, BLKIF_OP_FLUSH_DISKCACHE, BLKIF_RSP_ERROR);
	/* Not offered on a read-only disk at all. */
	expect_rsp(3, BLKIF_OP_DISCARD, BLKIF_RSP_EOPNOTSUPP);
	teardown();
}

/* A barrier waits for what came before it; what comes after waits for it. */
static void test_barrier(void)
{
	struct bio *bio;

	setup(false);
	grant(80, false, CLIENT);
	fseg(fput(BLKIF_OP_WRITE, 1, 0), 80, 0, 7);
	fseg(fput(BLKIF_OP_WRITE_BARRIER, 2, 8), 80, 0, 7);
	fseg(fput(BLKIF_OP_WRITE, 3, 16), 80, 0, 7);
	fpush();
	xldrv_blkmap_pass(dev);
	CHECK_EQ(nr_bios(), 1);
	CHECK_EQ(kfake_bios.head->bi_iter.bi_sector, 0);
	CHECK(dev->held);
	CHECK_EQ(dev->ring.req_cons, 2);	/* request 3 left on the ring */

	kfake_complete_all();
	xldrv_blkmap_pass(dev);
	expect_rsp(1, BLKIF_OP_WRITE, BLKIF_RSP_OKAY);
	CHECK_EQ(nr_bios(), 1);
	bio = kfake_bios.head;
	CHECK_EQ(bio->bi_iter.bi_sector, 8);
	CHECK((bio->bi_opf & (REQ_PREFLUSH | REQ_FUA)) ==
	      (REQ_PREFLUSH | REQ_FUA));
	CHECK_EQ(dev->ring.req_cons, 2);

	kfake_complete_all();
	xldrv_blkmap_pass(dev);
	expect_rsp(2, BLKIF_OP_WRITE_BARRIER, BLKIF_RSP_OKAY);
	CHECK_EQ(nr_bios(), 1);
	CHECK_EQ(kfake_bios.head->bi_iter.bi_sector, 16);
	CHECK_EQ(atomic64_read(&dev->stats.barriers), 1);
	teardown();
}

/* A flush goes to the disk after the writes taken before it. */
static void test_flush_after_writes(void)
{
	struct bio *bio;

	setup(false);
	grant(90, false, CLIENT);
	fseg(fput(BLKIF_OP_WRITE, 1, 0), 90, 0, 7);
	fput(BLKIF_OP_FLUSH_DISKCACHE, 2, 0);
	fpush();
	xldrv_blkmap_pass(dev);
	CHECK_EQ(nr_bios(), 2);
	bio = kfake_bios.head;
	CHECK_EQ(bio->bi_opf & REQ_OP_MASK, REQ_OP_WRITE);
	CHECK(!(bio->bi_opf & REQ_PREFLUSH));
	CHECK(bio->next && (bio->next->bi_opf & REQ_PREFLUSH));
	kfake_complete_all();
	xldrv_blkmap_pass(dev);
	expect_rsp(1, BLKIF_OP_WRITE, BLKIF_RSP_OKAY);
	expect_rsp(2, BLKIF_OP_FLUSH_DISKCACHE, BLKIF_RSP_OKAY);
	teardown();
}

/* Requests wait for pool pages rather than fail or overcommit. */
static void test_pool_exhaustion(void)
{
	unsigned int i;

	xldrv_blkmap_pool_pages = 0;	/* the floor: one full request */
	setup(false);
	CHECK_EQ(dev->pool_size, XLDRV_BLKMAP_MAX_SEGS);
	for (i = 0; i < 4; i++)
		grant(100 + i, false, CLIENT);
	fput_indirect(BLKIF_OP_WRITE, 1, 0, XLDRV_BLKMAP_MAX_SEGS, 110, 100);
	fput_indirect(BLKIF_OP_WRITE, 2, 2048, XLDRV_BLKMAP_MAX_SEGS, 111,
		      100);
	fpush();
	xldrv_blkmap_pass(dev);
	CHECK_EQ(nr_bios(), 1);
	CHECK(dev->held);
	CHECK_EQ(dev->pool_free, 0);
	kfake_complete_all();
	xldrv_blkmap_pass(dev);
	expect_rsp(1, BLKIF_OP_WRITE, BLKIF_RSP_OKAY);
	CHECK(!dev->held);
	CHECK_EQ(nr_bios(), 1);
	kfake_complete_all();
	xldrv_blkmap_pass(dev);
	expect_rsp(2, BLKIF_OP_WRITE, BLKIF_RSP_OKAY);
	teardown();
	xldrv_blkmap_pool_pages = 1024;
}

static void test_discard(void)
{
	struct blkif_request *r;
	struct bio *bio;

	setup(false);
	r = fput(BLKIF_OP_DISCARD, 5, 100);
	r->u.discard.nr_sectors = 50;
	fpush();
	xldrv_blkmap_pass(dev);
	CHECK_EQ(nr_bios(), 1);
	bio = kfake_bios.head;
	CHECK_EQ(bio->bi_opf & REQ_OP_MASK, REQ_OP_DISCARD);
	CHECK_EQ(bio->bi_iter.bi_sector, 100);
	CHECK_EQ(bio->bi_iter.bi_size, 50 * 512);
	kfake_complete_all();
	xldrv_blkmap_pass(dev);
	expect_rsp(5, BLKIF_OP_DISCARD, BLKIF_RSP_OKAY);

	/* A disk that cannot: EOPNOTSUPP, and no word to the health check. */
	r = fput(BLKIF_OP_DISCARD, 6, 200);
	r->u.discard.nr_sectors = 8;
	fpush();
	xldrv_blkmap_pass(dev);
	kfake_complete(bio_list_pop(&kfake_bios), BLK_STS_NOTSUPP);
	xldrv_blkmap_pass(dev);
	expect_rsp(6, BLKIF_OP_DISCARD, BLKIF_RSP_EOPNOTSUPP);
	CHECK_EQ(io_failed_calls, 0);
	CHECK_EQ(atomic64_read(&dev->stats.io_errors), 0);
	teardown();
}

/* A disk error answers that request with an error. */
static void test_io_error(void)
{
	setup(false);
	grant(120, false, CLIENT);
	fseg(fput(BLKIF_OP_READ, 1, 0), 120, 0, 7);
	fpush();
	xldrv_blkmap_pass(dev);
	kfake_complete(bio_list_pop(&kfake_bios), 10);
	xldrv_blkmap_pass(dev);
	expect_rsp(1, BLKIF_OP_READ, BLKIF_RSP_ERROR);
	CHECK_EQ(kfake_copy_calls, 0);	/* nothing copied out */
	CHECK_EQ(atomic64_read(&dev->stats.io_errors), 1);
	CHECK_EQ(io_failed_calls, 1);
	CHECK_EQ(io_ok_calls, 0);
	teardown();
}

/*
 * The disk removed under the mapper (the toolstack unplugging the
 * controller from a running driver domain): what fails then is left
 * unanswered for the frontend to replay elsewhere, nothing more is
 * taken off the ring, and the health check is not told (a removal is
 * not a failing disk).  What completed before still gets its answer.
 */
/* The submitted bio that starts at @sector, taken out of kfake_bios. */
static struct bio *take_bio(sector_t sector)
{
	struct bio_list rest;
	struct bio *b, *found = NULL;

	bio_list_init(&rest);
	while ((b = bio_list_pop(&kfake_bios))) {
		if (!found && b->bi_iter.bi_sector == sector)
			found = b;
		else
			bio_list_add(&rest, b);
	}
	kfake_bios = rest;
	CHECK(found != NULL);
	return found;
}

static void test_disk_gone(void)
{
	setup(false);
	grant(150, false, CLIENT);
	grant(151, false, CLIENT);
	grant(152, false, CLIENT);
	grant(153, false, CLIENT);
	fseg(fput(BLKIF_OP_WRITE, 1, 0), 150, 0, 7);
	fseg(fput(BLKIF_OP_WRITE, 2, 8), 151, 0, 7);
	fseg(fput(BLKIF_OP_READ, 3, 16), 152, 0, 7);
	fpush();
	xldrv_blkmap_pass(dev);
	CHECK_EQ(nr_bios(), 3);
	kfake_complete(take_bio(0), 0);
	xldrv_blkmap_pass(dev);
	expect_rsp(1, BLKIF_OP_WRITE, BLKIF_RSP_OKAY);
	CHECK_EQ(io_ok_calls, 1);

	disk.removed = true;
	kfake_complete(take_bio(8), BLK_STS_IOERR);
	xldrv_blkmap_pass(dev);
	expect_no_rsp();
	CHECK(dev->disk_gone);
	CHECK_EQ(atomic64_read(&dev->stats.unanswered), 1);
	kfake_complete(take_bio(16), BLK_STS_OFFLINE);
	xldrv_blkmap_pass(dev);
	expect_no_rsp();
	CHECK_EQ(atomic64_read(&dev->stats.unanswered), 2);
	CHECK_EQ(io_failed_calls, 0);
	CHECK_EQ(io_ok_calls, 1);

	/* Nothing more is taken off the ring. */
	fseg(fput(BLKIF_OP_WRITE, 4, 24), 153, 0, 7);
	fpush();
	xldrv_blkmap_pass(dev);
	CHECK_EQ(dev->ring.req_cons, 3);
	CHECK_EQ(nr_bios(), 0);
	expect_no_rsp();
	teardown();

	/* Offline says so before the disk is marked gone. */
	setup(false);
	grant(154, false, CLIENT);
	fseg(fput(BLKIF_OP_WRITE, 5, 0), 154, 0, 7);
	fpush();
	xldrv_blkmap_pass(dev);
	kfake_complete(bio_list_pop(&kfake_bios), BLK_STS_OFFLINE);
	xldrv_blkmap_pass(dev);
	expect_no_rsp();
	CHECK(dev->disk_gone);
	teardown();
}

/* A producer index beyond the ring closes the device; nothing is read. */
static void test_index_game(void)
{
	setup(false);
	grant(130, false, CLIENT);
	fseg(fput(BLKIF_OP_READ, 1, 0), 130, 0, 7);
	sring->req_prod = front.req_prod_pvt + RING_SIZE(&front) + 5;
	xldrv_blkmap_pass(dev);
	CHECK(dev->broken);
	CHECK_EQ(dev->ring.req_cons, 0);
	CHECK_EQ(atomic64_read(&dev->stats.requests), 0);
	xldrv_blkmap_pass(dev);		/* and stays closed */
	CHECK_EQ(dev->ring.req_cons, 0);
	teardown();
}

/*
 * A bad index right after a held request started: the started request
 * must still reach the disk (else the drain at close waits for ever).
 */
static void test_index_game_held(void)
{
	setup(false);
	grant(131, false, CLIENT);
	fseg(fput(BLKIF_OP_WRITE, 1, 0), 131, 0, 7);
	fseg(fput(BLKIF_OP_WRITE_BARRIER, 2, 8), 131, 0, 7);
	fpush();
	xldrv_blkmap_pass(dev);
	CHECK(dev->held);
	CHECK_EQ(nr_bios(), 1);

	kfake_complete_all();
	sring->req_prod = front.req_prod_pvt + RING_SIZE(&front) + 5;
	xldrv_blkmap_pass(dev);
	CHECK(dev->broken);
	CHECK(!dev->held);
	CHECK_EQ(dev->inflight, 1);
	CHECK_EQ(nr_bios(), 1);		/* the barrier's, at the disk */
	CHECK(list_empty(&dev->batch));
	teardown();
}

/* Late EOI: an event with no request behind it is flagged spurious. */
static void test_late_eoi(void)
{
	setup(false);
	grant(140, false, CLIENT);
	xldrv_blkmap_interrupt(5, dev);
	CHECK_EQ(kfake_eois, 0);	/* not from the handler */
	xldrv_blkmap_pass(dev);
	CHECK_EQ(kfake_eois, 1);
	CHECK_EQ(kfake_last_eoi_flags, XEN_EOI_FLAG_SPURIOUS);
	CHECK_EQ(atomic64_read(&dev->stats.spurious_events), 1);

	fseg(fput(BLKIF_OP_READ, 1, 0), 140, 0, 7);
	fpush();
	xldrv_blkmap_interrupt(5, dev);
	xldrv_blkmap_pass(dev);
	CHECK_EQ(kfake_eois, 2);
	CHECK_EQ(kfake_last_eoi_flags, 0);

	xldrv_blkmap_pass(dev);		/* no event: no EOI */
	CHECK_EQ(kfake_eois, 2);
	teardown();
}

int main(void)
{
	test_write_read();
	test_batching();
	test_indirect();
	test_bad_grants();
	test_readonly();
	test_barrier();
	test_flush_after_writes();
	test_pool_exhaustion();
	test_discard();
	test_io_error();
	test_disk_gone();
	test_index_game();
	test_index_game_held();
	test_late_eoi();
	return check_done("blkmap_ring_test");
}
