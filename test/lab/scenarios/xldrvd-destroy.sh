# SPDX-License-Identifier: GPL-2.0
# xldrvd-destroy: `xl destroy` of the driver domain while a client uses its
# disk and its NIC.  xldrvd notices (libxl's death event, @releaseDomain),
# creates dd again from its xl config, with its domid where Xen allows and
# the e1000 and AHCI controller assigned again; the new dd binds its
# drivers and loads the mappers by itself; at its first heartbeat xldrvd
# re-plumbs the client's vbd and vif to it.  The client's stock frontends
# then get a disk and a NIC again that work end to end: data written
# through the new dd lands on sda1, pings reach the peer.
#
#   dom0: xldrvd --libxl--> dd (e1000, ahci; blkmap, netmap)
#                            ^ vbd sda1, vif eth0
#                          client (xen-blkfront, xen-netfront)
# lab-timeout: 600

peer_setup
xldrvd_conf "heartbeat-timeout = 10"
xldrvd_start
old=$(xldrvd_serving)
log "xldrvd created dd as domid $old"

dom_create consolidated/client.cfg \
	"vif=[\"backend=dd,bridge=eth0,mac=$CLIENT_MAC,ip=$CLIENT_IP\"]"
dom_exec client "modprobe xen-blkfront"
wait_dev client /dev/xvda
dom_exec client "client-net $CLIENT_IP/$NETMASK"
check_client_disk client /dev/xvda dd /dev/sda1
dom_exec client "ping -c 3 -W 5 $PEER_IP" >/dev/null ||
	fail "client cannot ping the peer before the restart"

start=$(now)
xl destroy dd
lab_time xl-destroy "$(since "$start")"
# The domain dies at the end of `xl destroy` (after its PCI devices
# are taken away): from there on it is xldrvd's time.
start=$(now)
detected=$(xldrvd_wait_event 30 'detected (destroyed|crash|shutdown)')
lab_time detect.destroy "$(since "$start")"
log "xldrvd: $detected"
new=$(xldrvd_serving 240)
log "dd is back as domid $new (was $old): $(xldrvd_events | grep -E 'restarted in' | tail -n1)"
xldrvd_restarted_for destroyed

# The client's devices, served by the new dd.
xldrvd_wait_event 120 're-?plumbed.*client.*vbd' >/dev/null
xldrvd_wait_event 120 're-?plumbed.*client.*vif' >/dev/null
wait_dev client /dev/xvda
lab_time serve.blk "$(since "$start")"
be=/local/domain/$new/backend/vbd/$(domid client)/51712
wait_for 60 "the new dd's blkmap to connect the client's disk" \
	eval '[ "$(xenstore-read $be/state 2>/dev/null)" = 4 ]'
check_client_disk client /dev/xvda dd /dev/sda1
# A new eth0 (the stock netfront's old one went with the old vif).
dom_exec client "client-net $CLIENT_IP/$NETMASK"
dom_exec client "ping -c 3 -W 5 $PEER_IP" >/dev/null ||
	fail "client cannot ping the peer through the new dd"
lab_time serve.net "$(since "$start")"
log "client's disk and NIC work through dd domid $new"
xldrvd_show_log
