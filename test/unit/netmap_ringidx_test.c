// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of xldrv_netmap's producer index check (mapper-kmod/netmap/
 * ringidx.h), which both rings' passes use: its edges, each at the start
 * of the index space and across its wrap at 2^32.
 */
#include "check.h"
#include "netmap/ringidx.h"

#define SIZE 256u

/*
 * The ring @base slots into its life: @answered slots answered, @taken
 * of them (and the ones after) taken, and a frontend claiming @ahead
 * slots past the answered ones (negative: behind them).
 */
static bool ok_at(RING_IDX base, unsigned int answered, unsigned int taken,
		  long long ahead)
{
	RING_IDX rsp = base + answered;

	return xldrv_netmap_prod_ok(rsp + (RING_IDX)ahead, rsp + taken, rsp,
				    SIZE);
}

static void test_edges(RING_IDX base)
{
	/* Nothing posted, nothing due. */
	CHECK(ok_at(base, 0, 0, 0));
	/* A full ring, nothing taken: the most a frontend may post. */
	CHECK(ok_at(base, 0, 0, SIZE));
	CHECK(!ok_at(base, 0, 0, SIZE + 1));
	/* Taken but not answered: the ring is still full at rsp + SIZE. */
	CHECK(ok_at(base, 0, 100, SIZE));
	CHECK(!ok_at(base, 0, 100, SIZE + 1));
	/* Exactly at what was taken: nothing new, fine. */
	CHECK(ok_at(base, 0, 100, 100));
	/* One behind what was taken: moved back. */
	CHECK(!ok_at(base, 0, 100, 99));
	/* Behind the answered slots too. */
	CHECK(!ok_at(base, 0, 0, -1));
	CHECK(!ok_at(base, 0, 100, -1));
	/* Some 4 billion ahead is behind, not ahead. */
	CHECK(!ok_at(base, 0, 0, 0x80000000ll));
	CHECK(!ok_at(base, 0, 0, 0xffffffffll));
	/* Many rings' worth answered: the same edges, further on. */
	CHECK(ok_at(base, 3 * SIZE + 7, 0, SIZE));
	CHECK(!ok_at(base, 3 * SIZE + 7, 0, SIZE + 1));
	CHECK(!ok_at(base, 3 * SIZE + 7, 5, 4));
}

int main(void)
{
	unsigned int i;

	test_edges(0);
	test_edges(1000);
	/* The indices wrap around 2^32 between the answered and prod. */
	for (i = 0; i <= SIZE + 2; i++)
		test_edges(0u - i);
	test_edges(0x7fffff80u);
	/* Spelled out across the wrap: cons and rsp before it, prod after. */
	CHECK(xldrv_netmap_prod_ok(10, 0xfffffff0u, 0xfffffff0u, SIZE));
	CHECK(xldrv_netmap_prod_ok(0xfffffff0u + SIZE, 0xfffffff0u,
				   0xfffffff0u, SIZE));
	CHECK(!xldrv_netmap_prod_ok(0xfffffff0u + SIZE + 1, 0xfffffff0u,
				    0xfffffff0u, SIZE));
	/* prod past the wrap, cons too, rsp before it: moved back to rsp. */
	CHECK(!xldrv_netmap_prod_ok(0xfffffff8u, 4, 0xfffffff0u, SIZE));
	CHECK(xldrv_netmap_prod_ok(8, 4, 0xfffffff0u, SIZE));
	return check_done("netmap_ringidx_test");
}
