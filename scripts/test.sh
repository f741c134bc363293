#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The whole test suite: unit, checkconf differential, convert, doc, integration (real knotd
# and nsd on loopback), then unit+checkconf again under AddressSanitizer/UBSan, a short
# fuzz run, the benchmark smoke runs and the Debian packages; then all of it again on the
# other Debian release (12 <-> 13) in a debootstrap environment (scripts/other-release.sh;
# KNOT_NSD_OTHER_RELEASE=no skips it). Prints the pass counts per release and suite and
# ends with one "N passed, M failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

t_start=$SECONDS
bash scripts/setup-debian.sh

# The other release's environment is made (on a fresh machine: Debian's archive, a few
# minutes, mostly downloading and unpacking) while this release's suites run; the run on
# it waits for it at the end. Its own session, so that an aborted run can stop it whole.
other_prep_pid=
other_prep_log=
if [ "${KNOT_NSD_OTHER_RELEASE:-yes}" != no ]; then
	other_prep_log=$(mktemp /tmp/knot-nsd-other-prep.XXXXXX)
	setsid bash scripts/other-release.sh --prepare >"$other_prep_log" 2>&1 &
	other_prep_pid=$!
fi
stop_prep() { [ -z "$other_prep_pid" ] || kill -- -"$other_prep_pid" 2>/dev/null || true; }
. /etc/os-release
release="Debian ${VERSION_ID:-?} (knotd $(dpkg-query -W -f '${Version}' knot), NSD $(dpkg-query -W -f '${Version}' nsd))"

passed=0
failed=0
results=$(mktemp /tmp/knot-nsd-results.XXXXXX)
times=$(mktemp /tmp/knot-nsd-times.XXXXXX)
t_mark=$SECONDS
took() { # phase: the seconds since the previous mark, for the run's time table
	printf '  %-22s %5d s\n' "$1" $((SECONDS - t_mark)) >>"$times"
	t_mark=$SECONDS
}
tally() { # suite ok bad
	printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$results"
	passed=$((passed + $2))
	failed=$((failed + $3))
}
count() { # meson's machine-readable log (one JSON object per test) [suite-name prefix]
	local log=$1 prefix=${2:-} suite ok bad rows
	# no log, or one without a test: meson failed before testing; that is a failure
	if ! rows=$(python3 - "$log" <<'PY'
import json, sys
per = {}
for line in open(sys.argv[1]):
    t = json.loads(line)
    # "knot-nsd:unit / unit.gate": the suite is the part after the project name
    suite = t.get("name", "?").split(" / ")[0].split(":")[-1]
    ok = t.get("result") in ("OK", "EXPECTEDFAIL", "SKIP")
    per.setdefault(suite, [0, 0])[0 if ok else 1] += 1
    if not ok:
        print("FAILED:", t.get("name"), file=sys.stderr)
for suite, (ok, bad) in sorted(per.items()):
    print(suite, ok, bad)
PY
) || [ -z "$rows" ]; then
		tally "${prefix}meson" 0 1
		echo "FAILED: no test results in $log" >&2
		return
	fi
	while read -r suite ok bad; do
		tally "$prefix$suite" "$ok" "$bad"
	done <<<"$rows"
}
step() { # suite-name command...: one pass or one failure
	local name=$1; shift
	if "$@"; then tally "$name" 1 0; else tally "$name" 0 1; echo "FAILED: $*" >&2; fi
}

run_suite() { # build-dir [suite-name prefix] [meson test arguments]
	local dir=$1 prefix=$2; shift 2
	rm -f "$dir/meson-logs/testlog.json"   # never count an earlier run's results
	meson test -C "$dir" --print-errorlogs "$@" || true
	count "$dir/meson-logs/testlog.json" "$prefix"
}

# nsd-checkconf's answers, computed once for this run: every checkconf shard of both
# builds compares against them (tests/checkconf/README.md). This run also proves that
# nsd-checkconf fails (or passes) each corpus file for the reason its header names.
KNOT_NSD_CHECKCONF_CACHE=$(mktemp -d /tmp/knot-nsd-checkconf.XXXXXX)
export KNOT_NSD_CHECKCONF_CACHE
trap 'stop_prep; rm -rf "$KNOT_NSD_CHECKCONF_CACHE" "$results" "$times" "$other_prep_log"' EXIT
took setup
nsd_only() { python3 tests/checkconf/run.py --nsd-only | tail -n 3; }
step checkconf-reference nsd_only
took checkconf-reference

meson setup build --reconfigure >/dev/null 2>&1 || meson setup build
meson compile -C build
took build
run_suite build ""
took suites

meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dintegration_tests=false \
	--reconfigure >/dev/null 2>&1 ||
	meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dintegration_tests=false
meson compile -C build-asan
took build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	run_suite build-asan asan- --suite unit --suite checkconf
took asan-suites
# the module's own threads inside Debian's knotd, with the sanitizer runtimes preloaded
step asan-module bash tests/integration/asan-module.sh build-asan
took asan-module

step fuzz bash tests/fuzz/run-smoke.sh
took fuzz
for b in tests/bench/*.sh; do
	step bench bash "$b" --smoke
done
took bench
# Last, as it installs packages for a while: knotd would load the installed module
# beside the builds' (scripts/test-packages.sh removes them again).
step packages bash scripts/test-packages.sh
took packages

summary() { # title
	echo "== $1"
	sort "$results" | awk -F'\t' '{ ok[$1] += $2; bad[$1] += $3 }
		END { for (s in ok) printf "  %-22s %5d passed %3d failed\n", s, ok[s], bad[s] }' | sort
	echo "  $passed passed, $failed failed"
	echo "  time, $((SECONDS - t_start)) s in all:"
	cat "$times"
}
summary "$release"

if [ "${KNOT_NSD_OTHER_RELEASE:-yes}" != no ]; then
	other_log=$(mktemp /tmp/knot-nsd-other.XXXXXX)
	trap 'stop_prep; rm -rf "$KNOT_NSD_CHECKCONF_CACHE" "$results" "$times" "$other_prep_log" "$other_log"' EXIT
	t_wait=$SECONDS
	# a failed preparation is made again, in the open, by other-release.sh itself
	wait "$other_prep_pid" || true
	other_prep_pid=
	cat "$other_prep_log"
	echo "other-release: waited $((SECONDS - t_wait)) s for the environment"
	bash scripts/other-release.sh 2>&1 | tee "$other_log" || true
	last=$(tail -n 1 "$other_log")
	if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		passed=$((passed + BASH_REMATCH[1]))
		failed=$((failed + BASH_REMATCH[2]))
	else
		failed=$((failed + 1)); echo "FAILED: scripts/other-release.sh ended without a count" >&2
	fi
	rm -f "$other_log"
fi

echo "the whole run: $((SECONDS - t_start)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
