# SPDX-License-Identifier: GPL-2.0
# netmap-hostile: a hostile netif frontend (test/hostile/hostile_netfront.c)
# in client2 drives four vifs on one xldrv_netmap port, beside a
# well-behaved client (stock xen-netfront).  vif 0: a first slot shorter
# than an Ethernet header and a 9000-byte frame over an MTU of 1500 are
# answered with errors, a UDP frame over IPv6 whose checksum, left to
# offload, sits past byte 255 (208 bytes of destination options) reaches
# the peer intact (e1000's 8-bit offsets would have written it into the
# ethertype), a spoofed source MAC is answered and then dropped
# by the filter, 20000 events with no request (late EOIs: counted as
# spurious) leave the vif serving, a full ring of valid frames is
# answered; last, a bad grant reference in a tx request.  vif 1: one
# packet chained over 40 slots.  vif 2: a producer index 1000 ahead of
# what the ring holds.  vif 3: rx buffers with bad grant references, found
# out when the peer's broadcasts are copied to it.  Each vif's last case
# disables that vif only (xenbus_dev_fatal: an error node, the backend
# Closing); the driver domain and the well-behaved client, pinging the
# peer throughout, carry on.
#
#   client  (netfront) -----netif---+
#                                   +-- dd: xldrv_netmap -- eth0 --[QEMU hub]-- peer
#   client2 (hostile)  -----netif---+      (switch)                 (broadcasts)
#           vif 0..3
# lab-timeout: 480

peer_setup
dom_create consolidated/dd.cfg
dd_devices dd nic
dom_exec dd "insmod /lab/modules/xldrv_netmap.ko"
dom_start consolidated/client.cfg 'disk=[]' \
	"vif=[\"backend=dd,bridge=eth0,mac=$CLIENT_MAC,ip=$CLIENT_IP\"]"
# Handles 0 to 3 in this order; no ip=: the filter checks MACs only.
vifs=
for mac in 00:16:3e:58:01:20 00:16:3e:58:01:21 00:16:3e:58:01:22 \
	00:16:3e:58:01:23; do
	vifs="$vifs${vifs:+,}\"backend=dd,bridge=eth0,mac=$mac\""
done
dom_start consolidated/client2.cfg 'disk=[]' "vif=[$vifs]"
dom_wait client
dom_wait client2
dd_id=$(domid dd)
c2=$(domid client2)
be=/local/domain/$dd_id/backend/vif

dom_exec client "client-net $CLIENT_IP/$NETMASK"
dom_exec -t 60 client "for i in \$(seq 30); do
	ping -c 1 -W 1 $PEER_IP >/dev/null && exit 0; done; exit 1" ||
	fail "client cannot reach the peer through netmap"
log "the well-behaved client reaches the peer"
for h in 0 1 2 3; do
	wait_for 30 "netmap to take vif $h of client2" \
		eval '[ "$(xenstore-read $be/$c2/$h/state 2>/dev/null)" = 2 ]'
done
# Lab guests load no frontend by themselves; netfront must not take these.
dom_exec client2 "[ ! -d /sys/module/xen_netfront ]" ||
	fail "xen-netfront is loaded in client2"

splats() {
	dom_exec dd "dmesg | grep -cE 'BUG:|WARNING:|Oops|Call Trace' || true"
}
splats_before=$(splats)

# Meanwhile: the well-behaved client pings the peer, and the peer sends
# broadcasts, which vif 3 must be given (into its bad buffers).
dom_spawn client bgping "ping -c 80 -i 0.5 $PEER_IP"
ip netns exec peer ping -c 120 -i 0.5 192.0.2.255 >/dev/null 2>&1 &
bcast=$!

# What vif 0 puts on the wire, as the peer sees it.
vif0_mac=00:16:3e:58:01:20
peer sh -c "tcpdump -Z root -i eth0 -nn -e -vv -l ether src $vif0_mac \
	>/tmp/peer-hostile.cap 2>/dev/null &"
sleep 2
dom_exec client2 "insmod /lab/modules/xldrv_hostile_netfront.ko"
dom_exec -t 240 client2 "for i in \$(seq 150); do
	[ \$(dmesg | grep -c 'xldrv-hostile-net: vif[0-3]: done:') -ge 4 ] && exit 0
	sleep 1; done; exit 1" ||
	fail "the hostile frontend did not finish on all four vifs:" \
		"$(dom_exec client2 "dmesg | grep 'xldrv-hostile-net: vif[0-3]: done:' || true" | tr '\n' ' ')"

# Cases per vif: 0 runs eight, the others a valid frame and their own.
cases=(8 2 2 2)
for h in 0 1 2 3; do
	out=$(dom_exec client2 "dmesg | grep 'xldrv-hostile-net: vif$h:' | cut -d']' -f2-")
	echo "$out"
	echo "$out" | grep -q "vif$h: done: ${cases[h]} passed, 0 failed" ||
		fail "hostile vif $h: $(echo "$out" | grep "case.*FAIL\|skipped\|done" | tr '\n' ' ')"
	echo "$out" | grep -q "vif$h: backend closed the vif: yes" ||
		fail "netmap did not close hostile vif $h"
