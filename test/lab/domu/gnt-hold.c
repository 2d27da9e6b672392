// SPDX-License-Identifier: GPL-2.0
/*
 * gnt-hold DOMID RX-RING-REF SKIP COUNT SECONDS: a backend that keeps
 * pages mapped after it answered them, for the frontend-hostile-backend
 * scenario.  Run in the driver domain serving DOMID's vif: maps the vif's
 * rx ring (RX-RING-REF, from the frontend's xenstore directory), then the
 * pages of COUNT rx requests the backend will answer, those after the
 * next SKIP (counted from the ring's rsp_prod), prints "held N refs from
 * rx slot S: R..." and keeps them mapped for SECONDS before it unmaps
 * them, says "released" and exits.  The backend itself
 * (xldrv_netmap) answers those requests as usual, copying into the pages
 * with the hypervisor: the frontend then finds each page still mapped
 * when it ends the grant.  Through /dev/xen/gntdev (libxengnttab), which
 * only lets a domain map what was granted to it.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xengnttab.h>
#include <xen/io/netif.h>

#define PAGE 4096u
/* A one-page rx ring's size: the largest power of two that fits. */
#define RX_SIZE 256u
#define RX_HDR offsetof(struct netif_rx_sring, ring)
#define RX_ENT sizeof(((struct netif_rx_sring *)0)->ring[0])
_Static_assert(RX_HDR + RX_SIZE * RX_ENT <= PAGE &&
	       RX_HDR + 2 * RX_SIZE * RX_ENT > PAGE,
	       "RX_SIZE is not a one-page netif rx ring's size");

static unsigned long arg(const char *s, const char *what, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || v > max) {
		fprintf(stderr, "gnt-hold: bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	const struct netif_rx_sring *sring;
	uint32_t domids[RX_SIZE], refs[RX_SIZE];
	unsigned int skip, count, seconds, i;
	xengnttab_handle *xgt;
	RING_IDX rsp, req;
	uint32_t domid;
	void *ring, *held;
	int rc = 1;

	if (argc != 6) {
		fprintf(stderr,
			"usage: gnt-hold DOMID RX-RING-REF SKIP COUNT SECONDS\n");
		return 2;
	}
	domid = arg(argv[1], "domid", 0x7fef);
	refs[0] = arg(argv[2], "ring ref", UINT32_MAX);
	skip = arg(argv[3], "skip", RX_SIZE);
	count = arg(argv[4], "count", RX_SIZE - skip);
	seconds = arg(argv[5], "seconds", 3600);
	if (!count) {
		fprintf(stderr, "gnt-hold: nothing to hold\n");
		return 2;
	}

	xgt = xengnttab_open(NULL, 0);
	if (!xgt) {
		perror("gnt-hold: xengnttab_open");
		return 1;
	}
	ring = xengnttab_map_grant_ref(xgt, domid, refs[0], PROT_READ);
	if (!ring) {
		perror("gnt-hold: mapping the rx ring");
		goto out_close;
	}
	sring = ring;
	rsp = __atomic_load_n(&sring->rsp_prod, __ATOMIC_ACQUIRE);
	req = __atomic_load_n(&sring->req_prod, __ATOMIC_ACQUIRE);
	if ((RING_IDX)(req - rsp) < skip + count) {
		fprintf(stderr,
			"gnt-hold: only %u rx requests posted past rsp_prod %u\n",
			(RING_IDX)(req - rsp), rsp);
		goto out_unmap_ring;
	}
	rsp += skip;
	for (i = 0; i < count; i++) {
		domids[i] = domid;
		refs[i] = sring->ring[(rsp + i) & (RX_SIZE - 1)].req.gref;
	}
	held = xengnttab_map_grant_refs(xgt, count, domids, refs, PROT_READ);
	if (!held) {
		perror("gnt-hold: mapping the rx pages");
		goto out_unmap_ring;
	}
	printf("held %u refs from rx slot %u:", count, rsp);
	for (i = 0; i < count; i++)
		printf(" %u", refs[i]);
	printf("\n");
	fflush(stdout);
	sleep(seconds);
	xengnttab_unmap(xgt, held, count);
	printf("released\n");
	rc = 0;
out_unmap_ring:
	xengnttab_unmap(xgt, ring, 1);
out_close:
	xengnttab_close(xgt);
	return rc;
}
