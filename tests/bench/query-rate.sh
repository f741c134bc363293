#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Normal-query rate of knotd with and without mod-nsd loaded, the same zones (the include
# the module writes), dnsperf on loopback, interleaved runs, median ratio (goal >= 0.99).
# A third knotd runs an nsd.conf with allow-query on every zone: the gate decides each
# query there (its ratio is the price of allow-query, shown, no goal).
# Timings on a busy machine move by tens of percent from run to run; the last part counts
# instructions instead (valgrind --tool=callgrind, not in --smoke): the hook's own share of
# what knotd executes per query.
# Usage: query-rate.sh [--smoke] [--no-callgrind] [--zones N] [--runs R] [--seconds S]
set -euo pipefail
cd "$(dirname "$0")/../.."
zones=1000 runs=15 secs=4 callgrind=1
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) zones=50 runs=1 secs=1 callgrind=0 ;;
	--no-callgrind) callgrind=0 ;;
	--zones) zones=$2; shift ;;
	--runs) runs=$2; shift ;;
	--seconds) secs=$2; shift ;;
	*) echo "usage: $0 [--smoke] [--no-callgrind] [--zones N] [--runs R] [--seconds S]" >&2; exit 2 ;;
	esac
	shift
done
. tests/bench/knotd_lib.inc
command -v dnsperf > /dev/null || { echo "dnsperf missing (apt-get install dnsperf)" >&2; exit 2; }

# nsd.conf with N small primary zones; the allow-query variant differs only there
mkdir -p "$work/zones"
for ((z = 0; z < zones; z++)); do
	printf '$ORIGIN z%d.test.\n$TTL 300\n@ SOA ns hostmaster 1 3600 900 604800 300\n@ NS ns\nns A 192.0.2.1\nwww A 192.0.2.80\n' \
		"$z" > "$work/zones/z$z.test.zone"
done
write_nsdconf() { # FILE ALLOW-QUERY-LINE
	{
		printf 'server:\n\tzonesdir: "%s/zones"\n\tzonelistfile: "%s/zone.list"\n' "$work" "$work"
		for ((z = 0; z < zones; z++)); do
			printf 'zone:\n\tname: z%d.test\n\tzonefile: z%d.test.zone\n\tprovide-xfr: 192.0.2.0/24 NOKEY\n%s' \
				"$z" "$z" "$2"
		done
	} > "$1"
}
write_nsdconf "$work/nsd.conf" ''
write_nsdconf "$work/nsd-aq.conf" $'\tallow-query: 127.0.0.0/8 NOKEY\n'

pm=$(free_port) pn=$(free_port) pq=$(free_port)
knotd_conf "$work/mod" "$pm" "$work/nsd.conf" "$work/mod/inc"
knotd_conf "$work/aq" "$pq" "$work/nsd-aq.conf" "$work/aq/inc"
knotd_start "$work/mod"
knotd_start "$work/aq"
last="z$((zones - 1)).test"
wait_soa "$pm" "$last" 60
wait_soa "$pq" "$last" 60
# without the module: the same zones, from the include the module wrote
knotd_conf "$work/plain" "$pn" "" "$work/plain/inc"
cp "$work/mod/inc/nsd.conf" "$work/plain/inc/nsd.conf"
knotd_start "$work/plain"
wait_soa "$pn" "$last" 60

for ((z = 0; z < zones; z++)); do
	printf 'z%d.test SOA\nwww.z%d.test A\nnx.z%d.test A\n' "$z" "$z" "$z"
done > "$work/queries"

# Two measures, both interleaved with the order turned every run:
# - capacity: dnsperf as fast as it goes, queries per second;
# - CPU per query: dnsperf at a fixed rate well below capacity, knotd's CPU time (all its
#   threads, /proc/PID/task/*/schedstat, nanoseconds) over the queries answered. Other
#   load on the machine moves capacity figures a lot and CPU per query little.
perf() { # PORT [dnsperf options]: "qps completed"
	local port=$1
	shift
	timeout $((secs + 30)) dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries" -l "$secs" \
		-c 4 -T 1 -q 64 -t 2 "$@" 2>/dev/null |
		awk '/Queries per second/ { q = $4 } /Queries completed/ { c = $3 } END { print q, c }'
}
cpu_ns() { # PID
	cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f\n", s }'
}
cpu_per_query() { # DIR PORT: nanoseconds of knotd CPU per answered query
	local pid c0 c1 q n
	pid=$(cat "$1/pid")
	c0=$(cpu_ns "$pid")
	read -r q n < <(perf "$2" -Q "$rate")
	c1=$(cpu_ns "$pid")
	awk -v a="$c0" -v b="$c1" -v n="$n" 'BEGIN { if (n > 0) printf "%.1f\n", (b - a) / n }'
}
rate=${QUERY_RATE:-20000}
declare -A qps cpu
names=(plain mod aq)
declare -A dirs=([plain]="$work/plain" [mod]="$work/mod" [aq]="$work/aq")
declare -A ports=([plain]="$pn" [mod]="$pm" [aq]="$pq")
for ((i = 0; i < runs; i++)); do
	order=("${names[@]}")
	((i % 2)) && order=(aq mod plain)
	for v in "${order[@]}"; do
		read -r q _ < <(perf "${ports[$v]}")
		qps[$v]+="$q "
	done
	for v in "${order[@]}"; do
		cpu[$v]+="$(cpu_per_query "${dirs[$v]}" "${ports[$v]}") "
	done
