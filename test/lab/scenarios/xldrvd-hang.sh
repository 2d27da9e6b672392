# SPDX-License-Identifier: GPL-2.0
# xldrvd-hang: a driver domain that stops (`xl pause`: nothing in it runs,
# as in a hard lockup of a reused driver) is found by its missing
# heartbeat, not by any domain event: Xen still has it running.  xldrvd
# destroys what is left, creates it again, and the new dd beats again.
#
#   dom0: xldrvd (heartbeat-timeout 6 s) <--xenstore-- dd: mappers' beat
# lab-timeout: 480
# lab-default: no
# (frontend-blk-panic makes these checks under load: the hang found by
# its own sign, the reason in the status, the client served again.)

xldrvd_conf "heartbeat-timeout = 6"
xldrvd_start
old=$(xldrvd_serving)
# Paused, the domain still exists: no death or shutdown event comes.
start=$(now)
xl pause dd
detected=$(xldrvd_wait_event 30 'detected hang')
took=$(since "$start")
lab_time detect.hang "$took"
log "xldrvd: $detected"
# Not before the timeout: a beat every 2 s, 6 s without one.
awk -v t="$took" 'BEGIN { exit !(t >= 5) }' ||
	fail "hang reported after ${took}s, before the 6 s heartbeat timeout"
new=$(xldrvd_serving 240)
lab_time serve.hang "$(since "$start")"
xldrvd_restarted_for hang
dd_devices dd nic disk >/dev/null
log "hung dd (domid $old) replaced by domid $new, which beats and drives its devices"
xldrvd_show_log
