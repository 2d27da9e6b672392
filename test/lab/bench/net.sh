# SPDX-License-Identifier: GPL-2.0
# bench net: iperf3 between a client and the outside peer, three ways in
# one boot (docs/benchmarks.md), the client always with stock xen-netfront:
#   native  iperf3 in dd itself on eth0 (192.0.2.2): Linux's unmodified
#           e1000 driver, no domain boundary (the client's vif is
#           detached meanwhile)
#   stock   iperf3 in client: xen-netfront -> xen-netback in dd -> bridge
#           xenbr0 -> eth0, with `xl devd` and the stock vif-bridge
#           hotplug script there
#   xldrv   iperf3 in client: xen-netfront -> xldrv_netmap in dd -> eth0
#           (vif bridge=eth0, ip= set; no bridge, no devd, no script)
#
#   client (netfront 192.0.2.11) --netif--> dd: netback+xenbr0 | netmap
#                                                      |
#                                            dd: e1000 eth0 (00:04.0)
#                                                      |  QEMU hub
#                      dom0: netns "peer", e1000 eth0 192.0.2.1, iperf3 -s
# What runs where:
#   dom0    this script: xl network-attach/-detach to switch backends, the
#           iperf3 server in netns peer (one-shot, one per run), the
#           domains' CPU time (xl list), the medians, the BENCH lines
#   dd      consolidated/dd.cfg given its NIC only: e1000, one vif
#           backend at a time or none (dd-net-backend), iperf3 for native,
#           grant operations counted by kprobes (gnt-count) and
#           notifications by /proc/interrupts (irq-count, dd-counters)
#   client  consolidated/client.cfg with no vif at boot and no disk:
#           xen-netfront, iperf3 (iperf-job)
# PAIRS stock/xldrv pairs in ABBA order (stock first in odd pairs, xldrv
# first in even ones), native between the two of each pair; medians over
# the pairs.  Jobs: tcp_tx (client -> peer), tcp_rx (peer -> client,
# iperf3 -R), udp_tx (client -> peer, UDP at NET_UDP_RATE, 0: as fast as
# it goes, NET_UDP_LEN-byte datagrams): Mbit/s the receiver got after the
# omitted ramp.  CPU seconds of dom0, dd and client per GiB through the
# measuring domain's eth0 in each run.  Settings from the environment of
# test/lab/run: XLDRV_BENCH_PAIRS (5), _RUNTIME (8 s), _RAMP (2 s, iperf3
# -O), _WARMUP (3 s of unmeasured tcp_tx after each switch), _NET_JOBS
# (all three), _NET_UDP_RATE (0), _NET_UDP_LEN (1400).
# lab-timeout: 2400

pairs=$(bench_param PAIRS 5)
runtime=$(bench_param RUNTIME 8)
ramp=$(bench_param RAMP 2)
warmup=$(bench_param WARMUP 3)
jobs=$(bench_param NET_JOBS "tcp_tx tcp_rx udp_tx")
udp_rate=$(bench_param NET_UDP_RATE 0)
udp_len=$(bench_param NET_UDP_LEN 1400)
for v in "$pairs" "$runtime" "$ramp" "$warmup" "$udp_len"; do
	[[ $v =~ ^[0-9]+$ ]] || fail "bench settings must be whole numbers: '$v'"
done
[[ $udp_rate =~ ^[0-9]+[KMG]?$ ]] ||
	fail "XLDRV_BENCH_NET_UDP_RATE must be iperf3's -b: a number, K, M or G: '$udp_rate'"
{ [ "$pairs" -ge 1 ] && [ "$runtime" -ge 1 ]; } ||
	fail "PAIRS and RUNTIME must be at least 1"

declare -A JOB_ARGS=(
	[tcp_tx]="-c $PEER_IP"
	[tcp_rx]="-c $PEER_IP -R"
	[udp_tx]="-c $PEER_IP -u -b $udp_rate -l $udp_len"
)
COMMON="-t $runtime -O $ramp"
for job in $jobs; do
	[ -n "${JOB_ARGS[$job]:-}" ] || fail "unknown job '$job' (${!JOB_ARGS[*]})"
