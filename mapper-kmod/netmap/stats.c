// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv_netmap: per-vif counters, in sysfs under the xenbus device:
 * /sys/bus/xen-backend/devices/vif-<domid>-<handle>/xldrv/<counter>.
 * tx is what the client sent, rx what it was given.  `drops` has one line
 * per reason: "<count> <tx|rx|any> <reason>", every reason listed, zeros
 * too.
 */
#include <linux/device.h>
#include <linux/sysfs.h>

#include "netmap.h"

const char *const xldrv_netmap_other_drop_name[XLDRV_NETMAP_NR_OTHER_DROPS] = {
	[XLDRV_NETMAP_DROP_RXQ_FULL] = "rx_queue_full",
	[XLDRV_NETMAP_DROP_NO_NIC] = "no_nic",
	[XLDRV_NETMAP_DROP_OFFLOAD] = "bad_offload",
	[XLDRV_NETMAP_DROP_VLAN_RX] = "vlan_tag",
	[XLDRV_NETMAP_DROP_HAIRPIN] = "to_itself",
	[XLDRV_NETMAP_DROP_NOMEM] = "no_memory",
	[XLDRV_NETMAP_DROP_DISABLED] = "vif_disabled",
	[XLDRV_NETMAP_DROP_NO_LINK_FULL] = "no_link_full",
	[XLDRV_NETMAP_DROP_NO_LINK_STALE] = "no_link_stale",
	[XLDRV_NETMAP_DROP_NO_SG] = "over_page_no_sg",
};

/* Which way the frames went: "any" for both. */
static const char *const xldrv_netmap_other_drop_dir[XLDRV_NETMAP_NR_OTHER_DROPS] = {
	[XLDRV_NETMAP_DROP_RXQ_FULL] = "rx",
	[XLDRV_NETMAP_DROP_NO_NIC] = "tx",
	[XLDRV_NETMAP_DROP_OFFLOAD] = "any",
	[XLDRV_NETMAP_DROP_VLAN_RX] = "rx",
	[XLDRV_NETMAP_DROP_HAIRPIN] = "tx",
	[XLDRV_NETMAP_DROP_NOMEM] = "any",
	[XLDRV_NETMAP_DROP_DISABLED] = "rx",
	[XLDRV_NETMAP_DROP_NO_LINK_FULL] = "tx",
	[XLDRV_NETMAP_DROP_NO_LINK_STALE] = "tx",
	[XLDRV_NETMAP_DROP_NO_SG] = "rx",
};

#define XLDRV_NETMAP_STAT(name)                                             \
	static ssize_t name##_show(struct device *d,                       \
				   struct device_attribute *attr, char *buf) \
	{                                                                  \
		struct xldrv_netmap_vif *vif = dev_get_drvdata(d);         \
		return sysfs_emit(buf, "%lld\n",                           \
				  atomic64_read(&vif->stats.name));        \
	}                                                                  \
	static DEVICE_ATTR_RO(name)

XLDRV_NETMAP_STAT(tx_packets);
XLDRV_NETMAP_STAT(tx_bytes);
XLDRV_NETMAP_STAT(rx_packets);
XLDRV_NETMAP_STAT(rx_bytes);
XLDRV_NETMAP_STAT(grant_copies);
XLDRV_NETMAP_STAT(grant_hypercalls);
XLDRV_NETMAP_STAT(grant_errors);
XLDRV_NETMAP_STAT(notifies);
XLDRV_NETMAP_STAT(spurious_events);
XLDRV_NETMAP_STAT(link_held);
XLDRV_NETMAP_STAT(link_sent);
XLDRV_NETMAP_STAT(nic_full);

static ssize_t nic_bytes_show(struct device *d, struct device_attribute *attr,
			      char *buf)
{
	struct xldrv_netmap_vif *vif = dev_get_drvdata(d);

	return sysfs_emit(buf, "%d\n", atomic_read(&vif->nic_bytes));
}
static DEVICE_ATTR_RO(nic_bytes);

