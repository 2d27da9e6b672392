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
#include "../common/heartbeat.h"

unsigned int xldrv_blkmap_max_ring_order = 2;
module_param_named(max_ring_page_order, xldrv_blkmap_max_ring_order, uint,
		   0444);
MODULE_PARM_DESC(max_ring_page_order,
		 "Largest ring a frontend may bring, as log2 of its pages (0-4, default 2)");

unsigned int xldrv_blkmap_pool_pages = 1024;
module_param_named(pool_pages, xldrv_blkmap_pool_pages, uint, 0444);
MODULE_PARM_DESC(pool_pages,
		 "Data pages per connected device, at most (default 1024; never fewer than 256)");

static int __init xldrv_blkmap_init(void)
{
	int err;

	BUILD_BUG_ON(XLDRV_BLKMAP_GRANT_SIZE != XEN_PAGE_SIZE);
	if (!xen_domain())
		return -ENODEV;
	if (xldrv_blkmap_max_ring_order > XLDRV_BLKMAP_MAX_RING_ORDER) {
		pr_err("max_ring_page_order=%u: at most %u\n",
		       xldrv_blkmap_max_ring_order, XLDRV_BLKMAP_MAX_RING_ORDER);
		return -EINVAL;
	}
	/* Said first: registering probes the devices already there. */
	pr_info("registering as this domain's vbd backend\n");
	err = xldrv_blkmap_xenbus_init();
	if (err)
		return err;
	xldrv_heartbeat_start();
	return 0;
}

static void __exit xldrv_blkmap_exit(void)
{
	xldrv_heartbeat_stop();
	xldrv_blkmap_xenbus_exit();
}

module_init(xldrv_blkmap_init);
module_exit(xldrv_blkmap_exit);
MODULE_DESCRIPTION("xldrv block mapper: serves blkif rings from a driver domain");
MODULE_LICENSE("GPL");
MODULE_ALIAS("xen-backend:vbd");
