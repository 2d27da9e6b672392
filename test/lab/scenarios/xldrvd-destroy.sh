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

xldrvd_stock_client

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
xldrvd_stock_client_replumbed "$new" "$start"
log "client's disk and NIC work through dd domid $new"
xldrvd_show_log
