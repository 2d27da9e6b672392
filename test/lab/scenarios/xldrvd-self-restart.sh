# SPDX-License-Identifier: GPL-2.0
# xldrvd-self-restart: `kill -9` of xldrvd, and a new one: it finds dd
# running from xenstore and its state file and leaves it alone (same
# domid, no restart), and it still handles the next failure.
#
#   dom0: xldrvd (killed) ... xldrvd (new) --> dd (untouched), then destroyed
# lab-timeout: 480

xldrvd_conf "heartbeat-timeout = 10"
xldrvd_start
old=$(xldrvd_serving)
kill -9 "$XLDRVD_PID"
wait "$XLDRVD_PID" 2>/dev/null || true
log "xldrvd killed; dd (domid $old) runs on without it"
xldrvd_start
# A few heartbeat periods: time for a spurious restart to show.
sleep 8
[ "$(domid dd)" = "$old" ] || fail "dd was replaced (domid $old -> $(domid dd))"
[ "$(xldrvd_field state)" = running ] || fail "new xldrvd has dd $(xldrvd_field state)"
[ "$(xldrvd_field restarts)" = 0 ] ||
	fail "new xldrvd counts $(xldrvd_field restarts) restarts"
! xldrvd_events | grep -E 'restarting|detected' ||
	fail "the new xldrvd acted on a healthy dd"
[ -n "$(xldrvd_field heartbeat-age-ms)" ] ||
	fail "the new xldrvd sees no heartbeat"
log "new xldrvd took dd (domid $old) as it was"
dom_kill dd
xldrvd_wait_event 30 'detected destroyed' >/dev/null
new=$(xldrvd_serving 240)
log "the next failure is handled: dd back as domid $new"
xldrvd_show_log
