# SPDX-License-Identifier: GPL-2.0
# bench blk: fio on one partition, /dev/sda1 of the driver domain's AHCI
# disk, three ways in one boot (docs/benchmarks.md):
#   native  fio in dd on /dev/sda1: Linux's unmodified ahci driver, no
#           domain boundary (the client's disk is detached meanwhile)
#   stock   fio in client on xvda: stock xen-blkfront -> xen-blkback in dd,
#           with `xl devd` and the stock block hotplug script there
#   xldrv   fio in client on xvda: stock xen-blkfront -> xldrv_blkmap in dd
# What runs where:
#   dom0    this script: xl block-attach/-detach to switch backends, the
#           medians, the BENCH lines
#   dd      consolidated/dd.cfg with fio, given its AHCI controller only:
#           ahci, one vbd backend at a time (dd-blk-backend), fio for
#           native, grant operations counted by kprobes (gnt-count) and
#           notifications by /proc/interrupts (irq-count)
#   client  consolidated/client.cfg with fio, no vif: xen-blkfront, fio
# PAIRS stock/xldrv pairs in ABBA order (stock first in odd pairs, xldrv
# first in even ones), native between the two of each pair; medians over
# the pairs.  Jobs: 1 MiB sequential read and write at iodepth 8 (MiB/s),
# 4 KiB random read and write at iodepth 32 (IOPS); direct, libaio,
# time-based after a ramp.  Settings from the environment of test/lab/run:
# XLDRV_BENCH_PAIRS (5), _RUNTIME (8 s), _RAMP (2 s), _WARMUP (3 s of
# unmeasured seqread after each attach), _JOBS (all four), _BLKMAP_PARAMS
# (module parameters for xldrv_blkmap, as insmod takes them; none: its
# defaults).
# lab-timeout: 1800

pairs=$(bench_param PAIRS 5)
runtime=$(bench_param RUNTIME 8)
ramp=$(bench_param RAMP 2)
warmup=$(bench_param WARMUP 3)
jobs=$(bench_param JOBS "seqread seqwrite randread randwrite")
blkmap_params=$(bench_param BLKMAP_PARAMS "")
[[ $blkmap_params =~ ^([a-z_]+=[0-9]+( |$))*$ ]] ||
	fail "BLKMAP_PARAMS: name=number, separated by spaces: '$blkmap_params'"
for v in "$pairs" "$runtime" "$ramp" "$warmup"; do
	[[ $v =~ ^[0-9]+$ ]] || fail "bench settings must be whole numbers: '$v'"
done
{ [ "$pairs" -ge 1 ] && [ "$runtime" -ge 1 ]; } ||
	fail "PAIRS and RUNTIME must be at least 1"

declare -A JOB_ARGS=(
	[seqread]="--rw=read --bs=1M --iodepth=8"
	[seqwrite]="--rw=write --bs=1M --iodepth=8"
	[randread]="--rw=randread --bs=4k --iodepth=32"
	[randwrite]="--rw=randwrite --bs=4k --iodepth=32"
)
COMMON="--direct=1 --ioengine=libaio --time_based --runtime=$runtime --ramp_time=$ramp"
for job in $jobs; do
	[ -n "${JOB_ARGS[$job]:-}" ] || fail "unknown job '$job' (${!JOB_ARGS[*]})"
done
echo "BENCH-CONFIG blk pairs=$pairs runtime=${runtime}s ramp=${ramp}s" \
	"warmup=${warmup}s jobs=${jobs// /,} seq=1M,iodepth=8" \
	"rand=4k,iodepth=32 direct=1 ioengine=libaio dev=sda1(96MiB)${blkmap_params:+ blkmap=${blkmap_params// /,}}"

# The interrupt (event channel) a backend takes its frontend's
# notifications on, in dd.
be_irq() {
	case $1 in
	stock) echo blkif-backend ;;
	xldrv) echo xldrv-blkmap ;;
	esac
}

# How a job's result is read: direction and unit.
job_dir() {
	case $1 in *read) echo rd ;; *) echo wr ;; esac
}
job_unit() {
	case $1 in seq*) echo MiB/s ;; *) echo IOPS ;; esac
}

