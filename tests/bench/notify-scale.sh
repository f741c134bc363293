#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# NOTIFY of every zone at start and after a burst of changes, and the idle cost, on an
# nsd.conf of many zones: NSD, then knotd+mod-nsd. Usage: notify-scale.sh [--smoke] [args]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${BUILD:-build}
[ -f "$build/module/mod/nsd.so" ] || { echo "build first: $build/module/mod/nsd.so missing" >&2; exit 2; }
exec timeout 900 /usr/bin/python3 tests/bench/notify_scale.py --module "$build/module/mod/nsd.so" "$@"
