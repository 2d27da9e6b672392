# SPDX-License-Identifier: GPL-2.0
# The lab demo (`make demo`): boots the consolidated layout and shows what
# runs where and the devices working.  Runs like a scenario, in dom0.
# lab-timeout: 420

say() {
	echo
	echo "=== $* ==="
}

say "Xen and dom0"
xl info | grep -E '^(host|release|xen_version|xen_caps|nr_cpus|total_memory|free_memory) '
echo "dom0 keeps 0000:$(ls /sys/bus/pci/drivers/e1000 | grep '^0000' | sed 's/^0000://') (e1000) for the outside peer;"
echo "pciback holds, for driver domains: $(xl pci-assignable-list | tr '\n' ' ')"
peer_setup

say "driver domain 'dd' (xen-configs/consolidated/dd.cfg)"
dom_create consolidated/dd.cfg
xl pci-list dd
echo "In dd, Linux's unmodified drivers bind to the passed-through devices:"
dd_devices dd nic disk
dom_exec dd "dd-stock-backends $DD_IP/$NETMASK"

say "client domain 'client' (xen-configs/consolidated/client.cfg)"
dom_create consolidated/client.cfg
hotplug_ok dd vif client 0
hotplug_ok dd vbd client 51712
xl list
xl network-list client
xl block-list client

say "network: client -> netfront -> netback in dd -> xenbr0 -> e1000 -> peer"
dom_exec client "client-net $CLIENT_IP/$NETMASK"
check_peer_traffic client

say "disk: client xvda -> blkfront -> blkback in dd -> ahci -> sda1"
dom_exec client "modprobe xen-blkfront"
wait_dev client /dev/xvda
check_client_disk client /dev/xvda dd /dev/sda1

say "summary"
cat <<SUMMARY
dom0    Xen toolstack (xl, xenstored, xenconsoled); outside peer in netns
        'peer' on the e1000 at 00:06.0, $PEER_IP
dd      domid $(domid dd): e1000 (00:04.0) and ahci (00:05.0) passed through,
        unmodified drivers; serves vif and vbd with Linux's stock
        xen-netback/xen-blkback today (xldrv's mappers replace them)
client  domid $(domid client): xen-netfront eth0 $CLIENT_IP, xen-blkfront xvda
        on dd's /dev/sda1
SUMMARY
