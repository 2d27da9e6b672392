/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The unit tests' random numbers: xorshift64, seeded per test
 * (RND_SEED before the include), so that every run sees the same
 * sequence and a failure names a case that comes again.
 */
#ifndef XLDRV_HARNESS_RND_H
#define XLDRV_HARNESS_RND_H
#include <stdint.h>

#ifndef RND_SEED
#define RND_SEED 0x9e3779b97f4a7c15ull
#endif

static uint64_t rnd_x = RND_SEED;

static inline uint32_t rnd(void)
{
	rnd_x ^= rnd_x << 13;
	rnd_x ^= rnd_x >> 7;
	rnd_x ^= rnd_x << 17;
	return (uint32_t)(rnd_x >> 16);
}
#endif
