// SPDX-License-Identifier: GPL-2.0
/*
 * A beat is a write of the time since boot, in milliseconds, to the
 * heartbeat node: xldrvd only looks for a change, so two mapper modules
 * writing the same node each on its own clock still read as one steady
 * beat, and a value that goes back (a reboot) is a beat too.
 *
 * The beat comes from a work item on the system workqueue rather than a
 * timer: a domain whose kernel can still take interrupts but no longer
 * schedules work (a soft lockup in a reused driver, say) serves no ring
 * either, and must read as hung.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include <xen/xenbus.h>

#include <xldrv/xenstore.h>

#include "heartbeat.h"

static void xldrv_heartbeat_beat(struct work_struct *work);
static DECLARE_DELAYED_WORK(xldrv_heartbeat_work, xldrv_heartbeat_beat);
static bool xldrv_heartbeat_failing;

static void xldrv_heartbeat_beat(struct work_struct *work)
{
	char val[24];
	int err;

	snprintf(val, sizeof(val), "%llu",
		 (unsigned long long)ktime_to_ms(ktime_get_boottime()));
	/* Relative: the domain's own home, /local/domain/<domid>. */
	err = xenbus_write(XBT_NIL, XLDRV_XS_DIR, "heartbeat", val);
	if (err && !xldrv_heartbeat_failing)
		pr_warn("cannot write %s: %d; dom0 will take this domain for hung\n",
			XLDRV_XS_HEARTBEAT, err);
	else if (!err && xldrv_heartbeat_failing)
		pr_info("%s written again\n", XLDRV_XS_HEARTBEAT);
	xldrv_heartbeat_failing = err != 0;
	schedule_delayed_work(&xldrv_heartbeat_work,
			      XLDRV_HEARTBEAT_PERIOD_S * HZ);
}

/* The first beat at once: xldrvd takes it as "serving again". */
void xldrv_heartbeat_start(void)
{
	schedule_delayed_work(&xldrv_heartbeat_work, 0);
}

void xldrv_heartbeat_stop(void)
{
	cancel_delayed_work_sync(&xldrv_heartbeat_work);
}
