# SPDX-License-Identifier: GPL-2.0
# xldrvd-self-restart: `kill -9` of xldrvd, and a new one: it finds dd
# running from xenstore and its state file and leaves it alone (same
# domid, no restart), and it still handles the next failure.  Then a dd
# given up at its death, xldrvd killed and started again, and the
# operator's restart within the minute libxl withholds the gone domid: the
# new xldrvd knows from the state file when it went, and does not ask
# for it.
#
#   dom0: xldrvd (killed) ... xldrvd (new) --> dd (untouched), then destroyed
#         xldrvd (restart = never; killed) ... xldrvd (new) --> dd, given up
# lab-timeout: 600

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

kill -9 "$XLDRVD_PID"
wait "$XLDRVD_PID" 2>/dev/null || true
xldrvd_conf "heartbeat-timeout = 10" "restart = never"
xldrvd_start
xldrvd_serving >/dev/null
xl destroy dd
killed=$SECONDS
xldrvd_wait_event 60 'given up' >/dev/null
kill -9 "$XLDRVD_PID"
wait "$XLDRVD_PID" 2>/dev/null || true
xldrvd_start
[ "$(xldrvd_field state)" = given-up ] ||
	fail "the new xldrvd has the given-up dd $(xldrvd_field state)"
took=$((SECONDS - killed))
[ $took -lt 50 ] ||
	fail "the operator's restart comes $took s after the death, not well within libxl's minute: nothing to show"
xldrv-ctl restart dd --wait --timeout 240 ||
	fail "xldrv-ctl restart of the given-up dd failed"
if grep -q 'not available; creating with any domid' $XLDRVD_LOG ||
	! grep -q "domid $new gone .* creating with any domid" $XLDRVD_LOG; then
	xldrvd_show_log
	fail "restarted after its own restart, xldrvd asked libxl for domid $new, gone $took s before"
fi
log "a new xldrvd, $took s after domid $new went, created dd as domid $(domid dd) without asking for it"
xldrvd_show_log
