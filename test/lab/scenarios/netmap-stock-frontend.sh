# SPDX-License-Identifier: GPL-2.0
# netmap-stock-frontend: xldrv_netmap, not xen-netback and a bridge, puts
# the client on the driver domain's NIC (bridge=eth0 in its vif spec);
# no hotplug script, no `xl devd`, no bridge in the driver domain.  The
# client's stock xen-netfront gets its address, pings the outside peer and
# runs iperf3 TCP to it both ways, and UDP.
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
