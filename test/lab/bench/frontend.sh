# SPDX-License-Identifier: GPL-2.0
# bench frontend: the restart-aware frontends against Linux's stock ones,
# on the same backends (the mappers), in one boot (docs/benchmarks.md).
# One client domain, created afresh for every configuration with the same
# config, disk (dd's sda1) and vif; only the frontend modules it loads
# differ:
#   stock  xen-blkfront on xvda, xen-netfront on eth0
#   xldrv  xldrv_blkfront on xvda, xldrv_netfront on eth0
# (Until 2026-12-06 the two were two domains up at once on sda1 and sda2,
# so a pair compared two vCPUs as well as two frontends.  A frontend
# cannot be swapped inside one client both ways: xen-blkfront does not
# come back to a device another driver left Closed.)
#
#   peer (dom0 netns, iperf3 -s) <-- e1000 -- dd (ahci, e1000;
#                                                 blkmap, netmap)
#                                    vbd sda1, vif ^
#                         client (stock or xldrv frontends, one at a time)
#
# PAIRS stock/xldrv pairs in ABBA order (stock first in odd pairs, xldrv
# first in even ones); medians over the pairs.  Jobs: blk as in bench
# blk (1 MiB sequential read and write at iodepth 8 in MiB/s, 4 KiB
# random read and write at iodepth 32 in IOPS; direct, libaio), net as in
# bench net (tcp_tx client -> peer, tcp_rx peer -> client, Mbit/s the
# receiver got).  Prints, per job,
#   BENCH frontend JOB stock=<v> xldrv=<v> xldrv/stock=<r> pairs=<r>,... mean=<m> ci95=<lo>-<hi> unit=U
# (JOB: seqread, seqwrite, randread, randwrite for blk; tcp_tx, tcp_rx)
# Target (issue 6): xldrv/stock >= 1.00.  Settings: XLDRV_BENCH_PAIRS (5),
# _RUNTIME (8 s), _RAMP (2 s), _FRONTEND_TRUSTED (1; 0: both devices'
# frontend "trusted" node is set to 0 before any frontend loads, as the
# toolstack does for an untrusted backend, so that every frontend keeps
# its pages to itself: xen-blkfront and xldrv_blkfront through bounce
# pages, xen-netfront bouncing and xldrv_netfront copying each tx packet;
# checked in the client's log where the driver says so), _FRONTEND_SCHED
# (default: each frontend's own default I/O scheduler for xvda, which is
# mq-deadline for xen-blkfront and none for xldrv_blkfront; or a
# scheduler's name, e.g. mq-deadline or none, set on xvda in every client
# before the jobs run), _FRONTEND_JOBS (all six; or some of them, space
# separated as in _JOBS and _NET_JOBS, commas taken too, e.g. "tcp_tx
# tcp_rx" for more pairs of the network alone).
# For the network jobs the domains' CPU time is read around each run
# (bench_iperf) and printed per GiB through eth0:
#   BENCH-DETAIL frontend JOB cpu_s/GiB dom0: stock=<v> xldrv=<v> dd: ... client: ...
# and, host speed cancelled, the CPU time of the path (dd and the client)
# over dom0's in the same window: the L1's two CPUs are saturated under
# these jobs (throughput = 2 CPUs / the CPU seconds per GiB of all
# three), so a run's speed follows the host's, which varies from one
# sample to the next.  dom0's share, the peer's end of the stream and
# its NIC, is taken as the yardstick: it does about the same work per
# GiB whatever the client's frontend (the stream's shape could change
# that: retransmissions, segment sizes), so the path's CPU against it
# is what the frontend costs, the lower the faster at the same host
# speed (the median of each sample's ratio, in % of dom0's; xl's CPU
# times are in tenths of a second, some 100 of them in each domain's
# window, so one sample's ratio is good to a percent or so):
#   BENCH-DETAIL frontend JOB cpu_%_of_peer dd+client/dom0: stock=<v> xldrv=<v>
# and what each frontend made the backend do, per MiB through eth0:
# notifications each way (fe2be: interrupts netmap took in dd, be2fe:
# the client's on its netfront irqs) and grant operations of dd (netmap's
# copies, counted by kprobes: gnt-count), which do not depend on the
# emulation's speed:
#   BENCH-DETAIL frontend JOB per_MiB fe2be: stock=<v> xldrv=<v> be2fe: ... grant_ops: ...
# For the block jobs the same per MiB through xvda (/proc/diskstats, the
# ramp included): the CPU time of dd and the client in ms, the client's
# in % of dd's (dd, blkmap and the disk's driver, is the yardstick here:
# the two CPUs are saturated by dd and the client, and dom0 only waits),
# and the requests blkmap took (its own counter), the notifications each
# way (blkmap's irq in dd, the client's blkfront irq) and dd's grant
# operations:
#   BENCH-DETAIL frontend JOB cpu_ms/MiB dd: stock=<v> xldrv=<v> client: ...
#   BENCH-DETAIL frontend JOB cpu_%_of_backend client/dd: stock=<v> xldrv=<v>
#   BENCH-DETAIL frontend JOB per_MiB requests: stock=<v> xldrv=<v> fe2be: ... be2fe: ... grant_ops: ...
# lab-timeout: 3000

