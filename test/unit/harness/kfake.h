/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A userspace kernel for one thread: just what mapper-kmod/blkmap/ring.c
 * uses of lists, atomics, pages, bios, grant copies and event channels,
 * so that the unit tests can run the ring code itself.
 *
 * The test plays Xen, the frontend and the disk:
 *  - grant copies go through kfake_grant[]: a grant ref names a page of
 *    "client memory", with the domain it belongs to and whether it is
 *    read-only; anything else fails the way Xen fails it;
 *  - submit_bio() queues the bio on kfake_bios; the test completes them
 *    when it likes (kfake_complete), moving data to or from kfake_disk;
 *  - event channel and EOI calls are counted.
 * Sleeping is not possible here: the tests call the ring functions the
 * thread would call, and a wait that would block is a test failure.
 */
#ifndef XLDRV_HARNESS_KFAKE_H
#define XLDRV_HARNESS_KFAKE_H
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <linux/types.h>

#define KBUILD_MODNAME "xldrv_blkmap"
#define __always_unused __attribute__((unused))
#define fallthrough __attribute__((fallthrough))
#define READ_ONCE(x) (*(volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define virt_mb() __sync_synchronize()
#define virt_rmb() __sync_synchronize()
#define virt_wmb() __sync_synchronize()
#define smp_mb() __sync_synchronize()
#define smp_wmb() __sync_synchronize()
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define container_of(p, t, m) ((t *)((char *)(p) - offsetof(t, m)))
#define IS_ERR(p) ((unsigned long)(p) >= (unsigned long)-4095)
#define PTR_ERR(p) ((long)(p))

extern unsigned int kfake_warnings;
#define WARN_ON(c) ({ bool _c = (c); if (_c) { kfake_warnings++; \
	fprintf(stderr, "WARN_ON(%s) at %s:%d\n", #c, __FILE__, __LINE__); } _c; })
#define pr_warn_ratelimited(...) fprintf(stderr, "warn: " __VA_ARGS__)
#define pr_info_ratelimited(...) fprintf(stderr, "info: " __VA_ARGS__)
#define pr_warn(...) fprintf(stderr, "warn: " __VA_ARGS__)

typedef unsigned int gfp_t;
#define GFP_KERNEL 1u
#define GFP_NOIO 2u
typedef unsigned int fmode_t;
typedef u64 sector_t;
typedef u16 domid_t;
typedef u32 evtchn_port_t;
typedef unsigned long xen_pfn_t;
#define DOMID_SELF ((domid_t)0x7ff0)

/* Lists, as the kernel's. */
struct list_head {
	struct list_head *next, *prev;
};
#define LIST_HEAD(n) struct list_head n = { &(n), &(n) }
static inline void INIT_LIST_HEAD(struct list_head *l)
{
	l->next = l->prev = l;
}
static inline void kfake_list_insert(struct list_head *n,
				     struct list_head *prev,
				     struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}
static inline void list_add(struct list_head *n, struct list_head *h)
{
	kfake_list_insert(n, h, h->next);
}
static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	kfake_list_insert(n, h->prev, h);
}
static inline void list_del(struct list_head *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	e->next = e->prev = NULL;
}
static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}
#define list_empty_careful list_empty
static inline void list_splice_init(struct list_head *from,
				    struct list_head *to)
{
	if (list_empty(from))
		return;
	from->next->prev = to;
	from->prev->next = to->next;
	to->next->prev = from->prev;
	to->next = from->next;
	INIT_LIST_HEAD(from);
}
#define list_entry(p, t, m) container_of(p, t, m)
#define list_first_entry(h, t, m) list_entry((h)->next, t, m)
#define list_for_each_entry_safe(p, n, h, m)                               \
	for (p = list_entry((h)->next, __typeof__(*p), m),                 \
	     n = list_entry(p->m.next, __typeof__(*p), m);                 \
	     &p->m != (h);                                                 \
	     p = n, n = list_entry(n->m.next, __typeof__(*n), m))

