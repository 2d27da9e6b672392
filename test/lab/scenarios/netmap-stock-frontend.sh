# SPDX-License-Identifier: GPL-2.0
# netmap-stock-frontend: xldrv_netmap, not xen-netback and a bridge, puts
# the client on the driver domain's NIC (bridge=eth0 in its vif spec);
# no hotplug script, no `xl devd`, no bridge in the driver domain.  The
# client's stock xen-netfront gets its address, pings the outside peer and
# runs iperf3 TCP to it both ways, and UDP; then TCP to it again with
# tx_nic_bytes below one GSO frame, each frame held until the NIC freed
# the one before: the stream flows, is held, and nothing stays charged.
#
#   client (netfront) --netif--> dd: xldrv_netmap -> e1000 eth0
#                                          |  QEMU hub
#                                 dom0: netns peer, eth0 192.0.2.1
# lab-timeout: 420

peer_setup
dom_create consolidated/dd.cfg
dd_devices dd nic
dom_exec dd "insmod /lab/modules/xldrv_netmap.ko &&
	! lsmod | grep -qE '^(xen_netback|bridge) '"

dom_create consolidated/client.cfg 'disk=[]' \
	"vif=[\"backend=dd,bridge=eth0,mac=$CLIENT_MAC,ip=$CLIENT_IP\"]"
be=/local/domain/$(domid dd)/backend/vif/$(domid client)/0
dom_exec client "client-net $CLIENT_IP/$NETMASK"
wait_for 30 "netmap to connect the client's vif" \
	eval '[ "$(xenstore-read $be/state 2>/dev/null)" = 4 ]'
[ "$(xenstore-read $be/hotplug-status)" = connected ] ||
	fail "netmap did not set hotplug-status=connected"
features=$(for k in feature-sg feature-gso-tcpv4 feature-gso-tcpv6 \
	feature-ipv6-csum-offload feature-rx-copy; do
	echo -n "$k=$(xenstore-read $be/$k) "; done)
log "netmap offers: $features"
sys=/sys/bus/xen-backend/devices/vif-$(domid client)-0/xldrv
dom_exec dd "cat $sys/identity; dmesg | grep xldrv_netmap | tail -n 3"

# The e1000 link comes up once the mapper opened eth0: give it time.
dom_exec -t 60 client "for i in \$(seq 30); do
	ping -c 1 -W 1 $PEER_IP >/dev/null && exit 0; done; exit 1" ||
	fail "client cannot reach the peer through netmap"
check_peer_traffic client
peer_iperf_server
out=$(dom_exec -t 60 client "iperf3 -c $PEER_IP -t 2 -f m -R | tail -n 4") ||
	fail "client: iperf3 -R (peer to client) failed: $out"
log "peer -> client: $(echo "$out" | awk '/receiver/ { print $7, $8 }')"
peer_iperf_server
out=$(dom_exec -t 60 client "iperf3 -c $PEER_IP -u -b 20M -t 2 -f m | tail -n 4") ||
	fail "client: iperf3 UDP failed: $out"
log "client -> peer UDP: $(echo "$out" | awk '/receiver/ { print $7, $8, $(NF-2), $(NF-1), $NF }')"

counters=$(dom_exec dd "cd $sys && for c in tx_packets tx_bytes rx_packets rx_bytes \
	grant_copies grant_hypercalls notifies; do echo \$c=\$(cat \$c); done")
log "netmap counters: $(echo $counters)"
kv=$(echo "$counters" | tr '\n' ' ')
for c in tx_packets rx_packets; do
	n=$(echo "$kv" | sed -n "s/.*\b$c=\([0-9]*\).*/\1/p")
	[ "${n:-0}" -gt 1000 ] || fail "netmap $c is ${n:-missing}: the traffic did not go through it"
done
drops=$(dom_exec dd "cat $sys/drops" | awk '$1 != 0')
log "netmap drops: ${drops:-none}"

# tx_nic_bytes: a client's frames in the NIC, bounded.  Below one GSO
# frame's truesize, each frame of the client's waits in its ring until
# the NIC has freed the one before, whose destructor wakes the vif's
# thread: a wake-up lost there stalls the stream for good.  Once it
# ends, nothing may stay charged to the vif (a charge lost or counted
# twice would hold its tx for ever, or not at all).
param=/sys/module/xldrv_netmap/parameters/tx_nic_bytes
[ "$(dom_exec dd "cat $param")" = 1048576 ] ||
	fail "netmap: tx_nic_bytes is $(dom_exec dd "cat $param"), not the 1 MiB default"
held0=$(dom_exec dd "cat $sys/nic_full")
dom_exec dd "echo 65536 >$param"
peer_iperf_server
out=$(dom_exec -t 60 client "iperf3 -c $PEER_IP -t 3 -f m | tail -n 4") ||
	fail "client: iperf3 to the peer with tx_nic_bytes=65536 failed: $out"
log "client -> peer, tx_nic_bytes 64 KiB: $(echo "$out" | awk '/sender/ { print $7, $8 }')"
dom_exec dd "echo 1048576 >$param"
held=$(dom_exec dd "cat $sys/nic_full")
[ "$held" -gt "$held0" ] ||
	fail "netmap never held the client's tx at tx_nic_bytes=65536 (nic_full $held0 -> $held)"
log "netmap held the client's tx $((held - held0)) times"
wait_for 10 "the NIC to free every frame of the client's" \
	eval '[ "$(dom_exec dd "cat $sys/nic_bytes")" = 0 ]'
