# SPDX-License-Identifier: GPL-2.0
# netmap-switching: two clients on one xldrv_netmap port (the driver
# domain's eth0) reach each other and the outside peer.  Client-to-client
# frames are switched inside the mapper: an iperf3 stream between the two
# leaves no trace on the wire (the peer's byte counters barely move).
# Broadcast and multicast reach both: ARP (each client and the peer find
# the others), a broadcast ping and an all-hosts (224.0.0.1) ping from the
# peer answered by both clients, and an all-nodes (ff02::1) ping from
# client answered by client2 and the peer.  And a vif does not wait for
# its NIC's link, its frames for the wire do: client2's vif, attached
# again while dd's eth0 is down, goes Connected at once; what client2
# sends meanwhile (its ARP for the peer) is held, counted, and sent when
# eth0 comes up.  `xl destroy` of client2 ends cleanly: no libxl error,
# netmap's directory and device gone.
#
#   client  ---netif---+
#                      +-- dd: xldrv_netmap -- eth0 --[QEMU hub]-- peer
#   client2 ---netif---+      (switch)
# lab-timeout: 480

peer_setup
dom_create consolidated/dd.cfg
dd_devices dd nic
dom_exec dd "insmod /lab/modules/xldrv_netmap.ko"
dom_start consolidated/client.cfg 'disk=[]' \
	"vif=[\"backend=dd,bridge=eth0,mac=$CLIENT_MAC,ip=$CLIENT_IP\"]"
dom_start consolidated/client2.cfg 'disk=[]' \
	"vif=[\"backend=dd,bridge=eth0,mac=$CLIENT2_MAC,ip=$CLIENT2_IP\"]"
dom_wait client
dom_wait client2
dom_exec client "client-net $CLIENT_IP/$NETMASK"
dom_exec client2 "client-net $CLIENT2_IP/$NETMASK"
for c in client client2; do
	dom_exec $c "sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0"
	dom_exec -t 60 $c "for i in \$(seq 30); do
		ping -c 1 -W 1 $PEER_IP >/dev/null && exit 0; done; exit 1" ||
		fail "$c cannot reach the peer through netmap"
done
log "both clients reach the peer"

dom_exec client "ping -c 3 -W 5 $CLIENT2_IP" >/dev/null ||
	fail "client cannot ping client2"
dom_exec client2 "ping -c 3 -W 5 $CLIENT_IP" >/dev/null ||
	fail "client2 cannot ping client"
log "client <-> client2: ping"

# Switched inside: a stream between the clients does not reach the wire.
peer_rx() { peer cat /sys/class/net/eth0/statistics/rx_bytes; }
before=$(peer_rx)
dom_exec client2 "iperf3 -s -D -1 --logfile /tmp/iperf.log"
sleep 0.5
out=$(dom_exec -t 60 client "iperf3 -c $CLIENT2_IP -t 3 -f m | tail -n 4") ||
	fail "client -> client2 iperf3 failed: $out"
after=$(peer_rx)
moved=$(echo "$out" | awk '/sender/ { v = $5; u = $6 } END {
	if (u == "MBytes") v *= 1048576; else if (u == "GBytes") v *= 1073741824;
	else if (u == "KBytes") v *= 1024; printf "%d", v }')
log "client -> client2: $(echo "$out" | awk '/receiver/ { print $7, $8 }')," \
	"$moved bytes; the peer received $((after - before)) bytes meanwhile"
[ "$moved" -gt 4000000 ] || fail "client -> client2 moved only $moved bytes"
[ $((after - before)) -lt $((moved / 20)) ] ||
	fail "client -> client2 traffic reached the wire ($((after - before)) bytes at the peer)"

# Broadcast and multicast from outside reach both clients.
peer ip neigh flush dev eth0
out=$(peer ping -c 3 -W 2 192.0.2.255 2>&1) || true
for ip in $CLIENT_IP $CLIENT2_IP; do
	echo "$out" | grep -q "from $ip:" ||
		fail "broadcast ping from the peer: no answer from $ip: $out"
done
log "peer's broadcast ping answered by both clients"
# The peer has no default route: say where multicast goes.
peer ip route add 224.0.0.0/4 dev eth0
out=$(peer ping -c 3 -W 2 224.0.0.1 2>&1) || true
for ip in $CLIENT_IP $CLIENT2_IP; do
	echo "$out" | grep -q "from $ip:" ||
		fail "all-hosts ping from the peer: no answer from $ip: $out"
done
log "peer's ping to 224.0.0.1 answered by both clients"

