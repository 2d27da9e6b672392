// SPDX-License-Identifier: GPL-2.0
/*
 * A batch of xenstore requests in flight at once: see xsbatch.h.  The
 * workers are the kernel's async ones (system_unbound_wq), which run a
 * request at once in the caller when they cannot take it: the batch is
 * then as slow as before, never wrong.
 */
#include <linux/async.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <xen/xenbus.h>

#include "xsbatch.h"

void xldrv_xs_set(struct xldrv_xs_req *r, const char *dir, const char *node,
		  const char *fmt, ...)
{
	va_list ap;

	r->dir = dir;
	r->node = node;
	r->write = true;
	r->err = 0;
	va_start(ap, fmt);
	vsnprintf(r->buf, sizeof(r->buf), fmt, ap);
	va_end(ap);
	r->val = r->buf;
}

void xldrv_xs_get(struct xldrv_xs_req *r, const char *dir, const char *node)
{
	r->dir = dir;
	r->node = node;
	r->write = false;
	r->err = 0;
	r->val = NULL;
}

static void xldrv_xs_one(void *data, async_cookie_t cookie)
{
	struct xldrv_xs_req *r = data;
	char *val;

	if (r->write) {
		r->err = xenbus_write(XBT_NIL, r->dir, r->node, r->val);
		return;
	}
	val = xenbus_read(XBT_NIL, r->dir, r->node, NULL);
	if (IS_ERR(val)) {
		r->err = PTR_ERR(val);
		return;
	}
	r->val = val;
}

int xldrv_xs_batch(struct xldrv_xs_req *reqs, unsigned int n)
{
	/* Ours alone, and on the stack: gone once all in it are done. */
	ASYNC_DOMAIN_EXCLUSIVE(batch);
	unsigned int i;

	/* The last in the caller: it would only wait meanwhile. */
	for (i = 0; i + 1 < n; i++)
		async_schedule_domain(xldrv_xs_one, &reqs[i], &batch);
	if (n)
		xldrv_xs_one(&reqs[n - 1], 0);
	async_synchronize_full_domain(&batch);
	for (i = 0; i < n; i++)
		if (reqs[i].err)
			return reqs[i].err;
	return 0;
}

void xldrv_xs_free(struct xldrv_xs_req *reqs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!reqs[i].write) {
			kfree(reqs[i].val);
			reqs[i].val = NULL;
		}
	}
}
