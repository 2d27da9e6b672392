# SPDX-License-Identifier: GPL-2.0
# dd-devices: the driver domains of both layouts in xen-configs/ boot with
# the passed-through e1000 and AHCI controller, Linux's unmodified e1000
# and ahci drivers bind, the NIC carries traffic to the outside peer, and
# the disk reads back the pattern written into the image before boot.
# lab-timeout: 420

peer_setup

log "consolidated layout: one driver domain for NIC and disk"
dom_create consolidated/dd.cfg
dd_devices dd nic disk
dom_exec dd "ip addr add $DD_IP/$NETMASK dev eth0"
check_peer_traffic dd
check_pattern dd /dev/sda3
dom_kill dd

log "isolated layout: one driver domain per device"
dom_start isolated/netdd.cfg
dom_start isolated/blkdd.cfg
dom_wait netdd
dom_wait blkdd
dd_devices netdd nic
dd_devices blkdd disk
dom_exec netdd "test ! -e /sys/block/sda" || fail "netdd sees a disk"
dom_exec blkdd "test ! -e /sys/class/net/eth0" || fail "blkdd sees a NIC"
dom_exec netdd "ip addr add $DD_IP/$NETMASK dev eth0"
check_peer_traffic netdd
check_pattern blkdd /dev/sda3
# No destroy at the end: the machine powers off (dd-recreate tests destroy).