pairs=$(bench_param PAIRS 5)
runtime=$(bench_param RUNTIME 8)
ramp=$(bench_param RAMP 2)
trusted=$(bench_param FRONTEND_TRUSTED 1)
sched=$(bench_param FRONTEND_SCHED default)
jobs=$(bench_param FRONTEND_JOBS "seqread seqwrite randread randwrite tcp_tx tcp_rx")
for v in "$pairs" "$runtime" "$ramp"; do
	[[ $v =~ ^[0-9]+$ ]] || fail "bench settings must be whole numbers: '$v'"
done
[[ $trusted == [01] ]] ||
	fail "XLDRV_BENCH_FRONTEND_TRUSTED must be 1 or 0: '$trusted'"
[[ $sched =~ ^[a-z0-9-]+$ ]] ||
	fail "XLDRV_BENCH_FRONTEND_SCHED must be default or a scheduler's name: '$sched'"
{ [ "$pairs" -ge 1 ] && [ "$runtime" -ge 1 ]; } ||
	fail "PAIRS and RUNTIME must be at least 1"
echo "BENCH-CONFIG frontend pairs=$pairs runtime=${runtime}s ramp=${ramp}s" \
	"backends=blkmap,netmap stock=client(sda1) xldrv=client(sda1) client=fresh-per-config" \
	"seq=1M,iodepth=8 rand=4k,iodepth=32 direct=1 ioengine=libaio" \
	"backends-trusted=$trusted client-sched=$sched jobs=$(echo $jobs | tr ' ' ,)"

declare -A JOB_ARGS=(
	[seqread]="--rw=read --bs=1M --iodepth=8"
	[seqwrite]="--rw=write --bs=1M --iodepth=8"
	[randread]="--rw=randread --bs=4k --iodepth=32"
	[randwrite]="--rw=randwrite --bs=4k --iodepth=32"
	[tcp_tx]="-c $PEER_IP"
	[tcp_rx]="-c $PEER_IP -R"
)
BLK_JOBS= NET_JOBS=
jobs=${jobs//,/ }
[[ $jobs =~ ^[a-z_\ ]+$ ]] ||
	fail "XLDRV_BENCH_FRONTEND_JOBS must be job names: '$jobs'"
for job in $jobs; do
	[ -n "${JOB_ARGS[$job]:-}" ] ||
		fail "XLDRV_BENCH_FRONTEND_JOBS: no job '$job' (jobs: ${!JOB_ARGS[*]})"
	case $job in
	tcp*) NET_JOBS+=" $job" ;;
	*) BLK_JOBS+=" $job" ;;
	esac
done
[ -n "$BLK_JOBS$NET_JOBS" ] || fail "XLDRV_BENCH_FRONTEND_JOBS names no job"
FIO_COMMON="--direct=1 --ioengine=libaio --time_based --runtime=$runtime --ramp_time=$ramp"
IPERF_COMMON="-t $((ramp + runtime)) -O $ramp"

peer_setup
dom_create consolidated/dd.cfg 'cmdline="console=hvc0 xldrv.mappers=blk,net"'
dd_devices dd nic disk
fio_img=$(fio_ramdisk)
dom_exec dd "gnt-count setup"

# blkmap's counters of the client's disk (dd-counters' STATSDIR).
blkmap_stats() {
	echo "/sys/bus/xen-backend/devices/vbd-$(domid client)-51712/xldrv"
}
# The client's blkfront interrupts (fio-job's IRQNAME): xen-blkfront's
# "blkif", xldrv_blkfront's "xldrv-blkfront".
FE_BLK_IRQ='~^(blkif|xldrv-blkfront)$'

