# SPDX-License-Identifier: GPL-2.0
# xldrvd-policy: a driver domain that keeps dying is restarted max-restarts
# times within the window, with backoff between, and then given up: left
# alone, `status` says given-up, and only the operator brings it back.
# Restarted within a minute of its death, it takes a new domid (libxl
# lends a domid again only after a minute) without asking for the old one
# first; the operator's restart, over a minute after, gets the old domid
# and the PCI devices with it.
#
#   dom0: xldrvd (max-restarts 2, window 600 s) --> dd, destroyed 3 times
#   (dom_kill: how it dies does not matter here)
# (The first start of dd, by xldrvd itself, is no restart: see xldrvd(8).)
# lab-timeout: 600

xldrvd_conf "heartbeat-timeout = 10" "max-restarts = 2" "window = 600" \
	"backoff-initial-ms = 2000"
xldrvd_start
xldrvd_serving >/dev/null
for n in 1 2; do
	dom_kill dd
	xldrvd_wait_event 30 "detected destroyed" >/dev/null
	xldrvd_serving 240 >/dev/null
	[ "$(xldrvd_field restarts)" = $n ] ||
		fail "after death $n xldrvd counts $(xldrvd_field restarts) restarts"
	log "death $n: restarted ($(xldrvd_field restarts-in-window) in the window)"
done
xldrvd_events | grep -E 'backoff' ||
	fail "the second restart in the window came without backoff"
old_id=$(domid dd) || fail "no dd before its third death"
dom_kill dd
killed=$SECONDS
xldrvd_wait_event 60 'given up' >/dev/null
[ "$(xldrvd_field state)" = given-up ] ||
	fail "status says $(xldrvd_field state), not given-up"
xldrv-ctl status dd
# Left alone: no domain comes back by itself.
sleep 10
! xl domid dd >/dev/null 2>&1 || fail "a given-up dd was created again"
# Until the operator says otherwise: a minute after dd's domid went, so
# that libxl lends it again.
wait=$((63 - (SECONDS - killed)))
[ $wait -le 0 ] || sleep $wait
xldrv-ctl restart dd --wait --timeout 240 ||
	fail "xldrv-ctl restart of a given-up dd failed"
[ "$(xldrvd_field state)" = running ] || fail "dd not running after the operator's restart"
new_id=$(domid dd) || fail "no dd after the operator's restart"
if [ "$new_id" != "$old_id" ]; then
	xldrvd_show_log
	fail "restarted $((SECONDS - killed)) s after domid $old_id went, dd got domid $new_id"
fi
dd_devices dd nic disk >/dev/null
# The quick restarts did not ask for a domid libxl would refuse.
if grep -q 'not available; creating with any domid' $XLDRVD_LOG; then
	xldrvd_show_log
	fail "xldrvd asked libxl for a domid it still withholds"
fi
log "given up after 2 restarts; the operator's restart brought dd back as domid $new_id, its devices with it"
xldrvd_show_log
