# SPDX-License-Identifier: GPL-2.0
# xldrvd-ctl-restart: an operator's `xldrv-ctl restart dd --wait` returns 0
# once the new dd serves (running, heartbeat seen), not before; `status
# --json` then shows one restart, its reason and its times, and the new
# dd does serve: both mappers loaded and its disk and NIC driven.  A
# client on xldrv's frontends rides through it as through a failure:
# xldrvd moves its vbd and vif to the new dd, the same xvda and eth0 work
# again (data found on sda1, the peer answers).
#
#   dom0: xldrv-ctl --unix socket--> xldrvd --libxl--> dd
#                                                      ^ vbd, vif (moved)
#                                   client (xldrv_blkfront, xldrv_netfront)
# lab-timeout: 480

peer_setup
xldrvd_conf "heartbeat-timeout = 10"
xldrvd_start
old=$(xldrvd_serving)
xldrv_client consolidated/client.cfg dd dd
cid=$(domid client)

# Refused: a domain xldrvd does not supervise, and a bad option.
rc=0
xldrv-ctl restart nosuchdomain --wait >/tmp/ctl.out 2>&1 || rc=$?
[ $rc != 0 ] || fail "xldrv-ctl restart of an unknown domain succeeded"
log "restart nosuchdomain: exit $rc: $(cat /tmp/ctl.out)"
rc=0
xldrv-ctl restart dd --bogus >/tmp/ctl.out 2>&1 || rc=$?
[ $rc = 2 ] || fail "xldrv-ctl with a bad option exited $rc, not 2"

start=$(now)
xldrv-ctl restart dd --wait --timeout 240 --json >/tmp/ctl.out ||
	fail "xldrv-ctl restart dd --wait exited $?: $(cat /tmp/ctl.out)"
lab_time ctl-restart "$(since "$start")"
cat /tmp/ctl.out
# It returned when dd served: running, with a heartbeat, from a new domain.
[ "$(xldrvd_field state)" = running ] ||
	fail "restart --wait returned with dd $(xldrvd_field state)"
[ -n "$(xldrvd_field heartbeat-age-ms)" ] ||
	fail "restart --wait returned before dd's first heartbeat"
new=$(domid dd)
wait_for 60 "agent of the new dd" agent_ready dd
# The first beat is the first mapper's: dd loads netmap as soon as its
# NIC is there, blkmap once the disk is (domu/init).
mods=
for _ in $(seq 30); do
	mods=$(dom_exec dd "grep -oE '^xldrv_(blk|net)map' /proc/modules | sort | tr '\n' ' '")
	[ "$mods" != "xldrv_blkmap xldrv_netmap " ] || break
	sleep 1
done
[ "$mods" = "xldrv_blkmap xldrv_netmap " ] ||
	fail "the new dd runs mappers '$mods' (30 s after restart --wait returned)"
dd_devices dd nic disk >/dev/null

xldrv-ctl status dd --json >/tmp/status.json
cat /tmp/status.json
grep -qE '"restarts": 1,' /tmp/status.json ||
	fail "status --json does not count 1 restart"
grep -qE '"reason": *"operator"' /tmp/status.json ||
	fail "status --json does not give the reason (operator)"
# (That the output is JSON is the unit tests' job, test/unit/xldrvd_ctl_test.)
for k in last_failure_ms last_restarted_ms last_restart_duration_ms; do
	grep -q "\"$k\"" /tmp/status.json || fail "status --json has no $k"
done
log "restarted by the operator: domid $old -> $new"

# The client's devices, kept and moved, not replugged.
for dev in "vbd 51712" "vif 0"; do
	xldrvd_events | grep -qE "client client \(domid $cid\) $dev: kept" ||
		fail "xldrvd did not keep the client's $dev for its frontend"
	# shellcheck disable=SC2086
	wait_backend_moved "$cid" $dev "$new"
done
xldrv_client_same
check_client_disk client /dev/xvda dd /dev/sda1
dom_exec client "ping -c 3 -W 5 $PEER_IP" >/dev/null ||
	fail "client cannot ping the peer through the new dd"
xldrvd_show_log