# client_up CONFIG: a fresh client with CONFIG's frontends on xvda and
# eth0, checked to be the drivers of its devices, the peer reachable.
client_up() {
	local cfg=$1 d got want
	dom_create consolidated/client.cfg "ramdisk=\"$fio_img\"" memory=512 \
		"vif=[\"backend=dd,bridge=eth0,mac=$CLIENT_MAC,ip=$CLIENT_IP\"]"
	if [ "$trusted" = 0 ]; then
		# Read by each frontend as it connects: before any loads.
		for d in vbd/51712 vif/0; do
			xenstore-write "/local/domain/$(domid client)/device/$d/trusted" 0
		done
	fi
	case $cfg in
	stock)
		dom_exec client "modprobe xen-blkfront"
		dom_exec client "client-net $CLIENT_IP/$NETMASK xen-netfront" >/dev/null
		;;
	xldrv)
		dom_exec client "insmod /lab/modules/xldrv_blkfront.ko"
		dom_exec client "insmod /lab/modules/xldrv_netfront.ko"
		dom_exec client "client-net $CLIENT_IP/$NETMASK xldrv_netfront" >/dev/null
		;;
	esac
	wait_dev client /dev/xvda
	if [ "$sched" != default ]; then
		dom_exec client "echo $sched >/sys/block/xvda/queue/scheduler && grep -qF '[$sched]' /sys/block/xvda/queue/scheduler" ||
			fail "client ($cfg): cannot set xvda's I/O scheduler to $sched"
	fi
	# Which frontend drives each device, as the kernel says.
	for d in vbd-51712 vif-0; do
		got=$(dom_exec client "basename \$(readlink /sys/bus/xen/devices/$d/driver/module)")
		case $cfg/$d in
		stock/vbd-*) want=xen_blkfront ;;
		stock/vif-*) want=xen_netfront ;;
		xldrv/vbd-*) want=xldrv_blkfront ;;
		xldrv/vif-*) want=xldrv_netfront ;;
		esac
		[ "$got" = "$want" ] || fail "client: $d is driven by $got, not $want"
	done
	dom_exec client "ping -c 3 -W 5 $PEER_IP" >/dev/null ||
		fail "client ($cfg frontends) cannot ping the peer"
	# What the drivers say of their backends' trust (xen-netfront
	# says nothing).
	if [ "$trusted" = 0 ]; then
		case $cfg in
		stock) want='blkfront: xvda: .*bounce buffer: enabled' ;;
		xldrv) want='xvda, .*untrusted backend: bounce pages' ;;
		esac
		dom_exec client "dmesg | grep -q '$want'" ||
			fail "client ($cfg): xvda does not say it bounces"
		[ "$cfg" = stock ] ||
			dom_exec client "dmesg | grep -q 'eth0 connected to .*tx copied'" ||
			fail "client (xldrv): eth0 does not say it copies"
	fi
	log "client up with the $cfg frontends"
}

