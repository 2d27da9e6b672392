# SPDX-License-Identifier: GPL-2.0
# frontend-net-survives: a client with xldrv_netfront keeps its interface
# while the network driver domain is destroyed twice under an iperf3 TCP
# stream to the outside peer.  xldrvd recreates dd each time and, since
# the frontend says it reconnects by itself (feature-xldrv-reconnect),
# moves the vif's backend to the new dd instead of unplugging it: eth0
# stays (same ifindex, same address), its carrier goes down and up, and
# the TCP connection, 150 s long, completes without error.  8 MiB sent
# over TCP before the restarts and after them arrive unchanged.  The stream
# has to outlast both restarts: one whose outage runs past its end for
# more than 40 s (the iperf3 server's grace for the end of a test) has
# the server close the connection.  Each restart here takes 30-57 s from
# `xl destroy` to the vif back (libxl's PCI teardown alone is 15 s of
# that), so 75 s, the stream's length until 2026-12-06, was not enough.
# The vif is trusted until the second restart, then marked untrusted (its
# frontend's "trusted" node 0, read at each connect): the stream goes
# out with its fragments' pages granted, then copied into the frontend's
# own pages, and packets of both kinds are in flight at a restart.  Last,
# `xl network-detach` (eth0 goes) and `xl destroy` of the client end
# cleanly: no libxl error, no vif left.
#
#   peer <-- e1000 -- dd (netmap)   <- xl destroy, twice
#                      ^ vif (backend moved each time)
#                    client (xldrv_netfront: iperf3 -c peer -t 150)
# lab-timeout: 900

peer_setup
xldrvd_conf "heartbeat-timeout = 6" "max-restarts = 20" \
	"backoff-initial-ms = 100" "backoff-max-ms = 1000"
xldrvd_start
log "xldrvd created dd as domid $(xldrvd_serving)"
dom_create consolidated/client.cfg 'disk=[]' \
	"vif=[\"backend=dd,bridge=eth0,mac=$CLIENT_MAC,ip=$CLIENT_IP\"]"
cid=$(domid client)
fe=/local/domain/$cid/device/vif/0
netfront_up client
[ "$(xenstore-read $fe/feature-xldrv-reconnect)" = 1 ] ||
	fail "xldrv_netfront does not say it reconnects"
dom_exec client "ping -c 3 -W 5 $PEER_IP" >/dev/null ||
	fail "client cannot ping the peer before the restarts"
# Fragments granted (trusted): the data arrives as sent, and went so.
check_peer_data client
granted=$(netfront_stat client tx_granted)
[ "$granted" -ge 64 ] ||
	fail "client: only $granted packets went out with their fragments granted"
ifindex=$(dom_exec client "cat /sys/class/net/eth0/ifindex")

peer_iperf_server
dom_spawn client iperf "iperf3 -c $PEER_IP -t 150 -f m"
stream_start=$(now)
for r in 1 2; do
	sleep $((RANDOM % 6 + 5))
	[ $r = 1 ] || xenstore-write $fe/trusted 0
	prev=$(domid dd)
	start=$(now)
	xl destroy dd
	log "restart $r: destroyed dd (domid $prev)"
	wait_for 120 "xldrvd to act on the destroy" \
		eval '[ "$(xldrvd_field busy)" != 0 ] || [ "$(domid dd 2>/dev/null)" != "$prev" ]'
	new=$(xldrvd_serving 240)
	wait_backend_moved "$cid" vif 0 "$new"
	lab_time "restart$r.serve.net" "$(since "$start")"
	log "restart $r: the client's vif connected to dd domid $new"
done
# Not the data path's fault, but no test of it either: say so plainly.
healed=$(since "$stream_start")
[ "${healed%.*}" -lt 145 ] ||
	fail "the second restart healed ${healed}s into the 150 s stream: the restarts, not the stream, took too long"
log "both restarts healed ${healed}s into the 150 s stream"
out=$(dom_reap -t 240 client iperf) || fail "client: iperf3 failed: $out"
echo "$out" | tail -n 4
echo "$out" | grep -q 'receiver' || fail "client: iperf3 printed no summary"
log "client: iperf3 over 150 s across 2 restarts: $(echo "$out" | awk '/receiver/ { print $5, $6, $7, $8 }')"
[ "$(dom_exec client "cat /sys/class/net/eth0/ifindex")" = "$ifindex" ] ||
	fail "client: eth0 is another interface now"
dom_exec client "ping -c 3 -W 5 $PEER_IP" >/dev/null ||
	fail "client cannot ping the peer after the restarts"
# Copied now (untrusted): the data arrives as sent, every packet copied
# (8 MiB: 128 packets at the least).
granted=$(netfront_stat client tx_granted)
copied=$(netfront_stat client tx_copied)
check_peer_data client
[ "$(netfront_stat client tx_granted)" = "$granted" ] ||
	fail "client: packets granted to the untrusted backend"
copied=$(($(netfront_stat client tx_copied) - copied))
[ "$copied" -ge 128 ] ||
	fail "client: 8 MiB went out in $copied copied packets"
log "client: 8 MiB to the untrusted backend in $copied copied packets"
dom_exec client "dmesg | grep -i xldrv | tail -n 12"
# How each backend was sent to: granted, granted, then copied.
modes=$(dom_exec client "dmesg | grep 'eth0 .*connected to'" | awk '
	/untrusted/ { printf "copied "; next }
	{ printf "granted " }')
[ "$modes" = "granted granted copied " ] ||
	fail "client: tx at the three connects was '$modes', not 'granted granted copied'"
log "client: tx at the three connects: $modes"
[ "$(xldrvd_field restarts)" = 2 ] ||
	fail "xldrvd counts $(xldrvd_field restarts) restarts, not 2"
xldrvd_show_log

# The vif detached, then the client destroyed, after xldrvd moved the
# vif's backend twice: libxl's record names the new dd's backend, and
# xldrv_netfront closes for a detach (online=0) and, its device removed,
# takes eth0 away instead of waiting for a backend to come back.
dev_detach client vif 0 0 /sys/class/net/eth0
dom_destroy_client client
