#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Normal-query rate of knotd with and without mod-nsd loaded, the same zones (the include
# the module writes), dnsperf on loopback, interleaved runs, median ratio (goal >= 0.99).
# A third knotd runs an nsd.conf with allow-query on every zone: the gate decides each
# query there (its ratio is the price of allow-query, shown, no goal).
# Usage: query-rate.sh [--smoke] [--zones N] [--runs R] [--seconds S]
set -euo pipefail
cd "$(dirname "$0")/../.."
zones=1000 runs=7 secs=8
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) zones=50 runs=1 secs=1 ;;
	--zones) zones=$2; shift ;;
	--runs) runs=$2; shift ;;
	--seconds) secs=$2; shift ;;
	*) echo "usage: $0 [--smoke] [--zones N] [--runs R] [--seconds S]" >&2; exit 2 ;;
	esac
	shift
done
work=$(mktemp -d)
. tests/bench/knotd_lib.inc
trap 'knotd_stop_all; rm -rf "$work"' EXIT
[ -f "$module" ] || { echo "build first: $module missing" >&2; exit 2; }
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

qps() { # PORT
	timeout $((secs + 30)) dnsperf -s 127.0.0.1 -p "$1" -d "$work/queries" -l "$secs" \
		-c 4 -T 1 -q 64 -t 2 2>/dev/null | awk '/Queries per second/ { print $4 }'
}
mod=() plain=() aq=()
for ((i = 0; i < runs; i++)); do
	# interleaved, the order turned every run
	if ((i % 2)); then
		plain+=("$(qps "$pn")"); mod+=("$(qps "$pm")"); aq+=("$(qps "$pq")")
	else
		mod+=("$(qps "$pm")"); plain+=("$(qps "$pn")"); aq+=("$(qps "$pq")")
	fi
done
for v in "${mod[@]}" "${plain[@]}" "${aq[@]}"; do
	[ -n "$v" ] || { echo "query-rate: a dnsperf run gave no figure" >&2; exit 1; }
done
mm=$(median "${mod[@]}") mn=$(median "${plain[@]}") mq=$(median "${aq[@]}")
echo "zones=$zones runs=$runs seconds=$secs (interleaved, dnsperf -c 4 -T 1, $(nproc) CPUs)"
echo "  without mod-nsd:            median $mn q/s  (${plain[*]})"
echo "  with mod-nsd:               median $mm q/s  (${mod[*]})"
echo "  with mod-nsd, allow-query:  median $mq q/s  (${aq[*]})"
echo "  ratio with/without $(ratio "$mm" "$mn") (goal >= 0.99); allow-query/without $(ratio "$mq" "$mn")"
