/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for the kernel's <xen/interface/grant_table.h>: the
 * ring and blkif/netif headers need only grant_ref_t from it.  Those two
 * come from the Debian kernel's own headers (see test/unit/run), so the
 * tests check the very structures the module is built against.
 */
#ifndef XLDRV_HARNESS_GRANT_TABLE_H
#define XLDRV_HARNESS_GRANT_TABLE_H
#include <stdint.h>
typedef uint32_t grant_ref_t;
#endif
