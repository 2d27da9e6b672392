# SPDX-License-Identifier: GPL-2.0
# stock-backends: the baseline every xldrv component is measured against.
# The consolidated driver domain serves a client with Linux's stock
# backends: xen-netback with eth0 bridged (xenbr0), and xen-blkback on
# /dev/sda1.  `xl devd` in the driver domain runs Xen's stock vif-bridge
# and block hotplug scripts.  The client, with stock xen-netfront and
# xen-blkfront, reaches the outside peer and writes and reads its disk.
# lab-timeout: 420
# lab-default: no
# Not in `make check` (CI's 45 min: 45:40 in a slow run of 2026-12-02):
# frontend-stock-backends is this scenario with xldrv's frontends in the
# client, the driver domain's side (dd-stock-backends, `xl devd`, the
# bridge, xen-blkback on sda1) and the data checks the same.  Run it by
# name after touching the lab's images or dd-stock-backends.

peer_setup
dom_create consolidated/dd.cfg
dd_devices dd nic disk
dom_exec dd "dd-stock-backends $DD_IP/$NETMASK"

# fio comes on a bigger ramdisk, so the client gets more memory.
dom_create consolidated/client.cfg "ramdisk=\"$(fio_ramdisk)\"" memory=512
hotplug_ok dd vif client 0
hotplug_ok dd vbd client 51712

dom_exec client "client-net $CLIENT_IP/$NETMASK"
ports=$(dom_exec dd "ip -o link show master xenbr0")
for port in eth0 "vif$(domid client).0"; do
	echo "$ports" | grep -q ": $port[:@]" || fail "$port is not on xenbr0 in dd"
done
check_peer_traffic client
dom_exec client "ping -c 2 -W 5 $DD_IP" >/dev/null ||
	fail "client cannot reach the driver domain"

dom_exec client "modprobe xen-blkfront"
wait_dev client /dev/xvda
dom_exec client "cat /sys/block/xvda/size; cat /sys/block/xvda/device/devtype 2>/dev/null; readlink /sys/block/xvda/device/driver"
check_client_disk client /dev/xvda dd /dev/sda1
check_client_fio_ext4 client /dev/xvda
