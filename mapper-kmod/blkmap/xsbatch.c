// SPDX-License-Identifier: GPL-2.0
/* Batched xenstore requests, built into this module: see ../common/xsbatch.c. */
#include "../common/xsbatch.c"
