#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The integration cases whose code runs inside knotd on its own threads (the remote
# control, a configuration commit, the NOTIFY sender and the self-NOTIFY hook) with the ASan/UBSan build of nsd.so: Debian's knotd
# with the sanitizer runtimes preloaded. Any sanitizer report fails the run.
# usage: asan-module.sh [build-asan]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build-asan}
module=$build/module/mod/nsd.so
[ -f "$module" ] || { echo "asan-module: no $module" >&2; exit 2; }
work=$(mktemp -d /tmp/knot-nsd-asan-module.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/reports"
cat >"$work/knotd" <<WRAP
#!/bin/sh
LD_PRELOAD="$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so)" \\
ASAN_OPTIONS=detect_leaks=1:log_path=$work/reports/asan \\
UBSAN_OPTIONS=print_stacktrace=1:log_path=$work/reports/ubsan exec /usr/sbin/knotd "\$@"
WRAP
chmod +x "$work/knotd"
status=0
KNOTD=$work/knotd /usr/bin/python3 tests/integration/control_server.py --module "$module" ||
	status=1
KNOTD=$work/knotd /usr/bin/python3 tests/integration/live.py --module "$module" conf-commit ||
	status=1
KNOTD=$work/knotd /usr/bin/python3 tests/integration/notify_change.py --module "$module" once ||
	status=1
if [ -n "$(ls -A "$work/reports")" ]; then
	cat "$work"/reports/* >&2
	echo "asan-module: sanitizer reports (above)" >&2
	status=1
fi
exit $status