/* One thread: locks are no-ops, atomics plain. */
typedef struct { int unused; } spinlock_t;
#define spin_lock_init(l) ((void)(l))
#define spin_lock_irq(l) ((void)(l))
#define spin_unlock_irq(l) ((void)(l))
#define spin_lock_irqsave(l, f) ((void)(l), (f) = 0)
#define spin_unlock_irqrestore(l, f) ((void)(l), (void)(f))
struct mutex {
	int held;
};
#define mutex_init(m) ((m)->held = 0)
#define mutex_lock(m) ((m)->held++)
#define mutex_unlock(m) ((m)->held--)
typedef struct { int v; } atomic_t;
typedef struct { long long v; } atomic64_t;
#define atomic_set(a, x) ((a)->v = (x))
#define atomic_read(a) ((a)->v)
#define atomic_xchg(a, x) ({ int _o = (a)->v; (a)->v = (x); _o; })
#define atomic_dec_and_test(a) (--(a)->v == 0)
#define atomic64_inc(a) ((a)->v++)
#define atomic64_add(x, a) ((a)->v += (x))
#define atomic64_read(a) ((a)->v)

/* No sleeping: a wait whose condition is false is a test failure. */
typedef struct { int wakeups; } wait_queue_head_t;

/* Only xenbus.c schedules work; ring.c sees the type in struct dev. */
struct delayed_work { int pending; };
struct work_struct { int pending; };
#define init_waitqueue_head(q) ((q)->wakeups = 0)
#define wake_up(q) ((q)->wakeups++)
#define wait_event(q, c) do { if (!(c)) kfake_would_sleep(); } while (0)
#define wait_event_interruptible(q, c) \
	({ if (!(c)) kfake_would_sleep(); 0; })
void kfake_would_sleep(void);
struct task_struct;
extern bool kfake_stop;
#define kthread_should_stop() kfake_stop
#define cond_resched() do { } while (0)

/* Pages: the gfn of a page is its address. */
#define XEN_PAGE_SIZE 4096u
#define PAGE_SIZE 4096u
struct page {
	unsigned char data[XEN_PAGE_SIZE];
};
extern unsigned int kfake_pages;	/* allocated, not yet freed */
struct page *alloc_page(gfp_t gfp);
void __free_page(struct page *p);
#define page_address(p) ((void *)(p)->data)
#define xen_page_to_gfn(p) ((xen_pfn_t)(uintptr_t)(p))
void *kvcalloc(size_t n, size_t size, gfp_t gfp);
void kvfree(const void *p);

/* Grant copies. */
#include <xen/interface/grant_table.h>
struct gnttab_copy {
	struct gnttab_copy_ptr {
		union {
			grant_ref_t ref;
			xen_pfn_t gmfn;
		} u;
		domid_t domid;
		u16 offset;
	} source, dest;
	u16 len;
	u16 flags;
	s16 status;
};
#define GNTCOPY_source_gref (1 << 0)
#define GNTCOPY_dest_gref (1 << 1)
#define GNTST_okay 0
#define GNTST_bad_domain -2
#define GNTST_bad_gntref -4
#define GNTST_bad_copy_arg -10
#define GNTST_permission_denied -8

#define KFAKE_NR_GRANTS 1024
struct kfake_grant {
	struct page *page;	/* NULL: not granted */
	domid_t domid;		/* the domain allowed to use it */
	bool readonly;
};
extern struct kfake_grant kfake_grant[KFAKE_NR_GRANTS];
extern unsigned int kfake_copy_calls, kfake_copy_ops;
void gnttab_batch_copy(struct gnttab_copy *batch, unsigned int count);

/* Event channels. */
typedef int irqreturn_t;
#define IRQ_HANDLED 1
#define XEN_EOI_FLAG_SPURIOUS 1u
extern unsigned int kfake_notifies, kfake_eois, kfake_last_eoi_flags;
void notify_remote_via_irq(int irq);
void xen_irq_lateeoi(unsigned int irq, unsigned int flags);

