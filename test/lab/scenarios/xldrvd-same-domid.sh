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

xldrvd_stock_client

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

xldrvd_stock_client_replumbed "$new"
log "dd back as domid $new, the one it had; the client's disk and NIC work through it"
xldrvd_show_log
