# SPDX-License-Identifier: GPL-2.0
#
# The library lab scenarios are written against.  Sourced by dom0-run; a
# scenario (test/lab/scenarios/NAME.sh) runs in dom0 under bash with
# `set -eE -o pipefail`, so any failing command fails it with its line.
#
# Domains are driven over xenstore, not the network the tests exercise:
# every lab guest runs an agent (test/lab/domu/agent) that executes the
# command dom0 writes to /local/domain/<id>/data/xldrv-lab/cmd and answers
# with rc and the tail of the output.

LAB_CONFIGS=/usr/share/xldrv/xen-configs
LAB_IMAGES=/var/lib/xldrv
LAB_FAIL=/tmp/lab-fail-reason

# Addresses on the lab's emulated link (a QEMU hub with no host netdev, so
# none of this traffic can leave QEMU): TEST-NET-1.
PEER_IP=192.0.2.1
DD_IP=192.0.2.2
CLIENT_IP=192.0.2.11
CLIENT2_IP=192.0.2.12
NETMASK=24
# The clients' MACs, as in their configs (xen-configs/consolidated).
CLIENT_MAC=00:16:3e:58:00:11
CLIENT2_MAC=00:16:3e:58:00:12

log() {
	echo "XLDRV-LAB: $*"
}

now() {
	cut -d' ' -f1 /proc/uptime
}

# Seconds elapsed since a `now` reading, to 0.1 s.
since() {
	awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'
}

# A measured time, in a form test/lab/run collects and docs/lab.md quotes.
lab_time() {
	echo "XLDRV-LAB-TIME: $1=${2}s"
}

fail() {
	[ -s $LAB_FAIL ] || echo "$*" >$LAB_FAIL
	log "FAIL: $*"
	exit 1
}

# wait_for SECONDS WHAT COMMAND...: poll COMMAND until it succeeds, every
# LAB_POLL_S seconds (0.2).  Each try forks a few processes, which under
# TCG is CPU dom0 shares with the guests: a benchmark whose waits run
# through what it measures sets it higher.
# The deadline is kept by bash's SECONDS: no fork for the clock.
wait_for() {
	local limit=$1 what=$2 deadline
	shift 2
	deadline=$((SECONDS + limit))
	while ! "$@" >/dev/null 2>&1; do
		((SECONDS <= deadline)) ||
			fail "timed out after ${limit}s waiting for $what"
		sleep "${LAB_POLL_S:-0.2}"
	done
}

# Kernel command line parameter xldrv.NAME of dom0.
param() {
	tr ' ' '\n' </proc/cmdline | sed -n "s/^xldrv\.$1=//p" | tail -n1
}

domid() {
	xl domid "$1" 2>/dev/null
}

agent_ready() {
	local id
	id=$(domid "$1") || return 1
	xenstore-exists "/local/domain/$id/data/xldrv-lab/ready"
}

# dom_create CONFIG [KEY=VALUE...]: create a domain from a config under
# xen-configs/ (relative) or a path, and wait for its agent.  KEY=VALUE
# pairs override the config's, as on xl's command line, e.g.
#   dom_create consolidated/client.cfg "ramdisk=\"$(fio_ramdisk)\"" memory=512
dom_create() {
	dom_start "$@"
	dom_wait "$LAB_STARTED"
}

# dom_start CONFIG [KEY=VALUE...]: the `xl create` half of dom_create, so
# that several domains can boot at once; dom_wait NAME is the other half.
declare -A LAB_START_TIME
dom_start() {
	local cfg=$1 name
	shift
	case $cfg in /*) ;; *) cfg=$LAB_CONFIGS/$cfg ;; esac
	name=$(sed -n 's/^name *= *"\(.*\)".*/\1/p' "$cfg")
	[ -n "$name" ] || fail "no name in $cfg"
	LAB_START_TIME[$name]=$(now)
	xl create "$cfg" "$@" >/tmp/xl-create.log 2>&1 || {
		cat /tmp/xl-create.log
		fail "xl create $cfg failed: $(tail -n1 /tmp/xl-create.log)"
	}
	cat /tmp/xl-create.log
	LAB_STARTED=$name
}

dom_wait() {
	local name=$1
	wait_for 120 "agent of $name" agent_ready "$name"
	lab_time "create-to-agent.$name" "$(since "${LAB_START_TIME[$name]}")"
	log "domain $name (domid $(domid "$name")) is up"
}

# The guests' ramdisk with fio added (some 80 MB of libraries: only for the
# domains that run it).  Prints its path.
fio_ramdisk() {
	local img=$LAB_IMAGES/domu-fio-initrd.img
	[ -f $img ] ||
		cat $LAB_IMAGES/domu-initrd.img $LAB_IMAGES/fio.cpio >$img
	echo $img
}

dom_destroy() {
	xl destroy "$1" || fail "xl destroy $1 failed"
	wait_for 60 "$1 to be gone" sh -c "! xl domid '$1'"
}

# xl_clean ARGS...: `xl ARGS` as a user would run it, at most 60 s: it
# must succeed and log no libxl error.
xl_clean() {
	local out
	out=$(timeout 60 xl "$@" 2>&1) || fail "xl $* failed (or hung): $out"
	! grep -i error <<<"$out" || fail "xl $* logged libxl errors (above)"
}

# dom_destroy_client NAME: `xl destroy` of a client served by dd's
# mappers (libxl waits to read each backend Closed and then for dd to
# remove the backend's directory, as `xl devd` would); afterwards neither
# dd's backend directories for NAME nor its devices on dd's xen-backend
# bus may be left.
dom_destroy_client() {
	local name=$1 id be left t
	id=$(domid "$name")
	be=/local/domain/$(domid dd)/backend
	xl_clean destroy "$name"
	wait_for 60 "$name to be gone" sh -c "! xl domid '$name'"
	for t in vbd vif; do
		! xenstore-exists "$be/$t/$id" ||
			fail "$be/$t/$id is left after xl destroy $name: $(xenstore-ls -f "$be/$t/$id")"
	done
	left=$(dom_exec dd "ls /sys/bus/xen-backend/devices | grep -e '-$id-' || true")
	[ -z "$left" ] ||
		fail "dd: devices of $name (domid $id) still registered: $left"
	log "xl destroy $name (domid $id): no libxl error, dd's backends gone"
}