# The entry of CONFIG's pci list (as written there) whose device has PCI
# class CLASS in dom0.
cfg_pci_of_class() {
	local bdf
	for bdf in $(grep -o '"[0-9a-f]*:[0-9a-f]*\.[0-7][^"]*"' "$LAB_CONFIGS/$1" |
		tr -d '"'); do
		case $(cat "/sys/bus/pci/devices/0000:${bdf%%,*}/class") in
		"$2"*) echo "$bdf" ;;
		esac
	done
}

fio_img=$(fio_ramdisk)
# dd gets its SATA controller only: the NIC would sit idle here, and
# binding it is one more thing to wait for on a busy host.
ahci=$(cfg_pci_of_class consolidated/dd.cfg 0x0106)
[ -n "$ahci" ] || fail "no SATA controller in consolidated/dd.cfg's pci list"
dom_create consolidated/dd.cfg "ramdisk=\"$fio_img\"" "pci=[\"$ahci\"]"
dd_devices dd disk
dom_exec dd "gnt-count setup"
dom_exec dd "dd-blk-backend none"
# The client boots with no disk: every configuration attaches it the same
# way, with xl block-attach.
dom_create consolidated/client.cfg "ramdisk=\"$fio_img\"" memory=512 \
	'vif=[]' 'disk=[]'
dom_exec client "modprobe xen-blkfront"
CLIENT_ID=$(domid client)
BE_PATH=/local/domain/$(domid dd)/backend/vbd/$CLIENT_ID/51712
FE_PATH=/local/domain/$CLIENT_ID/device/vbd/51712

# Every block of sda1 written once, so that no read below finds a hole of
# the sparse disk image on the host.
dom_exec -t 300 dd "fio --name=fill --filename=/dev/sda1 --rw=write \
	--bs=1M --iodepth=8 --direct=1 --ioengine=libaio >/dev/null"

be_connected() {
	[ "$(xenstore-read "$BE_PATH"/state 2>/dev/null)" = 4 ]
}
be_gone() {
	! xenstore-exists "$BE_PATH"
}

# Which backend serves the client's xvda now: stock, xldrv, or none.
BE=

blk_detach() {
	# With blkback, `xl devd` in dd removes the backend's directory after
	# the hotplug script; blkmap removes its own (docs/blkmap.md).
	timeout 60 xl block-detach client xvda ||
		fail "xl block-detach client xvda failed"
	dom_exec client "for i in \$(seq 300); do
		[ -e /sys/block/xvda ] || exit 0; sleep 0.1; done; exit 1" ||
		fail "client: xvda is still there 30s after block-detach"
	wait_for 60 "$BE_PATH to be removed" be_gone
	BE=
}

# blk_use stock|xldrv: make that backend serve the client's xvda on
# dd's sda1, check it really does, and warm it up.
blk_use() {
	local cfg=$1 want got start
	[ "$BE" != "$cfg" ] || return 0
	start=$(now)
	[ -z "$BE" ] || blk_detach
	if [ "$cfg" = xldrv ]; then
		dom_exec dd "dd-blk-backend xldrv $blkmap_params"
	else
		dom_exec dd "dd-blk-backend $cfg"
	fi
	xl block-attach client \
		"backend=dd,vdev=xvda,format=raw,access=rw,backendtype=phy,target=/dev/sda1" ||
		fail "xl block-attach client (for $cfg) failed"
	[ "$cfg" != stock ] || hotplug_ok dd vbd client 51712
	wait_dev client /dev/xvda
	wait_for 30 "the $cfg backend to connect" be_connected
	case $cfg in
	stock) want="module=xen_blkback xldrv_sysfs=no" ;;
	xldrv) want="module=xldrv_blkmap xldrv_sysfs=yes" ;;
	esac
	got=$(dom_exec dd "dd-blk-backend serving $CLIENT_ID 51712")
	[ "$got" = "$want" ] ||
		fail "client's xvda should be served by $cfg ($want); dd says: $got"
	[ "$(dom_exec client 'cat /sys/block/xvda/size')" = \
		"$(xenstore-read "$BE_PATH"/sectors)" ] ||
		fail "client's xvda size differs from what $cfg published"
	BE=$cfg
	log "$cfg serves xvda ($got); switched in $(since "$start")s;" \
		"backend: $(for k in feature-persistent feature-max-indirect-segments \
			max-ring-page-order multi-queue-max-queues; do
			echo -n "$k=$(xenstore-read "$BE_PATH"/$k 2>/dev/null || echo -) "
		done)frontend: $(for k in feature-persistent ring-page-order \
			multi-queue-num-queues; do
			echo -n "$k=$(xenstore-read "$FE_PATH"/$k 2>/dev/null || echo -) "
		done)"
	dom_exec -t $((warmup + 120)) client "[ $warmup = 0 ] || fio --name=warmup \
		--filename=/dev/xvda ${JOB_ARGS[seqread]} $COMMON --runtime=$warmup \
		--ramp_time=0 >/dev/null"
	# dd counts from here (and fails if the backend's irq is not there:
	# so does fio-job in the client without blkfront's).
	dd_counters "$cfg"
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

