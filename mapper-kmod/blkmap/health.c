// SPDX-License-Identifier: GPL-2.0
/*
 * A disk that fails every request for a while is dead to its clients:
 * the reused driver lost its controller (a reset that did not take, a
 * link that stays down).  Restarting the driver domain restarts the
 * driver, so the mapper reports it to dom0's xldrvd (data/xldrv/error).
 *
 * One run of failures for the whole module, not per device: the devices
 * are partitions of the same disks, and a run that any success breaks
 * keeps one client reading a bad sector over and over from restarting
 * a domain that serves others (it can still, when it is alone on the
 * disk for XLDRV_BLKMAP_DEAD_AFTER; a bad sector is the disk's problem
 * then too).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/blkdev.h>
#include <linux/jiffies.h>

#include "blkmap.h"
#include "../common/heartbeat.h"

#define XLDRV_BLKMAP_DEAD_RUN		32	/* failed requests in a row */
#define XLDRV_BLKMAP_DEAD_AFTER		(10 * HZ)	/* and no success */

static atomic_t xldrv_blkmap_fail_run = ATOMIC_INIT(0);
static unsigned long xldrv_blkmap_last_ok = INITIAL_JIFFIES;
static atomic_t xldrv_blkmap_reported = ATOMIC_INIT(0);

void xldrv_blkmap_io_result(struct xldrv_blkmap_dev *dev, bool failed)
{
	char name[BDEVNAME_SIZE];

	if (!failed) {
		atomic_set(&xldrv_blkmap_fail_run, 0);
		WRITE_ONCE(xldrv_blkmap_last_ok, jiffies);
		return;
	}
	if (atomic_inc_return(&xldrv_blkmap_fail_run) < XLDRV_BLKMAP_DEAD_RUN ||
	    time_before(jiffies, READ_ONCE(xldrv_blkmap_last_ok) +
			XLDRV_BLKMAP_DEAD_AFTER) ||
	    atomic_xchg(&xldrv_blkmap_reported, 1))
		return;
	snprintf(name, sizeof(name), "%pg", dev->bdev);
	pr_err("%s: %d requests in a row failed, none succeeded for %u s: reporting the disk dead\n",
	       name, XLDRV_BLKMAP_DEAD_RUN, XLDRV_BLKMAP_DEAD_AFTER / HZ);
	xldrv_report_device_error(name, "fails every request");
}