done
echo "BENCH-CONFIG net pairs=$pairs runtime=${runtime}s ramp=${ramp}s" \
	"warmup=${warmup}s jobs=${jobs// /,} udp=-b${udp_rate},-l${udp_len}" \
	"iperf3=1-stream nic=e1000 client=netfront,1-vcpu"

# The entry of CONFIG's pci list (as written there) whose device has PCI
# class CLASS in dom0 (as in blk.sh).
cfg_pci_of_class() {
	local bdf
	for bdf in $(grep -o '"[0-9a-f]*:[0-9a-f]*\.[0-7][^"]*"' "$LAB_CONFIGS/$1" |
		tr -d '"'); do
		case $(cat "/sys/bus/pci/devices/0000:${bdf%%,*}/class") in
		"$2"*) echo "$bdf" ;;
		esac
	done
}

peer_setup
# dd gets its NIC only: the disk controller would sit idle here.
nic=$(cfg_pci_of_class consolidated/dd.cfg 0x0200)
[ -n "$nic" ] || fail "no NIC in consolidated/dd.cfg's pci list"
dom_create consolidated/dd.cfg "pci=[\"$nic\"]"
dd_devices dd nic
dom_exec dd "gnt-count setup"
# The client boots with no vif: every configuration attaches it the same
# way, with xl network-attach.
dom_create consolidated/client.cfg 'vif=[]' 'disk=[]'
dom_exec client "modprobe xen-netfront"
DD_ID=$(domid dd)
CLIENT_ID=$(domid client)
BE_PATH=/local/domain/$DD_ID/backend/vif/$CLIENT_ID/0
FE_PATH=/local/domain/$CLIENT_ID/device/vif/0

# The interrupts (event channels) a backend takes its frontend's
# notifications on, in dd, for irq-count: netback names them
# vif<domid>.<devid>-q<queue>-tx and -rx (or without -tx/-rx when the
# frontend asked for one event channel), netmap xldrv-netmap.  No
# backslash: commands reach the guests through xenstore.
be_irq() {
	case $1 in
	stock) echo "~^vif${CLIENT_ID}[.]0-q[0-9]+(-tx|-rx)?\$" ;;
	xldrv) echo xldrv-netmap ;;
	esac
}

be_connected() {
	[ "$(xenstore-read "$BE_PATH"/state 2>/dev/null)" = 4 ]
}
fe_connected() {
	[ "$(xenstore-read "$FE_PATH"/state 2>/dev/null)" = 4 ]
}
be_gone() {
	! xenstore-exists "$BE_PATH"
}
fe_gone() {
	! xenstore-exists "$FE_PATH"
}

# What dd's eth0 serves now: stock, xldrv, native, or nothing yet; and
# which backend serves the client's vif (stock, xldrv, or none).
MODE=
BE=

net_detach() {
	# With netback, `xl devd` in dd runs vif-bridge offline and removes
	# the backend's directory; netmap removes its own (docs/netmap.md).
	timeout 60 xl network-detach client 0 ||
		fail "xl network-detach client 0 failed"
	dom_exec client "for i in \$(seq 300); do
		[ -e /sys/class/net/eth0 ] || exit 0; sleep 0.1; done; exit 1" ||
		fail "client: eth0 is still there 30s after network-detach"
	wait_for 60 "$BE_PATH to be removed" be_gone
	wait_for 30 "$FE_PATH to be removed" fe_gone
	BE=
}

# ping_peer DOMAIN: DOMAIN reaches the peer (the e1000 link may still be
# coming up).
ping_peer() {
	dom_exec -t 90 "$1" "for i in \$(seq 30); do
		ping -c 1 -W 1 $PEER_IP >/dev/null && exit 0; done; exit 1" ||
		fail "$1 cannot reach the peer $PEER_IP (${2:-})"
}

