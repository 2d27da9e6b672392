/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for <linux/vmalloc.h>: see kfake.h. */
#include "kfake.h"
