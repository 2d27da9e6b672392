# SPDX-License-Identifier: GPL-2.0
# xldrvd-device-error: the NIC dies under its unmodified driver while the
# driver domain itself stays healthy (it keeps beating).  The e1000 loses
# its bus mastering (pci-busmaster in dd, a write through pcifront that
# e1000 does not know of), so it transmits nothing more: its ring fills,
# e1000 finds a "Tx Unit Hang" and stops its queue.  xldrv_netmap sees the
# queue stopped with the link up and no packet sent for 15 s and reports
# the NIC in data/xldrv/error ("eth0 transmit stalled"); xldrvd
# restarts dd for a device error, and the client's network works again
# through the new dd, whose e1000 probe enables bus mastering afresh.
#
#   dom0: xldrvd --libxl--> dd (e1000: bus master off; netmap)
#                            ^ vif eth0           |
#                          client --udp--> peer (nothing arrives)
# lab-timeout: 600

peer_setup
xldrvd_conf "heartbeat-timeout = 10"
xldrvd_start
old=$(xldrvd_serving)
log "xldrvd created dd as domid $old"

dom_create consolidated/client.cfg 'disk=[]' \
	"vif=[\"backend=dd,bridge=eth0,mac=$CLIENT_MAC,ip=$CLIENT_IP\"]"
dom_exec client "client-net $CLIENT_IP/$NETMASK"
dom_exec client "ping -c 3 -W 5 $PEER_IP" >/dev/null ||
	fail "client cannot ping the peer before the NIC fails"

out=$(dom_exec dd "pci-busmaster 0x0200 off") ||
	fail "dd: cannot clear the NIC's bus master bit: $out"
log "dd: $out"
start=$(now)
# Frames for the NIC, so that its transmit queue fills and stops: UDP to
# the peer from a shell loop, until /tmp/stop (or 10 minutes).
dom_spawn client udp "end=\$((SECONDS + 600)); while [ ! -e /tmp/stop ] &&
	[ \$SECONDS -lt \$end ]; do
	echo x >/dev/udp/$PEER_IP/9 2>/dev/null || sleep 0.01; done"

detected=$(xldrvd_wait_event 120 'detected device-error')
lab_time detect.device-error "$(since "$start")"
log "xldrvd: $detected"
echo "$detected" | grep -qE 'eth0: transmit (stalled|timeouts do not clear)' ||
	fail "the report does not name eth0's transmit: $detected"
new=$(xldrvd_serving 240)
[ "$(xldrvd_field reason)" = device-error ] ||
	fail "status gives reason $(xldrvd_field reason), not device-error"
log "dd is back as domid $new (was $old)"
dom_exec client "touch /tmp/stop"
dom_reap client udp >/dev/null

xldrvd_wait_event 120 're-?plumbed.*client.*vif' >/dev/null
dom_exec client "client-net $CLIENT_IP/$NETMASK"
dom_exec client "ping -c 3 -W 5 $PEER_IP" >/dev/null ||
	fail "client cannot ping the peer through the new dd"
lab_time serve.net "$(since "$start")"
log "client's network works again through dd domid $new"
xldrvd_show_log
