# SPDX-License-Identifier: GPL-2.0
# The lab demo (`make demo`): what xldrv does, in one boot, shown live.
#
# xldrvd, in dom0, starts the driver domain dd: the distribution kernel
# with the e1000 and the AHCI controller passed through, Linux's own
# drivers for them, and xldrv's mappers serving them to a client over
# Xen's blkif and netif.  The client runs xldrv's restart-aware
# frontends.  Under a TCP stream to the outside peer and a verified disk
# load, dd's kernel panics; later an operator restarts dd.  Each time
# xldrvd brings a new dd up and moves the client's devices to it, and the
# client keeps its disk and its interface: the stream finishes, every
# block reads back as written.  Runs like a scenario (each claim checked;
# a failed one fails the demo) and prints what it sees.
#
#   dom0: xldrvd --libxl--> dd                      peer (netns, 192.0.2.1)
#                           e1000 -- xldrv_netmap -----> on the wire
#                           ahci  -- xldrv_blkmap
#                                 vif | vbd  (grant-table rings)
#                           client: xldrv_netfront eth0, xldrv_blkfront xvda
#
# lab-timeout: 900

say() {
	echo
	echo "=== $* ==="
}

# demo_served OLD START WHAT: once xldrvd serves with a new dd (dd ran as
# domid OLD until WHAT, at START), wait for the client's vbd and vif to be
# connected to it; say when each came.
demo_served() {
	local old=$1 start=$2 what=$3 new
	new=$(xldrvd_serving 240)
	[ "$new" != "$old" ] || fail "dd kept domid $old"
	log "the new dd (domid $new) serves, $(since "$start") s after $what"
	wait_backend_moved "$cid" vbd 51712 "$new"
	wait_backend_moved "$cid" vif 0 "$new"
	log "the client's xvda and eth0 are connected to it, $(since "$start") s after $what"
}

# The frontends' own lines in the client's kernel log, without their
# time stamps: lines that look like a kernel console's are not shown
# live.  (No backslash: the agent's xenstore-write would unescape it.)
frontend_log() {
	dom_exec client "dmesg | grep -E '] xldrv_(blk|net)front: ' | cut -d] -f2- | cut -c2- | tail -n $1"
}

dd_mappers() {
	dom_exec dd "grep -oE '^xldrv_[a-z]+map' /proc/modules | sort | tr '\n' ' '"
}

say "Xen and dom0"
xl info | grep -E '^(host|release|xen_version|xen_caps|nr_cpus|total_memory|free_memory) '
echo "dom0 keeps 0000:$(ls /sys/bus/pci/drivers/e1000 | grep '^0000' | sed 's/^0000://') (e1000) for the outside peer;"
echo "pciback holds, for driver domains: $(xl pci-assignable-list | tr '\n' ' ')"
peer_setup

say "xldrvd starts and supervises the driver domain 'dd'"
echo "/etc/xldrv/xldrvd.conf names dd's xl config (xen-configs/consolidated/dd.cfg,"
echo "its kernel told to load the mappers) and a 6 s heartbeat timeout;"
echo "xldrvd --check-config shows it with the defaults:"
xldrvd_conf "heartbeat-timeout = 6"
xldrvd_start
dd_id=$(xldrvd_serving)
wait_for 60 "both mappers in dd" \
	eval '[ "$(dd_mappers)" = "xldrv_blkmap xldrv_netmap " ]'
xldrv-ctl status dd

say "in dd: Linux's unmodified drivers, and xldrv's mappers on them"
xl pci-list dd
echo "dd runs $(dom_exec dd "uname -r"), the kernel dom0 runs ($(uname -r)):"
dom_exec dd "grep '^pci ' /var/log/dd-devices.log" | sed 's/^/    /'
echo "modules: $(dom_exec dd "grep -oE '^(e1000|ahci|libahci|xldrv_[a-z]+) ' /proc/modules | tr -d '\n'")"

say "the client: xldrv's frontends, its disk and NIC served by dd"
vif="vif=[\"backend=dd,bridge=eth0,mac=$CLIENT_MAC,ip=$CLIENT_IP\"]"
echo "xl create consolidated/client.cfg memory=512 '$vif'"
echo "(and the lab's ramdisk with fio; xvda is dd's sda1, as client.cfg says)"
echo "(bridge= names dd's NIC for xldrv_netmap; ip= is the only address the client may use)"
xldrv_client consolidated/client.cfg dd dd "ramdisk=\"$(fio_ramdisk)\"" memory=512
cid=$(domid client)
for dev in vbd/51712 vif/0; do
	[ "$(xenstore-read /local/domain/$cid/device/$dev/feature-xldrv-reconnect)" = 1 ] ||
		fail "the client's $dev frontend does not say it reconnects by itself"
