# SPDX-License-Identifier: GPL-2.0
# frontend-stock-backends: xldrv's restart-aware frontends against Linux's
# stock backends, with no restart: the driver domain serves with
# xen-blkback on /dev/sda1 and xen-netback bridged to eth0 (xl devd runs
# Xen's hotplug scripts there), and the client loads xldrv_blkfront and
# xldrv_netfront instead of xen-blkfront and xen-netfront.  The same data
# checks as stock-backends: the peer reached by ping and TCP, 8 MiB
# written with direct I/O found on sda1, fio crc32c verification, an ext4
# round trip.  xvda's backend is trusted (xl's default): xldrv_blkfront
# grants the block layer's pages, which xen-blkback maps.  xvdb (sda2) is
# marked untrusted (its frontend's "trusted" node 0): its data goes
# through the frontend's own pages; 8 MiB written there is found on sda2,
# and fio verifies 8 MiB of random writes.  The vif is trusted too:
# xldrv_netfront grants the pages of packets' fragments, which
# xen-netback maps.
#
#   peer <-- eth0 [xenbr0 + vif] dd (e1000, ahci; xen-netback, xen-blkback)
#                                 ^ vif, vbd sda1, vbd sda2 (untrusted)
#                               client (xldrv_netfront, xldrv_blkfront)
# lab-timeout: 480

peer_setup
dom_create consolidated/dd.cfg
dd_devices dd nic disk
dom_exec dd "dd-stock-backends $DD_IP/$NETMASK"

disk=backend=dd,format=raw,access=rw,backendtype=phy
xvda="\"$disk,vdev=xvda,target=/dev/sda1\""
xvdb="\"$disk,vdev=xvdb,target=/dev/sda2\""
dom_create consolidated/client.cfg "ramdisk=\"$(fio_ramdisk)\"" memory=512 \
	"disk=[$xvda, $xvdb]"
hotplug_ok dd vif client 0
hotplug_ok dd vbd client 51712
hotplug_ok dd vbd client 51728
# What libxl writes for a disk whose libxl_device_disk.trusted is false.
# Debian's xl 4.17 does not parse the `untrusted` flag its man page
# documents ("target respecified"), so the node is written here, before
# the frontend module is loaded.
fe=/local/domain/$(domid client)/device/vbd/51728
[ "$(xenstore-read $fe/trusted)" = 1 ] ||
	fail "the toolstack wrote no trusted=1 for xvdb"
xenstore-write $fe/trusted 0

netfront_up client
# The xenbus driver is called "vif" either way: its module tells them apart.
[ "$(dom_exec client 'basename $(readlink /sys/class/net/eth0/device/driver/module)')" = xldrv_netfront ] ||
	fail "client's eth0 is not driven by xldrv_netfront"
dom_exec client "dmesg | grep -q 'eth0 connected to .*tx fragments granted'" ||
	fail "client: xldrv_netfront does not grant its fragments to trusted xen-netback"
check_peer_traffic client
check_peer_data client
granted=$(netfront_stat client tx_granted)
[ "$granted" -ge 64 ] ||
	fail "client: only $granted packets went out with their fragments granted"
log "client: $granted packets sent with their fragments granted"
dom_exec client "ping -c 2 -W 5 $DD_IP" >/dev/null ||
	fail "client cannot reach the driver domain"

dom_exec client "insmod /lab/modules/xldrv_blkfront.ko"
wait_dev client /dev/xvda
[ "$(dom_exec client 'basename $(readlink /sys/block/xvda/device/driver/module)')" = xldrv_blkfront ] ||
	fail "client's xvda is not driven by xldrv_blkfront"
# No I/O scheduler by default (docs/frontends.md), one can be chosen.
sched=$(dom_exec client "cat /sys/block/xvda/queue/scheduler")
[[ $sched == *"[none]"* ]] ||
	fail "client: xvda's I/O scheduler is not none by default: $sched"
dom_exec client "echo mq-deadline >/sys/block/xvda/queue/scheduler && grep -qF '[mq-deadline]' /sys/block/xvda/queue/scheduler && echo none >/sys/block/xvda/queue/scheduler" ||
	fail "client: xvda's I/O scheduler cannot be changed"
check_client_disk client /dev/xvda dd /dev/sda1
check_client_fio_ext4 client /dev/xvda

wait_dev client /dev/xvdb
dom_exec client "dmesg | grep -q 'xvdb, .*untrusted backend: bounce pages'" ||
	fail "client: xldrv_blkfront does not bounce xvdb's data"
dom_exec client "dmesg | grep -q 'xvda, .*bounce'" &&
	fail "client: xldrv_blkfront bounces xvda's data (trusted backend)"
check_client_disk client /dev/xvdb dd /dev/sda2
check_client_fio client /dev/xvdb 8M
errs=$(dom_exec client "dmesg | grep -ciE 'I/O error|xldrv.*(protocol|refused|bad)' || true")
dom_exec client "dmesg | grep -i xldrv | tail -n 10"
[ "$errs" = 0 ] || fail "client: the kernel logged $errs errors"
