/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xldrv_blkmap: checking blkif requests from an untrusted frontend.
 *
 * Everything here works on a private copy of the request (taken off the
 * shared ring with RING_COPY_REQUEST before any field is looked at), and
 * on private copies of indirect segment lists, so a frontend rewriting the
 * ring under us changes nothing once a request has been checked.
 *
 * The code is plain C over blkif's structures: the module builds it, and
 * so do the unit tests and the fuzzer, in userspace (test/unit/harness).
 */
#ifndef XLDRV_BLKMAP_REQ_H
#define XLDRV_BLKMAP_REQ_H

#include <linux/types.h>
#include <xen/interface/io/blkif.h>

/* Grants are of Xen pages, whatever the kernel's page size. */
#define XLDRV_BLKMAP_GRANT_SIZE 4096u
#define XLDRV_BLKMAP_SECTORS_PER_GRANT (XLDRV_BLKMAP_GRANT_SIZE >> 9)
#define XLDRV_BLKMAP_SEGS_PER_INDIRECT_PAGE \
	(XLDRV_BLKMAP_GRANT_SIZE / sizeof(struct blkif_request_segment))
/* What the mapper advertises as feature-max-indirect-segments. */
#define XLDRV_BLKMAP_MAX_INDIRECT_SEGS 256u
#define XLDRV_BLKMAP_MAX_INDIRECT_PAGES                            \
	((XLDRV_BLKMAP_MAX_INDIRECT_SEGS +                         \
	  XLDRV_BLKMAP_SEGS_PER_INDIRECT_PAGE - 1) /               \
	 XLDRV_BLKMAP_SEGS_PER_INDIRECT_PAGE)
#define XLDRV_BLKMAP_MAX_SEGS XLDRV_BLKMAP_MAX_INDIRECT_SEGS

/* Why a request was refused: one counter each, and the log line's words. */
enum xldrv_blkmap_verdict {
	XLDRV_BLKMAP_OK = 0,
	XLDRV_BLKMAP_BAD_OP,		/* unknown or unadvertised operation */
	XLDRV_BLKMAP_BAD_NSEGS,		/* zero or too many segments */
	XLDRV_BLKMAP_BAD_SEG,		/* sectors outside the granted page */
	XLDRV_BLKMAP_BAD_RANGE,		/* beyond the end of the device */
	XLDRV_BLKMAP_BAD_ALIGN,		/* not in logical blocks of the device */
	XLDRV_BLKMAP_READONLY,		/* write to a mode=r device */
	XLDRV_BLKMAP_BAD_GRANT,		/* indirect page not readable by grant */
	XLDRV_BLKMAP_NR_VERDICTS,
};

extern const char *const xldrv_blkmap_verdict_name[XLDRV_BLKMAP_NR_VERDICTS];

/* What a device accepts: fixed while it is connected. */
struct xldrv_blkmap_limits {
	u64 sectors;			/* size, in 512-byte sectors */
	unsigned int lbs_sectors;	/* logical block size, in sectors */
	bool readonly;
	bool flush;			/* feature-flush-cache advertised */
	bool barrier;			/* feature-barrier advertised */
	bool discard;			/* feature-discard advertised */
	bool secure_discard;		/* discard-secure advertised */
};

struct xldrv_blkmap_seg {
	grant_ref_t gref;
	u8 first_sect;
	u8 last_sect;
};

/* A checked request, in the mapper's own memory. */
struct xldrv_blkmap_req {
	u64 id;
	u64 sector;
	u64 nr_sects;		/* filled in once the segments are checked */
	u8 op;			/* BLKIF_OP_*: for indirect, the inner op */
	bool indirect;
	bool secure;		/* discard: BLKIF_DISCARD_SECURE */
	u16 handle;
	unsigned int nr_segs;
	unsigned int nr_indirect_pages;
	grant_ref_t indirect_grefs[XLDRV_BLKMAP_MAX_INDIRECT_PAGES];
	struct xldrv_blkmap_seg segs[XLDRV_BLKMAP_MAX_SEGS];
};

enum xldrv_blkmap_verdict
xldrv_blkmap_parse(const struct blkif_request *ring_copy,
		   const struct xldrv_blkmap_limits *lim,
		   struct xldrv_blkmap_req *req);

enum xldrv_blkmap_verdict
xldrv_blkmap_parse_indirect(const struct blkif_request_segment *page_copy,
			    unsigned int first, unsigned int n,
			    const struct xldrv_blkmap_limits *lim,
			    struct xldrv_blkmap_req *req);

enum xldrv_blkmap_verdict
xldrv_blkmap_check_range(const struct xldrv_blkmap_limits *lim,
			 const struct xldrv_blkmap_req *req);

/* The status a refused request is answered with. */
static inline int xldrv_blkmap_status(enum xldrv_blkmap_verdict v)
{
	if (v == XLDRV_BLKMAP_OK)
		return BLKIF_RSP_OKAY;
	if (v == XLDRV_BLKMAP_BAD_OP)
		return BLKIF_RSP_EOPNOTSUPP;
	return BLKIF_RSP_ERROR;
}

#endif /* XLDRV_BLKMAP_REQ_H */
