// SPDX-License-Identifier: GPL-2.0
/* The heartbeat, built into this module: see ../common/heartbeat.c. */
#include "../common/heartbeat.c"