mkdir -p /tmp/bench
rm -f /tmp/bench/*
record() {
	echo "$3" >>"/tmp/bench/$1.$2"
}

job_unit() {
	case $1 in
	seq*) echo MiB/s ;;
	rand*) echo IOPS ;;
	tcp*) echo Mbit/s ;;
	esac
}

# pct_of VAR A B: VAR = A in % of B, to 1 decimal; false when B is not
# above 0.
pct_of() {
	local -n _po=$1
	local _pox
	(($3 > 0)) || return 1
	_pox=$((($2 * 1000 + $3 / 2) / $3))
	printf -v _po '%d.%d' $((_pox / 10)) $((_pox % 10))
}

# counts_per_mib BYTES NAME:COUNT...: for sample(), each COUNT per MiB
# of BYTES, recorded for its job and configuration as NAME and added to
# its sample line as NAME/MiB.
counts_per_mib() {
	local bytes=$1 m pm
	shift
	for m; do
		per_mib pm "${m#*:}" "$bytes"
		record "$job.${m%%:*}" "$cfg" "$pm"
		out+=" ${m%%:*}/MiB=$pm"
	done
}

# sample CONFIG PAIR JOB: one measured run, its raw sample logged.
declare -A F
sample() {
	local cfg=$1 p=$2 job=$3 c=client out v d cpu bytes
	if [[ $job == tcp* ]]; then
		# dd's counters from here: this client's vif is new.
		dd_count xldrv-netmap
		bench_iperf "$c" "$FE_IRQ" "${JOB_ARGS[$job]} $IPERF_COMMON"
		out=$IPERF_OUT
		v=${I[mbps]}
		((I[if_bytes] > 0)) || fail "$c: iperf3 $job moved nothing through eth0: $out"
		# Where the CPU went, per GiB through the client's eth0.
		for d in dom0 dd client; do
			per_gib cpu "$((C1[$d] - C0[$d]))" "${I[if_bytes]}"
			record "$job.cpu_$d" "$cfg" "$cpu"
			out+=" cpu_s/GiB_$d=$cpu"
		done
		# The path's CPU against the peer's, in the same window:
		# see above.
		pct_of d "$((C1[dd] - C0[dd] + C1[client] - C0[client]))" \
			"$((C1[dom0] - C0[dom0]))" ||
			fail "$c: iperf3 $job: dom0 (the peer) ran no CPU time"
		record "$job.path_per_peer" "$cfg" "$d"
		out+=" path_cpu_%_of_peer=$d"
		dd_count xldrv-netmap
		counts_per_mib "${I[if_bytes]}" "fe2be:${D[irq]}" \
			"be2fe:${I[irq]}" \
			"grant_ops:$((D[map_ops] + D[unmap_ops] + D[copy_ops]))"
	else
		dd_count xldrv-blkmap "$(blkmap_stats)"
		bench_cpu_read C0
		dom_spawn "$c" fio "fio-job /dev/xvda '$FE_BLK_IRQ' ${JOB_ARGS[$job]} $FIO_COMMON"
		sleep $((ramp + runtime + 1))
		out=$(dom_reap -t 120 "$c" fio) || fail "$c: fio $job failed: $out"
		bench_cpu_read C1
		kv_parse F "$out" || fail "$c: fio-job $job: not a number: $KV_BAD"
		[ "${F[err]}" = 0 ] || fail "$c: fio $job: error: $out"
		case $job in *read) d=rd ;; *) d=wr ;; esac
		if [[ $job == seq* ]]; then
			v=$(((F[${d}_bw_kib] * 10 + 512) / 1024))
			v=$((v / 10)).$((v % 10))
		else
			v=${F[${d}_iops]}
		fi
		# Per MiB through xvda (ramp included, as the counts are):
		# the CPU each domain spent and what the frontend made
		# blkmap do.
		bytes=$((F[dev_sectors] * 512))
		((bytes > 0)) || fail "$c: fio $job moved nothing through xvda: $out"
		dd_count xldrv-blkmap "$(blkmap_stats)"
		[ -n "${D[xs_requests]:-}" ] ||
			fail "dd: no requests counter in $(blkmap_stats): $DD_OUT"
		for d in dd client; do
			per_mib cpu "$(((C1[$d] - C0[$d]) * 100))" "$bytes"
			record "$job.cpu_$d" "$cfg" "$cpu"
			out+=" cpu_ms/MiB_$d=$cpu"
		done
		# The client's CPU against dd's, in the same window (see
		# above).
		pct_of d "$((C1[client] - C0[client]))" "$((C1[dd] - C0[dd]))" ||
			fail "$c: fio $job: dd (the backend) ran no CPU time"
		record "$job.client_per_dd" "$cfg" "$d"
		out+=" client_cpu_%_of_dd=$d"
		counts_per_mib "$bytes" "requests:${D[xs_requests]}" \
			"fe2be:${D[irq]}" "be2fe:${F[irq]}" \
			"grant_ops:$((D[map_ops] + D[unmap_ops] + D[copy_ops]))"
	fi
	record "$job" "$cfg" "$v"
	# How xldrv_netfront sent (counts since the client came up).
	if [[ $cfg/$job == xldrv/tcp* ]]; then
		out+=" fe_tx_granted=$(netfront_stat "$c" tx_granted)"
		out+=" fe_tx_copied=$(netfront_stat "$c" tx_copied)"
	fi
	echo "BENCH-SAMPLE frontend job=$job config=$cfg pair=$p value=$v" \
		"unit=$(job_unit "$job") $out"
}

filled=
bench_start=$(now)
for ((p = 1; p <= pairs; p++)); do
	if ((p % 2)); then
		order="stock xldrv"
	else
		order="xldrv stock"
	fi
	for cfg in $order; do
		client_up "$cfg"
		if [ -z "$filled" ] && [ -n "$BLK_JOBS" ]; then
			# Every block written once: no read below finds a
			# hole of the sparse disk image on the host.
			dom_exec -t 300 client "fio --name=fill --filename=/dev/xvda \
				--rw=write --bs=1M --iodepth=8 --direct=1 \
				--ioengine=libaio >/dev/null"
			filled=1
		fi
		for job in $BLK_JOBS $NET_JOBS; do
			sample "$cfg" "$p" "$job"
		done
		dom_destroy_client client
	done
	log "pair $p/$pairs done at $(since "$bench_start")s"
done
lab_time bench-frontend "$(since "$bench_start")"

# pair_stats RATIOS: "mean=<m> ci95=<lo>-<hi>" of the pairs' ratios
# (comma separated): their mean and its 95% confidence interval
# (Student's t; n/a below two pairs, or with a ratio that is not a
# number).  How far from 1.00 one run can tell the frontends apart, next
# to the ratio of the medians the target is written in.  dom0's awk
# (busybox) has no maths library: the square root is Newton's.
pair_stats() {
	awk -v r="$1" 'BEGIN {
		split("12.706 4.303 3.182 2.776 2.571 2.447 2.365 2.306 2.262 2.228 2.201 2.179 2.160 2.145 2.131 2.120 2.110 2.101 2.093 2.086 2.080 2.074 2.069 2.064 2.060 2.056 2.052 2.048 2.045 2.042", t, " ")
		n = split(r, v, ",")
		for (i = 1; i <= n; i++) {
			if (v[i] !~ /^[0-9]+(\.[0-9]+)?$/) {
				print "mean=n/a ci95=n/a"
				exit
			}
			m += v[i] / n
		}
		if (n < 2) {
			printf "mean=%.3f ci95=n/a\n", m
			exit
		}
		for (i = 1; i <= n; i++)
			ss += (v[i] - m) * (v[i] - m)
		se2 = ss / (n - 1) / n
		for (se = 1; k++ < 60 && se > 0; )
			se = (se + se2 / se) / 2
		# Past 30 degrees of freedom, 30s t: a little wider than it is.
		h = t[n - 1 > 30 ? 30 : n - 1] * se
		printf "mean=%.3f ci95=%.3f-%.3f\n", m, m - h, m + h
	}'
}

for job in $BLK_JOBS $NET_JOBS; do
	s=$(bench_median <"/tmp/bench/$job.stock")
	x=$(bench_median <"/tmp/bench/$job.xldrv")
	# Each pair's own ratio, in pair order: how far the noise goes.
	r=$(paste -d ' ' "/tmp/bench/$job.xldrv" "/tmp/bench/$job.stock" |
		awk '{ printf "%s%s", (NR > 1 ? "," : ""), ($2 > 0 ? sprintf("%.2f", $1 / $2) : "n/a") }')
	echo "BENCH frontend $job stock=$s xldrv=$x" \
		"xldrv/stock=$(awk -v a="$x" -v b="$s" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')" \
		"pairs=$r $(pair_stats "$r") unit=$(job_unit "$job")"
done
# detail JOB TITLE METRIC:LABEL...: a BENCH-DETAIL line of medians.
detail() {
	local job=$1 line="BENCH-DETAIL frontend $1 $2" m cfg
	shift 2
	for m; do
		line+=" ${m#*:}:"
		for cfg in stock xldrv; do
			line+=" $cfg=$(bench_median <"/tmp/bench/$job.${m%%:*}.$cfg" |
				awk '{ printf "%.2f", $1 }')"
		done
	done
	echo "$line"
}
for job in $BLK_JOBS; do
	detail "$job" cpu_ms/MiB cpu_dd:dd cpu_client:client
	detail "$job" cpu_%_of_backend client_per_dd:client/dd
	detail "$job" per_MiB requests:requests fe2be:fe2be be2fe:be2fe grant_ops:grant_ops
done
for job in $NET_JOBS; do
	detail "$job" cpu_s/GiB cpu_dom0:dom0 cpu_dd:dd cpu_client:client
	detail "$job" cpu_%_of_peer path_per_peer:dd+client/dom0
	detail "$job" per_MiB fe2be:fe2be be2fe:be2fe grant_ops:grant_ops
done
