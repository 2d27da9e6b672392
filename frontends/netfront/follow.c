// SPDX-License-Identifier: GPL-2.0
/* Following the backend, built into this module: see ../common/follow.c. */
#include "../common/follow.c"
