/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Several xenstore reads or writes in flight at once.  Each request is a
 * round trip between this domain and xenstored's, some milliseconds under
 * emulation and more while the domain boots, and a mapper connecting a
 * device makes dozens of them one after another: on the way back from a
 * driver domain restart they are most of what the mapper adds to the
 * reboot (docs/benchmarks.md, restart).  Linux's
 * xenbus client matches replies to requests by id and lets any number
 * of threads wait at once, so a batch sent from as many workers costs
 * about one round trip.  Built into each mapper module that uses it.
 */
#ifndef XLDRV_XSBATCH_H
#define XLDRV_XSBATCH_H

#include <linux/types.h>

struct xldrv_xs_req {
	const char *dir;
	const char *node;
	/*
	 * A write's value (by default @buf, which xldrv_xs_set() fills),
	 * or what a read found: kmalloc'd, NULL if the read failed.
	 */
	char *val;
	char buf[24];
	bool write;
	int err;
};

/* A write of a formatted value, into @r's own buffer. */
__printf(4, 5)
void xldrv_xs_set(struct xldrv_xs_req *r, const char *dir, const char *node,
		  const char *fmt, ...);
/* A read. */
void xldrv_xs_get(struct xldrv_xs_req *r, const char *dir, const char *node);
/*
 * Send all @n at once, outside any transaction, and wait for every
 * reply.  Returns 0 or the first request's error in array order; each
 * request's own is in its err.  The order in which xenstored sees them
 * is not theirs: only for nodes no one reads before a later write (a
 * state change) says they are there.
 */
int xldrv_xs_batch(struct xldrv_xs_req *reqs, unsigned int n);
/* Frees what reads found. */
void xldrv_xs_free(struct xldrv_xs_req *reqs, unsigned int n);

#endif /* XLDRV_XSBATCH_H */
