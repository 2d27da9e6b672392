/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for <linux/mutex.h>: see kfake.h. */
#include "kfake.h"