done
xl block-list client
xl network-list client
frontend_log 4
check_peer_traffic client

say "load: a 150 s TCP stream to the peer, fio writing and verifying xvda"
peer_iperf_server
dom_spawn client iperf "iperf3 -c $PEER_IP -t 150 -f m"
stream_start=$(now)
fio_verify_spawn client /dev/xvda
sleep 10

say "a driver crash: dd's kernel panics (sysrq c, what an oops ends in)"
old=$(domid dd)
start=$(now)
dom_panic dd
wait_for 120 "xldrvd to act on the panic" \
	eval '[ "$(xldrvd_field busy)" != 0 ] || [ "$(domid dd 2>/dev/null)" != "$old" ]'
log "xldrvd: $(xldrvd_events | grep -m1 'detected crash'), $(since "$start") s after the panic"
demo_served "$old" "$start" "the panic"
xldrvd_restarted_for crash 1
sleep 10

say "an operator's restart: xldrv-ctl restart dd --wait"
old=$(domid dd)
start=$(now)
xldrv-ctl restart dd --wait --timeout 240 ||
	fail "xldrv-ctl restart dd --wait exited $?"
demo_served "$old" "$start" "the request"
[ "$(xldrvd_field restarts)" = 2 ] ||
	fail "xldrvd counts $(xldrvd_field restarts) restarts, not 2"

say "what the client saw"
healed=$(since "$stream_start")
[ "${healed%.*}" -lt 145 ] ||
	fail "the second restart healed ${healed}s into the 150 s stream, too late for it to show anything"
out=$(dom_reap -t 240 client iperf) || fail "client: iperf3 failed: $out"
echo "$out" | tail -n 4
echo "$out" | grep -q receiver || fail "client: iperf3 printed no summary"
# The stream's slow stretches, as the application saw them: runs of the
# sender's intervals at under a tenth of the stream's median rate (whole
# output: dom_reap's is cut to its end).
slow=$(dom_exec_long client "cat /tmp/iperf.out" | awk '
	/sec/ && !/sender|receiver/ {
		iv = ""; r = ""
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^[0-9.]+-[0-9.]+$/) iv = $i
			if ($i == "Mbits/sec") r = $(i - 1)
		}
		if (iv == "" || r == "") next
		split(iv, t, "-")
		n++; a[n] = t[1]; b[n] = t[2]; v[n] = r + 0; m[n] = r + 0
	}
	END {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && m[j - 1] > m[j]; j--) {
				x = m[j]; m[j] = m[j - 1]; m[j - 1] = x
			}
		med = m[int((n + 1) / 2)]
		out = ""
		for (i = 1; i <= n + 1; i++) {
			if (i <= n && v[i] < med / 10) {
				if (!run) s = a[i]
				run = 1; e = b[i]
				continue
			}
			if (run)
				out = out sprintf("%s%.0f s (at %.0f-%.0f s)",
					out == "" ? "" : ", ", e - s, s, e)
			run = 0
		}
		printf "under a tenth of its median %s Mbit/s for %s\n",
			med, out == "" ? "no interval" : out
	}')
log "client: the TCP stream completed without error; $slow"
fio_verify_reap client
check_no_io_errors client
xldrv_client_same
frontend_log 12
check_client_disk client /dev/xvda dd /dev/sda1
check_peer_data client

say "what xldrvd did (xldrv-ctl events)"
xldrvd_events

say "summary"
cat <<SUMMARY
dom0    Xen toolstack and xldrvd (xldrv-ctl list/status/restart/events);
        the outside peer in netns 'peer' on the e1000 at 00:06.0, $PEER_IP
dd      domid $(domid dd) now ($dd_id at first): the e1000 (00:04.0) and the ahci
        (00:05.0) passed through, Linux's unmodified drivers on them,
        xldrv_netmap and xldrv_blkmap serving the client; restarted
        $(xldrvd_field restarts) times (a kernel panic, an operator's restart)
client  domid $cid: xldrv_netfront eth0 $CLIENT_IP, xldrv_blkfront xvda on
        dd's /dev/sda1; kept both through the restarts: its TCP stream
        finished, fio found every block as written
SUMMARY