/* xenbus. */
#define XENBUS_MAX_RING_GRANT_ORDER 4
#define XENBUS_MAX_RING_GRANTS (1u << XENBUS_MAX_RING_GRANT_ORDER)
enum xenbus_state {
	XenbusStateUnknown = 0,
	XenbusStateInitialising = 1,
	XenbusStateInitWait = 2,
	XenbusStateInitialised = 3,
	XenbusStateConnected = 4,
	XenbusStateClosing = 5,
	XenbusStateClosed = 6,
};
struct xenbus_device {
	const char *nodename;
	int fatal;		/* the last xenbus_dev_fatal error, or 0 */
};
void xenbus_dev_fatal(struct xenbus_device *dev, int err, const char *fmt,
		      ...);

/* Block layer: bios the test completes by hand. */
typedef u32 blk_opf_t;
enum { REQ_OP_READ = 0, REQ_OP_WRITE = 1, REQ_OP_DISCARD = 3 };
#define REQ_OP_MASK 0xffu
#define REQ_SYNC (1u << 11)
#define REQ_IDLE (1u << 12)
#define REQ_FUA (1u << 17)
#define REQ_PREFLUSH (1u << 18)
#define BIO_MAX_VECS 256u
typedef u8 blk_status_t;
#define BLK_STS_NOTSUPP ((blk_status_t)1)
#define BLK_STS_IOERR ((blk_status_t)10)
#define BLK_STS_OFFLINE ((blk_status_t)17)
/* A disk the test can remove: disk_live() false, as after del_gendisk. */
#define GD_DEAD 2
struct gendisk {
	unsigned long state;
	bool removed;
};
struct block_device {
	struct gendisk *bd_disk;
};
static inline bool disk_live(struct gendisk *disk)
{
	return !disk->removed;
}
static inline bool test_bit(long nr, const unsigned long *addr)
{
	return *addr & (1ul << nr);
}
struct bio_vec {
	struct page *page;
	unsigned int len, offset;
};
struct bio {
	struct bio *next;	/* bio_list, and kfake_bios */
	blk_opf_t bi_opf;
	struct {
		sector_t bi_sector;
		unsigned int bi_size;
	} bi_iter;
	void (*bi_end_io)(struct bio *bio);
	void *bi_private;
	blk_status_t bi_status;
	unsigned int max_vecs, vcnt;
	struct bio_vec vecs[];
};
struct bio_list {
	struct bio *head, *tail;
};
static inline void bio_list_init(struct bio_list *l)
{
	l->head = l->tail = NULL;
}
static inline void bio_list_add(struct bio_list *l, struct bio *b)
{
	b->next = NULL;
	if (l->tail)
		l->tail->next = b;
	else
		l->head = b;
	l->tail = b;
}
static inline struct bio *bio_list_pop(struct bio_list *l)
{
	struct bio *b = l->head;

	if (b) {
		l->head = b->next;
		if (!l->head)
			l->tail = NULL;
		b->next = NULL;
	}
	return b;
}
static inline unsigned int bio_list_size(const struct bio_list *l)
{
	unsigned int n = 0;
	struct bio *b;

	for (b = l->head; b; b = b->next)
		n++;
	return n;
}
struct bio *bio_alloc(struct block_device *bdev, unsigned int nr_vecs,
		      blk_opf_t opf, gfp_t gfp);
int bio_add_page(struct bio *bio, struct page *page, unsigned int len,
		 unsigned int off);
void bio_put(struct bio *bio);
void submit_bio(struct bio *bio);
/* Plugging only delays dispatch, which the fake disk does not model. */
struct blk_plug {
	int unused;
};
static inline void blk_start_plug(struct blk_plug *plug)
{
	(void)plug;
}
static inline void blk_finish_plug(struct blk_plug *plug)
{
	(void)plug;
}
int __blkdev_issue_discard(struct block_device *bdev, sector_t sector,
			   sector_t nr_sects, gfp_t gfp, struct bio **biop);

extern struct bio_list kfake_bios;	/* submitted, not completed */
extern unsigned int kfake_submitted;
#define KFAKE_DISK_SECTORS 8192u
extern unsigned char kfake_disk[KFAKE_DISK_SECTORS * 512];
/* Complete @bio as the disk would: moves the data, then calls bi_end_io. */
void kfake_complete(struct bio *bio, blk_status_t status);
void kfake_complete_all(void);
#endif
