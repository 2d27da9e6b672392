# SPDX-License-Identifier: GPL-2.0
# bench xldrvd: how fast xldrvd finds a failed driver domain and how soon
# the mappers serve again, for each kind of failure (docs/benchmarks.md):
#   destroy  `xl destroy dd`           (libxl death event, @releaseDomain),
#            timed from when it returns: it kills the domain at its end
#   panic    sysrq c in dd             (crash shutdown)
#   hang     `xl pause dd`             (heartbeat, heartbeat-timeout 6 s)
# Each kind RUNS times in one boot; per run, from the moment of the fault
# (dom0's clock, taken just before it is injected):
#   detect   until xldrvd's "detected" event
#   serve    until its "restarted" event: the new dd's first heartbeat,
#            i.e. drivers bound and both mappers registered
# Medians (and min/max) over the runs.  A hang's detection is its timeout
# plus up to one heartbeat period by design; the figure shows the rest.
# Settings: XLDRV_BENCH_RUNS (5), XLDRV_BENCH_XLDRVD_KINDS ("destroy
# panic hang").
#   dom0: xldrvd --libxl--> dd (consolidated/dd.cfg + xldrv.mappers)
# lab-timeout: 2400

runs=$(bench_param RUNS 5)
kinds=$(bench_param XLDRVD_KINDS "destroy panic hang")
[[ $runs =~ ^[1-9][0-9]*$ ]] || fail "XLDRV_BENCH_RUNS must be a whole number >= 1"
echo "BENCH-CONFIG xldrvd runs=$runs kinds=${kinds// /,} heartbeat-timeout=6s" \
	"heartbeat-period=2s dd=consolidated/dd.cfg(512MiB,1vcpu,e1000+ahci)"

xldrvd_conf "heartbeat-timeout = 6" "max-restarts = 100" "window = 1" \
	"backoff-initial-ms = 1"
xldrvd_start
xldrvd_serving >/dev/null

# Wall-clock milliseconds, as xldrvd stamps its events (busybox's date
# has no %N).
wall_ms() {
	local t=${EPOCHREALTIME/./}
	echo $((t / 1000))
}

# event_ms SEQ PATTERN: time-ms of the first event after number SEQ whose
# text matches PATTERN (grep -E), from `xldrv-ctl events --json`.
event_ms() {
	xldrv-ctl events --json |
		awk -v after="$1" -v pat="$2" '
			/"event":/ { gsub(/[^0-9]/, "", $2); seq = $2 + 0 }
			/"time_ms":/ { gsub(/[^0-9]/, "", $2); t = $2 }
			/"text":/ { if (seq > after && $0 ~ pat && !done) { print t; done = 1 } }'
}

last_seq() {
	xldrv-ctl events --json | awk '/"event":/ { gsub(/[^0-9]/, "", $2); s = $2 } END { print s + 0 }'
}

inject() {
	local id
	case $1 in
	destroy) xl destroy dd ;;
	hang) xl pause dd ;;
	panic)
		id=$(domid dd)
		xenstore-write "/local/domain/$id/data/xldrv-lab/cmd" \
			"echo c >/proc/sysrq-trigger" \
			"/local/domain/$id/data/xldrv-lab/req" "bench.$RANDOM"
		;;
	esac
}

declare -A DETECT SERVE
for ((r = 1; r <= runs; r++)); do
	for kind in $kinds; do
		case $kind in destroy | hang | panic) ;; *) fail "unknown kind '$kind'" ;; esac
		seq=$(last_seq)
		t0=$(wall_ms)
		inject "$kind"
		# `xl destroy` removes the PCI devices from the running domain
		# first (seconds, waiting for pciback) and kills it at the end:
		# the failure is when it returns.
		[ "$kind" != destroy ] || t0=$(wall_ms)
		wait_for 60 "xldrvd to detect $kind" \
			eval '[ -n "$(event_ms $seq detected)" ]'
		wait_for 300 "dd to serve again after $kind" \
			eval '[ -n "$(event_ms $seq "restarted in")" ]'
		d=$(($(event_ms "$seq" detected) - t0))
		s=$(($(event_ms "$seq" "restarted in") - t0))
		echo "BENCH-SAMPLE xldrvd $kind run=$r detect_ms=$d serve_ms=$s"
		DETECT[$kind]+="$d "
		SERVE[$kind]+="$s "
		xldrvd_serving 300 >/dev/null
	done
done

stats() {
	tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ v[NR] = $1 }
		END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		      printf "%d min=%d max=%d", m, v[1], v[NR] }'
}
for kind in $kinds; do
	echo "BENCH xldrvd $kind runs=$runs detect_ms=$(echo "${DETECT[$kind]}" | stats)" \
		"serve_ms=$(echo "${SERVE[$kind]}" | stats)"
done
xldrvd_show_log