# dev_detach NAME vbd|vif DEVID XLDEV GONE: `xl block-detach NAME XLDEV`
# or `xl network-detach NAME XLDEV` of a device dd's mappers serve;
# afterwards dd's backend directory for it and its device on dd's
# xen-backend bus must be gone (no `xl devd` in dd: the mapper removes
# its own directory), and within 10 s the path GONE in NAME (its /dev
# node, its /sys/class/net entry).
dev_detach() {
	local name=$1 type=$2 devid=$3 xldev=$4 gone=$5 id be cmd
	id=$(domid "$name")
	be=/local/domain/$(domid dd)/backend/$type/$id/$devid
	case $type in
	vbd) cmd=block-detach ;;
	vif) cmd=network-detach ;;
	*) fail "dev_detach: no device type $type" ;;
	esac
	xl_clean $cmd "$name" "$xldev"
	! xenstore-exists "$be" || fail "$be is left after xl $cmd"
	dom_exec dd "[ ! -e /sys/bus/xen-backend/devices/$type-$id-$devid ]" ||
		fail "dd: $type-$id-$devid is still registered after xl $cmd"
	dom_exec "$name" "for i in \$(seq 100); do [ -e $gone ] || exit 0; sleep 0.1; done; exit 1" ||
		fail "$name: $gone is still there after xl $cmd"
	log "xl $cmd $name $xldev: no libxl error, dd's backend and $name's $gone gone"
}

# dom_kill NAME: `xl destroy` without its PCI unplug: NAME is paused and
# its PCI backend's state node removed first, as xldrvd does (src/dom.c:
# destroy_prepare), so that libxl does not wait up to 10 s per device for
# the guest to answer.  For a domain that is only in the way, or whose
# death is all a scenario needs; what `xl destroy` does to a running
# driver domain is for dom_destroy (dd-recreate, xldrvd-destroy,
# frontend-blk-survives).
dom_kill() {
	local id
	id=$(domid "$1") || fail "no domain $1 to kill"
	xl pause "$1" || fail "xl pause $1 failed"
	xenstore-rm "/local/domain/0/backend/pci/$id/0/state" 2>/dev/null || true
	dom_destroy "$1"
}

# dom_post DOMAIN COMMAND: hand COMMAND to DOMAIN's agent and return at
# once, with no answer awaited: for a command that ends the domain (or
# gets it paused) before its agent could answer.  Its output is lost.
dom_post() {
	local dom=$1 id base
	shift
	id=$(domid "$dom") || fail "no domain $dom"
	base=/local/domain/$id/data/xldrv-lab
	xenstore-write "$base/cmd" "$*" "$base/req" "post.$BASHPID.$EPOCHREALTIME" ||
		fail "cannot post a command to $dom"
	echo "[$dom posted] $*" >&2
}

# dom_exec [-t SECONDS] DOMAIN COMMAND: run COMMAND with bash in DOMAIN.
# Prints its output (at most its last 1500 bytes: xenstore entries are
# small) and returns its exit status.  xenstore-write takes backslashes in
# COMMAND as escapes: "\n" reaches DOMAIN as a newline, "\[" as "[".
#
# The wait is a xenstore watch on the answer, not a poll: a poll of
# xenstore-read, awk and sleep every 0.1 s kept dom0 busy for 13 s of the
# 21 s of a `sleep 20` in a guest, CPU that under TCG is taken from the
# very guests the command runs in; waiting on the watch, 0.9 s.  The
# domain's death removes its xenstore directory, which fires the watch
# and leaves `done` unreadable; it is read again every 10 s besides.
LAB_EXEC_OUT=/tmp/lab-exec.out
dom_exec() {
	local limit=120 dom id base seq rc w wpid ev deadline t got
	if [ "$1" = -t ]; then
		limit=$2
		shift 2
	fi
	dom=$1
	shift
	id=$(domid "$dom") || fail "no domain $dom"
	base=/local/domain/$id/data/xldrv-lab
	# Unique even across the subshells of $(dom_exec ...).
	seq=$BASHPID.$EPOCHREALTIME
	deadline=$((SECONDS + limit))
	# Watched before the request is written; a watch also fires once
	# when it is set, so an answer is never missed.
	exec {w}< <(exec xenstore-watch "$base/done" 2>/dev/null)
	wpid=$!
	xenstore-write "$base/cmd" "$*" "$base/req" "$seq"
	while :; do
		if got=$(xenstore-read "$base/done" 2>/dev/null); then
			[ "$got" != "$seq" ] || break
		elif ! xenstore-exists "/local/domain/$id"; then
			dom_exec_unwatch
			fail "$dom (domid $id) is gone, with no answer to: $*"
		fi
		t=$((deadline - SECONDS))
		if ((t < 0)); then
			dom_exec_unwatch
			fail "$dom: no answer within ${limit}s to: $*"
		fi
		((t < 10)) || t=10
		# rc > 128: no event within t; 1: the watch ended (xenstored
		# restarted?), so on at the old pace, 0.1 s.
		read -r -t $((t + 1)) -u $w ev || (($? > 128)) || sleep 0.1
	done
	dom_exec_unwatch
	rc=$(xenstore-read "$base/rc")
	LAB_EXEC_FAILED=
	xenstore-read -R "$base/out" >$LAB_EXEC_OUT
	echo >>$LAB_EXEC_OUT
	cat $LAB_EXEC_OUT
	echo "[$dom rc=$rc] $*" >&2
	# For dom0-run's ERR trap, which runs after this function returned.
	[ "$rc" = 0 ] ||
		LAB_EXEC_FAILED="on $dom: \`$*\` exited $rc: $(tail -n1 $LAB_EXEC_OUT)"
	return "$rc"
}

# dom_exec's watch, ended: its variables are the caller's (dynamic scope).
dom_exec_unwatch() {
	kill "$wpid" 2>/dev/null || true
	exec {w}<&-
}

# dom_exec_long DOMAIN COMMAND: dom_exec for output longer than its 1500
# bytes: COMMAND's output is kept in DOMAIN and fetched 16 lines (of at
# most 90 bytes) at a time, one round trip each.  Blank lines are lost.
dom_exec_long() {
	local dom=$1 n i chunk
	shift
	n=$(dom_exec "$dom" "$* >/tmp/lab-exec-long.out; wc -l </tmp/lab-exec-long.out") ||
		return
	n=$(tr -dc 0-9 <<<"$n")
	[[ $n =~ ^[0-9]+$ ]] || fail "$dom: no line count for: $*"
	for ((i = 1; i <= n; i += 16)); do
		chunk=$(dom_exec "$dom" "sed -n '$i,$((i + 15))p' /tmp/lab-exec-long.out | cut -c1-90") ||
			return
		[ -z "$chunk" ] || printf '%s\n' "$chunk" | sed '/^$/d'
	done
}

