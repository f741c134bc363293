#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A fleet through a catalog zone: addzone on the producer to the member served by every
# consumer, all-NSD against knotd+mod-nsd beside NSD (NSD 4.9+; skipped before).
# Usage: catalog.sh [--smoke] [--members N] [--rounds R]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${BUILD:-build}
[ -f "$build/module/mod/nsd.so" ] || { echo "build first: $build/module/mod/nsd.so missing" >&2; exit 2; }
exec timeout 1800 /usr/bin/python3 tests/bench/catalog_fleet.py --module "$build/module/mod/nsd.so" "$@"