done
for v in "${names[@]}"; do
	for x in ${qps[$v]} ${cpu[$v]}; do
		[ -n "$x" ] || { echo "query-rate: a run gave no figure" >&2; exit 1; }
	done
	[ "$(wc -w <<< "${qps[$v]}")" -eq "$runs" ] && [ "$(wc -w <<< "${cpu[$v]}")" -eq "$runs" ] ||
		{ echo "query-rate: a run of $v gave no figure" >&2; exit 1; }
done
# per-run ratios (the runs next to each other in time), then their median
pair_ratio() { # A-list B-list: median of a_i / b_i
	paste <(tr ' ' '\n' <<< "$1" | sed '/^$/d') <(tr ' ' '\n' <<< "$2" | sed '/^$/d') |
		awk '{ if ($2 > 0) print $1 / $2 }' | sort -g | awk '{a[NR]=$1} END {printf "%.4f", a[int((NR+1)/2)]}'
}
echo "zones=$zones runs=$runs seconds=$secs (interleaved, dnsperf -c 4 -T 1, $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg))"
echo "  capacity, q/s (median; runs):"
echo "    without mod-nsd            $(median ${qps[plain]})  (${qps[plain]% })"
echo "    with mod-nsd               $(median ${qps[mod]})  (${qps[mod]% })"
echo "    with mod-nsd, allow-query  $(median ${qps[aq]})  (${qps[aq]% })"
echo "    rate ratio with/without $(pair_ratio "${qps[mod]}" "${qps[plain]}") (median of per-run ratios; goal >= 0.99), allow-query/without $(pair_ratio "${qps[aq]}" "${qps[plain]}")"
echo "  knotd CPU per query at $rate q/s, ns (median; runs):"
echo "    without mod-nsd            $(median ${cpu[plain]})  (${cpu[plain]% })"
echo "    with mod-nsd               $(median ${cpu[mod]})  (${cpu[mod]% })"
echo "    with mod-nsd, allow-query  $(median ${cpu[aq]})  (${cpu[aq]% })"
echo "    rate ratio with/without $(pair_ratio "${cpu[plain]}" "${cpu[mod]}") (CPU without/with; goal >= 0.99), allow-query/without $(pair_ratio "${cpu[plain]}" "${cpu[aq]}")"

[ "$callgrind" = 1 ] || exit 0
command -v valgrind > /dev/null || { echo "  (valgrind missing: no instruction counts)"; exit 0; }
knotd_stop_all
# Instructions per query under callgrind, counted between a zero and a dump while dnsperf
# sends a fixed number of queries at a low rate; the hook's inclusive count is exact.
cg_run() { # DIR PORT
	local d=$1 port=$2 vpid out n f total hook
	setsid valgrind --tool=callgrind --callgrind-out-file="$d/cg.%p" "$KNOTD" -c "$d/knot.conf" \
		> "$d/valgrind.log" 2>&1 < /dev/null &
	vpid=$!
	knotd_pids+=("$vpid")
	echo "$vpid" > "$d/vpid"   # run in a subshell: the exit trap finds it here
	if ! wait_soa "$port" "$last" 300; then
		knotd_stop_all
		echo "0 0 0"
		return
	fi
	sleep 5   # zone loading and timers settle first: they would be counted too
	timeout 30 callgrind_control -z "$vpid" > /dev/null 2>&1
	out=$(timeout 300 dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries" -n 7 -c 4 -T 1 -q 32 \
		-Q 2000 -t 5 2>/dev/null)
	timeout 30 callgrind_control -d "$vpid" > /dev/null 2>&1
	n=$(awk '/Queries completed/ { print $3 }' <<< "$out")
	f=$(ls "$d"/cg."$vpid".* | head -1)
	total=$(callgrind_annotate "$f" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
	read -r hook stats < <(callgrind_annotate --inclusive=yes --threshold=100 "$f" 2>/dev/null |
		awk '/gate_hook.c:gate_begin/ && h == "" { gsub(",", "", $1); h = $1 }
		     /stats_hook.c:stats_end/ && s == "" { gsub(",", "", $1); s = $1 }
		     END { print (h == "" ? 0 : h), (s == "" ? 0 : s) }')
	knotd_stop_all
	awk -v t="$total" -v h="${hook:-0}" -v s="${stats:-0}" -v n="$n" 'BEGIN {
		if (n > 0) printf "%.0f %.1f %.3f %.1f %.3f\n", t / n, h / n, 100 * h / t,
		                  s / n, 100 * s / t }'
}
read -r pl_ir _ _ _ _ < <(cg_run "$work/plain" "$pn")
read -r mo_ir mo_hook mo_pct mo_st mo_stpct < <(cg_run "$work/mod" "$pm")
read -r aq_ir aq_hook aq_pct aq_st aq_stpct < <(cg_run "$work/aq" "$pq")
echo "  instructions per query (callgrind, $((7 * 3 * zones)) queries at 2000 q/s):"
echo "    without mod-nsd            $pl_ir"
echo "    with mod-nsd               $mo_ir, of which the gate's hook $mo_hook ($mo_pct %)," \
     "the statistics hook $mo_st ($mo_stpct %)"
echo "    with mod-nsd, allow-query  $aq_ir, of which the gate's hook $aq_hook ($aq_pct %)," \
     "the statistics hook $aq_st ($aq_stpct %)"
echo "    (totals move with how knotd batches packets and with its own background work; the"
echo "    hooks' counts are exact)"