# The outside peer: the NIC dom0 kept, alone in its own network namespace,
# on the same emulated link as the driver domain's NIC.
peer_setup() {
	local dev
	dev=$(ls /sys/class/net | grep -v '^lo$' | head -n1)
	[ -n "$dev" ] || fail "dom0 has no NIC for the peer"
	ip netns add peer
	ip link set "$dev" netns peer
	ip -n peer link set "$dev" name eth0
	ip -n peer link set lo up
	ip -n peer link set eth0 up
	ip -n peer addr add "$PEER_IP/$NETMASK" brd + dev eth0
	log "peer: eth0 ($dev) $PEER_IP in netns peer"
}

peer() {
	ip netns exec peer "$@"
}

# Sizes and a content hash of what the runner wrote to the disk image
# before boot: partition 3 starts with LAB_PATTERN_MB of random data.
LAB_PATTERN_MB=4
pattern_sha() {
	param pattern
}

# dd_devices DOMAIN [nic] [disk]: bind the unmodified drivers in a driver
# domain and check the named devices came up with them.
dd_devices() {
	local dom=$1 out
	shift
	out=$(dom_exec "$dom" dd-devices) || fail "$dom: dd-devices failed: $out"
	echo "$out"
	for want in "$@"; do
		case $want in
		nic) echo "$out" | grep -q 'class 0x0200.. driver e1000$' ||
			fail "$dom: e1000 did not bind to the NIC" ;;
		disk) echo "$out" | grep -q 'class 0x0106.. driver ahci$' ||
			fail "$dom: ahci did not bind to the disk controller" ;;
		esac
	done
}

# A one-shot iperf3 server on the peer.
peer_iperf_server() {
	peer iperf3 -s -D -1 --logfile /tmp/peer-iperf.log ||
		fail "cannot start iperf3 server on the peer"
	sleep 0.5
}

# check_peer_traffic DOMAIN: traffic from DOMAIN (which has its address on
# eth0 or xenbr0 already) reaches the peer: ping, and a short TCP stream.
check_peer_traffic() {
	local dom=$1 out
	dom_exec "$dom" "ping -c 3 -W 5 $PEER_IP" >/dev/null ||
		fail "$dom cannot ping the peer $PEER_IP"
	peer_iperf_server
	out=$(dom_exec -t 60 "$dom" "iperf3 -c $PEER_IP -t 2 -f m | tail -n 4") ||
		fail "$dom: iperf3 to the peer failed: $out"
	echo "$out"
	log "$dom -> peer: $(echo "$out" | awk '/sender/ { print $7, $8 }')"
}

