#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The Debian packages, end to end: build them (scripts/build-packages.sh, lintian
# included), install them, run the tutorial pair with the installed module (knotd loads
# it from its module directory, knot.conf has no 'module:' section), check that
# knot-nsd answers from /usr/bin, then remove them again: knotd would otherwise load the
# installed module beside a build's and reject the duplicate. Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=(knot-module-nsd knot-nsd)
installed() { dpkg-query -W -f '${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
# This test removes what it installs: it must not remove an operator's own copy.
for p in "${pkgs[@]}"; do
	if installed "$p"; then
		echo "test-packages: $p is installed already; remove it first" >&2
		exit 1
	fi
done
out=$(mktemp -d /tmp/knot-nsd-packages.XXXXXX)
cleanup() {
	local p
	DEBIAN_FRONTEND=noninteractive dpkg --purge "${pkgs[@]}" >/dev/null 2>&1 || true
	for p in "${pkgs[@]}"; do
		! installed "$p" || echo "test-packages: $p could not be removed" >&2
	done
	rm -rf "$out"
}
trap cleanup EXIT

bash scripts/build-packages.sh "$out"
debs=("$out"/knot-module-nsd_*.deb "$out"/knot-nsd_*.deb)
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${debs[@]}" >/dev/null
dpkg -L knot-module-nsd | grep -q "^$(pkg-config --variable=module_instdir knotd)/nsd.so$"
/usr/bin/knot-nsd checkconf config-examples/primary/nsd.conf
man -w knot-nsd >/dev/null

log=$out/demo.log
if ! bash config-examples/demo.sh --installed >"$log" 2>&1; then
	tail -n 30 "$log" >&2
	echo "test-packages: the demo failed with the installed packages" >&2
	exit 1
fi
grep -q "module $(pkg-config --variable=module_instdir knotd)/nsd.so" "$log"
grep -q "NSD (secondary) serves example.com serial 2024010102" "$log"
grep -q "knotd+mod-nsd (secondary) serves example.com serial 2024010102" "$log"
echo "packages: built, installed, served the tutorial pair, removed"