done
log "hostile vifs: every case answered as wanted, each vif closed at its last"

# The offloaded checksum past byte 255 left vif 0's headers alone: every
# frame from its MAC is ARP or IPv6 (the first ethertype on the line),
# the UDP one came, and its checksum is good.
sleep 1
peer killall tcpdump || true
cap=$(peer cat /tmp/peer-hostile.cap)
types=$(echo "$cap" | sed -n "s/^[^ ]* $vif0_mac > [^,]*, ethertype \([^ ]*\) .*/\1/p" |
	sort | uniq -c)
echo "$types"
echo "$types" | awk '$2 != "ARP" && $2 != "IPv6" { bad = 1 } END { exit bad }' ||
	fail "frames from hostile vif 0 reached the peer with another ethertype:" \
		"$(echo "$cap" | grep -v 'ethertype \(ARP\|IPv6\) ' | head -n 3)"
# tcpdump -vv: "... DSTOPT (padn) 9 > 9: [udp sum ok] UDP, length 16".
echo "$cap" | grep -A3 "ethertype IPv6" | grep -q "9 > 9: \[udp sum ok\] UDP, length 16" ||
	fail "the peer did not get hostile vif 0's UDP frame over IPv6 with a good checksum:" \
		"$(echo "$cap" | grep -A3 'ethertype IPv6' | head -n 4)"
! echo "$cap" | grep -q "bad udp cksum" ||
	fail "hostile vif 0's UDP frame reached the peer with a bad checksum:" \
		"$(echo "$cap" | grep -B3 'bad udp cksum' | head -n 4)"
log "hostile vif 0: its UDP frame, checksum past byte 255, reached the peer intact"

# Each closed by xenbus_dev_fatal, for its own reason, and only those.
reasons=("bad grant in a tx request" "too many slots"
	"tx ring producer index out of range" "bad grant in an rx buffer")
for h in 0 1 2 3; do
	err=/local/domain/$dd_id/error/backend/vif/$c2/$h/error
	wait_for 30 "netmap's error node for vif $h of client2" xenstore-read $err
	why=$(xenstore-read $err)
	log "vif $h of client2: backend state $(xenstore-read $be/$c2/$h/state), error '$why'"
	[[ $why == *"${reasons[h]}"* ]] ||
		fail "vif $h of client2 was disabled for '$why', not '${reasons[h]}'"
done
states=$(dom_exec dd "cd /sys/bus/xen-backend/devices &&
	grep -H . vif-$c2-[0-3]/xldrv/state vif-$(domid client)-0/xldrv/state")
echo "$states"
for h in 0 1 2 3; do
	echo "$states" | grep -q "^vif-$c2-$h/xldrv/state:.*disabled" ||
		fail "netmap does not say vif $h of client2 is disabled"
done

# What vif 0 got through to the counters.
sys0=/sys/bus/xen-backend/devices/vif-$c2-0/xldrv
stats=$(dom_exec dd "grep -H . $sys0/spurious_events $sys0/grant_errors \
	$sys0/tx_packets && awk '\$1 != 0' $sys0/drops")
echo "$stats"
for reason in "tx source MAC not the vif's" \
	"tx first slot shorter than an Ethernet header" \
	"tx frame larger than the MTU"; do
	n=$(echo "$stats" | grep -F " $reason" | cut -d' ' -f1 || true)
	[ "${n:-0}" -gt 0 ] || fail "hostile vif 0 counted no drop for '$reason'"
done
echo "$stats" | grep -q 'spurious_events:[1-9]' ||
	fail "netmap saw no spurious event in vif 0's event storm"
echo "$stats" | grep -q 'grant_errors:[1-9]' ||
	fail "netmap counted no grant error on vif 0"
log "hostile vif 0: refusals, the spoofed MAC and the event storm counted"

# Everyone else carries on.
kill $bcast 2>/dev/null || true
out=$(dom_reap -t 120 client bgping) ||
	fail "the well-behaved client's ping failed during the hostile run: $(echo "$out" | tail -n 2)"
got=$(echo "$out" | sed -n 's/.* \([0-9]*\) packets received.*/\1/p')
log "well-behaved client's ping during the hostile run: $(echo "$out" | grep 'packet loss' || true)"
[ "${got:-0}" -ge 40 ] ||
	fail "the well-behaved client lost most of its pings during the hostile run: ${got:-0} of 80"
[ "$(xenstore-read $be/$(domid client)/0/state)" = 4 ] ||
	fail "the well-behaved client's vif is no longer connected"
! echo "$states" | grep -q "^vif-$(domid client)-0/xldrv/state:.*disabled" ||
	fail "netmap disabled the well-behaved client's vif"
check_peer_traffic client
splats_after=$(splats)
[ "$splats_after" -le "$splats_before" ] ||
	fail "dd's kernel complained during the hostile run:" \
		"$(dom_exec dd "dmesg | grep -E 'BUG:|WARNING:|Oops' | tail -n 3")"
log "dd and the well-behaved client carry on"
