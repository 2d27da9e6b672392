/* SPDX-License-Identifier: GPL-2.0 */
/* The unit tests' assertions: count failures, report file and line. */
#ifndef XLDRV_HARNESS_CHECK_H
#define XLDRV_HARNESS_CHECK_H
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned int check_failures, check_count;

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#define CHECK(cond)                                                        \
	do {                                                               \
		check_count++;                                             \
		if (!(cond)) {                                             \
			check_failures++;                                  \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n",        \
				__FILE__, __LINE__, #cond);                \
		}                                                          \
	} while (0)

#define CHECK_EQ(a, b)                                                     \
	do {                                                               \
		long long _a = (long long)(a), _b = (long long)(b);        \
		check_count++;                                             \
		if (_a != _b) {                                            \
			check_failures++;                                  \
			fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", \
				__FILE__, __LINE__, #a, _a, #b, _b);       \
		}                                                          \
	} while (0)

static inline int check_done(const char *name)
{
	printf("%s: %u checks, %u failed\n", name, check_count,
	       check_failures);
	return check_failures ? 1 : 0;
}
#endif
