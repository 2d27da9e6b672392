# SPDX-License-Identifier: GPL-2.0
# xldrvd-same-domid: a driver domain given up at its death and restarted by
# the operator over a minute later comes back under its old domid (libxl
# lends it again then, and xldrvd clears what pciback left under it), and
# its client's stock frontends are re-plumbed to a backend of the same
# domid as before: the stale ones removed first, so that the new dd finds
# none of the old backend nodes, then added again; disk and NIC work.
#
#   dom0: xldrvd (restart = never) --libxl--> dd (e1000, ahci; mappers)
#                                               ^ vbd sda1, vif eth0
#                                             client (xen-blkfront, xen-netfront)
# lab-timeout: 600
# lab-default: no
# Not in `make check`: xldrvd-policy shows the old domid coming back (with
# the devices), xldrvd-destroy the re-plumbing under a new one; this is
# both at once, for a change to either.

peer_setup
xldrvd_conf "heartbeat-timeout = 10" "restart = never"
xldrvd_start
old=$(xldrvd_serving)
log "xldrvd created dd as domid $old"

dom_create consolidated/client.cfg \
	"vif=[\"backend=dd,bridge=eth0,mac=$CLIENT_MAC,ip=$CLIENT_IP\"]"
dom_exec client "modprobe xen-blkfront"
wait_dev client /dev/xvda
dom_exec client "client-net $CLIENT_IP/$NETMASK"
check_client_disk client /dev/xvda dd /dev/sda1

xl destroy dd
killed=$SECONDS
xldrvd_wait_event 60 'given up' >/dev/null
wait=$((63 - (SECONDS - killed)))
[ $wait -le 0 ] || sleep $wait
xldrv-ctl restart dd --wait --timeout 240 ||
	fail "xldrv-ctl restart of the given-up dd failed"
new=$(domid dd) || fail "no dd after the operator's restart"
if [ "$new" != "$old" ]; then
	xldrvd_show_log
	fail "restarted $((SECONDS - killed)) s after domid $old went, dd got domid $new"
fi
dd_devices dd nic disk >/dev/null

xldrvd_wait_event 120 're-?plumbed.*client.*vbd' >/dev/null
xldrvd_wait_event 120 're-?plumbed.*client.*vif' >/dev/null
wait_dev client /dev/xvda
be=/local/domain/$new/backend/vbd/$(domid client)/51712
wait_for 60 "the new dd's blkmap to connect the client's disk" \
	eval '[ "$(xenstore-read $be/state 2>/dev/null)" = 4 ]'
check_client_disk client /dev/xvda dd /dev/sda1
dom_exec client "client-net $CLIENT_IP/$NETMASK"
dom_exec client "ping -c 3 -W 5 $PEER_IP" >/dev/null ||
	fail "client cannot ping the peer through the new dd"
log "dd back as domid $new, the one it had; the client's disk and NIC work through it"
xldrvd_show_log
