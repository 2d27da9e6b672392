# SPDX-License-Identifier: GPL-2.0
# frontend-hostile-backend: xldrv_netfront against a backend that answers
# rx requests whose pages it still maps.  In dd, gnt-hold (a gntdev user,
# test/lab/domu/gnt-hold.c) maps the pages of 8 rx requests on the
# client's ring while netmap serves it as usual, so that netmap's answers
# to those 8 come back still mapped.  The frontend must drop the packets
# in them (TCP retransmits), keep its interface working, and log it
# without a line per slot: the grant table code warns, with no rate
# limit, each time a reference the frontend keeps for reuse is still
# mapped at its end, so the first such answer turns the device's pools of
# references off (one kernel warning, then the table's silent end).  Two
# rounds: in the first the held slots are 64 to 71 from the next, in the
# middle of 4 MiB the peer sends the client over TCP, which arrive
# whole; in the second the next 8, which the peer's pings fill, and no
# kernel warning is added.
#
#   peer <-- e1000 -- dd (netmap; gnt-hold maps the client's next rx pages)
#                      ^ vif
#                    client (xldrv_netfront)
# lab-timeout: 420

peer_setup
dom_create consolidated/dd.cfg
dd_devices dd nic
dom_exec dd "insmod /lab/modules/xldrv_netmap.ko && modprobe xen-gntdev"
dom_create consolidated/client.cfg 'disk=[]' \
	"vif=[\"backend=dd,bridge=eth0,mac=$CLIENT_MAC,ip=$CLIENT_IP\"]"
cid=$(domid client)
fe=/local/domain/$cid/device/vif/0
netfront_up client
# The e1000 link comes up once the mapper opened eth0: give it time.
dom_exec -t 60 client "for i in \$(seq 30); do
	ping -c 1 -W 1 $PEER_IP >/dev/null && exit 0; done; exit 1" ||
	fail "client cannot reach the peer through netmap"

# count PATTERN: lines of the client's kernel log matching PATTERN.
count() {
	dom_exec client "dmesg | grep -c '$1' || true"
}
KERNEL_WARN='g\.e\. .* still in use'
POOLS_OFF='answered a slot it still maps: grant references from the grant table'
RX_MAPPED='backend answered an rx request but still maps its page'
[ "$(count "$KERNEL_WARN")$(count "$POOLS_OFF")" = 00 ] ||
	fail "client: grant warnings before any page was held"

# hold SKIP: gnt-hold maps 8 of the client's rx pages, after the next
# SKIP, for 20 s, in dd.
hold() {
	local out
	dom_spawn dd hold "gnt-hold $cid $(xenstore-read $fe/rx-ring-ref) $1 8 20"
	dom_exec -t 30 dd "for i in \$(seq 100); do
		grep -q '^held' /tmp/hold.out && exit 0
		[ -s /tmp/hold.rc ] && break; sleep 0.2; done
		cat /tmp/hold.out; exit 1" >/tmp/hold.log ||
		fail "dd: gnt-hold did not map the client's rx pages: $(cat /tmp/hold.log)"
	out=$(dom_exec dd "cat /tmp/hold.out")
	log "dd: gnt-hold $out"
}

# unhold: gnt-hold's end, the pages unmapped.
unhold() {
	local out
	out=$(dom_reap -t 60 dd hold) || fail "dd: gnt-hold failed: $out"
	[[ $out == *released* ]] || fail "dd: gnt-hold did not unmap: $out"
}

# after_round N: the client's log after round N.  The pools went off
# once in all (one kernel warning, one line of ours, whatever the rounds
# held), and more rx answers were seen still mapped than after the round
# before (RX_SEEN).
RX_SEEN=0
after_round() {
	local w off rx
	w=$(count "$KERNEL_WARN") off=$(count "$POOLS_OFF") rx=$(count "$RX_MAPPED")
	log "client after round $1: kernel warnings $w, pools off $off, rx answers still mapped $rx"
	[ "$off" = 1 ] ||
		fail "client after round $1: $off lines saying the pools are off, not 1"
	[ "$w" = 1 ] ||
		fail "client after round $1: $w kernel warnings of grants still in use, not 1"
	[ "$rx" -gt "$RX_SEEN" ] ||
		fail "client: no rx answer was seen still mapped in round $1"
	RX_SEEN=$rx
}

# Round 1: 4 MiB from the peer through the held slots.  Each side knows
# the other's MAC first: an ARP request in a held slot is lost, and three
# of them fail the peer's connect.
dom_exec client "ping -c 1 -W 5 $PEER_IP" >/dev/null ||
	fail "client cannot ping the peer"
hold 64
head -c $((4 << 20)) /dev/urandom >/tmp/rx.dat
sha=$(sha256sum </tmp/rx.dat)
dom_spawn client rxdata "nc -l -p 5302 >/tmp/rx.dat"
sleep 1
peer timeout 120 bash -c "cat /tmp/rx.dat >/dev/tcp/$CLIENT_IP/5302" ||
	fail "peer: sending to the client failed"
out=$(dom_reap -t 120 client rxdata) || fail "client: nc failed: $out"
got=$(dom_exec client "sha256sum </tmp/rx.dat")
[ "${got%% *}" = "${sha%% *}" ] ||
	fail "peer -> client: 4 MiB arrived changed while its rx pages were held"
log "peer -> client: 4 MiB arrived unchanged while dd held 8 of its rx pages"
unhold
after_round 1

# Round 2: the pools are off: the table's end says nothing more.
hold 0
peer ping -c 20 -i 0.2 -W 1 "$CLIENT_IP" >/tmp/ping.log 2>&1 || true
log "peer -> client ping during round 2: $(grep -o '[0-9]* packets received' /tmp/ping.log)"
unhold
after_round 2

# The interface is the same and works; nothing was reset.
[ "$(xenstore-read $fe/state)" = 4 ] || fail "client: the vif is no longer Connected"
[ "$(netfront_stat client protocol_errors)" = 0 ] ||
	fail "client: xldrv_netfront dropped its rings for a protocol error"
dom_exec client "ping -c 3 -W 5 $PEER_IP" >/dev/null ||
	fail "client cannot ping the peer after the held pages"
check_peer_data client 4
log "xldrv_netfront dropped what came in held pages, said so once, and works"
