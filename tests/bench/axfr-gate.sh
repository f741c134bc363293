#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# AXFR of a 1 000 000-record zone through mod-nsd's access gate vs knotd without the
# module (the same zone and include), kdig on loopback, interleaved runs, median time
# ratio (goal <= 1.02), unsigned and TSIG-signed. Timings on a busy machine move by
# tens of percent; the last part counts instructions instead (valgrind --tool=callgrind,
# not in --smoke, a 100 000-record zone): the hook's share of what knotd executes for one
# transfer.
# Usage: axfr-gate.sh [--smoke] [--no-callgrind] [--records N] [--runs R]
set -euo pipefail
cd "$(dirname "$0")/../.."
records=1000000 runs=7 callgrind=1
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) records=10000 runs=1 callgrind=0 ;;
	--no-callgrind) callgrind=0 ;;
	--records) records=$2; shift ;;
	--runs) runs=$2; shift ;;
	*) echo "usage: $0 [--smoke] [--no-callgrind] [--records N] [--runs R]" >&2; exit 2 ;;
	esac
	shift
done
. tests/bench/knotd_lib.inc
secret=AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=

mkdir -p "$work/zones"
awk -v n="$records" 'BEGIN {
	print "$ORIGIN big.test.\n$TTL 300\n@ SOA ns hostmaster 1 3600 900 604800 300\n@ NS ns\nns A 192.0.2.1"
	for (i = 0; i < n - 3; i++)
		printf "h%d A 10.%d.%d.%d\n", i, int(i / 65536) % 256, int(i / 256) % 256, i % 256
}' > "$work/zones/big.test.zone"
# a provide-xfr list the gate has to walk, the allowed entries last
cat > "$work/nsd.conf" <<EOF
server:
	zonesdir: "$work/zones"
	zonelistfile: "$work/zone.list"
key:
	name: k1
	algorithm: hmac-sha256
	secret: "$secret"
zone:
	name: big.test
	zonefile: big.test.zone
	provide-xfr: 192.0.2.1 NOKEY
	provide-xfr: 192.0.2.0/24 k1
	provide-xfr: 10.0.0.0&255.0.255.0 NOKEY
	provide-xfr: 198.51.100.1-198.51.100.20 NOKEY
	provide-xfr: 127.0.0.2@5300 NOKEY
	provide-xfr: 127.0.0.3 BLOCKED
	provide-xfr: ::2 NOKEY
	provide-xfr: 203.0.113.0/24 NOKEY
	provide-xfr: 127.0.0.1 k1
	provide-xfr: 127.0.0.1 NOKEY
EOF

pm=$(free_port) pn=$(free_port)
knotd_conf "$work/mod" "$pm" "$work/nsd.conf" "$work/mod/inc"
knotd_start "$work/mod"
wait_soa "$pm" big.test 300
knotd_conf "$work/plain" "$pn" "" "$work/plain/inc"
cp "$work/mod/inc/nsd.conf" "$work/plain/inc/nsd.conf"
knotd_start "$work/plain"
wait_soa "$pn" big.test 300

xfr_ms() { # PORT [kdig options]: the transfer time kdig reports, after checking it is whole
	local port=$1 out
	shift
	out=$(timeout 300 kdig @127.0.0.1 -p "$port" big.test AXFR +noall +stats "$@" 2>&1) || true
	if [[ $out != *"$((records + 1)) records"* ]]; then
		echo "axfr-gate: incomplete AXFR from port $port: $(echo "$out" | grep -m1 -E 'Received|ERROR|WARNING')" >&2
		return 1
	fi
	echo "$out" | sed -n 's/.* in \([0-9.]*\) ms.*/\1/p' | head -1
}
tsig=(-y "hmac-sha256:k1:$secret")
# other load only ever adds time: the fastest run of each is the other robust figure
minimum() { printf '%s\n' "$@" | sort -g | head -1; }
m=() n=() ms=() ns=()
for ((i = 0; i < runs; i++)); do
	if ((i % 2)); then
		n+=("$(xfr_ms "$pn")"); m+=("$(xfr_ms "$pm")")
		ns+=("$(xfr_ms "$pn" "${tsig[@]}")"); ms+=("$(xfr_ms "$pm" "${tsig[@]}")")
	else
		m+=("$(xfr_ms "$pm")"); n+=("$(xfr_ms "$pn")")
		ms+=("$(xfr_ms "$pm" "${tsig[@]}")"); ns+=("$(xfr_ms "$pn" "${tsig[@]}")")
	fi
