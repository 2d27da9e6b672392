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

#include <linux/ctype.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/spinlock.h>
#include <linux/string.h>
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

/*
 * A device this mapper serves from is dead (its NIC unregistered under
 * the clients, its disk failing every request): "DEVICE REASON" in
 * data/xldrv/error tells xldrvd to restart the domain, which restarts
 * the driver.  Callable from any context; the write happens in a work
 * item, and the first report stands until then.
 */
static void xldrv_report_work_fn(struct work_struct *work);
static DECLARE_WORK(xldrv_report_work, xldrv_report_work_fn);
static DEFINE_SPINLOCK(xldrv_report_lock);
static char xldrv_report_val[XLDRV_XS_ERROR_MAX + 1];

static void xldrv_report_work_fn(struct work_struct *work)
{
	char val[XLDRV_XS_ERROR_MAX + 1];
	unsigned long flags;
	int err;

	spin_lock_irqsave(&xldrv_report_lock, flags);
	strscpy(val, xldrv_report_val, sizeof(val));
	spin_unlock_irqrestore(&xldrv_report_lock, flags);
	if (!val[0])
		return;
	err = xenbus_write(XBT_NIL, XLDRV_XS_DIR, "error", val);
	if (err)
		pr_err("cannot report \"%s\" in %s: %d\n", val,
		       XLDRV_XS_ERROR, err);
	else
		pr_err("reported to dom0: %s\n", val);
}

void xldrv_report_device_error(const char *dev, const char *reason)
{
	char name[XLDRV_XS_DEVICE_MAX + 1];
	unsigned long flags;
	size_t i;

	/* The format xldrvd accepts: [A-Za-z0-9:._-]{1,32}, a space. */
	strscpy(name, dev, sizeof(name));
	for (i = 0; name[i]; i++)
		if (!isalnum(name[i]) && !strchr(":._-", name[i]))
			name[i] = '_';
	if (!name[0])
		strscpy(name, "unknown", sizeof(name));
	spin_lock_irqsave(&xldrv_report_lock, flags);
	if (!xldrv_report_val[0]) {
		snprintf(xldrv_report_val, sizeof(xldrv_report_val), "%s %s",
			 name, reason);
		for (i = 0; xldrv_report_val[i]; i++)
			if (xldrv_report_val[i] < 0x20 ||
			    xldrv_report_val[i] > 0x7e)
				xldrv_report_val[i] = '?';
	}
	spin_unlock_irqrestore(&xldrv_report_lock, flags);
	schedule_work(&xldrv_report_work);
}

/* The first beat at once: xldrvd takes it as "serving again". */
void xldrv_heartbeat_start(void)
{
	schedule_delayed_work(&xldrv_heartbeat_work, 0);
}

void xldrv_heartbeat_stop(void)
{
	cancel_delayed_work_sync(&xldrv_heartbeat_work);
	cancel_work_sync(&xldrv_report_work);
}
