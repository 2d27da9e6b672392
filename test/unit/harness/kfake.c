// SPDX-License-Identifier: GPL-2.0
/* The userspace kernel of kfake.h: #included once by a test program. */
#include <stdarg.h>

#include "kfake.h"

unsigned int kfake_warnings;
bool kfake_stop;
unsigned int kfake_pages;
struct kfake_grant kfake_grant[KFAKE_NR_GRANTS];
unsigned int kfake_copy_calls, kfake_copy_ops;
unsigned int kfake_notifies, kfake_eois, kfake_last_eoi_flags;
struct bio_list kfake_bios;
unsigned int kfake_submitted;
unsigned char kfake_disk[KFAKE_DISK_SECTORS * 512];

void kfake_would_sleep(void)
{
	fprintf(stderr, "the ring code would sleep here: a test bug\n");
	abort();
}

struct page *alloc_page(gfp_t gfp)
{
	struct page *p = calloc(1, sizeof(*p));

	(void)gfp;
	if (p)
		kfake_pages++;
	return p;
}

void __free_page(struct page *p)
{
	kfake_pages--;
	free(p);
}

void *kvcalloc(size_t n, size_t size, gfp_t gfp)
{
	(void)gfp;
	return calloc(n, size);
}

void kvfree(const void *p)
{
	free((void *)p);
}

/*
 * One side of a copy: a grant of a client page, or a page of our own.
 * Returns the bytes, or NULL with *status set as Xen would.
 */
static unsigned char *kfake_side(const struct gnttab_copy_ptr *ptr,
				 bool is_gref, bool writing, u16 len,
				 s16 *status)
{
	const struct kfake_grant *g;

	if (ptr->offset + len > XEN_PAGE_SIZE) {
		*status = GNTST_bad_copy_arg;
		return NULL;
	}
	if (!is_gref) {
		if (ptr->domid != DOMID_SELF) {
			*status = GNTST_bad_domain;
			return NULL;
		}
		return ((struct page *)(uintptr_t)ptr->u.gmfn)->data +
		       ptr->offset;
	}
	if (ptr->u.ref >= KFAKE_NR_GRANTS || !kfake_grant[ptr->u.ref].page) {
		*status = GNTST_bad_gntref;
		return NULL;
	}
	g = &kfake_grant[ptr->u.ref];
	if (g->domid != ptr->domid) {
		*status = GNTST_bad_domain;
		return NULL;
	}
	if (writing && g->readonly) {
		*status = GNTST_permission_denied;
		return NULL;
	}
	return g->page->data + ptr->offset;
}

void gnttab_batch_copy(struct gnttab_copy *batch, unsigned int count)
{
	unsigned int i;

	kfake_copy_calls++;
	kfake_copy_ops += count;
	for (i = 0; i < count; i++) {
		struct gnttab_copy *op = &batch[i];
		unsigned char *src, *dst;

		op->status = GNTST_okay;
		src = kfake_side(&op->source, op->flags & GNTCOPY_source_gref,
				 false, op->len, &op->status);
		if (!src)
			continue;
		dst = kfake_side(&op->dest, op->flags & GNTCOPY_dest_gref,
				 true, op->len, &op->status);
		if (!dst)
			continue;
		memcpy(dst, src, op->len);
	}
}

void notify_remote_via_irq(int irq)
{
	(void)irq;
	kfake_notifies++;
}

void xen_irq_lateeoi(unsigned int irq, unsigned int flags)
{
	(void)irq;
	kfake_eois++;
	kfake_last_eoi_flags = flags;
}

void xenbus_dev_fatal(struct xenbus_device *dev, int err, const char *fmt,
		      ...)
{
	va_list ap;

	dev->fatal = err;
	va_start(ap, fmt);
	fprintf(stderr, "xenbus_dev_fatal(%s, %d): ", dev->nodename, err);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

struct bio *bio_alloc(struct block_device *bdev, unsigned int nr_vecs,
		      blk_opf_t opf, gfp_t gfp)
{
	struct bio *bio = calloc(1, sizeof(*bio) +
				    nr_vecs * sizeof(struct bio_vec));

	(void)bdev;
	(void)gfp;
	if (!bio)
		abort();
	bio->bi_opf = opf;
	bio->max_vecs = nr_vecs;
	return bio;
}

int bio_add_page(struct bio *bio, struct page *page, unsigned int len,
		 unsigned int off)
{
	if (bio->vcnt == bio->max_vecs)
		return 0;
	bio->vecs[bio->vcnt++] = (struct bio_vec){ page, len, off };
	bio->bi_iter.bi_size += len;
	return len;
}

void bio_put(struct bio *bio)
{
	free(bio);
}

void submit_bio(struct bio *bio)
{
	bio_list_add(&kfake_bios, bio);
	kfake_submitted++;
}

int __blkdev_issue_discard(struct block_device *bdev, sector_t sector,
			   sector_t nr_sects, gfp_t gfp, struct bio **biop)
{
	struct bio *bio = bio_alloc(bdev, 0, REQ_OP_DISCARD, gfp);

	bio->bi_iter.bi_sector = sector;
	bio->bi_iter.bi_size = nr_sects * 512;
	*biop = bio;
	return 0;
}

void kfake_complete(struct bio *bio, blk_status_t status)
{
	unsigned long long at = bio->bi_iter.bi_sector * 512ull;
	unsigned int i;

	if (!status && (bio->bi_opf & REQ_OP_MASK) != REQ_OP_DISCARD) {
		for (i = 0; i < bio->vcnt; i++) {
			struct bio_vec *v = &bio->vecs[i];
			unsigned char *mem = v->page->data + v->offset;

			if (at + v->len > sizeof(kfake_disk))
				abort();
			if ((bio->bi_opf & REQ_OP_MASK) == REQ_OP_WRITE)
				memcpy(kfake_disk + at, mem, v->len);
			else
				memcpy(mem, kfake_disk + at, v->len);
			at += v->len;
		}
	}
	bio->bi_status = status;
	bio->bi_end_io(bio);
}

void kfake_complete_all(void)
{
	struct bio *bio;

	while ((bio = bio_list_pop(&kfake_bios)))
		kfake_complete(bio, 0);
}
