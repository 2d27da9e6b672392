/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for <linux/workqueue.h>: see kfake.h. */
#include "kfake.h"
