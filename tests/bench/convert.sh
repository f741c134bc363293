#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# knot-nsd convert: time and output size for a generated nsd.conf (goal <= 0.5 s for
# 100 000 zones), knotc conf-check of the result; then knotd's start time on a converted
# nsd.conf against NSD's on the original (until the last zone answers SOA; one run each).
# Usage: convert.sh [--smoke] [--zones N] [--runs R] [--start-zones M]
set -euo pipefail
cd "$(dirname "$0")/../.."
zones=100000 runs=5 start_zones=10000
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) zones=2000 runs=1 start_zones=20 ;;
	--zones) zones=$2; shift ;;
	--runs) runs=$2; shift ;;
	--start-zones) start_zones=$2; shift ;;
	*) echo "usage: $0 [--smoke] [--zones N] [--runs R] [--start-zones M]" >&2; exit 2 ;;
	esac
	shift
done
ours=${KNOT_NSD:-${BUILD:-build}/module/cli/knot-nsd}
[ -x "$ours" ] || { echo "build first: $ours missing" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. convert time and size
python3 tests/bench/gen_nsdconf.py "$zones" "$work/nsd.conf"
t() { # wall and CPU seconds (user+sys) and peak KiB of one run; the status is convert's
	local rc=0
	/usr/bin/time -f '%e %U %S %M' -o "$work/time" timeout 120 "$@" >/dev/null || rc=$?
	[ "$rc" -le 4 ] && [ "$rc" -ne 1 ] && [ "$rc" -ne 2 ] || { echo "convert failed ($rc)" >&2; exit 1; }
	tail -n 1 "$work/time" | awk '{ printf "%s %.3f %s\n", $1, $2 + $3, $4 }'
}
walls=() cpus=() mem=0
for ((i = 0; i < runs; i++)); do
	read -r w c mem < <(t "$ours" convert -o "$work/knot.conf" "$work/nsd.conf")
	walls+=("$w"); cpus+=("$c")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
read -r wr cr mr < <(t "$ours" convert --report "$work/nsd.conf")
rc=0; "$ours" convert --report "$work/nsd.conf" > "$work/report" || rc=$?
echo "convert: zones=$zones runs=$runs"
echo "  wall median $(median "${walls[@]}")s, cpu median $(median "${cpus[@]}")s, peak ${mem} KiB (goal <= 0.5 s)"
echo "  output $(wc -c < "$work/knot.conf") bytes, $(wc -l < "$work/knot.conf") lines" \
     "(nsd.conf $(wc -c < "$work/nsd.conf") bytes)"
echo "  --report: ${wr}s, $(wc -l < "$work/report") lines, exit status $rc"
mkdir -p "$work/check"
if ! timeout 300 knotc -c "$work/knot.conf" conf-check > "$work/check.out" 2>&1; then
	cat "$work/check.out" >&2
	echo "knotc conf-check rejects the conversion" >&2
	exit 1
fi
echo "  knotc conf-check: accepted"

# 2. start time: M small primary zones, NSD on nsd.conf, then knotd on its conversion
port=$(python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
s="$work/start"
mkdir -p "$s/zones" "$s/knot/storage"
{
	printf 'server:\n\tip-address: 127.0.0.1@%s\n\tdo-ip6: no\n\tserver-count: 1\n' "$port"
	printf '\tusername: ""\n\tchroot: ""\n\tdatabase: ""\n\tzonesdir: "%s/zones"\n' "$s"
	printf '\tpidfile: "%s/nsd.pid"\n\txfrdfile: "%s/xfrd.state"\n\txfrdir: "%s"\n' "$s" "$s" "$s"
	printf '\tzonelistfile: "%s/zone.list"\n\tlogfile: "%s/nsd.log"\n' "$s" "$s"
	printf '\trrl-ratelimit: 0\n\nremote-control:\n\tcontrol-enable: no\n\n'
	printf 'pattern:\n\tname: p\n\tzonefile: "%%s.zone"\n\tprovide-xfr: 127.0.0.1 NOKEY\n\n'
	for ((z = 0; z < start_zones; z++)); do
		printf 'zone:\n\tname: z%d.test\n\tinclude-pattern: p\n' "$z"
	done
} > "$s/nsd.conf"
for ((z = 0; z < start_zones; z++)); do
	echo "z$z.test"
	printf '$ORIGIN z%d.test.\n$TTL 300\n@ SOA ns hostmaster 1 3600 900 604800 300\n@ NS ns\nns A 192.0.2.1\nwww A 192.0.2.80\n' \
		"$z" > "$s/zones/z$z.test.zone"
done > "$s/names"
limit=$((60 + start_zones / 50))
nsd_s=$(python3 tests/bench/start_time.py --port "$port" --zones "$s/names" --timeout "$limit" \
	-- /usr/sbin/nsd -d -c "$s/nsd.conf")
"$ours" convert -o "$s/knot.conf" --rundir "$s/knot" --storage "$s/knot/storage" "$s/nsd.conf" || true
knot_s=$(python3 tests/bench/start_time.py --port "$port" --zones "$s/names" --timeout "$limit" \
	-- /usr/sbin/knotd -c "$s/knot.conf")
echo "start: $start_zones zones, until the last zone answers SOA (one run each)"
echo "  NSD ${nsd_s}s, knotd on the converted knot.conf ${knot_s}s, ratio" \
     "$(awk -v a="$knot_s" -v b="$nsd_s" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')"
