#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A short libFuzzer run of the parser (the kept corpus plus the checkconf corpus as seeds),
# then of the remote control (tests/fuzz/corpus-control), in 2/3 and 1/3 of the time.
# Usage: run-smoke.sh [seconds]   (default 30; CI runs the default)
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-30}
command -v clang >/dev/null || { echo "fuzz smoke: clang not installed" >&2; exit 1; }
# Every object is built with coverage and the sanitizers, not only the harnesses: without
# it libFuzzer sees none of the code under test (12 edges for the whole parser) and ASan
# does not check its accesses.
instrument=(-Db_sanitize=address,undefined -Dc_args=-fsanitize=fuzzer-no-link)
if [ ! -f build-fuzz/build.ninja ]; then
	CC=clang meson setup build-fuzz -Dfuzzer=true -Dunit_tests=disabled \
		-Dintegration_tests=false -Db_lundef=false "${instrument[@]}" >/dev/null
elif ! grep -q fuzzer-no-link build-fuzz/build.ninja; then
	meson configure build-fuzz "${instrument[@]}" >/dev/null
fi
meson compile -C build-fuzz tests/fuzz/fuzz_parser tests/fuzz/fuzz_control >/dev/null
parser_secs=$((secs * 2 / 3))
[ "$parser_secs" -ge 1 ] || parser_secs=1
control_secs=$((secs - parser_secs))
[ "$control_secs" -ge 1 ] || control_secs=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# run <harness> <seconds> <corpus folder>: from an empty folder, so that relative
# includes in parser seeds resolve to nothing
run() {
	(cd "$work/$1.run" && "$OLDPWD/build-fuzz/tests/fuzz/$1" -max_total_time="$2" \
		-max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$3" \
		> "$work/$1.log" 2>&1) || { tail -50 "$work/$1.log"; exit 1; }
	grep -E 'stat::number_of_executed_units|Done' "$work/$1.log" | head -3
	echo "fuzz smoke: $1: no crash in ${2}s"
}

mkdir "$work/parser" "$work/fuzz_parser.run" "$work/fuzz_control.run"
cp tests/fuzz/corpus/* "$work/parser"/ 2>/dev/null || true
find tests/checkconf/corpus -maxdepth 1 -name '*.conf' -exec cp {} "$work/parser"/ \; 2>/dev/null || true
run fuzz_parser "$parser_secs" "$work/parser"
# The control seeds' first byte is the harness's (fuzz_control.c): piece size and failures.
cp -r tests/fuzz/corpus-control "$work/control"
run fuzz_control "$control_secs" "$work/control"
