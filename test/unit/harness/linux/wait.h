/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for <linux/wait.h>: see kfake.h. */
#include "kfake.h"
