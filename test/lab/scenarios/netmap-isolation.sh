# SPDX-License-Identifier: GPL-2.0
# netmap-isolation: a client that lies about who it is gets nothing
# through xldrv_netmap, and sees nothing meant for others.  client (ip=
# 192.0.2.11) tries, one after the other: an address it was not given,
# client2's address, a MAC nobody has, client2's MAC, an IPv6 address it
# was not given; then listens in promiscuous mode while the peer talks to
# client2.  Captures on the peer and on client2 hold none of the lies, the
# promiscuous client hears none of client2's unicast, and client's vif
# counts each kind of drop.
#
#   client (liar) ---+
#                    +-- dd: xldrv_netmap -- eth0 --[QEMU hub]-- peer (tcpdump)
#   client2 (tcpdump)+
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
	dom_exec -t 60 $c "for i in \$(seq 30); do
		ping -c 1 -W 1 $PEER_IP >/dev/null && exit 0; done; exit 1" ||
		fail "$c cannot reach the peer through netmap"
done
log "both clients reach the peer honestly"
sys=/sys/bus/xen-backend/devices/vif-$(domid client)-0/xldrv

# Captures: every frame the peer and client2 get, with MACs.
peer sh -c "tcpdump -Z root -i eth0 -nn -e -l >/tmp/peer.cap 2>/dev/null &"
dom_exec client2 "(tcpdump -Z root -i eth0 -nn -e -l >/tmp/c2.cap 2>/dev/null &)"
sleep 2

# lie WHAT "SETUP && TEST; CLEANUP": SETUP must work (it prints the marker)
# and TEST must get no answer.
lie() {
	local out
	log "client: $1"
	out=$(dom_exec -t 60 client "$2" 2>&1) &&
		fail "client got an answer while lying: $1"
	echo "$out" | grep -q LIE-SENT ||
		fail "client could not set up the lie '$1': $out"
	return 0
}
# The peer's MAC as a permanent neighbour: the IPv4 lies then go out as
# IPv4 frames, not only as ARP requests (dropped on their own count).
peer_mac=$(peer cat /sys/class/net/eth0/address)
pin="ip neigh replace $PEER_IP lladdr $peer_mac dev eth0 nud permanent"
lie "source address 192.0.2.99, not given" \
	"ip addr add 192.0.2.99/32 dev eth0 && $pin && echo LIE-SENT &&
	 ping -c 3 -W 2 -I 192.0.2.99 $PEER_IP; r=\$?; ip addr del 192.0.2.99/32 dev eth0; exit \$r"
lie "client2's address $CLIENT2_IP" \
	"ip addr add $CLIENT2_IP/32 dev eth0 && $pin && echo LIE-SENT &&
	 ping -c 3 -W 2 -I $CLIENT2_IP $PEER_IP; r=\$?; ip addr del $CLIENT2_IP/32 dev eth0; exit \$r"
# With the neighbour pinned, no ARP goes out for those: an ARP request of
# its own that claims an address not given (busybox's arping).
lie "ARP sender 192.0.2.99, not given" \
	"ip addr add 192.0.2.99/32 dev eth0 && echo LIE-SENT &&
	 busybox arping -c 2 -w 3 -I eth0 -s 192.0.2.99 $PEER_IP; r=\$?; ip addr del 192.0.2.99/32 dev eth0; exit \$r"
# netfront takes a new MAC only while down; the address and routes stay.
setmac() {
	echo "ip link set eth0 down && ip link set eth0 address $1 &&
		ip link set eth0 up"
}
lie "MAC 00:16:3e:58:00:99, nobody's" \
	"$(setmac 00:16:3e:58:00:99) && $pin && echo LIE-SENT &&
	 ping -c 3 -W 2 $PEER_IP; r=\$?; $(setmac $CLIENT_MAC); exit \$r"
lie "client2's MAC $CLIENT2_MAC" \
	"$(setmac $CLIENT2_MAC) && $pin && echo LIE-SENT &&
	 ping -c 3 -W 2 $PEER_IP; r=\$?; $(setmac $CLIENT_MAC); exit \$r"
lie "IPv6 source 2001:db8::99, not given" \
	"ip -6 addr add 2001:db8::99/64 dev eth0 nodad && echo LIE-SENT &&
	 ping -6 -c 3 -W 2 -I 2001:db8::99 2001:db8::1; r=\$?; ip -6 addr del 2001:db8::99/64 dev eth0; exit \$r"
dom_exec client "ip neigh flush dev eth0; ping -c 2 -W 5 $PEER_IP" >/dev/null ||
	fail "client cannot reach the peer honestly after its lies"

# Listening for others: the peer pings client2 while client is promiscuous.
dom_exec client "(tcpdump -Z root -i eth0 -nn -e -l >/tmp/c1.cap 2>/dev/null &)"
sleep 2
peer ping -c 5 -i 0.3 -W 2 "$CLIENT2_IP" >/dev/null ||
	fail "the peer cannot ping client2"
sleep 1
for d in client client2; do
	dom_exec $d "killall tcpdump; sleep 0.5; true"
done
peer killall tcpdump || true
sleep 0.5

peer_cap=$(peer cat /tmp/peer.cap)
c2_cap=$(dom_exec client2 "cat /tmp/c2.cap")
c1_cap=$(dom_exec client "cat /tmp/c1.cap")
log "captured: peer $(echo "$peer_cap" | wc -l) frames, client2 $(echo "$c2_cap" | wc -l), promiscuous client $(echo "$c1_cap" | wc -l)"
for who in peer client2; do
	if [ $who = peer ]; then cap=$peer_cap; else cap=$c2_cap; fi
	bad=$(echo "$cap" | grep -E "192\.0\.2\.99|00:16:3e:58:00:99|2001:db8::99|^[^ ]+ $CLIENT_MAC > .*(IPv4|ARP).*$CLIENT2_IP( |,|\.|$)|^[^ ]+ $CLIENT2_MAC > .*$CLIENT_IP" || true)
	# client2's own frames carry its MAC and address: only a frame with
	# client2's MAC and client's address, or the reverse, is a lie.
	[ -z "$bad" ] || fail "a lie reached $who: $bad"
done
log "no spoofed frame reached the peer or client2"
leak=$(echo "$c1_cap" | grep -E "> $CLIENT2_MAC|$PEER_IP > $CLIENT2_IP" || true)
[ -z "$leak" ] || fail "promiscuous client heard frames for client2: $leak"
echo "$c2_cap" | grep -q "$PEER_IP > $CLIENT2_IP: ICMP echo request" ||
	fail "client2's capture misses the peer's pings: the check above proves nothing"
log "promiscuous client heard none of client2's unicast"

# Only the non-zero lines: dom_exec keeps the last 1500 bytes.
drops=$(dom_exec dd "awk '\$1 != 0' $sys/drops")
echo "$drops"
for reason in "tx IPv4 source not the vif's" "tx ARP sender IP not the vif's" \
	"tx source MAC not the vif's" "tx IPv6 source not the vif's"; do
	n=$(echo "$drops" | grep -F " $reason" | cut -d' ' -f1 || true)
	[ "${n:-0}" -gt 0 ] || fail "client's vif counted no drop for '$reason'"
done
log "client's vif counted every kind of lie"