static ssize_t drops_show(struct device *d, struct device_attribute *attr,
			  char *buf)
{
	struct xldrv_netmap_vif *vif = dev_get_drvdata(d);
	struct xldrv_netmap_stats *s = &vif->stats;
	int i, len = 0;

	for (i = 1; i < XLDRV_NETMAP_NR_DROPS; i++)
		len += sysfs_emit_at(buf, len, "%lld tx %s\n",
				     atomic64_read(&s->tx_dropped[i]),
				     xldrv_netmap_drop_name[i]);
	for (i = 1; i < XLDRV_NETMAP_NR_DROPS; i++)
		len += sysfs_emit_at(buf, len, "%lld rx %s\n",
				     atomic64_read(&s->rx_dropped[i]),
				     xldrv_netmap_drop_name[i]);
	for (i = XLDRV_NETMAP_TX_NEED_MORE + 1; i < XLDRV_NETMAP_TX_NR_VERDICTS;
	     i++)
		len += sysfs_emit_at(buf, len, "%lld tx %s\n",
				     atomic64_read(&s->tx_refused[i]),
				     xldrv_netmap_tx_verdict_name[i]);
	for (i = 0; i < XLDRV_NETMAP_NR_OTHER_DROPS; i++)
		len += sysfs_emit_at(buf, len, "%lld %s %s\n",
				     atomic64_read(&s->other_dropped[i]),
				     xldrv_netmap_other_drop_dir[i],
				     xldrv_netmap_other_drop_name[i]);
	return len;
}
static DEVICE_ATTR_RO(drops);

/* What the client is allowed to be, and where it is attached. */
static ssize_t identity_show(struct device *d, struct device_attribute *attr,
			     char *buf)
{
	struct xldrv_netmap_vif *vif = dev_get_drvdata(d);
	int i, len;

	len = sysfs_emit(buf, "%s %pM", vif->port->name, vif->pol.mac);
	for (i = 0; i < vif->pol.nr_ip4; i++)
		len += sysfs_emit_at(buf, len, " %pI4", vif->pol.ip4[i]);
	for (i = 0; i < vif->pol.nr_ip6; i++)
		len += sysfs_emit_at(buf, len, " %pI6c", vif->pol.ip6[i]);
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}
static DEVICE_ATTR_RO(identity);

static ssize_t state_show(struct device *d, struct device_attribute *attr,
			  char *buf)
{
	struct xldrv_netmap_vif *vif = dev_get_drvdata(d);

	return sysfs_emit(buf, "%s%s\n", xenbus_strstate(vif->state),
			  READ_ONCE(vif->broken) ? " (disabled: hostile frontend)" : "");
}
static DEVICE_ATTR_RO(state);

static struct attribute *xldrv_netmap_attrs[] = {
	&dev_attr_tx_packets.attr,
	&dev_attr_tx_bytes.attr,
	&dev_attr_rx_packets.attr,
	&dev_attr_rx_bytes.attr,
	&dev_attr_grant_copies.attr,
	&dev_attr_grant_hypercalls.attr,
	&dev_attr_grant_errors.attr,
	&dev_attr_notifies.attr,
	&dev_attr_spurious_events.attr,
	&dev_attr_link_held.attr,
	&dev_attr_link_sent.attr,
	&dev_attr_nic_full.attr,
	&dev_attr_nic_bytes.attr,
	&dev_attr_drops.attr,
	&dev_attr_identity.attr,
	&dev_attr_state.attr,
	NULL
};

static const struct attribute_group xldrv_netmap_group = {
	.name = "xldrv",
	.attrs = xldrv_netmap_attrs,
};

int xldrv_netmap_sysfs_add(struct xldrv_netmap_vif *vif)
{
	return sysfs_create_group(&vif->xdev->dev.kobj, &xldrv_netmap_group);
}

void xldrv_netmap_sysfs_del(struct xldrv_netmap_vif *vif)
{
	sysfs_remove_group(&vif->xdev->dev.kobj, &xldrv_netmap_group);
}