# per_mib_sectors VAR COUNT SECTORS: VAR = COUNT per MiB of SECTORS
# (512 bytes each), to 2 decimals.
per_mib_sectors() {
	local -n _pm=$1
	local x=0
	(($3 <= 0)) || x=$((($2 * 204800 + $3 / 2) / $3))
	printf -v _pm '%d.%02d' $((x / 100)) $((x % 100))
}

# The sample's value from fio-job's words F: MiB/s to 1 decimal, or IOPS.
declare -A F I
fio_value() {
	local -n _fv=$1
	local d x
	d=$(job_dir "$2")
	case $(job_unit "$2") in
	MiB/s)
		x=$(((F[${d}_bw_kib] * 10 + 512) / 1024))
		printf -v _fv '%d.%d' $((x / 10)) $((x % 10))
		;;
	IOPS) _fv=${F[${d}_iops]} ;;
	esac
}

# run_fio DOMAIN DEV IRQ JOB: the job in DOMAIN, dom0 asleep meanwhile;
# fio-job's words in F, the domains' CPU time (bench_cpu_read) before and
# after in C0 and C1, the window's length in WINDOW_MS.  The window holds
# the agent's start and reap of fio and fio's own start and end besides
# the run: the same for both backends, a few tenths of a second of the
# client's.
declare -A C0 C1
run_fio() {
	local out t0 t1
	bench_cpu_read C0
	t0=$(now)
	dom_spawn "$1" fio "fio-job $2 $3 ${JOB_ARGS[$4]} $COMMON"
	# And a second for fio to start: the guest's wait for the rest then
	# forks little while fio still runs.
	sleep $((ramp + runtime + 1))
	out=$(dom_reap -t 120 "$1" fio) || fail "$1: fio $4 on $2 failed: $out"
	t1=$(now)
	bench_cpu_read C1
	# /proc/uptime has two decimals: hundredths to ms.
	WINDOW_MS=$(((10#${t1/./} - 10#${t0/./}) * 10))
	kv_parse F "$out" || fail "$1: fio-job $4 on $2: not a number: $KV_BAD"
	[ "${F[err]}" = 0 ] || fail "$1: fio $4 on $2: error: $out"
	FIO_OUT=$out
}

# blkmap's counters directory for the client's disk, in dd.
xs_dir() {
	echo "/sys/bus/xen-backend/devices/vbd-$CLIENT_ID-51712/xldrv"
}

# dd's counters since the previous call (dd_count), into D: blkmap's own
# too when it serves.
dd_counters() {
	local dir=
	[ "$1" != xldrv ] || dir=$(xs_dir)
	dd_count "$(be_irq "$1")" $dir
}

# native_set PAIR: every job once in dd, one after the other in a single
# background command (nothing in dd to count between them, and a round
# trip to a guest costs seconds under TCG), their raw samples logged.
native_set() {
	local p=$1 job cmd='' n=0 got=0 out line v
	for job in $jobs; do
		cmd+="echo -n 'job=$job '; fio-job /dev/sda1 - ${JOB_ARGS[$job]} $COMMON || exit
"
		n=$((n + 1))
	done
	dom_spawn dd fio "$cmd"
	sleep $((n * (ramp + runtime + 1)))
	out=$(dom_reap -t $((n * (ramp + runtime) + 120)) dd fio) ||
		fail "dd: fio on /dev/sda1 failed: $out"
	while read -r line; do
		[[ $line == job=* ]] || continue
		kv_parse F "$line" job ||
			fail "dd: fio-job on /dev/sda1: not a number: $KV_BAD"
		job=${F[job]}
		[[ " $jobs " == *" $job "* ]] ||
			fail "dd: fio-job on /dev/sda1: not one of ours: job=$job"
		[ "${F[err]}" = 0 ] || fail "dd: fio $job on /dev/sda1: error: $line"
		fio_value v "$job"
		record "$job" native value "$v"
		echo "BENCH-SAMPLE blk job=$job config=native pair=$p value=$v" \
			"unit=$(job_unit "$job") ${line#job=* }"
		got=$((got + 1))
	done <<<"$out"
	[ $got = $n ] || fail "dd: $got results from $n native fio jobs: $out"
}

# sample CONFIG PAIR JOB: one measured run in the client, its raw sample
# logged.
sample() {
	local cfg=$1 p=$2 job=$3 v sectors ops calls fe2be be2fe notif m count
	local d cpu_dd cpu_client cpu_dom0 cpu cpus=''
	local -A pm
	local -a ddw
	local infl=''
	# How deep blkmap's queue is while the client runs: sampled in dd,
	# started before the window (dom_spawn is a round trip), looking
	# only while requests come.
	[ "$cfg" != xldrv ] ||
		dom_spawn dd inflight "blkmap-inflight $(xs_dir) $((ramp + runtime + 3))"
	run_fio client /dev/xvda blkif "$job"
	if [ "$cfg" = xldrv ]; then
		infl=$(dom_reap -t 30 dd inflight) ||
			fail "dd: blkmap-inflight failed: $infl"
		kv_parse I "$infl" ||
			fail "dd: blkmap-inflight: not a number: $KV_BAD"
		record "$job" xldrv inflight "${I[inflight_median]}"
		record "$job" xldrv inflight_ge4 "${I[inflight_ge4]}"
		infl=" $infl"
	fi
	dd_counters "$cfg"
	fio_value v "$job"
	sectors=${F[dev_sectors]}
	((sectors > 0)) || fail "client: fio $job moved nothing through xvda: $FIO_OUT"
	ops=$((D[map_ops] + D[unmap_ops] + D[copy_ops]))
	calls=$((D[map_calls] + D[unmap_calls] + D[copy_calls]))
	fe2be=${D[irq]}
	be2fe=${F[irq]}
	notif=$((fe2be + be2fe))
	record "$job" "$cfg" value "$v"
	# CPU time in ms: dom0 only starts and reaps fio, its share is
	# logged but not summed.
	# The share of the window each domain's vCPU ran (all have one but
	# dom0): near 100% is a domain the job waits on.
	for d in dom0 dd client; do
		printf -v "cpu_$d" '%d' $(((C1[$d] - C0[$d]) * 100))
		cpus+=" cpu_ms_$d=$((cpu_$d))"
		((WINDOW_MS <= 0)) ||
			record "$job" "$cfg" "busy_$d" $((cpu_$d * 100 / WINDOW_MS))
	done
	cpus+=" window_ms=$WINDOW_MS"
	cpu=$((cpu_dd + cpu_client))
	for m in ops:grant_ops calls:grant_calls notif:notif fe2be:fe2be \
		be2fe:be2fe cpu:cpu cpu_dd:cpu_dd cpu_client:cpu_client; do
		count=${m%%:*}
		per_mib_sectors "pm[${m#*:}]" "${!count}" "$sectors"
		record "$job" "$cfg" "${m#*:}" "${pm[${m#*:}]}"
	done
	if [ "$cfg" = xldrv ]; then
		# blkmap's own counters against what the kprobes and the
		# client's interrupts saw.
		[ -z "${D[xs_grant_copies]:-}" ] ||
			[ "${D[xs_grant_copies]}" = "${D[copy_ops]}" ] ||
			log "note: $job pair $p: blkmap grant_copies=${D[xs_grant_copies]}, kprobe gnttab_batch_copy ops=${D[copy_ops]}"
		[ -z "${D[xs_grant_hypercalls]:-}" ] ||
			[ "${D[xs_grant_hypercalls]}" = "$calls" ] ||
			log "note: $job pair $p: blkmap grant_hypercalls=${D[xs_grant_hypercalls]}, kprobe grant hypercalls=$calls"
		((ops > 0)) ||
			log "WARNING: $job pair $p: xldrv moved $sectors sectors with no grant operation the kprobes saw"
	fi
	# dd's words with a dd_ prefix: irq= is the client's.
	read -ra ddw <<<"${DD_OUT//$'\n'/ }"
	echo "BENCH-SAMPLE blk job=$job config=$cfg pair=$p value=$v" \
		"unit=$(job_unit "$job") $FIO_OUT ${ddw[*]/#/dd_}" \
		"fe2be=$fe2be be2fe=$be2fe grant_ops/MiB=${pm[grant_ops]}" \
		"grant_hypercalls/MiB=${pm[grant_calls]}" \
		"notifications/MiB=${pm[notif]}$cpus cpu_ms/MiB=${pm[cpu]}$infl"
}

# run_set CONFIG PAIR: every job once.
run_set() {
	local job start
	start=$(now)
	if [ "$1" = native ]; then
		native_set "$2"
	else
		for job in $jobs; do
			sample "$1" "$2" "$job"
		done
	fi
	log "pair $2/$pairs: $1 done in $(since "$start")s"
}

bench_start=$(now)
for ((p = 1; p <= pairs; p++)); do
	if ((p % 2)); then
		a=stock b=xldrv
	else
		a=xldrv b=stock
	fi
	blk_use $a
	run_set $a $p
	blk_detach
	run_set native $p
	blk_use $b
	run_set $b $p
done
lab_time bench-blk "$(since "$bench_start")"

# med JOB CONFIG METRIC: the median of the samples.
med() {
	bench_median <"/tmp/bench/$1.$2.$3"
}
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
}
fmt() {
	case $1 in
	MiB/s) awk -v v="$2" 'BEGIN { printf "%.1f", v }' ;;
	IOPS) awk -v v="$2" 'BEGIN { printf "%.0f", v }' ;;
	*) awk -v v="$2" 'BEGIN { printf "%.2f", v }' ;;
	esac
}

