#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Access-gate decision time for a 10-entry and a 10 000-entry provide-xfr list (goal: well
# under a microsecond for 10 entries, no linear growth for 10 000), against NSD's walk.
# Usage: gate-micro.sh [--smoke]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${BUILD:-build}/tests/bench/gate-micro
[ -x "$bin" ] || { echo "build first: $bin missing" >&2; exit 2; }
exec timeout 300 "$bin" "$@"
