# SPDX-License-Identifier: GPL-2.0
# xldrvd-panic: a kernel panic in the driver domain (sysrq c: what an oops
# in a reused driver with panic_on_oops comes to) is reported by Xen as a
# crash shutdown; xldrvd restarts dd, which serves again.
#
#   dom0: xldrvd <--libxl shutdown event (crash)-- dd: panic
# lab-timeout: 480
# lab-default: no
# (frontend-blk-panic makes these checks under load: the panic found by
# its own sign, the reason in the status, the client served again.)

xldrvd_conf "heartbeat-timeout = 10"
xldrvd_start
old=$(xldrvd_serving)
start=$(now)
dom_panic dd
detected=$(xldrvd_wait_event 60 'detected crash')
lab_time detect.panic "$(since "$start")"
log "xldrvd: $detected"
new=$(xldrvd_serving 240)
lab_time serve.panic "$(since "$start")"
xldrvd_restarted_for crash
grep -q 'Kernel panic' /var/log/xen/console/guest-dd.log 2>/dev/null &&
	log "dd's console shows the panic" || true
dd_devices dd nic disk >/dev/null
log "panicked dd (domid $old) replaced by domid $new, drivers bound"
xldrvd_show_log