# IPv6 multicast from a client: client2 and the peer answer.
ll() { echo "fe80::$1"; }
out=$(dom_exec client "ping -6 -c 3 -W 2 ff02::1%eth0" 2>&1) || true
c2ll=$(dom_exec client2 "ip -6 -o addr show dev eth0 scope link" |
	awk '{ print $4 }' | cut -d/ -f1)
peerll=$(peer ip -6 -o addr show dev eth0 scope link | awk '{ print $4 }' | cut -d/ -f1)
for a in "$c2ll" "$peerll"; do
	[ -n "$a" ] || fail "no IPv6 link-local address: client2 '$c2ll', peer '$peerll'"
	echo "$out" | grep -q "from $a" ||
		fail "client's ping to ff02::1: no answer from $a: $out"
done
log "client's ping to ff02::1 answered by client2 and the peer"

for c in client client2; do
	drops=$(dom_exec dd "cat /sys/bus/xen-backend/devices/vif-$(domid $c)-0/xldrv/drops" |
		awk '$1 != 0')
	log "$c's vif drops: ${drops:-none}"
done

# Connected without the NIC's link; frames for the wire wait for it
# (docs/netmap.md).
c2=$(domid client2)
be=/local/domain/$(domid dd)/backend/vif/$c2/0
fe=/local/domain/$c2/device/vif/0
sysd=/sys/bus/xen-backend/devices/vif-$c2-0/xldrv
timeout 60 xl network-detach client2 0 || fail "xl network-detach client2 0 failed"
wait_for 60 "client2's vif backend to be removed" eval '! xenstore-exists $be'
dom_exec dd "ip link set eth0 down"
timeout 60 xl network-attach client2 backend=dd bridge=eth0 "mac=$CLIENT2_MAC" \
	"ip=$CLIENT2_IP" || fail "xl network-attach client2 failed"
hotplug_ok dd vif client2 0
wait_for 30 "client2's vif to go Connected with dd's eth0 down" \
	eval '[ "$(xenstore-read $be/state 2>/dev/null)" = 4 ]'
wait_for 30 "client2's netfront to connect" \
	eval '[ "$(xenstore-read $fe/state 2>/dev/null)" = 4 ]'
dom_exec client2 "client-net $CLIENT2_IP/$NETMASK" >/dev/null
# An ARP request for the peer every second, from now until it answers.
dom_exec client2 "(ping -i 0.5 $PEER_IP >/dev/null 2>&1 &)"
held=$(dom_exec -t 60 dd "for i in \$(seq 100); do
	h=\$(cat $sysd/link_held); [ \$h -gt 0 ] && break; sleep 0.2; done
	echo \$h \$(cat $sysd/link_sent)")
read -r held sent <<<"$held"
[ "${held:-0}" -gt 0 ] && [ "$sent" = 0 ] ||
	fail "eth0 down: client2's vif held '$held' frames, sent '$sent' (want >0, 0)"
log "eth0 down: client2's vif Connected, $held frames held for the link"
dom_exec dd "ip link set eth0 up"
out=$(dom_exec -t 60 dd "for i in \$(seq 200); do
	s=\$(cat $sysd/link_sent); [ \$s -gt 0 ] && break; sleep 0.2; done
	echo \$(cat $sysd/link_held) \$s; grep no_link $sysd/drops")
read -r held sent <<<"$(head -n1 <<<"$out")"
[ "${sent:-0}" -gt 0 ] ||
	fail "eth0 up: none of client2's $held held frames was sent: $out"
log "eth0 up: $sent of $held held frames sent;" \
	"dropped: $(tail -n +2 <<<"$out" | awk '{ printf "%s %s ", $3, $1 }')"
# The release is told in dmesg too, once per link event that sent any.
msg=$(dom_exec dd "dmesg | grep 'xldrv_netmap: eth0: link up: sent' | tail -n1")
[ -n "$msg" ] || fail "eth0 up: netmap logged no release of held frames"
log "dd's dmesg: ${msg#*] }"
dom_exec -t 60 client2 "for i in \$(seq 30); do
	ping -c 1 -W 1 $PEER_IP >/dev/null && exit 0; done; exit 1" ||
	fail "client2 cannot reach the peer after eth0 came up"
dom_exec client2 "killall ping; true"
log "eth0 up: client2 reaches the peer"

# client2 destroyed with its vif attached: libxl reads the vif Closed and
# waits for netmap to remove its directory, as on a detach.
dom_destroy_client client2
