// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv_blkfront: the restart-aware block frontend of xldrv, loaded in a
 * client domain in place of xen-blkfront.  See blkfront.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <xen/xen.h>
#include <xen/platform_pci.h>

#include "blkfront.h"

unsigned int xldrv_blkfront_recovery_timeout_s = 120;
module_param_named(recovery_timeout_s, xldrv_blkfront_recovery_timeout_s,
		   uint, 0644);
MODULE_PARM_DESC(recovery_timeout_s,
		 "Seconds I/O waits for a lost backend to come back before it fails (default 120; 0: fail at once)");

/* Read when a disk is made: its queue limits are built on it. */
unsigned int xldrv_blkfront_max_indirect_segments = 32;
module_param_named(max_indirect_segments,
		   xldrv_blkfront_max_indirect_segments, uint, 0444);
MODULE_PARM_DESC(max_indirect_segments,
		 "Segments (4 KiB) per request with a backend offering indirect descriptors (default 32, at most 256; 11 or less: none)");

/* Read at each connect; as xen-blkfront's parameter of the same name. */
bool xldrv_blkfront_trusted = true;
module_param_named(trusted, xldrv_blkfront_trusted, bool, 0644);
MODULE_PARM_DESC(trusted,
		 "Grant the block layer's pages to backends not marked untrusted by the toolstack (default 1; 0: copy through pages of our own for all)");

static int __init xldrv_blkfront_init(void)
{
	int err;

	if (!xen_domain() || !xen_has_pv_disk_devices())
		return -ENODEV;
	/* Ours and xen-blkfront's: whichever module loads first has it. */
	err = register_blkdev(XLDRV_BLKFRONT_MAJOR, "xvd");
	if (err) {
		pr_err("block major %u is taken (xen-blkfront loaded?): %d\n",
		       XLDRV_BLKFRONT_MAJOR, err);
		return err;
	}
	err = xldrv_blkfront_xenbus_init();
	if (err)
		goto err_unregister_blkdev;
	return 0;

err_unregister_blkdev:
	unregister_blkdev(XLDRV_BLKFRONT_MAJOR, "xvd");
	return err;
}

static void __exit xldrv_blkfront_exit(void)
{
	xldrv_blkfront_xenbus_exit();
	unregister_blkdev(XLDRV_BLKFRONT_MAJOR, "xvd");
}

module_init(xldrv_blkfront_init);
module_exit(xldrv_blkfront_exit);
MODULE_DESCRIPTION("xldrv block frontend: blkif disks that survive their backend's restart");
MODULE_LICENSE("GPL");
