# SPDX-License-Identifier: GPL-2.0
# xldrvd-isolated: the isolated layout (xen-configs/isolated/, one driver
# domain per device, as in the L4Ka evaluation) under one xldrvd: netdd
# serves the NIC with xldrv_netmap, blkdd the disk with xldrv_blkmap, and
# a client on xldrv's frontends uses both while fio verifies its disk.
# netdd is destroyed, later blkdd panics: each time xldrvd restarts that
# driver domain alone and moves only its devices.  The other one keeps
# its domid and its count of no new restart, its client device never
# loses its backend (same backend-id, no "backend gone" in the client's
# log), and xldrvd names it in no restart or re-plumb.  Last, both are
# destroyed at once and restarted side by side.  At the end fio found no
# verify error, the client has the same xvda and eth0, data lands on
# blkdd's sda1 and the peer answers.
#
#   dom0: xldrvd --libxl--> netdd (e1000; netmap)   <- xl destroy; both
#                     `---> blkdd (ahci; blkmap)    <- kernel panic; both
#                             vif ^      ^ vbd
#                   client (xldrv_netfront eth0, xldrv_blkfront xvda: fio)
# lab-timeout: 600

# Per driver domain: its domid, the restarts it has had, and the client
# device it serves.
declare -gA ID RESTARTS DEV
DEV[netdd]="vif 0"
DEV[blkdd]="vbd 51712"

# kept_backend DD: the client's device in DD still has its backend there,
# in domain ID[DD], Connected, and lost it only at DD's own restarts
# (RESTARTS[DD]), which xldrvd counts too.
kept_backend() {
	local dd=$1 kind dev fe n
	read -r kind dev <<<"${DEV[$dd]}"
	fe=/local/domain/$cid/device/$kind/$dev
	[ "$(domid "$dd")" = "${ID[$dd]}" ] ||
		fail "$dd is domid $(domid "$dd"), not ${ID[$dd]}"
	[ "$(xldrvd_field restarts "$dd")" = "${RESTARTS[$dd]}" ] ||
		fail "xldrvd counts $(xldrvd_field restarts "$dd") restarts of $dd, not ${RESTARTS[$dd]}"
	[ "$(xenstore-read "$fe/backend-id")" = "${ID[$dd]}" ] ||
		fail "the client's $kind $dev has backend $(xenstore-read "$fe/backend-id"), not $dd (${ID[$dd]})"
	[ "$(xenstore-read "$fe/state")" = 4 ] ||
		fail "the client's $kind $dev is in state $(xenstore-read "$fe/state"), not Connected"
	n=$(dom_exec client "dmesg | grep -c 'device/$kind/$dev: backend gone' || true")
	[ "$n" = "${RESTARTS[$dd]}" ] ||
		fail "the client's $kind $dev lost its backend $n times, not ${RESTARTS[$dd]}"
	log "$dd (domid ${ID[$dd]}) kept the client's $kind $dev throughout"
}

# dd_back DD OLD REASON: xldrvd restarts DD (domid OLD until it failed)
# for REASON and moves the client's device in it to the new one.
dd_back() {
	local dd=$1 old=$2 reason=$3 kind dev
	read -r kind dev <<<"${DEV[$dd]}"
	wait_for 120 "xldrvd to act on $dd" \
		eval '[ "$(xldrvd_field busy $dd)" != 0 ] || [ "$(domid $dd 2>/dev/null)" != "$old" ]'
	ID[$dd]=$(xldrvd_serving 240 "$dd")
	[ "${ID[$dd]}" != "$old" ] || fail "$dd kept domid $old"
	wait_backend_moved "$cid" "$kind" "$dev" "${ID[$dd]}"
	log "$dd: domid $old -> ${ID[$dd]}; the client's $kind $dev moved to it"
	RESTARTS[$dd]=$((RESTARTS[$dd] + 1))
	xldrvd_restarted_for "$reason" "${RESTARTS[$dd]}" "$dd"
}

# dd_fails DD HOW REASON OTHER: DD fails by HOW (destroy, panic); xldrvd
# restarts it for REASON and moves the client's device in it to the new
# one, while OTHER keeps its own; the peer answers the client after.
dd_fails() {
	local dd=$1 how=$2 reason=$3 other=$4 old=${ID[$1]}
	case $how in
	destroy) xl destroy "$dd" && log "$dd (domid $old) destroyed" ;;
	panic) dom_panic "$dd" ;;
	esac
	dd_back "$dd" "$old" "$reason"
	kept_backend "$other"
	dom_exec client "ping -c 3 -W 5 $PEER_IP" >/dev/null ||
		fail "client cannot ping the peer after $dd's restart"
}

peer_setup
xldrvd_conf_isolated "heartbeat-timeout = 6"
xldrvd_start
ID[netdd]=$(xldrvd_serving 180 netdd)
ID[blkdd]=$(xldrvd_serving 180 blkdd)
RESTARTS[netdd]=0
RESTARTS[blkdd]=0
first="netdd ${ID[netdd]}, blkdd ${ID[blkdd]}"
xldrv-ctl list
# Each driver domain has its own device and mapper, not the other's.
[ "$(dom_exec netdd "grep -oE '^xldrv_[a-z]+' /proc/modules")" = xldrv_netmap ] ||
	fail "netdd runs other mappers than xldrv_netmap"
[ "$(dom_exec blkdd "grep -oE '^xldrv_[a-z]+' /proc/modules")" = xldrv_blkmap ] ||
	fail "blkdd runs other mappers than xldrv_blkmap"

xldrv_client isolated/client.cfg netdd blkdd "ramdisk=\"$(fio_ramdisk)\"" memory=512
cid=$(domid client)
fio_verify_spawn client /dev/xvda
sleep 5
# The disk goes on through blkdd, untouched; then the other way round.
dd_fails netdd destroy destroyed blkdd
sleep 5
dd_fails blkdd panic crash netdd
sleep 5
# Both at once: xldrvd restarts them side by side, each with its device.
old_net=${ID[netdd]}
old_blk=${ID[blkdd]}
xl destroy netdd &
xl destroy blkdd
wait $! || fail "xl destroy netdd failed"
log "netdd ($old_net) and blkdd ($old_blk) destroyed together"
dd_back netdd "$old_net" destroyed
dd_back blkdd "$old_blk" destroyed
dom_exec client "ping -c 3 -W 5 $PEER_IP" >/dev/null ||
	fail "client cannot ping the peer after both restarts"

# Which devices xldrvd named for each restart: only the failed domain's.
xldrvd_events | grep -E 'kept|re-?plumb'
! xldrvd_events | grep -qE 'netdd: .*vbd|blkdd: .*vif' ||
	fail "xldrvd named another driver domain's device in a restart"
for dd in netdd blkdd; do
	read -r kind dev <<<"${DEV[$dd]}"
	[ "$(xldrvd_events | grep -cE "$dd: client client .* $kind $dev: kept")" = 2 ] &&
		[ "$(xldrvd_events | grep -cE "$dd: re-plumbed client client .* $kind $dev: backend moved")" = 2 ] ||
		fail "xldrvd did not keep and move the $kind once at each of $dd's 2 restarts"
done

sleep 5
fio_verify_reap client
check_no_io_errors client
xldrv_client_same
check_client_disk client /dev/xvda blkdd /dev/sda1
check_peer_data client
log "client: served through the restarts: at first $first, now netdd ${ID[netdd]}, blkdd ${ID[blkdd]}"
xldrv-ctl --json status
xldrvd_show_log
