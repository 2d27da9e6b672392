/* SPDX-License-Identifier: GPL-2.0 */
/*
 * replumb.c: serving a restarted driver domain's clients again, through
 * libxl.  The interface has no libxl types, so main.c need not see them.
 */
#ifndef XLDRVD_REPLUMB_H
#define XLDRVD_REPLUMB_H

#include <stdbool.h>
#include <stdint.h>

#include "xldrvd.h"

/* At most this many libxl device operations under way per plan. */
#define REPLUMB_INFLIGHT_MAX	16

int replumb_snapshot(struct xsc *xs, struct replumb_plan *p, const char *dd,
		     uint32_t dd_domid);
unsigned int replumb_step(struct replumb_plan *p, const char *dd,
			  uint32_t new_domid);
unsigned int replumb_step_booting(struct replumb_plan *p, const char *dd,
				  uint32_t new_domid);
bool replumb_removal_pending(const struct replumb_plan *p);
bool replumb_reap(void);
void replumb_set_xs(struct xsc *xs);

/* replumb_rewrite.c: a restart-aware frontend's backend moved. */
int rp_rewrite_backend(struct xsc *xs, const struct rp_entry *e,
		       uint32_t new_be);

#endif
