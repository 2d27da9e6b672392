// SPDX-License-Identifier: GPL-2.0
/*
 * xldrv_netmap: the network mapper of xldrv, loaded in a driver domain in
 * place of xen-netback and a bridge.  See netmap.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <xen/xen.h>
#include <xen/page.h>

#include "netmap.h"
#include "../common/heartbeat.h"

unsigned int xldrv_netmap_rx_queue_len = 512;
module_param_named(rx_queue_len, xldrv_netmap_rx_queue_len, uint, 0644);
MODULE_PARM_DESC(rx_queue_len,
		 "Frames queued for a client that has not posted buffers, at most (default 512)");
/*
 * And their memory: 512 frames of 64 KiB (GSO, or GRO from the wire)
 * would pin some 36 MiB of the driver domain per client that stops
 * posting buffers, on purpose or not.
 */
unsigned int xldrv_netmap_rx_queue_bytes = 4 << 20;
module_param_named(rx_queue_bytes, xldrv_netmap_rx_queue_bytes, uint, 0644);
MODULE_PARM_DESC(rx_queue_bytes,
		 "Memory (skb truesize) of the frames queued for a client, at most (default 4 MiB)");
/*
 * A client's frames in the NIC and its qdisc, not yet sent and freed
 * (port.c): TCP Small Queues' default per socket, some 8 ms of a
 * 1 Gbit/s link, 14 GSO frames of 64 KiB.  One client cannot fill the
 * NIC's queue in front of the others.
 */
unsigned int xldrv_netmap_tx_nic_bytes = 1 << 20;
module_param_named(tx_nic_bytes, xldrv_netmap_tx_nic_bytes, uint, 0644);
MODULE_PARM_DESC(tx_nic_bytes,
		 "Memory (skb truesize) of a client's frames in the NIC's queue, at most; 0: no bound (default 1 MiB)");

static int __init xldrv_netmap_init(void)
{
	int err;

	BUILD_BUG_ON(XLDRV_NETMAP_GRANT_SIZE != XEN_PAGE_SIZE);
	if (!xen_domain())
		return -ENODEV;
	err = xldrv_netmap_port_init();
	if (err)
		return err;
	/* Said first: registering probes the devices already there. */
	pr_info("registering as this domain's vif backend\n");
	err = xldrv_netmap_xenbus_init();
	if (err)
		goto err_port;
	xldrv_heartbeat_start();
	xldrv_netmap_health_start();
	return 0;

err_port:
	xldrv_netmap_port_exit();
	return err;
}

static void __exit xldrv_netmap_exit(void)
{
	xldrv_netmap_health_stop();
	xldrv_heartbeat_stop();
	xldrv_netmap_xenbus_exit();
	xldrv_netmap_port_exit();
}

module_init(xldrv_netmap_init);
module_exit(xldrv_netmap_exit);
MODULE_DESCRIPTION("xldrv network mapper: shares a NIC among clients over netif rings");
MODULE_LICENSE("GPL");
MODULE_ALIAS("xen-backend:vif");
