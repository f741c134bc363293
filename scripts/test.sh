#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The whole test suite: unit, checkconf differential, integration (real knotd and nsd on
# loopback), then unit+checkconf again under AddressSanitizer/UBSan, a short fuzz run
# and the benchmark smoke runs. Ends with one "N passed, M failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

bash scripts/setup-debian.sh

passed=0
failed=0
count() {
	# Meson's machine-readable log: one JSON object per test.
	local log=$1
	local r
	r=$(python3 - "$log" <<'PY'
import json, sys
ok = bad = 0
for line in open(sys.argv[1]):
    t = json.loads(line)
    if t.get("result") in ("OK", "EXPECTEDFAIL", "SKIP"):
        ok += 1
    else:
        bad += 1
        print("FAILED:", t.get("name"), file=sys.stderr)
print(ok, bad)
PY
)
	passed=$((passed + ${r% *}))
	failed=$((failed + ${r#* }))
}

run_suite() {
	local dir=$1; shift
	meson test -C "$dir" --print-errorlogs "$@" || true
	count "$dir/meson-logs/testlog.json"
}

# nsd-checkconf's answers, computed once for this run: every checkconf shard of both
# builds compares against them (tests/checkconf/README.md). This run also proves that
# nsd-checkconf fails (or passes) each corpus file for the reason its header names.
KNOT_NSD_CHECKCONF_CACHE=$(mktemp -d /tmp/knot-nsd-checkconf.XXXXXX)
export KNOT_NSD_CHECKCONF_CACHE
trap 'rm -rf "$KNOT_NSD_CHECKCONF_CACHE"' EXIT
if python3 tests/checkconf/run.py --nsd-only | tail -n 3; then
	passed=$((passed + 1))
else
	failed=$((failed + 1)); echo "FAILED: tests/checkconf/run.py --nsd-only" >&2
fi

meson setup build --reconfigure >/dev/null 2>&1 || meson setup build
meson compile -C build
run_suite build

meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dintegration_tests=false \
	--reconfigure >/dev/null 2>&1 ||
	meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dintegration_tests=false
meson compile -C build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	run_suite build-asan --suite unit --suite checkconf

if [ -x tests/fuzz/run-smoke.sh ]; then
	if bash tests/fuzz/run-smoke.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
fi
# Last, as it installs packages for a while: knotd would load the installed module
# beside the builds' (scripts/test-packages.sh removes them again).
packages_step() {
	if bash scripts/test-packages.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: scripts/test-packages.sh" >&2; fi
}
for b in tests/bench/*.sh; do
	[ -e "$b" ] || continue
	if bash "$b" --smoke; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $b --smoke" >&2; fi
done

packages_step

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
