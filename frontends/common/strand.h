/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pages a backend strands on our side.  A backend that answers a request
 * but keeps mapping its pages breaks the protocol, and each such page is
 * handed to the grant table code (gnttab_end_foreign_access()), which
 * frees it only once the mapping goes: until then the backend holds that
 * memory of ours, and one that did so with every answer would end up
 * holding all of it.  Each frontend counts these pages per backend, and
 * once a backend has stranded more than a bound it is treated as broken:
 * its ring is dropped, and the frontend waits for another backend.
 *
 * Pages still mapped when a ring is dropped are not counted: a dying or
 * restarting backend may well still map them, and that is no fault of
 * its.  Plain C, built by both frontends and by their unit tests.
 */
#ifndef XLDRV_STRAND_H
#define XLDRV_STRAND_H

#include <linux/types.h>

struct xldrv_strand {
	unsigned int pages;	/* stranded by this backend, up to the limit */
	bool over;		/* past the limit: not used again */
};

/* A new backend: nothing counted against it. */
static inline void xldrv_strand_reset(struct xldrv_strand *s)
{
	*s = (struct xldrv_strand){};
}

/*
 * @n more pages stranded: true exactly once per backend, as the count
 * passes @limit, so that the caller logs and acts once.
 */
static inline bool xldrv_strand_add(struct xldrv_strand *s, unsigned int n,
				    unsigned int limit)
{
	if (s->over || !n)
		return false;
	if (s->pages > limit || n > limit - s->pages) {
		s->over = true;
		return true;
	}
	s->pages += n;
	return false;
}

#endif /* XLDRV_STRAND_H */
