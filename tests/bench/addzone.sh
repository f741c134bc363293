#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Adding one zone to a running server of N zones, nsd-control addzone / reconfig against
# NSD and against knotd+mod-nsd (and a knotd configuration transaction for reference), and
# nsd-control status / zonestatus round trips, side by side.
# Usage: addzone.sh [--smoke] [--zones N] [--rounds R]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${BUILD:-build}
[ -f "$build/module/mod/nsd.so" ] || { echo "build first: $build/module/mod/nsd.so missing" >&2; exit 2; }
exec timeout 1800 /usr/bin/python3 tests/bench/addzone.py --module "$build/module/mod/nsd.so" "$@"
