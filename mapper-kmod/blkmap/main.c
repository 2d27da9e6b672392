// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv_blkmap: the block mapper of xldrv, loaded in a driver domain in
 * place of xen-blkback.  See blkmap.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <xen/xen.h>
#include <xen/page.h>

#include "blkmap.h"

static int __init xldrv_blkmap_init(void)
{
	BUILD_BUG_ON(XLDRV_BLKMAP_GRANT_SIZE != XEN_PAGE_SIZE);
	if (!xen_domain())
		return -ENODEV;
	return xldrv_blkmap_xenbus_init();
}

static void __exit xldrv_blkmap_exit(void)
{
	xldrv_blkmap_xenbus_exit();
}

module_init(xldrv_blkmap_init);
module_exit(xldrv_blkmap_exit);
MODULE_DESCRIPTION("xldrv block mapper: serves blkif rings from a driver domain");
MODULE_LICENSE("GPL");
MODULE_ALIAS("xen-backend:vbd");
