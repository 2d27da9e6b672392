# SPDX-License-Identifier: GPL-2.0
# xldrvd-hostile-xenstore: the driver domain is untrusted.  Its own
# xenstore tree is all it can write; from there it feeds xldrvd garbage
# heartbeats, huge values, other domains' paths and a flood of writes.
# xldrvd refuses each value (counted, logged with a rate limit), keeps
# answering its socket, and restarts nothing: the mappers' real beats go
# on.  A well-formed device error is the one thing that does restart it.
#
#   dd: xenstore-write data/xldrv/{heartbeat,error} --> dom0: xldrvd
# lab-timeout: 480

xldrvd_conf "heartbeat-timeout = 10"
xldrvd_start
old=$(xldrvd_serving)
hb=data/xldrv/heartbeat
err=data/xldrv/error
# From inside dd, relative paths: its own home.  (No backslash in a
# dom_exec command: awk and tr make the odd bytes.)
dom_exec dd "
	xenstore-write $hb ' -1'; xenstore-write $hb '12 34'; xenstore-write $hb 0x10
	xenstore-write $hb 123456789012345678901234567890
	xenstore-write $hb \$(head -c 3000 /dev/zero | tr -c 7 7)
	xenstore-write $err '/local/domain/0/name reboot-dom0'
	xenstore-write $err '../../0/backend broken'
	xenstore-write $err eth0
	xenstore-write $err \"eth0 \$(awk 'BEGIN { printf \"a%cb\", 1 }')\"
	xenstore-write $err \"\$(head -c 2000 /dev/zero | tr -c x x) y\"
	xenstore-write data/xldrv/other /local/domain/0
	xenstore-rm $hb
	true"
# A flood: writes for 20 s, as fast as dd can make them (each one a round
# trip to dom0's xenstored and a watch event for xldrvd; slow under TCG),
# in batches of 50 per xenstore-write, while dom0 keeps asking xldrvd.
dom_spawn dd flood "n=0; end=\$((SECONDS + 20)); while ((SECONDS < end)); do a=(); for ((i = 0; i < 50; i++)); do a+=($hb x\$n.\$i); done; xenstore-write \"\${a[@]}\" || exit 1; n=\$((n + 50)); done; echo \"flood: \$n writes\""
slow=0
for i in $(seq 20); do
	t=$(now)
	timeout 5 xldrv-ctl status dd >/dev/null ||
		fail "xldrvd did not answer during the flood"
	! awk -v a="$t" -v b="$(now)" 'BEGIN { exit !(b - a > 2) }' ||
		slow=$((slow + 1))
	sleep 0.5
done
[ $slow -le 2 ] ||
	fail "xldrvd took over 2 s to answer $slow times in 20 during the flood"
flood=$(dom_reap -t 120 dd flood) || fail "the flood in dd failed: $flood"
log "$flood in 20 s"
kill -0 "$XLDRVD_PID" || fail "xldrvd died"
invalid=$(xldrvd_field invalid-values)
[ "${invalid:-0}" -ge 5 ] || fail "xldrvd refused only ${invalid:-0} values"
log "xldrvd refused $invalid values from dd"
# The mappers beat on; nothing was restarted, no other domain touched.
sleep 6
[ "$(domid dd)" = "$old" ] || fail "dd was restarted by garbage"
[ "$(xldrvd_field restarts)" = 0 ] || fail "xldrvd restarted dd for garbage"
[ "$(xldrvd_field state)" = running ] || fail "dd is $(xldrvd_field state)"
xl list | grep -q '^Domain-0' || fail "dom0 is gone?"
# A well-formed device error is acted on: the one lever dd has, by design.
# Posted, not awaited: xldrvd pauses dd as soon as it reads the report,
# often before dd's agent could say it ran the write (even in the
# background, as dom_spawn does: that failed in CI).
dom_post dd "xenstore-write $err 'eth0 transmit timeouts do not clear'"
xldrvd_wait_event 30 'detected device-error' >/dev/null ||
	fail "a well-formed device error was not acted on"
xldrvd_serving 240 >/dev/null
log "garbage refused, a real device error restarted dd"
xldrvd_show_log
