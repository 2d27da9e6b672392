// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv_netfront: grant references for the data slots.  Each ring takes a
 * ring's worth of references from the grant table when it is made, and
 * its slots claim and give them back under the ring's lock, as
 * xen-netfront does: the table's own list costs its lock (interrupts
 * off) twice a slot, some 17 slots a 64 KiB packet on tx and one a frame
 * on rx.  An empty pool (references still mapped when their slot was
 * answered leave it) falls back to the table.
 *
 * Ending a pooled reference without handing it back to the table takes
 * gnttab_end_foreign_access_ref(), which warns every time the backend
 * still maps the page, with no rate limit; the table's way,
 * gnttab_try_end_foreign_access(), is silent.  A backend that answers a
 * slot and keeps its page mapped is broken or hostile and may do it for
 * every slot, so the first time it happens the device stops using its
 * pools for good: one warning, not one a slot.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <xen/page.h>

#include "netfront.h"

/* Under the ring's lock, as the ring is made. */
void xldrv_netfront_grefs_take(struct xldrv_netfront_grefs *g, u16 count)
{
	if (!g->have)
		g->have = !gnttab_alloc_grant_references(count, &g->head);
}

/*
 * Under the ring's lock, as it goes: the references no slot holds.  The
 * slots' own are ended before, back to the table (xldrv_netfront_end
 * with @pooled false).
 */
void xldrv_netfront_grefs_give_back(struct xldrv_netfront_grefs *g)
{
	if (g->have)
		gnttab_free_grant_references(g->head);
	g->have = false;
}

/*
 * Grant the backend @page, read-only if @readonly: a reference of @g's if
 * it has one, else of the table's.  *@pooled says which, for the end.
 * Negative: no reference left.
 */
int xldrv_netfront_grant(struct xldrv_netfront *nf,
			 struct xldrv_netfront_grefs *g, struct page *page,
			 bool readonly, bool *pooled)
{
	int ref = -ENOSPC;

	if (g->have && !READ_ONCE(nf->grefs_off))
		ref = gnttab_claim_grant_reference(&g->head);
	*pooled = ref >= 0;
	if (ref < 0)
		return gnttab_grant_foreign_access(nf->follow.backend_id,
						   xen_page_to_gfn(page),
						   readonly);
	gnttab_grant_foreign_access_ref(ref, nf->follow.backend_id,
					xen_page_to_gfn(page), readonly);
	return ref;
}

/*
 * End the grant @ref (@pooled: of @g).  True if it ended: the reference is
 * free again, in @g or the table.  False if the backend still maps the
 * page: the caller hands the page to gnttab_end_foreign_access(), which
 * frees both once the mapping is gone.
 */
bool xldrv_netfront_end(struct xldrv_netfront *nf,
			struct xldrv_netfront_grefs *g, grant_ref_t ref,
			bool pooled)
{
	if (!pooled || READ_ONCE(nf->grefs_off))
		return gnttab_try_end_foreign_access(ref);
	if (gnttab_end_foreign_access_ref(ref)) {
		gnttab_release_grant_reference(&g->head, ref);
		return true;
	}
	WRITE_ONCE(nf->grefs_off, true);
	pr_warn("%s: backend %s answered a slot it still maps: grant references from the grant table from now on\n",
		nf->xdev->nodename, nf->follow.backend);
	return false;
}