# net_use stock|xldrv|native: make that configuration the one measured:
# dd's eth0 switched over (the client's vif detached first), for stock
# and xldrv the client's vif attached to that backend and checked to be
# served by it, then warmed up.
net_use() {
	local cfg=$1 want got start out
	local -a spec
	[ "$MODE" != "$cfg" ] || return 0
	start=$(now)
	[ -z "$BE" ] || net_detach
	# shellcheck disable=SC2153 # DD_IP is lib.sh's
	case $cfg in
	native) out=$(dom_exec -t 120 dd "dd-net-backend native $DD_IP/$NETMASK") ;;
	*) out=$(dom_exec -t 120 dd "dd-net-backend $cfg") ;;
	esac || fail "dd: dd-net-backend $cfg failed: $out"
	log "dd: $out"
	MODE=$cfg
	if [ "$cfg" = native ]; then
		ping_peer dd "on plain eth0"
		log "native: dd's eth0 has $DD_IP; switched in $(since "$start")s"
		warm_up dd
		return
	fi
	case $cfg in
	stock) spec=(backend=dd bridge=xenbr0 "mac=$CLIENT_MAC") ;;
	xldrv) spec=(backend=dd bridge=eth0 "mac=$CLIENT_MAC" "ip=$CLIENT_IP") ;;
	esac
	# One KEY=VALUE an argument: xl network-attach does not split at
	# commas as a config file's vif spec does.
	timeout 60 xl network-attach client "${spec[@]}" ||
		fail "xl network-attach client ${spec[*]} (for $cfg) failed"
	# libxl does not wait for a driver domain's hotplug script; netmap,
	# which has none, writes the status itself.
	hotplug_ok dd vif client 0
	wait_for 30 "the $cfg backend to connect" be_connected
	out=$(dom_exec client "client-net $CLIENT_IP/$NETMASK") ||
		fail "client: no eth0 on the $cfg backend: $out"
	wait_for 30 "the client's netfront to connect to $cfg" fe_connected
	case $cfg in
	stock) want="module=xen_netback xldrv_sysfs=no port=xenbr0" ;;
	xldrv) want="module=xldrv_netmap xldrv_sysfs=yes port=eth0" ;;
	esac
	got=$(dom_exec dd "dd-net-backend serving $CLIENT_ID 0")
	[ "$got" = "$want" ] ||
		fail "client's vif should be served by $cfg ($want); dd says: $got"
	BE=$cfg
	ping_peer client "through $cfg"
	log "$cfg serves the client's vif ($got); switched in $(since "$start")s;" \
		"backend: $(for k in feature-sg feature-gso-tcpv4 feature-rx-copy \
			feature-split-event-channels multi-queue-max-queues; do
			echo -n "$k=$(xenstore-read "$BE_PATH"/$k 2>/dev/null || echo -) "
		done)frontend: $(for k in feature-sg feature-gso-tcpv4 \
			multi-queue-num-queues event-channel event-channel-tx; do
			echo -n "$k=$(xenstore-read "$FE_PATH"/$k 2>/dev/null || echo -) "
		done)"
	warm_up client
	# dd counts from here (and fails if the backend's irq is not there:
	# so does iperf-job in the client without netfront's).
	dd_counters "$cfg"
}

# warm_up DOMAIN: unmeasured tcp_tx from DOMAIN, so that the first
# measured run finds the path (ARP, the bridge's forwarding table, TCP
# metrics) ready.
warm_up() {
	local out
	[ "$warmup" != 0 ] || return 0
	peer_iperf_server
	out=$(dom_exec -t $((warmup + 60)) "$1" \
		"iperf3 -c $PEER_IP -t $warmup >/dev/null") ||
		fail "$1: warm-up iperf3 to the peer failed: $out"
}

