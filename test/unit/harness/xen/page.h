/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for <xen/page.h>: see kfake.h. */
#include "kfake.h"
