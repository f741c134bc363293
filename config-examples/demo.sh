#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Demo on loopback: NSD primary -> knotd+mod-nsd secondary, then knotd+mod-nsd primary -> NSD
# secondary, both on the unchanged nsd.conf pair of config-examples/. Builds nothing.
#
# usage: bash config-examples/demo.sh [build-dir]     (default: ./build)
#        bash config-examples/demo.sh --installed     (knot-module-nsd's nsd.so, loaded by
#                                                      knotd from its module directory)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# knotd's module directory: pkg-config's (libknot-dev), else the one knot installed
instdir=$(pkg-config --variable=module_instdir knotd 2>/dev/null ||
	ls -d /usr/lib/*/knot/modules-* 2>/dev/null | tail -n 1 || true)
installed=0
if [ "${1:-}" = --installed ]; then
	installed=1
	module=$instdir/nsd.so
	[ -f "$module" ] || { echo "demo: no module at $module (install knot-module-nsd)" >&2; exit 1; }
else
	build=$(cd "${1:-$here/../build}" && pwd)
	module=$build/module/mod/nsd.so
	[ -f "$module" ] || { echo "demo: no module at $module; build first (meson compile -C build)" >&2; exit 1; }
	# knotd loads every module of its module directory by itself: a second 'module:
	# mod-nsd' from the build folder would be rejected as a duplicate
	[ ! -f "$instdir/nsd.so" ] || {
		echo "demo: knot-module-nsd is installed ($instdir/nsd.so): run with --installed," \
			"or remove the package to run the build's module" >&2
		exit 1
	}
fi
for p in nsd nsd-control knotd knotc kdig; do
	command -v "$p" >/dev/null || [ -x "/usr/sbin/$p" ] || { echo "demo: $p is missing" >&2; exit 1; }
done
export PATH=$PATH:/usr/sbin

tmp=$(mktemp -d /tmp/knot-nsd-demo.XXXXXX)
pids=()

stop_pid() {
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
}
stop_all() {
	local pid
	for pid in "${pids[@]}"; do stop_pid "$pid"; done
	pids=()
}
cleanup() {
	stop_all
	if [ "${KEEP:-0}" = 1 ]; then echo "files kept in $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 53001/53002 as in the examples, or other free ports if those are taken.
free_port() {
	python3 - "$1" <<'PY'
import socket, sys
want = int(sys.argv[1])
for port in [want] + list(range(0, 20)):
    try:
        t = socket.socket(); t.bind(('127.0.0.1', port)); port = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('127.0.0.1', port))
        t.close(); u.close(); print(port); break
    except OSError:
        pass
PY
}
p1=$(free_port 53001)
p2=$(free_port 53002)
[ "$p1" != "$p2" ] || p2=$(free_port 0)

say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
run() { printf '  $ %s\n' "$*"; { "$@" 2>&1 || true; } | sed 's/^/    /'; }
serial() { kdig @127.0.0.1 -p "$1" example.com SOA +short +time=1 +retry=0 2>/dev/null | awk '{print $3}'; }
wait_serial() { # port serial what
	local i
	for i in $(seq 150); do
		[ "$(serial "$1")" = "$2" ] && { echo "  $3 serves example.com serial $2"; return 0; }
		sleep 0.2
	done
	echo "  $3 does not serve serial $2 (it says '$(serial "$1")'); logs in $tmp" >&2
	KEEP=1
	exit 1
}
bump() { # zone file: serial + 1 and one more record
	local f=$1 new=$2
	sed -i -E "s/^([[:space:]]*)[0-9]+( ; serial)/\1$new\2/" "$f"
	printf 'new%s\tIN A\t192.0.2.%d\n' "$new" $((new % 200 + 20)) >> "$f"
}

# A copy of config-examples/ for one part of the demo, with its paths and ports.
prepare() { # dir role-of-knotd
	local d=$1 role=$2 kport
	mkdir -p "$d"
	cp -r "$here/primary" "$here/secondary" "$here/knot.conf" "$d/"
	[ "$role" = secondary ] && kport=$p2 || kport=$p1
	sed -i -e "s|/tmp/knot-nsd-demo|$d|g" -e "s|@53001|@$p1|g" -e "s|@53002|@$p2|g" \
		"$d/primary/nsd.conf" "$d/secondary/nsd.conf"
	sed -i -e "s|/tmp/knot-nsd-demo|$d|g" -e "s|file: .*nsd\.so|file: $module|" \
		-e "s|listen: 127.0.0.1@53002|listen: 127.0.0.1@$kport|" \
		-e "s|$d/secondary/nsd.conf|$d/$role/nsd.conf|" "$d/knot.conf"
	if [ "$installed" = 1 ]; then
		# the whole 'module:' section goes, as knot.conf's comment says
		sed -i -e '/^module:$/,/^$/d' "$d/knot.conf"
	fi
	mkdir -p "$d/knotd/storage"
}

start_nsd() { # conf
	nsd -d -c "$1" >"$(dirname "$1")/nsd.out" 2>&1 &
	pids+=($!)
}
start_knotd() { # dir
	knotd -c "$1/knot.conf" >"$1/knotd/knotd.out" 2>&1 &
	pids+=($!)
	local i
	for i in $(seq 100); do
		knotc -s "$1/knotd/knot.sock" status >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "knotd did not start; see $1/knotd/knot.log" >&2
	KEEP=1
	exit 1
}

say "knot-nsd demo in $tmp (ports $p1 and $p2 on 127.0.0.1, module $module)"
echo "NSD's primary/secondary tutorial (config-examples/primary/nsd.conf and secondary/nsd.conf,"
echo "one TSIG key 'demo-key'), run once with knotd as the secondary and once as the primary."

# --- part 1 ---------------------------------------------------------------
d=$tmp/1
prepare "$d" secondary
say "Part 1: NSD primary -> knotd+mod-nsd secondary"
echo "1. NSD starts as the primary of example.com, on primary/nsd.conf:"
start_nsd "$d/primary/nsd.conf"
wait_serial "$p1" 2024010101 "NSD (primary, port $p1)"

echo "2. knotd starts on knot.conf, whose mod-nsd reads secondary/nsd.conf, unchanged."
echo "   The module writes knotd's include from it and has knotd reload once:"
start_knotd "$d"
wait_serial "$p2" 2024010101 "knotd+mod-nsd (secondary, port $p2)"
run grep -E "mod-nsd|AXFR, incoming" "$d/knotd/knot.log"
echo "   The include the module wrote ($d/knotd/nsd/nsd.conf), secrets hidden:"
sed -e 's/secret: .*/secret: .../' "$d/knotd/nsd/nsd.conf" | sed 's/^/    | /'

echo "3. An edit on the primary: serial 2024010102 and a new record, then nsd-control reload."
bump "$d/primary/example.com.zone" 2024010102
run nsd-control -c "$d/primary/nsd.conf" reload example.com
echo "4. NSD sends NOTIFY (signed with demo-key); knotd transfers the new version:"
wait_serial "$p2" 2024010102 "knotd+mod-nsd (secondary)"
run kdig @127.0.0.1 -p "$p2" new2024010102.example.com A +short
run grep -E "notify, incoming|IXFR, incoming|AXFR, incoming.*finished" "$d/knotd/knot.log"
echo "   and writes the zone where secondary/nsd.conf says (zonesdir + zonefile), within"
echo "   a second as its zonefiles-write: 1 asks:"
for i in $(seq 50); do
	grep -q new2024010102 "$d/secondary/example.com.zone" 2>/dev/null && break
	sleep 0.1
done
run grep -E "SOA|new2024010102" "$d/secondary/example.com.zone"
echo "5. nsd-control, unchanged, on secondary/nsd.conf: mod-nsd serves NSD's control socket:"
run nsd-control -c "$d/secondary/nsd.conf" zonestatus example.com
stop_all

# --- part 2 ---------------------------------------------------------------
d=$tmp/2
prepare "$d" primary
say "Part 2: knotd+mod-nsd primary -> NSD secondary"
echo "1. knotd starts on knot.conf, whose mod-nsd now reads primary/nsd.conf, unchanged:"
start_knotd "$d"
wait_serial "$p1" 2024010101 "knotd+mod-nsd (primary, port $p1)"
echo "2. NSD starts as the secondary, on secondary/nsd.conf, and transfers from knotd:"
start_nsd "$d/secondary/nsd.conf"
wait_serial "$p2" 2024010101 "NSD (secondary, port $p2)"
run grep -E "TSIG verified" "$d/secondary/nsd.log"

echo "3. An edit on the primary's zone file: serial 2024010102 and a new record,"
echo "   then nsd-control reload, as with NSD (mod-nsd asks knotd for a zone-reload):"
bump "$d/primary/example.com.zone" 2024010102
run nsd-control -c "$d/primary/nsd.conf" reload example.com
echo "4. knotd sends NOTIFY to the notify: target of primary/nsd.conf; NSD transfers:"
wait_serial "$p2" 2024010102 "NSD (secondary)"
run kdig @127.0.0.1 -p "$p2" new2024010102.example.com A +short
run grep -E "notify|TSIG verified" "$d/secondary/nsd.log"

echo "5. Someone without the key asks knotd for the zone (unsigned AXFR): refused."
run kdig @127.0.0.1 -p "$p1" example.com AXFR +time=2 +retry=0
stop_all

say "Done: every daemon stopped."