mkdir -p /tmp/bench
rm -f /tmp/bench/*

# What follows runs between measurements: no process is forked where a
# builtin does (kv_parse, printf -v), since under TCG dom0's forks cost
# whole seconds on a busy host.

# record JOB CONFIG METRIC VALUE: one sample, for the medians.
record() {
	echo "$4" >>"/tmp/bench/$1.$2.$3"
}

# dd's counters since the previous call (dd_count), into D: netmap's own
# too when it serves.
dd_counters() {
	local dir=
	[ "$1" != xldrv ] ||
		dir=/sys/bus/xen-backend/devices/vif-$CLIENT_ID-0/xldrv
	dd_count "$(be_irq "$1")" $dir
}

# sample CONFIG PAIR JOB: one measured run, its raw sample logged.
sample() {
	local cfg=$1 p=$2 job=$3 dom irq v bytes d total ops calls fe2be be2fe
	local notif m count cpus='' extra=''
	local -A pm cpu
	local -a ddw
	if [ "$cfg" = native ]; then
		dom=dd irq=-
	else
		dom=client irq=$FE_IRQ
	fi
	bench_iperf "$dom" "$irq" "${JOB_ARGS[$job]} $COMMON"
	v=${I[mbps]}
	bytes=${I[if_bytes]}
	((bytes > 0)) || fail "$dom: iperf3 $job moved nothing through eth0: $IPERF_OUT"
	record "$job" "$cfg" value "$v"
	record "$job" "$cfg" loss "${I[loss_pct]}"
	total=0
	for d in dom0 dd client; do
		cpu[$d]=$((C1[$d] - C0[$d]))
		total=$((total + cpu[$d]))
		per_gib "pm[cpu_$d]" "${cpu[$d]}" "$bytes"
		record "$job" "$cfg" "cpu_$d" "${pm[cpu_$d]}"
		tenths "cpu[$d]" "${cpu[$d]}"
		cpus+=" cpu_$d=${cpu[$d]}"
	done
	per_gib "pm[cpu]" "$total" "$bytes"
	record "$job" "$cfg" cpu "${pm[cpu]}"
	if [ "$cfg" != native ]; then
		dd_counters "$cfg"
		ops=$((D[map_ops] + D[unmap_ops] + D[copy_ops]))
		calls=$((D[map_calls] + D[unmap_calls] + D[copy_calls]))
		fe2be=${D[irq]}
		be2fe=${I[irq]}
		notif=$((fe2be + be2fe))
		for m in ops:grant_ops calls:grant_calls notif:notif fe2be:fe2be \
			be2fe:be2fe; do
			count=${m%%:*}
			per_mib "pm[${m#*:}]" "${!count}" "$bytes"
			record "$job" "$cfg" "${m#*:}" "${pm[${m#*:}]}"
		done
		if [ "$cfg" = xldrv ]; then
			# netmap's own counters against what the kprobes and the
			# client's interrupts saw.
			[ -z "${D[xs_grant_copies]:-}" ] ||
				[ "${D[xs_grant_copies]}" = "${D[copy_ops]}" ] ||
				log "note: $job pair $p: netmap grant_copies=${D[xs_grant_copies]}, kprobe gnttab_batch_copy ops=${D[copy_ops]}"
			[ -z "${D[xs_grant_hypercalls]:-}" ] ||
				[ "${D[xs_grant_hypercalls]}" = "$calls" ] ||
				log "note: $job pair $p: netmap grant_hypercalls=${D[xs_grant_hypercalls]}, kprobe grant hypercalls=$calls"
			[ -z "${D[xs_notifies]:-}" ] || ((be2fe <= D[xs_notifies])) ||
				log "note: $job pair $p: the client took $be2fe interrupts, netmap sent ${D[xs_notifies]} notifications"
			((ops > 0)) ||
				log "WARNING: $job pair $p: xldrv moved $bytes bytes with no grant operation the kprobes saw"
		fi
		# dd's words with a dd_ prefix: irq= is the client's.
		read -ra ddw <<<"${DD_OUT//$'\n'/ }"
		extra=" ${ddw[*]/#/dd_} fe2be=$fe2be be2fe=$be2fe"
		extra+=" grant_ops/MiB=${pm[grant_ops]}"
		extra+=" grant_hypercalls/MiB=${pm[grant_calls]}"
		extra+=" notifications/MiB=${pm[notif]}"
	fi
	echo "BENCH-SAMPLE net job=$job config=$cfg pair=$p value=$v" \
		"unit=Mbit/s $IPERF_OUT$cpus cpu_s/GiB=${pm[cpu]}$extra"
}

# run_set CONFIG PAIR: every job once.
run_set() {
	local job start
	start=$(now)
	for job in $jobs; do
		sample "$1" "$2" "$job"
	done
	log "pair $2/$pairs: $1 done in $(since "$start")s"
}

bench_start=$(now)
for ((p = 1; p <= pairs; p++)); do
	if ((p % 2)); then
		a=stock b=xldrv
	else
		a=xldrv b=stock
	fi
	net_use $a
	run_set $a $p
	net_use native
	run_set native $p
	net_use $b
	run_set $b $p
done
lab_time bench-net "$(since "$bench_start")"

# med JOB CONFIG METRIC: the median of the samples.
med() {
	bench_median <"/tmp/bench/$1.$2.$3"
}
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
}
fmt() {
	case $1 in
	Mbit/s) awk -v v="$2" 'BEGIN { printf "%.1f", v }' ;;
	*) awk -v v="$2" 'BEGIN { printf "%.2f", v }' ;;
	esac
}

for job in $jobs; do
	n=$(fmt Mbit/s "$(med "$job" native value)")
	s=$(fmt Mbit/s "$(med "$job" stock value)")
	x=$(fmt Mbit/s "$(med "$job" xldrv value)")
	echo "BENCH net $job native=$n stock=$s xldrv=$x" \
		"xldrv/native=$(ratio "$x" "$n") xldrv/stock=$(ratio "$x" "$s") unit=Mbit/s"
done
for job in $jobs; do
	n=$(fmt - "$(med "$job" native cpu)")
	s=$(fmt - "$(med "$job" stock cpu)")
	x=$(fmt - "$(med "$job" xldrv cpu)")
	echo "BENCH net $job cpu_s/GiB native=$n stock=$s xldrv=$x" \
		"xldrv/stock=$(ratio "$x" "$s")"
done
for job in $jobs; do
	case $job in
	udp_*)
		echo "BENCH net $job loss% native=$(fmt - "$(med "$job" native loss)")" \
			"stock=$(fmt - "$(med "$job" stock loss)")" \
			"xldrv=$(fmt - "$(med "$job" xldrv loss)")"
		;;
	esac
done
for job in $jobs; do
	for m in grant_ops:grant_ops/MiB grant_calls:grant_hypercalls/MiB \
		notif:notifications/MiB; do
		echo "BENCH net $job ${m#*:} stock=$(fmt - "$(med "$job" stock "${m%%:*}")")" \
			"xldrv=$(fmt - "$(med "$job" xldrv "${m%%:*}")")"
	done
done
for job in $jobs; do
	echo "BENCH-DETAIL net $job notifications/MiB" \
		"fe->be: stock=$(fmt - "$(med "$job" stock fe2be)") xldrv=$(fmt - "$(med "$job" xldrv fe2be)")" \
		"be->fe: stock=$(fmt - "$(med "$job" stock be2fe)") xldrv=$(fmt - "$(med "$job" xldrv be2fe)")"
	line="BENCH-DETAIL net $job cpu_s/GiB"
	for d in dom0 dd client; do
		line+=" $d: native=$(fmt - "$(med "$job" native "cpu_$d")")"
		line+=" stock=$(fmt - "$(med "$job" stock "cpu_$d")")"
		line+=" xldrv=$(fmt - "$(med "$job" xldrv "cpu_$d")")"
	done
	echo "$line"
done
