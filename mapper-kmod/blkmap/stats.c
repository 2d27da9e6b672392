// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv_blkmap: per-device counters, in sysfs under the xenbus device:
 * /sys/bus/xen-backend/devices/vbd-<domid>-<devid>/xldrv/<counter>.
 */
#include <linux/device.h>
#include <linux/sysfs.h>

#include "blkmap.h"

#define XLDRV_BLKMAP_STAT(name)                                             \
	static ssize_t name##_show(struct device *d,                       \
				   struct device_attribute *attr, char *buf) \
	{                                                                  \
		struct xldrv_blkmap_dev *dev = dev_get_drvdata(d);         \
		return sysfs_emit(buf, "%lld\n",                           \
				  atomic64_read(&dev->stats.name));        \
	}                                                                  \
	static DEVICE_ATTR_RO(name)

XLDRV_BLKMAP_STAT(requests);
XLDRV_BLKMAP_STAT(read_bytes);
XLDRV_BLKMAP_STAT(write_bytes);
XLDRV_BLKMAP_STAT(flushes);
XLDRV_BLKMAP_STAT(barriers);
XLDRV_BLKMAP_STAT(discards);
XLDRV_BLKMAP_STAT(indirect);
XLDRV_BLKMAP_STAT(io_errors);
XLDRV_BLKMAP_STAT(grant_errors);
XLDRV_BLKMAP_STAT(grant_copies);
XLDRV_BLKMAP_STAT(grant_hypercalls);
XLDRV_BLKMAP_STAT(notifies);
XLDRV_BLKMAP_STAT(spurious_events);
XLDRV_BLKMAP_STAT(unanswered);

static ssize_t inflight_show(struct device *d, struct device_attribute *attr,
			     char *buf)
{
	struct xldrv_blkmap_dev *dev = dev_get_drvdata(d);

	return sysfs_emit(buf, "%u\n", READ_ONCE(dev->inflight));
}
static DEVICE_ATTR_RO(inflight);

/* What the frontend connected with: "<ring pages> <slots> <pool pages>". */
static ssize_t ring_show(struct device *d, struct device_attribute *attr,
			 char *buf)
{
	struct xldrv_blkmap_dev *dev = dev_get_drvdata(d);

	return sysfs_emit(buf, "%u %u %u\n", READ_ONCE(dev->ring_pages),
			  READ_ONCE(dev->nr_slots), READ_ONCE(dev->pool_size));
}
static DEVICE_ATTR_RO(ring);

/*
 * The shared ring's indices, for someone debugging a stall.  Read
 * without the thread's knowledge: a snapshot, good enough for that.
 */
static ssize_t ring_state_show(struct device *d,
			       struct device_attribute *attr, char *buf)
{
	struct xldrv_blkmap_dev *dev = dev_get_drvdata(d);
	struct blkif_sring *sring;
	ssize_t len;

	mutex_lock(&dev->ring_lock);
	sring = dev->ring_va ? dev->ring.sring : NULL;
	if (!sring) {
		mutex_unlock(&dev->ring_lock);
		return sysfs_emit(buf, "not connected\n");
	}
	len = sysfs_emit(buf,
			  "req_prod=%u req_cons=%u req_event=%u rsp_prod=%u rsp_prod_pvt=%u rsp_event=%u eoi_pending=%d held=%d barrier=%d pool_free=%u\n",
			  READ_ONCE(sring->req_prod), dev->ring.req_cons,
			  READ_ONCE(sring->req_event),
			  READ_ONCE(sring->rsp_prod), dev->ring.rsp_prod_pvt,
			  READ_ONCE(sring->rsp_event),
			  atomic_read(&dev->eoi_pending), !!dev->held,
			  dev->barrier_active, dev->pool_free);
	mutex_unlock(&dev->ring_lock);
	return len;
}
static DEVICE_ATTR_RO(ring_state);

/* One line per reason a request was refused: "<count> <reason>". */
static ssize_t refused_show(struct device *d, struct device_attribute *attr,
			    char *buf)
{
	struct xldrv_blkmap_dev *dev = dev_get_drvdata(d);
	int i, len = 0;

	for (i = 1; i < XLDRV_BLKMAP_NR_VERDICTS; i++)
		len += sysfs_emit_at(buf, len, "%lld %s\n",
				     atomic64_read(&dev->stats.refused[i]),
				     xldrv_blkmap_verdict_name[i]);
	return len;
}
static DEVICE_ATTR_RO(refused);

static ssize_t state_show(struct device *d, struct device_attribute *attr,
			  char *buf)
{
	struct xldrv_blkmap_dev *dev = dev_get_drvdata(d);

	return sysfs_emit(buf, "%s%s\n", xenbus_strstate(dev->state),
			  READ_ONCE(dev->broken) ? " (closed: hostile frontend)" : "");
}
static DEVICE_ATTR_RO(state);

static struct attribute *xldrv_blkmap_attrs[] = {
	&dev_attr_requests.attr,
	&dev_attr_read_bytes.attr,
	&dev_attr_write_bytes.attr,
	&dev_attr_flushes.attr,
	&dev_attr_barriers.attr,
	&dev_attr_discards.attr,
	&dev_attr_indirect.attr,
	&dev_attr_io_errors.attr,
	&dev_attr_grant_errors.attr,
	&dev_attr_unanswered.attr,
	&dev_attr_grant_copies.attr,
	&dev_attr_grant_hypercalls.attr,
	&dev_attr_notifies.attr,
	&dev_attr_spurious_events.attr,
	&dev_attr_inflight.attr,
	&dev_attr_ring.attr,
	&dev_attr_ring_state.attr,
	&dev_attr_refused.attr,
	&dev_attr_state.attr,
	NULL
};

static const struct attribute_group xldrv_blkmap_group = {
	.name = "xldrv",
	.attrs = xldrv_blkmap_attrs,
};

int xldrv_blkmap_sysfs_add(struct xldrv_blkmap_dev *dev)
{
	return sysfs_create_group(&dev->xdev->dev.kobj, &xldrv_blkmap_group);
}

void xldrv_blkmap_sysfs_del(struct xldrv_blkmap_dev *dev)
{
	sysfs_remove_group(&dev->xdev->dev.kobj, &xldrv_blkmap_group);
}
