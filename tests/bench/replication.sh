#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# NOTIFY-to-new-serial of NSD->NSD, NSD->knotd+mod-nsd and knotd+mod-nsd->NSD side by side,
# and mod-nsd's load on a 100 000-zone nsd.conf. Usage: replication.sh [--smoke] [args]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${BUILD:-build}
[ -f "$build/module/mod/nsd.so" ] || { echo "build first: $build/module/mod/nsd.so missing" >&2; exit 2; }
exec timeout 600 /usr/bin/python3 tests/bench/replication.py --module "$build/module/mod/nsd.so" "$@"
