#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Parse speed: nsd-checkconf vs knot-nsd checkconf on a generated 100 000-zone nsd.conf,
# interleaved runs, median ratio (goal <= 0.20), same answer, peak memory.
# Usage: parse.sh [--smoke] [--zones N] [--runs R]
set -euo pipefail
cd "$(dirname "$0")/../.."
zones=100000 runs=5
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) zones=2000 runs=1 ;;
	--zones) zones=$2; shift ;;
	--runs) runs=$2; shift ;;
	*) echo "usage: $0 [--smoke] [--zones N] [--runs R]" >&2; exit 2 ;;
	esac
	shift
done
ours=${KNOT_NSD:-build/module/cli/knot-nsd}
[ -x "$ours" ] || { echo "build first: $ours missing" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 tests/bench/gen_nsdconf.py "$zones" "$work/nsd.conf"

# Same answer: the full -v dump and the zone list must be byte-identical.
for q in "-v" "-o zones" "-o patterns"; do
	/usr/sbin/nsd-checkconf $q "$work/nsd.conf" > "$work/nsd.out"
	"$ours" checkconf $q "$work/nsd.conf" > "$work/ours.out"
	cmp -s "$work/nsd.out" "$work/ours.out" || { echo "parse bench: outputs differ for $q" >&2; exit 1; }
done

t() { # wall seconds, CPU seconds (user+sys) and peak KiB of one run (0.1 ms resolution)
	/usr/bin/python3 tests/bench/timed_run.py "$@"
}
nsd_t=() our_t=() nsd_c=() our_c=() nsd_m=0 our_m=0
for ((i = 0; i < runs; i++)); do
	read -r s c m < <(t /usr/sbin/nsd-checkconf "$work/nsd.conf"); nsd_t+=("$s"); nsd_c+=("$c"); nsd_m=$m
	read -r s c m < <(t "$ours" checkconf "$work/nsd.conf"); our_t+=("$s"); our_c+=("$c"); our_m=$m
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }'; }
mn=$(median "${nsd_t[@]}") mo=$(median "${our_t[@]}")
cn=$(median "${nsd_c[@]}") co=$(median "${our_c[@]}")
echo "zones=$zones runs=$runs (interleaved)"
echo "  wall: nsd-checkconf median ${mn}s, knot-nsd checkconf median ${mo}s, ratio $(ratio "$mo" "$mn") (goal <= 0.20)"
echo "  cpu:  nsd-checkconf median ${cn}s, knot-nsd checkconf median ${co}s, ratio $(ratio "$co" "$cn")"
echo "  peak memory: nsd-checkconf ${nsd_m} KiB, knot-nsd checkconf ${our_m} KiB"
