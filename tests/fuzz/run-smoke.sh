#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A short libFuzzer run of the parser over the kept corpus plus the checkconf corpus as seeds.
# Usage: run-smoke.sh [seconds]   (default 30; CI runs the default)
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-30}
command -v clang >/dev/null || { echo "fuzz smoke: clang not installed" >&2; exit 1; }
if [ ! -f build-fuzz/build.ninja ]; then
	CC=clang meson setup build-fuzz -Dfuzzer=true -Dunit_tests=disabled \
		-Dintegration_tests=false -Db_lundef=false >/dev/null
fi
meson compile -C build-fuzz tests/fuzz/fuzz_parser >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp tests/fuzz/corpus/* "$work"/ 2>/dev/null || true
find tests/checkconf/corpus -maxdepth 1 -name '*.conf' -exec cp {} "$work"/ \; 2>/dev/null || true
# Run from an empty folder so relative includes in seeds resolve to nothing.
(cd "$work" && "$OLDPWD/build-fuzz/tests/fuzz/fuzz_parser" -max_total_time="$secs" \
	-max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$work" \
	> fuzz.log 2>&1) || { tail -50 "$work/fuzz.log"; exit 1; }
grep -E 'stat::number_of_executed_units|Done' "$work/fuzz.log" | head -3
echo "fuzz smoke: no crash in ${secs}s"
