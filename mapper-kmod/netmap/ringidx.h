/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xldrv_netmap: the one check of a frontend's producer index, for both
 * rings.  Plain C: the module and the unit tests build it.
 */
#ifndef XLDRV_NETMAP_RINGIDX_H
#define XLDRV_NETMAP_RINGIDX_H

#include <linux/types.h>
#include <xen/interface/io/ring.h>

/*
 * Whether @prod, a req_prod the frontend wrote, can be believed: at most
 * a ring ahead of the oldest slot not yet answered (@rsp_prod_pvt), or
 * the frontend would have us read requests over slots whose responses
 * are still due; and not behind @cons, what was taken already, or the
 * distance to it wraps to some 4 billion slots of requests.  The indices
 * run free and wrap at 2^32: the unsigned differences are right across
 * the wrap, where comparing the indices themselves is not.
 */
static inline bool xldrv_netmap_prod_ok(RING_IDX prod, RING_IDX cons,
					RING_IDX rsp_prod_pvt,
					unsigned int ring_size)
{
	return prod - rsp_prod_pvt <= ring_size && prod - cons <= ring_size;
}

#endif /* XLDRV_NETMAP_RINGIDX_H */
