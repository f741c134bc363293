#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# NOTIFY and watch-mode figures, knotd+mod-nsd beside NSD 4.6.1 in one run: nsd.conf edit
# -> zone served in watch mode (and with knotc reload / nsd-control reconfig), NOTIFY
# fan-out to N secondaries after a serial change and at start-up, ratio knotd/NSD.
# Usage: notify.sh [--smoke] [--targets N] [--rounds R] [--edits E]
set -euo pipefail
cd "$(dirname "$0")/../.."
args=() limit=900
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) args+=(--targets 10 --rounds 1 --edits 1); limit=90 ;;
	--targets|--rounds|--edits) args+=("$1" "$2"); shift ;;
	*) echo "usage: $0 [--smoke] [--targets N] [--rounds R] [--edits E]" >&2; exit 2 ;;
	esac
	shift
done
module=${KNOT_NSD_MODULE:-${BUILD:-build}/module/mod/nsd.so}
[ -f "$module" ] || { echo "build first: $module missing" >&2; exit 2; }
py=/usr/bin/python3   # Debian's, with python3-dnspython
for p in "$py" /usr/sbin/nsd /usr/sbin/nsd-control /usr/sbin/knotd /usr/sbin/knotc; do
	[ -x "$p" ] || { echo "notify bench: $p missing" >&2; exit 2; }
done
# every wait inside is bounded; this bounds the whole run too (daemons are stopped by PID
# on the way out, also on SIGTERM)
exec timeout -k 5 "$limit" "$py" tests/bench/notify_bench.py --module "$module" "${args[@]}"