# check_peer_data DOMAIN [MIB]: MIB (8) MiB of random data sent by DOMAIN
# over TCP arrive at the peer unchanged.  TCP's checksum is no check of a
# frontend's data path: with checksum offload the backend side computes
# it over whatever it was given.  The sender is bash's /dev/tcp, whose
# close at the end of the file sends everything; busybox nc listens and
# ends at that EOF.  (Neither iperf3 -F, whose server stops reading once
# the client has written its last byte, nor busybox nc as the sender,
# which lost the file's tail on a host test, delivers all of it.)
check_peer_data() {
	local dom=$1 mib=${2:-8} sha got out
	sha=$(dom_exec "$dom" "head -c $((mib << 20)) /dev/urandom >/tmp/net.dat &&
		sha256sum /tmp/net.dat") || fail "$dom: cannot make test data"
	rm -f /tmp/peer-recv.dat
	peer timeout 120 nc -l -p 5301 >/tmp/peer-recv.dat &
	sleep 0.5
	out=$(dom_exec -t 120 "$dom" "cat /tmp/net.dat >/dev/tcp/$PEER_IP/5301") ||
		fail "$dom: sending to the peer failed: $out"
	wait $! || fail "the peer's nc ended with status $?"
	got=$(sha256sum </tmp/peer-recv.dat)
	[ "${got%% *}" = "${sha%% *}" ] ||
		fail "$dom -> peer: $mib MiB over TCP arrived changed ($(stat -c %s /tmp/peer-recv.dat) bytes)"
	log "$dom -> peer: $mib MiB over TCP arrived unchanged"
}

# netfront_up DOMAIN: xldrv_netfront loaded in DOMAIN, its eth0 given
# CLIENT_IP (client-net) and its vif 0 Connected.
netfront_up() {
	local state
	state=/local/domain/$(domid "$1")/device/vif/0/state
	dom_exec "$1" "insmod /lab/modules/xldrv_netfront.ko"
	dom_exec "$1" "client-net $CLIENT_IP/$NETMASK xldrv_netfront"
	wait_for 30 "$1's vif to connect" \
		eval '[ "$(xenstore-read $state 2>/dev/null)" = 4 ]'
}

# xldrv_client CONFIG NETDD BLKDD [KEY=VALUE...]: the domain "client"
# from CONFIG (KEY=VALUE overriding, as with dom_create), its vif on
# NETDD's xldrv_netmap port eth0, with xldrv's frontends: xvda and eth0
# connected, 8 MiB through xvda found on BLKDD's sda1, the peer answering
# pings.  Keeps xvda's device number and eth0's ifindex for
# xldrv_client_same.
xldrv_client() {
	local cfg=$1 net=$2 blk=$3
	shift 3
	dom_create "$cfg" "$@" \
		"vif=[\"backend=$net,bridge=eth0,mac=$CLIENT_MAC,ip=$CLIENT_IP\"]"
	dom_exec client "insmod /lab/modules/xldrv_blkfront.ko"
	wait_dev client /dev/xvda
	netfront_up client
	check_client_disk client /dev/xvda "$blk" /dev/sda1
	dom_exec client "ping -c 3 -W 5 $PEER_IP" >/dev/null ||
		fail "client cannot ping the peer through $net"
	XLDRV_CLIENT_IDS=$(xldrv_client_ids)
}

xldrv_client_ids() {
	dom_exec client "echo \$(cat /sys/block/xvda/dev /sys/class/net/eth0/ifindex)"
}

# xldrv_client_same: the client's xvda and eth0 are still the devices
# xldrv_client found (not new ones after a backend came back).
xldrv_client_same() {
	local now
	now=$(xldrv_client_ids)
	[ "$now" = "$XLDRV_CLIENT_IDS" ] ||
		fail "the client's xvda or eth0 is another device now (xvda, ifindex: $now; were $XLDRV_CLIENT_IDS)"
	log "client: the same xvda and eth0 as at the start"
}

# netfront_stat DOMAIN NAME: xldrv_netfront's counter NAME for DOMAIN's
# eth0, as ethtool -S gives it.
netfront_stat() {
	local v
	v=$(dom_exec "$1" "ethtool -S eth0" | awk -v n="$2:" '$1 == n { print $2 }')
	[[ $v =~ ^[0-9]+$ ]] || fail "$1: eth0 has no counter $2 (ethtool -S)"
	echo "$v"
}

# check_pattern DOMAIN DEV: DEV starts with the pattern the runner wrote
# into the disk image before boot.
check_pattern() {
	local dom=$1 dev=$2 sha
	sha=$(dom_exec "$dom" \
		"dd if=$dev bs=1M count=$LAB_PATTERN_MB status=none | sha256sum") ||
		fail "$dom: cannot read $dev"
	[ "${sha%% *}" = "$(pattern_sha)" ] ||
		fail "$dom: $dev does not hold the pattern written before boot"
	log "$dom: $dev holds the pattern written before boot"
}

# check_client_disk CLIENT DEV DD DDDEV: CLIENT writes fresh random data to
# DEV with direct I/O and reads it back; the driver domain DD finds the
# same bytes on DDDEV, so they went through its backend to the real disk.
check_client_disk() {
	local client=$1 dev=$2 dd=$3 dddev=$4 w r d
	w=$(dom_exec "$client" "head -c 8388608 /dev/urandom >/tmp/blk.dat &&
		dd if=/tmp/blk.dat of=$dev bs=1M oflag=direct status=none &&
		sha256sum </tmp/blk.dat") || fail "$client: write to $dev failed: $w"
	r=$(dom_exec "$client" "echo 3 >/proc/sys/vm/drop_caches;
		dd if=$dev bs=1M count=8 iflag=direct status=none | sha256sum") ||
		fail "$client: read of $dev failed: $r"
	[ "${w%% *}" = "${r%% *}" ] || fail "$client: $dev read back other data"
	d=$(dom_exec "$dd" "dd if=$dddev bs=1M count=8 iflag=direct status=none |
		sha256sum") || fail "$dd: read of $dddev failed"
	[ "${w%% *}" = "${d%% *}" ] ||
		fail "$dd: $dddev does not hold what $client wrote to $dev"
	log "$client: 8 MiB written to $dev and read back; $dd finds it on $dddev"
}

# check_client_fio CLIENT DEV [SIZE]: fio writes SIZE (16M) of random
# 4 KiB blocks to DEV with direct I/O and verifies them (crc32c).
check_client_fio() {
	local client=$1 dev=$2 size=${3:-16M} out
	out=$(dom_exec -t 300 "$client" "fio --name=verify --filename=$dev \
		--rw=randwrite --bs=4k --size=$size --direct=1 --ioengine=libaio \
		--iodepth=16 --verify=crc32c --do_verify=1 --output-format=terse \
		--terse-version=3 | cut -d';' -f1-6") ||
		fail "$client: fio --verify=crc32c on $dev failed: $out"
	# Terse output: version;fio;job;group;error;...
	[ "$(echo "$out" | tail -n1 | cut -d';' -f5)" = 0 ] ||
		fail "$client: fio reports an error: $out"
	log "$client: fio randwrite + crc32c verify of $size on $dev passed"
}

# check_client_fio_ext4 CLIENT DEV: check_client_fio, then an ext4 file
# system made on DEV keeps a file's checksum across a remount.
check_client_fio_ext4() {
	local client=$1 dev=$2
	check_client_fio "$client" "$dev"
	dom_exec -t 120 "$client" "modprobe ext4 && mkfs.ext4 -q -F $dev &&
		mount -t ext4 $dev /mnt &&
		head -c 4194304 /dev/urandom >/mnt/f && sha256sum /mnt/f >/tmp/f.sha &&
		umount /mnt && mount -t ext4 $dev /mnt && sha256sum -c /tmp/f.sha &&
		umount /mnt" || fail "$client: ext4 round trip on $dev failed"
	log "$client: ext4 on $dev: file checksum matches after remount"
}

# wait_backend_moved CLIENT_DOMID KIND DEVID NEWDD: xldrvd moved the
# client's device to driver domain NEWDD (the frontend names it) and both
# ends are Connected again.
wait_backend_moved() {
	local cid=$1 kind=$2 dev=$3 new=$4
	local fe=/local/domain/$cid/device/$kind/$dev
	local be=/local/domain/$new/backend/$kind/$cid/$dev
	wait_for 60 "$kind $dev to name the new backend" \
		eval '[ "$(xenstore-read $fe/backend-id 2>/dev/null)" = $new ]'
	wait_for 60 "$kind $dev to connect again" \
		eval '[ "$(xenstore-read $fe/state 2>/dev/null)" = 4 ] &&
		[ "$(xenstore-read $be/state 2>/dev/null)" = 4 ]'
}

wait_dev() {
	dom_exec "$1" "for i in \$(seq 300); do [ -b $2 ] && exit 0; sleep 0.1; done; exit 1" ||
		fail "$1: $2 did not appear"
}

# hotplug_ok DD TYPE CLIENT DEVID: the driver domain's hotplug script for
# a client device reported success; otherwise say why, from xenstore and
# from `xl devd`'s log in the driver domain.
hotplug_ok() {
	local dd=$1 type=$2 client=$3 devid=$4 be st i
	be=/local/domain/$(domid "$dd")/backend/$type/$(domid "$client")/$devid
	# `xl create` does not wait for hotplug scripts in a driver domain.
	for i in $(seq 300); do
		# libxl creates the node empty; the script fills it in.
		st=$(xenstore-read "$be/hotplug-status" 2>/dev/null) &&
			[ -n "$st" ] && break
		sleep 0.3
	done
	[ "$st" = connected ] && return
	xenstore-ls -fp "$be" || true
	dom_exec "$dd" "ps; tail -n 20 /var/log/xen/xldevd.log
		tail -n 30 /var/log/xen/xen-hotplug.log /var/log/messages" || true
	fail "$type hotplug script in $dd: status ${st:-missing after 90s}:" \
		"$(xenstore-read "$be/hotplug-error" 2>/dev/null || true)"
}

# dom_panic DOMAIN: DOMAIN's kernel panics (sysrq c, what an oops ends in
# with panic_on_oops), posted to its agent, which will not answer.
dom_panic() {
	local base
	base=/local/domain/$(domid "$1")/data/xldrv-lab
	xenstore-write "$base/cmd" "echo c >/proc/sysrq-trigger" \
		"$base/req" "panic.$BASHPID.$EPOCHREALTIME" ||
		fail "cannot post a panic to $1"
	log "$1: kernel panic (sysrq c)"
}

# fio_verify_spawn DOMAIN DEV: in DOMAIN (created with fio_ramdisk), fio
# writes 16 MiB of random 4 KiB blocks to DEV with direct I/O, a crc32c in
# each, and reads them back to check, again and again until
# fio_verify_reap; an error ends the loop with it.
fio_verify_spawn() {
	local fio="fio --name=v --filename=$2 --rw=randwrite --bs=4k --iodepth=16"
	fio+=" --size=16M --direct=1 --ioengine=libaio --verify=crc32c"
	fio+=" --do_verify=1 --randrepeat=0 --output-format=terse --terse-version=3"
	dom_spawn "$1" fio "n=0; while [ ! -e /tmp/stop ]; do
		$fio >/tmp/fio.last 2>&1 ||
			{ echo fio run \$n failed; cat /tmp/fio.last; exit 1; }
		e=\$(cut -d';' -f5 /tmp/fio.last | tail -n1)
		[ \"\$e\" = 0 ] || { echo fio run \$n: error \$e; exit 1; }
		n=\$((n + 1)); done; echo fio runs: \$n"
}

# check_no_io_errors DOMAIN: DOMAIN's kernel logged no I/O error (a
# request failed up to the block layer, whatever the programs saw).
check_no_io_errors() {
	local ere='I/O error|blk_update_request|Buffer I/O' n
	n=$(dom_exec "$1" "dmesg | grep -ciE '$ere' || true")
	[ "$n" = 0 ] || {
		dom_exec "$1" "dmesg | grep -iE '$ere' | tail -n 5"
		fail "$1: the kernel logged $n I/O errors"
	}
}

# fio_verify_reap DOMAIN: stop fio_verify_spawn's loop; fail on any error
# it found.
fio_verify_reap() {
	local out
	dom_exec "$1" "touch /tmp/stop" >/dev/null
	out=$(dom_reap -t 300 "$1" fio) || fail "$1: fio saw an error: $out"
	log "$1: $out, no verify error, no I/O error"
}

# dom_spawn DOMAIN TAG COMMAND: start COMMAND with bash in DOMAIN in the
# background and return at once; dom_reap collects it.  For load that must
# run undisturbed: dom_exec polls xenstore from dom0 several times a second
# while it waits, which costs CPU the lab's 2 emulated CPUs do not spare.
# As with dom_exec, COMMAND must hold no backslash: xenstore-write takes
# them as escapes.  Nothing but COMMAND is executed: under TCG, every
# exec in a guest takes a good part of a second.
dom_spawn() {
	local dom=$1 tag=$2
	shift 2
	dom_exec "$dom" ": >/tmp/$tag.rc; : >/tmp/$tag.out
{ ( $*
) >/tmp/$tag.out 2>&1; echo \$? >/tmp/$tag.rc; } </dev/null >/dev/null 2>&1 &" >/dev/null
}

# dom_reap [-t SECONDS] DOMAIN TAG: wait (in the guest) for what dom_spawn
# started as TAG to end; print its output and return its exit status.
dom_reap() {
	local limit=120
	if [ "$1" = -t ]; then
		limit=$2
		shift 2
	fi
	dom_exec -t $((limit + 30)) "$1" "for ((i = 0; i < $((limit * 5)); i++)); do
			[ -s /tmp/$2.rc ] && break; sleep 0.2; done
		[ -s /tmp/$2.rc ] || { echo '$2: still running after ${limit}s'; exit 124; }
		while IFS= read -r l || [ -n \"\$l\" ]; do echo \"\$l\"; done </tmp/$2.out
		read -r rc </tmp/$2.rc; exit \$rc"
}

# kv_parse ARRAY TEXT [KEY...]: the KEY=VALUE words of TEXT into the
# associative array ARRAY (declare -A it first), with no process forked:
# under TCG every fork in dom0 is time taken from the domains being
# measured.  TEXT comes from a guest, and bash evaluates a variable's text
# inside $(( )), where a value like a[$(cmd)] runs cmd in dom0: so every
# value must be a decimal number, but those of the KEYs named, left to
# the caller, and every key a plain name.  Returns 1 if one is not, the
# first such word in KV_BAD.
kv_parse() {
	local -n _kv=$1
	local text=" ${*:3} " w k rc=0
	local -
	set -f # no pathname expansion of a guest's words
	_kv=()
	KV_BAD=
	for w in $2; do
		[[ $w == *=* ]] || continue
		k=${w%%=*}
		if [[ $k =~ ^[a-z_][a-z0-9_]*$ ]] &&
			[[ $text == *" $k "* || ${w#*=} =~ ^-?[0-9]+(\.[0-9]+)?$ ]]; then
			_kv[$k]=${w#*=}
		elif ((rc == 0)); then
			KV_BAD=$w
			rc=1
		fi
	done
	return $rc
}

# Benchmarks (test/lab/bench/*.sh, `make bench`) take their settings from
# XLDRV_BENCH_* variables in the environment of test/lab/run, which writes
# them to /lab/bench.env.  bench_param NAME DEFAULT prints
# XLDRV_BENCH_NAME, or DEFAULT when it is unset or empty.
bench_param() {
	local v=
	[ ! -f /lab/bench.env ] ||
		v=$(. /lab/bench.env && eval "echo \"\${XLDRV_BENCH_$1:-}\"")
	echo "${v:-$2}"
}

# bench_median: the median of the numbers on stdin, one a line (empty
# when there are none).
bench_median() {
	sort -g | awk '{ v[NR] = $1 }
		END {
			if (NR == 0) exit
			if (NR % 2)
				m = v[(NR + 1) / 2]
			else
				m = (v[NR / 2] + v[NR / 2 + 1]) / 2
			print m
		}'
}

# bench_cpu_read ARRAY: CPU time so far of dom0, dd and client, in tenths of a
# second (xl list's Time(s): what Xen charged each domain's vCPUs,
# hypercalls such as grant copies included).  One fork: xl.
BENCH_XL_LIST=/tmp/bench-xl-list
bench_cpu_read() {
	local -n _c=$1
	local name t
	xl list >$BENCH_XL_LIST || fail "xl list failed"
	_c=()
	while read -r name _ _ _ _ t; do
		case $name in
		Domain-0) name=dom0 ;;
		dd | client) ;;
		*) continue ;;
		esac
		[[ $t =~ ^[0-9]+\.[0-9]$ ]] ||
			fail "xl list: Time(s) of $name is '$t', not seconds to 0.1"
		# %8.1f: no leading zeros to read as octal.
		_c["$name"]=$((${t%.*} * 10 + ${t#*.}))
	done <$BENCH_XL_LIST
	for name in dom0 dd client; do
		[ -n "${_c[$name]:-}" ] ||
			fail "xl list: no Time(s) for $name: $(tr '\n' '|' <$BENCH_XL_LIST)"
	done
}

# per_gib VAR TENTHS BYTES: VAR = TENTHS of a CPU second per GiB of
# BYTES, in seconds to 2 decimals.
per_gib() {
	local -n _pg=$1
	local x=0
	(($3 <= 0)) || x=$((($2 * 10737418240 + $3 / 2) / $3))
	printf -v _pg '%d.%02d' $((x / 100)) $((x % 100))
}

# per_mib VAR COUNT BYTES: VAR = COUNT per MiB of BYTES, to 2 decimals.
per_mib() {
	local -n _pm=$1
	local x=0
	(($3 <= 0)) || x=$((($2 * 104857600 + $3 / 2) / $3))
	printf -v _pm '%d.%02d' $((x / 100)) $((x % 100))
}

# tenths VAR TENTHS: VAR = TENTHS as seconds, to 1 decimal.
tenths() {
	local -n _t=$1
	printf -v _t '%d.%d' $(($2 / 10)) $(($2 % 10))
}

# dd_count IRQNAME [STATSDIR]: dd's counters since the previous call with
# the same IRQNAME (dd-counters: notifications on the irqs so named, dd's
# grant operations, and the whole numbers in STATSDIR, a mapper's own),
# its words in D and DD_OUT.  dd is the domain under test: kv_parse
# refuses any value that is not a number.
declare -A D
dd_count() {
	DD_OUT=$(dom_exec dd "dd-counters '$1' ${2:-}") ||
		fail "dd: dd-counters $1 failed: $DD_OUT"
	kv_parse D "$DD_OUT" ||
		fail "dd: dd-counters $1: not a number: $KV_BAD"
}

# The client's netfront interrupts, for bench_iperf's IRQNAME (irq-count):
# xen-netfront's vif<devid>-q<queue>-tx and -rx with split event channels
# (netback offers them), else the interface's name, as xldrv_netfront's
# always is.
FE_IRQ='~^(vif0-q[0-9]+(-tx|-rx)?|eth0)$'

# bench_iperf DOMAIN IRQNAME IPERF3-ARGS: one iperf-job in DOMAIN (its
# -t and -O in IPERF3-ARGS, the caller's $ramp and $runtime their sum),
# dom0 asleep meanwhile; iperf-job's words in I and IPERF_OUT, the
# domains' CPU time before and after in C0 and C1 (bench_cpu_read).  The
# window between the two readings holds the run and nothing of the
# lab's own: iperf-job sets up, says ready=TOKEN and sleeps until
# go=TOKEN (written after the first reading), writes ran=TOKEN as soon as
# iperf3 is done (the second reading follows), and only then, on
# go=TOKEN.end, counts and parses.
declare -A I C0 C1
BENCH_IPERF_SEQ=0
bench_iperf() {
	local dom=$1 xs tok out i limit
	xs=/local/domain/$(domid "$dom")/data/xldrv-lab
	BENCH_IPERF_SEQ=$((BENCH_IPERF_SEQ + 1))
	tok=run$BENCH_IPERF_SEQ
	peer_iperf_server
	dom_spawn "$dom" iperf "iperf-job -g $tok eth0 '$2' $3"
	# Until it is set up and asleep (or failed).
	for ((i = 0; i < 300; i++)); do
		[ "$(xenstore-read "$xs/ready" 2>/dev/null)" != "$tok" ] || break
		[ "$(xenstore-read "$xs/ran" 2>/dev/null)" != "$tok" ] || break
		sleep 0.2
	done
	[ "$(xenstore-read "$xs/ready" 2>/dev/null)" = "$tok" ] || {
		out=$(dom_reap -t 60 "$dom" iperf) || true
		fail "$dom: iperf-job $3 did not get ready: $out"
	}
	bench_cpu_read C0
	xenstore-write "$xs/go" "$tok"
	# iperf3 connects and says goodbye around its ramp and runtime, in
	# a second or two under TCG: sleep past that rather than poll (dom0's
	# forks are in the window, an idle domain costs nothing).
	sleep $((ramp + runtime + 2))
	limit=$(((ramp + runtime + 120) * 2))
	for ((i = 0; i < limit; i++)); do
		[ "$(xenstore-read "$xs/ran" 2>/dev/null)" != "$tok" ] || break
		sleep 0.5
	done
	bench_cpu_read C1
	xenstore-write "$xs/go" "$tok.end"
	((i < limit)) ||
		log "WARNING: $dom: iperf3 $3 not done $((ramp + runtime + 120))s after go"
	out=$(dom_reap -t 120 "$dom" iperf) ||
		fail "$dom: iperf3 $3 failed: $out (peer: $(tail -n 2 /tmp/peer-iperf.log 2>/dev/null | tr '\n' ' '))"
	kv_parse I "$out" error ||
		fail "$dom: iperf-job $3: not a number: $KV_BAD"
	[ "${I[err]:-}" = 0 ] || fail "$dom: iperf3 $3: error: $out"
	IPERF_OUT=$out
}

# xldrvd (docs/xldrvd.8).  The driver domain it supervises is "dd" (or,
# in the isolated layout, netdd and blkdd), which xldrvd creates itself
# (with `xl create`, xl's own monitor would act on a crash too) from a
# copy of consolidated/dd.cfg whose kernel binds the drivers and loads the
# mappers at boot (xldrv.mappers: domu/init), so that a recreated dd
# serves with no help from the scenario.
XLDRVD_LOG=/var/log/xldrvd.log

# xldrvd_dd_cfg CONFIG NAME MAPPERS: /etc/xldrv/NAME.cfg, a copy of
# CONFIG (under xen-configs/) whose kernel loads MAPPERS (blk,net, blk or
# net) at boot, plus XLDRVD_DD_CMDLINE: more for its command line (words
# of the form name=value).
xldrvd_dd_cfg() {
	local extra=" xldrv.mappers=$3${XLDRVD_DD_CMDLINE:+ $XLDRVD_DD_CMDLINE}"

	[[ $extra =~ ^[\ a-z0-9_.,=]*$ ]] ||
		fail "XLDRVD_DD_CMDLINE: only words of the form name=value: $XLDRVD_DD_CMDLINE"
	mkdir -p /etc/xldrv
	sed "s/^cmdline = \"\\(.*\\)\"\$/cmdline = \"\\1$extra\"/" \
		"$LAB_CONFIGS/$1" >"/etc/xldrv/$2.cfg"
	grep -q 'xldrv.mappers=' "/etc/xldrv/$2.cfg" ||
		fail "no cmdline to extend in $1"
}

# xldrvd_conf_dds "NAME:CONFIG:MAPPERS ..." [LINE...]: /etc/xldrv/xldrvd.conf
# with a section for each driver domain NAME (its xl config made by
# xldrvd_dd_cfg from CONFIG and MAPPERS) holding LINEs (e.g.
# "heartbeat-timeout = 6"), checked by xldrvd itself.
xldrvd_conf_dds() {
	local specs=$1 spec name cfg mappers
	shift
	for spec in $specs; do
		IFS=: read -r name cfg mappers <<<"$spec"
		xldrvd_dd_cfg "$cfg" "$name" "$mappers"
	done
	for spec in $specs; do
		printf '[%s]\nconfig = /etc/xldrv/%s.cfg\n' "${spec%%:*}" "${spec%%:*}"
		printf '%s\n' "$@"
		echo
	done >/etc/xldrv/xldrvd.conf
	xldrvd --check-config ||
		fail "xldrvd --check-config refuses the lab's configuration"
}

# xldrvd_conf [LINE...]: the consolidated layout, dd (both mappers).
xldrvd_conf() {
	xldrvd_conf_dds "dd:consolidated/dd.cfg:blk,net" "$@"
}

# xldrvd_conf_isolated [LINE...]: the isolated layout, netdd serving the
# NIC, blkdd the disk.
xldrvd_conf_isolated() {
	xldrvd_conf_dds "netdd:isolated/netdd.cfg:net blkdd:isolated/blkdd.cfg:blk" "$@"
}

# xldrvd_start: run xldrvd (in the foreground of a background job, its log
# in $XLDRVD_LOG and on the console at the end) and wait for its socket.
xldrvd_start() {
	xldrvd -f -d >>$XLDRVD_LOG 2>&1 &
	XLDRVD_PID=$!
	wait_for 20 "xldrvd's control socket" xldrv-ctl list
	log "xldrvd runs (pid $XLDRVD_PID)"
}

# xldrvd_field NAME [DD]: a field of `xldrv-ctl status DD` (dd), e.g.
# state.
xldrvd_field() {
	xldrv-ctl status "${2:-dd}" | sed -n "s/^  $1: //p"
}

# xldrvd_serving [SECONDS] [DD]: wait until xldrvd has DD (dd) running
# with a heartbeat (so its mappers are loaded and registered) and nothing
# under way; prints DD's domid.
xldrvd_serving() {
	local dd=${2:-dd}
	wait_for "${1:-180}" "$dd to be running with a heartbeat under xldrvd" \
		eval '[ "$(xldrvd_field state $dd)" = running ] &&
			[ "$(xldrvd_field busy $dd)" = 0 ] &&
			[ -n "$(xldrvd_field heartbeat-age-ms $dd)" ] && agent_ready $dd'
	domid "$dd"
}

# xldrvd_restarted_for REASON [COUNT] [DD]: the status of DD (dd) counts
# COUNT (1) restarts, the last for REASON.
xldrvd_restarted_for() {
	local dd=${3:-dd}
	[ "$(xldrvd_field reason "$dd")" = "$1" ] ||
		fail "$dd: status gives reason $(xldrvd_field reason "$dd"), not $1"
	[ "$(xldrvd_field restarts "$dd")" = "${2:-1}" ] ||
		fail "xldrvd counts $(xldrvd_field restarts "$dd") restarts of $dd, not ${2:-1}"
}

# xldrvd_events: what xldrvd reported so far, a line each.
xldrvd_events() {
	xldrv-ctl events
}

# xldrvd_wait_event SECONDS TEXT: until an event line holds TEXT (a grep
# -E pattern); prints the first such line.
xldrvd_wait_event() {
	local pat=$2
	wait_for "$1" "xldrvd event '$pat'" \
		eval 'xldrvd_events | grep -qE "$pat"'
	xldrvd_events | grep -E "$pat" | head -n1
}

# xldrvd_stock_client: a client of dd with Linux's stock frontends, its
# vbd (on sda1) and vif in use: data through xvda lands on sda1, pings
# reach the peer.  For the scenarios where xldrvd re-plumbs it.
xldrvd_stock_client() {
	dom_create consolidated/client.cfg \
		"vif=[\"backend=dd,bridge=eth0,mac=$CLIENT_MAC,ip=$CLIENT_IP\"]"
	dom_exec client "modprobe xen-blkfront"
	wait_dev client /dev/xvda
	dom_exec client "client-net $CLIENT_IP/$NETMASK"
	check_client_disk client /dev/xvda dd /dev/sda1
	dom_exec client "ping -c 3 -W 5 $PEER_IP" >/dev/null ||
		fail "client cannot ping the peer before the restart"
}

# xldrvd_stock_client_replumbed DOMID [START]: xldrvd re-plumbed that
# client's vbd and vif to dd's incarnation DOMID, and both work again (a
# new eth0: the stock netfront's old one went with the old vif).  With
# START (from now), the times to its disk and its NIC (serve.blk,
# serve.net).
xldrvd_stock_client_replumbed() {
	local be id

	id=$(domid client) || fail "no client domain"
	be=/local/domain/$1/backend/vbd/$id/51712
	xldrvd_wait_event 120 're-?plumbed.*client.*vbd' >/dev/null
	xldrvd_wait_event 120 're-?plumbed.*client.*vif' >/dev/null
	wait_dev client /dev/xvda
	[ -z "${2:-}" ] || lab_time serve.blk "$(since "$2")"
	wait_for 60 "the new dd's blkmap to connect the client's disk" \
		eval '[ "$(xenstore-read $be/state 2>/dev/null)" = 4 ]'
	check_client_disk client /dev/xvda dd /dev/sda1
	dom_exec client "client-net $CLIENT_IP/$NETMASK"
	dom_exec client "ping -c 3 -W 5 $PEER_IP" >/dev/null ||
		fail "client cannot ping the peer through the new dd"
	[ -z "${2:-}" ] || lab_time serve.net "$(since "$2")"
}

# xldrvd_show_log: the end of xldrvd's log, into the scenario's log.
xldrvd_show_log() {
	log "xldrvd's log:"
	tail -n 60 $XLDRVD_LOG | sed 's/^/  xldrvd| /'
}

# Restart-aware block frontend (frontend-blk-* scenarios).  fe_blk_start:
# xldrvd supervising dd; a client with xldrv_blkfront on two of dd's
# partitions (xvda on sda1, xvdb on sda2, ext4), and a load on each until
# fe_blk_finish: fio with crc32c verification looping on xvda, and a loop
# writing files on xvdb with fsync, keeping each one's checksum.
FE_BLK_DEVS="51712 51728"
fe_blk_start() {
	local dev fe
	xldrvd_conf "heartbeat-timeout = 6" "max-restarts = 20" \
		"backoff-initial-ms = 100" "backoff-max-ms = 1000"
	xldrvd_start
	log "xldrvd created dd as domid $(xldrvd_serving)"
	dom_create consolidated/client.cfg "ramdisk=\"$(fio_ramdisk)\"" \
		memory=512 'vif=[]' \
		'disk=["backend=dd,vdev=xvda,format=raw,access=rw,backendtype=phy,target=/dev/sda1",
		"backend=dd,vdev=xvdb,format=raw,access=rw,backendtype=phy,target=/dev/sda2"]'
	FE_CID=$(domid client)
	dom_exec client "insmod /lab/modules/xldrv_blkfront.ko recovery_timeout_s=180"
	wait_dev client /dev/xvda
	wait_dev client /dev/xvdb
	for dev in $FE_BLK_DEVS; do
		fe=/local/domain/$FE_CID/device/vbd/$dev
		wait_for 30 "the client's vbd $dev to connect" \
			eval '[ "$(xenstore-read $fe/state 2>/dev/null)" = 4 ]'
		[ "$(xenstore-read $fe/feature-xldrv-reconnect)" = 1 ] ||
			fail "xldrv_blkfront does not say it reconnects (vbd $dev)"
	done
	check_client_disk client /dev/xvda dd /dev/sda1
	FE_BLK_IDS=$(dom_exec client "echo \$(cat /sys/block/xvda/dev /sys/block/xvdb/dev)")
	log "client: xvda and xvdb are $FE_BLK_IDS"
	dom_exec -t 120 client "modprobe ext4 && mkfs.ext4 -q -F /dev/xvdb &&
		mkdir -p /mnt/e && mount -t ext4 /dev/xvdb /mnt/e && mkdir /mnt/e/d" ||
		fail "client: cannot make ext4 on xvdb"

	fio_verify_spawn client /dev/xvda
	# ext4: 40 files of 64-512 KiB written over and over (the partition
	# is 96 MiB), each fsynced, the checksum of its last version kept.
	dom_spawn client ext4 "mkdir -p /tmp/sums; i=0; while [ ! -e /tmp/stop ]; do
		n=\$((i % 40))
		dd if=/dev/urandom of=/mnt/e/d/f\$n bs=64k count=\$((i % 8 + 1)) conv=fsync status=none ||
			{ echo write \$i failed; exit 1; }
		(cd /mnt/e/d && sha256sum f\$n) >/tmp/sums/f\$n || exit 1
		i=\$((i + 1)); done; sync && echo ext4 files written: \$i"
	FE_BLK_FAILS=0
}

# fe_blk_fail HOW: after a random 2-9 s, make dd fail HOW (destroy: `xl
# destroy`; panic: a kernel panic in dd; hang: `xl pause`), wait for
# xldrvd to have a new dd serving and both of the client's disks
# connected to it again.
fe_blk_fail() {
	local how=$1 pause prev new start dev acted reason
	FE_BLK_FAILS=$((FE_BLK_FAILS + 1))
	pause=$((RANDOM % 8 + 2))
	log "failure $FE_BLK_FAILS ($how) in $pause s"
	sleep $pause
	prev=$(domid dd)
	start=$(now)
	case $how in
	destroy) xl destroy dd ;;
	panic) dom_panic dd ;;
	hang) xl pause dd ;;
	*) fail "fe_blk_fail: no failure called $how" ;;
	esac
	# The first `xldrvd_serving` look must not find the old dd.
	wait_for 120 "xldrvd to act on the $how" \
		eval '[ "$(xldrvd_field busy)" != 0 ] || [ "$(domid dd 2>/dev/null)" != "$prev" ]'
	acted=$(since "$start")
	new=$(xldrvd_serving 240)
	[ "$new" != "$prev" ] || fail "failure $FE_BLK_FAILS: dd kept domid $prev"
	# What xldrvd-panic and xldrvd-hang check, which make check leaves
	# to this: the failure is told by its own sign (the domain's death;
	# Xen's crash shutdown; a heartbeat missing for the whole timeout,
	# 6 s here, a beat every 2 s), and said so in the status.
	case $how in
	destroy) reason=destroyed ;;
	panic) reason=crash ;;
	hang)
		reason=hang
		awk -v t="$acted" 'BEGIN { exit !(t >= 5) }' ||
			fail "hang acted on after ${acted}s, before the 6 s heartbeat timeout" ;;
	esac
	xldrvd_restarted_for "$reason" "$FE_BLK_FAILS"
	log "xldrvd: $(xldrvd_events | grep -E "detected $reason" | tail -n1)"
	for dev in $FE_BLK_DEVS; do
		wait_backend_moved "$FE_CID" vbd "$dev" "$new"
	done
	lab_time "$how$FE_BLK_FAILS.serve" "$(since "$start")"
	log "failure $FE_BLK_FAILS ($how): the client's disks connected to dd domid $new (was $prev)"
}

# fe_blk_finish: stop the loads after they ran 5 s more, and check: no
# program saw an error, fio verified everything, every ext4 file matches
# its checksum after a remount, fsck is clean, the kernel logged no I/O
# error, the disks are the ones of the start, requests were in flight at
# a failure at least once, and xldrvd counts every failure.
fe_blk_finish() {
	local out held
	xldrvd_events | grep -E 'kept|backend moved|re-?plumb' | tail -n 20
	sleep 5
	dom_exec client "touch /tmp/stop"
	fio_verify_reap client
	out=$(dom_reap -t 300 client ext4) || fail "client: the ext4 loop failed: $out"
	log "client: $out, each with fsync"
	dom_exec -t 300 client "umount /mnt/e && echo 3 >/proc/sys/vm/drop_caches &&
		mount -t ext4 /dev/xvdb /mnt/e && cat /tmp/sums/* >/tmp/sums.all &&
		(cd /mnt/e/d && sha256sum -c /tmp/sums.all >/dev/null) &&
		umount /mnt/e && fsck.ext4 -n -f /dev/xvdb >/dev/null" ||
		fail "client: ext4 files do not match their checksums after a remount"
	log "client: every ext4 file matches its checksum after a remount; fsck clean"
	[ "$(dom_exec client "echo \$(cat /sys/block/xvda/dev /sys/block/xvdb/dev)")" = "$FE_BLK_IDS" ] ||
		fail "client: xvda or xvdb is another disk now"
	check_no_io_errors client
	dom_exec client "dmesg | grep -i xldrv | tail -n 12"
	held=$(dom_exec client "dmesg | grep -c 'replaying [1-9]' || true")
	[ "$held" -gt 0 ] || fail "no failure found a request in flight to replay"
	log "client: $held reconnects replayed requests that were in flight"
	check_client_disk client /dev/xvda dd /dev/sda1
	[ "$(xldrvd_field restarts)" = "$FE_BLK_FAILS" ] ||
		fail "xldrvd counts $(xldrvd_field restarts) restarts, not $FE_BLK_FAILS"
	xldrvd_show_log
}
