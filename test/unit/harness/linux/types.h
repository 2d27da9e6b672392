/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for <linux/types.h>: what mapper code uses of it, on
 * top of the uapi header's __u8, __be16 and so on, which the uapi headers
 * netmap uses (<linux/if_ether.h>, <linux/in6.h>...) want from it.
 */
#ifndef XLDRV_HARNESS_LINUX_TYPES_H
#define XLDRV_HARNESS_LINUX_TYPES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include_next <linux/types.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef unsigned long long u64; /* as the kernel has it: %llu */
typedef int16_t s16;
typedef int32_t s32;
typedef long long s64;
#endif