for job in $jobs; do
	u=$(job_unit "$job")
	n=$(fmt "$u" "$(med "$job" native value)")
	s=$(fmt "$u" "$(med "$job" stock value)")
	x=$(fmt "$u" "$(med "$job" xldrv value)")
	echo "BENCH blk $job native=$n stock=$s xldrv=$x" \
		"xldrv/native=$(ratio "$x" "$n") xldrv/stock=$(ratio "$x" "$s") unit=$u"
done
for job in $jobs; do
	for m in grant_ops:grant_ops/MiB grant_calls:grant_hypercalls/MiB \
		notif:notifications/MiB cpu:cpu_ms/MiB; do
		echo "BENCH blk $job ${m#*:} stock=$(fmt - "$(med "$job" stock "${m%%:*}")")" \
			"xldrv=$(fmt - "$(med "$job" xldrv "${m%%:*}")")"
	done
	echo "BENCH-DETAIL blk $job notifications/MiB" \
		"fe->be: stock=$(fmt - "$(med "$job" stock fe2be)") xldrv=$(fmt - "$(med "$job" xldrv fe2be)")" \
		"be->fe: stock=$(fmt - "$(med "$job" stock be2fe)") xldrv=$(fmt - "$(med "$job" xldrv be2fe)")"
	echo "BENCH-DETAIL blk $job cpu_ms/MiB" \
		"dd: stock=$(fmt - "$(med "$job" stock cpu_dd)") xldrv=$(fmt - "$(med "$job" xldrv cpu_dd)")" \
		"client: stock=$(fmt - "$(med "$job" stock cpu_client)") xldrv=$(fmt - "$(med "$job" xldrv cpu_client)")"
	echo "BENCH-DETAIL blk $job busy% (CPU time / window)" \
		"dd: stock=$(med "$job" stock busy_dd) xldrv=$(med "$job" xldrv busy_dd)" \
		"client: stock=$(med "$job" stock busy_client) xldrv=$(med "$job" xldrv busy_client)" \
		"dom0 (2 vCPUs): stock=$(med "$job" stock busy_dom0) xldrv=$(med "$job" xldrv busy_dom0)"
	echo "BENCH-DETAIL blk $job requests in flight in blkmap (dd, while the client runs):" \
		"median=$(med "$job" xldrv inflight)" \
		"4_or_more=$(med "$job" xldrv inflight_ge4)% of the time"
done