done
for v in "${m[@]}" "${n[@]}" "${ms[@]}" "${ns[@]}"; do
	[ -n "$v" ] || { echo "axfr-gate: a run gave no time" >&2; exit 1; }
done
msgs=$(timeout 300 kdig @127.0.0.1 -p "$pm" big.test AXFR +noall +stats 2>&1 | sed -n 's/.*(\([0-9]*\) messages.*/\1/p')
echo "records=$records ($msgs messages per AXFR) runs=$runs (interleaved, kdig, $(nproc) CPUs)"
echo "  unsigned: without mod-nsd median $(median "${n[@]}") ms (${n[*]})"
echo "            with mod-nsd    median $(median "${m[@]}") ms (${m[*]})"
echo "            ratio $(ratio "$(median "${m[@]}")" "$(median "${n[@]}")") (goal <= 1.02), fastest runs $(ratio "$(minimum "${m[@]}")" "$(minimum "${n[@]}")")"
echo "  TSIG:     without mod-nsd median $(median "${ns[@]}") ms (${ns[*]})"
echo "            with mod-nsd    median $(median "${ms[@]}") ms (${ms[*]})"
echo "            ratio $(ratio "$(median "${ms[@]}")" "$(median "${ns[@]}")") (goal <= 1.02), fastest runs $(ratio "$(minimum "${ms[@]}")" "$(minimum "${ns[@]}")")"

[ "$callgrind" = 1 ] || exit 0
command -v valgrind > /dev/null || { echo "  (valgrind missing: no instruction counts)"; exit 0; }
knotd_stop_all
cg=$((records < 100000 ? records : 100000))
awk -v n="$cg" 'BEGIN {
	print "$ORIGIN big.test.\n$TTL 300\n@ SOA ns hostmaster 1 3600 900 604800 300\n@ NS ns\nns A 192.0.2.1"
	for (i = 0; i < n - 3; i++)
		printf "h%d A 10.%d.%d.%d\n", i, int(i / 65536) % 256, int(i / 256) % 256, i % 256
}' > "$work/zones/big.test.zone"
d=$work/mod
setsid valgrind --tool=callgrind --callgrind-out-file="$d/cg.%p" "$KNOTD" -c "$d/knot.conf" \
	> "$d/valgrind.log" 2>&1 < /dev/null &
vpid=$!
knotd_pids+=("$vpid")
echo "$vpid" > "$d/vpid"
wait_soa "$pm" big.test 600
sleep 5   # zone loading settles first
echo "  instructions per AXFR of $cg records (callgrind):"
for mode in unsigned TSIG; do
	opts=()
	[ "$mode" = TSIG ] && opts=("${tsig[@]}")
	timeout 30 callgrind_control -z "$vpid" > /dev/null 2>&1
	msgs=$(timeout 300 kdig @127.0.0.1 -p "$pm" big.test AXFR +noall +stats "${opts[@]}" 2>&1 |
		sed -n 's/.*(\([0-9]*\) messages.*/\1/p')
	timeout 30 callgrind_control -d "$vpid" > /dev/null 2>&1
	f=$(ls -t "$d"/cg."$vpid".* | head -1)
	total=$(callgrind_annotate "$f" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
	hook=$(callgrind_annotate --inclusive=yes --threshold=100 "$f" 2>/dev/null |
		awk '/gate_hook.c:gate_begin/ && h == "" { gsub(",", "", $1); h = $1 } END { print h }')
	awk -v m="$mode" -v t="$total" -v h="${hook:-0}" -v n="$msgs" 'BEGIN {
		printf "    %-8s knotd %.0f, the gate hook %.0f (%.1f per message, the checks of the first included; %.4f %%)\n",
			m, t, h, (n > 0 ? h / n : 0), (t > 0 ? 100 * h / t : 0) }'
done
